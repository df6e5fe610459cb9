// camt, MT940, OFX and XLSX files through moneytrail::Ingest (src/io/statement_formats.cc): the same
// statement path as mapped CSV statements: custody per file, rows citing their lines, the
// statement checks (closing balance, overlap across formats, mirror transfers), auto detection.
#include <gtest/gtest.h>
#include <xlsxwriter.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "formats/statement_writers.h"
#include "moneytrail/file_util.h"
#include "moneytrail/hash.h"
#include "moneytrail/ingest.h"
#include "moneytrail/store.h"

namespace moneytrail {
namespace {

namespace fs = std::filesystem;
using formats_test::Account;
using formats_test::Row;

class IngestFormatsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mt_formats_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path Write(const std::string& name, const std::string& contents) {
    fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << contents;
    return p;
  }
  fs::path store() const { return dir_ / "store"; }
  Result<IngestReport> Run(const std::vector<fs::path>& files, const std::string& format) {
    IngestOptions options;
    options.format = format;
    return Ingest(store(), files, options);
  }

  fs::path dir_;
};

Account AccountA() {
  Account a;
  a.iban = "NL91ABNA0417164300";
  a.bic = "ABNANL2A";
  a.opening_cents = 100000;
  return a;
}

std::vector<Row> RowsA() {
  return {{19800, -25000, "JOSE LUNA", "", "RENT MARCH", "R1"},
          {19801, 990000, "TRANSPORTES DEL NORTE SA", "MX123", "FREIGHT", "R2"},
          {19803, -5000, "ACME GMBH", "", "INVOICE 7", "R3"}};
}

TEST_F(IngestFormatsTest, CamtStatementBecomesLedgerRowsWithCustodyAndLines) {
  fs::path file = Write("a.xml", formats_test::WriteCamt(AccountA(), RowsA()));
  Result<IngestReport> r = Run({file}, "camt");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  store::Store s = *store::Store::Open(store());
  ASSERT_EQ(s.transaction_count(), 3u);
  ASSERT_EQ(s.sources().size(), 1u);
  const store::SourceRecord& src = s.sources()[0];
  EXPECT_EQ(src.format, "camt");
  EXPECT_EQ(src.mapping, "camt.053.001.02");
  EXPECT_EQ(src.rows_read, 3u);
  EXPECT_EQ(src.rows_accepted, 3u);
  EXPECT_EQ(src.sha256, Sha256Hex(*ReadFileToString(file)));
  const AccountId own = *s.FindAccount(NodeKind::kAccount, "ABNANL2A", "NL91ABNA0417164300");
  EXPECT_EQ(s.source()[0], own);  // money out
  EXPECT_EQ(FormatDecimal(s.amount_paid(0)), "250.00");
  EXPECT_EQ(s.destination()[1], own);  // money in from an account the entry names
  EXPECT_EQ(s.account(s.source()[1]).number, "MX123");
  EXPECT_EQ(static_cast<Channel>(s.channel()[1]), Channel::kWire);
  EXPECT_EQ(s.time()[1], 19801 * 86400);
  // Each row cites the line of its <Ntry>.
  const std::string text = *ReadFileToString(file);
  size_t ntry = 0;
  for (int i = 0; i < 3; ++i) {
    ntry = text.find("<Ntry>", ntry + 1);
    const uint32_t line = static_cast<uint32_t>(std::count(text.begin(), text.begin() + ntry, '\n') + 1);
    EXPECT_EQ(s.source_line()[i], line) << i;
  }
  // The declared opening balance is the account's.
  ASSERT_TRUE(s.account_attributes(own).opening_balance.has_value());
  EXPECT_EQ(FormatDecimal(*s.account_attributes(own).opening_balance), "1000.00");
  EXPECT_NE(r->statement_checks_text.find("0 balance break(s)"), std::string::npos);
}

TEST_F(IngestFormatsTest, ClosingBalanceThatDisagreesIsReportedByTheStatementChecks) {
  std::string camt = formats_test::WriteCamt(AccountA(), RowsA());
  const std::string closing = formats_test::Cents(formats_test::Closing(AccountA(), RowsA()));
  const size_t at = camt.find(closing + "</Amt>");
  ASSERT_NE(at, std::string::npos);
  camt.replace(at, closing.size(), "1.00");
  Result<IngestReport> r = Run({Write("a.xml", camt)}, "camt");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // Both the statement checks (closing balance break) and the reader's finding say so.
  EXPECT_NE(r->statement_checks_text.find("1.00"), std::string::npos) << r->statement_checks_text;
  EXPECT_NE(r->statement_checks_text.find("but the declared closing balance (CLBD) is 1.00"), std::string::npos)
      << r->statement_checks_text;
  EXPECT_NE(r->statement_summary.find("1 balance breaks"), std::string::npos) << r->statement_summary;
}

TEST_F(IngestFormatsTest, SameStatementAsCamtAndAsMt940IsOneLedgerWithAuto) {
  Account a = AccountA();
  a.bic = "";  // MT940 names no bank: both must key the account alike
  fs::path camt = Write("a.xml", formats_test::WriteCamt(a, RowsA()));
  fs::path mt = Write("a.sta", formats_test::WriteMt940(a, RowsA()));
  Result<IngestReport> r = Run({camt, mt}, "auto");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  store::Store s = *store::Store::Open(store());
  EXPECT_EQ(s.transaction_count(), 3u);  // the overlapping download is not counted twice
  ASSERT_EQ(s.sources().size(), 2u);
  EXPECT_EQ(s.sources()[0].format, "camt");
  EXPECT_EQ(s.sources()[1].format, "mt940");
  EXPECT_EQ(s.sources()[1].rows_merged, 3u);
  EXPECT_NE(r->statement_summary.find("3 overlapping rows recognised"), std::string::npos) << r->statement_summary;
}

TEST_F(IngestFormatsTest, TransferBetweenACamtAccountAndAnMt940AccountIsOneTransaction) {
  Account a = AccountA(), b;
  a.bic = "";
  b.iban = "DE89370400440532013000";
  b.opening_cents = 0;
  std::vector<Row> out = {{19800, -77700, "B GMBH", "DE89370400440532013000", "TRANSFER X9", "T1"}};
  std::vector<Row> in = {{19801, 77700, "A BV", "NL91ABNA0417164300", "TRANSFER X9", "T1"}};
  Result<IngestReport> r =
      Run({Write("a.xml", formats_test::WriteCamt(a, out)), Write("b.sta", formats_test::WriteMt940(b, in))}, "auto");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  store::Store s = *store::Store::Open(store());
  ASSERT_EQ(s.transaction_count(), 1u);
  EXPECT_EQ(s.account(s.source()[0]).number, "NL91ABNA0417164300");
  EXPECT_EQ(s.account(s.destination()[0]).number, "DE89370400440532013000");
  EXPECT_NE(r->statement_summary.find("1 mirror transfers joined"), std::string::npos) << r->statement_summary;
}

TEST_F(IngestFormatsTest, FileWithSeveralStatementsHasOneCustodyRecord) {
  Account b = AccountA();
  b.id = "S2";
  b.iban = "NL02RABO0123456789";
  std::string two = formats_test::WriteCamt(AccountA(), RowsA());
  std::string second = formats_test::WriteCamt(b, {{19805, 100, "X", "", "Y", "Q"}});
  second = second.substr(second.find("<Stmt>"));
  second = second.substr(0, second.find("</BkToCstmrStmt>"));
  two.insert(two.find("</BkToCstmrStmt>"), second);
  Result<IngestReport> r = Run({Write("two.xml", two)}, "camt");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  store::Store s = *store::Store::Open(store());
  EXPECT_EQ(s.transaction_count(), 4u);
  ASSERT_EQ(s.sources().size(), 1u);
  EXPECT_EQ(s.sources()[0].rows_read, 4u);
  EXPECT_EQ(s.sources()[0].rows_accepted, 4u);
  EXPECT_TRUE(s.FindAccount(NodeKind::kAccount, "ABNANL2A", "NL02RABO0123456789").has_value());
}

TEST_F(IngestFormatsTest, RowsOfALaterStatementOfOneFileCiteTheirOwnTransactions) {
  // statement-lines.csv of a camt file holding two statements: the second statement's row is
  // carried by the fourth transaction, not by the first statement's first.
  Account b = AccountA();
  b.id = "S2";
  b.iban = "NL02RABO0123456789";
  std::string two = formats_test::WriteCamt(AccountA(), RowsA());
  std::string second = formats_test::WriteCamt(b, {{19805, 100, "X", "", "Y", "Q"}});
  second = second.substr(second.find("<Stmt>"));
  second = second.substr(0, second.find("</BkToCstmrStmt>"));
  two.insert(two.find("</BkToCstmrStmt>"), second);
  Result<IngestReport> r = Run({Write("two.xml", two)}, "camt");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  store::Store s = *store::Store::Open(store());
  ASSERT_EQ(s.transaction_count(), 4u);
  Result<std::string> lines = s.ReadCommitFile(0, "statement-lines.csv");
  ASSERT_TRUE(lines.ok()) << lines.status().ToString();
  std::vector<std::string> transactions;
  std::istringstream in(*lines);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) transactions.push_back(line.substr(0, line.find(',')));
  EXPECT_EQ(transactions, (std::vector<std::string>{"0", "1", "2", "3"})) << *lines;
}

