// Scan: for each rule, the transactions that match its streams are gathered per subject, the
// rule's window slides over each subject's events, and the windows where every condition holds
// are merged into episodes (overlapping windows make one alert). docs/rules.md, Semantics.
#include <fmt/format.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <unordered_map>

#include "rules/compiled.h"
#include "rules/figures.h"
#include "rules/posting_order.h"
#include "rules/round_trip.h"
#include "rules/scatter_gather.h"
#include "rules/runtime.h"
#include "rules/sufficiency.h"
#include "rules/window.h"

namespace moneytrail::rules {
namespace rules_internal {
namespace {

struct Episode {
  uint32_t a_lo, a_hi, b_lo, b_hi;  // ranges into the subject's first/match and then events
};

struct RuleOutput {
  std::vector<Alert> alerts;
  Status status;
  uint64_t truncated = 0;  // built-in kinds: searches that stopped at max_steps
};

// The window key of an event: seconds, local days, business-day ordinals, or 0 for "all".
int64_t KeyOf(const WindowSpec& w, const StoreFacts& facts, const Event& e) {
  switch (w.kind) {
    case WindowKind::kDuration: return e.time;
    case WindowKind::kDays: return facts.LocalDay(e.tx);
    case WindowKind::kBusinessDays: return facts.BusinessOrdinal(e.tx);
    case WindowKind::kAll: return 0;
  }
  return 0;
}

// Lowest key still inside a window whose newest key is `k`.
int64_t LowestKey(const WindowSpec& w, int64_t k) {
  switch (w.kind) {
    case WindowKind::kDuration: return k - w.length;
    case WindowKind::kDays:
    case WindowKind::kBusinessDays: return k - (w.length - 1);
    case WindowKind::kAll: return k;
  }
  return k;
}

void AddEpisode(std::vector<Episode>& out, Episode e) {
  if (!out.empty()) {
    Episode& last = out.back();
    if (e.a_lo < last.a_hi || (e.b_hi > e.b_lo && e.b_lo < last.b_hi)) {
      last.a_lo = std::min(last.a_lo, e.a_lo);
      last.a_hi = std::max(last.a_hi, e.a_hi);
      if (e.b_hi > e.b_lo) {
        last.b_lo = last.b_hi > last.b_lo ? std::min(last.b_lo, e.b_lo) : e.b_lo;
        last.b_hi = std::max(last.b_hi, e.b_hi);
      }
      return;
    }
  }
  out.push_back(e);
}

// Peer medians: per industry code, the median of the rule's metric over the accounts of that
// industry (accounts without events count as 0), as a doubled value (the mean of the two middle
// values when the group is even, kept exact).
struct PeerStats {
  Int128 median2 = 0;
  uint32_t size = 0;
};

// The streams of one rule, resolved against the store.
struct RuleStreams {
  const Rule* rule;
  std::vector<FilterRuntime> filters;  // [match] or [first, then]
};

constexpr uint64_t kEntityKey = uint64_t{1} << 32;

// One pass over transactions [begin, end) for all rules: appends each rule's events to out[rule].
// For each channel, only the streams that can match it are tried.
void CollectEvents(const std::vector<RuleStreams>& rules, const StoreFacts& facts, size_t begin, size_t end,
                   std::vector<std::vector<Event>>& out) {
  const store::Store& s = facts.store;
  auto source = s.source();
  auto destination = s.destination();
  auto time = s.time();
  auto channel = s.channel();
  const uint8_t account = static_cast<uint8_t>(NodeKind::kAccount);
  std::vector<std::pair<uint32_t, uint8_t>> by_channel[32];
  for (uint32_t r = 0; r < rules.size(); ++r) {
    for (uint8_t k = 0; k < rules[r].filters.size(); ++k) {
      uint32_t mask = rules[r].filters[k].channel_mask;
      for (int ch = 0; ch < kChannelCount; ++ch) {
        if (mask == 0 || (mask & (1u << ch))) by_channel[ch].emplace_back(r, k);
      }
    }
  }
  const HolderTable* entities = facts.holders != nullptr && facts.holders->has_entities() ? facts.holders : nullptr;
  for (size_t t = begin; t < end; ++t) {
    const auto id = static_cast<TransactionId>(t);
    const AccountId src = source[t], dst = destination[t];
    const bool dst_account = facts.account_kind[dst] == account;
    const bool src_account = facts.account_kind[src] == account;
    // Entity keys (1 << 32 | entity) never collide with account keys; 0 = no entity (per account).
    const uint32_t src_entity = entities && src_account ? entities->entity(src) : 0;
    const uint32_t dst_entity = entities && dst_account ? entities->entity(dst) : 0;
    // A transfer between two accounts of one entity moves no money in or out of it.
    const bool internal = src_entity != 0 && src_entity == dst_entity;
    for (const auto& [r, k] : by_channel[channel[t] & 31]) {
      const Rule& rule = *rules[r].rule;
      const FilterRuntime& f = rules[r].filters[k];
      const bool per_entity = rule.subject == SubjectKind::kEntity;
      if (per_entity && internal) continue;
      if (dst_account && f.Matches(id, dst, src, true)) {
        uint64_t key = rule.subject == SubjectKind::kPair ? (uint64_t{src} << 32) | dst
                       : per_entity && dst_entity != 0 ? kEntityKey | dst_entity
                                                       : dst;
        out[r].push_back(Event{key, time[t], id, src, dst, k});
      }
      if (rule.subject != SubjectKind::kPair && src_account && f.Matches(id, src, dst, false)) {
        uint64_t key = per_entity && src_entity != 0 ? kEntityKey | src_entity : src;
        out[r].push_back(Event{key, time[t], id, dst, src, k});
      }
    }
  }
}

class RuleEvaluator {
 public:
  RuleEvaluator(const Rule& rule, const StoreFacts& facts, const LocationIds& ids)
      : rule_(rule), facts_(facts), ids_(ids) {}

