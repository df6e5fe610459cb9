// Pattern features (issue 4) per family on a real store, without CSV writing: the graph is
// built once, then each benchmark computes one family's features for every transaction, in
// blocks of 524,288 rows as `moneytrail patterns` does. Process CPU time (both threads), one
// iteration per repetition. bench/patterns_compare.sh runs a previous build's binary beside
// this one.
//
// BM_Full is the default feature set as the CLI runs it (temporal cycles once over all rows,
// the other families per block). BM_Stream builds a graph of all but the last 163,840
// transactions (in (time, id) order), then streams 64 batches of 2,048 and 256 batches of 128
// through PatternStream with the default set and reports each size's median, p90 and maximum
// wall-clock latency per batch (the streaming goal is a latency) and the median process
// CPU time per batch (both threads; steadier than wall time on a loaded machine); BM_Stream/0
// streams without temporal cycles.
//
// usage (environment PATTERNS_STORE=bench/out/patterns/hi-small.store, PATTERNS_THREADS=2,
// PATTERNS_BLOCK=524288 rows per ComputeFeatures call, PATTERNS_STREAM_WARM=0 untimed batches
// of 2,048 before BM_Stream's timed ones, PATTERNS_REUSE=1: blocks go through one FeatureRun by
// ComputeFeaturesInto, as the CLI does; 0: a fresh table per block by ComputeFeatures):
//   patterns_benchmark --benchmark_repetitions=3 [--benchmark_filter=fan]
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <numeric>
#include <string>

#include "moneytrail/graph.h"
#include "moneytrail/patterns.h"
#include "moneytrail/store.h"

namespace moneytrail {
namespace {

struct Fixture {
  std::unique_ptr<store::Store> store;
  std::vector<double> amounts;
  graph::EdgeColumns columns;
  graph::TemporalGraph graph;
  int threads = 2;
  size_t block = 524288;
  bool reuse = true;
};

Fixture* Load() {
  static Fixture* fixture = [] {
    auto f = std::make_unique<Fixture>();
    const char* path = std::getenv("PATTERNS_STORE");
    if (const char* t = std::getenv("PATTERNS_THREADS")) f->threads = std::atoi(t);
    if (const char* b = std::getenv("PATTERNS_BLOCK")) {
      f->block = std::max<size_t>(1, std::strtoull(b, nullptr, 10));
    }
    if (const char* r = std::getenv("PATTERNS_REUSE")) f->reuse = std::atoi(r) != 0;
    auto s = store::Store::Open(path != nullptr ? path : "bench/out/patterns/hi-small.store");
    if (!s.ok()) {
      std::fprintf(stderr, "patterns_benchmark: %s\n", s.status().ToString().c_str());
      std::exit(2);
    }
    f->store = std::make_unique<store::Store>(std::move(*s));
    f->columns = graph::ColumnsFromStore(*f->store, f->amounts);
    auto g = graph::TemporalGraph::Build(f->columns, {.threads = f->threads});
    if (!g.ok()) std::exit(2);
    f->graph = std::move(*g);
    return f.release();
  }();
  return fixture;
}

patterns::PatternConfig Only(std::string_view family) {
  patterns::PatternConfig c;
  for (auto* s : {&c.fan, &c.vertex_stats, &c.scatter_gather, &c.gather_scatter, &c.bipartite,
                  &c.stack, &c.temporal_cycle}) {
    s->enabled = false;
  }
  if (family == "fan" || family == "basic") c.fan.enabled = true;
  if (family == "vertex_stats" || family == "basic") c.vertex_stats.enabled = true;
  if (family == "scatter_gather") c.scatter_gather.enabled = true;
  if (family == "gather_scatter") c.gather_scatter.enabled = true;
  if (family == "bipartite") c.bipartite.enabled = true;
  if (family == "stack") c.stack.enabled = true;
  if (family == "temporal_cycle") c.temporal_cycle.enabled = true;
  if (family == "simple_cycle") c.simple_cycle.enabled = true;  // 24 h, length <= 10
  return c;
}

// Features of every row in blocks of f.block rows; adds one value per block to `checksum`.
bool RunBlocks(benchmark::State& state, const Fixture& f, const patterns::PatternConfig& config,
               double& checksum) {
  const size_t n = f.columns.size();
  std::vector<TransactionId> ids;
  patterns::FeatureRun run;
  for (size_t first = 0; first < n; first += f.block) {
    const size_t count = std::min(f.block, n - first);
    const graph::EdgeColumns block = graph::RowBlock(f.columns, first, count, ids);
    if (!f.reuse) run = patterns::FeatureRun{};
    const Status status =
        patterns::ComputeFeaturesInto(f.graph, block, config, {.threads = f.threads}, run);
    if (!status.ok()) {
      state.SkipWithError(status.ToString().c_str());
      return false;
    }
    checksum += run.table.values.empty() ? 0 : run.table.values[count / 2];
    benchmark::DoNotOptimize(run.table.values.data());
  }
  return true;
}

void BM_Family(benchmark::State& state, std::string_view family) {
  Fixture& f = *Load();
  const patterns::PatternConfig config = Only(family);
  double checksum = 0;
  for (auto _ : state) {
    if (!RunBlocks(state, f, config, checksum)) return;
  }
  state.counters["checksum"] = checksum;
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * f.columns.size()));
}

