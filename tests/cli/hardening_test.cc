// No input crashes a verb, and outputs never destroy evidence (issue #25 items 3, 6, 7; issue
// #21's CSV formula neutralisation), end to end on the real binary:
// - a store whose string dictionaries hold bytes that are not UTF-8 (city, region, country,
//   counterparty, bank id, account number, typology, currency) is read by every verb without a
//   signal, and JSON outputs stay valid UTF-8;
// - the top-level guard turns an escaped exception (also from a worker thread) into exit 3;
// - outputs onto an ingested source or inside a store are refused, naming both;
// - a case directory re-run keeps a file the user added;
// - spreadsheet formulas in text cells are neutralised; long values are not echoed whole.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/run_binary.h"

namespace moneytrail {
namespace {

namespace fs = std::filesystem;
using test_util::ReadWholeFile;
using test_util::RunMoneytrail;
using test_util::RunResult;
using test_util::TempDir;
using test_util::WriteWholeFile;
using ::testing::AnyOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kHeader[] =
    "timestamp,source_kind,source_bank,source_account,dest_kind,dest_bank,dest_account,"
    "amount_paid,currency_paid,amount_received,currency_received,channel,city,region,country,mcc,"
    "counterparty,is_laundering,typology\n";

// A small ledger with a cycle, cash deposits and hostile bytes in every string dictionary.
std::string HostileRows() {
  std::string rows;
  const char* accounts[] = {"A1", "A2", "A3", "A4"};
  for (int d = 1; d <= 9; ++d) {
    const std::string day = "2026-03-0" + std::to_string(d);
    for (int i = 0; i < 4; ++i) {
      rows += day + "T1" + std::to_string(i) + ":00:00Z,account,011," + accounts[i] + ",account,011," +
              accounts[(i + 1) % 4] + "," + std::to_string(9000 + d * 10 + i) + ".00,USD,,,wire,El Paso,TX,US,,,1,cycle\n";
    }
    rows += day + "T09:00:00Z,cash,011,BR-1,account,011,A1,9400.00,USD,,,cash_deposit,El Paso,TX,US,,,1,structuring\n";
  }
  // One hostile byte sequence per dictionary.
  rows += "2026-03-10T10:00:00Z,account,011,A1,account,011,A2,10.00,USD,,,wire,M\xC9XICO,TX,US,,,0,\n";
  rows += "2026-03-10T11:00:00Z,account,011,A2,account,011,A3,11.00,USD,,,wire,Juarez,\xFF\xFE,US,,,0,\n";
  rows += "2026-03-10T12:00:00Z,account,011,A3,account,011,A4,12.00,USD,,,wire,Juarez,CH,M\xC3,,,0,\n";
  rows += "2026-03-10T13:00:00Z,account,011,A4,external,011,X9,13.00,USD,,,wire,,,,,\"Transportes \xED\xA0\x80\",0,\n";
  rows += "2026-03-10T14:00:00Z,account,0\xC9\x31,B1,account,011,A1,14.00,USD,,,wire,,,,,,0,\n";
  rows += "2026-03-10T15:00:00Z,account,011,A\xC9\x31,account,011,A1,15.00,USD,,,wire,,,,,,0,\n";
  rows += "2026-03-10T16:00:00Z,account,011,A1,account,011,A2,16.00,USD,,,wire,,,,,,1,fan\xC9out\n";
  rows += "2026-03-10T17:00:00Z,account,011,A2,account,011,A3,17.00,U\xC9\x44,,,wire,,,,,,0,\n";
  rows += "2026-03-10T18:00:00Z,account,011,A3,account,011,A4,18.00,USD,,,wire,,,,,=HYPERLINK(\"x\"),0,\n";
  return rows;
}

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    if (n == 3 && c == 0xED && static_cast<unsigned char>(s[i + 1]) >= 0xA0) return false;  // surrogate
    i += n;
  }
  return true;
}

class HardeningTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    WriteWholeFile(Src(), std::string(kHeader) + HostileRows());
    RunResult r = RunMoneytrail({"ingest", Store().string(), Src().string(), "--format", "native"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static fs::path Store() { return dir_->path() / "store"; }
  static fs::path Src() { return dir_->path() / "tx.csv"; }
  static fs::path Out(const std::string& name) { return dir_->path() / name; }

  // Runs a verb; it must end by exit (no signal), with an expected code and no internal error.
  static RunResult Expect(const std::vector<std::string>& args, std::vector<int> codes = {0}) {
    RunResult r = RunMoneytrail(args);
    EXPECT_EQ(r.term_signal, 0) << test_util::CommandLine(args) << "\n" << r.err;
    EXPECT_THAT(codes, ::testing::Contains(r.exit_code)) << test_util::CommandLine(args) << "\n" << r.err;
    EXPECT_THAT(r.err, Not(HasSubstr("internal error"))) << test_util::CommandLine(args);
    return r;
  }

  static TempDir* dir_;
};

TempDir* HardeningTest::dir_ = nullptr;

TEST_F(HardeningTest, EveryReadingVerbSurvivesHostileBytes) {
  RunResult info = Expect({"info", Store().string(), "--json"});
  EXPECT_TRUE(ValidUtf8(info.out));
  EXPECT_TRUE(nlohmann::json::accept(info.out)) << info.out;
  Expect({"info", Store().string()});
  Expect({"export", Store().string(), "--out", Out("export.csv").string()});
  Expect({"export", Store().string(), "--out", Out("export-ibm.csv").string(), "--format", "ibm-aml"});
  Expect({"scan", Store().string(), "--out", Out("alerts.jsonl").string()}, {0, 1});
  const std::string alerts = ReadWholeFile(Out("alerts.jsonl"));
  EXPECT_TRUE(ValidUtf8(alerts));
  Expect({"patterns", Store().string(), "--out", Out("features.csv").string(), "--instances",
          Out("instances.jsonl").string()});
  EXPECT_TRUE(ValidUtf8(ReadWholeFile(Out("instances.jsonl"))));
  Expect({"cycles", Store().string(), "--window", "30d", "--out", Out("cycles.jsonl").string()}, {0, 1});
  EXPECT_TRUE(ValidUtf8(ReadWholeFile(Out("cycles.jsonl"))));
  Expect({"trace", Store().string(), "--account", "011:A1", "--out", Out("trail.json").string(),
          "--schedule", Out("schedule.csv").string()});
  EXPECT_TRUE(ValidUtf8(ReadWholeFile(Out("trail.json"))));
  Expect({"prove", Store().string(), "--subject", "011:A1", "--from", "2026-01-01", "--to", "2026-12-31",
          "--method", "bank-deposits", "--out", Out("proof.json").string(), "--schedule",
          Out("proof.csv").string()});
  EXPECT_TRUE(ValidUtf8(ReadWholeFile(Out("proof.json"))));
  Expect({"investigate", "--store", Store().string(), "--out", Out("case").string(), "--no-pdf", "--top", "3"});
  EXPECT_TRUE(ValidUtf8(ReadWholeFile(Out("case") / "alerts.jsonl")));
  EXPECT_TRUE(ValidUtf8(ReadWholeFile(Out("case") / "custody.json")));
}

TEST_F(HardeningTest, ExportNeutralisesFormulasInTextCellsOnlyUnlessVerbatim) {
  Expect({"export", Store().string(), "--out", Out("safe.csv").string()});
  const std::string safe = ReadWholeFile(Out("safe.csv"));
  EXPECT_THAT(safe, HasSubstr(",\"'=HYPERLINK(\"\"x\"\")\","));
  EXPECT_THAT(safe, Not(HasSubstr(",=HYPERLINK")));
  EXPECT_THAT(safe, HasSubstr(",18.00,"));  // numbers untouched
  Expect({"export", Store().string(), "--out", Out("verbatim.csv").string(), "--verbatim"});
  EXPECT_THAT(ReadWholeFile(Out("verbatim.csv")), HasSubstr(",\"=HYPERLINK(\"\"x\"\")\","));
}

TEST_F(HardeningTest, OutputsOntoEvidenceOrIntoAStoreAreRefused) {
  const std::string source_before = ReadWholeFile(Src());
  const std::string manifest_before = ReadWholeFile(Store() / "MANIFEST");
  const std::vector<std::vector<std::string>> refused = {
      {"export", Store().string(), "--out", Src().string()},
      {"export", Store().string(), "--out", (Store() / "MANIFEST").string()},
      {"scan", Store().string(), "--out", Src().string()},
      {"scan", Store().string(), "--out", (Store() / "alerts.jsonl").string()},
      {"trace", Store().string(), "--account", "011:A1", "--out", Out("t.json").string(), "--schedule",
       Src().string()},
      {"patterns", Store().string(), "--out", (Store() / "f.csv").string()},
      {"investigate", "--store", Store().string(), "--out", Store().string(), "--no-pdf"},
      {"investigate", "--store", Store().string(), "--out", dir_->path().string(), "--no-pdf"},
  };
  for (const auto& args : refused) {
    RunResult r = RunMoneytrail(args);
    EXPECT_EQ(r.exit_code, 2) << test_util::CommandLine(args) << "\n" << r.err;
    EXPECT_THAT(r.err, AnyOf(HasSubstr("refusing"), HasSubstr("not a case directory")))
        << test_util::CommandLine(args);
  }
  RunResult r = RunMoneytrail({"export", Store().string(), "--out", Src().string()});
  EXPECT_THAT(r.err, HasSubstr(Src().string()));
  EXPECT_EQ(ReadWholeFile(Src()), source_before);
  EXPECT_EQ(ReadWholeFile(Store() / "MANIFEST"), manifest_before);
  Expect({"info", Store().string()});
}

TEST_F(HardeningTest, CaseRerunKeepsTheUsersFilesAndLeavesNoTemporaries) {
  const fs::path c = Out("rerun");
  Expect({"investigate", "--store", Store().string(), "--out", c.string(), "--no-pdf", "--top", "2"});
  WriteWholeFile(c / "notes.txt", "my notes");
  fs::create_directories(c / "mine");
  WriteWholeFile(c / "mine" / "exhibit.txt", "exhibit");
  fs::create_directories(dir_->path() / ".rerun.tmp-4194400");  // from a dead run
  Expect({"investigate", "--store", Store().string(), "--out", c.string(), "--no-pdf", "--top", "2"});
  EXPECT_EQ(ReadWholeFile(c / "notes.txt"), "my notes");
  EXPECT_EQ(ReadWholeFile(c / "mine" / "exhibit.txt"), "exhibit");
  EXPECT_TRUE(fs::exists(c / "custody.json"));
  for (const auto& e : fs::directory_iterator(dir_->path())) {
    EXPECT_THAT(e.path().filename().string(), Not(HasSubstr(".rerun."))) << e.path();
  }
  // A file moneytrail did not write (custody.json no longer lists it) at the path of a new
  // output is refused, and kept.
  nlohmann::json custody = nlohmann::json::parse(ReadWholeFile(c / "custody.json"));
  nlohmann::json kept = nlohmann::json::array();
  for (const auto& o : custody["outputs"]) {
    if (o["path"] != "subjects.csv") kept.push_back(o);
  }
  custody["outputs"] = kept;
  WriteWholeFile(c / "custody.json", custody.dump(2));
  WriteWholeFile(c / "subjects.csv", "the user's subjects");
  RunResult r = RunMoneytrail({"investigate", "--store", Store().string(), "--out", c.string(), "--no-pdf", "--top", "2"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("subjects.csv"));
  EXPECT_EQ(ReadWholeFile(c / "subjects.csv"), "the user's subjects");
  EXPECT_EQ(ReadWholeFile(c / "notes.txt"), "my notes");
}

TEST_F(HardeningTest, ANonCaseDirectoryIsNeverReplaced) {
  const fs::path d = Out("home");
  fs::create_directories(d);
  WriteWholeFile(d / "thesis.txt", "years of work");
  RunResult r = RunMoneytrail({"investigate", "--store", Store().string(), "--out", d.string(), "--no-pdf"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("not a case directory"));
  EXPECT_EQ(ReadWholeFile(d / "thesis.txt"), "years of work");
}

TEST_F(HardeningTest, TheGuardTurnsEscapedExceptionsIntoExitThree) {
  for (const char* kind : {"runtime", "json", "bad_alloc", "int", "thread"}) {
    ::setenv("MONEYTRAIL_TEST_THROW", kind, 1);
    RunResult r = RunMoneytrail({"info", Store().string()});
    ::unsetenv("MONEYTRAIL_TEST_THROW");
    EXPECT_EQ(r.term_signal, 0) << kind;
    EXPECT_EQ(r.exit_code, 3) << kind << "\n" << r.err;
    EXPECT_THAT(r.err, HasSubstr("moneytrail info: internal error: ")) << kind;
  }
}

TEST_F(HardeningTest, ResolveRejectsThresholdsOutOfRange) {
  const fs::path parties = Out("parties.csv");
  // The generator's parties.csv layout (docs/resolve.md), so that only the threshold is wrong.
  WriteWholeFile(parties,
                 "party_id,kind,first_name,middle_name,last_name,business_name,date_of_birth,"
                 "address,city,region,postcode,country,phone,email,id_number,industry_code\n"
                 "P1,person,Ana,,Ruiz,,1980-01-02,1 Main St,Austin,TX,78701,US,,,,\n"
                 "P2,person,Ana,,Ruiz,,1980-01-02,1 Main St,Austin,TX,78701,US,,,,\n");
  for (const char* t : {"nan", "-1", "inf", "1e300"}) {
    RunResult r = RunMoneytrail({"resolve", parties.string(), "--out", Out("entities.csv").string(),
                                 "--threshold", t});
    EXPECT_EQ(r.term_signal, 0) << t;
    EXPECT_NE(r.exit_code, 0) << t;
    EXPECT_THAT(r.err, AnyOf(HasSubstr("--threshold"), HasSubstr("threshold"))) << t << "\n" << r.err;
  }
}

TEST_F(HardeningTest, LongValuesAreNotEchoedWhole) {
  const fs::path big = Out("big.csv");
  WriteWholeFile(big, std::string(1 << 20, 'h') + "\n1,2\n");
  RunResult r = RunMoneytrail({"ingest", Out("bigstore").string(), big.string(), "--format", "native"});
  EXPECT_EQ(r.term_signal, 0);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_LT(r.err.size(), 8000u) << r.err.substr(0, 300);
  const std::string set = "X." + std::string(100000, 's') + "=1";
  RunResult s = RunMoneytrail({"scan", Store().string(), "--set", set, "--out", Out("a2.jsonl").string()});
  EXPECT_NE(s.exit_code, 0);
  EXPECT_LT(s.err.size(), 8000u);
}

}  // namespace
}  // namespace moneytrail
