// Issue #24's "Done when": ONE case built from one file of each form (camt.053, MT940, OFX,
// pacs.008, BAI2, a text PDF, a mapped CSV and an XLSX workbook), with overlaps between them,
// ingested in one call with --format auto and two mappings. The world (docs/format/mapping.md,
// "One case from every form"):
//   A  NL91ABNA0417164300 (EUR)   camt.053 (rows A1-A5) and MT940 (A4-A8): days overlap, A4-A5
//                                 are in both files; A2 pays B (reference T1); A3 is a wire that
//                                 the pacs.008 message P1 also holds
//   B  DEUTDEFF/DE89370400440532013000 (EUR)   OFX: B1 is A2 seen from B (a mirror transfer)
//   P  pacs.008 from A: P1 (booked by A's camt), P2 (only in the message)
//   T  TRANSPORTES DEL NORTE, 884400 (USD)     BAI2: a wire to Emily Carter's 5518, a deposit
//   E  SUMMIT-RIDGE-FCU/5518 (USD)  the March statement as a PDF (70 rows, the wire's credit
//                                 among them) and the 03/28-04/02 download as CSV (7 rows the
//                                 PDF also prints, 2 of April)
//   X  ACME/4455 (USD)            a workbook (3 rows)
// and checks that it is one ledger: as many transactions as distinct real ones, the overlaps
// and the mirror transfers recognised, each transaction citing every line that shows it, each
// citation naming its file and a position the file has (a PDF's page and line), the statement
// checks passing, and the case investigating.
// Set MT_FORMATS_CASE_DIR to keep the generated files there (to look at them, or to run the CLI).
#include <gtest/gtest.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cases/views.h"
#include "formats/statement_writers.h"
#include "moneytrail/file_util.h"
#include "moneytrail/ingest.h"
#include "moneytrail/investigate.h"
#include "moneytrail/pdf.h"
#include "moneytrail/store.h"
#include "report/html_util.h"

