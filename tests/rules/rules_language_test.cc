// Each construct of the rule language (docs/rules.md) on hand-made transactions whose alerts are
// known, with near misses on both sides of every threshold.
#include <gtest/gtest.h>

#include "rules_test_util.h"

namespace moneytrail::rules {
namespace {

using test::kHeader;
using test::TestWorld;

std::string Rule(const std::string& body) { return kHeader + "\n[[rule]]\nid = \"R\"\ntitle = \"t\"\ncitation = \"c\"\n" + body; }

// --- Parsing -----------------------------------------------------------------------------------

TEST(RulePackParseTest, RejectsUnknownKeysWithTheRuleAndKey) {
  Result<RulePack> p = RulePack::Parse(Rule("window = \"1d\"\n[rule.match]\nchanel = [\"wire\"]\n[rule.when]\ncount = { at_least = 1 }\n"), "x.toml");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("rule 'R'"), std::string::npos) << p.status().ToString();
  EXPECT_NE(p.status().message().find("match.chanel"), std::string::npos) << p.status().ToString();
}

TEST(RulePackParseTest, RejectsBadValues) {
  const char* bad[] = {
      "window = \"1d\"\n[rule.match]\nchannel = [\"teleport\"]\n[rule.when]\ncount = { at_least = 1 }\n",
      "window = \"fortnight\"\n[rule.match]\nchannel = [\"wire\"]\n[rule.when]\ncount = { at_least = 1 }\n",
      "window = \"1d\"\n[rule.match]\ncity = \"@nowhere\"\n[rule.when]\ncount = { at_least = 1 }\n",
      "window = \"1d\"\n[rule.match]\namount = { over = \"$missing\" }\n[rule.when]\ncount = { at_least = 1 }\n",
      "window = \"1d\"\nsentence = \"{subject} {bogus}\"\n[rule.match]\n[rule.when]\ncount = { at_least = 1 }\n",
      "window = \"1d\"\n[rule.match]\n[rule.when]\nmedian = { at_least = 1 }\n",
      "window = \"1d\"\n[rule.match]\n[rule.when]\n",
      "window = \"1d\"\n[rule.match]\nhours = \"25-3\"\n[rule.when]\ncount = { at_least = 1 }\n",
      "window = \"1d\"\n[rule.first]\n[rule.when]\ncount = { at_least = 1 }\n",
  };
  for (const char* body : bad) {
    EXPECT_FALSE(RulePack::Parse(Rule(body), "x.toml").ok()) << body;
  }
  // A rule must cite its source.
  EXPECT_FALSE(RulePack::Parse(kHeader + "[[rule]]\nid = \"R\"\ntitle = \"t\"\nwindow = \"1d\"\n[rule.match]\n"
                                         "[rule.when]\ncount = { at_least = 1 }\n",
                               "x.toml")
                   .ok());
}

TEST(RulePackParseTest, OverridesReplaceParametersAndUnknownOnesFail) {
  std::string text = Rule("window = \"1d\"\n[rule.params]\nfloor = \"5.00\"\n[rule.match]\namount = { at_least = \"$floor\" }\n"
                          "[rule.when]\ncount = { at_least = 1 }\n");
  Result<RulePack> p = RulePack::Parse(text, "x.toml", {{"R.floor", "\"7.50\""}});
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->rules()[0].params[0].second, "\"7.50\"");
  EXPECT_FALSE(RulePack::Parse(text, "x.toml", {{"R.ceiling", "1"}}).ok());
}

// --- Filters -----------------------------------------------------------------------------------

TEST(RuleFilterTest, AmountOverIsStrictAndExactAcrossScales) {
  TestWorld w;
  w.Add("2025-09-02T10:00:00Z", "cash:B:BR1", "B:A1", "10000.00", Channel::kCashDeposit);   // not over
  w.Add("2025-09-02T10:00:00Z", "cash:B:BR1", "B:A2", "10000.001", Channel::kCashDeposit);  // over by 0.001
  w.Add("2025-09-02T10:00:00Z", "cash:B:BR1", "B:A3", "10000", Channel::kCashDeposit);      // scale 0
  auto alerts = w.Scan(Rule("window = \"1d\"\n[rule.match]\namount = { over = \"10000.00\" }\n[rule.when]\ncount = { at_least = 1 }\n"));
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(w.store().AccountLabel(alerts[0].subjects[0]), "B:A2");
}

