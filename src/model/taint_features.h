// The `taint` feature group (docs/model.md, Taint): how much of an account's money came from
// payments that the first-stage models found suspicious, tracked pro rata through its payments,
// plus the first-stage score of the transaction itself. Laundered money is spent from the
// account that received it (integration); such a purchase is ordinary on its own, but the share
// of its account's balance that arrived by suspicious-looking payments is high. No label is read
// here: the input is first-stage scores (neighbour_features.h, FirstStageScores).
#ifndef MONEYTRAIL_SRC_MODEL_TAINT_FEATURES_H_
#define MONEYTRAIL_SRC_MODEL_TAINT_FEATURES_H_

#include <span>
#include <string>
#include <vector>

#include "moneytrail/model_features.h"
#include "moneytrail/store.h"

namespace moneytrail::model::model_internal {

// tn_self, tn_src_tainted, tn_src_share, tn_src_spend, tn_dst_tainted, tn_dst_share.
std::vector<std::string> TaintFeatureNames();

// Per transaction t (rows x 6 values, TaintFeatureNames order) from `scores` (one per
// transaction, id order). Each account a keeps, over its payments strictly before t in
// (time, id) order, a balance B(a) (received amounts in, paid amounts out, never below 0) and a
// tainted part T(a) <= B(a): a payment received with score s adds s x amount to T; a payment
// sent of amount x leaves T x (B - x) / B (pro rata; all of it when x >= B). Columns:
// tn_self = score(t); for the source and destination: tainted = T, share = T / B (NaN when
// B = 0); tn_src_spend = amount paid by t / T(src) (NaN when T = 0). Causal: the values of t
// depend only on the scores and amounts of t and of transactions before it.
// REQUIRES: scores.size() == s.transaction_count().
void ComputeTaintFeatures(const store::Store& s, std::span<const float> scores,
                          std::vector<float>& out);

// Writes ComputeTaintFeatures into the tn_ columns of `x` (those it has).
// REQUIRES: x.rows == s.transaction_count().
void SetTaintColumns(const store::Store& s, std::span<const float> scores, FeatureMatrix& x);

}  // namespace moneytrail::model::model_internal

#endif  // MONEYTRAIL_SRC_MODEL_TAINT_FEATURES_H_
