// `moneytrail generate`: writes a synthetic bank world with planted laundering, smuggling and
// trafficking typologies and its ground truth (docs/generator.md). A thin adapter over
// include/moneytrail/generate.h.
#include <cstdio>
#include <memory>
#include <optional>

#include "moneytrail/generate.h"
#include "verb.h"

namespace {

struct Options {
  std::string out;
  std::string preset = "small";
  std::optional<uint32_t> accounts, days;
  std::optional<double> laundering_rate, activity;
  std::optional<std::string> start_date;
  uint64_t seed = 1;
  std::string format = "native";
  unsigned threads = 0;
  bool quiet = false;
  bool statements = false;
  std::string statement_accounts = "subpoena";
  bool statement_faults = false;
};

int Run(const Options& opts) {
  using namespace moneytrail::generate;
  auto preset = PresetOptions(opts.preset);
  if (!preset.ok()) return moneytrail::cli::ReportError("generate", preset.status());
  GenerateOptions options = *preset;
  auto format = ParseOutputFormat(opts.format);
  if (!format.ok()) return moneytrail::cli::ReportError("generate", format.status());
  options.format = *format;
  options.out_dir = opts.out;
  if (moneytrail::Status st = moneytrail::cli::CheckOutputs(nullptr, {{"--out", opts.out}}); !st.ok()) {
    return moneytrail::cli::ReportError("generate", st);
  }
  options.seed = opts.seed;
  options.threads = opts.threads;
  if (opts.statements || opts.statement_faults) {
    auto which = ParseStatementAccounts(opts.statement_accounts);
    if (!which.ok()) return moneytrail::cli::ReportError("generate", which.status());
    options.statements = *which == StatementAccounts::kNone ? StatementAccounts::kSubpoena : *which;
    options.statement_faults = opts.statement_faults;
  }
  if (opts.accounts) options.accounts = *opts.accounts;
  if (opts.days) options.days = *opts.days;
  if (opts.laundering_rate) options.laundering_rate = *opts.laundering_rate;
  if (opts.activity) options.activity = *opts.activity;
  if (opts.start_date) options.start_date = *opts.start_date;
  auto summary = Generate(options);
  if (!summary.ok()) return moneytrail::cli::ReportError("generate", summary.status());
  if (!opts.quiet) {
    std::printf("wrote %llu transactions (%llu laundering in %llu instances), %llu parties, %llu entities, "
                "%llu accounts to %s in %.2f s (%.0f tx/s)\n",
                static_cast<unsigned long long>(summary->transactions),
                static_cast<unsigned long long>(summary->laundering_transactions),
                static_cast<unsigned long long>(summary->instances),
                static_cast<unsigned long long>(summary->parties),
                static_cast<unsigned long long>(summary->entities),
                static_cast<unsigned long long>(summary->accounts), opts.out.c_str(), summary->seconds,
                summary->seconds > 0 ? static_cast<double>(summary->transactions) / summary->seconds : 0.0);
    if (options.statements != StatementAccounts::kNone) {
      std::printf("wrote %llu statement files (%llu transaction lines) for %llu accounts to %s/statements\n",
                  static_cast<unsigned long long>(summary->statement_files),
                  static_cast<unsigned long long>(summary->statement_rows),
                  static_cast<unsigned long long>(summary->statement_accounts), opts.out.c_str());
    }
  }
  return moneytrail::cli::kExitOk;
}

void Setup(CLI::App& app, std::function<int()>& run) {
  auto opts = std::make_shared<Options>();  // shared: outlives Setup, owned by the lambda
  app.add_option("--out", opts->out, "Output directory")->required();
  app.add_option("--preset", opts->preset, "tiny | small | hi-small | hi-medium | hi-large")
      ->capture_default_str();
  app.add_option("--accounts", opts->accounts, "Number of bank accounts (overrides the preset)");
  app.add_option("--days", opts->days, "Days of activity (overrides the preset)");
  app.add_option("--seed", opts->seed, "Random seed")->capture_default_str();
  app.add_option("--laundering-rate", opts->laundering_rate, "Target share of laundering transactions");
  app.add_option("--activity", opts->activity, "Scale of everyday card purchases (default 1)");
  app.add_option("--start-date", opts->start_date, "First day, YYYY-MM-DD (default 2025-09-01)");
  app.add_option("--format", opts->format, "native | ibm-aml | both")->capture_default_str();
  app.add_option("--threads", opts->threads, "Worker threads (0 = all cores; never changes the output)");
  app.add_flag("--quiet", opts->quiet, "Print nothing on success");
  app.add_flag("--statements", opts->statements,
               "Also write bank statements of the subpoenaed accounts in three banks' layouts (DIR/statements)");
  app.add_option("--statement-accounts", opts->statement_accounts,
                 "With --statements: subpoena (planted instances + a 1% sample) | all (every account of the "
                 "three statement banks)")
      ->capture_default_str();
  app.add_flag("--statement-faults", opts->statement_faults,
               "With --statements: plant balance breaks and gaps, listed in statements/faults.csv");
  run = [opts] { return Run(*opts); };
}

const moneytrail::cli::VerbRegistration kGenerateVerb("generate",
                                                      "Generate a synthetic bank world with planted typologies",
                                                      Setup);

}  // namespace
