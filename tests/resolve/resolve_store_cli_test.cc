// End to end: `moneytrail resolve PARTIES.csv --store STORE` attaches parties, accounts and
// entities to a store, and scan, score, trace and investigate then work per entity without
// --parties (issue 8, "Per-entity analysis"). Each per-entity output is checked against the
// same computation from the explicit files or against a restatement from the account outputs.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/run_binary.h"

namespace moneytrail {
namespace {

namespace fs = std::filesystem;
using test_util::ReadWholeFile;
using test_util::RunMoneytrail;
using test_util::SplitCsvLine;
using test_util::TempDir;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Rows of a CSV file as column name -> value maps.
std::vector<std::map<std::string, std::string>> Rows(const fs::path& path) {
  std::vector<std::string> lines = Lines(ReadWholeFile(path));
  std::vector<std::map<std::string, std::string>> out;
  if (lines.empty()) return out;
  std::vector<std::string> header = SplitCsvLine(lines[0]);
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> f = SplitCsvLine(lines[i]);
    EXPECT_EQ(f.size(), header.size()) << path << ": " << lines[i];
    std::map<std::string, std::string> row;
    for (size_t c = 0; c < header.size() && c < f.size(); ++c) row[header[c]] = f[c];
    out.push_back(std::move(row));
  }
  return out;
}

// The alert lines of a scan's output (the first line is the scan's header).
std::vector<std::string> Alerts(const fs::path& path) {
  std::vector<std::string> lines = Lines(ReadWholeFile(path));
  if (!lines.empty()) lines.erase(lines.begin());
  return lines;
}

class ResolveStoreTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    ASSERT_EQ(RunMoneytrail({"generate", "--out", World(""), "--preset", "tiny", "--seed", "3"}).exit_code, 0);
    ASSERT_EQ(RunMoneytrail({"ingest", Store(), World("transactions.csv"), "--format", "native"}).exit_code, 0);
    // A store that stays without holders, for the refusals.
    ASSERT_EQ(RunMoneytrail({"ingest", Plain(), World("transactions.csv"), "--format", "native"}).exit_code, 0);
    resolve_ = new test_util::RunResult(RunMoneytrail(
        {"resolve", World("parties.csv"), "--store", Store(), "--out", Path("entities.csv"), "--shared",
         Path("shared.csv")}));
  }
  static void TearDownTestSuite() {
    delete resolve_;
    delete dir_;
  }
  void SetUp() override { ASSERT_EQ(resolve_->exit_code, 0) << resolve_->out << resolve_->err; }

  static std::string Path(const std::string& name) { return (dir_->path() / name).string(); }
  static std::string World(const std::string& name) { return (dir_->path() / "world" / name).string(); }
  static std::string Store() { return Path("store"); }
  static std::string Plain() { return Path("plain"); }
  static fs::path HoldersDir() {
    nlohmann::json m = nlohmann::json::parse(ReadWholeFile(dir_->path() / "store" / "MANIFEST"));
    return dir_->path() / "store" / "holders" / m["holders"]["name"].get<std::string>();
  }
  static std::string Model() { return std::string(MONEYTRAIL_SOURCE_DIR) + "/models/default.model"; }

  static TempDir* dir_;
  static test_util::RunResult* resolve_;
};
TempDir* ResolveStoreTest::dir_ = nullptr;
test_util::RunResult* ResolveStoreTest::resolve_ = nullptr;

TEST_F(ResolveStoreTest, TheAttachmentHoldsTheInputsAndTheEntitiesByteForByte) {
  EXPECT_NE(resolve_->out.find("attached to store"), std::string::npos) << resolve_->out;
  EXPECT_EQ(ReadWholeFile(HoldersDir() / "parties.csv"), ReadWholeFile(World("parties.csv")));
  EXPECT_EQ(ReadWholeFile(HoldersDir() / "accounts.csv"), ReadWholeFile(World("accounts.csv")));
  EXPECT_EQ(ReadWholeFile(HoldersDir() / "entities.csv"), ReadWholeFile(Path("entities.csv")));
  // shared.csv in the store is --shared's file, which now lists the accounts of each group.
  EXPECT_EQ(ReadWholeFile(HoldersDir() / "shared.csv"), ReadWholeFile(Path("shared.csv")));
  std::vector<std::string> shared = Lines(ReadWholeFile(Path("shared.csv")));
  ASSERT_FALSE(shared.empty());
  EXPECT_EQ(shared[0], "identifier,value,entity_count,entity_ids,party_ids,accounts");
  nlohmann::json m = nlohmann::json::parse(ReadWholeFile(dir_->path() / "store" / "MANIFEST"));
  EXPECT_EQ(m["version"].get<int>(), 4);  // store format 4: checksums
  EXPECT_GT(m["holders"]["linked_accounts"].get<uint64_t>(), 0u);
  EXPECT_EQ(m["holders"]["files"][0]["source"].get<std::string>(), fs::absolute(World("parties.csv")).string());
  auto info = RunMoneytrail({"info", Store(), "--json"});
  ASSERT_EQ(info.exit_code, 0) << info.err;
  nlohmann::json i = nlohmann::json::parse(info.out);
  EXPECT_EQ(i["holders"]["files"].size(), 4u);
  EXPECT_EQ(i["holders"]["entities"], m["holders"]["entities"]);
  nlohmann::json plain = nlohmann::json::parse(ReadWholeFile(dir_->path() / "plain" / "MANIFEST"));
  EXPECT_EQ(plain["version"].get<int>(), 4);
  EXPECT_FALSE(plain.contains("holders"));
}

