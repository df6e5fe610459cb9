// `moneytrail serve`: the workspace's JSON API under /api/v1 (docs/api/openapi.json documents
// every route; docs/workspace.md the access model). The API is a plain function from request to
// response (Api::Handle), so tests drive it in-process; HttpServer puts it on a socket with
// cpp-httplib (TLS through OpenSSL; plain HTTP only on a loopback address).
//
// Example:
//   MT_ASSIGN_OR_RETURN(std::unique_ptr<Workspace> ws, Workspace::Open(dir));
//   Api api(*ws, {.secure_cookies = false});
//   HttpServer server(api, {.host = "127.0.0.1", .port = 8443});
//   MT_RETURN_IF_ERROR(server.Bind());
//   MT_RETURN_IF_ERROR(server.Run());  // until Stop()
#ifndef MONEYTRAIL_SERVER_H_
#define MONEYTRAIL_SERVER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "moneytrail/status.h"
#include "moneytrail/workspace.h"

namespace moneytrail::server {

// One part of a multipart/form-data body (a file, or a plain field with an empty filename).
struct FormPart {
  std::string filename;
  std::string content_type;
  std::string content;
};

struct ApiRequest {
  std::string method;  // GET, POST, PATCH, DELETE
  std::string path;    // without the query string
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string remote_address;
  // multipart/form-data parts by field name (the transport parses them; body is then empty).
  std::map<std::string, FormPart> form;
};

struct ApiResponse {
  int status = 200;
  std::string body;  // JSON, unless the Content-Type header says otherwise
  std::vector<std::pair<std::string, std::string>> headers;
  // Set for a stream (Server-Sent Events): each call blocks until the next chunk, appends it to
  // its argument and returns whether more follow. The transport sends `body` first (if any).
  // Called from the transport's thread; takes the Api's lock itself.
  std::function<bool(std::string&)> stream;
  // The value of header `name` (case-sensitive as set), or "".
  std::string Header(const std::string& name) const;
};

// One route of the API, as documented in docs/api/openapi.json.
struct RouteInfo {
  std::string method;
  std::string pattern;  // e.g. /api/v1/cases/{case_id}/notes
  std::string summary;
};

// The HTTP status for a Status code, in one table (STYLE.md): InvalidArgument/OutOfRange 400,
// Unauthenticated 401, PermissionDenied 403, NotFound 404, AlreadyExists/FailedPrecondition
// 409, ResourceExhausted 429, everything else 500.
int HttpStatusFor(StatusCode code);

struct ApiOptions {
  bool secure_cookies = true;  // the session cookie's Secure attribute (false only without TLS)
  // Run queued jobs (ingest, investigate) on a worker thread; at start, jobs left running by a
  // previous process are marked interrupted. False: jobs stay queued (tests of routes only).
  bool run_jobs = false;
  int job_threads = 1;  // threads each job's ingest or investigation may use
  // Connections opened when the Api starts, each with the statements a request runs compiled
  // (Workspace::PrepareStatements), so that a burst of first requests (every client of a
  // morning shift opening the queue at once) finds them ready instead of opening and compiling
  // its own; `moneytrail serve` opens one per HTTP thread. The pool still grows past them when
  // more requests run at once. 0: connections are opened on first need.
  int warm_connections = 0;
  // Print to stderr how the first this-many requests spent their time (waiting for a connection,
  // the session check, the route and, of it, the wait for the durable commit); diagnostics
  // (`moneytrail serve --trace-requests`, bench/RESULTS-ws.md session 14). 0: none.
  int trace_requests = 0;
  // At most this many requests run at once; the others wait their turn in arrival order, and a
  // request waiting for its journal entry's durable commit leaves its turn to another
  // (server/admission_gate.h; bench/RESULTS-ws.md, session 15). 0: no limit.
  int active_requests = 0;
};

// The Api's pool of workspace connections (one per request in flight; ApiOptions::warm_connections).
struct PoolCounts {
  int64_t warmed = 0;            // connections opened and prepared before the first request
  int64_t warm_statements = 0;   // statements those compiled then
  int64_t opened_on_demand = 0;  // connections opened by a request that found none idle
  int64_t idle = 0;              // connections idle now
  int64_t idle_compiled = 0;     // statements the idle connections have compiled since they opened
};

class JobRunner;
class AdmissionGate;

class Api {
 public:
  // `workspace` must outlive the Api; the Api never uses it from a request: each request runs
  // on a connection of its own pool (Workspace::OpenAnother), and the job runner has its own.
  // Thread-safe: Handle may be called from any number of threads at once; reads run
  // concurrently, writes are serialised by the workspace (SQLite's write lock).
  Api(workspace::Workspace& workspace, ApiOptions options);
  // Stops the job runner (a running job finishes first).
  ~Api();
  ApiResponse Handle(const ApiRequest& request);
  static const std::vector<RouteInfo>& Routes();
  // Blocks until no job is queued or running (tests and the demo script); false on timeout.
  bool WaitForJobs(int timeout_ms);
  // The pool's counts now. Thread-safe.
  PoolCounts pool_counts();

