// The main job (issue 9, docs/investigate.md): from the records of a case to a ranked, explained,
// traceable picture of the money. Investigate ingests the given files (if any), runs the red-flag
// rule packs, mines pattern instances, scores every transaction with a model, ranks subjects
// (bank accounts, or entities when an entity map is given), traces the proceeds that reached the
// top subjects forward with LIBR, and writes the case directory:
//
//   CASE_DIR/report.html    self-contained report (inline CSS and SVG)
//   CASE_DIR/report.pdf     the same, printed by headless Chromium
//   CASE_DIR/alerts.jsonl   every alert of the scan (header line first), as `moneytrail scan`
//   CASE_DIR/subjects.csv   every ranked subject with its score and why
//   CASE_DIR/trails/NN-*/   per top subject: trail.json, schedule.csv, chart.svg
//   CASE_DIR/custody.json   the inputs (files, SHA-256, rows), configuration, version, and the
//                           SHA-256 of every output written
//
// Example:
//   cases::InvestigateOptions o;
//   o.store = "case.store"; o.out = "case";
//   MT_ASSIGN_OR_RETURN(cases::CaseSummary summary, cases::Investigate(o));
//   std::cout << cases::SummaryText(summary);
//
// Determinism: the same inputs and options give the same outputs whatever the thread count,
// except the generation time (set SOURCE_DATE_EPOCH to fix it) and report.pdf, which carries
// Chromium's own creation date.
#ifndef MONEYTRAIL_INVESTIGATE_H_
#define MONEYTRAIL_INVESTIGATE_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "moneytrail/case_report.h"
#include "moneytrail/file_util.h"
#include "moneytrail/ingest.h"
#include "moneytrail/status.h"
#include "moneytrail/store.h"

