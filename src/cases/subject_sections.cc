#include "subject_sections.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <tuple>
#include <utility>

#include "subjects.h"

namespace moneytrail::cases {
namespace {

constexpr size_t kEvidenceShown = 25;
constexpr size_t kAlertsShown = 12;
constexpr size_t kPatternsShown = 4;
constexpr size_t kPatternEdgesShown = 24;
constexpr size_t kFlowsShown = 30;
constexpr size_t kHoldingsShown = 12;
constexpr size_t kTimelineShown = 400;
constexpr size_t kPayeesShown = 15;

bool IsTimelineChannel(Channel c) {
  switch (c) {
    case Channel::kCashDeposit:
    case Channel::kCashWithdrawal:
    case Channel::kCash:
    case Channel::kWire:
    case Channel::kMoneyTransmitter:
      return true;
    default:
      return false;
  }
}

}  // namespace

// Splits each currency's exits by what happened, in words (ViewMaker::DescribeExit), and lists
// who received the money that left: both from every exit flow of the trail. The split is kept
// only when it adds up exactly to the trail's exit totals.
void DescribeExits(const ViewMaker& views, const trace::Ledger& ledger, const trace::Trail& trail,
                   report::TraceView& tv) {
  const store::Store& s = views.store();
  std::map<std::pair<uint16_t, std::string>, int64_t> by_words;
  struct Payee {
    int64_t units = 0;
    uint64_t payments = 0;
  };
  std::map<std::tuple<uint16_t, std::string, std::string, std::string>, Payee> payees;
  for (const trace::Flow& f : trail.flows) {
    if (!f.is_exit) continue;
    ViewMaker::ExitWords w = views.DescribeExit(f.transaction, trace::ExitKindName(f.exit_kind));
    by_words[{f.currency, w.category}] += f.attributed;
    if (f.exit_kind == trace::ExitKind::kHopLimit || f.exit_kind == trace::ExitKind::kBelowMinimum) {
      continue;  // not a payment out of the trace: the money went on, unfollowed
    }
    Payee& p = payees[{f.currency, w.who, w.where, w.how}];
    p.units += f.attributed;
    ++p.payments;
  }
  for (report::TraceTotalsView& c : tv.totals) {
    std::vector<std::pair<std::string, int64_t>> parts;
    for (const auto& [key, units] : by_words) {
      if (s.currency(key.first) == c.currency) parts.emplace_back(key.second, units);
    }
    std::stable_sort(parts.begin(), parts.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    DecimalSum described, exits;
    bool ok = true;
    const uint8_t scale = c.traced_in.scale;
    for (const auto& [words, units] : parts) ok = ok && described.Add(Decimal{units, scale}).ok();
    for (const auto& [kind, amount] : c.exits) ok = ok && exits.Add(amount).ok();
    Result<Decimal> a = described.value(), b = exits.value();
    if (!ok || !a.ok() || !b.ok() || CompareDecimal(*a, *b) != 0) continue;  // keep the kinds
    for (const auto& [words, units] : parts) c.exits_described.emplace_back(words, Decimal{units, scale});
  }
  std::vector<report::PayeeView> list;
  for (const auto& [key, p] : payees) {
    const auto& [currency, who, where, how] = key;
    report::PayeeView v;
    v.who = who;
    v.where = where;
    v.how = how;
    v.amount = views.Units(p.units, ledger.currency_scale(currency), currency);
    v.payments = p.payments;
    list.push_back(std::move(v));
  }
  std::stable_sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
    return ToDouble(a.amount.amount) > ToDouble(b.amount.amount);
  });
  tv.payees_total = list.size();
  if (list.size() > kPayeesShown) list.resize(kPayeesShown);
  tv.payees = std::move(list);
}

Status AddSubjectMoney(const ViewMaker& views, std::span<const uint32_t> subject_of, uint32_t sub,
                       report::SubjectView& v) {
  const store::Store& s = views.store();
  const uint64_t n = s.transaction_count();
  CurrencySums in, out;
  std::vector<std::pair<Timestamp, TransactionId>> timeline;
  for (uint64_t t = 0; t < n; ++t) {
    // Money crossing the subject's boundary (an entity's internal transfers are neither).
    const bool from_it = subject_of[s.source()[t]] == sub;
    const bool to_it = subject_of[s.destination()[t]] == sub;
    if (from_it == to_it) continue;
    const bool is_out = from_it;
    const bool is_in = to_it;
    if (is_in) MT_RETURN_IF_ERROR(in.Add(s.received_currency()[t], s.amount_received(t)));
    if (is_out) MT_RETURN_IF_ERROR(out.Add(s.paid_currency()[t], s.amount_paid(t)));
    if (IsTimelineChannel(static_cast<Channel>(s.channel()[t]))) {
      timeline.emplace_back(s.time()[t], static_cast<TransactionId>(t));
    }
  }
  MT_ASSIGN_OR_RETURN(v.total_in, in.ToMoney(s));
  MT_ASSIGN_OR_RETURN(v.total_out, out.ToMoney(s));
  v.timeline_total = timeline.size();
  if (timeline.size() > kTimelineShown) {
    // The largest amounts, shown in time order.
    std::stable_sort(timeline.begin(), timeline.end(), [&](const auto& a, const auto& b) {
      return ToDouble(s.amount_paid(a.second)) > ToDouble(s.amount_paid(b.second));
    });
    timeline.resize(kTimelineShown);
    std::sort(timeline.begin(), timeline.end());
  }
  for (const auto& [time, t] : timeline) {
    report::TimelineEvent e;
    e.time = time;
    e.channel = std::string(ChannelName(static_cast<Channel>(s.channel()[t])));
    e.inflow = subject_of[s.destination()[t]] == sub;
    e.amount = views.Paid(t);
    e.id = t;
    v.timeline.push_back(std::move(e));
  }
  return Status::Ok();
}

