// End to end: the real `moneytrail investigate` on a generated tiny case (issue 9's test). One
// run, shared by the tests below: the planted controllers rank high, every alert's evidence
// resolves to its source line, custody hashes match the inputs and outputs, the HTML references
// nothing outside itself, the PDF exists with a sensible page count, and traces reconcile.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/run_binary.h"
#include "moneytrail/case_report.h"
#include "moneytrail/file_util.h"
#include "moneytrail/generate.h"

namespace moneytrail {
namespace {

namespace fs = std::filesystem;
using test_util::ReadWholeFile;
using test_util::RunMoneytrail;
using test_util::TempDir;

constexpr int kTop = 12;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The first CSV field of each data line of subjects.csv is the rank, the second the subject.
std::vector<std::string> Subjects(const std::string& csv) {
  std::vector<std::string> out;
  std::vector<std::string> lines = Lines(csv);
  for (size_t i = 1; i < lines.size(); ++i) {
    size_t a = lines[i].find(',');
    size_t b = lines[i].find(',', a + 1);
    out.push_back(lines[i].substr(a + 1, b - a - 1));
  }
  return out;
}

class InvestigateTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    Result<generate::GenerateOptions> o = generate::PresetOptions("tiny");
    ASSERT_TRUE(o.ok());
    o->out_dir = (dir_->path() / "bank").string();
    o->seed = 5;
    o->threads = 1;
    ASSERT_TRUE(generate::Generate(*o).ok());
    run_ = new test_util::RunResult(RunMoneytrail(
        {"investigate", "--store", (dir_->path() / "store").string(),
         (dir_->path() / "bank" / "transactions.csv").string(), "--format", "native", "--parties",
         (dir_->path() / "bank").string(), "--out", (dir_->path() / "case").string(), "--top",
         std::to_string(kTop), "--threads", "2", "--exhibit-prefix", "GX-", "--exhibit-number",
         "3"}));
  }
  static void TearDownTestSuite() {
    delete run_;
    delete dir_;
  }
  void SetUp() override { ASSERT_EQ(run_->exit_code, 0) << run_->out << run_->err; }
  static fs::path Case(const char* name) { return dir_->path() / "case" / name; }
  static fs::path Bank(const char* name) { return dir_->path() / "bank" / name; }

  static TempDir* dir_;
  static test_util::RunResult* run_;
};
TempDir* InvestigateTest::dir_ = nullptr;
test_util::RunResult* InvestigateTest::run_ = nullptr;

TEST_F(InvestigateTest, WritesEveryOutputAndASummary) {
  for (const char* name : {"report.html", "report.pdf", "alerts.jsonl", "subjects.csv", "custody.json"}) {
    EXPECT_TRUE(fs::is_regular_file(Case(name))) << name;
  }
  EXPECT_TRUE(fs::is_directory(Case("trails")));
  EXPECT_NE(run_->out.find("top subjects"), std::string::npos) << run_->out;
  EXPECT_NE(run_->out.find("where the money went"), std::string::npos) << run_->out;
  EXPECT_NE(run_->out.find("report.html"), std::string::npos) << run_->out;
  // Nothing temporary left beside the case.
  for (const auto& e : fs::directory_iterator(dir_->path())) {
    EXPECT_EQ(e.path().filename().string().find(".case."), std::string::npos) << e.path();
  }
}

// patterns.jsonl (the workspace chart's overlay reads it): one instance a line, numbered from 1,
// each with its kind, accounts and transactions (ids ascending), listed in custody.json.
TEST_F(InvestigateTest, WritesEveryPatternInstanceAsAJsonLine) {
  const std::vector<std::string> lines = Lines(ReadWholeFile(Case("patterns.jsonl")));
  ASSERT_FALSE(lines.empty());
  for (size_t i = 0; i < lines.size(); ++i) {
    const nlohmann::json j = nlohmann::json::parse(lines[i]);
    EXPECT_EQ(j["instance"], i + 1);
    EXPECT_FALSE(j["kind"].get<std::string>().empty());
    EXPECT_FALSE(j["accounts"].empty());
    const auto tx = j["transactions"].get<std::vector<uint64_t>>();
    EXPECT_FALSE(tx.empty());
    EXPECT_TRUE(std::is_sorted(tx.begin(), tx.end())) << lines[i];
    EXPECT_FALSE(j["total_amount_paid"].empty());
  }
  const nlohmann::json c = nlohmann::json::parse(ReadWholeFile(Case("custody.json")));
  bool listed = false;
  for (const auto& out : c["outputs"]) listed = listed || out["path"] == "patterns.jsonl";
  EXPECT_TRUE(listed);
}

