// Runs the kernels over transactions, in parallel, and the streaming wrapper around them.
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <functional>
#include <numeric>

#include "cycle_features.h"
#include "kernels.h"
#include "window_sweep.h"

namespace moneytrail::patterns {

namespace {

// The column ranges [begin, end) that no kernel writes in full for every row, which must start
// at zero: the fan bins (added to) and the temporal-cycle columns (counted into). The sweep
// writes every fan/degree count and vertex statistic of every row, and the per-row kernels
// (scatter-gather, gather-scatter, bipartite, stack, simple cycles) set all their columns.
std::vector<std::pair<size_t, size_t>> ColumnsToZero(const PatternConfig& config,
                                                     const internal::Layout& layout) {
  std::vector<std::pair<size_t, size_t>> written;
  auto add = [&](bool enabled, size_t first, size_t count) {
    if (enabled) written.emplace_back(first, first + count);
  };
  add(config.fan.enabled, layout.fan, internal::kFanColumns);
  add(config.vertex_stats.enabled, layout.vertex_stats, internal::kVertexStatsColumns);
  add(config.scatter_gather.enabled, layout.scatter_gather,
      2 + config.scatter_gather.bins.size());
  add(config.gather_scatter.enabled, layout.gather_scatter, 2);
  add(config.bipartite.enabled, layout.bipartite, 3);
  add(config.stack.enabled, layout.stack, 3);
  add(config.simple_cycle.enabled, layout.simple_cycle, 1 + config.simple_cycle.bins.size());
  std::sort(written.begin(), written.end());
  std::vector<std::pair<size_t, size_t>> zero;
  size_t at = 0;
  for (const auto& [begin, end] : written) {
    if (begin > at) zero.emplace_back(at, begin);
    at = std::max(at, end);
  }
  if (at < layout.width) zero.emplace_back(at, layout.width);
  return zero;
}

// Sizes `table` for `n` rows of `layout`. Fresh memory is zeroed whole; a reused buffer (the
// caller's previous block) only in the columns that ColumnsToZero names: the rest is
// overwritten by the sweep, and zeroing a 150 MB table per block cost about what its page
// faults did (bench/RESULTS-patterns.md, session 4). Runs in the caller's TBB arena.
void PrepareTable(const PatternConfig& config, const internal::Layout& layout, size_t n,
                  FeatureTable& table) {
  table.columns = layout.names;
  table.tx_ids.resize(n);
  const size_t count = n * layout.width;
  if (table.values.capacity() < count) {
    // Fresh memory (TableMemory: faulted in by this arena's threads) is zeroed whole.
    table.values.clear();
    table.values.shrink_to_fit();
    table.values.resize(count, 0.0);
    return;
  }
  table.values.resize(count);
  const auto zero = ColumnsToZero(config, layout);
  if (zero.empty()) return;
  tbb::parallel_for(tbb::blocked_range<size_t>(0, n, 4096), [&](const auto& range) {
    for (size_t r = range.begin(); r != range.end(); ++r) {
      double* row = table.values.data() + r * layout.width;
      for (const auto& [begin, end] : zero) std::fill(row + begin, row + end, 0.0);
    }
  });
}

// Adds the temporal-cycle columns (and instances, `dropped`) to the run's table.
using CycleStep = std::function<Status(const internal::Layout& layout, FeatureTable& table,
                                       std::vector<internal::FoundInstance>* instances,
                                       uint64_t& dropped)>;

// The kernels over `txs`, then the cycle step, into `run` (its buffers reused).
Status Run(const graph::TemporalGraph& graph, const graph::EdgeColumns& txs,
           const PatternConfig& config, const RunOptions& options, const CycleStep& cycles,
           FeatureRun& run, internal::SweepCache* sweep_cache = nullptr) {
  MT_RETURN_IF_ERROR(config.Validate());
  if (txs.destination.size() != txs.size() || txs.time.size() != txs.size() ||
      (!txs.amount.empty() && txs.amount.size() != txs.size()) ||
      (!txs.id.empty() && txs.id.size() != txs.size())) {
    return InvalidArgumentError("patterns: transaction columns differ in length");
  }
  const internal::Layout layout(config);
  const size_t n = txs.size();
  run.instances = InstanceSet{};
  tbb::enumerable_thread_specific<internal::Scratch> scratches;
  tbb::enumerable_thread_specific<std::vector<internal::FoundInstance>> found;
  tbb::task_arena arena(std::max(1, options.threads));
  arena.execute([&] {
    PrepareTable(config, layout, n, run.table);
    // Fan/degree and vertex statistics: one sliding-window sweep per account list.
    internal::SweepFanAndVertexStats(graph, txs, config, layout, run.table.values, sweep_cache);
    const bool per_row = config.scatter_gather.enabled || config.gather_scatter.enabled ||
                         config.bipartite.enabled || config.stack.enabled ||
                         config.simple_cycle.enabled;
    tbb::parallel_for(tbb::blocked_range<size_t>(0, n, 512), [&](const auto& range) {
      internal::Scratch& scratch = scratches.local();
      scratch.instances = options.collect_instances ? &found.local() : nullptr;
      for (size_t r = range.begin(); r != range.end(); ++r) {
        internal::Query q;
        q.id = txs.id.empty() ? static_cast<TransactionId>(r) : txs.id[r];
        q.time = txs.time[r];
        q.source = txs.source[r];
        q.destination = txs.destination[r];
        q.amount = txs.amount.empty() ? 0.0 : txs.amount[r];
        run.table.tx_ids[r] = q.id;
        if (!per_row) continue;
        double* out = run.table.values.data() + r * layout.width;
        if (config.scatter_gather.enabled) {
          internal::ScatterGatherFeatures(graph, q, config.scatter_gather, scratch,
                                          out + layout.scatter_gather);
        }
        if (config.gather_scatter.enabled) {
          internal::GatherScatterFeatures(graph, q, config.gather_scatter, scratch,
                                          out + layout.gather_scatter);
        }
        if (config.bipartite.enabled) {
          internal::BipartiteFeatures(graph, q, config.bipartite, scratch, out + layout.bipartite);
        }
        if (config.stack.enabled) {
          internal::StackFeatures(graph, q, config.stack, scratch, out + layout.stack);
        }
        if (config.simple_cycle.enabled) {
          internal::SimpleCycleFeatures(graph, q, config.simple_cycle, config.max_cycle_length,
                                        config.instances_per_account, scratch,
                                        out + layout.simple_cycle);
        }
      }
    });
  });
  std::vector<internal::FoundInstance> all;
  for (auto& part : found) {
    for (auto& f : part) all.push_back(std::move(f));
  }
  uint64_t dropped = 0;
  for (const internal::Scratch& scratch : scratches) dropped += scratch.dropped_instances;
  if (config.temporal_cycle.enabled) {
    MT_RETURN_IF_ERROR(
        cycles(layout, run.table, options.collect_instances ? &all : nullptr, dropped));
  }
  if (options.collect_instances) {
    run.instances = internal::FinishInstances(std::move(all), config.instances_per_account);
    run.instances.found += dropped;
  }
  return Status::Ok();
}

}  // namespace

Result<FeatureRun> ComputeFeatures(const graph::TemporalGraph& graph,
                                   const graph::EdgeColumns& txs, const PatternConfig& config,
                                   const RunOptions& options) {
  FeatureRun run;
  MT_RETURN_IF_ERROR(ComputeFeaturesInto(graph, txs, config, options, run));
  return run;
}

Status ComputeFeaturesInto(const graph::TemporalGraph& graph, const graph::EdgeColumns& txs,
                           const PatternConfig& config, const RunOptions& options,
                           FeatureRun& run) {
  std::vector<TransactionId> ids;
  if (txs.id.empty() && config.temporal_cycle.enabled) {
    ids.resize(txs.size());
    std::iota(ids.begin(), ids.end(), 0);
  }
  const internal::CycleContext context{txs.source, txs.destination, txs.time,
                                       txs.id.empty() ? std::span<const TransactionId>(ids)
                                                      : txs.id};
  return Run(graph, txs, config, options,
             [&](const internal::Layout& layout, FeatureTable& table,
                 std::vector<internal::FoundInstance>* instances, uint64_t& dropped) {
               return internal::TemporalCycleFeatures(context, config, layout, options.threads,
                                                      table, instances, dropped);
             },
             run);
}

namespace internal {
// Everything a stream keeps between batches besides its graph.
struct StreamState {
  explicit StreamState(const PatternConfig& config)
      : cycles(MakeStreamCycleState(config)), sweep(MakeSweepCache()) {}
  StreamCycleStatePtr cycles;
  SweepCachePtr sweep;
};
}  // namespace internal

PatternStream::PatternStream(PatternConfig config, int threads)
    : PatternStream(std::move(config), graph::TemporalGraph(), threads) {}

PatternStream::PatternStream(PatternConfig config, graph::TemporalGraph history, int threads)
    : config_(std::move(config)),
      graph_(std::move(history)),
      threads_(threads),
      state_(std::make_unique<internal::StreamState>(config_)) {}

PatternStream::PatternStream(PatternStream&&) noexcept = default;
PatternStream& PatternStream::operator=(PatternStream&&) noexcept = default;
PatternStream::~PatternStream() = default;

Result<FeatureRun> PatternStream::AddBatch(std::span<const graph::TransactionEdge> batch,
                                           bool collect_instances) {
  MT_RETURN_IF_ERROR(config_.Validate());
  MT_RETURN_IF_ERROR(graph_.Append(batch));
  std::vector<AccountId> source(batch.size()), destination(batch.size());
  std::vector<Timestamp> time(batch.size());
  std::vector<double> amount(batch.size());
  std::vector<TransactionId> id(batch.size());
  for (size_t k = 0; k < batch.size(); ++k) {
    source[k] = batch[k].source;
    destination[k] = batch[k].destination;
    time[k] = batch[k].time;
    amount[k] = batch[k].amount;
    id[k] = batch[k].id;
  }
  graph::EdgeColumns cols{source, destination, time, amount, id};
  FeatureRun run;
  MT_RETURN_IF_ERROR(Run(
      graph_, cols, config_, {threads_, collect_instances},
      [&](const internal::Layout& layout, FeatureTable& table,
          std::vector<internal::FoundInstance>* instances, uint64_t& dropped) {
        return internal::StreamTemporalCycleFeatures(graph_, batch, config_, layout, threads_,
                                                     *state_->cycles, table, instances, dropped);
      },
      run, state_->sweep.get()));
  return run;
}

}  // namespace moneytrail::patterns