  // `events`: every event of the rule's streams (any order).
  Result<std::vector<Alert>> Run(std::vector<Event> events) {
    std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
      if (a.key != b.key) return a.key < b.key;
      if (a.time != b.time) return a.time < b.time;
      if (a.tx != b.tx) return a.tx < b.tx;
      return a.stream < b.stream;
    });
    if (rule_.sequence && rule_.window.kind == WindowKind::kDuration && !facts_.posting.empty()) {
      OrderDateOnlyDays(events);
    }
    if (rule_.peer.enabled) ComputePeers(events);
    std::vector<Alert> alerts;
    for (size_t i = 0; i < events.size();) {
      size_t j = i;
      while (j < events.size() && events[j].key == events[i].key) ++j;
      MT_RETURN_IF_ERROR(EvaluateSubject(std::span<const Event>(events.data() + i, j - i), alerts));
      i = j;
    }
    return alerts;
  }

 private:
  void ComputePeers(const std::vector<Event>& events) {
    const HolderTable& holders = *facts_.holders;
    std::unordered_map<AccountId, Int128> value;
    for (const Event& e : events) {
      if (e.stream != 0) continue;
      value[e.subject] += rule_.peer.metric == Metric::kCount
                              ? Int128{1}
                              : ToScaled(facts_.store.amount_paid_units()[e.tx], facts_.store.paid_scale()[e.tx]);
    }
    subject_value_ = value;
    std::map<uint32_t, std::vector<Int128>> groups;
    for (AccountId a = 0; a < holders.account_count(); ++a) {
      const Holder& h = holders.at(a);
      if (h.industry_code == 0) continue;
      auto it = value.find(a);
      groups[h.industry_code].push_back(it == value.end() ? 0 : it->second);
    }
    for (auto& [code, values] : groups) {
      std::sort(values.begin(), values.end());
      size_t n = values.size();
      PeerStats p;
      p.size = static_cast<uint32_t>(n);
      p.median2 = n % 2 ? 2 * values[n / 2] : values[n / 2 - 1] + values[n / 2];
      peers_[code] = p;
    }
  }

  // Puts each subject's date-only events of one date in posting order when the statements show
  // it: every event has a line in one ordered statement file of the subject's account (the lowest
  // such file when several, e.g. overlapping downloads). Otherwise the day keeps (tx, stream) order
  // and no posting order (docs/rules.md, Date-only rows).
  void OrderDateOnlyDays(std::vector<Event>& events) const {
    for (size_t i = 0; i < events.size();) {
      size_t j = i;
      bool orderable = true;
      while (j < events.size() && events[j].key == events[i].key && events[j].time == events[i].time) {
        orderable = orderable && facts_.DateOnly(events[j].tx) && events[j].subject == events[i].subject;
        ++j;
      }
      if (orderable && j - i >= 2) OrderDay(std::span<Event>(events.data() + i, j - i));
      i = j;
    }
  }

