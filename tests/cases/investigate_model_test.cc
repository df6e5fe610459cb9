// The model's part in `moneytrail investigate` (issue 20 item 2; docs/model.md, Applicability):
// the real binary picks the model variant the input's features support, shows its calibrated
// probability in its own column, and when the model does not apply says so in one sentence
// (console, report, custody) and gives the ranking no model input.
//
// The model is trained here, on the tiny world (seed 3) twice over: as generated and rewritten
// date-only (bank ids prefixed so the copies share no account), so that it has seen both forms,
// as the bundled model has (bench/model_default_worlds.sh). The inputs are another seed (4),
// rewritten date-only (channels kept: the variant without hour-of-day applies) and date-only
// with every channel unknown (a form training never held: the model does not apply).
#include <algorithm>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/run_binary.h"
#include "moneytrail/generate.h"
#include "moneytrail/ingest.h"
#include "moneytrail/model.h"
#include "moneytrail/store.h"

namespace moneytrail {
namespace {

namespace fs = std::filesystem;
using test_util::ReadWholeFile;
using test_util::RunMoneytrail;
using test_util::TempDir;

// The world's native CSV rewritten: bank ids (fields 2 and 5) prefixed, every time at 00:00:00
// UTC of its day when `date_only`, every channel (field 11) `unknown` when `unknown_channel`.
// The generator's fields 0..11 hold no quotes or commas.
void Rewrite(const fs::path& in, const fs::path& out, const std::string& prefix, bool date_only,
             bool unknown_channel) {
  std::ifstream is(in);
  std::ofstream os(out, std::ios::app);
  std::string line;
  std::getline(is, line);
  if (fs::file_size(out) == 0) os << line << '\n';
  while (std::getline(is, line)) {
    if (line.empty()) continue;
    std::vector<std::string> f;
    size_t start = 0;
    for (int k = 0; k < 12; ++k) {
      const size_t comma = line.find(',', start);
      f.push_back(line.substr(start, comma - start));
      start = comma + 1;
    }
    if (date_only) f[0] = f[0].substr(0, 10) + "T00:00:00Z";
    f[2] = prefix + f[2];
    f[5] = prefix + f[5];
    if (unknown_channel) f[11] = "unknown";
    for (const std::string& v : f) os << v << ',';
    os << line.substr(start) << '\n';
  }
}

std::string Generate(const fs::path& dir, uint64_t seed) {
  auto o = generate::PresetOptions("tiny");
  EXPECT_TRUE(o.ok());
  o->out_dir = dir.string();
  o->seed = seed;
  o->threads = 2;
  EXPECT_TRUE(generate::Generate(*o).ok());
  return (dir / "transactions.csv").string();
}

// The model_probability column of every row of subjects.csv (found by its header name).
std::vector<std::string> Probabilities(const std::string& csv) {
  std::vector<std::string> out;
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  const size_t at = line.find(",model_probability,");
  EXPECT_NE(at, std::string::npos) << line;
  if (at == std::string::npos) return out;
  // The header's fields before it; the first fields of a row (rank, subject, holder, tiers and
  // points) hold no comma here (no KYC, account labels).
  const int before = static_cast<int>(std::count(line.begin(), line.begin() + static_cast<long>(at), ',')) + 1;
  while (std::getline(in, line)) {
    size_t start = 0;
    for (int k = 0; k < before; ++k) start = line.find(',', start) + 1;
    out.push_back(line.substr(start, line.find(',', start) - start));
  }
  return out;
}

class InvestigateModelTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const fs::path d = dir_->path();
    const std::string train_world = Generate(d / "train-world", 3);
    std::ofstream(d / "train.csv").close();
    Rewrite(train_world, d / "train.csv", "T-", false, false);
    Rewrite(train_world, d / "train.csv", "D-", true, false);
    IngestOptions io;
    io.format = "native";
    io.threads = 2;
    ASSERT_TRUE(Ingest(d / "train-store", {d / "train.csv"}, io).ok());
    auto s = store::Store::Open(d / "train-store");
    ASSERT_TRUE(s.ok());
    auto labels = model::LoadLabels(*s, "from-store");
    ASSERT_TRUE(labels.ok());
    model::TrainOptions to;
    to.params.max_rounds = 30;
    to.params.early_stopping_rounds = 10;
    to.params.threads = 2;
    auto bundle = model::Train(*s, *labels, model::TemporalSplit{}, to);
    ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
    ASSERT_TRUE(bundle->Save(d / "mixed.model").ok());