TEST_F(ResolveStoreTest, ScanUsesTheAttachmentAsIfGivenPartiesAndEntities) {
  auto attached = RunMoneytrail({"scan", Store(), "--out", Path("attached.jsonl"), "--exit-zero"});
  ASSERT_EQ(attached.exit_code, 0) << attached.err;
  EXPECT_NE(attached.err.find("attached to the store"), std::string::npos) << attached.err;
  auto explicit_files = RunMoneytrail({"scan", Plain(), "--parties", World(""), "--entities", Path("entities.csv"),
                                       "--out", Path("explicit.jsonl"), "--exit-zero"});
  ASSERT_EQ(explicit_files.exit_code, 0) << explicit_files.err;
  const std::vector<std::string> a = Alerts(Path("attached.jsonl")), b = Alerts(Path("explicit.jsonl"));
  EXPECT_EQ(a, b);
  EXPECT_TRUE(std::any_of(a.begin(), a.end(),
                          [](const std::string& l) { return l.find("\"entity\":\"E") != std::string::npos; }))
      << "no per-entity alert";
  // --no-holders: per account, no KYC (as a store without holders).
  auto none = RunMoneytrail({"scan", Store(), "--no-holders", "--out", Path("none.jsonl"), "--exit-zero"});
  auto plain = RunMoneytrail({"scan", Plain(), "--out", Path("plain.jsonl"), "--exit-zero"});
  ASSERT_EQ(none.exit_code, 0) << none.err;
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(Alerts(Path("none.jsonl")), Alerts(Path("plain.jsonl")));
}