#define MT_PATTERNS_FAMILY(name)                                                  \
  BENCHMARK_CAPTURE(BM_Family, name, #name)                                       \
      ->Iterations(1)->MeasureProcessCPUTime()->Unit(benchmark::kSecond)

// The default set (simple cycles off) as `moneytrail patterns` computes it, without the CSV.
void BM_Full(benchmark::State& state) {
  Fixture& f = *Load();
  patterns::PatternConfig cycles_only, rest;
  for (auto* s : {&cycles_only.fan, &cycles_only.vertex_stats, &cycles_only.scatter_gather,
                  &cycles_only.gather_scatter, &cycles_only.bipartite, &cycles_only.stack}) {
    s->enabled = false;
  }
  rest.temporal_cycle.enabled = false;
  double checksum = 0;
  for (auto _ : state) {
    auto cycles =
        patterns::ComputeFeatures(f.graph, f.columns, cycles_only, {.threads = f.threads});
    if (!cycles.ok()) {
      state.SkipWithError(cycles.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(cycles->table.values.data());
    if (!RunBlocks(state, f, rest, checksum)) return;
  }
  state.counters["checksum"] = checksum;
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * f.columns.size()));
}
BENCHMARK(BM_Full)->Iterations(1)->MeasureProcessCPUTime()->Unit(benchmark::kSecond);

// Process CPU time in milliseconds (both threads): on a loaded machine a batch's wall time
// mostly says how long it waited for a core.
double ProcessCpuMs() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

double Quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(q * static_cast<double>(v.size() - 1) + 0.5)];
}

