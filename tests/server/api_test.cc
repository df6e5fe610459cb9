// The API in-process: the authorisation matrix generated from one declarative table, the
// OpenAPI document against the route table, sessions, CSRF and security headers.
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "moneytrail/server.h"
#include "moneytrail/workspace.h"
#include "server/case_fixture.h"
#include "workspace/workspace_fixture.h"

namespace moneytrail::server {
namespace {

using workspace::Actor;
using workspace::CaseAccess;
using workspace::ParseMarkings;
using workspace::Role;
using Json = nlohmann::json;

class ApiTest : public workspace::testing::WorkspaceFixture {
 protected:
  void SetUp() override {
    WorkspaceFixture::SetUp();
    api_ = std::make_unique<Api>(*ws_, ApiOptions{.secure_cookies = false});
  }

  struct Signed {
    std::string cookie;
    std::string csrf;
  };
  Signed SignInHttp(const std::string& user) {
    ApiRequest r{"POST", "/api/v1/session", {}, {{"content-type", "application/json"}},
                 Json{{"username", user}, {"password", workspace::testing::kPassword}}.dump(), "127.0.0.1"};
    ApiResponse res = api_->Handle(r);
    EXPECT_EQ(res.status, 200) << res.body;
    const std::string set = res.Header("Set-Cookie");
    Signed s;
    s.cookie = set.substr(0, set.find(';'));
    s.csrf = Json::parse(res.body)["csrf_token"].get<std::string>();
    return s;
  }
  ApiResponse Call(const Signed& s, const std::string& method, const std::string& path,
                   const Json& body = nullptr, std::map<std::string, std::string> query = {}) {
    ApiRequest r;
    r.method = method;
    r.path = path;
    r.query = std::move(query);
    r.headers["cookie"] = s.cookie;
    if (method != "GET") r.headers["x-csrf-token"] = s.csrf;
    if (!body.is_null()) {
      r.headers["content-type"] = "application/json";
      r.body = body.dump();
    }
    r.remote_address = "127.0.0.1";
    return api_->Handle(r);
  }

  struct CaseItems {
    int64_t evidence = 0, plain_evidence = 0, job = 0, alert = 0, request = 0;
  };
  // Evidence with `markings` (and one without), an ingest job of it that failed (its claim marks
  // the case store), an investigation whose run directory holds one alert (so the alert carries
  // the store's markings), and a request for records with `markings`.
  CaseItems MakeCaseItems(int64_t case_id, const workspace::Markings& markings, int serial) {
    CaseItems out;
    auto e = ws_->AddEvidence(irs_agent_, case_id, "stmt.csv", "text/csv", "a,b\n" + std::to_string(serial), markings);
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    out.evidence = e->id;
    auto plain = ws_->AddEvidence(irs_agent_, case_id, "plain.csv", "text/csv", "c,d\n" + std::to_string(serial), {});
    EXPECT_TRUE(plain.ok());
    out.plain_evidence = plain->id;
    auto job = ws_->CreateJob(irs_agent_, case_id, {workspace::kJobIngest, {e->id}, "native", {}});
    EXPECT_TRUE(job.ok()) << job.status().ToString();
    out.job = job->id;
    ClaimUntil(job->id);
    EXPECT_TRUE(ws_->CompleteJob(job->id, {false, "test: not run", "", {}}).ok());
    auto investigate = ws_->CreateJob(irs_agent_, case_id, {workspace::kJobInvestigate, {}, "", {}});
    EXPECT_TRUE(investigate.ok());
    ClaimUntil(investigate->id);
    WriteAlertsFile(case_id, 1);
    EXPECT_TRUE(ws_->CompleteJob(investigate->id, {true, "", "{}", {}}).ok());
    auto page = ws_->ListAlerts(irs_agent_, case_id, {});
    EXPECT_TRUE(page.ok() && page->alerts.size() == 1);
    out.alert = page->alerts.at(0).id;
    workspace::NewRecordsRequest rq;
    rq.bank = "First Coast";
    rq.accounts = {"80020474750"};
    rq.period_from = "2025-09-01";
    rq.period_to = "2025-09-30";
    rq.markings = markings;
    auto request = ws_->CreateRecordsRequest(irs_agent_, case_id, rq);
    EXPECT_TRUE(request.ok()) << request.status().ToString();
    out.request = request->id;
    return out;
  }

