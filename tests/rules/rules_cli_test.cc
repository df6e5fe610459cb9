// End to end: the real binary generates a tiny world, ingests it, scans it with the shipped pack
// and scores the alerts; --explain prints an alert's evidence with source lines.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <vector>

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

// Without KYC facts the KYC rules cannot run: scan's first line says so, each rule's line says
// whether it ran and why not, and --json gives the same table.
TEST(RulesCliTest, ScanSaysWhichRulesCouldNotRunAndWhy) {
  TempDir dir;
  const std::string world = (dir.path() / "world").string();
  const std::string store = (dir.path() / "store").string();
  const std::string alerts = (dir.path() / "alerts.jsonl").string();
  const std::string pack = std::string(MONEYTRAIL_SOURCE_DIR) + "/rules/smuggling-trafficking.toml";
  ASSERT_EQ(RunMoneytrail({"generate", "--out", world, "--preset", "tiny", "--seed", "3"}).exit_code, 0);
  ASSERT_EQ(RunMoneytrail({"ingest", store, world + "/transactions.csv", "--format", "native"}).exit_code, 0);
  auto scan = RunMoneytrail({"scan", store, "--rules", pack, "--out", alerts, "--exit-zero"});
  ASSERT_EQ(scan.exit_code, 0) << scan.err;
  EXPECT_EQ(scan.out.rfind("WARNING: ", 0), 0u) << scan.out;
  EXPECT_NE(scan.out.find("including high-severity ST-FEE"), std::string::npos) << scan.out;
  const std::string fee_line = "  " + std::string("ST-FEE") + std::string(16, ' ') + "      -  not run: needs KYC facts";
  EXPECT_NE(scan.out.find(fee_line), std::string::npos) << scan.out;
  EXPECT_NE(scan.out.find("ST-STRUCT"), std::string::npos) << scan.out;
  EXPECT_NE(scan.out.find(" rows can support it: "), std::string::npos) << scan.out;
  auto json = RunMoneytrail({"scan", store, "--rules", pack, "--out", alerts, "--exit-zero", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(json.out.rfind("{\"alerts\":", 0), 0u) << json.out;
  EXPECT_NE(json.out.find("\"rule\":\"ST-FEE\",\"severity\":\"high\",\"ran\":false"), std::string::npos)
      << json.out;
  std::ifstream in(alerts);
  std::string header;
  std::getline(in, header);
  EXPECT_NE(header.find("ST-FEE: needs KYC facts"), std::string::npos) << header;
}

// Splits a CSV line without quotes (the generator's accounts.csv and truth/entities.csv).
std::vector<std::string> Fields(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string f;
  while (std::getline(ss, f, ',')) out.push_back(f);
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}

std::vector<std::string> AlertLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) {
    if (line.find("\"record\":\"alert\"") != std::string::npos) out.push_back(line);
  }
  return out;
}

bool HasEvidenceLine(const std::string& alert, uint64_t line) {
  return alert.find("\"source_line\":" + std::to_string(line) + "}") != std::string::npos;
}

