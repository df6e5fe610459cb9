// Determinism: a streaming run equals the batch run bit for bit, whatever the batch sizes, and
// 1 and 2 threads agree.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <set>

#include "moneytrail/patterns.h"
#include "patterns/oracle.h"

namespace moneytrail::patterns {
namespace {

PatternConfig Config(Timestamp w) {
  PatternConfig c;
  for (PatternSettings* s : {&c.fan, &c.vertex_stats, &c.scatter_gather, &c.gather_scatter,
                             &c.bipartite, &c.stack}) {
    s->window = w;
  }
  c.fan.bins = {2, 3, 4};
  return c;
}

// Bitwise equality (NaN equals NaN).
bool SameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

void ExpectSameRow(const FeatureTable& a, size_t ra, const FeatureTable& b, size_t rb,
                   uint64_t seed) {
  ASSERT_EQ(a.columns, b.columns);
  for (size_t k = 0; k < a.columns.size(); ++k) {
    ASSERT_TRUE(SameBits(a.row(ra)[k], b.row(rb)[k]))
        << "seed " << seed << " tx " << a.tx_ids[ra] << " column " << a.columns[k] << ": "
        << a.row(ra)[k] << " vs " << b.row(rb)[k];
  }
}

TEST(PatternsStreamTest, StreamingInAnyBatchSizesEqualsTheBatchRun) {
  for (uint64_t seed = 1; seed <= 150; ++seed) {
    const oracle::Case c = oracle::RandomCase(seed, 10, 120, 30);
    const PatternConfig config = Config(static_cast<Timestamp>(seed % 9));
    auto g = graph::TemporalGraph::Build(c.columns(), {});
    ASSERT_TRUE(g.ok());
    auto batch = ComputeFeatures(*g, c.columns(), config, {});
    ASSERT_TRUE(batch.ok());
    // The stream sees transactions in (time, id) order, in batches of random sizes.
    std::vector<graph::TransactionEdge> order = oracle::TimeOrderedEdges(c);
    PatternStream stream(config, 1 + static_cast<int>(seed % 2));
    std::mt19937_64 rng(seed);
    for (size_t k = 0; k < order.size();) {
      const size_t n = std::min(order.size() - k, 1 + static_cast<size_t>(rng() % 9));
      auto part = stream.AddBatch(std::span(order).subspan(k, n));
      ASSERT_TRUE(part.ok()) << part.status().ToString();
      for (size_t r = 0; r < n; ++r) {
        ExpectSameRow(part->table, r, batch->table, part->table.tx_ids[r], seed);
      }
      k += n;
    }
  }
}

TEST(PatternsStreamTest, FractionalAmountsStreamedInSmallBatchesEqualTheBatchRunBitForBit) {
  // Sums of fractional amounts depend on their order: the vertex statistics' order is fixed by
  // list positions, so a stream (each batch sweeping only its own windows) matches exactly.
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    oracle::Case c = oracle::RandomCase(seed, 4, 250, 80);
    oracle::UseFractionalAmounts(c, seed);
    PatternConfig config = Config(static_cast<Timestamp>(5 + seed % 40));
    config.scatter_gather.enabled = config.gather_scatter.enabled = false;
    config.bipartite.enabled = config.stack.enabled = config.temporal_cycle.enabled = false;
    auto g = graph::TemporalGraph::Build(c.columns(), {});
    ASSERT_TRUE(g.ok());
    auto batch = ComputeFeatures(*g, c.columns(), config, {.threads = 2});
    ASSERT_TRUE(batch.ok());
    std::vector<graph::TransactionEdge> order = oracle::TimeOrderedEdges(c);
    PatternStream stream(config);
    std::mt19937_64 rng(seed);
    for (size_t k = 0; k < order.size();) {
      const size_t n = std::min(order.size() - k, 1 + static_cast<size_t>(rng() % 17));
      auto part = stream.AddBatch(std::span(order).subspan(k, n));
      ASSERT_TRUE(part.ok()) << part.status().ToString();
      for (size_t r = 0; r < n; ++r) {
        ExpectSameRow(part->table, r, batch->table, part->table.tx_ids[r], seed);
      }
      k += n;
    }
  }
}

TEST(PatternsStreamTest, StreamingFromABuiltHistoryEqualsTheBatchRun) {
  const oracle::Case c = oracle::RandomCase(77, 10, 200, 40);
  const PatternConfig config = Config(6);
  auto g = graph::TemporalGraph::Build(c.columns(), {});
  auto batch = ComputeFeatures(*g, c.columns(), config, {});
  ASSERT_TRUE(batch.ok());
  std::vector<TransactionId> order(c.tx.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](auto a, auto b) {
    return c.time[a] != c.time[b] ? c.time[a] < c.time[b] : a < b;
  });
  const size_t split = order.size() / 2;
  std::vector<AccountId> s, d;
  std::vector<Timestamp> t;
  std::vector<double> amount;
  std::vector<TransactionId> ids(order.begin(), order.begin() + static_cast<ptrdiff_t>(split));
  for (TransactionId id : ids) {
    s.push_back(c.src[id]), d.push_back(c.dst[id]), t.push_back(c.time[id]);
    amount.push_back(c.amount[id]);
  }
  auto history = graph::TemporalGraph::Build({s, d, t, amount, ids}, {.spare = 0.5});
  ASSERT_TRUE(history.ok());
  PatternStream stream(config, std::move(*history));
  std::vector<graph::TransactionEdge> rest;
  for (size_t k = split; k < order.size(); ++k) {
    const TransactionId id = order[k];
    rest.push_back({id, c.time[id], c.src[id], c.dst[id], c.amount[id]});
  }
  auto part = stream.AddBatch(rest);
  ASSERT_TRUE(part.ok());
  for (size_t r = 0; r < rest.size(); ++r) {
    ExpectSameRow(part->table, r, batch->table, rest[r].id, 77);
  }
}

