// The subject ranking against a brute-force restatement on many small random inputs, and its
// basic properties.
#include "cases/subjects.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <set>

namespace moneytrail::cases {
namespace {

TEST(SubjectsTest, SeverityWeights) {
  EXPECT_DOUBLE_EQ(SeverityWeight("high"), 0.60);
  EXPECT_DOUBLE_EQ(SeverityWeight("medium"), 0.35);
  EXPECT_DOUBLE_EQ(SeverityWeight("low"), 0.20);
  EXPECT_DOUBLE_EQ(SeverityWeight("report"), 0.10);
  EXPECT_DOUBLE_EQ(SeverityWeight("whatever"), 0.20);
}

TEST(SubjectsTest, OneRuleCountsOnceAtItsHighestSeverity) {
  std::vector<ModelFact> model = {{0.0, 0}, {0.0, 0}};
  std::vector<AlertFact> alerts = {{{0}, "R1", "medium"}, {{0}, "R1", "high"}, {{0}, "R1", "low"}};
  std::vector<SubjectScore> r = RankSubjects(2, model, alerts, {});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].subject, 0u);
  EXPECT_EQ(r[0].alerts, 3u);
  EXPECT_EQ(r[0].rules, std::vector<std::string>{"R1"});
  EXPECT_DOUBLE_EQ(r[0].rule_score, 0.60);
  EXPECT_EQ(r[1].subject, 1u);
  EXPECT_EQ(r[1].score, 0.0);
}

TEST(SubjectsTest, FlaggedTransactionsRaiseTheScore) {
  std::vector<ModelFact> model = {{0.9, 0}, {0.9, 1}, {0.9, 3}};
  std::vector<SubjectScore> r = RankSubjects(3, model, {}, {});
  EXPECT_EQ(r[0].subject, 2u);
  EXPECT_EQ(r[1].subject, 1u);
  EXPECT_EQ(r[2].subject, 0u);
  EXPECT_NEAR(r[1].flagged_score, 0.4, 1e-12);
  EXPECT_NEAR(r[1].score, 1 - 0.55 * 0.6, 1e-12);
}

TEST(SubjectsTest, ModelScoreIsClampedAndNanIsZero) {
  std::vector<ModelFact> model = {{NAN, 0}, {-1.0, 0}, {1.5, 0}, {0.25, 0}};
  std::vector<SubjectScore> r = RankSubjects(4, model, {}, {});
  std::map<uint32_t, double> by;
  for (const SubjectScore& s : r) by[s.subject] = s.model_score;
  EXPECT_EQ(by[0], 0.0);
  EXPECT_EQ(by[1], 0.0);
  EXPECT_EQ(by[2], 0.5);
  EXPECT_EQ(by[3], 0.125);
  EXPECT_EQ(r[0].subject, 2u);
  EXPECT_EQ(r[1].subject, 3u);
}

// Brute force: recompute every subject's score from the definitions, independently.
TEST(SubjectsTest, MatchesBruteForceOnRandomInputs) {
  std::mt19937_64 rng(42);
  const char* severities[] = {"high", "medium", "low", "report", "other"};
  for (int iteration = 0; iteration < 500; ++iteration) {
    const size_t n = 1 + rng() % 8;
    std::vector<ModelFact> model(n);
    for (ModelFact& m : model) {
      m.top_score = (rng() % 5 == 0) ? 0.0 : static_cast<double>(rng() % 1000) / 1000;
      m.flagged = rng() % 4;
    }
    std::vector<AlertFact> alerts(rng() % 10);
    for (AlertFact& a : alerts) {
      std::set<uint32_t> subs;
      for (size_t k = 1 + rng() % 2; k > 0; --k) subs.insert(static_cast<uint32_t>(rng() % n));
      a.subjects.assign(subs.begin(), subs.end());
      a.rule_id = "R" + std::to_string(rng() % 4);
      a.severity = severities[rng() % 5];
    }
    std::vector<PatternFact> patterns(rng() % 6);
    for (PatternFact& p : patterns) {
      std::set<uint32_t> subs;
      for (size_t k = 1 + rng() % 3; k > 0; --k) subs.insert(static_cast<uint32_t>(rng() % n));
      p.subjects.assign(subs.begin(), subs.end());
    }
    std::vector<SubjectScore> got = RankSubjects(n, model, alerts, patterns);
    ASSERT_EQ(got.size(), n);
    std::set<uint32_t> seen;
    for (size_t i = 0; i < n; ++i) {
      const SubjectScore& g = got[i];
      seen.insert(g.subject);
      // Highest severity weight per distinct rule.
      std::map<std::string, double> best;
      uint64_t alert_count = 0;
      for (const AlertFact& a : alerts) {
        for (uint32_t s : a.subjects) {
          if (s != g.subject) continue;
          ++alert_count;
          double w = SeverityWeight(a.severity);
          best[a.rule_id] = std::max(best[a.rule_id], w);
        }
      }
      double clean = 1;
      for (const auto& [rule, w] : best) clean *= 1 - w;
      uint64_t pattern_count = 0;
      for (const PatternFact& p : patterns) {
        for (uint32_t s : p.subjects) pattern_count += s == g.subject;
      }
      const double ps = std::min(0.5, 1 - std::pow(0.85, static_cast<double>(pattern_count)));
      const double ms = model[g.subject].top_score / 2;
      const double fs = 1 - std::pow(0.6, static_cast<double>(model[g.subject].flagged));
      const double expected = 1 - (1 - ms) * (1 - fs) * clean * (1 - ps);
      EXPECT_EQ(g.alerts, alert_count);
      EXPECT_EQ(g.patterns, pattern_count);
      EXPECT_EQ(g.rules.size(), best.size());
      EXPECT_NEAR(g.score, expected, 1e-12);
      if (i > 0) {
        const SubjectScore& prev = got[i - 1];
        EXPECT_GE(prev.score, g.score);
        if (prev.score == g.score && prev.alerts == g.alerts && prev.patterns == g.patterns) {
          EXPECT_LT(prev.subject, g.subject);
        }
      }
    }
    EXPECT_EQ(seen.size(), n);
  }
}

}  // namespace
}  // namespace moneytrail::cases
