// Pattern features (issue 4) per family on a real store, without CSV writing: the graph is
// built once, then each benchmark computes one family's features for every transaction, in
// blocks of 262,144 rows as `moneytrail patterns` does. Process CPU time (both threads), one
// iteration per repetition. bench/patterns_compare.sh runs a previous build's binary beside
// this one.
//
// usage (environment PATTERNS_STORE=bench/out/patterns/hi-small.store, PATTERNS_THREADS=2):
//   patterns_benchmark --benchmark_repetitions=3 [--benchmark_filter=fan]
#include <benchmark/benchmark.h>

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
};

Fixture* Load() {
  static Fixture* fixture = [] {
    auto f = std::make_unique<Fixture>();
    const char* path = std::getenv("PATTERNS_STORE");
    if (const char* t = std::getenv("PATTERNS_THREADS")) f->threads = std::atoi(t);
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

void BM_Family(benchmark::State& state, std::string_view family) {
  Fixture& f = *Load();
  const patterns::PatternConfig config = Only(family);
  constexpr size_t kBlock = 262144;
  const size_t n = f.columns.size();
  std::vector<TransactionId> ids;
  double checksum = 0;
  for (auto _ : state) {
    for (size_t first = 0; first < n; first += kBlock) {
      const size_t count = std::min(kBlock, n - first);
      ids.resize(count);
      std::iota(ids.begin(), ids.end(), static_cast<TransactionId>(first));
      const graph::EdgeColumns block{f.columns.source.subspan(first, count),
                                     f.columns.destination.subspan(first, count),
                                     f.columns.time.subspan(first, count),
                                     f.columns.amount.subspan(first, count), ids};
      auto run = patterns::ComputeFeatures(f.graph, block, config, {.threads = f.threads});
      if (!run.ok()) {
        state.SkipWithError(run.status().ToString().c_str());
        return;
      }
      checksum += run->table.values.empty() ? 0 : run->table.values[count / 2];
      benchmark::DoNotOptimize(run->table.values.data());
    }
  }
  state.counters["checksum"] = checksum;
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}

#define MT_PATTERNS_FAMILY(name)                                                  \
  BENCHMARK_CAPTURE(BM_Family, name, #name)                                       \
      ->Iterations(1)->MeasureProcessCPUTime()->Unit(benchmark::kSecond)

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
