// End to end: the real binary generates a tiny world, ingests it, scans it with the shipped pack
// and scores the alerts; --explain prints an alert's evidence with source lines.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "cli/run_binary.h"

namespace moneytrail::rules {
namespace {

using test_util::RunMoneytrail;
using test_util::TempDir;

TEST(RulesCliTest, ScanWritesAlertsThatEvalRulesScoresAndExplainShows) {
  TempDir dir;
  const std::string world = (dir.path() / "world").string();
  const std::string store = (dir.path() / "store").string();
  const std::string alerts = (dir.path() / "alerts.jsonl").string();
  const std::string pack = std::string(MONEYTRAIL_SOURCE_DIR) + "/rules/smuggling-trafficking.toml";
  ASSERT_EQ(RunMoneytrail({"generate", "--out", world, "--preset", "tiny", "--seed", "3"}).exit_code, 0);
  ASSERT_EQ(RunMoneytrail({"ingest", store, world + "/transactions.csv", "--format", "native"}).exit_code, 0);
  // Alerts are findings: exit 1 (verb.h's table), unless --exit-zero.
  auto scan = RunMoneytrail({"scan", store, "--rules", pack, "--parties", world, "--out", alerts});
  ASSERT_EQ(scan.exit_code, 1) << scan.err;
  auto scan_zero = RunMoneytrail({"scan", store, "--rules", pack, "--parties", world, "--out", alerts, "--exit-zero"});
  ASSERT_EQ(scan_zero.exit_code, 0) << scan_zero.err;
  std::ifstream in(alerts);
  std::string header, first_alert;
  std::getline(in, header);
  std::getline(in, first_alert);
  EXPECT_NE(header.find("\"record\":\"scan\""), std::string::npos);
  EXPECT_NE(header.find("\"store_manifest_sha256\""), std::string::npos);
  ASSERT_NE(first_alert.find("\"record\":\"alert\""), std::string::npos) << "no alert on a tiny world";
  EXPECT_NE(first_alert.find("transactions.csv\",\"source_line\":"), std::string::npos) << first_alert;
  size_t id_at = first_alert.find("\"alert_id\":\"") + 12;
  std::string id = first_alert.substr(id_at, first_alert.find('"', id_at) - id_at);
  auto explain = RunMoneytrail({"scan", store, "--rules", pack, "--explain", id, "--alerts", alerts});
  ASSERT_EQ(explain.exit_code, 0) << explain.err;
  EXPECT_NE(explain.out.find(id), std::string::npos);
  EXPECT_NE(explain.out.find("transactions.csv:"), std::string::npos) << explain.out;
  auto eval = RunMoneytrail({"eval-rules", store, "--truth", world + "/truth", "--alerts", alerts, "--json"});
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  EXPECT_NE(eval.out.find("\"target_instances\""), std::string::npos);
  // A misspelt parameter override is refused with a message naming it.
  auto bad = RunMoneytrail({"scan", store, "--rules", pack, "--set", "ST-CTR.treshold=1", "--out", alerts});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("treshold"), std::string::npos) << bad.err;
}

TEST(RulesCliTest, ScanThatFindsNothingExitsZero) {
  TempDir dir;
  const std::string world = (dir.path() / "world").string();
  const std::string store = (dir.path() / "store").string();
  const std::string alerts = (dir.path() / "alerts.jsonl").string();
  const std::string pack = (dir.path() / "never.toml").string();
  std::ofstream(pack) << "[pack]\nid = \"never\"\n[[rule]]\nid = \"NEVER\"\ntitle = \"t\"\ncitation = \"c\"\n"
                         "window = \"day\"\n[rule.match]\nchannel = [\"cash_deposit\"]\n"
                         "amount = { over = \"1000000000.00\" }\n[rule.when]\ncount = { at_least = 1 }\n";
  ASSERT_EQ(RunMoneytrail({"generate", "--out", world, "--preset", "tiny", "--seed", "3"}).exit_code, 0);
  ASSERT_EQ(RunMoneytrail({"ingest", store, world + "/transactions.csv", "--format", "native"}).exit_code, 0);
  auto scan = RunMoneytrail({"scan", store, "--rules", pack, "--out", alerts});
  EXPECT_EQ(scan.exit_code, 0) << scan.err;
  EXPECT_NE(scan.out.find("0 alerts"), std::string::npos) << scan.out;
}

}  // namespace
}  // namespace moneytrail::rules
