// The investigation as stages (moneytrail/investigation.h): running the stages in one call or in
// several gives byte-identical case directories; progress names every stage in order; a manual
// exclusion followed by a re-run of the ranking takes the alert out of the ranking and records
// it; the runner refuses what it cannot do. One generated tiny world, shared by the tests.
#include "moneytrail/investigation.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/run_binary.h"
#include "moneytrail/generate.h"

namespace moneytrail::cases {
namespace {

namespace fs = std::filesystem;
using test_util::ReadWholeFile;
using test_util::TempDir;

// Every file under `dir`, relative path -> bytes.
std::map<std::string, std::string> Files(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const fs::directory_entry& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out[e.path().lexically_relative(dir).generic_string()] = ReadWholeFile(e.path());
  }
  return out;
}

class InvestigationTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    setenv("SOURCE_DATE_EPOCH", "1767225600", 1);  // the generation time, fixed
    dir_ = new TempDir();
    Result<generate::GenerateOptions> g = generate::PresetOptions("tiny");
    ASSERT_TRUE(g.ok());
    g->out_dir = (dir_->path() / "bank").string();
    g->seed = 5;
    g->threads = 1;
    ASSERT_TRUE(generate::Generate(*g).ok());
    // The first job ingests; the others read the store it made.
    InvestigateOptions first = Options("case-ingest");
    first.files = {dir_->path() / "bank" / "transactions.csv"};
    first.ingest.format = "native";
    Result<CaseSummary> s = Investigate(first);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
  }
  static void TearDownTestSuite() {
    delete dir_;
    unsetenv("SOURCE_DATE_EPOCH");
  }
  static InvestigateOptions Options(const std::string& out) {
    InvestigateOptions o;
    o.store = dir_->path() / "store";
    o.parties = dir_->path() / "bank";
    o.out = dir_->path() / out;
    o.top = 5;
    o.threads = 2;
    o.pdf = false;  // Chromium stamps its own creation date into the PDF
    return o;
  }
  static TempDir* dir_;
};
TempDir* InvestigationTest::dir_ = nullptr;

TEST_F(InvestigationTest, StagesRunInSeveralCallsWriteTheSameCaseAsOneCall) {
  ASSERT_TRUE(Investigate(Options("one-call")).ok());
  Result<Investigation> job = Investigation::Begin(Options("several"));
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  ASSERT_TRUE(job->RunThrough(Stage::kRules).ok());
  EXPECT_TRUE(job->done(Stage::kRules));
  EXPECT_FALSE(job->done(Stage::kPatterns));
  ASSERT_EQ(job->next(), Stage::kPatterns);
  ASSERT_TRUE(job->RunThrough(Stage::kTrace).ok());
  EXPECT_FALSE(fs::exists(dir_->path() / "several")) << "nothing is published before the exhibits stage";
  ASSERT_TRUE(job->RunThrough(Stage::kExhibits).ok());
  EXPECT_EQ(job->next(), std::nullopt);
  const auto a = Files(dir_->path() / "one-call");
  const auto b = Files(dir_->path() / "several");
  ASSERT_GT(a.size(), 5u);
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [name, bytes] : a) {
    ASSERT_TRUE(b.count(name)) << name;
    EXPECT_TRUE(bytes == b.at(name)) << name << " differs";
  }
}

TEST_F(InvestigationTest, ProgressNamesEveryStageInOrderAndCustodyRecordsThem) {
  std::vector<std::string> seen;
  InvestigateOptions o = Options("progress");
  o.progress = [&](std::string_view stage, double fraction) {
    EXPECT_GE(fraction, 0.0);
    EXPECT_LE(fraction, 1.0);
    if (seen.empty() || seen.back() != stage) seen.emplace_back(stage);
  };
  Result<CaseSummary> s = Investigate(o);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  // No files to ingest: the ingest stage does not run.
  const std::vector<std::string> expected = {"verify", "resolve", "rules",  "patterns", "score",
                                             "rank",   "trace",   "report", "exhibits"};
  EXPECT_EQ(seen, expected);
  nlohmann::json custody = nlohmann::json::parse(ReadWholeFile(dir_->path() / "progress" / "custody.json"));
  ASSERT_TRUE(custody.contains("stages")) << custody.dump(1);
  std::vector<std::string> recorded;
  std::set<std::string> files;
  for (const auto& st : custody["stages"]) {
    recorded.push_back(st["name"].get<std::string>());
    EXPECT_FALSE(st["inputs"].empty()) << st.dump();
    EXPECT_FALSE(st["outputs"].empty()) << st.dump();
    for (const auto& f : st["files"]) files.insert(f.get<std::string>());
  }
  EXPECT_EQ(recorded, expected);
  // Every output the custody lists was written by a stage that says so.
  for (const auto& out : custody["outputs"]) {
    const std::string path = out["path"].get<std::string>();
    if (path != "custody.json") {
      EXPECT_TRUE(files.count(path)) << path;
    }
  }
}

