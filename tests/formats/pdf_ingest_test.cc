// Text PDF statements through moneytrail::Ingest (the SourceProbe hook, src/io/statement_ingest.cc):
// the Chromium-printed statement of tests/data/pdf ingests as the same statement's CSV download
// does (same transactions, amounts, accounts, descriptions, statement checks), its custody names
// the PDF's bytes and pages, and a rejected line names its page and line.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>
#include <string>

#include "moneytrail/file_util.h"
#include "moneytrail/hash.h"
#include "moneytrail/ingest.h"
#include "moneytrail/store.h"
#include "moneytrail/time_format.h"

namespace moneytrail {
namespace {

namespace fs = std::filesystem;

fs::path Data(const std::string& name) { return fs::path(MONEYTRAIL_SOURCE_DIR) / "tests/data/pdf" / name; }

class PdfIngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("mt_pdf_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  Result<IngestReport> Run(const fs::path& store, const fs::path& file, const fs::path& mapping) {
    IngestOptions options;
    options.format = "mapped";
    options.mapping = mapping;
    return Ingest(store, {file}, options);
  }

  fs::path dir_;
};

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size()) s.replace(at, from.size(), to);
  return s;
}

TEST_F(PdfIngestTest, PdfStatementIngestsAsTheSameStatementsCsvCitingPages) {
  // Copies under one name each, so that the checks' texts differ only by the file's name.
  fs::copy_file(Data("statement.csv"), dir_ / "statement.csv");
  fs::copy_file(Data("statement.pdf"), dir_ / "statement.pdf");
  Result<IngestReport> csv = Run(dir_ / "csv.store", dir_ / "statement.csv", Data("statement.toml"));
  ASSERT_TRUE(csv.ok()) << csv.status().ToString();
  Result<IngestReport> pdf = Run(dir_ / "pdf.store", dir_ / "statement.pdf", Data("statement.toml"));
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  EXPECT_EQ(pdf->rows_rejected, 0u);
  EXPECT_EQ(pdf->rows_accepted, csv->rows_accepted);
  EXPECT_EQ(pdf->rows_accepted, 70u);
  store::Store a = *store::Store::Open(dir_ / "csv.store");
  store::Store b = *store::Store::Open(dir_ / "pdf.store");
  ASSERT_EQ(a.transaction_count(), b.transaction_count());
  for (TransactionId t = 0; t < a.transaction_count(); ++t) {
    EXPECT_EQ(a.time()[t], b.time()[t]) << t;
    EXPECT_EQ(a.AccountLabel(a.source()[t]), b.AccountLabel(b.source()[t])) << t;
    EXPECT_EQ(a.AccountLabel(a.destination()[t]), b.AccountLabel(b.destination()[t])) << t;
    EXPECT_EQ(FormatDecimal(a.amount_paid(t)), FormatDecimal(b.amount_paid(t))) << t;
    EXPECT_EQ(FormatDecimal(a.amount_received(t)), FormatDecimal(b.amount_received(t))) << t;
    EXPECT_EQ(a.channel()[t], b.channel()[t]) << t;
    EXPECT_EQ(a.string(a.counterparty()[t]), b.string(b.counterparty()[t])) << t;
  }
  // The same statement checks (balances, continuity), apart from the file's name.
  EXPECT_EQ(Replace(pdf->statement_checks_text, "statement.pdf", "statement.csv"), csv->statement_checks_text);
  EXPECT_NE(csv->statement_checks_text.find("0 balance break(s)"), std::string::npos) << csv->statement_checks_text;
  // Custody: the PDF's own bytes, and where each page's lines start.
  ASSERT_EQ(b.sources().size(), 1u);
  EXPECT_EQ(b.sources()[0].sha256, Sha256Hex(*ReadFileToString(Data("statement.pdf"))));
  EXPECT_EQ(b.sources()[0].encoding.substr(0, 40), "pdf: 3 page(s); text lines from 1 (page ");
  EXPECT_EQ(b.sources()[0].rows_read, b.sources()[0].rows_accepted + b.sources()[0].rows_rejected);
  // The first row is printed on page 1 after the 7 banner lines and the header: line 9.
  EXPECT_EQ(b.source_line()[0], 9u);
}

TEST_F(PdfIngestTest, ARejectedLineNamesItsPageAndLine) {
  // simple.pdf: a 3-row table, then "Fee in EUR: 1.50" on line 8, which is no row.
  const fs::path map = dir_ / "simple.toml";
  std::ofstream(map) << "[format]\ntimestamp_format = [\"%m/%d/%Y\"]\nheader_pattern = '^Date,Description'\n"
                        "[banner]\nstatement_account = 'Account Number:\\s*(\\d+)'\n"
                        "[columns]\ntimestamp = \"Date\"\ndescription = \"Description\"\namount = \"Amount\"\n"
                        "balance = \"Balance\"\n[constants]\nstatement_bank = \"FIRST-COAST\"\ncurrency_paid = \"USD\"\n";
  Result<IngestReport> r = Run(dir_ / "s.store", Data("simple.pdf"), map);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows_accepted, 3u);
  ASSERT_EQ(r->rows_rejected, 1u);
  ASSERT_EQ(r->first_rejects.size(), 1u);
  EXPECT_EQ(r->first_rejects[0].line, 8u);
  EXPECT_NE(r->first_rejects[0].reason.find("(printed on page 1, line 8)"), std::string::npos)
      << r->first_rejects[0].ToString();
  store::Store s = *store::Store::Open(dir_ / "s.store");
  EXPECT_EQ(FormatDecimal(s.amount_paid(1)), "9900.00");  // "9,900.00" as printed
}

