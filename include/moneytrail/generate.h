// The synthetic bank generator behind `moneytrail generate` (issue 3): a deterministic simulator
// of a bank world (banks, branches, persons and businesses with KYC records, accounts, merchants,
// money transmitters, cash), its normal life, the AMLworld laundering patterns and the human
// smuggling / trafficking typologies of FinCEN FIN-2014-A008, FIN-2020-A008 and FATF/APG 2018,
// written as native CSV (docs/format/native-csv.md), optionally the IBM AMLworld layout, KYC
// records, accounts and ground truth. docs/generator.md documents every behaviour.
//
// Example:
//   Result<GenerateOptions> opts = PresetOptions("small");
//   opts->out_dir = "/tmp/world";
//   opts->seed = 7;
//   Result<GenerateSummary> summary = Generate(*opts);
//
// Determinism: the same options (thread count excepted) give byte-identical files.
#ifndef MONEYTRAIL_GENERATE_H_
#define MONEYTRAIL_GENERATE_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/status.h"

namespace moneytrail::generate {

enum class OutputFormat : uint8_t { kNative, kIbmAml, kBoth };

// Which accounts `--statements` writes bank statements for (docs/generator.md, Statements).
enum class StatementAccounts : uint8_t {
  kNone,      // no statements (the default; the other files are unchanged by this option)
  kSubpoena,  // accounts at the three statement banks that appear in a planted instance, plus a
              // seeded sample of 1% of the others (at least 20): what an investigation subpoenas
  kAll,       // every account at the three statement banks
};

struct GenerateOptions {
  std::string out_dir;            // created if missing; existing generator files are replaced
  std::string preset = "small";   // the preset the other fields came from (recorded only)
  uint64_t seed = 1;
  uint32_t accounts = 10'000;     // bank accounts held by persons and businesses
  uint32_t days = 10;             // days of activity, starting at start_date
  double laundering_rate = 0.005; // target share of laundering transactions
  std::string start_date = "2025-09-01";
  // Scales the per-account rate of everyday card purchases (presets tune the tx count).
  double activity = 1.0;
  OutputFormat format = OutputFormat::kNative;
  // Worker threads; 0 = hardware concurrency. Never changes the output.
  unsigned threads = 0;
  // Bank statements in three banks' layouts under out_dir/statements/ with their truth.
  StatementAccounts statements = StatementAccounts::kNone;
  // With statements: plant balance breaks (a missing row) and gaps (a missing stretch of days
  // between two statements), listed in statements/faults.csv.
  bool statement_faults = false;
};

struct GenerateSummary {
  uint64_t transactions = 0;
  uint64_t laundering_transactions = 0;
  uint64_t instances = 0;
  uint64_t parties = 0;
  uint64_t entities = 0;
  uint64_t accounts = 0;  // rows of accounts.csv (all node kinds)
  std::map<std::string, uint64_t> transactions_by_typology;
  uint64_t statement_accounts = 0;  // accounts with statements (0 without --statements)
  uint64_t statement_files = 0;
  uint64_t statement_rows = 0;      // transaction lines, copies included
  double seconds = 0;     // wall time of the whole run
};

// Names of the presets: tiny, small, hi-small, hi-medium, hi-large.
std::vector<std::string_view> PresetNames();

// The options of a preset (out_dir empty). InvalidArgument for an unknown name.
Result<GenerateOptions> PresetOptions(std::string_view preset);

// Parses "native", "ibm-aml" or "both".
Result<OutputFormat> ParseOutputFormat(std::string_view name);

// Parses "none", "subpoena" or "all".
Result<StatementAccounts> ParseStatementAccounts(std::string_view name);

// Generates the world described by `options` into options.out_dir: transactions.csv
// (and/or transactions_ibm.csv), parties.csv, accounts.csv, truth/entities.csv,
// truth/instances.jsonl and manifest.json, and with options.statements the statement files,
// statements/accounts.csv, statements/truth.csv and statements/faults.csv. InvalidArgument for
// bad options, IoError when a file cannot be written. Memory is bounded by the world size plus one day of transactions.
// Thread-safe: independent calls may run concurrently with different out_dirs.
Result<GenerateSummary> Generate(const GenerateOptions& options);

}  // namespace moneytrail::generate

#endif  // MONEYTRAIL_GENERATE_H_