TEST(RuleFilterTest, ChannelDirectionAndCounterpartyKind) {
  TestWorld w;
  w.Add("2025-09-02T10:00:00Z", "cash:B:BR1", "B:A1", "100.00", Channel::kCashDeposit);
  w.Add("2025-09-02T11:00:00Z", "B:A1", "cash:B:ATM1", "100.00", Channel::kCashWithdrawal);
  w.Add("2025-09-02T12:00:00Z", "B:A2", "B:A1", "100.00", Channel::kWire);
  w.Add("2025-09-02T13:00:00Z", "B:A1", "external:MX-1:9", "100.00", Channel::kWire, "", "MX");
  auto in = w.Scan(Rule("window = \"1d\"\n[rule.match]\ndirection = \"in\"\n[rule.when]\ncount = { at_least = 2 }\n"));
  ASSERT_EQ(in.size(), 1u);  // A1 received the deposit and A2's wire
  EXPECT_EQ(TestWorld::Ids(in[0]), (std::vector<TransactionId>{0, 2}));
  auto external = w.Scan(Rule("window = \"1d\"\n[rule.match]\ncounterparty_kind = [\"external\"]\n[rule.when]\ncount = { at_least = 1 }\n"));
  ASSERT_EQ(external.size(), 1u);
  EXPECT_EQ(TestWorld::Ids(external[0]), (std::vector<TransactionId>{3}));
  auto wires_out = w.Scan(Rule("window = \"1d\"\n[rule.match]\nchannel = [\"wire\"]\ndirection = \"out\"\n[rule.when]\ncount = { at_least = 1 }\n"));
  ASSERT_EQ(wires_out.size(), 2u);  // A1 -> MX and A2 -> A1, one per payer
}

TEST(RuleFilterTest, LocationListsAndCounterpartyCountry) {
  TestWorld w;
  w.Add("2025-09-02T10:00:00Z", "B:A1", "cash:B:ATM-EP", "500.00", Channel::kCashWithdrawal, "El Paso, TX");
  w.Add("2025-09-02T10:00:00Z", "B:A2", "cash:B:ATM-DAL", "500.00", Channel::kCashWithdrawal, "Dallas, TX");
  w.Add("2025-09-02T10:00:00Z", "B:A3", "external:MX-1:1", "500.00", Channel::kWire, "", "MX");
  w.Add("2025-09-02T10:00:00Z", "B:A4", "external:CA-1:1", "500.00", Channel::kWire, "", "CA");
  auto border = w.Scan(Rule("window = \"1d\"\n[rule.match]\ncity = \"@border\"\n[rule.when]\ncount = { at_least = 1 }\n"));
  ASSERT_EQ(border.size(), 1u);
  EXPECT_EQ(w.store().AccountLabel(border[0].subjects[0]), "B:A1");
  auto texas = w.Scan(Rule("window = \"1d\"\n[rule.match]\nregion = [\"tx\"]\n[rule.when]\ncount = { at_least = 1 }\n"));
  EXPECT_EQ(texas.size(), 2u);
  auto corridor = w.Scan(Rule("window = \"1d\"\n[rule.match]\ncounterparty_country = \"@corridors\"\n[rule.when]\ncount = { at_least = 1 }\n"));
  ASSERT_EQ(corridor.size(), 1u);
  EXPECT_EQ(w.store().AccountLabel(corridor[0].subjects[0]), "B:A3");
}

