// Minority-class metrics: F1, precision, recall, average precision, precision at k.
#include <algorithm>
#include <numeric>

#include "moneytrail/model.h"

namespace moneytrail::model {
namespace {

// Rows with known labels, sorted by descending score (ties by row order).
std::vector<uint32_t> RankedKnown(std::span<const float> scores, std::span<const int8_t> labels) {
  std::vector<uint32_t> rows;
  for (uint32_t r = 0; r < scores.size(); ++r) {
    if (labels[r] != kLabelUnknown) rows.push_back(r);
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [&](uint32_t a, uint32_t b) { return scores[a] > scores[b]; });
  return rows;
}

double F1(uint64_t tp, uint64_t flagged, uint64_t positives) {
  if (tp == 0) return 0;
  const double p = static_cast<double>(tp) / flagged;
  const double r = static_cast<double>(tp) / positives;
  return 2 * p * r / (p + r);
}

}  // namespace

BinaryMetrics ComputeMetrics(std::span<const float> scores, std::span<const int8_t> labels,
                             float threshold) {
  BinaryMetrics m;
  const std::vector<uint32_t> ranked = RankedKnown(scores, labels);
  m.rows = ranked.size();
  for (uint32_t r : ranked) {
    const bool positive = labels[r] == 1;
    m.positives += positive;
    if (scores[r] >= threshold) {
      ++m.flagged;
      m.true_positives += positive;
    }
  }
  m.precision = m.flagged ? static_cast<double>(m.true_positives) / m.flagged : 0;
  m.recall = m.positives ? static_cast<double>(m.true_positives) / m.positives : 0;
  m.f1 = F1(m.true_positives, m.flagged, m.positives);
  // Average precision: mean over positives of the precision at their rank.
  uint64_t tp = 0;
  double sum = 0;
  for (size_t k = 0; k < ranked.size(); ++k) {
    if (labels[ranked[k]] == 1) {
      ++tp;
      sum += static_cast<double>(tp) / static_cast<double>(k + 1);
    }
  }
  m.pr_auc = m.positives ? sum / static_cast<double>(m.positives) : 0;
  return m;
}

float BestF1Threshold(std::span<const float> scores, std::span<const int8_t> labels) {
  const std::vector<uint32_t> ranked = RankedKnown(scores, labels);
  uint64_t positives = 0;
  for (uint32_t r : ranked) positives += labels[r] == 1;
  float best_threshold = ranked.empty() ? 0.5f : scores[ranked.front()];
  double best_f1 = -1;
  uint64_t tp = 0;
  for (size_t k = 0; k < ranked.size(); ++k) {
    tp += labels[ranked[k]] == 1;
    // A threshold must flag all rows of equal score: evaluate at the end of a tie run.
    if (k + 1 < ranked.size() && scores[ranked[k + 1]] == scores[ranked[k]]) continue;
    const double f1 = F1(tp, k + 1, positives);
    if (f1 > best_f1) {  // strict: the highest threshold wins ties
      best_f1 = f1;
      best_threshold = scores[ranked[k]];
    }
  }
  return best_threshold;
}

double PrecisionAtK(std::span<const float> scores, std::span<const int8_t> labels, size_t k) {
  const std::vector<uint32_t> ranked = RankedKnown(scores, labels);
  const size_t n = std::min(k, ranked.size());
  if (n == 0) return 0;
  size_t tp = 0;
  for (size_t i = 0; i < n; ++i) tp += labels[ranked[i]] == 1;
  return static_cast<double>(tp) / static_cast<double>(n);
}

std::vector<FeatureContribution> TopContributions(std::span<const float> contributions,
                                                  std::span<const float> values, size_t count) {
  std::vector<FeatureContribution> all;
  for (uint32_t k = 0; k < values.size(); ++k) {  // the bias (last entry) is no reason
    if (contributions[k] > 0) all.push_back({k, values[k], contributions[k]});
  }
  std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    return a.contribution > b.contribution;
  });
  if (all.size() > count) all.resize(count);
  return all;
}

}  // namespace moneytrail::model
