// HttpServer: the Api on a socket through cpp-httplib (Debian's libcpp-httplib, built with its
// OpenSSL support; the pkg-config flags it needs come with PkgConfig::MT_HTTPLIB).
#include <arpa/inet.h>
#include <sys/socket.h>

#include <httplib.h>
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <chrono>
#include <thread>
#include <cctype>
#include <string>
#include <string_view>
#include <utility>

#include "moneytrail/group_commit.h"
#include "moneytrail/server.h"
#include "server/compression.h"
#include "server/static_files.h"

namespace moneytrail::server {

struct HttpServer::Impl {
  std::unique_ptr<httplib::Server> server;
  std::atomic<bool> stopping{false};
  // Static files compressed at the best setting, by path and encoding; an entry is used only
  // while the file's bytes are unchanged (same size and hash).
  struct CachedStatic {
    size_t size = 0;
    size_t hash = 0;
    std::optional<Compressed> compressed;
  };
  std::mutex static_mu;
  std::map<std::pair<std::string, std::string>, CachedStatic> static_cache;
  std::atomic<int> listen_fd{-1};  // the listening socket, seen when cpp-httplib creates it
  std::atomic<int> traced{0};      // requests traced so far (HttpOptions::trace_requests)
  std::atomic<int> in_flight{0};   // requests parsed and not yet written (traced runs only)
};

namespace {

// One request's steps in the HTTP layer (HttpOptions::trace_requests), in microseconds of
// steady_clock; a request is read, handled and written on one thread.
struct TraceMarks {
  int64_t parsed = 0, handle_start = 0, handle_end = 0, compressed = 0;
  int in_flight_at_parse = 0;
  size_t body_bytes = 0, sent_bytes = 0;
  std::string encoding;
};
thread_local TraceMarks trace_marks;

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Connections the kernel holds for the server before it accepts them.
constexpr int kListenBacklog = 512;

bool IsLoopback(const std::string& host) {
  if (host == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Sends `body` as the response's content. cpp-httplib compresses a body given by set_content
// itself (Brotli at quality 11 for browsers: compression.h), but sends a sized content provider
// as it is; so every non-empty body goes through one, compressed here when `compressed` is set.
void SendBody(httplib::Response& res, std::string body, const std::string& content_type,
              std::optional<Compressed> compressed) {
  if (IsCompressibleType(content_type)) res.set_header("Vary", "Accept-Encoding");
  if (compressed) {
    res.set_header("Content-Encoding", compressed->encoding);
    body = std::move(compressed->bytes);
  }
  if (body.empty()) {
    res.set_content(body, content_type);
    return;
  }
  auto shared = std::make_shared<std::string>(std::move(body));
  res.set_content_provider(shared->size(), content_type,
                           [shared](size_t offset, size_t length, httplib::DataSink& sink) {
                             return sink.write(shared->data() + offset, std::min(length, shared->size() - offset));
                           });
}

}  // namespace

HttpServer::HttpServer(Api& api, HttpOptions options)
    : api_(api), options_(std::move(options)), impl_(std::make_unique<Impl>()) {}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Bind() {
  const bool tls = !options_.cert_file.empty() || !options_.key_file.empty();
  if (tls && (options_.cert_file.empty() || options_.key_file.empty())) {
    return InvalidArgumentError("--cert and --key: give both for HTTPS");
  }
  if (!tls && !IsLoopback(options_.host)) {
    return InvalidArgumentError(fmt::format(
        "--listen {}: plain HTTP is allowed only on a loopback address; give --cert and --key "
        "to serve HTTPS on other addresses", options_.host));
  }
  if (tls) {
    auto ssl = std::make_unique<httplib::SSLServer>(options_.cert_file.c_str(), options_.key_file.c_str());
    if (!ssl->is_valid()) {
      return InvalidArgumentError(fmt::format("--cert {} / --key {}: not a usable certificate and key",
                                              options_.cert_file, options_.key_file));
    }
    impl_->server = std::move(ssl);
  } else {
    impl_->server = std::make_unique<httplib::Server>();
  }
  httplib::Server& srv = *impl_->server;
  srv.set_payload_max_length(options_.max_body_bytes);
  // cpp-httplib takes ownership of the queue it is given (its API wants a raw pointer).
  const size_t threads = static_cast<size_t>(std::max(1, options_.threads));
  srv.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // cpp-httplib closes a kept-alive connection after 5 requests by default; a client then
  // reconnects, and a request sent in the instant the server closes gets no answer (seen in the
  // 50-client load run). Keep connections for many requests instead.
  srv.set_keep_alive_max_count(1000);
  // A response goes out in two writes (headers, then the body from a content provider). With
  // Nagle's algorithm the second waits for the client's delayed ACK of the first: ~40 ms on
  // every request of a kept-alive connection (measured: node expansion 3.8 ms in the server,
  // 48 ms at the client). Send each write at once.
  srv.set_tcp_nodelay(true);
  srv.set_read_timeout(30, 0);
  srv.set_write_timeout(30, 0);
  const bool trace = options_.trace_requests > 0;
  if (trace) {
    srv.set_pre_routing_handler([this](const httplib::Request&, httplib::Response&) {
      trace_marks = TraceMarks{};
      trace_marks.parsed = NowMicros();
      trace_marks.in_flight_at_parse = ++impl_->in_flight;
      return httplib::Server::HandlerResponse::Unhandled;
    });
    // Called after the response's last byte was handed to the socket.
    srv.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
      const int64_t written = NowMicros();
      --impl_->in_flight;
      if (impl_->traced++ >= options_.trace_requests) return;
      const TraceMarks& m = trace_marks;
      fmt::print(stderr,
                 "http-trace id={} {} {} {} parsed={} handle_start={} handle_end={} compressed={} written={} "
                 "commit_queued={} commit_wait={} in_flight={} body={} sent={} encoding={}\n",
                 req.has_header("X-Trace-Id") ? req.get_header_value("X-Trace-Id") : "-", req.method,
                 req.path.substr(0, 80), res.status, m.parsed, m.handle_start, m.handle_end, m.compressed, written,
                 workspace::LastCommitQueuedAtMicros(), workspace::LastCommitWaitMicros(), m.in_flight_at_parse,
                 m.body_bytes, m.sent_bytes, m.encoding.empty() ? "identity" : m.encoding);
    });
  }
  auto handler = [this, trace](const httplib::Request& req, httplib::Response& res) {
    if (trace) trace_marks.handle_start = NowMicros();
    ApiRequest request;
    request.method = req.method;
    request.path = req.path;
    for (const auto& [k, v] : req.params) request.query.emplace(k, v);
    for (const auto& [k, v] : req.headers) request.headers.emplace(Lower(k), v);
    request.body = req.body;
    request.remote_address = req.remote_addr;
    // Uploads as multipart/form-data: cpp-httplib has parsed the parts.
    for (const auto& [name, part] : req.files) {
      request.form[name] = FormPart{part.filename, part.content_type, part.content};
    }
    ApiResponse response = api_.Handle(request);
    if (trace) trace_marks.handle_end = NowMicros();
    res.status = response.status;
    std::string content_type = "application/json";
    for (const auto& [k, v] : response.headers) {
      if (k == "Content-Type") content_type = v;
      else res.set_header(k, v);
    }
    if (response.stream) {
      // Server-Sent Events: the first event, then one chunk per change until the stream ends
      // (or the server stops, or the client goes away: the sink then fails).
      auto first = std::make_shared<std::string>(std::move(response.body));  // shared: copied provider
      auto stream = std::move(response.stream);
      res.set_chunked_content_provider(content_type, [this, first, stream](size_t, httplib::DataSink& sink) {
        if (!first->empty()) {
          if (!sink.write(first->data(), first->size())) return false;
          first->clear();
        }
        std::string chunk;
        const bool more = !impl_->stopping && stream(chunk);
        if (!chunk.empty() && !sink.write(chunk.data(), chunk.size())) return false;
        if (!more) sink.done();
        return true;
      });
      return;
    }
    auto compressed = CompressForClient(response.body, req.get_header_value("Accept-Encoding"), content_type,
                                        CompressionEffort::kFast);
    if (trace) {
      trace_marks.compressed = NowMicros();
      trace_marks.body_bytes = response.body.size();
      trace_marks.sent_bytes = compressed ? compressed->bytes.size() : response.body.size();
      trace_marks.encoding = compressed ? compressed->encoding : "";
    }
    SendBody(res, std::move(response.body), content_type, std::move(compressed));
  };
  // The browser interface's files: GET outside /api/ (static_files.h).
  auto files = [this, handler](const httplib::Request& req, httplib::Response& res) {
    if (req.path.rfind("/api/", 0) == 0) return handler(req, res);
    StaticFile f = ServeStatic(options_.web_dir, req.path);
    res.status = f.status;
    for (const auto& [k, v] : f.headers) res.set_header(k, v);
    std::optional<Compressed> compressed;
    const std::string encoding = ChooseEncoding(req.get_header_value("Accept-Encoding"));
    if (f.status == 200 && !encoding.empty()) {
      const size_t hash = std::hash<std::string_view>{}(f.body);
      std::lock_guard lock(impl_->static_mu);
      Impl::CachedStatic& c = impl_->static_cache[{req.path, encoding}];
      if (c.size != f.body.size() || c.hash != hash || (!c.compressed && c.size == 0)) {
        c = {f.body.size(), hash,
             CompressForClient(f.body, encoding, f.content_type, CompressionEffort::kBest)};
      }
      compressed = c.compressed;
    }
    SendBody(res, std::move(f.body), f.content_type, std::move(compressed));
  };
  srv.Get(".*", files);
  srv.Post(".*", handler);
  srv.Patch(".*", handler);
  srv.Delete(".*", handler);
  srv.Put(".*", handler);
  // cpp-httplib (Debian's 0.11 library) listens with a backlog of 5: 50 clients connecting at
  // once overflowed it and some connections got no answer (tests/server/concurrency_test.cc,
  // FiftyClients...; bench/RESULTS-ws.md, session 12). Note the socket as it is created and
  // listen again on it with a larger backlog (Linux then only changes the backlog).
  srv.set_socket_options([impl = impl_.get()](socket_t sock) {
    httplib::default_socket_options(sock);
    impl->listen_fd = static_cast<int>(sock);
  });
  if (options_.port == 0) {
    port_ = srv.bind_to_any_port(options_.host);
    if (port_ <= 0) return IoError(fmt::format("{}: cannot bind any port", options_.host));
  } else {
    if (!srv.bind_to_port(options_.host, options_.port)) {
      return IoError(fmt::format("{}:{}: cannot listen (in use, or not an address of this machine)",
                                 options_.host, options_.port));
    }
    port_ = options_.port;
  }
  if (impl_->listen_fd >= 0 && ::listen(impl_->listen_fd, kListenBacklog) != 0) {
    return ErrnoError(fmt::format("{}:{}: cannot raise the listen backlog", options_.host, port_), errno);
  }
  return Status::Ok();
}

Status HttpServer::Run() {
  if (!impl_->server) return FailedPreconditionError("HttpServer::Run before Bind");
  // A Stop() that came before Run would otherwise be lost (httplib's stop() only ends a
  // running loop).
  if (impl_->stopping) return Status::Ok();
  if (!impl_->server->listen_after_bind() && !impl_->stopping) {
    return IoError(fmt::format("{}:{}: the server stopped with an error", options_.host, port_));
  }
  return Status::Ok();
}

bool HttpServer::WaitUntilRunning(int timeout_ms) const {
  for (int waited = 0; waited < timeout_ms; ++waited) {
    if (impl_->server && impl_->server->is_running()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

void HttpServer::Stop() {
  if (!impl_ || !impl_->server) return;
  impl_->stopping = true;
  impl_->server->stop();
}

}  // namespace moneytrail::server
