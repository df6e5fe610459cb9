// Model features (issue 6, docs/model.md): one row of numbers per transaction of a store, for
// the XGBoost risk model. Groups:
//   raw       the transaction's own fields: amounts, currencies, channel, hour, weekday,
//             cross-currency, round amount, node kinds of both ends, merchant category
//   patterns  the per-transaction pattern features of moneytrail/patterns.h (prefix "pat_")
//   accounts  causal aggregates of both ends' history up to the transaction (prefix "acct_")
//   degree    a subset: fan/degree pattern columns and both ends' transaction counts (the
//             degree-only baseline)
//   rules     settled alerts of a rule pack (moneytrail/rules.h) on both ends (prefix "rule_")
//   neighbours decayed first-stage model scores of both ends' earlier payments (prefix "nb_");
//             BuildFeatures leaves them missing, model::Train and model::ScoreStore fill them
//             from the first-stage models of the model file (docs/model.md, Neighbour scores)
//   taint     the first-stage score of the transaction and the share of both ends' balances
//             that came from first-stage-suspicious payments (prefix "tn_"; filled like
//             neighbours, docs/model.md, Taint)
// Every feature of a transaction uses only transactions at or before it in (time, id) order,
// so training rows never see later transactions (docs/patterns.md, Causal order).
//
// Example:
//   MT_ASSIGN_OR_RETURN(auto groups, model::ParseFeatureGroups("raw,patterns,accounts"));
//   MT_ASSIGN_OR_RETURN(model::FeatureMatrix m, model::BuildFeatures(store, {.groups = groups}));
//   std::span<const float> x = m.row(tx);            // NaN: undefined
//   std::string why = model::DescribeFeature(m.names[k], x[k]);  // "amount paid 9,500"
#ifndef MONEYTRAIL_MODEL_FEATURES_H_
#define MONEYTRAIL_MODEL_FEATURES_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/rules.h"
#include "moneytrail/status.h"
#include "moneytrail/store.h"

namespace moneytrail::model {

enum class FeatureGroup : uint8_t {
  kRaw = 0,
  kPatterns = 1,
  kAccounts = 2,
  kDegree = 3,
  kRules = 4,
  kNeighbours = 5,
  kTaint = 6,
};

// "raw", "patterns", "accounts", "degree", "rules", "neighbours", "taint".
std::string_view FeatureGroupName(FeatureGroup group);
// Parses a comma-separated list ("raw,patterns"); "all" = raw,patterns,accounts,rules.
// Duplicates are dropped, order is canonical (raw, patterns, accounts, degree, rules,
// neighbours, taint).
// InvalidArgument names the bad word.
Result<std::vector<FeatureGroup>> ParseFeatureGroups(std::string_view text);
std::string FeatureGroupsToString(std::span<const FeatureGroup> groups);

// Row-major features: values[r * names.size() + k] is feature k of transaction r (all
// transactions of the store, in id order). Floats, as XGBoost takes them.
struct FeatureMatrix {
  std::vector<std::string> names;
  std::vector<float> values;
  size_t rows = 0;

  size_t cols() const { return names.size(); }
  std::span<const float> row(size_t r) const { return {values.data() + r * cols(), cols()}; }
  // The columns named `names`, in that order. InvalidArgument names a missing column.
  Result<FeatureMatrix> Select(std::span<const std::string> names) const;
};

// What the `rules` group needs: the rule pack's text (each rule's window sets how long after
// its window end an alert is counted, docs/model.md) and the alerts of that pack over the store.
// Borrowed: everything must outlive the BuildFeatures call.
struct RuleFeatureInput {
  std::string_view pack_text;    // TOML of the pack
  std::string_view pack_origin;  // names the pack in messages
  // Alerts of that pack over the whole store (rules::Scan); null: BuildFeatures scans.
  // REQUIRES: made with the same pack text.
  const rules::ScanResult* scan = nullptr;
  const rules::HolderTable* holders = nullptr;  // KYC facts for the scan; may be null
};

struct FeatureOptions {
  std::vector<FeatureGroup> groups;
  int threads = 2;
  const RuleFeatureInput* rules = nullptr;  // required when groups has kRules
  // Rows per block of the pattern features (>= 1): only the memory and time depend on it.
  size_t pattern_block_rows = size_t{1} << 18;
};

// The column names BuildFeatures produces for `groups`, in order (duplicates removed).
std::vector<std::string> FeatureNames(std::span<const FeatureGroup> groups);
// The same without the columns named in `excluded` (TrainOptions::exclude_features).
std::vector<std::string> FeatureNames(std::span<const FeatureGroup> groups,
                                      std::span<const std::string> excluded);

// Features of every transaction of `store`. InvalidArgument for no groups, threads < 1, or the
// rules group without options.rules or with a pack it cannot read. The neighbours and taint
// groups' columns are left missing (NaN): they need first-stage scores (see model.h).
Result<FeatureMatrix> BuildFeatures(const store::Store& store, const FeatureOptions& options);

// The feature and its value in words, for explanations: "amount paid 9,500.00",
// "channel cash_deposit", "distinct payees of the sender in the last 12 h: 14".
std::string DescribeFeature(std::string_view name, float value);

// Round-amount level of a paid amount: 0 when it has non-zero minor units, else the number of
// trailing zeros of its whole units, at most 6 (9,000.00 -> 3). Exposed for tests.
int RoundLevel(Decimal amount);

}  // namespace moneytrail::model

#endif  // MONEYTRAIL_MODEL_FEATURES_H_
