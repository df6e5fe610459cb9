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

// Writes the files of a case under a temporary directory, then publishes it.
class CaseWriter {
 public:
  explicit CaseWriter(std::filesystem::path dir) : dir_(std::move(dir)) {}
  // Writes `contents` to dir/relative durably and records it.
  Status Write(const std::string& relative, std::string_view contents, std::string what);
  // Records a file something else wrote (report.pdf).
  Status Record(const std::string& relative, std::string what);
  const std::vector<OutputFile>& outputs() const { return outputs_; }
  // Replaces `final_dir` (absent, empty, or a previous case) with the written directory: the
  // old case is moved aside, the new one renamed into place, then the old one removed.
  Status Publish(const std::filesystem::path& final_dir);

 private:
  std::filesystem::path dir_;
  std::vector<OutputFile> outputs_;
};

// subjects.csv: rank,subject,holder,tier,rule_points,pattern_points,model_probability,alerts,
// rules,pattern_instances,transactions,flagged_in,flagged_out,accounts,related_parties,reasons.
std::string SubjectsCsv(const std::vector<SubjectRow>& rows);

// custody.json: version, generation time, the store (dir, manifest SHA-256), every source file's
// custody record, the configuration and every output with its SHA-256.
std::string CustodyJson(const store::Store& store, const report::CaseReportData& data,
                        const std::vector<OutputFile>& outputs, const std::string& generated_at);

// The top findings in plain words, for the report's first page.
std::vector<std::string> Findings(const report::CaseReportData& data,
                                  const rules::ScanResult& scan, uint64_t pattern_instances,
                                  uint64_t flagged, const std::vector<report::TraceTotalsView>& traced);

// "12,345.67 USD"; "12,345.67 USD + 3.00 EUR" for several.
std::string MoneyText(const report::Money& m);
std::string MoneyListText(const std::vector<report::Money>& list);

}  // namespace moneytrail::cases

#endif  // MONEYTRAIL_CASES_OUTPUTS_H_
