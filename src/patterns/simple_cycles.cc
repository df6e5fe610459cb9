// Length-constrained simple cycles closed by one transaction (docs/patterns.md, Simple cycles):
// transaction q = u -> v closes one cycle for every simple path v -> ... -> u of 1..L-1
// transactions that q sees and that come before q in (time, id) order, in any time order.
//
// The search is exact: a depth-first search from v over the window's out-edges, pruned by hop
// distances to u. The distances come from breadth-first balls (backward from u, forward from
// v, the smaller frontier grown first) over the same edges, ignoring simplicity, so they are
// lower bounds: a branch is cut only when no path, simple or not, can reach u within the
// remaining length. Most transactions stop before the balls (u receives nothing or v pays
// nothing in the window), and most of the rest when the balls do not meet.
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
    s.forward_epoch.resize(n, 0);
    s.forward_dist.resize(n, 0);
  }
  if (++s.epoch == 0) {  // wrapped: forget every stamp
    std::fill(s.dist_epoch.begin(), s.dist_epoch.end(), 0);
    std::fill(s.path_epoch.begin(), s.path_epoch.end(), 0);
    std::fill(s.forward_epoch.begin(), s.forward_epoch.end(), 0);
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

// Breadth-first balls around the cycle's two ends, over the edges before q: backward from u
// (s.dist: fewest transactions to u, never through v) and forward from v (s.forward_dist: fewest
// from v, never through u), growing the side with the smaller frontier until their radii add
// up to `hops`. Sets `back_radius` to the backward ball's radius: an account outside it is more
// than back_radius transactions from u. Returns false when no walk of at most `hops`
// transactions leads from v to u (then q closes no cycle).
bool GrowBalls(const TemporalGraph& g, const Query& q, Timestamp window, uint32_t hops,
               SimpleCycleScratch& s, uint32_t& back_radius) {
  const AccountId u = q.source, v = q.destination;
  s.queue.assign(1, u);
  s.dist_epoch[u] = s.epoch;
  s.dist[u] = 0;
  s.forward.assign(1, v);
  s.forward_epoch[v] = s.epoch;
  s.forward_dist[v] = 0;
  size_t back_begin = 0, forward_begin = 0;
  uint32_t a = 0, b = 0;
  while (a + b < hops) {
    const size_t back_size = s.queue.size() - back_begin;
    const size_t forward_size = s.forward.size() - forward_begin;
    if (back_size == 0 && forward_size == 0) break;  // both balls are complete
    if (forward_size == 0 || (back_size != 0 && back_size <= forward_size)) {
      const size_t end = s.queue.size();
      for (size_t k = back_begin; k < end; ++k) {
        if (s.queue[k] == v) continue;
        for (const Edge& e : Before(g.InEdges(s.queue[k]), q, window)) {
          if (s.dist_epoch[e.other] == s.epoch) continue;
          s.dist_epoch[e.other] = s.epoch;
          s.dist[e.other] = b + 1;
          s.queue.push_back(e.other);
        }
      }
      back_begin = end;
      ++b;
    } else {
      const size_t end = s.forward.size();
      for (size_t k = forward_begin; k < end; ++k) {
        if (s.forward[k] == u) continue;
        for (const Edge& e : Before(g.OutEdges(s.forward[k]), q, window)) {
          if (s.forward_epoch[e.other] == s.epoch) continue;
          s.forward_epoch[e.other] = s.epoch;
          s.forward_dist[e.other] = a + 1;
          s.forward.push_back(e.other);
        }
      }
      forward_begin = end;
      ++a;
    }
  }
  back_radius = b;
  // A shortest walk v -> u of length <= hops has an account labelled by both balls.
  for (AccountId x : s.forward) {
    if (s.dist_epoch[x] == s.epoch && s.forward_dist[x] + s.dist[x] <= hops) return true;
  }
  return false;
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
  uint32_t back_radius = 0;
  if (!GrowBalls(g, q, window, hops, s, back_radius)) return;
  auto reach = [&](AccountId x) -> uint32_t {  // lower bound of transactions from x to u
    return s.dist_epoch[x] == s.epoch ? s.dist[x] : back_radius + 1;
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
      scratch.instances->push_back(MakeInstance(PatternKind::kSimpleCycle, edges, accounts));
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
