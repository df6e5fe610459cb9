// Read-only views of a case for the browser's screens (issue #23; docs/ui.md): the case
// overview, the ranked subjects and one subject, read from the case's latest investigation
// (<workspace>/cases/<id>/run: subjects.csv, alerts.jsonl, patterns.jsonl, shared.jsonl,
// trails/*/trail.json, as `moneytrail investigate` writes them), the pattern instances for the
// chart's overlay, and the link chart's node expansion, shortest and money-weighted paths over
// the case's store (<workspace>/cases/<id>/store). Every route first asks the workspace for
// the case (GetCase: member, cleared for every marking of the case, journalled as a read), so a
// case the user may not see is NotFound exactly as one that does not exist; everything here is
// derived from the case and carries the case's markings.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "moneytrail/csv.h"
#include "moneytrail/file_util.h"
#include "moneytrail/money.h"
#include "moneytrail/store.h"
#include "moneytrail/time_format.h"
#include "moneytrail/workspace.h"
#include "server/api_internal.h"
#include "server/case_graph.h"
#include "server/view_data.h"

namespace moneytrail::server::api_internal {

namespace fs = std::filesystem;

namespace {

// A pattern instance as a list shows it: without its transaction ids, with their count.
Json InstanceSummary(const Json& p) {
  Json out = p;
  out.erase("transactions");
  out["transaction_count"] = p.value("transactions", Json::array()).size();
  return out;
}

// The account labels a view is about: `subject` (its accounts in subjects.csv) or `account`.
Result<std::vector<std::string>> ScopeLabels(const LoadedRun& run, const ApiRequest& r) {
  const std::string subject = QueryText(r, "subject"), account = QueryText(r, "account");
  if (!account.empty()) return std::vector<std::string>{account};
  if (subject.empty()) return InvalidArgumentError("query: 'subject' or 'account' is required");
  for (const auto& row : run.subjects) {
    if (Field(run, row, "subject") == subject) return Words(Field(run, row, "accounts"));
  }
  return NotFoundError(fmt::format("subject '{}' is not among the case's ranked subjects", subject.substr(0, 40)));
}

// The pattern instances naming one of `labels`, ascending, each once.
std::vector<size_t> InstancesOf(const LoadedRun& run, const std::vector<std::string>& labels) {
  std::set<size_t> hits;
  for (const std::string& a : labels) {
    if (auto it = run.patterns_by_account.find(a); it != run.patterns_by_account.end()) {
      hits.insert(it->second.begin(), it->second.end());
    }
  }
  return {hits.begin(), hits.end()};
}

// The shared-identifier groups touching `own` accounts, seen from them: the other entities and
// their accounts; a group with no other account is left out (as in the case report).
Json SharedOf(const LoadedRun& run, const std::vector<std::string>& own, const std::string& own_label) {
  const std::set<std::string> mine(own.begin(), own.end());
  Json out = Json::array();
  for (const Json& g : run.shared) {
    bool touches = false;
    Json others = Json::array(), entities = Json::array();
    for (const Json& a : g.value("accounts", Json::array())) {
      if (!a.is_string()) continue;
      if (mine.count(a.get<std::string>()) != 0) {
        touches = true;
      } else {
        others.push_back(a);
      }
    }
    if (!touches || others.empty()) continue;
    for (const Json& e : g.value("entities", Json::array())) {
      if (e.is_string() && e.get<std::string>() != own_label) entities.push_back(e);
    }
    out.push_back({{"identifier", g.value("identifier", "")}, {"value", g.value("value", "")},
                   {"other_entities", entities}, {"other_accounts", others}});
  }
  return out;
}

Result<Json> Overview(workspace::Workspace& ws, Context& c) {
  MT_ASSIGN_OR_RETURN(workspace::CaseInfo cs, ws.GetCase(c.actor, c.params["case_id"]));
  Json out{{"case", CaseJson(cs)}, {"markings", cs.markings}};
  // Records and their integrity: the store opened with its checksums and custody checked.
  auto loaded = LoadStore(ws.CaseStoreDir(cs.id), cs.id);
  if (loaded.ok()) {
    const store::Store& s = *(*loaded)->store;
    Json sources = Json::array();
    for (const store::SourceRecord& r : s.sources()) {
      sources.push_back({{"path", r.path}, {"file", fs::path(r.path).filename().string()}, {"sha256", r.sha256},
                         {"bytes", r.bytes}, {"format", r.format}, {"rows_read", r.rows_read},
                         {"rows_accepted", r.rows_accepted}, {"rows_rejected", r.rows_rejected},
                         {"rows_merged", r.rows_merged}, {"ingested_at", r.ingested_at},
                         {"custody_balances", r.rows_read == r.rows_accepted + r.rows_rejected}});
    }
    out["records"] = {{"transactions", s.transaction_count()}, {"accounts", s.account_count()},
                      {"manifest_sha256", s.manifest_sha256()},
                      {"integrity", "checked when opened: every file's block checksums, the manifest's checksum and "
                                    "each source's custody arithmetic (rows read = accepted + rejected)"},
                      {"sources", sources}};
  } else if (loaded.status().code() == StatusCode::kNotFound) {
    out["records"] = nullptr;
    out["records_missing"] = std::string(loaded.status().message());
  } else {
    return loaded.status();
  }
  auto run = LoadRun(ws.CaseRunDir(cs.id), cs.id);
  if (!run.ok()) {
    if (run.status().code() != StatusCode::kNotFound) return run.status();
    out["run"] = nullptr;
    out["run_missing"] = std::string(run.status().message());
    return out;
  }
  std::map<std::string, Json> by_rule;
  for (const Json& a : (*run)->alerts) {
    const std::string rule = a.value("rule_id", "");
    auto [it, fresh] = by_rule.try_emplace(rule, Json{{"rule_id", rule}, {"title", a.value("title", "")},
                                                      {"citation", a.value("citation", "")},
                                                      {"severity", a.value("severity", "")}, {"alerts", 0}});
    it->second["alerts"] = it->second["alerts"].get<int64_t>() + 1;
  }
  Json rules = Json::array();
  for (auto& [rule, j] : by_rule) rules.push_back(std::move(j));
  Json top = Json::array();
  for (size_t i = 0; i < (*run)->subjects.size() && i < 10; ++i) top.push_back(SubjectJson(**run, (*run)->subjects[i]));
  // Where the money went: each traced subject's totals (trails/*/trail.json).
  Json trails = Json::array();
  const fs::path trail_dir = ws.CaseRunDir(cs.id) / "trails";
  std::error_code ec;
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(trail_dir, ec)) dirs.push_back(e.path());
  std::sort(dirs.begin(), dirs.end());
  for (const fs::path& d : dirs) {
    auto text = ReadFileToString(d / "trail.json");
    if (!text.ok()) continue;
    Json trail = Json::parse(*text, nullptr, false);
    if (trail.is_discarded() || !trail.is_object()) {
      return DataLossError(fmt::format("{}: not a JSON object", (d / "trail.json").string()));
    }
    Json exits = Json::array();
    for (const Json& x : trail.value("exits", Json::array())) {
      exits.push_back(x);
      if (exits.size() >= 5) break;
    }
    const std::string name = d.filename().string();
    trails.push_back({{"trail", name}, {"subject", name.substr(name.find('-') + 1)},
                      {"method", trail.value("configuration", Json::object()).value("method", "")},
                      {"totals", trail.value("totals", Json::array())},
                      {"remaining", trail.value("remaining", Json::array())}, {"exits", exits}});
  }
  out["run"] = {{"alerts", (*run)->alerts.size()}, {"alerts_by_rule", rules},
                {"subjects", (*run)->subjects.size()}, {"top_subjects", top}, {"trails", trails}};
  return out;
}

Result<Json> Subjects(workspace::Workspace& ws, Context& c) {
  MT_ASSIGN_OR_RETURN(workspace::CaseInfo cs, ws.GetCase(c.actor, c.params["case_id"]));
  MT_ASSIGN_OR_RETURN(auto run, LoadRun(ws.CaseRunDir(cs.id), cs.id));
  MT_ASSIGN_OR_RETURN(int64_t offset, QueryInt(c.request, "offset"));
  MT_ASSIGN_OR_RETURN(int64_t limit, QueryInt(c.request, "limit"));
  if (limit == 0 || limit > 1000) limit = 1000;
  Json rows = Json::array();
  for (size_t i = static_cast<size_t>(offset); i < run->subjects.size() && rows.size() < static_cast<size_t>(limit); ++i) {
    rows.push_back(SubjectJson(*run, run->subjects[i]));
  }
  return Json{{"markings", cs.markings}, {"total", run->subjects.size()}, {"offset", offset}, {"subjects", rows}};
}

Result<Json> Subject(workspace::Workspace& ws, Context& c) {
  MT_ASSIGN_OR_RETURN(workspace::CaseInfo cs, ws.GetCase(c.actor, c.params["case_id"]));
  MT_ASSIGN_OR_RETURN(auto run, LoadRun(ws.CaseRunDir(cs.id), cs.id));
  const std::string id = QueryText(c.request, "subject");
  if (id.empty()) return InvalidArgumentError("query: 'subject' (as in subjects.csv) is required");
  for (const auto& row : run->subjects) {
    if (Field(*run, row, "subject") != id) continue;
    const std::vector<std::string> accounts = Words(Field(*run, row, "accounts"));
    // The alerts naming one of its accounts or the subject itself, each once, in queue order.
    std::set<size_t> hits;
    for (const std::string& name : accounts) {
      if (auto it = run->alerts_by_subject.find(name); it != run->alerts_by_subject.end()) hits.insert(it->second.begin(), it->second.end());
    }
    if (auto it = run->alerts_by_subject.find(id); it != run->alerts_by_subject.end()) hits.insert(it->second.begin(), it->second.end());
    Json alerts = Json::array();
    for (size_t i : hits) alerts.push_back(run->alerts[i]);
    Json reasons = Json::array();
    const std::string text = Field(*run, row, "reasons");
    for (size_t at = 0; at < text.size();) {
      size_t semi = text.find("; ", at);
      if (semi == std::string::npos) semi = text.size();
      reasons.push_back(text.substr(at, semi - at));
      at = semi + 2;
    }
    const std::vector<size_t> instances = InstancesOf(*run, accounts);
    Json patterns = Json::array();
    for (size_t i = 0; i < instances.size() && patterns.size() < 100; ++i) {
      patterns.push_back(InstanceSummary(run->patterns[instances[i]]));
    }
    // Members moved in, not listed in an initializer list (which would copy every alert again).
    Json out = Json::object();
    out["markings"] = cs.markings;
    out["subject"] = SubjectJson(*run, row);
    out["accounts"] = accounts;
    out["related_parties"] = Words(Field(*run, row, "related_parties"));
    out["rules"] = Words(Field(*run, row, "rules"));
    out["reasons"] = std::move(reasons);
    out["alerts"] = std::move(alerts);
    out["patterns_available"] = run->has_patterns;
    out["patterns_total"] = instances.size();
    out["patterns"] = std::move(patterns);
    out["shared_available"] = run->has_shared;
    out["shared"] = SharedOf(*run, accounts, id);
    return out;
  }
  return NotFoundError(fmt::format("subject '{}' is not among the case's ranked subjects", id.substr(0, 40)));
}

Result<Json> Expand(workspace::Workspace& ws, Context& c) {
  const auto start = std::chrono::steady_clock::now();
  MT_ASSIGN_OR_RETURN(workspace::CaseInfo cs, ws.GetCase(c.actor, c.params["case_id"]));
  MT_ASSIGN_OR_RETURN(auto loaded, LoadStore(ws.CaseStoreDir(cs.id), cs.id));
  const store::Store& s = *loaded->store;
  ExpandOptions options;
  MT_ASSIGN_OR_RETURN(options.filter, FilterFrom(c.request));
  MT_ASSIGN_OR_RETURN(AccountId node, AccountFrom(s, c.request, "account"));
  MT_ASSIGN_OR_RETURN(int64_t top, QueryInt(c.request, "top"));
  MT_ASSIGN_OR_RETURN(int64_t evidence, QueryInt(c.request, "evidence"));
  if (top > 0) options.top = static_cast<size_t>(std::min<int64_t>(top, 500));
  if (evidence > 0) options.evidence = static_cast<size_t>(std::min<int64_t>(evidence, 100));
  const Expansion e = loaded->graph->Expand(node, options);
  Json flows = Json::array();
  for (const Flow& f : e.top) flows.push_back(FlowJson(s, node, f));
  Json rest_sums = Json::array();
  for (const CurrencySum& r : e.rest_sums) rest_sums.push_back({{"currency", s.currency(r.currency)}, {"amount", SumText(r.sum)}});
  Json out{{"markings", cs.markings}, {"node", NodeJson(s, node)}, {"matched_transactions", e.matched},
           {"flows", flows},
           {"rest", {{"flows", e.rest_flows}, {"counterparties", e.rest_counterparties},
                     {"transactions", e.rest_transactions}, {"amounts", rest_sums}}}};
  AddTiming(c, start);
  return out;
}

// The query's `max_hops` (default 6, at most 10).
Result<int> MaxHopsFrom(const ApiRequest& r) {
  MT_ASSIGN_OR_RETURN(int64_t max_hops, QueryInt(r, "max_hops"));
  if (max_hops == 0) max_hops = 6;
  if (max_hops > 10) return InvalidArgumentError("query: 'max_hops' must be at most 10");
  return static_cast<int>(max_hops);
}

// The nodes and hops of a path for the chart: each hop with its five largest flows under
// `filter` that `keep` accepts.
template <typename Keep>
std::pair<Json, Json> PathJson(const store::Store& s, const CaseGraph& graph, const std::vector<AccountId>& path,
                               const FlowFilter& filter, Keep keep) {
  Json nodes = Json::array(), hops = Json::array();
  for (AccountId a : path) nodes.push_back(NodeJson(s, a));
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    Json flows = Json::array();
    for (const Flow& f : graph.FlowsBetween(path[i], path[i + 1], filter, 5)) {
      if (keep(f)) flows.push_back(FlowJson(s, path[i], f));
    }
    hops.push_back({{"from", path[i]}, {"to", path[i + 1]}, {"flows", flows}});
  }
  return {std::move(nodes), std::move(hops)};
}