TEST_F(IngestFormatsTest, RefusedFileNamesItselfAndLeavesNoStore) {
  fs::path bad = Write("bad.sta", ":20:X\n:25:1\n:60F:C240230EUR0,\n-\n");
  Result<IngestReport> r = Run({bad}, "mt940");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(bad.string() + ":3:1: :60F: '240230'"), std::string::npos)
      << r.status().message();
  EXPECT_FALSE(fs::exists(store()));
  fs::path csv = Write("x.csv", "a,b\n1,2\n");
  r = Run({csv}, "auto");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("not a bank statement format"), std::string::npos);
}

TEST_F(IngestFormatsTest, ZeroAmountEntryIsARejectedRowWithItsLine) {
  std::vector<Row> rows = RowsA();
  rows.push_back({19804, 0, "NOBODY", "", "ZERO", "R0"});
  Result<IngestReport> r = Run({Write("z.sta", formats_test::WriteMt940(AccountA(), rows))}, "mt940");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  store::Store s = *store::Store::Open(store());
  EXPECT_EQ(s.transaction_count(), 3u);
  EXPECT_EQ(s.sources()[0].rows_read, 4u);
  EXPECT_EQ(s.sources()[0].rows_rejected, 1u);
  ASSERT_EQ(r->first_rejects.size(), 1u);
  EXPECT_EQ(r->first_rejects[0].line, 11u);
  EXPECT_NE(r->first_rejects[0].reason.find("is zero"), std::string::npos);
}

