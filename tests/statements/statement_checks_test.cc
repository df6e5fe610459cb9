// Hand cases for each finding of CheckStatements and for its input errors.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "moneytrail/statement_checks.h"
#include "moneytrail/time_format.h"

namespace moneytrail::statements {
namespace {

const std::string kChk = "bankA:1234567";
const std::string kSav = "bankA:7654321";
int64_t Day(unsigned month, unsigned day) { return DaysFromCivil(2025, month, day); }

StatementLine Row(uint32_t file, uint64_t line, std::string_view account, int64_t day,
                  int64_t amount, std::optional<int64_t> balance, std::string_view description = "X") {
  return StatementLine{.file = file, .line = line, .account = account, .currency = "USD",
                       .day = day, .amount = amount, .scale = 2, .balance = balance,
                       .description = description};
}
StatementFile File(uint32_t file, const std::string& account = "") {
  StatementFile f{.file = file, .path = "f" + std::to_string(file) + ".csv", .account = account};
  if (!account.empty()) f.currency = "USD";
  return f;
}
CheckReport Check(const std::vector<StatementFile>& files, const std::vector<StatementLine>& lines,
                  CheckOptions options = {}) {
  Result<CheckReport> r = CheckStatements(files, lines, options);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : CheckReport{};
}

TEST(StatementChecksTest, RunningBalanceBreakCitesTheRowAndTheChainRestartsFromItsBalance) {
  StatementFile f = File(0, kChk);
  f.opening_balance = 100000;
  std::vector<StatementLine> lines = {Row(0, 5, kChk, Day(3, 1), -2500, 97500),
                                      Row(0, 6, kChk, Day(3, 2), -1000, 96000),   // 96500 expected
                                      Row(0, 7, kChk, Day(3, 3), 500, 96500)};    // from 96000: ok
  CheckReport r = Check({f}, lines);
  ASSERT_EQ(r.balance_breaks.size(), 1u);
  const BalanceBreak& b = r.balance_breaks[0];
  EXPECT_EQ(b.kind, BalanceBreakKind::kRow);
  EXPECT_EQ(b.at, (LineRef{1, 0, 6}));
  EXPECT_EQ(FormatDecimal(b.expected), "965.00");
  EXPECT_EQ(FormatDecimal(b.found), "960.00");
  EXPECT_NE(r.ToText().find("f0.csv:6: balance break"), std::string::npos) << r.ToText();
}

TEST(StatementChecksTest, RowsWithoutABalanceCarryTheChainAndTheBannerClosingIsChecked) {
  StatementFile f = File(0, kChk);
  f.opening_balance = 1000;
  f.closing_balance = 1500;
  std::vector<StatementLine> lines = {Row(0, 2, kChk, Day(3, 1), 300, std::nullopt),
                                      Row(0, 3, kChk, Day(3, 2), 100, std::nullopt)};
  CheckReport r = Check({f}, lines);
  ASSERT_EQ(r.balance_breaks.size(), 1u);
  EXPECT_EQ(r.balance_breaks[0].kind, BalanceBreakKind::kClosing);
  EXPECT_EQ(r.balance_breaks[0].at, (LineRef{1, 0, 3}));
  EXPECT_EQ(FormatDecimal(r.balance_breaks[0].expected), "14.00");
  EXPECT_EQ(FormatDecimal(r.balance_breaks[0].found), "15.00");
}

TEST(StatementChecksTest, BalancesCompareByValueAcrossScales) {
  StatementFile f = File(0, kChk);
  f.opening_balance = 10;  // 10 at scale 0
  f.scale = 0;
  StatementLine a = Row(0, 2, kChk, Day(3, 1), 0, std::nullopt);
  a.amount = -250;  // -2.50
  a.balance = 750;  // 7.50
  StatementLine b = a;
  b.line = 3;
  b.scale = 3;
  b.amount = -500;   // -0.500
  b.balance = 7000;  // 7.000
  EXPECT_TRUE(Check({f}, {a, b}).balance_breaks.empty());
}

TEST(StatementChecksTest, NewestFirstStatementsAreWalkedFromTheirLastRow) {
  StatementFile f = File(0, kChk);
  f.opening_balance = 100000;
  f.closing_balance = 96500;
  std::vector<StatementLine> lines = {Row(0, 2, kChk, Day(3, 3), 500, 96500),
                                      Row(0, 3, kChk, Day(3, 2), -1000, 96000),
                                      Row(0, 4, kChk, Day(3, 1), -3000, 97000)};
  EXPECT_TRUE(Check({f}, lines).balance_breaks.empty());
}

TEST(StatementChecksTest, ContinuityBreakAndGapBetweenTwoStatementsOfOneAccount) {
  StatementFile march = File(0, kChk), may = File(1, kChk);
  march.period_begin_day = Day(3, 1);
  march.period_end_day = Day(3, 31);
  march.opening_balance = 1000;
  march.closing_balance = 2000;
  may.period_begin_day = Day(5, 1);
  may.period_end_day = Day(5, 31);
  may.opening_balance = 2500;
  may.closing_balance = 2500;
  std::vector<StatementLine> lines = {Row(0, 4, kChk, Day(3, 10), 1000, 2000)};
  CheckReport r = Check({march, may}, lines);
  ASSERT_EQ(r.continuity_breaks.size(), 1u);
  EXPECT_EQ(r.continuity_breaks[0].earlier_file, 0u);
  EXPECT_EQ(r.continuity_breaks[0].later_file, 1u);
  EXPECT_EQ(FormatDecimal(r.continuity_breaks[0].earlier_closing), "20.00");
  EXPECT_EQ(FormatDecimal(r.continuity_breaks[0].later_opening), "25.00");
  ASSERT_EQ(r.gaps.size(), 1u);
  EXPECT_EQ(r.gaps[0].first_day, Day(4, 1));
  EXPECT_EQ(r.gaps[0].last_day, Day(4, 30));
  EXPECT_NE(r.ToText().find("bankA:1234567 USD: no statement for 2025-04-01 to 2025-04-30"),
            std::string::npos)
      << r.ToText();
}

TEST(StatementChecksTest, WithoutBannersOpeningAndClosingComeFromTheRowBalances) {
  // File 0 ends at 50.00 on 03-31; file 1's first row (04-01, +10.00) has balance 70.00, so it
  // opened at 60.00: a break of 10.00, and no gap (04-01 follows 03-31).
  std::vector<StatementLine> lines = {Row(0, 2, kChk, Day(3, 31), 1000, 5000),
                                      Row(1, 2, kChk, Day(4, 1), 1000, 7000)};
  CheckReport r = Check({File(0), File(1)}, lines);
  ASSERT_EQ(r.continuity_breaks.size(), 1u);
  EXPECT_EQ(FormatDecimal(r.continuity_breaks[0].earlier_closing), "50.00");
  EXPECT_EQ(FormatDecimal(r.continuity_breaks[0].later_opening), "60.00");
  EXPECT_TRUE(r.gaps.empty());
}

TEST(StatementChecksTest, OverlappingDownloadsMatchRowsAsAMultiset) {
  // Two identical ATM withdrawals on one day in each download (no balance column): both pairs
  // match. A third identical one only in the later file is kept. Within one file nothing is
  // ever de-duplicated.
  std::vector<StatementLine> lines = {
      Row(0, 2, kChk, Day(3, 5), -2000, std::nullopt, "ATM W/D"),
      Row(0, 3, kChk, Day(3, 5), -2000, std::nullopt, "ATM W/D"),
      Row(1, 2, kChk, Day(3, 5), -2000, std::nullopt, "ATM W/D"),
      Row(1, 3, kChk, Day(3, 5), -2000, std::nullopt, "ATM W/D"),
      Row(1, 4, kChk, Day(3, 5), -2000, std::nullopt, "ATM W/D"),
      Row(1, 5, kChk, Day(3, 6), -2000, std::nullopt, "ATM W/D")};
  CheckReport r = Check({File(0), File(1)}, lines);
  ASSERT_EQ(r.duplicates.size(), 2u);
  EXPECT_EQ(r.duplicates[0], (Duplicate{LineRef{0, 0, 2}, LineRef{2, 1, 2}}));
  EXPECT_EQ(r.duplicates[1], (Duplicate{LineRef{1, 0, 3}, LineRef{3, 1, 3}}));
  EXPECT_EQ(r.drop, (std::vector<uint8_t>{0, 0, 1, 1, 0, 0}));
  EXPECT_EQ(r.carried_by, (std::vector<uint64_t>{0, 1, 0, 1, 4, 5}));
  EXPECT_NE(r.ToText().find("f1.csv:2: same row as f0.csv:2"), std::string::npos) << r.ToText();
}

TEST(StatementChecksTest, ThreeOverlappingDownloadsKeepTheEarliestStatementsRow) {
  // Ordered by first day: file 2 (03-01..03-20), file 0 (03-05..03-25), file 1 (03-10..03-31).
  // The row of 03-12 is in all three: file 2's is kept, the others cite it.
  std::vector<StatementFile> files = {File(0, kChk), File(1, kChk), File(2, kChk)};
  int64_t begins[] = {Day(3, 5), Day(3, 10), Day(3, 1)}, ends[] = {Day(3, 25), Day(3, 31), Day(3, 20)};
  for (int k = 0; k < 3; ++k) files[k].period_begin_day = begins[k], files[k].period_end_day = ends[k];
  std::vector<StatementLine> lines = {Row(0, 2, kChk, Day(3, 12), 700, 1700),
                                      Row(1, 2, kChk, Day(3, 12), 700, 1700),
                                      Row(2, 2, kChk, Day(3, 12), 700, 1700)};
  CheckReport r = Check(files, lines);
  ASSERT_EQ(r.duplicates.size(), 2u);
  EXPECT_EQ(r.duplicates[0].earlier.index, 2u);
  EXPECT_EQ(r.duplicates[1].earlier.index, 2u);
  EXPECT_EQ(r.carried_by, (std::vector<uint64_t>{2, 2, 2}));
  EXPECT_TRUE(r.gaps.empty());
}

TEST(StatementChecksTest, RowsDifferingInBalanceOrDescriptionAreNotDuplicates) {
  std::vector<StatementLine> lines = {Row(0, 2, kChk, Day(3, 5), -2000, 1000, "ATM W/D"),
                                      Row(1, 2, kChk, Day(3, 5), -2000, 1100, "ATM W/D"),
                                      Row(1, 3, kChk, Day(3, 5), -2000, 1000, "ATM W/D 2")};
  EXPECT_TRUE(Check({File(0), File(1)}, lines).duplicates.empty());
}

TEST(StatementChecksTest, MirrorTransferBecomesOneTransactionCitingBothLines) {
  StatementLine debit = Row(0, 2, kChk, Day(3, 5), -50000, std::nullopt, "ONLINE TRANSFER TO SAV XXXXX4321");
  StatementLine credit = Row(1, 9, kSav, Day(3, 6), 50000, std::nullopt, "ONLINE TRANSFER");
  CheckReport r = Check({File(0), File(1)}, {debit, credit});
  ASSERT_EQ(r.mirrors.size(), 1u);
  EXPECT_EQ(r.mirrors[0].debit, (LineRef{0, 0, 2}));
  EXPECT_EQ(r.mirrors[0].credit, (LineRef{1, 1, 9}));
  EXPECT_EQ(r.mirrors[0].why, MirrorLink::kDescriptionLast4);
  EXPECT_EQ(r.mirrors[0].lag_days, 1);
  EXPECT_EQ(r.drop, (std::vector<uint8_t>{0, 1}));
  EXPECT_NE(r.ToText().find("f1.csv:9: credit mirrors the debit at f0.csv:2"), std::string::npos);
}

TEST(StatementChecksTest, MirrorNeedsALinkTheLagAndTwoAccounts) {
  StatementLine debit = Row(0, 2, kChk, Day(3, 5), -50000, std::nullopt, "ONLINE TRANSFER");
  StatementLine credit = Row(1, 9, kSav, Day(3, 6), 50000, std::nullopt, "ONLINE TRANSFER");
  EXPECT_TRUE(Check({File(0), File(1)}, {debit, credit}).mirrors.empty());  // no link
  debit.reference = credit.reference = "TRN 88812";
  EXPECT_EQ(Check({File(0), File(1)}, {debit, credit}).mirrors.size(), 1u);
  credit.day = Day(3, 9);  // 4 days later
  EXPECT_TRUE(Check({File(0), File(1)}, {debit, credit}).mirrors.empty());
  EXPECT_EQ(Check({File(0), File(1)}, {debit, credit}, {.mirror_max_lag_days = 4}).mirrors.size(), 1u);
  credit.day = Day(3, 4);  // the credit before the debit
  EXPECT_TRUE(Check({File(0), File(1)}, {debit, credit}, {.mirror_max_lag_days = 9}).mirrors.empty());
  credit.day = Day(3, 5);
  credit.account = kChk;  // a debit and a credit of one amount in one account: a reversal
  EXPECT_TRUE(Check({File(0), File(1)}, {debit, credit}).mirrors.empty());
}

TEST(StatementChecksTest, MirrorsPreferTheStrongestLinkThenTheSmallestLag) {
  // One debit, two candidate credits: a last-4 link on the same day and a reference link a day
  // later. The reference wins; the other credit stays a transaction.
  StatementLine debit = Row(0, 2, kChk, Day(3, 5), -50000, std::nullopt, "TRANSFER TO x4321");
  debit.reference = "R7";
  StatementLine weak = Row(1, 3, kSav, Day(3, 5), 50000, std::nullopt, "DEPOSIT");
  StatementLine strong = Row(1, 4, kSav, Day(3, 6), 50000, std::nullopt, "DEPOSIT");
  strong.reference = "R7";
  CheckReport r = Check({File(0), File(1)}, {debit, weak, strong});
  ASSERT_EQ(r.mirrors.size(), 1u);
  EXPECT_EQ(r.mirrors[0].credit.index, 2u);
  EXPECT_EQ(r.mirrors[0].why, MirrorLink::kReference);
  weak.reference = "R7";  // equal links: the smaller lag wins
  r = Check({File(0), File(1)}, {debit, weak, strong});
  ASSERT_EQ(r.mirrors.size(), 1u);
  EXPECT_EQ(r.mirrors[0].credit.index, 1u);
}

TEST(StatementChecksTest, AMirroredCreditSeenInTwoDownloadsIsCarriedByTheDebit) {
  StatementLine debit = Row(0, 2, kChk, Day(3, 5), -50000, std::nullopt, "TRANSFER");
  debit.counterparty_account = kSav;
  StatementLine credit = Row(1, 2, kSav, Day(3, 5), 50000, std::nullopt, "TRANSFER IN");
  StatementLine again = credit;
  again.file = 2;
  CheckReport r = Check({File(0), File(1), File(2)}, {debit, credit, again});
  ASSERT_EQ(r.duplicates.size(), 1u);
  ASSERT_EQ(r.mirrors.size(), 1u);
  EXPECT_EQ(r.mirrors[0].why, MirrorLink::kCounterpartyAccount);
  EXPECT_EQ(r.carried_by, (std::vector<uint64_t>{0, 0, 0}));
}

TEST(StatementChecksTest, SeveralAccountsInOneFileAreSeparateStatements) {
  std::vector<StatementLine> lines = {Row(0, 2, kChk, Day(3, 1), 100, 1100),
                                      Row(0, 3, kSav, Day(3, 1), 100, 5100),
                                      Row(0, 4, kChk, Day(3, 2), 100, 1200),
                                      Row(0, 5, kSav, Day(3, 2), 100, 5200)};
  CheckReport r = Check({File(0)}, lines);
  EXPECT_TRUE(r.balance_breaks.empty());
  EXPECT_TRUE(r.duplicates.empty());
}

TEST(StatementChecksTest, MalformedInputIsRejectedNamingFileLineAndField) {
  std::vector<StatementFile> files = {File(0)};
  auto error = [&](std::vector<StatementLine> lines, CheckOptions options = {}) {
    Result<CheckReport> r = CheckStatements(files, lines, options);
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::string() : r.status().ToString();
  };
  StatementLine ok = Row(0, 2, kChk, Day(3, 1), 100, 1100);
  StatementLine bad = ok;
  bad.file = 3;
  EXPECT_NE(error({bad}).find("file 3 is not among the 1 files"), std::string::npos);
  bad = ok;
  bad.scale = 19;
  EXPECT_NE(error({bad}).find("f0.csv:2: amount: scale 19"), std::string::npos);
  bad = ok;
  bad.balance = 1'000'000'000'000'000'000LL;
  EXPECT_NE(error({bad}).find("f0.csv:2: balance"), std::string::npos);
  bad = ok;
  bad.currency = "";
  EXPECT_NE(error({bad}).find("currency is empty"), std::string::npos);
  bad = ok;
  bad.line = 2;
  EXPECT_NE(error({ok, bad}).find("f0.csv:2: line numbers must increase"), std::string::npos);
  EXPECT_NE(error({ok}, {.mirror_max_lag_days = -1}).find("mirror_max_lag_days"), std::string::npos);
  files[0].opening_balance = 5;
  EXPECT_NE(error({ok}).find("without an account"), std::string::npos);
  files[0] = File(1);
  EXPECT_NE(error({}).find("file index is 1, expected 0"), std::string::npos);
}

TEST(StatementChecksTest, RunningBalanceOverflowIsAnErrorNotAWrap) {
  std::vector<StatementLine> lines;
  for (uint64_t k = 0; k < 400; ++k)
    lines.push_back(Row(0, k + 1, kChk, Day(3, 1), kMaxDecimalUnits, std::nullopt));
  lines[0].scale = 0;
  StatementFile f = File(0, kChk);
  f.opening_balance = 0;
  for (StatementLine& l : lines) l.scale = 0;
  Result<CheckReport> r = CheckStatements(std::vector{f}, lines, CheckOptions{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kOutOfRange) << r.status().ToString();
}

// Payment messages (pacs.008): a message the statement of its account books is that row.
StatementFile Messages(uint32_t file) {
  StatementFile f = File(file);
  f.payment_messages = true;
  return f;
}

TEST(StatementChecksTest, APaymentMessageBookedByTheStatementIsThatRow) {
  StatementLine booked = Row(0, 7, kChk, Day(3, 5), -250000, 100000, "WIRE OUT BNF:COMERCIALIZADORA");
  StatementLine message = Row(1, 20, kChk, Day(3, 5), -250000, std::nullopt, "FACTURA 12");
  // No link: the same amount on the same day is not enough.
  CheckReport r = Check({File(0, kChk), Messages(1)}, {booked, message});
  EXPECT_TRUE(r.duplicates.empty());
  EXPECT_EQ(r.drop, (std::vector<uint8_t>{0, 0}));
  // The same reference; the same counterparty account; the message's reference in the row's text.
  StatementLine by_reference = message;
  by_reference.reference = booked.reference = "174c245f-2682";
  r = Check({File(0, kChk), Messages(1)}, {booked, by_reference});
  ASSERT_EQ(r.duplicates.size(), 1u);
  EXPECT_EQ(r.duplicates[0], (Duplicate{LineRef{0, 0, 7}, LineRef{1, 1, 20}}));
  EXPECT_EQ(r.drop, (std::vector<uint8_t>{0, 1}));
  booked.reference = "";
  StatementLine by_account = message;
  by_account.counterparty_account = booked.counterparty_account = "BNORMXMT:MX777";
  by_account.day = Day(3, 7);  // two days apart
  EXPECT_EQ(Check({File(0, kChk), Messages(1)}, {booked, by_account}).drop, (std::vector<uint8_t>{0, 1}));
  by_account.day = Day(3, 9);  // four: too far
  EXPECT_EQ(Check({File(0, kChk), Messages(1)}, {booked, by_account}).drop, (std::vector<uint8_t>{0, 0}));
  booked.counterparty_account = "";
  StatementLine by_text = message;
  by_text.reference = "E2E04044506271305";
  booked.description = "WIRE OUT REF E2E04044506271305 BNF:X";
  EXPECT_EQ(Check({File(0, kChk), Messages(1)}, {booked, by_text}).drop, (std::vector<uint8_t>{0, 1}));
  // Another account, another currency or another amount is never the row.
  StatementLine other = by_reference;
  other.reference = booked.reference = "174c245f-2682";
  other.account = kSav;
  EXPECT_EQ(Check({File(0, kChk), Messages(1)}, {booked, other}).drop, (std::vector<uint8_t>{0, 0}));
  other = by_reference;
  other.amount = -250001;
  EXPECT_EQ(Check({File(0, kChk), Messages(1)}, {booked, other}).drop, (std::vector<uint8_t>{0, 0}));
}

TEST(StatementChecksTest, OneStatementRowBooksOneMessageAndRepeatedMessagesAreOne) {
  StatementLine booked = Row(0, 7, kChk, Day(3, 5), -99000, 100000, "WIRE OUT");
  booked.reference = "uetr-1";
  StatementLine m1 = Row(1, 20, kChk, Day(3, 5), -99000, std::nullopt, "");
  m1.reference = "uetr-1";
  StatementLine m2 = m1;  // the same message again, in a second file
  m2.file = 2;
  m2.line = 4;
  StatementLine m3 = m1;  // a second payment of the same amount, its own reference
  m3.line = 60;
  m3.reference = "uetr-2";
  CheckReport r = Check({File(0, kChk), Messages(1), Messages(2)}, {booked, m1, m3, m2});
  // m1 is the statement's row; m2 repeats m1 (carried by the statement's row); m3 stays.
  EXPECT_EQ(r.drop, (std::vector<uint8_t>{0, 1, 0, 1}));
  EXPECT_EQ(r.carried_by, (std::vector<uint64_t>{0, 0, 2, 0}));
  // Messages take no part in continuity: a message outside the statements' days makes no gap.
  StatementLine early = Row(1, 2, kChk, Day(1, 10), -5000, std::nullopt, "");
  EXPECT_TRUE(Check({File(0, kChk), Messages(1)}, {booked, early}).gaps.empty());
}

}  // namespace
}  // namespace moneytrail::statements