  // Claims queued jobs until `job_id` is the one claimed; older ones (queued by earlier calls of
  // routes) end as failed.
  void ClaimUntil(int64_t job_id) {
    for (;;) {
      auto claimed = ws_->ClaimNextJob();
      ASSERT_TRUE(claimed.ok() && claimed->has_value()) << "job " << job_id << " was not queued";
      if ((*claimed)->job.id == job_id) return;
      ASSERT_TRUE(ws_->CompleteJob((*claimed)->job.id, {false, "test: not run", "", {}}).ok());
    }
  }

  // An alerts.jsonl in the case's run directory with `n` alerts on account 010:A<i>.
  void WriteAlertsFile(int64_t case_id, int n) {
    std::filesystem::create_directories(ws_->CaseRunDir(case_id));
    std::ofstream out(ws_->CaseRunDir(case_id) / "alerts.jsonl");
    out << R"({"record":"scan","alerts":)" << n << "}\n";
    for (int i = 1; i <= n; ++i) {
      out << Json{{"record", "alert"}, {"alert_id", "ST-TEST-" + std::to_string(i)}, {"rule_id", "ST-TEST"},
                  {"severity", "high"}, {"title", "test"}, {"subjects", {"010:A" + std::to_string(i)}},
                  {"window", {{"start", "2025-09-01T00:00:00Z"}, {"end", "2025-09-02T00:00:00Z"}}},
                  {"sentence", "s"}, {"evidence", {{{"transaction_id", i}}}}}
                 .dump()
          << "\n";
    }
  }

