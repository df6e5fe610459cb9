// Internals of training (train.cc) that tests check directly: recency weights and the choice of
// the late first-stage model's weight (docs/model.md).
#ifndef MONEYTRAIL_SRC_MODEL_TRAIN_INTERNAL_H_
#define MONEYTRAIL_SRC_MODEL_TRAIN_INTERNAL_H_

#include <cstdint>
#include <span>
#include <vector>

#include "moneytrail/model.h"

namespace moneytrail::model::model_internal {

// Recency weights of the training rows `rows`: row r weighs
// 2^(-(until - time[r]) / (half_life_days * 86400 s)), so a row at `until` weighs 1 and one a
// half-life earlier 1/2. Empty when half_life_days <= 0 (every row weighs 1).
std::vector<float> RecencyWeights(std::span<const uint32_t> rows, std::span<const Timestamp> time,
                                  Timestamp until, double half_life_days);

// The candidate w whose mix MixFirstStage(early[r], late[r], w) over `rows` (the scores
// CombineFirstStage would give them) has the highest PR-AUC against `labels` (labels[i] is row
// rows[i]'s); the first such on ties. `pr_auc` (optional) receives each candidate's PR-AUC. REQUIRES: candidates not empty, each in [0, 1];
// rows.size() == labels.size().
double ChooseLateWeight(std::span<const float> early, std::span<const float> late,
                        std::span<const uint32_t> rows, std::span<const float> labels,
                        std::span<const double> candidates, std::vector<double>* pr_auc);

}  // namespace moneytrail::model::model_internal

#endif  // MONEYTRAIL_SRC_MODEL_TRAIN_INTERNAL_H_
