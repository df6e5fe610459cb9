// Multi-hop patterns through the transaction: scatter-gather, gather-scatter, bipartite and
// stack layers (docs/patterns.md gives each definition and a worked example).
#include "kernels.h"

namespace moneytrail::patterns::internal {
namespace {

bool Before(const Edge& a, const Edge& b) { return graph::EdgeBefore(a, b); }

// For each distinct `other` of `edges` (excluding `skip1`, `skip2`), its latest edge, sorted by
// account.
void LatestPerOther(std::span<const Edge> edges, AccountId skip1, AccountId skip2,
                    std::vector<std::pair<AccountId, Edge>>& out) {
  out.clear();
  for (const Edge& e : edges) {
    if (e.other != skip1 && e.other != skip2) out.emplace_back(e.other, e);
  }
  // By account, then (time, id): the last one per account is its latest (the order a stable
  // sort by account keeps, without the stable sort's buffer allocated per call).
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : Before(a.second, b.second);
  });
  size_t w = 0;
  for (size_t r = 0; r < out.size(); ++r) {
    if (w > 0 && out[w - 1].first == out[r].first) {
      out[w - 1] = out[r];
    } else {
      out[w++] = out[r];
    }
  }
  out.resize(w);
}

const Edge* FindLatest(const std::vector<std::pair<AccountId, Edge>>& sorted, AccountId account) {
  auto it = std::lower_bound(sorted.begin(), sorted.end(), account,
                             [](const auto& p, AccountId a) { return p.first < a; });
  return it != sorted.end() && it->first == account ? &it->second : nullptr;
}

bool Contains(const std::vector<AccountId>& sorted, AccountId a) {
  return std::binary_search(sorted.begin(), sorted.end(), a);
}

}  // namespace

