// The JSON API: routing, authentication (session cookie with a CSRF token, or a Bearer API
// token), JSON bodies, and the mapping from Status to HTTP status. Every decision about who may
// do what is the workspace's (src/workspace); this file only translates.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "moneytrail/group_commit.h"
#include "moneytrail/json_text.h"
#include "moneytrail/safe_text.h"
#include "moneytrail/server.h"
#include "moneytrail/workspace.h"
#include "server/admission_gate.h"
#include "server/api_internal.h"
#include "server/job_runner.h"

namespace moneytrail::server {

using workspace::Actor;
using workspace::CaseAccess;
using workspace::CaseInfo;
using workspace::Markings;
using workspace::Note;
using workspace::User;
using Json = nlohmann::ordered_json;

std::string ApiResponse::Header(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return "";
}

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument:
    case StatusCode::kOutOfRange: return 400;
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition: return 409;
    case StatusCode::kResourceExhausted: return 429;
    case StatusCode::kCancelled:
    case StatusCode::kUnknown:
    case StatusCode::kUnimplemented:
    case StatusCode::kInternal:
    case StatusCode::kDataLoss:
    case StatusCode::kIoError: return 500;
  }
  return 500;
}

namespace api_internal {

Json UserJson(const User& u) {
  return {{"id", u.id}, {"username", u.username}, {"display_name", u.display_name},
          {"agency_id", u.agency_id}, {"agency", u.agency}, {"role", workspace::RoleName(u.role)},
          {"clearances", u.clearances}, {"disabled", u.disabled}};
}

Json CaseJson(const CaseInfo& c) {
  return {{"id", c.id}, {"number", c.number}, {"title", c.title},
          {"owning_agency", c.owning_agency}, {"markings", c.markings}, {"version", c.version},
          {"created_at", c.created_at}, {"access", workspace::CaseAccessName(c.access)}};
}

Json NoteJson(const Note& n) {
  return {{"id", n.id}, {"case_id", n.case_id}, {"object_type", n.object_type},
          {"object_id", n.object_id}, {"author", n.author}, {"text", n.text},
          {"markings", n.markings}, {"version", n.version}, {"created_at", n.created_at},
          {"updated_at", n.updated_at}};
}

// Typed field access on a JSON body; errors name the field and what was expected.
Result<std::string> Text(const Json& body, const char* field, bool required) {
  if (!body.contains(field)) {
    if (required) return InvalidArgumentError(fmt::format("body: field '{}' is required", field));
    return std::string();
  }
  if (!body[field].is_string()) return InvalidArgumentError(fmt::format("body: '{}' must be a string", field));
  return body[field].get<std::string>();
}

Result<int64_t> Integer(const Json& body, const char* field) {
  if (!body.contains(field) || !body[field].is_number_integer()) {
    return InvalidArgumentError(fmt::format("body: '{}' must be an integer", field));
  }
  return body[field].get<int64_t>();
}

Result<Markings> MarkingList(const Json& body, const char* field) {
  if (!body.contains(field)) return Markings{};
  if (!body[field].is_array()) return InvalidArgumentError(fmt::format("body: '{}' must be an array", field));
  std::vector<std::string> names;
  for (const Json& m : body[field]) {
    if (!m.is_string()) return InvalidArgumentError(fmt::format("body: '{}' must hold strings", field));
    names.push_back(m.get<std::string>());
  }
  return workspace::ParseMarkings(names);
}

Result<std::vector<int64_t>> IntegerList(const Json& body, const char* field) {
  std::vector<int64_t> out;
  if (!body.contains(field)) return out;
  if (!body[field].is_array()) return InvalidArgumentError(fmt::format("body: '{}' must be an array", field));
  for (const Json& v : body[field]) {
    if (!v.is_number_integer()) return InvalidArgumentError(fmt::format("body: '{}' must hold integers", field));
    out.push_back(v.get<int64_t>());
  }
  return out;
}

Result<std::vector<std::string>> TextList(const Json& body, const char* field) {
  std::vector<std::string> out;
  if (!body.contains(field)) return out;
  if (!body[field].is_array()) return InvalidArgumentError(fmt::format("body: '{}' must be an array", field));
  for (const Json& v : body[field]) {
    if (!v.is_string()) return InvalidArgumentError(fmt::format("body: '{}' must hold strings", field));
    out.push_back(v.get<std::string>());
  }
  return out;
}

Result<int64_t> QueryInt(const ApiRequest& r, const std::string& name) {
  auto it = r.query.find(name);
  if (it == r.query.end() || it->second.empty()) return int64_t{0};
  int64_t v = 0;
  auto [p, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
  if (ec != std::errc() || p != it->second.data() + it->second.size() || v < 0) {
    return InvalidArgumentError(fmt::format("query: '{}' must be a non-negative integer", name));
  }
  return v;
}

std::string QueryText(const ApiRequest& r, const std::string& name) {
  auto it = r.query.find(name);
  return it == r.query.end() ? std::string() : it->second;
}

std::string Cookie(const ApiRequest& r, std::string_view name) {
  auto it = r.headers.find("cookie");
  if (it == r.headers.end()) return "";
  std::string_view all = it->second;
  while (!all.empty()) {
    size_t semi = all.find(';');
    std::string_view part = all.substr(0, semi);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.substr(0, name.size()) == name && part[name.size()] == '=') {
      return std::string(part.substr(name.size() + 1));
    }
    if (semi == std::string_view::npos) break;
    all.remove_prefix(semi + 1);
  }
  return "";
}

std::string Header(const ApiRequest& r, const std::string& name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? std::string() : it->second;
}

bool StateChanging(const std::string& method) { return method != "GET" && method != "HEAD"; }

// Constant-time comparison of two tokens.
bool SameToken(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || a.empty()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

namespace {
// Splits a path into its segments ("/a/b" -> a, b).
std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') { ++i; continue; }
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

std::vector<std::string> OwnedSegments(std::string_view pattern) {
  std::vector<std::string> out;
  for (std::string_view s : Segments(pattern)) out.emplace_back(s);
  return out;
}
}  // namespace

void RouteTable::operator()(std::string method, std::string pattern, std::string summary,
                            Handler handler, bool needs_actor) const {
  std::vector<std::string> segments = OwnedSegments(pattern);
  routes.push_back({{std::move(method), std::move(pattern), std::move(summary)}, needs_actor,
                    std::move(handler), false, std::move(segments)});
}

void RouteTable::Raw(std::string method, std::string pattern, std::string summary, Handler handler) const {
  std::vector<std::string> segments = OwnedSegments(pattern);
  routes.push_back({{std::move(method), std::move(pattern), std::move(summary)}, true, std::move(handler), true,
                    std::move(segments)});
}

}  // namespace api_internal

namespace {

using namespace api_internal;  // NOLINT: this file is the API's own

std::vector<Route> MakeRoutes(const ApiOptions& options) {
  std::vector<Route> r;
  const RouteTable add{r};
  add("POST", "/api/v1/session", "Sign in; sets the session cookie and returns the CSRF token",
      [options](workspace::Workspace& ws, Context& c) -> Result<Json> {
        MT_ASSIGN_OR_RETURN(std::string user, Text(c.body, "username"));
        MT_ASSIGN_OR_RETURN(std::string password, Text(c.body, "password"));
        MT_ASSIGN_OR_RETURN(workspace::Session s, ws.Login(user, password, c.request.remote_address));
        // A new token at every sign-in: a cookie planted before sign-in is never promoted.
        c.extra_headers.emplace_back(
            "Set-Cookie", fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}", kCookie,
                                      s.token, s.expires_at > 0 ? 8 * 3600 : 0,
                                      options.secure_cookies ? "; Secure" : ""));
        return Json{{"user", UserJson(s.user)}, {"csrf_token", s.csrf}};
      },
      false);
  add("DELETE", "/api/v1/session", "Sign out (ends the session)",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        MT_RETURN_IF_ERROR(ws.Logout(Cookie(c.request, kCookie), c.request.remote_address));
        c.extra_headers.emplace_back("Set-Cookie", fmt::format("{}=; Path=/; Max-Age=0", kCookie));
        return Json{{"signed_out", true}};
      });
  add("GET", "/api/v1/me", "The signed-in user",
      [](workspace::Workspace&, Context& c) -> Result<Json> { return UserJson(c.actor.user); });
  add("POST", "/api/v1/tokens", "Create an API token for scripts (shown once)",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        MT_ASSIGN_OR_RETURN(std::string label, Text(c.body, "label"));
        MT_ASSIGN_OR_RETURN(std::string token, ws.CreateApiToken(c.actor, label));
        return Json{{"token", token}};
      });
  add("GET", "/api/v1/agencies", "Agencies of the workspace",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        MT_ASSIGN_OR_RETURN(auto list, ws.ListAgencies(c.actor));
        Json out = Json::array();
        for (const auto& a : list) out.push_back({{"id", a.id}, {"name", a.name}, {"contact", a.contact}});
        return out;
      });
  add("POST", "/api/v1/agencies", "Create an agency (administrator)",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        MT_ASSIGN_OR_RETURN(std::string name, Text(c.body, "name"));
        MT_ASSIGN_OR_RETURN(std::string contact, Text(c.body, "contact", false));
        MT_ASSIGN_OR_RETURN(auto a, ws.CreateAgency(c.actor, name, contact));
        return Json{{"id", a.id}, {"name", a.name}, {"contact", a.contact}};
      });
  add("GET", "/api/v1/users", "Users (administrator, auditor)",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        MT_ASSIGN_OR_RETURN(auto list, ws.ListUsers(c.actor));
        Json out = Json::array();
        for (const auto& u : list) out.push_back(UserJson(u));
        return out;
      });
  add("POST", "/api/v1/users", "Create a user (administrator)",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        workspace::NewUser nu;
        MT_ASSIGN_OR_RETURN(nu.username, Text(c.body, "username"));
        MT_ASSIGN_OR_RETURN(nu.display_name, Text(c.body, "display_name", false));
        MT_ASSIGN_OR_RETURN(nu.agency_id, Integer(c.body, "agency_id"));
        MT_ASSIGN_OR_RETURN(std::string role, Text(c.body, "role"));
        MT_ASSIGN_OR_RETURN(nu.role, workspace::ParseRole(role));
        MT_ASSIGN_OR_RETURN(nu.clearances, MarkingList(c.body, "clearances"));
        MT_ASSIGN_OR_RETURN(nu.password, Text(c.body, "password"));
        MT_ASSIGN_OR_RETURN(User u, ws.CreateUser(c.actor, nu));
        return UserJson(u);
      });
  add("POST", "/api/v1/users/{user_id}/disable", "Disable a user and end their sessions (administrator)",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        MT_RETURN_IF_ERROR(ws.SetUserDisabled(c.actor, c.params["user_id"], true));
        return Json{{"disabled", true}};
      });
  add("GET", "/api/v1/cases", "Cases the user may see",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        MT_ASSIGN_OR_RETURN(auto list, ws.ListCases(c.actor));
        Json out = Json::array();
        for (const auto& cs : list) out.push_back(CaseJson(cs));
        return out;
      });
  add("POST", "/api/v1/cases", "Create a case (agent, analyst, supervisor); the creator is its admin",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        workspace::NewCase nc;
        MT_ASSIGN_OR_RETURN(nc.number, Text(c.body, "number"));
        MT_ASSIGN_OR_RETURN(nc.title, Text(c.body, "title"));
        MT_ASSIGN_OR_RETURN(nc.markings, MarkingList(c.body, "markings"));
        MT_ASSIGN_OR_RETURN(CaseInfo cs, ws.CreateCase(c.actor, nc));
        return CaseJson(cs);
      });
  add("GET", "/api/v1/cases/{case_id}", "One case",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        MT_ASSIGN_OR_RETURN(CaseInfo cs, ws.GetCase(c.actor, c.params["case_id"]));
        return CaseJson(cs);
      });
  add("PATCH", "/api/v1/cases/{case_id}", "Change a case's title or markings (case admin; version required)",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        workspace::NewCase nc;
        MT_ASSIGN_OR_RETURN(int64_t version, Integer(c.body, "version"));
        MT_ASSIGN_OR_RETURN(nc.title, Text(c.body, "title"));
        MT_ASSIGN_OR_RETURN(nc.markings, MarkingList(c.body, "markings"));
        MT_ASSIGN_OR_RETURN(CaseInfo cs, ws.UpdateCase(c.actor, c.params["case_id"], version, nc));
        return CaseJson(cs);
      });
  add("GET", "/api/v1/cases/{case_id}/members", "Members of a case",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        MT_ASSIGN_OR_RETURN(auto list, ws.ListMembers(c.actor, c.params["case_id"]));
        Json out = Json::array();
        for (const auto& m : list) {
          out.push_back({{"user_id", m.user_id}, {"username", m.username}, {"agency", m.agency},
                         {"access", workspace::CaseAccessName(m.access)}});
        }
        return out;
      });
  add("POST", "/api/v1/cases/{case_id}/members", "Add a member (case admin; a reason for 6103 and GJ-6E cases)",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        MT_ASSIGN_OR_RETURN(int64_t user_id, Integer(c.body, "user_id"));
        MT_ASSIGN_OR_RETURN(std::string access_name, Text(c.body, "access"));
        MT_ASSIGN_OR_RETURN(CaseAccess access, workspace::ParseCaseAccess(access_name));
        MT_ASSIGN_OR_RETURN(std::string reason, Text(c.body, "reason", false));
        MT_RETURN_IF_ERROR(ws.AddMember(c.actor, c.params["case_id"], user_id, access, reason));
        return Json{{"added", true}};
      });
  add("DELETE", "/api/v1/cases/{case_id}/members/{user_id}", "Remove a member (case admin)",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        MT_RETURN_IF_ERROR(ws.RemoveMember(c.actor, c.params["case_id"], c.params["user_id"],
                                           QueryText(c.request, "reason")));
        return Json{{"removed", true}};
      });
  add("GET", "/api/v1/cases/{case_id}/notes", "Notes of a case the user may see",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        MT_ASSIGN_OR_RETURN(auto list, ws.ListNotes(c.actor, c.params["case_id"]));
        Json out = Json::array();
        for (const auto& n : list) out.push_back(NoteJson(n));
        return out;
      });
  add("POST", "/api/v1/cases/{case_id}/notes", "Add a note on the case, a subject, an alert or a transaction",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        MT_ASSIGN_OR_RETURN(std::string type, Text(c.body, "object_type"));
        MT_ASSIGN_OR_RETURN(std::string id, Text(c.body, "object_id", false));
        MT_ASSIGN_OR_RETURN(std::string text, Text(c.body, "text"));
        MT_ASSIGN_OR_RETURN(Markings markings, MarkingList(c.body, "markings"));
        MT_ASSIGN_OR_RETURN(Note n, ws.AddNote(c.actor, c.params["case_id"], type, id, text, markings));
        return NoteJson(n);
      });
  add("GET", "/api/v1/notes/{note_id}", "One note",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        MT_ASSIGN_OR_RETURN(Note n, ws.GetNote(c.actor, c.params["note_id"]));
        return NoteJson(n);
      });
  add("PATCH", "/api/v1/notes/{note_id}", "Change a note's text (write access; version required)",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        MT_ASSIGN_OR_RETURN(int64_t version, Integer(c.body, "version"));
        MT_ASSIGN_OR_RETURN(std::string text, Text(c.body, "text"));
        MT_ASSIGN_OR_RETURN(Note n, ws.UpdateNote(c.actor, c.params["note_id"], version, text));
        return NoteJson(n);
      });
  add("GET", "/api/v1/journal", "Journal entries by user, object, case and period (auditor)",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        workspace::JournalQuery q;
        q.username = QueryText(c.request, "username");
        q.object = QueryText(c.request, "object");
        MT_ASSIGN_OR_RETURN(q.case_id, QueryInt(c.request, "case_id"));
        q.from = QueryText(c.request, "from");
        q.to = QueryText(c.request, "to");
        MT_ASSIGN_OR_RETURN(int64_t limit, QueryInt(c.request, "limit"));
        if (limit > 0) q.limit = limit;
        MT_ASSIGN_OR_RETURN(auto list, ws.QueryJournal(c.actor, q));
        Json out = Json::array();
        for (const auto& e : list) {
          out.push_back({{"seq", e.seq}, {"at", e.at}, {"username", e.username}, {"address", e.address},
                         {"case_id", e.case_id}, {"object", e.object}, {"action", e.action},
                         {"before", e.before}, {"after", e.after}, {"reason", e.reason}, {"hash", e.hash}});
        }
        return out;
      });
  add("GET", "/api/v1/disclosures", "Persons given grand-jury material (auditor)",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        MT_ASSIGN_OR_RETURN(int64_t case_id, QueryInt(c.request, "case_id"));
        MT_ASSIGN_OR_RETURN(auto list, ws.GrandJuryDisclosures(c.actor, case_id));
        Json out = Json::array();
        for (const auto& d : list) {
          out.push_back({{"case_id", d.case_id}, {"case_number", d.case_number}, {"username", d.username},
                         {"agency", d.agency}, {"disclosed_by", d.disclosed_by}, {"reason", d.reason},
                         {"at", d.at}});
        }
        return out;
      });
  AddViewRoutes(add);
  AddSavedViewRoutes(add);
  AddEvidenceRoutes(add);
  AddQueueRoutes(add);
  AddRecordsRoutes(add);
  AddExclusionRoutes(add);
  return r;
}