// A streaming batch searches temporal cycles only from its rows' destinations (the roots of the
// cycles its rows close): over all batches it must still find every cycle of the batch run.
TEST(PatternsStreamTest, StreamedTemporalCycleInstancesAreTheBatchRunsCycles) {
  for (uint64_t seed = 1; seed <= 100; ++seed) {
    const oracle::Case c = oracle::RandomCase(seed, 6, 150, 30);
    PatternConfig config;
    for (PatternSettings* s : {&config.fan, &config.vertex_stats, &config.scatter_gather,
                               &config.gather_scatter, &config.bipartite, &config.stack}) {
      s->enabled = false;
    }
    config.temporal_cycle.window = static_cast<Timestamp>(5 + seed % 10);
    config.max_cycle_length = 5;
    config.instances_per_account = 1000000;  // no cap: every cycle is an instance
    auto g = graph::TemporalGraph::Build(c.columns(), {});
    ASSERT_TRUE(g.ok());
    auto batch = ComputeFeatures(*g, c.columns(), config, {.collect_instances = true});
    ASSERT_TRUE(batch.ok());
    std::set<std::vector<TransactionId>> expected, streamed;
    for (const PatternInstance& inst : batch->instances.instances) {
      expected.insert(inst.transactions);
    }
    const std::vector<graph::TransactionEdge> order = oracle::TimeOrderedEdges(c);
    PatternStream stream(config, 1 + static_cast<int>(seed % 2));
    std::mt19937_64 rng(seed);
    for (size_t k = 0; k < order.size();) {
      const size_t n = std::min(order.size() - k, 1 + static_cast<size_t>(rng() % 7));
      auto part = stream.AddBatch(std::span(order).subspan(k, n), /*collect_instances=*/true);
      ASSERT_TRUE(part.ok()) << part.status().ToString();
      for (const PatternInstance& inst : part->instances.instances) {
        EXPECT_TRUE(streamed.insert(inst.transactions).second) << "seed " << seed;
      }
      k += n;
    }
    EXPECT_EQ(streamed, expected) << "seed " << seed;
  }
}

