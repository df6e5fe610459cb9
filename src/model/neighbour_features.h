// The `neighbours` feature group (docs/model.md, Neighbour scores): for both ends of a
// transaction, decayed maxima and sums of a first-stage model's scores of the payments that end
// received and sent before it. The first stage scores every transaction from the other groups;
// these columns carry "this account was paid by (or paid) a suspicious-looking transaction
// earlier", which the spending of laundered proceeds (integration) shows only through its
// account's history. No label is read here: the input is model scores.
#ifndef MONEYTRAIL_SRC_MODEL_NEIGHBOUR_FEATURES_H_
#define MONEYTRAIL_SRC_MODEL_NEIGHBOUR_FEATURES_H_

#include <array>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "moneytrail/model.h"
#include "moneytrail/model_features.h"
#include "moneytrail/store.h"

namespace moneytrail::model::model_internal {

// True when `groups` hold a group filled from first-stage scores (neighbours, taint).
bool NeedsFirstStage(std::span<const FeatureGroup> groups);

// Writes the columns of both groups filled from first-stage scores (SetNeighbourColumns,
// SetTaintColumns of taint_features.h) into those of `x`'s columns that exist.
// REQUIRES: x.rows == s.transaction_count(), scores.size() == s.transaction_count().
void SetFirstStageColumns(const store::Store& s, std::span<const float> scores, FeatureMatrix& x);

// Half-life of the decay, in seconds (7 days).
inline constexpr double kNeighbourHalfLifeSeconds = 7.0 * 86400.0;

// nb_src_in_max, nb_src_in_sum, nb_src_out_max, nb_dst_in_max, nb_dst_in_sum, nb_dst_out_max.
std::vector<std::string> NeighbourFeatureNames();

// Per transaction t (rows x 6 values, NeighbourFeatureNames order) from `scores` (one per
// transaction, id order): for each end a of t and each direction, over the payments p of a in
// that direction strictly before t in (time, id) order, max and sum of
// score(p) * 2^-((time(t) - time(p)) / half-life). NaN when a has no such payment. Causal: the
// values of t depend only on the scores of transactions before it. REQUIRES: scores.size() ==
// s.transaction_count().
void ComputeNeighbourFeatures(const store::Store& s, std::span<const float> scores,
                              std::vector<float>& out);

// Writes ComputeNeighbourFeatures into the nb_ columns of `x` (those it has).
// REQUIRES: x.rows == s.transaction_count().
void SetNeighbourColumns(const store::Store& s, std::span<const float> scores, FeatureMatrix& x);
// Transaction ids in (time, id) order: the order in which the causal per-account features
// (account aggregates, neighbours, taint) replay the store.
std::vector<TransactionId> TimeOrder(const store::Store& s);
// Fills the matrix columns named in `group` from `compute`'s row-major values (group.size() per
// row); computes nothing when the matrix has none of them. Shared by the first-stage groups.
void SetGroupColumns(const std::vector<std::string>& group,
                     const std::function<void(std::vector<float>&)>& compute, FeatureMatrix& x);

// The first stage cuts the train part [b.first, b.validate_from) into `folds` blocks of equal
// time (docs/model.md, Neighbour scores): block j is [FirstStageBlockStart(b, folds, j),
// FirstStageBlockStart(b, folds, j + 1)). REQUIRES: 0 <= j <= folds, folds >= 1.
Timestamp FirstStageBlockStart(const SplitBoundaries& b, int folds, int j);

// The middle of the train part: with two folds, where the late model's rows start.
inline Timestamp FirstStageMiddle(const SplitBoundaries& b) { return FirstStageBlockStart(b, 2, 1); }

// The block left out of first-stage model k of `folds`: folds - 1 - k, so that model 0 is the
// one trained on the earliest blocks and the last model (trained on the latest ones) is the
// "late" model; with two folds, [early, late] as in model files before the option.
inline int FirstStageHeldOutBlock(int folds, int k) { return folds - 1 - k; }

// The default weight of the late first-stage model in the score of a row after the train part
// (TrainOptions::first_stage_late_weights): the plain mean of both.
inline constexpr double kDefaultFirstStageLateWeight = 0.5;

// The first-stage score of a row after the train part: (1 - late_weight) * early + late_weight *
// late, and for the default weight exactly the float mean (the model files written before the
// weight was an option).
inline float MixFirstStage(float early, float late, double late_weight) {
  if (late_weight == kDefaultFirstStageLateWeight) return (early + late) / 2;
  return static_cast<float>((1 - late_weight) * early + late_weight * late);
}

// Every first-stage model's scores of every row of `x` (which holds at least their columns), in
// the models' order. REQUIRES: stage.size() >= 2.
Result<std::vector<std::vector<float>>> PredictFirstStage(std::span<const Model> stage,
                                                          const FeatureMatrix& x);

// The "early" side of the mix for rows after the train part: the mean of every model's score
// but the last (with two folds, the early model's own score, exactly). REQUIRES: each.size() >=
// 2, all of equal size.
std::vector<float> FirstStageEarlyMean(std::span<const std::vector<float>> each);

// First-stage scores from every model's scores of every row: a row of block j of the train part
// gets the score of the model that left block j out (a row before the train part, on another
// store, block 0's), every later row MixFirstStage of FirstStageEarlyMean and the last model's
// score; so no model scores a row it was trained on.
// REQUIRES: each.size() >= 2, each of time.size(), 0 <= late_weight <= 1.
std::vector<float> CombineFirstStage(std::span<const std::vector<float>> each,
                                     const SplitBoundaries& b, std::span<const Timestamp> time,
                                     double late_weight);

// PredictFirstStage, then CombineFirstStage. REQUIRES: stage.size() >= 2, x.rows == time.size().
Result<std::vector<float>> FirstStageScores(std::span<const Model> stage,
                                            const SplitBoundaries& b, const FeatureMatrix& x,
                                            std::span<const Timestamp> time,
                                            double late_weight = kDefaultFirstStageLateWeight);

}  // namespace moneytrail::model::model_internal

#endif  // MONEYTRAIL_SRC_MODEL_NEIGHBOUR_FEATURES_H_