void BM_Stream(benchmark::State& state) {
  Fixture& f = *Load();
  constexpr size_t kBig = 2048, kBigBatches = 64, kSmall = 128, kSmallBatches = 256;
  const size_t n = f.columns.size();
  // PATTERNS_STREAM_WARM=N streams N batches of 2,048 first, untimed (out of the history
  // graph), so that the timed batches meet a stream whose kept state is warm, as in a stream
  // that has run a while; the timed batches are the same transactions either way.
  const char* warm_env = std::getenv("PATTERNS_STREAM_WARM");
  const size_t warm = warm_env == nullptr ? 0 : std::strtoull(warm_env, nullptr, 10);
  const size_t streamed =
      std::min(n, kBig * (warm + kBigBatches) + kSmall * kSmallBatches);
  std::vector<TransactionId> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](TransactionId a, TransactionId b) {
    return f.columns.time[a] < f.columns.time[b];
  });
  std::vector<double> big_ms, small_ms, big_cpu_ms, small_cpu_ms;
  for (auto _ : state) {
    state.PauseTiming();
    const size_t split = n - streamed;
    std::vector<AccountId> hs(split), hd(split);
    std::vector<Timestamp> ht(split);
    std::vector<double> ha(split);
    std::vector<TransactionId> hid(order.begin(), order.begin() + static_cast<ptrdiff_t>(split));
    for (size_t k = 0; k < split; ++k) {
      hs[k] = f.columns.source[hid[k]];
      hd[k] = f.columns.destination[hid[k]];
      ht[k] = f.columns.time[hid[k]];
      ha[k] = f.columns.amount[hid[k]];
    }
    auto g = graph::TemporalGraph::Build({hs, hd, ht, ha, hid},
                                         {.threads = f.threads, .spare = 0.1});
    if (!g.ok()) {
      state.SkipWithError(g.status().ToString().c_str());
      return;
    }
    patterns::PatternConfig config;
    config.temporal_cycle.enabled = state.range(0) != 0;
    patterns::PatternStream stream(config, std::move(*g), f.threads);
    state.ResumeTiming();
    std::vector<graph::TransactionEdge> batch;
    for (size_t k = split; k < n;) {
      const size_t size = k - split < kBig * (warm + kBigBatches) ? kBig : kSmall;
      const bool timed = k - split >= kBig * warm;
      batch.clear();
      for (size_t r = k; r < std::min(n, k + size); ++r) {
        const TransactionId t = order[r];
        batch.push_back({t, f.columns.time[t], f.columns.source[t], f.columns.destination[t],
                         f.columns.amount[t]});
      }
      k += batch.size();
      const double cpu_start = ProcessCpuMs();
      const auto start = std::chrono::steady_clock::now();
      auto run = stream.AddBatch(batch);
      const std::chrono::duration<double, std::milli> took =
          std::chrono::steady_clock::now() - start;
      const double cpu_ms = ProcessCpuMs() - cpu_start;
      if (!run.ok()) {
        state.SkipWithError(run.status().ToString().c_str());
        return;
      }
      benchmark::DoNotOptimize(run->table.values.data());
      if (!timed) continue;
      (size == kBig ? big_cpu_ms : small_cpu_ms).push_back(cpu_ms);
      (size == kBig ? big_ms : small_ms).push_back(took.count());
    }
  }
  state.counters["b2048_median_ms"] = Quantile(big_ms, 0.5);
  state.counters["b2048_p90_ms"] = Quantile(big_ms, 0.9);
  state.counters["b2048_max_ms"] = Quantile(big_ms, 1.0);
  state.counters["b128_median_ms"] = Quantile(small_ms, 0.5);
  state.counters["b128_p90_ms"] = Quantile(small_ms, 0.9);
  state.counters["b128_max_ms"] = Quantile(small_ms, 1.0);
  state.counters["b2048_cpu_median_ms"] = Quantile(big_cpu_ms, 0.5);
  state.counters["b128_cpu_median_ms"] = Quantile(small_cpu_ms, 0.5);
}
// BM_Stream/1: the default set; BM_Stream/0: without temporal cycles (what the rest costs).
BENCHMARK(BM_Stream)->Arg(1)->Arg(0)->Iterations(1)->UseRealTime()->Unit(benchmark::kSecond);

MT_PATTERNS_FAMILY(fan);
MT_PATTERNS_FAMILY(vertex_stats);
MT_PATTERNS_FAMILY(basic);
MT_PATTERNS_FAMILY(scatter_gather);
MT_PATTERNS_FAMILY(gather_scatter);
MT_PATTERNS_FAMILY(bipartite);
MT_PATTERNS_FAMILY(stack);
MT_PATTERNS_FAMILY(temporal_cycle);
MT_PATTERNS_FAMILY(simple_cycle);

}  // namespace
}  // namespace moneytrail
