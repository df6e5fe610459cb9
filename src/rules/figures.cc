#include "rules/figures.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "moneytrail/time_format.h"
#include "rules/template.h"
#include "rules/window.h"

namespace moneytrail::rules::rules_internal {
namespace {

struct StreamSummary {
  uint64_t count = 0;
  DecimalSum sum;
  Decimal max{}, min{};
  std::set<AccountId> counterparties;
  std::set<uint32_t> locations;
  std::set<std::string> cities, regions, countries;
  std::set<int32_t> days;
  std::set<uint16_t> mccs;
  Timestamp first_time = 0, last_time = 0;
};

Result<StreamSummary> Summarise(const StoreFacts& facts, std::span<const Event> events) {
  StreamSummary s;
  const store::Store& st = facts.store;
  for (const Event& e : events) {
    Decimal d{st.amount_paid_units()[e.tx], st.paid_scale()[e.tx]};
    if (s.count == 0 || CompareDecimal(d, s.max) > 0) s.max = d;
    if (s.count == 0 || CompareDecimal(d, s.min) < 0) s.min = d;
    if (s.count == 0) s.first_time = e.time;
    s.last_time = std::max(s.last_time, e.time);
    ++s.count;
    MT_RETURN_IF_ERROR(s.sum.Add(d));
    s.counterparties.insert(e.counterparty);
    uint32_t loc = st.location()[e.tx];
    if (loc != store::kNoLocation) {
      const store::Location& l = st.location_entry(loc);
      if (l.city != store::kNoString) s.locations.insert(loc);
      if (l.city != store::kNoString) {
        s.cities.insert(fmt::format("{}, {}", st.string(l.city), st.string(l.region)));
      }
      if (l.region != store::kNoString) s.regions.insert(std::string(st.string(l.region)));
      if (l.country != store::kNoString) s.countries.insert(std::string(st.string(l.country)));
    }
    s.days.insert(facts.LocalDay(e.tx));
    if (st.mcc()[e.tx] != store::kNoMcc) s.mccs.insert(st.mcc()[e.tx]);
  }
  return s;
}

template <typename Set>
std::string JoinFew(const Set& items, size_t limit = 4) {
  std::string out;
  size_t n = 0;
  for (const auto& item : items) {
    if (n == limit) {
      out += fmt::format(" and {} more", items.size() - limit);
      break;
    }
    out += (n == 0 ? "" : n + 1 == items.size() ? " and " : ", ") + fmt::format("{}", item);
    ++n;
  }
  return out;
}

std::string Time(Timestamp t) {
  std::string iso = FormatIsoTime(t);  // 2025-09-01T09:41:40Z
  return iso.substr(0, 10) + " " + iso.substr(11, 5) + " UTC";
}

}  // namespace

std::string Duration(int64_t seconds) {
  const int64_t hours = (std::max<int64_t>(seconds, 0) + 3599) / 3600;  // rounded up
  auto plural = [](int64_t n, std::string_view unit) {
    return fmt::format("{} {}{}", n, unit, n == 1 ? "" : "s");
  };
  if (hours <= 72) return plural(hours, "hour");
  const int64_t days = (hours + 23) / 24;
  if (days <= 27) return plural(days, "day");
  const int64_t weeks = (days + 6) / 7;
  return plural(weeks, "week");
}

namespace {

// Scaled (10^-12) to a decimal with two fractional digits, truncated.
Decimal ScaledToCents(Int128 v) {
  Int128 cents = v / 10000000000LL;
  return Decimal{static_cast<int64_t>(cents), 2};
}

void AddStream(const StoreFacts& facts, AccountId subject, const StreamSummary& s, std::string_view currency,
               std::string_view prefix, std::map<std::string, std::string>& words,
               std::vector<std::pair<std::string, std::string>>& exact) {
  const store::Store& store = facts.store;
  auto put = [&](std::string name, std::string word, std::string exact_text) {
    words[std::string(prefix) + name] = std::move(word);
    if (!exact_text.empty()) exact.emplace_back(std::string(prefix) + name, std::move(exact_text));
  };
  Result<Decimal> sum = s.sum.value();
  std::string sum_exact = s.sum.ToString();
  put("count", std::to_string(s.count), std::to_string(s.count));
  put("sum", sum.ok() ? FormatMoney(*sum, currency) : sum_exact, sum_exact);
  put("max", FormatMoney(s.max, currency), FormatDecimal(s.max));
  put("min", FormatMoney(s.min, currency), FormatDecimal(s.min));
  put("distinct_counterparties", std::to_string(s.counterparties.size()), std::to_string(s.counterparties.size()));
  put("distinct_locations", std::to_string(s.locations.size()), std::to_string(s.locations.size()));
  put("distinct_cities", std::to_string(s.cities.size()), std::to_string(s.cities.size()));
  put("distinct_regions", std::to_string(s.regions.size()), std::to_string(s.regions.size()));
  put("distinct_countries", std::to_string(s.countries.size()), std::to_string(s.countries.size()));
  put("distinct_days", std::to_string(s.days.size()), std::to_string(s.days.size()));
  put("distinct_mccs", std::to_string(s.mccs.size()), std::to_string(s.mccs.size()));
  put("cities", JoinFew(s.cities), "");
  put("regions", JoinFew(s.regions, 8), "");
  put("countries", JoinFew(s.countries, 8), "");
  put("mccs", JoinFew(s.mccs, 8), "");
  // The same count the rule's condition uses (window.cc), over this stream's senders.
  const std::vector<AccountId> senders(s.counterparties.begin(), s.counterparties.end());
  const uint64_t sharing = CountSendersSharingContact(facts.holders, senders, subject);
  put("senders_sharing_contact", std::to_string(sharing), std::to_string(sharing));
  std::vector<std::string> labels;
  for (AccountId a : s.counterparties) labels.push_back(store.AccountLabel(a));
  put("counterparties", JoinFew(labels, 3), "");
}

}  // namespace

std::string FormatMoney(Decimal amount, std::string_view currency) {
  if (currency == "USD") return "$" + FormatDecimalGrouped(amount);
  return FormatDecimalGrouped(amount) + " " + std::string(currency);
}

std::string SubjectSortKey(const store::Store& store, const Alert& alert) {
  // An entity's alerts stay together, in time order, whichever of its accounts have evidence.
  if (!alert.entity.empty()) return alert.entity + "|";
  std::string key;
  for (AccountId a : alert.subjects) key += store.AccountLabel(a) + "|";
  return key;
}

std::string DateOnlyWindowBasis(const Rule& rule) {
  const int64_t length = rule.window.length;
  const std::string within = Duration(length);
  const int64_t before = std::max<int64_t>(0, length - 86400) / 86400;
  const std::string dates = before == 0   ? "no date before it"
                            : before == 1 ? "the date before it"
                                          : fmt::format("the {} dates before it", before);
  if (!rule.sequence && rule.builtin == BuiltinKind::kNone) {
    return fmt::format("date-only rows: a window of {} read as the last row's date and {}, so that its rows are "
                       "within {} of each other at any hour of their dates",
                       within, dates, within);
  }
  return fmt::format("date-only rows: within {} read as the later row's own date (posted after, by the statement's "
                     "order) and {}, so that every pair counted is within {} at any hour of its dates",
                     within, dates, within);
}

Result<Alert> MakeAlert(const Rule& rule, const StoreFacts& facts, const LocationIds& ids, const Event& subject_event,
                        std::span<const Event> first, std::span<const Event> then, const Figures& figures) {
  (void)ids;
  const store::Store& store = facts.store;
  Alert alert;
  alert.rule_id = rule.id;
  alert.title = rule.title;
  alert.citation = rule.citation;
  alert.severity = rule.severity;
  alert.currency = rule.currency == "any" ? "" : rule.currency;
  std::string subject_text;
  if (rule.subject == SubjectKind::kPair) {
    AccountId src = static_cast<AccountId>(subject_event.key >> 32);
    alert.subjects = {src, subject_event.subject};
    subject_text = fmt::format("Account {} (paid by {})", store.AccountLabel(subject_event.subject),
                               store.AccountLabel(src));
  } else if (rule.subject == SubjectKind::kEntity && (subject_event.key >> 32) != 0) {
    // Every account of the entity that has evidence, in label order.
    std::set<AccountId> accounts;
    for (const Event& e : first) accounts.insert(e.subject);
    for (const Event& e : then) accounts.insert(e.subject);
    std::vector<std::string> labels;
    for (AccountId a : accounts) labels.push_back(store.AccountLabel(a));
    std::vector<size_t> order(labels.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t x, size_t y) { return labels[x] < labels[y]; });
    std::vector<AccountId> by_id(accounts.begin(), accounts.end());
    std::vector<std::string> sorted_labels;
    for (size_t i : order) {
      alert.subjects.push_back(by_id[i]);
      sorted_labels.push_back(labels[i]);
    }
    alert.entity = std::string(facts.holders->text(static_cast<uint32_t>(subject_event.key & 0xFFFFFFFFu)));
    subject_text = fmt::format("Entity {} ({} {})", alert.entity, sorted_labels.size() == 1 ? "account" : "accounts",
                               JoinFew(sorted_labels, 6));
  } else {
    alert.subjects = {subject_event.subject};
    subject_text = "Account " + store.AccountLabel(subject_event.subject);
  }
  for (const Event& e : first) {
    alert.evidence.push_back({e.tx, rule.sequence ? EvidenceRole::kFirst : EvidenceRole::kMatch, {}});
  }
  for (const Event& e : then) alert.evidence.push_back({e.tx, EvidenceRole::kThen, {}});
  auto time = store.time();
  std::sort(alert.evidence.begin(), alert.evidence.end(), [&](const EvidenceItem& a, const EvidenceItem& b) {
    if (time[a.transaction] != time[b.transaction]) return time[a.transaction] < time[b.transaction];
    if (a.transaction != b.transaction) return a.transaction < b.transaction;
    return a.role < b.role;
  });
  alert.window_start = time[alert.evidence.front().transaction];
  alert.window_end = time[alert.evidence.back().transaction];

