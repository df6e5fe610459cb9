// `moneytrail ingest STORE FILE... --format F`: adapter over moneytrail::Ingest.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <filesystem>

#include "ingest_flags.h"
#include "moneytrail/json_text.h"
#include "moneytrail/phase_log.h"
#include "moneytrail/ingest.h"
#include "progress.h"
#include "verb.h"

namespace {

struct Options {
  std::string store;
  std::vector<std::string> files;
  moneytrail::IngestOptions ingest;
  moneytrail::cli::IngestFlags flags;
  bool json = false;
};

// The reject file as a path a person can open (empty when there are no rejects).
std::string RejectsPath(const std::string& store, const moneytrail::store::SourceRecord& s) {
  if (s.rejects_file.empty()) return {};
  return (std::filesystem::path(store) / s.rejects_file).string();
}

// The mapping file of a custody record ("PATH sha256:HEX" -> PATH).
std::string MappingPath(const moneytrail::store::SourceRecord& s) {
  size_t at = s.mapping.rfind(" sha256:");
  return at == std::string::npos ? s.mapping : s.mapping.substr(0, at);
}

int Run(Options& o) {
  using namespace moneytrail;
  PhaseMark("cli: before ingest");
  if (Status s = cli::ApplyIngestFlags(o.flags, o.ingest); !s.ok()) {
    return cli::ReportError("ingest", s);
  }
  cli::ProgressBar bar("ingest");
  o.ingest.progress = [&bar](double f) { bar.Update(f); };
  std::vector<std::filesystem::path> files(o.files.begin(), o.files.end());
  Result<IngestReport> report = Ingest(o.store, files, o.ingest);
  bar.Finish();
  PhaseMark("ingest returned");
  if (!report.ok()) return cli::ReportError("ingest", report.status());
  if (o.json) {
    nlohmann::json j;
    j["store"] = o.store;
    j["rows_read"] = report->rows_read;
    j["rows_accepted"] = report->rows_accepted;
    j["rows_rejected"] = report->rows_rejected;
    j["store_transactions"] = report->store_transactions;
    j["store_accounts"] = report->store_accounts;
    for (const auto& s : report->sources) {
      nlohmann::json source = {{"path", s.path}, {"sha256", s.sha256}, {"rows_read", s.rows_read},
                               {"rows_accepted", s.rows_accepted},
                               {"rows_rejected", s.rows_rejected}, {"rejects_file", s.rejects_file},
                               {"rejects_path", RejectsPath(o.store, s)}};
      if (!s.mapping.empty()) source["mapping"] = MappingPath(s);
      if (!s.encoding.empty()) source["encoding"] = s.encoding;
      if (s.lines != 0) {
        source["lines"] = s.lines;
        source["lines_skipped"] = s.lines_skipped;
        source["lines_rejected"] = s.lines_rejected;
      }
      if (s.rows_merged != 0) source["rows_merged"] = s.rows_merged;
      j["sources"].push_back(source);
    }
    if (!report->statement_summary.empty()) {
      j["statement_summary"] = report->statement_summary;
      j["statement_findings"] = report->statement_checks_text;
    }
    fmt::print("{}\n", moneytrail::JsonText(j, 2));
    return cli::kExitOk;
  }
  for (const auto& s : report->sources) {
    fmt::print("{}: {} rows read, {} accepted, {} rejected  (sha256 {})\n", s.path, s.rows_read,
               s.rows_accepted, s.rows_rejected, s.sha256.substr(0, 16));
    if (!s.mapping.empty()) fmt::print("  mapping: {}\n", MappingPath(s));
    if (s.lines_skipped != 0) fmt::print("  {} lines skipped by the mapping's skip_patterns\n", s.lines_skipped);
    if (s.rows_merged != 0) {
      fmt::print("  {} rows are copies of a transaction another line carries (overlapping "
                 "download or mirror transfer): cited, not counted twice\n",
                 s.rows_merged);
    }
    if (!s.rejects_file.empty()) fmt::print("  rejects: {}\n", RejectsPath(o.store, s));
  }
  if (!report->statement_summary.empty()) {
    fmt::print("{}", report->statement_summary);
    // The findings, at most a screenful; `moneytrail verify` lists them all.
    std::string_view findings = report->statement_checks_text;
    size_t shown = 0, pos = 0;
    while (pos < findings.size() && shown < 20) {
      size_t end = findings.find('\n', pos);
      if (end == std::string_view::npos) end = findings.size();
      fmt::print("  {}\n", findings.substr(pos, end - pos));
      pos = end + 1;
      ++shown;
    }
    if (pos < findings.size()) fmt::print("  ... (moneytrail verify STORE lists every finding)\n");
  }
  fmt::print("total: {} rows read, {} accepted, {} rejected; store now holds {} transactions, {} "
             "accounts\n",
             report->rows_read, report->rows_accepted, report->rows_rejected,
             report->store_transactions, report->store_accounts);
  for (const auto& r : report->first_rejects) fmt::print(stderr, "rejected: {}\n", r.ToString());
  PhaseMark("cli: summary printed");
  return cli::kExitOk;
}

void Setup(CLI::App& app, std::function<int()>& run) {
  auto o = std::make_shared<Options>();  // shared: owned by the parsed options and the action
  app.add_option("store", o->store, "Store directory (created if absent)")->required();
  app.add_option("files", o->files, "Source files")->required();
  moneytrail::cli::AddFormatOption(app, o->ingest.format)->required();
  moneytrail::cli::AddIngestFlags(app, o->flags, o->ingest, /*alias_mapping=*/false);
  app.add_option("--threads", o->ingest.threads, "Parser threads (0: all cores)")->default_val(0);
  app.add_option("--spill-rows", o->ingest.spill_rows,
                 "Rows kept in memory before they are written ahead to the new segment's files")
      ->default_val(o->ingest.spill_rows)  // IngestOptions's default
      ->check(CLI::PositiveNumber);
  app.add_flag("--json", o->json, "Print the summary as JSON");
  run = [o] { return Run(*o); };
}

const moneytrail::cli::VerbRegistration kIngest(
    "ingest", "Read source files into a store, with custody records and a reject file", Setup);

}  // namespace
