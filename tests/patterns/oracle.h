// Brute-force oracles for the pattern features: plain nested loops over all transactions,
// written straight from the definitions in docs/patterns.md, sharing no code with src/patterns.
#ifndef MONEYTRAIL_TESTS_PATTERNS_ORACLE_H_
#define MONEYTRAIL_TESTS_PATTERNS_ORACLE_H_

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <span>
#include <vector>

#include "moneytrail/graph.h"
#include "moneytrail/patterns.h"

namespace moneytrail::patterns::oracle {

struct Tx {
  Timestamp time;
  AccountId src, dst;
  double amount;
};

// A random multigraph with parallel edges, self-loops and many equal timestamps; rows in
// random time order, transaction id = row.
struct Case {
  std::vector<Tx> tx;
  std::vector<AccountId> src, dst;
  std::vector<Timestamp> time;
  std::vector<double> amount;
  graph::EdgeColumns columns() const { return {src, dst, time, amount, {}}; }
};

inline Case RandomCase(uint64_t seed, int max_accounts = 8, int max_edges = 60,
                       int max_time = 20) {
  std::mt19937_64 rng(seed);
  Case c;
  const int accounts = 2 + static_cast<int>(rng() % (max_accounts - 1));
  const int edges = 1 + static_cast<int>(rng() % max_edges);
  for (int k = 0; k < edges; ++k) {
    Tx t{static_cast<Timestamp>(rng() % (max_time + 1)), static_cast<AccountId>(rng() % accounts),
         static_cast<AccountId>(rng() % accounts), static_cast<double>(1 + rng() % 20)};
    if (rng() % 8 == 0 && !c.tx.empty()) t = c.tx[rng() % c.tx.size()];  // exact duplicate
    c.tx.push_back(t);
    c.src.push_back(t.src);
    c.dst.push_back(t.dst);
    c.time.push_back(t.time);
    c.amount.push_back(t.amount);
  }
  return c;
}

// j is visible to i under window w.
// The case's transactions as stream input, in (time, id) order.
inline std::vector<graph::TransactionEdge> TimeOrderedEdges(const Case& c) {
  std::vector<graph::TransactionEdge> order;
  for (TransactionId t = 0; t < c.tx.size(); ++t) {
    order.push_back({t, c.time[t], c.src[t], c.dst[t], c.amount[t]});
  }
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    return a.time != b.time ? a.time < b.time : a.id < b.id;
  });
  return order;
}

// Columns holding a copy of `edges` (e.g. a stream's history rows), and their EdgeColumns view.
struct OwnedColumns {
  std::vector<AccountId> source, destination;
  std::vector<Timestamp> time;
  std::vector<double> amount;
  std::vector<TransactionId> id;
  explicit OwnedColumns(std::span<const graph::TransactionEdge> edges) {
    for (const graph::TransactionEdge& e : edges) {
      source.push_back(e.source), destination.push_back(e.destination);
      time.push_back(e.time), amount.push_back(e.amount), id.push_back(e.id);
    }
  }
  graph::EdgeColumns view() const { return {source, destination, time, amount, id}; }
};

inline bool Visible(const Case& c, size_t i, size_t j, Timestamp w) {
  const Tx &a = c.tx[i], &b = c.tx[j];
  return (b.time < a.time || (b.time == a.time && j <= i)) && b.time >= a.time - w;
}
// (time, id) of j before (time, id) of k.
inline bool Before(const Case& c, size_t j, size_t k) {
  return c.tx[j].time < c.tx[k].time || (c.tx[j].time == c.tx[k].time && j < k);
}

// The list (end: 0 source, 1 destination; dir: 0 out, 1 in) of transaction i: visible j.
inline std::vector<size_t> EndList(const Case& c, size_t i, int end, int dir, Timestamp w) {
  const AccountId a = end == 0 ? c.tx[i].src : c.tx[i].dst;
  std::vector<size_t> out;
  for (size_t j = 0; j < c.tx.size(); ++j) {
    if (Visible(c, i, j, w) && (dir == 0 ? c.tx[j].src : c.tx[j].dst) == a) out.push_back(j);
  }
  return out;
}

