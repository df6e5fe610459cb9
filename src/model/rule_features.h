// The `rules` feature group (docs/model.md, Rule-hit features): per transaction, what the alerts
// of a rule pack said about both of its ends before it, counting an alert only once it can no
// longer change (its window end plus the rule's settling delay), so the features are causal.
#ifndef MONEYTRAIL_SRC_MODEL_RULE_FEATURES_H_
#define MONEYTRAIL_SRC_MODEL_RULE_FEATURES_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/rules.h"
#include "moneytrail/status.h"
#include "moneytrail/store.h"

namespace moneytrail::model::model_internal {

// How long after an alert's window end the alert is settled: no later transaction can change
// whether it exists or where its window ends. usable = false for rules that look at the whole
// data span ("all" windows, peer baselines): they are never causal and give no features.
struct RuleDelay {
  std::string rule_id;
  int64_t delay_seconds = 0;
  bool usable = false;
};

// Reads each rule's window (resolving "$param") and baselines from a pack's TOML text.
// InvalidArgument names `origin` and the rule on a window it cannot read.
Result<std::vector<RuleDelay>> RuleDelays(std::string_view pack_text, std::string_view origin);

// Column names of the group, in order (prefix "rule_").
std::vector<std::string> RuleFeatureNames();

// Writes the group's columns of every transaction into `out` (rows x RuleFeatureNames().size(),
// row-major). Alerts of rules without a usable delay, or not named in `delays`, are ignored.
void ComputeRuleFeatures(const store::Store& store, const rules::ScanResult& scan,
                         std::span<const RuleDelay> delays, std::vector<float>& out);

}  // namespace moneytrail::model::model_internal

#endif  // MONEYTRAIL_SRC_MODEL_RULE_FEATURES_H_
