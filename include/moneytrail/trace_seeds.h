// Seeds for a trace from ground truth: the planted instances of a typology, as written by
// `moneytrail generate` to DIR/truth/instances.jsonl (one JSON object per line with
// "instance_id", "typology", "accounts", "transaction_ids", "controller").
//
// Example:
//   MT_ASSIGN_OR_RETURN(trace::InstanceSeeds seeds,
//                       trace::SeedsFromInstances(store, "world/truth/instances.jsonl", "commingling"));
//   options.seed_transactions = seeds.entries;
//
// The transaction ids of instances.jsonl are row positions of the generator's transactions.csv,
// which are the store's transaction ids when that file was the first one ingested. Each id is
// checked against the store: the stored transaction must carry the instance's typology.
#ifndef MONEYTRAIL_TRACE_SEEDS_H_
#define MONEYTRAIL_TRACE_SEEDS_H_

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/status.h"
#include "moneytrail/transaction.h"

namespace moneytrail::store {
class Store;
}

namespace moneytrail::trace {

struct InstanceSeeds {
  uint64_t instances = 0;                 // instances read (of the typology, when one is given)
  std::vector<TransactionId> all;         // every transaction of those instances, sorted
  // The entries: transactions of an instance whose paying end received nothing earlier in the
  // same instance (placements such as cash deposits and first transfers). Tracing these forward
  // follows the planted money without counting it twice. Sorted.
  std::vector<TransactionId> entries;
};

// Reads `path`; `typology` empty means every instance. NotFound if the file is missing,
// InvalidArgument naming the line for a malformed line, FailedPrecondition when an id is outside
// the store or its stored typology differs (the file does not belong to this store).
Result<InstanceSeeds> SeedsFromInstances(const store::Store& store,
                                         const std::filesystem::path& path,
                                         std::string_view typology);

}  // namespace moneytrail::trace

#endif  // MONEYTRAIL_TRACE_SEEDS_H_