 private:
  // A connection from the pool, or a new one when all are in use (then `*opened` is set, if
  // given); returned by Release.
  Result<std::unique_ptr<workspace::Workspace>> Acquire(bool* opened = nullptr);
  void Release(std::unique_ptr<workspace::Workspace> connection);

  workspace::Workspace& ws_;
  ApiOptions options_;
  std::mutex pool_mutex_;  // guards idle_
  std::vector<std::unique_ptr<workspace::Workspace>> idle_;
  int64_t warmed_ = 0;            // under pool_mutex_, as the two below
  int64_t warm_statements_ = 0;
  int64_t opened_on_demand_ = 0;
  std::atomic<int> traced_{0};    // requests traced so far (ApiOptions::trace_requests)
  std::unique_ptr<JobRunner> jobs_;
  std::unique_ptr<AdmissionGate> gate_;  // ApiOptions::active_requests > 0
};

struct HttpOptions {
  std::string host = "127.0.0.1";
  int port = 8443;  // 0: any free port (see HttpServer::port())
  std::string cert_file;  // both set: HTTPS; both empty: HTTP, loopback hosts only
  std::string key_file;
  // The largest request body; evidence uploads are limited again by the workspace
  // (WorkspaceOptions::max_evidence_bytes).
  size_t max_body_bytes = size_t{257} << 20;
  // The browser interface's built files (web/dist), served at `/` for paths outside /api/;
  // empty: none served.
  std::string web_dir;
  // Threads serving connections: each holds one kept-alive connection (and an event stream holds
  // one for its length), so this bounds the clients served at once; others wait their turn.
  int threads = 64;
  // Print to stderr, for the first this-many requests, when each step of it happened in the HTTP
  // layer (request read and parsed, the Api's handling, compression, response written), in
  // microseconds of the monotonic clock, which another process on the machine (the load client)
  // shares; with the request's X-Trace-Id header when it has one (bench/workspace_load
  // WORKSPACE_LOAD_TRACE; bench/ws_trace.py joins both sides). Diagnostics; 0: none.
  int trace_requests = 0;
};

class HttpServer {
 public:
  HttpServer(Api& api, HttpOptions options);
  ~HttpServer();
  // Binds the socket; InvalidArgument for plain HTTP on a non-loopback host, IoError when the
  // address is taken.
  Status Bind();
  int port() const { return port_; }
  // Serves until Stop() is called (from another thread or a signal-waiting thread).
  Status Run();
  // Blocks until Run has started accepting connections (up to `timeout_ms`); false on timeout.
  bool WaitUntilRunning(int timeout_ms = 10000) const;
  // Stops Run. Safe before, during and after Run, and more than once.
  void Stop();

 private:
  struct Impl;
  Api& api_;
  HttpOptions options_;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace moneytrail::server

#endif  // MONEYTRAIL_SERVER_H_