TEST(RuleFilterTest, HoursWrapAroundMidnightAndWeekdays) {
  TestWorld w;
  const char* times[] = {"2025-09-02T22:59:59Z", "2025-09-02T23:00:00Z", "2025-09-03T04:59:59Z",
                         "2025-09-03T05:00:00Z", "2025-09-06T12:00:00Z"};
  for (const char* t : times) w.Add(t, "B:A1", "merchant:ACQ:M1", "10.00", Channel::kCard, "", "", 7311);
  auto night = w.Scan(Rule("window = \"30d\"\n[rule.match]\nmcc = [7311]\nhours = \"23-05\"\n[rule.when]\ncount = { at_least = 1 }\n"));
  ASSERT_EQ(night.size(), 1u);
  EXPECT_EQ(TestWorld::Ids(night[0]), (std::vector<TransactionId>{1, 2}));
  auto weekend = w.Scan(Rule("window = \"30d\"\n[rule.match]\nweekdays = [\"sat\", \"sun\"]\n[rule.when]\ncount = { at_least = 1 }\n"));
  ASSERT_EQ(weekend.size(), 1u);
  EXPECT_EQ(TestWorld::Ids(weekend[0]), (std::vector<TransactionId>{4}));
  auto other_mcc = w.Scan(Rule("window = \"30d\"\n[rule.match]\nmcc = [4816]\n[rule.when]\ncount = { at_least = 1 }\n"));
  EXPECT_TRUE(other_mcc.empty());
}

TEST(RuleFilterTest, AnyOfAndNoneOf) {
  TestWorld w;
  w.Add("2025-09-02T10:00:00Z", "B:A1", "cash:B:ATM-EP", "500.00", Channel::kCashWithdrawal, "El Paso, TX");
  w.Add("2025-09-02T10:00:00Z", "B:A1", "external:MX-1:1", "500.00", Channel::kWire, "", "MX");
  w.Add("2025-09-02T10:00:00Z", "B:A1", "cash:B:ATM-DAL", "500.00", Channel::kCashWithdrawal, "Dallas, TX");
  auto any = w.Scan(Rule("window = \"1d\"\n[rule.match]\nany_of = [ { channel = [\"cash_withdrawal\"], city = \"@border\" }, "
                         "{ counterparty_country = [\"MX\"] } ]\n[rule.when]\ncount = { at_least = 1 }\n"));
  ASSERT_EQ(any.size(), 1u);
  EXPECT_EQ(TestWorld::Ids(any[0]), (std::vector<TransactionId>{0, 1}));
  auto none = w.Scan(Rule("window = \"1d\"\n[rule.match]\nnone_of = [ { city = \"@border\" } ]\n[rule.when]\ncount = { at_least = 1 }\n"));
  ASSERT_EQ(none.size(), 1u);
  EXPECT_EQ(TestWorld::Ids(none[0]), (std::vector<TransactionId>{1, 2}));
}

TEST(RuleFilterTest, HolderFactsNeedHoldersAndMatchKindIndustryHome) {
  TestWorld w;
  w.Add("2025-09-02T10:00:00Z", "cash:B:BR1", "B:SHOP", "900.00", Channel::kCashDeposit);
  w.Add("2025-09-02T10:00:00Z", "cash:B:BR1", "B:PERSON", "900.00", Channel::kCashDeposit);
  std::string text = Rule("window = \"1d\"\n[rule.match]\nsubject_party = \"business\"\nsubject_industry = [722511]\n"
                          "[rule.when]\ncount = { at_least = 1 }\n");
  EXPECT_TRUE(w.Scan(text).empty());
  ASSERT_EQ(w.skipped().size(), 1u);  // no holders: the rule is skipped, and says so
  w.Holder({"B:SHOP", 1, PartyKind::kBusiness, 722511, "el paso, tx"});
  w.Holder({"B:PERSON", 2, PartyKind::kPerson, 0, "el paso, tx"});
  auto alerts = w.Scan(text);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(w.store().AccountLabel(alerts[0].subjects[0]), "B:SHOP");
  auto home = w.Scan(Rule("window = \"1d\"\n[rule.match]\nsubject_home = \"@border\"\nsubject_party = \"person\"\n"
                          "[rule.when]\ncount = { at_least = 1 }\n"));
  ASSERT_EQ(home.size(), 1u);
  EXPECT_EQ(w.store().AccountLabel(home[0].subjects[0]), "B:PERSON");
}

