// Read-only views of a case for the browser's screens (issue #23; docs/ui.md): the case
// overview, the ranked subjects and one subject, read from the case's latest investigation
// (<workspace>/cases/<id>/run: subjects.csv, alerts.jsonl, trails/*/trail.json, as
// `moneytrail investigate` writes them), and the link chart's node expansion and shortest path
// over the case's store (<workspace>/cases/<id>/store). Every route first asks the workspace for
// the case (GetCase: member, cleared for every marking of the case, journalled as a read), so a
// case the user may not see is NotFound exactly as one that does not exist; everything here is
// derived from the case and carries the case's markings.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/csv.h"
#include "moneytrail/file_util.h"
#include "moneytrail/money.h"
#include "moneytrail/store.h"
#include "moneytrail/time_format.h"
#include "moneytrail/workspace.h"
#include "server/api_internal.h"
#include "server/case_graph.h"

namespace moneytrail::server::api_internal {

namespace fs = std::filesystem;

namespace {

// Identifies a file's current contents cheaply (a commit replaces the store's MANIFEST; an
// investigation rewrites its outputs).
std::string FileStamp(const fs::path& p) {
  std::error_code ec;
  const auto size = fs::file_size(p, ec);
  if (ec) return "";
  const auto time = fs::last_write_time(p, ec);
  if (ec) return "";
  return fmt::format("{}:{}", size, time.time_since_epoch().count());
}

// An opened store and its chart index, kept while the store's manifest is unchanged.
struct LoadedStore {
  std::string stamp;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<CaseGraph> graph;
};

// The latest investigation's outputs, parsed, kept while the files are unchanged.
struct LoadedRun {
  std::string stamp;
  std::vector<std::string> subject_header;
  std::vector<std::vector<std::string>> subjects;  // rows of subjects.csv, in rank order
  std::vector<Json> alerts;                        // alert records of alerts.jsonl
  // Indices into `alerts` by each name in an alert's "subjects", ascending: a subject's alerts
  // without a pass over the whole queue (100,000 alerts) per request.
  std::map<std::string, std::vector<size_t>, std::less<>> alerts_by_subject;
};

// Routes run concurrently (Api::Handle); this lock guards the caches. A loaded store or run is
// immutable once cached, so readers use it without the lock.
std::mutex cache_mutex;
std::map<fs::path, std::shared_ptr<const LoadedStore>> store_cache;  // shared: a reader keeps
std::map<fs::path, std::shared_ptr<const LoadedRun>> run_cache;      // its copy while replaced
constexpr size_t kMaxCachedStores = 4;

Result<std::shared_ptr<const LoadedStore>> LoadStore(const fs::path& dir, int64_t case_id) {
  const std::string stamp = FileStamp(dir / "MANIFEST");
  if (stamp.empty()) {
    return NotFoundError(fmt::format("case {} has no store yet: ingest its evidence first", case_id));
  }
  std::lock_guard<std::mutex> lock(cache_mutex);
  auto it = store_cache.find(dir);
  if (it != store_cache.end() && it->second->stamp == stamp) return it->second;
  auto loaded = std::make_shared<LoadedStore>();
  loaded->stamp = stamp;
  MT_ASSIGN_OR_RETURN(store::Store s, store::Store::Open(dir));
  loaded->store = std::make_unique<store::Store>(std::move(s));
  loaded->graph = std::make_unique<CaseGraph>(CaseGraph::Build(*loaded->store));
  if (store_cache.size() >= kMaxCachedStores && it == store_cache.end()) store_cache.erase(store_cache.begin());
  store_cache[dir] = loaded;
  return std::shared_ptr<const LoadedStore>(loaded);
}

Result<std::shared_ptr<const LoadedRun>> LoadRun(const fs::path& dir, int64_t case_id) {
  const std::string stamp = FileStamp(dir / "subjects.csv") + "/" + FileStamp(dir / "alerts.jsonl");
  if (stamp == "/") {
    return NotFoundError(fmt::format("case {} has no investigation yet: run one first", case_id));
  }
  std::lock_guard<std::mutex> lock(cache_mutex);
  auto it = run_cache.find(dir);
  if (it != run_cache.end() && it->second->stamp == stamp) return it->second;
  auto run = std::make_shared<LoadedRun>();
  run->stamp = stamp;
  MT_ASSIGN_OR_RETURN(std::string csv, ReadFileToString(dir / "subjects.csv"));
  CsvRecordReader reader(csv, CsvDialect{});
  std::vector<std::string_view> fields;
  while (reader.Next(fields)) {
    std::vector<std::string> row(fields.begin(), fields.end());
    if (run->subject_header.empty()) {
      run->subject_header = std::move(row);
    } else if (row.size() != run->subject_header.size()) {
      return DataLossError(fmt::format("{}: line {}: {} fields, the header has {}", (dir / "subjects.csv").string(),
                                       reader.line(), row.size(), run->subject_header.size()));
    } else {
      run->subjects.push_back(std::move(row));
    }
  }
  MT_RETURN_IF_ERROR(reader.status());
  if (fs::exists(dir / "alerts.jsonl")) {
    MT_ASSIGN_OR_RETURN(std::string lines, ReadFileToString(dir / "alerts.jsonl"));
    size_t line_no = 0;
    for (size_t at = 0; at < lines.size();) {
      size_t end = lines.find('\n', at);
      if (end == std::string::npos) end = lines.size();
      ++line_no;
      const std::string_view line(lines.data() + at, end - at);
      at = end + 1;
      if (line.empty()) continue;
      Json record = Json::parse(line, nullptr, false);
      if (record.is_discarded() || !record.is_object()) {
        return DataLossError(fmt::format("{}: line {}: not a JSON object", (dir / "alerts.jsonl").string(), line_no));
      }
      if (record.value("record", "") == "alert") run->alerts.push_back(std::move(record));
    }
  }
  for (size_t i = 0; i < run->alerts.size(); ++i) {
    for (const Json& name : run->alerts[i].value("subjects", Json::array())) {
      if (!name.is_string()) continue;
      std::vector<size_t>& list = run->alerts_by_subject[name.get<std::string>()];
      if (list.empty() || list.back() != i) list.push_back(i);
    }
  }
  run_cache[dir] = run;
  return std::shared_ptr<const LoadedRun>(run);
}

// One subjects.csv row as an object (header names as keys).
Json SubjectJson(const LoadedRun& run, const std::vector<std::string>& row) {
  Json out = Json::object();
  for (size_t i = 0; i < row.size(); ++i) out[run.subject_header[i]] = row[i];
  return out;
}

std::string Field(const LoadedRun& run, const std::vector<std::string>& row, std::string_view name) {
  for (size_t i = 0; i < run.subject_header.size(); ++i) {
    if (run.subject_header[i] == name) return row[i];
  }
  return "";
}

std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    size_t j = text.find(' ', i);
    if (j == std::string_view::npos) j = text.size();
    if (j > i) out.emplace_back(text.substr(i, j - i));
    i = j;
  }
  return out;
}

