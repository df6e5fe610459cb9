// The server's own response compression (src/server/compression.h): the choice of coding from
// Accept-Encoding, round trips of both codings on seeded random texts, and over loopback the
// static files arriving compressed once, cached, and byte-identical after decoding.
#include "server/compression.h"

#include <brotli/decode.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>

#include "moneytrail/server.h"
#include "workspace/workspace_fixture.h"

namespace moneytrail::server {
namespace {

std::string Unbrotli(const std::string& in) {
  std::string out;
  BrotliDecoderState* s = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
  size_t avail_in = in.size();
  const uint8_t* next_in = reinterpret_cast<const uint8_t*>(in.data());
  BrotliDecoderResult r;
  do {
    uint8_t buf[4096];
    size_t avail_out = sizeof buf;
    uint8_t* next_out = buf;
    r = BrotliDecoderDecompressStream(s, &avail_in, &next_in, &avail_out, &next_out, nullptr);
    out.append(reinterpret_cast<char*>(buf), sizeof buf - avail_out);
  } while (r == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT);
  BrotliDecoderDestroyInstance(s);
  EXPECT_EQ(r, BROTLI_DECODER_RESULT_SUCCESS);
  return out;
}

std::string Ungzip(const std::string& in) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);  // gzip wrapper only
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  std::string out;
  int rc;
  do {
    char buf[4096];
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
  } while (rc == Z_OK);
  inflateEnd(&z);
  EXPECT_EQ(rc, Z_STREAM_END);
  return out;
}

TEST(CompressionTest, ChoosesBrotliThenGzipAndHonoursQZero) {
  EXPECT_EQ(ChooseEncoding("gzip, deflate, br, zstd"), "br");  // what Chromium sends
  EXPECT_EQ(ChooseEncoding("gzip, deflate"), "gzip");
  EXPECT_EQ(ChooseEncoding("br;q=0, gzip"), "gzip");
  EXPECT_EQ(ChooseEncoding("gzip;q=0.5, br;q=0.4"), "gzip");
  EXPECT_EQ(ChooseEncoding("BR"), "br");
  EXPECT_EQ(ChooseEncoding("x-gzip"), "gzip");
  EXPECT_EQ(ChooseEncoding("*"), "br");
  EXPECT_EQ(ChooseEncoding("*;q=0"), "");
  EXPECT_EQ(ChooseEncoding("br;q=0, *"), "gzip");
  EXPECT_EQ(ChooseEncoding("identity"), "");
  EXPECT_EQ(ChooseEncoding(""), "");
  EXPECT_EQ(ChooseEncoding("br;q=abc"), "");  // a malformed q is not an acceptance
  EXPECT_EQ(ChooseEncoding(" gzip ; q=1 , br;q=0.0"), "gzip");
}

TEST(CompressionTest, CompressibleTypesIgnoreTheirParameters) {
  EXPECT_TRUE(IsCompressibleType("application/json"));
  EXPECT_TRUE(IsCompressibleType("application/json; charset=utf-8"));
  EXPECT_TRUE(IsCompressibleType("text/css"));
  EXPECT_TRUE(IsCompressibleType("application/javascript; charset=utf-8"));
  EXPECT_TRUE(IsCompressibleType("image/svg+xml"));
  EXPECT_FALSE(IsCompressibleType("text/event-stream"));
  EXPECT_FALSE(IsCompressibleType("application/pdf"));
  EXPECT_FALSE(IsCompressibleType("font/woff2"));
  EXPECT_FALSE(IsCompressibleType("application/octet-stream"));
}

TEST(CompressionTest, BothCodingsRoundTripOnRandomTexts) {
  std::mt19937_64 rng(12);
  const std::string words[] = {"{\"subject\":", "\"amount\":\"1,250.00\"", "USD", "cash_deposit", ",", "}",
                               "ÉXICO", "张伟", "\n", "0123456789"};
  for (int round = 0; round < 60; ++round) {
    std::string body;
    const size_t n = std::uniform_int_distribution<size_t>(0, 6000)(rng);
    for (size_t i = 0; i < n; ++i) {
      if (rng() % 7 == 0) body.push_back(static_cast<char>(rng()));  // arbitrary bytes too
      else body += words[rng() % std::size(words)];
    }
    for (const char* accept : {"br", "gzip"}) {
      for (auto effort : {CompressionEffort::kFast, CompressionEffort::kBest}) {
        if (effort == CompressionEffort::kBest && round % 6 != 0) continue;  // quality 11 is slow
        auto c = CompressForClient(body, accept, "application/json", effort);
        if (body.size() < 1024) {
          EXPECT_FALSE(c.has_value()) << "bodies under 1 KiB are sent as they are";
          continue;
        }
        if (!c) continue;  // incompressible: sent as it is, which is also correct
        EXPECT_EQ(c->encoding, accept);
        EXPECT_LT(c->bytes.size(), body.size());
        EXPECT_EQ(c->encoding == "br" ? Unbrotli(c->bytes) : Ungzip(c->bytes), body) << round;
      }
    }
    EXPECT_FALSE(CompressForClient(body, "identity", "application/json", CompressionEffort::kFast));
    EXPECT_FALSE(CompressForClient(body, "br", "application/pdf", CompressionEffort::kFast));
  }
}

