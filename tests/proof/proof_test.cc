// Methods of proof: a worked example with hand-computed schedules, the two methods' agreement
// (with no outside facts, both reduce to deposits from others less non-income less reported
// income), and refusals.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "moneytrail/ingest.h"
#include "moneytrail/proof.h"
#include "moneytrail/store.h"
#include "moneytrail/time_format.h"

namespace moneytrail::proof {
namespace {

class ProofTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("mt-proof-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  store::Store Ingest(const std::string& rows) {
    std::ofstream(dir_ / "tx.csv")
        << "timestamp,source_kind,source_bank,source_account,dest_kind,dest_bank,dest_account,"
           "amount_paid,currency_paid,channel,counterparty\n"
        << rows;
    IngestOptions o;
    o.format = "native";
    o.threads = 1;
    Result<IngestReport> r = moneytrail::Ingest(dir_ / "store", {dir_ / "tx.csv"}, o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return std::move(store::Store::Open(dir_ / "store")).value();
  }
  AccountId Find(const store::Store& s, std::string_view number) {
    return *s.FindAccount(NodeKind::kAccount, "B", number);
  }
  static Timestamp Day(int d) { return DaysFromCivil(2025, 3, static_cast<unsigned>(d)) * 86400; }
  std::filesystem::path dir_;
};

// The subject holds S1 and S2. In March: 5,000 wages by ACH, 2,000 cash deposit that is a
// redeposit of a 2,000 withdrawal, 1,000 moved S1 -> S2, a 300 merchant refund, a 10,000 loan,
// 4,000 cash deposited from nowhere; spends 6,000 by card. Reported income 5,000.
const char kRows[] =
    "2025-03-01T09:00:00Z,external,E,EMPLOYER,account,B,S1,5000.00,USD,ach,ACME PAYROLL\n"
    "2025-03-02T09:00:00Z,account,B,S1,cash,B,ATM1,2000.00,USD,cash_withdrawal,\n"
    "2025-03-05T09:00:00Z,cash,B,BR1,account,B,S2,2000.00,USD,cash_deposit,\n"
    "2025-03-06T09:00:00Z,account,B,S1,account,B,S2,1000.00,USD,internal,\n"
    "2025-03-07T09:00:00Z,merchant,M,SHOP,account,B,S1,300.00,USD,card,SHOP REFUND\n"
    "2025-03-08T09:00:00Z,external,L,BANKX,account,B,S2,10000.00,USD,ach,BANKX LOAN DISBURSEMENT\n"
    "2025-03-09T09:00:00Z,cash,B,BR1,account,B,S2,4000.00,USD,cash_deposit,\n"
    "2025-03-10T09:00:00Z,account,B,S2,merchant,M,CARS,6000.00,USD,card,\n";

TEST_F(ProofTest, BankDepositsWorkedExample) {
  store::Store s = Ingest(kRows);
  ProofOptions o;
  o.subject = {Find(s, "S1"), Find(s, "S2")};
  o.from = Day(1);
  o.to = Day(31);
  o.reported_income = 500000;
  Result<Proof> p = Prove(s, o);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->lines.size(), 10u);
  EXPECT_EQ(p->lines[0].amount, 2230000);  // 5,000 + 2,000 + 1,000 + 300 + 10,000 + 4,000
  EXPECT_EQ(p->lines[0].transactions.size(), 6u);
  EXPECT_EQ(p->lines[1].amount, 100000);   // own transfer
  EXPECT_EQ(p->lines[2].amount, 200000);   // redeposit
  EXPECT_EQ(p->lines[3].amount, 30000);    // refund
  EXPECT_EQ(p->lines[4].amount, 1000000);  // loan
  EXPECT_EQ(p->computed, 900000);          // gross receipts: wages 5,000 + unexplained cash 4,000
  EXPECT_EQ(*p->unexplained, 400000);
}

TEST_F(ProofTest, SourceApplicationAgreesWithBankDeposits) {
  store::Store s = Ingest(kRows);
  ProofOptions o;
  o.subject = {Find(s, "S1"), Find(s, "S2")};
  o.from = Day(1);
  o.to = Day(31);
  o.reported_income = 500000;
  o.method = ProofMethod::kSourceApplication;
  Result<Proof> p = Prove(s, o);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  // Balances: 0 -> 21,300 in from others - 8,000 out = 13,300. Applications: card 6,000 +
  // cash withdrawn 2,000 less its 2,000 redeposit + balance increase 13,300 = 19,300.
  EXPECT_EQ(p->computed, 1930000);
  // Known sources: reported 5,000 + refund 300 + loan 10,000 = 15,300; unidentified 4,000,
  // the same gap as the bank deposits method finds.
  EXPECT_EQ(*p->unexplained, 400000);
}

TEST_F(ProofTest, OutsideCashExpendituresAddToBothMethods) {
  store::Store s = Ingest(kRows);
  std::ofstream(dir_ / "assets.csv") << "kind,date,amount,description\n"
                                        "cash_expenditure,2025-03-15,750.50,rent paid in cash\n"
                                        "cash_expenditure,2025-04-15,99.00,outside the period\n";
  Result<std::vector<OutsideItem>> items = ReadOutsideItems(dir_ / "assets.csv", 2);
  ASSERT_TRUE(items.ok()) << items.status().ToString();
  ProofOptions o;
  o.subject = {Find(s, "S1"), Find(s, "S2")};
  o.from = Day(1);
  o.to = Day(31);
  o.outside = *items;
  Result<Proof> p = Prove(s, o);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->computed, 900000 + 75050);
  EXPECT_EQ(p->lines[6].outside_lines, std::vector<uint64_t>{2});
  std::ofstream(dir_ / "bad.csv") << "kind,date,amount\nyacht,2025-03-01,1\n";
  EXPECT_EQ(ReadOutsideItems(dir_ / "bad.csv", 2).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ProofTest, RefusesMixedCurrenciesAndBadPeriods) {
  store::Store s = Ingest(
      "2025-03-01T09:00:00Z,external,E,X,account,B,S1,10.00,USD,ach,\n"
      "2025-03-02T09:00:00Z,external,E,Y,account,B,S1,10.00,EUR,ach,\n");
  ProofOptions o;
  o.subject = {Find(s, "S1")};
  o.from = Day(1);
  o.to = Day(31);
  Result<Proof> p = Prove(s, o);
  EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(p.status().message().find("EUR"), std::string_view::npos);
  o.from = Day(5);
  o.to = Day(1);
  EXPECT_FALSE(Prove(s, o).ok());
  EXPECT_FALSE(ParseProofMethod("net-worth").ok());
}

}  // namespace
}  // namespace moneytrail::proof
