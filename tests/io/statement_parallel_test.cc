// Statement intake with its parallel passes (issue #19, intake speed): the stores that one and
// two threads make of a generated multi-bank, multi-mapping statement set are byte-identical
// (the exported transactions and every statement commit file), and the choice of a mapping per
// file from its first lines keeps its errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "io/ingester.h"
#include "moneytrail/export.h"
#include "moneytrail/file_util.h"
#include "moneytrail/generate.h"
#include "moneytrail/ingest.h"
#include "moneytrail/store.h"

namespace moneytrail {
namespace {

namespace fs = std::filesystem;

const fs::path kMappings =
    fs::path(__FILE__).parent_path().parent_path().parent_path() / "config" / "mappings";

class StatementParallelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mt_statement_parallel_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path Write(const std::string& name, const std::string& contents) {
    fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << contents;
    return p;
  }

  // The statement files of a generated world (three banks' layouts, banners, a
  // windows-1252 bank, overlapping downloads, mirror transfers), in a fixed order.
  std::vector<fs::path> GeneratedStatements(uint64_t seed) {
    generate::GenerateOptions g;
    g.out_dir = (dir_ / ("world" + std::to_string(seed))).string();
    g.seed = seed;
    g.accounts = 150;
    g.days = 40;
    g.threads = 1;
    g.statements = generate::StatementAccounts::kAll;
    g.statement_faults = true;
    Result<generate::GenerateSummary> summary = generate::Generate(g);
    EXPECT_TRUE(summary.ok()) << summary.status().ToString();
    std::vector<fs::path> files;
    for (const auto& bank : fs::directory_iterator(fs::path(g.out_dir) / "statements")) {
      if (!bank.is_directory()) continue;
      for (const auto& f : fs::directory_iterator(bank.path())) {
        if (f.path().extension() == ".csv") files.push_back(f.path());
      }
    }
    std::sort(files.begin(), files.end());
    return files;
  }