  void OrderDay(std::span<Event> day) const {
    std::vector<uint32_t> common, files, both;
    for (size_t k = 0; k < day.size(); ++k) {
      files.clear();
      for (const PostingLine& l : facts_.posting.Of(day[k].tx, day[k].subject)) files.push_back(l.file);
      files.erase(std::unique(files.begin(), files.end()), files.end());
      if (k == 0) {
        common = files;
      } else {
        both.clear();
        std::set_intersection(common.begin(), common.end(), files.begin(), files.end(), std::back_inserter(both));
        common.swap(both);
      }
      if (common.empty()) return;
    }
    const uint32_t file = common.front();
    for (Event& e : day) {
      for (const PostingLine& l : facts_.posting.Of(e.tx, e.subject)) {
        if (l.file != file) continue;
        e.posting_file = file + 1;
        e.posting = l.position;
        break;
      }
    }
    std::sort(day.begin(), day.end(), [](const Event& x, const Event& y) {
      if (x.posting != y.posting) return x.posting < y.posting;
      if (x.tx != y.tx) return x.tx < y.tx;
      return x.stream < y.stream;
    });
  }

  // Sets the order basis of each date-only *then* row of `alert` that follows a *first* row of
  // its own date by posting order (the latest such first row is cited).
  void NoteOrderBasis(std::span<const Event> first, std::span<const Event> then, Alert& alert) const {
    for (const Event& b : then) {
      if (b.posting_file == 0) continue;
      const Event* before = nullptr;
      for (const Event& a : first) {
        if (a.time == b.time && a.posting_file == b.posting_file && a.posting < b.posting &&
            (before == nullptr || a.posting > before->posting)) {
          before = &a;
        }
      }
      if (before == nullptr) continue;
      OrderBasis basis;
      basis.known = basis.first_before_second = true;
      basis.file = b.posting_file - 1;
      basis.first_line = static_cast<uint32_t>(before->posting < 0 ? -before->posting : before->posting);
      basis.second_line = static_cast<uint32_t>(b.posting < 0 ? -b.posting : b.posting);
      // Confirmed when the file's running balances chain over the day (PostingOrder::Load).
      auto confirmed = [&](const Event& e) {
        for (const PostingLine& l : facts_.posting.Of(e.tx, e.subject)) {
          if (l.file == basis.file) return l.balance_confirmed;
        }
        return false;
      };
      basis.balance_confirmed = confirmed(*before) && confirmed(b);
      const bool inflow = facts_.store.destination()[before->tx] == before->subject;
      for (EvidenceItem& item : alert.evidence) {
        if (item.transaction == b.tx && item.role == EvidenceRole::kThen) {
          item.order_basis = OrderBasisText(facts_.store, basis, inflow ? "the inflow" : "the first row");
        }
      }
    }
  }

  // Marks each evidence row whose channel is unknown with how its stream's filter read it: as cash
  // through the cash node at one end, as a transfer abroad through the outside counterparty's
  // country, or, where the filter names `unknown` itself, as a row without a channel that the rule
  // counts whatever it was; counts the first two in the figure "channel_inferred_rows", the third
  // in "channel_unrecorded_rows", and says so in the sentence (docs/rules.md, Channel from the cash
  // counterparty, Channel from the counterparty's country, Rows without a channel).
  void NoteChannelBasis(Alert& alert) const {
    struct Reads {
      bool cash, abroad, unrecorded;
    };
    auto reads = [](const Filter& f) { return Reads{MayInferCash(f), MayInferAbroad(f), NamesUnknown(f)}; };
    const Reads first = reads(rule_.sequence ? rule_.first : rule_.match);
    const Reads then = rule_.sequence ? reads(rule_.then) : Reads{false, false, false};
    auto any = [](const Reads& r) { return r.cash || r.abroad || r.unrecorded; };
    if (!any(first) && !any(then)) return;
    uint64_t by_cash = 0, by_country = 0, unrecorded = 0;
    for (EvidenceItem& item : alert.evidence) {
      const Reads& r = item.role == EvidenceRole::kThen ? then : first;
      if (r.cash) item.channel_basis = ChannelBasisText(facts_, item.transaction);
      if (!item.channel_basis.empty()) {
        ++by_cash;
        continue;
      }
      if (r.abroad) item.channel_basis = AbroadBasisText(facts_, item.transaction);
      if (!item.channel_basis.empty()) {
        ++by_country;
        continue;
      }
      if (r.unrecorded) item.channel_basis = UnrecordedBasisText(facts_, item.transaction);
      unrecorded += !item.channel_basis.empty();
    }
    if (by_cash + by_country > 0) {
      alert.figures.emplace_back("channel_inferred_rows", std::to_string(by_cash + by_country));
    }
    if (unrecorded > 0) alert.figures.emplace_back("channel_unrecorded_rows", std::to_string(unrecorded));
    if (by_cash > 0) {
      alert.sentence += fmt::format(" The channel of {} of these rows is inferred from the cash counterparty (the "
                                    "records say unknown).",
                                    by_cash);
    }
    if (by_country > 0) {
      alert.sentence += fmt::format(" The channel of {} of these rows is inferred from the outside counterparty's "
                                    "country: a transfer abroad, by wire or money transmitter (the records say "
                                    "unknown).",
                                    by_country);
    }
    if (unrecorded > 0) {
      alert.sentence += fmt::format(" {} of these rows have no channel in the records; the rule counts them "
                                    "whatever their channel.",
                                    unrecorded);
    }
  }