TEST_F(InvestigateTest, PlantedControllersRankAmongTheTopSubjects) {
  std::vector<std::string> subjects = Subjects(ReadWholeFile(Case("subjects.csv")));
  ASSERT_GE(subjects.size(), static_cast<size_t>(kTop));
  std::set<std::string> top(subjects.begin(), subjects.begin() + kTop);
  std::set<std::string> controllers;
  for (const std::string& line : Lines(ReadWholeFile(Bank("truth/instances.jsonl")))) {
    nlohmann::json j = nlohmann::json::parse(line);
    std::string c = j["controller"].get<std::string>();
    // Only bank accounts are subjects (a controller may be an outside beneficiary).
    if (std::find(subjects.begin(), subjects.end(), c) != subjects.end()) controllers.insert(c);
  }
  ASSERT_GE(controllers.size(), 3u);
  size_t found = 0;
  for (const std::string& c : controllers) found += top.count(c);
  // With 12 places for the controllers of about 20 instances, at least half of the top must be
  // controllers, or most controllers must be in it.
  EXPECT_GE(found, std::min<size_t>(controllers.size(), kTop) / 2)
      << found << " of " << controllers.size() << " controllers in the top " << kTop;
}

TEST_F(InvestigateTest, EveryAlertCitesItsSourceLine) {
  std::vector<std::string> source = Lines(ReadWholeFile(Bank("transactions.csv")));
  std::vector<std::string> lines = Lines(ReadWholeFile(Case("alerts.jsonl")));
  ASSERT_GT(lines.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(lines[0])["record"], "scan");
  size_t checked = 0;
  for (size_t i = 1; i < lines.size(); ++i) {
    nlohmann::json a = nlohmann::json::parse(lines[i]);
    ASSERT_EQ(a["record"], "alert");
    ASSERT_FALSE(a["evidence"].empty()) << lines[i];
    for (const auto& e : a["evidence"]) {
      EXPECT_EQ(fs::path(e["source_file"].get<std::string>()).filename(), "transactions.csv");
      const size_t line = e["source_line"].get<size_t>();
      ASSERT_GE(line, 2u);
      ASSERT_LE(line, source.size());
      const std::string& text = source[line - 1];
      const std::string from = e["from"].get<std::string>();
      const std::string to = e["to"].get<std::string>();
      EXPECT_NE(text.find(e["amount"].get<std::string>()), std::string::npos) << text;
      EXPECT_NE(text.find(from.substr(from.rfind(':') + 1)), std::string::npos) << text;
      EXPECT_NE(text.find(to.substr(to.rfind(':') + 1)), std::string::npos) << text;
      ++checked;
    }
  }
  EXPECT_GT(checked, 0u);
}

TEST_F(InvestigateTest, CustodyHashesMatchInputsAndOutputs) {
  nlohmann::json c = nlohmann::json::parse(ReadWholeFile(Case("custody.json")));
  ASSERT_EQ(c["sources"].size(), 1u);
  const auto& src = c["sources"][0];
  EXPECT_EQ(src["sha256"], Sha256Hex(ReadWholeFile(Bank("transactions.csv"))));
  EXPECT_EQ(src["rows_read"].get<uint64_t>(),
            src["rows_accepted"].get<uint64_t>() + src["rows_rejected"].get<uint64_t>());
  std::set<std::string> listed;
  for (const auto& out : c["outputs"]) {
    const std::string path = out["path"].get<std::string>();
    listed.insert(path);
    EXPECT_EQ(out["sha256"], Sha256Hex(ReadWholeFile(dir_->path() / "case" / path))) << path;
  }
  for (const char* name : {"report.html", "report.pdf", "alerts.jsonl", "subjects.csv"}) {
    EXPECT_TRUE(listed.count(name)) << name;
  }
  EXPECT_FALSE(c["store"]["manifest_sha256"].get<std::string>().empty());
}

