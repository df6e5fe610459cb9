// The workspace verbs of the real binary: `workspace init`, `audit verify` (intact, then after
// an edit of the journal), and `serve` over HTTP until SIGTERM.
#include <netinet/in.h>
#include <unistd.h>
#include <signal.h>
#include <sys/socket.h>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "cli/run_binary.h"
#include "server/free_port.h"
#include "workspace/sql.h"

namespace moneytrail {
namespace {

using test_util::RunMoneytrail;
using test_util::FreePort;
using test_util::TempDir;

constexpr const char* kPassword = "correct horse battery";

TEST(ServeCliTest, InitThenAuditVerifyDetectsAnEditedJournal) {
  TempDir tmp;
  const std::string ws = (tmp.path() / "jtf").string();
  ::setenv("MONEYTRAIL_ADMIN_PASSWORD", kPassword, 1);
  auto r = RunMoneytrail({"workspace", "init", ws, "--agency", "IRS-CI", "--admin", "admin"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("moneytrail serve --workspace"), std::string::npos);
  EXPECT_EQ(r.out.find(kPassword), std::string::npos);
  EXPECT_EQ(r.err.find(kPassword), std::string::npos);
  r = RunMoneytrail({"workspace", "init", ws, "--agency", "IRS-CI", "--admin", "admin"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  r = RunMoneytrail({"audit", "verify", ws});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  {
    auto db = workspace::OpenSqlite(tmp.path() / "jtf" / "workspace.db");
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->ExecScript("UPDATE journal SET username = 'someone' WHERE seq = 1").ok());
  }
  r = RunMoneytrail({"audit", "verify", ws});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.out.find("entry 1"), std::string::npos) << r.out;
  r = RunMoneytrail({"audit", "verify", (tmp.path() / "none").string()});
  EXPECT_NE(r.exit_code, 0);
}

TEST(ServeCliTest, ServesTheApiOnLoopbackUntilSigterm) {
  TempDir tmp;
  const std::string ws = (tmp.path() / "jtf").string();
  ::setenv("MONEYTRAIL_ADMIN_PASSWORD", kPassword, 1);
  ASSERT_EQ(RunMoneytrail({"workspace", "init", ws, "--agency", "IRS-CI", "--admin", "admin"}).exit_code, 0);
  auto off = RunMoneytrail({"serve", "--workspace", ws, "--listen", "0.0.0.0:8443"});
  EXPECT_EQ(off.exit_code, 2);
  EXPECT_NE(off.err.find("loopback"), std::string::npos) << off.err;

  const int port = FreePort();
  const pid_t pid = test_util::SpawnMoneytrail(
      {"serve", "--workspace", ws, "--listen", "127.0.0.1:" + std::to_string(port)},
      tmp.path() / "out", tmp.path() / "err");
  httplib::Client client("127.0.0.1", port);
  bool answered = false;
  int status = 0;
  std::string body, cookie;
  for (int i = 0; i < 200 && !answered; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto res = client.Post("/api/v1/session",
                           nlohmann::json{{"username", "admin"}, {"password", kPassword}}.dump(),
                           "application/json");
    if (!res) continue;
    answered = true;
    status = res->status;
    body = res->body;
    cookie = res->get_header_value("Set-Cookie");
  }
  ASSERT_TRUE(answered) << test_util::ReadWholeFile(tmp.path() / "err");
  EXPECT_EQ(status, 200) << body;
  auto me = client.Get("/api/v1/me", {{"Cookie", cookie.substr(0, cookie.find(';'))}});
  ASSERT_TRUE(me);
  EXPECT_EQ(me->status, 200);
  EXPECT_NE(me->body.find("administrator"), std::string::npos);
  ::kill(pid, SIGTERM);
  auto done = test_util::WaitFor(pid);
  EXPECT_EQ(done.exit_code, 0);
  EXPECT_NE(test_util::ReadWholeFile(tmp.path() / "out").find("stopped"), std::string::npos);
  EXPECT_EQ(RunMoneytrail({"audit", "verify", ws}).exit_code, 0);
}

}  // namespace
}  // namespace moneytrail
