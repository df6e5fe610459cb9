// kind = "scatter_gather" (docs/rules.md, Built-in kinds): money fans out from one source (a bank
// account, or an outside payer that the records name but whose account they do not hold: a node of
// kind external) to several intermediary accounts, which within the rule's window each pass it on to one common sink
// (a bank account, or, when the source is one, an outside payee the records name). A leg is a pair
// of payments S -> X (the scatter payment, at least min_amount) and then X -> T (the gather
// payment, between min_share and 1 times the scatter payment: the money passed on, less fees),
// with S, X and T distinct, X a bank account, S or T a bank account. An instance is a set of legs of one
// (S, T) through at least min_intermediaries distinct X whose first scatter payment and last gather
// payment are at most the window apart; the instances of one (S, T) whose spans overlap make one
// alert, whose subjects are S and T and whose evidence is every payment of those legs (scatter
// payments as `first`, gather payments as `then`).
//
// Example:
//   uint64_t truncated = 0;
//   MT_ASSIGN_OR_RETURN(std::vector<Alert> alerts, RunScatterGather(rule, facts, ids, currency, truncated));
#ifndef MONEYTRAIL_SRC_RULES_SCATTER_GATHER_H_
#define MONEYTRAIL_SRC_RULES_SCATTER_GATHER_H_

#include <cstdint>
#include <vector>

#include "moneytrail/rules.h"
#include "rules/compiled.h"
#include "rules/runtime.h"
#include "rules/window.h"

namespace moneytrail::rules::rules_internal {

// REQUIRES: rule.builtin == BuiltinKind::kScatterGather. `currency`: ResolveCurrency of the rule's.
// `truncated` counts scatter payments whose search for gather payments stopped at
// ScatterGatherSpec::max_steps (their legs may be incomplete). OutOfRange if a sum leaves the
// Decimal range. Alerts come in (S, T) order; the result does not depend on threads.
Result<std::vector<Alert>> RunScatterGather(const Rule& rule, const StoreFacts& facts, const LocationIds& ids,
                                            int32_t currency, uint64_t& truncated);

}  // namespace moneytrail::rules::rules_internal

#endif  // MONEYTRAIL_SRC_RULES_SCATTER_GATHER_H_
