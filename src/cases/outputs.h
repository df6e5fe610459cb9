// The files of a case directory: a writer that records each output's SHA-256 for the custody
// record and moves the finished case into place, and the text of subjects.csv, custody.json,
// the findings and the summary. Internal to src/cases.
#ifndef MONEYTRAIL_CASES_OUTPUTS_H_
#define MONEYTRAIL_CASES_OUTPUTS_H_

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/case_report.h"
#include "moneytrail/investigate.h"
#include "moneytrail/investigation.h"
#include "moneytrail/rules.h"
#include "moneytrail/status.h"
#include "moneytrail/store.h"

namespace moneytrail::cases {

struct OutputFile {
  std::string path;  // relative to the case directory
  std::string what;
  std::string sha256;
  uint64_t bytes = 0;
};

// The files in an existing case directory that moneytrail did not write (relative paths, '/'
// separated, sorted): those not listed among the outputs of its custody.json (nor custody.json
// itself). Empty when `final_dir` does not exist or is empty. FailedPrecondition when it is not a
// directory, or is not empty and holds no custody.json of a moneytrail case (it is then not a
// case directory, and replacing it could destroy anything).
Result<std::vector<std::string>> ForeignCaseFiles(const std::filesystem::path& final_dir);

// Writes the files of a case under a temporary sibling ".NAME.tmp-PID" of the case directory,
// then publishes it. The temporary is removed when the writer is destroyed unpublished (a failed
// run); Begin removes those of dead runs.
class CaseWriter {
 public:
  // Removes stale temporaries of `final_dir` (".NAME.tmp-PID" of dead PIDs; a stale
  // ".NAME.old-PID" is renamed back to NAME when NAME is missing, else removed) and creates
  // the temporary directory with trails/.
  static Result<CaseWriter> Begin(const std::filesystem::path& final_dir);
  CaseWriter(CaseWriter&& other) noexcept;
  CaseWriter& operator=(CaseWriter&&) = delete;
  CaseWriter(const CaseWriter&) = delete;
  CaseWriter& operator=(const CaseWriter&) = delete;
  ~CaseWriter();

  // The temporary directory being written.
  const std::filesystem::path& dir() const { return dir_; }
  // Writes `contents` to dir/relative durably and records it.
  Status Write(const std::string& relative, std::string_view contents, std::string what);
  // Records a file something else wrote (report.pdf).
  Status Record(const std::string& relative, std::string what);
  const std::vector<OutputFile>& outputs() const { return outputs_; }
  // Replaces the case directory (absent, empty, or a previous case) with the written one. Files
  // of the previous case that it did not write (ForeignCaseFiles) are kept: hard-linked (or
  // copied) into the new case first, so that they exist at every moment; one at the path of a
  // new output is refused (FailedPrecondition naming it) and nothing changes. Then the old case
  // is moved aside, the new one renamed into place, and the old one removed.
  Status Publish();

 private:
  CaseWriter(std::filesystem::path final_dir, std::filesystem::path dir)
      : final_dir_(std::move(final_dir)), dir_(std::move(dir)) {}
  std::filesystem::path final_dir_;
  std::filesystem::path dir_;
  std::vector<OutputFile> outputs_;
  bool published_ = false;
};

// subjects.csv: rank,subject,holder,tier,rule_points,high_rules,flow_points,pattern_points,
// report_points,model_probability,alerts,rules,pattern_instances,transactions,flagged_in,
// flagged_out,accounts,related_parties,reasons.
std::string SubjectsCsv(const std::vector<SubjectRow>& rows);

// custody.json: version, generation time, the store (dir, manifest SHA-256), every source file's
// custody record, the configuration, the stages that ran (name, declared inputs and outputs,
// the files each wrote, how many times it ran), the manual exclusions and inclusions in the
// order made (only when there are any)
// and every output with its SHA-256.
std::string CustodyJson(const store::Store& store, const report::CaseReportData& data,
                        const std::vector<OutputFile>& outputs, const std::string& generated_at,
                        const std::vector<StageRecord>& stages,
                        const std::vector<Exclusion>& exclusions);

// The top findings in plain words, for the report's first page.
std::vector<std::string> Findings(const report::CaseReportData& data,
                                  const rules::ScanResult& scan, uint64_t pattern_instances,
                                  uint64_t flagged, const std::vector<report::TraceTotalsView>& traced);

// The records' integrity for the report: per commit that ingested bank statements, its
// statement-checks.json (balance breaks, continuity breaks, gaps, overlaps, mirrors; at most
// `max_findings` finding lines) and statement-enrichment.json (description coverage and the
// most frequent unmatched descriptions). Empty when no commit holds them. DataLoss when a
// stored file cannot be read back, naming the segment and file.
Result<std::vector<report::StatementIntegrityView>> StatementIntegrity(const store::Store& store,
                                                                       size_t max_findings = 60);

// "12,345.67 USD"; "12,345.67 USD + 3.00 EUR" for several.
std::string MoneyText(const report::Money& m);
std::string MoneyListText(const std::vector<report::Money>& list);

}  // namespace moneytrail::cases

#endif  // MONEYTRAIL_CASES_OUTPUTS_H_
