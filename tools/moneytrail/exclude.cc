// `moneytrail exclude CASE_DIR --alert ID --reason TEXT --by NAME [--when DATE] [--include]`:
// records a manual exclusion (or, with --include, undoes one) in a finished case, with who, when
// and why, and re-runs the stages after the scores (rank, trace, report, exhibits); adapter over
// cases::DecideInCase (docs/exhibits.md, "Manual exclusions").
#include <fmt/format.h>

#include <memory>

#include "moneytrail/investigation.h"
#include "progress.h"
#include "verb.h"

namespace {

using namespace moneytrail;

struct Options {
  std::string case_dir, alert, reason, by, when;
  bool include = false;
};

int Run(const Options& o) {
  cases::Exclusion decision{.alert_id = o.alert, .who = o.by, .when = o.when, .why = o.reason,
                            .action = o.include ? "include" : "exclude"};
  std::unique_ptr<cli::ProgressBar> bar;
  cases::Stage current = cases::Stage::kIngest;
  auto progress = [&](cases::Stage stage, double fraction) {
    if (!bar || stage != current) {
      bar.reset();
      current = stage;
      bar = std::make_unique<cli::ProgressBar>(fmt::format("{:<9}", cases::StageName(stage)));
    }
    bar->Update(fraction);
  };
  Result<cases::CaseSummary> summary = cases::DecideInCase(o.case_dir, decision, progress);
  bar.reset();
  if (!summary.ok()) return cli::ReportError("exclude", summary.status());
  fmt::print("alert {} {} by {}: {}\n", o.alert,
             o.include ? "counted again (its exclusion undone)" : "excluded", o.by, o.reason);
  fmt::print("re-ran: rank, trace, report, exhibits (verify to score rebuilt from the same store "
             "and configuration, their custody unchanged)\n");
  fmt::print("{}", cases::SummaryText(*summary));
  return cli::kExitOk;
}

void Setup(CLI::App& app, std::function<int()>& run) {
  auto o = std::make_shared<Options>();  // shared: owned by the parsed options and the action
  app.add_option("case", o->case_dir, "Case directory written by `moneytrail investigate`")->required();
  app.add_option("--alert", o->alert, "Alert id as alerts.jsonl names it (e.g. R07-000012)")->required();
  app.add_option("--reason", o->reason, "Why (recorded in custody.json and the report)")->required();
  app.add_option("--by", o->by, "Who decides (recorded with the reason)")->required();
  app.add_option("--when", o->when, "When (default: now, UTC)");
  app.add_flag("--include", o->include, "Undo an earlier exclusion of the alert (recorded the same way)");
  run = [o] { return Run(*o); };
}

const moneytrail::cli::VerbRegistration kExclude(
    "exclude", "Exclude an alert from a case's ranking (or --include it again), with who, when "
               "and why; re-runs the stages after the scores", Setup);

}  // namespace
