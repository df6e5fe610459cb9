// The outputs of a trace for people and exhibits: trail.json (every flow with its source file
// and line, holdings, exits, shortfalls, reconciled totals), the tracing schedule CSV, and the
// flow-of-funds chart (SVG through Graphviz's libgvc). docs/tracing.md documents the formats.
//
// Example:
//   trace::TrailReport report{store, ledger, options, "account 022:87EFEA51A"};
//   std::string json = trace::TrailJson(trail, report);
//   std::string csv = trace::TracingScheduleCsv(trail, report);
//   MT_ASSIGN_OR_RETURN(std::string svg, trace::FlowChartSvg(trail, report, 50));
//
// Determinism: the same trail gives byte-identical text.
#ifndef MONEYTRAIL_TRACE_REPORT_H_
#define MONEYTRAIL_TRACE_REPORT_H_

#include <cstddef>
#include <string>
#include <vector>

#include "moneytrail/status.h"
#include "moneytrail/trace.h"

namespace moneytrail::store {
class Store;
}

namespace moneytrail::trace {

// What a report needs besides the trail. Borrowed; must outlive the call.
struct TrailReport {
  const store::Store& store;
  const Ledger& ledger;       // built from `store`
  const TraceOptions& options;
  std::string seeds;          // how the seeds were chosen, for people ("account 022:87EFEA51A")
  // The holder's name per AccountId, when KYC records are known (e.g. from
  // cases::LoadHolderNames); empty, or an empty name, when not. Shown in the chart's nodes and
  // the holdings of trail.json.
  std::vector<std::string> holders = {};
};

// trail.json: moneytrail version, store and manifest SHA-256, configuration, per-currency totals
// (exact decimal strings, with "reconciles": true), flows, holdings, exits by destination,
// shortfalls.
std::string TrailJson(const Trail& trail, const TrailReport& report);

// One line per flow (line, hop, time, transaction, source file and line, from, to, channel,
// currency, amount, traced amount, disposition), then total lines per currency.
std::string TracingScheduleCsv(const Trail& trail, const TrailReport& report);

// A flow-of-funds chart: nodes are accounts and exits labelled with the traced amount left or
// received, edges carry the summed traced amounts. At most `max_nodes` nodes (the seeds first,
// then by traced amount through them); what was cut is stated in the chart's title.
// Unimplemented when moneytrail was built without libgvc.
Result<std::string> FlowChartSvg(const Trail& trail, const TrailReport& report, size_t max_nodes);

}  // namespace moneytrail::trace

#endif  // MONEYTRAIL_TRACE_REPORT_H_
