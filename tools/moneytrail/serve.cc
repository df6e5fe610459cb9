// `moneytrail serve --workspace DIR [--listen HOST:PORT] [--cert FILE --key FILE]`: the
// workspace's JSON API (docs/api/openapi.json). Plain HTTP only on a loopback address; HTTPS
// with a certificate otherwise. SIGINT or SIGTERM stops it after the requests in flight (and
// the running job, if any). --listen 127.0.0.1:0 picks a free port (printed).
#include <pthread.h>
#include <signal.h>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "moneytrail/group_commit.h"
#include "moneytrail/server.h"
#include "moneytrail/workspace.h"
#include "verb.h"

namespace {

struct Options {
  std::string workspace;
  std::string listen = "127.0.0.1:8443";
  std::string cert;
  std::string key;
  std::string web = MONEYTRAIL_WEB_DIR;
  int warm_connections = -1;  // -1: one per HTTP thread
  int trace_requests = 0;
  int active_requests = -1;  // -1: two per core
  int threads = 0;  // 0: HttpOptions' default
};

int RunServe(const Options& o) {
  using namespace moneytrail;
  const size_t colon = o.listen.rfind(':');
  int port = -1;
  if (colon != std::string::npos) {
    auto [p, ec] = std::from_chars(o.listen.data() + colon + 1, o.listen.data() + o.listen.size(), port);
    if (ec != std::errc() || p != o.listen.data() + o.listen.size()) port = -1;
  }
  if (colon == std::string::npos || port < 0 || port > 65535) {
    return cli::ReportError("serve", InvalidArgumentError(fmt::format(
                                         "--listen '{}': expected HOST:PORT, e.g. 127.0.0.1:8443", o.listen)));
  }
  std::string host = o.listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  // Block the stop signals in every thread (before any is started: the job runner's too); one
  // thread waits for them and stops the server.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  auto ws = workspace::Workspace::Open(o.workspace);
  if (!ws.ok()) return cli::ReportError("serve", ws.status());
  const bool tls = !o.cert.empty() || !o.key.empty();
  // Jobs (ingest, investigate) run on a worker thread; jobs a killed server left running are
  // marked interrupted first.
  // The request pool is warmed before the socket opens: one connection per HTTP thread, its
  // statements compiled (docs/workspace.md, "Compiled statements").
  const server::HttpOptions defaults;
  const int threads = o.threads > 0 ? o.threads : defaults.threads;
  const int warm = o.warm_connections < 0 ? threads : o.warm_connections;
  // Two requests per core run at once by default (bench/RESULTS-ws.md, session 15: with both
  // cores free, the queue's first page at p99 27.5 ms median of 7 runs with it, 40.0 of 9 without).
  const int active = o.active_requests >= 0 ? o.active_requests
                                            : 2 * static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  server::Api api(**ws, {.secure_cookies = tls, .run_jobs = true, .job_threads = 1, .warm_connections = warm,
                         .trace_requests = o.trace_requests, .active_requests = active});
  std::error_code ec;
  const std::string web = std::filesystem::is_directory(o.web, ec) ? o.web : "";
  server::HttpServer http(api, {.host = host, .port = port, .cert_file = o.cert, .key_file = o.key, .web_dir = web,
                                    .threads = threads, .trace_requests = o.trace_requests});
  Status bound = http.Bind();
  if (!bound.ok()) return cli::ReportError("serve", bound);
  fmt::print("serving {} at {}://{}:{}/ (API under /api/v1; {}; SIGINT or SIGTERM stops)\n", o.workspace,
             tls ? "https" : "http", o.listen.substr(0, colon), http.port(),
             web.empty() ? fmt::format("no browser interface: {} is not a directory", o.web)
                         : fmt::format("browser interface from {}", web));
  std::fflush(stdout);
  std::thread waiter([&] {
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    http.Stop();
  });
  Status st = http.Run();
  // Run also returns when the server fails; wake the waiter so it can be joined.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  if (!st.ok()) return cli::ReportError("serve", st);
  const workspace::GroupCommitTotals commits = workspace::GroupCommitCounters();
  fmt::print("stopped\ngroup commit: {} journalled changes in {} durable commits (at most {} in one; {} failed and "
             "were rolled back alone)\n",
             commits.changes, commits.commits, commits.largest_batch, commits.failed_changes);
  const workspace::StatementCacheTotals statements = workspace::StatementCacheCounters();
  fmt::print("statements: {} compiled, {} runs reused a compiled one\n", statements.prepared, statements.reused);
  const server::PoolCounts pool = api.pool_counts();
  fmt::print("connections: {} opened and prepared at start ({} statements), {} opened by requests\n", pool.warmed,
             pool.warm_statements, pool.opened_on_demand);
  return cli::kExitOk;
}

void Setup(CLI::App& app, std::function<int()>& run) {
  auto o = std::make_shared<Options>();  // shared: owned by the parsed options and the action
  app.add_option("--workspace", o->workspace, "Workspace directory (moneytrail workspace init)")->required();
  app.add_option("--listen", o->listen, "HOST:PORT to listen on (default 127.0.0.1:8443)");
  app.add_option("--cert", o->cert, "TLS certificate (PEM); required off loopback");
  app.add_option("--key", o->key, "TLS private key (PEM)");
  app.add_option("--warm-connections", o->warm_connections,
                 "Connections opened with their statements compiled before serving (default: one per HTTP thread, "
                 "64; 0: opened on first need)");
  app.add_option("--trace-requests", o->trace_requests,
                 "Print how the first N requests spent their time to stderr (diagnostics)");
  app.add_option("--active-requests", o->active_requests,
                 "At most N requests run at once, the others wait their turn in order; a request waiting for its "
                 "journal entry's durable commit gives up its turn meanwhile (default: two per core; 0: no limit)");
  app.add_option("--threads", o->threads,
                 "HTTP threads (default 64); each holds one kept-alive connection, so at least the number of "
                 "clients served at once");
  app.add_option("--web", o->web, "Directory of the browser interface's built files (default: the source tree's web/dist)");
  run = [o] { return RunServe(*o); };
}

const moneytrail::cli::VerbRegistration kServe("serve", "Serve a workspace's JSON API to the task force", Setup);

}  // namespace
