// KYC by mapping (include/moneytrail/party_mapping.h): customer exports through TOML mappings
// into parties.csv/accounts.csv, with rejects and their reasons, mapping errors naming the
// nearest key, encodings, the choice of mapping per file, and banner holders filling accounts
// no export names. Seeded random exports check that every row is accepted or rejected, never
// dropped.
#include "moneytrail/party_mapping.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "moneytrail/csv.h"

namespace moneytrail {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const fs::path kCase = fs::path(__FILE__).parent_path().parent_path() / "data" / "statement-case";

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "mt-kyc-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  fs::path Write(const std::string& name, const std::string& bytes) const {
    std::ofstream(path_ / name, std::ios::binary) << bytes;
    return path_ / name;
  }

 private:
  fs::path path_;
};

// The rows of a CSV text, each as its fields.
std::vector<std::vector<std::string>> Rows(const std::string& csv) {
  std::vector<std::vector<std::string>> out;
  CsvRecordReader reader(csv, CsvDialect{});
  std::vector<std::string_view> fields;
  while (reader.Next(fields)) out.emplace_back(fields.begin(), fields.end());
  return out;
}

const std::string kSimpleMap =
    "[columns]\nname = \"Name\"\naccounts = \"Accounts\"\ndate_of_birth = \"DOB\"\n"
    "[format]\ntimestamp_format = \"%Y-%m-%d\"\n[constants]\nbank = \"B\"\n";

TEST(PartyMappingTest, FixtureExportsBecomeNativePartiesAndAccounts) {
  Result<PartyExport> kyc = ReadPartyExports(
      {kCase / "bigbank-customers.csv", kCase / "firststate-customers.csv"},
      {kCase / "firststate-customers.toml", kCase / "bigbank-customers.toml"});
  ASSERT_TRUE(kyc.ok()) << kyc.status().ToString();
  ASSERT_EQ(kyc->sources.size(), 2u);
  EXPECT_THAT(kyc->sources[0].mapping, HasSubstr("bigbank-customers.toml sha256:"));
  EXPECT_THAT(kyc->sources[1].mapping, HasSubstr("firststate-customers.toml sha256:"));
  EXPECT_EQ(kyc->sources[0].rows_read, 4u);
  EXPECT_EQ(kyc->sources[0].rows_accepted, 3u);
  EXPECT_EQ(kyc->sources[0].rows_rejected, 1u);
  EXPECT_EQ(kyc->sources[0].sha256.size(), 64u);
  // WALSH's date of birth 13/01/1990 is day-first: rejected with its field and line.
  ASSERT_EQ(kyc->rejects.size(), 1u);
  EXPECT_EQ(kyc->rejects[0].line, 8u);
  EXPECT_EQ(kyc->rejects[0].field, "date_of_birth");
  EXPECT_EQ(kyc->rejects[0].value, "13/01/1990");
  EXPECT_EQ(kyc->parties, 4u);
  EXPECT_EQ(kyc->accounts, 5u);

  auto parties = Rows(kyc->parties_csv);
  ASSERT_EQ(parties.size(), 5u);
  EXPECT_EQ(parties[0][0], "party_id");
  EXPECT_EQ(parties[0][15], "industry_code");
  // "ORTIZ MENDEZ, RAFAEL": last name before the comma; the date in ISO form; the address.
  EXPECT_EQ(parties[1], (std::vector<std::string>{
                            "C10044", "person", "RAFAEL", "", "ORTIZ MENDEZ", "", "1986-07-14",
                            "4410 MONTANA AVE", "EL PASO", "TX", "79903", "US", "(915) 555-0144",
                            "rortiz86@example.com", "XXX-XX-4471", "",
                            (kCase / "bigbank-customers.csv").string(), "5"}));
  EXPECT_EQ(parties[2][1], "business");
  EXPECT_EQ(parties[2][5], "LA PALMA GRILL LLC");
  // No party_id column: one is made from the file and line. "FIRST MIDDLE LAST".
  EXPECT_EQ(parties[4][0], "K2-2");
  EXPECT_EQ(parties[4][2], "GUADALUPE");
  EXPECT_EQ(parties[4][3], "SERNA");
  EXPECT_EQ(parties[4][4], "TREVINO");

  auto accounts = Rows(kyc->accounts_csv);
  ASSERT_EQ(accounts.size(), 6u);
  EXPECT_EQ(accounts[0], (std::vector<std::string>{"bank", "account", "kind", "holder_party_id",
                                                   "opened", "holder_source"}));
  EXPECT_EQ(accounts[1][0], "BIGBANK");
  EXPECT_EQ(accounts[1][1], "000111222");
  EXPECT_EQ(accounts[1][3], "C10044");
  EXPECT_EQ(accounts[2][1], "000111299");  // the second account in the same cell
  EXPECT_EQ(accounts[1][5], "export " + (kCase / "bigbank-customers.csv").string() + ":5");
  EXPECT_EQ(accounts[5][0], "FIRSTSTATE");
  EXPECT_EQ(accounts[5][3], "K2-2");
  EXPECT_THAT(kyc->CustodyJson(), HasSubstr("\"reason\""));
}

