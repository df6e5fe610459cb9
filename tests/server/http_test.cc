// End to end over real HTTP on loopback: two agencies, a joint case with a 6103 note, and a
// member of the other agency without 6103 clearance who cannot see it.
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "moneytrail/server.h"
#include "moneytrail/workspace.h"
#include "server/loopback_server.h"
#include "workspace/workspace_fixture.h"

namespace moneytrail::server {
namespace {

using Json = nlohmann::json;

class HttpTest : public testing::LoopbackServerFixture {
 protected:
  void SetUp() override {
    LoopbackServerFixture::SetUp();
    ASSERT_NO_FATAL_FAILURE(StartServer({.secure_cookies = false}));
  }

  struct Client {
    httplib::Client http;
    std::string cookie, csrf;
    explicit Client(int port) : http("127.0.0.1", port) {}
    httplib::Headers Headers() const { return {{"Cookie", cookie}, {"X-CSRF-Token", csrf}}; }
  };
  std::unique_ptr<Client> SignIn(const std::string& user) {
    auto c = std::make_unique<Client>(http_->port());
    auto res = c->http.Post("/api/v1/session",
                            Json{{"username", user}, {"password", workspace::testing::kPassword}}.dump(),
                            "application/json");
    EXPECT_TRUE(res);
    if (!res) return c;
    EXPECT_EQ(res->status, 200) << res->body;
    const std::string set = res->get_header_value("Set-Cookie");
    c->cookie = set.substr(0, set.find(';'));
    c->csrf = Json::parse(res->body)["csrf_token"];
    return c;
  }

};

TEST_F(HttpTest, AJointCaseShowsEachAgencyOnlyWhatItsClearancesAllow) {
  auto irs = SignIn("irs.agent");
  auto res = irs->http.Post("/api/v1/cases", irs->Headers(),
                            Json{{"number", "JTF-2026-01"}, {"title", "Funnel accounts, Phoenix"},
                                 {"markings", {"LES"}}}.dump(), "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const int64_t case_id = Json::parse(res->body)["id"];
  const std::string base = "/api/v1/cases/" + std::to_string(case_id);
  res = irs->http.Post(base + "/members", irs->Headers(),
                       Json{{"user_id", hsi_agent_.user.id}, {"access", "write"}}.dump(), "application/json");
  ASSERT_EQ(res->status, 200) << res->body;
  res = irs->http.Post(base + "/notes", irs->Headers(),
                       Json{{"object_type", "subject"}, {"object_id", "E3727"},
                            {"text", "Return information: no wages reported for 2025"}, {"markings", {"6103"}}}.dump(),
                       "application/json");
  ASSERT_EQ(res->status, 200) << res->body;
  const int64_t tax_note = Json::parse(res->body)["id"];
  res = irs->http.Post(base + "/notes", irs->Headers(),
                       Json{{"object_type", "subject"}, {"object_id", "E3727"}, {"text", "Funnel account"}}.dump(),
                       "application/json");
  ASSERT_EQ(res->status, 200);

  auto hsi = SignIn("hsi.agent");
  res = hsi->http.Get(base.c_str(), hsi->Headers());
  ASSERT_EQ(res->status, 200);
  res = hsi->http.Get((base + "/notes").c_str(), hsi->Headers());
  ASSERT_EQ(res->status, 200);
  const Json notes = Json::parse(res->body);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0]["text"], "Funnel account");
  EXPECT_EQ(res->body.find("wages"), std::string::npos);
  res = hsi->http.Get(("/api/v1/notes/" + std::to_string(tax_note)).c_str(), hsi->Headers());
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(res->body.find("wages"), std::string::npos);
  // The IRS agent sees both; the security headers arrive over the wire.
  res = irs->http.Get((base + "/notes").c_str(), irs->Headers());
  EXPECT_EQ(Json::parse(res->body).size(), 2u);
  EXPECT_EQ(res->get_header_value("X-Frame-Options"), "DENY");
  // An outsider's request for the case is indistinguishable from a missing case.
  auto other = SignIn("irs.analyst");
  EXPECT_EQ(other->http.Get(base.c_str(), other->Headers())->status, 404);
  EXPECT_EQ(other->http.Get("/api/v1/cases/424242", other->Headers())->status, 404);
}

TEST_F(HttpTest, PlainHttpIsRefusedOffLoopback) {
  HttpServer off(*api_, HttpOptions{.host = "0.0.0.0", .port = 0});
  const Status st = off.Bind();
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("loopback"), std::string_view::npos);
}


TEST_F(HttpTest, HttpsServesTheApiWithASecureSessionCookie) {
  // A throwaway self-signed certificate (the openssl command of Debian's openssl package).
  const std::string cert = (dir_ / "cert.pem").string(), key = (dir_ / "key.pem").string();
  const std::string make = "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 -keyout " + key +
                           " -out " + cert + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(make.c_str()), 0) << make;
  Api secure_api(*ws_, ApiOptions{.secure_cookies = true});
  HttpServer tls(secure_api, HttpOptions{.host = "127.0.0.1", .port = 0, .cert_file = cert, .key_file = key});
  ASSERT_TRUE(tls.Bind().ok());
  std::thread serving([&] { (void)tls.Run(); });
  ASSERT_TRUE(tls.WaitUntilRunning());
  httplib::SSLClient client("127.0.0.1", tls.port());
  client.enable_server_certificate_verification(false);  // self-signed
  auto res = client.Post("/api/v1/session",
                         Json{{"username", "irs.agent"}, {"password", workspace::testing::kPassword}}.dump(),
                         "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  const std::string set = res->get_header_value("Set-Cookie");
  EXPECT_NE(set.find("; Secure"), std::string::npos) << set;
  EXPECT_NE(set.find("HttpOnly"), std::string::npos) << set;
  EXPECT_NE(res->get_header_value("Strict-Transport-Security").find("max-age="), std::string::npos);
  auto me = client.Get("/api/v1/me", {{"Cookie", set.substr(0, set.find(';'))}});
  ASSERT_TRUE(me);
  EXPECT_EQ(me->status, 200);
  // Plain HTTP to the TLS port gets no answer from the API.
  httplib::Client plain("127.0.0.1", tls.port());
  auto refused = plain.Get("/api/v1/me");
  EXPECT_TRUE(!refused || refused->status != 200);
  tls.Stop();
  serving.join();
}

}  // namespace
}  // namespace moneytrail::server