  std::unique_ptr<Api> api_;
};

TEST_F(ApiTest, OpenApiDocumentListsExactlyTheRoutes) {
  std::ifstream in(std::string(MONEYTRAIL_SOURCE_DIR) + "/docs/api/openapi.json");
  ASSERT_TRUE(in.good());
  const Json doc = Json::parse(in);
  std::set<std::pair<std::string, std::string>> documented, served;
  for (const auto& [path, ops] : doc["paths"].items()) {
    for (const auto& [method, op] : ops.items()) {
      std::string upper = method;
      for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      documented.emplace(upper, path);
    }
  }
  for (const RouteInfo& r : Api::Routes()) served.emplace(r.method, r.pattern);
  for (const auto& r : served) EXPECT_TRUE(documented.count(r)) << "not documented: " << r.first << " " << r.second;
  for (const auto& d : documented) EXPECT_TRUE(served.count(d)) << "documented, not served: " << d.first << " " << d.second;
}

// ---- The authorisation matrix ------------------------------------------------------------------

// kItemRead/kItemWrite: the route names an item (note, evidence, job, alert, request) that carries
// 6103 in the marked cells.
enum class Scope { kNone, kCaseRead, kCaseWrite, kCaseAdmin, kItemRead, kItemWrite };
const std::set<Role> kAllRoles = {Role::kAgent, Role::kAnalyst, Role::kSupervisor, Role::kAuditor,
                                  Role::kAdministrator};
struct Rule {
  std::string method;
  std::string pattern;
  std::set<Role> roles;  // roles that may call it at all
  Scope scope;           // what it needs of the case or note it names
};
// The one declarative table. Sign-in (POST /api/v1/session) is public and tested apart.
const std::vector<Rule> kRules = {
    {"DELETE", "/api/v1/session", kAllRoles, Scope::kNone},
    {"GET", "/api/v1/me", kAllRoles, Scope::kNone},
    {"POST", "/api/v1/tokens", kAllRoles, Scope::kNone},
    {"GET", "/api/v1/agencies", kAllRoles, Scope::kNone},
    {"POST", "/api/v1/agencies", {Role::kAdministrator}, Scope::kNone},
    {"GET", "/api/v1/users", {Role::kAdministrator, Role::kAuditor}, Scope::kNone},
    {"POST", "/api/v1/users", {Role::kAdministrator}, Scope::kNone},
    {"POST", "/api/v1/users/{user_id}/disable", {Role::kAdministrator}, Scope::kNone},
    {"GET", "/api/v1/cases", kAllRoles, Scope::kNone},
    {"POST", "/api/v1/cases", {Role::kAgent, Role::kAnalyst, Role::kSupervisor}, Scope::kNone},
    {"GET", "/api/v1/cases/{case_id}", kAllRoles, Scope::kCaseRead},
    {"PATCH", "/api/v1/cases/{case_id}", kAllRoles, Scope::kCaseAdmin},
    {"GET", "/api/v1/cases/{case_id}/members", kAllRoles, Scope::kCaseRead},
    {"POST", "/api/v1/cases/{case_id}/members", kAllRoles, Scope::kCaseAdmin},
    {"DELETE", "/api/v1/cases/{case_id}/members/{user_id}", kAllRoles, Scope::kCaseAdmin},
    {"GET", "/api/v1/cases/{case_id}/notes", kAllRoles, Scope::kCaseRead},
    {"POST", "/api/v1/cases/{case_id}/notes", kAllRoles, Scope::kCaseWrite},
    {"GET", "/api/v1/notes/{note_id}", kAllRoles, Scope::kItemRead},
    {"PATCH", "/api/v1/notes/{note_id}", kAllRoles, Scope::kItemWrite},
    {"GET", "/api/v1/cases/{case_id}/evidence", kAllRoles, Scope::kCaseRead},
    {"POST", "/api/v1/cases/{case_id}/evidence", kAllRoles, Scope::kCaseWrite},
    {"GET", "/api/v1/evidence/{evidence_id}", kAllRoles, Scope::kItemRead},
    {"POST", "/api/v1/evidence/{evidence_id}/verify", kAllRoles, Scope::kItemWrite},
    {"GET", "/api/v1/cases/{case_id}/jobs", kAllRoles, Scope::kCaseRead},
    {"POST", "/api/v1/cases/{case_id}/jobs", kAllRoles, Scope::kCaseWrite},
    {"GET", "/api/v1/jobs/{job_id}", kAllRoles, Scope::kItemRead},
    {"GET", "/api/v1/jobs/{job_id}/events", kAllRoles, Scope::kItemRead},
    {"POST", "/api/v1/jobs/{job_id}/retry", kAllRoles, Scope::kItemWrite},
    {"GET", "/api/v1/cases/{case_id}/alerts", kAllRoles, Scope::kCaseRead},
    {"POST", "/api/v1/cases/{case_id}/alerts/next", kAllRoles, Scope::kCaseWrite},
    {"GET", "/api/v1/cases/{case_id}/labels", kAllRoles, Scope::kCaseRead},
    {"GET", "/api/v1/alerts/{alert_id}", kAllRoles, Scope::kItemRead},
    {"POST", "/api/v1/alerts/{alert_id}/lock", kAllRoles, Scope::kItemWrite},
    {"DELETE", "/api/v1/alerts/{alert_id}/lock", kAllRoles, Scope::kItemRead},
    {"POST", "/api/v1/alerts/{alert_id}/assign", kAllRoles, Scope::kItemWrite},
    {"POST", "/api/v1/alerts/{alert_id}/snooze", kAllRoles, Scope::kItemWrite},
    {"POST", "/api/v1/alerts/{alert_id}/disposition", kAllRoles, Scope::kItemWrite},
    {"GET", "/api/v1/cases/{case_id}/requests", kAllRoles, Scope::kCaseRead},
    {"POST", "/api/v1/cases/{case_id}/requests", kAllRoles, Scope::kCaseWrite},
    {"GET", "/api/v1/requests/{request_id}", kAllRoles, Scope::kItemRead},
    {"POST", "/api/v1/requests/{request_id}/received", kAllRoles, Scope::kItemWrite},
    {"POST", "/api/v1/cases/{case_id}/identifiers", kAllRoles, Scope::kCaseWrite},
    {"GET", "/api/v1/cases/{case_id}/deconfliction", kAllRoles, Scope::kCaseRead},
    {"GET", "/api/v1/journal", {Role::kAuditor}, Scope::kNone},
    {"GET", "/api/v1/disclosures", {Role::kAuditor}, Scope::kNone},
    {"GET", "/api/v1/cases/{case_id}/views/overview", kAllRoles, Scope::kCaseRead},
    {"GET", "/api/v1/cases/{case_id}/views/subjects", kAllRoles, Scope::kCaseRead},
    {"GET", "/api/v1/cases/{case_id}/views/subject", kAllRoles, Scope::kCaseRead},
    {"GET", "/api/v1/cases/{case_id}/views/expand", kAllRoles, Scope::kCaseRead},
    {"GET", "/api/v1/cases/{case_id}/views/path", kAllRoles, Scope::kCaseRead},
    {"GET", "/api/v1/cases/{case_id}/views/timeline", kAllRoles, Scope::kCaseRead},
    {"POST", "/api/v1/cases/{case_id}/views/export.svg", kAllRoles, Scope::kCaseRead},
    {"GET", "/api/v1/cases/{case_id}/views/trace", kAllRoles, Scope::kCaseRead},
    {"GET", "/api/v1/cases/{case_id}/views/saved", kAllRoles, Scope::kCaseRead},
    {"POST", "/api/v1/cases/{case_id}/views/saved", kAllRoles, Scope::kCaseWrite},
    {"GET", "/api/v1/cases/{case_id}/views/saved/{view_id}", kAllRoles, Scope::kItemRead},
    {"PATCH", "/api/v1/cases/{case_id}/views/saved/{view_id}", kAllRoles, Scope::kItemWrite},
    {"GET", "/api/v1/cases/{case_id}/views/annotations", kAllRoles, Scope::kCaseRead},
    {"POST", "/api/v1/cases/{case_id}/views/annotations", kAllRoles, Scope::kCaseWrite},
};

bool Expected(const Rule& rule, Role role, CaseAccess membership, bool note_marked_6103) {
  if (rule.roles.count(role) == 0) return false;
  switch (rule.scope) {
    case Scope::kNone: return true;
    case Scope::kCaseRead: return membership >= CaseAccess::kRead;
    case Scope::kCaseWrite: return membership >= CaseAccess::kWrite;
    case Scope::kCaseAdmin: return membership >= CaseAccess::kAdmin;
    case Scope::kItemRead: return membership >= CaseAccess::kRead && !note_marked_6103;
    case Scope::kItemWrite: return membership >= CaseAccess::kWrite && !note_marked_6103;
  }
  return false;
}

std::string Fill(std::string pattern, const std::string& name, int64_t value) {
  const std::string key = "{" + name + "}";
  const size_t at = pattern.find(key);
  if (at != std::string::npos) pattern.replace(at, key.size(), std::to_string(value));
  return pattern;
}

TEST_F(ApiTest, EveryRouteIsInTheAuthorisationTable) {
  for (const RouteInfo& r : Api::Routes()) {
    if (r.method == "POST" && r.pattern == "/api/v1/session") continue;
    bool found = false;
    for (const Rule& rule : kRules) found |= rule.method == r.method && rule.pattern == r.pattern;
    EXPECT_TRUE(found) << "route missing from the authorisation table: " << r.method << " " << r.pattern;
  }
}

TEST_F(ApiTest, AuthorisationMatrixRouteByRoleByMembershipByMarking) {
  // One user per role, cleared for LES only (not 6103); the owner holds every marking.
  const Role roles[] = {Role::kAgent, Role::kAnalyst, Role::kSupervisor, Role::kAuditor, Role::kAdministrator};
  std::map<Role, Actor> users;
  for (Role role : roles) {
    users[role] = MakeUser(std::string("m.") + std::string(workspace::RoleName(role)), hsi_id_, role, {"LES"});
  }
  // One case's records and investigation (tests/server/case_fixture.h), linked into every matrix
  // case that a view route reads.
  const std::filesystem::path records = dir_ / "matrix-records";
  ASSERT_TRUE(server::testing::WriteRandomStore(records / "store", 1, {}));
  server::testing::WriteRun(records / "run");
  std::filesystem::create_directories(dir_ / "cases");
  int serial = 0;
  int cells = 0;
  for (const Rule& rule : kRules) {
    for (Role role : roles) {
      for (CaseAccess membership : {CaseAccess::kAdmin, CaseAccess::kWrite, CaseAccess::kRead, CaseAccess::kNone}) {
        for (bool marked : {false, true}) {
          ++serial;
          const Actor& user = users[role];
          // A fresh case owned by irs.agent, the user a member at `membership` (or not).
          auto c = ws_->CreateCase(irs_agent_, {"M-" + std::to_string(serial), "matrix", *ParseMarkings({"LES"})});
          ASSERT_TRUE(c.ok()) << c.status().ToString();
          if (membership != CaseAccess::kNone) {
            ASSERT_TRUE(ws_->AddMember(irs_agent_, c->id, user.user.id, membership, "").ok());
          }
          const workspace::Markings item_markings = marked ? *ParseMarkings({"6103"}) : workspace::Markings{};
          auto note = ws_->AddNote(irs_agent_, c->id, "case", "", "a note", item_markings);
          ASSERT_TRUE(note.ok());
          // A saved chart view carrying the cell's markings (views/saved/{view_id}).
          auto view = ws_->AddNote(irs_agent_, c->id, "view", "matrix view",
                                   R"({"nodes":[],"groups":[],"filters":{}})", item_markings);
          ASSERT_TRUE(view.ok());
          // The case-work items, each carrying the cell's markings: evidence, a failed ingest job
          // of it (whose claim marks the store), the alert an investigation raised, a request.
          const CaseItems items = MakeCaseItems(c->id, item_markings, serial);
          // Targets for the routes that change people.
          Actor extra = MakeUser("x." + std::to_string(serial), hsi_id_, Role::kAgent, {"LES"});
          ASSERT_TRUE(ws_->AddMember(irs_agent_, c->id, extra.user.id, CaseAccess::kRead, "").ok());
          Actor joiner = MakeUser("j." + std::to_string(serial), hsi_id_, Role::kAgent, {"LES"});

          std::string path = Fill(Fill(Fill(Fill(rule.pattern, "case_id", c->id), "note_id", note->id), "user_id",
                                       extra.user.id), "view_id", view->id);
          path = Fill(Fill(Fill(Fill(path, "evidence_id", items.evidence), "job_id", items.job), "alert_id", items.alert),
                      "request_id", items.request);
          std::map<std::string, std::string> query;
          Json body = nullptr;
          if (rule.method != "GET" && rule.method != "DELETE") body = Json::object();
          if (rule.pattern == "/api/v1/tokens") body = {{"label", "script"}};
          if (rule.pattern == "/api/v1/agencies") body = {{"name", "A-" + std::to_string(serial)}};
          if (rule.pattern == "/api/v1/users") {
            body = {{"username", "u." + std::to_string(serial)}, {"agency_id", hsi_id_}, {"role", "agent"},
                    {"password", workspace::testing::kPassword}};
          }
          if (rule.pattern == "/api/v1/cases" && rule.method == "POST") {
            body = {{"number", "N-" + std::to_string(serial)}, {"title", "t"}};
          }
          if (rule.pattern == "/api/v1/cases/{case_id}" && rule.method == "PATCH") {
            body = {{"version", c->version}, {"title", "renamed"}, {"markings", {"LES"}}};
          }
          if (rule.pattern == "/api/v1/cases/{case_id}/members" && rule.method == "POST") {
            body = {{"user_id", joiner.user.id}, {"access", "read"}};
          }
          if (rule.pattern == "/api/v1/cases/{case_id}/notes" && rule.method == "POST") {
            body = {{"object_type", "alert"}, {"object_id", "A1"}, {"text", "seen"}};
          }
          if (rule.pattern == "/api/v1/notes/{note_id}") {
            if (rule.method == "PATCH") body = {{"version", note->version}, {"text", "changed"}};
          }
          if (rule.pattern == "/api/v1/cases/{case_id}/evidence" && rule.method == "POST") {
            body = {{"any", "bytes"}};  // the upload's content (a JSON text is a file too)
            query = {{"name", "upload.json"}};
          }
          if (rule.pattern == "/api/v1/cases/{case_id}/jobs" && rule.method == "POST") body = {{"kind", "investigate"}};
          if (rule.pattern == "/api/v1/alerts/{alert_id}/assign") body = {{"user_id", 0}, {"note", "n"}, {"version", 1}};
          if (rule.pattern == "/api/v1/alerts/{alert_id}/snooze") {
            body = {{"until", "2030-01-01"}, {"note", "n"}, {"version", 1}};
          }
          if (rule.pattern == "/api/v1/alerts/{alert_id}/disposition") {
            body = {{"state", "in_review"}, {"note", "n"}, {"version", 1}};
          }
          if (rule.pattern == "/api/v1/cases/{case_id}/requests" && rule.method == "POST") {
            body = {{"bank", "First Coast"}, {"accounts", {"1"}}, {"period_from", "2025-01-01"},
                    {"period_to", "2025-12-31"}};
          }
          if (rule.pattern == "/api/v1/requests/{request_id}/received") {
            body = {{"evidence_id", items.plain_evidence}, {"accounts", {"80020474750"}}, {"version", 1}};
          }
          if (rule.pattern == "/api/v1/cases/{case_id}/identifiers") body = {{"accounts", {"80020474750"}}};
          if (rule.pattern.find("/views/") != std::string::npos) {
            const std::filesystem::path store = ws_->CaseStoreDir(c->id), run = ws_->CaseRunDir(c->id);
            std::filesystem::create_directories(store.parent_path());
            std::filesystem::remove_all(store);
            std::filesystem::remove_all(run);
            std::filesystem::create_directory_symlink(records / "store", store);
            std::filesystem::create_directory_symlink(records / "run", run);
            query = {{"subject", "E1"}, {"account", "001:A0"}, {"from_account", "001:A0"}, {"to_account", "001:A0"}};
            if (rule.pattern.find("/views/timeline") != std::string::npos) query = {{"subject", "E1"}};
            const Json view_body = {{"nodes", {{{"account", "001:A0"}, {"x", 0}, {"y", 0}}}}};
            if (rule.method == "POST" && rule.pattern.find("/views/saved") != std::string::npos) {
              body = {{"name", "v"}, {"view", view_body}};
            }
            if (rule.method == "PATCH") body = {{"version", view->version}, {"view", view_body}};
            if (rule.pattern.find("/views/export.svg") != std::string::npos) body = {{"view", view_body}};
            if (rule.method == "POST" && rule.pattern.find("/views/annotations") != std::string::npos) {
              body = {{"account", "001:A0"}, {"text", "the funnel"}};
            }
          }
          ApiResponse res = Call(SignInHttp(user.user.username), rule.method, path, body, query);
          const bool allowed = res.status >= 200 && res.status < 300;
          const bool expected = Expected(rule, role, membership, marked);
          EXPECT_EQ(allowed, expected)
              << rule.method << " " << rule.pattern << " as " << workspace::RoleName(role) << ", member "
              << workspace::CaseAccessName(membership) << (marked ? ", note marked 6103" : "") << ": HTTP "
              << res.status << " " << res.body;
          if (!allowed) {
            EXPECT_TRUE(res.status == 403 || res.status == 404) << res.status << " " << res.body;
          }
          ++cells;
        }
      }
    }
  }
  EXPECT_EQ(cells, static_cast<int>(kRules.size()) * 5 * 4 * 2);
}

// ---- Sessions, CSRF, headers --------------------------------------------------------------------

TEST_F(ApiTest, StateChangesWithACookieNeedTheCsrfToken) {
  Signed s = SignInHttp("irs.agent");
  ApiRequest r{"POST", "/api/v1/cases", {}, {{"cookie", s.cookie}, {"content-type", "application/json"}},
               Json{{"number", "C-1"}, {"title", "t"}}.dump(), "127.0.0.1"};
  EXPECT_EQ(api_->Handle(r).status, 403);
  r.headers["x-csrf-token"] = std::string(s.csrf.size(), '0');
  EXPECT_EQ(api_->Handle(r).status, 403);
  r.headers["x-csrf-token"] = s.csrf;
  EXPECT_EQ(api_->Handle(r).status, 200);
}

TEST_F(ApiTest, ApiTokensNeedNoCsrfAndStopWorkingWhenTheUserIsDisabled) {
  auto token = ws_->CreateApiToken(hsi_agent_, "script");
  ASSERT_TRUE(token.ok());
  ApiRequest r{"POST", "/api/v1/cases", {}, {{"authorization", "Bearer " + *token}, {"content-type", "application/json"}},
               Json{{"number", "C-2"}, {"title", "t"}}.dump(), "127.0.0.1"};
  EXPECT_EQ(api_->Handle(r).status, 200);
  ASSERT_TRUE(ws_->SetUserDisabled(admin_, hsi_agent_.user.id, true).ok());
  r.body = Json{{"number", "C-3"}, {"title", "t"}}.dump();
  EXPECT_EQ(api_->Handle(r).status, 401);
}

TEST_F(ApiTest, SignInIssuesAFreshTokenWhateverCookieTheClientBrings) {
  // Session fixation: an attacker plants a cookie, the victim signs in with it.
  ApiRequest r{"POST", "/api/v1/session", {}, {{"content-type", "application/json"}, {"cookie", "mt_session=planted"}},
               Json{{"username", "irs.agent"}, {"password", workspace::testing::kPassword}}.dump(), "127.0.0.1"};
  ApiResponse res = api_->Handle(r);
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(res.Header("Set-Cookie").find("mt_session=planted"), std::string::npos);
  ApiRequest me{"GET", "/api/v1/me", {}, {{"cookie", "mt_session=planted"}}, "", "127.0.0.1"};
  EXPECT_EQ(api_->Handle(me).status, 401);
  EXPECT_NE(res.Header("Set-Cookie").find("HttpOnly"), std::string::npos);
  EXPECT_NE(res.Header("Set-Cookie").find("SameSite=Strict"), std::string::npos);
}

TEST_F(ApiTest, ExpiredAndSignedOutSessionsAreRefused) {
  Signed s = SignInHttp("irs.agent");
  EXPECT_EQ(Call(s, "GET", "/api/v1/me").status, 200);
  EXPECT_EQ(Call(s, "DELETE", "/api/v1/session").status, 200);
  EXPECT_EQ(Call(s, "GET", "/api/v1/me").status, 401);
  Signed t = SignInHttp("irs.agent");
  now_ += 9 * 3600;
  EXPECT_EQ(Call(t, "GET", "/api/v1/me").status, 401);
}

TEST_F(ApiTest, EveryResponseCarriesTheSecurityHeaders) {
  Signed s = SignInHttp("irs.agent");
  for (const ApiResponse& res :
       {Call(s, "GET", "/api/v1/me"), Call(s, "GET", "/api/v1/nothing"), Call(s, "GET", "/api/v1/cases/999"),
        api_->Handle(ApiRequest{"GET", "/api/v1/me", {}, {}, "", "127.0.0.1"})}) {
    EXPECT_NE(res.Header("Content-Security-Policy").find("frame-ancestors 'none'"), std::string::npos);
    EXPECT_EQ(res.Header("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(res.Header("X-Frame-Options"), "DENY");
    EXPECT_EQ(res.Header("Cache-Control"), "no-store");
  }
}

TEST_F(ApiTest, MalformedRequestsGetClearErrors) {
  Signed s = SignInHttp("irs.agent");
  ApiRequest r{"POST", "/api/v1/cases", {}, {{"cookie", s.cookie}, {"x-csrf-token", s.csrf},
                                            {"content-type", "application/json"}}, "{not json", "127.0.0.1"};
  ApiResponse res = api_->Handle(r);
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("not a JSON object"), std::string::npos);
  r.body = Json{{"number", 7}, {"title", "t"}}.dump();
  res = api_->Handle(r);
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("'number' must be a string"), std::string::npos);
  r.headers["content-type"] = "text/plain";
  EXPECT_EQ(api_->Handle(r).status, 400);
  EXPECT_EQ(Call(s, "GET", "/api/v1/cases/-1").status, 404);
  EXPECT_EQ(Call(s, "GET", "/api/v1/cases/abc").status, 404);
  EXPECT_EQ(Call(s, "PUT", "/api/v1/cases").status, 405);
}

TEST_F(ApiTest, ConcurrentNoteEditsGetAConflict) {
  Signed s = SignInHttp("irs.agent");
  ApiResponse c = Call(s, "POST", "/api/v1/cases", Json{{"number", "C-9"}, {"title", "t"}});
  ASSERT_EQ(c.status, 200);
  const int64_t case_id = Json::parse(c.body)["id"];
  ApiResponse n = Call(s, "POST", "/api/v1/cases/" + std::to_string(case_id) + "/notes",
                       Json{{"object_type", "case"}, {"text", "v1"}});
  ASSERT_EQ(n.status, 200);
  const Json note = Json::parse(n.body);
  const std::string path = "/api/v1/notes/" + std::to_string(note["id"].get<int64_t>());
  EXPECT_EQ(Call(s, "PATCH", path, Json{{"version", note["version"]}, {"text", "v2"}}).status, 200);
  EXPECT_EQ(Call(s, "PATCH", path, Json{{"version", note["version"]}, {"text", "v3"}}).status, 409);
}

}  // namespace
}  // namespace moneytrail::server