TEST(PartyMappingTest, UnknownKeysAreErrorsNamingTheNearestKey) {
  TempDir dir;
  const fs::path csv = dir.Write("c.csv", "Name,Accounts,DOB\nA B,1,2000-01-01\n");
  struct Case {
    std::string toml, expected;
  };
  for (const Case& c : std::vector<Case>{
           {"[colums]\nname = \"Name\"\n", "did you mean 'columns'"},
           {"[columns]\nname = \"Name\"\naccounts = \"Accounts\"\ndate_of_brith = \"DOB\"\n",
            "did you mean 'date_of_birth'"},
           {"[format]\ntimestamp_fromat = \"%Y\"\n[columns]\nname = \"Name\"\n", "did you mean 'timestamp_format'"},
           // An amount setting means nothing for parties: unknown here.
           {"[format]\ndecimal_separator = \",\"\n[columns]\nname = \"Name\"\n", "unknown key 'decimal_separator'"},
           {"[accounts]\nseperator = \";\"\n[columns]\nname = \"Name\"\n", "did you mean 'separator'"},
           {"[columns]\nname = \"Name\"\n[constants]\nbank = \"B\"\n", "no accounts column"},
           {"[columns]\naccounts = \"Accounts\"\n[constants]\nbank = \"B\"\n", "names no party name"},
           {"[columns]\nname = \"Name\"\naccounts = \"Accounts\"\n", "names no bank"},
           {"[kind_values]\nX = \"company\"\n[columns]\nname = \"Name\"\n", "must be \"person\" or \"business\""},
       }) {
    const fs::path map = dir.Write("m.toml", c.toml);
    Result<PartyExport> kyc = ReadPartyExports({csv}, {map});
    ASSERT_FALSE(kyc.ok()) << c.toml;
    EXPECT_EQ(kyc.status().code(), StatusCode::kInvalidArgument) << c.toml;
    EXPECT_THAT(kyc.status().message(), HasSubstr(c.expected)) << c.toml;
  }
}

TEST(PartyMappingTest, DeclaredWindows1252IsDecodedAndUndeclaredBadBytesRejectTheirRow) {
  TempDir dir;
  const std::string bytes = "Name,Accounts,DOB\nJOSE MU\xD1OZ,1,1980-05-06\nANA RUIZ,2,1981-01-02\n";
  const fs::path csv = dir.Write("c.csv", bytes);
  const fs::path map1252 = dir.Write(
      "w.toml", "[format]\nencoding = \"windows-1252\"\ntimestamp_format = \"%Y-%m-%d\"\n[columns]\n"
                "name = \"Name\"\naccounts = \"Accounts\"\ndate_of_birth = \"DOB\"\n[constants]\nbank = \"B\"\n");
  Result<PartyExport> decoded = ReadPartyExports({csv}, {map1252});
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->sources[0].encoding, "windows-1252");
  EXPECT_THAT(decoded->parties_csv, HasSubstr(",JOSE,,MU\xC3\x91OZ,"));
  Result<PartyExport> raw = ReadPartyExports({csv}, {dir.Write("u.toml", kSimpleMap)});
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();
  ASSERT_EQ(raw->rejects.size(), 1u);
  EXPECT_EQ(raw->rejects[0].line, 2u);
  EXPECT_THAT(raw->rejects[0].reason, HasSubstr("not valid UTF-8"));
  EXPECT_EQ(raw->parties, 1u);
}