// Matches a path's segments against a route's; fills the {name} parameters (positive integers
// only).
bool Match(const std::vector<std::string>& want, const std::vector<std::string_view>& have, Params& params) {
  if (want.size() != have.size()) return false;
  Params found;
  for (size_t i = 0; i < want.size(); ++i) {
    if (want[i].size() > 2 && want[i].front() == '{') {
      int64_t v = 0;
      auto [p, ec] = std::from_chars(have[i].data(), have[i].data() + have[i].size(), v);
      if (ec != std::errc() || p != have[i].data() + have[i].size() || v <= 0) return false;
      found[want[i].substr(1, want[i].size() - 2)] = v;
    } else if (want[i] != have[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

ApiResponse JsonResponse(int status, const Json& body) {
  ApiResponse r;
  r.status = status;
  r.body = JsonText(body) + "\n";
  return r;
}

ApiResponse ErrorResponse(const Status& st) {
  const int status = HttpStatusFor(st.code());
  // Internal failures keep their detail in the server's log, not in the client's answer.
  const std::string message = status == 500 ? "internal error; see the server log" : std::string(st.message());
  return JsonResponse(status, Json{{"error", StatusCodeName(st.code())}, {"message", message}});
}

void AddSecurityHeaders(ApiResponse& r, bool tls) {
  if (r.Header("Content-Type").empty()) r.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("Cross-Origin-Opener-Policy", "same-origin");
  if (tls) r.headers.emplace_back("Strict-Transport-Security", "max-age=31536000");
}

}  // namespace

Api::Api(workspace::Workspace& workspace, ApiOptions options) : ws_(workspace), options_(options) {
  if (options_.active_requests > 0) gate_ = std::make_unique<AdmissionGate>(options_.active_requests);
  // The warm pool: a request that finds no idle connection opens one (Workspace::Open checks the
  // journal head under the lock the committer holds while it syncs the head: up to 110 ms in a
  // burst), and 50 connections compiling the queue page's statement at once delayed that burst's
  // session checks by 5-25 ms (bench/RESULTS-ws.md, session 14). Both are paid here instead.
  for (int i = 0; i < options_.warm_connections; ++i) {
    auto connection = ws_.OpenAnother();
    Result<int64_t> prepared = connection.ok() ? (*connection)->PrepareStatements() : connection.status();
    if (!prepared.ok()) {
      fmt::print(stderr, "api: connection pool: warmed {} of {}: {}\n", i, options_.warm_connections,
                 prepared.status().ToString());
      break;
    }
    std::lock_guard<std::mutex> lock(pool_mutex_);
    idle_.push_back(std::move(*connection));
    ++warmed_;
    warm_statements_ += *prepared;
  }
  if (options_.run_jobs) {
    auto connection = ws_.OpenAnother();
    if (!connection.ok()) {
      fmt::print(stderr, "jobs: not started: {}\n", connection.status().ToString());
      return;
    }
    jobs_ = std::make_unique<JobRunner>(std::move(*connection), options_.job_threads);
    Status st = jobs_->Start();
    if (!st.ok()) fmt::print(stderr, "jobs: not started: {}\n", st.ToString());
  }
}

Api::~Api() = default;

namespace {

// A request's turn at the admission gate (ApiOptions::active_requests): held while the request
// runs, given up while it waits for a durable commit.
class GateTurn final : public workspace::CommitWaitHook {
 public:
  explicit GateTurn(AdmissionGate* gate) : gate_(gate) {
    if (gate_ == nullptr) return;
    gate_->Enter(false);
    workspace::SetCommitWaitHook(this);
  }
  ~GateTurn() override {
    if (gate_ == nullptr) return;
    workspace::SetCommitWaitHook(nullptr);
    gate_->Leave();
  }
  GateTurn(const GateTurn&) = delete;
  GateTurn& operator=(const GateTurn&) = delete;
  void BeforeWait() override { gate_->Leave(); }
  void AfterWait() override { gate_->Enter(true); }

 private:
  AdmissionGate* gate_;
};

}  // namespace

Result<std::unique_ptr<workspace::Workspace>> Api::Acquire(bool* opened) {
  {
    std::lock_guard<std::mutex> lock(pool_mutex_);
    if (!idle_.empty()) {
      std::unique_ptr<workspace::Workspace> connection = std::move(idle_.back());
      idle_.pop_back();
      return connection;
    }
    ++opened_on_demand_;
  }
  // The pool grows to the number of requests served at once (the HTTP server's threads).
  if (opened != nullptr) *opened = true;
  return ws_.OpenAnother();
}

PoolCounts Api::pool_counts() {
  std::lock_guard<std::mutex> lock(pool_mutex_);
  PoolCounts c;
  c.warmed = warmed_;
  c.warm_statements = warm_statements_;
  c.opened_on_demand = opened_on_demand_;
  c.idle = static_cast<int64_t>(idle_.size());
  for (const auto& connection : idle_) c.idle_compiled += connection->statement_counts().prepared;
  return c;
}

void Api::Release(std::unique_ptr<workspace::Workspace> connection) {
  std::lock_guard<std::mutex> lock(pool_mutex_);
  idle_.push_back(std::move(connection));
}

bool Api::WaitForJobs(int timeout_ms) { return jobs_ == nullptr || jobs_->WaitIdle(timeout_ms); }

const std::vector<RouteInfo>& Api::Routes() {
  static const std::vector<RouteInfo> routes = [] {
    std::vector<RouteInfo> out;
    for (const Route& r : MakeRoutes({})) out.push_back(r.info);
    return out;
  }();
  return routes;
}

ApiResponse Api::Handle(const ApiRequest& request) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point started = Clock::now();
  GateTurn turn(gate_.get());
  Clock::time_point connected = started, authenticated = started;
  bool waited_for_open = false;
  static const std::vector<Route> routes_insecure = MakeRoutes({.secure_cookies = false});
  static const std::vector<Route> routes_secure = MakeRoutes({.secure_cookies = true});
  const std::vector<Route>& routes = options_.secure_cookies ? routes_secure : routes_insecure;
  ApiResponse response;
  const Route* route = nullptr;
  Params params;
  bool path_known = false;
  const std::vector<std::string_view> path_segments = Segments(request.path);
  for (const Route& r : routes) {
    Params p;
    if (!Match(r.segments, path_segments, p)) continue;
    path_known = true;
    if (r.info.method == request.method) {
      route = &r;
      params = std::move(p);
      break;
    }
  }
  if (route == nullptr) {
    response = path_known ? JsonResponse(405, Json{{"error", "MethodNotAllowed"},
                                                   {"message", fmt::format("{} is not allowed here",
                                                                           Abbreviate(request.method, 16))}})
                          : ErrorResponse(NotFoundError("no such route"));
  } else {
    Context ctx{request, std::move(params), {}, Json::object(), {}};
    ctx.jobs = jobs_.get();
    Status st = Status::Ok();
    if (route->raw_body) {
      // An upload: the handler reads the body (or the multipart parts) itself.
    } else if (StateChanging(request.method) && !request.body.empty()) {
      const std::string type = Header(request, "content-type");
      if (type.rfind("application/json", 0) != 0) {
        st = InvalidArgumentError("Content-Type must be application/json");
      } else {
        ctx.body = Json::parse(request.body, nullptr, false);
        if (ctx.body.is_discarded() || !ctx.body.is_object()) {
          st = InvalidArgumentError("body: not a JSON object");
        }
      }
    } else if (request.method == "POST" && route->info.pattern == "/api/v1/session") {
      st = InvalidArgumentError("body: a JSON object with username and password is required");
    }
    Result<std::unique_ptr<workspace::Workspace>> connection = Acquire(&waited_for_open);
    if (options_.trace_requests > 0) connected = Clock::now();
    if (!connection.ok()) {
      fmt::print(stderr, "api: no connection to the workspace: {}\n", connection.status().ToString());
      if (st.ok()) st = connection.status();
    }
    workspace::Workspace* wsp = connection.ok() ? connection->get() : nullptr;
    if (st.ok() && route->needs_actor) {
      const std::string auth = Header(request, "authorization");
      if (auth.rfind("Bearer ", 0) == 0) {
        auto actor = wsp->AuthenticateApiToken(auth.substr(7), request.remote_address);
        if (actor.ok()) ctx.actor = *actor; else st = actor.status();
      } else {
        const std::string token = Cookie(request, kCookie);
        std::string csrf;
        auto actor = wsp->Authenticate(token, request.remote_address, &csrf);
        if (!actor.ok()) {
          st = actor.status();
        } else {
          ctx.actor = *actor;
          // Cookies ride along with cross-site requests; a state change must also prove it
          // came from our own page, which alone knows the CSRF token.
          if (StateChanging(request.method) && !SameToken(csrf, Header(request, "x-csrf-token"))) {
            st = PermissionDeniedError("missing or wrong X-CSRF-Token header");
          }
        }
      }
    }
    if (options_.trace_requests > 0) authenticated = Clock::now();
    if (st.ok()) {
      Result<Json> out = route->handler(*wsp, ctx);
      if (out.ok()) {
        if (!ctx.raw_content_type.empty()) {
          response.status = 200;
          response.body = std::move(ctx.raw_body);
          response.headers.emplace_back("Content-Type", ctx.raw_content_type);
          response.stream = std::move(ctx.stream);
        } else {
          response = JsonResponse(200, *out);
        }
        for (auto& h : ctx.extra_headers) response.headers.push_back(std::move(h));
      } else {
        st = out.status();
      }
    }
    if (!st.ok()) response = ErrorResponse(st);
    if (connection.ok()) Release(std::move(*connection));
  }
  AddSecurityHeaders(response, options_.secure_cookies);
  if (options_.trace_requests > 0) {
    const int n = traced_++;
    if (n < options_.trace_requests) {
      const Clock::time_point done = Clock::now();
      auto ms = [](Clock::time_point a, Clock::time_point b) {
        return std::chrono::duration<double, std::milli>(b - a).count();
      };
      // One line per request; the commit wait is the last journalled change's of this thread
      // (0 or stale when the route journalled nothing).
      fmt::print(stderr, "trace {} {} {} {}: connection {:.2f} ms{}, session {:.2f}, route {:.2f} (commit wait {:.2f}), "
                 "total {:.2f}\n", n, request.method, Abbreviate(request.path, 80), response.status,
                 ms(started, connected), waited_for_open ? " (opened)" : "", ms(connected, authenticated),
                 ms(authenticated, done), static_cast<double>(workspace::LastCommitWaitMicros()) / 1000.0,
                 ms(started, done));
    }
  }
  return response;
}

}  // namespace moneytrail::server