  // Whether the subject passes the peer comparison; fills the peer figures.
  bool PeerHolds(AccountId subject, Figures& figures) const {
    const Holder& h = facts_.holders->at(subject);
    auto it = peers_.find(h.industry_code);
    if (h.industry_code == 0 || it == peers_.end() || it->second.size < rule_.peer.min_peers) return false;
    auto v = subject_value_.find(subject);
    Int128 value = v == subject_value_.end() ? 0 : v->second;
    // value > factor * median2 / 2
    if (!(value * 2 * rule_.peer.factor_den > rule_.peer.factor_num * it->second.median2)) return false;
    figures.peer_median2 = it->second.median2;
    figures.peer_value = value;
    figures.peer_group = fmt::format("industry {} ({} accounts)", h.industry_code, it->second.size);
    figures.has_peer = true;
    return true;
  }

  Status EvaluateSubject(std::span<const Event> events, std::vector<Alert>& alerts) {
    std::vector<Event> a, b;
    for (const Event& e : events) (e.stream == 0 ? a : b).push_back(e);
    if (a.empty()) return Status::Ok();
    if (rule_.sequence && b.empty() && rule_.window.kind == WindowKind::kDuration) return Status::Ok();
    const AccountId subject = events.front().subject;
    Figures peer_figures;
    if (rule_.peer.enabled && !PeerHolds(subject, peer_figures)) return Status::Ok();
    bool needs[2][kDistinctKinds];
    bool extremes[2];
    DistinctNeeds(rule_, needs, extremes);
    StreamWindow wa(facts_, ids_, needs[0], extremes[0]);
    StreamWindow wb(facts_, ids_, needs[1], extremes[1]);
    std::vector<Episode> episodes;
    if (!rule_.sequence) {
      Aggregate(a, subject, wa, episodes);
    } else if (rule_.window.kind == WindowKind::kDuration) {
      SequenceByTime(a, b, subject, wa, wb, episodes);
    } else {
      SequenceByDay(a, b, subject, wa, wb, episodes);
    }
    for (const Episode& e : episodes) {
      std::span<const Event> ea(a.data() + e.a_lo, e.a_hi - e.a_lo);
      std::span<const Event> eb(b.data() + e.b_lo, e.b_hi - e.b_lo);
      Figures figures = peer_figures;
      figures.history_value = history_value_;
      MT_ASSIGN_OR_RETURN(Alert alert, MakeAlert(rule_, facts_, ids_, events.front(), ea, eb, figures));
      if (rule_.sequence) NoteOrderBasis(ea, eb, alert);
      NoteChannelBasis(alert);
      alerts.push_back(std::move(alert));
    }
    return Status::Ok();
  }