inline AccountId Other(const Case& c, size_t j, int dir) {
  return dir == 0 ? c.tx[j].dst : c.tx[j].src;
}

// Fan then degree, in the order out_src, in_src, out_dst, in_dst.
inline std::vector<double> FanDegree(const Case& c, size_t i, Timestamp w) {
  std::vector<double> fan, deg;
  for (int end = 0; end < 2; ++end) {
    for (int dir = 0; dir < 2; ++dir) {
      std::set<AccountId> others;
      auto list = EndList(c, i, end, dir, w);
      for (size_t j : list) others.insert(Other(c, j, dir));
      fan.push_back(static_cast<double>(others.size()));
      deg.push_back(static_cast<double>(list.size()));
    }
  }
  fan.insert(fan.end(), deg.begin(), deg.end());
  return fan;
}

inline void Moments(std::vector<long double> x, bool with_sum, std::vector<double>& out) {
  long double sum = 0;
  for (auto v : x) sum += v;
  const long double n = static_cast<long double>(x.size()), mean = sum / n;
  std::sort(x.begin(), x.end());
  long double m2 = 0, m3 = 0, m4 = 0;
  for (auto v : x) {
    m2 += (v - mean) * (v - mean);
    m3 += (v - mean) * (v - mean) * (v - mean);
    m4 += (v - mean) * (v - mean) * (v - mean) * (v - mean);
  }
  m2 /= n, m3 /= n, m4 /= n;
  const bool flat = x.front() == x.back();
  const size_t k = x.size();
  const long double median = k % 2 ? x[k / 2] : (x[k / 2 - 1] + x[k / 2]) / 2;
  if (with_sum) out.push_back(static_cast<double>(sum));
  for (long double v : {mean, x.front(), x.back(), median, flat ? 0.0L : m2,
                        flat ? 0.0L : m3 / std::pow(m2, 1.5L), flat ? 0.0L : m4 / (m2 * m2) - 3}) {
    out.push_back(static_cast<double>(v));
  }
}

inline std::vector<double> VertexStats(const Case& c, size_t i, Timestamp w) {
  std::vector<double> out;
  for (int end = 0; end < 2; ++end) {
    for (int dir = 0; dir < 2; ++dir) {
      auto list = EndList(c, i, end, dir, w);
      std::set<AccountId> others;
      for (size_t j : list) others.insert(Other(c, j, dir));
      out.push_back(static_cast<double>(list.size()));
      out.push_back(static_cast<double>(others.size()));
      if (list.empty()) {
        out.push_back(NAN);
        out.push_back(0);
        for (int k = 4; k < 18; ++k) out.push_back(NAN);
        continue;
      }
      out.push_back(static_cast<double>(others.size()) / static_cast<double>(list.size()));
      std::vector<long double> amounts, ages;
      for (size_t j : list) {
        amounts.push_back(c.tx[j].amount);
        ages.push_back(static_cast<long double>(c.tx[i].time - c.tx[j].time));
      }
      Moments(amounts, true, out);
      Moments(ages, false, out);
    }
  }
  return out;
}

// Replaces the amounts by fractions of varied magnitude (cents of 0.01 .. 10^6), so that
// sums depend on their order: for the bit-exact checks of the documented summation order.
inline void UseFractionalAmounts(Case& c, uint64_t seed) {
  std::mt19937_64 rng(seed ^ 0x9e3779b97f4a7c15ULL);
  for (size_t k = 0; k < c.tx.size(); ++k) {
    const double scale = std::pow(10.0, static_cast<double>(rng() % 7));
    c.tx[k].amount = c.amount[k] = static_cast<double>(1 + rng() % 99999) / 100.0 * scale;
  }
}

// The documented order of the vertex statistics' sums and moments (docs/patterns.md, Summation
// order), written from the definition: recursion over aligned dyadic blocks of list positions.
struct Summary {
  double n = 0, sum = 0, mean = 0, m2 = 0, m3 = 0, m4 = 0, min = 0, max = 0;
};

