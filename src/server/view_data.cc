// What the view routes share (view_data.h): the case's store and latest investigation, opened
// once and kept while unchanged, and the readers of the views' query parameters.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
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
#include "moneytrail/json_text.h"
#include "server/view_data.h"

namespace moneytrail::server::api_internal {

namespace fs = std::filesystem;

namespace {

// The JSON objects of a file of one object a line (blank lines skipped); DataLoss naming the
// file and line of one that is not an object.
Result<std::vector<Json>> ReadJsonLines(const fs::path& path) {
  MT_ASSIGN_OR_RETURN(std::string lines, ReadFileToString(path));
  std::vector<Json> out;
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
      return DataLossError(fmt::format("{}: line {}: not a JSON object", path.string(), line_no));
    }
    out.push_back(std::move(record));
  }
  return out;
}

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

// Routes run concurrently (Api::Handle); this lock guards the caches. A loaded store or run is
// immutable once cached, so readers use it without the lock.
std::mutex cache_mutex;
std::map<fs::path, std::shared_ptr<const LoadedStore>> store_cache;  // shared: a reader keeps
std::map<fs::path, std::shared_ptr<const LoadedRun>> run_cache;      // its copy while replaced
constexpr size_t kMaxCachedStores = 4;

}  // namespace

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
  const std::string base = FileStamp(dir / "subjects.csv") + "/" + FileStamp(dir / "alerts.jsonl");
  if (base == "/") {
    return NotFoundError(fmt::format("case {} has no investigation yet: run one first", case_id));
  }
  const std::string stamp = base + "/" + FileStamp(dir / "patterns.jsonl") + "/" + FileStamp(dir / "shared.jsonl");
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
    MT_ASSIGN_OR_RETURN(std::vector<Json> records, ReadJsonLines(dir / "alerts.jsonl"));
    for (Json& record : records) {
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
  if (fs::exists(dir / "patterns.jsonl")) {
    run->has_patterns = true;
    MT_ASSIGN_OR_RETURN(run->patterns, ReadJsonLines(dir / "patterns.jsonl"));
    for (size_t i = 0; i < run->patterns.size(); ++i) {
      for (const Json& name : run->patterns[i].value("accounts", Json::array())) {
        if (name.is_string()) run->patterns_by_account[name.get<std::string>()].push_back(i);
      }
    }
  }
  if (fs::exists(dir / "shared.jsonl")) {
    run->has_shared = true;
    MT_ASSIGN_OR_RETURN(run->shared, ReadJsonLines(dir / "shared.jsonl"));
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

Result<AccountId> AccountByLabel(const store::Store& s, std::string_view text, std::string_view what) {
  if (text.size() > 1 && text[0] == '#') {
    AccountId id = 0;
    auto [p, ec] = std::from_chars(text.data() + 1, text.data() + text.size(), id);
    if (ec == std::errc() && p == text.data() + text.size() && id < s.account_count()) return id;
  } else {
    const size_t colon = text.find(':');
    if (colon != std::string_view::npos) {
      if (auto kind = ParseNodeKind(text.substr(0, colon)); kind && *kind != NodeKind::kAccount) {
        const std::string_view rest = text.substr(colon + 1);
        const size_t second = rest.find(':');
        if (second != std::string_view::npos) {
          if (auto a = s.FindAccount(*kind, rest.substr(0, second), rest.substr(second + 1))) return *a;
        }
      }
      if (auto a = s.FindAccount(NodeKind::kAccount, text.substr(0, colon), text.substr(colon + 1))) return *a;
    }
  }
  return NotFoundError(fmt::format("{} names '{}', not an account of this case's store", what, text.substr(0, 80)));
}

Result<AccountId> AccountFrom(const store::Store& s, const ApiRequest& r, const std::string& name) {
  const std::string text = QueryText(r, name);
  if (text.empty()) return InvalidArgumentError(fmt::format("query: '{}' (an account) is required", name));
  return AccountByLabel(s, text, fmt::format("query: '{}'", name));
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

namespace {

constexpr size_t kMaxViewNodes = 3000;
constexpr size_t kMaxViewBytes = 64 * 1024;  // the workspace's limit on a note's text
constexpr const char* kFilterKeys[] = {"from", "to", "direction", "channel", "min_amount", "top"};

}  // namespace

Result<Json> CanonicalView(const Json& body) {
  if (!body.contains("view") || !body["view"].is_object()) return InvalidArgumentError("body: 'view' must be an object");
  const Json& v = body["view"];
  const Json nodes = v.value("nodes", Json::array());
  if (!nodes.is_array()) return InvalidArgumentError("body: 'view.nodes' must be an array");
  if (nodes.size() > kMaxViewNodes) {
    return InvalidArgumentError(fmt::format("body: 'view.nodes' holds {} nodes; a saved view holds at most {}",
                                            nodes.size(), kMaxViewNodes));
  }
  Json out{{"nodes", Json::array()}, {"groups", Json::array()}, {"filters", Json::object()}};
  for (size_t i = 0; i < nodes.size(); ++i) {
    const Json& n = nodes[i];
    if (!n.is_object() || !n.contains("account") || !n["account"].is_string() || n["account"].get<std::string>().empty() ||
        !n.contains("x") || !n["x"].is_number() || !n.contains("y") || !n["y"].is_number()) {
      return InvalidArgumentError(fmt::format(
          "body: 'view.nodes[{}]' must be an object with 'account' (a label) and numbers 'x' and 'y'", i));
    }
    const double x = n["x"].get<double>(), y = n["y"].get<double>();
    if (!std::isfinite(x) || !std::isfinite(y) || std::fabs(x) > 1e7 || std::fabs(y) > 1e7) {
      return InvalidArgumentError(fmt::format("body: 'view.nodes[{}]' has a position out of range", i));
    }
    Json node{{"account", n["account"]}, {"x", std::lround(x)}, {"y", std::lround(y)}};
    if (n.contains("expanded")) {
      if (!n["expanded"].is_boolean()) return InvalidArgumentError(fmt::format("body: 'view.nodes[{}].expanded' must be true or false", i));
      if (n["expanded"].get<bool>()) node["expanded"] = true;
    }
    if (n.contains("group")) {
      if (!n["group"].is_string()) return InvalidArgumentError(fmt::format("body: 'view.nodes[{}].group' must be a string", i));
      node["group"] = n["group"];
    }
    out["nodes"].push_back(std::move(node));
  }
  const Json groups = v.value("groups", Json::array());
  if (!groups.is_array()) return InvalidArgumentError("body: 'view.groups' must be an array");
  for (size_t i = 0; i < groups.size(); ++i) {
    const Json& g = groups[i];
    if (!g.is_object() || !g.contains("id") || !g["id"].is_string() || !g.contains("label") || !g["label"].is_string()) {
      return InvalidArgumentError(fmt::format("body: 'view.groups[{}]' must be an object with strings 'id' and 'label'", i));
    }
    out["groups"].push_back({{"id", g["id"]}, {"label", g["label"]}});
  }
  const Json filters = v.value("filters", Json::object());
  if (!filters.is_object()) return InvalidArgumentError("body: 'view.filters' must be an object");
  for (const char* key : kFilterKeys) {
    if (!filters.contains(key)) continue;
    if (!filters[key].is_string()) return InvalidArgumentError(fmt::format("body: 'view.filters.{}' must be a string", key));
    out["filters"][key] = filters[key];
  }
  for (const auto& [key, value] : filters.items()) {
    if (std::find(std::begin(kFilterKeys), std::end(kFilterKeys), key) == std::end(kFilterKeys)) {
      return InvalidArgumentError(fmt::format("body: 'view.filters' has '{}'; expected from, to, direction, channel, "
                                              "min_amount or top", key.substr(0, 30)));
    }
  }
  const std::string text = JsonText(out);
  if (text.size() > kMaxViewBytes) {
    return InvalidArgumentError(fmt::format("body: the view is {} bytes; a saved view holds at most {} bytes "
                                            "(about 1,500 nodes)", text.size(), kMaxViewBytes));
  }
  return out;
}

}  // namespace moneytrail::server::api_internal