namespace moneytrail {
namespace {

namespace fs = std::filesystem;
using formats_test::Account;
using formats_test::Row;

constexpr int64_t kMar1 = 20148;  // 2025-03-01, days since 1970-01-01

fs::path PdfData(const std::string& name) { return fs::path(MONEYTRAIL_SOURCE_DIR) / "tests/data/pdf" / name; }

Account AccountA() {
  Account a;
  a.iban = "NL91ABNA0417164300";
  a.bic = "";  // MT940 names no bank: camt and MT940 key the account alike
  a.opening_cents = 1000000;
  return a;
}

Account AccountB() {
  Account b;
  b.iban = "DE89370400440532013000";
  b.bic = "DEUTDEFF";
  return b;
}

std::vector<Row> RowsA() {
  return {{kMar1 + 2, 500000, "TRANSPORTES DEL NORTE SA", "MX123", "FREIGHT 4471", "A1"},
          {kMar1 + 3, -77700, "B GMBH", "DE89370400440532013000", "TRANSFER X9", "T1"},
          {kMar1 + 4, -250000, "COMERCIALIZADORA DEL NORTE", "MX777", "FACTURA 12", "uetr-1"},
          {kMar1 + 5, -5000, "ACME GMBH", "", "INVOICE 7", "A4"},
          {kMar1 + 6, -12000, "JOSE LUNA", "", "RENT MARCH", "A5"},
          {kMar1 + 7, 30000, "MARIA SOTO", "ES9121000418450200051332", "LOAN BACK", "A6"},
          {kMar1 + 8, -40000, "CASA DE CAMBIO EL SOL", "", "CAMBIO", "A7"},
          {kMar1 + 9, -2500, "BANK FEES", "", "FEES MARCH", "A8"}};
}

// The BAI2 file of TRANSPORTES DEL NORTE's account 884400 for 2025-03-10: opening 5,000.00, a
// deposit of 2,500.00, a wire of 1,726.80 to Summit Ridge account 5518 (Emily Carter's: the PDF
// prints its credit the same day), closing 5,773.20; control totals as BAI2 counts them.
const char kBai2[] =
    "01,TDNORTE,SUMMITBANK,250310,0800,1,,,2/\n"
    "02,TDNORTE,SUMMITBANK,1,250310,,USD,2/\n"
    "03,884400,USD,010,500000,,,015,577320,,/\n"
    "16,301,250000,,DEP0310,,CASH DEPOSIT BRANCH 12/\n"
    "16,495,172680,,20250314-88123,,WIRE TO EMILY J CARTER SUMMIT RIDGE FCU ACCT 5518/\n"
    "49,1500000,4/\n"
    "98,1500000,1,6/\n"
    "99,1500000,1,8/\n";

// The mapping of the workbook: its own header, so that the statement's mapping does not fit it.
const char kXlsxMapping[] =
    "[format]\ntimestamp_format = [\"%Y-%m-%d\"]\nheader_pattern = '^Posted,Details'\n"
    "skip_patterns = ['^Total', '^\\s*,*\\s*$']\n"
    "[banner]\nstatement_account = 'Account Number:\\s*(\\d+)'\n"
    "opening_balance = 'Beginning Balance:\\s*(\\S+)'\n"
    "[columns]\ntimestamp = \"Posted\"\ndescription = \"Details\"\namount = \"Amount\"\nbalance = \"Balance\"\n"
    "[constants]\nstatement_bank = \"ACME\"\ncurrency_paid = \"USD\"\n";

class FormatsCaseTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const char* keep = std::getenv("MT_FORMATS_CASE_DIR");
    dir_ = keep != nullptr ? fs::path(keep) : fs::temp_directory_path() / ("mt_formats_case_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    files_ = WriteWorld();
    IngestOptions options;
    options.format = "auto";
    options.mappings = {PdfData("statement.toml"), dir_ / "workbook.toml"};
    report_ = new Result<IngestReport>(Ingest(dir_ / "case.store", files_, options));
  }
  static void TearDownTestSuite() {
    delete report_;
    if (std::getenv("MT_FORMATS_CASE_DIR") == nullptr) fs::remove_all(dir_);
  }

  static fs::path Write(const std::string& name, const std::string& contents) {
    std::ofstream(dir_ / name, std::ios::binary) << contents;
    return dir_ / name;
  }

  // The CSV download of 5518 from 03/28 to 04/02: the PDF's rows of 03/28-03/30, as the bank
  // writes them (statement.csv's lines 72-78), then two rows of April.
  static std::string SummitCsv() {
    std::istringstream all(*ReadFileToString(PdfData("statement.csv")));
    std::string csv =
        "\"Summit Ridge Federal Credit Union\"\n\"Account Holder: EMILY J CARTER\"\n"
        "\"Account Number: XXXXXX5518\"\n\"Statement Period: 03/28/2025 to 04/02/2025\"\n"
        "\"Beginning Balance: $18,627.99\"\n\"Ending Balance: $20,100.00\"\n\n"
        "\"Date\",\"Description\",\"Amount\",\"Balance\"\n";
    for (std::string line; std::getline(all, line);) {
      if (line.rfind("\"03/28/2025\"", 0) == 0 || line.rfind("\"03/29/2025\"", 0) == 0 ||
          line.rfind("\"03/30/2025\"", 0) == 0) {
        csv += line + "\n";
      }
    }
    return csv + "\"04/01/2025\",\"ATM WITHDRAWAL 1200 W 38TH ST\",\"($100.00)\",\"$20,181.64\"\n"
                 "\"04/02/2025\",\"CHECK 2212\",\"($81.64)\",\"$20,100.00\"\n";
  }

