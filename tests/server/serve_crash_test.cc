// The real server killed (SIGKILL) while clients upload evidence and set dispositions, and while
// a job runs: after a restart every acknowledged write is there, a job that was running is
// `interrupted` (and can be retried), and `moneytrail audit verify` passes.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "cli/run_binary.h"
#include "server/free_port.h"

namespace moneytrail {
namespace {

using Json = nlohmann::json;
using test_util::RunMoneytrail;
using test_util::FreePort;
using test_util::TempDir;

constexpr const char* kPassword = "correct horse battery";

class Server {
 public:
  Server(const std::string& ws, const std::filesystem::path& logs) : port_(FreePort()) {
    pid_ = test_util::SpawnMoneytrail({"serve", "--workspace", ws, "--listen", "127.0.0.1:" + std::to_string(port_)},
                                      logs / "out", logs / "err");
    httplib::Client probe("127.0.0.1", port_);
    for (int i = 0; i < 400; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
      if (probe.Get("/api/v1/me")) return;
    }
    ADD_FAILURE() << "the server did not start: " << test_util::ReadWholeFile(logs / "err");
  }
  void Kill() {
    ::kill(pid_, SIGKILL);
    test_util::WaitFor(pid_);
  }
  int port() const { return port_; }

 private:
  int port_;
  pid_t pid_;
};

struct Session {
  std::unique_ptr<httplib::Client> http;
  httplib::Headers headers;
  Session(int port, const std::string& user) : http(std::make_unique<httplib::Client>("127.0.0.1", port)) {
    http->set_read_timeout(30, 0);
    auto res = http->Post("/api/v1/session", Json{{"username", user}, {"password", kPassword}}.dump(),
                          "application/json");
    if (!res || res->status != 200) return;
    const std::string set = res->get_header_value("Set-Cookie");
    headers = {{"Cookie", set.substr(0, set.find(';'))},
               {"X-CSRF-Token", Json::parse(res->body)["csrf_token"].get<std::string>()}};
  }
  Json Post(const std::string& path, const Json& body) {
    auto res = http->Post(path.c_str(), headers, body.dump(), "application/json");
    return res && res->status == 200 ? Json::parse(res->body) : Json();
  }
  Json Get(const std::string& path) {
    auto res = http->Get(path.c_str(), headers);
    return res && res->status == 200 ? Json::parse(res->body) : Json();
  }
};

Json WaitForJob(Session& s, int64_t job_id) {
  for (int i = 0; i < 1200; ++i) {
    Json job = s.Get("/api/v1/jobs/" + std::to_string(job_id));
    if (job.is_object() && job["state"] != "queued" && job["state"] != "running") return job;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Json();
}

TEST(ServeCrashTest, EveryAcknowledgedWriteSurvivesSigkill) {
  TempDir tmp;
  const std::string ws = (tmp.path() / "jtf").string();
  ::setenv("MONEYTRAIL_ADMIN_PASSWORD", kPassword, 1);
  ASSERT_EQ(RunMoneytrail({"workspace", "init", ws, "--agency", "IRS-CI", "--admin", "admin"}).exit_code, 0);
  auto server = std::make_unique<Server>(ws, tmp.path());
  Session admin(server->port(), "admin");
  const Json me = admin.Get("/api/v1/me");
  ASSERT_TRUE(admin.Post("/api/v1/users", {{"username", "agent"}, {"agency_id", me["agency_id"]}, {"role", "agent"},
                                           {"clearances", {"LES"}}, {"password", kPassword}})
                  .is_object());
  Session agent(server->port(), "agent");
  const Json c = agent.Post("/api/v1/cases", {{"number", "CR-1"}, {"title", "crash"}});
  ASSERT_TRUE(c.is_object());
  const std::string cases = "/api/v1/cases/" + std::to_string(c["id"].get<int64_t>());
  // Records, ingested and investigated, so that there are alerts to dispose of.
  const std::string records =
      test_util::ReadWholeFile(std::filesystem::path(MONEYTRAIL_SOURCE_DIR) / "tests/data/indep-tiny/transactions.csv");
  auto up = agent.http->Post((cases + "/evidence?name=fnb.csv").c_str(), agent.headers, records, "text/csv");
  ASSERT_TRUE(up && up->status == 200);
  Json job = agent.Post(cases + "/jobs", {{"kind", "ingest"}, {"evidence_ids", {Json::parse(up->body)["id"]}},
                                          {"format", "native"}});
  ASSERT_EQ(WaitForJob(agent, job["id"])["state"], "done");
  job = agent.Post(cases + "/jobs", {{"kind", "investigate"}});
  ASSERT_EQ(WaitForJob(agent, job["id"])["state"], "done");
  const Json alerts = agent.Get(cases + "/alerts?limit=1000")["alerts"];
  ASSERT_GE(alerts.size(), 3u);

  std::map<std::string, bool> uploaded;        // acknowledged sha256s
  std::map<int64_t, int64_t> disposed;         // alert -> acknowledged version
  size_t next_alert = 0;
  for (int round = 0; round < 3; ++round) {
    // An investigation queued just before the kill: it may be queued, running or done then.
    const Json pending = agent.Post(cases + "/jobs", {{"kind", "investigate"}});
    std::atomic<bool> stop{false};
    std::mutex mutex;
    auto writer_session = std::make_unique<Session>(server->port(), "agent");
    size_t acknowledged_before = uploaded.size();
    std::thread writer([&] {
      Session& s = *writer_session;
      for (int i = 0; !stop; ++i) {
        const std::string body = "round " + std::to_string(round) + " upload " + std::to_string(i) + "\n";
        auto res = s.http->Post((cases + "/evidence?name=u.txt").c_str(), s.headers, body, "text/plain");
        if (!res) break;  // the server is gone
        if (res->status == 200) {
          std::lock_guard<std::mutex> lock(mutex);
          uploaded[Json::parse(res->body)["sha256"].get<std::string>()] = true;
        }
        size_t pick;
        {
          std::lock_guard<std::mutex> lock(mutex);
          if (next_alert >= alerts.size()) continue;
          pick = next_alert++;
        }
        const int64_t id = alerts[pick]["id"];
        const Json done = s.Post("/api/v1/alerts/" + std::to_string(id) + "/disposition",
                                 {{"state", "cleared"}, {"note", "round " + std::to_string(round)},
                                  {"version", alerts[pick]["version"]}});
        if (done.is_object()) {
          std::lock_guard<std::mutex> lock(mutex);
          disposed[id] = done["version"];
        }
      }
    });
    // Kill once some writes were acknowledged (at a different moment each round).
    for (int i = 0; i < 400; ++i) {
      {
        std::lock_guard<std::mutex> lock(mutex);
        if (uploaded.size() >= acknowledged_before + 2 + round) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(37 * round));
    server->Kill();
    stop = true;
    writer.join();
    EXPECT_EQ(RunMoneytrail({"audit", "verify", ws}).exit_code, 0) << "round " << round;
    server = std::make_unique<Server>(ws, tmp.path());
    agent = Session(server->port(), "agent");
    Session check(server->port(), "agent");
    std::map<std::string, bool> listed;
    for (const Json& e : check.Get(cases + "/evidence")) {
      listed[e["sha256"].get<std::string>()] = true;
      EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(ws) / "evidence" / e["sha256"].get<std::string>()));
    }
    for (const auto& [sha, ok] : uploaded) EXPECT_TRUE(listed.count(sha)) << "acknowledged upload lost: " << sha;
    for (const auto& [id, version] : disposed) {
      const Json a = check.Get("/api/v1/alerts/" + std::to_string(id));
      EXPECT_EQ(a["state"], "cleared") << "acknowledged disposition lost: alert " << id;
      EXPECT_EQ(a["version"], version);
    }
    // The job is never left running: interrupted (then retried), or done.
    const Json state = WaitForJob(check, pending["id"]);
    ASSERT_TRUE(state.is_object());
    if (state["state"] == "interrupted") {
      const Json retry = check.Post("/api/v1/jobs/" + std::to_string(pending["id"].get<int64_t>()) + "/retry",
                                    Json::object());
      EXPECT_EQ(WaitForJob(check, retry["id"])["state"], "done");
    } else {
      EXPECT_EQ(state["state"], "done") << state.dump();
    }
  }
  EXPECT_GT(uploaded.size(), 0u);
  server->Kill();
  EXPECT_EQ(RunMoneytrail({"audit", "verify", ws}).exit_code, 0);
}

}  // namespace
}  // namespace moneytrail