// The stream searches temporal cycles in its own graph (no index per batch): from a history
// built with or without spare room, in batches of any size and with 1 or 2 threads, it finds
// every cycle of the batch run (instances uncapped), with bit-identical features.
TEST(PatternsStreamTest, CyclesStreamedOnAHistoryWithSpareRoomAreTheBatchRunsCycles) {
  for (uint64_t seed = 1; seed <= 120; ++seed) {
    const oracle::Case c = oracle::RandomCase(seed, 3 + seed % 10, 40 + 4 * seed, 60);
    std::mt19937_64 rng(seed);
    PatternConfig config = Config(static_cast<Timestamp>(rng() % 12));
    config.temporal_cycle.window = static_cast<Timestamp>(1 + rng() % 20);
    config.max_cycle_length = 2 + static_cast<uint32_t>(rng() % 7);
    config.instances_per_account = 1000000;
    auto g = graph::TemporalGraph::Build(c.columns(), {});
    ASSERT_TRUE(g.ok());
    auto batch = ComputeFeatures(*g, c.columns(), config, {.collect_instances = true});
    ASSERT_TRUE(batch.ok());
    const std::vector<graph::TransactionEdge> order = oracle::TimeOrderedEdges(c);
    const size_t split = static_cast<size_t>(rng() % (order.size() + 1));
    // The stream reports the cycles closed by its batches: those with a streamed transaction
    // (the history comes first in (time, id) order).
    std::set<TransactionId> in_history;
    for (size_t k = 0; k < split; ++k) in_history.insert(order[k].id);
    std::set<std::vector<TransactionId>> expected, streamed;
    for (const PatternInstance& inst : batch->instances.instances) {
      if (inst.kind != PatternKind::kTemporalCycle) continue;
      if (std::any_of(inst.transactions.begin(), inst.transactions.end(),
                      [&](TransactionId id) { return !in_history.contains(id); })) {
        expected.insert(inst.transactions);
      }
    }
    const oracle::OwnedColumns history_columns{std::span(order).first(split)};
    const double spares[] = {0.0, 0.1, 1.0};
    auto history = graph::TemporalGraph::Build(history_columns.view(), {.spare = spares[seed % 3]});
    ASSERT_TRUE(history.ok());
    PatternStream stream(config, std::move(*history), 1 + static_cast<int>(rng() % 2));
    for (size_t k = split; k < order.size();) {
      const size_t n = std::min(order.size() - k, 1 + static_cast<size_t>(rng() % 30));
      auto part = stream.AddBatch(std::span(order).subspan(k, n), /*collect_instances=*/true);
      ASSERT_TRUE(part.ok()) << part.status().ToString();
      for (size_t r = 0; r < n; ++r) {
        ExpectSameRow(part->table, r, batch->table, part->table.tx_ids[r], seed);
      }
      for (const PatternInstance& inst : part->instances.instances) {
        if (inst.kind != PatternKind::kTemporalCycle) continue;
        EXPECT_TRUE(streamed.insert(inst.transactions).second) << "seed " << seed;
      }
      k += n;
    }
    EXPECT_EQ(streamed, expected) << "seed " << seed;
  }
}

