// Internal: fan/degree and vertex statistics by one sliding-window sweep per account list
// (docs/patterns.md). The transactions whose features are wanted are grouped by account; each
// group walks its account's out- and in-list once with two pointers per window, keeping the
// window's count, distinct counterparties (a counter per account), order statistics (a sorted
// array for small ranges, else a Fenwick tree over the amounts' ranks) and order-fixed moments
// (moments.h). Amortised O(log n) per
// transaction and list instead of O(n log n).
#ifndef MONEYTRAIL_SRC_PATTERNS_WINDOW_SWEEP_H_
#define MONEYTRAIL_SRC_PATTERNS_WINDOW_SWEEP_H_

#include <memory>
#include <span>

#include "kernels.h"

namespace moneytrail::patterns::internal {

// What a stream keeps between calls: per-worker scratch (no per-call allocation of the
// per-account counters) and the vertex-statistics windows of busy lists (list_window.h).
struct SweepCache;
struct SweepCacheDeleter {
  void operator()(SweepCache* cache) const;
};
using SweepCachePtr = std::unique_ptr<SweepCache, SweepCacheDeleter>;
SweepCachePtr MakeSweepCache();
// The vertex-statistics windows `cache` holds (built, not only wanted): for tests.
size_t KeptWindowCount(const SweepCache& cache);

// Writes the fan/degree columns (if config.fan.enabled) and the vertex-statistics columns (if
// config.vertex_stats.enabled) of every row of `txs` into `values` (row-major, layout.width
// columns, zero-initialised). Every transaction of `txs` must be in `g`. Runs in parallel in
// the caller's TBB arena; every value is a function of (g, transaction, settings) only.
// With a cache (a stream): REQUIRES every call's rows come after all rows of the calls before
// in (time, id) order, and the same config; the values are the same as without.
void SweepFanAndVertexStats(const TemporalGraph& g, const graph::EdgeColumns& txs,
                            const PatternConfig& config, const Layout& layout,
                            std::span<double> values, SweepCache* cache = nullptr);

}  // namespace moneytrail::patterns::internal

#endif  // MONEYTRAIL_SRC_PATTERNS_WINDOW_SWEEP_H_