// "2025-09-01" or "2025-09-01T12:30:00Z" as seconds; `end_of_day` for a bare date as the upper
// bound of a period (inclusive).
Result<Timestamp> ParseWhen(std::string_view field, std::string_view text, bool end_of_day) {
  auto num = [&](size_t at, size_t n, int64_t& v) {
    v = 0;
    if (at + n > text.size()) return false;
    for (size_t i = at; i < at + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      v = v * 10 + (text[i] - '0');
    }
    return true;
  };
  int64_t y = 0, m = 0, d = 0, hh = 0, mm = 0, ss = 0;
  const bool date = num(0, 4, y) && text.size() >= 10 && text[4] == '-' && num(5, 2, m) && text[7] == '-' &&
                    num(8, 2, d) && m >= 1 && m <= 12 && d >= 1 && d <= 31;
  bool ok = date && text.size() == 10;
  if (date && text.size() == 20) {
    ok = text[10] == 'T' && num(11, 2, hh) && text[13] == ':' && num(14, 2, mm) && text[16] == ':' &&
         num(17, 2, ss) && text[19] == 'Z' && hh < 24 && mm < 60 && ss < 60;
  }
  if (!ok) {
    return InvalidArgumentError(fmt::format("query: '{}' is '{}'; expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ",
                                            field, text.substr(0, 40)));
  }
  Timestamp t = DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)) * 86400 + hh * 3600 + mm * 60 + ss;
  if (text.size() == 10 && end_of_day) t += 86399;
  return t;
}