// One batch holding every transaction finds the cycles in the batch run's order, so the
// per-account instance cap (applied in enumeration order) keeps the same instances; dense
// cases make the search fall back to pruning and to meeting in the middle.
TEST(PatternsStreamTest, OneStreamedBatchKeepsTheBatchRunsCappedCycleInstances) {
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    const oracle::Case c = oracle::RandomCase(seed, 12, 800, 200);
    PatternConfig config;
    for (PatternSettings* s : {&config.fan, &config.vertex_stats, &config.scatter_gather,
                               &config.gather_scatter, &config.bipartite, &config.stack}) {
      s->enabled = false;
    }
    config.temporal_cycle.window = 20;
    config.max_cycle_length = 6;
    config.instances_per_account = 1 + static_cast<uint32_t>(seed % 5);
    auto g = graph::TemporalGraph::Build(c.columns(), {});
    ASSERT_TRUE(g.ok());
    auto batch = ComputeFeatures(*g, c.columns(), config, {.collect_instances = true});
    ASSERT_TRUE(batch.ok());
    const std::vector<graph::TransactionEdge> order = oracle::TimeOrderedEdges(c);
    PatternStream stream(config, 1 + static_cast<int>(seed % 2));
    auto part = stream.AddBatch(order, /*collect_instances=*/true);
    ASSERT_TRUE(part.ok()) << part.status().ToString();
    for (size_t r = 0; r < order.size(); ++r) {
      ExpectSameRow(part->table, r, batch->table, part->table.tx_ids[r], seed);
    }
    EXPECT_EQ(part->instances.found, batch->instances.found) << "seed " << seed;
    ASSERT_EQ(part->instances.instances.size(), batch->instances.instances.size())
        << "seed " << seed;
    for (size_t k = 0; k < part->instances.instances.size(); ++k) {
      EXPECT_EQ(part->instances.instances[k].transactions,
                batch->instances.instances[k].transactions)
          << "seed " << seed;
    }
  }
}

// A stream keeps the vertex-statistics windows of busy accounts between batches; here accounts
// take turns being busy (each goes idle for many windows, then comes back), batches are tiny
// (thousands of calls: kept windows restart, compact and are dropped), and amounts fractional.
TEST(PatternsStreamTest, KeptWindowsOfAccountsThatGoIdleAndComeBackMatchTheBatchRun) {
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    std::mt19937_64 rng(seed);
    oracle::Case c;
    const int phases = 12;
    for (int k = 0; k < 4000; ++k) {
      const Timestamp t = static_cast<Timestamp>(rng() % 6000);
      const AccountId group = static_cast<AccountId>((t / 500) % 4) * 3;  // 3 busy accounts
      oracle::Tx tx{t, group + static_cast<AccountId>(rng() % 3),
                    group + static_cast<AccountId>(rng() % 3), 1.0};
      if (rng() % 5 == 0) tx.dst = static_cast<AccountId>(rng() % (3 * phases));
      c.tx.push_back(tx);
      c.src.push_back(tx.src), c.dst.push_back(tx.dst), c.time.push_back(tx.time);
      c.amount.push_back(tx.amount);
    }
    oracle::UseFractionalAmounts(c, seed);
    PatternConfig config = Config(static_cast<Timestamp>(20 + seed * 15));
    config.scatter_gather.enabled = config.gather_scatter.enabled = false;
    config.bipartite.enabled = config.stack.enabled = config.temporal_cycle.enabled = false;
    auto g = graph::TemporalGraph::Build(c.columns(), {});
    ASSERT_TRUE(g.ok());
    auto batch = ComputeFeatures(*g, c.columns(), config, {});
    ASSERT_TRUE(batch.ok());
    const std::vector<graph::TransactionEdge> order = oracle::TimeOrderedEdges(c);
    PatternStream stream(config, 1 + static_cast<int>(seed % 2));
    for (size_t k = 0; k < order.size();) {
      const size_t n = std::min(order.size() - k, 1 + static_cast<size_t>(rng() % 3));
      auto part = stream.AddBatch(std::span(order).subspan(k, n));
      ASSERT_TRUE(part.ok()) << part.status().ToString();
      for (size_t r = 0; r < n; ++r) {
        ExpectSameRow(part->table, r, batch->table, part->table.tx_ids[r], seed);
      }
      k += n;
    }
  }
}

TEST(PatternsStreamTest, ABatchOutOfOrderIsRejected) {
  PatternStream stream(PatternConfig{});
  std::vector<graph::TransactionEdge> a{{5, 100, 0, 1, 1.0}};
  ASSERT_TRUE(stream.AddBatch(a).ok());
  std::vector<graph::TransactionEdge> b{{6, 99, 1, 0, 1.0}};
  EXPECT_EQ(stream.AddBatch(b).status().code(), StatusCode::kInvalidArgument);
}

