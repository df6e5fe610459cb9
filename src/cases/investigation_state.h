// What the stages of an investigation hand one another (moneytrail/investigation.h), and the
// stage functions. Each Run* function reads only the products of the stages before it, replaces
// its own products (so that it can run again) and names its stage in errors. Internal to
// src/cases.
#ifndef MONEYTRAIL_CASES_INVESTIGATION_STATE_H_
#define MONEYTRAIL_CASES_INVESTIGATION_STATE_H_

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "moneytrail/case_report.h"
#include "moneytrail/investigate.h"
#include "moneytrail/investigation.h"
#include "moneytrail/patterns.h"
#include "moneytrail/rules.h"
#include "moneytrail/store.h"
#include "moneytrail/trace.h"
#include "net_worth_schedules.h"
#include "outputs.h"
#include "ranking_input.h"
#include "shared_links.h"
#include "subjects.h"
#include "views.h"

namespace moneytrail::cases {

inline constexpr uint32_t kNoSubject = 0xFFFFFFFFu;

struct SubjectInfo {
  std::string label;   // account label, or entity id
  std::string kind;    // "account" or "entity"
  std::string holder;
  std::vector<AccountId> accounts;
};

struct SubjectTrace {
  trace::TraceOptions options;
  trace::Trail trail;
  std::string seeds;
  std::string dir;
};

struct Investigation::State {
  InvestigateOptions o;  // as given, with KYC and entities from the store once verify has run
  std::filesystem::path final_dir;
  int threads = 1;
  std::string generated_at;
  std::function<void(Stage, double)> progress;
  Stage current = Stage::kIngest;
  std::array<bool, kStageCount> done{};
  std::array<std::vector<std::string>, kStageCount> warnings;
  std::array<std::vector<std::string>, kStageCount> files;  // case files written, per stage
  std::array<uint32_t, kStageCount> runs{};
  std::vector<Stage> order;  // the stages in the order they (last) ran
  std::vector<StageTime> timings;
  std::vector<Exclusion> exclusions;  // in force
  std::vector<Exclusion> decisions;   // every exclusion and inclusion, in order

  // verify
  std::unique_ptr<store::Store> store;
  std::unique_ptr<ViewMaker> views;
  std::string holders_origin;
  std::vector<report::StatementIntegrityView> integrity;
  std::vector<NetWorthFile> net_worth;
  // resolve
  std::optional<rules::HolderTable> holders;
  std::optional<HolderNames> names;
  std::vector<SharedGroup> shared_groups;
  std::unordered_map<std::string, std::vector<uint32_t>> shared_by_account;
  // rules
  std::vector<rules::RulePack> packs;
  std::vector<const rules::RulePack*> pack_ptrs;
  rules::ScanResult scan;
  // patterns
  patterns::InstanceSet instances;
  std::string patterns_config;  // windows and time resolution, for the configuration table
  // score
  Scored scored;
  // rank
  std::vector<uint32_t> subject_of;
  std::vector<SubjectInfo> subjects;
  std::vector<int64_t> top_tx;
  std::vector<uint64_t> subject_tx, flagged_in, flagged_out;
  std::vector<std::vector<uint32_t>> alerts_of, patterns_of;
  RankedSubjects ranking;
  size_t top = 0;
  // trace
  std::unique_ptr<trace::Ledger> ledger;
  std::vector<SubjectTrace> traces;
  std::vector<report::TraceTotalsView> traced;
  // report
  report::CaseReportData data;
  std::vector<SubjectRow> rows;
  std::optional<CaseWriter> writer;
  // exhibits
  std::optional<CaseSummary> summary;

  void Progress(double fraction) const {
    if (progress) progress(current, fraction);
  }
  // Writes a case file through the writer and records it as the current stage's.
  Status Write(const std::string& relative, std::string_view contents, std::string what);
};

// What custody.json records of `stage` as it stands (StageSpecs' declarations, the files it wrote
// so far, its runs so far).
StageRecord StageRecordOf(const Investigation::State& st, Stage stage);

Status RunIngest(Investigation::State& st);
Status RunVerify(Investigation::State& st);
Status RunResolve(Investigation::State& st);
Status RunRules(Investigation::State& st);
Status RunPatterns(Investigation::State& st);
Status RunScore(Investigation::State& st);
Status RunRank(Investigation::State& st);
Status RunTrace(Investigation::State& st);
Status RunReport(Investigation::State& st);
Status RunExhibits(Investigation::State& st);

}  // namespace moneytrail::cases

#endif  // MONEYTRAIL_CASES_INVESTIGATION_STATE_H_
