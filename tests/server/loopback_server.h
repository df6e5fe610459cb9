// The workspace served over real HTTP on loopback, for the server's end-to-end tests: the
// workspace fixture plus an Api and an HttpServer on 127.0.0.1 and a free port, running on a
// thread of its own until TearDown.
//
//   class MyTest : public LoopbackServerFixture {
//     void SetUp() override {
//       LoopbackServerFixture::SetUp();
//       ASSERT_NO_FATAL_FAILURE(StartServer({.secure_cookies = false}));
//     }
//   };
//   httplib::Client client("127.0.0.1", http_->port());
#ifndef MONEYTRAIL_TESTS_SERVER_LOOPBACK_SERVER_H_
#define MONEYTRAIL_TESTS_SERVER_LOOPBACK_SERVER_H_

#include <memory>
#include <thread>

#include <gtest/gtest.h>

#include "moneytrail/server.h"
#include "workspace/workspace_fixture.h"

namespace moneytrail::server::testing {

class LoopbackServerFixture : public workspace::testing::WorkspaceFixture {
 protected:
  // Serves ws_ through an Api with `options` until TearDown; fails the test if it cannot bind.
  void StartServer(ApiOptions options) {
    api_ = std::make_unique<Api>(*ws_, options);
    http_ = std::make_unique<HttpServer>(*api_, HttpOptions{.host = "127.0.0.1", .port = 0});
    ASSERT_TRUE(http_->Bind().ok());
    thread_ = std::thread([this] { (void)http_->Run(); });
    ASSERT_TRUE(http_->WaitUntilRunning());
  }
  void TearDown() override {
    if (thread_.joinable()) {
      http_->Stop();
      thread_.join();
    }
    http_.reset();
    api_.reset();
    WorkspaceFixture::TearDown();
  }

  std::unique_ptr<Api> api_;
  std::unique_ptr<HttpServer> http_;
  std::thread thread_;
};

}  // namespace moneytrail::server::testing

#endif  // MONEYTRAIL_TESTS_SERVER_LOOPBACK_SERVER_H_
