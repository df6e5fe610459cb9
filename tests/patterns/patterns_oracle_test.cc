// Every feature family against its brute-force oracle on hundreds of small random multigraphs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "moneytrail/patterns.h"
#include "patterns/oracle.h"

namespace moneytrail::patterns {
namespace {

constexpr int kCases = 300;
constexpr Timestamp kWindows[] = {0, 1, 3, 7, 1000};

PatternConfig AllOn(Timestamp w) {
  PatternConfig c;
  for (PatternSettings* s : {&c.fan, &c.vertex_stats, &c.scatter_gather, &c.gather_scatter,
                             &c.bipartite, &c.stack}) {
    s->enabled = true;
    s->window = w;
  }
  c.scatter_gather.bins = {2, 3, 5};
  c.temporal_cycle.enabled = c.simple_cycle.enabled = false;
  return c;
}

bool Near(double got, double want) {
  if (std::isnan(want)) return std::isnan(got);
  return std::fabs(got - want) <= 1e-9 * std::max(1.0, std::fabs(want));
}

// Compares the columns [first, first + want.size()) of row r.
void ExpectColumns(const FeatureTable& t, size_t r, size_t first, const std::vector<double>& want,
                   uint64_t seed) {
  for (size_t k = 0; k < want.size(); ++k) {
    EXPECT_TRUE(Near(t.row(r)[first + k], want[k]))
        << "seed " << seed << " tx " << t.tx_ids[r] << " column " << t.columns[first + k]
        << ": got " << t.row(r)[first + k] << ", oracle " << want[k];
  }
}

size_t Column(const FeatureTable& t, const std::string& name) {
  for (size_t k = 0; k < t.columns.size(); ++k) {
    if (t.columns[k] == name) return k;
  }
  ADD_FAILURE() << "no column " << name;
  return 0;
}

TEST(PatternsOracleTest, EveryFamilyMatchesItsOracleOnRandomMultigraphs) {
  // How often each multi-hop family is non-zero, so the comparison is not vacuous.
  int sg = 0, gs = 0, bip = 0, stack = 0;
  for (uint64_t seed = 1; seed <= kCases; ++seed) {
    const oracle::Case c = oracle::RandomCase(seed);
    const Timestamp w = kWindows[seed % std::size(kWindows)];
    const PatternConfig config = AllOn(w);
    auto g = graph::TemporalGraph::Build(c.columns(), {});
    ASSERT_TRUE(g.ok());
    auto run = ComputeFeatures(*g, c.columns(), config, {});
    ASSERT_TRUE(run.ok()) << run.status().ToString();
    const FeatureTable& t = run->table;
    ASSERT_EQ(t.rows(), c.tx.size());
    for (size_t i = 0; i < c.tx.size(); ++i) {
      ExpectColumns(t, i, Column(t, "fan_out_src"), oracle::FanDegree(c, i, w), seed);
      ExpectColumns(t, i, Column(t, "vs_src_out_count"), oracle::VertexStats(c, i, w), seed);
      ExpectColumns(t, i, Column(t, "sg_count"),
                    oracle::ScatterGather(c, i, w, config.scatter_gather.bins), seed);
      ExpectColumns(t, i, Column(t, "gs_sources"), oracle::GatherScatter(c, i, w), seed);
      ExpectColumns(t, i, Column(t, "bip_pairs"), oracle::Bipartite(c, i, w), seed);
      ExpectColumns(t, i, Column(t, "stack_paths"), oracle::Stack(c, i, w), seed);
      sg += t.row(i)[Column(t, "sg_count")] > 0;
      gs += t.row(i)[Column(t, "gs_sources")] > 0;
      bip += t.row(i)[Column(t, "bip_pairs")] > 0;
      stack += t.row(i)[Column(t, "stack_sources")] > 1;
    }
    if (::testing::Test::HasFailure()) {
      FAIL() << "first failing seed " << seed << " (window " << w << ")";
    }
  }
  EXPECT_GT(sg, 50);
  EXPECT_GT(gs, 50);
  EXPECT_GT(bip, 50);
  EXPECT_GT(stack, 50);
  std::printf("non-zero rows: sg %d, gs %d, bip %d, stack(2+ sources) %d\n", sg, gs, bip, stack);
}

TEST(PatternsOracleTest, DenseGraphsWithManyParallelEdgesMatchTheOracle) {
  for (uint64_t seed = 1000; seed < 1100; ++seed) {
    const oracle::Case c = oracle::RandomCase(seed, 4, 80, 6);
    const Timestamp w = 2 + static_cast<Timestamp>(seed % 3);
    const PatternConfig config = AllOn(w);
    auto g = graph::TemporalGraph::Build(c.columns(), {});
    ASSERT_TRUE(g.ok());
    auto run = ComputeFeatures(*g, c.columns(), config, {});
    ASSERT_TRUE(run.ok());
    const FeatureTable& t = run->table;
    for (size_t i = 0; i < c.tx.size(); ++i) {
      ExpectColumns(t, i, Column(t, "fan_out_src"), oracle::FanDegree(c, i, w), seed);
      ExpectColumns(t, i, Column(t, "sg_count"),
                    oracle::ScatterGather(c, i, w, config.scatter_gather.bins), seed);
      ExpectColumns(t, i, Column(t, "bip_pairs"), oracle::Bipartite(c, i, w), seed);
      ExpectColumns(t, i, Column(t, "stack_paths"), oracle::Stack(c, i, w), seed);
    }
    if (::testing::Test::HasFailure()) FAIL() << "first failing seed " << seed;
  }
}

}  // namespace
}  // namespace moneytrail::patterns
