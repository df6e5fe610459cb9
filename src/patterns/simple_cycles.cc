// Length-constrained simple cycles closed by one transaction (docs/patterns.md, Simple cycles):
// transaction q = u -> v closes one cycle for every simple path v -> ... -> u of 1..L-1
// transactions that q sees and that come before q in (time, id) order, in any time order.
//
// The search is exact: a depth-first search from v over the window's out-edges, pruned by hop
// distances to u. The distances come from a breadth-first search backward from u over the
// same edges, ignoring simplicity, so they are lower bounds: a branch is cut only when no path,
// simple or not, can reach u within the remaining length. Most transactions stop before the
// backward search (u receives nothing or v pays nothing in the window).
#include "kernels.h"

namespace moneytrail::patterns::internal {
namespace {

// Epoch-stamped per-account arrays in the scratch, sized for the graph (it may grow).
void Prepare(const TemporalGraph& g, SimpleCycleScratch& s) {
  const size_t n = g.account_count();
  if (s.dist_epoch.size() < n) {
    s.dist_epoch.resize(n, 0);
    s.dist.resize(n, 0);
    s.path_epoch.resize(n, 0);
  }
  if (++s.epoch == 0) {  // wrapped: forget every stamp
    std::fill(s.dist_epoch.begin(), s.dist_epoch.end(), 0);
    std::fill(s.path_epoch.begin(), s.path_epoch.end(), 0);
    s.epoch = 1;
  }
}

// Edges that q sees and that are strictly before q (q itself excluded).
std::span<const Edge> Before(std::span<const Edge> list, const Query& q, Timestamp window) {
  std::span<const Edge> seen = Visible(list, q, window);
  if (!seen.empty() && seen.back().id == q.id && seen.back().time == q.time) {
    seen = seen.first(seen.size() - 1);
  }
  return seen;
}

// Backward BFS from u: dist[x] = fewest transactions from x to u (<= hops). v is a start only
// and is not expanded. Returns dist[v] (hops + 1 when v is not reached).
uint32_t DistancesTo(const TemporalGraph& g, const Query& q, Timestamp window, uint32_t hops,
                     SimpleCycleScratch& s) {
  const AccountId u = q.source, v = q.destination;
  s.queue.clear();
  s.queue.push_back(u);
  s.dist_epoch[u] = s.epoch;
  s.dist[u] = 0;
  for (size_t head = 0; head < s.queue.size(); ++head) {
    const AccountId x = s.queue[head];
    const uint32_t d = s.dist[x];
    if (d >= hops) break;  // BFS order: every later account is as far
    if (x == v) continue;
    for (const Edge& e : Before(g.InEdges(x), q, window)) {
      if (s.dist_epoch[e.other] == s.epoch) continue;
      s.dist_epoch[e.other] = s.epoch;
      s.dist[e.other] = d + 1;
      s.queue.push_back(e.other);
    }
  }
  return s.dist_epoch[v] == s.epoch ? s.dist[v] : hops + 1;
}

}  // namespace

void SimpleCycleFeatures(const TemporalGraph& g, const Query& q, const PatternSettings& settings,
                         uint32_t max_length, uint32_t instance_cap, Scratch& scratch,
                         double* out) {
  std::fill_n(out, 1 + settings.bins.size(), 0.0);
  const AccountId u = q.source, v = q.destination;
  if (u == v) return;
  const Timestamp window = settings.window;
  if (Before(g.InEdges(u), q, window).empty()) return;
  if (Before(g.OutEdges(v), q, window).empty()) return;
  SimpleCycleScratch& s = scratch.simple_cycles;
  Prepare(g, s);
  const uint32_t hops = max_length - 1;  // transactions on the path v -> ... -> u
  if (DistancesTo(g, q, window, hops, s) > hops) return;
  auto reach = [&](AccountId x) -> uint32_t {  // lower bound of transactions from x to u
    return s.dist_epoch[x] == s.epoch ? s.dist[x] : hops + 1;
  };
  uint32_t kept = 0;
  s.frames.clear();
  const std::span<const Edge> first = Before(g.OutEdges(v), q, window);
  s.frames.push_back({first.data(), first.data() + first.size(), v, Edge{}});
  s.path_epoch[v] = s.epoch;
  s.path_epoch[u] = s.epoch;  // u only closes
  while (!s.frames.empty()) {
    SimpleCycleScratch::Frame& f = s.frames.back();
    if (f.next == f.end) {
      s.path_epoch[f.vertex] = 0;
      s.frames.pop_back();
      continue;
    }
    const Edge& e = *f.next++;
    const uint32_t depth = static_cast<uint32_t>(s.frames.size());  // transactions with e
    if (e.other == u) {
      const uint32_t length = depth + 1;
      out[0] += 1;
      AddToBins(settings.bins, length, out + 1);
      if (scratch.instances == nullptr) continue;
      if (kept >= instance_cap) {
        ++scratch.dropped_instances;
        continue;
      }
      ++kept;
      std::vector<Edge> edges{Edge{q.time, q.id, 0, 0}};
      std::vector<AccountId> accounts{u};
      for (size_t k = 1; k < s.frames.size(); ++k) edges.push_back(s.frames[k].via);
      edges.push_back(Edge{e.time, e.id, 0, 0});
      for (const auto& frame : s.frames) accounts.push_back(frame.vertex);
      std::vector<AccountId> anchor;
      for (const Edge& c : edges) anchor.push_back(c.id);
      std::sort(anchor.begin(), anchor.end());
      scratch.instances->push_back(
          MakeInstance(PatternKind::kSimpleCycle, std::move(anchor), edges, accounts));
      continue;
    }
    if (s.path_epoch[e.other] == s.epoch || depth + reach(e.other) > hops) continue;
    const std::span<const Edge> next = Before(g.OutEdges(e.other), q, window);
    if (next.empty()) continue;
    s.path_epoch[e.other] = s.epoch;
    s.frames.push_back({next.data(), next.data() + next.size(), e.other, e});
  }
  s.path_epoch[u] = 0;
}

}  // namespace moneytrail::patterns::internal