class CompressionHttpTest : public workspace::testing::WorkspaceFixture {
 protected:
  void SetUp() override {
    WorkspaceFixture::SetUp();
    web_ = dir_ / "web";
    std::filesystem::create_directories(web_);
    for (int i = 0; i < 20000; ++i) script_ += "console.log(\"line " + std::to_string(i % 97) + "\");\n";
    std::ofstream(web_ / "app.js", std::ios::binary) << script_;
    std::ofstream(web_ / "index.html", std::ios::binary) << "<!doctype html><title>x</title>";
    api_ = std::make_unique<Api>(*ws_, ApiOptions{.secure_cookies = false});
    http_ = std::make_unique<HttpServer>(*api_, HttpOptions{.host = "127.0.0.1", .port = 0, .web_dir = web_.string()});
    ASSERT_TRUE(http_->Bind().ok());
    thread_ = std::thread([this] { (void)http_->Run(); });
    ASSERT_TRUE(http_->WaitUntilRunning());
  }
  void TearDown() override {
    http_->Stop();
    thread_.join();
    http_.reset();
    api_.reset();
    WorkspaceFixture::TearDown();
  }
  httplib::Result Get(const std::string& path, const std::string& accept) {
    httplib::Client client("127.0.0.1", http_->port());
    client.set_decompress(false);  // the bytes as sent
    return client.Get(path.c_str(), {{"Accept-Encoding", accept}});
  }

  std::filesystem::path web_;
  std::string script_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<HttpServer> http_;
  std::thread thread_;
};

TEST_F(CompressionHttpTest, StaticFilesArriveCompressedOnceAndDecodeToTheFile) {
  auto br1 = Get("/app.js", "gzip, deflate, br");
  ASSERT_TRUE(br1);
  EXPECT_EQ(br1->status, 200);
  EXPECT_EQ(br1->get_header_value("Content-Encoding"), "br");
  EXPECT_EQ(br1->get_header_value("Vary"), "Accept-Encoding");
  EXPECT_LT(br1->body.size(), script_.size() / 10);
  EXPECT_EQ(Unbrotli(br1->body), script_);
  auto br2 = Get("/app.js", "br");
  ASSERT_TRUE(br2);
  EXPECT_EQ(br2->body, br1->body);  // the cached bytes

  auto gz = Get("/app.js", "gzip");
  ASSERT_TRUE(gz);
  EXPECT_EQ(gz->get_header_value("Content-Encoding"), "gzip");
  EXPECT_EQ(Ungzip(gz->body), script_);

  auto plain = Get("/app.js", "identity");
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->has_header("Content-Encoding"));
  EXPECT_EQ(plain->body, script_);
  EXPECT_EQ(plain->get_header_value("Content-Length"), std::to_string(script_.size()));

  // The file changes on disk (web/dist rebuilt while serving): the cache follows it.
  script_ += "console.log(\"new\");\n";
  std::ofstream(web_ / "app.js", std::ios::binary) << script_;
  auto br3 = Get("/app.js", "br");
  ASSERT_TRUE(br3);
  EXPECT_EQ(Unbrotli(br3->body), script_);

  auto small = Get("/index.html", "br");  // under 1 KiB: as it is
  ASSERT_TRUE(small);
  EXPECT_FALSE(small->has_header("Content-Encoding"));
  EXPECT_EQ(small->body, "<!doctype html><title>x</title>");
}

TEST_F(CompressionHttpTest, ApiAnswersAreCompressedOnlyWhenAccepted) {
  httplib::Client client("127.0.0.1", http_->port());
  client.set_decompress(false);
  auto signin = client.Post("/api/v1/session", R"({"username":"admin","password":")" + std::string(workspace::testing::kPassword) + R"("})",
                            "application/json");
  ASSERT_TRUE(signin);
  ASSERT_EQ(signin->status, 200) << signin->body;
  const std::string cookie = signin->get_header_value("Set-Cookie").substr(0, signin->get_header_value("Set-Cookie").find(';'));
  // Enough users for a listing over 1 KiB.
  for (int i = 0; i < 12; ++i) MakeUser("extra.user." + std::to_string(i), irs_id_, workspace::Role::kAnalyst, {"LES"});
  auto plain = client.Get("/api/v1/users", {{"Cookie", cookie}, {"Accept-Encoding", "identity"}});
  ASSERT_TRUE(plain);
  ASSERT_EQ(plain->status, 200) << plain->body;
  ASSERT_GT(plain->body.size(), 1024u);
  EXPECT_FALSE(plain->has_header("Content-Encoding"));
  auto br = client.Get("/api/v1/users", {{"Cookie", cookie}, {"Accept-Encoding", "gzip, deflate, br"}});
  ASSERT_TRUE(br);
  EXPECT_EQ(br->get_header_value("Content-Encoding"), "br");
  EXPECT_EQ(Unbrotli(br->body), plain->body);
  // The server's fast setting, not cpp-httplib's own Brotli at quality 11 (seconds per megabyte).
  auto fast = CompressForClient(plain->body, "br", "application/json", CompressionEffort::kFast);
  ASSERT_TRUE(fast);
  EXPECT_EQ(br->body, fast->bytes);
}

}  // namespace
}  // namespace moneytrail::server
