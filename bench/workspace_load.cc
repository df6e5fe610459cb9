// A bounded load generator for `moneytrail serve` (issue #22, "Measures"): N client threads on
// loopback, each with its own connection, send a fixed number of requests of each kind and the
// tool prints p50 and p99 latency per kind. bench/workspace_load.sh prepares the workspace and
// runs it; figures in bench/RESULTS-ws.md.
//
//   workspace_load prepare WS_DIR PASSWORD ALERTS SUBJECTS   # a case with a queue (library calls)
//   workspace_load run PORT USER PASSWORD CASE_ID CLIENTS ROUNDS
//
// `prepare` creates user "load.agent" (password PASSWORD, cleared LES), case LOAD-1 and its queue
// of ALERTS alerts (an investigate job completed with a written alerts.jsonl, as the server's
// job runner does) and a subjects.csv of SUBJECTS subjects; it prints the case id. The case's
// store is made by the script (`moneytrail ingest` into cases/<id>/store).
// `run`: each client, ROUNDS times: the queue's first page, a deep page (after_id), one subject
// view, one note read, one note change (its own note: no conflicts), one disposition (its own
// alerts). Every answer must be 200; a failure is counted and printed.
#include <httplib.h>
#include <sodium.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <time.h>

#include "moneytrail/workspace.h"
#include "workspace_load.h"

namespace {

using namespace workspace_load;
using Json = nlohmann::json;
namespace ws = moneytrail::workspace;

int Prepare(const std::filesystem::path& dir, const std::string& password, int alerts, int subjects) {
  ws::WorkspaceOptions options;
  auto opened = ws::Workspace::Open(dir, options);
  if (!opened.ok()) return fmt::print(stderr, "{}\n", opened.status().ToString()), 2;
  ws::Workspace& w = **opened;
  auto admin_session = w.Login("admin", password, "local");
  if (!admin_session.ok()) return fmt::print(stderr, "{}\n", admin_session.status().ToString()), 2;
  const ws::Actor admin = *w.Authenticate(admin_session->token, "local");
  ws::NewUser nu{"load.agent", "load test agent", admin.user.agency_id, ws::Role::kAgent, {"LES"}, password};
  if (auto u = w.CreateUser(admin, nu); !u.ok()) return fmt::print(stderr, "{}\n", u.status().ToString()), 2;
  const ws::Actor agent = *w.Authenticate(w.Login("load.agent", password, "local")->token, "local");
  auto c = w.CreateCase(agent, {"LOAD-1", "load test", *ws::ParseMarkings({"LES"})});
  if (!c.ok()) return fmt::print(stderr, "{}\n", c.status().ToString()), 2;
  const std::filesystem::path run = w.CaseRunDir(c->id);
  std::filesystem::create_directories(run);
  {
    std::ofstream out(run / "alerts.jsonl");
    out << R"({"record":"scan"})" << "\n";
    for (int i = 0; i < alerts; ++i) {
      out << Json{{"record", "alert"}, {"alert_id", "ST-" + std::to_string(i)},
                  {"rule_id", "ST-RULE-" + std::to_string(i % 10)}, {"severity", "high"},
                  {"subjects", {"010:A" + std::to_string(i % subjects)}},
                  {"window", {{"start", "2022-09-01T00:00:00Z"}, {"end", "2022-09-02T00:00:00Z"}}},
                  {"sentence", "Account received structured cash deposits."},
                  {"evidence", {{{"transaction_id", i}}}}}
                 .dump()
          << "\n";
    }
    std::ofstream csv(run / "subjects.csv");
    csv << "rank,subject,holder,tier,rule_points,alerts,rules,accounts,related_parties,reasons\n";
    for (int s = 0; s < subjects; ++s) {
      csv << s + 1 << ",E" << s << ",Holder " << s << ",1,10," << alerts / subjects << ",ST-RULE-1,010:A" << s
          << ",,\"rule points 10\"\n";
    }
  }
  auto job = w.CreateJob(agent, c->id, {ws::kJobInvestigate, {}, "", {}});
  if (!job.ok()) return fmt::print(stderr, "{}\n", job.status().ToString()), 2;
  auto claimed = w.ClaimNextJob();
  if (!claimed.ok() || !claimed->has_value()) return fmt::print(stderr, "no job to claim\n"), 2;
  if (auto st = w.CompleteJob((*claimed)->job.id, {true, "load test queue", "{}", {}}); !st.ok()) {
    return fmt::print(stderr, "{}\n", st.ToString()), 2;
  }
  fmt::print("{}\n", c->id);
  return 0;
}

}  // namespace

