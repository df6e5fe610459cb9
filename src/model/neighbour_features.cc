// Neighbour scores: decayed first-stage scores of each account's earlier payments.
#include "model/neighbour_features.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>

#include "model/taint_features.h"
#include "moneytrail/check.h"

namespace moneytrail::model::model_internal {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr size_t kWidth = 6;

// Decayed max and sum of one account's payments in one direction, as of `time`.
struct Decayed {
  double max = 0;
  double sum = 0;
  Timestamp time = 0;
  bool seen = false;

  double Factor(Timestamp now) const {
    return std::exp2(-static_cast<double>(now - time) / kNeighbourHalfLifeSeconds);
  }
  void Write(Timestamp now, float* max_out, float* sum_out) const {
    if (!seen) return;
    const double f = Factor(now);
    *max_out = static_cast<float>(max * f);
    if (sum_out != nullptr) *sum_out = static_cast<float>(sum * f);
  }
  void Add(Timestamp now, double score) {
    if (seen) {
      const double f = Factor(now);
      max *= f;
      sum *= f;
    }
    max = std::max(max, score);
    sum += score;
    time = now;
    seen = true;
  }
};

}  // namespace

bool NeedsFirstStage(std::span<const FeatureGroup> groups) {
  return std::any_of(groups.begin(), groups.end(), [](FeatureGroup g) {
    return g == FeatureGroup::kNeighbours || g == FeatureGroup::kTaint;
  });
}

void SetFirstStageColumns(const store::Store& s, std::span<const float> scores,
                          FeatureMatrix& x) {
  SetNeighbourColumns(s, scores, x);
  SetTaintColumns(s, scores, x);
}

std::vector<std::string> NeighbourFeatureNames() {
  return {"nb_src_in_max", "nb_src_in_sum", "nb_src_out_max",
          "nb_dst_in_max", "nb_dst_in_sum", "nb_dst_out_max"};
}

void ComputeNeighbourFeatures(const store::Store& s, std::span<const float> scores,
                              std::vector<float>& out) {
  const size_t n = s.transaction_count();
  out.assign(n * kWidth, kNaN);
  const std::vector<TransactionId> order = TimeOrder(s);
  const auto time = s.time();
  std::vector<Decayed> in(s.account_count()), out_flow(s.account_count());
  for (TransactionId t : order) {
    const AccountId src = s.source()[t];
    const AccountId dst = s.destination()[t];
    const Timestamp now = time[t];
    float* x = &out[static_cast<size_t>(t) * kWidth];
    in[src].Write(now, &x[0], &x[1]);
    out_flow[src].Write(now, &x[2], nullptr);
    in[dst].Write(now, &x[3], &x[4]);
    out_flow[dst].Write(now, &x[5], nullptr);
    out_flow[src].Add(now, scores[t]);
    in[dst].Add(now, scores[t]);
  }
}

std::vector<TransactionId> TimeOrder(const store::Store& s) {
  std::vector<TransactionId> order(s.transaction_count());
  std::iota(order.begin(), order.end(), 0);
  const auto time = s.time();
  std::stable_sort(order.begin(), order.end(),
                   [&](TransactionId a, TransactionId b) { return time[a] < time[b]; });
  return order;
}

void SetGroupColumns(const std::vector<std::string>& group,
                     const std::function<void(std::vector<float>&)>& compute, FeatureMatrix& x) {
  std::vector<std::pair<size_t, size_t>> copy;  // (group column, matrix column)
  for (size_t k = 0; k < group.size(); ++k) {
    const auto it = std::find(x.names.begin(), x.names.end(), group[k]);
    if (it != x.names.end()) copy.emplace_back(k, static_cast<size_t>(it - x.names.begin()));
  }
  if (copy.empty()) return;
  std::vector<float> values;
  compute(values);
  const size_t stride = x.cols(), width = group.size();
  for (size_t r = 0; r < x.rows; ++r) {
    for (const auto& [k, c] : copy) x.values[r * stride + c] = values[r * width + k];
  }
}

void SetNeighbourColumns(const store::Store& s, std::span<const float> scores, FeatureMatrix& x) {
  SetGroupColumns(NeighbourFeatureNames(),
                  [&](std::vector<float>& values) { ComputeNeighbourFeatures(s, scores, values); }, x);
}

