// A generated world written as bank statements and read back (issue #19): `moneytrail generate
// --statements` in three banks' layouts, one `ingest` with the three shipped mappings, then the
// store against the generator's truth: every world transaction the statements cover is one
// stored transaction (overlapping downloads and mirror transfers are not counted twice), every
// statement line is cited on the transaction that carries it, descriptions are read (cash rows
// become cash nodes with a place), and `verify` prints the statement checks.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli/run_binary.h"

namespace moneytrail {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test_util::ReadWholeFile;
using test_util::RunMoneytrail;
using test_util::RunResult;
using test_util::SplitCsvLine;
using test_util::TempDir;
using ::testing::HasSubstr;

const fs::path kRoot = fs::path(__FILE__).parent_path().parent_path().parent_path();
const fs::path kMappings = kRoot / "config" / "mappings";

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

class StatementWorldTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    world_ = dir_->path() / "bank";
    store_ = dir_->path() / "store";
    RunResult g = RunMoneytrail({"generate", "--out", world_.string(), "--preset", "tiny",
                                 "--seed", "3", "--format", "native", "--statements"});
    ASSERT_EQ(g.exit_code, 0) << g.err;
    std::vector<std::string> args = {"ingest", store_.string()};
    for (const auto& bank : fs::directory_iterator(world_ / "statements")) {
      if (!bank.is_directory()) continue;
      for (const auto& f : fs::directory_iterator(bank.path())) args.push_back(f.path().string());
    }
    for (const char* m : {"gen-firstcoast.toml", "gen-prairie-cu.toml", "gen-sonoran.toml"}) {
      args.push_back("--map");
      args.push_back((kMappings / m).string());
    }
    args.push_back("--format");
    args.push_back("mapped");
    args.push_back("--json");
    ingest_ = new RunResult(RunMoneytrail(args));
  }
  static void TearDownTestSuite() {
    delete ingest_;
    delete dir_;
  }

  static TempDir* dir_;
  static fs::path world_, store_;
  static RunResult* ingest_;
};
TempDir* StatementWorldTest::dir_ = nullptr;
fs::path StatementWorldTest::world_;
fs::path StatementWorldTest::store_;
RunResult* StatementWorldTest::ingest_ = nullptr;

TEST_F(StatementWorldTest, OverlapsAreNeverCountedTwiceAndEveryLineIsCited) {
  ASSERT_EQ(ingest_->exit_code, 0) << ingest_->err << ingest_->out;
  json j = json::parse(ingest_->out);
  // Truth: (file name, line) -> (kind, world transaction).
  std::map<std::pair<std::string, uint64_t>, std::pair<std::string, std::string>> truth;
  size_t distinct = 0;
  {
    std::vector<std::string> lines = Lines(ReadWholeFile(world_ / "statements" / "truth.csv"));
    ASSERT_GT(lines.size(), 1u);
    for (size_t i = 1; i < lines.size(); ++i) {
      std::vector<std::string> c = SplitCsvLine(lines[i]);
      ASSERT_GE(c.size(), 4u) << lines[i];
      if (c[3].empty()) continue;
      truth[{fs::path(c[0]).filename().string(), std::stoull(c[1])}] = {c[2], c[3]};
      distinct += c[2] == "transaction";
    }
  }
  ASSERT_GT(distinct, 10u);
  // Citations: every accepted line is cited on a transaction, all lines of one world
  // transaction on the same stored transaction.
  std::map<uint32_t, std::string> source_name;
  for (const auto& s : j["sources"]) {
    source_name[static_cast<uint32_t>(source_name.size())] =
        fs::path(s["path"].get<std::string>()).filename().string();
  }
  std::map<std::string, std::set<std::string>> stored_of_world;
  size_t cited = 0, copies = 0;
  for (const auto& seg : fs::directory_iterator(store_ / "segments")) {
    fs::path lines_csv = seg.path() / "statement-lines.csv";
    if (!fs::exists(lines_csv)) continue;
    std::vector<std::string> lines = Lines(ReadWholeFile(lines_csv));
    ASSERT_EQ(lines[0], "transaction,source,line,role,pattern,balance");
    for (size_t i = 1; i < lines.size(); ++i) {
      std::vector<std::string> c = SplitCsvLine(lines[i]);
      ASSERT_GE(c.size(), 4u);
      auto it = truth.find({source_name[std::stoul(c[1])], std::stoull(c[2])});
      ASSERT_NE(it, truth.end()) << lines[i];
      stored_of_world[it->second.second].insert(c[0]);
      ++cited;
      copies += c[3] != "row";
    }
  }
  EXPECT_EQ(cited, truth.size());
  EXPECT_GT(copies, 0u) << "the tiny world should hold overlaps or mirrors";
  // An overlapping download's copy is never counted twice. A transfer between two covered
  // accounts is one transaction when its two sides name each other in a way the mirror check
  // reads (docs/statement-checks.md); the generator's alphanumeric account numbers are not
  // "last 4 digits", so some mirrors stay two transactions (bench/RESULTS.md, statements): at
  // most two, and only for world transactions with a mirror line.
  std::set<std::string> with_mirror;
  for (const auto& [where, kind_id] : truth) {
    if (kind_id.first == "mirror") with_mirror.insert(kind_id.second);
  }
  size_t twice = 0;
  for (const auto& [world_tx, stored] : stored_of_world) {
    if (stored.size() == 1) continue;
    ++twice;
    EXPECT_EQ(stored.size(), 2u) << "world transaction " << world_tx;
    EXPECT_TRUE(with_mirror.count(world_tx)) << "world transaction " << world_tx
                                             << " is stored twice without a mirror line";
  }
  EXPECT_LT(twice * 2, with_mirror.size()) << "most mirror transfers are joined";
  EXPECT_EQ(stored_of_world.size(), distinct);
  EXPECT_EQ(j["store_transactions"].get<size_t>(), distinct + twice);
}

