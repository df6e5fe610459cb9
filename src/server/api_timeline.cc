// The timeline of a case, a subject or an account (issue #23; docs/ui.md): its transactions
// (one by one, or per day past `limit`), the investigation's alerts (their windows), the notes
// and the requests for records (sent, due, each receipt), in one list ordered by time. Access:
// the case is asked of the workspace first (a case the user may not see is NotFound), and the
// notes and requests come from the workspace's own lists, which leave out what the user is not
// cleared for; everything carries the case's markings, a note or request its own as well.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/money.h"
#include "moneytrail/store.h"
#include "moneytrail/time_format.h"
#include "moneytrail/workspace.h"
#include "server/api_internal.h"
#include "server/view_data.h"

namespace moneytrail::server::api_internal {

namespace {

constexpr std::string_view kKinds[] = {"transactions", "alerts", "notes", "requests"};

struct Scope {
  std::string kind = "case";  // case, subject or account
  std::string id;
  std::vector<AccountId> accounts;       // empty for the whole case
  std::set<std::string> names;           // the subject and its account labels
};

// "2025-03-04T10:00:00Z", "2025-03-04 10:00:00" or "2025-03-04" as seconds; nullopt otherwise.
std::optional<Timestamp> WhenOf(std::string_view text) {
  if (text.size() < 10) return std::nullopt;
  std::string iso(text.substr(0, 10));
  if (text.size() >= 19) iso = fmt::format("{}T{}Z", text.substr(0, 10), text.substr(11, 8));
  auto t = ParseWhen("time", iso, false);
  if (!t.ok()) return std::nullopt;
  return *t;
}

Result<std::set<std::string>> KindsFrom(const ApiRequest& r) {
  std::set<std::string> kinds(std::begin(kKinds), std::end(kKinds));
  const std::string text = QueryText(r, "kinds");
  if (text.empty()) return kinds;
  kinds.clear();
  for (const std::string& k : Words(std::string_view(text))) {
    for (size_t at = 0; at <= k.size();) {
      size_t comma = k.find(',', at);
      if (comma == std::string::npos) comma = k.size();
      const std::string name = k.substr(at, comma - at);
      if (std::find(std::begin(kKinds), std::end(kKinds), name) == std::end(kKinds)) {
        return InvalidArgumentError(fmt::format(
            "query: 'kinds' names '{}'; expected transactions, alerts, notes or requests (comma-separated)",
            name.substr(0, 30)));
      }
      kinds.insert(name);
      at = comma + 1;
    }
  }
  return kinds;
}

// The transactions of the scope within the period: one item each up to `limit`, else one item
// per day (count and exact sums per currency).
Json TransactionItems(const LoadedStore& loaded, const Scope& scope, const FlowFilter& f, size_t limit,
                      Json& summary) {
  const store::Store& s = *loaded.store;
  std::vector<TransactionId> ids;
  if (scope.accounts.empty()) {
    const auto time = s.time();
    for (TransactionId t = 0; t < s.transaction_count(); ++t) {
      if (time[t] >= f.from && time[t] <= f.to) ids.push_back(t);
    }
    std::sort(ids.begin(), ids.end(), [&](TransactionId a, TransactionId b) {
      return time[a] != time[b] ? time[a] < time[b] : a < b;
    });
  } else {
    for (AccountId a : scope.accounts) {
      std::vector<TransactionId> mine = loaded.graph->TransactionsOf(a, f.from, f.to);
      ids.insert(ids.end(), mine.begin(), mine.end());
    }
    const auto time = s.time();
    std::sort(ids.begin(), ids.end(), [&](TransactionId a, TransactionId b) {
      return time[a] != time[b] ? time[a] < time[b] : a < b;
    });
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  }
  Json items = Json::array();
  const bool by_day = ids.size() > limit;
  summary = {{"transactions", ids.size()}, {"shown", by_day ? "per day" : "one by one"}, {"limit", limit}};
  if (!by_day) {
    for (TransactionId t : ids) {
      const uint32_t file = s.source_file()[t];
      items.push_back({{"kind", "transaction"}, {"id", fmt::format("t{}", t)}, {"start", FormatIsoTime(s.time()[t])},
                       {"transaction_id", t}, {"from", s.AccountLabel(s.source()[t])},
                       {"to", s.AccountLabel(s.destination()[t])}, {"amount", FormatDecimal(s.amount_paid(t))},
                       {"currency", s.currency(s.paid_currency()[t])},
                       {"channel", ChannelName(static_cast<Channel>(s.channel()[t]))},
                       {"source_file", file < s.sources().size() ? s.sources()[file].path : ""},
                       {"source_line", s.source_line()[t]}});
    }
    return items;
  }
  struct Day {
    uint64_t transactions = 0;
    std::map<uint16_t, DecimalSum> sums;
  };
  std::map<Timestamp, Day> days;
  for (TransactionId t : ids) {
    const Timestamp day = s.time()[t] - ((s.time()[t] % 86400) + 86400) % 86400;
    Day& d = days[day];
    ++d.transactions;
    // An overflowing day keeps the sum it had; the count still says how many there were.
    (void)d.sums[s.paid_currency()[t]].Add(s.amount_paid(t));
  }
  for (const auto& [day, d] : days) {
    Json amounts = Json::array();
    for (const auto& [currency, sum] : d.sums) amounts.push_back({{"currency", s.currency(currency)}, {"amount", SumText(sum)}});
    const std::string date = FormatIsoTime(day).substr(0, 10);
    items.push_back({{"kind", "transactions_day"}, {"id", "d" + date}, {"start", date + "T00:00:00Z"},
                     {"end", FormatIsoTime(day + 86399)}, {"transactions", d.transactions}, {"amounts", amounts}});
  }
  return items;
}

bool InPeriod(std::optional<Timestamp> start, std::optional<Timestamp> end, const FlowFilter& f) {
  if (!start) return false;
  return *start <= f.to && end.value_or(*start) >= f.from;
}

Result<Json> Timeline(workspace::Workspace& ws, Context& c) {
  const auto started = std::chrono::steady_clock::now();
  MT_ASSIGN_OR_RETURN(workspace::CaseInfo cs, ws.GetCase(c.actor, c.params["case_id"]));
  MT_ASSIGN_OR_RETURN(std::set<std::string> kinds, KindsFrom(c.request));
  FlowFilter period;
  if (const std::string from = QueryText(c.request, "from"); !from.empty()) {
    MT_ASSIGN_OR_RETURN(period.from, ParseWhen("from", from, false));
  }
  if (const std::string to = QueryText(c.request, "to"); !to.empty()) {
    MT_ASSIGN_OR_RETURN(period.to, ParseWhen("to", to, true));
  }
  MT_ASSIGN_OR_RETURN(int64_t limit, QueryInt(c.request, "limit"));
  if (limit == 0) limit = 500;
  limit = std::min<int64_t>(limit, 5000);

  Scope scope;
  const std::string subject = QueryText(c.request, "subject");
  const std::string account = QueryText(c.request, "account");
  if (!subject.empty() && !account.empty()) {
    return InvalidArgumentError("query: give 'subject' or 'account', not both");
  }
  auto run = LoadRun(ws.CaseRunDir(cs.id), cs.id);
  if (!run.ok() && run.status().code() != StatusCode::kNotFound) return run.status();
  auto loaded = LoadStore(ws.CaseStoreDir(cs.id), cs.id);
  if (!loaded.ok() && loaded.status().code() != StatusCode::kNotFound) return loaded.status();
  if (!subject.empty()) {
    if (!run.ok()) return run.status();
    bool found = false;
    for (const auto& row : (*run)->subjects) {
      if (Field(**run, row, "subject") != subject) continue;
      found = true;
      scope.names.insert(subject);
      for (const std::string& label : Words(Field(**run, row, "accounts"))) {
        scope.names.insert(label);
        if (loaded.ok()) {
          auto a = AccountByLabel(*(*loaded)->store, label, "subjects.csv");
          if (a.ok()) scope.accounts.push_back(*a);
        }
      }
    }
    if (!found) return NotFoundError(fmt::format("subject '{}' is not among the case's ranked subjects", subject.substr(0, 40)));
    scope.kind = "subject";
    scope.id = subject;
  } else if (!account.empty()) {
    if (!loaded.ok()) return loaded.status();
    MT_ASSIGN_OR_RETURN(AccountId a, AccountFrom(*(*loaded)->store, c.request, "account"));
    scope.kind = "account";
    scope.id = (*loaded)->store->AccountLabel(a);
    scope.accounts.push_back(a);
    scope.names.insert(scope.id);
  }
  const bool whole_case = scope.kind == "case";
  const auto mine = [&](const std::string& name) { return whole_case || scope.names.count(name) > 0; };

  Json out{{"markings", cs.markings}, {"scope", {{"kind", scope.kind}, {"id", scope.id}}}};
  Json items = Json::array();
  if (kinds.count("transactions")) {
    if (loaded.ok()) {
      Json summary;
      Json tx = TransactionItems(**loaded, scope, period, static_cast<size_t>(limit), summary);
      for (Json& t : tx) items.push_back(std::move(t));
      out["transactions"] = summary;
    } else {
      out["transactions"] = {{"missing", std::string(loaded.status().message())}};
    }
  }
  if (kinds.count("alerts") && run.ok()) {
    for (const Json& a : (*run)->alerts) {
      bool hit = whole_case;
      for (const Json& s : a.value("subjects", Json::array())) hit |= s.is_string() && mine(s.get<std::string>());
      const Json window = a.value("window", Json::object());
      const std::string start = window.value("start", ""), end = window.value("end", "");
      if (!hit || !InPeriod(WhenOf(start), WhenOf(end), period)) continue;
      items.push_back({{"kind", "alert"}, {"id", "a" + a.value("alert_id", "")}, {"start", start}, {"end", end},
                       {"alert_id", a.value("alert_id", "")}, {"rule_id", a.value("rule_id", "")},
                       {"severity", a.value("severity", "")}, {"title", a.value("title", "")},
                       {"sentence", a.value("sentence", "")}, {"subjects", a.value("subjects", Json::array())}});
    }
  }
  if (kinds.count("notes")) {
    MT_ASSIGN_OR_RETURN(std::vector<workspace::Note> notes, ws.ListNotes(c.actor, cs.id));
    for (const workspace::Note& n : notes) {
      if (n.object_type == "view") continue;  // saved chart views are not events
      bool hit = whole_case || n.object_type == "case" || mine(n.object_id);
      if (n.object_type == "flow") {  // "FROM->TO"
        const size_t arrow = n.object_id.find("->");
        if (arrow != std::string::npos) hit |= mine(n.object_id.substr(0, arrow)) || mine(n.object_id.substr(arrow + 2));
      }
      if (!hit || !InPeriod(WhenOf(n.created_at), std::nullopt, period)) continue;
      items.push_back({{"kind", "note"}, {"id", fmt::format("n{}", n.id)}, {"start", n.created_at},
                       {"note_id", n.id}, {"object_type", n.object_type}, {"object_id", n.object_id},
                       {"author", n.author}, {"text", n.text}, {"markings", n.markings}});
    }
  }
  if (kinds.count("requests")) {
    MT_ASSIGN_OR_RETURN(std::vector<workspace::RecordsRequest> requests, ws.ListRecordsRequests(c.actor, cs.id));
    for (const workspace::RecordsRequest& r : requests) {
      bool hit = whole_case;
      for (const std::string& a : r.asked.accounts) hit |= mine(a);
      if (!hit) continue;
      const std::string sent = r.asked.sent_at.empty() ? r.created_at : r.asked.sent_at;
      if (InPeriod(WhenOf(sent), WhenOf(r.asked.due_at), period)) {
        Json item{{"kind", "request"}, {"id", fmt::format("r{}", r.id)}, {"start", sent},
                  {"request_id", r.id}, {"bank", r.asked.bank}, {"legal_process", r.asked.legal_process},
                  {"accounts", r.asked.accounts}, {"period_from", r.asked.period_from},
                  {"period_to", r.asked.period_to}, {"markings", r.asked.markings}};
        if (!r.asked.due_at.empty()) item["end"] = r.asked.due_at;
        items.push_back(std::move(item));
      }
      for (size_t i = 0; i < r.received.size(); ++i) {
        const workspace::RecordsReceipt& x = r.received[i];
        if (!InPeriod(WhenOf(x.at), std::nullopt, period)) continue;
        items.push_back({{"kind", "receipt"}, {"id", fmt::format("r{}-{}", r.id, i + 1)}, {"start", x.at},
                         {"request_id", r.id}, {"bank", r.asked.bank}, {"name", x.name}, {"sha256", x.sha256},
                         {"accounts", x.accounts}, {"note", x.note}});
      }
    }
  }
  // One order for every kind: by start time (as seconds), then kind, then id.
  std::stable_sort(items.begin(), items.end(), [](const Json& a, const Json& b) {
    const auto ta = WhenOf(a.value("start", "")).value_or(0), tb = WhenOf(b.value("start", "")).value_or(0);
    if (ta != tb) return ta < tb;
    if (a.value("kind", "") != b.value("kind", "")) return a.value("kind", "") < b.value("kind", "");
    return a.value("id", "") < b.value("id", "");
  });
  out["items"] = std::move(items);
  AddTiming(c, started);
  return out;
}

}  // namespace

void AddTimelineRoutes(const RouteTable& add) {
  add("GET", "/api/v1/cases/{case_id}/views/timeline",
      "The timeline of the case, a subject or an account (subject, account): transactions (one by one up to "
      "limit, else per day), alerts, notes and requests for records, filtered by period (from, to) and kinds",
      Timeline);
}

}  // namespace moneytrail::server::api_internal
