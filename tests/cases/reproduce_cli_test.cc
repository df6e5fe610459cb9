// End-to-end runs of the real binary over the investigation's stages: `exclude` records a manual
// exclusion (and `--include` undoes it) in a finished case; `exhibit` freezes the case's custody
// in the pack; `reproduce` re-runs the case's investigation through its stages from the store and
// configuration named, with the recorded exclusions, and says byte-identical, or names the case
// file and line that differ after one byte of configuration changes or an exclusion is removed
// from the record. Chromium is kept out (MONEYTRAIL_CHROMIUM names a program that fails): the
// packs hold no exhibit.pdf, which `reproduce` would only check by hash.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/run_binary.h"
#include "moneytrail/generate.h"

namespace moneytrail {
namespace {

namespace fs = std::filesystem;
using test_util::ReadWholeFile;
using test_util::RunMoneytrail;
using test_util::RunResult;
using test_util::TempDir;
using test_util::WriteWholeFile;

// The first alert of alerts.jsonl that names the top subject of subjects.csv.
std::string TopSubjectsAlert(const fs::path& case_dir) {
  std::istringstream subjects(ReadWholeFile(case_dir / "subjects.csv"));
  std::string line;
  std::getline(subjects, line);
  std::getline(subjects, line);
  const size_t a = line.find(',');
  const std::string top = line.substr(a + 1, line.find(',', a + 1) - a - 1);
  std::istringstream alerts(ReadWholeFile(case_dir / "alerts.jsonl"));
  std::getline(alerts, line);
  while (std::getline(alerts, line)) {
    if (line.find(top) != std::string::npos) return nlohmann::json::parse(line)["alert_id"].get<std::string>();
  }
  return "";
}

class ReproduceCliTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    setenv("SOURCE_DATE_EPOCH", "1767225600", 1);
    setenv("MONEYTRAIL_CHROMIUM", "/bin/false", 1);
    dir_ = new TempDir();
    Result<generate::GenerateOptions> g = generate::PresetOptions("tiny");
    ASSERT_TRUE(g.ok());
    g->out_dir = (dir_->path() / "bank").string();
    g->seed = 5;
    g->threads = 1;
    ASSERT_TRUE(generate::Generate(*g).ok());
    RunResult r = RunMoneytrail(
        {"investigate", "--store", (dir_->path() / "store").string(),
         (dir_->path() / "bank" / "transactions.csv").string(), "--format", "native", "--parties",
         (dir_->path() / "bank").string(), "--out", Case().string(), "--top", "4", "--no-pdf"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() {
    delete dir_;
    unsetenv("SOURCE_DATE_EPOCH");
    unsetenv("MONEYTRAIL_CHROMIUM");
  }
  static fs::path Case() { return dir_->path() / "case"; }
  static RunResult Pack(const std::string& name) {
    return RunMoneytrail({"exhibit", Case().string(), "--subject", "1", "--out", (dir_->path() / name).string(),
                          "--key", (dir_->path() / "key").string()});
  }
  static TempDir* dir_;
};
TempDir* ReproduceCliTest::dir_ = nullptr;

TEST_F(ReproduceCliTest, ExcludeThenReproduceThroughTheStages) {
  const std::string alert = TopSubjectsAlert(Case());
  ASSERT_FALSE(alert.empty());
  const std::string alerts_before = ReadWholeFile(Case() / "alerts.jsonl");
  RunResult r = RunMoneytrail({"exclude", Case().string(), "--alert", alert, "--reason",
                               "reviewed: the employer's payroll", "--by", "SA Ruiz", "--when", "2026-12-06"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("re-ran: rank, trace, report, exhibits"), std::string::npos) << r.out;
  EXPECT_EQ(ReadWholeFile(Case() / "alerts.jsonl"), alerts_before);
  EXPECT_NE(ReadWholeFile(Case() / "custody.json").find("reviewed: the employer's payroll"), std::string::npos);
  // An unknown alert: exit 1 (not found), naming it.
  r = RunMoneytrail({"exclude", Case().string(), "--alert", "NO-SUCH-1", "--reason", "x", "--by", "SA Ruiz"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("NO-SUCH-1"), std::string::npos) << r.err;

  r = Pack("pack");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // The pack lists the case's manual exclusion with who, when and why.
  const std::string decisions = ReadWholeFile(dir_->path() / "pack" / "case-exclusions.csv");
  EXPECT_NE(decisions.find(alert + ",exclude,SA Ruiz,2026-12-06,reviewed: the employer's payroll"), std::string::npos)
      << decisions;
  r = RunMoneytrail({"reproduce", (dir_->path() / "pack").string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("case files re-run through the investigation's stages: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("result: byte-identical"), std::string::npos) << r.out;

  // The exclusion removed from the pack's record of the case: tampering, and the re-run's
  // ranking differs, named by file and line.
  const fs::path custody = dir_->path() / "pack" / "case-custody.json";
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(ReadWholeFile(custody));
  j.erase("manual_exclusions");
  WriteWholeFile(custody, j.dump(2) + "\n");
  r = RunMoneytrail({"reproduce", (dir_->path() / "pack").string()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("TAMPERED case-custody.json"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("DIFFERS case/subjects.csv: line 2: the case has"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("result: NOT reproduced"), std::string::npos) << r.out;

  // Undone with --include: recorded too.
  r = RunMoneytrail({"exclude", Case().string(), "--alert", alert, "--include", "--reason",
                     "payroll not supported by the records", "--by", "SSA Chen", "--when", "2026-12-07"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string c = ReadWholeFile(Case() / "custody.json");
  EXPECT_NE(c.find("\"action\": \"include\""), std::string::npos) << c;
  EXPECT_NE(c.find("SSA Chen"), std::string::npos);
}

TEST_F(ReproduceCliTest, OneByteOfTheCasesConfigurationChangedIsNamed) {
  RunResult r = Pack("pack-byte");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const fs::path custody = dir_->path() / "pack-byte" / "case-custody.json";
  std::string text = ReadWholeFile(custody);
  const std::string from = "\"top subjects\": \"4\"";
  const size_t at = text.find(from);
  ASSERT_NE(at, std::string::npos) << text;
  text[at + from.size() - 2] = '3';  // one byte: 4 -> 3
  WriteWholeFile(custody, text);
  r = RunMoneytrail({"reproduce", (dir_->path() / "pack-byte").string()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("TAMPERED case-custody.json"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("DIFFERS case/report.html: line "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("DIFFERS case/trails/04-"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace moneytrail