TEST_F(InvestigateTest, HtmlIsSelfContained) {
  const std::string html = ReadWholeFile(Case("report.html"));
  ASSERT_GT(html.size(), 1000u);
  for (const char* bad : {"http://", "https://", "<script", "src=\"", "@import", "url("}) {
    // Graphviz's SVG names its DTD and namespace; namespaces are not references to fetch.
    size_t pos = 0;
    while ((pos = html.find(bad, pos)) != std::string::npos) {
      const std::string around = html.substr(pos > 10 ? pos - 10 : 0, 60);
      EXPECT_NE(around.find("xmlns"), std::string::npos) << "external reference: " << around;
      pos += 1;
    }
  }
  EXPECT_NE(html.find("transactions.csv:"), std::string::npos);
}

TEST_F(InvestigateTest, ReportTextReadsRight) {
  // Issue 21: no template value left unfilled, no doubled "Z", exits in words, every "where the
  // money went" sentence adds up per currency, beneficiaries named, charts legible on Letter.
  const std::string html = ReadWholeFile(Case("report.html"));
  std::smatch m;
  EXPECT_FALSE(std::regex_search(html, m, std::regex("\\{[a-z_.]+\\}"))) << m.str();
  EXPECT_EQ(html.find("? of whom"), std::string::npos);
  EXPECT_EQ(html.find("ZZ"), std::string::npos);
  for (const char* code : {"Left by conversion", "Left by external", "Left by cash_withdrawal",
                           "sent outside the bank", "went outside the bank"}) {
    EXPECT_EQ(html.find(code), std::string::npos) << code;
  }
  std::regex went("<p class=\"went\">([^<]*)</p>|<li>([^<]*still held in accounts\\.)</li>");
  std::regex usd("([0-9][0-9,]*)\\.([0-9]{2}) USD\\b");
  int sentences = 0;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), went); it != std::sregex_iterator();
       ++it) {
    std::string s = (*it)[1].matched ? (*it)[1].str() : (*it)[2].str();
    // A subject's finding carries other figures before "Of": its sentence starts there.
    s = s.substr(s.rfind("Of ") == std::string::npos ? 0 : s.rfind("Of "));
    std::vector<int64_t> a;
    for (auto u = std::sregex_iterator(s.begin(), s.end(), usd); u != std::sregex_iterator(); ++u) {
      std::string whole = (*u)[1].str();
      whole.erase(std::remove(whole.begin(), whole.end(), ','), whole.end());
      a.push_back(std::stoll(whole) * 100 + std::stoll((*u)[2].str()));
    }
    if (a.size() < 2) continue;
    int64_t parts = 0;
    for (size_t k = 1; k < a.size(); ++k) parts += a[k];
    EXPECT_EQ(parts, a[0]) << s;
    ++sentences;
  }
  EXPECT_GE(sentences, kTop);
  int charts = 0;
  std::regex svg("<svg width=\"([0-9.]+)pt\" height=\"([0-9.]+)pt\"[^>]*class=\"flow-chart\"");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), svg); it != std::sregex_iterator();
       ++it) {
    const size_t at = static_cast<size_t>(it->position());
    const std::string body = html.substr(at, html.find("</svg>", at) - at);
    // Printed in the portrait column, or on a landscape page of its own: 9 pt or more there.
    const size_t page = html.rfind("<div class=\"landscape-page\">", at);
    const bool landscape = page != std::string::npos && html.find("</figure>", page) > at;
    EXPECT_GE(report::ChartSmallestPrintedFontPt(
                  body, report::PaperSize::kLetter,
                  landscape ? report::ChartOrientation::kLandscape : report::ChartOrientation::kPortrait),
              9.0);
    ++charts;
  }
  // Charts are drawn, not left out: at most a few too large even sideways.
  std::printf("flow-of-funds charts in the report: %d of %d\n", charts, kTop);
  EXPECT_GE(charts, kTop / 2);
  EXPECT_NE(html.find("<div class=\"exhibit-stamp\">Exhibit GX-3</div>"), std::string::npos);
  EXPECT_NE(html.find("@top-right { content: \"Exhibit GX-3\";"), std::string::npos);
}

