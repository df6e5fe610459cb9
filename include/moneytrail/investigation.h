// The main job as a sequence of named stages (issue 21, item 8; docs/investigate.md, Stages).
// `cases::Investigate` (investigate.h) runs them all in order; the CLI, `reproduce` and the
// workspace server's background jobs use this class to run the same stages up to a point,
// re-run one after a manual exclusion, and report progress, so there is one place that runs the
// pipeline. Each stage declares what it reads and what it produces (StageSpecs); the case's
// custody.json records every stage that ran, its declared inputs and the files it wrote.
//
//   ingest    the given source files into the store (skipped when no files are given)
//   verify    open the store, check it and read the statements' integrity and enrichment
//   resolve   the KYC holders and entities (given, or attached by `moneytrail resolve --store`)
//   rules     the red-flag rule packs over the store
//   patterns  pattern instances of the temporal graph
//   score     the model's calibrated probabilities (or why it does not apply)
//   rank      subjects (accounts or entities) ranked by evidence, minus manual exclusions
//   trace     LIBR forward traces of the top subjects' flagged money
//   report    the report's data; trails/, schedules/, alerts.jsonl, subjects.csv, report.html
//   exhibits  report.pdf (stamped, paginated), custody.json; the case directory published
//
// Example (a server job: run to the ranking, show it, exclude an alert, re-rank, finish):
//   MT_ASSIGN_OR_RETURN(cases::Investigation job, cases::Investigation::Begin(options));
//   job.set_progress([&](cases::Stage s, double f) { Publish(cases::StageName(s), f); });
//   MT_RETURN_IF_ERROR(job.RunThrough(cases::Stage::kRank));
//   job.Exclude({.alert_id = "R07-000012", .who = "SA Ruiz", .when = "2026-12-06", .why = "..."});
//   MT_RETURN_IF_ERROR(job.Rerun(cases::Stage::kRank));   // rank again; later stages are stale
//   MT_RETURN_IF_ERROR(job.RunThrough(cases::Stage::kExhibits));
//   MT_ASSIGN_OR_RETURN(cases::CaseSummary summary, job.Summary());
//
// Output: the same options give the same case directory whether the stages run in one call or
// several (tests/cases/investigation_test.cc compares them byte for byte).
// Thread safety: an Investigation is used by one thread at a time; stages use `threads` workers.
#ifndef MONEYTRAIL_INVESTIGATION_H_
#define MONEYTRAIL_INVESTIGATION_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "moneytrail/investigate.h"
#include "moneytrail/status.h"

namespace moneytrail::cases {

// The stages, in the order they run.
enum class Stage : uint8_t {
  kIngest,
  kVerify,
  kResolve,
  kRules,
  kPatterns,
  kScore,
  kRank,
  kTrace,
  kReport,
  kExhibits,
};
inline constexpr size_t kStageCount = 10;

// What a stage is, what it reads and what it produces. Inputs name outer inputs ("source files",
// "rule packs") or the products of earlier stages ("alerts"); every input that is a product is
// the output of an earlier stage.
struct StageSpec {
  Stage stage;
  std::string_view name;  // "ingest", "verify", ... (the progress callback's and custody's name)
  std::string_view what;  // one line
  std::vector<std::string_view> inputs;
  std::vector<std::string_view> outputs;
};

// The stages in run order; StageSpecs()[static_cast<size_t>(s)].stage == s.
const std::vector<StageSpec>& StageSpecs();
std::string_view StageName(Stage stage);
// InvalidArgument listing the names when `name` is none of them.
Result<Stage> StageFromName(std::string_view name);

// A manual exclusion (United States v. Patterson: every one recorded with who, when and why):
// the alert is kept out of the ranking and out of the subjects' sections of the report; it stays
// in alerts.jsonl, which lists every alert of the scan. An inclusion (action "include") undoes an
// earlier exclusion of the same alert and is recorded the same way. The report's configuration
// and custody.json ("manual_exclusions") list every exclusion and inclusion, in the order made.
struct Exclusion {
  std::string alert_id;  // rules::Alert::alert_id, "R07-000012"
  std::string who;
  std::string when;
  std::string why;
  std::string action = "exclude";  // "exclude" or "include"
};

// What custody.json records of a stage that ran.
struct StageRecord {
  std::string name;
  std::vector<std::string> inputs;   // as declared (StageSpec::inputs)
  std::vector<std::string> outputs;  // as declared
  std::vector<std::string> files;    // the case files it wrote (relative paths), in order
  uint32_t runs = 0;                 // 1, or more when it was re-run
};

// What a case directory records of the job that wrote it (custody.json): enough to run the same
// stages again, for `moneytrail exclude` (re-rank a finished case) and `moneytrail reproduce`.
struct CaseRecipe {
  // The options of the job: store, KYC, entities, model, rule packs (as the case names them:
  // a relative path is read from the working directory), rule overrides, top, trace hops,
  // threads, net worth files, the report's title, number, agency, author, marking, exhibit
  // stamp and paper, the generation time; `out` is the case directory, `pdf` whether it holds
  // report.pdf. Never `files`: the store is read as it is.
  InvestigateOptions options;
  std::string store_manifest_sha256;  // the store state the case analysed
  std::vector<Exclusion> decisions;   // manual exclusions and inclusions, in the order made
  std::vector<StageRecord> stages;    // as custody.json records them
  // Every output custody.json lists: relative path -> SHA-256.
  std::vector<std::pair<std::string, std::string>> outputs;
};

// Reads a case's custody.json (its text; `case_dir` is where the case is). InvalidArgument
// naming `origin` and the key that is missing or not as moneytrail writes it.
Result<CaseRecipe> ParseCaseRecipe(std::string_view custody_json, std::string_view origin,
                                   const std::filesystem::path& case_dir);
// The same from CASE_DIR/custody.json (NotFound/IoError when it cannot be read).
Result<CaseRecipe> ReadCaseRecipe(const std::filesystem::path& case_dir);

// A file of a re-run case that is not what the recorded case holds.
struct CaseDifference {
  std::string file;  // relative to the case directory
  std::string what;  // "line 3: the case has '...', the re-run gives '...'", or the SHA-256s
};
struct CaseRerun {
  uint64_t files_compared = 0;
  std::vector<CaseDifference> differences;
  std::vector<std::string> notes;  // what is not compared (report.pdf, custody.json) and why
};
// Runs the job `recipe` describes again, every stage in the same order, with its manual
// exclusions and inclusions, into `scratch_case` (a new directory, removed by the caller), and
// compares every output the recipe lists (but report.pdf, which Chromium stamps with its own
// date, and custody.json, which records the run) with the SHA-256 it records. A difference names
// the first differing line when the recorded case directory still holds the file as recorded.
// An error only when the job cannot run at all (its message names the stage).
Result<CaseRerun> RerunCase(const CaseRecipe& recipe, const std::filesystem::path& scratch_case);

// Records a manual exclusion (decision.action "exclude") or inclusion ("include") in the
// finished case at `case_dir` and re-runs only the stages after the scores (rank, trace, report,
// exhibits), which replace the case directory; the earlier stages are rebuilt in memory from the
// same store and configuration (Investigation::Resume) and keep their custody records. An empty
// `when` is the generation time. Errors as Resume, Exclude and Include (NotFound for an alert
// the scan does not hold); on error the case directory is unchanged. `progress` may be empty.
// Shared by `moneytrail exclude` and the server's exclusion routes.
Result<CaseSummary> DecideInCase(const std::filesystem::path& case_dir, Exclusion decision,
                                 const std::function<void(Stage, double)>& progress = {});

class Investigation {
 public:
  // Checks the options (InvalidArgument, FailedPrecondition as Investigate) and refuses a case
  // directory over the store, the files to ingest or a directory that is not a case. Runs
  // nothing. The generation time is fixed here (SOURCE_DATE_EPOCH, else now).
  static Result<Investigation> Begin(const InvestigateOptions& options);
  Investigation(Investigation&&) noexcept;
  Investigation& operator=(Investigation&&) noexcept;
  ~Investigation();  // removes the unpublished temporary case directory, if any

