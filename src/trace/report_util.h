// Formatting shared by the trace's report writers (trail_report.cc, flow_chart.cc).
#ifndef MONEYTRAIL_SRC_TRACE_REPORT_UTIL_H_
#define MONEYTRAIL_SRC_TRACE_REPORT_UTIL_H_

#include <string>

#include "moneytrail/trace.h"

namespace moneytrail::store {
class Store;
}

namespace moneytrail::trace {

// Exact decimal text of `units` of `currency` at the ledger's scale for it: "1234.56".
std::string FormatUnits(const Ledger& ledger, uint16_t currency, int64_t units);
// The currency's name in the store ("USD"), or "currency-N" when it has none.
std::string CurrencyName(const store::Store& store, uint16_t currency);
// "to account", "exit: merchant", "origin: cash", ...
std::string Disposition(const Trail& trail, const Flow& flow);

}  // namespace moneytrail::trace

#endif  // MONEYTRAIL_SRC_TRACE_REPORT_UTIL_H_