// Amount "1234.56", "-12.00" or "0.00029600" as units of 10^-8.
int64_t Cents(const std::string& text) {
  const bool negative = !text.empty() && text[0] == '-';
  const std::string t = negative ? text.substr(1) : text;
  const size_t dot = t.find('.');
  std::string frac = dot == std::string::npos ? "" : t.substr(dot + 1);
  frac.resize(8, '0');
  const int64_t v = std::stoll(t.substr(0, dot)) * 100000000 + std::stoll(frac);
  return negative ? -v : v;
}

std::string Rank2(int r) { return (r < 10 ? "0" : "") + std::to_string(r); }

std::vector<std::string> Fields(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (char c : line) {
    if (c == '"') quoted = !quoted;
    else if (c == ',' && !quoted) out.emplace_back();
    else out.back() += c;
  }
  return out;
}

TEST_F(InvestigateTest, SchedulesReconcileAndCiteTheirSourceLines) {
  // Per subject: the monthly summary's balances chain (closing = opening + credits - debits, and
  // the next month opens where the last closed), every row's transactions are listed with a
  // source line, and the proof schedules and counterparties are written; the report shows them
  // as FRE 1006 summaries, with the case timeline and the records' integrity section.
  for (int r = 1; r <= kTop; ++r) {
    const fs::path monthly = Case("schedules") / (Rank2(r) + "-monthly.csv");
    ASSERT_TRUE(fs::is_regular_file(monthly)) << monthly;
    std::vector<std::string> lines = Lines(ReadWholeFile(monthly));
    ASSERT_GE(lines.size(), 2u);
    EXPECT_EQ(lines[0], "Account,Month,Opening balance,Credits,Debits,Cash in,Cash out,Closing balance,transactions");
    std::string last_account;
    int64_t last_closing = 0;
    size_t k = 1;
    uint64_t listed = 0;
    for (; k < lines.size() && !lines[k].empty(); ++k) {
      std::vector<std::string> f = Fields(lines[k]);
      ASSERT_EQ(f.size(), 9u) << lines[k];
      const int64_t opening = Cents(f[2]), closing = Cents(f[7]);
      EXPECT_EQ(closing, opening + Cents(f[3]) - Cents(f[4])) << lines[k];
      if (f[0] == last_account) {
        EXPECT_EQ(opening, last_closing) << lines[k];
      }
      EXPECT_LE(Cents(f[5]), Cents(f[3])) << lines[k];  // cash in is part of the credits
      EXPECT_LE(Cents(f[6]), Cents(f[4])) << lines[k];
      last_account = f[0];
      last_closing = closing;
      listed += std::stoull(f[8]);
    }
    ASSERT_LT(k + 1, lines.size());
    EXPECT_EQ(lines[k + 1], "row,transaction,time,source_file,source_line");
    uint64_t cited = 0;
    for (size_t j = k + 2; j < lines.size(); ++j) {
      std::vector<std::string> f = Fields(lines[j]);
      ASSERT_EQ(f.size(), 5u) << lines[j];
      EXPECT_GT(std::stoull(f[4]), 0u) << lines[j];
      ++cited;
    }
    EXPECT_EQ(cited, listed) << monthly;
    EXPECT_TRUE(fs::is_regular_file(Case("schedules") / (Rank2(r) + "-counterparties.csv")));
    EXPECT_TRUE(fs::is_regular_file(Case("schedules") / (Rank2(r) + "-cash-branches.csv")));
  }
  EXPECT_TRUE(fs::is_regular_file(Case("schedules") / "timeline.csv"));
  const std::string html = ReadWholeFile(Case("report.html"));
  EXPECT_NE(html.find("<h2>Case timeline</h2>"), std::string::npos);
  EXPECT_NE(html.find("<caption>Summary (FRE 1006): Monthly summary per account"), std::string::npos);
  EXPECT_NE(html.find("<h4>Bank deposits method</h4>"), std::string::npos);
  EXPECT_NE(html.find("<h4>Source and application of funds</h4>"), std::string::npos);
  EXPECT_NE(html.find("<h2>Records and their integrity</h2>"), std::string::npos);
  // Formula-leading text never reaches a schedule CSV as a live cell.
  for (const auto& e : fs::directory_iterator(Case("schedules"))) {
    for (const std::string& line : Lines(ReadWholeFile(e.path()))) {
      for (const std::string& cell : Fields(line)) {
        EXPECT_TRUE(cell.empty() || (cell[0] != '=' && cell[0] != '+' && cell[0] != '@'))
            << e.path() << ": " << line;
      }
    }
  }
}