// --- Windows and aggregates --------------------------------------------------------------------

TEST(RuleWindowTest, DurationWindowIsInclusiveOfItsLength) {
  TestWorld w;
  w.Add("2025-09-02T10:00:00Z", "cash:B:BR1", "B:A1", "6000.00", Channel::kCashDeposit);
  w.Add("2025-09-09T10:00:00Z", "cash:B:BR1", "B:A1", "6000.00", Channel::kCashDeposit);  // exactly 7 days later
  w.Add("2025-09-02T10:00:00Z", "cash:B:BR1", "B:A2", "6000.00", Channel::kCashDeposit);
  w.Add("2025-09-09T10:00:01Z", "cash:B:BR1", "B:A2", "6000.00", Channel::kCashDeposit);  // one second too late
  auto alerts = w.Scan(Rule("window = \"7d\"\n[rule.match]\n[rule.when]\nsum = { over = \"10000.00\" }\n"));
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(w.store().AccountLabel(alerts[0].subjects[0]), "B:A1");
  EXPECT_EQ(alerts[0].window_start, test::T("2025-09-02T10:00:00Z"));
  EXPECT_EQ(alerts[0].window_end, test::T("2025-09-09T10:00:00Z"));
}

TEST(RuleWindowTest, BusinessDayFollowsCutoffWeekendsAndHolidays) {
  TestWorld w;
  // Friday 16:59 counts to Friday; Friday 17:00, Saturday and Sunday count to Monday 09-08.
  w.Add("2025-09-05T16:59:59Z", "cash:B:BR1", "B:A1", "6000.00", Channel::kCashDeposit);
  w.Add("2025-09-05T17:00:00Z", "cash:B:BR1", "B:A1", "3000.00", Channel::kCashDeposit);
  w.Add("2025-09-06T11:00:00Z", "cash:B:BR1", "B:A1", "3000.00", Channel::kCashDeposit);
  w.Add("2025-09-08T09:00:00Z", "cash:B:BR1", "B:A1", "4000.01", Channel::kCashDeposit);
  // Labor Day (holiday) Monday 09-01 and Sunday 08-31 count to Tuesday 09-02.
  w.Add("2025-08-31T12:00:00Z", "cash:B:BR1", "B:A2", "5000.00", Channel::kCashDeposit);
  w.Add("2025-09-01T12:00:00Z", "cash:B:BR1", "B:A2", "5000.00", Channel::kCashDeposit);
  w.Add("2025-09-02T16:00:00Z", "cash:B:BR1", "B:A2", "0.01", Channel::kCashDeposit);
  std::string text = Rule("window = \"business_day\"\n[rule.match]\n[rule.when]\nsum = { over = \"10000.00\" }\n");
  auto alerts = w.Scan(text);
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(TestWorld::Ids(alerts[0]), (std::vector<TransactionId>{1, 2, 3}));  // 10,000.01 on Monday
  EXPECT_EQ(TestWorld::Ids(alerts[1]), (std::vector<TransactionId>{4, 5, 6}));  // 10,000.01 on Tuesday
  // Calendar days instead: no day has more than 10,000.
  EXPECT_TRUE(w.Scan(Rule("window = \"day\"\n[rule.match]\n[rule.when]\nsum = { over = \"10000.00\" }\n")).empty());
}

