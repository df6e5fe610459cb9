#include "server/case_graph.h"

#include "moneytrail/check.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

namespace moneytrail::server {

namespace {

Int128 Pow10(int n) {
  Int128 v = 1;
  for (int i = 0; i < n; ++i) v *= 10;
  return v;
}

// Counting sort of transaction ids by one end, then each list in (time, id) order.
void Index(std::span<const AccountId> end, std::span<const Timestamp> time, uint32_t accounts,
           std::vector<uint64_t>& offset, std::vector<TransactionId>& ids) {
  offset.assign(static_cast<size_t>(accounts) + 1, 0);
  for (AccountId a : end) ++offset[a + 1];
  for (size_t i = 1; i < offset.size(); ++i) offset[i] += offset[i - 1];
  ids.resize(end.size());
  std::vector<uint64_t> next(offset.begin(), offset.end() - 1);
  for (size_t t = 0; t < end.size(); ++t) ids[next[end[t]]++] = static_cast<TransactionId>(t);
  bool sorted = true;
  for (size_t t = 1; t < time.size() && sorted; ++t) sorted = time[t - 1] <= time[t];
  if (sorted) return;  // ids ascend within each list, so (time, id) order already holds
  for (uint32_t a = 0; a < accounts; ++a) {
    std::sort(ids.begin() + static_cast<int64_t>(offset[a]), ids.begin() + static_cast<int64_t>(offset[a + 1]),
              [&](TransactionId x, TransactionId y) { return time[x] != time[y] ? time[x] < time[y] : x < y; });
  }
}

struct FlowKey {
  AccountId other;
  bool outgoing;
  uint16_t currency;
  bool operator<(const FlowKey& k) const {
    return std::tie(other, outgoing, currency) < std::tie(k.other, k.outgoing, k.currency);
  }
};

}  // namespace

int CompareSums(const DecimalSum& a, const DecimalSum& b) {
  // Integer parts first, then the fractions aligned to the larger scale (< 10^18 each, so
  // aligning cannot overflow).
  const Int128 pa = Pow10(a.scale()), pb = Pow10(b.scale());
  const Int128 ia = a.raw_units() / pa, ib = b.raw_units() / pb;
  if (ia != ib) return ia < ib ? -1 : 1;
  const int scale = std::max(a.scale(), b.scale());
  const Int128 fa = (a.raw_units() % pa) * Pow10(scale - a.scale());
  const Int128 fb = (b.raw_units() % pb) * Pow10(scale - b.scale());
  return fa == fb ? 0 : (fa < fb ? -1 : 1);
}

CaseGraph CaseGraph::Build(const store::Store& store) {
  CaseGraph g(store);
  Index(store.source(), store.time(), store.account_count(), g.out_offset_, g.out_ids_);
  Index(store.destination(), store.time(), store.account_count(), g.in_offset_, g.in_ids_);
  return g;
}

std::span<const TransactionId> CaseGraph::Out(AccountId a) const {
  return {out_ids_.data() + out_offset_[a], out_offset_[a + 1] - out_offset_[a]};
}
std::span<const TransactionId> CaseGraph::In(AccountId a) const {
  return {in_ids_.data() + in_offset_[a], in_offset_[a + 1] - in_offset_[a]};
}

std::vector<TransactionId> CaseGraph::TransactionsOf(AccountId account, Timestamp from, Timestamp to) const {
  const auto out = Window(Out(account), from, to), in = Window(In(account), from, to);
  const auto time = store_->time();
  const auto before = [&](TransactionId a, TransactionId b) { return time[a] != time[b] ? time[a] < time[b] : a < b; };
  std::vector<TransactionId> merged;
  merged.reserve(out.size() + in.size());
  std::merge(out.begin(), out.end(), in.begin(), in.end(), std::back_inserter(merged), before);
  // A transfer from the account to itself is in both lists.
  merged.erase(std::unique(merged.begin(), merged.end()), merged.end());
  return merged;
}

std::span<const TransactionId> CaseGraph::Window(std::span<const TransactionId> list, Timestamp from,
                                                 Timestamp to) const {
  const auto time = store_->time();
  auto lo = std::partition_point(list.begin(), list.end(), [&](TransactionId t) { return time[t] < from; });
  auto hi = std::partition_point(lo, list.end(), [&](TransactionId t) { return time[t] <= to; });
  return {lo, hi};
}

bool CaseGraph::Passes(TransactionId t, const FlowFilter& filter) const {
  if ((filter.channels & (1u << store_->channel()[t])) == 0) return false;
  if (filter.min_amount && CompareDecimal(store_->amount_paid(t), *filter.min_amount) < 0) return false;
  return true;
}

namespace {

// Accumulates flows keyed by (other, direction, currency), keeping every transaction id.
class FlowBuilder {
 public:
  explicit FlowBuilder(const store::Store& s) : s_(s) {}
  void Add(TransactionId t, AccountId other, bool outgoing) {
    const FlowKey key{other, outgoing, s_.paid_currency()[t]};
    auto [it, fresh] = index_.try_emplace(key, flows_.size());
    if (fresh) {
      Flow f;
      f.other = other;
      f.outgoing = outgoing;
      f.currency = key.currency;
      f.first = s_.time()[t];
      f.last = s_.time()[t];
      flows_.push_back(std::move(f));
      ids_.emplace_back();
    }
    Flow& f = flows_[it->second];
    // A sum past 10^36 units cannot come from a store's int64 amounts below 2^64 rows.
    (void)f.sum.Add(s_.amount_paid(t));
    ++f.transactions;
    f.first = std::min(f.first, s_.time()[t]);
    f.last = std::max(f.last, s_.time()[t]);
    f.channels |= 1u << s_.channel()[t];
    ids_[it->second].push_back(t);
  }
  // Ranks the flows; fills the evidence of the first `keep` of them.
  std::vector<Flow> Ranked(size_t keep, size_t evidence) {
    std::vector<size_t> order(flows_.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
      const int c = CompareSums(flows_[x].sum, flows_[y].sum);
      if (c != 0) return c > 0;
      const Flow& a = flows_[x];
      const Flow& b = flows_[y];
      return std::tie(a.other, a.outgoing, a.currency) < std::tie(b.other, b.outgoing, b.currency);
    });
    std::vector<Flow> out;
    out.reserve(order.size());
    for (size_t rank = 0; rank < order.size(); ++rank) {
      Flow f = std::move(flows_[order[rank]]);
      if (rank < keep) {
        std::vector<TransactionId>& ids = ids_[order[rank]];
        auto larger = [&](TransactionId x, TransactionId y) {
          const int c = CompareDecimal(s_.amount_paid(x), s_.amount_paid(y));
          return c != 0 ? c > 0 : x < y;
        };
        const size_t n = std::min(evidence, ids.size());
        std::partial_sort(ids.begin(), ids.begin() + static_cast<int64_t>(n), ids.end(), larger);
        f.evidence.assign(ids.begin(), ids.begin() + static_cast<int64_t>(n));
      }
      out.push_back(std::move(f));
    }
    return out;
  }

