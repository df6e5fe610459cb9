// `moneytrail eval-rules STORE --truth DIR/truth --alerts alerts.jsonl [--parties DIR] [--json]`:
// adapter over rules::EvaluateAlerts (docs/rules.md, Evaluation).
#include <fmt/format.h>

#include <optional>

#include "moneytrail/rules.h"
#include "moneytrail/rules_eval.h"
#include "moneytrail/store.h"
#include "verb.h"

namespace {

struct Options {
  std::string store, truth, alerts, parties;
  bool json = false;
};

int Run(const Options& o) {
  using namespace moneytrail;
  const char* verb = "eval-rules";
  Result<store::Store> s = store::Store::Open(o.store);
  if (!s.ok()) return cli::ReportError(verb, s.status());
  Result<std::vector<rules::Alert>> alerts = rules::ReadAlertsFile(*s, o.alerts);
  if (!alerts.ok()) return cli::ReportError(verb, alerts.status());
  std::optional<rules::HolderTable> holders;
  if (!o.parties.empty()) {
    Result<rules::HolderTable> h = rules::HolderTable::LoadGenerated(*s, o.parties);
    if (!h.ok()) return cli::ReportError(verb, h.status());
    holders = std::move(*h);
  }
  Result<rules::RulesEvaluation> e = rules::EvaluateAlerts(*s, o.truth, *alerts, holders ? &*holders : nullptr);
  if (!e.ok()) return cli::ReportError(verb, e.status());
  fmt::print("{}", o.json ? e->ToJson() + "\n" : e->ToText());
  return cli::kExitOk;
}

void Setup(CLI::App& app, std::function<int()>& run) {
  auto o = std::make_shared<Options>();  // shared: owned by the parsed options and the action
  app.add_option("store", o->store, "Store directory")->required();
  app.add_option("--truth", o->truth, "Ground-truth directory (holds instances.jsonl)")->required();
  app.add_option("--alerts", o->alerts, "Alerts file written by scan")->required();
  app.add_option("--parties", o->parties, "Directory with parties.csv and accounts.csv (tells businesses apart)");
  app.add_flag("--json", o->json, "Print as JSON");
  run = [o] { return Run(*o); };
}

const moneytrail::cli::VerbRegistration kEvalRules(
    "eval-rules", "Score an alerts file against ground truth: recall per typology, precision, alert rates", Setup);

}  // namespace