TEST(PartyMappingTest, BadRowsAreRejectedWithReasonsAndAFileWithNoGoodRowFails) {
  TempDir dir;
  const fs::path map = dir.Write(
      "m.toml", "[format]\ntimestamp_format = \"%Y-%m-%d\"\n[columns]\nname = \"Name\"\n"
                "accounts = \"Accounts\"\nkind = \"Type\"\n[constants]\nbank = \"B\"\n"
                "[kind_values]\nI = \"person\"\nB = \"business\"\n[accounts]\nseparator = \"|\"\n"
                "pattern = '(\\d{4,})'\n");
  const fs::path csv = dir.Write("c.csv",
                                 "Name,Accounts,Type\n"
                                 "ANA RUIZ,CHK 1001|SAV 1002,I\n"  // both accounts through the pattern
                                 "BOB LEE,1003,X\n"                // unknown kind
                                 ",1004,I\n"                       // no name
                                 "CARL DOE,,I\n"                   // no account
                                 "DAN FOX,CHK 1001,I\n"            // 1001 already held
                                 "EVE LAM,CHK,I\n"                 // the pattern finds no number
                                 "ACME CORP,2001,B\n");
  Result<PartyExport> kyc = ReadPartyExports({csv}, {map});
  ASSERT_TRUE(kyc.ok()) << kyc.status().ToString();
  EXPECT_EQ(kyc->sources[0].rows_read, 7u);
  EXPECT_EQ(kyc->sources[0].rows_accepted, 2u);
  ASSERT_EQ(kyc->rejects.size(), 5u);
  EXPECT_THAT(kyc->rejects[0].reason, HasSubstr("is not a party kind"));
  EXPECT_THAT(kyc->rejects[1].reason, HasSubstr("names no person"));
  EXPECT_THAT(kyc->rejects[2].reason, HasSubstr("names no account"));
  EXPECT_THAT(kyc->rejects[3].reason, HasSubstr("already has a holder"));
  EXPECT_THAT(kyc->rejects[4].reason, HasSubstr("does not match [accounts] pattern"));
  auto accounts = Rows(kyc->accounts_csv);
  ASSERT_EQ(accounts.size(), 4u);
  EXPECT_EQ(accounts[1][1], "1001");
  EXPECT_EQ(accounts[2][1], "1002");
  EXPECT_EQ(accounts[3][1], "2001");
  // Too many rejects, and a file none of whose rows is accepted, fail the call.
  EXPECT_FALSE(ReadPartyExports({csv}, {map}, 4).ok());
  const fs::path bad = dir.Write("bad.csv", "Name,Accounts,Type\nX Y,1,Q\n");
  Result<PartyExport> none = ReadPartyExports({bad}, {map});
  ASSERT_FALSE(none.ok());
  EXPECT_THAT(none.status().message(), HasSubstr("none of its 1 rows was accepted"));
}

TEST(PartyMappingTest, EachFileIsReadWithTheOneMappingThatFitsIt) {
  TempDir dir;
  const fs::path a = dir.Write("a.toml", kSimpleMap);
  const fs::path b = dir.Write("b.toml", "[columns]\nname = \"Owner\"\naccounts = \"Acct\"\n[constants]\nbank = \"C\"\n");
  const fs::path csv = dir.Write("c.csv", "Owner,Acct\nANA RUIZ,77\n");
  Result<PartyExport> kyc = ReadPartyExports({csv}, {a, b});
  ASSERT_TRUE(kyc.ok()) << kyc.status().ToString();
  EXPECT_THAT(kyc->accounts_csv, HasSubstr("C,77,account,"));
  const fs::path other = dir.Write("d.csv", "Who,What\nX,1\n");
  Result<PartyExport> none = ReadPartyExports({other}, {a, b});
  ASSERT_FALSE(none.ok());
  EXPECT_THAT(none.status().message(), HasSubstr("no mapping fits it"));
  EXPECT_THAT(none.status().message(), HasSubstr("no column 'Owner'"));
  EXPECT_EQ(ReadPartyExports({dir.Write("e.csv", "x")}, {dir.Write("missing/none.toml", "")}).status().code(),
            StatusCode::kNotFound);
}