void ScatterGatherFeatures(const TemporalGraph& g, const Query& q, const PatternSettings& s,
                           Scratch& scratch, double* out) {
  const size_t width = 2 + s.bins.size();
  std::fill_n(out, width, 0.0);
  const AccountId v = q.source, w = q.destination;
  if (v == w) return;
  // Latest gather edge x -> w of every intermediate x.
  LatestPerOther(Visible(g.InEdges(w), q, s.window), w, w, scratch.keyed);
  // Candidate sources: senders to v (other than v and w).
  scratch.accounts2.clear();
  for (const Edge& e : Visible(g.InEdges(v), q, s.window)) {
    if (e.other != v && e.other != w) scratch.accounts2.push_back(e.other);
  }
  SortUnique(scratch.accounts2);
  std::vector<Edge> instance_edges;
  for (AccountId u : scratch.accounts2) {
    // Intermediates x with a scatter edge u -> x before x's latest gather edge.
    scratch.pairs.clear();
    for (const Edge& e1 : Visible(g.OutEdges(u), q, s.window)) {
      if (e1.other == u || e1.other == w) continue;
      const Edge* e2 = FindLatest(scratch.keyed, e1.other);
      if (e2 != nullptr && Before(e1, *e2)) scratch.pairs.emplace_back(e1.other, e1.id);
    }
    // pairs are (x, e1 id) in list order: the first per x is its earliest scatter edge.
    std::stable_sort(scratch.pairs.begin(), scratch.pairs.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    uint64_t k = 0;
    for (size_t r = 0; r < scratch.pairs.size(); ++r) {
      if (r == 0 || scratch.pairs[r].first != scratch.pairs[r - 1].first) ++k;
    }
    if (k < 2) continue;
    out[0] += 1;
    out[1] = std::max(out[1], static_cast<double>(k));
    AddToBins(s.bins, k, out + 2);
    if (scratch.instances == nullptr) continue;
    instance_edges.clear();
    std::vector<AccountId> accounts{u, w};
    const auto scatter = Visible(g.OutEdges(u), q, s.window);
    for (size_t r = 0; r < scratch.pairs.size(); ++r) {
      if (r > 0 && scratch.pairs[r].first == scratch.pairs[r - 1].first) continue;
      const AccountId x = scratch.pairs[r].first;
      accounts.push_back(x);
      for (const Edge& e1 : scatter) {
        if (e1.id == scratch.pairs[r].second) {
          instance_edges.push_back(e1);
          break;
        }
      }
      instance_edges.push_back(*FindLatest(scratch.keyed, x));
    }
    scratch.instances->push_back(
        MakeInstance(PatternKind::kScatterGather, instance_edges, accounts));
  }
}

void GatherScatterFeatures(const TemporalGraph& g, const Query& q, const PatternSettings& s,
                           Scratch& scratch, double* out) {
  out[0] = out[1] = 0;
  const AccountId v = q.source;
  if (v == q.destination) return;
  const auto gathered = Visible(g.InEdges(v), q, s.window);
  const Edge* first_in = nullptr;
  scratch.accounts.clear();
  for (const Edge& e : gathered) {
    if (e.other == v) continue;
    if (first_in == nullptr) first_in = &e;
    scratch.accounts.push_back(e.other);
  }
  if (first_in == nullptr) return;
  const size_t sources = SortUnique(scratch.accounts);
  if (sources < 2) return;
  const auto scattered = Visible(g.OutEdges(v), q, s.window);
  scratch.accounts2.clear();
  for (const Edge& e : scattered) {
    if (e.other != v && Before(*first_in, e)) scratch.accounts2.push_back(e.other);
  }
  const size_t sinks = SortUnique(scratch.accounts2);
  if (sinks < 2) return;
  out[0] = static_cast<double>(sources);
  out[1] = static_cast<double>(sinks);
  if (scratch.instances == nullptr) return;
  std::vector<Edge> edges;
  for (const Edge& e : gathered) {
    if (e.other != v) edges.push_back(e);
  }
  for (const Edge& e : scattered) {
    if (e.other != v && Before(*first_in, e)) edges.push_back(e);
  }
  std::vector<AccountId> accounts = scratch.accounts;
  accounts.insert(accounts.end(), scratch.accounts2.begin(), scratch.accounts2.end());
  accounts.push_back(v);
  scratch.instances->push_back(MakeInstance(PatternKind::kGatherScatter, edges, accounts));
}

void BipartiteFeatures(const TemporalGraph& g, const Query& q, const PatternSettings& s,
                       Scratch& scratch, double* out) {
  out[0] = out[1] = out[2] = 0;
  const AccountId a = q.source, b = q.destination;
  if (a == b) return;
  // Latest a -> y for each y, and latest x -> b for each x.
  std::vector<std::pair<AccountId, Edge>>& from_a = scratch.keyed2;
  LatestPerOther(Visible(g.OutEdges(a), q, s.window), a, b, from_a);
  if (from_a.empty()) return;
  LatestPerOther(Visible(g.InEdges(b), q, s.window), a, b, scratch.keyed);
  scratch.pairs.clear();
  std::vector<Edge> instance_edges;
  for (const auto& [x, x_to_b] : scratch.keyed) {
    const size_t first = scratch.pairs.size();
    for (const Edge& e : Visible(g.OutEdges(x), q, s.window)) {
      if (e.other != x && FindLatest(from_a, e.other) != nullptr) {
        scratch.pairs.emplace_back(x, e.other);
      }
    }
    SortUniqueFrom(scratch.pairs, first);
  }
  if (scratch.pairs.empty()) return;
  SplitPairs(scratch);
  out[0] = static_cast<double>(scratch.pairs.size());
  out[1] = static_cast<double>(SortUnique(scratch.accounts));
  out[2] = static_cast<double>(SortUnique(scratch.accounts2));
  if (scratch.instances == nullptr) return;
  // The block {a} u X -> {b} u Y: tx, the latest a->y, x->b and x->y of every pair.
  instance_edges.push_back(Edge{q.time, q.id, b, q.amount});
  for (const auto& [x, y] : scratch.pairs) {
    instance_edges.push_back(*FindLatest(from_a, y));
    instance_edges.push_back(*FindLatest(scratch.keyed, x));
    const auto xs = Visible(g.OutEdges(x), q, s.window);
    for (auto it = xs.rbegin(); it != xs.rend(); ++it) {
      if (it->other == y) {
        instance_edges.push_back(*it);
        break;
      }
    }
  }
  std::vector<AccountId> accounts = scratch.accounts;
  accounts.insert(accounts.end(), scratch.accounts2.begin(), scratch.accounts2.end());
  accounts.push_back(a);
  accounts.push_back(b);
  scratch.instances->push_back(MakeInstance(PatternKind::kBipartite, instance_edges, accounts));
}

void StackFeatures(const TemporalGraph& g, const Query& q, const PatternSettings& s,
                   Scratch& scratch, double* out) {
  out[0] = out[1] = out[2] = 0;
  const AccountId v = q.source, w = q.destination;
  if (v == w) return;
  // Middle layer: x -> v (latest such edge), x not in {v, w}.
  LatestPerOther(Visible(g.InEdges(v), q, s.window), v, w, scratch.keyed);
  scratch.pairs.clear();
  for (const auto& [x, x_to_v] : scratch.keyed) {
    const size_t first = scratch.pairs.size();
    for (const Edge& e1 : Visible(g.InEdges(x), q, s.window)) {
      const AccountId u = e1.other;
      if (u == x || u == v || u == w) continue;
      if (Before(e1, x_to_v)) scratch.pairs.emplace_back(u, x);
    }
    SortUniqueFrom(scratch.pairs, first);
  }
  if (scratch.pairs.empty()) return;
  SplitPairs(scratch);
  const size_t sources = SortUnique(scratch.accounts);
  const size_t middles = SortUnique(scratch.accounts2);
  out[0] = static_cast<double>(scratch.pairs.size());
  out[1] = static_cast<double>(sources);
  out[2] = static_cast<double>(middles);
  // An instance: two layers of width >= 2 feeding v, then tx.
  if (scratch.instances == nullptr || sources < 2 || middles < 2) return;
  std::vector<Edge> edges{Edge{q.time, q.id, w, q.amount}};
  for (const auto& [x, x_to_v] : scratch.keyed) {
    if (!Contains(scratch.accounts2, x)) continue;
    edges.push_back(x_to_v);
    const auto into_x = Visible(g.InEdges(x), q, s.window);
    // The latest u -> x before x -> v, for each u.
    for (AccountId u : scratch.accounts) {
      const Edge* best = nullptr;
      for (const Edge& e1 : into_x) {
        if (e1.other == u && Before(e1, x_to_v)) best = &e1;
      }
      if (best != nullptr) edges.push_back(*best);
    }
  }
  std::vector<AccountId> accounts = scratch.accounts;
  accounts.insert(accounts.end(), scratch.accounts2.begin(), scratch.accounts2.end());
  accounts.push_back(v);
  accounts.push_back(w);
  scratch.instances->push_back(MakeInstance(PatternKind::kStack, edges, accounts));
}

}  // namespace moneytrail::patterns::internal
