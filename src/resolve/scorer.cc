#include "resolve/scorer.h"

#include <cmath>

#include <fmt/format.h>
#include <tbb/parallel_for.h>

namespace moneytrail::resolve_internal {

using moneytrail::resolve::PartyTable;
using moneytrail::resolve::ResolveConfig;

Result<NormalizedColumns> NormalizeColumns(const PartyTable& parties, const ResolveConfig& config) {
  DateOrder order = DateOrder::kYearMonthDay;
  if (config.date_order == "dmy") order = DateOrder::kDayMonthYear;
  if (config.date_order == "mdy") order = DateOrder::kMonthDayYear;
  NormalizedColumns out(parties.columns.size());
  for (size_t col = 0; col < parties.columns.size(); ++col) {
    Normalizer normalizer = Normalizer::kText;
    auto it = config.normalizers.find(parties.columns[col]);
    if (it != config.normalizers.end()) {
      auto parsed = ParseNormalizer(it->second);
      if (!parsed) return InvalidArgumentError(fmt::format("unknown normaliser '{}'", it->second));
      normalizer = *parsed;
    }
    if (col == 0) normalizer = Normalizer::kRaw;  // the id column
    const auto& raw = parties.values[col];
    auto column = std::make_shared<std::vector<std::string>>(raw.size());
    auto& norm = *column;
    tbb::parallel_for(tbb::blocked_range<size_t>(0, raw.size(), 4096),
                      [&](const tbb::blocked_range<size_t>& range) {
                        for (size_t r = range.begin(); r < range.end(); ++r) {
                          norm[r] = Normalize(normalizer, raw[r], order);
                        }
                      });
    out[col] = std::move(column);
  }
  return out;
}

Result<std::vector<PreparedComparison>> PrepareComparisons(const PartyTable& parties,
                                                           const NormalizedColumns& normalized,
                                                           const ResolveConfig& config) {
  if (config.comparisons.size() > kMaxComparisons) {
    return InvalidArgumentError(fmt::format("{} comparisons configured; at most {} are supported",
                                            config.comparisons.size(), kMaxComparisons));
  }
  std::vector<PreparedComparison> out;
  const size_t n = parties.size();
  for (const auto& cc : config.comparisons) {
    PreparedComparison c;
    c.name = cc.name;
    c.tf_adjust = cc.tf_adjust;
    if (cc.levels.size() > kMaxLevels) {
      return InvalidArgumentError(fmt::format("comparison {}: {} levels; at most {} are supported",
                                              cc.name, cc.levels.size(), kMaxLevels));
    }
    for (const auto& text : cc.levels) {
      MT_ASSIGN_OR_RETURN(LevelSpec level, ParseLevel(text));
      c.levels.push_back(level);
    }
    for (const auto& column : cc.columns) {
      const int idx = parties.ColumnIndex(column);
      if (idx < 0) {
        return InvalidArgumentError(fmt::format("comparison {}: no column '{}' in the input",
                                                cc.name, column));
      }
      c.columns.push_back(idx);
    }
    if (!cc.swap_column.empty()) {
      c.swap_column = parties.ColumnIndex(cc.swap_column);
      if (c.swap_column < 0) {
        return InvalidArgumentError(fmt::format("comparison {}: no swap column '{}' in the input",
                                                cc.name, cc.swap_column));
      }
      c.swap_values = normalized[c.swap_column];
    }
    if (c.columns.size() == 1) {
      c.values = normalized[c.columns[0]];
    } else {
      auto joined_values = std::make_shared<std::vector<std::string>>(n);
      for (size_t r = 0; r < n; ++r) {
        std::string joined;
        for (int col : c.columns) {
          const std::string& v = (*normalized[col])[r];
          if (v.empty()) continue;
          if (!joined.empty()) joined.push_back(' ');
          joined += v;
        }
        (*joined_values)[r] = std::move(joined);
      }
      c.values = std::move(joined_values);
    }
    if (c.tf_adjust) {
      size_t non_empty = 0;
      for (const auto& v : *c.values) {
        if (v.empty()) continue;
        ++non_empty;
        c.term_frequency[v] += 1.0;
      }
      for (auto& [value, count] : c.term_frequency) count /= static_cast<double>(non_empty);
      c.min_term_frequency = non_empty > 0 ? 1.0 / static_cast<double>(non_empty) : 1.0;
    }
    out.push_back(std::move(c));
  }
  return out;
}

uint8_t ComputeLevel(const PreparedComparison& c, uint32_t a, uint32_t b) {
  const std::string& va = (*c.values)[a];
  const std::string& vb = (*c.values)[b];
  if (va.empty() || vb.empty()) return kNullLevel;
  LevelInput input{va, c.swap_values ? std::string_view((*c.swap_values)[a]) : std::string_view(),
                   vb, c.swap_values ? std::string_view((*c.swap_values)[b]) : std::string_view()};
  for (size_t l = 0; l < c.levels.size(); ++l) {
    if (LevelHolds(c.levels[l], input)) return static_cast<uint8_t>(l);
  }
  return static_cast<uint8_t>(c.levels.size());
}

uint64_t ComputeLevels(const std::vector<PreparedComparison>& comparisons, uint32_t a, uint32_t b) {
  uint64_t packed = 0;
  for (size_t k = 0; k < comparisons.size(); ++k) {
    packed |= static_cast<uint64_t>(ComputeLevel(comparisons[k], a, b)) << (4 * k);
  }
  return packed;
}

Scorer::Scorer(const std::vector<PreparedComparison>& comparisons,
               const moneytrail::resolve::Model& model)
    : comparisons_(comparisons), prior_weight_(model.prior_weight()) {
  for (size_t k = 0; k < comparisons.size(); ++k) {
    std::vector<double> weights;
    for (const auto& level : model.comparisons[k].levels) weights.push_back(level.weight());
    level_weights_.push_back(std::move(weights));
    int exact = -1;
    for (size_t l = 0; l < comparisons[k].levels.size(); ++l) {
      if (comparisons[k].levels[l].kind == LevelKind::kExact) {
        exact = static_cast<int>(l);
        break;
      }
    }
    exact_level_.push_back(comparisons[k].tf_adjust ? exact : -1);
    exact_log2_u_.push_back(exact >= 0 ? std::log2(model.comparisons[k].levels[exact].u) : 0.0);
  }
}

std::pair<double, double> Scorer::ComparisonWeight(size_t k, uint8_t level, uint32_t a) const {
  if (level == kNullLevel) return {0.0, 0.0};
  double w = level_weights_[k][level];
  double tf_adjustment = 0;
  if (exact_level_[k] == level) {
    const PreparedComparison& c = comparisons_[k];
    auto it = c.term_frequency.find((*c.values)[a]);
    const double tf = it == c.term_frequency.end() ? c.min_term_frequency
                                                   : std::max(it->second, c.min_term_frequency);
    tf_adjustment = exact_log2_u_[k] - std::log2(tf);
  }
  return {w + tf_adjustment, tf_adjustment};
}

double Scorer::Weight(uint64_t packed, uint32_t a) const {
  double w = prior_weight_;
  for (size_t k = 0; k < comparisons_.size(); ++k) {
    w += ComparisonWeight(k, LevelOf(packed, k), a).first;
  }
  return w;
}

double Scorer::Score(uint32_t a, uint32_t b) const {
  return Weight(ComputeLevels(comparisons_, a, b), a);
}

}  // namespace moneytrail::resolve_internal