inline Summary Combine(const Summary& a, const Summary& b) {
  const double na = a.n, nb = b.n, n = na + nb;
  const double delta = b.mean - a.mean;
  const double d_n = delta / n;
  Summary m;
  m.n = n;
  m.sum = a.sum + b.sum;
  m.mean = m.sum / n;
  m.m2 = a.m2 + b.m2 + delta * d_n * na * nb;
  m.m3 = a.m3 + b.m3 + delta * d_n * d_n * na * nb * (na - nb) +
         3.0 * d_n * (na * b.m2 - nb * a.m2);
  m.m4 = a.m4 + b.m4 + delta * d_n * d_n * d_n * na * nb * (na * na - na * nb + nb * nb) +
         6.0 * d_n * d_n * (na * na * b.m2 + nb * nb * a.m2) + 4.0 * d_n * (na * b.m3 - nb * a.m3);
  m.min = std::min(a.min, b.min);
  m.max = std::max(a.max, b.max);
  return m;
}

// Block [j 2^k, (j+1) 2^k) of `values` (indexed by list position).
inline Summary DyadicBlock(const std::vector<double>& values, size_t k, size_t j) {
  if (k == 0) return {1, values[j], values[j], 0, 0, 0, values[j], values[j]};
  return Combine(DyadicBlock(values, k - 1, 2 * j), DyadicBlock(values, k - 1, 2 * j + 1));
}

// Positions [lo, hi): the largest aligned block starting at lo that fits, left to right.
inline Summary DyadicFold(const std::vector<double>& values, size_t lo, size_t hi) {
  Summary acc;
  bool first = true;
  while (lo < hi) {
    size_t k = 0;
    while (lo % (size_t{2} << k) == 0 && lo + (size_t{2} << k) <= hi) ++k;
    const Summary b = DyadicBlock(values, k, lo >> k);
    acc = first ? b : Combine(acc, b);
    first = false;
    lo += size_t{1} << k;
  }
  return acc;
}

// Vertex statistics as the engine must produce them bit for bit: exact counts and order
// statistics, sums and moments in the documented order.
inline std::vector<double> VertexStatsInOrder(const Case& c, size_t i, Timestamp w) {
  std::vector<double> out;
  const Timestamp now = c.tx[i].time;
  for (int end = 0; end < 2; ++end) {
    for (int dir = 0; dir < 2; ++dir) {
      const AccountId a = end == 0 ? c.tx[i].src : c.tx[i].dst;
      std::vector<size_t> all;  // the account's whole list, in (time, id) order
      for (size_t j = 0; j < c.tx.size(); ++j) {
        if ((dir == 0 ? c.tx[j].src : c.tx[j].dst) == a) all.push_back(j);
      }
      std::sort(all.begin(), all.end(), [&](size_t x, size_t y) { return Before(c, x, y); });
      std::vector<double> amounts, offsets;
      size_t lo = all.size(), hi = 0;
      std::set<AccountId> others;
      for (size_t p = 0; p < all.size(); ++p) {
        amounts.push_back(c.tx[all[p]].amount);
        offsets.push_back(static_cast<double>(c.tx[all[p]].time - c.tx[all[0]].time));
        if (Visible(c, i, all[p], w)) {
          lo = std::min(lo, p);
          hi = p + 1;
          others.insert(Other(c, all[p], dir));
        }
      }
      const size_t n = hi > lo ? hi - lo : 0;
      const double nd = static_cast<double>(n);
      out.push_back(nd);
      out.push_back(static_cast<double>(others.size()));
      if (n == 0) {
        out.push_back(NAN);
        out.push_back(0);
        for (int k = 4; k < 18; ++k) out.push_back(NAN);
        continue;
      }
      out.push_back(static_cast<double>(others.size()) / nd);
      auto shape = [&](const Summary& s, bool flat, double sign) {
        if (flat) return std::vector<double>{0, 0, 0};
        const double var = s.m2 / nd;
        const double skew = (s.m3 / nd) / (var * std::sqrt(var));
        return std::vector<double>{var, sign * skew, (s.m4 / nd) / (var * var) - 3.0};
      };
      auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        const size_t mid = v.size() / 2;
        return v.size() % 2 ? v[mid] : v[mid - 1] + (v[mid] - v[mid - 1]) / 2;
      };
      const Summary s = DyadicFold(amounts, lo, hi);
      std::vector<double> window(amounts.begin() + static_cast<long>(lo),
                                 amounts.begin() + static_cast<long>(hi));
      const double amt_median = median(window);
      for (double v : {s.sum, s.sum / nd, s.min, s.max, amt_median}) out.push_back(v);
      for (double v : shape(s, s.min == s.max, 1)) out.push_back(v);
      std::vector<double> ages;
      int64_t age_sum = 0;
      for (size_t p = lo; p < hi; ++p) {
        ages.push_back(static_cast<double>(now - c.tx[all[p]].time));
        age_sum += now - c.tx[all[p]].time;
      }
      out.push_back(static_cast<double>(age_sum) / nd);
      out.push_back(*std::min_element(ages.begin(), ages.end()));
      out.push_back(*std::max_element(ages.begin(), ages.end()));
      out.push_back(median(ages));
      const bool flat = c.tx[all[lo]].time == c.tx[all[hi - 1]].time;
      for (double v : shape(DyadicFold(offsets, lo, hi), flat, -1)) out.push_back(v);
    }
  }
  return out;
}

