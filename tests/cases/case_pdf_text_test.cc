// What a reader of the printed case sees, by text extraction (pdftotext, poppler-utils): the net
// worth schedules of a subject given `--net-worth` are in report.pdf with the worked example's
// figures, and an exhibit pack's exhibit.pdf holds only its subject's part of the report, every
// page stamped with the exhibit number and "Page N of M". Runs the real binary (investigate with
// Chromium, exhibit) once on a generated tiny world.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "cli/run_binary.h"
#include "moneytrail/generate.h"
#include "proof/net_worth_example.h"

namespace moneytrail {
namespace {

namespace fs = std::filesystem;
using test_util::ReadWholeFile;
using test_util::RunMoneytrail;
using test_util::TempDir;
using test_util::WriteWholeFile;

// The worked example of the proof tests (understatement 31,100.50 in 2023 and 48,049.75 in 2024).
using test_data::kNetWorthWorkedExample;

// pdftotext's text of `pdf` (with its page breaks, form feeds).
std::string PdfText(const fs::path& pdf) {
  const fs::path txt = fs::path(pdf).replace_extension(".txt");
  const std::string cmd = "pdftotext -layout '" + pdf.string() + "' '" + txt.string() + "'";
  if (std::system(cmd.c_str()) != 0) return "";
  return ReadWholeFile(txt);
}

// The subject column of subjects.csv's data line `rank` (1-based).
std::string SubjectOfRank(const std::string& csv, int rank) {
  std::istringstream in(csv);
  std::string line;
  for (int i = 0; i <= rank && std::getline(in, line); ++i) {
  }
  const size_t a = line.find(',');
  return line.substr(a + 1, line.find(',', a + 1) - a - 1);
}

class CasePdfTextTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    Result<generate::GenerateOptions> g = generate::PresetOptions("tiny");
    ASSERT_TRUE(g.ok());
    g->out_dir = (dir_->path() / "bank").string();
    g->seed = 5;
    g->threads = 1;
    ASSERT_TRUE(generate::Generate(*g).ok());
    const fs::path store = dir_->path() / "store";
    // A first case to learn the top subject's name, then the case with its net worth file.
    test_util::RunResult first = RunMoneytrail(
        {"investigate", "--store", store.string(), (dir_->path() / "bank" / "transactions.csv").string(),
         "--format", "native", "--parties", (dir_->path() / "bank").string(), "--out",
         (dir_->path() / "first").string(), "--top", "3", "--no-pdf"});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    top_ = SubjectOfRank(ReadWholeFile(dir_->path() / "first" / "subjects.csv"), 1);
    second_ = SubjectOfRank(ReadWholeFile(dir_->path() / "first" / "subjects.csv"), 2);
    WriteWholeFile(dir_->path() / "networth.csv", kNetWorthWorkedExample);
    test_util::RunResult run = RunMoneytrail(
        {"investigate", "--store", store.string(), "--parties", (dir_->path() / "bank").string(),
         "--out", (dir_->path() / "case").string(), "--top", "3", "--net-worth",
         top_ + "=" + (dir_->path() / "networth.csv").string()});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    report_text_ = new std::string(PdfText(dir_->path() / "case" / "report.pdf"));
    test_util::RunResult pack = RunMoneytrail(
        {"exhibit", (dir_->path() / "case").string(), "--subject", "1", "--out",
         (dir_->path() / "pack").string(), "--key", (dir_->path() / "key").string(),
         "--exhibit-number", "GX-7"});
    ASSERT_EQ(pack.exit_code, 0) << pack.out << pack.err;
    exhibit_text_ = new std::string(PdfText(dir_->path() / "pack" / "exhibit.pdf"));
  }
  static void TearDownTestSuite() {
    delete report_text_;
    delete exhibit_text_;
    delete dir_;
  }
  static TempDir* dir_;
  static std::string top_, second_;
  static std::string* report_text_;
  static std::string* exhibit_text_;
};
TempDir* CasePdfTextTest::dir_ = nullptr;
std::string CasePdfTextTest::top_;
std::string CasePdfTextTest::second_;
std::string* CasePdfTextTest::report_text_ = nullptr;
std::string* CasePdfTextTest::exhibit_text_ = nullptr;

