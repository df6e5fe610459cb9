// Case work end to end over real HTTP on loopback, with the job runner: two agencies, a joint
// case, evidence uploaded as multipart/form-data (one item marked 6103), ingest and
// investigation jobs followed over Server-Sent Events, the alert queue, and a member without
// 6103 who sees neither the 6103 item nor anything derived from it. And deconfliction: every
// byte the other agency receives.
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "moneytrail/server.h"
#include "moneytrail/workspace.h"
#include "server/loopback_server.h"
#include "workspace/workspace_fixture.h"

namespace moneytrail::server {
namespace {

using Json = nlohmann::json;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class CaseworkHttpTest : public testing::LoopbackServerFixture {
 protected:
  void SetUp() override {
    LoopbackServerFixture::SetUp();
    hsi_other_ = MakeUser("hsi.other", hsi_id_, workspace::Role::kAgent, {"LES"});
    ASSERT_NO_FATAL_FAILURE(StartServer({.secure_cookies = false, .run_jobs = true}));
  }

  struct Client {
    httplib::Client http;
    std::string cookie, csrf;
    explicit Client(int port) : http("127.0.0.1", port) { http.set_read_timeout(120, 0); }
    httplib::Headers Headers() const { return {{"Cookie", cookie}, {"X-CSRF-Token", csrf}}; }
    Json Get(const std::string& path, int want = 200) {
      auto res = http.Get(path.c_str(), Headers());
      EXPECT_TRUE(res) << path;
      if (!res) return nullptr;
      EXPECT_EQ(res->status, want) << path << ": " << res->body;
      return Json::parse(res->body, nullptr, false);
    }
    Json Post(const std::string& path, const Json& body, int want = 200) {
      auto res = http.Post(path.c_str(), Headers(), body.dump(), "application/json");
      EXPECT_TRUE(res) << path;
      if (!res) return nullptr;
      EXPECT_EQ(res->status, want) << path << ": " << res->body;
      return Json::parse(res->body, nullptr, false);
    }
    Json Upload(int64_t case_id, const std::string& name, const std::string& content, const std::string& markings) {
      httplib::MultipartFormDataItems items = {{"file", content, name, "text/csv"}};
      if (!markings.empty()) items.push_back({"markings", markings, "", ""});
      auto res = http.Post(("/api/v1/cases/" + std::to_string(case_id) + "/evidence").c_str(), Headers(), items);
      EXPECT_TRUE(res);
      if (!res) return nullptr;
      EXPECT_EQ(res->status, 200) << res->body;
      return Json::parse(res->body);
    }
  };
  std::unique_ptr<Client> SignInHttp(const std::string& user) {
    auto c = std::make_unique<Client>(http_->port());
    auto res = c->http.Post("/api/v1/session",
                            Json{{"username", user}, {"password", workspace::testing::kPassword}}.dump(),
                            "application/json");
    EXPECT_TRUE(res && res->status == 200);
    if (!res) return c;
    const std::string set = res->get_header_value("Set-Cookie");
    c->cookie = set.substr(0, set.find(';'));
    c->csrf = Json::parse(res->body)["csrf_token"];
    return c;
  }

  // Follows the job's Server-Sent Events to its end; returns the last event's job.
  Json FollowJob(Client& c, int64_t job_id) {
    std::string stream;
    auto res = c.http.Get(("/api/v1/jobs/" + std::to_string(job_id) + "/events").c_str(), c.Headers(),
                          [&](const char* data, size_t n) {
                            stream.append(data, n);
                            return true;
                          });
    EXPECT_TRUE(res);
    if (res) {
      EXPECT_EQ(res->status, 200);
      EXPECT_EQ(res->get_header_value("Content-Type"), "text/event-stream");
    }
    Json last;
    size_t at = 0;
    while ((at = stream.find("data: ", at)) != std::string::npos) {
      const size_t end = stream.find('\n', at);
      last = Json::parse(stream.substr(at + 6, end - at - 6));
      at = end;
    }
    return last;
  }

  workspace::Actor hsi_other_;
};

TEST_F(CaseworkHttpTest, AMemberWithout6103SeesNeitherTheItemNorAnythingDerivedFromIt) {
  auto irs = SignInHttp("irs.agent");
  auto hsi = SignInHttp("hsi.agent");
  const Json c = irs->Post("/api/v1/cases", {{"number", "JTF-1"}, {"title", "joint"}, {"markings", {"LES"}}});
  const int64_t id = c["id"];
  const std::string cases = "/api/v1/cases/" + std::to_string(id);
  irs->Post(cases + "/members", {{"user_id", hsi_agent_.user.id}, {"access", "write"}});
  // The bank's records, in two halves: the second arrives with tax information (6103).
  const std::string all = ReadFile(std::string(MONEYTRAIL_SOURCE_DIR) + "/tests/data/indep-tiny/transactions.csv");
  const size_t header_end = all.find('\n') + 1;
  size_t half = all.find('\n', all.size() / 2) + 1;
  const std::string first = all.substr(0, half);
  const std::string second = all.substr(0, header_end) + all.substr(half);
  const Json plain = irs->Upload(id, "fnb-part1.csv", first, "");
  const Json tax = irs->Upload(id, "fnb-part2-6103.csv", second, "6103");
  EXPECT_EQ(plain["sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(tax["markings"], Json::array({"6103"}));

  // Ingest the plain half and investigate: the alerts are HSI's to see and work.
  Json job = irs->Post(cases + "/jobs", {{"kind", "ingest"}, {"evidence_ids", {plain["id"]}}, {"format", "native"}});
  Json done = FollowJob(*irs, job["id"]);
  ASSERT_EQ(done["state"], "done") << done.dump();
  job = irs->Post(cases + "/jobs", {{"kind", "investigate"}});
  done = FollowJob(*hsi, job["id"]);
  ASSERT_EQ(done["state"], "done") << done.dump();
  EXPECT_TRUE(done["markings"].empty());
  const Json queue = hsi->Get(cases + "/alerts?limit=1000");
  ASSERT_GT(queue["alerts"].size(), 0u) << "the investigation raised no alert";
  EXPECT_EQ(hsi->Get(cases + "/evidence").size(), 1u);
  hsi->Get("/api/v1/evidence/" + std::to_string(tax["id"].get<int64_t>()), 404);
  const Json next = hsi->Post(cases + "/alerts/next", Json::object());
  ASSERT_FALSE(next["alert"].is_null());
  const std::string alert = "/api/v1/alerts/" + std::to_string(next["alert"]["id"].get<int64_t>());
  irs->Post(alert + "/lock", Json::object(), 409);
  const Json confirmed = hsi->Post(alert + "/disposition",
                                   {{"state", "confirmed"}, {"note", "structured cash"}, {"version", next["alert"]["version"]}});
  EXPECT_EQ(confirmed["state"], "confirmed");
  auto labels = hsi->http.Get((cases + "/labels").c_str(), hsi->Headers());
  ASSERT_TRUE(labels);
  EXPECT_EQ(labels->body.rfind("tx_id,label\n", 0), 0u);
  EXPECT_NE(labels->body.find(",1\n"), std::string::npos);

  // Now the 6103 half enters the store: the next run's alerts derive from tax information.
  job = irs->Post(cases + "/jobs", {{"kind", "ingest"}, {"evidence_ids", {tax["id"]}}, {"format", "native"}});
  hsi->Get("/api/v1/jobs/" + std::to_string(job["id"].get<int64_t>()), 404);
  done = FollowJob(*irs, job["id"]);
  ASSERT_EQ(done["state"], "done") << done.dump();
  job = irs->Post(cases + "/jobs", {{"kind", "investigate"}});
  done = FollowJob(*irs, job["id"]);
  ASSERT_EQ(done["state"], "done") << done.dump();
  EXPECT_EQ(done["markings"], Json::array({"6103"}));
  // Every alert the new run raised carries 6103 and is hidden from HSI; an alert of the first
  // run that the new one did not raise again was derived from the plain half only, and stays.
  const Json irs_view = irs->Get(cases + "/alerts?limit=1000")["alerts"];
  const Json hsi_view = hsi->Get(cases + "/alerts?limit=1000")["alerts"];
  std::vector<int64_t> plain_alerts, seen_by_hsi;
  size_t marked = 0;
  for (const Json& a : irs_view) {
    if (a["markings"].empty()) plain_alerts.push_back(a["id"]);
    else marked += a["markings"] == Json::array({"6103"});
  }
  for (const Json& a : hsi_view) seen_by_hsi.push_back(a["id"]);
  EXPECT_GT(marked, 0u);
  EXPECT_EQ(seen_by_hsi, plain_alerts);
  hsi->Get(alert, 404);
  hsi->Get("/api/v1/jobs/" + std::to_string(job["id"].get<int64_t>()), 404);
  auto hidden = hsi->http.Get((cases + "/labels").c_str(), hsi->Headers());
  ASSERT_TRUE(hidden);
  EXPECT_EQ(hidden->body, "tx_id,label\n");
  EXPECT_TRUE(api_->WaitForJobs(60000));
}

TEST_F(CaseworkHttpTest, DeconflictionGivesTheOtherAgencyOnlyAgencyAndContact) {
  auto irs = SignInHttp("irs.agent");
  auto other = SignInHttp("hsi.other");
  const Json c = irs->Post("/api/v1/cases", {{"number", "IRS-SECRET-7"}, {"title", "Operation Quiet Harbor"}});
  irs->Post("/api/v1/cases/" + std::to_string(c["id"].get<int64_t>()) + "/identifiers",
            {{"accounts", {"6571545483"}}, {"names", {"Quiet Harbor Holdings LLC"}}});
  const Json h = other->Post("/api/v1/cases", {{"number", "HSI-3"}, {"title", "theirs"}});
  const std::string theirs = "/api/v1/cases/" + std::to_string(h["id"].get<int64_t>());
  const Json raised = other->Post(theirs + "/identifiers", {{"accounts", {"6571-5454-83"}}});
  ASSERT_EQ(raised["notices"].size(), 1u);
  auto res = other->http.Get((theirs + "/deconfliction").c_str(), other->Headers());
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  // Every byte HSI receives: its own identifier, the other agency and its contact; nothing of
  // the IRS case (no number, title, id, name or member).
  const Json notice = Json::parse(res->body).at(0);
  const std::string expected =
      nlohmann::ordered_json::array({{{"id", notice["id"]}, {"kind", "account"}, {"identifier", "6571545483"}, {"agency", "IRS-CI"},
                    {"contact", "IRS-CI duty desk 555-0100"}, {"at", notice["at"]}}})
          .dump() + "\n";
  EXPECT_EQ(res->body, expected);
  for (const char* secret : {"IRS-SECRET-7", "Quiet Harbor", "irs.agent", "quiet harbor"}) {
    EXPECT_EQ(res->body.find(secret), std::string::npos) << secret;
  }
  // The IRS case learns the same of HSI.
  const Json mine = irs->Get("/api/v1/cases/" + std::to_string(c["id"].get<int64_t>()) + "/deconfliction");
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0]["agency"], "HSI");
  EXPECT_EQ(mine[0]["contact"], "HSI duty agent 555-0199");
}

TEST_F(CaseworkHttpTest, UploadsAreLimitedAndNeedAFileName) {
  auto irs = SignInHttp("irs.agent");
  const Json c = irs->Post("/api/v1/cases", {{"number", "U-1"}, {"title", "t"}});
  const std::string path = "/api/v1/cases/" + std::to_string(c["id"].get<int64_t>()) + "/evidence";
  auto res = irs->http.Post(path.c_str(), irs->Headers(), "a,b\n", "text/csv");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400) << res->body;  // no ?name=
  res = irs->http.Post((path + "?name=x.csv&markings=NOPE").c_str(), irs->Headers(), "a,b\n", "text/csv");
  EXPECT_EQ(res->status, 400) << res->body;
  res = irs->http.Post((path + "?name=x.csv").c_str(), httplib::Headers{{"Cookie", irs->cookie}}, "a,b\n", "text/csv");
  EXPECT_EQ(res->status, 403) << "an upload with the cookie needs the CSRF token too";
  res = irs->http.Post((path + "?name=x.csv&markings=LES").c_str(), irs->Headers(), "a,b\n", "text/csv");
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(Json::parse(res->body)["markings"], Json::array({"LES"}));
}

}  // namespace
}  // namespace moneytrail::server