TEST(RuleWindowTest, BusinessDayCutoffUsesLocalTime) {
  TestWorld w;
  // 22:30 UTC on Friday is 16:30 at UTC-06:00: still Friday's business day.
  w.Add("2025-09-05T22:30:00Z", "cash:B:BR1", "B:A1", "6000.00", Channel::kCashDeposit);
  w.Add("2025-09-05T15:00:00Z", "cash:B:BR1", "B:A1", "6000.00", Channel::kCashDeposit);
  std::string body = "window = \"business_day\"\n[rule.match]\n[rule.when]\nsum = { over = \"10000.00\" }\n";
  EXPECT_TRUE(w.Scan(Rule(body)).empty());  // UTC: 22:30 is after the cutoff -> Monday
  std::string local = Rule(body);
  local.replace(local.find("currency = \"USD\""), 16, "currency = \"USD\"\nutc_offset = \"-06:00\"");
  EXPECT_EQ(w.Scan(local).size(), 1u);
}

TEST(RuleWindowTest, SeveralBusinessDaysAndCalendarDays) {
  TestWorld w;
  w.Add("2025-09-05T10:00:00Z", "cash:B:BR1", "B:A1", "1.00", Channel::kCashDeposit);  // Fri
  w.Add("2025-09-08T10:00:00Z", "cash:B:BR1", "B:A1", "1.00", Channel::kCashDeposit);  // Mon: next business day
  EXPECT_EQ(w.Scan(Rule("window = \"2 business_days\"\n[rule.match]\n[rule.when]\ncount = { at_least = 2 }\n")).size(), 1u);
  EXPECT_TRUE(w.Scan(Rule("window = \"2 days\"\n[rule.match]\n[rule.when]\ncount = { at_least = 2 }\n")).empty());
  EXPECT_EQ(w.Scan(Rule("window = \"4 days\"\n[rule.match]\n[rule.when]\ncount = { at_least = 2 }\n")).size(), 1u);
}

TEST(RuleAggregateTest, DistinctCountsCountDifferentValues) {
  TestWorld w;
  w.Add("2025-09-02T10:00:00Z", "cash:B:BR-NY", "B:A1", "100.00", Channel::kCashDeposit, "New York, NY");
  w.Add("2025-09-02T11:00:00Z", "cash:B:BR-NY", "B:A1", "100.00", Channel::kCashDeposit, "New York, NY");
  w.Add("2025-09-02T12:00:00Z", "cash:B:BR-CHI", "B:A1", "100.00", Channel::kCashDeposit, "Chicago, IL");
  w.Add("2025-09-03T12:00:00Z", "cash:B:BR-EV", "B:A1", "100.00", Channel::kCashDeposit, "Evanston, IL");
  auto regions = w.Scan(Rule("window = \"7d\"\n[rule.match]\n[rule.when]\ndistinct_regions = { at_least = 2 }\n"
                             "distinct_cities = { at_least = 3 }\ndistinct_counterparties = { at_least = 3 }\n"
                             "distinct_days = { at_least = 2 }\n"));
  ASSERT_EQ(regions.size(), 1u);
  EXPECT_EQ(TestWorld::Ids(regions[0]), (std::vector<TransactionId>{0, 1, 2, 3}));
  EXPECT_TRUE(w.Scan(Rule("window = \"7d\"\n[rule.match]\n[rule.when]\ndistinct_regions = { at_least = 3 }\n")).empty());
  EXPECT_TRUE(w.Scan(Rule("window = \"7d\"\n[rule.match]\n[rule.when]\ndistinct_locations = { at_least = 5 }\n")).empty());
}

TEST(RuleAggregateTest, MaxAndMinFollowTheSlidingWindow) {
  TestWorld w;
  w.Add("2025-09-02T00:00:00Z", "cash:B:BR1", "B:A1", "900.00", Channel::kCashDeposit);
  w.Add("2025-09-02T02:00:00Z", "cash:B:BR1", "B:A1", "100.00", Channel::kCashDeposit);
  w.Add("2025-09-02T04:00:00Z", "cash:B:BR1", "B:A1", "200.00", Channel::kCashDeposit);  // the 900 has left (3h)
  auto alerts = w.Scan(Rule("window = \"3h\"\n[rule.match]\n[rule.when]\nmax = { at_most = \"200.00\" }\ncount = { at_least = 2 }\n"));
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(TestWorld::Ids(alerts[0]), (std::vector<TransactionId>{1, 2}));
}