  static void WriteWorkbook(const fs::path& path) {
    lxw_workbook* wb = workbook_new(path.c_str());
    lxw_worksheet* ws = workbook_add_worksheet(wb, "Statement");
    lxw_format* date = workbook_add_format(wb);
    format_set_num_format(date, "yyyy-mm-dd");
    worksheet_merge_range(ws, 0, 0, 0, 3, "Account Number: 4455", nullptr);
    worksheet_write_string(ws, 1, 0, "Beginning Balance: 1000.00", nullptr);
    const char* header[] = {"Posted", "Details", "Amount", "Balance"};
    for (lxw_col_t c = 0; c < 4; ++c) worksheet_write_string(ws, 3, c, header[c], nullptr);
    const double amounts[] = {-250.0, 9900.0, -50.25};
    const double balances[] = {750.0, 10650.0, 10599.75};
    const char* texts[] = {"ATM WITHDRAWAL", "CASH DEPOSIT", "CHECK 1042"};
    for (int i = 0; i < 3; ++i) {
      const lxw_row_t row = static_cast<lxw_row_t>(4 + i);
      lxw_datetime d{2025, 3, 4 + i, 0, 0, 0};
      worksheet_write_datetime(ws, row, 0, &d, date);
      worksheet_write_string(ws, row, 1, texts[i], nullptr);
      worksheet_write_number(ws, row, 2, amounts[i], nullptr);
      worksheet_write_number(ws, row, 3, balances[i], nullptr);
    }
    worksheet_write_string(ws, 7, 0, "Total", nullptr);
    ASSERT_EQ(workbook_close(wb), LXW_NO_ERROR);
  }

  static std::vector<fs::path> WriteWorld() {
    const std::vector<Row> a = RowsA();
    Account a_mt = AccountA();
    for (size_t i = 0; i < 3; ++i) a_mt.opening_cents += a[i].cents;  // the balance after A3
    Account b = AccountB();
    const std::vector<Row> b_rows = {{kMar1 + 4, 77700, "A BV", "NL91ABNA0417164300", "TRANSFER X9", "T1"},
                                     {kMar1 + 5, -20000, "HAUSVERWALTUNG", "", "MIETE", "B2"},
                                     {kMar1 + 8, -5000, "TANKSTELLE", "", "KARTE", "B3"}};
    const std::vector<Row> pacs = {a[2], {kMar1 + 12, -99000, "JOSE LUNA", "MX888", "", "uetr-2"}};
    fs::copy_file(PdfData("statement.pdf"), dir_ / "summit-5518-2025-03.pdf", fs::copy_options::overwrite_existing);
    Write("workbook.toml", kXlsxMapping);
    WriteWorkbook(dir_ / "acme-4455.xlsx");
    return {Write("a-2025-03-03.camt053.xml", formats_test::WriteCamt(AccountA(), {a.begin(), a.begin() + 5})),
            Write("a-2025-03-06.sta", formats_test::WriteMt940(a_mt, {a.begin() + 3, a.end()})),
            Write("b-2025-03.qfx", formats_test::WriteOfx(b, b_rows, /*xml=*/false)),
            Write("a-payments.pacs008.xml", formats_test::WritePacs008(AccountA(), pacs)),
            Write("tdnorte-884400-2025-03-10.bai2", kBai2),
            dir_ / "summit-5518-2025-03.pdf",
            Write("summit-5518-2025-03-28.csv", SummitCsv()),
            dir_ / "acme-4455.xlsx"};
  }

  static inline fs::path dir_;
  static inline std::vector<fs::path> files_;
  static inline Result<IngestReport>* report_ = nullptr;
};

struct Citation {
  uint64_t transaction = 0;
  uint32_t source = 0;
  uint32_t line = 0;
  std::string role;
};

// statement-lines.csv of the store's one commit: transaction,source,line,role,pattern,balance
// (the first four fields are never quoted).
std::vector<Citation> Citations(const store::Store& s) {
  std::vector<Citation> out;
  Result<std::string> csv = s.ReadCommitFile(0, "statement-lines.csv");
  EXPECT_TRUE(csv.ok()) << csv.status().ToString();
  if (!csv.ok()) return out;
  std::istringstream in(*csv);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string t, src, no, role;
    std::getline(fields, t, ',');
    std::getline(fields, src, ',');
    std::getline(fields, no, ',');
    std::getline(fields, role, ',');
    out.push_back({std::stoull(t), static_cast<uint32_t>(std::stoul(src)), static_cast<uint32_t>(std::stoul(no)), role});
  }
  return out;
}

