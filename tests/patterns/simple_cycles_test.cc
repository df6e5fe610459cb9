// Length-constrained simple cycles (docs/patterns.md, Simple cycles) against a brute-force
// oracle that enumerates every sequence of transactions, plus streaming == batch and thread
// invariance.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <set>

#include "moneytrail/patterns.h"
#include "patterns/oracle.h"

namespace moneytrail::patterns {
namespace {

PatternConfig OnlySimpleCycles(Timestamp w, uint32_t max_length) {
  PatternConfig c;
  for (PatternSettings* s : {&c.fan, &c.vertex_stats, &c.scatter_gather, &c.gather_scatter,
                             &c.bipartite, &c.stack, &c.temporal_cycle}) {
    s->enabled = false;
  }
  c.simple_cycle.enabled = true;
  c.simple_cycle.window = w;
  c.simple_cycle.bins = {2, 3, 5};
  c.max_cycle_length = max_length;
  return c;
}

// by_closing[i][k]: cycles of k transactions closed by i. Every sequence i, e2, .., ek with
// e2 leaving dst(i), each e leaving where the previous one arrives, ek arriving at src(i),
// k distinct accounts, every e seen by i and strictly before i in (time, id) order.
std::vector<std::vector<double>> SimpleCyclesByClosing(const oracle::Case& c, Timestamp w,
                                                       size_t max_length) {
  std::vector<std::vector<double>> by_closing(c.tx.size(), std::vector<double>(max_length + 1));
  std::vector<AccountId> path;
  for (size_t i = 0; i < c.tx.size(); ++i) {
    if (c.tx[i].src == c.tx[i].dst) continue;
    auto extend = [&](auto&& self, AccountId at, size_t length) -> void {
      for (size_t j = 0; j < c.tx.size(); ++j) {
        const oracle::Tx& e = c.tx[j];
        if (j == i || e.src != at || !oracle::Visible(c, i, j, w) || !oracle::Before(c, j, i) ||
            length + 1 > max_length) {
          continue;
        }
        if (e.dst == c.tx[i].src) {
          by_closing[i][length + 1] += 1;
        } else if (std::find(path.begin(), path.end(), e.dst) == path.end()) {
          path.push_back(e.dst);
          self(self, e.dst, length + 1);
          path.pop_back();
        }
      }
    };
    path = {c.tx[i].src, c.tx[i].dst};
    extend(extend, c.tx[i].dst, 1);
  }
  return by_closing;
}

size_t Column(const FeatureTable& t, const std::string& name) {
  return static_cast<size_t>(std::find(t.columns.begin(), t.columns.end(), name) -
                             t.columns.begin());
}

TEST(SimpleCyclesTest, CountsEqualTheBruteForceOverAllTransactionSequences) {
  uint64_t cycles = 0;
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    // Alternately few accounts and many edges, and up to 9 accounts for lengths up to 10.
    const oracle::Case c = seed % 2 == 1 ? oracle::RandomCase(seed, 6, 40, 12)
                                         : oracle::RandomCase(seed, 10, 35, 6);
    const PatternConfig config =
        OnlySimpleCycles(static_cast<Timestamp>(seed % 13), 2 + static_cast<uint32_t>(seed % 9));
    auto g = graph::TemporalGraph::Build(c.columns(), {});
    ASSERT_TRUE(g.ok());
    auto run = ComputeFeatures(*g, c.columns(), config, {.threads = 2});
    ASSERT_TRUE(run.ok()) << run.status().ToString();
    const auto want =
        SimpleCyclesByClosing(c, config.simple_cycle.window, config.max_cycle_length);
    const size_t first = Column(run->table, "scycle_count");
    ASSERT_EQ(first + 4, run->table.columns.size());
    for (size_t i = 0; i < c.tx.size(); ++i) {
      double total = 0, b2 = 0, b3 = 0, b5 = 0;
      for (size_t k = 2; k < want[i].size(); ++k) {
        total += want[i][k];
        (k >= 5 ? b5 : k >= 3 ? b3 : b2) += want[i][k];
      }
      cycles += static_cast<uint64_t>(total);
      const std::vector<double> expect{total, b2, b3, b5};
      for (size_t k = 0; k < 4; ++k) {
        ASSERT_EQ(run->table.row(i)[first + k], expect[k])
            << "seed " << seed << " tx " << i << " column " << run->table.columns[first + k];
      }
    }
  }
  EXPECT_GT(cycles, 1000u);
}

TEST(SimpleCyclesTest, EveryTemporalCycleIsASimpleCycleOfTheSameClosingTransaction) {
  for (uint64_t seed = 1; seed <= 100; ++seed) {
    const oracle::Case c = oracle::RandomCase(seed, 7, 60, 15);
    PatternConfig config = OnlySimpleCycles(static_cast<Timestamp>(seed % 9), 5);
    config.temporal_cycle.enabled = true;
    config.temporal_cycle.window = config.simple_cycle.window;
    config.temporal_cycle.bins = {};
    auto g = graph::TemporalGraph::Build(c.columns(), {});
    ASSERT_TRUE(g.ok());
    auto run = ComputeFeatures(*g, c.columns(), config, {});
    ASSERT_TRUE(run.ok());
    const size_t t = Column(run->table, "tcycle_count"), s = Column(run->table, "scycle_count");
    for (size_t i = 0; i < c.tx.size(); ++i) {
      ASSERT_LE(run->table.row(i)[t], run->table.row(i)[s]) << "seed " << seed << " tx " << i;
    }
  }
}

TEST(SimpleCyclesTest, WorkedExampleOfTheDocumentation) {
  // docs/patterns.md: A=0, B=1, C=2; W = 10.
  oracle::Case c;
  const std::vector<oracle::Tx> tx{{5, 1, 2, 1}, {1, 0, 1, 1}, {3, 2, 0, 1},
                                   {3, 2, 0, 1}, {8, 1, 0, 1}, {20, 0, 1, 1}};
  for (const oracle::Tx& t : tx) {
    c.tx.push_back(t), c.src.push_back(t.src), c.dst.push_back(t.dst);
    c.time.push_back(t.time), c.amount.push_back(t.amount);
  }
  auto g = graph::TemporalGraph::Build(c.columns(), {});
  ASSERT_TRUE(g.ok());
  auto run = ComputeFeatures(*g, c.columns(), OnlySimpleCycles(10, 10), {});
  ASSERT_TRUE(run.ok());
  const size_t s = Column(run->table, "scycle_count");
  const std::vector<double> want{2, 0, 0, 0, 1, 0};
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(run->table.row(i)[s], want[i]) << i;
}

TEST(SimpleCyclesTest, StreamingEqualsBatchAndThreadsDoNotMatter) {
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    const oracle::Case c = oracle::RandomCase(seed, 10, 150, 30);
    const PatternConfig config = OnlySimpleCycles(static_cast<Timestamp>(4 + seed % 10), 6);
    auto g = graph::TemporalGraph::Build(c.columns(), {.threads = 2});
    ASSERT_TRUE(g.ok());
    auto one = ComputeFeatures(*g, c.columns(), config, {.threads = 1, .collect_instances = true});
    auto two = ComputeFeatures(*g, c.columns(), config, {.threads = 2, .collect_instances = true});
    ASSERT_TRUE(one.ok() && two.ok());
    ASSERT_EQ(one->table.values, two->table.values) << "seed " << seed;
    ASSERT_EQ(one->instances.instances.size(), two->instances.instances.size());
    for (size_t k = 0; k < one->instances.instances.size(); ++k) {
      EXPECT_EQ(one->instances.instances[k].transactions,
                two->instances.instances[k].transactions);
    }
    std::vector<graph::TransactionEdge> order = oracle::TimeOrderedEdges(c);
    PatternStream stream(config, 2);
    std::mt19937_64 rng(seed);
    for (size_t k = 0; k < order.size();) {
      const size_t n = std::min(order.size() - k, 1 + static_cast<size_t>(rng() % 13));
      auto part = stream.AddBatch(std::span(order).subspan(k, n));
      ASSERT_TRUE(part.ok()) << part.status().ToString();
      for (size_t r = 0; r < n; ++r) {
        const auto got = part->table.row(r);
        const auto want = one->table.row(part->table.tx_ids[r]);
        ASSERT_EQ(std::memcmp(got.data(), want.data(), got.size() * sizeof(double)), 0)
            << "seed " << seed << " tx " << part->table.tx_ids[r];
      }
      k += n;
    }
  }
}

