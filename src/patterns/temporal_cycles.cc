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
#include "patterns/temporal_cycles_run.h"

namespace moneytrail::patterns {
namespace {

using cycles_internal::RunSearch;
using cycles_internal::Searchers;
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
      SearchParams params;
      params.window = options.window;
      params.max_length = options.max_length == 0 ? 0xFFFFFFFFu : options.max_length;
      params.collect = static_cast<bool>(visitor) || options.limit != 0;
      params.plain_budget = options.search_budget;
      params.backward_budget = options.closing_budget;
      Searchers<TemporalIndex> searchers;
      RunSearch(index, options.root_accounts, threads, params, options, visitor, searchers,
                counts);
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
