// The API in-process: the authorisation matrix generated from one declarative table, the
// OpenAPI document against the route table, sessions, CSRF and security headers.
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
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

enum class Scope { kNone, kCaseRead, kCaseWrite, kCaseAdmin, kNoteRead, kNoteWrite };
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
    {"GET", "/api/v1/notes/{note_id}", kAllRoles, Scope::kNoteRead},
    {"PATCH", "/api/v1/notes/{note_id}", kAllRoles, Scope::kNoteWrite},
    {"GET", "/api/v1/journal", {Role::kAuditor}, Scope::kNone},
    {"GET", "/api/v1/disclosures", {Role::kAuditor}, Scope::kNone},
    {"GET", "/api/v1/cases/{case_id}/views/overview", kAllRoles, Scope::kCaseRead},
    {"GET", "/api/v1/cases/{case_id}/views/subjects", kAllRoles, Scope::kCaseRead},
    {"GET", "/api/v1/cases/{case_id}/views/subject", kAllRoles, Scope::kCaseRead},
    {"GET", "/api/v1/cases/{case_id}/views/expand", kAllRoles, Scope::kCaseRead},
    {"GET", "/api/v1/cases/{case_id}/views/path", kAllRoles, Scope::kCaseRead},
};

bool Expected(const Rule& rule, Role role, CaseAccess membership, bool note_marked_6103) {
  if (rule.roles.count(role) == 0) return false;
  switch (rule.scope) {
    case Scope::kNone: return true;
    case Scope::kCaseRead: return membership >= CaseAccess::kRead;
    case Scope::kCaseWrite: return membership >= CaseAccess::kWrite;
    case Scope::kCaseAdmin: return membership >= CaseAccess::kAdmin;
    case Scope::kNoteRead: return membership >= CaseAccess::kRead && !note_marked_6103;
    case Scope::kNoteWrite: return membership >= CaseAccess::kWrite && !note_marked_6103;
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
          auto note = ws_->AddNote(irs_agent_, c->id, "case", "", "a note",
                                   marked ? *ParseMarkings({"6103"}) : workspace::Markings{});
          ASSERT_TRUE(note.ok());
          // Targets for the routes that change people.
          Actor extra = MakeUser("x." + std::to_string(serial), hsi_id_, Role::kAgent, {"LES"});
          ASSERT_TRUE(ws_->AddMember(irs_agent_, c->id, extra.user.id, CaseAccess::kRead, "").ok());
          Actor joiner = MakeUser("j." + std::to_string(serial), hsi_id_, Role::kAgent, {"LES"});

          std::string path = Fill(Fill(Fill(rule.pattern, "case_id", c->id), "note_id", note->id), "user_id",
                                  extra.user.id);
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
          std::map<std::string, std::string> query;
          if (rule.pattern.find("/views/") != std::string::npos) {
            const std::filesystem::path case_dir = dir_ / "cases" / std::to_string(c->id);
            std::filesystem::create_directories(case_dir);
            std::filesystem::create_directory_symlink(records / "store", case_dir / "store");
            std::filesystem::create_directory_symlink(records / "run", case_dir / "run");
            query = {{"subject", "E1"}, {"account", "001:A0"}, {"from_account", "001:A0"}, {"to_account", "001:A0"}};
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