inline std::set<AccountId> Accounts(const Case& c) {
  std::set<AccountId> a;
  for (const Tx& t : c.tx) a.insert(t.src), a.insert(t.dst);
  return a;
}

// sg_count, sg_max_width, then the histogram over `bins`.
inline std::vector<double> ScatterGather(const Case& c, size_t i, Timestamp w,
                                         const std::vector<uint32_t>& bins) {
  std::vector<double> out(2 + bins.size(), 0.0);
  const AccountId v = c.tx[i].src, sink = c.tx[i].dst;
  if (v == sink) return out;
  for (AccountId u : Accounts(c)) {
    if (u == v || u == sink) continue;
    bool feeds_v = false;
    for (size_t j = 0; j < c.tx.size(); ++j) {
      feeds_v |= Visible(c, i, j, w) && c.tx[j].src == u && c.tx[j].dst == v;
    }
    if (!feeds_v) continue;
    std::set<AccountId> middle;
    for (size_t j1 = 0; j1 < c.tx.size(); ++j1) {
      for (size_t j2 = 0; j2 < c.tx.size(); ++j2) {
        const AccountId x = c.tx[j1].dst;
        if (Visible(c, i, j1, w) && Visible(c, i, j2, w) && c.tx[j1].src == u &&
            c.tx[j2].src == x && c.tx[j2].dst == sink && x != u && x != sink &&
            Before(c, j1, j2)) {
          middle.insert(x);
        }
      }
    }
    if (middle.size() < 2) continue;
    out[0] += 1;
    out[1] = std::max<double>(out[1], static_cast<double>(middle.size()));
    for (size_t b = bins.size(); b-- > 0;) {
      if (middle.size() >= bins[b]) {
        out[2 + b] += 1;
        break;
      }
    }
  }
  return out;
}

inline std::vector<double> GatherScatter(const Case& c, size_t i, Timestamp w) {
  const AccountId v = c.tx[i].src;
  if (v == c.tx[i].dst) return {0, 0};
  std::set<AccountId> sources, sinks;
  long first = -1;
  for (size_t j = 0; j < c.tx.size(); ++j) {
    if (Visible(c, i, j, w) && c.tx[j].dst == v && c.tx[j].src != v) {
      sources.insert(c.tx[j].src);
      if (first < 0 || Before(c, j, static_cast<size_t>(first))) first = static_cast<long>(j);
    }
  }
  if (first < 0) return {0, 0};
  for (size_t j = 0; j < c.tx.size(); ++j) {
    if (Visible(c, i, j, w) && c.tx[j].src == v && c.tx[j].dst != v &&
        Before(c, static_cast<size_t>(first), j)) {
      sinks.insert(c.tx[j].dst);
    }
  }
  if (sources.size() < 2 || sinks.size() < 2) return {0, 0};
  return {static_cast<double>(sources.size()), static_cast<double>(sinks.size())};
}