  // Ingests `files` with the three gen-* mappings on `threads` threads into `store`; returns
  // the export and the statement commit files, concatenated with their names.
  std::string IngestAndDump(const std::vector<fs::path>& files, int threads, const fs::path& store) {
    IngestOptions o;
    o.format = "mapped";
    o.threads = threads;
    o.mappings = {kMappings / "gen-firstcoast.toml", kMappings / "gen-prairie-cu.toml",
                  kMappings / "gen-sonoran.toml"};
    Result<IngestReport> r = Ingest(store, files, o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return {};
    Result<store::Store> s = store::Store::Open(store);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (!s.ok()) return {};
    const fs::path csv = store.string() + ".csv";
    Status exported = ExportTransactions(*s, csv, ExportFormat::kNative, {.verbatim = true});
    EXPECT_TRUE(exported.ok()) << exported.ToString();
    std::string dump = "export\n" + Contents(csv);
    std::vector<fs::path> commit_files;
    for (const auto& f : fs::recursive_directory_iterator(store)) {
      if (f.path().filename().string().rfind("statement-", 0) == 0) commit_files.push_back(f.path());
    }
    std::sort(commit_files.begin(), commit_files.end());
    EXPECT_GE(commit_files.size(), 3u);
    for (const fs::path& f : commit_files) {
      dump += "\n" + fs::relative(f, store).string() + "\n" + Contents(f);
    }
    dump += "\nsummary\n" + r->statement_summary + r->statement_checks_text;
    return dump;
  }

  static std::string Contents(const fs::path& p) {
    Result<std::string> text = ReadFileToString(p);
    EXPECT_TRUE(text.ok()) << text.status().ToString();
    return text.ok() ? *text : std::string("(unreadable)");
  }

  fs::path dir_;
};

TEST_F(StatementParallelTest, OneAndTwoThreadsGiveByteIdenticalStores) {
  for (uint64_t seed : {3u, 11u}) {
    const std::vector<fs::path> files = GeneratedStatements(seed);
    ASSERT_GE(files.size(), 100u) << "seed " << seed;
    const std::string one = IngestAndDump(files, 1, dir_ / ("one" + std::to_string(seed)));
    const std::string two = IngestAndDump(files, 2, dir_ / ("two" + std::to_string(seed)));
    ASSERT_FALSE(one.empty()) << "seed " << seed;
    // The set exercises what the parallel pass feeds: enriched rows, duplicates and mirrors.
    EXPECT_NE(one.find(",mirror-credit,"), std::string::npos) << "seed " << seed;
    EXPECT_NE(one.find(",duplicate,"), std::string::npos) << "seed " << seed;
    EXPECT_EQ(one, two) << "seed " << seed;
  }
}

TEST_F(StatementParallelTest, AFileNoMappingFitsIsRefusedNamingEachMappingsReason) {
  const std::vector<fs::path> maps = {kMappings / "gen-firstcoast.toml",
                                      kMappings / "gen-prairie-cu.toml",
                                      kMappings / "gen-sonoran.toml"};
  const std::string no_header[] = {
      "no line among the first 1000 matches the mapping's header_pattern "
      "'^Date,Description,Debit,Credit,Balance'",
      "no line among the first 1000 matches the mapping's header_pattern '^\"Posted Date\",'",
      "no line among the first 1000 matches the mapping's header_pattern '^Transaction Date,'"};
  struct Case {
    std::string name, contents;
    std::vector<std::string> reasons;  // per mapping, after "FILE" (": " or " ")
  };
  const Case cases[] = {
      {"other.csv", "a,b\n1,2\n",
       {": " + no_header[0], ": " + no_header[1], ": " + no_header[2]}},
      // Sonoran's header, but not its banner.
      {"nobanner.csv",
       "Transaction Date,Check No,Description,Reference,Amount,Balance\n2025-09-02,,X,1,1.00,1.00\n",
       {": " + no_header[0], ": " + no_header[1],
        ": [banner] statement_account pattern '^Account:\\s*(\\S+)' finds no value in the 0 "
        "banner lines before the header"}},
      {"empty.csv", "", {" is empty (0 bytes)", " is empty (0 bytes)", " is empty (0 bytes)"}},
  };
  for (const Case& c : cases) {
    const fs::path file = Write(c.name, c.contents);
    IngestOptions o;
    o.format = "mapped";
    o.mappings = maps;
    Result<IngestReport> r = Ingest(dir_ / "store", {file}, o);
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    // The message as it was before the choice read only the first lines, decoding once: one
    // line per mapping with its reason (captured from the earlier code).
    std::string expected = file.string() + ": none of the 3 mappings (--map) fits it:";
    for (size_t i = 0; i < maps.size(); ++i) {
      expected += "\n  " + maps[i].string() + ": " + file.string() + c.reasons[i];
    }
    EXPECT_EQ(r.status().message(), expected) << c.name;
    EXPECT_FALSE(fs::exists(dir_ / "store")) << c.name;
  }
}

TEST_F(StatementParallelTest, EachMappingIsTriedInItsOwnEncoding) {
  // Two layouts with one header; only the banner tells them apart, in two encodings: the
  // windows-1252 one names "MÉXICO" in 0xC9, which is not UTF-8.
  const std::string body = "Date,Description,Amount\n2025-03-01,ZELLE FROM JOSE LUNA,10.00\n";
  const fs::path latin = Write("latin.csv", "BANCO DEL NORTE M\xC9XICO\n" + body);
  const fs::path utf8 = Write("utf8.csv", "BANK OF OHIO\n" + body);
  const std::string columns =
      "timestamp_format = \"%Y-%m-%d\"\nheader_pattern = \"^Date,\"\n[columns]\n"
      "timestamp = \"Date\"\ndescription = \"Description\"\namount = \"Amount\"\n"
      "[constants]\nstatement_account = \"9\"\ncurrency_paid = \"USD\"\n";
  const fs::path m1252 = Write("m1252.toml", "[format]\nencoding = \"windows-1252\"\n" + columns +
                                                 "[banner]\nholder = \"^(BANCO DEL NORTE M\xC3\x89XICO)$\"\n");
  const fs::path m8 = Write("m8.toml", "[format]\n" + columns + "[banner]\nholder = \"^(BANK OF OHIO)$\"\n");
  IngestOptions o;
  o.format = "mapped";
  o.mappings = {m8, m1252};
  Result<IngestReport> r = Ingest(dir_ / "store", {latin, utf8}, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->sources.size(), 2u);
  EXPECT_EQ(r->sources[0].mapping.rfind(m1252.string() + " sha256:", 0), 0u) << r->sources[0].mapping;
  EXPECT_EQ(r->sources[0].encoding, "windows-1252");
  EXPECT_EQ(r->sources[1].mapping.rfind(m8.string() + " sha256:", 0), 0u) << r->sources[1].mapping;
  EXPECT_EQ(r->rows_accepted, 2u);
}

TEST_F(StatementParallelTest, ASourceAlreadyIngestedIsRefusedInTheSameCallAndInALaterOne) {
  // The duplicate check looks sources up by SHA-256 in an index (store_writer.cc): pending
  // sources of this call, then committed ones after a commit, with many files in between.
  const fs::path map = Write("m.toml", "[format]\ntimestamp_format = \"%Y-%m-%d\"\n[columns]\n"
                                       "timestamp = \"Date\"\ndescription = \"Description\"\n"
                                       "amount = \"Amount\"\n[constants]\nstatement_account = \"9\"\n"
                                       "currency_paid = \"USD\"\n");
  std::vector<fs::path> files;
  for (int i = 0; i < 40; ++i) {
    files.push_back(Write("s" + std::to_string(i) + ".csv",
                          "Date,Description,Amount\n2025-03-01,FEE " + std::to_string(i) + ",-1.00\n"));
  }
  IngestOptions o;
  o.format = "mapped";
  o.mappings = {map};
  std::vector<fs::path> with_copy = files;
  with_copy.push_back(Write("copy.csv", *ReadFileToString(files[17])));
  Result<IngestReport> r = Ingest(dir_ / "store", with_copy, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(r.status().message().find("copy.csv was already ingested (same SHA-256 as " +
                                      fs::absolute(files[17]).lexically_normal().string()),
            std::string_view::npos)
      << r.status().ToString();

  r = Ingest(dir_ / "store", files, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->sources.size(), 40u);
  r = Ingest(dir_ / "store", {Write("later.csv", *ReadFileToString(files[39]))}, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(r.status().message().find(fs::absolute(files[39]).lexically_normal().string()),
            std::string_view::npos)
      << r.status().ToString();
}

TEST_F(StatementParallelTest, ProbeDecodesOncePerEncodingAndServesTheWholeText) {
  const fs::path f = Write("s.csv", "H\n1\n");
  io_internal::SourceProbe probe(f);
  io_internal::RowSpec spec;
  spec.encoding = "utf-8";
  std::string_view a, b;
  ASSERT_TRUE(probe.Text(spec, false, a).ok());
  ASSERT_TRUE(probe.Text(spec, true, b).ok());
  EXPECT_EQ(a, "H\n1\n");
  EXPECT_EQ(a.data(), b.data());  // a file no longer than kFitBytes is read once, whole
  io_internal::StatementFile sf;
  ASSERT_TRUE(probe.Take(spec, sf).ok());
  EXPECT_EQ(sf.text, "H\n1\n");
  EXPECT_EQ(sf.bytes.size(), 4u);
  EXPECT_EQ(sf.text.data(), sf.bytes.data());  // utf-8: the text is the bytes, not a copy

  io_internal::SourceProbe missing(dir_ / "none.csv");
  Status s = missing.Text(spec, false, a);
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.Text(spec, true, a).message(), s.message());  // the same error again
}

}  // namespace
}  // namespace moneytrail
