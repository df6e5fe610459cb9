// Each rule of the shipped pack rules/smuggling-trafficking.toml on a hand-made case, with a near
// miss next to it (just under a threshold, outside a window, the wrong place or kind).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "moneytrail/rules_eval.h"
#include "rules_test_util.h"

namespace moneytrail::rules {
namespace {

using test::TestWorld;

std::string PackText() {
  std::ifstream in(std::string(MONEYTRAIL_SOURCE_DIR) + "/rules/smuggling-trafficking.toml");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A template value that never reached the sentence: a "{name}" left in it, or the "?" that
// RenderTemplate puts for a value it was not given (issue 21: "? of whom share a phone").
void ExpectNoPlaceholder(const Alert& a) {
  EXPECT_EQ(a.sentence.find('{'), std::string::npos) << a.rule_id << ": " << a.sentence;
  EXPECT_EQ(a.sentence.find('}'), std::string::npos) << a.rule_id << ": " << a.sentence;
  EXPECT_EQ(a.sentence.find('?'), std::string::npos) << a.rule_id << ": " << a.sentence;
}

// Subjects (first subject's label, or "payer>payee" for pairs) alerted by `rule`. Every alert
// of the scan (any rule of the shipped pack) is checked for unfilled template values.
std::vector<std::string> Alerted(TestWorld& w, const std::string& rule) {
  std::vector<std::string> out;
  for (const Alert& a : w.Scan(PackText())) {
    ExpectNoPlaceholder(a);
    if (a.rule_id != rule) continue;
    std::string label = w.store().AccountLabel(a.subjects.back());
    if (a.subjects.size() == 2) label = w.store().AccountLabel(a.subjects[0]) + ">" + label;
    out.push_back(label);
  }
  return out;
}

using Labels = std::vector<std::string>;

TEST(ShippedPackTest, LoadsEveryRuleWithCitationAndParameters) {
  Result<RulePack> pack = RulePack::Parse(PackText(), "smuggling-trafficking.toml");
  ASSERT_TRUE(pack.ok()) << pack.status().ToString();
  std::vector<RuleInfo> rules = pack->rules();
  EXPECT_GE(rules.size(), 16u);
  for (const RuleInfo& r : rules) {
    EXPECT_TRUE(r.citation.find("FIN-2014-A008") != std::string::npos ||
                r.citation.find("FIN-2020-A008") != std::string::npos ||
                r.citation.find("FATF/APG 2018") != std::string::npos || r.citation.find("31 CFR 1010.3") != std::string::npos ||
                r.citation.find("FIN-2023-Alert001") != std::string::npos ||
                r.citation.find("AMLworld 2023") != std::string::npos)  // the graph shapes (pack header)
        << r.id << ": " << r.citation;
    EXPECT_FALSE(r.params.empty()) << r.id << " has no documented parameter";
  }
}

TEST(ShippedPackTest, CurrencyTransactionOverTenThousand) {
  TestWorld w;
  w.Add("2025-09-02T10:00:00Z", "cash:B:BR1", "B:A1", "10000.01", Channel::kCashDeposit);
  w.Add("2025-09-02T10:00:00Z", "cash:B:BR1", "B:A2", "10000.00", Channel::kCashDeposit);
  w.Add("2025-09-02T10:00:00Z", "B:A3", "cash:B:BR1", "12000.00", Channel::kCashWithdrawal);
  EXPECT_EQ(Alerted(w, "ST-CTR"), (Labels{"B:A1", "B:A3"}));
}

TEST(ShippedPackTest, MultipleCashDepositsInOneBusinessDay) {
  TestWorld w;
  w.Add("2025-09-05T16:00:00Z", "cash:B:BR1", "B:A1", "6000.00", Channel::kCashDeposit);  // Fri -> Fri
  w.Add("2025-09-05T18:00:00Z", "cash:B:BR1", "B:A1", "4000.01", Channel::kCashDeposit);  // Fri night -> Mon
  w.Add("2025-09-06T11:00:00Z", "cash:B:BR1", "B:A1", "6000.00", Channel::kCashDeposit);  // Sat -> Mon
  w.Add("2025-09-05T09:00:00Z", "cash:B:BR1", "B:A2", "6000.00", Channel::kCashDeposit);
  w.Add("2025-09-05T10:00:00Z", "cash:B:BR1", "B:A2", "4000.00", Channel::kCashDeposit);  // exactly 10,000: no
  w.Add("2025-09-05T09:00:00Z", "B:A3", "cash:B:ATM1", "5000.01", Channel::kCashWithdrawal);
  w.Add("2025-09-05T12:00:00Z", "B:A3", "cash:B:ATM1", "5000.00", Channel::kCashWithdrawal);
  EXPECT_EQ(Alerted(w, "ST-CTR-AGG-IN"), (Labels{"B:A1"}));
  EXPECT_EQ(Alerted(w, "ST-CTR-AGG-OUT"), (Labels{"B:A3"}));
}

TEST(ShippedPackTest, StructuringJustBelowTheThreshold) {
  TestWorld w;
  w.Add("2025-09-02T10:00:00Z", "cash:B:BR1", "B:A1", "9500.00", Channel::kCashDeposit, "Dallas, TX");
  w.Add("2025-09-04T10:00:00Z", "cash:B:BR2", "B:A1", "9800.00", Channel::kCashDeposit, "Fort Worth, TX");
  w.Add("2025-09-02T10:00:00Z", "cash:B:BR1", "B:A2", "9500.00", Channel::kCashDeposit);
  w.Add("2025-09-04T10:00:00Z", "cash:B:BR1", "B:A2", "7499.99", Channel::kCashDeposit);  // under the floor
  w.Add("2025-09-02T10:00:00Z", "cash:B:BR1", "B:A3", "9500.00", Channel::kCashDeposit);
  w.Add("2025-09-10T10:00:00Z", "cash:B:BR1", "B:A3", "9500.00", Channel::kCashDeposit);  // 8 days apart
  w.Add("2025-09-02T10:00:00Z", "cash:B:BR1", "B:A4", "9500.00", Channel::kCashDeposit);
  w.Add("2025-09-03T10:00:00Z", "cash:B:BR1", "B:A4", "10000.00", Channel::kCashDeposit);  // not below
  // A cash business whose takings spread below the band: in the week up to its second in-band
  // deposit, other cash over 25% of the in-band sum.
  w.Add("2025-09-02T10:00:00Z", "cash:B:BR1", "B:A5", "4000.00", Channel::kCashDeposit);
  w.Add("2025-09-03T10:00:00Z", "cash:B:BR1", "B:A5", "750.01", Channel::kCashDeposit);  // 4,750.01 of 19,000
  w.Add("2025-09-04T10:00:00Z", "cash:B:BR1", "B:A5", "9500.00", Channel::kCashDeposit);
  w.Add("2025-09-05T10:00:00Z", "cash:B:BR1", "B:A5", "9500.00", Channel::kCashDeposit);
  w.Add("2025-09-02T10:00:00Z", "cash:B:BR1", "B:A6", "4750.00", Channel::kCashDeposit);  // exactly 25%
  w.Add("2025-09-03T10:00:00Z", "cash:B:BR1", "B:A6", "9500.00", Channel::kCashDeposit);
  w.Add("2025-09-04T10:00:00Z", "cash:B:BR1", "B:A6", "9500.00", Channel::kCashDeposit);
  EXPECT_EQ(Alerted(w, "ST-STRUCT"), (Labels{"B:A1", "B:A6"}));
}

void FunnelCase(TestWorld& w, const std::string& acct, const std::string& second_withdrawal) {
  w.Add("2025-09-02T10:00:00Z", "cash:B:BR-NY", acct, "8000.00", Channel::kCashDeposit, "New York, NY");
  w.Add("2025-09-03T10:00:00Z", "cash:B:BR-CHI", acct, "8000.00", Channel::kCashDeposit, "Chicago, IL");
  w.Add("2025-09-04T10:00:00Z", "cash:B:BR-DEN", acct, "8000.00", Channel::kCashDeposit, "Denver, CO");
  w.Add("2025-09-05T10:00:00Z", acct, "cash:B:BR-EP", "6000.00", Channel::kCashWithdrawal, "El Paso, TX");
  w.Add("2025-09-06T10:00:00Z", acct, "cash:B:BR-EP", second_withdrawal, Channel::kCashWithdrawal, "El Paso, TX");
}

TEST(ShippedPackTest, FunnelAccountDrawnDownAtTheBorder) {
  TestWorld w;
  FunnelCase(w, "B:A1", "6000.00");  // 12,000 of 24,000 out: ratio 0.50
  FunnelCase(w, "B:A2", "5999.99");  // ratio just under 0.5
  // Deposits in distant states, withdrawn in Dallas (not a border city).
  w.Add("2025-09-02T10:00:00Z", "cash:B:BR-NY", "B:A3", "8000.00", Channel::kCashDeposit, "New York, NY");
  w.Add("2025-09-03T10:00:00Z", "cash:B:BR-CHI", "B:A3", "8000.00", Channel::kCashDeposit, "Chicago, IL");
  w.Add("2025-09-04T10:00:00Z", "cash:B:BR-DEN", "B:A3", "8000.00", Channel::kCashDeposit, "Denver, CO");
  w.Add("2025-09-05T10:00:00Z", "B:A3", "cash:B:BR-DAL", "20000.00", Channel::kCashWithdrawal, "Dallas, TX");
  auto alerts = w.Scan(PackText());
  std::vector<std::string> funnel;
  for (const Alert& a : alerts) {
    if (a.rule_id != "ST-FUNNEL") continue;
    funnel.push_back(w.store().AccountLabel(a.subjects[0]));
    EXPECT_NE(a.sentence.find("3 states (CO, IL and NY)"), std::string::npos) << a.sentence;
    EXPECT_NE(a.sentence.find("$24,000.00"), std::string::npos) << a.sentence;
  }
  EXPECT_EQ(funnel, (Labels{"B:A1"}));
}

TEST(ShippedPackTest, ManySendersToOneBorderCityBeneficiary) {
  TestWorld w;
  for (int i = 0; i < 5; ++i) {
    std::string s = "B:S" + std::to_string(i);
    w.Add("2025-09-0" + std::to_string(2 + i) + "T10:00:00Z", s, "B:EP", "2999.99", Channel::kMoneyTransmitter);
    w.Add("2025-09-0" + std::to_string(2 + i) + "T10:00:00Z", s, "B:CHI", "2999.99", Channel::kMoneyTransmitter);
    w.Add("2025-09-0" + std::to_string(2 + i) + "T10:00:00Z", s, "B:EP2", i == 4 ? "3000.00" : "100.00",
          Channel::kWire);
    w.Holder({s, static_cast<uint32_t>(10 + i), PartyKind::kPerson, 0, "chicago, il"});
  }
  w.Holder({"B:EP", 1, PartyKind::kPerson, 0, "el paso, tx"});
  w.Holder({"B:CHI", 2, PartyKind::kPerson, 0, "chicago, il"});
  w.Holder({"B:EP2", 3, PartyKind::kPerson, 0, "el paso, tx"});  // 4 senders under $3,000 only
  EXPECT_EQ(Alerted(w, "ST-FEE"), (Labels{"B:EP"}));
}

// On statements the sender is often only a name in the description ("WIRE IN ORIG:MARIA REYES",
// "ZELLE FROM JOSE LUNA"): the intake makes it an external node per name, and each counts as a
// sender; a Zelle (ACH) from such a party is a P2P payment; an ACH from a bank account is not.
TEST(ShippedPackTest, FeeSendersNamedOnlyInTheStatementCount) {
  TestWorld w;
  for (int i = 0; i < 5; ++i) {
    const std::string day = "2025-09-0" + std::to_string(2 + i) + "T00:00:00Z";
    const std::string name = "external:US:PAYER " + std::to_string(i);
    w.Add(day, name, "B:EP", "2800.00", i % 2 ? Channel::kWire : Channel::kAch);  // wire in, or Zelle
    w.Add(day, "B:W" + std::to_string(i), "B:EP2", "900.00", Channel::kAch);    // ACH from accounts
  }
  w.Holder({"B:EP", 1, PartyKind::kPerson, 0, "el paso, tx"});
  w.Holder({"B:EP2", 2, PartyKind::kPerson, 0, "laredo, tx"});
  EXPECT_EQ(Alerted(w, "ST-FEE"), (Labels{"B:EP"}));
}

// A fee gathered over weeks (FIN-2014-A008, FIN-2023-Alert001): five relatives pay over 27 days;
// the same five payments spread over 29 days do not make one window.
TEST(ShippedPackTest, FeePaidInInstalmentsOverWeeks) {
  TestWorld w;
  const char* days[] = {"2025-09-02", "2025-09-09", "2025-09-16", "2025-09-23", "2025-09-29"};
  const char* late[] = {"2025-09-02", "2025-09-09", "2025-09-16", "2025-09-23", "2025-10-01"};
  for (int i = 0; i < 5; ++i) {
    std::string s = "B:S" + std::to_string(i);
    w.Add(std::string(days[i]) + "T10:00:00Z", s, "B:EP", "1500.00", Channel::kMoneyTransmitter);
    w.Add(std::string(late[i]) + "T10:00:00Z", s, "B:EP2", "1500.00", Channel::kWire);
    w.Holder({s, static_cast<uint32_t>(10 + i), PartyKind::kPerson, 0, "chicago, il"});
  }
  w.Holder({"B:EP", 1, PartyKind::kPerson, 0, "el paso, tx"});
  w.Holder({"B:EP2", 2, PartyKind::kPerson, 0, "laredo, tx"});
  EXPECT_EQ(Alerted(w, "ST-FEE"), (Labels{"B:EP"}));
}

// The graph rules need no KYC facts or locations: they run on bare account-to-account records.
TEST(ShippedPackTest, PassThroughFanInFanOutAndRoundTripWithoutKyc) {
  TestWorld w;
  // Pass-through: $30,000 in by two payments, $29,500 out within two days; the near miss keeps 60%.
  w.Add("2025-09-02T10:00:00Z", "B:P1", "B:PASS", "15000.00", Channel::kWire);
  w.Add("2025-09-02T12:00:00Z", "B:P2", "B:PASS", "15000.00", Channel::kAch);
  w.Add("2025-09-04T09:00:00Z", "B:PASS", "B:Q1", "29500.00", Channel::kWire);
  w.Add("2025-09-02T10:00:00Z", "B:P1", "B:KEEP", "15000.00", Channel::kWire);
  w.Add("2025-09-02T12:00:00Z", "B:P2", "B:KEEP", "15000.00", Channel::kWire);
  w.Add("2025-09-04T09:00:00Z", "B:KEEP", "B:Q1", "18000.00", Channel::kWire);
  // Fan-in: 16 payers under $3,000 in two weeks; the near miss has 15.
  for (int i = 0; i < 16; ++i) {
    const std::string day = "2025-09-" + std::to_string(10 + i % 14) + "T10:00:00Z";
    w.Add(day, "B:F" + std::to_string(i), "B:FANIN", "900.00", Channel::kMoneyTransmitter);
    if (i < 15) w.Add(day, "B:F" + std::to_string(i), "B:FIFTEEN", "900.00", Channel::kMoneyTransmitter);
  }
  // Fan-out: $15,600 to 12 accounts in a week; the near miss pays 12 by ACH (payroll).
  for (int i = 0; i < 12; ++i) {
    const std::string day = "2025-10-0" + std::to_string(1 + i % 7) + "T10:00:00Z";
    w.Add(day, "B:FANOUT", "B:G" + std::to_string(i), "1300.00", Channel::kWire);
    w.Add(day, "B:PAYROLL", "B:G" + std::to_string(i), "1300.00", Channel::kAch);
  }
  // Round trip: R0 -> R1 -> R2 -> R0 in five days, each hop 95%; the near miss comes back at 70%.
  w.Add("2025-11-03T10:00:00Z", "B:R0", "B:R1", "20000.00", Channel::kWire);
  w.Add("2025-11-04T10:00:00Z", "B:R1", "B:R2", "19000.00", Channel::kWire);
  w.Add("2025-11-07T10:00:00Z", "B:R2", "B:R0", "18050.00", Channel::kWire);
  w.Add("2025-11-03T10:00:00Z", "B:N0", "B:N1", "20000.00", Channel::kWire);
  w.Add("2025-11-04T10:00:00Z", "B:N1", "B:N0", "14000.00", Channel::kWire);
  EXPECT_EQ(Alerted(w, "ST-PASS-THROUGH"), (Labels{"B:PASS"}));
  EXPECT_EQ(Alerted(w, "ST-FAN-IN"), (Labels{"B:FANIN"}));
  EXPECT_EQ(Alerted(w, "ST-FAN-OUT"), (Labels{"B:FANOUT"}));
  EXPECT_EQ(Alerted(w, "ST-ROUND-TRIP"), (Labels{"B:R0"}));
  for (const Alert& a : w.Scan(PackText())) {
    if (a.rule_id == "ST-ROUND-TRIP") {
      EXPECT_EQ(a.sentence, "Money left Account B:R0 and came back to it through 3 payments (largest $20,000.00, "
                            "smallest $18,050.00) between 2025-11-03 10:00 UTC and 2025-11-07 10:00 UTC.");
    }
  }
}

TEST(ShippedPackTest, SendersSharingAPhonePayOneBeneficiary) {
  TestWorld w;
  w.Add("2025-09-02T10:00:00Z", "B:S1", "B:BEN", "900.00", Channel::kMoneyTransmitter);
  w.Add("2025-09-03T10:00:00Z", "B:S2", "B:BEN", "900.00", Channel::kMoneyTransmitter);
  w.Add("2025-09-02T10:00:00Z", "B:S3", "B:BEN2", "900.00", Channel::kMoneyTransmitter);
  w.Add("2025-09-03T10:00:00Z", "B:S4", "B:BEN2", "900.00", Channel::kMoneyTransmitter);
  w.Holder({"B:BEN", 1, PartyKind::kPerson, 0, "", "+1-915-555-0100", "1 a"});
  w.Holder({"B:S1", 2, PartyKind::kPerson, 0, "", "+1-915-555-0100", "2 b"});
  w.Holder({"B:S2", 3, PartyKind::kPerson, 0, "", "+1-212-555-0100", "2 b"});
  w.Holder({"B:BEN2", 4, PartyKind::kPerson, 0, "", "+1-915-555-0200", "5 e"});
  w.Holder({"B:S3", 5, PartyKind::kPerson, 0, "", "+1-915-555-0300", "6 f"});
  w.Holder({"B:S4", 6, PartyKind::kPerson, 0, "", "+1-915-555-0400", "7 g"});
  EXPECT_EQ(Alerted(w, "ST-SHARED-CONTACT"), (Labels{"B:BEN"}));
  // The sentence states the count the condition used: S1 shares BEN's phone, S2 S1's address.
  for (const Alert& a : w.Scan(PackText())) {
    if (a.rule_id != "ST-SHARED-CONTACT") continue;
    EXPECT_NE(a.sentence.find("from 2 senders, 2 of whom share"), std::string::npos) << a.sentence;
  }
}

TEST(ShippedPackTest, EveryRuleSentenceFillsEveryPlaceholder) {
  // Each rule's sentence, rendered by every rule's own scan in the hand-made cases above, is
  // checked in Alerted; here, statically, every placeholder of every shipped sentence must be
  // one the engine fills (the pack loads only with known ones) and no span is stated in hours
  // when it can run to weeks.
  std::string text = PackText();
  EXPECT_EQ(text.find("{lag_hours} hours"), std::string::npos);
  EXPECT_EQ(text.find("{span_hours} hours"), std::string::npos);
  Result<RulePack> pack = RulePack::Parse(text, "smuggling-trafficking.toml");
  ASSERT_TRUE(pack.ok()) << pack.status().ToString();
}

TEST(ShippedPackTest, WiresFromDifferentBranchesOnConsecutiveDays) {
  TestWorld w;
  w.Add("2025-09-02T10:00:00Z", "B:A1", "B:X", "900.00", Channel::kWire, "New York, NY");
  w.Add("2025-09-03T23:00:00Z", "B:A1", "B:X", "900.00", Channel::kWire, "Newark, NJ");
  w.Add("2025-09-02T10:00:00Z", "B:A2", "B:X", "900.00", Channel::kWire, "New York, NY");
  w.Add("2025-09-04T00:00:00Z", "B:A2", "B:X", "900.00", Channel::kWire, "Newark, NJ");  // two days later
  w.Add("2025-09-02T10:00:00Z", "B:A3", "external:MX-1:1", "900.00", Channel::kWire, "", "MX");
  w.Add("2025-09-02T11:00:00Z", "B:A3", "external:GT-1:1", "900.00", Channel::kWire, "", "GT");  // not branches
  EXPECT_EQ(Alerted(w, "ST-MULTI-BRANCH-WIRES"), (Labels{"B:A1"}));
}

TEST(ShippedPackTest, CashInThenRapidWiresToHighRiskCorridors) {
  TestWorld w;
  w.Add("2025-09-02T10:00:00Z", "cash:B:BR1", "B:A1", "5000.00", Channel::kCashDeposit);
  w.Add("2025-09-03T10:00:00Z", "B:A1", "external:MX-1:1", "4500.00", Channel::kWire, "", "MX");
  w.Add("2025-09-02T10:00:00Z", "cash:B:BR1", "B:A2", "5000.00", Channel::kCashDeposit);
  w.Add("2025-09-03T10:00:00Z", "B:A2", "external:CA-1:1", "4500.00", Channel::kWire, "", "CA");  // not a corridor
  w.Add("2025-09-03T10:00:00Z", "B:A3", "external:MX-1:2", "400.00", Channel::kMoneyTransmitter, "", "MX");  // remittance
  w.Add("2025-09-02T10:00:00Z", "cash:B:BR1", "B:A4", "4000.00", Channel::kCashDeposit);
  w.Add("2025-09-03T10:00:00Z", "B:A4", "external:MX-1:1", "5040.00", Channel::kWire, "", "MX");  // ratio 1.26
  w.Add("2025-09-02T10:00:00Z", "cash:B:BR1", "B:A5", "2999.99", Channel::kCashDeposit);         // under the floor
  w.Add("2025-09-03T10:00:00Z", "B:A5", "external:MX-1:1", "2900.00", Channel::kWire, "", "MX");
  w.Add("2025-09-02T10:00:00Z", "cash:B:BR1", "B:A6", "5000.00", Channel::kCashDeposit);
  w.Add("2025-09-03T10:00:00Z", "B:A6", "external:MX-1:1", "5000.01", Channel::kWire, "", "MX");  // more than came in
  w.Add("2025-09-02T10:00:00Z", "cash:B:BR1", "B:A7", "5000.00", Channel::kCashDeposit);
  w.Add("2025-09-03T10:00:00Z", "B:A7", "external:MX-1:1", "5000.00", Channel::kWire, "", "MX");  // ratio 1.00
  EXPECT_EQ(Alerted(w, "ST-RAPID-CORRIDOR"), (Labels{"B:A1", "B:A7"}));
}

TEST(ShippedPackTest, BusinessCashAfterHours) {
  TestWorld w;
  w.Add("2025-09-02T23:30:00Z", "cash:B:ATM1", "B:SHOP", "900.00", Channel::kCashDeposit);
  w.Add("2025-09-05T02:00:00Z", "cash:B:ATM1", "B:SHOP", "900.00", Channel::kCashDeposit);
  w.Add("2025-09-02T22:59:00Z", "cash:B:ATM1", "B:SHOP2", "900.00", Channel::kCashDeposit);
  w.Add("2025-09-05T05:00:00Z", "cash:B:ATM1", "B:SHOP2", "900.00", Channel::kCashDeposit);
  w.Add("2025-09-02T23:30:00Z", "cash:B:ATM1", "B:PERSON", "900.00", Channel::kCashDeposit);
  w.Add("2025-09-05T02:00:00Z", "cash:B:ATM1", "B:PERSON", "900.00", Channel::kCashDeposit);
  w.Holder({"B:SHOP", 1, PartyKind::kBusiness, 812199});
  w.Holder({"B:SHOP2", 2, PartyKind::kBusiness, 812199});
  w.Holder({"B:PERSON", 3, PartyKind::kPerson});
  EXPECT_EQ(Alerted(w, "ST-AFTER-HOURS-CASH"), (Labels{"B:SHOP"}));
}

TEST(ShippedPackTest, BusinessCashFarAbovePeersAndWithoutPayroll) {
  TestWorld w;
  // SPA0: 5 deposits (51,000) against peers' 3 (median 3, factor 1.5: over 4.5), and pays no wages.
  // SPA1: 4 deposits, not over 4.5; 50,000 of cash, but pays two employees.
  for (int i = 0; i < 6; ++i) {
    std::string b = "B:SPA" + std::to_string(i);
    int deposits = i == 0 ? 5 : i == 1 ? 4 : 3;
    for (int d = 0; d < deposits; ++d) {
      w.Add("2025-09-0" + std::to_string(2 + d) + "T11:00:00Z", "cash:B:BR1", b,
            i == 0 ? "10200.00" : i == 1 ? "12500.00" : "1500.00", Channel::kCashDeposit);
    }
    w.Holder({b, static_cast<uint32_t>(i + 1), PartyKind::kBusiness, 812199});
    if (i != 0) {  // every peer pays two employees
      w.Add("2025-09-05T03:00:00Z", b, "B:E" + std::to_string(i) + "a", "700.00", Channel::kAch);
      w.Add("2025-09-05T03:00:00Z", b, "B:E" + std::to_string(i) + "b", "700.00", Channel::kAch);
      w.Holder({"B:E" + std::to_string(i) + "a", static_cast<uint32_t>(100 + 2 * i), PartyKind::kPerson});
      w.Holder({"B:E" + std::to_string(i) + "b", static_cast<uint32_t>(101 + 2 * i), PartyKind::kPerson});
    }
  }
  EXPECT_EQ(Alerted(w, "ST-CASH-VS-PEERS"), (Labels{"B:SPA0"}));
  EXPECT_EQ(Alerted(w, "ST-CASH-NO-PAYROLL"), (Labels{"B:SPA0"}));
}

TEST(ShippedPackTest, LateNightAdsAndHosting) {
  TestWorld w;
  for (const char* t : {"2025-09-02T23:00:00Z", "2025-09-04T01:00:00Z", "2025-09-06T22:30:00Z"}) {
    w.Add(t, "B:A1", "merchant:ACQ:ADS", "90.00", Channel::kCard, "", "", 7311);
  }
  for (const char* t : {"2025-09-02T23:00:00Z", "2025-09-04T01:00:00Z", "2025-09-06T21:59:00Z"}) {
    w.Add(t, "B:A2", "merchant:ACQ:HOST", "45.00", Channel::kCard, "", "", 4816);
  }
  EXPECT_EQ(Alerted(w, "ST-ADS-LATE"), (Labels{"B:A1"}));
}

TEST(ShippedPackTest, BusinessPayingLodgingCarsAndBulkFood) {
  TestWorld w;
  int mccs1[] = {7011, 7011, 7011, 7512, 5300, 7011};
  int mccs2[] = {7011, 7011, 7011, 7011, 7011, 7011};  // one kind only
  for (int i = 0; i < 6; ++i) {
    std::string t = "2025-09-0" + std::to_string(2 + i) + "T21:00:00Z";
    w.Add(t, "B:BIZ1", "merchant:ACQ:M" + std::to_string(mccs1[i]), "160.00", Channel::kCard, "", "", mccs1[i]);
    w.Add(t, "B:BIZ2", "merchant:ACQ:M" + std::to_string(mccs2[i]), "160.00", Channel::kCard, "", "", mccs2[i]);
    w.Add(t, "B:PER", "merchant:ACQ:M" + std::to_string(mccs1[i]), "160.00", Channel::kCard, "", "", mccs1[i]);
    if (i < 5) w.Add(t, "B:BIZ3", "merchant:ACQ:M" + std::to_string(mccs1[i]), "160.00", Channel::kCard, "", "", mccs1[i]);
  }
  w.Holder({"B:BIZ3", 4, PartyKind::kBusiness, 812199});  // five payments: one short
  w.Holder({"B:BIZ1", 1, PartyKind::kBusiness, 812199});
  w.Holder({"B:BIZ2", 2, PartyKind::kBusiness, 812199});
  w.Holder({"B:PER", 3, PartyKind::kPerson});
  EXPECT_EQ(Alerted(w, "ST-LODGING-FOR-OTHERS"), (Labels{"B:BIZ1"}));
}

TEST(ShippedPackTest, SeveralWagesIntoOneAccountAndWagesQuicklyWithdrawn) {
  TestWorld w;
  for (int i = 0; i < 3; ++i) w.Add("2025-09-05T03:0" + std::to_string(i) + ":00Z", "B:BIZ", "B:P1", "600.00", Channel::kAch);
  for (int i = 0; i < 2; ++i) w.Add("2025-09-05T03:0" + std::to_string(i) + ":00Z", "B:BIZ", "B:P2", "600.00", Channel::kAch);
  // P3..P6 each receive two wage payments of 500.00 (P5: one of 1,000.00) and send money out.
  for (int i = 3; i <= 6; ++i) {
    const std::string p = "B:P" + std::to_string(i);
    if (i == 5) {
      w.Add("2025-09-05T03:00:00Z", "B:BIZ", p, "1000.00", Channel::kAch);
    } else {
      w.Add("2025-09-05T03:00:00Z", "B:BIZ", p, "500.00", Channel::kAch);
      w.Add("2025-09-05T03:05:00Z", "B:BIZ2", p, "500.00", Channel::kAch);
    }
  }
  w.Add("2025-09-06T12:00:00Z", "B:P3", "cash:B:ATM1", "900.00", Channel::kCashWithdrawal);
  w.Add("2025-09-06T12:00:00Z", "B:P4", "cash:B:ATM1", "899.99", Channel::kCashWithdrawal);  // ratio under 0.9
  // One pay cheque sent home: ordinary migrant life, not a red flag by itself.
  w.Add("2025-09-05T18:00:00Z", "B:P5", "external:MX-1:5", "1000.00", Channel::kMoneyTransmitter, "", "MX");
  w.Add("2025-09-06T12:00:00Z", "B:P6", "cash:B:ATM1", "1250.01", Channel::kCashWithdrawal);  // more than the wages
  w.Holder({"B:BIZ", 1, PartyKind::kBusiness, 561320});
  w.Holder({"B:BIZ2", 2, PartyKind::kBusiness, 722511});
  for (int i = 1; i <= 6; ++i) w.Holder({"B:P" + std::to_string(i), static_cast<uint32_t>(10 + i), PartyKind::kPerson});
  EXPECT_EQ(Alerted(w, "ST-WAGES-ONE-ACCOUNT"), (Labels{"B:BIZ>B:P1"}));
  EXPECT_EQ(Alerted(w, "ST-WAGES-OUT"), (Labels{"B:P3"}));
}

}  // namespace
}  // namespace moneytrail::rules