namespace moneytrail::cases {

struct InvestigateOptions {
  std::filesystem::path store;               // created by the ingest when files are given
  std::vector<std::filesystem::path> files;  // optional: ingested first, in one commit
  IngestOptions ingest;                      // format, mapping, labels for `files`
  std::filesystem::path out;                 // the case directory (created; must be empty or
                                             // hold a previous case, which is replaced)
  std::vector<std::filesystem::path> rule_packs;  // empty: the shipped pack
  // Rule parameter overrides, "RULE_ID.param" -> TOML value, as `scan --set`; applied to every
  // pack. InvalidArgument when no pack has a rule with that id.
  std::map<std::string, std::string> rule_overrides;
  std::filesystem::path parties;  // directory with parties.csv and accounts.csv (KYC), optional
  // resolve's entities.csv (party_id,entity_id), optional, needs `parties`: the subjects are
  // then entities (all accounts of the parties of one entity), and accounts whose holder is
  // unknown stay subjects of their own.
  std::filesystem::path entities;
  // With no `parties` given: use the holders and entities that `moneytrail resolve --store`
  // attached to the store (Store::holders()), if any.
  bool use_attached_holders = true;
  std::filesystem::path model;    // empty: the bundled default model (model::FindDefaultModel)
  size_t top = 10;                // subjects reported in full and traced
  uint32_t trace_hops = 6;        // LIBR trace limit from each subject
  bool pdf = true;                // print report.pdf with Chromium
  // Exhibit basics of the report (docs/report.md): empty title: "Case report: <store folder>";
  // the others are shown only when given. The marking ("LAW ENFORCEMENT SENSITIVE") is printed
  // at the top and bottom of every page. Letter paper unless a4.
  std::string case_title;
  std::string case_number;
  std::string agency;
  std::string author;
  std::string marking;
  std::string exhibit;  // exhibit number stamped on every printed page ("GX-1"); empty: none
  bool a4 = false;
  int threads = 0;                // 0: all cores
  // The generation time the report and custody.json print (ISO 8601, UTC); empty:
  // SOURCE_DATE_EPOCH, else now. `reproduce` sets the time the case recorded.
  std::string generated_at;
  // Net worth files (docs/investigate.md, "Net worth in the report"): a subject's label as
  // subjects.csv names it, or one of its accounts, -> the investigator's net worth CSV
  // (moneytrail/net_worth.h). Each top subject named gets the net worth schedules in the report
  // and schedules/NN-net-worth.csv. Read and checked before the rules run.
  std::vector<std::pair<std::string, std::filesystem::path>> net_worth;
  // Progress: called with the stage name ("ingest", "rules", "patterns", "score", "rank",
  // "trace", "report", "pdf") and the fraction of the stage done (0..1).
  std::function<void(std::string_view stage, double fraction)> progress;
};

// One ranked subject, as subjects.csv lists it.
struct SubjectRow {
  uint32_t rank = 0;
  std::string subject;       // account label, or entity id
  std::string holder;        // name when KYC is known
  std::vector<std::string> accounts;
  // The ranking's keys (docs/investigate.md, Ranking), in the order they are compared.
  int tier = 5;              // evidence tier 1 (strongest) .. 5 (nothing against it)
  uint32_t rule_points = 0;  // distinct red-flag rules hit, weighted by severity
  uint32_t high_rules = 0;   // of which high severity (not incidental)
  uint32_t flow_points = 0;  // bit_width of the flagged subjects that paid it
  uint32_t pattern_points = 0;   // pattern instances by kind
  uint32_t report_points = 0;    // distinct reporting-obligation (CTR) rules hit
  // The calibrated probability of its highest-scoring transaction, by the model variant the
  // input supports (docs/model.md, Applicability): a tie-breaker only. NaN when the model does
  // not apply to the input (no model input; subjects.csv leaves it empty).
  double model_probability = 0;
  // model_probability as the summary and the report show it for a listed (top) subject: four
  // decimals, or up to six where that tells two listed subjects apart, "(= #R)" after a value
  // equal to rank R's, "-" without model input (docs/investigate.md, "The displayed score").
  // Empty for subjects not listed.
  std::string model_shown;
  bool tied = false;         // same keys at the displayed precision as the row above
  uint64_t alerts = 0;
  std::vector<std::string> rules;  // distinct rule ids hit
  uint64_t pattern_instances = 0;
  uint64_t transactions = 0;
  uint64_t flagged_in = 0;   // transactions into the subject the model flags
  uint64_t flagged_out = 0;  // transactions out of it the model flags
  // Payers into it that are evidence of one of its alerts and have no evidence of their own:
  // listed here, not ranked.
  std::vector<std::string> related_parties;
  std::string reasons;       // plain words
};

struct StageTime {
  std::string stage;
  double seconds = 0;
};

struct CaseSummary {
  std::filesystem::path out;
  uint64_t transactions = 0;
  uint64_t accounts = 0;
  std::vector<report::Money> volume;   // per currency
  uint64_t alerts = 0;
  uint64_t pattern_instances = 0;
  uint64_t flagged_transactions = 0;
  // Whether the model applied, and the one sentence that says which variant and what it left
  // out, or why it did not apply (docs/model.md, Applicability).
  bool model_applies = true;
  std::string model_sentence;
  std::vector<SubjectRow> top;         // the top subjects
  uint64_t subjects = 0;               // subjects ranked
  // Where the top subjects' traced money went, per currency: exit kind -> amount, and
  // what is still held.
  std::vector<report::TraceTotalsView> traced;
  std::vector<std::pair<std::string, std::string>> outputs;  // path -> what it holds
  std::vector<StageTime> timings;
  std::vector<std::string> warnings;   // e.g. "report.pdf not written: no Chromium found"
};

// A file shipped with moneytrail (the rule pack): `relative` to the working
// directory, else to each parent directory of the running binary, else to the source tree it
// was built from. Empty when not found.
std::filesystem::path FindShippedFile(std::string_view relative);

// Holder names per AccountId of `store` from a generator-style KYC directory (accounts.csv:
// bank,account,...,holder_party_id; parties.csv: party_id,...,first_name,middle_name,last_name,
// business_name): "" where unknown. InvalidArgument names the file and line of a bad row.
Result<std::vector<std::string>> LoadHolderNames(const store::Store& store,
                                                 const std::filesystem::path& dir);

// What no output may overwrite for `store` (file_util.h CheckOutputPath): its directory, any
// directory holding a store MANIFEST, every ingested source file and every attached KYC file.
ProtectedPaths EvidencePaths(const store::Store& store);

// Runs the whole job. Errors name the stage ("rules: ...", "model: ...") and keep what the
// store held; a case directory is written only when every stage succeeded (built in a
// temporary sibling ".CASE.tmp-PID" and renamed into place; removed on failure, and stale ones
// of dead runs at start), except report.pdf, whose failure is a warning. The case directory
// must be new, empty or a case moneytrail wrote (custody.json lists its outputs): a re-run
// replaces only the files the previous run wrote and keeps any other file (a user's notes); a
// non-empty directory that is not a case, or a file of the user's at the path of a new output,
// is refused (FailedPrecondition naming it). --out must not lie in a store or on evidence.
Result<CaseSummary> Investigate(const InvestigateOptions& options);

// The one-screen summary printed at the end: top subjects, totals, where the money went, the
// outputs' paths.
std::string SummaryText(const CaseSummary& summary);

}  // namespace moneytrail::cases

#endif  // MONEYTRAIL_INVESTIGATE_H_
