// The state behind a Resolution: prepared comparisons, fitted model, scored pairs, entities.
#ifndef MONEYTRAIL_SRC_RESOLVE_STATE_H_
#define MONEYTRAIL_SRC_RESOLVE_STATE_H_

#include <memory>
#include <vector>

#include "moneytrail/resolve.h"
#include "resolve/scorer.h"

namespace moneytrail::resolve::internal {

struct ResolutionState {
  resolve_internal::NormalizedColumns normalized;
  std::vector<resolve_internal::PreparedComparison> comparisons;
  Model model;
  std::unique_ptr<resolve_internal::Scorer> scorer;  // reads `comparisons`; never moved
  std::vector<ScoredPair> pairs;
  std::vector<uint64_t> pair_levels;  // packed levels of each pair
  std::vector<BlockingRuleReport> blocking;
  std::vector<uint32_t> entity_of;
  size_t entity_count = 0;
  double threshold = 0;
  int64_t u_sample_pairs = 0;
  LinkMode mode = LinkMode::kDedupe;
};

}  // namespace moneytrail::resolve::internal

#endif  // MONEYTRAIL_SRC_RESOLVE_STATE_H_
