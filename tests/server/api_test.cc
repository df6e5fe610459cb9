// The API in-process: the authorisation matrix generated from one declarative table, the
// OpenAPI document against the route table, sessions, CSRF and security headers.
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "moneytrail/generate.h"
#include "moneytrail/investigate.h"
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
    {"GET", "/api/v1/evidence/{evidence_id}/content", kAllRoles, Scope::kItemRead},
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
    {"GET", "/api/v1/cases/{case_id}/views/money-path", kAllRoles, Scope::kCaseRead},
    {"GET", "/api/v1/cases/{case_id}/views/patterns", kAllRoles, Scope::kCaseRead},
    {"GET", "/api/v1/cases/{case_id}/views/pattern", kAllRoles, Scope::kCaseRead},
    {"POST", "/api/v1/cases/{case_id}/alerts/{alert_id}/exclusion", kAllRoles, Scope::kItemWrite},
    {"DELETE", "/api/v1/cases/{case_id}/alerts/{alert_id}/exclusion", kAllRoles, Scope::kItemWrite},
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
  // One case per role x membership x marking, shared by every route of the table (each route is
  // called once per cell). Routes that change state read the current versions first, and a
  // change never takes away what a later route of the same cell needs (the people routes act on
  // users made for them; signing out uses a session of its own).
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
        // The view routes read one case's records and investigation, linked in.
        const std::filesystem::path store = ws_->CaseStoreDir(c->id), run = ws_->CaseRunDir(c->id);
        std::filesystem::create_directories(store.parent_path());
        std::filesystem::remove_all(store);
        std::filesystem::remove_all(run);
        std::filesystem::create_directory_symlink(records / "store", store);
        std::filesystem::create_directory_symlink(records / "run", run);
        const Signed session = SignInHttp(user.user.username);
        for (const Rule& rule : kRules) {
          ++serial;
          // Targets for the routes that change people: a member to remove or disable, a user to add.
          const bool adds_member = rule.method == "POST" && rule.pattern == "/api/v1/cases/{case_id}/members";
          Actor extra, joiner;
          if (rule.pattern.find("{user_id}") != std::string::npos) {
            extra = MakeUser("x." + std::to_string(serial), hsi_id_, Role::kAgent, {"LES"});
            ASSERT_TRUE(ws_->AddMember(irs_agent_, c->id, extra.user.id, CaseAccess::kRead, "").ok());
          }
          if (adds_member) joiner = MakeUser("j." + std::to_string(serial), hsi_id_, Role::kAgent, {"LES"});

          std::string path = Fill(Fill(Fill(Fill(rule.pattern, "case_id", c->id), "note_id", note->id), "user_id",
                                       extra.user.id), "view_id", view->id);
          path = Fill(Fill(Fill(Fill(path, "evidence_id", items.evidence), "job_id", items.job), "alert_id", items.alert),
                      "request_id", items.request);
          // The current versions, as the owner sees them.
          auto case_now = ws_->GetCase(irs_agent_, c->id);
          auto note_now = ws_->GetNote(irs_agent_, note->id);
          auto alert_now = ws_->GetAlert(irs_agent_, items.alert);
          auto request_now = ws_->GetRecordsRequest(irs_agent_, items.request);
          ASSERT_TRUE(case_now.ok() && note_now.ok() && alert_now.ok() && request_now.ok());
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
            body = {{"version", case_now->version}, {"title", "renamed"}, {"markings", {"LES"}}};
          }
          if (adds_member) body = {{"user_id", joiner.user.id}, {"access", "read"}};
          if (rule.pattern == "/api/v1/cases/{case_id}/notes" && rule.method == "POST") {
            body = {{"object_type", "alert"}, {"object_id", "A1"}, {"text", "seen"}};
          }
          if (rule.pattern == "/api/v1/notes/{note_id}") {
            if (rule.method == "PATCH") body = {{"version", note_now->version}, {"text", "changed"}};
          }
          if (rule.pattern == "/api/v1/cases/{case_id}/evidence" && rule.method == "POST") {
            body = {{"any", "bytes"}};  // the upload's content (a JSON text is a file too)
            query = {{"name", "upload.json"}};
          }
          if (rule.pattern == "/api/v1/cases/{case_id}/jobs" && rule.method == "POST") body = {{"kind", "investigate"}};
          const int64_t alert_version = alert_now->version;
          if (rule.pattern == "/api/v1/alerts/{alert_id}/assign") {
            body = {{"user_id", 0}, {"note", "n"}, {"version", alert_version}};
          }
          if (rule.pattern == "/api/v1/alerts/{alert_id}/snooze") {
            body = {{"until", "2030-01-01"}, {"note", "n"}, {"version", alert_version}};
          }
          if (rule.pattern == "/api/v1/alerts/{alert_id}/disposition") {
            body = {{"state", "in_review"}, {"note", "n"}, {"version", alert_version}};
          }
          if (rule.pattern == "/api/v1/cases/{case_id}/requests" && rule.method == "POST") {
            body = {{"bank", "First Coast"}, {"accounts", {"1"}}, {"period_from", "2025-01-01"},
                    {"period_to", "2025-12-31"}};
          }
          if (rule.pattern == "/api/v1/requests/{request_id}/received") {
            body = {{"evidence_id", items.plain_evidence}, {"accounts", {"80020474750"}},
                    {"version", request_now->version}};
          }
          if (rule.pattern == "/api/v1/cases/{case_id}/identifiers") body = {{"accounts", {"80020474750"}}};
          if (rule.pattern.find("/views/") != std::string::npos) {
            query = {{"subject", "E1"}, {"account", "001:A0"}, {"from_account", "001:A0"}, {"to_account", "001:A0"},
                     {"instance", "1"}};
            if (rule.pattern.find("/views/money-path") != std::string::npos) query["to_account"] = "001:A1";
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
          if (rule.pattern.ends_with("/exclusion")) body = {{"reason", "reviewed"}};
          const bool signs_out = rule.method == "DELETE" && rule.pattern == "/api/v1/session";
          ApiResponse res = Call(signs_out ? SignInHttp(user.user.username) : session, rule.method, path, body, query);
          // The exclusion routes pass authorisation, then find no finished investigation to re-rank
          // in the matrix's cases (409); ExclusionRoutesReRankARealCase runs them on one
          const bool allowed = (res.status >= 200 && res.status < 300) ||
                               (rule.pattern.ends_with("/exclusion") && res.status == 409);
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

// The exclusion routes on a real investigation of a generated tiny world: POST excludes the
// alert (custody.json records who, when and why; the scan's alerts.jsonl is unchanged; the rank
// stage ran again), DELETE counts it again; a reader may not; each decision is journalled as a
// note on the alert.
TEST_F(ApiTest, ExclusionRoutesReRankARealCase) {
  auto c = ws_->CreateCase(irs_agent_, {"X-1", "exclusions", *ParseMarkings({"LES"})});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  Result<generate::GenerateOptions> g = generate::PresetOptions("tiny");
  ASSERT_TRUE(g.ok());
  g->out_dir = (dir_ / "exclusion-bank").string();
  g->seed = 5;
  g->threads = 1;
  ASSERT_TRUE(generate::Generate(*g).ok());
  auto job = ws_->CreateJob(irs_agent_, c->id, {workspace::kJobInvestigate, {}, "", {}});
  ASSERT_TRUE(job.ok());
  ClaimUntil(job->id);
  cases::InvestigateOptions o;
  o.store = dir_ / "exclusion-store";
  o.files = {dir_ / "exclusion-bank" / "transactions.csv"};
  o.ingest.format = "native";
  o.parties = dir_ / "exclusion-bank";
  o.out = ws_->CaseRunDir(c->id);
  o.top = 3;
  o.threads = 1;
  o.pdf = false;
  ASSERT_TRUE(cases::Investigate(o).ok());
  ASSERT_TRUE(ws_->CompleteJob(job->id, {true, "", "{}", {}}).ok());
  auto page = ws_->ListAlerts(irs_agent_, c->id, {});
  ASSERT_TRUE(page.ok() && !page->alerts.empty());
  const workspace::Alert alert = page->alerts.front();
  const std::filesystem::path run = ws_->CaseRunDir(c->id);
  std::ifstream alerts_in(run / "alerts.jsonl");
  const std::string alerts_before((std::istreambuf_iterator<char>(alerts_in)), std::istreambuf_iterator<char>());
  const std::string path = "/api/v1/cases/" + std::to_string(c->id) + "/alerts/" + std::to_string(alert.id) + "/exclusion";

  Actor reader = MakeUser("x.reader", hsi_id_, Role::kAgent, {"LES"});
  ASSERT_TRUE(ws_->AddMember(irs_agent_, c->id, reader.user.id, CaseAccess::kRead, "").ok());
  EXPECT_EQ(Call(SignInHttp("x.reader"), "POST", path, Json{{"reason", "r"}}).status, 403);
  const Signed agent = SignInHttp("irs.agent");
  EXPECT_EQ(Call(agent, "POST", path, Json::object()).status, 400) << "a reason is required";

  ApiResponse res = Call(agent, "POST", path, Json{{"reason", "reviewed: payroll"}});
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(Json::parse(res.body)["alert_id"], alert.alert_id);
  auto custody = [&] {
    std::ifstream in(run / "custody.json");
    return Json::parse(in);
  };
  Json cj = custody();
  ASSERT_EQ(cj["manual_exclusions"].size(), 1u);
  EXPECT_EQ(cj["manual_exclusions"][0]["alert_id"], alert.alert_id);
  EXPECT_EQ(cj["manual_exclusions"][0]["who"], "irs.agent");
  EXPECT_EQ(cj["manual_exclusions"][0]["why"], "reviewed: payroll");
  std::ifstream alerts_after_in(run / "alerts.jsonl");
  const std::string alerts_after((std::istreambuf_iterator<char>(alerts_after_in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(alerts_before, alerts_after);
  for (const Json& st : cj["stages"]) {
    if (st["name"] == "rank") {
      EXPECT_EQ(st["runs"], 2);
    }
    if (st["name"] == "rules") {
      EXPECT_EQ(st["runs"], 1);
    }
  }
  EXPECT_EQ(Call(agent, "POST", path, Json{{"reason", "again"}}).status, 400) << "already excluded";

  res = Call(agent, "DELETE", path, Json{{"reason", "not supported"}});
  ASSERT_EQ(res.status, 200) << res.body;
  cj = custody();
  ASSERT_EQ(cj["manual_exclusions"].size(), 2u);
  EXPECT_EQ(cj["manual_exclusions"][1]["action"], "include");
  auto notes = ws_->ListNotes(irs_agent_, c->id);
  ASSERT_TRUE(notes.ok());
  int on_alert = 0;
  for (const workspace::Note& n : *notes) on_alert += n.object_type == "alert" && n.object_id == alert.alert_id;
  EXPECT_EQ(on_alert, 2);
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


TEST_F(ApiTest, EvidenceDownloadIsAnAttachmentWithItsHashUnderTheItemsAccessRuleAndJournalled) {
  auto c = ws_->CreateCase(irs_agent_, {"D-1", "downloads", *ParseMarkings({"LES"})});
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(ws_->AddMember(irs_agent_, c->id, hsi_agent_.user.id, CaseAccess::kRead, "").ok());
  const std::string bytes = std::string("date,amount\n2025-09-01,9500.00\n") + '\0' + "\xff tail";
  auto plain = ws_->AddEvidence(irs_agent_, c->id, "st\"mt <1>.csv", "text/html", bytes, {});
  auto tax = ws_->AddEvidence(irs_agent_, c->id, "transcript.csv", "text/csv", "tax,1\n", *ParseMarkings({"6103"}));
  ASSERT_TRUE(plain.ok() && tax.ok());
  const std::string path = "/api/v1/evidence/" + std::to_string(plain->id) + "/content";

  ApiResponse res = Call(SignInHttp("hsi.agent"), "GET", path);
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.body, bytes);
  EXPECT_EQ(res.Header("Content-Type"), "application/octet-stream");  // never the uploaded text/html
  EXPECT_EQ(res.Header("Content-Disposition"),
            "attachment; filename=\"st_mt _1_.csv\"; filename*=UTF-8''st%22mt%20%3C1%3E.csv");
  EXPECT_EQ(res.Header("X-Content-SHA256"), plain->sha256);
  EXPECT_EQ(res.Header("X-Content-Type-Options"), "nosniff");
  // The 6103 item is not there for a member without 6103, exactly as a missing one.
  EXPECT_EQ(Call(SignInHttp("hsi.agent"), "GET", "/api/v1/evidence/" + std::to_string(tax->id) + "/content").status, 404);
  EXPECT_EQ(Call(SignInHttp("hsi.agent"), "GET", "/api/v1/evidence/999999/content").status, 404);
  EXPECT_EQ(Call(SignInHttp("irs.agent"), "GET", "/api/v1/evidence/" + std::to_string(tax->id) + "/content").status, 200);

  // Journalled with who, what, size and hash.
  workspace::JournalQuery q;
  q.object = "evidence/" + std::to_string(plain->id);
  auto entries = ws_->QueryJournal(auditor_, q);
  ASSERT_TRUE(entries.ok());
  int downloads = 0;
  for (const auto& e : *entries) {
    if (e.action != "download") continue;
    ++downloads;
    EXPECT_EQ(e.username, "hsi.agent");
    EXPECT_EQ(e.case_id, c->id);
    EXPECT_NE(e.reason.find(std::to_string(bytes.size()) + " bytes"), std::string::npos) << e.reason;
    EXPECT_NE(e.reason.find(plain->sha256), std::string::npos) << e.reason;
  }
  EXPECT_EQ(downloads, 1);

  // A stored file that no longer matches its hash is not handed out.
  const std::filesystem::path stored = ws_->EvidencePath(plain->sha256);
  std::filesystem::permissions(stored, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
  std::ofstream(stored, std::ios::binary | std::ios::trunc) << "altered";
  res = Call(SignInHttp("irs.agent"), "GET", path);
  EXPECT_EQ(res.status, 500);
  EXPECT_EQ(res.body.find("altered"), std::string::npos);
  std::filesystem::remove(stored);
  EXPECT_EQ(Call(SignInHttp("irs.agent"), "GET", path).status, 500);
}

}  // namespace
}  // namespace moneytrail::server
