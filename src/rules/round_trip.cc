#include "rules/round_trip.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "rules/figures.h"
#include "rules/payment_index.h"
#include "rules/posting_order.h"

namespace moneytrail::rules::rules_internal {
namespace {

struct Cycle {
  Timestamp start, end;
  std::vector<TransactionId> txs;  // in payment order
  // Payments of the date of the payment they pass on (either date-only), with the posting order
  // that showed them after it at the account between the two (docs/rules.md, Date-only rows).
  std::vector<std::pair<TransactionId, OrderBasis>> bases;
};

class CycleSearch {
 public:
  CycleSearch(const Rule& rule, const StoreFacts& facts, int32_t currency)
      : spec_(rule.round_trip), within_(rule.window.length), facts_(facts), index_(facts, currency) {}

  // Every cycle whose first payment is out_[first], the payment of `origin`; false when the search
  // stopped at max_steps.
  bool From(AccountId origin, size_t first, std::vector<Cycle>& found) {
    const Payment& e = out_[first];
    if (e.amount < spec_.min_amount) return true;
    origin_ = origin;
    deadline_ = e.time + within_;
    steps_ = 0;
    path_.assign(1, first);
    bases_.assign(1, OrderBasis{});
    visited_.assign(1, origin);
    visited_.push_back(e.to);
    Extend(found);
    return steps_ <= spec_.max_steps;
  }

  size_t edges_of(AccountId a, size_t& begin) const {
    begin = index_.Begin(a);
    return index_.End(a);
  }

 private:
  void Extend(std::vector<Cycle>& found) {
    const Payment& last = out_[path_.back()];
    const AccountId at = last.to;
    // Payments of `at` after `last`, up to the deadline: timed, in (time, id) order; after a
    // date-only payment, those of later days and, of its own date, those that `at`'s statement
    // shows posted after it (posting order; not known: none of that date).
    auto begin = out_.begin() + static_cast<ptrdiff_t>(index_.Begin(at));
    auto end = out_.begin() + static_cast<ptrdiff_t>(index_.End(at));
    const bool day_only = facts_.DateOnly(last.tx);
    auto it = day_only ? std::lower_bound(begin, end, last.time, [](const Payment& x, Timestamp t) { return x.time < t; })
                       : std::upper_bound(begin, end, last, [](const Payment& x, const Payment& y) {
                           return x.time != y.time ? x.time < y.time : x.tx < y.tx;
                         });
    for (; it != end && it->time <= deadline_; ++it) {
      if (++steps_ > spec_.max_steps) return;
      // A date-only payment counts only when every hour of its date is within the window.
      if (it->time > deadline_ - within_ + facts_.WindowBefore(it->tx, within_)) continue;
      OrderBasis order;
      if (it->time == last.time && (day_only || facts_.DateOnly(it->tx))) {
        order = facts_.posting.Compare(last.tx, it->tx, at);
        if (!order.known || !order.first_before_second) continue;
      }
      // between min_share and 1 times the previous payment
      if (it->amount > last.amount || it->amount * spec_.share_den < last.amount * spec_.share_num) continue;
      if (it->to == origin_) {
        Cycle c{out_[path_.front()].time, it->time, {}, {}};
        for (size_t k = 0; k < path_.size(); ++k) {
          c.txs.push_back(out_[path_[k]].tx);
          if (bases_[k].known) c.bases.emplace_back(out_[path_[k]].tx, bases_[k]);
        }
        c.txs.push_back(it->tx);
        if (order.known) c.bases.emplace_back(it->tx, order);
        found.push_back(std::move(c));
        continue;
      }
      if (static_cast<int>(path_.size()) + 1 >= spec_.max_hops) continue;
      if (std::find(visited_.begin(), visited_.end(), it->to) != visited_.end()) continue;
      path_.push_back(static_cast<size_t>(it - out_.begin()));
      bases_.push_back(order);
      visited_.push_back(it->to);
      Extend(found);
      path_.pop_back();
      bases_.pop_back();
      visited_.pop_back();
      if (steps_ > spec_.max_steps) return;
    }
  }

  const RoundTripSpec& spec_;
  const int64_t within_;
  const StoreFacts& facts_;
  const PaymentIndex index_;
  const std::vector<Payment>& out_ = index_.all();  // payer after payer (PaymentIndex)
  AccountId origin_ = 0;
  Timestamp deadline_ = 0;
  uint64_t steps_ = 0;
  std::vector<size_t> path_;        // indices into out_
  std::vector<OrderBasis> bases_;   // per payment of the path: its same-day posting order, if used
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
      std::vector<std::pair<TransactionId, OrderBasis>> bases;
      size_t j = i;
      for (; j < cycles.size() && cycles[j].start <= episode_end; ++j) {
        episode_end = std::max(episode_end, cycles[j].end);
        txs.insert(txs.end(), cycles[j].txs.begin(), cycles[j].txs.end());
        bases.insert(bases.end(), cycles[j].bases.begin(), cycles[j].bases.end());
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
      // A payment of the date of the one it passes on: the lines that show it came after (the
      // lowest file and line when several cycles pass it on).
      std::sort(bases.begin(), bases.end(), [](const auto& x, const auto& y) {
        return x.first != y.first ? x.first < y.first
                                  : std::tie(x.second.file, x.second.first_line, x.second.second_line) <
                                        std::tie(y.second.file, y.second.first_line, y.second.second_line);
      });
      for (EvidenceItem& item : alert.evidence) {
        auto b = std::lower_bound(bases.begin(), bases.end(), item.transaction,
                                  [](const auto& x, TransactionId t) { return x.first < t; });
        if (b != bases.end() && b->first == item.transaction) {
          item.order_basis = OrderBasisText(s, b->second, "the payment it passes on");
        }
      }
      alerts.push_back(std::move(alert));
      i = j;
    }
  }
  return alerts;
}

}  // namespace moneytrail::rules::rules_internal