Timestamp FirstStageBlockStart(const SplitBoundaries& b, int folds, int j) {
  MT_CHECK(folds >= 1 && j >= 0 && j <= folds);
  if (j == folds) return b.validate_from;
  // span * j / folds without overflow for any span of int64 seconds and folds <= 2^31.
  const Timestamp span = b.validate_from - b.first;
  return b.first + span / folds * j + span % folds * j / folds;
}

Result<std::vector<std::vector<float>>> PredictFirstStage(std::span<const Model> stage,
                                                          const FeatureMatrix& x) {
  MT_CHECK(stage.size() >= 2);
  std::vector<std::vector<float>> scores(stage.size());
  constexpr size_t kBlock = 1 << 18;  // rows per prediction: bounded memory
  for (size_t k = 0; k < stage.size(); ++k) {
    const std::vector<std::string>& names = stage[k].features();
    std::vector<size_t> index;
    for (const std::string& name : names) {
      const auto it = std::find(x.names.begin(), x.names.end(), name);
      if (it == x.names.end()) {
        return FailedPreconditionError(fmt::format(
            "the first-stage model '{}' needs feature '{}', which was not computed",
            stage[k].role(), name));
      }
      index.push_back(static_cast<size_t>(it - x.names.begin()));
    }
    scores[k].resize(x.rows);
    FeatureMatrix block;
    block.names = names;
    for (size_t begin = 0; begin < x.rows; begin += kBlock) {
      block.rows = std::min(kBlock, x.rows - begin);
      block.values.resize(block.rows * names.size());
      for (size_t r = 0; r < block.rows; ++r) {
        const auto row = x.row(begin + r);
        for (size_t c = 0; c < index.size(); ++c) {
          block.values[r * index.size() + c] = row[index[c]];
        }
      }
      MT_ASSIGN_OR_RETURN(std::vector<float> p, stage[k].Predict(block));
      std::copy(p.begin(), p.end(), scores[k].begin() + static_cast<ptrdiff_t>(begin));
    }
  }
  return scores;
}

std::vector<float> FirstStageEarlyMean(std::span<const std::vector<float>> each) {
  MT_CHECK(each.size() >= 2);
  const size_t n = each.size() - 1;
  if (n == 1) return each[0];
  std::vector<float> mean(each[0].size());
  for (size_t r = 0; r < mean.size(); ++r) {
    double sum = 0;
    for (size_t k = 0; k < n; ++k) sum += each[k][r];
    mean[r] = static_cast<float>(sum / static_cast<double>(n));
  }
  return mean;
}

std::vector<float> CombineFirstStage(std::span<const std::vector<float>> each,
                                     const SplitBoundaries& b, std::span<const Timestamp> time,
                                     double late_weight) {
  MT_CHECK(each.size() >= 2);
  for (const std::vector<float>& e : each) MT_CHECK(e.size() == time.size());
  MT_CHECK(late_weight >= 0 && late_weight <= 1);
  const int folds = static_cast<int>(each.size());
  const std::vector<float> early = FirstStageEarlyMean(each);
  const std::vector<float>& late = each.back();
  // Block j's rows get model folds - 1 - j, the one that left block j out.
  std::vector<Timestamp> start(static_cast<size_t>(folds) + 1);
  for (int j = 0; j <= folds; ++j) start[static_cast<size_t>(j)] = FirstStageBlockStart(b, folds, j);
  std::vector<float> scores(time.size());
  for (size_t r = 0; r < time.size(); ++r) {
    const Timestamp t = time[r];
    if (t < b.validate_from) {
      const auto j = static_cast<size_t>(std::upper_bound(start.begin() + 1, start.end(), t) -
                                         (start.begin() + 1));
      scores[r] = each[each.size() - 1 - j][r];
    } else {
      scores[r] = MixFirstStage(early[r], late[r], late_weight);
    }
  }
  return scores;
}

Result<std::vector<float>> FirstStageScores(std::span<const Model> stage,
                                            const SplitBoundaries& b, const FeatureMatrix& x,
                                            std::span<const Timestamp> time, double late_weight) {
  MT_CHECK(stage.size() >= 2 && x.rows == time.size());
  MT_ASSIGN_OR_RETURN(auto each, PredictFirstStage(stage, x));
  return CombineFirstStage(each, b, time, late_weight);
}

}  // namespace moneytrail::model::model_internal
