// Internal: temporal cycle features, over a context of transactions whose last rows are the
// rows of the feature table (batch), or over a stream's graph (one batch at its end).
#ifndef MONEYTRAIL_SRC_PATTERNS_CYCLE_FEATURES_H_
#define MONEYTRAIL_SRC_PATTERNS_CYCLE_FEATURES_H_

#include <memory>

#include "kernels.h"

namespace moneytrail::patterns::internal {

// Transactions a cycle may use, in (time, id) order or any order, as local rows 0..n-1; the
// last table.rows() of them are the table's rows, in the table's order. `id` maps local rows
// to transaction ids.
struct CycleContext {
  std::span<const AccountId> source;
  std::span<const AccountId> destination;
  std::span<const Timestamp> time;
  std::span<const TransactionId> id;
};

// Adds tcycle_count and the length histogram to `table` for every cycle closed by one of its
// rows; appends instances (capped per account in enumeration order, `dropped` counts the rest).
Status TemporalCycleFeatures(const CycleContext& context, const PatternConfig& config,
                             const Layout& layout, int threads, FeatureTable& table,
                             std::vector<FoundInstance>* instances, uint64_t& dropped);

// What a stream keeps between batches for its cycle search: the searchers (one per worker,
// with their per-account arrays) over its graph. Opaque outside cycle_features.cc.
struct StreamCycleState;
struct StreamCycleStateDeleter {
  void operator()(StreamCycleState* state) const;
};
using StreamCycleStatePtr = std::unique_ptr<StreamCycleState, StreamCycleStateDeleter>;
StreamCycleStatePtr MakeStreamCycleState(const PatternConfig& config);

// The same columns and instances as TemporalCycleFeatures over all transactions so far, for
// `batch`, the last transactions of `graph`, which are the rows of `table` in order. Searches
// the graph itself (graph_cycle_index.h) from the batch's destinations: no index to build.
// ResourceExhausted if the graph's out-edge array has 2^32 slots or more.
Status StreamTemporalCycleFeatures(const TemporalGraph& graph,
                                   std::span<const graph::TransactionEdge> batch,
                                   const PatternConfig& config, const Layout& layout,
                                   int threads, StreamCycleState& state, FeatureTable& table,
                                   std::vector<FoundInstance>* instances, uint64_t& dropped);

}  // namespace moneytrail::patterns::internal

#endif  // MONEYTRAIL_SRC_PATTERNS_CYCLE_FEATURES_H_