TEST_F(StatementWorldTest, DescriptionsBecomeChannelsAndCashNodesWithAPlace) {
  ASSERT_EQ(ingest_->exit_code, 0) << ingest_->err;
  TempDir out;
  RunResult e = RunMoneytrail({"export", store_.string(), "--out", (out.path() / "rows.csv").string(),
                               "--format", "native", "--verbatim"});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  std::vector<std::string> lines = Lines(ReadWholeFile(out.path() / "rows.csv"));
  ASSERT_GT(lines.size(), 1u);
  std::vector<std::string> header = SplitCsvLine(lines[0]);
  auto column = [&](const char* name) {
    return static_cast<size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  const size_t channel = column("channel"), source_kind = column("source_kind"),
               dest_kind = column("dest_kind"), city = column("city");
  ASSERT_LT(std::max({channel, source_kind, dest_kind, city}), header.size());
  size_t unknown = 0, cash_with_place = 0, cash = 0, cash_desks = 0;
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> c = SplitCsvLine(lines[i]);
    ASSERT_EQ(c.size(), header.size()) << lines[i];
    unknown += c[channel] == "unknown";
    if (c[channel] != "cash_deposit" && c[channel] != "cash_withdrawal") continue;
    ++cash;
    const std::string& other = c[channel] == "cash_deposit" ? c[source_kind] : c[dest_kind];
    cash_desks += other == "cash";
    cash_with_place += other == "cash" && !c[city].empty();
  }
  // Every cash row's other end is a cash desk; most have their branch's place (some
  // descriptions name only the branch or ATM id).
  EXPECT_GT(cash, 0u);
  EXPECT_GE(cash_with_place * 5, cash * 4) << cash_with_place << " of " << cash;
  EXPECT_EQ(cash_desks, cash);
  // The goal is 99% of channels read (issue #19); the shipped grammar reads about 88% of the
  // generator's descriptions today (bench/RESULTS.md): this guards against losing ground.
  EXPECT_LE(unknown * 5, lines.size()) << unknown << " of " << lines.size() - 1 << " rows unknown";
}

TEST_F(StatementWorldTest, VerifyPrintsTheStatementChecks) {
  ASSERT_EQ(ingest_->exit_code, 0) << ingest_->err;
  RunResult v = RunMoneytrail({"verify", store_.string()});
  EXPECT_EQ(v.exit_code, 0) << v.err;
  EXPECT_THAT(v.out, HasSubstr("statement checks of commit"));
  EXPECT_THAT(v.out, HasSubstr("intact"));
  RunResult vj = RunMoneytrail({"verify", store_.string(), "--json"});
  ASSERT_EQ(vj.exit_code, 0) << vj.err;
  json j = json::parse(vj.out);
  ASSERT_TRUE(j.contains("statement_checks"));
  EXPECT_TRUE(j["statement_checks"][0]["report"].contains("mirrors"));
}

}  // namespace
}  // namespace moneytrail
