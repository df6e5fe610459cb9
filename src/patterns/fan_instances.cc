// Fan-in and fan-out instances (moneytrail/fan_instances.h), pattern windows matched to the
// data's time resolution, and sets of instances combined.
#include "moneytrail/fan_instances.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>

#include "kernels.h"

namespace moneytrail::patterns {

namespace {

bool IsAccount(std::span<const uint8_t> is_account, AccountId a) {
  return a < is_account.size() && is_account[a] != 0;
}

// The maximal qualifying windows of one hub's list (in-edges for fan-in, out-edges for fan-out),
// at most `limit` of them, earliest first.
void HubWindows(PatternKind kind, AccountId hub, std::span<const graph::Edge> list,
                std::span<const uint8_t> is_account, const FanInstanceOptions& o,
                std::vector<graph::Edge>& edges, std::unordered_map<AccountId, uint32_t>& count,
                std::vector<internal::FoundInstance>& out) {
  edges.clear();
  for (const graph::Edge& e : list) {
    if (e.other != hub && IsAccount(is_account, e.other)) edges.push_back(e);
  }
  count.clear();
  size_t start = 0;
  uint32_t emitted = 0;
  std::vector<AccountId> accounts;
  for (size_t i = 0; i < edges.size() && emitted < o.cap_per_account; ++i) {
    ++count[edges[i].other];
    while (edges[start].time < edges[i].time - o.window) {
      auto it = count.find(edges[start].other);
      if (--it->second == 0) count.erase(it);
      ++start;
    }
    if (count.size() < o.min_counterparties) continue;
    // W(i) is held by W(i + 1) unless the next edge's window drops W(i)'s first edge.
    const bool last = i + 1 == edges.size();
    if (!last && edges[start].time >= edges[i + 1].time - o.window) continue;
    accounts.clear();
    accounts.push_back(hub);
    for (const auto& [other, n] : count) accounts.push_back(other);
    internal::FoundInstance f = internal::MakeInstance(
        kind, std::span<const graph::Edge>(edges).subspan(start, i + 1 - start), accounts);
    f.instance.hub = hub;
    out.push_back(std::move(f));
    ++emitted;
  }
}

}  // namespace

InstanceSet FanInstances(const graph::TemporalGraph& graph, std::span<const uint8_t> is_account,
                         const FanInstanceOptions& options) {
  std::vector<internal::FoundInstance> found;
  std::vector<graph::Edge> edges;
  std::unordered_map<AccountId, uint32_t> count;
  const FanInstanceOptions o{options.window, std::max<uint32_t>(1, options.min_counterparties),
                             options.cap_per_account};
  for (AccountId hub = 0; hub < graph.account_count(); ++hub) {
    if (!IsAccount(is_account, hub)) continue;
    HubWindows(PatternKind::kFanIn, hub, graph.InEdges(hub), is_account, o, edges, count, found);
    HubWindows(PatternKind::kFanOut, hub, graph.OutEdges(hub), is_account, o, edges, count,
               found);
  }
  return internal::FinishInstances(std::move(found), options.cap_per_account);
}

InstanceSet CombineInstances(InstanceSet a, InstanceSet b) {
  InstanceSet out;
  out.cap_per_account = std::max(a.cap_per_account, b.cap_per_account);
  out.found = a.found + b.found;
  out.instances = std::move(a.instances);
  for (PatternInstance& inst : b.instances) out.instances.push_back(std::move(inst));
  std::stable_sort(out.instances.begin(), out.instances.end(),
                   [](const PatternInstance& x, const PatternInstance& y) {
                     return std::tie(x.first_time, x.kind, x.transactions) <
                            std::tie(y.first_time, y.kind, y.transactions);
                   });
  std::map<AccountId, uint64_t> capped;
  for (const auto& [account, n] : a.capped_accounts) capped[account] += n;
  for (const auto& [account, n] : b.capped_accounts) capped[account] += n;
  out.capped_accounts.assign(capped.begin(), capped.end());
  return out;
}

Timestamp DetectTimeResolution(std::span<const Timestamp> times) {
  constexpr Timestamp kDay = 86400;
  if (times.empty()) return 1;
  for (Timestamp t : times) {
    if (t % kDay != 0) return 1;
  }
  return kDay;
}

PatternConfig ScaledToResolution(PatternConfig config, Timestamp resolution) {
  if (resolution <= 1) return config;
  constexpr Timestamp kHour = 3600;
  for (PatternSettings* s : {&config.fan, &config.vertex_stats, &config.scatter_gather,
                             &config.gather_scatter, &config.bipartite, &config.stack,
                             &config.temporal_cycle, &config.simple_cycle}) {
    s->window = (s->window + kHour - 1) / kHour * resolution;
  }
  return config;
}

}  // namespace moneytrail::patterns
