// Turning an episode (the evidence events of one alert) into an Alert: exact figures, the
// rule's sentence, ordering keys.
#ifndef MONEYTRAIL_SRC_RULES_FIGURES_H_
#define MONEYTRAIL_SRC_RULES_FIGURES_H_

#include <span>
#include <string>

#include "moneytrail/rules.h"
#include "rules/compiled.h"
#include "rules/runtime.h"
#include "rules/window.h"

namespace moneytrail::rules::rules_internal {

// Figures known before the evidence is summarised (baselines).
struct Figures {
  bool has_peer = false;
  Int128 peer_median2 = 0;  // twice the peer median, scaled (or a doubled count)
  Int128 peer_value = 0;
  std::string peer_group;
  Int128 history_value = -1;  // < 0: no history comparison
};

// Builds the alert of one episode. `first` holds the match (aggregate) or first (sequence)
// events, `then` the then events. OutOfRange if a sum leaves the Decimal range.
Result<Alert> MakeAlert(const Rule& rule, const StoreFacts& facts, const LocationIds& ids, const Event& subject_event,
                        std::span<const Event> first, std::span<const Event> then, const Figures& figures);

// How a duration window is read on date-only rows, for the alert's `window_basis` figure:
// "date-only rows: within 72 hours read as the later row's own date (posted after, by the
// statement's order) and the 2 dates before it, so that every pair counted is within 72 hours at
// any hour of its dates" (docs/rules.md, Date-only rows). REQUIRES: a duration window.
std::string DateOnlyWindowBasis(const Rule& rule);

// A span in an investigator's words: "5 hours" up to 72 hours, then "4 days" up to 27 days,
// then "14 weeks" (each rounded up).
std::string Duration(int64_t seconds);

// "$131,400.00" for USD, "131,400.00 EUR" otherwise.
std::string FormatMoney(Decimal amount, std::string_view currency);

// The sort key of an alert's subjects (their labels).
std::string SubjectSortKey(const store::Store& store, const Alert& alert);

}  // namespace moneytrail::rules::rules_internal

#endif  // MONEYTRAIL_SRC_RULES_FIGURES_H_
