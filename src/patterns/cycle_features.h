// Internal: temporal cycle features over a context of transactions whose last rows are the
// rows of the feature table.
#ifndef MONEYTRAIL_SRC_PATTERNS_CYCLE_FEATURES_H_
#define MONEYTRAIL_SRC_PATTERNS_CYCLE_FEATURES_H_

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

}  // namespace moneytrail::patterns::internal

#endif  // MONEYTRAIL_SRC_PATTERNS_CYCLE_FEATURES_H_
