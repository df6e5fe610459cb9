// The Api's warm pool (ApiOptions::warm_connections): connections opened with their statements
// compiled before the first request, so that a burst of first requests neither opens a
// connection nor compiles SQL (bench/RESULTS-ws.md, session 14). Counted, not timed.
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>
#include <vector>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "moneytrail/server.h"
#include "moneytrail/workspace.h"
#include "server/admission_gate.h"
#include "server/case_fixture.h"
#include "workspace/workspace_fixture.h"

namespace moneytrail::server {
namespace {

using Json = nlohmann::json;
using workspace::StatementCacheTotals;

class WarmPoolTest : public workspace::testing::WorkspaceFixture {
 protected:
  void SetUp() override {
    WorkspaceFixture::SetUp();
    auto c = ws_->CreateCase(irs_agent_, {"POOL-1", "warm pool", *workspace::ParseMarkings({"LES"})});
    ASSERT_TRUE(c.ok());
    case_id_ = c->id;
    // A queue: an investigation's alerts.jsonl taken in as the job runner does when a job ends.
    server::testing::WriteRun(ws_->CaseRunDir(case_id_));
    auto job = ws_->CreateJob(irs_agent_, case_id_, {workspace::kJobInvestigate, {}, "", {}});
    ASSERT_TRUE(job.ok()) << job.status().ToString();
    auto claimed = ws_->ClaimNextJob();
    ASSERT_TRUE(claimed.ok() && claimed->has_value());
    ASSERT_TRUE(ws_->CompleteJob((*claimed)->job.id, {true, "pool test queue", "{}", {}}).ok());
    auto note = ws_->AddNote(irs_agent_, case_id_, "subject", "E1", "first look", {});
    ASSERT_TRUE(note.ok());
    note_id_ = note->id;
    auto session = ws_->Login("irs.agent", workspace::testing::kPassword, "127.0.0.1");
    ASSERT_TRUE(session.ok());
    cookie_ = "mt_session=" + session->token;
    csrf_ = session->csrf;
  }

  ApiResponse Call(Api& api, const std::string& method, const std::string& path,
                   std::map<std::string, std::string> query = {}, const Json& body = nullptr) {
    ApiRequest r;
    r.method = method;
    r.path = path;
    r.query = std::move(query);
    r.headers = {{"cookie", cookie_}, {"x-csrf-token", csrf_}};
    if (!body.is_null()) {
      r.headers["content-type"] = "application/json";
      r.body = body.dump();
    }
    r.remote_address = "127.0.0.1";
    return api.Handle(r);
  }

  // Every kind of request of bench/workspace_load (the queue's first and a later page, a
  // subject, a note read and change, an alert read and a disposition) and the queue without
  // snoozed alerts; each must answer 200.
  void RunEveryKind(Api& api) {
    const std::string alerts = "/api/v1/cases/" + std::to_string(case_id_) + "/alerts";
    ApiResponse page = Call(api, "GET", alerts, {{"limit", "2"}});
    ASSERT_EQ(page.status, 200) << page.body;
    const Json first = Json::parse(page.body);
    ASSERT_FALSE(first["alerts"].empty());
    const int64_t alert_id = first["alerts"][0]["id"];
    EXPECT_EQ(Call(api, "GET", alerts, {{"limit", "2"}, {"after_id", std::to_string(alert_id)}}).status, 200);
    EXPECT_EQ(Call(api, "GET", alerts, {{"include_snoozed", "false"}}).status, 200);
    ApiResponse subject = Call(api, "GET", "/api/v1/cases/" + std::to_string(case_id_) + "/views/subject",
                               {{"subject", "E1"}});
    EXPECT_EQ(subject.status, 200) << subject.body;
    const std::string note = "/api/v1/notes/" + std::to_string(note_id_);
    ApiResponse read = Call(api, "GET", note);
    ASSERT_EQ(read.status, 200) << read.body;
    ApiResponse changed = Call(api, "PATCH", note, {},
                               Json{{"version", Json::parse(read.body)["version"]}, {"text", "second look"}});
    EXPECT_EQ(changed.status, 200) << changed.body;
    const std::string alert = "/api/v1/alerts/" + std::to_string(alert_id);
    ApiResponse got = Call(api, "GET", alert);
    ASSERT_EQ(got.status, 200) << got.body;
    ApiResponse disposed = Call(api, "POST", alert + "/disposition", {},
                                Json{{"state", "in_review"}, {"note", "looking"},
                                     {"version", Json::parse(got.body)["version"]}});
    EXPECT_EQ(disposed.status, 200) << disposed.body;
  }

