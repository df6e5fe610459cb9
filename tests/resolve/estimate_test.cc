#include "resolve/estimate.h"

#include <cmath>
#include <map>
#include <random>

#include <gtest/gtest.h>

namespace moneytrail::resolve_internal {
namespace {

// Simulates pairs from a known two-class model: three comparisons with three levels each
// (two configured levels and "else"), 5% missing values.
struct Simulation {
  LevelProbabilities m = {{0.85, 0.10, 0.05}, {0.70, 0.20, 0.10}, {0.90, 0.06, 0.04}};
  LevelProbabilities u = {{0.02, 0.08, 0.90}, {0.05, 0.15, 0.80}, {0.01, 0.04, 0.95}};
  double lambda = 0.25;

  std::vector<PatternCount> Draw(int pairs, unsigned seed) const {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> unit(0, 1);
    std::map<uint64_t, double> counts;
    for (int i = 0; i < pairs; ++i) {
      const bool match = unit(rng) < lambda;
      uint64_t packed = 0;
      for (size_t k = 0; k < m.size(); ++k) {
        const auto& p = match ? m[k] : u[k];
        double x = unit(rng);
        uint64_t level = 0;
        while (level + 1 < p.size() && x >= p[level]) x -= p[level++];
        if (unit(rng) < 0.05) level = kNullLevel;
        packed |= level << (4 * k);
      }
      counts[packed] += 1;
    }
    std::vector<PatternCount> out;
    for (const auto& [pattern, count] : counts) out.push_back({pattern, count});
    return out;
  }
};

LevelProbabilities Flat(const LevelProbabilities& shape, bool match) {
  LevelProbabilities out;
  for (const auto& levels : shape) {
    std::vector<double> p(levels.size());
    for (size_t l = 0; l < p.size(); ++l) p[l] = match ? std::pow(0.5, l) : 0.1 * (l + 1);
    if (!match) p.back() = 0.8;
    double sum = 0;
    for (double x : p) sum += x;
    for (double& x : p) x /= sum;
    out.push_back(p);
  }
  return out;
}

TEST(EstimateTest, EmRecoversKnownMAndUFromUnlabelledPairs) {
  Simulation sim;
  const unsigned seed = 4242;
  auto patterns = sim.Draw(60000, seed);
  EmOptions options;
  options.max_iterations = 500;
  options.tolerance = 1e-8;
  options.estimate_u = true;
  options.estimate_m = {true, true, true};
  EmResult r = RunEm(patterns, Flat(sim.m, true), Flat(sim.u, false), 0.5, options);
  EXPECT_NEAR(r.lambda, sim.lambda, 0.02) << "seed " << seed;
  for (size_t k = 0; k < sim.m.size(); ++k) {
    for (size_t l = 0; l < sim.m[k].size(); ++l) {
      EXPECT_NEAR(r.m[k][l], sim.m[k][l], 0.03) << "m k=" << k << " l=" << l << " seed " << seed;
      EXPECT_NEAR(r.u[k][l], sim.u[k][l], 0.02) << "u k=" << k << " l=" << l << " seed " << seed;
    }
  }
}

TEST(EstimateTest, EmWithFixedURecoversMAndLambda) {
  Simulation sim;
  sim.lambda = 0.02;  // rare matches, as among blocked pairs of a large file
  const unsigned seed = 99;
  auto patterns = sim.Draw(200000, seed);
  EmOptions options;
  options.max_iterations = 500;
  options.tolerance = 1e-9;
  options.estimate_m = {true, true, true};
  EmResult r = RunEm(patterns, Flat(sim.m, true), sim.u, 0.2, options);
  EXPECT_NEAR(r.lambda, sim.lambda, 0.004) << "seed " << seed;
  for (size_t k = 0; k < sim.m.size(); ++k) {
    EXPECT_NEAR(r.m[k][0], sim.m[k][0], 0.04) << "k=" << k << " seed " << seed;
  }
}

TEST(EstimateTest, ExcludedComparisonsKeepTheirStartingValues) {
  Simulation sim;
  auto patterns = sim.Draw(5000, 1);
  EmOptions options;
  options.estimate_m = {true, false, true};
  LevelProbabilities start = Flat(sim.m, true);
  EmResult r = RunEm(patterns, start, sim.u, 0.3, options);
  EXPECT_EQ(r.m[1], start[1]);
}

}  // namespace
}  // namespace moneytrail::resolve_internal