TEST_F(PdfIngestTest, AScannedPdfOrAPdfWithoutAMappingIsRefusedSayingWhy) {
  Result<IngestReport> r = Run(dir_ / "x.store", Data("scanned.pdf"), Data("statement.toml"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("scanned.pdf, page 1: the page is an image with no text"), std::string::npos)
      << r.status().ToString();
  IngestOptions options;
  options.format = "native";
  r = Ingest(dir_ / "y.store", {Data("simple.pdf")}, options);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("is a PDF, not a CSV file"), std::string::npos) << r.status().ToString();
  options.format = "auto";  // without a mapping: no statement format, a hint to pass one
  r = Ingest(dir_ / "z.store", {Data("simple.pdf")}, options);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("a PDF: a text PDF statement is read as a table with a mapping"),
            std::string::npos)
      << r.status().ToString();
}

// The template layouts (tests/data/pdf/lakeshore.pdf, harbor.pdf) through the mapping's [pdf]
// table: every printed row a transaction with the printed date and amount, the balance forward
// line the account's opening balance, every running balance checked (no break), nothing rejected.
TEST_F(PdfIngestTest, StatementTemplatesIngestEveryPrintedRowWithTheBalanceForward) {
  struct Layout { const char* name; const char* bank; const char* account; };
  for (const Layout& l : {Layout{"lakeshore", "LAKESHORE", "7730-2291"}, Layout{"harbor", "HARBOR-TRUST", "0044-551-90"}}) {
    const std::string name = l.name;
    std::istringstream truth(*ReadFileToString(Data(name + "-truth.csv")));
    std::string line;
    std::getline(truth, line);
    const int64_t opening = std::stoll(line.substr(line.find(',') + 1));
    std::vector<std::vector<std::string>> rows;
    while (std::getline(truth, line)) {
      std::vector<std::string> f(1);
      for (char ch : line) {
        if (ch == ',') {
          f.emplace_back();
        } else {
          f.back() += ch;
        }
      }
      rows.push_back(f);
    }
    const fs::path store = dir_ / (name + ".store");
    Result<IngestReport> r = Run(store, Data(name + ".pdf"), Data(name + ".toml"));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->rows_rejected, 0u) << name << ": " << (r->first_rejects.empty() ? "" : r->first_rejects[0].ToString());
    ASSERT_EQ(r->rows_accepted, rows.size()) << name;
    EXPECT_NE(r->statement_checks_text.find("0 balance break(s)"), std::string::npos) << r->statement_checks_text;
    store::Store s = *store::Store::Open(store);
    const AccountId own = *s.FindAccount(NodeKind::kAccount, l.bank, l.account);
    ASSERT_TRUE(s.account_attributes(own).opening_balance.has_value()) << name;
    EXPECT_EQ(*s.account_attributes(own).opening_balance, (Decimal{opening, 2})) << name;
    ASSERT_EQ(s.transaction_count(), rows.size());
    for (TransactionId t = 0; t < s.transaction_count(); ++t) {
      const std::string& date = rows[t][0];  // MM/DD/2025
      EXPECT_EQ(FormatIsoTime(s.time()[t]).substr(0, 10), "2025-" + date.substr(0, 2) + "-" + date.substr(3, 2)) << t;
      const int64_t cents = std::stoll(rows[t][2]);
      EXPECT_EQ(s.amount_paid(t), (Decimal{cents < 0 ? -cents : cents, 2})) << name << " " << t;
      EXPECT_EQ(cents < 0 ? s.source()[t] : s.destination()[t], own) << name << " " << t;
    }
  }
}

TEST_F(PdfIngestTest, AStatementTemplateThatCannotApplyIsAMappingError) {
  std::string mapping = *ReadFileToString(Data("harbor.toml"));
  const fs::path map = dir_ / "bad.toml";
  std::ofstream(map) << mapping + "colums = 3\n";
  Result<IngestReport> r = Run(dir_ / "a.store", Data("harbor.pdf"), map);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("[pdf] unknown key 'colums'"), std::string::npos) << r.status().ToString();
  std::ofstream(map) << Replace(mapping, "columns = [[43, 108], [108, 367.2]", "columns = [[43, 108], [100, 367.2]");
  r = Run(dir_ / "b.store", Data("harbor.pdf"), map);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("[pdf] columns[2] = [100, 367.2]: overlaps"), std::string::npos)
      << r.status().ToString();
  std::ofstream(map) << Replace(mapping, "header_pattern = '^Posted,Transaction,Amount,Balance'\n", "");
  r = Run(dir_ / "c.store", Data("harbor.pdf"), map);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("[pdf] needs [format] header_pattern"), std::string::npos) << r.status().ToString();
}

}  // namespace
}  // namespace moneytrail