TEST(PartyMappingTest, BannerHoldersFillOnlyAccountsNoExportNames) {
  TempDir dir;
  Result<PartyExport> kyc = ReadPartyExports({dir.Write("c.csv", "Name,Accounts,DOB\nANA RUIZ,1,\n")},
                                             {dir.Write("m.toml", kSimpleMap)});
  ASSERT_TRUE(kyc.ok()) << kyc.status().ToString();
  std::vector<BannerHolder> banners = {
      {"B", "1", "SOMEONE ELSE", "s1.csv", 2},        // the export names account B:1: ignored
      {"B", "2", "HECTOR R SALINAS", "s2.csv", 2},    // a person
      {"B", "2", "A SECOND NAME", "s3.csv", 2},       // the first banner per account wins
      {"FCU", "9", "LA PALMA GRILL LLC", "s4.csv", 3}};  // a business
  AddBannerHolders(banners, *kyc);
  EXPECT_EQ(kyc->parties, 3u);
  ASSERT_EQ(kyc->banner_holders_used.size(), 2u);
  auto accounts = Rows(kyc->accounts_csv);
  ASSERT_EQ(accounts.size(), 4u);
  EXPECT_EQ(accounts[2], (std::vector<std::string>{"B", "2", "account", "B-B-2", "",
                                                   "statement banner s2.csv:2"}));
  auto parties = Rows(kyc->parties_csv);
  ASSERT_EQ(parties.size(), 4u);
  EXPECT_EQ(parties[2][1], "person");
  EXPECT_EQ(parties[2][2], "HECTOR");
  EXPECT_EQ(parties[2][3], "R");
  EXPECT_EQ(parties[2][4], "SALINAS");
  EXPECT_EQ(parties[3][1], "business");
  EXPECT_EQ(parties[3][5], "LA PALMA GRILL LLC");
  EXPECT_THAT(kyc->CustodyJson(), HasSubstr("\"holder\": \"HECTOR R SALINAS\""));
  // Banners alone (no export) make the tables too.
  PartyExport only;
  AddBannerHolders(banners, only);
  EXPECT_EQ(only.parties, 3u);
  EXPECT_EQ(Rows(only.parties_csv)[0][0], "party_id");
}

TEST(PartyMappingTest, RandomExportsAccountForEveryRow) {
  for (uint32_t seed = 1; seed <= 40; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937 rng(seed);
    TempDir dir;
    std::string csv = "Name,Accounts,DOB\n";
    const int rows = 1 + static_cast<int>(rng() % 30);
    // The oracle: a row is accepted iff it has a name, a valid date (or none), an account not
    // held by an earlier accepted row.
    std::set<int> held;
    uint64_t accepted = 0;
    for (int i = 0; i < rows; ++i) {
      const bool name = rng() % 6 != 0, good_date = rng() % 5 != 0;
      const int account = static_cast<int>(rng() % 40);
      csv += std::string(name ? "P Q" + std::to_string(i) : "") + "," + std::to_string(account) + "," +
             (good_date ? "1990-01-0" + std::to_string(1 + rng() % 9) : "1990-13-01") + "\n";
      if (name && good_date && !held.count(account)) {
        held.insert(account);
        ++accepted;
      }
    }
    Result<PartyExport> kyc = ReadPartyExports({dir.Write("c.csv", csv)}, {dir.Write("m.toml", kSimpleMap)});
    if (accepted == 0) {
      EXPECT_FALSE(kyc.ok());
      continue;
    }
    ASSERT_TRUE(kyc.ok()) << kyc.status().ToString();
    EXPECT_EQ(kyc->sources[0].rows_read, static_cast<uint64_t>(rows));
    EXPECT_EQ(kyc->sources[0].rows_accepted, accepted);
    EXPECT_EQ(kyc->sources[0].rows_accepted + kyc->sources[0].rows_rejected, kyc->sources[0].rows_read);
    EXPECT_EQ(kyc->rejects.size(), rows - accepted);
    EXPECT_EQ(Rows(kyc->accounts_csv).size(), accepted + 1);
  }
}

}  // namespace
}  // namespace moneytrail