// Line `n` (1-based) of `text`, "" past its end.
std::string LineOf(const std::string& text, uint32_t n) {
  std::istringstream in(text);
  std::string line;
  for (uint32_t i = 0; i < n && std::getline(in, line); ++i) {
    if (i + 1 == n) return line;
  }
  return "";
}

TEST_F(FormatsCaseTest, EveryFormIsReadIntoOneLedgerWithItsOwnCustody) {
  ASSERT_TRUE(report_->ok()) << report_->status().ToString();
  store::Store s = *store::Store::Open(dir_ / "case.store");
  ASSERT_EQ(s.sources().size(), 8u);
  const char* formats[] = {"camt", "mt940", "ofx", "pacs008", "bai2", "mapped", "mapped", "mapped"};
  uint64_t read = 0, merged = 0;
  for (uint32_t k = 0; k < 8; ++k) {
    EXPECT_EQ(s.sources()[k].format, formats[k]) << files_[k];
    EXPECT_EQ(fs::path(s.sources()[k].path).filename(), files_[k].filename());
    EXPECT_EQ(s.sources()[k].rows_rejected, 0u) << files_[k];
    read += s.sources()[k].rows_read;
    merged += s.sources()[k].rows_merged;
  }
  // camt 5 + MT940 5 + OFX 3 + pacs.008 2 + BAI2 2 + PDF 70 + CSV 9 + XLSX 3 rows read.
  EXPECT_EQ(read, 99u);
  // Merged: MT940's A4 A5, OFX's B1 (mirror of A2), pacs' P1 (A3), the PDF's credit of the
  // BAI2 wire (mirror), the CSV's 7 rows the PDF prints.
  EXPECT_EQ(s.sources()[1].rows_merged, 2u);
  EXPECT_EQ(s.sources()[2].rows_merged, 1u);
  EXPECT_EQ(s.sources()[3].rows_merged, 1u);
  EXPECT_EQ(s.sources()[5].rows_merged, 1u);
  EXPECT_EQ(s.sources()[6].rows_merged, 7u);
  EXPECT_EQ(merged, 12u);
  // Distinct real transactions: A1-A8, B2 B3, P2, the BAI2 deposit and wire, the PDF's 69 other
  // rows, the CSV's 2 April rows, the workbook's 3.
  EXPECT_EQ(s.transaction_count(), 8u + 2u + 1u + 2u + 69u + 2u + 3u);
  EXPECT_EQ(s.transaction_count(), read - merged);
  EXPECT_EQ(s.sources()[5].encoding.substr(0, 15), "pdf: 3 page(s);");
}

