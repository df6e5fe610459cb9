// Edit distance for "did you mean" hints in error messages (mapping and grammar keys, capture
// names, pattern ids).
//
// Example:
//   std::string_view hint = NearestCandidate("ammount", {"amount", "balance"});  // "amount"
#ifndef MONEYTRAIL_EDIT_DISTANCE_H_
#define MONEYTRAIL_EDIT_DISTANCE_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace moneytrail {

// Levenshtein distance (insertions, deletions and substitutions of single bytes).
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate nearest to `word` by EditDistance, the first on ties, among those whose distance
// is below `below`; empty when there is none. The view points into `candidates`.
std::string_view NearestCandidate(std::string_view word,
                                  std::span<const std::string_view> candidates,
                                  size_t below = SIZE_MAX);

}  // namespace moneytrail

#endif  // MONEYTRAIL_EDIT_DISTANCE_H_
