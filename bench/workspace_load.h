// The load generator's samples and report, shared by its two clients (bench/workspace_load.cc:
// one thread per client with cpp-httplib's client; bench/workspace_load_events.cc: one thread
// driving every client's connection through epoll). Internal to bench/.
#ifndef MONEYTRAIL_BENCH_WORKSPACE_LOAD_H_
#define MONEYTRAIL_BENCH_WORKSPACE_LOAD_H_

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace workspace_load {

struct Samples {
  std::mutex mutex;
  std::map<std::string, std::vector<double>> ms;  // by kind
  // The queue's first page by round: round 0 is the burst (every client's first timed request,
  // all sent at once after the start barrier), the others its steady state.
  std::vector<double> first_page_round0, first_page_later;
  // WORKSPACE_LOAD_TRACE=FILE: one line per timed request (client, round, kind, when it was
  // sent and answered in microseconds of the monotonic clock the server's --trace-requests
  // uses, and the client thread's CPU for it); the request carries X-Trace-Id "client.round.kind".
  std::vector<std::string> trace_lines;
  std::atomic<int> failures{0};
  std::atomic<int64_t> sent{0};  // every request of the clients, timed or not
  void Add(const std::string& kind, double v) {
    std::lock_guard<std::mutex> lock(mutex);
    ms[kind].push_back(v);
  }
};

// A short name of a request kind for traces.
inline std::string KindCode(const std::string& kind) {
  if (kind.rfind("queue: first", 0) == 0) return "first";
  if (kind.rfind("queue: page", 0) == 0) return "deep";
  if (kind.rfind("subject", 0) == 0) return "subject";
  if (kind.rfind("note: read", 0) == 0) return "note-read";
  if (kind.rfind("note: change", 0) == 0) return "note-change";
  if (kind.rfind("disposition", 0) == 0) return "disposition";
  return "other";
}

inline double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t at = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  return v[at];
}

inline int Report(Samples& samples, int clients, int rounds, double seconds, const std::string& note,
                  const std::string& trace_path) {
  size_t total = 0;
  fmt::print("{} clients x {} rounds on loopback, {:.1f} s wall{}\n", clients, rounds, seconds,
             note);
  fmt::print("{:<34} {:>8} {:>9} {:>9} {:>9}\n", "request", "count", "p50 ms", "p99 ms", "max ms");
  for (auto& [kind, v] : samples.ms) {
    total += v.size();
    const double p50 = Percentile(v, 0.50), p99 = Percentile(v, 0.99), max = v.back();
    fmt::print("{:<34} {:>8} {:>9.1f} {:>9.1f} {:>9.1f}\n", kind, v.size(), p50, p99, max);
  }
  for (auto [name, v] : {std::pair{"  of which round 0 (the burst)", &samples.first_page_round0},
                         std::pair{"  of which rounds 1 and later", &samples.first_page_later}}) {
    if (v->empty()) continue;
    const double p50 = Percentile(*v, 0.50), p99 = Percentile(*v, 0.99), max = v->back();
    fmt::print("{:<34} {:>8} {:>9.1f} {:>9.1f} {:>9.1f}\n", name, v->size(), p50, p99, max);
  }
  fmt::print("{} requests answered 200, {} failed\n", total, samples.failures.load());
  if (!trace_path.empty()) {
    std::ofstream out(trace_path);
    for (const std::string& line : samples.trace_lines) out << line << "\n";
    fmt::print("{} trace lines written to {}\n", samples.trace_lines.size(), trace_path);
  }
  // Read by workspace_load.sh for the server's CPU per request.
  fmt::print("{} requests sent (the timed ones, each client's note and the alert reads before dispositions)\n",
             samples.sent.load());
  return samples.failures.load() == 0 ? 0 : 1;
}

// A signed-in session of the load's user and the id of its case queue's first alert (where the
// deep page's ids start); nullopt after printing why (bench/workspace_load.cc).
struct Login {
  std::string cookie;  // "name=value" of the session cookie
  std::string csrf;
  int64_t first_id = 0;
};
std::optional<Login> SignIn(int port, const std::string& user, const std::string& password, int64_t case_id);

// Runs the clients with one thread driving all their connections (bench/workspace_load_events.cc).
int RunEvents(int port, const std::string& user, const std::string& password, int64_t case_id, int clients,
              int rounds);

}  // namespace workspace_load

#endif  // MONEYTRAIL_BENCH_WORKSPACE_LOAD_H_
