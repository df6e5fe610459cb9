// The load generator's second client (WORKSPACE_LOAD_CLIENT=events): the same CLIENTS sessions,
// each on its own kept-alive connection and sending the same requests in the same order as the
// threaded client (bench/workspace_load.cc), but driven by one thread through epoll instead of
// one thread per session. Why: on this 2-core machine the 50 client threads compete with the
// server's for the cores and each answer waits for its client thread to be scheduled; a browser
// or an HTTP load tool (wrk, h2load) holds its connections in one event loop. Timing is the same
// as the threaded client's: from just before a request is built until its whole answer is read.
// Differences (documented in bench/RESULTS-ws.md, session 15): a request's headers and body
// leave in one write (cpp-httplib's client writes them in two; both set TCP_NODELAY), and the
// connections are opened before the first request instead of by it.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "workspace_load.h"

namespace workspace_load {
namespace {

using Json = nlohmann::json;

int64_t Micros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The steps of one round, in the threaded client's order; kNote is the session's own note,
// written once before the start barrier.
enum Step { kNote, kFirst, kDeep, kSubject, kNoteRead, kNoteChange, kAlertRead, kDisposition, kDone };

struct Session {
  int k = 0;
  int fd = -1;
  Step step = kNote;
  int round = 0;
  std::string out;  // the request being written
  size_t out_at = 0;
  std::string in;   // the answer being read
  std::string kind;  // the timed kind of the request in flight ("" for untimed ones)
  std::string trace_id;
  int64_t t0 = 0;
  int64_t note_id = 0, note_version = 0, alert_id = 0, alert_version = 0;
  bool dead = false;
};

// Parses a complete HTTP/1.1 answer at the front of `in`: returns false while more bytes are
// needed; sets `status` and `body` and erases the answer from `in`. Answers with a
// Content-Length only (the API's JSON answers; event streams are not requested).
bool TakeAnswer(std::string& in, int& status, std::string& body, std::string& error) {
  const size_t end = in.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  if (in.compare(0, 9, "HTTP/1.1 ") != 0 || in.size() < 12) {
    error = "not an HTTP/1.1 answer";
    return true;
  }
  status = std::atoi(in.c_str() + 9);
  size_t length = 0;
  bool has_length = false;
  size_t line = in.find("\r\n") + 2;
  while (line < end) {
    const size_t next = in.find("\r\n", line);
    const std::string_view h(in.data() + line, next - line);
    const size_t colon = h.find(':');
    if (colon == 14 && strncasecmp(h.data(), "content-length", 14) == 0) {
      length = std::strtoull(std::string(h.substr(colon + 1)).c_str(), nullptr, 10);
      has_length = true;
    }
    line = next + 2;
  }
  if (!has_length) {
    error = "an answer without Content-Length";
    return true;
  }
  if (in.size() < end + 4 + length) return false;
  body.assign(in, end + 4, length);
  in.erase(0, end + 4 + length);
  return true;
}

}  // namespace

int RunEvents(int port, const std::string& user, const std::string& password, int64_t case_id, int clients,
              int rounds) {
  const std::optional<Login> login = SignIn(port, user, password, case_id);
  if (!login) return 2;
  const std::string& cookie = login->cookie;
  const std::string& csrf = login->csrf;
  const std::string base = "/api/v1/cases/" + std::to_string(case_id);
  const int64_t first_id = login->first_id;
  const char* trace_env = std::getenv("WORKSPACE_LOAD_TRACE");
  const std::string trace_path = trace_env != nullptr ? trace_env : "";
  const char* nagle_env = std::getenv("WORKSPACE_LOAD_NAGLE");
  const bool nagle = nagle_env != nullptr && std::string(nagle_env) == "1";
  const std::string fixed_headers = fmt::format(
      "Host: 127.0.0.1:{}\r\nAccept: */*\r\nUser-Agent: workspace_load-events\r\nCookie: {}\r\nX-CSRF-Token: {}\r\n", port,
      cookie, csrf);
  Samples samples;
  const int ep = epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0) return fmt::print(stderr, "epoll_create1: {}\n", std::strerror(errno)), 2;
  std::vector<Session> sessions(static_cast<size_t>(clients));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (int k = 0; k < clients; ++k) {
    Session& s = sessions[static_cast<size_t>(k)];
    s.k = k;
    s.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s.fd < 0 || ::connect(s.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      return fmt::print(stderr, "client {}: cannot connect: {}\n", k, std::strerror(errno)), 2;
    }
    const int one = nagle ? 0 : 1;
    ::setsockopt(s.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    // Non-blocking: the loop reads what has arrived and writes what the socket takes.
    ::fcntl(s.fd, F_SETFL, ::fcntl(s.fd, F_GETFL) | O_NONBLOCK);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = static_cast<uint32_t>(k);
    ::epoll_ctl(ep, EPOLL_CTL_ADD, s.fd, &ev);
  }
  int in_flight = 0;  // sessions with a request sent and not yet answered
  auto fail = [&](Session& s, const std::string& what) {
    if (samples.failures++ < 5) fmt::print(stderr, "client {}: {}\n", s.k, what);
  };
  auto flush = [&](Session& s) {
    while (s.out_at < s.out.size()) {
      const ssize_t n = ::send(s.fd, s.out.data() + s.out_at, s.out.size() - s.out_at, MSG_NOSIGNAL);
      if (n > 0) {
        s.out_at += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLOUT;
        ev.data.u32 = static_cast<uint32_t>(s.k);
        ::epoll_ctl(ep, EPOLL_CTL_MOD, s.fd, &ev);
        return;
      }
      fail(s, fmt::format("send: {}", std::strerror(errno)));
      s.dead = true;
      --in_flight;
      return;
    }
  };
  // Sends the session's request for its current step.
  auto send = [&](Session& s) {
    const int64_t t0 = Micros();
    std::string method = "GET", path, body;
    const int k = s.k, i = s.round;
    switch (s.step) {
      case kNote:
        method = "POST";
        path = base + "/notes";
        body = Json{{"object_type", "subject"}, {"object_id", "E" + std::to_string(k)}, {"text", "load 0"}}.dump();
        s.kind.clear();
        break;
      case kFirst:
        path = base + "/alerts?limit=50";
        s.kind = "queue: first page of 50";
        break;
      case kDeep:
        path = base + "/alerts?limit=50&after_id=" + std::to_string(first_id + 99000 + (k * 17 + i * 7) % 900);
        s.kind = "queue: page of 50 after 99,000";
        break;
      case kSubject:
        path = base + "/views/subject?subject=E" + std::to_string((k * 31 + i) % 5000);
        s.kind = "subject view";
        break;
      case kNoteRead:
        path = "/api/v1/notes/" + std::to_string(s.note_id);
        s.kind = "note: read";
        break;
      case kNoteChange:
        method = "PATCH";
        path = "/api/v1/notes/" + std::to_string(s.note_id);
        body = Json{{"version", s.note_version}, {"text", "load " + std::to_string(i + 1)}}.dump();
        s.kind = "note: change (journalled)";
        break;
      case kAlertRead:
        s.alert_id = first_id + k * rounds + i;  // each client its own alerts
        path = "/api/v1/alerts/" + std::to_string(s.alert_id);
        s.kind.clear();
        break;
      case kDisposition:
        method = "POST";
        path = "/api/v1/alerts/" + std::to_string(s.alert_id) + "/disposition";
        body = Json{{"state", "in_review"}, {"note", "load test review"}, {"version", s.alert_version}}.dump();
        s.kind = "disposition (journalled)";
        break;
      case kDone:
        return;
    }
    s.out = method + " " + path + " HTTP/1.1\r\n" + fixed_headers;
    if (!trace_path.empty() && !s.kind.empty()) {
      s.trace_id = fmt::format("{}.{}.{}", k, i, KindCode(s.kind));
      s.out += "X-Trace-Id: " + s.trace_id + "\r\n";
    }
    if (!body.empty() || method != "GET") {
      s.out += fmt::format("Content-Type: application/json\r\nContent-Length: {}\r\n", body.size());
    }
    s.out += "\r\n";
    s.out += body;
    s.out_at = 0;
    s.t0 = t0;
    ++samples.sent;
    ++in_flight;
    flush(s);
  };
  // The next step after an answer; a round ends with its disposition.
  auto advance = [&](Session& s) {
    if (s.step == kDisposition || (s.step == kAlertRead && s.alert_version < 0)) {
      s.step = kFirst;
      if (++s.round == rounds) s.step = kDone;
    } else {
      s.step = static_cast<Step>(s.step + 1);
    }
  };
  const auto t_start = std::chrono::steady_clock::now();
  for (Session& s : sessions) send(s);
  int noted = 0;  // sessions past their note (the start barrier waits for all)
  bool started = false;
  std::vector<epoll_event> events(static_cast<size_t>(clients));
  std::string body;
  while (in_flight > 0 || !started) {
    if (!started && noted == clients) {
      // The start barrier: every session sends its first page in this instant.
      started = true;
      for (Session& s : sessions) {
        if (s.dead) continue;
        if (!trace_path.empty()) {
          samples.trace_lines.push_back(fmt::format("client-start client={} thread_started=0 note_answered=0 released={}",
                                                    s.k, Micros()));
        }
        send(s);
      }
      continue;
    }
    const int n = ::epoll_wait(ep, events.data(), clients, 30000);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      fmt::print(stderr, "no answer for 30 s: {} requests in flight\n", in_flight);
      samples.failures += in_flight;
      break;
    }
    for (int e = 0; e < n; ++e) {
      Session& s = sessions[events[static_cast<size_t>(e)].data.u32];
      if (s.dead) continue;
      if (events[static_cast<size_t>(e)].events & EPOLLOUT) {
        flush(s);
        if (s.out_at == s.out.size()) {
          epoll_event ev{};
          ev.events = EPOLLIN;
          ev.data.u32 = static_cast<uint32_t>(s.k);
          ::epoll_ctl(ep, EPOLL_CTL_MOD, s.fd, &ev);
        }
      }
      char buf[65536];
      for (;;) {
        const ssize_t got = ::recv(s.fd, buf, sizeof buf, 0);
        if (got > 0) {
          s.in.append(buf, static_cast<size_t>(got));
          continue;
        }
        if (got < 0 && errno == EINTR) continue;
        if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
          fail(s, got == 0 ? std::string("the server closed the connection") : std::strerror(errno));
          s.dead = true;
          --in_flight;
          if (s.step == kNote) ++noted;
        }
        break;
      }
      if (s.dead) continue;
      int status = 0;
      std::string error;
      if (!TakeAnswer(s.in, status, body, error)) continue;
      const int64_t t1 = Micros();
      --in_flight;
      if (!error.empty()) {
        fail(s, error);
        s.dead = true;
        if (s.step == kNote) ++noted;
        continue;
      }
      const double ms = static_cast<double>(t1 - s.t0) / 1000.0;
      if (!s.kind.empty()) {
        if (!trace_path.empty()) {
          samples.trace_lines.push_back(fmt::format("client-trace id={} kind={} sent={} answered={} cpu_us=-1",
                                                    s.trace_id, KindCode(s.kind), s.t0, t1));
        }
        if (status != 200) {
          fail(s, fmt::format("{}: HTTP {} {}", s.kind, status, body.substr(0, 200)));
        } else {
          samples.ms[s.kind].push_back(ms);
          if (s.step == kFirst) (s.round == 0 ? samples.first_page_round0 : samples.first_page_later).push_back(ms);
        }
      }
      if (s.step == kNote) {
        ++noted;
        if (status != 200) {
          fail(s, fmt::format("its note: HTTP {} {}", status, body.substr(0, 200)));
          s.dead = true;
          continue;
        }
        const Json j = Json::parse(body);
        s.note_id = j["id"];
        s.note_version = j["version"];
        s.step = kFirst;
        continue;  // waits for the start barrier
      }
      if (s.step == kNoteChange && status == 200) s.note_version = Json::parse(body)["version"];
      if (s.step == kAlertRead) {
        if (status == 200) {
          s.alert_version = Json::parse(body)["version"];
        } else {
          ++samples.failures;
          s.alert_version = -1;  // the round ends without its disposition, as in the threaded client
        }
      }
      advance(s);
      if (s.step != kDone) send(s);
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  for (Session& s : sessions) ::close(s.fd);
  ::close(ep);
  return Report(samples, clients, rounds, seconds,
                nagle ? " (one event loop; client with Nagle's algorithm: WORKSPACE_LOAD_NAGLE=1)"
                      : " (one event loop: WORKSPACE_LOAD_CLIENT=events)",
                trace_path);
}

}  // namespace workspace_load