inline bool HasEdge(const Case& c, size_t i, Timestamp w, AccountId from, AccountId to) {
  for (size_t j = 0; j < c.tx.size(); ++j) {
    if (Visible(c, i, j, w) && c.tx[j].src == from && c.tx[j].dst == to) return true;
  }
  return false;
}

inline std::vector<double> Bipartite(const Case& c, size_t i, Timestamp w) {
  const AccountId a = c.tx[i].src, b = c.tx[i].dst;
  if (a == b) return {0, 0, 0};
  std::set<AccountId> xs, ys;
  double pairs = 0;
  for (AccountId x : Accounts(c)) {
    for (AccountId y : Accounts(c)) {
      if (x == a || x == b || y == a || y == b || x == y) continue;
      if (HasEdge(c, i, w, a, y) && HasEdge(c, i, w, x, b) && HasEdge(c, i, w, x, y)) {
        pairs += 1;
        xs.insert(x);
        ys.insert(y);
      }
    }
  }
  return {pairs, static_cast<double>(xs.size()), static_cast<double>(ys.size())};
}

inline std::vector<double> Stack(const Case& c, size_t i, Timestamp w) {
  const AccountId v = c.tx[i].src, sink = c.tx[i].dst;
  if (v == sink) return {0, 0, 0};
  std::set<std::pair<AccountId, AccountId>> pairs;
  for (size_t j1 = 0; j1 < c.tx.size(); ++j1) {
    for (size_t j2 = 0; j2 < c.tx.size(); ++j2) {
      const AccountId u = c.tx[j1].src, x = c.tx[j1].dst;
      if (!Visible(c, i, j1, w) || !Visible(c, i, j2, w)) continue;
      if (c.tx[j2].src != x || c.tx[j2].dst != v || !Before(c, j1, j2)) continue;
      std::set<AccountId> distinct{u, x, v, sink};
      if (distinct.size() == 4) pairs.insert({u, x});
    }
  }
  std::set<AccountId> us, xs;
  for (auto [u, x] : pairs) us.insert(u), xs.insert(x);
  return {static_cast<double>(pairs.size()), static_cast<double>(us.size()),
          static_cast<double>(xs.size())};
}

// by_closing[i][k]: temporal cycles of k transactions whose last transaction is i (k distinct
// accounts, strictly increasing times, last - first <= w, k <= max_length; no self-loops).
inline std::vector<std::vector<double>> TemporalCyclesByClosing(const Case& c, Timestamp w,
                                                                size_t max_length) {
  std::vector<std::vector<double>> by_closing(c.tx.size(), std::vector<double>(max_length + 1));
  std::vector<AccountId> path;
  auto extend = [&](auto&& self, size_t first, size_t last, size_t length) -> void {
    for (size_t j = 0; j < c.tx.size(); ++j) {
      const Tx& e = c.tx[j];
      if (e.src != c.tx[last].dst || e.src == e.dst || e.time <= c.tx[last].time ||
          e.time - c.tx[first].time > w || length + 1 > max_length) {
        continue;
      }
      if (e.dst == c.tx[first].src) {
        by_closing[j][length + 1] += 1;
      } else if (std::find(path.begin(), path.end(), e.dst) == path.end()) {
        path.push_back(e.dst);
        self(self, first, j, length + 1);
        path.pop_back();
      }
    }
  };
  for (size_t first = 0; first < c.tx.size(); ++first) {
    if (c.tx[first].src == c.tx[first].dst) continue;
    path = {c.tx[first].src, c.tx[first].dst};
    extend(extend, first, first, 1);
  }
  return by_closing;
}

}  // namespace moneytrail::patterns::oracle

#endif  // MONEYTRAIL_TESTS_PATTERNS_ORACLE_H_
