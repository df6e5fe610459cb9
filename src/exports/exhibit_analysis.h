// The analysis an exhibit pack freezes and `reproduce` re-runs: its configuration (exhibit.json)
// and the files computed from the store under it. Internal to src/exports.
#ifndef MONEYTRAIL_EXPORTS_EXHIBIT_ANALYSIS_H_
#define MONEYTRAIL_EXPORTS_EXHIBIT_ANALYSIS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "moneytrail/status.h"
#include "moneytrail/store.h"

namespace moneytrail::exhibit_internal {

// One manual inclusion or exclusion of a transaction, as the investigator recorded it.
struct Adjustment {
  uint64_t transaction = 0;
  std::string action;  // "include" or "exclude"
  std::string who;
  std::string when;
  std::string why;
};

struct ExhibitConfig {
  std::string store;                  // absolute path of the store
  std::string store_manifest_sha256;  // the state analysed
  std::string subject;                // as asked ("E3727", "011:826A9593B")
  std::string holder;                 // the subject's name when known
  std::vector<std::string> accounts;  // the subject's account labels ("011:826A9593B")
  std::vector<Adjustment> adjustments;
  std::string case_dir;               // the case it came from, if any
  std::string exhibit_number;
  std::string preparer;
  int64_t created = 0;                // seconds since 1970, UTC
  std::string engine_version;
};

// exhibit.json (stable key order, two-space indent, final newline).
std::string ConfigJson(const ExhibitConfig& config);
// InvalidArgument naming `origin` and the key that is missing or of the wrong type.
Result<ExhibitConfig> ParseConfig(std::string_view json, std::string_view origin);

// Manual adjustments from CSV (transaction,action,who,when,why): InvalidArgument names the file,
// line, field and value of a bad row (unknown action, empty field, transaction not in a store of
// `transaction_count` rows, a transaction twice).
Result<std::vector<Adjustment>> ReadAdjustments(std::string_view csv, std::string_view origin,
                                                uint64_t transaction_count);

struct AnalysisFile {
  std::string name;  // relative to the pack
  std::string bytes;
  std::string what;
};

// The reproducible files of the pack, computed from `store` under `config`: schedule.csv,
// monthly.csv, source-rows.csv, sources.csv, adjustments.csv, exhibit.ftm.jsonl, exhibit.xlsx.
// `scratch` is a directory for libxlsxwriter's file. Appends to `warnings` what the pack cannot
// hold (a source file missing or changed since ingest). InvalidArgument for an account of the
// configuration that the store does not hold.
Result<std::vector<AnalysisFile>> RunAnalysis(const store::Store& store, const ExhibitConfig& config,
                                              const std::filesystem::path& scratch,
                                              std::vector<std::string>& warnings);

}  // namespace moneytrail::exhibit_internal

#endif  // MONEYTRAIL_EXPORTS_EXHIBIT_ANALYSIS_H_