TEST_F(FormatsCaseTest, OverlapsAndMirrorTransfersAreRecognisedAndBalancesCheck) {
  ASSERT_TRUE(report_->ok()) << report_->status().ToString();
  const std::string& checks = (*report_)->statement_checks_text;
  EXPECT_NE(checks.find("0 balance break(s), 0 continuity break(s), 0 gap(s), 10 duplicate row(s), 2 mirror transfer(s)"),
            std::string::npos)
      << checks;
  store::Store s = *store::Store::Open(dir_ / "case.store");
  std::map<std::string, int> roles;
  for (const Citation& c : Citations(s)) ++roles[c.role];
  EXPECT_EQ(roles["row"], static_cast<int>(s.transaction_count()));
  EXPECT_EQ(roles["duplicate"], 10);
  EXPECT_EQ(roles["mirror-credit"], 2);
  // A2 (camt) to B (OFX): one transaction from A's account to B's, citing both lines.
  const AccountId a = *s.FindAccount(NodeKind::kAccount, "", "NL91ABNA0417164300");
  const AccountId b = *s.FindAccount(NodeKind::kAccount, "DEUTDEFF", "DE89370400440532013000");
  const AccountId t = *s.FindAccount(NodeKind::kAccount, "", "884400");  // BAI2 names no bank
  const AccountId e = *s.FindAccount(NodeKind::kAccount, "SUMMIT-RIDGE-FCU", "5518");
  uint64_t a_to_b = UINT64_MAX, t_to_e = UINT64_MAX;
  for (TransactionId i = 0; i < s.transaction_count(); ++i) {
    if (s.source()[i] == a && s.destination()[i] == b) {
      EXPECT_EQ(a_to_b, UINT64_MAX) << "two transactions from A to B";
      a_to_b = i;
    }
    if (s.source()[i] == t && s.destination()[i] == e) {
      EXPECT_EQ(t_to_e, UINT64_MAX) << "two transactions from 884400 to 5518";
      t_to_e = i;
    }
  }
  ASSERT_NE(a_to_b, UINT64_MAX);
  ASSERT_NE(t_to_e, UINT64_MAX);
  EXPECT_EQ(FormatDecimal(s.amount_paid(a_to_b)), "777.00");
  EXPECT_EQ(FormatDecimal(s.amount_paid(t_to_e)), "1726.80");
  std::map<uint64_t, std::set<std::pair<uint32_t, std::string>>> cited;
  for (const Citation& c : Citations(s)) cited[c.transaction].insert({c.source, c.role});
  EXPECT_EQ(cited[a_to_b], (std::set<std::pair<uint32_t, std::string>>{{0, "row"}, {2, "mirror-credit"}}));
  EXPECT_EQ(cited[t_to_e], (std::set<std::pair<uint32_t, std::string>>{{4, "row"}, {5, "mirror-credit"}}));
}

// Every transaction cites its kept line (the store's source_file/source_line) and every line
// that showed it again; every citation is a line of its file that holds a row of that form.
TEST_F(FormatsCaseTest, EveryRowCitesItsFileAndAPositionTheFileHas) {
  ASSERT_TRUE(report_->ok()) << report_->status().ToString();
  store::Store s = *store::Store::Open(dir_ / "case.store");
  const std::vector<Citation> citations = Citations(s);
  ASSERT_EQ(citations.size(), 99u);  // every accepted line of every file
  std::vector<int> rows_of(s.transaction_count(), 0);
  // What a row's line holds, per text form (the PDF and the workbook are checked apart).
  const char* marker[] = {"<Ntry>", ":61:", "<STMTTRN>", "<pacs:CdtTrfTxInf>", "16,", "", "\"0", ""};
  std::vector<std::string> texts;
  for (const fs::path& f : files_) texts.push_back(*ReadFileToString(f));
  for (const Citation& c : citations) {
    ASSERT_LT(c.transaction, s.transaction_count());
    ASSERT_LT(c.source, 8u);
    if (c.role == "row") {
      ++rows_of[c.transaction];
      EXPECT_EQ(s.source_file()[c.transaction], c.source) << c.transaction;
      EXPECT_EQ(s.source_line()[c.transaction], c.line) << c.transaction;
    }
    const std::string where = files_[c.source].filename().string() + ":" + std::to_string(c.line);
    if (c.source == 5) {  // the PDF: an emitted line on one of its 3 pages
      EXPECT_GE(c.line, 9u) << where;
      EXPECT_LE(c.line, 3u * 60u) << where;
    } else if (c.source == 7) {  // the workbook: worksheet rows 5-7
      EXPECT_GE(c.line, 5u) << where;
      EXPECT_LE(c.line, 7u) << where;
    } else {
      EXPECT_EQ(LineOf(texts[c.source], c.line).rfind(marker[c.source], 0), 0u)
          << where << ": " << LineOf(texts[c.source], c.line);
    }
  }
  for (TransactionId i = 0; i < s.transaction_count(); ++i) EXPECT_EQ(rows_of[i], 1) << i;
  // The PDF's first row: page 1, line 9; the BAI2 wire's credit: the 03/10 row of page 1.
  EXPECT_EQ(s.source_line()[s.sources()[5].first_transaction], 9u);
  EXPECT_EQ(s.sources()[5].encoding.rfind("pdf: 3 page(s); text lines from 1 (page 1), ", 0), 0u)
      << s.sources()[5].encoding;
}

