#include "resolve/estimate.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <unordered_map>

#include <tbb/combinable.h>
#include <tbb/parallel_for.h>

namespace moneytrail::resolve_internal {

using moneytrail::resolve::ComparisonModel;
using moneytrail::resolve::LevelParameters;
using moneytrail::resolve::LinkMode;
using moneytrail::resolve::Model;
using moneytrail::resolve::PartyTable;
using moneytrail::resolve::ResolveConfig;

namespace {

constexpr double kMinProbability = 1e-6;

void Normalise(std::vector<double>& p) {
  double sum = 0;
  for (double& x : p) {
    x = std::max(x, kMinProbability);
    sum += x;
  }
  for (double& x : p) x /= sum;
}

}  // namespace

EmResult RunEm(const std::vector<PatternCount>& patterns, LevelProbabilities m, LevelProbabilities u,
               double lambda, const EmOptions& options) {
  const size_t k_count = m.size();
  EmResult result;
  for (int iter = 0; iter < options.max_iterations; ++iter) {
    LevelProbabilities m_acc(k_count), u_acc(k_count);
    for (size_t k = 0; k < k_count; ++k) {
      m_acc[k].assign(m[k].size(), 0.0);
      u_acc[k].assign(u[k].size(), 0.0);
    }
    double expected_matches = 0, total = 0;
    for (const PatternCount& pc : patterns) {
      double log_m = std::log(lambda), log_u = std::log1p(-lambda);
      for (size_t k = 0; k < k_count; ++k) {
        if (!options.estimate_m[k]) continue;
        const uint8_t level = LevelOf(pc.pattern, k);
        if (level == kNullLevel) continue;
        log_m += std::log(m[k][level]);
        log_u += std::log(u[k][level]);
      }
      const double posterior = 1.0 / (1.0 + std::exp(log_u - log_m));
      expected_matches += pc.count * posterior;
      total += pc.count;
      for (size_t k = 0; k < k_count; ++k) {
        if (!options.estimate_m[k]) continue;
        const uint8_t level = LevelOf(pc.pattern, k);
        if (level == kNullLevel) continue;
        m_acc[k][level] += pc.count * posterior;
        u_acc[k][level] += pc.count * (1.0 - posterior);
      }
    }
    if (total <= 0) break;
    double change = 0;
    const double new_lambda = std::clamp(expected_matches / total, 1e-9, 1.0 - 1e-9);
    change = std::max(change, std::abs(new_lambda - lambda));
    lambda = new_lambda;
    for (size_t k = 0; k < k_count; ++k) {
      if (!options.estimate_m[k]) continue;
      Normalise(m_acc[k]);
      for (size_t l = 0; l < m[k].size(); ++l) change = std::max(change, std::abs(m_acc[k][l] - m[k][l]));
      m[k] = m_acc[k];
      if (options.estimate_u) {
        Normalise(u_acc[k]);
        for (size_t l = 0; l < u[k].size(); ++l) change = std::max(change, std::abs(u_acc[k][l] - u[k][l]));
        u[k] = u_acc[k];
      }
    }
    result.expected_matches = expected_matches;
    result.iterations = iter + 1;
    if (change < options.tolerance) break;
  }
  result.m = std::move(m);
  result.u = std::move(u);
  result.lambda = lambda;
  return result;
}

LevelProbabilities InitialM(const std::vector<PreparedComparison>& comparisons) {
  LevelProbabilities m;
  for (const auto& c : comparisons) {
    std::vector<double> p(c.level_count());
    for (size_t l = 0; l + 1 < p.size(); ++l) p[l] = std::pow(0.5, static_cast<double>(l));
    p.back() = 0.05;
    Normalise(p);
    m.push_back(std::move(p));
  }
  return m;
}

LevelProbabilities InitialU(const std::vector<PreparedComparison>& comparisons) {
  LevelProbabilities u;
  for (const auto& c : comparisons) {
    std::vector<double> p(c.level_count());
    for (size_t l = 0; l + 1 < p.size(); ++l) p[l] = 0.01 * static_cast<double>(l + 1);
    p.back() = 0.9;
    Normalise(p);
    u.push_back(std::move(p));
  }
  return u;
}

LevelProbabilities EstimateUFromRandomPairs(const std::vector<PreparedComparison>& comparisons,
                                            const PartyTable& parties, const PairFilter& filter,
                                            int64_t sample_pairs, uint64_t seed,
                                            int64_t* pairs_used) {
  const uint32_t n = static_cast<uint32_t>(parties.size());
  std::vector<std::pair<uint32_t, uint32_t>> pairs;
  const double all_pairs = static_cast<double>(n) * (n - 1) / 2.0;
  if (all_pairs <= static_cast<double>(sample_pairs)) {
    for (uint32_t a = 0; a < n; ++a) {
      for (uint32_t b = a + 1; b < n; ++b) {
        if (filter.Allowed(a, b)) pairs.emplace_back(a, b);
      }
    }
  } else if (n >= 2) {
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<uint32_t> pick(0, n - 1);
    int64_t attempts = 0;
    while (static_cast<int64_t>(pairs.size()) < sample_pairs && attempts < sample_pairs * 20) {
      ++attempts;
      uint32_t a = pick(rng), b = pick(rng);
      if (a > b) std::swap(a, b);
      if (filter.Allowed(a, b)) pairs.emplace_back(a, b);
    }
  }
  *pairs_used = static_cast<int64_t>(pairs.size());
  const size_t k_count = comparisons.size();
  using Counts = std::vector<std::vector<int64_t>>;
  auto empty_counts = [&] {
    Counts counts(k_count);
    for (size_t k = 0; k < k_count; ++k) counts[k].assign(comparisons[k].level_count(), 0);
    return counts;
  };
  tbb::combinable<Counts> local(empty_counts);
  tbb::parallel_for(tbb::blocked_range<size_t>(0, pairs.size(), 1024),
                    [&](const tbb::blocked_range<size_t>& range) {
                      Counts& counts = local.local();
                      for (size_t p = range.begin(); p < range.end(); ++p) {
                        for (size_t k = 0; k < k_count; ++k) {
                          const uint8_t level = ComputeLevel(comparisons[k], pairs[p].first, pairs[p].second);
                          if (level != kNullLevel) ++counts[k][level];
                        }
                      }
                    });
  Counts total = empty_counts();
  local.combine_each([&](const Counts& c) {
    for (size_t k = 0; k < k_count; ++k) {
      for (size_t l = 0; l < c[k].size(); ++l) total[k][l] += c[k][l];
    }
  });
  LevelProbabilities u(k_count);
  for (size_t k = 0; k < k_count; ++k) {
    // Add-half smoothing: a level never seen among random pairs is rare, not impossible.
    for (int64_t c : total[k]) u[k].push_back(static_cast<double>(c) + 0.5);
    Normalise(u[k]);
  }
  return u;
}

Model EstimateModel(const std::vector<PreparedComparison>& comparisons, const ResolveConfig& config,
                    const CandidatePairs& candidates, const std::vector<uint64_t>& pair_levels,
                    const LevelProbabilities& u, double possible_pairs) {
  const size_t k_count = comparisons.size();
  const size_t rule_count = candidates.rule_columns.size();
  // One histogram of (levels, rule mask); sessions read slices of it.
  std::map<std::pair<uint64_t, uint32_t>, double> histogram;
  {
    using Local = std::unordered_map<uint64_t, std::unordered_map<uint32_t, double>>;
    tbb::combinable<Local> local;
    tbb::parallel_for(tbb::blocked_range<size_t>(0, pair_levels.size(), 4096),
                      [&](const tbb::blocked_range<size_t>& range) {
                        Local& h = local.local();
                        for (size_t p = range.begin(); p < range.end(); ++p) {
                          h[pair_levels[p]][candidates.rule_mask[p]] += 1.0;
                        }
                      });
    local.combine_each([&](const Local& h) {
      for (const auto& [pattern, masks] : h) {
        for (const auto& [mask, count] : masks) histogram[{pattern, mask}] += count;
      }
    });
  }

  LevelProbabilities m_sum(k_count);
  std::vector<int> sessions(k_count, 0);
  for (size_t k = 0; k < k_count; ++k) m_sum[k].assign(comparisons[k].level_count(), 0.0);
  double best_expected_matches = 0;

  auto run_session = [&](uint32_t rule_bit, const std::vector<bool>& estimate) {
    std::map<uint64_t, double> patterns;
    for (const auto& [key, count] : histogram) {
      if (rule_bit != 0 && (key.second & rule_bit) == 0) continue;
      patterns[key.first] += count;
    }
    std::vector<PatternCount> list;
    double total = 0;
    for (const auto& [pattern, count] : patterns) {
      list.push_back({pattern, count});
      total += count;
    }
    if (total < 10) return;
    EmOptions options;
    options.max_iterations = config.em_max_iterations;
    options.tolerance = config.em_tolerance;
    options.estimate_m = estimate;
    EmResult r = RunEm(list, InitialM(comparisons), u, 0.2, options);
    for (size_t k = 0; k < k_count; ++k) {
      if (!estimate[k]) continue;
      for (size_t l = 0; l < r.m[k].size(); ++l) m_sum[k][l] += r.m[k][l];
      ++sessions[k];
    }
    best_expected_matches = std::max(best_expected_matches, r.expected_matches);
  };

  for (size_t r = 0; r < rule_count; ++r) {
    if (r < config.blocking.size() && !config.blocking[r].train) continue;
    std::vector<bool> estimate(k_count, true);
    for (size_t k = 0; k < k_count; ++k) {
      std::vector<int> read = comparisons[k].columns;
      if (comparisons[k].swap_column >= 0) read.push_back(comparisons[k].swap_column);
      for (int col : read) {
        for (int rule_col : candidates.rule_columns[r]) {
          if (col == rule_col) estimate[k] = false;
        }
      }
    }
    run_session(1u << r, estimate);
  }
  // Comparisons that every rule constrains: one session over all candidates.
  std::vector<bool> missing(k_count, false);
  bool any_missing = false;
  for (size_t k = 0; k < k_count; ++k) {
    missing[k] = sessions[k] == 0;
    any_missing = any_missing || missing[k];
  }
  if (any_missing) {
    std::vector<bool> all(k_count, true);
    LevelProbabilities saved = m_sum;
    std::vector<int> saved_sessions = sessions;
    run_session(0, all);
    for (size_t k = 0; k < k_count; ++k) {
      if (!missing[k]) {
        m_sum[k] = saved[k];
        sessions[k] = saved_sessions[k];
      }
    }
  }

  LevelProbabilities initial = InitialM(comparisons);
  Model model;
  model.lambda = std::clamp(best_expected_matches / std::max(possible_pairs, 1.0), 1e-12, 0.5);
  for (size_t k = 0; k < k_count; ++k) {
    ComparisonModel cm;
    cm.name = comparisons[k].name;
    cm.em_sessions = sessions[k];
    for (size_t l = 0; l < comparisons[k].level_count(); ++l) {
      LevelParameters p;
      p.label = l < comparisons[k].levels.size() ? comparisons[k].levels[l].label : "else";
      p.m = sessions[k] > 0 ? m_sum[k][l] / sessions[k] : initial[k][l];
      p.u = u[k][l];
      cm.levels.push_back(p);
    }
    model.comparisons.push_back(std::move(cm));
  }
  return model;
}

}  // namespace moneytrail::resolve_internal
