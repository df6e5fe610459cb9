// Instances of a run cut into parts (a batch run's blocks, a stream's batches) merged with
// MergeInstances equal those of one run over all rows: the same deduplicated instances, the
// same per-account cap and the same capped-accounts report, whatever the cut.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "moneytrail/pattern_instances.h"
#include "moneytrail/patterns.h"
#include "patterns/oracle.h"

namespace moneytrail::patterns {
namespace {

void ExpectSameInstances(const InstanceSet& a, const InstanceSet& b, const std::string& what) {
  EXPECT_EQ(a.found, b.found) << what;
  EXPECT_EQ(a.cap_per_account, b.cap_per_account) << what;
  EXPECT_EQ(a.capped_accounts, b.capped_accounts) << what;
  ASSERT_EQ(a.instances.size(), b.instances.size()) << what;
  for (size_t k = 0; k < a.instances.size(); ++k) {
    const PatternInstance& x = a.instances[k];
    const PatternInstance& y = b.instances[k];
    ASSERT_EQ(x.kind, y.kind) << what << ", instance " << k;
    ASSERT_EQ(x.transactions, y.transactions) << what << ", instance " << k;
    ASSERT_EQ(x.accounts, y.accounts) << what << ", instance " << k;
    ASSERT_EQ(x.first_time, y.first_time) << what << ", instance " << k;
    ASSERT_EQ(x.last_time, y.last_time) << what << ", instance " << k;
  }
}

// Random windows, every multi-hop family, temporal cycles on most seeds, simple cycles on some.
PatternConfig RandomConfig(std::mt19937_64& rng) {
  PatternConfig c;
  for (PatternSettings* s : {&c.fan, &c.vertex_stats, &c.scatter_gather, &c.gather_scatter,
                             &c.bipartite, &c.stack}) {
    s->window = static_cast<Timestamp>(2 + rng() % 12);
  }
  c.fan.enabled = c.vertex_stats.enabled = false;  // no instances
  c.temporal_cycle.enabled = rng() % 4 != 0;
  c.temporal_cycle.window = static_cast<Timestamp>(2 + rng() % 12);
  c.simple_cycle.enabled = rng() % 3 == 0;
  c.simple_cycle.window = static_cast<Timestamp>(2 + rng() % 8);
  c.max_cycle_length = 2 + static_cast<uint32_t>(rng() % 4);
  c.instances_per_account = kNoInstanceCap;
  return c;
}

TEST(PatternInstancesTest, StreamAndBlocksMergeToTheBatchRunsCappedInstancesWhateverTheCut) {
  int seeds_capped = 0;
  for (uint64_t seed = 1; seed <= 120; ++seed) {
    const std::string at = "seed " + std::to_string(seed);
    std::mt19937_64 rng(seed);
    const oracle::Case c = oracle::RandomCase(seed, 4 + seed % 9, 60 + seed % 140, 40);
    const uint32_t cap = 1 + static_cast<uint32_t>(rng() % 3);  // small: the cap binds
    const PatternConfig uncapped = RandomConfig(rng);
    const graph::EdgeColumns all = c.columns();
    auto g = graph::TemporalGraph::Build(all, {});
    ASSERT_TRUE(g.ok()) << at;
    const RunOptions collect{.threads = 1 + static_cast<int>(seed % 2), .collect_instances = true};
    // One run over every row.
    auto whole = ComputeFeatures(*g, all, uncapped, collect);
    ASSERT_TRUE(whole.ok()) << at << ": " << whole.status().ToString();
    std::vector<InstanceSet> one;
    one.push_back(whole->instances);
    const InstanceSet expected = MergeInstances(std::move(one), cap);
    if (!expected.capped_accounts.empty()) ++seeds_capped;
    // Without cycles, whose instances a single run also caps as they are found, one run with
    // the cap gives the same set.
    if (!uncapped.temporal_cycle.enabled && !uncapped.simple_cycle.enabled) {
      PatternConfig capped = uncapped;
      capped.instances_per_account = cap;
      auto direct = ComputeFeatures(*g, all, capped, collect);
      ASSERT_TRUE(direct.ok()) << at;
      ExpectSameInstances(direct->instances, expected, at + ", one capped run");
    }
    // Batch blocks, as `moneytrail patterns` runs them: temporal cycles over all rows, every
    // other family per block of rows.
    const auto [cycles_only, rest] = SplitTemporalCycles(uncapped);
    for (size_t block : {size_t{1}, size_t{7}, all.size() / 3 + 1}) {
      std::vector<InstanceSet> parts;
      if (uncapped.temporal_cycle.enabled) {
        auto cycles = ComputeFeatures(*g, all, cycles_only, collect);
        ASSERT_TRUE(cycles.ok()) << at;
        parts.push_back(std::move(cycles->instances));
      }
      std::vector<TransactionId> ids;
      for (size_t first = 0; first < all.size(); first += block) {
        const size_t count = std::min(block, all.size() - first);
        auto part = ComputeFeatures(*g, graph::RowBlock(all, first, count, ids), rest, collect);
        ASSERT_TRUE(part.ok()) << at;
        parts.push_back(std::move(part->instances));
      }
      ExpectSameInstances(MergeInstances(std::move(parts), cap), expected,
                          at + ", blocks of " + std::to_string(block));
    }
    // The stream, from an empty graph or after a history, in batches of several sizes.
    const std::vector<graph::TransactionEdge> order = oracle::TimeOrderedEdges(c);
    for (size_t batch : {size_t{1}, size_t{3}, size_t{16}, order.size()}) {
      const size_t split = batch == 3 ? static_cast<size_t>(rng() % (order.size() + 1)) : 0;
      const oracle::OwnedColumns history_columns{std::span(order).first(split)};
      const graph::EdgeColumns history_rows = history_columns.view();
      auto history = graph::TemporalGraph::Build(history_rows, {.spare = 0.5});
      ASSERT_TRUE(history.ok()) << at;
      std::vector<InstanceSet> parts;
      auto first = ComputeFeatures(*history, history_rows, uncapped, collect);
      ASSERT_TRUE(first.ok()) << at;
      parts.push_back(std::move(first->instances));
      PatternStream stream(uncapped, std::move(*history), collect.threads);
      for (size_t k = split; k < order.size(); k += batch) {
        const size_t n = std::min(batch, order.size() - k);
        auto part = stream.AddBatch(std::span(order).subspan(k, n), /*collect_instances=*/true);
        ASSERT_TRUE(part.ok()) << at << ": " << part.status().ToString();
        parts.push_back(std::move(part->instances));
      }
      ExpectSameInstances(MergeInstances(std::move(parts), cap), expected,
                          at + ", history " + std::to_string(split) + ", batches of " +
                              std::to_string(batch));
    }
  }
  EXPECT_GT(seeds_capped, 20);  // the cap bound on enough seeds to test it
}

TEST(PatternInstancesTest, AnInstanceInsideALargerOneOfItsKindIsDroppedInAnyPart) {
  auto instance = [](PatternKind kind, std::vector<TransactionId> tx, Timestamp first) {
    PatternInstance i;
    i.kind = kind;
    i.transactions = std::move(tx);
    i.accounts = {static_cast<AccountId>(i.transactions.front())};
    i.first_time = first;
    i.last_time = first + 5;
    return i;
  };
  InstanceSet early, late;
  early.instances = {instance(PatternKind::kBipartite, {1, 2, 3}, 10),
                     instance(PatternKind::kStack, {1, 2}, 10)};
  late.instances = {instance(PatternKind::kBipartite, {1, 2, 3, 4}, 10),
                    instance(PatternKind::kBipartite, {1, 2, 3}, 10)};
  early.found = 2;
  late.found = 2;
  std::vector<InstanceSet> parts{early, late};
  const InstanceSet merged = MergeInstances(std::move(parts), kNoInstanceCap);
  ASSERT_EQ(merged.instances.size(), 2u);  // {1, 2, 3} twice inside {1, 2, 3, 4}; stack kept
  EXPECT_EQ(merged.found, 2u);
  EXPECT_EQ(merged.instances[0].kind, PatternKind::kBipartite);
  EXPECT_EQ(merged.instances[0].transactions, (std::vector<TransactionId>{1, 2, 3, 4}));
  EXPECT_EQ(merged.instances[1].kind, PatternKind::kStack);
}

}  // namespace
}  // namespace moneytrail::patterns