  void Aggregate(const std::vector<Event>& a, AccountId subject, StreamWindow& w, std::vector<Episode>& out) {
    // A subject whose rows are all date-only: the duration window reaches back as far as holds for
    // every hour of each row's date (StoreFacts::WindowBefore). A subject with timed rows keeps the
    // timed window for all of them (a window's front only moves forward).
    WindowSpec spec = rule_.window;
    if (spec.kind == WindowKind::kDuration &&
        std::all_of(a.begin(), a.end(), [&](const Event& e) { return facts_.DateOnly(e.tx); })) {
      spec.length = facts_.WindowBefore(a.front().tx, spec.length);
    }
    const HistoryBaseline& hist = rule_.history;
    const int64_t window_seconds = spec.kind == WindowKind::kDuration ? spec.length : spec.length * 86400;
    size_t lo = 0, hist_lo = 0;
    Int128 hist_value = 0;
    for (size_t j = 0; j < a.size(); ++j) {
      w.Add(a[j]);
      const int64_t k = KeyOf(spec, facts_, a[j]);
      while (KeyOf(spec, facts_, a[lo]) < LowestKey(spec, k)) {
        w.Remove(a[lo]);
        hist_value += HistoryUnit(a[lo]);
        ++lo;
      }
      const bool window_end = spec.kind == WindowKind::kDuration || j + 1 == a.size() ||
                              KeyOf(spec, facts_, a[j + 1]) != k;
      if (!window_end) continue;
      if (hist.enabled) {
        const Timestamp start = a[lo].time;
        while (hist_lo < lo && a[hist_lo].time < start - hist.lookback) hist_value -= HistoryUnit(a[hist_lo++]);
        const int64_t covered = std::min<int64_t>(hist.lookback, start - facts_.data_start);
        if (covered < hist.min_history) continue;
        const Int128 current = hist.metric == Metric::kCount ? Int128(w.count()) : w.sum();
        // current / window > factor * history / covered
        if (!(current * covered * hist.factor_den > hist.factor_num * hist_value * window_seconds)) continue;
        history_value_ = hist_value;
      }
      if (ConditionsHold(rule_, w, nullptr, subject)) {
        AddEpisode(out, Episode{static_cast<uint32_t>(lo), static_cast<uint32_t>(j + 1), 0, 0});
      }
    }
  }

  Int128 HistoryUnit(const Event& e) const {
    if (!rule_.history.enabled) return 0;
    if (rule_.history.metric == Metric::kCount) return 1;
    return ToScaled(facts_.store.amount_paid_units()[e.tx], facts_.store.paid_scale()[e.tx]);
  }

  void SequenceByTime(const std::vector<Event>& a, const std::vector<Event>& b, AccountId subject, StreamWindow& wa,
                      StreamWindow& wb, std::vector<Episode>& out) {
    const int64_t length = rule_.window.length;
    size_t a_lo = 0, a_hi = 0, b_lo = 0;
    for (size_t j = 0; j < b.size(); ++j) {
      const Timestamp tb = b[j].time;
      wb.Add(b[j]);
      // A date-only *then* row is preceded by the *first* rows of earlier days and, on its own
      // date, only by those its account's statement shows posted before it (the day in posting
      // order, OrderDateOnlyDays); where the day's order is not known, "in, then out" on one date
      // is not shown by the records (docs/rules.md, Date-only rows). The window reaches back only
      // as far as holds for every hour of the row's date: a day less than its length
      // (StoreFacts::WindowBefore; "72h": the two dates before, and its own in posting order).
      const bool day_only = facts_.DateOnly(b[j].tx);
      auto precedes = [&](const Event& x) {
        if (x.time != tb) return x.time < tb;
        if (!day_only) return true;
        return x.posting_file != 0 && x.posting_file == b[j].posting_file && x.posting < b[j].posting;
      };
      while (a_hi < a.size() && precedes(a[a_hi])) wa.Add(a[a_hi++]);
      const int64_t reach = facts_.WindowBefore(b[j].tx, length);
      if (a_lo > 0 && a[a_lo - 1].time >= tb - reach) {
        // A timed row's window may reach further back than a date-only row's before it (mixed
        // files): the window is rebuilt from the rows it holds.
        while (a_lo > 0 && a[a_lo - 1].time >= tb - reach) --a_lo;
        wa.Clear();
        for (size_t k = a_lo; k < a_hi; ++k) wa.Add(a[k]);
      }
      while (a_lo < a_hi && a[a_lo].time < tb - reach) wa.Remove(a[a_lo++]);
      const Timestamp lower = a_lo < a_hi ? a[a_lo].time : tb - reach;
      // The *then* rows run from the earliest *first* row on. When that row is date-only, a then
      // row of its date follows it only when the account's statement shows it posted after it
      // (posting order); where the day's order is not known, none of that date does ("in, then
      // out" on one date is not shown; docs/rules.md, Date-only rows). Those of the date that do
      // not follow it are the first of the date's then rows (the day is in posting order).
      auto before_start = [&](const Event& y) {
        if (y.time != lower) return y.time < lower;
        if (a_lo == a_hi || !facts_.DateOnly(a[a_lo].tx)) return false;
        return !(y.posting_file != 0 && y.posting_file == a[a_lo].posting_file && y.posting > a[a_lo].posting);
      };
      if (b_lo > 0 && !before_start(b[b_lo - 1])) {
        while (b_lo > 0 && !before_start(b[b_lo - 1])) --b_lo;
        wb.Clear();
        for (size_t k = b_lo; k <= j; ++k) wb.Add(b[k]);
      }
      while (b_lo <= j && before_start(b[b_lo])) wb.Remove(b[b_lo++]);
      if (a_lo == a_hi || b_lo > j) continue;
      if (ConditionsHold(rule_, wa, &wb, subject)) {
        AddEpisode(out, Episode{static_cast<uint32_t>(a_lo), static_cast<uint32_t>(a_hi), static_cast<uint32_t>(b_lo),
                                static_cast<uint32_t>(j + 1)});
      }
    }
  }