TEST(PatternsStreamTest, OneAndTwoThreadsGiveIdenticalFeaturesAndInstances) {
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    const oracle::Case c = oracle::RandomCase(seed, 12, 800, 200);
    PatternConfig config = Config(20);
    config.temporal_cycle.window = 20;  // dense: a long window holds millions of cycles
    config.max_cycle_length = 6;
    auto g = graph::TemporalGraph::Build(c.columns(), {.threads = 2});
    ASSERT_TRUE(g.ok());
    auto one = ComputeFeatures(*g, c.columns(), config, {.threads = 1, .collect_instances = true});
    auto two = ComputeFeatures(*g, c.columns(), config, {.threads = 2, .collect_instances = true});
    ASSERT_TRUE(one.ok() && two.ok());
    ASSERT_EQ(one->table.values.size(), two->table.values.size());
    EXPECT_EQ(std::memcmp(one->table.values.data(), two->table.values.data(),
                          one->table.values.size() * sizeof(double)),
              0)
        << "seed " << seed;
    ASSERT_EQ(one->instances.instances.size(), two->instances.instances.size());
    for (size_t k = 0; k < one->instances.instances.size(); ++k) {
      EXPECT_EQ(one->instances.instances[k].transactions,
                two->instances.instances[k].transactions);
    }
  }
}

TEST(PatternsStreamTest, BlocksIntoAReusedRunEqualFreshRunsWhateverItHeldBefore) {
  // ComputeFeaturesInto zeroes only the columns that the sweep does not overwrite in every row:
  // the reused run holds garbage of another configuration first (wider and narrower rows).
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    const oracle::Case c = oracle::RandomCase(seed, 10, 150, 40);
    auto g = graph::TemporalGraph::Build(c.columns(), {});
    ASSERT_TRUE(g.ok());
    PatternConfig config = Config(static_cast<Timestamp>(seed % 11));
    config.fan.bins = seed % 3 == 0 ? std::vector<uint32_t>{} : std::vector<uint32_t>{2, 5};
    config.fan.enabled = seed % 4 != 1;
    config.vertex_stats.enabled = seed % 5 != 2;
    config.scatter_gather.enabled = seed % 2 == 0;
    config.gather_scatter.enabled = seed % 7 != 3;
    config.bipartite.enabled = seed % 3 != 1;
    config.stack.enabled = seed % 3 != 0;
    config.temporal_cycle.enabled = seed % 6 != 5;
    config.simple_cycle.enabled = seed % 4 == 0;
    config.max_cycle_length = 4;
    FeatureRun run;
    run.table.values.assign(3 * c.columns().size() * 150, std::nan("1"));
    run.table.tx_ids.assign(7, 12345);
    std::mt19937_64 rng(seed);
    const graph::EdgeColumns all = c.columns();
    const size_t n = all.size();
    std::vector<TransactionId> ids;
    for (size_t first = 0; first < n;) {
      const size_t count = std::min(n - first, 1 + static_cast<size_t>(rng() % 60));
      const graph::EdgeColumns block = graph::RowBlock(all, first, count, ids);
      auto fresh = ComputeFeatures(*g, block, config, {});
      ASSERT_TRUE(fresh.ok());
      ASSERT_TRUE(ComputeFeaturesInto(*g, block, config, {.threads = 2}, run).ok());
      ASSERT_EQ(run.table.tx_ids, fresh->table.tx_ids) << "seed " << seed;
      ASSERT_EQ(run.table.values.size(), fresh->table.values.size()) << "seed " << seed;
      for (size_t r = 0; r < count; ++r) ExpectSameRow(run.table, r, fresh->table, r, seed);
      // Scribble over the run again, as a caller might.
      std::fill(run.table.values.begin(), run.table.values.end(), -7.5);
      first += count;
    }
  }
}

}  // namespace
}  // namespace moneytrail::patterns