std::optional<workspace_load::Login> workspace_load::SignIn(int port, const std::string& user, const std::string& password,
                                                           int64_t case_id) {
  httplib::Client login("127.0.0.1", port);
  auto res = login.Post("/api/v1/session", Json{{"username", user}, {"password", password}}.dump(),
                        "application/json");
  if (!res || res->status != 200) return fmt::print(stderr, "sign-in failed\n"), std::nullopt;
  const std::string set = res->get_header_value("Set-Cookie");
  Login out{set.substr(0, set.find(';')), Json::parse(res->body)["csrf_token"].get<std::string>()};
  auto first = login.Get("/api/v1/cases/" + std::to_string(case_id) + "/alerts?limit=1", {{"Cookie", out.cookie}});
  if (!first || first->status != 200) return fmt::print(stderr, "cannot read the queue\n"), std::nullopt;
  out.first_id = Json::parse(first->body)["alerts"][0]["id"];
  return out;
}

namespace {

int Run(int port, const std::string& user, const std::string& password, int64_t case_id, int clients,
        int rounds) {
  const std::optional<Login> login = SignIn(port, user, password, case_id);
  if (!login) return 2;
  const httplib::Headers headers = {{"Cookie", login->cookie}, {"X-CSRF-Token", login->csrf}};
  const std::string base = "/api/v1/cases/" + std::to_string(case_id);
  // The deep page starts here: the queue's last 1% of ids.
  const int64_t first_id = login->first_id;
  Samples samples;
  std::atomic<int> ready{0};
  // Browsers, curl and Python's HTTP clients send with TCP_NODELAY; cpp-httplib's client does
  // not by default, and it writes a request's headers and body in two writes, so with Nagle's
  // algorithm every POST or PATCH waited for the server's delayed ACK (~40 ms) before its body
  // left. WORKSPACE_LOAD_NAGLE=1 keeps that behaviour (to compare with earlier figures).
  const char* nagle_env = std::getenv("WORKSPACE_LOAD_NAGLE");
  const bool nagle = nagle_env != nullptr && std::string(nagle_env) == "1";
  const char* trace_env = std::getenv("WORKSPACE_LOAD_TRACE");
  const std::string trace_path = trace_env != nullptr ? trace_env : "";
  auto micros = [] {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  };
  auto thread_cpu_micros = [] {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<int64_t>(t.tv_sec) * 1000000 + t.tv_nsec / 1000;
  };
  auto client = [&](int k) {
    const int64_t thread_started = micros();
    int round = -1;
    httplib::Client http("127.0.0.1", port);
    http.set_keep_alive(true);
    http.set_tcp_nodelay(!nagle);
    // A deadline per request: a server that stops answering fails the run instead of hanging it.
    http.set_connection_timeout(10, 0);
    http.set_read_timeout(30, 0);
    http.set_write_timeout(30, 0);
    // The headers of a timed request: in a traced run, with its X-Trace-Id.
    httplib::Headers traced_headers = headers;
    auto timed = [&](const std::string& kind, auto&& call) -> httplib::Result {
      std::string trace_id;
      int64_t cpu0 = 0, us0 = 0;
      if (!trace_path.empty()) {
        trace_id = fmt::format("{}.{}.{}", k, round, KindCode(kind));
        traced_headers = headers;
        traced_headers.emplace("X-Trace-Id", trace_id);
        cpu0 = thread_cpu_micros();
        us0 = micros();
      }
      const auto t0 = std::chrono::steady_clock::now();
      ++samples.sent;
      httplib::Result r = call();
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      if (!trace_path.empty()) {
        const int64_t us1 = micros(), cpu1 = thread_cpu_micros();
        std::lock_guard<std::mutex> lock(samples.mutex);
        samples.trace_lines.push_back(fmt::format("client-trace id={} kind={} sent={} answered={} cpu_us={}",
                                                  trace_id, KindCode(kind), us0, us1,
                                                  cpu1 - cpu0));
      }
      if (!r || r->status != 200) {
        if (samples.failures++ < 5) {
          fmt::print(stderr, "{}: HTTP {} {}\n", kind, r ? r->status : -1,
                     r ? r->body.substr(0, 200) : "no answer: " + httplib::to_string(r.error()));
        }
      } else {
        samples.Add(kind, ms);
      }
      return r;
    };
    // Its own note (so note writes never conflict) and its own alerts for dispositions.
    ++samples.sent;
    auto note = http.Post(base + "/notes", headers,
                          Json{{"object_type", "subject"}, {"object_id", "E" + std::to_string(k)}, {"text", "load 0"}}.dump(),
                          "application/json");
    if (!note || note->status != 200) {
      // Counted as ready all the same: the other clients wait for every client to be ready, and
      // one that gave up must not hold them forever (session 11's "hang" of the group commit was
      // this wait: see bench/RESULTS-ws.md, session 12).
      if (samples.failures++ < 5) {
        fmt::print(stderr, "client {}: its note: HTTP {} {}\n", k, note ? note->status : -1,
                   note ? note->body.substr(0, 200) : httplib::to_string(note.error()));
      }
      ++ready;
      return;
    }
    const int64_t note_id = Json::parse(note->body)["id"];
    int64_t note_version = Json::parse(note->body)["version"];
    const int64_t note_answered = micros();
    ++ready;
    while (ready.load() < clients) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (!trace_path.empty()) {
      std::lock_guard<std::mutex> lock(samples.mutex);
      samples.trace_lines.push_back(fmt::format("client-start client={} thread_started={} note_answered={} released={}",
                                                k, thread_started, note_answered, micros()));
    }
    for (int i = 0; i < rounds; ++i) {
      round = i;
      const auto page_start = std::chrono::steady_clock::now();
      auto page = timed("queue: first page of 50", [&] { return http.Get(base + "/alerts?limit=50", traced_headers); });
      if (page && page->status == 200) {
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - page_start).count();
        std::lock_guard<std::mutex> lock(samples.mutex);
        (i == 0 ? samples.first_page_round0 : samples.first_page_later).push_back(ms);
      }
      const int64_t deep = first_id + 99000 + (k * 17 + i * 7) % 900;
      timed("queue: page of 50 after 99,000", [&] {
        return http.Get(base + "/alerts?limit=50&after_id=" + std::to_string(deep), traced_headers);
      });
      timed("subject view", [&] {
        return http.Get(base + "/views/subject?subject=E" + std::to_string((k * 31 + i) % 5000), traced_headers);
      });
      timed("note: read", [&] { return http.Get("/api/v1/notes/" + std::to_string(note_id), traced_headers); });
      auto changed = timed("note: change (journalled)", [&] {
        return http.Patch("/api/v1/notes/" + std::to_string(note_id), traced_headers,
                          Json{{"version", note_version}, {"text", "load " + std::to_string(i + 1)}}.dump(),
                          "application/json");
      });
      if (changed && changed->status == 200) note_version = Json::parse(changed->body)["version"];
      const int64_t alert_id = first_id + k * rounds + i;  // each client its own alerts
      ++samples.sent;
      auto alert = http.Get("/api/v1/alerts/" + std::to_string(alert_id), headers);
      if (!alert || alert->status != 200) {
        ++samples.failures;
        continue;
      }
      const int64_t version = Json::parse(alert->body)["version"];
      timed("disposition (journalled)", [&] {
        return http.Post("/api/v1/alerts/" + std::to_string(alert_id) + "/disposition", traced_headers,
                         Json{{"state", "in_review"}, {"note", "load test review"}, {"version", version}}.dump(),
                         "application/json");
      });
    }
  };
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int k = 0; k < clients; ++k) threads.emplace_back(client, k);
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return Report(samples, clients, rounds, seconds,
                nagle ? " (client with Nagle's algorithm: WORKSPACE_LOAD_NAGLE=1)" : "", trace_path);
}

}  // namespace

int main(int argc, char** argv) {
  if (sodium_init() < 0) return 2;
  const std::vector<std::string> a(argv + 1, argv + argc);
  if (a.size() == 5 && a[0] == "prepare") return Prepare(a[1], a[2], std::stoi(a[3]), std::stoi(a[4]));
  if (a.size() == 7 && a[0] == "run") {
    // WORKSPACE_LOAD_CLIENT=events: one thread drives every session (bench/workspace_load_events.cc).
    const char* client = std::getenv("WORKSPACE_LOAD_CLIENT");
    if (client != nullptr && std::string(client) == "events") {
      return workspace_load::RunEvents(std::stoi(a[1]), a[2], a[3], std::stoll(a[4]), std::stoi(a[5]),
                                       std::stoi(a[6]));
    }
    return Run(std::stoi(a[1]), a[2], a[3], std::stoll(a[4]), std::stoi(a[5]), std::stoi(a[6]));
  }
  fmt::print(stderr,
             "usage: workspace_load prepare WS_DIR PASSWORD ALERTS SUBJECTS\n"
             "       workspace_load run PORT USER PASSWORD CASE_ID CLIENTS ROUNDS\n");
  return 1;
}