TEST(RuleAggregateTest, OverlappingWindowsMergeIntoOneAlertWithSourceLines) {
  TestWorld w;
  for (int d = 2; d <= 6; ++d) {
    w.Add("2025-09-0" + std::to_string(d) + "T10:00:00Z", "cash:B:BR1", "B:A1", "9000.00", Channel::kCashDeposit);
  }
  w.Add("2025-09-20T10:00:00Z", "cash:B:BR1", "B:A1", "9000.00", Channel::kCashDeposit);
  w.Add("2025-09-21T10:00:00Z", "cash:B:BR1", "B:A1", "9000.00", Channel::kCashDeposit);
  auto alerts = w.Scan(Rule("window = \"2d\"\n[rule.match]\n[rule.when]\ncount = { at_least = 2 }\n"));
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(TestWorld::Ids(alerts[0]), (std::vector<TransactionId>{0, 1, 2, 3, 4}));
  EXPECT_EQ(TestWorld::Ids(alerts[1]), (std::vector<TransactionId>{5, 6}));
  EXPECT_EQ(alerts[0].alert_id, "R-000001");
  EXPECT_EQ(alerts[1].alert_id, "R-000002");
  std::string json = AlertJsonLine(w.store(), alerts[1]);
  EXPECT_NE(json.find("\"source_file\":\"/cases/hand-made.csv\",\"source_line\":7"), std::string::npos) << json;
  EXPECT_NE(json.find("\"amount\":\"9000.00\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"sum\":\"18000.00\""), std::string::npos) << json;
}

TEST(RuleAggregateTest, PairSubjectGroupsByPayerAndPayee) {
  TestWorld w;
  for (int i = 0; i < 3; ++i) w.Add("2025-09-05T03:00:0" + std::to_string(i) + "Z", "B:BIZ", "B:P1", "500.00", Channel::kAch);
  w.Add("2025-09-05T03:00:00Z", "B:BIZ", "B:P2", "500.00", Channel::kAch);
  w.Add("2025-09-05T03:00:00Z", "B:OTHER", "B:P2", "500.00", Channel::kAch);
  w.Add("2025-09-05T03:00:00Z", "B:THIRD", "B:P2", "500.00", Channel::kAch);
  std::string text = Rule("subject = \"pair\"\nwindow = \"day\"\n[rule.match]\nchannel = [\"ach\"]\n[rule.when]\ncount = { at_least = 3 }\n");
  auto alerts = w.Scan(text);
  ASSERT_EQ(alerts.size(), 1u);
  ASSERT_EQ(alerts[0].subjects.size(), 2u);
  EXPECT_EQ(w.store().AccountLabel(alerts[0].subjects[0]), "B:BIZ");
  EXPECT_EQ(w.store().AccountLabel(alerts[0].subjects[1]), "B:P1");
}

TEST(RuleAggregateTest, SendersSharingAPhoneOrAddressWithEachOtherOrTheBeneficiary) {
  TestWorld w;
  for (int i = 1; i <= 4; ++i) {
    w.Add("2025-09-0" + std::to_string(i + 1) + "T10:00:00Z", "B:S" + std::to_string(i), "B:BEN", "900.00", Channel::kWire);
  }
  w.Holder({"B:BEN", 10, PartyKind::kPerson, 0, "", "+1-915-555-0001", "1 main"});
  w.Holder({"B:S1", 11, PartyKind::kPerson, 0, "", "+1-915-555-0001", "2 oak"});   // shares BEN's phone
  w.Holder({"B:S2", 12, PartyKind::kPerson, 0, "", "+1-212-555-0002", "3 elm"});
  w.Holder({"B:S3", 13, PartyKind::kPerson, 0, "", "+1-312-555-0003", "3 elm"});   // shares S2's address
  w.Holder({"B:S4", 14, PartyKind::kPerson, 0, "", "+1-415-555-0004", "4 pine"});
  std::string text = Rule("window = \"14d\"\n[rule.match]\ndirection = \"in\"\n[rule.when]\nsenders_sharing_contact = { at_least = 3 }\n");
  auto alerts = w.Scan(text);
  ASSERT_EQ(alerts.size(), 1u);  // S1, S2, S3
  EXPECT_EQ(w.store().AccountLabel(alerts[0].subjects[0]), "B:BEN");
  EXPECT_TRUE(w.Scan(Rule("window = \"14d\"\n[rule.match]\ndirection = \"in\"\n[rule.when]\nsenders_sharing_contact = { at_least = 4 }\n")).empty());
}

