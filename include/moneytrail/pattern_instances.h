// Pattern instances of a run computed in parts (the blocks of a batch run, the batches of a
// stream) merged into the instances one run over all of the parts' transactions gives
// (docs/patterns.md, Instances): deduplicated across the parts, then capped per account over
// the whole run, so that the instance file does not depend on how the run was cut.
//
// Example (a stream):
//   patterns::PatternConfig uncapped = config;
//   uncapped.instances_per_account = patterns::kNoInstanceCap;  // the parts keep every instance
//   patterns::PatternStream stream(uncapped);
//   std::vector<patterns::InstanceSet> parts;
//   for (const auto& batch : batches) {
//     MT_ASSIGN_OR_RETURN(patterns::FeatureRun run, stream.AddBatch(batch, true));
//     parts.push_back(std::move(run.instances));
//   }
//   patterns::InstanceSet all =
//       patterns::MergeInstances(std::move(parts), config.instances_per_account);
#ifndef MONEYTRAIL_PATTERN_INSTANCES_H_
#define MONEYTRAIL_PATTERN_INSTANCES_H_

#include <cstdint>
#include <limits>
#include <vector>

#include "moneytrail/patterns.h"

namespace moneytrail::patterns {

// An `instances_per_account` that never binds: runs whose instances are merged use it, and the
// merge applies the real cap once.
inline constexpr uint32_t kNoInstanceCap = std::numeric_limits<uint32_t>::max();

// The instances of the runs `parts`, each over other rows of the same transactions and graph:
// deduplicated over all parts (an instance whose transactions are all in another instance of
// its kind is dropped), sorted by (first_time, kind, transactions) and capped at
// `cap_per_account` per account in that order; `found` is the number of distinct instances
// before the cap. Dedup and cap depend only on the set of instances, so the result does not
// depend on how the rows were cut or in which order the parts come: it is what one run over all
// rows with that cap gives, but for the cycle caps a single capped run applies as it searches
// (docs/patterns.md, Instances). REQUIRES: every part was computed with instances_per_account =
// kNoInstanceCap (checked: no part capped or left out an instance).
InstanceSet MergeInstances(std::vector<InstanceSet> parts, uint32_t cap_per_account);

}  // namespace moneytrail::patterns

#endif  // MONEYTRAIL_PATTERN_INSTANCES_H_