Result<Json> Path(workspace::Workspace& ws, Context& c) {
  const auto start = std::chrono::steady_clock::now();
  MT_ASSIGN_OR_RETURN(workspace::CaseInfo cs, ws.GetCase(c.actor, c.params["case_id"]));
  MT_ASSIGN_OR_RETURN(auto loaded, LoadStore(ws.CaseStoreDir(cs.id), cs.id));
  const store::Store& s = *loaded->store;
  MT_ASSIGN_OR_RETURN(FlowFilter filter, FilterFrom(c.request));
  MT_ASSIGN_OR_RETURN(AccountId from, AccountFrom(s, c.request, "from_account"));
  MT_ASSIGN_OR_RETURN(AccountId to, AccountFrom(s, c.request, "to_account"));
  MT_ASSIGN_OR_RETURN(int max_hops, MaxHopsFrom(c.request));
  const bool through = QueryText(c.request, "through_other_kinds") == "true";
  MT_ASSIGN_OR_RETURN(auto path, loaded->graph->ShortestPath(from, to, filter, max_hops, through, 50'000'000));
  auto [nodes, hops] = PathJson(s, *loaded->graph, path ? *path : std::vector<AccountId>{}, filter,
                                [](const Flow&) { return true; });
  Json out{{"markings", cs.markings}, {"found", path.has_value()}, {"nodes", nodes}, {"hops", hops}};
  if (!path) out["sentence"] = fmt::format("no path of at most {} hops under these filters", max_hops);
  AddTiming(c, start);
  return out;
}