// --- Sequences ---------------------------------------------------------------------------------

std::string CashThenWire(const std::string& window, const std::string& ratio) {
  return Rule("window = \"" + window + "\"\n[rule.first]\nchannel = [\"cash_deposit\"]\ndirection = \"in\"\n"
              "[rule.then]\nchannel = [\"wire\"]\ndirection = \"out\"\ncounterparty_country = \"@corridors\"\n"
              "[rule.when]\nfirst = { sum = { at_least = \"1000.00\" } }\nratio = { at_least = \"" + ratio + "\" }\n");
}

TEST(RuleSequenceTest, CashThenWireWithinTheWindowAndRatio) {
  TestWorld w;
  w.Add("2025-09-02T10:00:00Z", "cash:B:BR1", "B:A1", "5000.00", Channel::kCashDeposit);
  w.Add("2025-09-05T10:00:00Z", "B:A1", "external:MX-1:1", "4000.00", Channel::kWire, "", "MX");  // 72 h: in
  w.Add("2025-09-02T10:00:00Z", "cash:B:BR1", "B:A2", "5000.00", Channel::kCashDeposit);
  w.Add("2025-09-05T10:00:01Z", "B:A2", "external:MX-1:1", "4000.00", Channel::kWire, "", "MX");  // 72 h + 1 s
  w.Add("2025-09-02T10:00:00Z", "cash:B:BR1", "B:A3", "5000.00", Channel::kCashDeposit);
  w.Add("2025-09-03T10:00:00Z", "B:A3", "external:MX-1:1", "3999.99", Channel::kWire, "", "MX");  // ratio 0.799998
  w.Add("2025-09-03T10:00:00Z", "B:A4", "external:MX-1:1", "9000.00", Channel::kWire, "", "MX");  // wire, no cash
  w.Add("2025-09-03T11:00:00Z", "cash:B:BR1", "B:A4", "9000.00", Channel::kCashDeposit);          // cash after
  auto alerts = w.Scan(CashThenWire("72h", "0.8"));
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(w.store().AccountLabel(alerts[0].subjects[0]), "B:A1");
  ASSERT_EQ(alerts[0].evidence.size(), 2u);
  EXPECT_EQ(alerts[0].evidence[0].role, EvidenceRole::kFirst);
  EXPECT_EQ(alerts[0].evidence[1].role, EvidenceRole::kThen);
  EXPECT_NE(alerts[0].sentence.find("$5,000.00"), std::string::npos) << alerts[0].sentence;
  EXPECT_NE(alerts[0].sentence.find("80%"), std::string::npos) << alerts[0].sentence;
}

TEST(RuleSequenceTest, CalendarWindowSequenceSupportsAbsence) {
  TestWorld w;
  w.Add("2025-09-02T10:00:00Z", "cash:B:BR1", "B:SHOP1", "5000.00", Channel::kCashDeposit);
  w.Add("2025-09-03T10:00:00Z", "cash:B:BR1", "B:SHOP1", "6000.00", Channel::kCashDeposit);
  w.Add("2025-09-02T10:00:00Z", "cash:B:BR1", "B:SHOP2", "5000.00", Channel::kCashDeposit);
  w.Add("2025-09-03T10:00:00Z", "cash:B:BR1", "B:SHOP2", "6000.00", Channel::kCashDeposit);
  w.Add("2025-09-05T03:00:00Z", "B:SHOP2", "B:EMP1", "800.00", Channel::kAch);
  w.Add("2025-09-05T03:00:00Z", "B:SHOP2", "B:EMP2", "800.00", Channel::kAch);
  auto alerts = w.Scan(Rule("window = \"all\"\n[rule.first]\nchannel = [\"cash_deposit\"]\ndirection = \"in\"\n"
                            "[rule.then]\nchannel = [\"ach\"]\ndirection = \"out\"\n"
                            "[rule.when]\nfirst = { sum = { at_least = \"10000.00\" } }\n"
                            "then = { distinct_counterparties = { at_most = 1 } }\n"));
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(w.store().AccountLabel(alerts[0].subjects[0]), "B:SHOP1");
}

