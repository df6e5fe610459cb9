// Every feature family against its brute-force oracle on hundreds of small random multigraphs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
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

// Bitwise equality (NaN equals NaN).
bool SameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

TEST(PatternsOracleTest, VertexStatisticsFollowTheDocumentedSummationOrderBitForBit) {
  // Fractional amounts of mixed magnitudes make sums order-dependent; long lists per account
  // make the dyadic blocks deep. Every query is also run alone, so windows start and end at
  // other positions of the sweep's ranges.
  for (uint64_t seed = 1; seed <= 120; ++seed) {
    oracle::Case c = oracle::RandomCase(seed, 2 + static_cast<int>(seed % 4), 300, 60);
    oracle::UseFractionalAmounts(c, seed);
    const Timestamp w = kWindows[seed % std::size(kWindows)] + static_cast<Timestamp>(seed % 17);
    PatternConfig config = AllOn(w);
    config.scatter_gather.enabled = config.gather_scatter.enabled = false;
    config.bipartite.enabled = config.stack.enabled = false;
    auto g = graph::TemporalGraph::Build(c.columns(), {});
    ASSERT_TRUE(g.ok());
    auto run = ComputeFeatures(*g, c.columns(), config, {.threads = 2});
    ASSERT_TRUE(run.ok()) << run.status().ToString();
    const FeatureTable& t = run->table;
    const size_t first = Column(t, "vs_src_out_count");
    for (size_t i = 0; i < c.tx.size(); ++i) {
      const std::vector<double> want = oracle::VertexStatsInOrder(c, i, w);
      for (size_t k = 0; k < want.size(); ++k) {
        EXPECT_TRUE(SameBits(t.row(i)[first + k], want[k]))
            << "seed " << seed << " tx " << i << " column " << t.columns[first + k] << ": got "
            << t.row(i)[first + k] << ", oracle " << want[k];
      }
      ExpectColumns(t, i, first, oracle::VertexStats(c, i, w), seed);
    }
    if (seed % 10 == 0) {
      for (size_t i = 0; i < c.tx.size(); i += 7) {
        const std::vector<AccountId> src{c.src[i]}, dst{c.dst[i]};
        const std::vector<Timestamp> time{c.time[i]};
        const std::vector<double> amount{c.amount[i]};
        const std::vector<TransactionId> id{static_cast<TransactionId>(i)};
        auto alone = ComputeFeatures(*g, {src, dst, time, amount, id}, config, {});
        ASSERT_TRUE(alone.ok());
        for (size_t k = 0; k < t.columns.size(); ++k) {
          EXPECT_TRUE(SameBits(alone->table.row(0)[k], t.row(i)[k]))
              << "seed " << seed << " tx " << i << " column " << t.columns[k];
        }
      }
    }
    if (::testing::Test::HasFailure()) FAIL() << "first failing seed " << seed;
  }
}

TEST(PatternsOracleTest, TemporalCycleFeaturesCountCyclesClosedByEachTransaction) {
  uint64_t cycles = 0;
  for (uint64_t seed = 1; seed <= kCases; ++seed) {
    const oracle::Case c = oracle::RandomCase(seed, 6, 50, 12);
    PatternConfig config = AllOn(0);
    config.fan.enabled = config.vertex_stats.enabled = config.scatter_gather.enabled = false;
    config.gather_scatter.enabled = config.bipartite.enabled = config.stack.enabled = false;
    config.temporal_cycle.enabled = true;
    config.temporal_cycle.window = static_cast<Timestamp>(seed % 13);
    config.temporal_cycle.bins = {2, 3, 5};
    config.max_cycle_length = 2 + static_cast<uint32_t>(seed % 5);
    auto g = graph::TemporalGraph::Build(c.columns(), {});
    ASSERT_TRUE(g.ok());
    auto run = ComputeFeatures(*g, c.columns(), config, {.threads = 2});
    ASSERT_TRUE(run.ok()) << run.status().ToString();
    const auto want = oracle::TemporalCyclesByClosing(c, config.temporal_cycle.window,
                                                      config.max_cycle_length);
    for (size_t i = 0; i < c.tx.size(); ++i) {
      const auto& h = want[i];
      double total = 0, b2 = 0, b3 = 0, b5 = 0;
      for (size_t k = 2; k < h.size(); ++k) {
        total += h[k];
        (k >= 5 ? b5 : k >= 3 ? b3 : b2) += h[k];
      }
      cycles += static_cast<uint64_t>(total);
      ExpectColumns(run->table, i, Column(run->table, "tcycle_count"), {total, b2, b3, b5}, seed);
    }
    if (::testing::Test::HasFailure()) FAIL() << "first failing seed " << seed;
  }
  EXPECT_GT(cycles, 200u);
}