// The currency named by query parameter `currency`, else the one with the most transactions
// (ties: the smaller id). InvalidArgument naming the value when the store has no such currency.
Result<uint16_t> CurrencyFrom(const store::Store& s, const ApiRequest& r) {
  const std::string name = QueryText(r, "currency");
  if (!name.empty()) {
    for (size_t c = 0; c < s.currency_count(); ++c) {
      if (s.currency(static_cast<uint16_t>(c)) == name) return static_cast<uint16_t>(c);
    }
    return InvalidArgumentError(fmt::format("query: 'currency' is '{}'; the case's store has no such currency",
                                            name.substr(0, 20)));
  }
  std::vector<uint64_t> count(std::max<size_t>(s.currency_count(), 1), 0);
  for (uint16_t c : s.paid_currency()) {
    if (c < count.size()) ++count[c];
  }
  return static_cast<uint16_t>(std::max_element(count.begin(), count.end()) - count.begin());
}

Result<Json> MoneyPathView(workspace::Workspace& ws, Context& c) {
  const auto start = std::chrono::steady_clock::now();
  MT_ASSIGN_OR_RETURN(workspace::CaseInfo cs, ws.GetCase(c.actor, c.params["case_id"]));
  MT_ASSIGN_OR_RETURN(auto loaded, LoadStore(ws.CaseStoreDir(cs.id), cs.id));
  const store::Store& s = *loaded->store;
  MT_ASSIGN_OR_RETURN(FlowFilter filter, FilterFrom(c.request));
  MT_ASSIGN_OR_RETURN(AccountId from, AccountFrom(s, c.request, "from_account"));
  MT_ASSIGN_OR_RETURN(AccountId to, AccountFrom(s, c.request, "to_account"));
  if (from == to) return InvalidArgumentError("query: 'from_account' and 'to_account' name the same node");
  MT_ASSIGN_OR_RETURN(uint16_t currency, CurrencyFrom(s, c.request));
  MT_ASSIGN_OR_RETURN(int max_hops, MaxHopsFrom(c.request));
  const bool through = QueryText(c.request, "through_other_kinds") == "true";
  MT_ASSIGN_OR_RETURN(auto path, loaded->graph->WidestPath(from, to, filter, currency, max_hops, through, 50'000'000));
  auto [nodes, hops] = PathJson(s, *loaded->graph, path ? path->nodes : std::vector<AccountId>{}, filter,
                                [currency](const Flow& f) { return f.outgoing && f.currency == currency; });
  Json out{{"markings", cs.markings}, {"found", path.has_value()}, {"currency", s.currency(currency)},
           {"nodes", nodes}, {"hops", hops}};
  if (path) {
    out["bottleneck"] = SumText(path->bottleneck);
  } else {
    out["sentence"] = fmt::format("no path of at most {} hops carries {} from {} to {} under these filters", max_hops,
                                  s.currency(currency), s.AccountLabel(from), s.AccountLabel(to));
  }
  AddTiming(c, start);
  return out;
}

