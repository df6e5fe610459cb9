// The one place that runs the investigation's stages in order (moneytrail/investigation.h).
#include "moneytrail/investigation.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <ctime>
#include <thread>

#include "investigation_state.h"
#include "moneytrail/file_util.h"
#include "moneytrail/safe_text.h"
#include "moneytrail/time_format.h"

namespace moneytrail::cases {

namespace fs = std::filesystem;

namespace {

std::string NowIso() {
  // SOURCE_DATE_EPOCH (reproducible builds' convention) fixes the date for byte-identical output.
  if (const char* e = std::getenv("SOURCE_DATE_EPOCH"); e != nullptr && *e != '\0') {
    char* end = nullptr;
    long long v = std::strtoll(e, &end, 10);
    if (end != nullptr && *end == '\0') return FormatIsoTime(static_cast<Timestamp>(v));
  }
  return FormatIsoTime(static_cast<Timestamp>(std::time(nullptr)));  // ends in "Z" already
}

int Threads(int requested) {
  if (requested > 0) return requested;
  unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(hw);
}

using StageFunction = Status (*)(Investigation::State&);

constexpr StageFunction kRun[kStageCount] = {RunIngest, RunVerify,   RunResolve, RunRules,
                                             RunPatterns, RunScore, RunRank,    RunTrace,
                                             RunReport,   RunExhibits};

size_t Index(Stage s) { return static_cast<size_t>(s); }

}  // namespace

const std::vector<StageSpec>& StageSpecs() {
  static const std::vector<StageSpec> specs = {
      {Stage::kIngest, "ingest", "the given source files into the store, in one commit",
       {"source files", "ingest options (format, mappings)"}, {"store"}},
      {Stage::kVerify, "verify",
       "verify and enrich: open the store, check it holds transactions and that the case "
       "directory is not evidence; read the statements' checks and enrichment",
       {"store"}, {"store (opened)", "statement integrity"}},
      {Stage::kResolve, "resolve",
       "the KYC holders and entities, given or attached to the store by `moneytrail resolve`",
       {"store (opened)", "KYC directory", "entities file"}, {"holders", "entities", "shared identifiers"}},
      {Stage::kRules, "rules", "the red-flag rule packs over the store",
       {"store (opened)", "holders", "rule packs", "rule overrides"}, {"alerts"}},
      {Stage::kPatterns, "patterns", "pattern instances of the temporal graph",
       {"store (opened)"}, {"pattern instances"}},
      {Stage::kScore, "score", "the model's calibrated probabilities, or why it does not apply",
       {"store (opened)", "holders", "model"}, {"scores"}},
      {Stage::kRank, "rank", "subjects ranked by evidence, minus manual exclusions",
       {"store (opened)", "holders", "alerts", "pattern instances", "scores", "manual exclusions"},
       {"ranking"}},
      {Stage::kTrace, "trace", "forward LIBR traces of the top subjects' flagged money",
       {"store (opened)", "alerts", "scores", "ranking"}, {"traces"}},
      {Stage::kReport, "report",
       "the report's data; trails/, schedules/, alerts.jsonl, subjects.csv, report.html",
       {"store (opened)", "statement integrity", "holders", "shared identifiers", "alerts",
        "pattern instances", "scores", "ranking", "traces", "manual exclusions"},
       {"report data", "trails/", "schedules/", "alerts.jsonl", "subjects.csv", "patterns.jsonl",
        "shared.jsonl", "report.html"}},
      {Stage::kExhibits, "exhibits",
       "report.pdf printed (paginated, stamped); custody.json; the case directory published",
       {"report data", "report.html"}, {"report.pdf", "custody.json", "case directory"}},
  };
  return specs;
}

std::string_view StageName(Stage stage) { return StageSpecs()[Index(stage)].name; }

Result<Stage> StageFromName(std::string_view name) {
  std::string names;
  for (const StageSpec& s : StageSpecs()) {
    if (s.name == name) return s.stage;
    names += (names.empty() ? "" : ", ") + std::string(s.name);
  }
  return InvalidArgumentError(fmt::format("stage '{}': expected one of {}", Abbreviate(name), names));
}

Status Investigation::State::Write(const std::string& relative, std::string_view contents,
                                   std::string what) {
  MT_RETURN_IF_ERROR(writer->Write(relative, contents, std::move(what)));
  files[Index(current)].push_back(relative);
  return Status::Ok();
}

Investigation::Investigation(std::unique_ptr<State> state) : state_(std::move(state)) {}
Investigation::Investigation(Investigation&&) noexcept = default;
Investigation& Investigation::operator=(Investigation&&) noexcept = default;
Investigation::~Investigation() = default;

Result<Investigation> Investigation::Begin(const InvestigateOptions& o) {
  if (o.out.empty()) return InvalidArgumentError("no case directory (--out) given");
  if (o.store.empty()) return InvalidArgumentError("no store (--store) given");
  if (o.top == 0) return InvalidArgumentError("--top must be at least 1");
  auto state = std::make_unique<State>();
  state->o = o;
  state->final_dir = fs::absolute(o.out).lexically_normal();
  {
    // Refused before any work: a case directory over the store or the files to ingest, or over
    // a directory that is not a case (ForeignCaseFiles).
    ProtectedPaths before_ingest;
    before_ingest.dirs.push_back(o.store);
    before_ingest.dir_marker = "MANIFEST";
    for (const fs::path& f : o.files) before_ingest.files.push_back(f);
    MT_RETURN_IF_ERROR(CheckOutputDirectory(state->final_dir, "--out", before_ingest));
    MT_RETURN_IF_ERROR(ForeignCaseFiles(state->final_dir).status());
  }
  state->threads = Threads(o.threads);
  state->generated_at = o.generated_at.empty() ? NowIso() : o.generated_at;
  if (!o.entities.empty() && o.parties.empty()) {
    return InvalidArgumentError("--entities needs --parties (accounts.csv names each account's "
                                "holder party)");
  }
  if (o.progress) {
    auto given = o.progress;
    state->progress = [given](Stage s, double f) { given(StageName(s), f); };
  }
  return Investigation(std::move(state));
}

void Investigation::set_progress(std::function<void(Stage, double)> progress) {
  state_->progress = std::move(progress);
}

Status Investigation::RunThrough(Stage last) {
  State& st = *state_;
  for (size_t k = 0; k <= Index(last); ++k) {
    if (st.done[k]) continue;
    const Stage stage = static_cast<Stage>(k);
    // The ingest writes into the store: a job runs it once, never again; with no files to
    // ingest it does not run at all.
    if (stage == Stage::kIngest && (st.runs[k] > 0 || st.o.files.empty())) {
      st.done[k] = true;
      continue;
    }
    st.current = stage;
    st.warnings[k].clear();
    st.files[k].clear();
    const auto start = std::chrono::steady_clock::now();
    st.Progress(0);
    MT_RETURN_IF_ERROR(kRun[k](st));
    st.Progress(1);
    st.timings.push_back(
        {std::string(StageName(stage)),
         std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()});
    ++st.runs[k];
    st.done[k] = true;
    std::erase(st.order, stage);
    st.order.push_back(stage);
  }
  return Status::Ok();
}

Status Investigation::Rerun(Stage stage) {
  State& st = *state_;
  for (size_t k = 0; k < Index(stage); ++k) {
    if (!st.done[k]) {
      return FailedPreconditionError(fmt::format("cannot re-run stage {}: stage {} has not run",
                                                 StageName(stage), StageName(static_cast<Stage>(k))));
    }
  }
  // The case files are written into a fresh temporary by the report stage: printing and
  // publishing again need it.
  size_t from = Index(stage);
  if (stage == Stage::kExhibits) from = Index(Stage::kReport);
  for (size_t k = from; k < kStageCount; ++k) st.done[k] = false;
  st.summary.reset();
  return RunThrough(stage);
}

namespace {

Status CheckDecision(const Exclusion& e) {
  if (e.alert_id.empty() || e.who.empty() || e.when.empty() || e.why.empty()) {
    return InvalidArgumentError(fmt::format(
        "{} of alert '{}': alert_id, who, when and why are all required (a manual {} records who "
        "made it, when and why)",
        e.action == "include" ? "inclusion" : "exclusion", Abbreviate(e.alert_id),
        e.action == "include" ? "inclusion" : "exclusion"));
  }
  return Status::Ok();
}

}  // namespace

Status Investigation::Exclude(Exclusion e) {
  State& st = *state_;
  e.action = "exclude";
  MT_RETURN_IF_ERROR(CheckDecision(e));
  for (const Exclusion& x : st.exclusions) {
    if (x.alert_id == e.alert_id) {
      return InvalidArgumentError(fmt::format("alert {} is already excluded", e.alert_id));
    }
  }
  if (st.done[Index(Stage::kRules)]) {
    bool found = false;
    for (const rules::Alert& a : st.scan.alerts) found |= a.alert_id == e.alert_id;
    if (!found) {
      return NotFoundError(fmt::format("alert {}: the scan holds no such alert", Abbreviate(e.alert_id)));
    }
  }
  st.decisions.push_back(e);
  st.exclusions.push_back(std::move(e));
  return Status::Ok();
}

Status Investigation::Include(Exclusion e) {
  State& st = *state_;
  e.action = "include";
  MT_RETURN_IF_ERROR(CheckDecision(e));
  auto it = std::find_if(st.exclusions.begin(), st.exclusions.end(),
                         [&](const Exclusion& x) { return x.alert_id == e.alert_id; });
  if (it == st.exclusions.end()) {
    return NotFoundError(fmt::format("alert {} is not excluded: nothing to include again",
                                     Abbreviate(e.alert_id)));
  }
  st.exclusions.erase(it);
  st.decisions.push_back(std::move(e));
  return Status::Ok();
}

Result<Investigation> Investigation::Resume(const CaseRecipe& recipe, Stage through) {
  MT_ASSIGN_OR_RETURN(Investigation job, Begin(recipe.options));
  State& st = *job.state_;
  for (const Exclusion& d : recipe.decisions) {
    MT_RETURN_IF_ERROR(d.action == "include" ? job.Include(d) : job.Exclude(d));
  }
  MT_RETURN_IF_ERROR(job.RunThrough(Stage::kVerify));
  if (st.store->manifest_sha256() != recipe.store_manifest_sha256) {
    return FailedPreconditionError(fmt::format(
        "store {}: its manifest SHA-256 is {}, the case {} analysed {}: the store changed since "
        "(run `moneytrail investigate` again)",
        recipe.options.store.string(), st.store->manifest_sha256(), recipe.options.out.string(),
        recipe.store_manifest_sha256));
  }
  MT_RETURN_IF_ERROR(job.RunThrough(through));
  // The restored stages keep what custody recorded; the later ones count on from it.
  st.order.clear();
  std::array<bool, kStageCount> recorded{};
  for (const StageRecord& r : recipe.stages) {
    MT_ASSIGN_OR_RETURN(Stage s, StageFromName(r.name));
    const size_t k = Index(s);
    recorded[k] = true;
    st.runs[k] = r.runs;
    if (k <= Index(through)) st.order.push_back(s);
  }
  for (size_t k = 0; k <= Index(through); ++k) {
    if (!recorded[k] && st.runs[k] > 0 && k != Index(Stage::kIngest)) {
      return DataLossError(fmt::format("{}: custody.json records no stage '{}'",
                                       recipe.options.out.string(), StageName(static_cast<Stage>(k))));
    }
  }
  st.timings.clear();
  return job;
}

bool Investigation::done(Stage stage) const { return state_->done[Index(stage)]; }

std::optional<Stage> Investigation::next() const {
  for (size_t k = 0; k < kStageCount; ++k) {
    if (!state_->done[k]) return static_cast<Stage>(k);
  }
  return std::nullopt;
}

StageRecord StageRecordOf(const Investigation::State& st, Stage stage) {
  const StageSpec& spec = StageSpecs()[Index(stage)];
  StageRecord r;
  r.name = std::string(spec.name);
  r.inputs.assign(spec.inputs.begin(), spec.inputs.end());
  r.outputs.assign(spec.outputs.begin(), spec.outputs.end());
  r.files = st.files[Index(stage)];
  r.runs = st.runs[Index(stage)];
  return r;
}

std::vector<StageRecord> Investigation::records() const {
  std::vector<StageRecord> out;
  for (Stage s : state_->order) out.push_back(StageRecordOf(*state_, s));
  return out;
}

const std::vector<Exclusion>& Investigation::exclusions() const { return state_->exclusions; }
const std::vector<Exclusion>& Investigation::decisions() const { return state_->decisions; }
const std::string& Investigation::generated_at() const { return state_->generated_at; }

Result<CaseSummary> Investigation::Summary() const {
  const State& st = *state_;
  if (!st.summary || !st.done[Index(Stage::kExhibits)]) {
    return FailedPreconditionError("the investigation has not finished: its exhibits stage has not run");
  }
  CaseSummary summary = *st.summary;
  summary.timings = st.timings;
  for (const std::vector<std::string>& w : st.warnings) {
    summary.warnings.insert(summary.warnings.end(), w.begin(), w.end());
  }
  return summary;
}

}  // namespace moneytrail::cases
