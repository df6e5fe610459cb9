#include "rules/round_trip.h"

#include <algorithm>

#include "rules/figures.h"

namespace moneytrail::rules::rules_internal {
namespace {

struct Edge {
  Timestamp time;
  TransactionId tx;
  AccountId to;
  Int128 amount;  // scaled
};

struct Cycle {
  Timestamp start, end;
  std::vector<TransactionId> txs;  // in payment order
};

class CycleSearch {
 public:
  CycleSearch(const Rule& rule, const StoreFacts& facts, int32_t currency) : spec_(rule.round_trip),
                                                                                 within_(rule.window.length) {
    const store::Store& s = facts.store;
    const uint8_t account = static_cast<uint8_t>(NodeKind::kAccount);
    std::vector<std::pair<AccountId, Edge>> edges;
    if (currency != -2) {
      for (size_t t = 0; t < s.transaction_count(); ++t) {
        const AccountId a = s.source()[t], b = s.destination()[t];
        if (a == b || facts.account_kind[a] != account || facts.account_kind[b] != account) continue;
        if (currency >= 0 && s.paid_currency()[t] != currency) continue;
        edges.push_back({a, Edge{s.time()[t], static_cast<TransactionId>(t), b,
                                 ToScaled(s.amount_paid_units()[t], s.paid_scale()[t])}});
      }
    }
    std::sort(edges.begin(), edges.end(), [](const auto& x, const auto& y) {
      if (x.first != y.first) return x.first < y.first;
      if (x.second.time != y.second.time) return x.second.time < y.second.time;
      return x.second.tx < y.second.tx;
    });
    offsets_.assign(s.account_count() + 1, 0);
    for (const auto& [from, e] : edges) ++offsets_[from + 1];
    for (size_t a = 0; a < s.account_count(); ++a) offsets_[a + 1] += offsets_[a];
    out_.reserve(edges.size());
    for (const auto& [from, e] : edges) out_.push_back(e);
  }

  // Every cycle whose first payment is out_[first], the payment of `origin`; false when the search
  // stopped at max_steps.
  bool From(AccountId origin, size_t first, std::vector<Cycle>& found) {
    const Edge& e = out_[first];
    if (e.amount < spec_.min_amount) return true;
    origin_ = origin;
    deadline_ = e.time + within_;
    steps_ = 0;
    path_.assign(1, first);
    visited_.assign(1, origin);
    visited_.push_back(e.to);
    Extend(found);
    return steps_ <= spec_.max_steps;
  }

  size_t edges_of(AccountId a, size_t& begin) const {
    begin = offsets_[a];
    return offsets_[a + 1];
  }

 private:
  void Extend(std::vector<Cycle>& found) {
    const Edge& last = out_[path_.back()];
    const AccountId at = last.to;
    // Payments of `at` after `last` in (time, id) order, up to the deadline.
    auto begin = out_.begin() + static_cast<ptrdiff_t>(offsets_[at]);
    auto end = out_.begin() + static_cast<ptrdiff_t>(offsets_[at + 1]);
    auto it = std::upper_bound(begin, end, last, [](const Edge& x, const Edge& y) {
      return x.time != y.time ? x.time < y.time : x.tx < y.tx;
    });
    for (; it != end && it->time <= deadline_; ++it) {
      if (++steps_ > spec_.max_steps) return;
      // between min_share and 1 times the previous payment
      if (it->amount > last.amount || it->amount * spec_.share_den < last.amount * spec_.share_num) continue;
      if (it->to == origin_) {
        Cycle c{out_[path_.front()].time, it->time, {}};
        for (size_t i : path_) c.txs.push_back(out_[i].tx);
        c.txs.push_back(it->tx);
        found.push_back(std::move(c));
        continue;
      }
      if (static_cast<int>(path_.size()) + 1 >= spec_.max_hops) continue;
      if (std::find(visited_.begin(), visited_.end(), it->to) != visited_.end()) continue;
      path_.push_back(static_cast<size_t>(it - out_.begin()));
      visited_.push_back(it->to);
      Extend(found);
      path_.pop_back();
      visited_.pop_back();
      if (steps_ > spec_.max_steps) return;
    }
  }

  const RoundTripSpec& spec_;
  const int64_t within_;
  std::vector<size_t> offsets_;  // per account: its payments out_[offsets_[a], offsets_[a + 1])
  std::vector<Edge> out_;
  AccountId origin_ = 0;
  Timestamp deadline_ = 0;
  uint64_t steps_ = 0;
  std::vector<size_t> path_;        // indices into out_
  std::vector<AccountId> visited_;  // accounts on the path
};

}  // namespace

Result<std::vector<Alert>> RunRoundTrip(const Rule& rule, const StoreFacts& facts, const LocationIds& ids,
                                        int32_t currency, uint64_t& truncated) {
  const store::Store& s = facts.store;
  CycleSearch search(rule, facts, currency);
  std::vector<Alert> alerts;
  for (AccountId origin = 0; origin < s.account_count(); ++origin) {
    size_t begin = 0;
    const size_t end = search.edges_of(origin, begin);
    std::vector<Cycle> cycles;
    for (size_t i = begin; i < end; ++i) truncated += search.From(origin, i, cycles) ? 0 : 1;
    if (cycles.empty()) continue;
    std::sort(cycles.begin(), cycles.end(), [](const Cycle& x, const Cycle& y) {
      if (x.start != y.start) return x.start < y.start;
      if (x.end != y.end) return x.end < y.end;
      return x.txs < y.txs;
    });
    // Cycles whose spans overlap make one episode.
    for (size_t i = 0; i < cycles.size();) {
      Timestamp episode_end = cycles[i].end;
      std::vector<TransactionId> txs;
      size_t j = i;
      for (; j < cycles.size() && cycles[j].start <= episode_end; ++j) {
        episode_end = std::max(episode_end, cycles[j].end);
        txs.insert(txs.end(), cycles[j].txs.begin(), cycles[j].txs.end());
      }
      std::sort(txs.begin(), txs.end(), [&](TransactionId x, TransactionId y) {
        return s.time()[x] != s.time()[y] ? s.time()[x] < s.time()[y] : x < y;
      });
      txs.erase(std::unique(txs.begin(), txs.end()), txs.end());
      std::vector<Event> events;
      for (TransactionId t : txs) {
        events.push_back(Event{origin, s.time()[t], t, s.destination()[t], origin, 0});
      }
      MT_ASSIGN_OR_RETURN(Alert alert, MakeAlert(rule, facts, ids, events.front(), events, {}, Figures{}));
      alerts.push_back(std::move(alert));
      i = j;
    }
  }
  return alerts;
}

}  // namespace moneytrail::rules::rules_internal