TEST_F(ResolveStoreTest, TheEntityRankingIsTheBestScoreOfEachEntitysAccounts) {
  auto r = RunMoneytrail({"score", Store(), "--model", Model(), "--out", Path("scores.csv"), "--accounts",
                          Path("accounts-ranked.csv"), "--entity-ranking", Path("entities-ranked.csv")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, double> account_score;
  for (const auto& row : Rows(Path("accounts-ranked.csv"))) account_score[row.at("account")] = std::stod(row.at("score"));
  // The attachment's own map: party -> entity, and bank:account -> party.
  std::map<std::string, std::string> entity_of_party, party_of_account;
  for (const auto& row : Rows(Path("entities.csv"))) entity_of_party[row.at("party_id")] = row.at("entity_id");
  for (const auto& row : Rows(World("accounts.csv"))) {
    if (row.at("kind") == "account" && !row.at("holder_party_id").empty()) {
      party_of_account[row.at("bank") + ":" + row.at("account")] = row.at("holder_party_id");
    }
  }
  const auto ranked = Rows(Path("entities-ranked.csv"));
  ASSERT_FALSE(ranked.empty());
  double previous = 2;
  std::set<std::string> seen;
  size_t multi = 0;
  for (const auto& row : ranked) {
    const std::string& entity = row.at("entity");
    EXPECT_TRUE(seen.insert(entity).second) << entity << " ranked twice";
    std::istringstream list(row.at("account_list"));
    double best = -1;
    size_t n = 0;
    for (std::string account; list >> account; ++n) {
      EXPECT_EQ(entity_of_party[party_of_account[account]], entity) << account;
      if (auto it = account_score.find(account); it != account_score.end()) best = std::max(best, it->second);
    }
    EXPECT_EQ(std::to_string(n), row.at("accounts"));
    multi += n > 1;
    EXPECT_DOUBLE_EQ(std::stod(row.at("score")), best) << entity;
    EXPECT_LE(std::stod(row.at("score")), previous);
    previous = std::stod(row.at("score"));
  }
  EXPECT_GT(multi, 0u) << "no entity with several accounts";
}

TEST_F(ResolveStoreTest, TraceFollowsAllAccountsOfAnEntity) {
  // The top entity with several accounts.
  std::string entity;
  size_t accounts = 0;
  auto r = RunMoneytrail({"score", Store(), "--model", Model(), "--out", Path("scores2.csv"), "--entity-ranking",
                          Path("entities-ranked2.csv")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const auto& row : Rows(Path("entities-ranked2.csv"))) {
    if (std::stoul(row.at("accounts")) > 1) {
      entity = row.at("entity");
      accounts = std::stoul(row.at("accounts"));
      break;
    }
  }
  ASSERT_FALSE(entity.empty());
  auto t = RunMoneytrail({"trace", Store(), "--entity", entity, "--out", Path("trail.json")});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_NE(t.out.find("entity " + entity + " (" + std::to_string(accounts) + " accounts)"), std::string::npos)
      << t.out;
  nlohmann::json j = nlohmann::json::parse(ReadWholeFile(Path("trail.json")));
  for (const auto& total : j["totals"]) EXPECT_TRUE(total["reconciles"].get<bool>());
  // Holder names come from the attachment (as with --parties).
  auto named = RunMoneytrail({"trace", Plain(), "--entity", entity, "--parties", World(""), "--entities",
                              Path("entities.csv"), "--out", Path("trail-explicit.json")});
  ASSERT_EQ(named.exit_code, 0) << named.err;
  nlohmann::json k = nlohmann::json::parse(ReadWholeFile(Path("trail-explicit.json")));
  EXPECT_EQ(j["flows"], k["flows"]);
  EXPECT_EQ(j["totals"], k["totals"]);
  auto unknown = RunMoneytrail({"trace", Store(), "--entity", "E-none", "--out", Path("x.json")});
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.err.find("E-none"), std::string::npos) << unknown.err;
}

TEST_F(ResolveStoreTest, AStoreWithoutEntitiesSaysHowToGetThem) {
  auto t = RunMoneytrail({"trace", Plain(), "--entity", "E1", "--out", Path("y.json")});
  EXPECT_NE(t.exit_code, 0);
  EXPECT_NE(t.err.find("resolve"), std::string::npos) << t.err;
  auto s = RunMoneytrail({"score", Plain(), "--model", Model(), "--out", Path("s.csv"), "--entity-ranking",
                          Path("e.csv")});
  EXPECT_NE(s.exit_code, 0);
  EXPECT_NE(s.err.find("no entities"), std::string::npos) << s.err;
}

TEST_F(ResolveStoreTest, AccountsOfAnotherBankAreRefusedAndTheStoreIsUntouched) {
  const std::string before = ReadWholeFile(dir_->path() / "store" / "MANIFEST");
  test_util::WriteWholeFile(Path("foreign-accounts.csv"),
                            "bank,account,kind,holder_party_id,opened\nB999,X1,account,P00000001,2025-01-01\n");
  auto r = RunMoneytrail({"resolve", World("parties.csv"), "--store", Store(), "--accounts",
                          Path("foreign-accounts.csv")});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("no account of store"), std::string::npos) << r.err;
  EXPECT_EQ(ReadWholeFile(dir_->path() / "store" / "MANIFEST"), before);
  auto neither = RunMoneytrail({"resolve", World("parties.csv")});
  EXPECT_NE(neither.exit_code, 0);
}

TEST_F(ResolveStoreTest, InvestigateRanksTheAttachedEntities) {
  const std::string out = Path("case");
  constexpr size_t kTop = 10;
  auto r = RunMoneytrail({"investigate", "--store", Store(), "--out", out, "--top", std::to_string(kTop), "--no-pdf"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  size_t entities = 0;
  const auto subjects = Rows(fs::path(out) / "subjects.csv");
  for (const auto& row : subjects) entities += row.at("subject").rfind('E', 0) == 0;
  EXPECT_GT(entities, 0u);
  // A top subject gets a shared-identifier table when one of its accounts is in a group of
  // shared.csv together with an account that is not its own.
  std::vector<std::vector<std::string>> groups;
  for (const auto& row : Rows(Path("shared.csv"))) {
    std::vector<std::string> accounts;
    std::istringstream list(row.at("accounts"));
    for (std::string a; std::getline(list, a, ';');) accounts.push_back(a);
    groups.push_back(accounts);
  }
  size_t expected = 0;
  for (size_t i = 0; i < kTop && i < subjects.size(); ++i) {
    std::set<std::string> own;
    std::istringstream list(subjects[i].at("accounts"));
    for (std::string a; list >> a;) own.insert(a);
    bool linked = false;
    for (const auto& g : groups) {
      const bool touches = std::any_of(g.begin(), g.end(), [&](const std::string& a) { return own.count(a) > 0; });
      const bool others = std::any_of(g.begin(), g.end(), [&](const std::string& a) { return own.count(a) == 0; });
      linked |= touches && others;
    }
    expected += linked;
  }
  const std::string html = ReadWholeFile(fs::path(out) / "report.html");
  size_t tables = 0;
  for (size_t at = html.find("Identifiers shared with other entities"); at != std::string::npos;
       at = html.find("Identifiers shared with other entities", at + 1)) {
    ++tables;
  }
  EXPECT_GT(expected, 0u) << "no top subject shares an identifier: the check says nothing";
  EXPECT_EQ(tables, expected);
  nlohmann::json c = nlohmann::json::parse(ReadWholeFile(fs::path(out) / "custody.json"));
  EXPECT_NE(c["configuration"]["KYC directory"].get<std::string>().find("attached to the store"), std::string::npos)
      << c["configuration"].dump();
}

}  // namespace
}  // namespace moneytrail
