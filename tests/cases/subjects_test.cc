// The subject ranking (docs/investigate.md, Ranking) on hand-made cases: tiers, incidental rules,
// feeders and collection accounts, secondary and related parties, ties and displayed precision.
// The brute-force restatement and the monotonicity properties: subjects_oracle_test.cc.
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

#include "cases/subjects_test_util.h"

namespace moneytrail::cases {
namespace {

using subjects_test_util::Input;
using subjects_test_util::PositionOf;
using subjects_test_util::RandomInput;
using subjects_test_util::Rank;

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

}  // namespace
}  // namespace moneytrail::cases
