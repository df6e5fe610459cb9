// What the API's route files share (src/server/api*.cc): the request context a handler gets,
// the route table, and the typed readers of bodies and queries. Not a public header.
//
// A group of routes lives in its own file as one function that adds its routes to the table;
// MakeRoutes (api.cc) calls each group. Example:
//   void AddExampleRoutes(const RouteTable& add) {
//     add("GET", "/api/v1/cases/{case_id}/example", "What it returns",
//         [](workspace::Workspace& ws, Context& c) -> Result<Json> {
//           MT_ASSIGN_OR_RETURN(workspace::CaseInfo cs, ws.GetCase(c.actor, c.params["case_id"]));
//           return Json{{"case", cs.number}};
//         });
//   }
// Every route must also appear in docs/api/openapi.json and in the authorisation matrix of
// tests/server/api_test.cc (both are checked by tests).
#ifndef MONEYTRAIL_SERVER_API_INTERNAL_H_
#define MONEYTRAIL_SERVER_API_INTERNAL_H_

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "moneytrail/server.h"
#include "moneytrail/status.h"
#include "moneytrail/workspace.h"

namespace moneytrail::server::api_internal {

using Json = nlohmann::ordered_json;

// The session cookie's name.
inline constexpr std::string_view kCookie = "mt_session";

// Path parameters by name, each a positive integer id.
using Params = std::map<std::string, int64_t>;

// What a handler is given: the request, its path parameters, the authenticated actor (empty for
// routes that need none), the JSON body (an object, or empty), and headers to add to the answer.
struct Context {
  const ApiRequest& request;
  Params params;
  workspace::Actor actor;
  Json body;
  std::vector<std::pair<std::string, std::string>> extra_headers;
  // The Api's job runner (null when jobs do not run).
  JobRunner* jobs = nullptr;
  // A handler that answers other than JSON sets these (the Json it returns is then ignored).
  std::string raw_body;
  std::string raw_content_type;
  std::function<bool(std::string&)> stream;
};

// A handler returns the JSON body of a 200 answer, or a Status mapped by HttpStatusFor.
using Handler = std::function<Result<Json>(workspace::Workspace&, Context&)>;

struct Route {
  RouteInfo info;
  bool needs_actor = true;
  Handler handler;
  bool raw_body = false;  // the body is not JSON (uploads): the handler reads the request
  // info.pattern split at '/' once (a request's path is matched against every route's).
  std::vector<std::string> segments;
};

// Appends routes to a table. `pattern` segments like {case_id} match positive integers.
struct RouteTable {
  std::vector<Route>& routes;
  void operator()(std::string method, std::string pattern, std::string summary, Handler handler,
                  bool needs_actor = true) const;
  // A route whose body is not JSON (an upload); it always needs an actor.
  void Raw(std::string method, std::string pattern, std::string summary, Handler handler) const;
};

// The route groups, each in its own file, called by MakeRoutes (api.cc).
void AddEvidenceRoutes(const RouteTable& add);  // api_evidence.cc: evidence and jobs
void AddQueueRoutes(const RouteTable& add);     // api_queue.cc: the alert queue and labels
void AddRecordsRoutes(const RouteTable& add);   // api_records.cc: requests for records, deconfliction
void AddExclusionRoutes(const RouteTable& add); // api_exclusions.cc: manual exclusions of alerts

Json UserJson(const workspace::User& u);
Json CaseJson(const workspace::CaseInfo& c);
Json NoteJson(const workspace::Note& n);
// A list of integers or of strings in a body field (absent: empty).
Result<std::vector<int64_t>> IntegerList(const Json& body, const char* field);
Result<std::vector<std::string>> TextList(const Json& body, const char* field);

// Typed field access on a JSON body; errors name the field and what was expected.
Result<std::string> Text(const Json& body, const char* field, bool required = true);
Result<int64_t> Integer(const Json& body, const char* field);
Result<workspace::Markings> MarkingList(const Json& body, const char* field);
// A query parameter as a non-negative integer (0 when absent), or as text ("" when absent).
Result<int64_t> QueryInt(const ApiRequest& r, const std::string& name);
std::string QueryText(const ApiRequest& r, const std::string& name);
// A cookie's value, or a header's (names lower-case), "" when absent.
std::string Cookie(const ApiRequest& r, std::string_view name);
std::string Header(const ApiRequest& r, const std::string& name);

// Route groups (each in its own file), called by MakeRoutes in api.cc.
// api_views.cc: read-only views of a case's store and latest investigation for the browser.
void AddViewRoutes(const RouteTable& add);
// api_saved_views.cc: saved chart views and chart annotations, kept in the case.
void AddSavedViewRoutes(const RouteTable& add);

}  // namespace moneytrail::server::api_internal

#endif  // MONEYTRAIL_SERVER_API_INTERNAL_H_