    const std::string input_world = Generate(d / "input-world", 4);
    for (const auto& [name, unknown] : {std::pair{"date-only", false}, {"statement", true}}) {
      std::ofstream(d / (std::string(name) + ".csv")).close();
      Rewrite(input_world, d / (std::string(name) + ".csv"), "", true, unknown);
    }
    date_only_ = new test_util::RunResult(Investigate("date-only"));
    statement_ = new test_util::RunResult(Investigate("statement"));
  }
  static test_util::RunResult Investigate(const std::string& name) {
    const fs::path d = dir_->path();
    return RunMoneytrail({"investigate", "--store", (d / (name + "-store")).string(),
                          (d / (name + ".csv")).string(), "--format", "native", "--model",
                          (d / "mixed.model").string(), "--out", (d / (name + "-case")).string(),
                          "--no-pdf", "--top", "3", "--threads", "2"});
  }
  static void TearDownTestSuite() {
    delete date_only_;
    delete statement_;
    delete dir_;
  }
  static std::string CaseFile(const std::string& name, const char* file) {
    return ReadWholeFile(dir_->path() / (name + "-case") / file);
  }

  static TempDir* dir_;
  static test_util::RunResult* date_only_;
  static test_util::RunResult* statement_;
};
TempDir* InvestigateModelTest::dir_ = nullptr;
test_util::RunResult* InvestigateModelTest::date_only_ = nullptr;
test_util::RunResult* InvestigateModelTest::statement_ = nullptr;

TEST_F(InvestigateModelTest, DateOnlyInputIsScoredByTheVariantWithoutHourFeatures) {
  ASSERT_EQ(date_only_->exit_code, 0) << date_only_->out << date_only_->err;
  const std::string sentence =
      "The model variant (main_without_time_of_day) was used: model applied without hour-of-day "
      "features: the input is date-only (100% of rows at 00:00:00 UTC)";
  EXPECT_NE(date_only_->out.find(sentence), std::string::npos) << date_only_->out;
  EXPECT_NE(CaseFile("date-only", "report.html").find(sentence), std::string::npos);
  const nlohmann::json custody = nlohmann::json::parse(CaseFile("date-only", "custody.json"));
  EXPECT_EQ(custody["configuration"]["model applied"], "main_without_time_of_day");
  // Its own column: a calibrated probability for every subject.
  const std::vector<std::string> p = Probabilities(CaseFile("date-only", "subjects.csv"));
  ASSERT_FALSE(p.empty());
  for (const std::string& v : p) {
    ASSERT_FALSE(v.empty());
    EXPECT_GE(std::stod(v), 0.0);
    EXPECT_LE(std::stod(v), 1.0);
  }
  EXPECT_EQ(date_only_->out.find("hour of day"), std::string::npos);
}

TEST_F(InvestigateModelTest, StatementInputGetsNoModelInputAndTheSentenceSaysWhy) {
  ASSERT_EQ(statement_->exit_code, 0) << statement_->out << statement_->err;
  // Training held no unknown channels; it held date-only rows (half), so that is not a reason.
  const std::string start =
      "The model does not apply to this input, so the ranking uses rules and patterns alone: "
      "channel unknown on 100% vs 0%";
  const nlohmann::json custody = nlohmann::json::parse(CaseFile("statement", "custody.json"));
  EXPECT_EQ(custody["configuration"]["model applied"], "none");
  const std::string sentence = custody["configuration"]["model applicability"];
  EXPECT_EQ(sentence.rfind(start, 0), 0u) << sentence;
  EXPECT_EQ(sentence.find("date-only"), std::string::npos) << sentence;
  EXPECT_EQ(sentence.back(), '.');
  EXPECT_NE(statement_->out.find("  " + sentence + "\n"), std::string::npos) << statement_->out;
  EXPECT_NE(CaseFile("statement", "report.html").find(sentence), std::string::npos);
  EXPECT_NE(statement_->out.find(" 0 transactions flagged by the model"), std::string::npos)
      << statement_->out;
  const std::vector<std::string> p = Probabilities(CaseFile("statement", "subjects.csv"));
  ASSERT_FALSE(p.empty());
  for (const std::string& v : p) EXPECT_EQ(v, "");
  EXPECT_NE(CaseFile("statement", "report.html").find("no model input"), std::string::npos);
}

}  // namespace
}  // namespace moneytrail