 private:
  const store::Store& s_;
  std::map<FlowKey, size_t> index_;
  std::vector<Flow> flows_;
  std::vector<std::vector<TransactionId>> ids_;
};

}  // namespace

Expansion CaseGraph::Expand(AccountId account, const ExpandOptions& options) const {
  const FlowFilter& f = options.filter;
  FlowBuilder builder(*store_);
  Expansion e;
  if (f.outgoing) {
    for (TransactionId t : Window(Out(account), f.from, f.to)) {
      if (!Passes(t, f)) continue;
      ++e.matched;
      builder.Add(t, store_->destination()[t], true);
    }
  }
  if (f.incoming) {
    for (TransactionId t : Window(In(account), f.from, f.to)) {
      if (!Passes(t, f)) continue;
      // A self-loop was counted as outgoing already when both directions are asked for.
      if (f.outgoing && store_->source()[t] == account) continue;
      ++e.matched;
      builder.Add(t, store_->source()[t], false);
    }
  }
  std::vector<Flow> ranked = builder.Ranked(options.top, options.evidence);
  std::set<AccountId> in_top, in_rest;
  std::map<uint16_t, DecimalSum> rest_sums;
  for (size_t i = 0; i < ranked.size(); ++i) {
    if (i < options.top) {
      in_top.insert(ranked[i].other);
      e.top.push_back(std::move(ranked[i]));
      continue;
    }
    ++e.rest_flows;
    e.rest_transactions += ranked[i].transactions;
    in_rest.insert(ranked[i].other);
    DecimalSum& sum = rest_sums[ranked[i].currency];
    // Sums of flows stay within DecimalSum's range (see FlowBuilder::Add).
    auto v = ranked[i].sum.value();
    if (v.ok()) (void)sum.Add(*v);
  }
  for (AccountId a : in_rest) e.rest_counterparties += in_top.count(a) == 0 ? 1 : 0;
  for (auto& [currency, sum] : rest_sums) e.rest_sums.push_back({currency, sum});
  return e;
}

