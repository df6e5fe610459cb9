#include "rules/scatter_gather.h"

#include <algorithm>
#include <span>

#include "rules/figures.h"
#include "rules/payment_index.h"
#include "rules/posting_order.h"

namespace moneytrail::rules::rules_internal {
namespace {

// One scatter payment S -> X and one gather payment X -> T that passes it on.
struct Leg {
  AccountId source, sink, intermediary;
  Timestamp start, end;  // times of the scatter and the gather payment
  TransactionId scatter, gather;
  OrderBasis order;  // known when both are date-only rows of one date, ordered by posting
};

bool LegBefore(const Leg& x, const Leg& y) {
  if (x.source != y.source) return x.source < y.source;
  if (x.sink != y.sink) return x.sink < y.sink;
  if (x.start != y.start) return x.start < y.start;
  if (x.scatter != y.scatter) return x.scatter < y.scatter;
  if (x.end != y.end) return x.end < y.end;
  return x.gather < y.gather;
}

// The legs that start with `s` (a payment of `source`); false when the search stopped at max_steps.
bool LegsFrom(const PaymentIndex& index, const ScatterGatherSpec& spec, int64_t window, const StoreFacts& facts,
              AccountId source, const Payment& s, std::vector<Leg>& out) {
  const uint8_t account = static_cast<uint8_t>(NodeKind::kAccount);
  // The intermediary is a bank account; an outside payee is a sink only of an account's money.
  if (s.amount < spec.min_amount || facts.account_kind[s.to] != account) return true;
  const bool sink_may_be_outside = facts.account_kind[source] == account;
  const std::span<const Payment> onward = index.Of(s.to);
  // A date-only scatter row is followed by the gather payments of later days and, on its own date,
  // by those the intermediary's statement shows posted after it; where the day's order is not
  // known, none of that date (docs/rules.md, Date-only rows).
  const bool day_only = facts.DateOnly(s.tx);
  auto it = day_only ? std::lower_bound(onward.begin(), onward.end(), s.time,
                                        [](const Payment& x, Timestamp t) { return x.time < t; })
                     : std::upper_bound(onward.begin(), onward.end(), s, [](const Payment& x, const Payment& y) {
                         return x.time != y.time ? x.time < y.time : x.tx < y.tx;
                       });
  uint64_t steps = 0;
  for (; it != onward.end() && it->time <= s.time + window; ++it) {
    if (++steps > spec.max_steps) return false;
    if (it->time > s.time + facts.WindowBefore(it->tx, window)) continue;  // a date-only row: its whole date within
    OrderBasis order;
    if (it->time == s.time && (day_only || facts.DateOnly(it->tx))) {
      order = facts.posting.Compare(s.tx, it->tx, s.to);
      if (!order.known || !order.first_before_second) continue;  // the same date, not shown after it
    }
    if (it->to == source || it->amount > s.amount || it->amount * spec.share_den < s.amount * spec.share_num) continue;
    if (!sink_may_be_outside && facts.account_kind[it->to] != account) continue;
    out.push_back(Leg{source, it->to, s.to, s.time, it->time, s.tx, it->tx, order});
  }
  return true;
}

// Distinct intermediaries among `legs`.
size_t DistinctIntermediaries(std::vector<AccountId>& scratch) {
  std::sort(scratch.begin(), scratch.end());
  return static_cast<size_t>(std::unique(scratch.begin(), scratch.end()) - scratch.begin());
}

}  // namespace

Result<std::vector<Alert>> RunScatterGather(const Rule& rule, const StoreFacts& facts, const LocationIds& ids,
                                            int32_t currency, uint64_t& truncated) {
  const store::Store& s = facts.store;
  const ScatterGatherSpec& spec = rule.scatter_gather;
  const int64_t window = rule.window.length;
  // The source may be an outside payer that statements name (kind external: a person or firm
  // whose account no statement covers, "ZELLE FROM ANTHONY COLLINS ACCT ...3886" in each
  // intermediary's statement): its scatter payments are the intermediaries' credits. So may the
  // sink of an account's money ("WIRE OUT BNF:ANJALI VARGAS ACCT ...7097" in each intermediary's
  // statement: the gather payments are their debits), but not both: one end of the alert is an
  // account in the records. The intermediaries are bank accounts.
  PaymentIndex index(facts, currency, /*external_payers=*/true, /*external_payees=*/true);
  std::vector<Alert> alerts;
  std::vector<Leg> legs;
  std::vector<AccountId> scratch;
  for (AccountId source = 0; source < s.account_count(); ++source) {
    legs.clear();
    for (const Payment& p : index.Of(source)) truncated += LegsFrom(index, spec, window, facts, source, p, legs) ? 0 : 1;
    std::sort(legs.begin(), legs.end(), LegBefore);
    for (size_t g = 0; g < legs.size();) {
      size_t h = g;
      while (h < legs.size() && legs[h].sink == legs[g].sink) ++h;
      // Legs [g, h) share the sink. For each anchor leg i (the earliest scatter payment of an
      // instance), the instance is every later leg that ends within the window of its start: any
      // valid set of legs lies inside the one of its earliest leg.
      struct Span {
        Timestamp start, end;
        size_t anchor, last;  // legs [anchor, last] with end <= start + window
      };
      std::vector<Span> instances;
      for (size_t i = g; i < h; ++i) {
        scratch.clear();
        Timestamp end = legs[i].end;
        size_t last = i;
        for (size_t j = i; j < h && legs[j].start <= legs[i].start + window; ++j) {
          if (legs[j].end > legs[i].start + facts.WindowBefore(legs[j].gather, window)) continue;
          scratch.push_back(legs[j].intermediary);
          end = std::max(end, legs[j].end);
          last = j;
        }
        if (DistinctIntermediaries(scratch) >= static_cast<size_t>(spec.min_intermediaries)) {
          instances.push_back(Span{legs[i].start, end, i, last});
        }
      }
      // Instances whose spans overlap make one alert (they are in start order).
      for (size_t k = 0; k < instances.size();) {
        Timestamp episode_end = instances[k].end;
        std::vector<TransactionId> scatter, gather;
        std::vector<std::pair<TransactionId, const OrderBasis*>> bases;  // gather payment -> its basis
        size_t m = k;
        for (; m < instances.size() && instances[m].start <= episode_end; ++m) {
          episode_end = std::max(episode_end, instances[m].end);
          for (size_t j = instances[m].anchor; j <= instances[m].last; ++j) {
            if (legs[j].end > instances[m].start + facts.WindowBefore(legs[j].gather, window)) continue;
            scatter.push_back(legs[j].scatter);
            gather.push_back(legs[j].gather);
            if (legs[j].order.known) bases.emplace_back(legs[j].gather, &legs[j].order);
          }
        }
        auto order = [&](std::vector<TransactionId>& txs) {
          std::sort(txs.begin(), txs.end(), [&](TransactionId x, TransactionId y) {
            return s.time()[x] != s.time()[y] ? s.time()[x] < s.time()[y] : x < y;
          });
          txs.erase(std::unique(txs.begin(), txs.end()), txs.end());
        };
        order(scatter);
        order(gather);
        const AccountId sink = legs[g].sink;
        std::vector<Event> first, then;
        for (TransactionId t : scatter) first.push_back(Event{source, s.time()[t], t, s.destination()[t], source, 0});
        for (TransactionId t : gather) then.push_back(Event{source, s.time()[t], t, sink, s.source()[t], 1});
        MT_ASSIGN_OR_RETURN(Alert alert, MakeAlert(rule, facts, ids, first.front(), first, then, Figures{}));
        alert.subjects = {source, sink};
        // A gather payment of the scatter payment's date: which lines show it came after (the
        // first leg's basis when it passes on several).
        std::sort(bases.begin(), bases.end(), [](const auto& x, const auto& y) {
          return x.first != y.first ? x.first < y.first
                                    : std::pair{x.second->file, x.second->first_line} <
                                          std::pair{y.second->file, y.second->first_line};
        });
        for (EvidenceItem& item : alert.evidence) {
          if (item.role != EvidenceRole::kThen) continue;
          auto b = std::lower_bound(bases.begin(), bases.end(), item.transaction,
                                    [](const auto& x, TransactionId t) { return x.first < t; });
          if (b != bases.end() && b->first == item.transaction) {
            item.order_basis = OrderBasisText(s, *b->second, "the scatter payment");
          }
        }
        alerts.push_back(std::move(alert));
        k = m;
      }
      g = h;
    }
  }
  return alerts;
}

}  // namespace moneytrail::rules::rules_internal