TEST_F(InvestigateTest, PdfHasAPlausiblePageCount) {
  const std::string pdf = ReadWholeFile(Case("report.pdf"));
  ASSERT_EQ(pdf.rfind("%PDF", 0), 0u);
  const int pages = report::CountPdfPages(pdf);
  // A summary page and at least one page per subject, but not runaway.
  EXPECT_GE(pages, 1 + kTop);
  EXPECT_LE(pages, 10 + 8 * kTop);
}

TEST_F(InvestigateTest, TrailsReconcile) {
  size_t trails = 0;
  for (const auto& e : fs::directory_iterator(Case("trails"))) {
    ++trails;
    nlohmann::json j = nlohmann::json::parse(ReadWholeFile(e.path() / "trail.json"));
    for (const auto& t : j["totals"]) EXPECT_TRUE(t["reconciles"].get<bool>()) << e.path();
    EXPECT_TRUE(fs::is_regular_file(e.path() / "schedule.csv"));
  }
  EXPECT_EQ(trails, static_cast<size_t>(kTop));
}

TEST_F(InvestigateTest, EntitiesBecomeSubjectsWithAllTheirAccounts) {
  // The generator's true entities stand in for `moneytrail resolve`'s output (same layout).
  const fs::path out = dir_->path() / "entity-case";
  auto r = RunMoneytrail({"investigate", "--store", (dir_->path() / "store").string(), "--parties",
                          (dir_->path() / "bank").string(), "--entities",
                          Bank("truth/entities.csv").string(), "--out", out.string(), "--top", "5",
                          "--no-pdf"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = Lines(ReadWholeFile(out / "subjects.csv"));
  ASSERT_GT(lines.size(), 1u);
  std::vector<std::string> header = test_util::SplitCsvLine(lines[0]);
  const size_t subject_col = std::find(header.begin(), header.end(), "subject") - header.begin();
  const size_t accounts_col = std::find(header.begin(), header.end(), "accounts") - header.begin();
  ASSERT_LT(accounts_col, header.size());
  size_t entities = 0, multi = 0;
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> f = test_util::SplitCsvLine(lines[i]);
    ASSERT_EQ(f.size(), header.size()) << lines[i];
    if (f[subject_col].rfind('E', 0) != 0) continue;
    ++entities;
    multi += f[accounts_col].find(' ') != std::string::npos;
  }
  EXPECT_GT(entities, 0u);
  EXPECT_GT(multi, 0u) << "no entity with several accounts";
  // Fewer subjects than the account run: accounts of one entity merged.
  EXPECT_LT(lines.size(), Lines(ReadWholeFile(Case("subjects.csv"))).size());
  EXPECT_FALSE(fs::exists(out / "report.pdf"));
  EXPECT_TRUE(fs::is_regular_file(out / "report.html"));
  nlohmann::json c = nlohmann::json::parse(ReadWholeFile(out / "custody.json"));
  EXPECT_NE(c["configuration"]["entities"].get<std::string>().find("entities.csv"), std::string::npos);
}

TEST_F(InvestigateTest, EntitiesWithoutPartiesAreRefused) {
  auto r = RunMoneytrail({"investigate", "--store", (dir_->path() / "store").string(), "--entities",
                          Bank("truth/entities.csv").string(), "--out",
                          (dir_->path() / "refused").string(), "--no-pdf"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--entities needs --parties"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_->path() / "refused"));
}

TEST_F(InvestigateTest, RefusesToOverwriteADirectoryThatIsNotACase) {
  TempDir other;
  test_util::WriteWholeFile(other.path() / "precious.txt", "keep me");
  auto r = RunMoneytrail({"investigate", "--store", (dir_->path() / "store").string(), "--out",
                          other.path().string(), "--no-pdf"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("not a case directory"), std::string::npos) << r.err;
  EXPECT_EQ(ReadWholeFile(other.path() / "precious.txt"), "keep me");
}

}  // namespace
}  // namespace moneytrail
