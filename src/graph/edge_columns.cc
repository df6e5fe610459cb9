// Blocks of rows of borrowed transaction columns.
#include <numeric>

#include "moneytrail/check.h"
#include "moneytrail/graph.h"

namespace moneytrail::graph {

EdgeColumns RowBlock(const EdgeColumns& columns, size_t first, size_t count,
                     std::vector<TransactionId>& id_storage) {
  MT_CHECK(first <= columns.size() && count <= columns.size() - first);
  std::span<const TransactionId> id;
  if (columns.id.empty()) {
    id_storage.resize(count);
    std::iota(id_storage.begin(), id_storage.end(), static_cast<TransactionId>(first));
    id = id_storage;
  } else {
    id = columns.id.subspan(first, count);
  }
  return {columns.source.subspan(first, count), columns.destination.subspan(first, count),
          columns.time.subspan(first, count),
          columns.amount.empty() ? columns.amount : columns.amount.subspan(first, count), id};
}

}  // namespace moneytrail::graph
