// Exhibit packs: the signature verifies, tampering with any file is detected, reproduce passes
// on an unchanged store and names the difference after one byte of configuration changes, the
// schedules agree with a brute-force oracle, and bad manual adjustments are refused.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <map>

#include "exports/fixture.h"
#include "moneytrail/csv.h"
#include "moneytrail/exhibit.h"
#include "moneytrail/money.h"
#include "moneytrail/time_format.h"

namespace moneytrail::exports_test {
namespace {

using exhibit::ExhibitOptions;
using exhibit::Reproduce;
using exhibit::WriteExhibit;

struct Pack {
  World world;
  fs::path dir;
  fs::path key;
};

Pack MakePack(const std::string& name, uint32_t seed, const std::string& adjustments = "") {
  const fs::path root = TempDir("exhibit-" + name);
  Pack p{MakeWorld(root, seed, 6, 60), root / "pack", root / "keys" / "exhibit.key"};
  ExhibitOptions o{.source = p.world.store, .subject = "011:A0", .out = p.dir, .key = p.key,
                   .created = 1767225600};
  if (!adjustments.empty()) {
    EXPECT_TRUE(WriteFileDurably(root / "adjust.csv", adjustments).ok());
    o.adjustments = root / "adjust.csv";
  }
  Result<exhibit::ExhibitResult> r = WriteExhibit(o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return p;
}

void CopyPack(const fs::path& from, const fs::path& to) {
  fs::remove_all(to);
  fs::copy(from, to, fs::copy_options::recursive);
}

TEST(ExhibitTest, AnUnchangedPackVerifiesAndReproducesByteIdentical) {
  Pack p = MakePack("unchanged", 11);
  Result<exhibit::ReproduceResult> r = Reproduce(p.dir);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->signature_valid);
  EXPECT_TRUE(r->identical()) << r->Text();
  EXPECT_GE(r->files_reproduced, 7u);
  EXPECT_NE(r->Text().find("byte-identical"), std::string::npos);
  // The key is private to its owner and the pack holds only its public half.
  struct stat st {};
  ASSERT_EQ(stat(p.key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string key_text = *ReadFileToString(p.key);
  for (const fs::directory_entry& e : fs::directory_iterator(p.dir)) {
    const std::string bytes = *ReadFileToString(e.path());
    EXPECT_EQ(bytes.find(key_text.substr(30, 64)), std::string::npos) << e.path();
  }
}

TEST(ExhibitTest, ChangingOneByteOfAnyFileIsDetectedAndNamed) {
  Pack p = MakePack("tamper", 12);
  std::vector<std::string> names;
  for (const fs::directory_entry& e : fs::directory_iterator(p.dir)) names.push_back(e.path().filename());
  ASSERT_GE(names.size(), 10u);
  for (const std::string& name : names) {
    SCOPED_TRACE(name);
    const fs::path copy = p.dir.parent_path() / "tampered";
    CopyPack(p.dir, copy);
    std::string bytes = *ReadFileToString(copy / name);
    ASSERT_FALSE(bytes.empty());
    bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x01);
    ASSERT_TRUE(WriteFileDurably(copy / name, bytes).ok());
    Result<exhibit::ReproduceResult> r = Reproduce(copy);
    if (!r.ok()) {
      // A manifest or configuration that no longer parses is itself the finding.
      EXPECT_TRUE(name == "MANIFEST.json" || name == "exhibit.json") << r.status().ToString();
      continue;
    }
    EXPECT_FALSE(r->identical());
    bool named = false;
    for (const exhibit::Difference& d : r->tampered) named |= d.file == name || (name == "MANIFEST.sig" && d.file == "MANIFEST.json");
    EXPECT_TRUE(named) << r->Text();
  }
  // A file added to a pack is not hidden either.
  const fs::path copy = p.dir.parent_path() / "added";
  CopyPack(p.dir, copy);
  ASSERT_TRUE(WriteFileDurably(copy / "extra.csv", "x\n").ok());
  Result<exhibit::ReproduceResult> r = Reproduce(copy);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->identical());
  EXPECT_NE(r->Text().find("extra.csv: not listed in the signed manifest"), std::string::npos) << r->Text();
}

TEST(ExhibitTest, OneByteOfConfigurationChangedNamesTheDifferingScheduleLine) {
  // Exclude transaction 3; then one byte of exhibit.json turns it into an exclusion of 5.
  Pack p = MakePack("config", 13, "transaction,action,who,when,why\n3,exclude,Agent Ruiz,2026-01-02,duplicate of 4 (bank's correction)\n");
  std::string config = *ReadFileToString(p.dir / "exhibit.json");
  const size_t at = config.find("\"transaction\": 3");
  ASSERT_NE(at, std::string::npos) << config;
  config[at + std::string("\"transaction\": ").size()] = '5';
  ASSERT_TRUE(WriteFileDurably(p.dir / "exhibit.json", config).ok());
  Result<exhibit::ReproduceResult> r = Reproduce(p.dir);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->identical());
  ASSERT_EQ(r->tampered.size(), 1u) << r->Text();
  EXPECT_EQ(r->tampered[0].file, "exhibit.json");
  bool schedule = false;
  for (const exhibit::Difference& d : r->differences) {
    if (d.file == "schedule.csv") {
      schedule = true;
      EXPECT_NE(d.what.find("line "), std::string::npos) << d.what;
      EXPECT_NE(d.what.find("the re-run gives"), std::string::npos) << d.what;
    }
  }
  EXPECT_TRUE(schedule) << r->Text();
}

TEST(ExhibitTest, SchedulesMatchABruteForceOracleAndAdjustmentsAreRecorded) {
  for (uint32_t seed = 21; seed <= 25; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Pack p = MakePack("oracle-" + std::to_string(seed), seed,
                      "transaction,action,who,when,why\n2,exclude,A. Analyst,2026-01-03,\"reversed, see line 9\"\n"
                      "59,include,A. Analyst,2026-01-03,fee paid for the subject\n");
    Result<store::Store> s = store::Store::Open(p.world.store);
    ASSERT_TRUE(s.ok());
    const AccountId a0 = *s->FindAccount(NodeKind::kAccount, "011", "A0");
    // Oracle: the transactions touching A0, minus 2, plus 59; credits and debits per month.
    std::vector<TransactionId> expected;
    std::map<std::string, DecimalSum> credits, debits;
    for (TransactionId t = 0; t < s->transaction_count(); ++t) {
      const bool touches = s->source()[t] == a0 || s->destination()[t] == a0;
      if ((touches && t != 2) || t == 59) expected.push_back(t);
      if (!touches || t == 2) continue;
      const std::string key = FormatIsoTime(s->time()[t]).substr(0, 7) + " " +
                              std::string(s->currency(s->paid_currency()[t]));
      if (s->source()[t] == a0 && s->destination()[t] == a0) continue;
      ASSERT_TRUE((s->destination()[t] == a0 ? credits : debits)[key].Add(s->amount_paid(t)).ok());
    }
    const std::string schedule = *ReadFileToString(p.dir / "schedule.csv");
    CsvRecordReader reader(schedule, CsvDialect{});
    std::vector<std::string_view> f;
    ASSERT_TRUE(reader.Next(f));
    std::vector<TransactionId> got;
    while (reader.Next(f)) got.push_back(static_cast<TransactionId>(std::stoul(std::string(f[2]))));
    EXPECT_EQ(got, expected);
    const std::string monthly = *ReadFileToString(p.dir / "monthly.csv");
    CsvRecordReader m(monthly, CsvDialect{});
    ASSERT_TRUE(m.Next(f));
    size_t rows = 0;
    while (m.Next(f)) {
      ++rows;
      const std::string key = std::string(f[0]) + " " + std::string(f[1]);
      EXPECT_EQ(std::string(f[3]), credits.count(key) ? credits[key].ToString() : "0") << key;
      EXPECT_EQ(std::string(f[5]), debits.count(key) ? debits[key].ToString() : "0") << key;
    }
    EXPECT_GE(rows, 1u);
    const std::string adjustments = *ReadFileToString(p.dir / "adjustments.csv");
    EXPECT_NE(adjustments.find("2,exclude,A. Analyst,2026-01-03,\"reversed, see line 9\""), std::string::npos);
    // Every schedule line has its source row, verbatim from the file.
    const std::string rows_csv = *ReadFileToString(p.dir / "source-rows.csv");
    const std::string source = *ReadFileToString(p.world.csv);
    CsvRecordReader rr(rows_csv, CsvDialect{});
    ASSERT_TRUE(rr.Next(f));
    size_t n = 0;
    while (rr.Next(f)) {
      ++n;
      EXPECT_EQ(f[5], "ok");
      EXPECT_NE(source.find(std::string(f[6]) + "\n"), std::string::npos) << f[6];
    }
    EXPECT_EQ(n, expected.size());
    EXPECT_TRUE(Reproduce(p.dir)->identical());
  }
}

TEST(ExhibitTest, BadAdjustmentsAreRefusedNamingFileLineAndField) {
  const fs::path root = TempDir("exhibit-bad");
  World w = MakeWorld(root, 3, 4, 20);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"transaction,action,who,when,why\n1,drop,me,today,because\n", "field 'action'"},
      {"transaction,action,who,when,why\n1,exclude,me,today,\n", "field 'why' is empty"},
      {"transaction,action,who,when,why\n999,exclude,me,today,x\n", "field 'transaction'"},
      {"transaction,action,who,when,why\n1,exclude,me,today,x\n1,include,me,today,y\n", "adjusted twice"},
      {"tx,action\n", "line 1"}};
  for (const auto& [csv, expect] : cases) {
    ASSERT_TRUE(WriteFileDurably(root / "adj.csv", csv).ok());
    ExhibitOptions o{.source = w.store, .subject = "011:A0", .out = root / "pack",
                     .key = root / "k", .adjustments = root / "adj.csv"};
    Result<exhibit::ExhibitResult> r = WriteExhibit(o);
    ASSERT_FALSE(r.ok()) << csv;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(expect), std::string::npos) << r.status().ToString();
    EXPECT_NE(r.status().message().find("adj.csv"), std::string::npos);
    EXPECT_FALSE(fs::exists(root / "pack"));
  }
  ExhibitOptions o{.source = w.store, .subject = "011:NOPE", .out = root / "pack", .key = root / "k"};
  EXPECT_EQ(WriteExhibit(o).status().code(), StatusCode::kInvalidArgument);
}

TEST(SigningTest, KeysPersistSignaturesVerifyAndACorruptKeyIsRefused) {
  const fs::path root = TempDir("signing");
  Result<exhibit::SigningKey> k1 = exhibit::LoadOrCreateKey(root / "k");
  ASSERT_TRUE(k1.ok());
  Result<exhibit::SigningKey> k2 = exhibit::LoadOrCreateKey(root / "k");
  ASSERT_TRUE(k2.ok());
  EXPECT_EQ(exhibit::Fingerprint(k1->public_key), exhibit::Fingerprint(k2->public_key));
  const std::string sig = exhibit::Sign(*k1, "manifest");
  EXPECT_TRUE(exhibit::Verify(k2->public_key, "manifest", sig));
  EXPECT_FALSE(exhibit::Verify(k2->public_key, "manifesT", sig));
  Result<exhibit::SigningKey> other = exhibit::LoadOrCreateKey(root / "other");
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(exhibit::Verify(other->public_key, "manifest", sig));
  ASSERT_TRUE(WriteFileDurably(root / "bad", "not a key\n").ok());
  EXPECT_EQ(exhibit::LoadOrCreateKey(root / "bad").status().code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace moneytrail::exports_test