Result<FlowFilter> FilterFrom(const ApiRequest& r) {
  FlowFilter f;
  if (const std::string from = QueryText(r, "from"); !from.empty()) {
    MT_ASSIGN_OR_RETURN(f.from, ParseWhen("from", from, false));
  }
  if (const std::string to = QueryText(r, "to"); !to.empty()) {
    MT_ASSIGN_OR_RETURN(f.to, ParseWhen("to", to, true));
  }
  const std::string direction = QueryText(r, "direction");
  if (direction == "in") {
    f.outgoing = false;
  } else if (direction == "out") {
    f.incoming = false;
  } else if (!direction.empty() && direction != "both") {
    return InvalidArgumentError(fmt::format("query: 'direction' is '{}'; expected in, out or both", direction.substr(0, 20)));
  }
  if (const std::string channels = QueryText(r, "channel"); !channels.empty()) {
    f.channels = 0;
    size_t at = 0;
    while (at <= channels.size()) {
      size_t comma = channels.find(',', at);
      if (comma == std::string::npos) comma = channels.size();
      const std::string name = channels.substr(at, comma - at);
      auto c = ParseChannel(name);
      if (!c) return InvalidArgumentError(fmt::format("query: 'channel' names '{}', not a channel (e.g. wire, cash_deposit)", name.substr(0, 30)));
      f.channels |= 1u << static_cast<unsigned>(*c);
      at = comma + 1;
    }
  }
  if (const std::string min = QueryText(r, "min_amount"); !min.empty()) {
    auto d = ParseDecimal(min);
    if (!d.ok()) return InvalidArgumentError(fmt::format("query: 'min_amount' is '{}': {}", min.substr(0, 30), d.status().message()));
    f.min_amount = *d;
  }
  return f;
}

// The account named by query parameter `name`: a label as the store prints it
// ("011:80648632635", "cash:033:branch 1722", "external::JORGE PATEL") or "#<id>".
Result<AccountId> AccountFrom(const store::Store& s, const ApiRequest& r, const std::string& name) {
  const std::string text = QueryText(r, name);
  if (text.empty()) return InvalidArgumentError(fmt::format("query: '{}' (an account) is required", name));
  if (text.size() > 1 && text[0] == '#') {
    AccountId id = 0;
    auto [p, ec] = std::from_chars(text.data() + 1, text.data() + text.size(), id);
    if (ec == std::errc() && p == text.data() + text.size() && id < s.account_count()) return id;
  } else {
    const size_t colon = text.find(':');
    if (colon != std::string::npos) {
      if (auto kind = ParseNodeKind(text.substr(0, colon)); kind && *kind != NodeKind::kAccount) {
        const std::string rest = text.substr(colon + 1);
        const size_t second = rest.find(':');
        if (second != std::string::npos) {
          if (auto a = s.FindAccount(*kind, rest.substr(0, second), rest.substr(second + 1))) return *a;
        }
      }
      if (auto a = s.FindAccount(NodeKind::kAccount, text.substr(0, colon), text.substr(colon + 1))) return *a;
    }
  }
  return NotFoundError(fmt::format("query: '{}' names '{}', not an account of this case's store", name,
                                   text.substr(0, 80)));
}

Json NodeJson(const store::Store& s, AccountId a) {
  return {{"id", a}, {"label", s.AccountLabel(a)}, {"kind", NodeKindName(s.account(a).kind)}};
}

std::string SumText(const DecimalSum& sum) { return sum.ToString(); }

Json ChannelsJson(uint32_t mask) {
  Json out = Json::array();
  for (int c = 0; c < kChannelCount; ++c) {
    if (mask & (1u << c)) out.push_back(ChannelName(static_cast<Channel>(c)));
  }
  return out;
}

