// What the view routes (api_views.cc, api_timeline.cc, api_saved_views.cc, api_chart.cc)
// share: a case's store with its chart index and its latest investigation's outputs, each opened
// once and kept while unchanged, and the readers of the views' query parameters. Not a public
// header.
//
// Example:
//   MT_ASSIGN_OR_RETURN(workspace::CaseInfo cs, ws.GetCase(c.actor, c.params["case_id"]));
//   MT_ASSIGN_OR_RETURN(auto loaded, LoadStore(ws.CaseStoreDir(cs.id), cs.id));
//   MT_ASSIGN_OR_RETURN(FlowFilter filter, FilterFrom(c.request));
//   MT_ASSIGN_OR_RETURN(AccountId a, AccountFrom(*loaded->store, c.request, "account"));
//
// Thread safety: LoadStore and LoadRun may be called from any thread; what they return is
// immutable and shared (a caller keeps its copy alive while a newer one replaces it).
#ifndef MONEYTRAIL_SERVER_VIEW_DATA_H_
#define MONEYTRAIL_SERVER_VIEW_DATA_H_

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/server.h"
#include "moneytrail/status.h"
#include "moneytrail/store.h"
#include "server/api_internal.h"
#include "server/case_graph.h"

namespace moneytrail::server::api_internal {

// An opened store and its chart index, kept while the store's manifest is unchanged.
struct LoadedStore {
  std::string stamp;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<CaseGraph> graph;
};

// The latest investigation's outputs, parsed, kept while the files are unchanged: subjects.csv,
// alerts.jsonl and, when present, patterns.jsonl and shared.jsonl (docs/investigate.md).
struct LoadedRun {
  std::string stamp;
  std::vector<std::string> subject_header;
  std::vector<std::vector<std::string>> subjects;  // rows of subjects.csv, in rank order
  std::vector<Json> alerts;                        // alert records of alerts.jsonl
  // Indices into `alerts` by each name in an alert's "subjects", ascending: a subject's alerts
  // without a pass over the whole queue (100,000 alerts) per request.
  std::map<std::string, std::vector<size_t>, std::less<>> alerts_by_subject;
  // patterns.jsonl (every pattern instance kept, in the file's order) and, by each account
  // label among an instance's accounts, the indices of its instances ascending. `has_patterns`:
  // the file exists (a run written before it existed has none).
  bool has_patterns = false;
  std::vector<Json> patterns;
  std::map<std::string, std::vector<size_t>, std::less<>> patterns_by_account;
  // shared.jsonl: resolve's shared-identifier groups (identifier, value, entities, accounts);
  // `has_shared`: the file exists (the run had KYC with shared identifiers).
  bool has_shared = false;
  std::vector<Json> shared;
};

// The case's store in `dir` (opened with its checksums checked); NotFound when it has none yet.
Result<std::shared_ptr<const LoadedStore>> LoadStore(const std::filesystem::path& dir, int64_t case_id);
// The case's latest investigation in `dir`; NotFound when there is none; DataLoss naming the
// file and line of a malformed row.
Result<std::shared_ptr<const LoadedRun>> LoadRun(const std::filesystem::path& dir, int64_t case_id);

// One subjects.csv row as an object (header names as keys); one field of it ("" when absent).
Json SubjectJson(const LoadedRun& run, const std::vector<std::string>& row);
std::string Field(const LoadedRun& run, const std::vector<std::string>& row, std::string_view name);
// Space-separated words.
std::vector<std::string> Words(std::string_view text);

// "2025-09-01" or "2025-09-01T12:30:00Z" as seconds; `end_of_day` makes a bare date the last
// second of its day (an inclusive upper bound). InvalidArgument naming `field` otherwise.
Result<Timestamp> ParseWhen(std::string_view field, std::string_view text, bool end_of_day);
// The flow filter of the query parameters from, to, direction, channel and min_amount.
Result<FlowFilter> FilterFrom(const ApiRequest& r);
// The account named by query parameter `name`: a label as the store prints it
// ("011:80648632635", "cash:033:branch 1722", "external::JORGE PATEL") or "#<id>".
Result<AccountId> AccountFrom(const store::Store& s, const ApiRequest& r, const std::string& name);
// The same for a label already in hand (`what` names it in errors).
Result<AccountId> AccountByLabel(const store::Store& s, std::string_view text, std::string_view what);

Json NodeJson(const store::Store& s, AccountId a);
std::string SumText(const DecimalSum& sum);
Json ChannelsJson(uint32_t mask);
// A flow as the chart reads it, seen from `node`, with its evidence's source files and lines.
Json FlowJson(const store::Store& s, AccountId node, const Flow& f);
// Adds a Server-Timing header (the route's time in the server, for bench/ and the browser's
// network panel).
void AddTiming(Context& c, std::chrono::steady_clock::time_point start);

// The chart's view in a request body's "view" (nodes: account label, x, y, optional group and
// expanded (whether the chart had expanded it);
// groups: id, label; filters: from, to, direction, channel, min_amount, top), checked and in
// canonical form (positions rounded to whole pixels, keys in one order); InvalidArgument naming
// the field otherwise, or when it holds more than 3,000 nodes or 64 KiB.
Result<Json> CanonicalView(const Json& body);

// Route groups of the views' own files, added by AddViewRoutes (api_views.cc).
void AddTimelineRoutes(const RouteTable& add);   // api_timeline.cc
void AddChartRoutes(const RouteTable& add);      // api_chart.cc: SVG export, trace overlay

}  // namespace moneytrail::server::api_internal

#endif  // MONEYTRAIL_SERVER_VIEW_DATA_H_
