// Measuring a rule pack against ground truth (`moneytrail eval-rules`): per-typology recall,
// alert precision and the alert rate on legitimate accounts. docs/rules.md, Evaluation, defines
// every figure.
//
// Example:
//   MT_ASSIGN_OR_RETURN(auto alerts, rules::ReadAlertsFile(store, "alerts.jsonl"));
//   MT_ASSIGN_OR_RETURN(rules::RulesEvaluation e, rules::EvaluateAlerts(store, "world/truth", alerts));
//   std::cout << e.ToText();
#ifndef MONEYTRAIL_RULES_EVAL_H_
#define MONEYTRAIL_RULES_EVAL_H_

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "moneytrail/rules.h"
#include "moneytrail/status.h"
#include "moneytrail/store.h"

namespace moneytrail::rules {

// The typologies of human smuggling and trafficking that the quality goal is about.
bool IsSmugglingTraffickingTypology(std::string_view typology);

struct TypologyRecall {
  std::string typology;
  uint32_t instances = 0;
  uint32_t found = 0;
  uint32_t found_by_controller = 0;  // found because an alert names the controlling account
};

struct RuleQuality {
  std::string rule_id;
  uint64_t alerts = 0;
  uint64_t on_involved = 0;  // alerts with a subject that belongs to some instance
  uint32_t target_found = 0;  // smuggling/trafficking instances this rule's alerts find alone
};

struct RulesEvaluation {
  std::vector<TypologyRecall> typologies;  // sorted by name
  uint32_t target_instances = 0;           // smuggling / trafficking instances
  uint32_t target_found = 0;
  uint64_t alerts = 0;
  uint64_t alerts_on_involved = 0;          // a subject belongs to any planted instance
  uint64_t alerts_on_target = 0;            // a subject belongs to a smuggling/trafficking instance
  // The same, leaving out the alerts of reporting rules (severity "report": CTR obligations,
  // which honest cash businesses incur too).
  uint64_t flag_alerts = 0;
  uint64_t flag_alerts_on_involved = 0;
  uint32_t flag_target_found = 0;           // smuggling/trafficking instances the red-flag alerts find
  uint64_t legitimate_accounts = 0;         // bank accounts in no instance
  uint64_t legitimate_alerted = 0;
  uint64_t remitters = 0;                   // legitimate accounts that send money abroad
  uint64_t remitters_alerted = 0;
  uint64_t cash_businesses = 0;             // legitimate accounts with >= 3 cash deposits (businesses
  uint64_t cash_businesses_alerted = 0;     // only, when holders are known)
  // The same three alert counts, counting only red-flag (non-"report") alerts.
  uint64_t legitimate_flagged = 0;
  uint64_t remitters_flagged = 0;
  uint64_t cash_businesses_flagged = 0;
  std::vector<RuleQuality> rules;
  std::vector<std::string> missed;          // "typology #instance_id (controller)"

  std::string ToText() const;
  std::string ToJson() const;
};

// Reads TRUTH_DIR/instances.jsonl (one object per planted instance: instance_id, typology,
// accounts, transaction_ids, controller) and scores `alerts`. An instance is found when an alert's
// subjects include its controlling account, or when the evidence of all alerts together covers
// more than half of its transactions. DataLoss if the truth's transaction ids do not match the
// store's ground-truth typology column (the store was not ingested from the same file, alone).
Result<RulesEvaluation> EvaluateAlerts(const store::Store& store, const std::filesystem::path& truth_dir,
                                       std::span<const Alert> alerts, const HolderTable* holders = nullptr);

}  // namespace moneytrail::rules

#endif  // MONEYTRAIL_RULES_EVAL_H_