TEST_F(InvestigationTest, ExcludedAlertsLeaveTheRankingAfterARerun) {
  Result<Investigation> job = Investigation::Begin(Options("excluded"));
  ASSERT_TRUE(job.ok());
  EXPECT_EQ(job->Rerun(Stage::kRank).code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(job->RunThrough(Stage::kRank).ok());
  EXPECT_EQ(job->Exclude({.alert_id = "NO-SUCH-000001", .who = "SA Ruiz", .when = "2026-12-06",
                          .why = "test"}).code(),
            StatusCode::kNotFound);
  // Every alert of the scan, from the case written with the same options.
  std::istringstream alerts(ReadWholeFile(dir_->path() / "case-ingest" / "alerts.jsonl"));
  std::vector<std::string> ids;
  std::string line;
  std::getline(alerts, line);  // the scan's header
  while (std::getline(alerts, line)) ids.push_back(nlohmann::json::parse(line)["alert_id"].get<std::string>());
  ASSERT_FALSE(ids.empty());
  EXPECT_EQ(job->Exclude({.alert_id = ids[0], .who = "SA Ruiz", .when = "2026-12-06", .why = ""}).code(),
            StatusCode::kInvalidArgument);
  for (const std::string& id : ids) {
    ASSERT_TRUE(job->Exclude({.alert_id = id, .who = "SA Ruiz", .when = "2026-12-06",
                              .why = "reviewed: a payroll run"}).ok());
  }
  EXPECT_EQ(job->Exclude({.alert_id = ids[0], .who = "SA Ruiz", .when = "2026-12-06", .why = "again"}).code(),
            StatusCode::kInvalidArgument);
  ASSERT_TRUE(job->Rerun(Stage::kRank).ok());
  EXPECT_FALSE(job->done(Stage::kTrace));
  ASSERT_TRUE(job->RunThrough(Stage::kExhibits).ok());
  Result<CaseSummary> s = job->Summary();
  ASSERT_TRUE(s.ok());
  for (const SubjectRow& row : s->top) EXPECT_EQ(row.alerts, 0u) << row.subject;
  const std::string custody = ReadWholeFile(dir_->path() / "excluded" / "custody.json");
  EXPECT_NE(custody.find("reviewed: a payroll run"), std::string::npos);
  EXPECT_NE(custody.find(ids.back()), std::string::npos);
  EXPECT_NE(ReadWholeFile(dir_->path() / "excluded" / "report.html").find("manual exclusion"),
            std::string::npos);
  // The rank stage ran twice; custody says so.
  nlohmann::json c = nlohmann::json::parse(custody);
  bool rank_twice = false;
  for (const auto& st : c["stages"]) rank_twice |= st["name"] == "rank" && st["runs"] == 2;
  EXPECT_TRUE(rank_twice);
}

// custody.json's stage records by name.
std::map<std::string, nlohmann::json> StageRecords(const fs::path& case_dir) {
  std::map<std::string, nlohmann::json> out;
  nlohmann::json c = nlohmann::json::parse(ReadWholeFile(case_dir / "custody.json"));
  for (const auto& st : c["stages"]) out[st["name"].get<std::string>()] = st;
  return out;
}

// The alert of the top subject: excluding it changes the ranking.
std::string TopSubjectsFirstAlert(const fs::path& case_dir) {
  std::istringstream alerts(ReadWholeFile(case_dir / "alerts.jsonl"));
  std::istringstream subjects(ReadWholeFile(case_dir / "subjects.csv"));
  std::string line;
  std::getline(subjects, line);
  std::getline(subjects, line);
  const size_t a = line.find(',');
  const std::string top = line.substr(a + 1, line.find(',', a + 1) - a - 1);
  std::getline(alerts, line);
  while (std::getline(alerts, line)) {
    nlohmann::json j = nlohmann::json::parse(line);
    if (j.dump().find(top) != std::string::npos) return j["alert_id"].get<std::string>();
  }
  return "";
}

TEST_F(InvestigationTest, ExcludeInAFinishedCaseRerunsOnlyTheStagesAfterTheScores) {
  const fs::path dir = dir_->path() / "decide";
  ASSERT_TRUE(Investigate(Options("decide")).ok());
  const auto before = Files(dir);
  const auto records_before = StageRecords(dir);
  const std::string alert = TopSubjectsFirstAlert(dir);
  ASSERT_FALSE(alert.empty());
  // An alert the scan does not hold: refused, the case untouched.
  EXPECT_EQ(DecideInCase(dir, {.alert_id = "NO-SUCH-000001", .who = "SA Ruiz", .when = "2026-12-06",
                               .why = "test"}).status().code(),
            StatusCode::kNotFound);
  EXPECT_TRUE(Files(dir) == before);
  Result<CaseSummary> s = DecideInCase(
      dir, {.alert_id = alert, .who = "SA Ruiz", .when = "2026-12-06", .why = "reviewed: a payroll run"});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  const auto after = Files(dir);
  // The stages before the ranking: their product (the scan's alerts) byte-identical, their
  // custody records unchanged; the later ones ran once more.
  EXPECT_TRUE(before.at("alerts.jsonl") == after.at("alerts.jsonl"));
  EXPECT_FALSE(before.at("subjects.csv") == after.at("subjects.csv")) << "the top subject's alert left the ranking";
  const auto records_after = StageRecords(dir);
  for (const char* name : {"verify", "resolve", "rules", "patterns", "score"}) {
    ASSERT_TRUE(records_after.count(name)) << name;
    EXPECT_EQ(records_before.at(name), records_after.at(name)) << name;
  }
  for (const char* name : {"rank", "trace", "report", "exhibits"}) {
    EXPECT_EQ(records_after.at(name)["runs"], 2) << name;
  }
  nlohmann::json custody = nlohmann::json::parse(after.at("custody.json"));
  ASSERT_EQ(custody["manual_exclusions"].size(), 1u);
  EXPECT_EQ(custody["manual_exclusions"][0]["alert_id"], alert);
  EXPECT_EQ(custody["manual_exclusions"][0]["action"], "exclude");
  EXPECT_EQ(custody["manual_exclusions"][0]["who"], "SA Ruiz");
  EXPECT_NE(after.at("report.html").find("reviewed: a payroll run"), std::string::npos);
  // Excluded twice: refused.
  EXPECT_EQ(DecideInCase(dir, {.alert_id = alert, .who = "SA Ruiz", .when = "2026-12-07", .why = "again"})
                .status().code(),
            StatusCode::kInvalidArgument);
  // Counted again: the ranking is the first one; both decisions are recorded.
  s = DecideInCase(dir, {.alert_id = alert, .who = "SSA Chen", .when = "2026-12-07",
                         .why = "payroll explanation not supported", .action = "include"});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  const auto again = Files(dir);
  EXPECT_TRUE(before.at("subjects.csv") == again.at("subjects.csv"));
  EXPECT_TRUE(before.at("alerts.jsonl") == again.at("alerts.jsonl"));
  custody = nlohmann::json::parse(again.at("custody.json"));
  ASSERT_EQ(custody["manual_exclusions"].size(), 2u);
  EXPECT_EQ(custody["manual_exclusions"][1]["action"], "include");
  EXPECT_EQ(custody["manual_exclusions"][1]["who"], "SSA Chen");
  EXPECT_NE(again.at("report.html").find("manual inclusion 2"), std::string::npos);
  EXPECT_EQ(StageRecords(dir).at("rank")["runs"], 3);
  // Undoing an exclusion that is not in force: refused.
  EXPECT_EQ(DecideInCase(dir, {.alert_id = alert, .who = "SSA Chen", .when = "2026-12-07", .why = "x",
                               .action = "include"}).status().code(),
            StatusCode::kNotFound);
}

TEST_F(InvestigationTest, ACaseReadBackFromCustodyRerunsByteIdentical) {
  InvestigateOptions o = Options("recipe");
  // A rule override and the report's dressing: recorded only when given, and read back.
  o.rule_overrides["ST-CTR.threshold"] = "\"9000.00\"";
  o.case_title = "Operation Test";
  o.marking = "LAW ENFORCEMENT SENSITIVE";
  o.a4 = true;
  Result<CaseSummary> made = Investigate(o);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  Result<CaseRecipe> recipe = ReadCaseRecipe(dir_->path() / "recipe");
  ASSERT_TRUE(recipe.ok()) << recipe.status().ToString();
  EXPECT_EQ(recipe->options.case_title, "Operation Test");
  EXPECT_EQ(recipe->options.marking, "LAW ENFORCEMENT SENSITIVE");
  EXPECT_TRUE(recipe->options.a4);
  EXPECT_EQ(recipe->options.rule_overrides, o.rule_overrides);
  EXPECT_EQ(recipe->options.top, 5u);
  EXPECT_EQ(recipe->options.threads, 2);
  Result<CaseRerun> rerun = RerunCase(*recipe, dir_->path() / "recipe-rerun");
  ASSERT_TRUE(rerun.ok()) << rerun.status().ToString();
  EXPECT_GT(rerun->files_compared, 5u);
  for (const CaseDifference& d : rerun->differences) ADD_FAILURE() << d.file << ": " << d.what;
}

TEST_F(InvestigationTest, ARerunNamesTheFirstDifferenceAfterOneByteOfConfigurationChanges) {
  ASSERT_TRUE(Investigate(Options("one-byte")).ok());
  std::string custody = ReadWholeFile(dir_->path() / "one-byte" / "custody.json");
  const std::string from = "\"top subjects\": \"5\"", to = "\"top subjects\": \"4\"";
  const size_t at = custody.find(from);
  ASSERT_NE(at, std::string::npos) << custody;
  custody.replace(at, from.size(), to);
  Result<CaseRecipe> recipe = ParseCaseRecipe(custody, "custody.json", dir_->path() / "one-byte");
  ASSERT_TRUE(recipe.ok()) << recipe.status().ToString();
  Result<CaseRerun> rerun = RerunCase(*recipe, dir_->path() / "one-byte-rerun");
  ASSERT_TRUE(rerun.ok()) << rerun.status().ToString();
  std::map<std::string, std::string> diff;
  for (const CaseDifference& d : rerun->differences) diff[d.file] = d.what;
  ASSERT_TRUE(diff.count("report.html")) << testing::PrintToString(diff);
  EXPECT_NE(diff["report.html"].find("line "), std::string::npos) << diff["report.html"];
  EXPECT_NE(diff["report.html"].find("the case has"), std::string::npos) << diff["report.html"];
  // The fifth subject's trail is no longer written.
  bool trail_gone = false;
  for (const auto& [file, what] : diff) trail_gone |= file.starts_with("trails/05-") && what.find("does not write") != std::string::npos;
  EXPECT_TRUE(trail_gone) << testing::PrintToString(diff);
}

TEST_F(InvestigationTest, ARerunNamesTheDifferenceWhenAnExclusionIsRemovedFromTheRecord) {
  const fs::path dir = dir_->path() / "removed";
  ASSERT_TRUE(Investigate(Options("removed")).ok());
  const std::string alert = TopSubjectsFirstAlert(dir);
  ASSERT_TRUE(DecideInCase(dir, {.alert_id = alert, .who = "SA Ruiz", .when = "2026-12-06", .why = "payroll"}).ok());
  Result<CaseRecipe> recipe = ReadCaseRecipe(dir);
  ASSERT_TRUE(recipe.ok()) << recipe.status().ToString();
  ASSERT_EQ(recipe->decisions.size(), 1u);
  // As recorded: identical.
  Result<CaseRerun> same = RerunCase(*recipe, dir_->path() / "removed-same");
  ASSERT_TRUE(same.ok()) << same.status().ToString();
  for (const CaseDifference& d : same->differences) ADD_FAILURE() << d.file << ": " << d.what;
  // The exclusion taken out of the record: the ranking differs, named by file and line.
  nlohmann::ordered_json custody = nlohmann::ordered_json::parse(ReadWholeFile(dir / "custody.json"));
  custody.erase("manual_exclusions");
  recipe = ParseCaseRecipe(custody.dump(2), "custody.json", dir);
  ASSERT_TRUE(recipe.ok());
  EXPECT_TRUE(recipe->decisions.empty());
  Result<CaseRerun> rerun = RerunCase(*recipe, dir_->path() / "removed-rerun");
  ASSERT_TRUE(rerun.ok()) << rerun.status().ToString();
  std::map<std::string, std::string> diff;
  for (const CaseDifference& d : rerun->differences) diff[d.file] = d.what;
  ASSERT_TRUE(diff.count("subjects.csv")) << testing::PrintToString(diff);
  EXPECT_NE(diff["subjects.csv"].find("line 2: the case has"), std::string::npos) << diff["subjects.csv"];
  EXPECT_FALSE(diff.count("alerts.jsonl")) << "every alert of the scan is listed either way";
}

TEST_F(InvestigationTest, ACaseOfAStoreNamedByARelativePathRerunsByteIdentical) {
  // trails/ and alerts.jsonl name the store as given: the re-run must name it the same way.
  const fs::path before = fs::current_path();
  fs::current_path(dir_->path());
  InvestigateOptions o = Options("relative");
  o.store = "store";
  Result<CaseSummary> made = Investigate(o);
  Result<CaseRecipe> recipe = ReadCaseRecipe(dir_->path() / "relative");
  Result<CaseRerun> rerun = recipe.ok() ? RerunCase(*recipe, dir_->path() / "relative-rerun")
                                        : Result<CaseRerun>(recipe.status());
  fs::current_path(before);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  ASSERT_TRUE(rerun.ok()) << rerun.status().ToString();
  EXPECT_EQ(recipe->options.store, fs::path("store"));
  EXPECT_GT(rerun->files_compared, 5u);
  for (const CaseDifference& d : rerun->differences) ADD_FAILURE() << d.file << ": " << d.what;
}

TEST_F(InvestigationTest, TheCaseTimelineSaysChannelsInWords) {
  // Found by tests/cases/report_defects.py on the demo: "Last transaction: cash_withdrawal, ...".
  ASSERT_TRUE(Investigate(Options("timeline")).ok());
  const std::string timeline = ReadWholeFile(dir_->path() / "timeline" / "schedules" / "timeline.csv");
  size_t rows = 0;
  for (size_t at = timeline.find("transaction,"); at != std::string::npos; at = timeline.find("transaction,", at + 1)) {
    ++rows;
  }
  ASSERT_GT(rows, 0u) << timeline;
  for (const char* code : {"cash_deposit", "cash_withdrawal", "money_transmitter"}) {
    EXPECT_EQ(timeline.find(code), std::string::npos) << code << "\n" << timeline;
  }
  for (const char* code : {"\"ach, ", "\"card, ", "\"internal, ", "\"unknown, "}) {
    EXPECT_EQ(timeline.find(code), std::string::npos) << code << "\n" << timeline;
  }
}

TEST(CaseRecipeTest, ACustodyThatIsNotACasesIsRefusedNamingTheKey) {
  EXPECT_EQ(ParseCaseRecipe("{}", "x/custody.json", "x").status().code(), StatusCode::kInvalidArgument);
  Result<CaseRecipe> r = ParseCaseRecipe(
      R"({"record":"moneytrail-case","generated_at":"2026-01-01T00:00:00Z","store":{"dir":"s","manifest_sha256":"ab"},)"
      R"("configuration":{"top subjects":"ten"},"stages":[],"outputs":[]})",
      "x/custody.json", "x");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("top subjects"), std::string::npos) << r.status().ToString();
  EXPECT_NE(r.status().message().find("x/custody.json"), std::string::npos) << r.status().ToString();
}