// --- Baselines ---------------------------------------------------------------------------------

TEST(RuleBaselineTest, PeerGroupMedianByIndustry) {
  TestWorld w;
  const char* amounts[] = {"1000.00", "1100.00", "1200.00", "1300.00", "2600.01", "2599.99"};
  for (int i = 0; i < 6; ++i) {
    std::string acct = "B:S" + std::to_string(i);
    w.Add("2025-09-02T10:00:00Z", "cash:B:BR1", acct, amounts[i], Channel::kCashDeposit);
    w.Holder({acct, static_cast<uint32_t>(i + 1), PartyKind::kBusiness, 722511});
  }
  // Median of {1000, 1100, 1200, 1300, 2599.99, 2600.01} = 1250; factor 2: over 2500.
  std::string text = Rule("window = \"all\"\n[rule.match]\nchannel = [\"cash_deposit\"]\n[rule.when]\ncount = { at_least = 1 }\n"
                          "[rule.peer]\nmetric = \"sum\"\nfactor = \"2.0\"\nmin_peers = 5\n");
  auto alerts = w.Scan(text);
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(w.store().AccountLabel(alerts[0].subjects[0]), "B:S4");
  EXPECT_EQ(w.store().AccountLabel(alerts[1].subjects[0]), "B:S5");
  std::string figures;
  for (const auto& [k, v] : alerts[0].figures) figures += k + "=" + v + " ";
  EXPECT_NE(figures.find("peer_median=1250.00"), std::string::npos) << figures;
  std::string higher = text;
  higher.replace(higher.find("\"2.0\""), 5, "\"2.1\"");  // over 2625: nobody
  EXPECT_TRUE(w.Scan(higher).empty());
  std::string bigger_group = text;
  bigger_group.replace(bigger_group.find("min_peers = 5"), 13, "min_peers = 7");
  EXPECT_TRUE(w.Scan(bigger_group).empty());
}

TEST(RuleBaselineTest, OwnHistorySuddenRise) {
  TestWorld w;
  // Ten quiet days of 100 a day, then 1,000 in one day: a tenfold rise.
  for (int d = 1; d <= 10; ++d) {
    char day[32];
    std::snprintf(day, sizeof day, "2025-09-%02dT10:00:00Z", d);
    w.Add(day, "cash:B:BR1", "B:A1", "100.00", Channel::kCashDeposit);
    w.Add(day, "cash:B:BR1", "B:A2", "100.00", Channel::kCashDeposit);
  }
  w.Add("2025-09-11T10:00:00Z", "cash:B:BR1", "B:A1", "900.00", Channel::kCashDeposit);
  w.Add("2025-09-11T10:00:00Z", "cash:B:BR1", "B:A2", "150.00", Channel::kCashDeposit);
  auto alerts = w.Scan(Rule("window = \"day\"\n[rule.match]\n[rule.when]\nsum = { at_least = \"500.00\" }\n"
                            "[rule.history]\nmetric = \"sum\"\nlookback = \"7d\"\nmin_history = \"5d\"\nfactor = \"3\"\n"));
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(w.store().AccountLabel(alerts[0].subjects[0]), "B:A1");
  EXPECT_EQ(TestWorld::Ids(alerts[0]), (std::vector<TransactionId>{20}));
}

}  // namespace
}  // namespace moneytrail::rules
