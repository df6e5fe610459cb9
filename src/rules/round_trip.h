// kind = "round_trip" (docs/rules.md, Built-in kinds): money that leaves an account and comes back
// to it through other accounts within the rule's window. A cycle is a time-ordered chain of 2 to
// max_hops payments between bank accounts, A -> B -> ... -> A, through distinct accounts, the first
// at least min_amount and each later one between min_share and 1 times the one before it (money
// passed on, less fees), all within the window. The cycles of one origin whose time spans overlap
// make one alert; its evidence is every payment of those cycles.
//
// Example:
//   uint64_t truncated = 0;
//   MT_ASSIGN_OR_RETURN(std::vector<Alert> alerts, RunRoundTrip(rule, facts, ids, currency, truncated));
#ifndef MONEYTRAIL_SRC_RULES_ROUND_TRIP_H_
#define MONEYTRAIL_SRC_RULES_ROUND_TRIP_H_

#include <cstdint>
#include <vector>

#include "moneytrail/rules.h"
#include "rules/compiled.h"
#include "rules/runtime.h"
#include "rules/window.h"

namespace moneytrail::rules::rules_internal {

// REQUIRES: rule.builtin == BuiltinKind::kRoundTrip. `currency`: ResolveCurrency of the rule's.
// `truncated` counts first payments whose search stopped at RoundTripSpec::max_steps (their
// cycles may be incomplete). OutOfRange if a sum leaves the Decimal range.
Result<std::vector<Alert>> RunRoundTrip(const Rule& rule, const StoreFacts& facts, const LocationIds& ids,
                                        int32_t currency, uint64_t& truncated);

}  // namespace moneytrail::rules::rules_internal

#endif  // MONEYTRAIL_SRC_RULES_ROUND_TRIP_H_