  void SequenceByDay(const std::vector<Event>& a, const std::vector<Event>& b, AccountId subject, StreamWindow& wa,
                     StreamWindow& wb, std::vector<Episode>& out) {
    const WindowSpec& spec = rule_.window;
    std::vector<int64_t> keys;
    for (const Event& e : a) keys.push_back(KeyOf(spec, facts_, e));
    for (const Event& e : b) keys.push_back(KeyOf(spec, facts_, e));
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    size_t a_lo = 0, a_hi = 0, b_lo = 0, b_hi = 0;
    for (int64_t k : keys) {
      while (a_hi < a.size() && KeyOf(spec, facts_, a[a_hi]) <= k) wa.Add(a[a_hi++]);
      while (b_hi < b.size() && KeyOf(spec, facts_, b[b_hi]) <= k) wb.Add(b[b_hi++]);
      const int64_t lowest = LowestKey(spec, k);
      while (a_lo < a_hi && KeyOf(spec, facts_, a[a_lo]) < lowest) wa.Remove(a[a_lo++]);
      while (b_lo < b_hi && KeyOf(spec, facts_, b[b_lo]) < lowest) wb.Remove(b[b_lo++]);
      if (a_lo == a_hi) continue;
      if (ConditionsHold(rule_, wa, &wb, subject)) {
        AddEpisode(out, Episode{static_cast<uint32_t>(a_lo), static_cast<uint32_t>(a_hi), static_cast<uint32_t>(b_lo),
                                static_cast<uint32_t>(b_hi)});
      }
    }
  }

  const Rule& rule_;
  const StoreFacts& facts_;
  const LocationIds& ids_;
  std::map<uint32_t, PeerStats> peers_;
  std::unordered_map<AccountId, Int128> subject_value_;
  Int128 history_value_ = -1;
};

}  // namespace
}  // namespace rules_internal

