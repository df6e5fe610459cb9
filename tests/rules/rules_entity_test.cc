// subject = "entity": per-entity windows over all accounts of an entity, own transfers left out,
// the per-account fallback, the alert's subjects, entity field and sentence; the entity map
// loader (HolderTable::AttachEntities) and its errors.
#include <gtest/gtest.h>

#include <fstream>

#include "rules_test_util.h"

namespace moneytrail::rules {
namespace {

using test::HolderRow;
using test::kHeader;
using test::TestWorld;

std::string Rule(const std::string& body) { return kHeader + "\n[[rule]]\nid = \"R\"\ntitle = \"t\"\ncitation = \"c\"\n" + body; }

// Cash in over $10,000 per person per business day.
const std::string kCashPerPerson = Rule(
    "subject = \"entity\"\nwindow = \"business_day\"\n[rule.match]\nchannel = [\"cash_deposit\", \"ach\"]\n"
    "direction = \"in\"\n[rule.when]\nsum = { over = \"10000.00\" }\n");

HolderRow Held(const std::string& account, uint32_t party, const std::string& entity) {
  HolderRow h;
  h.account = account;
  h.party = party;
  h.entity = entity;
  return h;
}

void TwoAccountsOfOnePerson(TestWorld& w, const std::string& entity_a, const std::string& entity_b) {
  w.Add("2025-09-03T10:00:00Z", "cash:B:BR1", "B:A1", "6000.00", Channel::kCashDeposit);
  w.Add("2025-09-03T12:00:00Z", "cash:B:BR2", "B:A2", "5000.00", Channel::kCashDeposit);
  w.Holder(Held("B:A1", 1, entity_a));
  w.Holder(Held("B:A2", 2, entity_b));
}

TEST(RuleEntityTest, AggregatesOverAllAccountsOfTheEntity) {
  TestWorld w;
  TwoAccountsOfOnePerson(w, "E7", "E7");
  auto alerts = w.Scan(kCashPerPerson);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].entity, "E7");
  ASSERT_EQ(alerts[0].subjects.size(), 2u);
  EXPECT_EQ(w.store().AccountLabel(alerts[0].subjects[0]), "B:A1");
  EXPECT_EQ(w.store().AccountLabel(alerts[0].subjects[1]), "B:A2");
  EXPECT_EQ(alerts[0].sentence.rfind("Entity E7 (accounts B:A1 and B:A2) had ", 0), 0u) << alerts[0].sentence;
  EXPECT_NE(AlertJsonLine(w.store(), alerts[0]).find("\"entity\":\"E7\""), std::string::npos);
}

TEST(RuleEntityTest, DifferentEntitiesAndNoEntityMapStayPerAccount) {
  TestWorld split;
  TwoAccountsOfOnePerson(split, "E7", "E8");
  EXPECT_TRUE(split.Scan(kCashPerPerson).empty());
  TestWorld unmapped;  // holders known, no entity map: per account
  TwoAccountsOfOnePerson(unmapped, "", "");
  EXPECT_TRUE(unmapped.Scan(kCashPerPerson).empty());
  TestWorld no_holders;  // no --parties at all: the rule still runs, per account
  no_holders.Add("2025-09-03T10:00:00Z", "cash:B:BR1", "B:A1", "10000.01", Channel::kCashDeposit);
  auto alerts = no_holders.Scan(kCashPerPerson);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_TRUE(alerts[0].entity.empty());
  EXPECT_EQ(alerts[0].sentence.substr(0, 13), "Account B:A1 ");
  EXPECT_TRUE(no_holders.skipped().empty());
}

TEST(RuleEntityTest, TransfersBetweenTheEntitysOwnAccountsAreLeftOut) {
  TestWorld w;
  w.Add("2025-09-03T10:00:00Z", "cash:B:BR1", "B:A1", "6000.00", Channel::kCashDeposit);
  w.Add("2025-09-03T11:00:00Z", "B:A2", "B:A1", "9000.00", Channel::kAch);  // own savings to checking
  w.Add("2025-09-03T12:00:00Z", "B:X", "B:A2", "4000.00", Channel::kAch);   // from someone else
  w.Holder(Held("B:A1", 1, "E1"));
  w.Holder(Held("B:A2", 2, "E1"));
  w.Holder(Held("B:X", 3, "E2"));
  EXPECT_TRUE(w.Scan(kCashPerPerson).empty());  // 6000 + 4000 is not over 10000; the 9000 is internal
  auto per_account = w.Scan(Rule("window = \"business_day\"\n[rule.match]\nchannel = [\"cash_deposit\", \"ach\"]\n"
                                 "direction = \"in\"\n[rule.when]\nsum = { over = \"10000.00\" }\n"));
  ASSERT_EQ(per_account.size(), 1u);  // per account, A1 received 15000 including its own transfer
  EXPECT_EQ(w.store().AccountLabel(per_account[0].subjects[0]), "B:A1");
}

