// The thin adapter from a store's columns to the graph's input.
#include <cmath>

#include "moneytrail/graph.h"
#include "moneytrail/store.h"

namespace moneytrail::graph {

EdgeColumns ColumnsFromStore(const store::Store& store, std::vector<double>& amount_storage) {
  const auto units = store.amount_paid_units();
  const auto scale = store.paid_scale();
  amount_storage.resize(units.size());
  double power[19];
  power[0] = 1;
  for (int k = 1; k < 19; ++k) power[k] = power[k - 1] * 10;
  for (size_t r = 0; r < units.size(); ++r) {
    const uint8_t s = scale[r] < 19 ? scale[r] : 18;
    amount_storage[r] = static_cast<double>(units[r]) / power[s];
  }
  EdgeColumns c;
  c.source = store.source();
  c.destination = store.destination();
  c.time = store.time();
  c.amount = amount_storage;
  return c;
}

}  // namespace moneytrail::graph