Json FlowJson(const store::Store& s, AccountId node, const Flow& f) {
  Json evidence = Json::array();
  for (TransactionId t : f.evidence) {
    const uint32_t file = s.source_file()[t];
    evidence.push_back({{"transaction_id", t},
                        {"time", FormatIsoTime(s.time()[t])},
                        {"amount", FormatDecimal(s.amount_paid(t))},
                        {"channel", ChannelName(static_cast<Channel>(s.channel()[t]))},
                        {"source_file", file < s.sources().size() ? s.sources()[file].path : ""},
                        {"source_line", s.source_line()[t]}});
  }
  return {{"from", f.outgoing ? node : f.other},
          {"to", f.outgoing ? f.other : node},
          {"counterparty", NodeJson(s, f.other)},
          {"direction", f.outgoing ? "out" : "in"},
          {"currency", s.currency(f.currency)},
          {"amount", SumText(f.sum)},
          {"transactions", f.transactions},
          {"first", FormatIsoTime(f.first)},
          {"last", FormatIsoTime(f.last)},
          {"channels", ChannelsJson(f.channels)},
          {"evidence", evidence},
          {"evidence_complete", f.evidence.size() == f.transactions}};
}

// Adds a Server-Timing header (the route's time in the server, for bench/ and the browser's
// network panel).
void AddTiming(Context& c, std::chrono::steady_clock::time_point start) {
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  c.extra_headers.emplace_back("Server-Timing", fmt::format("app;dur={:.3f}", ms));
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
    return Json{{"markings", cs.markings}, {"subject", SubjectJson(*run, row)}, {"accounts", accounts},
                {"related_parties", Words(Field(*run, row, "related_parties"))},
                {"rules", Words(Field(*run, row, "rules"))}, {"reasons", reasons}, {"alerts", alerts}};
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

Result<Json> Path(workspace::Workspace& ws, Context& c) {
  const auto start = std::chrono::steady_clock::now();
  MT_ASSIGN_OR_RETURN(workspace::CaseInfo cs, ws.GetCase(c.actor, c.params["case_id"]));
  MT_ASSIGN_OR_RETURN(auto loaded, LoadStore(ws.CaseStoreDir(cs.id), cs.id));
  const store::Store& s = *loaded->store;
  MT_ASSIGN_OR_RETURN(FlowFilter filter, FilterFrom(c.request));
  MT_ASSIGN_OR_RETURN(AccountId from, AccountFrom(s, c.request, "from_account"));
  MT_ASSIGN_OR_RETURN(AccountId to, AccountFrom(s, c.request, "to_account"));
  MT_ASSIGN_OR_RETURN(int64_t max_hops, QueryInt(c.request, "max_hops"));
  if (max_hops == 0) max_hops = 6;
  if (max_hops > 10) return InvalidArgumentError("query: 'max_hops' must be at most 10");
  const bool through = QueryText(c.request, "through_other_kinds") == "true";
  MT_ASSIGN_OR_RETURN(auto path, loaded->graph->ShortestPath(from, to, filter, static_cast<int>(max_hops), through,
                                                            50'000'000));
  Json nodes = Json::array(), hops = Json::array();
  if (path) {
    for (AccountId a : *path) nodes.push_back(NodeJson(s, a));
    for (size_t i = 0; i + 1 < path->size(); ++i) {
      Json flows = Json::array();
      for (const Flow& f : loaded->graph->FlowsBetween((*path)[i], (*path)[i + 1], filter, 5)) {
        flows.push_back(FlowJson(s, (*path)[i], f));
      }
      hops.push_back({{"from", (*path)[i]}, {"to", (*path)[i + 1]}, {"flows", flows}});
    }
  }
  Json out{{"markings", cs.markings}, {"found", path.has_value()}, {"nodes", nodes}, {"hops", hops}};
  if (!path) out["sentence"] = fmt::format("no path of at most {} hops under these filters", max_hops);
  AddTiming(c, start);
  return out;
}

}  // namespace

void AddViewRoutes(const RouteTable& add) {
  add("GET", "/api/v1/cases/{case_id}/views/overview",
      "The case at a glance: records and their integrity, alert counts by rule, top subjects, where the money went",
      Overview);
  add("GET", "/api/v1/cases/{case_id}/views/subjects", "The latest investigation's ranked subjects (offset, limit)",
      Subjects);
  add("GET", "/api/v1/cases/{case_id}/views/subject",
      "One subject: accounts, rank basis, score reasons, alerts with their citations and evidence", Subject);
  add("GET", "/api/v1/cases/{case_id}/views/expand",
      "A node's counterparties for the link chart: filtered, top N by amount, the rest summarised, each flow's "
      "source lines",
      Expand);
  add("GET", "/api/v1/cases/{case_id}/views/path", "The shortest path between two accounts for the link chart", Path);
}

}  // namespace moneytrail::server::api_internal
