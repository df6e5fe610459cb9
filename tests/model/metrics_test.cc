// Metrics against brute-force oracles, the split and feature-group parsers, feature words.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>

#include "moneytrail/model.h"

namespace moneytrail::model {
namespace {

double BruteF1(const std::vector<float>& s, const std::vector<int8_t>& l, float threshold) {
  int tp = 0, fp = 0, fn = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (l[i] == kLabelUnknown) continue;
    const bool flag = s[i] >= threshold;
    tp += flag && l[i] == 1;
    fp += flag && l[i] == 0;
    fn += !flag && l[i] == 1;
  }
  return tp ? 2.0 * tp / (2.0 * tp + fp + fn) : 0;
}

TEST(MetricsTest, BestF1ThresholdMatchesBruteForceOnRandomInputs) {
  for (uint32_t seed = 1; seed <= 300; ++seed) {
    std::mt19937 rng(seed);
    const size_t n = 1 + rng() % 30;
    std::vector<float> s(n);
    std::vector<int8_t> l(n);
    for (size_t i = 0; i < n; ++i) {
      s[i] = static_cast<float>(rng() % 8) / 8.0f;  // many ties
      const uint32_t r = rng() % 10;
      l[i] = r < 3 ? 1 : (r < 9 ? 0 : kLabelUnknown);
    }
    double best = 0;
    for (float t : s) best = std::max(best, BruteF1(s, l, t));
    const float chosen = BestF1Threshold(s, l);
    EXPECT_NEAR(BruteF1(s, l, chosen), best, 1e-12) << "seed " << seed;
    EXPECT_NEAR(ComputeMetrics(s, l, chosen).f1, best, 1e-12) << "seed " << seed;
  }
}

TEST(MetricsTest, AveragePrecisionOfAHandRanking) {
  // Ranking: +, -, +, -  -> AP = (1/1 + 2/3) / 2.
  const std::vector<float> s = {0.9f, 0.8f, 0.7f, 0.1f};
  const std::vector<int8_t> l = {1, 0, 1, 0};
  const BinaryMetrics m = ComputeMetrics(s, l, 0.75f);
  EXPECT_NEAR(m.pr_auc, (1.0 + 2.0 / 3.0) / 2.0, 1e-12);
  EXPECT_EQ(m.flagged, 2u);
  EXPECT_EQ(m.true_positives, 1u);
  EXPECT_DOUBLE_EQ(m.precision, 0.5);
  EXPECT_DOUBLE_EQ(m.recall, 0.5);
  EXPECT_DOUBLE_EQ(PrecisionAtK(s, l, 3), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(PrecisionAtK(s, l, 100), 0.5);
}

TEST(MetricsTest, TopContributionsKeepsTheLargestPositiveOnesAndSkipsTheBias) {
  const std::vector<float> c = {0.1f, -2.0f, 0.7f, 0.3f, 9.0f};  // last: bias
  const std::vector<float> v = {1, 2, 3, 4};
  const auto top = TopContributions(c, v, 2);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].feature, 2u);
  EXPECT_EQ(top[1].feature, 3u);
  EXPECT_EQ(top[0].value, 3.0f);
}

TEST(SplitTest, ParsesPercentSharesAndRejectsBadOnes) {
  auto s = TemporalSplit::Parse("temporal:70/15/15");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->train, 70);
  EXPECT_EQ(s->ToString(), "temporal:70/15/15");
  for (const char* bad : {"temporal:60/20/30", "random:60/20/20", "temporal:60/20", "temporal:0/50/50",
                          "temporal:60/20/2x"}) {
    EXPECT_EQ(TemporalSplit::Parse(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(SplitTest, BoundariesCutTheTimeSpanByShares) {
  const std::vector<Timestamp> time = {1000, 500, 1500, 100};
  const SplitBoundaries b = ComputeBoundaries(time, TemporalSplit{60, 20, 20});
  EXPECT_EQ(b.first, 100);
  EXPECT_EQ(b.last, 1500);
  EXPECT_EQ(b.validate_from, 100 + 840);
  EXPECT_EQ(b.test_from, 100 + 1120);
  EXPECT_EQ(b.PartOf(939), SplitPart::kTrain);
  EXPECT_EQ(b.PartOf(940), SplitPart::kValidate);
  EXPECT_EQ(b.PartOf(1220), SplitPart::kTest);
}

TEST(FeatureTest, GroupsParseCanonicallyAndUnknownWordsAreNamed) {
  auto g = ParseFeatureGroups("accounts,raw,raw");
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(FeatureGroupsToString(*g), "raw,accounts");
  EXPECT_EQ(FeatureGroupsToString(*ParseFeatureGroups("all")), "raw,patterns,accounts,rules");
  auto bad = ParseFeatureGroups("raw,graphs");
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("graphs"), std::string::npos);
}

TEST(FeatureTest, DegreeGroupIsASubsetOfPatternsAndAccounts) {
  const auto all = FeatureNames(*ParseFeatureGroups("patterns,accounts"));
  const auto degree = FeatureNames(*ParseFeatureGroups("degree"));
  ASSERT_FALSE(degree.empty());
  for (const std::string& n : degree) {
    EXPECT_NE(std::find(all.begin(), all.end(), n), all.end()) << n;
  }
  const auto both = FeatureNames(*ParseFeatureGroups("patterns,accounts,degree"));
  EXPECT_EQ(both, all);  // no duplicate columns
}

TEST(FeatureTest, RoundLevelCountsTrailingZerosOfWholeAmounts) {
  EXPECT_EQ(RoundLevel({900000, 2}), 3);   // 9,000.00
  EXPECT_EQ(RoundLevel({950050, 2}), 0);   // 9,500.50
  EXPECT_EQ(RoundLevel({950000, 2}), 2);   // 9,500.00
  EXPECT_EQ(RoundLevel({7, 0}), 0);
  EXPECT_EQ(RoundLevel({0, 2}), 0);
  EXPECT_EQ(RoundLevel({-1000000000, 0}), 6);  // capped
}

TEST(FeatureTest, FeaturesReadAsPlainWords) {
  EXPECT_EQ(DescribeFeature("raw_amount_paid", 9500.0f), "amount paid 9500.00");
  EXPECT_EQ(DescribeFeature("raw_channel", 1.0f), "channel cash_deposit");
  EXPECT_EQ(DescribeFeature("raw_currency_paid", ((20 * 26) + 18) * 26 + 3), "paid in USD");
  EXPECT_EQ(DescribeFeature("pat_fan_out_src", 14.0f),
            "sender's distinct payees in the last 12 h: 14");
  EXPECT_EQ(DescribeFeature("pat_vs_dst_in_count", 3.0f),
            "receiver's incoming payments in the last 3 days, count: 3");
  EXPECT_EQ(DescribeFeature("acct_src_cash_share", 0.5f),
            "sender's share of cash payments: 0.5");
}

}  // namespace
}  // namespace moneytrail::model