// A generated tiny world, plus cash deposits split over two accounts of one true entity (held by
// variant records of one person when the world has such an entity): two deposits just under the
// structuring band's top on consecutive days, and two that make $12,000 in one business day. Per
// account no rule sees more than one deposit; per entity (--entities truth/entities.csv)
// ST-STRUCT and ST-CTR-AGG-IN alert, naming the entity and both accounts.
TEST(RulesCliTest, CashSplitOverOneEntitysAccountsIsCaughtPerEntityNotPerAccount) {
  TempDir dir;
  const std::string world = (dir.path() / "world").string();
  const std::string store = (dir.path() / "store").string();
  const std::string pack = std::string(MONEYTRAIL_SOURCE_DIR) + "/rules/smuggling-trafficking.toml";
  ASSERT_EQ(RunMoneytrail({"generate", "--out", world, "--preset", "tiny", "--seed", "3"}).exit_code, 0);
  std::map<std::string, std::string> entity_of;  // party -> entity
  {
    std::ifstream in(world + "/truth/entities.csv");
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      auto f = Fields(line);
      if (f.size() >= 2) entity_of[f[0]] = f[1];
    }
  }
  // entity -> (party, "bank:account") of its bank accounts, in file order.
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> accounts_of;
  std::vector<std::string> entity_order;
  {
    std::ifstream in(world + "/accounts.csv");
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      auto f = Fields(line);
      if (f.size() < 4 || f[2] != "account" || f[3].empty()) continue;
      const std::string& e = entity_of[f[3]];
      if (accounts_of[e].empty()) entity_order.push_back(e);
      accounts_of[e].emplace_back(f[3], f[0] + ":" + f[1]);
    }
  }
  std::string entity;
  for (const std::string& e : entity_order) {
    const auto& a = accounts_of[e];
    if (a.size() < 2) continue;
    if (entity.empty()) entity = e;
    if (a[0].first != a[1].first) {  // two parties: the same person under variant records
      entity = e;
      break;
    }
  }
  ASSERT_FALSE(entity.empty()) << "no entity with two accounts in the tiny world";
  const std::string a = accounts_of[entity][0].second, b = accounts_of[entity][1].second;
  uint64_t lines = 0;
  {
    std::ifstream in(world + "/transactions.csv");
    for (std::string line; std::getline(in, line);) ++lines;
  }
  auto row = [](const std::string& time, const std::string& account, const std::string& amount) {
    const size_t colon = account.find(':');
    return time + ",cash," + account.substr(0, colon) + ",BR-TEST-01,account," + account.substr(0, colon) + "," +
           account.substr(colon + 1) + "," + amount + ",USD," + amount + ",USD,cash_deposit,El Paso,TX,US,,,0,\n";
  };
  {
    std::ofstream out(world + "/transactions.csv", std::ios::app);
    out << row("2025-09-02T15:00:00Z", a, "8500.00") << row("2025-09-03T15:00:00Z", b, "8700.00")
        << row("2025-09-09T15:00:00Z", a, "6000.00") << row("2025-09-09T16:30:00Z", b, "6000.00");
  }
  const uint64_t struct_a = lines + 1, struct_b = lines + 2, ctr_a = lines + 3, ctr_b = lines + 4;
  ASSERT_EQ(RunMoneytrail({"ingest", store, world + "/transactions.csv", "--format", "native"}).exit_code, 0);

  const std::string per_account = (dir.path() / "per_account.jsonl").string();
  auto scan = RunMoneytrail({"scan", store, "--rules", pack, "--parties", world, "--out", per_account, "--exit-zero"});
  ASSERT_EQ(scan.exit_code, 0) << scan.err;
  for (const std::string& alert : AlertLines(per_account)) {
    EXPECT_EQ(alert.find("\"entity\":"), std::string::npos) << alert;
    EXPECT_FALSE(HasEvidenceLine(alert, struct_a) && HasEvidenceLine(alert, struct_b)) << alert;
    EXPECT_FALSE(HasEvidenceLine(alert, ctr_a) && HasEvidenceLine(alert, ctr_b)) << alert;
  }

  const std::string per_entity = (dir.path() / "per_entity.jsonl").string();
  auto scan_entities = RunMoneytrail({"scan", store, "--rules", pack, "--parties", world, "--entities",
                                      world + "/truth/entities.csv", "--out", per_entity, "--exit-zero"});
  ASSERT_EQ(scan_entities.exit_code, 0) << scan_entities.err;
  bool structuring = false, ctr = false;
  for (const std::string& alert : AlertLines(per_entity)) {
    const bool names = alert.find("\"entity\":\"" + entity + "\"") != std::string::npos &&
                       alert.find("\"" + a + "\"") != std::string::npos &&
                       alert.find("\"" + b + "\"") != std::string::npos &&
                       alert.find("Entity " + entity + " (accounts ") != std::string::npos;
    if (alert.find("\"rule_id\":\"ST-STRUCT\"") != std::string::npos && HasEvidenceLine(alert, struct_a) &&
        HasEvidenceLine(alert, struct_b)) {
      structuring = true;
      EXPECT_TRUE(names) << alert;
    }
    if (alert.find("\"rule_id\":\"ST-CTR-AGG-IN\"") != std::string::npos && HasEvidenceLine(alert, ctr_a) &&
        HasEvidenceLine(alert, ctr_b)) {
      ctr = true;
      EXPECT_TRUE(names) << alert;
      EXPECT_NE(alert.find("\"sum\":\"12000.00\""), std::string::npos) << alert;
    }
  }
  EXPECT_TRUE(structuring) << "no ST-STRUCT alert for entity " << entity << " over " << a << " and " << b;
  EXPECT_TRUE(ctr) << "no ST-CTR-AGG-IN alert for entity " << entity;

  // --entities needs --parties; a malformed map is refused naming file, line and field.
  auto alone = RunMoneytrail({"scan", store, "--rules", pack, "--entities", world + "/truth/entities.csv", "--out",
                              per_entity});
  EXPECT_EQ(alone.exit_code, 2) << alone.err;
  const std::string bad_map = (dir.path() / "bad_entities.csv").string();
  std::ofstream(bad_map) << "party_id,entity_id\nP00000001,E1\nP00000002,\n";
  auto bad = RunMoneytrail({"scan", store, "--rules", pack, "--parties", world, "--entities", bad_map, "--out",
                            per_entity});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_NE(bad.err.find("bad_entities.csv:3: field entity_id"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace moneytrail::rules