TEST_F(CasePdfTextTest, TheReportPrintsTheNetWorthScheduleWithItsDefenceLines) {
  const std::string& t = *report_text_;
  ASSERT_FALSE(t.empty()) << "pdftotext gave nothing";
  EXPECT_NE(t.find("Net worth: assets, liabilities and the statement of changes"), std::string::npos);
  EXPECT_NE(t.find("Net worth: the likely defence lines"), std::string::npos);
  EXPECT_NE(t.find("Cash on hand"), std::string::npos);
  EXPECT_NE(t.find("Nontaxable"), std::string::npos);  // "sources" may wrap in its cell
  // The worked example's understatements, exact.
  EXPECT_NE(t.find("31,100.50"), std::string::npos);
  EXPECT_NE(t.find("48,049.75"), std::string::npos);
  EXPECT_NE(t.find("Summary (FRE 1006)"), std::string::npos);
  EXPECT_NE(t.find("schedules/01-net-worth.csv"), std::string::npos);
  const std::string csv = ReadWholeFile(dir_->path() / "case" / "schedules" / "01-net-worth.csv");
  EXPECT_NE(csv.find("31100.50"), std::string::npos) << csv;
  EXPECT_FALSE(fs::exists(dir_->path() / "case" / "schedules" / "02-net-worth.csv"));
  const std::string custody = ReadWholeFile(dir_->path() / "case" / "custody.json");
  EXPECT_NE(custody.find("net worth file " + top_), std::string::npos);
}

TEST_F(CasePdfTextTest, TheExhibitPdfHoldsOnlyItsSubjectsPagesStamped) {
  const std::string& t = *exhibit_text_;
  ASSERT_FALSE(t.empty()) << "no exhibit.pdf text";
  EXPECT_NE(t.find("Exhibit GX-7"), std::string::npos);
  EXPECT_NE(t.find(top_), std::string::npos);
  EXPECT_NE(t.find("rank 1"), std::string::npos);
  EXPECT_EQ(t.find("rank 2"), std::string::npos) << "another subject's section";
  EXPECT_EQ(t.find("Case timeline"), std::string::npos);
  EXPECT_EQ(t.find("Records and their integrity"), std::string::npos);
  // Every page: the stamp and "Page N of M", numbered within the exhibit.
  std::vector<std::string> pages;
  std::string page;
  for (char c : t) {
    if (c == '\f') {
      pages.push_back(page);
      page.clear();
    } else {
      page += c;
    }
  }
  if (page.find_first_not_of(" \n") != std::string::npos) pages.push_back(page);
  ASSERT_GE(pages.size(), 1u);
  const std::string whole = *report_text_;
  for (size_t i = 0; i < pages.size(); ++i) {
    EXPECT_NE(pages[i].find("Exhibit GX-7"), std::string::npos) << "page " << i + 1;
    EXPECT_NE(pages[i].find("Page " + std::to_string(i + 1) + " of " + std::to_string(pages.size())),
              std::string::npos)
        << "page " << i + 1 << ":\n" << pages[i];
  }
  // Fewer pages than the whole report, which has more subjects.
  EXPECT_LT(pages.size(), static_cast<size_t>(std::count(whole.begin(), whole.end(), '\f')));
  // The net worth schedules are part of the subject's section, so of its exhibit.
  EXPECT_NE(t.find("Net worth: the likely defence lines"), std::string::npos);
  const std::string manifest = ReadWholeFile(dir_->path() / "pack" / "MANIFEST.json");
  EXPECT_NE(manifest.find("\"exhibit.pdf\""), std::string::npos);
  EXPECT_EQ(manifest.find("\"report.pdf\""), std::string::npos);
}

}  // namespace
}  // namespace moneytrail