Result<Json> Patterns(workspace::Workspace& ws, Context& c) {
  MT_ASSIGN_OR_RETURN(workspace::CaseInfo cs, ws.GetCase(c.actor, c.params["case_id"]));
  MT_ASSIGN_OR_RETURN(auto run, LoadRun(ws.CaseRunDir(cs.id), cs.id));
  MT_ASSIGN_OR_RETURN(std::vector<std::string> labels, ScopeLabels(*run, c.request));
  MT_ASSIGN_OR_RETURN(int64_t limit, QueryInt(c.request, "limit"));
  if (limit <= 0 || limit > 1000) limit = 500;
  const std::vector<size_t> hits = InstancesOf(*run, labels);
  Json list = Json::array();
  for (size_t i = 0; i < hits.size() && list.size() < static_cast<size_t>(limit); ++i) {
    list.push_back(InstanceSummary(run->patterns[hits[i]]));
  }
  Json out{{"markings", cs.markings}, {"available", run->has_patterns}, {"accounts", labels},
           {"total", hits.size()}, {"instances", list}};
  if (!run->has_patterns) out["sentence"] = "the latest investigation wrote no patterns.jsonl: run it again";
  return out;
}

// One pattern instance for the chart's overlay: its nodes, its hops (sums per from, to and
// currency) and its transactions with their source files and lines.
Result<Json> Pattern(workspace::Workspace& ws, Context& c) {
  MT_ASSIGN_OR_RETURN(workspace::CaseInfo cs, ws.GetCase(c.actor, c.params["case_id"]));
  MT_ASSIGN_OR_RETURN(auto run, LoadRun(ws.CaseRunDir(cs.id), cs.id));
  MT_ASSIGN_OR_RETURN(auto loaded, LoadStore(ws.CaseStoreDir(cs.id), cs.id));
  const store::Store& s = *loaded->store;
  MT_ASSIGN_OR_RETURN(int64_t number, QueryInt(c.request, "instance"));
  if (number < 1 || static_cast<size_t>(number) > run->patterns.size()) {
    return NotFoundError(fmt::format("pattern instance {} is not in the case's latest investigation ({} instances)",
                                     number, run->patterns.size()));
  }
  const Json& p = run->patterns[static_cast<size_t>(number - 1)];
  Json nodes = Json::array();
  for (const Json& a : p.value("accounts", Json::array())) {
    MT_ASSIGN_OR_RETURN(AccountId id, AccountByLabel(s, a.is_string() ? a.get<std::string>() : "", "patterns.jsonl account"));
    nodes.push_back(NodeJson(s, id));
  }
  std::map<std::tuple<AccountId, AccountId, uint16_t>, std::pair<DecimalSum, uint64_t>> hops;
  Json transactions = Json::array();
  constexpr size_t kShown = 1000;
  for (const Json& t : p.value("transactions", Json::array())) {
    const uint64_t id = t.is_number_unsigned() ? t.get<uint64_t>() : UINT64_MAX;
    if (id >= s.transaction_count()) {
      return DataLossError(fmt::format("patterns.jsonl: instance {} names transaction {}; the store has {}: run the "
                                       "investigation again", number, t.dump(), s.transaction_count()));
    }
    const auto tx = static_cast<TransactionId>(id);
    auto& [sum, count] = hops[{s.source()[tx], s.destination()[tx], s.paid_currency()[tx]}];
    // Sums of a store's int64 amounts stay within DecimalSum's range (case_graph.cc).
    (void)sum.Add(s.amount_paid(tx));
    ++count;
    if (transactions.size() >= kShown) continue;
    const uint32_t file = s.source_file()[tx];
    transactions.push_back({{"transaction_id", tx}, {"time", FormatIsoTime(s.time()[tx])},
                            {"from", s.AccountLabel(s.source()[tx])}, {"to", s.AccountLabel(s.destination()[tx])},
                            {"amount", FormatDecimal(s.amount_paid(tx))}, {"currency", s.currency(s.paid_currency()[tx])},
                            {"channel", ChannelName(static_cast<Channel>(s.channel()[tx]))},
                            {"source_file", file < s.sources().size() ? s.sources()[file].path : ""},
                            {"source_line", s.source_line()[tx]}});
  }
  Json edges = Json::array();
  for (const auto& [key, value] : hops) {
    const auto& [from, to, currency] = key;
    edges.push_back({{"from", from}, {"to", to}, {"from_label", s.AccountLabel(from)}, {"to_label", s.AccountLabel(to)},
                     {"currency", s.currency(currency)}, {"amount", SumText(value.first)}, {"transactions", value.second}});
  }
  return Json{{"markings", cs.markings}, {"instance", InstanceSummary(p)}, {"nodes", nodes}, {"edges", edges},
              {"transactions", transactions}, {"transactions_complete", transactions.size() == p.value("transactions", Json::array()).size()}};
}

}  // namespace

