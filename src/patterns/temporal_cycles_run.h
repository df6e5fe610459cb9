// Internal: the parallel search over root accounts, shared by EnumerateTemporalCycles (over a
// TemporalIndex built per call) and the pattern stream (over its graph, graph_cycle_index.h).
// Roots go to workers in chunks; the output stage delivers chunks in root order, so that the
// result does not depend on the number of threads.
#ifndef MONEYTRAIL_PATTERNS_TEMPORAL_CYCLES_RUN_H_
#define MONEYTRAIL_PATTERNS_TEMPORAL_CYCLES_RUN_H_

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_pipeline.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <span>
#include <vector>

#include "moneytrail/temporal_cycles.h"
#include "patterns/temporal_cycles_search.h"

namespace moneytrail::patterns::cycles_internal {

// Root accounts in ascending order, split into chunks of roughly equal numbers of root edges.
struct RootPlan {
  std::vector<AccountId> roots;
  std::vector<size_t> chunk_begin;  // index into roots; one past the last chunk is roots.size()
};

template <typename Index>
RootPlan PlanRoots(const Index& index, std::span<const AccountId> root_accounts,
                   int threads) {
  RootPlan plan;
  if (root_accounts.empty()) {
    for (AccountId a = 0; a < index.vertex_count(); ++a) {
      if (!index.RootOut(a).empty()) plan.roots.push_back(a);
    }
  } else {
    for (AccountId a : root_accounts) {
      if (a < index.vertex_count() && !index.RootOut(a).empty()) plan.roots.push_back(a);
    }
    std::sort(plan.roots.begin(), plan.roots.end());
    plan.roots.erase(std::unique(plan.roots.begin(), plan.roots.end()), plan.roots.end());
  }
  size_t root_edges = 0;
  for (AccountId a : plan.roots) root_edges += index.RootOut(a).size();
  const size_t target =
      std::max<size_t>(256, root_edges / (static_cast<size_t>(threads) * 64 + 1));
  size_t in_chunk = target;  // forces a chunk at the first root
  for (size_t r = 0; r < plan.roots.size(); ++r) {
    if (in_chunk >= target) {
      plan.chunk_begin.push_back(r);
      in_chunk = 0;
    }
    in_chunk += index.RootOut(plan.roots[r]).size();
  }
  return plan;
}

// Delivers one chunk's cycles in order. Returns false once the search must stop.
inline bool Deliver(const ChunkResult& chunk, const TemporalCycleOptions& options,
             const TemporalCycleVisitor& visitor, bool collected, TemporalCycleCounts& counts) {
  if (!collected) {
    if (counts.by_length.size() < chunk.by_length.size()) {
      counts.by_length.resize(chunk.by_length.size(), 0);
    }
    for (size_t k = 0; k < chunk.by_length.size(); ++k) counts.by_length[k] += chunk.by_length[k];
    counts.total += chunk.total;
    return true;
  }
  size_t offset = 0;
  for (uint32_t length : chunk.lengths) {
    if (options.limit != 0 && counts.total >= options.limit) {
      counts.truncated = true;
      return false;
    }
    if (counts.by_length.size() <= length) counts.by_length.resize(length + 1, 0);
    ++counts.by_length[length];
    ++counts.total;
    const std::span<const TransactionId> cycle(chunk.ids.data() + offset, length);
    offset += length;
    if (visitor && !visitor(cycle)) {
      counts.truncated = true;
      return false;
    }
  }
  return true;
}

// One searcher per worker thread; a caller that searches the same index again (a stream) keeps
// them, with their O(vertex_count) arrays, between calls.
template <typename Index>
using Searchers = tbb::enumerable_thread_specific<std::unique_ptr<CycleSearcher<Index>>>;

// Searches the cycles rooted at `root_accounts` (empty: every account) of `index` with
// `threads` workers of the caller's TBB arena and delivers them to `visitor` in output order
// (moneytrail/temporal_cycles.h). Adds the searchers' statistics (cumulative over the
// searchers' lives) to counts.stats.
template <typename Index>
void RunSearch(const Index& index, std::span<const AccountId> root_accounts, int threads,
               const SearchParams& params, const TemporalCycleOptions& options,
               const TemporalCycleVisitor& visitor, Searchers<Index>& searchers,
               TemporalCycleCounts& counts) {
  const RootPlan plan = PlanRoots(index, root_accounts, threads);
  std::vector<std::unique_ptr<ChunkResult>> results(plan.chunk_begin.size());
  std::atomic<bool> stop{false};
  size_t next_chunk = 0;
  tbb::parallel_pipeline(
      static_cast<size_t>(threads) * 4,
      tbb::make_filter<void, size_t>(
          tbb::filter_mode::serial_in_order,
          [&](tbb::flow_control& control) -> size_t {
            if (next_chunk >= plan.chunk_begin.size() || stop.load()) {
              control.stop();
              return 0;
            }
            return next_chunk++;
          }) &
          tbb::make_filter<size_t, size_t>(
              tbb::filter_mode::parallel,
              [&](size_t chunk) -> size_t {
                auto result = std::make_unique<ChunkResult>();
                if (!stop.load()) {
                  std::unique_ptr<CycleSearcher<Index>>& searcher = searchers.local();
                  if (!searcher) searcher = std::make_unique<CycleSearcher<Index>>(index, params);
                  const size_t end = chunk + 1 < plan.chunk_begin.size()
                                         ? plan.chunk_begin[chunk + 1]
                                         : plan.roots.size();
                  for (size_t r = plan.chunk_begin[chunk]; r < end; ++r) {
                    searcher->SearchRoot(plan.roots[r], *result);
                  }
                }
                results[chunk] = std::move(result);
                return chunk;
              }) &
          tbb::make_filter<size_t, void>(
              tbb::filter_mode::serial_in_order, [&](size_t chunk) {
                std::unique_ptr<ChunkResult> result = std::move(results[chunk]);
                if (stop.load()) return;
                if (!Deliver(*result, options, visitor, params.collect, counts)) {
                  stop.store(true);
                }
              }));
  for (const std::unique_ptr<CycleSearcher<Index>>& searcher : searchers) {
    if (!searcher) continue;
    const SearchStats& s = searcher->stats();
    counts.stats.root_transactions += s.root_transactions;
    counts.stats.plain_steps += s.plain_steps;
    counts.stats.pruned_steps += s.pruned_steps;
    counts.stats.backward_steps += s.backward_steps;
    counts.stats.restarts += s.restarts;
    counts.stats.meet_steps += s.meet_steps;
    counts.stats.meet_roots += s.meet_roots;
  }
}

}  // namespace moneytrail::patterns::cycles_internal

#endif  // MONEYTRAIL_PATTERNS_TEMPORAL_CYCLES_RUN_H_
