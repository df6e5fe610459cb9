// End-to-end runs of `moneytrail ingest` and `investigate` on bank statements (issue #19): several
// --map in one call with the choice per file printed and in --json, the reject file's path, a
// zero-accepted file that commits nothing and exits 2 and its corrected re-ingest, a stray
// quote, and `investigate` taking the same ingest flags (--map, and --mapping as an alias).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/run_binary.h"

namespace moneytrail {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test_util::ReadWholeFile;
using test_util::RunMoneytrail;
using test_util::RunResult;
using test_util::TempDir;
using test_util::WriteWholeFile;
using ::testing::HasSubstr;

const fs::path kRoot = fs::path(__FILE__).parent_path().parent_path().parent_path();
const fs::path kSamples = kRoot / "tests" / "io" / "data" / "statements";
const fs::path kMappings = kRoot / "config" / "mappings";

std::vector<std::string> ThreeMaps() {
  return {"--map", (kMappings / "us-credit-union-banner.toml").string(),
          "--map", (kMappings / "us-bigbank-debit-credit.toml").string(),
          "--map", (kMappings / "us-signed-cr-dr.toml").string()};
}

TEST(StatementCliTest, RepeatedMapChoosesOnePerFileAndSaysWhichInJson) {
  TempDir dir;
  std::vector<std::string> args = {"ingest", (dir.path() / "s").string(),
                                   (kSamples / "big-bank.csv").string(),
                                   (kSamples / "signed-cr-dr.csv").string(),
                                   (kSamples / "credit-union.csv").string(),
                                   "--format", "mapped", "--json"};
  for (const std::string& a : ThreeMaps()) args.push_back(a);
  RunResult r = RunMoneytrail(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json j = json::parse(r.out);
  ASSERT_EQ(j["sources"].size(), 3u);
  EXPECT_THAT(j["sources"][0]["mapping"].get<std::string>(), HasSubstr("us-bigbank-debit-credit.toml"));
  EXPECT_THAT(j["sources"][1]["mapping"].get<std::string>(), HasSubstr("us-signed-cr-dr.toml"));
  EXPECT_EQ(j["sources"][1]["encoding"], "windows-1252");
  EXPECT_THAT(j["sources"][2]["mapping"].get<std::string>(), HasSubstr("us-credit-union-banner.toml"));
  // Rejected rows: the reject file's path is given and exists.
  const std::string rejects = j["sources"][0]["rejects_path"].get<std::string>();
  ASSERT_FALSE(rejects.empty());
  EXPECT_TRUE(fs::exists(rejects)) << rejects;
  EXPECT_THAT(ReadWholeFile(rejects), HasSubstr("neither debit nor credit"));
  EXPECT_EQ(j["rows_accepted"], 10);

  // The text summary names the mapping and the reject file too.
  TempDir dir2;
  args[1] = (dir2.path() / "s").string();
  args.erase(std::find(args.begin(), args.end(), "--json"));
  r = RunMoneytrail(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("mapping: " + fs::absolute(kMappings / "us-signed-cr-dr.toml").string()));
  EXPECT_THAT(r.out, HasSubstr("rejects: " + (dir2.path() / "s").string()));
}

TEST(StatementCliTest, ZeroAcceptedFileExitsTwoCommitsNothingAndItsCorrectionIsAccepted) {
  TempDir dir;
  const fs::path store = dir.path() / "s";
  const fs::path csv = dir.path() / "stmt.csv";
  WriteWholeFile(csv, "Date,Description,Amount\n2025-03-01,X,1.00\n2025-03-02,Y,-2.00\n");
  const fs::path map = dir.path() / "m.toml";
  // A typo in a [format] key is an error naming the key before anything is read.
  WriteWholeFile(map, "[format]\ntimestamp_fromat = \"%Y-%m-%d\"\n[columns]\ntimestamp = \"Date\"\n"
                      "description = \"Description\"\namount = \"Amount\"\n[constants]\n"
                      "statement_account = \"1\"\ncurrency_paid = \"USD\"\n");
  RunResult r = RunMoneytrail({"ingest", store.string(), csv.string(), "--format", "mapped",
                               "--map", map.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("did you mean 'timestamp_format'"));
  EXPECT_FALSE(fs::exists(store));
  // A wrong date format: every row rejected: exit 2, nothing committed.
  WriteWholeFile(map, "[format]\ntimestamp_format = \"%m/%d/%Y\"\n[columns]\ntimestamp = \"Date\"\n"
                      "description = \"Description\"\namount = \"Amount\"\n[constants]\n"
                      "statement_account = \"1\"\ncurrency_paid = \"USD\"\n");
  r = RunMoneytrail({"ingest", store.string(), csv.string(), "--format", "mapped", "--map", map.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("none of its 2 rows was accepted"));
  EXPECT_FALSE(fs::exists(store));
  // Corrected, the same file is accepted (never "already ingested").
  WriteWholeFile(map, "[format]\ntimestamp_format = \"%Y-%m-%d\"\n[columns]\ntimestamp = \"Date\"\n"
                      "description = \"Description\"\namount = \"Amount\"\n[constants]\n"
                      "statement_account = \"1\"\ncurrency_paid = \"USD\"\n");
  r = RunMoneytrail({"ingest", store.string(), csv.string(), "--format", "mapped", "--map", map.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("2 accepted"));
}

TEST(StatementCliTest, StrayQuoteCostsOneRowNotTheRestOfTheFile) {
  TempDir dir;
  std::string body =
      "Timestamp,From Bank,Account,To Bank,Account,Amount Received,Receiving Currency,"
      "Amount Paid,Payment Currency,Payment Format,Is Laundering\n";
  for (int i = 0; i < 500; ++i) {
    body += "2022/09/01 00:20,1,A" + std::to_string(i) + ",2,B," + (i == 7 ? "\"" : "") +
            "5.00,US Dollar,5.00,US Dollar,Wire,0\n";
  }
  WriteWholeFile(dir.path() / "t.csv", body);
  RunResult r = RunMoneytrail({"ingest", (dir.path() / "s").string(), (dir.path() / "t.csv").string(),
                               "--format", "ibm-aml", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json j = json::parse(r.out);
  EXPECT_EQ(j["rows_accepted"], 499);
  EXPECT_EQ(j["rows_rejected"], 1);
  EXPECT_EQ(j["sources"][0]["lines"], 500);
  EXPECT_EQ(j["sources"][0]["lines_rejected"], 1);
}

TEST(StatementCliTest, InvestigateTakesTheIngestFlagsOfIngest) {
  TempDir dir;
  // --mapping is an alias of --map; both name the mapping in the error about it.
  for (const char* flag : {"--map", "--mapping"}) {
    RunResult r = RunMoneytrail({"investigate", "--store", (dir.path() / "s").string(),
                                 (kSamples / "big-bank.csv").string(), "--format", "mapped", flag,
                                 (dir.path() / "missing.toml").string(), "--out",
                                 (dir.path() / "case").string(), "--no-pdf"});
    EXPECT_EQ(r.exit_code, 2) << flag << ": " << r.err;
    EXPECT_THAT(r.err, HasSubstr("missing.toml: no such mapping file")) << flag;
  }
  RunResult r = RunMoneytrail({"investigate", "--store", (dir.path() / "s").string(),
                               (kSamples / "big-bank.csv").string(), "--out",
                               (dir.path() / "case").string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("--map FILE.toml"));
  r = RunMoneytrail({"investigate", "--help"});
  for (const char* flag : {"--map", "--balances", "--max-rejects", "--strict", "--max-reject-share",
                           "--time-range", "--allow-duplicate-source"}) {
    EXPECT_THAT(r.out, HasSubstr(flag));
  }
}

}  // namespace
}  // namespace moneytrail
