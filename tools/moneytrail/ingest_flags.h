// The ingest flags that `ingest` and `investigate` share (--map, repeated; --balances,
// --max-rejects, --strict, --max-reject-share, --time-range, --allow-duplicate-source,
// --currency), so that both verbs accept the same words for the same thing.
#ifndef MONEYTRAIL_TOOLS_MONEYTRAIL_INGEST_FLAGS_H_
#define MONEYTRAIL_TOOLS_MONEYTRAIL_INGEST_FLAGS_H_

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "moneytrail/ingest.h"
#include "moneytrail/status.h"
#include "moneytrail/time_format.h"

namespace moneytrail::cli {

struct IngestFlags {
  std::vector<std::string> maps;
  std::string labels, balances, time_range;
  bool strict = false;
};

// --format FORMAT with the formats the ingest reads (one list for `ingest` and `investigate`).
inline CLI::Option* AddFormatOption(CLI::App& app, std::string& format) {
  return app.add_option("--format", format,
                        "ibm-aml, amlsim, native or mapped (CSV; mapped also reads .xlsx workbooks, "
                        "docs/format/xlsx.md); bank statement formats camt (camt.052/053/054), mt940 "
                        "(MT940/MT942), bai2, ofx (OFX/QFX), pacs008 (payment messages), or auto (each file's format from its "
                        "content; with --map, the other files are mapped CSV or XLSX)")
      ->check(CLI::IsMember({"ibm-aml", "amlsim", "native", "mapped", "camt", "mt940", "mt942", "bai2",
                             "ofx", "pacs008", "auto"}));
}

// Adds the shared flags; their values go to `flags` and straight into `options`.
// `alias_mapping`: also accept --mapping (investigate's older name for --map).
inline void AddIngestFlags(CLI::App& app, IngestFlags& flags, IngestOptions& options,
                           bool alias_mapping) {
  app.add_option(alias_mapping ? "--map,--mapping" : "--map", flags.maps,
                 "TOML mapping for --format mapped (docs/format/mapping.md); repeat it for "
                 "several layouts: each file is read with the one that fits it");
  app.add_option("--labels", flags.labels, "AMLSim nodes.csv: account labels and opening balances");
  app.add_option("--balances", flags.balances,
                 "Opening balances: CSV bank,account,currency,balance (not for amlsim)");
  app.add_option("--currency", options.amlsim_currency, "Currency of AMLSim amounts")
      ->default_val("USD");
  app.add_option("--max-rejects", options.max_rejects,
                 "Commit nothing if more rows than this are rejected")
      ->default_val(1000);
  app.add_flag("--strict", flags.strict, "Same as --max-rejects 0");
  app.add_option("--max-reject-share", options.max_reject_share,
                 "Commit nothing if one file's rejected rows cover more than this share of its lines")
      ->default_val(0.5)
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--time-range", flags.time_range,
                 "Plausible row times FROM..TO (dates, inclusive); rows outside are rejected "
                 "(default 1900-01-01..2100-12-31)");
  app.add_flag("--allow-duplicate-source", options.allow_duplicate_source,
               "Ingest a file even if the store already holds one with the same SHA-256");
}

// Copies the flags into `options` after parsing.
inline Status ApplyIngestFlags(const IngestFlags& flags, IngestOptions& options) {
  options.mapping.clear();
  options.mappings.assign(flags.maps.begin(), flags.maps.end());
  options.labels = flags.labels;
  options.balances = flags.balances;
  if (flags.strict) options.max_rejects = 0;
  if (!flags.time_range.empty()) {
    size_t dots = flags.time_range.find("..");
    TimeFormat date = *TimeFormat::Compile("%Y-%m-%d");
    if (dots == std::string::npos) {
      return InvalidArgumentError("--time-range '" + flags.time_range + "' must be FROM..TO, e.g. 1990-01-01..2030-12-31");
    }
    Result<Timestamp> from = date.Parse(flags.time_range.substr(0, dots));
    Result<Timestamp> to = date.Parse(flags.time_range.substr(dots + 2));
    if (!from.ok() || !to.ok() || *from > *to) {
      return InvalidArgumentError("--time-range '" + flags.time_range +
                                  "' must be FROM..TO with dates YYYY-MM-DD, FROM <= TO");
    }
    options.min_time = *from;
    options.max_time = *to + 86399;
  }
  return Status::Ok();
}

}  // namespace moneytrail::cli

#endif  // MONEYTRAIL_TOOLS_MONEYTRAIL_INGEST_FLAGS_H_