TEST(InvestigationStagesTest, NamesRoundTripAndInputsComeFromEarlierStages) {
  std::set<std::string> produced;
  std::set<std::string> all_outputs;
  for (const StageSpec& s : StageSpecs()) all_outputs.insert(s.outputs.begin(), s.outputs.end());
  size_t k = 0;
  for (const StageSpec& s : StageSpecs()) {
    EXPECT_EQ(static_cast<size_t>(s.stage), k++);
    Result<Stage> back = StageFromName(s.name);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, s.stage);
    for (std::string_view in : s.inputs) {
      // A product of a stage must come from an earlier one; other inputs are outer inputs.
      if (all_outputs.count(std::string(in))) {
        EXPECT_TRUE(produced.count(std::string(in))) << s.name << " reads " << in;
      }
    }
    produced.insert(s.outputs.begin(), s.outputs.end());
  }
  EXPECT_EQ(k, kStageCount);
  EXPECT_EQ(StageFromName("nonsense").status().code(), StatusCode::kInvalidArgument);
}

TEST(InvestigationStagesTest, BeginRefusesBadOptions) {
  InvestigateOptions o;
  EXPECT_EQ(Investigation::Begin(o).status().code(), StatusCode::kInvalidArgument);
  o.out = "/tmp/x";
  EXPECT_EQ(Investigation::Begin(o).status().code(), StatusCode::kInvalidArgument);
  o.store = "/tmp/y";
  o.top = 0;
  EXPECT_EQ(Investigation::Begin(o).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace moneytrail::cases