  int64_t case_id_ = 0;
  int64_t note_id_ = 0;
  std::string cookie_;
  std::string csrf_;
};

TEST_F(WarmPoolTest, StatementsAreCompiledBeforeTheFirstRequestAndNoneByTheRequests) {
  Api api(*ws_, {.secure_cookies = false, .warm_connections = 3});
  const PoolCounts start = api.pool_counts();
  EXPECT_EQ(start.warmed, 3);
  EXPECT_EQ(start.idle, 3);
  EXPECT_EQ(start.opened_on_demand, 0);
  // Every warm connection compiled the same statements, once.
  ASSERT_GT(start.warm_statements, 0);
  EXPECT_EQ(start.warm_statements % 3, 0);
  // Opening a connection compiles a few statements of its own (the schema and head checks).
  EXPECT_GE(start.idle_compiled, start.warm_statements);
  RunEveryKind(api);
  const PoolCounts after = api.pool_counts();
  EXPECT_EQ(after.opened_on_demand, 0);
  EXPECT_EQ(after.idle, 3);
  // The requests' own reads ran on statements compiled ahead (their journalled changes run on
  // the committer's connection, which is not the pool's).
  EXPECT_EQ(after.idle_compiled, start.idle_compiled)
      << "a request compiled a statement that Workspace::PrepareStatements does not";
}

TEST_F(WarmPoolTest, WithoutWarmingTheFirstRequestOpensAConnectionAndCompiles) {
  Api api(*ws_, {.secure_cookies = false});
  EXPECT_EQ(api.pool_counts().warmed, 0);
  EXPECT_EQ(api.pool_counts().idle, 0);
  RunEveryKind(api);
  const PoolCounts after = api.pool_counts();
  EXPECT_EQ(after.opened_on_demand, 1);  // one request at a time: one connection, reused
  EXPECT_EQ(after.idle, 1);
  EXPECT_GT(after.idle_compiled, 0);
}

TEST_F(WarmPoolTest, PreparingAConnectionTwiceCompilesNothingMore) {
  auto connection = ws_->OpenAnother();
  ASSERT_TRUE(connection.ok());
  const StatementCacheTotals opened = (*connection)->statement_counts();
  auto first = (*connection)->PrepareStatements();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_GT(*first, 0);
  EXPECT_EQ((*connection)->statement_counts().prepared - opened.prepared, *first);
  auto again = (*connection)->PrepareStatements();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
  EXPECT_EQ((*connection)->statement_counts().reused, opened.reused);  // compiled, never run
}

}  // namespace
}  // namespace moneytrail::server

namespace moneytrail::server {
namespace {

TEST(AdmissionGateTest, AtMostNRunAtOnceAndEveryoneGetsATurn) {
  AdmissionGate gate(2);
  std::atomic<int> running{0}, most{0}, done{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      gate.Enter(false);
      const int now = ++running;
      int seen = most.load();
      while (now > seen && !most.compare_exchange_weak(seen, now)) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      --running;
      gate.Leave();
      ++done;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(done.load(), 8);
  EXPECT_LE(most.load(), 2);
  EXPECT_GE(most.load(), 1);
}

TEST(AdmissionGateTest, AResumingRequestGoesAheadOfNewOnes) {
  AdmissionGate gate(1);
  gate.Enter(false);  // the one turn, held
  std::mutex mu;
  std::vector<std::string> order;
  std::thread fresh([&] {
    gate.Enter(false);
    { std::lock_guard<std::mutex> lock(mu); order.push_back("new"); }
    gate.Leave();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // "new" waits first
  std::thread resuming([&] {
    gate.Enter(true);
    { std::lock_guard<std::mutex> lock(mu); order.push_back("resuming"); }
    gate.Leave();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  gate.Leave();
  fresh.join();
  resuming.join();
  EXPECT_EQ(order, (std::vector<std::string>{"resuming", "new"}));
}

}  // namespace
}  // namespace moneytrail::server

namespace moneytrail::server {
namespace {

TEST_F(WarmPoolTest, WithOneActiveRequestConcurrentClientsAllFinishThroughTheirCommitWaits) {
  // --active-requests 1: a request gives up its turn while its journal entry is committed, so
  // the others go on; every journalled read still answers, and the writes of one client too.
  Api api(*ws_, {.secure_cookies = false, .warm_connections = 4, .active_requests = 1});
  const std::string alerts = "/api/v1/cases/" + std::to_string(case_id_) + "/alerts";
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int k = 0; k < 5; ++k) {
        if (Call(api, "GET", alerts, {{"limit", "2"}}).status == 200) ++ok;
      }
    });
  }
  RunEveryKind(api);
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 20);
}

}  // namespace
}  // namespace moneytrail::server