// A pacs.008 message: each credit transfer is a wire out of the debtor's account to the creditor's
// account, citing the line of its CdtTrfTxInf, the file's custody naming the message's version.
TEST_F(IngestFormatsTest, Pacs008TransfersAreWiresFromTheDebtorAccount) {
  const std::vector<Row> rows = {{19800, -250000, "COMERCIALIZADORA DEL NORTE", "MX777", "FACTURA 12", "uetr-1"},
                                 {19802, -99000, "JOSE LUNA", "MX888", "", "uetr-2"}};
  fs::path file = Write("p.xml", formats_test::WritePacs008(AccountA(), rows));
  Result<IngestReport> r = Run({file}, "auto");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  store::Store s = *store::Store::Open(store());
  ASSERT_EQ(s.transaction_count(), 2u);
  const store::SourceRecord& src = s.sources()[0];
  EXPECT_EQ(src.format, "pacs008");
  EXPECT_EQ(src.mapping, "pacs.008.001.08");
  EXPECT_EQ(src.rows_accepted, 2u);
  const AccountId own = *s.FindAccount(NodeKind::kAccount, "ABNANL2A", "NL91ABNA0417164300");
  const std::string text = *ReadFileToString(file);
  size_t at = 0;
  for (uint32_t i = 0; i < 2; ++i) {
    EXPECT_EQ(s.source()[i], own);
    EXPECT_EQ(static_cast<Channel>(s.channel()[i]), Channel::kWire);
    EXPECT_EQ(s.account(s.destination()[i]).number, rows[i].account);
    EXPECT_EQ(s.time()[i], rows[i].day * 86400);
    at = text.find("<pacs:CdtTrfTxInf>", at + 1);
    EXPECT_EQ(s.source_line()[i], static_cast<uint32_t>(std::count(text.begin(), text.begin() + at, '\n') + 1));
  }
  EXPECT_EQ(FormatDecimal(s.amount_paid(0)), "2500.00");
  EXPECT_EQ(FormatDecimal(s.amount_paid(1)), "990.00");
}