  // Called with each stage as it runs and the fraction of it done (0..1); replaces
  // options.progress for this job. May be empty.
  void set_progress(std::function<void(Stage, double)> progress);

  // Runs, in order, every stage up to and including `last` that has not run (or was made stale
  // by Rerun). An error names the stage ("rules: ...") and leaves the stages before it done; the
  // case directory is published only by kExhibits.
  Status RunThrough(Stage last);
  // Runs `stage` again (its earlier stages must have run: FailedPrecondition otherwise) and
  // marks every later stage stale, so that the next RunThrough re-runs them with its new output.
  Status Rerun(Stage stage);
  // Continues a finished case (`moneytrail exclude`): begins a job with the recipe's options,
  // checks that the store is the state the case analysed (FailedPrecondition otherwise), replays
  // its manual exclusions and inclusions, and runs every stage up to and including `through` to
  // rebuild their products in memory. Those stages keep the runs custody recorded (their
  // products are the same: nothing of theirs is run again for the case), so that after
  // Exclude/Include a RunThrough(Stage::kExhibits) re-runs only the stages after `through`,
  // counted once more, and replaces the case directory.
  static Result<Investigation> Resume(const CaseRecipe& recipe, Stage through);

  // Records a manual exclusion; it takes effect when kRank next runs (Rerun(Stage::kRank) after
  // the ranking has run). InvalidArgument when a field is empty or the alert is already excluded;
  // NotFound, when the rules have run, for an alert id the scan does not hold.
  Status Exclude(Exclusion exclusion);
  // Undoes the exclusion of `inclusion.alert_id` (recorded with action "include"); takes effect
  // as Exclude does. InvalidArgument when a field is empty; NotFound when the alert is not
  // excluded.
  Status Include(Exclusion inclusion);

  // Whether `stage` has run and is not stale.
  bool done(Stage stage) const;
  // The next stage RunThrough would run, or nullopt when all have run.
  std::optional<Stage> next() const;
  // The stages that ran, in order, with their declared inputs and outputs and the files written.
  std::vector<StageRecord> records() const;
  // The exclusions in force, and every exclusion and inclusion in the order made.
  const std::vector<Exclusion>& exclusions() const;
  const std::vector<Exclusion>& decisions() const;

  // The generation time the job prints (options.generated_at, SOURCE_DATE_EPOCH or its start).
  const std::string& generated_at() const;

  // The summary of a finished job. FailedPrecondition until kExhibits has run.
  Result<CaseSummary> Summary() const;

  struct State;  // internal (src/cases/investigation_state.h)

 private:
  explicit Investigation(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace moneytrail::cases

#endif  // MONEYTRAIL_INVESTIGATION_H_