std::vector<Flow> CaseGraph::FlowsBetween(AccountId a, AccountId b, const FlowFilter& filter,
                                          size_t evidence) const {
  FlowBuilder builder(*store_);
  for (TransactionId t : Window(Out(a), filter.from, filter.to)) {
    if (store_->destination()[t] == b && Passes(t, filter)) builder.Add(t, b, true);
  }
  for (TransactionId t : Window(In(a), filter.from, filter.to)) {
    if (store_->source()[t] == b && a != b && Passes(t, filter)) builder.Add(t, b, false);
  }
  return builder.Ranked(SIZE_MAX, evidence);
}

Result<std::optional<std::vector<AccountId>>> CaseGraph::ShortestPath(
    AccountId from, AccountId to, const FlowFilter& filter, int max_hops, bool through_other_kinds,
    uint64_t budget) const {
  using Path = std::optional<std::vector<AccountId>>;
  if (from == to) return Path(std::vector<AccountId>{from});
  const auto kinds = store_->account_kinds();
  std::unordered_map<AccountId, AccountId> parent{{from, from}};
  std::vector<AccountId> frontier{from};
  uint64_t examined = 0;
  for (int hop = 0; hop < max_hops && !frontier.empty(); ++hop) {
    std::vector<AccountId> next;
    for (AccountId u : frontier) {
      if (u != from && !through_other_kinds && kinds[u] != NodeKind::kAccount) continue;
      for (int side = 0; side < 2; ++side) {
        const auto list = Window(side == 0 ? Out(u) : In(u), filter.from, filter.to);
        examined += list.size();
        if (examined > budget) {
          return ResourceExhaustedError(
              "path: more than " + std::to_string(budget) +
              " transactions to examine; narrow the period, raise min_amount or lower max_hops");
        }
        for (TransactionId t : list) {
          const AccountId v = side == 0 ? store_->destination()[t] : store_->source()[t];
          if (parent.count(v) != 0 || !Passes(t, filter)) continue;
          parent[v] = u;
          if (v == to) {
            std::vector<AccountId> path{to};
            while (path.back() != from) path.push_back(parent[path.back()]);
            std::reverse(path.begin(), path.end());
            return Path(std::move(path));
          }
          next.push_back(v);
        }
      }
    }
    // Visit in id order so that the path found does not depend on hash order.
    std::sort(next.begin(), next.end());
    frontier = std::move(next);
  }
  return Path(std::nullopt);
}

