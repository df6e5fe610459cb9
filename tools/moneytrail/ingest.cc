// `moneytrail ingest STORE FILE... --format F`: adapter over moneytrail::Ingest.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "moneytrail/json_text.h"
#include "moneytrail/ingest.h"
#include "progress.h"
#include "verb.h"

namespace {

struct Options {
  std::string store;
  std::vector<std::string> files;
  moneytrail::IngestOptions ingest;
  std::string mapping, labels, balances;
  bool strict = false;
  bool json = false;
};

int Run(Options& o) {
  using namespace moneytrail;
  o.ingest.mapping = o.mapping;
  o.ingest.labels = o.labels;
  o.ingest.balances = o.balances;
  if (o.strict) o.ingest.max_rejects = 0;
  cli::ProgressBar bar("ingest");
  o.ingest.progress = [&bar](double f) { bar.Update(f); };
  std::vector<std::filesystem::path> files(o.files.begin(), o.files.end());
  Result<IngestReport> report = Ingest(o.store, files, o.ingest);
  bar.Finish();
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
      j["sources"].push_back({{"path", s.path}, {"sha256", s.sha256}, {"rows_read", s.rows_read},
                              {"rows_accepted", s.rows_accepted},
                              {"rows_rejected", s.rows_rejected}, {"rejects_file", s.rejects_file}});
    }
    fmt::print("{}\n", moneytrail::JsonText(j, 2));
    return cli::kExitOk;
  }
  for (const auto& s : report->sources) {
    fmt::print("{}: {} rows read, {} accepted, {} rejected  (sha256 {})\n", s.path, s.rows_read,
               s.rows_accepted, s.rows_rejected, s.sha256.substr(0, 16));
    if (!s.rejects_file.empty()) {
      fmt::print("  rejects: {}/{}\n", o.store, s.rejects_file);
    }
  }
  fmt::print("total: {} rows read, {} accepted, {} rejected; store now holds {} transactions, {} "
             "accounts\n",
             report->rows_read, report->rows_accepted, report->rows_rejected,
             report->store_transactions, report->store_accounts);
  for (const auto& r : report->first_rejects) fmt::print(stderr, "rejected: {}\n", r.ToString());
  return cli::kExitOk;
}

void Setup(CLI::App& app, std::function<int()>& run) {
  auto o = std::make_shared<Options>();  // shared: owned by the parsed options and the action
  app.add_option("store", o->store, "Store directory (created if absent)")->required();
  app.add_option("files", o->files, "Source files")->required();
  app.add_option("--format", o->ingest.format, "ibm-aml, amlsim, native or mapped")
      ->required()
      ->check(CLI::IsMember({"ibm-aml", "amlsim", "native", "mapped"}));
  app.add_option("--map", o->mapping, "TOML mapping for --format mapped (docs/format/mapping.md)");
  app.add_option("--labels", o->labels, "AMLSim nodes.csv: account labels and opening balances");
  app.add_option("--balances", o->balances,
                 "Opening balances: CSV bank,account,currency,balance (not for amlsim)");
  app.add_option("--currency", o->ingest.amlsim_currency, "Currency of AMLSim amounts")
      ->default_val("USD");
  app.add_option("--max-rejects", o->ingest.max_rejects,
                 "Commit nothing if more rows than this are rejected")
      ->default_val(1000);
  app.add_flag("--strict", o->strict, "Same as --max-rejects 0");
  app.add_flag("--allow-duplicate-source", o->ingest.allow_duplicate_source,
               "Ingest a file even if the store already holds one with the same SHA-256");
  app.add_option("--threads", o->ingest.threads, "Parser threads (0: all cores)")->default_val(0);
  app.add_option("--spill-rows", o->ingest.spill_rows,
                 "Rows kept in memory before they are written ahead to the new segment's files")
      ->default_val(size_t{1} << 18)
      ->check(CLI::PositiveNumber);
  app.add_flag("--json", o->json, "Print the summary as JSON");
  run = [o] { return Run(*o); };
}

const moneytrail::cli::VerbRegistration kIngest(
    "ingest", "Read source files into a store, with custody records and a reject file", Setup);

}  // namespace
