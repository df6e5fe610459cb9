// The prepared comparison data of a resolution run and the Fellegi-Sunter scorer over it:
// normalised values per record, comparison levels of a pair, term frequencies, and match
// weights. Built once by Resolve(); read-only afterwards and safe to share across threads.
#ifndef MONEYTRAIL_SRC_RESOLVE_SCORER_H_
#define MONEYTRAIL_SRC_RESOLVE_SCORER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "moneytrail/resolve.h"
#include "resolve/levels.h"
#include "resolve/normalize.h"

namespace moneytrail::resolve_internal {

// Level value of a pair where either record has no value.
inline constexpr uint8_t kNullLevel = 15;
// At most this many configured levels per comparison ("else" takes the next index).
inline constexpr size_t kMaxLevels = 14;
// At most this many comparisons: a pair's levels pack into a uint64_t, 4 bits each.
inline constexpr size_t kMaxComparisons = 16;

struct PreparedComparison {
  std::string name;
  std::vector<LevelSpec> levels;         // configured levels; "else" is levels.size()
  // shared: a normalised column is read by several comparisons and by blocking.
  std::shared_ptr<const std::vector<std::string>> values;       // per record
  std::shared_ptr<const std::vector<std::string>> swap_values;  // per record, or null
  std::vector<int> columns;              // indices into the party table's columns
  int swap_column = -1;
  bool tf_adjust = false;
  std::unordered_map<std::string, double> term_frequency;  // value -> share of non-empty
  double min_term_frequency = 1.0;

  size_t level_count() const { return levels.size() + 1; }  // including "else"
};

// Normalised values of every party column: (*normalized[column])[record].
using NormalizedColumns = std::vector<std::shared_ptr<const std::vector<std::string>>>;

// Normalises every column of `parties` with the configured normalisers.
moneytrail::Result<NormalizedColumns> NormalizeColumns(const moneytrail::resolve::PartyTable& parties,
                                                       const moneytrail::resolve::ResolveConfig& config);

// Builds the comparisons of `config` over the normalised columns. InvalidArgument for a
// missing column or too many levels or comparisons.
moneytrail::Result<std::vector<PreparedComparison>> PrepareComparisons(
    const moneytrail::resolve::PartyTable& parties, const NormalizedColumns& normalized,
    const moneytrail::resolve::ResolveConfig& config);

// The level of comparison `c` for records a and b (kNullLevel when either value is empty).
uint8_t ComputeLevel(const PreparedComparison& c, uint32_t a, uint32_t b);

// All levels of a pair, packed 4 bits per comparison (comparison k in bits 4k..4k+3).
uint64_t ComputeLevels(const std::vector<PreparedComparison>& comparisons, uint32_t a, uint32_t b);

inline uint8_t LevelOf(uint64_t packed, size_t k) {
  return static_cast<uint8_t>((packed >> (4 * k)) & 0xF);
}

// Scores pairs with a fitted model: per-level weights log2(m/u) and the term-frequency
// adjustment of exact agreements, log2(u_exact / tf(value)).
class Scorer {
 public:
  Scorer(const std::vector<PreparedComparison>& comparisons, const moneytrail::resolve::Model& model);

  // Match weight of a pair from its packed levels, prior included.
  double Weight(uint64_t packed, uint32_t a) const;
  // Levels computed afresh, then Weight().
  double Score(uint32_t a, uint32_t b) const;
  // Weight of comparison k at `level` for a pair whose left record is a (tf lookups use a's
  // value; an exact match means both values are equal). Returns {weight, tf_adjustment}.
  std::pair<double, double> ComparisonWeight(size_t k, uint8_t level, uint32_t a) const;

 private:
  const std::vector<PreparedComparison>& comparisons_;
  std::vector<std::vector<double>> level_weights_;  // [comparison][level]
  std::vector<double> exact_log2_u_;                // log2 u of the exact level, or NaN
  std::vector<int> exact_level_;                    // index of the "exact" level, or -1
  double prior_weight_ = 0;
};

}  // namespace moneytrail::resolve_internal

#endif  // MONEYTRAIL_SRC_RESOLVE_SCORER_H_