Result<ScanResult> Scan(const store::Store& store, std::span<const RulePack* const> packs, const ScanOptions& options) {
  using namespace rules_internal;
  ScanResult result;
  for (const RulePack* pack_ptr : packs) {
    const CompiledPack& pack = pack_ptr->compiled();
    StoreFacts facts(store, options.holders, pack);
    MT_RETURN_IF_ERROR(facts.LoadPostingOrder());
    LocationIds ids(facts);
    // Data sufficiency: a rule the data cannot support does not run, and says why in numbers.
    const RowShapes shapes(facts);
    std::vector<const Rule*> runnable;
    std::vector<size_t> support_of;  // per runnable rule: its entry in result.support
    for (const Rule& r : pack.rules) {
      RuleSupport support = AssessRule(r, shapes, facts, options.holders != nullptr, pack.id);
      if (r.needs_holders && options.holders == nullptr) {
        result.skipped.push_back(fmt::format("{}: needs KYC facts (--parties DIR)", r.id));
      } else if (!support.ran) {
        result.skipped.push_back(fmt::format("{}: not run: {}", r.id, support.reason));
      } else {
        runnable.push_back(&r);
        support_of.push_back(result.support.size());
      }
      result.support.push_back(std::move(support));
    }
    std::vector<RuleStreams> streams;
    for (const Rule* r : runnable) {
      RuleStreams rs{r, {}};
      int32_t currency = ResolveCurrency(store, r->currency);
      if (r->builtin != BuiltinKind::kNone) {
        // built-in kinds read the store themselves: no events
      } else if (r->sequence) {
        rs.filters.emplace_back(r->first, facts, currency);
        rs.filters.emplace_back(r->then, facts, currency);
      } else {
        rs.filters.emplace_back(r->match, facts, currency);
      }
      streams.push_back(std::move(rs));
    }
    std::vector<RuleOutput> outputs(runnable.size());
    const unsigned threads = options.threads;
    tbb::task_arena arena(threads == 0 ? tbb::task_arena::automatic : static_cast<int>(threads));
    // Chunks of transactions collected in parallel, concatenated in chunk order (each rule sorts its
    // events anyway, so the result does not depend on the thread count).
    const size_t n = store.transaction_count();
    const size_t chunks = std::max<size_t>(1, std::min<size_t>(64, n / 65536));
    std::vector<std::vector<std::vector<Event>>> per_chunk(chunks, std::vector<std::vector<Event>>(runnable.size()));
    auto collect = [&](size_t c) { CollectEvents(streams, facts, n * c / chunks, n * (c + 1) / chunks, per_chunk[c]); };
    auto run = [&](size_t i) {
      std::vector<Event> events;
      size_t total = 0;
      for (const auto& chunk : per_chunk) total += chunk[i].size();
      events.reserve(total);
      for (auto& chunk : per_chunk) {
        events.insert(events.end(), chunk[i].begin(), chunk[i].end());
        std::vector<Event>().swap(chunk[i]);
      }
      Result<std::vector<Alert>> alerts = std::vector<Alert>();
      if (runnable[i]->builtin == BuiltinKind::kRoundTrip) {
        alerts = RunRoundTrip(*runnable[i], facts, ids, ResolveCurrency(store, runnable[i]->currency),
                              outputs[i].truncated);
      } else if (runnable[i]->builtin == BuiltinKind::kScatterGather) {
        alerts = RunScatterGather(*runnable[i], facts, ids, ResolveCurrency(store, runnable[i]->currency),
                                  outputs[i].truncated);
      } else {
        RuleEvaluator evaluator(*runnable[i], facts, ids);
        alerts = evaluator.Run(std::move(events));
      }
      if (alerts.ok()) {
        outputs[i].alerts = std::move(*alerts);
      } else {
        outputs[i].status = alerts.status().WithContext("rule " + runnable[i]->id);
      }
    };
    if (threads == 1) {
      for (size_t c = 0; c < chunks; ++c) collect(c);
      for (size_t i = 0; i < runnable.size(); ++i) run(i);
    } else {
      arena.execute([&] {
        tbb::parallel_for(size_t{0}, chunks, collect);
        tbb::parallel_for(size_t{0}, runnable.size(), run);
      });
    }
    for (size_t i = 0; i < runnable.size(); ++i) {
      MT_RETURN_IF_ERROR(outputs[i].status);
      if (outputs[i].truncated > 0) {
        result.support[support_of[i]].note =
            runnable[i]->builtin == BuiltinKind::kRoundTrip
                ? fmt::format("the cycle search stopped at {} steps for {} first payment(s); cycles through them "
                              "may be missing",
                              runnable[i]->round_trip.max_steps, outputs[i].truncated)
                : fmt::format("the search for onward payments stopped at {} steps for {} scatter payment(s); legs "
                              "through them may be missing",
                              runnable[i]->scatter_gather.max_steps, outputs[i].truncated);
      }
      std::vector<Alert>& alerts = outputs[i].alerts;
      std::vector<std::string> labels;
      for (const Alert& a : alerts) labels.push_back(SubjectSortKey(store, a));
      std::vector<size_t> order(alerts.size());
      for (size_t k = 0; k < order.size(); ++k) order[k] = k;
      std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
        if (labels[x] != labels[y]) return labels[x] < labels[y];
        return alerts[x].window_start < alerts[y].window_start;
      });
      uint64_t seq = 0;
      for (size_t k : order) {
        Alert& a = alerts[k];
        a.alert_id = fmt::format("{}-{:06d}", runnable[i]->id, ++seq);
        a.pack_id = pack.id;
        result.alerts.push_back(std::move(a));
      }
      result.alerts_per_rule.emplace_back(runnable[i]->id, seq);
    }
  }
  return result;
}

}  // namespace moneytrail::rules