// A seeded random ledger written as camt reads into the store as the same transactions.
TEST_F(IngestFormatsTest, RandomLedgersRoundTripThroughTheStore) {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    std::mt19937_64 rng(seed);
    std::vector<Row> rows;
    int64_t day = 19700;
    for (int i = 0; i < 30; ++i) {
      day += static_cast<int64_t>(rng() % 2);
      const int64_t c = 1 + static_cast<int64_t>(rng() % 1000000);
      rows.push_back({day, rng() % 2 ? c : -c, "PARTY " + std::to_string(rng() % 7), "", "T" + std::to_string(i),
                      "R" + std::to_string(i)});
    }
    fs::remove_all(store());
    const std::string format = seed % 2 ? "camt" : "mt940";
    const std::string text = seed % 2 ? formats_test::WriteCamt(AccountA(), rows) : formats_test::WriteMt940(AccountA(), rows);
    Result<IngestReport> r = Run({Write("r" + std::to_string(seed), text)}, format);
    ASSERT_TRUE(r.ok()) << "seed " << seed << ": " << r.status().ToString();
    store::Store s = *store::Store::Open(store());
    ASSERT_EQ(s.transaction_count(), rows.size()) << "seed " << seed;
    for (size_t i = 0; i < rows.size(); ++i) {
      EXPECT_EQ(s.time()[i], rows[i].day * 86400) << "seed " << seed;
      EXPECT_EQ(s.amount_paid(i), (Decimal{rows[i].cents < 0 ? -rows[i].cents : rows[i].cents, 2})) << "seed " << seed;
      const AccountId other = rows[i].cents < 0 ? s.destination()[i] : s.source()[i];
      EXPECT_EQ(s.account(other).number, rows[i].name) << "seed " << seed << " row " << i;
    }
    EXPECT_NE(r->statement_checks_text.find("0 balance break(s), 0 continuity break(s), 0 gap(s), 0 duplicate row(s), 0 mirror transfer(s)"),
              std::string::npos) << "seed " << seed;
  }
}

TEST_F(IngestFormatsTest, OverlappingOfxDownloadsAreOneLedgerCitingStmttrnLines) {
  Account a = AccountA();
  a.currency = "USD";
  a.bic = "121000248";
  std::vector<Row> first = RowsA(), second = RowsA();
  second.push_back({19804, -1234, "ACME GMBH", "", "INVOICE 8", "R4"});
  const fs::path f1 = Write("jan.qfx", formats_test::WriteOfx(a, first, /*xml=*/false));
  const fs::path f2 = Write("jan-again.ofx", formats_test::WriteOfx(a, second, /*xml=*/true));
  Result<IngestReport> r = Run({f1, f2}, "auto");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  store::Store s = *store::Store::Open(store());
  EXPECT_EQ(s.transaction_count(), 4u);  // the second download's first 3 rows are the first's
  ASSERT_EQ(s.sources().size(), 2u);
  EXPECT_EQ(s.sources()[0].format, "ofx");
  EXPECT_EQ(s.sources()[0].mapping, "OFX 1.02");
  EXPECT_EQ(s.sources()[1].mapping, "OFX 2.20");
  EXPECT_EQ(s.sources()[1].rows_merged, 3u);
  EXPECT_EQ(s.sources()[0].sha256, Sha256Hex(*ReadFileToString(f1)));
  const std::string text = *ReadFileToString(f1);
  size_t at = 0;
  for (int i = 0; i < 3; ++i) {
    at = text.find("<STMTTRN>", at + 1);
    EXPECT_EQ(s.source_line()[i], static_cast<uint32_t>(std::count(text.begin(), text.begin() + at, '\n') + 1)) << i;
  }
  EXPECT_NE(r->statement_summary.find("3 overlapping rows recognised"), std::string::npos) << r->statement_summary;
}

