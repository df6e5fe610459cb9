// Internal: the per-currency totals of a trail, shared by the forward and backward tracers.
#ifndef MONEYTRAIL_SRC_TRACE_CURRENCY_TOTALS_H_
#define MONEYTRAIL_SRC_TRACE_CURRENCY_TOTALS_H_

#include <algorithm>
#include <cstdint>
#include <vector>

#include "moneytrail/trace.h"

namespace moneytrail::trace::trace_internal {

// Finds or adds the totals of a currency in a Trail, in O(1).
class CurrencyTotalsIndex {
 public:
  CurrencyTotals& For(Trail& trail, uint16_t currency) {
    if (currency >= index_.size()) index_.resize(currency + 1u, kAbsent);
    if (index_[currency] == kAbsent) {
      index_[currency] = static_cast<uint32_t>(trail.totals.size());
      trail.totals.push_back({});
      trail.totals.back().currency = currency;
    }
    return trail.totals[index_[currency]];
  }

 private:
  static constexpr uint32_t kAbsent = 0xFFFFFFFFu;
  std::vector<uint32_t> index_;  // currency -> index into Trail::totals
};

// Puts the totals in currency order and checks that they reconcile (Trail::Reconcile).
inline Status FinishTotals(Trail& trail) {
  std::sort(trail.totals.begin(), trail.totals.end(),
            [](const CurrencyTotals& a, const CurrencyTotals& b) { return a.currency < b.currency; });
  return trail.Reconcile();
}

}  // namespace moneytrail::trace::trace_internal

#endif  // MONEYTRAIL_SRC_TRACE_CURRENCY_TOTALS_H_