TEST(RuleEntityTest, PeerGroupIsRefusedPerEntityAndSubjectIsChecked) {
  Result<RulePack> peer = RulePack::Parse(
      Rule("subject = \"entity\"\nwindow = \"all\"\n[rule.match]\nchannel = [\"cash_deposit\"]\n[rule.when]\n"
           "count = { at_least = 1 }\n[rule.peer]\ngroup = \"industry_code\"\n"),
      "x.toml");
  ASSERT_FALSE(peer.ok());
  EXPECT_NE(peer.status().message().find("subject = \"entity\""), std::string::npos) << peer.status().ToString();
  Result<RulePack> bad = RulePack::Parse(
      Rule("subject = \"person\"\nwindow = \"1d\"\n[rule.match]\n[rule.when]\ncount = { at_least = 1 }\n"), "x.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("\"entity\""), std::string::npos) << bad.status().ToString();
}

// A store with accounts B:A1 (party P00000001), B:A2 (P00000002) and B:A3 (party "X-9"), and the
// KYC files that LoadGenerated reads.
struct KycFixture {
  TestWorld w;
  std::filesystem::path dir;
  KycFixture() {
    w.Add("2025-09-03T10:00:00Z", "B:A1", "B:A2", "1.00", Channel::kAch);
    w.Add("2025-09-03T10:00:00Z", "B:A2", "B:A3", "1.00", Channel::kAch);
    w.store();
    dir = w.dir().string() + "_kyc";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "parties.csv") << "party_id,kind,address,city,region,postcode,phone,industry_code\n"
                                          "P00000001,person,1 Main St,El Paso,TX,79901,,\n"
                                          "P00000002,person,,,,,,\nX-9,person,,,,,,\n";
    std::ofstream(dir / "accounts.csv") << "bank,account,kind,holder_party_id,opened\nB,A1,account,P00000001,\n"
                                           "B,A2,account,P00000002,\nB,A3,account,X-9,\n";
  }
  ~KycFixture() { std::filesystem::remove_all(dir); }
  Status Attach(const std::string& csv, HolderTable* out = nullptr) {
    std::ofstream(dir / "entities.csv") << csv;
    Result<HolderTable> h = HolderTable::LoadGenerated(w.store(), dir);
    EXPECT_TRUE(h.ok()) << h.status().ToString();
    if (!h.ok()) return h.status();
    Status s = h->AttachEntities(dir / "entities.csv");
    if (out) *out = std::move(*h);
    return s;
  }
  AccountId Account(const char* number) { return *w.store().FindAccount(NodeKind::kAccount, "B", number); }
};

TEST(HolderEntitiesTest, AttachesTheEntityOfEachHolderParty) {
  KycFixture f;
  HolderTable h;
  ASSERT_TRUE(f.Attach("party_id,entity_id,score\nP00000001,E1,0.9\nP00000002,E1,0.9\nX-9,E2,1\nP00000077,E3,1\n",
                       &h).ok());
  ASSERT_TRUE(h.has_entities());
  EXPECT_EQ(h.text(h.entity(f.Account("A1"))), "E1");
  EXPECT_EQ(h.text(h.entity(f.Account("A2"))), "E1");
  EXPECT_EQ(h.text(h.entity(f.Account("A3"))), "E2");
}

TEST(HolderEntitiesTest, PartiesMissingFromTheMapKeepNoEntity) {
  KycFixture f;
  HolderTable h;
  ASSERT_TRUE(f.Attach("party_id,entity_id\nP00000001,E1\n", &h).ok());
  EXPECT_EQ(h.entity(f.Account("A2")), 0u);
}

TEST(HolderEntitiesTest, BadRowsNameFileLineFieldAndValue) {
  KycFixture f;
  Status empty = f.Attach("party_id,entity_id\nP00000001,E1\n,E2\n");
  EXPECT_NE(empty.message().find("entities.csv:3: field party_id: empty value"), std::string::npos) << empty.ToString();
  Status twice = f.Attach("party_id,entity_id\nP00000001,E1\nP00000001,E2\n");
  EXPECT_NE(twice.message().find("entities.csv:3: field entity_id: value 'E2'"), std::string::npos) << twice.ToString();
  EXPECT_NE(twice.message().find("(line 2)"), std::string::npos) << twice.ToString();
  Status column = f.Attach("party,entity\nP00000001,E1\n");
  EXPECT_NE(column.message().find("no column 'party_id'"), std::string::npos) << column.ToString();
  Status foreign = f.Attach("party_id,entity_id\nQ1,E1\n");
  EXPECT_NE(foreign.message().find("no holder party"), std::string::npos) << foreign.ToString();
  Status same = f.Attach("party_id,entity_id\nP00000001,E1\nP00000001,E1\n");
  EXPECT_TRUE(same.ok()) << same.ToString();
}

}  // namespace
}  // namespace moneytrail::rules
