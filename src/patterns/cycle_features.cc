// Per-transaction temporal cycle features through the shared enumerator (issue 10,
// moneytrail/temporal_cycles.h): a cycle counts for the transaction that closes it, its latest.
#include "cycle_features.h"

#include <map>

#include "moneytrail/temporal_cycles.h"

namespace moneytrail::patterns::internal {

Status TemporalCycleFeatures(const CycleContext& context, const PatternConfig& config,
                             const Layout& layout, int threads, FeatureTable& table,
                             std::vector<FoundInstance>* instances, uint64_t& dropped) {
  const PatternSettings& s = config.temporal_cycle;
  const size_t width = layout.width;
  const size_t first_row = context.source.size() - table.rows();
  TemporalEdges edges;
  edges.source = context.source;
  edges.destination = context.destination;
  edges.time = context.time;
  TemporalCycleOptions options;
  options.window = s.window;
  options.max_length = config.max_cycle_length;
  options.threads = std::max(1, threads);
  // A cycle counts for its closing (latest) transaction, which returns to the cycle's root
  // account (the source of its earliest transaction). When the rows are only the tail of the
  // context (a streaming batch), only cycles rooted at the rows' destinations can count:
  // searching from every account of the window found the same cycles, in the same order, and
  // threw the rest away, which made a batch of 128 cost as much as the whole window's cycles.
  std::vector<AccountId> roots;
  if (first_row > 0) {
    roots.assign(context.destination.begin() + static_cast<std::ptrdiff_t>(first_row),
                 context.destination.end());
    SortUnique(roots);
    // An empty list means "every account": with no rows there is nothing to count anyway.
    if (roots.empty()) return Status::Ok();
    options.root_accounts = roots;
  }
  std::map<AccountId, uint32_t> per_account;  // instances kept per account (visitor order)
  std::vector<Edge> cycle_edges;
  std::vector<AccountId> accounts;
  auto visit = [&](std::span<const TransactionId> cycle) {
    const TransactionId closing = cycle.back();  // strictly increasing times: the latest
    if (closing < first_row) return true;
    double* out = table.values.data() + (closing - first_row) * width + layout.temporal_cycle;
    out[0] += 1;
    AddToBins(s.bins, cycle.size(), out + 1);
    if (instances == nullptr) return true;
    accounts.clear();
    cycle_edges.clear();
    bool room = true;
    for (TransactionId local : cycle) {
      accounts.push_back(context.source[local]);
      if (per_account[context.source[local]] >= config.instances_per_account) room = false;
      cycle_edges.push_back(Edge{context.time[local], context.id[local], 0, 0});
    }
    if (!room) {
      ++dropped;
      return true;
    }
    for (AccountId a : accounts) ++per_account[a];
    std::vector<AccountId> anchor;
    for (const Edge& e : cycle_edges) anchor.push_back(e.id);
    std::sort(anchor.begin(), anchor.end());
    instances->push_back(MakeInstance(PatternKind::kTemporalCycle, std::move(anchor), cycle_edges,
                                      accounts));
    return true;
  };
  auto counts = EnumerateTemporalCycles(edges, options, visit);
  if (!counts.ok()) return counts.status();
  return Status::Ok();
}

}  // namespace moneytrail::patterns::internal