TEST(SimpleCyclesTest, InstancesAreTheCyclesWithTheirAccounts) {
  const oracle::Case c = oracle::RandomCase(11, 6, 60, 12);
  const PatternConfig config = OnlySimpleCycles(12, 4);
  auto g = graph::TemporalGraph::Build(c.columns(), {});
  auto run = ComputeFeatures(*g, c.columns(), config, {.collect_instances = true});
  ASSERT_TRUE(run.ok());
  double total = 0;
  for (size_t i = 0; i < c.tx.size(); ++i) total += run->table.row(i)[0];
  EXPECT_EQ(static_cast<double>(run->instances.found), total);
  ASSERT_FALSE(run->instances.instances.empty());
  std::set<std::vector<TransactionId>> seen;
  for (const PatternInstance& inst : run->instances.instances) {
    EXPECT_EQ(inst.kind, PatternKind::kSimpleCycle);
    EXPECT_TRUE(seen.insert(inst.transactions).second) << "duplicate cycle";
    ASSERT_EQ(inst.transactions.size(), inst.accounts.size());
    ASSERT_GE(inst.transactions.size(), 2u);
    ASSERT_LE(inst.transactions.size(), 4u);
    std::multiset<AccountId> from, to;  // a cycle: every account pays once and is paid once
    for (TransactionId t : inst.transactions) from.insert(c.src[t]), to.insert(c.dst[t]);
    EXPECT_EQ(from, to);
    EXPECT_EQ(std::set<AccountId>(from.begin(), from.end()).size(), inst.accounts.size());
    EXPECT_LE(inst.last_time - inst.first_time, 12);
  }
}

}  // namespace
}  // namespace moneytrail::patterns
