// EnumerateTemporalCycles: validation, the index, and the parallel pipeline over root accounts
// whose output stage delivers chunks in order, so that the result does not depend on threads.
#include "moneytrail/temporal_cycles.h"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/info.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <new>
#include <string>

#include "patterns/temporal_cycles_index.h"
#include "patterns/temporal_cycles_search.h"

namespace moneytrail::patterns {
namespace {

using cycles_internal::ChunkResult;
using cycles_internal::CycleSearcher;
using cycles_internal::SearchParams;
using cycles_internal::TemporalIndex;

Status ValidateOptions(const TemporalCycleOptions& options) {
  if (options.window < 0) {
    return InvalidArgumentError("temporal cycles: window must be >= 0, got " +
                                std::to_string(options.window));
  }
  if (options.max_length == 1) {
    return InvalidArgumentError("temporal cycles: max_length must be 0 (no limit) or >= 2");
  }
  if (options.threads < 0) {
    return InvalidArgumentError("temporal cycles: threads must be >= 0, got " +
                                std::to_string(options.threads));
  }
  return Status::Ok();
}

// Root accounts in ascending order, split into chunks of roughly equal numbers of root edges.
struct RootPlan {
  std::vector<AccountId> roots;
  std::vector<size_t> chunk_begin;  // index into roots; one past the last chunk is roots.size()
};

RootPlan PlanRoots(const TemporalIndex& index, std::span<const AccountId> root_accounts,
                   int threads) {
  RootPlan plan;
  if (root_accounts.empty()) {
    for (AccountId a = 0; a < index.vertex_count(); ++a) {
      if (!index.Out(a).empty()) plan.roots.push_back(a);
    }
  } else {
    for (AccountId a : root_accounts) {
      if (a < index.vertex_count() && !index.Out(a).empty()) plan.roots.push_back(a);
    }
    std::sort(plan.roots.begin(), plan.roots.end());
    plan.roots.erase(std::unique(plan.roots.begin(), plan.roots.end()), plan.roots.end());
  }
  size_t root_edges = 0;
  for (AccountId a : plan.roots) root_edges += index.Out(a).size();
  const size_t target =
      std::max<size_t>(256, root_edges / (static_cast<size_t>(threads) * 64 + 1));
  size_t in_chunk = target;  // forces a chunk at the first root
  for (size_t r = 0; r < plan.roots.size(); ++r) {
    if (in_chunk >= target) {
      plan.chunk_begin.push_back(r);
      in_chunk = 0;
    }
    in_chunk += index.Out(plan.roots[r]).size();
  }
  return plan;
}

// Delivers one chunk's cycles in order. Returns false once the search must stop.
bool Deliver(const ChunkResult& chunk, const TemporalCycleOptions& options,
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

}  // namespace

Result<TemporalCycleCounts> EnumerateTemporalCycles(const TemporalEdges& edges,
                                                    const TemporalCycleOptions& options,
                                                    const TemporalCycleVisitor& visitor) {
  MT_RETURN_IF_ERROR(ValidateOptions(options));
  const int threads = options.threads == 0 ? tbb::info::default_concurrency() : options.threads;
  tbb::task_arena arena(threads);
  TemporalCycleCounts counts;
  Status status;
  try {
    arena.execute([&] {
      const auto index_start = std::chrono::steady_clock::now();
      Result<TemporalIndex> built = TemporalIndex::Build(edges, options);
      const auto search_start = std::chrono::steady_clock::now();
      counts.stats.index_seconds =
          std::chrono::duration<double>(search_start - index_start).count();
      if (!built.ok()) {
        status = built.status();
        return;
      }
      const TemporalIndex& index = *built;
      const RootPlan plan = PlanRoots(index, options.root_accounts, threads);
      SearchParams params;
      params.window = options.window;
      params.max_length = options.max_length == 0 ? 0xFFFFFFFFu : options.max_length;
      params.collect = static_cast<bool>(visitor) || options.limit != 0;
      params.plain_budget = options.search_budget;
      params.backward_budget = options.closing_budget;
      tbb::enumerable_thread_specific<std::unique_ptr<CycleSearcher>> searchers;
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
                      std::unique_ptr<CycleSearcher>& searcher = searchers.local();
                      if (!searcher) searcher = std::make_unique<CycleSearcher>(index, params);
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
      for (const std::unique_ptr<CycleSearcher>& searcher : searchers) {
        if (!searcher) continue;
        const cycles_internal::SearchStats& s = searcher->stats();
        counts.stats.root_transactions += s.root_transactions;
        counts.stats.plain_steps += s.plain_steps;
        counts.stats.pruned_steps += s.pruned_steps;
        counts.stats.backward_steps += s.backward_steps;
        counts.stats.restarts += s.restarts;
        counts.stats.meet_steps += s.meet_steps;
        counts.stats.meet_roots += s.meet_roots;
      }
      counts.stats.search_seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - search_start).count();
    });
  } catch (const std::bad_alloc&) {
    return ResourceExhaustedError("temporal cycles: out of memory");
  }
  if (!status.ok()) return status;
  return counts;
}

Result<TemporalCycleCounts> CountTemporalCycles(const TemporalEdges& edges,
                                                const TemporalCycleOptions& options) {
  return EnumerateTemporalCycles(edges, options, TemporalCycleVisitor());
}

}  // namespace moneytrail::patterns