// A bank's workbook (merged banner, blank row, header, date cells, numbers, a total row) read
// with a statement mapping as a CSV download would be, each row citing its worksheet row.
TEST_F(IngestFormatsTest, XlsxStatementReadsWithAMappingAndCitesWorksheetRows) {
  const fs::path book = dir_ / "stmt.xlsx";
  lxw_workbook* wb = workbook_new(book.c_str());
  workbook_add_worksheet(wb, "Notes");
  lxw_worksheet* ws = workbook_add_worksheet(wb, "Statement");
  lxw_format* date = workbook_add_format(wb);
  format_set_num_format(date, "mm/dd/yyyy");
  worksheet_merge_range(ws, 0, 0, 0, 3, "Account Number: 4455", nullptr);
  worksheet_write_string(ws, 1, 0, "Beginning Balance: 1000.00", nullptr);
  const char* header[] = {"Date", "Description", "Amount", "Balance"};
  for (lxw_col_t c = 0; c < 4; ++c) worksheet_write_string(ws, 3, c, header[c], nullptr);
  const double amounts[] = {-250.0, 9900.0, -50.25};
  const double balances[] = {750.0, 10650.0, 10599.75};
  const char* texts[] = {"ATM WITHDRAWAL", "WIRE FROM TRANSPORTES DEL NORTE", "CHECK 1042"};
  for (int i = 0; i < 3; ++i) {
    const lxw_row_t row = static_cast<lxw_row_t>(4 + i);
    lxw_datetime d{2024, 3, 4 + i, 0, 0, 0};
    worksheet_write_datetime(ws, row, 0, &d, date);
    worksheet_write_string(ws, row, 1, texts[i], nullptr);
    worksheet_write_number(ws, row, 2, amounts[i], nullptr);
    worksheet_write_number(ws, row, 3, balances[i], nullptr);
  }
  worksheet_write_string(ws, 7, 0, "Total", nullptr);
  ASSERT_EQ(workbook_close(wb), LXW_NO_ERROR);
  const std::string rest =
      "timestamp_format = [\"%Y-%m-%d\"]\n"
                             "header_pattern = '^Date,Description'\nskip_patterns = ['^Total', '^\\s*,*\\s*$']\n"
                             "[banner]\nstatement_account = 'Account Number:\\s*(\\d+)'\n"
                             "opening_balance = 'Beginning Balance:\\s*(\\S+)'\n"
                             "[columns]\ntimestamp = \"Date\"\ndescription = \"Description\"\namount = \"Amount\"\n"
                             "balance = \"Balance\"\n[constants]\nstatement_bank = \"ACME\"\ncurrency_paid = \"USD\"\n";
  const fs::path map = Write("book.toml", "[format]\nsheet = \"Statement\"\n" + rest);
  IngestOptions options;
  options.format = "mapped";
  options.mapping = map;
  Result<IngestReport> r = Ingest(store(), {book}, options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  store::Store s = *store::Store::Open(store());
  ASSERT_EQ(s.transaction_count(), 3u);
  EXPECT_EQ(s.sources()[0].sha256, Sha256Hex(*ReadFileToString(book)));  // the workbook itself
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(s.source_line()[i], 5u + i);  // worksheet rows 5-7
    EXPECT_EQ(s.time()[i], (19786 + static_cast<int64_t>(i)) * 86400);  // 2024-03-04 +i
  }
  EXPECT_EQ(FormatDecimal(s.amount_paid(1)), "9900");
  EXPECT_NE(r->statement_checks_text.find("0 balance break(s)"), std::string::npos) << r->statement_checks_text;
  // Without the mapping's sheet, the first sheet ("Notes", empty) has no header.
  fs::remove_all(store());
  Write("book.toml", "[format]\n" + rest);
  r = Ingest(store(), {book}, options);
  ASSERT_FALSE(r.ok());
}

// The bank's statement of the debtor account and the pacs.008 messages of the same wires: one
// transaction per payment, carried by the statement's row, the message's line cited beside it.
TEST_F(IngestFormatsTest, Pacs008MessagesTheStatementAlsoBooksAreCountedOnce) {
  const std::vector<Row> rows = {{19800, -250000, "COMERCIALIZADORA DEL NORTE", "MX777", "FACTURA 12", "uetr-1"},
                                 {19802, -99000, "JOSE LUNA", "MX888", "", "uetr-2"}};
  std::vector<Row> more = rows;  // a third payment only the message holds (another day's statement)
  more.push_back({19820, -12000, "JOSE LUNA", "MX889", "", "uetr-3"});
  fs::path camt = Write("c.xml", formats_test::WriteCamt(AccountA(), rows));
  fs::path pacs = Write("p.xml", formats_test::WritePacs008(AccountA(), more));
  Result<IngestReport> r = Run({camt, pacs}, "auto");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  store::Store s = *store::Store::Open(store());
  ASSERT_EQ(s.transaction_count(), 3u);
  EXPECT_NE(r->statement_checks_text.find("2 duplicate row(s)"), std::string::npos) << r->statement_checks_text;
  EXPECT_NE(r->statement_checks_text.find("0 gap(s)"), std::string::npos) << r->statement_checks_text;
  // The kept rows: the statement's two, then the message's third.
  EXPECT_EQ(s.source_file()[0], s.source_file()[1]);
  EXPECT_NE(s.source_file()[2], s.source_file()[0]);
  EXPECT_EQ(FormatDecimal(s.amount_paid(2)), "120.00");
}

}  // namespace
}  // namespace moneytrail
