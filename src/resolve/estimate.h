// Estimation of the Fellegi-Sunter parameters without labels:
// - u (P(level | non-match)) from random record pairs, which are almost all non-matches;
// - m (P(level | match)) by expectation-maximisation, once per blocking rule on the pairs
//   that rule produces, leaving out the comparisons that read the rule's columns (their
//   agreement is forced by the block, as in Splink's training sessions), then averaged;
// - lambda (the prior match probability) from the largest expected match count of a session.
#ifndef MONEYTRAIL_SRC_RESOLVE_ESTIMATE_H_
#define MONEYTRAIL_SRC_RESOLVE_ESTIMATE_H_

#include <cstdint>
#include <vector>

#include "moneytrail/resolve.h"
#include "resolve/blocking.h"
#include "resolve/scorer.h"

namespace moneytrail::resolve_internal {

// A distinct packed level vector and how many pairs have it.
struct PatternCount {
  uint64_t pattern = 0;
  double count = 0;
};

using LevelProbabilities = std::vector<std::vector<double>>;  // [comparison][level]

struct EmOptions {
  int max_iterations = 100;
  double tolerance = 1e-5;
  bool estimate_u = false;         // false: u stays as given
  std::vector<bool> estimate_m;    // per comparison; false: ignored (as if null)
};

struct EmResult {
  LevelProbabilities m;
  LevelProbabilities u;
  double lambda = 0;
  double expected_matches = 0;
  int iterations = 0;
};

// Classic two-class EM over pattern counts. Null levels (kNullLevel) carry no evidence.
// REQUIRES: m and u hold level_count probabilities per comparison; 0 < lambda < 1.
EmResult RunEm(const std::vector<PatternCount>& patterns, LevelProbabilities m, LevelProbabilities u,
               double lambda, const EmOptions& options);

// A starting m (decreasing over the configured levels, small for "else") and a starting u
// (mostly "else"), used before data says otherwise.
LevelProbabilities InitialM(const std::vector<PreparedComparison>& comparisons);
LevelProbabilities InitialU(const std::vector<PreparedComparison>& comparisons);

// u from up to `sample_pairs` random allowed pairs (all pairs when there are fewer),
// deterministic for a seed. Sets *pairs_used.
LevelProbabilities EstimateUFromRandomPairs(const std::vector<PreparedComparison>& comparisons,
                                            const moneytrail::resolve::PartyTable& parties,
                                            const PairFilter& filter, int64_t sample_pairs,
                                            uint64_t seed, int64_t* pairs_used);

// The full unsupervised estimation over the candidate pairs. `pair_levels` holds the
// packed levels of each candidate pair.
moneytrail::resolve::Model EstimateModel(const std::vector<PreparedComparison>& comparisons,
                                         const moneytrail::resolve::ResolveConfig& config,
                                         const CandidatePairs& candidates,
                                         const std::vector<uint64_t>& pair_levels,
                                         const LevelProbabilities& u, double possible_pairs);

}  // namespace moneytrail::resolve_internal

#endif  // MONEYTRAIL_SRC_RESOLVE_ESTIMATE_H_
