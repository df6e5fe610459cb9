#include "moneytrail/resolve_metrics.h"

#include <gtest/gtest.h>

#include "resolve/state.h"

namespace moneytrail::resolve {
namespace {

Resolution MakeResolution(std::vector<uint32_t> entity_of, std::vector<ScoredPair> pairs) {
  auto state = std::make_unique<internal::ResolutionState>();
  state->entity_count = 0;
  for (uint32_t e : entity_of) state->entity_count = std::max<size_t>(state->entity_count, e + 1);
  state->entity_of = std::move(entity_of);
  state->pairs = std::move(pairs);
  state->threshold = 0;
  return Resolution(std::move(state));
}

PartyTable Table(size_t n, std::vector<int> source = {}) {
  PartyTable t;
  t.columns = {"id"};
  t.values.resize(1);
  for (size_t i = 0; i < n; ++i) {
    t.values[0].push_back(std::to_string(i));
    t.source.push_back(source.empty() ? 0 : source[i]);
    t.line.push_back(static_cast<int64_t>(i) + 2);
  }
  t.source_names = {"a.csv", "b.csv"};
  return t;
}

TEST(MetricsTest, PairwiseAndBCubedOnAHandMadeClustering) {
  // Truth {0,1,2} {3,4}; predicted {0,1} {2,3,4}.
  PartyTable t = Table(5);
  Resolution r = MakeResolution({0, 0, 1, 1, 1}, {{0, 1, 5}, {2, 3, 2}, {1, 2, -3}});
  ResolveConfig config;
  Evaluation e = Evaluate(t, config, r, {"a", "a", "a", "b", "b"});
  EXPECT_EQ(e.true_pairs, 4);            // 3 + 1
  EXPECT_EQ(e.true_pairs_blocked, 2);    // (0,1) and (1,2)
  EXPECT_EQ(e.scored_pairs.true_positives, 1);
  EXPECT_EQ(e.scored_pairs.false_positives, 1);
  EXPECT_EQ(e.clustered_pairs.true_positives, 2);   // (0,1), (3,4)
  EXPECT_EQ(e.clustered_pairs.false_positives, 2);  // (2,3), (2,4)
  EXPECT_EQ(e.clustered_pairs.false_negatives, 2);
  EXPECT_DOUBLE_EQ(e.clustered_pairs.f1(), 0.5);
  // B-cubed precision: (1 + 1 + 1/3 + 2/3 + 2/3) / 5; recall: (2/3 + 2/3 + 1/3 + 1 + 1) / 5.
  EXPECT_NEAR(e.bcubed_precision, (1 + 1 + 1.0 / 3 + 2.0 / 3 + 2.0 / 3) / 5, 1e-12);
  EXPECT_NEAR(e.bcubed_recall, (2.0 / 3 + 2.0 / 3 + 1.0 / 3 + 1 + 1) / 5, 1e-12);
  EXPECT_EQ(e.exact_entities, 0);
}

TEST(MetricsTest, LinkModeCountsOnlyCrossFilePairs) {
  // File 0: records 0,1; file 1: records 2,3. Truth 0~2, 1~3.
  PartyTable t = Table(4, {0, 0, 1, 1});
  Resolution r = MakeResolution({0, 1, 0, 1}, {{0, 2, 9}, {1, 3, 9}});
  ResolveConfig config;
  config.mode = LinkMode::kLink;
  Evaluation e = Evaluate(t, config, r, {"x", "y", "x", "y"});
  EXPECT_EQ(e.true_pairs, 2);
  EXPECT_DOUBLE_EQ(e.clustered_pairs.precision(), 1.0);
  EXPECT_DOUBLE_EQ(e.clustered_pairs.recall(), 1.0);
  EXPECT_EQ(e.exact_entities, 2);
}

TEST(MetricsTest, TruthPatternExtractsTheEntity) {
  PartyTable t = Table(2);
  t.columns.push_back("rec_id");
  t.values.push_back({"rec-12-org", " rec-12-dup-0"});
  auto labels = TruthLabels(t, "rec_id", "^rec-([0-9]+)-");
  ASSERT_TRUE(labels.ok()) << labels.status().ToString();
  EXPECT_EQ((*labels)[0], "12");
  EXPECT_EQ((*labels)[1], "12");
  t.values[1][1] = "garbage";
  auto bad = TruthLabels(t, "rec_id", "^rec-([0-9]+)-");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("a.csv:3"), std::string_view::npos);
}

}  // namespace
}  // namespace moneytrail::resolve
