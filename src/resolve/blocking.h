// Candidate pairs from unioned blocking rules. Each rule keys every record (0: no key);
// records with equal keys form a block, and every pair within a block is a candidate unless
// an earlier rule already produced it, the records come from one file in link mode, or a
// require_equal column differs. Blocks larger than max_block_size are skipped and reported.
#ifndef MONEYTRAIL_SRC_RESOLVE_BLOCKING_H_
#define MONEYTRAIL_SRC_RESOLVE_BLOCKING_H_

#include <cstdint>
#include <vector>

#include "moneytrail/resolve.h"
#include "resolve/scorer.h"

namespace moneytrail::resolve_internal {

struct CandidatePairs {
  std::vector<std::pair<uint32_t, uint32_t>> pairs;  // (a, b), a < b, sorted
  std::vector<uint32_t> rule_mask;                   // per pair: bit r when rule r holds
  std::vector<moneytrail::resolve::BlockingRuleReport> reports;
  // The columns each rule reads (indices into the party table).
  std::vector<std::vector<int>> rule_columns;
};

// REQUIRES: config.blocking.size() <= 32. InvalidArgument for a missing column.
moneytrail::Result<CandidatePairs> GenerateCandidates(const moneytrail::resolve::PartyTable& parties,
                                                      const NormalizedColumns& normalized,
                                                      const moneytrail::resolve::ResolveConfig& config);

// Whether records a and b may be compared at all (link mode, require_equal).
class PairFilter {
 public:
  PairFilter(const moneytrail::resolve::PartyTable& parties, const NormalizedColumns& normalized,
             const moneytrail::resolve::ResolveConfig& config);
  bool Allowed(uint32_t a, uint32_t b) const;

 private:
  const moneytrail::resolve::PartyTable& parties_;
  bool link_mode_;
  std::vector<const std::vector<std::string>*> require_equal_;
};

}  // namespace moneytrail::resolve_internal

#endif  // MONEYTRAIL_SRC_RESOLVE_BLOCKING_H_
