// End to end: the real `moneytrail trace` and `moneytrail prove` on a generated world. The
// outputs must reconcile to the cent, cite source lines, and the chart must be an SVG that
// states its cap.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/run_binary.h"
#include "moneytrail/generate.h"

namespace moneytrail {
namespace {

using test_util::ReadWholeFile;
using test_util::RunMoneytrail;
using test_util::TempDir;

class TraceCliTest : public testing::Test {
 protected:
  void SetUp() override {
    Result<generate::GenerateOptions> o = generate::PresetOptions("tiny");
    ASSERT_TRUE(o.ok());
    o->out_dir = (dir_.path() / "world").string();
    o->threads = 1;
    ASSERT_TRUE(generate::Generate(*o).ok());
    auto r = RunMoneytrail({"ingest", store(), (dir_.path() / "world" / "transactions.csv").string(),
                            "--format", "native"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  std::string store() const { return (dir_.path() / "store").string(); }
  std::string path(const char* name) const { return (dir_.path() / name).string(); }
  TempDir dir_;
};

TEST_F(TraceCliTest, TraceWritesReconciledTrailScheduleAndCappedChart) {
  for (const char* method : {"libr", "fifo", "lifo", "pro-rata"}) {
    SCOPED_TRACE(method);
    auto r = RunMoneytrail({"trace", store(), "--instances",
                            (dir_.path() / "world" / "truth" / "instances.jsonl").string(),
                            "--method", method, "--out", path("trail.json"), "--schedule",
                            path("trail.csv"), "--chart", path("trail.svg"), "--chart-nodes", "10"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("(reconciles)"), std::string::npos) << r.out;
    nlohmann::json j = nlohmann::json::parse(ReadWholeFile(path("trail.json")));
    ASSERT_FALSE(j["totals"].empty());
    for (const auto& t : j["totals"]) EXPECT_TRUE(t["reconciles"].get<bool>());
    ASSERT_FALSE(j["flows"].empty());
    EXPECT_GT(j["flows"][0]["source_line"].get<int>(), 1);
    std::string csv = ReadWholeFile(path("trail.csv"));
    EXPECT_EQ(csv.rfind("line,hop,time,transaction,source_file,source_line", 0), 0u);
    EXPECT_NE(csv.find("remaining + exited (= traced in)"), std::string::npos);
    std::string svg = ReadWholeFile(path("trail.svg"));
    EXPECT_NE(svg.find("<svg"), std::string::npos);
    EXPECT_NE(svg.find("showing 10 of"), std::string::npos);
  }
}

TEST_F(TraceCliTest, PartiesNameTheHoldersInTheChartAndTrail) {
  auto r = RunMoneytrail({"trace", store(), "--instances",
                          (dir_.path() / "world" / "truth" / "instances.jsonl").string(), "--parties",
                          (dir_.path() / "world").string(), "--out", path("trail.json"), "--chart",
                          path("trail.svg")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(ReadWholeFile(path("trail.json")));
  const std::string svg = ReadWholeFile(path("trail.svg"));
  size_t named = 0, in_chart = 0;
  for (const auto& h : j["remaining"]) {
    if (!h.contains("holder")) continue;
    const std::string name = h["holder"].get<std::string>();
    ASSERT_FALSE(name.empty());
    ++named;
    in_chart += svg.find(name) != std::string::npos;
  }
  EXPECT_GT(named, 0u);
  EXPECT_GT(in_chart, 0u);
  // Without --parties no holder is named.
  r = RunMoneytrail({"trace", store(), "--instances",
                     (dir_.path() / "world" / "truth" / "instances.jsonl").string(), "--out",
                     path("plain.json")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadWholeFile(path("plain.json")).find("\"holder\""), std::string::npos);
}

// Opening balances from a native balances.csv: B's 80.00 covers its payment of 150.00 after
// receiving 100.00, so no shortfall; without them 50.00 is drawn from the unexplained source.
TEST(TraceBalancesTest, NativeOpeningBalancesFeedTheLedger) {
  TempDir dir;
  test_util::WriteWholeFile(
      dir.path() / "tx.csv",
      "timestamp,source_kind,source_bank,source_account,dest_kind,dest_bank,dest_account,"
      "amount_paid,currency_paid,amount_received,currency_received,channel,city,region,country,"
      "mcc,counterparty,is_laundering,typology\n"
      "2022-09-01T00:00:00Z,account,1,A,account,2,B,100.00,USD,,,wire,,,,,,,\n"
      "2022-09-02T00:00:00Z,account,2,B,account,3,C,150.00,USD,,,wire,,,,,,,\n");
  test_util::WriteWholeFile(dir.path() / "bal.csv", "bank,account,currency,balance\n2,B,USD,80.00\n");
  for (bool with : {true, false}) {
    SCOPED_TRACE(with);
    const std::string store = (dir.path() / (with ? "with" : "without")).string();
    std::vector<std::string> ingest = {"ingest", store, (dir.path() / "tx.csv").string(), "--format",
                                       "native"};
    if (with) {
      ingest.push_back("--balances");
      ingest.push_back((dir.path() / "bal.csv").string());
    }
    auto r = RunMoneytrail(ingest);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = RunMoneytrail({"trace", store, "--transaction", "0", "--out",
                       (dir.path() / "t.json").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find(with ? "0 shortfalls" : "1 shortfalls"), std::string::npos) << r.out;
    nlohmann::json j = nlohmann::json::parse(ReadWholeFile(dir.path() / "t.json"));
    // LIBR: B holds 180.00 (with) or 100.00 (without), pays 150.00: tainted left at B is 30.00
    // (with) or 0.00 after the shortfall (without).
    std::string left_at_b;
    for (const auto& h : j["remaining"]) {
      if (h["account"] == "2:B") left_at_b = h["traced_remaining"].get<std::string>();
    }
    EXPECT_EQ(left_at_b, with ? "30.00" : "");
  }
}

TEST_F(TraceCliTest, BadArgumentsAreRefusedWithExitCodes) {
  auto r = RunMoneytrail({"trace", store(), "--account", "nobank:none", "--out", path("t.json")});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("no such account"), std::string::npos) << r.err;
  r = RunMoneytrail({"trace", store(), "--transaction", "0", "--method", "hifo", "--out", path("t.json")});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  r = RunMoneytrail({"trace", store(), "--transaction", "0", "--direction", "backward",
                     "--method", "libr", "--out", path("t.json")});
  EXPECT_EQ(r.exit_code, 2) << r.err;
}

TEST_F(TraceCliTest, ProveWritesBothMethodsWithEvidence) {
  auto r = RunMoneytrail({"trace", store(), "--transaction", "10", "--out", path("t.json")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string subject = nlohmann::json::parse(ReadWholeFile(path("t.json")))["flows"][0]["to"];
  if (subject.rfind("cash:", 0) == 0 || subject.rfind("merchant:", 0) == 0 ||
      subject.rfind("external:", 0) == 0) {
    GTEST_SKIP() << "transaction 10 does not pay a bank account";
  }
  for (const char* method : {"bank-deposits", "source-application"}) {
    r = RunMoneytrail({"prove", store(), "--subject", subject, "--from", "2025-09-01", "--to",
                       "2025-09-30", "--method", method, "--reported-income", "100.00", "--out",
                       path("proof.json"), "--schedule", path("proof.csv")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    nlohmann::json j = nlohmann::json::parse(ReadWholeFile(path("proof.json")));
    EXPECT_EQ(j["standard"], "IRS Internal Revenue Manual 9.5.9, Methods of Proof");
    // The first line's evidence: at least the seed transaction paid into the subject's account.
    EXPECT_FALSE(j["schedule"][0]["transactions"].empty());
    EXPECT_TRUE(j.contains(std::string(method) == "bank-deposits" ? "unreported_income"
                                                                   : "funds_from_unidentified_sources"));
    EXPECT_NE(ReadWholeFile(path("proof.csv")).find("source_file,source_line"), std::string::npos);
  }
}

}  // namespace
}  // namespace moneytrail