TEST(PatternsOracleTest, InstancesAreDistinctAndRespectTheCapPerAccount) {
  const oracle::Case c = oracle::RandomCase(5, 6, 60, 12);
  PatternConfig config = AllOn(12);
  config.temporal_cycle.enabled = true;
  config.instances_per_account = 3;
  auto g = graph::TemporalGraph::Build(c.columns(), {});
  auto run = ComputeFeatures(*g, c.columns(), config, {.collect_instances = true});
  ASSERT_TRUE(run.ok());
  const InstanceSet& set = run->instances;
  EXPECT_GT(set.found, set.instances.size());
  EXPECT_FALSE(set.capped_accounts.empty());
  std::map<AccountId, int> per_account;
  std::set<std::pair<PatternKind, std::vector<TransactionId>>> seen;
  for (const PatternInstance& inst : set.instances) {
    EXPECT_TRUE(seen.insert({inst.kind, inst.transactions}).second) << "duplicate instance";
    EXPECT_TRUE(std::is_sorted(inst.transactions.begin(), inst.transactions.end()));
    EXPECT_LE(inst.first_time, inst.last_time);
    for (AccountId a : inst.accounts) EXPECT_LE(++per_account[a], 3);
  }
}

TEST(PatternsOracleTest, SimpleCyclesAreOffByDefaultAndValidWhenEnabled) {
  PatternConfig config;
  EXPECT_FALSE(config.simple_cycle.enabled);
  config.simple_cycle.enabled = true;
  EXPECT_TRUE(config.Validate().ok());
  EXPECT_EQ(FeatureNames(config).back(), "scycle_len_b10");
}

TEST(PatternsConfigTest, TomlOverridesDefaultsAndNamesBadKeys) {
  auto c = PatternConfig::FromTomlText(
      "instances_per_account = 7\n[fan]\nwindow = \"2h\"\nbins = [2, 4]\n"
      "[stack]\nenabled = false\n",
      "test.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->fan.window, 7200);
  EXPECT_EQ(c->fan.bins, (std::vector<uint32_t>{2, 4}));
  EXPECT_FALSE(c->stack.enabled);
  EXPECT_EQ(c->instances_per_account, 7u);
  EXPECT_EQ(c->vertex_stats.window, PatternConfig{}.vertex_stats.window);
  auto bad = PatternConfig::FromTomlText("[fan]\nwindnow = 3\n", "test.toml");
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("fan.windnow"), std::string_view::npos);
  auto unsorted = PatternConfig::FromTomlText("[scatter_gather]\nbins = [3, 2]\n", "t.toml");
  EXPECT_FALSE(unsorted.ok());
}

TEST(PatternsConfigTest, ColumnNamesFollowTheConfiguration) {
  PatternConfig c;
  const auto names = FeatureNames(c);
  EXPECT_EQ(names.front(), "fan_out_src");
  EXPECT_NE(std::find(names.begin(), names.end(), "vs_dst_in_amt_kurt"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "tcycle_len_b10"), names.end());
  c.vertex_stats.enabled = false;
  EXPECT_EQ(FeatureNames(c).size(), names.size() - 72);
}

}  // namespace
}  // namespace moneytrail::patterns