void AddSubjectAlerts(const ViewMaker& views, std::span<const rules::Alert> alerts,
                      std::vector<uint32_t> alert_ids, report::SubjectView& v) {
  // Alerts: most severe first, then in scan order.
    std::stable_sort(alert_ids.begin(), alert_ids.end(), [&](uint32_t a, uint32_t b) {
    return SeverityOrder(alerts[a].severity) > SeverityOrder(alerts[b].severity);
  });
  v.alerts_total = alert_ids.size();
  for (size_t k = 0; k < alert_ids.size() && k < kAlertsShown; ++k) {
    const rules::Alert& a = alerts[alert_ids[k]];
    report::AlertView av;
    av.alert_id = a.alert_id;
    av.rule_id = a.rule_id;
    av.title = a.title;
    av.citation = a.citation;
    av.severity = a.severity;
    av.sentence = a.sentence;
    av.window_start = a.window_start;
    av.window_end = a.window_end;
    av.figures = a.figures;
    av.currency = a.currency;
    av.evidence_total = a.evidence.size();
    for (size_t e = 0; e < a.evidence.size() && e < kEvidenceShown; ++e) {
      av.evidence.push_back(views.Tx(a.evidence[e].transaction));
    }
    v.alerts.push_back(std::move(av));
  }
}

void AddSubjectPatterns(const ViewMaker& views, const patterns::InstanceSet& instances,
                        std::vector<uint32_t> pattern_ids, report::SubjectView& v) {
  const store::Store& s = views.store();
  // Patterns: the largest instances first.
    std::stable_sort(pattern_ids.begin(), pattern_ids.end(), [&](uint32_t a, uint32_t b) {
    return instances.instances[a].transactions.size() > instances.instances[b].transactions.size();
  });
  v.patterns_total = pattern_ids.size();
  for (size_t k = 0; k < pattern_ids.size() && k < kPatternsShown; ++k) {
    const patterns::PatternInstance& pi = instances.instances[pattern_ids[k]];
    report::PatternView pv;
    pv.kind = std::string(patterns::PatternKindName(pi.kind));
    for (AccountId a : pi.accounts) pv.accounts.push_back(s.AccountLabel(a));
    std::vector<TransactionId> txs = pi.transactions;
    std::sort(txs.begin(), txs.end(), [&](TransactionId a, TransactionId b) {
      return s.time()[a] != s.time()[b] ? s.time()[a] < s.time()[b] : a < b;
    });
    for (size_t e = 0; e < txs.size() && e < kPatternEdgesShown; ++e) {
      pv.transactions.push_back(views.Tx(txs[e]));
    }
    pv.first_time = pi.first_time;
    pv.last_time = pi.last_time;
    v.patterns.push_back(std::move(pv));
  }
}

void FillTraceView(const ViewMaker& views, const trace::Ledger& ledger, const trace::Trail& trail,
                   report::TraceView& tv) {
  const store::Store& s = views.store();
  tv.totals = TotalsView(views.store(), ledger, trail);
  std::vector<const trace::Flow*> flows;
  for (const trace::Flow& f : trail.flows) flows.push_back(&f);
  std::stable_sort(flows.begin(), flows.end(), [&](const trace::Flow* a, const trace::Flow* b) {
    const double da = static_cast<double>(a->attributed) /
                      std::pow(10.0, ledger.currency_scale(a->currency));
    const double db = static_cast<double>(b->attributed) /
                      std::pow(10.0, ledger.currency_scale(b->currency));
    return da > db;
  });
  tv.flows_total = flows.size();
  // The largest lines are shown, in time order.
  if (flows.size() > kFlowsShown) flows.resize(kFlowsShown);
  std::stable_sort(flows.begin(), flows.end(), [&](const trace::Flow* a, const trace::Flow* b) {
    const Timestamp ta = s.time()[a->transaction], tb = s.time()[b->transaction];
    return ta != tb ? ta < tb : a->transaction < b->transaction;
  });
  for (const trace::Flow* fp : flows) {
    const trace::Flow& f = *fp;
    report::TraceFlowView fv;
    fv.tx = views.Tx(f.transaction);
    fv.attributed = views.Units(f.attributed, ledger.currency_scale(f.currency), f.currency);
    fv.hop = f.hop;
    fv.disposition =
        f.is_exit
            ? views.DescribeExit(f.transaction, trace::ExitKindName(f.exit_kind)).detail
            : std::string("followed");
    tv.flows.push_back(std::move(fv));
  }
  DescribeExits(views, ledger, trail, tv);
  std::vector<const trace::Holding*> holdings;
  for (const trace::Holding& h : trail.holdings) holdings.push_back(&h);
  std::stable_sort(holdings.begin(), holdings.end(),
                   [&](const trace::Holding* a, const trace::Holding* b) {
                     return static_cast<double>(a->amount) /
                                std::pow(10.0, ledger.currency_scale(a->currency)) >
                            static_cast<double>(b->amount) /
                                std::pow(10.0, ledger.currency_scale(b->currency));
                   });
  tv.holdings_total = holdings.size();
  for (size_t k = 0; k < holdings.size() && k < kHoldingsShown; ++k) {
    const trace::Holding& h = *holdings[k];
    report::HoldingView hv;
    hv.account = s.AccountLabel(h.account);
    hv.remaining = views.Units(h.amount, ledger.currency_scale(h.currency), h.currency);
    hv.balance = views.Units(h.balance, ledger.currency_scale(h.currency), h.currency);
    hv.hop = h.hop;
    tv.holdings.push_back(std::move(hv));
  }
}

}  // namespace moneytrail::cases