TEST_F(FormatsCaseTest, TheCaseInvestigates) {
  ASSERT_TRUE(report_->ok()) << report_->status().ToString();
  cases::InvestigateOptions o;
  o.store = dir_ / "case.store";
  o.out = dir_ / "case";
  o.pdf = false;
  o.threads = 2;
  o.generated_at = "2025-04-10T00:00:00Z";
  Result<cases::CaseSummary> summary = cases::Investigate(o);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  store::Store s = *store::Store::Open(dir_ / "case.store");
  EXPECT_EQ(summary->transactions, s.transaction_count());
  EXPECT_GT(summary->subjects, 0u);
  const std::string html = *ReadFileToString(dir_ / "case" / "report.html");
  // The report's sources are the eight files.
  for (const fs::path& f : files_) EXPECT_NE(html.find(f.filename().string()), std::string::npos) << f;
  // Wherever the report's tables cite a line of the PDF (a transaction's link to the evidence
  // index, the index's source cell), the page and line it is printed on follow.
  const std::string pdf = files_[5].filename().string() + ":";
  size_t pdf_citations = 0;
  for (size_t at = html.find(pdf); at != std::string::npos; at = html.find(pdf, at + 1)) {
    const size_t tag = html.rfind('<', at);
    const std::string element = html.substr(tag, at - tag);
    if (element.rfind("<td class=\"src\">", 0) != 0 && element.rfind("<a href=\"#tx-", 0) != 0) continue;
    size_t end = at + pdf.size();
    while (end < html.size() && std::isdigit(static_cast<unsigned char>(html[end]))) ++end;
    ++pdf_citations;
    EXPECT_EQ(html.substr(end, 7), " (page ") << html.substr(at, 60);
  }
  std::printf("report.html cites the PDF in %zu table cells or links\n", pdf_citations);
  EXPECT_GT(pdf_citations, 0u);
}

// The report's citation of a PDF row: the emitted line and, in brackets, the page and line it
// is printed on (from the file's custody record); other sources as file:line.
TEST_F(FormatsCaseTest, TheReportCitesAPdfRowByPageAndLine) {
  ASSERT_TRUE(report_->ok()) << report_->status().ToString();
  store::Store s = *store::Store::Open(dir_ / "case.store");
  cases::ViewMaker views(s);
  const TransactionId first_pdf = s.sources()[5].first_transaction;
  const report::SourceRef pdf = views.Source(first_pdf);
  EXPECT_EQ(pdf.line, 9u);
  EXPECT_EQ(pdf.position, "page 1, line 9");
  EXPECT_EQ(report_internal::FormatSource(pdf), "summit-5518-2025-03.pdf:9 (page 1, line 9)");
  const std::vector<uint64_t> pages = formats::ParsePdfPagesText(s.sources()[5].encoding);
  ASSERT_EQ(pages.size(), 3u);
  for (TransactionId t = 0; t < s.transaction_count(); ++t) {
    const report::SourceRef ref = views.Source(t);
    if (s.source_file()[t] != 5) {
      EXPECT_EQ(ref.position, "") << t;
      EXPECT_EQ(report_internal::FormatSource(ref).find(" (page"), std::string::npos) << t;
      continue;
    }
    EXPECT_EQ(ref.position, formats::PdfCitation(pages, ref.line)) << t;
    // A row on page 2 or 3 (the header repeats there): its page line counts from its page.
    if (ref.line >= pages[1]) {
      EXPECT_NE(ref.position.rfind("page 1,", 0), 0u) << t;
    }
  }
  // The first row of page 2: the page banner, then the header, then the row (line 3).
  TransactionId page2 = first_pdf;
  while (s.source_file()[page2] == 5 && s.source_line()[page2] < pages[1]) ++page2;
  EXPECT_EQ(views.Source(page2).position, "page 2, line 3");
}

}  // namespace
}  // namespace moneytrail
