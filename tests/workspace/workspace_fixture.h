// A small workspace for tests: two agencies (IRS-CI, HSI), an administrator, an auditor and
// agents with different clearances. Passwords hashed at libsodium's minimum cost (fast).
#ifndef MONEYTRAIL_TESTS_WORKSPACE_FIXTURE_H_
#define MONEYTRAIL_TESTS_WORKSPACE_FIXTURE_H_

#include <sodium.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "moneytrail/workspace.h"

namespace moneytrail::workspace::testing {

inline PasswordCost FastCost() {
  return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

inline constexpr const char* kPassword = "correct horse battery";

class WorkspaceFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mt-ws-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    InitOptions init{"IRS-CI", "IRS-CI duty desk 555-0100", "admin", kPassword, FastCost()};
    ASSERT_TRUE(Workspace::Init(dir_, init).ok());
    WorkspaceOptions options;
    options.password_cost = FastCost();
    options.now = [this] { return now_; };
    options.durable = false;  // fsyncs would make these tests I/O-bound; durability is the default
    auto ws = Workspace::Open(dir_, options);
    ASSERT_TRUE(ws.ok()) << ws.status().ToString();
    ws_ = std::move(*ws);
    admin_ = SignIn("admin");
    auto hsi = ws_->CreateAgency(admin_, "HSI", "HSI duty agent 555-0199");
    ASSERT_TRUE(hsi.ok()) << hsi.status().ToString();
    irs_id_ = admin_.user.agency_id;
    hsi_id_ = hsi->id;
    irs_agent_ = MakeUser("irs.agent", irs_id_, Role::kAgent, {"6103", "GJ-6E", "LES", "SAR"});
    irs_analyst_ = MakeUser("irs.analyst", irs_id_, Role::kAnalyst, {"6103", "LES"});
    hsi_agent_ = MakeUser("hsi.agent", hsi_id_, Role::kAgent, {"LES", "GJ-6E"});
    auditor_ = MakeUser("auditor", irs_id_, Role::kAuditor, {});
  }
  void TearDown() override {
    ws_.reset();
    std::filesystem::remove_all(dir_);
  }

  Actor SignIn(const std::string& username) {
    auto s = ws_->Login(username, kPassword, "127.0.0.1");
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (!s.ok()) return {};
    auto a = ws_->Authenticate(s->token, "127.0.0.1");
    EXPECT_TRUE(a.ok());
    return a.ok() ? *a : Actor{};
  }

  Actor MakeUser(const std::string& name, int64_t agency, Role role,
                 std::vector<std::string> clearances) {
    NewUser nu;
    nu.username = name;
    nu.agency_id = agency;
    nu.role = role;
    nu.clearances = *ParseMarkings(clearances);
    nu.password = kPassword;
    auto u = ws_->CreateUser(admin_, nu);
    EXPECT_TRUE(u.ok()) << u.status().ToString();
    return SignIn(name);
  }

  std::filesystem::path dir_;
  int64_t now_ = 1'800'000'000;
  std::unique_ptr<Workspace> ws_;
  Actor admin_, irs_agent_, irs_analyst_, hsi_agent_, auditor_;
  int64_t irs_id_ = 0, hsi_id_ = 0;
};

}  // namespace moneytrail::workspace::testing

#endif  // MONEYTRAIL_TESTS_WORKSPACE_FIXTURE_H_
