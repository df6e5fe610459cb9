// Fan-in and fan-out pattern instances, and pattern windows matched to the data's time
// resolution (docs/patterns.md, "Fan instances" and "Time resolution").
//
// A fan-in instance is a hub account and the payments it received from at least
// `min_counterparties` distinct other accounts within one window; a fan-out instance the same
// for payments it sent. GFP's fan columns count these; an investigator must see the hub, its
// counterparties and the transactions, so they are also found as instances, which the ranking
// counts as pattern evidence for the hub (docs/investigate.md, Ranking).
//
// Example:
//   MT_ASSIGN_OR_RETURN(graph::TemporalGraph g, graph::TemporalGraph::Build(cols, {}));
//   const Timestamp resolution = patterns::DetectTimeResolution(cols.time);  // 86400: whole days
//   patterns::PatternConfig config = patterns::ScaledToResolution({}, resolution);
//   patterns::FanInstanceOptions fan{.window = config.fan.window, .min_counterparties = 5};
//   patterns::InstanceSet fans = patterns::FanInstances(g, is_account, fan);
#ifndef MONEYTRAIL_FAN_INSTANCES_H_
#define MONEYTRAIL_FAN_INSTANCES_H_

#include <cstdint>
#include <span>

#include "moneytrail/graph.h"
#include "moneytrail/patterns.h"

namespace moneytrail::patterns {

struct FanInstanceOptions {
  Timestamp window = 12 * 3600;      // inclusive, as PatternSettings::window
  uint32_t min_counterparties = 5;   // distinct other accounts in one window (>= 1)
  uint32_t cap_per_account = 100;    // as PatternConfig::instances_per_account
};

// The fan-in and fan-out instances of `graph`. Only accounts with is_account[a] != 0 take part
// (hubs and counterparties: cash desks and merchants are not accounts, DESIGN.md); accounts at
// or past is_account.size() do not. Self-payments are ignored.
//
// Definition (fan-in; fan-out is the same over the hub's out-edges). Let E be the hub's
// in-edges from other accounts in (time, id) order. For each e in E, W(e) is the set of
// f in E with f <= e and f.time >= e.time - window (the causal window GFP's fan-in column
// counts). W(e) is an instance when its distinct counterparties number at least
// min_counterparties and no other W(e') of the hub holds all of W(e) (the same fan seen
// earlier). instance.hub is the hub, accounts the hub and its counterparties, transactions the
// window's. The per-account cap then applies as in InstanceSet (sorted by first_time, an
// instance kept while all of its accounts are under the cap). Deterministic.
InstanceSet FanInstances(const graph::TemporalGraph& graph, std::span<const uint8_t> is_account,
                         const FanInstanceOptions& options);

// The instances of `a` and `b` together, sorted by (first_time, kind, transactions); `found`
// and the capped accounts added. For sets of different kinds (no deduplication across them).
InstanceSet CombineInstances(InstanceSet a, InstanceSet b);

// The data's time resolution in seconds: 86400 when every timestamp is a whole day (AMLSim's
// steps, date-only statement rows), else 1. An empty span: 1.
Timestamp DetectTimeResolution(std::span<const Timestamp> times);

// `config` with its windows matched to `resolution` (docs/patterns.md, "Time resolution"):
// for 1 (seconds) unchanged; for a coarser resolution every window W (written for data timed to
// the second) becomes ceil(W / 3600) * resolution: an hour of a window becomes one step of the
// data (GFP's 6 h scatter-gather becomes 6 days, its 12 h fan 12 days, its 24 h cycles 24
// days). With whole-day steps the 6-24 h defaults see only one day, while the schemes such data
// records unfold over days to weeks.
PatternConfig ScaledToResolution(PatternConfig config, Timestamp resolution);

}  // namespace moneytrail::patterns

#endif  // MONEYTRAIL_FAN_INSTANCES_H_