void AddViewRoutes(const RouteTable& add) {
  add("GET", "/api/v1/cases/{case_id}/views/overview",
      "The case at a glance: records and their integrity, alert counts by rule, top subjects, where the money went",
      Overview);
  add("GET", "/api/v1/cases/{case_id}/views/subjects", "The latest investigation's ranked subjects (offset, limit)",
      Subjects);
  add("GET", "/api/v1/cases/{case_id}/views/subject",
      "One subject: accounts, rank basis, score reasons, alerts with their citations and evidence, pattern "
      "instances, shared identifiers",
      Subject);
  add("GET", "/api/v1/cases/{case_id}/views/expand",
      "A node's counterparties for the link chart: filtered, top N by amount, the rest summarised, each flow's "
      "source lines",
      Expand);
  add("GET", "/api/v1/cases/{case_id}/views/path", "The shortest path between two accounts for the link chart", Path);
  add("GET", "/api/v1/cases/{case_id}/views/money-path",
      "The money-weighted path between two accounts: the largest smallest hop in one currency, then fewest hops",
      MoneyPathView);
  add("GET", "/api/v1/cases/{case_id}/views/patterns",
      "The latest investigation's pattern instances of a subject or an account", Patterns);
  add("GET", "/api/v1/cases/{case_id}/views/pattern",
      "One pattern instance for the chart's overlay: nodes, hops, transactions with their source lines", Pattern);
  AddTimelineRoutes(add);
  AddChartRoutes(add);
}

}  // namespace moneytrail::server::api_internal