  std::map<std::string, std::string> words;
  MT_ASSIGN_OR_RETURN(StreamSummary a, Summarise(facts, first));
  AddStream(facts, subject_event.subject, a, alert.currency, rule.sequence ? "first." : "", words, alert.figures);
  if (rule.sequence) {
    MT_ASSIGN_OR_RETURN(StreamSummary b, Summarise(facts, then));
    AddStream(facts, subject_event.subject, b, alert.currency, "then.", words, alert.figures);
    Int128 in = a.sum.raw_units(), out = b.sum.raw_units();
    // Bring both sums to one scale before dividing.
    int scale = std::max(a.sum.scale(), b.sum.scale());
    for (int s = a.sum.scale(); s < scale; ++s) in *= 10;
    for (int s = b.sum.scale(); s < scale; ++s) out *= 10;
    if (in > 0 && b.count > 0) {
      Int128 hundredths = out * 100 / in;
      words["ratio"] = FormatDecimal(Decimal{static_cast<int64_t>(hundredths), 2});
      words["ratio_percent"] = fmt::format("{}%", static_cast<int64_t>(hundredths));
      alert.figures.emplace_back("ratio", words["ratio"]);
    } else {
      words["ratio"] = "n/a";
      words["ratio_percent"] = "n/a";
    }
    if (a.count > 0 && b.count > 0) {
      int64_t lag = (b.last_time - a.first_time + 3599) / 3600;
      words["lag_hours"] = std::to_string(std::max<int64_t>(lag, 0));
      words["lag"] = Duration(std::max<int64_t>(b.last_time - a.first_time, 0));
      alert.figures.emplace_back("lag_hours", words["lag_hours"]);
    }
  }
  if (figures.has_peer) {
    bool sum = rule.peer.metric == Metric::kSum;
    std::string median = sum ? FormatDecimal(ScaledToCents(figures.peer_median2 / 2))
                             : FormatDecimal(Decimal{static_cast<int64_t>(figures.peer_median2 * 5), 1});
    std::string value = sum ? FormatDecimal(ScaledToCents(figures.peer_value))
                            : std::to_string(static_cast<int64_t>(figures.peer_value));
    words["peer_median"] = sum ? FormatMoney(ScaledToCents(figures.peer_median2 / 2), alert.currency) : median;
    words["peer_value"] = sum ? FormatMoney(ScaledToCents(figures.peer_value), alert.currency) : value;
    words["peer_group"] = figures.peer_group;
    alert.figures.emplace_back("peer_median", median);
    alert.figures.emplace_back("peer_value", value);
    alert.figures.emplace_back("peer_group", figures.peer_group);
  }
  if (figures.history_value >= 0 && rule.history.enabled) {
    std::string h = rule.history.metric == Metric::kSum ? FormatDecimal(ScaledToCents(figures.history_value))
                                                         : std::to_string(static_cast<int64_t>(figures.history_value));
    words["history_value"] = h;
    alert.figures.emplace_back("history_value", h);
  }
  // A duration window over date-only rows reaches back a day less than its length (StoreFacts::
  // WindowBefore): the alert says how it read the window.
  if (rule.window.kind == WindowKind::kDuration &&
      std::any_of(alert.evidence.begin(), alert.evidence.end(),
                  [&](const EvidenceItem& e) { return facts.DateOnly(e.transaction); })) {
    words["window_basis"] = DateOnlyWindowBasis(rule);
    alert.figures.emplace_back("window_basis", words["window_basis"]);
  }
  words["subject"] = subject_text;
  words["entity"] = alert.entity.empty() ? "none" : alert.entity;
  words["start"] = Time(alert.window_start);
  words["end"] = Time(alert.window_end);
  words["span"] = Duration(alert.window_end - alert.window_start);
  words["span_hours"] = std::to_string((alert.window_end - alert.window_start + 3599) / 3600);
  words["span_days"] = std::to_string(facts.LocalDay(alert.evidence.back().transaction) -
                                      facts.LocalDay(alert.evidence.front().transaction) + 1);
  for (const auto& [k, v] : rule.params) {
    std::string text = v;
    if (text.size() >= 2 && text.front() == '"' && text.back() == '"') text = text.substr(1, text.size() - 2);
    if (Result<Decimal> d = ParseDecimal(text); d.ok() && text.find('.') != std::string::npos && !alert.currency.empty()) {
      text = FormatMoney(*d, alert.currency);
    }
    words["param." + k] = text;
  }
  words["rule"] = rule.id;
  words["title"] = rule.title;
  const std::string& tmpl = rule.sentence.empty() ? DefaultTemplate(rule.sequence) : rule.sentence;
  alert.sentence = RenderTemplate(tmpl, words);
  return alert;
}

}  // namespace moneytrail::rules::rules_internal
