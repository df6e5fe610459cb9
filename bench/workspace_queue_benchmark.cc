// The alert queue at 100,000 alerts (issue #22): a page of 50 at the front, deep in the queue
// (keyset paging), filtered by state and rule, and a journalled disposition. Each listing also
// appends its signed journal entry, as in the server. Commits are not synced here
// (WorkspaceOptions::durable = false): the figures are the queue's CPU cost, not the disk's.
#include <sodium.h>
#include <unistd.h>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "moneytrail/workspace.h"

namespace {

using namespace moneytrail::workspace;

constexpr int kAlerts = 100000;

struct Queue {
  std::filesystem::path dir;
  std::unique_ptr<Workspace> ws;
  Actor agent;
  int64_t case_id = 0;
  int64_t last_id = 0;

  Queue() {
    dir = std::filesystem::temp_directory_path() / ("mt-queue-bench-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    const PasswordCost cost{crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
    const std::string pw = "correct horse battery";
    (void)Workspace::Init(dir, {"IRS-CI", "", "admin", pw, cost});
    WorkspaceOptions o;
    o.password_cost = cost;
    o.durable = false;
    ws = std::move(*Workspace::Open(dir, o));
    auto s = ws->Login("admin", pw, "local");
    const Actor admin = *ws->Authenticate(s->token, "local");
    NewUser nu{"agent", "", admin.user.agency_id, Role::kAgent, {}, pw};
    (void)ws->CreateUser(admin, nu);
    agent = *ws->Authenticate(ws->Login("agent", pw, "local")->token, "local");
    case_id = ws->CreateCase(agent, {"B-1", "bench", {}})->id;
    std::filesystem::create_directories(ws->CaseRunDir(case_id));
    {
      std::ofstream out(ws->CaseRunDir(case_id) / "alerts.jsonl");
      out << R"({"record":"scan"})" << "\n";
      for (int i = 0; i < kAlerts; ++i) {
        out << nlohmann::json{{"record", "alert"}, {"alert_id", "ST-" + std::to_string(i)},
                              {"rule_id", "ST-RULE-" + std::to_string(i % 10)}, {"severity", "high"},
                              {"subjects", {"010:A" + std::to_string(i % 5000)}},
                              {"window", {{"start", "2025-09-01T00:00:00Z"}, {"end", "2025-09-02T00:00:00Z"}}},
                              {"sentence", "Account received cash."},
                              {"evidence", {{{"transaction_id", i}}}}}
                   .dump()
            << "\n";
      }
    }
    auto job = ws->CreateJob(agent, case_id, {kJobInvestigate, {}, "", {}});
    (void)ws->ClaimNextJob();
    (void)ws->CompleteJob(job->id, {true, "", "{}", {}});
    last_id = ws->ListAlerts(agent, case_id, {.after_id = 0, .limit = 1})->alerts.at(0).id + kAlerts - 1;
  }
  ~Queue() {
    ws.reset();
    std::filesystem::remove_all(dir);
  }
};

Queue& TheQueue() {
  static Queue q;
  return q;
}

void BM_QueuePageFront(benchmark::State& state) {
  Queue& q = TheQueue();
  for (auto _ : state) benchmark::DoNotOptimize(q.ws->ListAlerts(q.agent, q.case_id, {.limit = 50}));
}
BENCHMARK(BM_QueuePageFront)->Unit(benchmark::kMicrosecond);

void BM_QueuePageDeep(benchmark::State& state) {
  Queue& q = TheQueue();
  for (auto _ : state) {
    benchmark::DoNotOptimize(q.ws->ListAlerts(q.agent, q.case_id, {.after_id = q.last_id - 100, .limit = 50}));
  }
}
BENCHMARK(BM_QueuePageDeep)->Unit(benchmark::kMicrosecond);

void BM_QueuePageFilteredDeep(benchmark::State& state) {
  Queue& q = TheQueue();
  for (auto _ : state) {
    benchmark::DoNotOptimize(q.ws->ListAlerts(
        q.agent, q.case_id, {.state = "open", .rule_id = "ST-RULE-3", .after_id = q.last_id - 2000, .limit = 50}));
  }
}
BENCHMARK(BM_QueuePageFilteredDeep)->Unit(benchmark::kMicrosecond);

void BM_Disposition(benchmark::State& state) {
  Queue& q = TheQueue();
  int64_t id = q.last_id - kAlerts + 1;
  for (auto _ : state) {
    const Alert a = q.ws->GetAlert(q.agent, id).value();
    benchmark::DoNotOptimize(q.ws->SetDisposition(q.agent, id, "in_review", a.version, "bench"));
    ++id;
  }
}
BENCHMARK(BM_Disposition)->Unit(benchmark::kMicrosecond);

}  // namespace