Result<std::optional<MoneyPath>> CaseGraph::WidestPath(AccountId from, AccountId to, const FlowFilter& filter,
                                                      uint16_t currency, int max_hops, bool through_other_kinds,
                                                      uint64_t budget) const {
  MT_CHECK(from != to);
  const auto kinds = store_->account_kinds();
  // Each node's hops out (to, exact sum), in id order, aggregated once when first needed.
  std::unordered_map<AccountId, std::vector<std::pair<AccountId, DecimalSum>>> hops_out;
  uint64_t examined = 0;
  const auto out_of = [&](AccountId u) -> Result<const std::vector<std::pair<AccountId, DecimalSum>>*> {
    auto it = hops_out.find(u);
    if (it != hops_out.end()) return &it->second;
    const auto list = Window(Out(u), filter.from, filter.to);
    examined += list.size();
    if (examined > budget) {
      return ResourceExhaustedError("money path: more than " + std::to_string(budget) +
                                    " transactions to examine; narrow the period, raise min_amount or lower max_hops");
    }
    std::map<AccountId, DecimalSum> sums;
    for (TransactionId t : list) {
      const AccountId v = store_->destination()[t];
      if (v == u || store_->paid_currency()[t] != currency || !Passes(t, filter)) continue;
      // A sum past 10^36 units cannot come from a store's int64 amounts (see FlowBuilder::Add).
      (void)sums[v].Add(store_->amount_paid(t));
    }
    auto& hops = hops_out[u];
    hops.assign(sums.begin(), sums.end());
    return &hops;
  };
  // A node from which money may go on: the start, or a bank account (others are ends only);
  // never the end itself.
  const auto passes_through = [&](AccountId u) {
    return u != to && (u == from || through_other_kinds || kinds[u] == NodeKind::kAccount);
  };
  // 1. The best bottleneck over walks of at most max_hops hops (Bellman-Ford by hop count; the
  // start's own width is unbounded). A walk's best bottleneck is also a simple path's: cutting
  // out a loop removes hops and cannot lower the smallest one.
  std::unordered_map<AccountId, DecimalSum> width;
  std::vector<AccountId> changed{from};
  for (int hop = 0; hop < max_hops && !changed.empty(); ++hop) {
    std::unordered_map<AccountId, DecimalSum> next = width;
    std::set<AccountId> improved;
    for (AccountId u : changed) {
      if (!passes_through(u)) continue;
      MT_ASSIGN_OR_RETURN(const auto* hops, out_of(u));
      for (const auto& [v, sum] : *hops) {
        if (v == from) continue;
        const DecimalSum& cand = (u == from || CompareSums(sum, width.at(u)) < 0) ? sum : width.at(u);
        auto it = next.find(v);
        if (it == next.end() || CompareSums(cand, it->second) > 0) {
          next[v] = cand;
          improved.insert(v);
        }
      }
    }
    width = std::move(next);
    changed.assign(improved.begin(), improved.end());
  }
  auto best = width.find(to);
  if (best == width.end()) return std::optional<MoneyPath>(std::nullopt);
  const DecimalSum bottleneck = best->second;
  // 2. Over the hops of at least that sum: the fewest hops (breadth first), then the smallest
  // sequence of ids (from the start, the smallest next node from which the end is still reached
  // in the hops left). Such a shortest path is simple.
  std::unordered_map<AccountId, int> depth{{from, 0}};
  std::vector<std::pair<AccountId, AccountId>> dag;  // hops u->v with depth[v] == depth[u] + 1
  std::vector<AccountId> frontier{from};
  bool reached = false;
  for (int hop = 0; hop < max_hops && !frontier.empty() && !reached; ++hop) {
    std::vector<AccountId> next;
    for (AccountId u : frontier) {
      if (!passes_through(u)) continue;
      MT_ASSIGN_OR_RETURN(const auto* hops, out_of(u));
      for (const auto& [v, sum] : *hops) {
        if (CompareSums(sum, bottleneck) < 0) continue;
        auto it = depth.find(v);
        if (it == depth.end()) {
          depth[v] = hop + 1;
          next.push_back(v);
          it = depth.find(v);
        }
        if (it->second == hop + 1) dag.emplace_back(u, v);
        if (v == to) reached = true;
      }
    }
    frontier = std::move(next);
  }
  MT_CHECK(reached);
  // Nodes of the DAG from which `to` is reached.
  std::set<AccountId> leads{to};
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& [u, v] : dag) {
      if (leads.count(v) != 0 && leads.insert(u).second) grew = true;
    }
  }
  std::map<AccountId, std::vector<AccountId>> next_of;
  for (const auto& [u, v] : dag) {
    if (leads.count(v) != 0) next_of[u].push_back(v);
  }
  MoneyPath path{{from}, bottleneck};
  while (path.nodes.back() != to) {
    const std::vector<AccountId>& options = next_of.at(path.nodes.back());
    path.nodes.push_back(*std::min_element(options.begin(), options.end()));
  }
  return std::optional<MoneyPath>(std::move(path));
}

}  // namespace moneytrail::server
