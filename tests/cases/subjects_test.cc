// The subject ranking (docs/investigate.md, Ranking) against a brute-force restatement of its
// definition on many small random inputs, its monotonicity properties, ties at the displayed
// precision, and the related-party rule.
#include "cases/subjects.h"

#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <tuple>

#include <fmt/format.h>

namespace moneytrail::cases {
namespace {

struct Input {
  size_t n = 0;
  std::vector<ModelFact> model;
  std::vector<AlertFact> alerts;
  std::vector<PatternFact> patterns;
  std::vector<uint64_t> transactions;  // empty: unknown (no rule incidental)
  std::vector<PaymentFact> payments;
  std::vector<uint64_t> counterparties;  // empty: all 0
};

const char* kSeverities[] = {"high", "medium", "low", "report", "other"};

Input RandomInput(std::mt19937_64& rng) {
  Input in;
  // Small and larger sets: a pattern kind on more than a tenth of the subjects is common.
  in.n = rng() % 2 == 0 ? 1 + rng() % 9 : 10 + rng() % 31;
  in.model.resize(in.n);
  for (ModelFact& m : in.model) {
    const int k = static_cast<int>(rng() % 6);
    m.top_score = k == 0 ? NAN : k == 1 ? -0.5 : k == 2 ? 1.5 : static_cast<double>(rng() % 1000) / 1000;
    m.flagged = rng() % 3 == 0 ? 0 : rng() % 50;
  }
  in.alerts.resize(rng() % 8);
  for (AlertFact& a : in.alerts) {
    std::set<uint32_t> subs;
    for (size_t k = 1 + rng() % 2; k > 0; --k) subs.insert(static_cast<uint32_t>(rng() % in.n));
    a.subjects.assign(subs.begin(), subs.end());
    a.rule_id = "R" + std::to_string(rng() % 4);
    a.severity = kSeverities[rng() % 5];
    for (size_t k = rng() % 6; k > 0; --k) a.payers.push_back(static_cast<uint32_t>(rng() % in.n));
    // Evidence of named and (ignored) unnamed subjects, with repeats across alerts and rules.
    for (size_t k = rng() % 8; k > 0; --k) {
      a.evidence.push_back({static_cast<uint32_t>(rng() % in.n), rng() % 12});
    }
  }
  if (rng() % 4 != 0) {
    in.transactions.resize(in.n);
    for (uint64_t& t : in.transactions) t = rng() % 5 == 0 ? 0 : rng() % 60;
  }
  for (size_t k = rng() % 12; k > 0; --k) {
    in.payments.push_back({static_cast<uint32_t>(rng() % in.n), static_cast<uint32_t>(rng() % in.n),
                           rng() % 2 == 0});
  }
  if (rng() % 3 != 0) {
    in.counterparties.resize(in.n);
    for (uint64_t& c : in.counterparties) c = rng() % 4;
  }
  in.patterns.resize(rng() % 5);
  for (PatternFact& p : in.patterns) {
    std::set<uint32_t> subs;
    for (size_t k = 1 + rng() % 3; k > 0; --k) subs.insert(static_cast<uint32_t>(rng() % in.n));
    p.subjects.assign(subs.begin(), subs.end());
    p.kind = static_cast<uint8_t>(rng() % 3);
  }
  return in;
}

RankedSubjects Rank(const Input& in) {
  return RankSubjects(in.n, in.model, in.alerts, in.patterns, in.transactions, in.payments,
                      in.counterparties);
}

size_t PositionOf(const RankedSubjects& r, uint32_t subject) {
  for (size_t i = 0; i < r.ranked.size(); ++i) {
    if (r.ranked[i].subject == subject) return i;
  }
  return r.ranked.size();
}

TEST(SubjectsTest, SeverityPoints) {
  EXPECT_EQ(SeverityPoints("high"), 8u);
  EXPECT_EQ(SeverityPoints("medium"), 4u);
  EXPECT_EQ(SeverityPoints("low"), 2u);
  EXPECT_EQ(SeverityPoints("report"), 1u);
  EXPECT_EQ(SeverityPoints("whatever"), 2u);
}

TEST(SubjectsTest, OneRuleCountsOnceAtItsHighestSeverity) {
  std::vector<ModelFact> model = {{0.0, 0}, {0.0, 0}};
  std::vector<AlertFact> alerts = {
      {{0}, "R1", "medium", {}, {}}, {{0}, "R1", "high", {}, {}}, {{0}, "R1", "low", {}, {}}};
  RankedSubjects r = RankSubjects(2, model, alerts, {});
  ASSERT_EQ(r.ranked.size(), 2u);
  EXPECT_EQ(r.ranked[0].subject, 0u);
  EXPECT_EQ(r.ranked[0].alerts, 3u);
  EXPECT_EQ(r.ranked[0].rules, std::vector<std::string>{"R1"});
  EXPECT_EQ(r.ranked[0].rule_points, 8u);
  EXPECT_EQ(r.ranked[0].tier, EvidenceTier::kStrong);
  EXPECT_EQ(r.ranked[1].subject, 1u);
  EXPECT_EQ(r.ranked[1].tier, EvidenceTier::kNone);
}

TEST(SubjectsTest, TiersFollowTheDefinition) {
  // 0: high alert; 1: medium alert + pattern; 2: medium; 3: low alert + CTR + pattern (a
  // pattern with only a low or report alert is not tier 1); 4: pattern only; 5: CTR only;
  // 6: model flags; 7: nothing.
  std::vector<ModelFact> model(8, {0.99, 0});
  model[6].flagged = 400;
  std::vector<AlertFact> alerts = {{{0}, "H", "high", {}, {}},   {{1}, "M", "medium", {}, {}},
                                   {{2}, "M", "medium", {}, {}}, {{3}, "L", "low", {}, {}},
                                   {{3}, "C", "report", {}, {}}, {{5}, "C", "report", {}, {}}};
  std::vector<PatternFact> patterns = {{{1, 3, 4}, 4}};
  model.resize(40);  // 32 quiet subjects: the cycles are on 3 of 40, not a common kind
  RankedSubjects r = RankSubjects(40, model, alerts, patterns);
  std::vector<EvidenceTier> want = {EvidenceTier::kStrong,     EvidenceTier::kStrong,
                                    EvidenceTier::kModerate,   EvidenceTier::kModerate,
                                    EvidenceTier::kModerate,   EvidenceTier::kReportOnly,
                                    EvidenceTier::kModelOnly,  EvidenceTier::kNone};
  ASSERT_EQ(r.ranked.size(), 40u);
  for (uint32_t i = 0; i < 8; ++i) {
    EXPECT_EQ(r.ranked[i].subject, i);
    EXPECT_EQ(r.ranked[i].tier, want[i]) << "subject " << i;
  }
}

TEST(SubjectsTest, ABusyShopWithOnlyModelFlagsRanksBelowAHighSeverityAlert) {
  // The shop: every transaction flagged, the top score 1.0; the scheme: one high alert and a
  // model that saw nothing.
  std::vector<ModelFact> model = {{1.0, 100000}, {0.0, 0}};
  std::vector<AlertFact> alerts = {{{1}, "ST-FEE", "high", {}, {}}};
  RankedSubjects r = RankSubjects(2, model, alerts, {});
  EXPECT_EQ(r.ranked[0].subject, 1u);
  EXPECT_EQ(r.ranked[1].subject, 0u);
  EXPECT_EQ(r.ranked[1].tier, EvidenceTier::kModelOnly);
}

TEST(SubjectsTest, AnIncidentalRuleOfABusyAccountCountsAsLow) {
  // Subject 0: a busy car wash (193 transactions) whose high-severity corridor alert rests on 7
  // of them and whose medium peer-comparison alert on 65, with many pattern instances.
  // Subject 1: a fee collector (82 transactions), high alert on 75 of them, medium on 71.
  // Subject 2: a quiet pass-through (12 transactions), one high alert on all 12.
  std::vector<ModelFact> model = {{0.98, 11}, {0.97, 66}, {0.5, 3}};
  auto evidence = [](uint32_t subject, uint64_t from, uint64_t count) {
    std::vector<EvidenceFact> e;
    for (uint64_t t = from; t < from + count; ++t) e.push_back({subject, t});
    return e;
  };
  std::vector<AlertFact> alerts = {
      {{0}, "ST-RAPID-CORRIDOR", "high", {}, evidence(0, 0, 4)},
      {{0}, "ST-RAPID-CORRIDOR", "high", {}, evidence(0, 2, 5)},  // 0..6: 7 distinct
      {{0}, "ST-CASH-VS-PEERS", "medium", {}, evidence(0, 100, 65)},
      {{1}, "ST-FEE", "high", {}, evidence(1, 1000, 75)},
      {{1}, "ST-FAN-IN", "medium", {}, evidence(1, 1000, 71)},
      {{2}, "ST-RAPID-CORRIDOR", "high", {}, evidence(2, 5000, 12)}};
  std::vector<PatternFact> patterns;
  for (int k = 0; k < 13; ++k) patterns.push_back({{0}, static_cast<uint8_t>(k % 4)});
  std::vector<uint64_t> transactions = {193, 82, 12};
  model.resize(20);  // quiet subjects, so that the car wash's pattern kinds are not common
  transactions.resize(20);
  RankedSubjects r = RankSubjects(20, model, alerts, patterns, transactions);
  ASSERT_EQ(r.ranked.size(), 20u);
  EXPECT_EQ(r.ranked[0].subject, 1u);
  EXPECT_EQ(r.ranked[0].rule_points, 12u);
  EXPECT_EQ(r.ranked[1].subject, 2u);
  EXPECT_EQ(r.ranked[1].rule_points, 8u);
  const SubjectScore& wash = r.ranked[2];
  EXPECT_EQ(wash.subject, 0u);
  EXPECT_EQ(wash.rule_points, 2u + 4u);  // corridor counted as low: 7 * 10 < 193
  EXPECT_EQ(wash.high_rules, 0u);
  EXPECT_EQ(wash.incidental_rules, std::vector<std::string>{"ST-RAPID-CORRIDOR"});
  EXPECT_EQ(wash.tier, EvidenceTier::kStrong);  // patterns with a medium alert
  // At exactly a tenth the rule is not incidental: 20 transactions, 2 of them evidence.
  transactions = {70, 82, 20};
  transactions.resize(20);
  alerts.back().evidence = evidence(2, 5000, 2);
  r = RankSubjects(20, model, alerts, patterns, transactions);
  EXPECT_EQ(r.ranked[PositionOf(r, 2)].rule_points, 8u);
  EXPECT_EQ(r.ranked[PositionOf(r, 0)].rule_points, 12u);  // 7 * 10 >= 70
  // Without transaction counts nothing is incidental.
  r = RankSubjects(20, model, alerts, patterns);
  EXPECT_TRUE(r.ranked[PositionOf(r, 0)].incidental_rules.empty());
  EXPECT_EQ(r.ranked[0].subject, 0u);  // 8 + 4 and 4 pattern points
}

TEST(SubjectsTest, TheAccountFlaggedAccountsPayIntoRanksAboveThem) {
  // Structuring: members 1 and 2 deposit cash in the band (a high rule each, plus a CTR
  // aggregation), and sweep it into the controller 0, which structured deposits too but has no
  // CTR; 3 is paid by a related party only (no alert): it gets no flow points. A CTR is ranked
  // after the rule, flow and pattern points.
  std::vector<ModelFact> model(5, {0.5, 1});
  std::vector<AlertFact> alerts = {{{0}, "ST-STRUCT", "high", {}, {}},
                                   {{1}, "ST-STRUCT", "high", {}, {}},
                                   {{1}, "ST-CTR-AGG-IN", "report", {}, {}},
                                   {{2}, "ST-STRUCT", "high", {}, {}},
                                   {{2}, "ST-CTR-AGG-IN", "report", {}, {}}};
  std::vector<PaymentFact> payments = {{1, 0}, {2, 0}, {1, 0}, {0, 0}, {4, 3}, {0, 1}};
  RankedSubjects r = RankSubjects(5, model, alerts, {}, {}, payments);
  ASSERT_EQ(r.ranked.size(), 5u);
  EXPECT_EQ(r.ranked[0].subject, 0u);
  EXPECT_EQ(r.ranked[0].flagged_payers, 2u);
  EXPECT_EQ(r.ranked[0].flow_points, 2u);
  EXPECT_EQ(r.ranked[0].rule_points, 8u);
  EXPECT_EQ(r.ranked[0].report_points, 0u);
  EXPECT_EQ(r.ranked[1].subject, 1u);  // paid by 0: one flow point
  EXPECT_EQ(r.ranked[1].flow_points, 1u);
  EXPECT_EQ(r.ranked[1].report_points, 1u);
  EXPECT_EQ(r.ranked[2].subject, 2u);
  EXPECT_EQ(r.ranked[2].flow_points, 0u);
  EXPECT_EQ(r.ranked[3].flow_points + r.ranked[4].flow_points, 0u);
}

TEST(SubjectsTest, SmurfsThatSweepIntoTheirControllerRankAfterOtherControllers) {
  // Structuring cell (generator seed 7's shape): smurfs 1 and 2 (a high rule and a CTR
  // aggregation each) sweep into controller 0 (the high rule); 3 is another scheme's controller
  // (high rule, no payer). The smurfs are feeders of 0 and rank after both controllers although
  // they carry a CTR more. 4 is a trafficking business (three medium rules and a high one: 20
  // points) paying wages into 5 (a high rule, 8 points): more evidence than its payee, so it
  // feeds nobody, and 5, paid by one flagged subject, ranks below it.
  std::vector<ModelFact> model(6, {0.5, 1});
  std::vector<AlertFact> alerts = {{{0}, "ST-STRUCT", "high", {}, {}},
                                   {{1}, "ST-STRUCT", "high", {}, {}},
                                   {{1}, "ST-CTR-AGG-IN", "report", {}, {}},
                                   {{2}, "ST-STRUCT", "high", {}, {}},
                                   {{2}, "ST-CTR-AGG-IN", "report", {}, {}},
                                   {{3}, "ST-FUNNEL", "high", {}, {}},
                                   {{4}, "ST-CASH-VS-PEERS", "medium", {}, {}},
                                   {{4}, "ST-ADS-LATE", "medium", {}, {}},
                                   {{4}, "ST-LODGING-FOR-OTHERS", "medium", {}, {}},
                                   {{4}, "ST-RAPID-CORRIDOR", "high", {}, {}},
                                   {{5}, "ST-WAGES-ONE-ACCOUNT", "high", {}, {}}};
  std::vector<PaymentFact> payments = {{1, 0}, {2, 0}, {4, 5}, {0, 1}};
  RankedSubjects r = RankSubjects(6, model, alerts, {}, {}, payments);
  ASSERT_EQ(r.ranked.size(), 6u);
  std::vector<uint32_t> order;
  for (const SubjectScore& s : r.ranked) order.push_back(s.subject);
  EXPECT_EQ(order, (std::vector<uint32_t>{4, 0, 5, 3, 1, 2}));
  EXPECT_EQ(r.ranked[4].feeds, std::vector<uint32_t>{0});  // 1: paid by 0, one flagged payer
  EXPECT_EQ(r.ranked[5].feeds, std::vector<uint32_t>{0});
  for (size_t i = 0; i < 4; ++i) EXPECT_TRUE(r.ranked[i].feeds.empty()) << order[i];
  // Without the sweeps nobody is a feeder and the smurfs' CTRs put them after the controller.
  payments = {{4, 5}};
  r = RankSubjects(6, model, alerts, {}, {}, payments);
  order.clear();
  for (const SubjectScore& s : r.ranked) order.push_back(s.subject);
  EXPECT_EQ(order, (std::vector<uint32_t>{4, 5, 1, 2, 0, 3}));
}

TEST(SubjectsTest, PatternPointsCountKindsThenRepeatsSlowly) {
  std::vector<ModelFact> model(30);  // 27 quiet subjects: no kind is common
  std::vector<PatternFact> patterns;
  for (int k = 0; k < 7; ++k) patterns.push_back({{0}, 3});  // 7 stacks: bit_width(7) = 3
  patterns.push_back({{1}, 4});                                // a cycle and a scatter-gather
  patterns.push_back({{1}, 0});
  patterns.push_back({{2}, 4});                                // one cycle
  RankedSubjects r = RankSubjects(30, model, {}, patterns);
  EXPECT_EQ(r.ranked[0].subject, 0u);
  EXPECT_EQ(r.ranked[0].pattern_points, 3u);
  EXPECT_EQ(r.ranked[1].subject, 1u);
  EXPECT_EQ(r.ranked[1].pattern_points, 2u);
  EXPECT_EQ(r.ranked[1].pattern_kinds, 2u);
  EXPECT_EQ(r.ranked[2].pattern_points, 1u);
}

TEST(SubjectsTest, ManySmallPayersIntoAFlaggedAccountAreRelatedPartiesNotSubjects) {
  // Subject 0 collects fees from 34 payers (1..34); payer 5 also has an alert of its own and
  // payer 7 is in a pattern: both stay subjects. Subject 35 is paid by two payers (36, 37): too
  // few to call them "many", they stay subjects.
  const size_t n = 38;
  std::vector<ModelFact> model(n, {0.9, 1});
  AlertFact fee{{0}, "ST-FEE", "high", {}, {}};
  for (uint32_t p = 1; p <= 34; ++p) fee.payers.push_back(p);
  fee.payers.push_back(0);  // a named subject is never its own related party
  std::vector<AlertFact> alerts = {fee, {{5}, "ST-CTR", "report", {}, {}},
                                   {{35}, "ST-WAGES-ONE-ACCOUNT", "high", {36, 37}, {}}};
  std::vector<PatternFact> patterns = {{{7, 20}, 4}};
  RankedSubjects r = RankSubjects(n, model, alerts, patterns);
  std::set<uint32_t> ranked;
  for (const SubjectScore& s : r.ranked) ranked.insert(s.subject);
  for (uint32_t p = 1; p <= 34; ++p) {
    const bool stays = p == 5 || p == 7 || p == 20;
    EXPECT_EQ(ranked.count(p), stays ? 1u : 0u) << "payer " << p;
  }
  EXPECT_TRUE(ranked.count(0) && ranked.count(35) && ranked.count(36) && ranked.count(37));
  EXPECT_EQ(r.related_parties.size(), 31u);
  const SubjectScore& collector = r.ranked[PositionOf(r, 0)];
  EXPECT_EQ(collector.related, r.related_parties);
  EXPECT_TRUE(r.ranked[PositionOf(r, 35)].related.empty());
}

TEST(SubjectsTest, APatternKindOnMoreThanATenthOfTheSubjectsIsNotEvidence) {
  // 20 subjects; gather-scatter (kind 1) on 3 of them (more than a tenth), a cycle (kind 4) on 2.
  std::vector<ModelFact> model(20);
  std::vector<PatternFact> patterns = {{{0, 1, 2}, 1}, {{3, 4}, 4}};
  RankedSubjects r = RankSubjects(20, model, {}, patterns);
  EXPECT_EQ(r.common_kinds, std::vector<uint8_t>{1});
  EXPECT_EQ(r.ranked[0].subject, 3u);
  EXPECT_EQ(r.ranked[1].subject, 4u);
  EXPECT_EQ(r.ranked[1].tier, EvidenceTier::kModerate);
  const SubjectScore& gs = r.ranked[PositionOf(r, 0)];
  EXPECT_EQ(gs.tier, EvidenceTier::kNone);
  EXPECT_EQ(gs.pattern_points, 0u);
  EXPECT_EQ(gs.patterns, 1u);  // shown, not counted
}

TEST(SubjectsTest, ACollectionAccountOfTwoFlaggedSweepersTakesTheirKeysAndRanksBeforeThem) {
  // 1 and 2 structure cash (high) and each sweep the bulk of it into 0, which has no flag of its
  // own; 3 (high) pays 4 a small part of its money, 4 has no flag; 5 has more counterparties.
  std::vector<ModelFact> model(6);
  std::vector<AlertFact> alerts = {{{1}, "ST-STRUCT", "high", {}, {}},
                                   {{2}, "ST-STRUCT", "high", {}, {}},
                                   {{3}, "ST-STRUCT", "high", {}, {}}};
  std::vector<PaymentFact> payments = {{1, 0, true}, {2, 0, true}, {3, 4, false}};
  std::vector<uint64_t> counterparties = {3, 5, 4, 9, 1, 50};
  RankedSubjects r = RankSubjects(6, model, alerts, {}, {}, payments, counterparties);
  // 0 is ranked with its sweepers' keys (tier 1, 8 rule points, a high rule) and their two
  // flow points: before 3 (the same keys, no flow), which is no feeder: 4 gathers nothing.
  EXPECT_EQ(r.ranked[0].subject, 0u);
  EXPECT_EQ(r.ranked[0].tier, EvidenceTier::kStrong);
  EXPECT_EQ(r.ranked[0].rule_points, 8u);
  EXPECT_EQ(r.ranked[0].high_rules, 1u);
  EXPECT_EQ(r.ranked[0].conduits, (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(r.ranked[1].subject, 3u);
  EXPECT_EQ(r.ranked[2].subject, 1u);  // feeders, the more connected first
  EXPECT_EQ(r.ranked[2].feeds, std::vector<uint32_t>{0});
  EXPECT_TRUE(r.ranked[3].tied_with_previous);  // counterparties are no evidence
  EXPECT_EQ(r.ranked[3].subject, 2u);
  EXPECT_EQ(r.ranked[4].subject, 4u);  // flow point from 3, no tier of its own
  EXPECT_EQ(r.ranked[5].subject, 5u);
  // One flagged sweeper alone does not make a collection account.
  payments = {{1, 0, true}, {2, 0, false}};
  r = RankSubjects(6, model, alerts, {}, {}, payments, counterparties);
  EXPECT_NE(r.ranked[0].subject, 0u);
  EXPECT_TRUE(r.ranked[PositionOf(r, 0)].conduits.empty());
}

TEST(SubjectsTest, ACollectionAccountOfOneFlaggedAndOneModelFlaggedSweeper) {
  // Generator seed 7's structuring cell: smurf 1 (high) and smurf 2 (model flags only) each
  // sweep the bulk of their money into controller 0 (nothing of its own): a collection account
  // of one flagged sender plus another with evidence against it. 3 has a high rule of its own.
  std::vector<ModelFact> model = {{0.2, 0}, {0.9, 2}, {0.8, 1}, {0.3, 0}, {0.1, 0}};
  std::vector<AlertFact> alerts = {{{1}, "ST-STRUCT", "high", {}, {}},
                                   {{3}, "ST-FUNNEL", "high", {}, {}}};
  std::vector<PaymentFact> payments = {{1, 0, true}, {2, 0, true}};
  RankedSubjects r = RankSubjects(5, model, alerts, {}, {}, payments);
  std::vector<uint32_t> order;
  for (const SubjectScore& s : r.ranked) order.push_back(s.subject);
  // 0 is ranked with 1's keys (tier 1, 8 points, a high rule) and its flow point: before 3.
  EXPECT_EQ(order, (std::vector<uint32_t>{0, 3, 1, 2, 4}));
  EXPECT_EQ(r.ranked[0].conduits, std::vector<uint32_t>{1});  // the flagged sweeper only
  EXPECT_EQ(r.ranked[0].tier, EvidenceTier::kStrong);
  EXPECT_EQ(r.ranked[0].rule_points, 8u);
  EXPECT_EQ(r.ranked[2].feeds, std::vector<uint32_t>{0});
  EXPECT_TRUE(r.ranked[3].feeds.empty());  // model flags alone feed nobody
  // A second sweeper with nothing against it is no evidence: no collection account.
  model[2] = {0.8, 0};
  r = RankSubjects(5, model, alerts, {}, {}, payments);
  EXPECT_TRUE(r.ranked[PositionOf(r, 0)].conduits.empty());
  EXPECT_EQ(r.ranked[PositionOf(r, 0)].tier, EvidenceTier::kNone);
  EXPECT_TRUE(r.ranked[PositionOf(r, 1)].feeds.empty());
}

TEST(SubjectsTest, ASecondaryPartyOfASharedAlertRanksAfterItsTier) {
  // A trafficking business 0 (a medium rule of its own) pays three wages into 1:
  // ST-WAGES-ONE-ACCOUNT names both (the generator's wage-collection account, 8 points against
  // the business's 12). 2 has a high rule of its own (8 points). 1's only red flag is the pair
  // alert, and 0 has evidence without 1: 1 is secondary to 0 and ranks after 2.
  std::vector<ModelFact> model(5);
  std::vector<AlertFact> alerts = {{{0, 1}, "ST-WAGES-ONE-ACCOUNT", "high", {}, {}},
                                   {{0}, "ST-CASH-VS-PEERS", "medium", {}, {}},
                                   {{1}, "ST-CTR", "report", {}, {}},
                                   {{2}, "ST-FUNNEL", "high", {}, {}}};
  RankedSubjects r = RankSubjects(5, model, alerts, {});
  std::vector<uint32_t> order;
  for (const SubjectScore& s : r.ranked) order.push_back(s.subject);
  EXPECT_EQ(order, (std::vector<uint32_t>{0, 2, 1, 3, 4}));
  EXPECT_EQ(r.ranked[2].secondary_to, std::vector<uint32_t>{0});  // a CTR is no red flag
  EXPECT_TRUE(r.ranked[0].secondary_to.empty());  // 0 has an alert without 1
  // The independent worlds' wage controller: the collecting account has a rule of its own
  // (ST-WAGES-OUT): it is nobody's secondary party, and ranks first (same rule points as the
  // business, and a CTR more).
  alerts.push_back({{1}, "ST-WAGES-OUT", "medium", {}, {}});
  r = RankSubjects(5, model, alerts, {});
  EXPECT_EQ(r.ranked[0].subject, 1u);
  EXPECT_EQ(r.ranked[1].subject, 0u);
  EXPECT_TRUE(r.ranked[0].secondary_to.empty());
  // A business whose only other rule is low (incidental or low severity) gives no secondary.
  alerts = {{{0, 1}, "ST-WAGES-ONE-ACCOUNT", "high", {}, {}}, {{0}, "ST-X", "low", {}, {}}};
  r = RankSubjects(5, model, alerts, {});
  EXPECT_TRUE(r.ranked[PositionOf(r, 1)].secondary_to.empty());
}

TEST(SubjectsTest, TiesAtTheDisplayedPrecisionAreMarked) {
  // Ten model-only subjects at the top score 1.0 (the old demo's ten 1.000s): each after the
  // first is a displayed tie; different rule points or probabilities are not. Ties are judged
  // at the finest displayed precision (kModelMaxDigits decimals).
  std::vector<ModelFact> model(12, {1.0, 3});
  model[10].top_score = 0.99994;    // shows as 0.99994 beside 1.0000: apart
  model[11].top_score = 0.9999996;  // 1.000000 at six decimals: a tie with the others
  RankedSubjects r = RankSubjects(12, model, {}, {});
  size_t ties = 0;
  for (const SubjectScore& s : r.ranked) ties += s.tied_with_previous;
  EXPECT_FALSE(r.ranked[0].tied_with_previous);
  EXPECT_EQ(ties, 10u);
  EXPECT_EQ(r.ranked.back().subject, 10u);
  EXPECT_FALSE(r.ranked.back().tied_with_previous);
}

TEST(SubjectsTest, DisplayedProbabilitiesTakeTheDigitsThatTellListedSubjectsApart) {
  // The session-12 demo's ranks 4 and 6 (0.985617, 0.985576) both read 0.9856 at four decimals.
  std::vector<double> p = {0.9819, 0.985617, 0.9893, 0.985576, std::nan(""), 0.5};
  std::vector<uint64_t> ranks = {1, 2, 3, 4, 5, 6};
  std::vector<std::string> got = DisplayedProbabilities(p, ranks);
  EXPECT_EQ(got, (std::vector<std::string>{"0.9819", "0.98562", "0.9893", "0.98558", "-",
                                           "0.5000"}));
  // Equal at six decimals (the same top transaction): the later one names the earlier's rank.
  p = {0.25, 0.7, 0.25, 0.2500001};
  ranks = {3, 4, 7, 9};
  got = DisplayedProbabilities(p, ranks);
  EXPECT_EQ(got, (std::vector<std::string>{"0.250000", "0.7000", "0.250000 (= #3)",
                                           "0.250000 (= #3)"}));
}

TEST(SubjectsTest, DisplayedProbabilitiesAreDistinctMinimalAndFaithfulOnRandomLists) {
  for (uint32_t seed = 1; seed <= 500; ++seed) {
    std::mt19937 rng(seed);
    // Values on coarse and fine grids so that lists collide at four, five and six decimals.
    const double grid = std::array<double, 4>{1e-3, 1e-4, 1e-5, 1e-7}[rng() % 4];
    const size_t n = 1 + rng() % 12;
    std::vector<double> p(n);
    std::vector<uint64_t> ranks(n);
    for (size_t i = 0; i < n; ++i) {
      p[i] = std::round(std::uniform_real_distribution<double>(0.9, 1.0)(rng) / grid) * grid;
      p[i] = std::min(p[i], 1.0);
      ranks[i] = i + 1;
    }
    const std::vector<std::string> got = DisplayedProbabilities(p, ranks);
    ASSERT_EQ(got.size(), n) << "seed " << seed;
    std::set<std::string> distinct(got.begin(), got.end());
    EXPECT_EQ(distinct.size(), n) << "seed " << seed;
    for (size_t i = 0; i < n; ++i) {
      const std::string number = got[i].substr(0, got[i].find(' '));
      const int digits = static_cast<int>(number.size() - number.find('.') - 1);
      EXPECT_GE(digits, kModelDigits) << "seed " << seed;
      EXPECT_LE(digits, kModelMaxDigits) << "seed " << seed;
      EXPECT_EQ(number, fmt::format("{:.{}f}", p[i], digits)) << "seed " << seed;
      // Minimal: one decimal fewer would read like another listed value.
      if (digits > kModelDigits) {
        bool collides = false;
        for (size_t j = 0; j < n; ++j) {
          collides |= j != i && fmt::format("{:.{}f}", p[j], digits - 1) ==
                                    fmt::format("{:.{}f}", p[i], digits - 1);
        }
        EXPECT_TRUE(collides) << "seed " << seed << " value " << got[i];
      }
      // The suffix exactly when an earlier value reads the same at the finest precision.
      bool earlier_equal = false;
      for (size_t j = 0; j < i; ++j) {
        earlier_equal |= fmt::format("{:.6f}", p[j]) == fmt::format("{:.6f}", p[i]);
      }
      EXPECT_EQ(got[i].find(" (= #") != std::string::npos, earlier_equal) << "seed " << seed;
    }
  }
}

// The definition, restated without the implementation's data structures.
struct Expected {
  int tier = 5;
  uint32_t rule_points = 0, pattern_points = 0, report_points = 0, flow_points = 0, high_rules = 0;
  bool strong_alert = false;  // a medium or high rule, not incidental
  double model = 0;
  uint64_t counterparties = 0;
  uint64_t alerts = 0, patterns = 0, counted_patterns = 0;
  bool related = false;
  std::vector<uint32_t> feeds;    // the subjects it is a feeder of
  std::vector<uint32_t> conduits;  // flagged subjects sending it the bulk of their money
  std::vector<uint32_t> secondary_to;  // subjects every one of its red-flag alerts also names
  std::set<std::string> strong_rules;  // rules that count medium or high for it
  std::set<uint32_t> related_to;  // subjects it is a related party of
  std::vector<std::string> incidental;
};

std::vector<Expected> BruteForce(const Input& in) {
  std::vector<Expected> e(in.n);
  // Common kinds: instances on more than a tenth of the subjects.
  std::set<uint8_t> common;
  for (uint8_t kind = 0; kind < 8; ++kind) {
    std::set<uint32_t> with;
    for (const PatternFact& p : in.patterns) {
      if (p.kind == kind) with.insert(p.subjects.begin(), p.subjects.end());
    }
    if (with.size() * 10 > in.n) common.insert(kind);
  }
  for (uint32_t s = 0; s < in.n; ++s) {
    std::map<std::string, std::string> rule_severity;  // rule -> most severe severity seen
    bool high = false, medium_low = false, any = false;
    for (const AlertFact& a : in.alerts) {
      if (std::find(a.subjects.begin(), a.subjects.end(), s) == a.subjects.end()) continue;
      ++e[s].alerts;
      any = true;
      std::string sev = a.severity;
      if (sev != "high" && sev != "medium" && sev != "report") sev = "low";
      high |= sev == "high";
      medium_low |= sev == "medium" || sev == "low";
      const std::map<std::string, int> order = {{"report", 0}, {"low", 1}, {"medium", 2}, {"high", 3}};
      auto it = rule_severity.find(a.rule_id);
      if (it == rule_severity.end() || order.at(sev) > order.at(it->second)) rule_severity[a.rule_id] = sev;
    }
    // Incidental: the rule's distinct evidence transactions of s are under a tenth of s's
    // transactions (known and non-zero); then a rule above low counts as low.
    const std::map<std::string, uint32_t> points = {{"report", 1}, {"low", 2}, {"medium", 4}, {"high", 8}};
    high = false;
    medium_low = false;
    bool strong_alert = false;
    for (const auto& [rule, severity] : rule_severity) {
      std::string sev = severity;
      std::set<uint64_t> evidence;
      for (const AlertFact& a : in.alerts) {
        if (a.rule_id != rule || std::find(a.subjects.begin(), a.subjects.end(), s) == a.subjects.end()) continue;
        for (const EvidenceFact& ev : a.evidence) {
          if (ev.subject == s) evidence.insert(ev.transaction);
        }
      }
      const uint64_t n = in.transactions.empty() ? 0 : in.transactions[s];
      if ((sev == "high" || sev == "medium") && n > 0 && evidence.size() * 10 < n) {
        sev = "low";
        e[s].incidental.push_back(rule);
      }
      if (sev == "report") {
        ++e[s].report_points;
      } else {
        e[s].rule_points += points.at(sev);
      }
      high |= sev == "high";
      e[s].high_rules += sev == "high";
      medium_low |= sev == "medium" || sev == "low";
      strong_alert |= sev == "high" || sev == "medium";
      if (sev == "high" || sev == "medium") e[s].strong_rules.insert(rule);
    }
    for (uint8_t kind = 0; kind < 8; ++kind) {
      uint64_t count = 0;
      for (const PatternFact& p : in.patterns) {
        count += p.kind == kind && std::find(p.subjects.begin(), p.subjects.end(), s) != p.subjects.end();
      }
      e[s].patterns += count;
      if (common.count(kind)) continue;
      e[s].counted_patterns += count;
      uint32_t bits = 0;
      while ((count >> bits) != 0) ++bits;
      e[s].pattern_points += bits;
    }
    const double m = in.model[s].top_score;
    e[s].model = std::isnan(m) || m < 0 ? 0 : m > 1 ? 1 : m;
    e[s].strong_alert = strong_alert;
    e[s].counterparties = in.counterparties.empty() ? 0 : in.counterparties[s];
    e[s].tier = (high || (strong_alert && e[s].counted_patterns > 0)) ? 1
                : (medium_low || e[s].counted_patterns > 0)  ? 2
                : any                                 ? 3
                : in.model[s].flagged > 0             ? 4
                                                      : 5;
  }
  // Flow points: bit_width of the distinct other subjects with a medium or high rule that paid it.
  for (uint32_t s = 0; s < in.n; ++s) {
    std::set<uint32_t> flagged_payers;
    for (const PaymentFact& p : in.payments) {
      if (p.payee == s && p.payer != s && e[p.payer].strong_alert) flagged_payers.insert(p.payer);
    }
    e[s].flow_points = static_cast<uint32_t>(std::bit_width(flagged_payers.size()));
  }
  // Feeders: a flagged subject paying a flagged subject with at least its rule points and more
  // distinct flagged payers.
  std::vector<size_t> flagged_payers(in.n, 0);
  for (uint32_t s = 0; s < in.n; ++s) {
    std::set<uint32_t> payers;
    for (const PaymentFact& p : in.payments) {
      if (p.payee == s && p.payer != s && e[p.payer].strong_alert) payers.insert(p.payer);
    }
    flagged_payers[s] = payers.size();
  }
  for (uint32_t s = 0; s < in.n; ++s) {
    std::set<uint32_t> fed;
    for (const PaymentFact& p : in.payments) {
      const uint32_t g = p.payee;
      if (p.payer == s && g != s && e[s].strong_alert && e[g].strong_alert &&
          e[s].rule_points <= e[g].rule_points && flagged_payers[s] < flagged_payers[g]) {
        fed.insert(g);
      }
    }
    // Collection accounts: >= 2 subjects with evidence (own tier <= 4), one of them flagged,
    // each paying it in bulk; the flagged ones are its feeders.
    for (uint32_t g = 0; g < in.n; ++g) {
      std::set<uint32_t> bulk_payers;
      bool any_flagged = false;
      for (const PaymentFact& p : in.payments) {
        if (p.payee == g && p.payer != g && p.bulk && e[p.payer].tier <= 4) {
          bulk_payers.insert(p.payer);
          any_flagged |= e[p.payer].strong_alert;
        }
      }
      if (bulk_payers.size() >= 2 && any_flagged && bulk_payers.count(s) && e[s].strong_alert) {
        fed.insert(g);
      }
    }
    e[s].feeds.assign(fed.begin(), fed.end());
  }
  // Collection accounts: ranked with the keys (tier, rule points, high rules) of the strongest
  // of their bulk flagged payers (own keys) when stronger than their own.
  std::vector<std::tuple<int, int64_t, int64_t>> own(in.n);  // smaller is stronger
  for (uint32_t s = 0; s < in.n; ++s) {
    own[s] = {e[s].tier, -static_cast<int64_t>(e[s].rule_points), -static_cast<int64_t>(e[s].high_rules)};
  }
  for (uint32_t g = 0; g < in.n; ++g) {
    std::set<uint32_t> bulk_payers, flagged_bulk;
    for (const PaymentFact& p : in.payments) {
      if (p.payee == g && p.payer != g && p.bulk && std::get<0>(own[p.payer]) <= 4) {
        bulk_payers.insert(p.payer);
        if (e[p.payer].strong_alert) flagged_bulk.insert(p.payer);
      }
    }
    if (bulk_payers.size() < 2) continue;
    e[g].conduits.assign(flagged_bulk.begin(), flagged_bulk.end());
    auto best = own[g];
    for (uint32_t p : flagged_bulk) best = std::min(best, own[p]);
    e[g].tier = std::get<0>(best);
    e[g].rule_points = static_cast<uint32_t>(-std::get<1>(best));
    e[g].high_rules = static_cast<uint32_t>(-std::get<2>(best));
  }
  // Secondary parties: p flagged; every red-flag alert naming p names g too; g has a medium or
  // high rule from an alert that does not name p.
  auto names = [](const AlertFact& a, uint32_t x) {
    return std::find(a.subjects.begin(), a.subjects.end(), x) != a.subjects.end();
  };
  for (uint32_t p = 0; p < in.n; ++p) {
    if (!e[p].strong_alert) continue;
    for (uint32_t g = 0; g < in.n; ++g) {
      if (g == p) continue;
      bool any = false, all_name_g = true, independent = false;
      for (const AlertFact& a : in.alerts) {
        if (a.severity == "report") continue;
        if (names(a, p)) {
          any = true;
          all_name_g &= names(a, g);
        } else if (names(a, g) && e[g].strong_rules.count(a.rule_id)) {
          independent = true;
        }
      }
      if (any && all_name_g && independent) e[p].secondary_to.push_back(g);
    }
  }
  for (const AlertFact& a : in.alerts) {
    std::set<uint32_t> payers;
    for (uint32_t p : a.payers) {
      if (std::find(a.subjects.begin(), a.subjects.end(), p) == a.subjects.end()) payers.insert(p);
    }
    if (payers.size() < 3) continue;
    for (uint32_t p : payers) {
      if (e[p].alerts > 0 || e[p].patterns > 0) continue;
      e[p].related = true;
      for (uint32_t s : a.subjects) e[p].related_to.insert(s);
    }
  }
  return e;
}

TEST(SubjectsTest, MatchesBruteForceOnRandomInputs) {
  size_t secondary = 0, collection = 0;  // the random inputs reach every rule
  for (uint64_t seed = 1; seed <= 3000; ++seed) {
    SCOPED_TRACE(fmt::format("seed {}", seed));
    std::mt19937_64 rng(seed);
    Input in = RandomInput(rng);
    RankedSubjects got = Rank(in);
    std::vector<Expected> want = BruteForce(in);
    std::vector<uint32_t> order, related;
    for (uint32_t s = 0; s < in.n; ++s) (want[s].related ? related : order).push_back(s);
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      auto key = [&](uint32_t x) {
        const Expected& w = want[x];
        return std::make_tuple(w.tier, !w.feeds.empty() || !w.secondary_to.empty(),
                               -static_cast<int64_t>(w.rule_points),
                               -static_cast<int64_t>(w.high_rules),
                               -static_cast<int64_t>(w.flow_points),
                               -static_cast<int64_t>(w.pattern_points),
                               -static_cast<int64_t>(w.report_points), -w.model,
                               -static_cast<int64_t>(w.counterparties), x);
      };
      return key(a) < key(b);
    });
    EXPECT_EQ(got.related_parties, related);
    ASSERT_EQ(got.ranked.size(), order.size());
    for (size_t i = 0; i < order.size(); ++i) {
      const SubjectScore& g = got.ranked[i];
      const Expected& w = want[order[i]];
      ASSERT_EQ(g.subject, order[i]) << "position " << i;
      EXPECT_EQ(static_cast<int>(g.tier), w.tier);
      EXPECT_EQ(g.rule_points, w.rule_points);
      EXPECT_EQ(g.pattern_points, w.pattern_points);
      EXPECT_EQ(g.flow_points, w.flow_points);
      EXPECT_EQ(g.high_rules, w.high_rules);
      EXPECT_EQ(g.report_points, w.report_points);
      EXPECT_EQ(g.model_probability, w.model);
      EXPECT_EQ(g.alerts, w.alerts);
      EXPECT_EQ(g.patterns, w.patterns);
      EXPECT_EQ(g.incidental_rules, w.incidental);
      EXPECT_EQ(g.feeds, w.feeds);
      EXPECT_EQ(g.conduits, w.conduits);
      EXPECT_EQ(g.secondary_to, w.secondary_to);
      secondary += !g.secondary_to.empty();
      collection += !g.conduits.empty();
      EXPECT_EQ(g.counterparties, w.counterparties);
      std::vector<uint32_t> rel;
      for (uint32_t p : related) {
        if (want[p].related_to.count(g.subject)) rel.push_back(p);
      }
      EXPECT_EQ(g.related, rel);
      // Displayed: tier, points and the probability at kModelMaxDigits decimals.
      if (i > 0) {
        const SubjectScore& p = got.ranked[i - 1];
        const bool same = p.tier == g.tier && p.RanksAfterItsTier() == g.RanksAfterItsTier() &&
                          p.rule_points == g.rule_points &&
                          p.high_rules == g.high_rules &&
                          p.flow_points == g.flow_points &&
                          p.pattern_points == g.pattern_points &&
                          p.report_points == g.report_points &&
                          fmt::format("{:.6f}", p.model_probability) ==
                              fmt::format("{:.6f}", g.model_probability);
        EXPECT_EQ(g.tied_with_previous, same);
      } else {
        EXPECT_FALSE(g.tied_with_previous);
      }
    }
  }
  EXPECT_GT(secondary, 20u);
  EXPECT_GT(collection, 20u);
}

TEST(SubjectsTest, AddingAHighSeverityAlertNeverLowersASubject) {
  for (uint64_t seed = 1; seed <= 3000; ++seed) {
    SCOPED_TRACE(fmt::format("seed {}", seed));
    std::mt19937_64 rng(seed);
    Input in = RandomInput(rng);
    const uint32_t x = static_cast<uint32_t>(rng() % in.n);
    RankedSubjects before = Rank(in);
    // A high alert, with or without evidence enough to be more than incidental: either way it
    // never lowers x; with enough evidence x is in tier 1.
    const bool substantial = rng() % 2 == 0;
    AlertFact added{{x}, "NEW-" + std::to_string(rng() % 2), "high", {}, {}};
    if (substantial) {
      for (uint64_t t = 0; t < 60; ++t) added.evidence.push_back({x, 1000 + t});
    }
    in.alerts.push_back(added);
    RankedSubjects after = Rank(in);
    const size_t at = PositionOf(after, x);
    ASSERT_LT(at, after.ranked.size());  // a subject with an alert is always ranked
    if (substantial) { EXPECT_EQ(after.ranked[at].tier, EvidenceTier::kStrong); }
    // Everyone below x before (and still ranked) stays below it, except the accounts x now
    // feeds: where a flagged subject's money gathers is ranked before it, by definition.
    const size_t was = PositionOf(before, x);
    const std::vector<uint32_t>& feeds = after.ranked[at].feeds;
    for (size_t i = was + 1; i < before.ranked.size(); ++i) {
      const uint32_t y = before.ranked[i].subject;
      if (std::find(feeds.begin(), feeds.end(), y) != feeds.end()) continue;
      const size_t now = PositionOf(after, y);
      if (now < after.ranked.size()) { EXPECT_GT(now, at) << "subject " << y; }
    }
  }
}

TEST(SubjectsTest, LegitimateVolumeNeverLiftsASubjectAboveAHighSeverityAlert) {
  for (uint64_t seed = 1; seed <= 3000; ++seed) {
    SCOPED_TRACE(fmt::format("seed {}", seed));
    std::mt19937_64 rng(seed);
    Input in = RandomInput(rng);
    std::set<uint32_t> high;
    RankedSubjects before = Rank(in);
    for (const SubjectScore& s : before.ranked) {
      if (s.high_rules > 0) high.insert(s.subject);  // a high-severity rule, not incidental
    }
    // One subject without a high-severity alert gets all the volume the model can give and a
    // million more legitimate transactions: every subject with a high-severity alert above it
    // stays above it.
    const uint32_t b = static_cast<uint32_t>(rng() % in.n);
    if (high.count(b)) continue;
    in.model[b].top_score = 1.0;
    in.model[b].flagged += 1000000;
    if (!in.transactions.empty()) in.transactions[b] += 1000000;
    RankedSubjects after = Rank(in);
    const size_t was = PositionOf(before, b), now = PositionOf(after, b);
    for (uint32_t a : high) {
      if (PositionOf(before, a) < was) { EXPECT_LT(PositionOf(after, a), now) << "subject " << a; }
    }
    // And a subject whose only evidence is volume is below every high-severity alert.
    bool seen_volume_only = false;
    for (const SubjectScore& s : after.ranked) {
      if (!high.count(s.subject) && s.alerts == 0 && s.patterns == 0 && s.conduits.empty()) {
        seen_volume_only = true;
      }
      if (high.count(s.subject)) { EXPECT_FALSE(seen_volume_only) << "subject " << s.subject; }
    }
  }
}

}  // namespace
}  // namespace moneytrail::cases
