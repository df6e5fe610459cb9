// End-to-end tests of the `moneytrail` command (issue 2): ingest, info and export on real AMLSim
// files and on IBM-layout files written here, round trips, exit codes (0 ok, 1 usage, 2 bad
// input, 3 I/O), the reject file, and that a failed ingest leaves the store untouched.
#include <sys/mount.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
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
using test_util::CommandLine;
using test_util::ReadWholeFile;
using test_util::RunMoneytrail;
using test_util::RunResult;
using test_util::TempDir;
using test_util::WriteWholeFile;
using ::testing::HasSubstr;

constexpr int kExitOk = 0, kExitUsage = 1, kExitBadInput = 2, kExitIo = 3;

const fs::path kAmlsimDir = fs::path(MONEYTRAIL_SHARED_DATA_DIR) / "amlsim" / "20K_cycle200";

constexpr char kIbmHeader[] =
    "Timestamp,From Bank,Account,To Bank,Account,Amount Received,Receiving Currency,"
    "Amount Paid,Payment Currency,Payment Format,Is Laundering\n";

// IBM AMLworld rows written the way moneytrail's ibm-aml export writes them, so that the export
// of their store must reproduce these bytes exactly: zero-padded bank ids, Bitcoin with 6
// decimals, Yen, an amount with one decimal, a cross-currency wire, every payment format.
constexpr char kIbmRows[] =
    "2022/09/01 00:20,010,8000EBD30,010,8000EBD30,3697.34,US Dollar,3697.34,US Dollar,Reinvestment,0\n"
    "2022/09/01 00:20,03208,8000F4580,001,8000F5340,0.01,US Dollar,0.01,US Dollar,Cheque,0\n"
    "2022/09/01 00:21,0224,80011D3F0,0224,80011D3F0,0.000296,Bitcoin,0.000296,Bitcoin,Bitcoin,1\n"
    "2022/09/01 00:22,010,8000EBD30,070,800AB1230,1234.56,Yen,8.40,US Dollar,Wire,0\n"
    "2022/09/02 13:05,001,8000F5340,0224,80011D3F0,100.00,Euro,100.00,Euro,ACH,1\n"
    "2022/09/03 23:59,0123,812345678,03208,8000F4580,12.5,UK Pound,12.5,UK Pound,Credit Card,0\n"
    "2022/09/04 00:00,020,8ABCDEF01,010,8000EBD30,250000.00,Rupee,250000.00,Rupee,Cash,0\n"
    "2022/12/31 23:59,00000,0,99999,FFFFFFFFF,999999999999.999999,Bitcoin,999999999999.999999,Bitcoin,Bitcoin,0\n";
constexpr int kIbmRowCount = 8;

// `rows` distinct valid IBM rows (the account number carries `salt`).
std::string IbmRows(int rows, int salt) {
  std::string out;
  for (int i = 0; i < rows; ++i) {
    out += "2022/09/0" + std::to_string(1 + i % 9) + " 10:" + (i % 60 < 10 ? "0" : "") +
           std::to_string(i % 60) + ",010,A" + std::to_string(salt) + "-" + std::to_string(i) +
           ",0224,B" + std::to_string(i % 17) + "," + std::to_string(i) + ".25,Euro," +
           std::to_string(i) + ".25,Euro,Wire,0\n";
  }
  return out;
}

size_t CountLines(std::string_view s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

class CliTest : public ::testing::Test {
 protected:
  fs::path Path(const std::string& name) const { return dir_.path() / name; }

  fs::path Write(const std::string& name, std::string_view contents) const {
    WriteWholeFile(Path(name), contents);
    return Path(name);
  }

  // Runs the binary and checks the exit code; returns the result.
  RunResult Expect(int exit_code, const std::vector<std::string>& args) const {
    RunResult r = RunMoneytrail(args);
    EXPECT_EQ(r.exit_code, exit_code) << CommandLine(args) << "\nstdout: " << r.out
                                      << "\nstderr: " << r.err;
    return r;
  }

  RunResult Ingest(int exit_code, const fs::path& store, const std::vector<fs::path>& files,
                   const std::string& format, std::vector<std::string> extra = {}) const {
    std::vector<std::string> args = {"ingest", store.string()};
    for (const auto& f : files) args.push_back(f.string());
    args.insert(args.end(), {"--format", format});
    args.insert(args.end(), extra.begin(), extra.end());
    return Expect(exit_code, args);
  }

  json Info(const fs::path& store) const {
    RunResult r = Expect(kExitOk, {"info", store.string(), "--json"});
    return json::parse(r.out);
  }

  std::string Export(const fs::path& store, const std::string& format,
                     const std::string& name) const {
    Expect(kExitOk, {"export", store.string(), "--out", Path(name).string(), "--format", format});
    return ReadWholeFile(Path(name));
  }

  // Everything a failed command must leave as it was: MANIFEST's bytes and the segment list.
  std::string Snapshot(const fs::path& store) const {
    std::string s = ReadWholeFile(store / "MANIFEST");
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(store / "segments")) {
      names.insert(e.path().filename().string());
    }
    for (const auto& n : names) s += "\n" + n;
    s += fs::exists(store / "MANIFEST.tmp") ? "\nMANIFEST.tmp" : "";
    return s;
  }

  // A one-line error: "moneytrail VERB: message\n".
  static void ExpectOneLineError(const RunResult& r, const std::string& verb) {
    EXPECT_EQ(CountLines(r.err), 1u) << "not one line: " << r.err;
    EXPECT_THAT(r.err, ::testing::StartsWith("moneytrail " + verb + ": "));
  }

  fs::path IngestIbmSample(const std::string& name) const {
    fs::path csv = Write(name + ".csv", std::string(kIbmHeader) + kIbmRows);
    fs::path store = Path(name + ".store");
    Ingest(kExitOk, store, {csv}, "ibm-aml", {"--strict"});
    return store;
  }

  TempDir dir_;
};

// --- Real data: AMLSim 20K_cycle200. ---

TEST_F(CliTest, AmlsimIngestInfoAndExportOnRealFiles) {
  const fs::path store = Path("amlsim.store");
  RunResult r = Ingest(kExitOk, store, {kAmlsimDir / "transactions.csv"}, "amlsim",
                       {"--labels", (kAmlsimDir / "nodes.csv").string(), "--json"});
  EXPECT_EQ(r.err, "") << "stderr must stay quiet when it is not a terminal";
  json report = json::parse(r.out);
  EXPECT_EQ(report["store_transactions"], 117805);
  EXPECT_EQ(report["store_accounts"], 20000);

  json info = Info(store);
  EXPECT_EQ(info["transactions"], 117805);
  EXPECT_EQ(info["accounts"], 20000);
  EXPECT_EQ(info["labels"]["accounts_labelled_laundering"], 945);
  ASSERT_EQ(info["sources"].size(), 2u);
  EXPECT_EQ(info["sources"][0]["format"], "amlsim");
  EXPECT_EQ(info["sources"][0]["rows_read"], 117805);
  EXPECT_EQ(info["sources"][1]["format"], "amlsim-labels");
  EXPECT_EQ(info["sources"][1]["rows_read"], 20000);
  for (const auto& s : info["sources"]) {
    EXPECT_EQ(s["rows_read"].get<uint64_t>(),
              s["rows_accepted"].get<uint64_t>() + s["rows_rejected"].get<uint64_t>());
    EXPECT_EQ(s["sha256"].get<std::string>().size(), 64u);
    EXPECT_EQ(s["bytes"].get<uint64_t>(),
              fs::file_size(kAmlsimDir / (s["format"] == "amlsim" ? "transactions.csv" : "nodes.csv")));
  }
  ASSERT_EQ(info["totals_paid"].size(), 1u);
  EXPECT_EQ(info["totals_paid"][0]["currency"], "USD");
  EXPECT_EQ(info["totals_paid"][0]["transactions"], 117805);

  const std::string native = Export(store, "native", "amlsim-export.csv");
  EXPECT_EQ(CountLines(native), 117806u);
  // The text summary works too.
  RunResult text = Expect(kExitOk, {"info", store.string()});
  EXPECT_THAT(text.out, HasSubstr("117805"));
}

TEST_F(CliTest, NativeExportIngestExportIsByteIdentical) {
  const fs::path store = Path("amlsim.store");
  Ingest(kExitOk, store, {kAmlsimDir / "transactions.csv"}, "amlsim",
         {"--labels", (kAmlsimDir / "nodes.csv").string()});
  const std::string first = Export(store, "native", "first.csv");
  const fs::path again = Path("again.store");
  Ingest(kExitOk, again, {Path("first.csv")}, "native", {"--strict"});
  const std::string second = Export(again, "native", "second.csv");
  EXPECT_EQ(first.size(), second.size());
  EXPECT_TRUE(first == second) << "native export -> ingest -> export changed the bytes";
  json a = Info(store), b = Info(again);
  EXPECT_EQ(a["totals_paid"], b["totals_paid"]);
  EXPECT_EQ(a["transactions"], b["transactions"]);
  EXPECT_EQ(a["first_time"], b["first_time"]);
  EXPECT_EQ(a["last_time"], b["last_time"]);
}

// --- IBM AMLworld layout. ---

TEST_F(CliTest, IbmFileRoundTripsThroughIbmExportExactly) {
  const fs::path store = IngestIbmSample("ibm");
  json info = Info(store);
  EXPECT_EQ(info["transactions"], kIbmRowCount);
  EXPECT_EQ(info["labels"]["laundering"], 2);
  EXPECT_EQ(Export(store, "ibm-aml", "ibm-export.csv"), std::string(kIbmHeader) + kIbmRows);

  // Through the native layout and back to IBM's, still exact.
  Export(store, "native", "ibm-native.csv");
  const fs::path via_native = Path("via-native.store");
  Ingest(kExitOk, via_native, {Path("ibm-native.csv")}, "native", {"--strict"});
  EXPECT_EQ(Export(via_native, "ibm-aml", "ibm-again.csv"), std::string(kIbmHeader) + kIbmRows);
}

TEST_F(CliTest, IbmTotalsAreExactPerCurrency) {
  const fs::path store = IngestIbmSample("ibm");
  json info = Info(store);
  std::map<std::string, std::string> totals;
  for (const auto& t : info["totals_paid"]) totals[t["currency"]] = t["amount"];
  EXPECT_EQ(totals["Bitcoin"], "1000000000000.000295");  // 0.000296 + 999999999999.999999
  EXPECT_EQ(totals["US Dollar"], "3705.75");              // 3697.34 + 0.01 + 8.40
  EXPECT_EQ(totals["UK Pound"], "12.5");
  EXPECT_EQ(totals.count("Yen"), 0u) << "Yen is only received, never paid";
}

TEST_F(CliTest, SecondFileAppendsToExistingStore) {
  const fs::path store = IngestIbmSample("ibm");
  const std::string before = Export(store, "ibm-aml", "before.csv");
  fs::path second = Write("second.csv", std::string(kIbmHeader) + IbmRows(25, 2));
  Ingest(kExitOk, store, {second}, "ibm-aml", {"--strict"});
  json info = Info(store);
  EXPECT_EQ(info["transactions"], kIbmRowCount + 25);
  ASSERT_EQ(info["sources"].size(), 2u);
  EXPECT_EQ(info["sources"][1]["rows_read"], 25);
  EXPECT_EQ(info["generation"], 2);
  const std::string after = Export(store, "ibm-aml", "after.csv");
  EXPECT_EQ(after.substr(0, before.size()), before) << "the first file's rows changed";
  EXPECT_EQ(after.substr(before.size()), IbmRows(25, 2));
}

TEST_F(CliTest, DuplicateSourceIsRefusedUnlessAllowed) {
  const fs::path store = IngestIbmSample("ibm");
  const std::string snapshot = Snapshot(store);
  RunResult r = Ingest(kExitBadInput, store, {Path("ibm.csv")}, "ibm-aml");
  ExpectOneLineError(r, "ingest");
  EXPECT_THAT(r.err, HasSubstr("already ingested"));
  EXPECT_THAT(r.err, HasSubstr("--allow-duplicate-source"));
  EXPECT_EQ(Snapshot(store), snapshot);
  EXPECT_EQ(Info(store)["transactions"], kIbmRowCount);

  Ingest(kExitOk, store, {Path("ibm.csv")}, "ibm-aml", {"--allow-duplicate-source"});
  json info = Info(store);
  EXPECT_EQ(info["transactions"], 2 * kIbmRowCount);
  ASSERT_EQ(info["sources"].size(), 2u);
  EXPECT_EQ(info["sources"][0]["sha256"], info["sources"][1]["sha256"]);
}

TEST_F(CliTest, SameFileTwiceInOneCommandIsRefused) {
  fs::path csv = Write("a.csv", std::string(kIbmHeader) + kIbmRows);
  const fs::path store = Path("s.store");
  RunResult r = Ingest(kExitBadInput, store, {csv, csv}, "ibm-aml");
  EXPECT_THAT(r.err, HasSubstr("already ingested"));
  EXPECT_FALSE(fs::exists(store / "MANIFEST"));
}

// --- Bad input: exit 2, one clear line, the store untouched. ---

TEST_F(CliTest, MissingFileExitsTwoAndCreatesNoStore) {
  const fs::path store = Path("s.store");
  RunResult r = Ingest(kExitBadInput, store, {Path("nope.csv")}, "ibm-aml");
  ExpectOneLineError(r, "ingest");
  EXPECT_THAT(r.err, HasSubstr("nope.csv"));
  EXPECT_FALSE(fs::exists(store));
}

TEST_F(CliTest, BadFilesExitTwoWithOneLineAndLeaveTheStoreUntouched) {
  const fs::path store = IngestIbmSample("ibm");
  const std::string snapshot = Snapshot(store);
  struct Case {
    std::string name, contents, format, expected;
  };
  std::string binary = "Timestamp,From Bank";
  binary += '\0';
  binary += "\x01\x02garbage\n";
  const std::vector<Case> cases = {
      {"empty.csv", "", "ibm-aml", "empty"},
      {"binary.bin", binary, "ibm-aml", "not a CSV"},
      {"wrong-header.csv", "sourceNodeId,targetNodeId,value,time\n1,2,3.5,1\n", "ibm-aml",
       "header"},
      {"ibm-as-amlsim.csv", std::string(kIbmHeader) + kIbmRows, "amlsim", "header"},
      {"blank-header.csv", "\n\n", "ibm-aml", "header"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    fs::path file = Write(c.name, c.contents);
    RunResult r = Ingest(kExitBadInput, store, {file}, c.format);
    ExpectOneLineError(r, "ingest");
    EXPECT_THAT(r.err, HasSubstr(c.name));
    EXPECT_THAT(r.err, HasSubstr(c.expected));
    EXPECT_EQ(Snapshot(store), snapshot);
  }
  EXPECT_EQ(Info(store)["transactions"], kIbmRowCount);
}

TEST_F(CliTest, TooManyRejectsCommitsNothingAndNamesTheFirstBadLines) {
  const fs::path store = IngestIbmSample("ibm");
  const std::string snapshot = Snapshot(store);
  std::string rows = IbmRows(10, 3);
  // Lines 3, 5 and 8 of the file (line 1 is the header) go bad.
  std::vector<std::string> lines;
  std::istringstream in(rows);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  lines[1] = "2022/09/01 10:01,010,X,0224,Y,abc,Euro,1.00,Euro,Wire,0";
  lines[3] = "2022/13/01 10:01,010,X,0224,Y,1.00,Euro,1.00,Euro,Wire,0";
  lines[6] = "2022/09/01 10:01,010,X,0224,Y,1.00,Euro";
  std::string text = kIbmHeader;
  for (const auto& l : lines) text += l + "\n";
  fs::path bad = Write("bad.csv", text);

  RunResult r = Ingest(kExitBadInput, store, {bad}, "ibm-aml", {"--max-rejects", "2"});
  EXPECT_THAT(r.err, HasSubstr("3 rows rejected"));
  EXPECT_THAT(r.err, HasSubstr("nothing was committed"));
  EXPECT_THAT(r.err, HasSubstr("bad.csv:3:"));
  EXPECT_THAT(r.err, HasSubstr("bad.csv:5:"));
  EXPECT_THAT(r.err, HasSubstr("bad.csv:8:"));
  EXPECT_THAT(r.err, HasSubstr("'abc'"));
  EXPECT_EQ(Snapshot(store), snapshot);
  EXPECT_EQ(Info(store)["transactions"], kIbmRowCount);

  // --strict: one bad row is too many.
  fs::path one_bad = Write("one-bad.csv", std::string(kIbmHeader) + lines[1] + "\n" + IbmRows(3, 4));
  r = Ingest(kExitBadInput, store, {one_bad}, "ibm-aml", {"--strict"});
  EXPECT_THAT(r.err, HasSubstr("one-bad.csv:2:"));
  EXPECT_EQ(Snapshot(store), snapshot);

  // Within the limit: committed, with the rejects recorded.
  r = Ingest(kExitOk, store, {bad}, "ibm-aml", {"--max-rejects", "3", "--json"});
  json report = json::parse(r.out);
  EXPECT_EQ(report["rows_read"], 10);
  EXPECT_EQ(report["rows_accepted"], 7);
  EXPECT_EQ(report["rows_rejected"], 3);
  EXPECT_EQ(Info(store)["transactions"], kIbmRowCount + 7);
}

TEST_F(CliTest, RejectFileNamesLineColumnFieldValueAndReason) {
  const fs::path store = Path("s.store");
  std::string text = std::string(kIbmHeader) + IbmRows(2, 5) +
                     "2022/09/01 10:01,010,X,0224,Y,12.3.4,Euro,1.00,Euro,Wire,0\n" +
                     IbmRows(1, 6) + "2022/09/01 10:01,010,X,0224,Y,1.00,Euro,-5.00,Euro,Wire,0\n";
  fs::path file = Write("r.csv", text);
  RunResult r = Ingest(kExitOk, store, {file}, "ibm-aml");
  EXPECT_THAT(r.out, HasSubstr("5 rows read, 3 accepted, 2 rejected"));

  json info = Info(store);
  ASSERT_EQ(info["sources"].size(), 1u);
  const json& src = info["sources"][0];
  EXPECT_EQ(src["rows_read"], 5);
  EXPECT_EQ(src["rows_accepted"], 3);
  EXPECT_EQ(src["rows_rejected"], 2);
  ASSERT_FALSE(src["rejects_file"].get<std::string>().empty());
  const std::string rejects = ReadWholeFile(store / src["rejects_file"].get<std::string>());
  std::vector<std::string> lines;
  std::istringstream in(rejects);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  ASSERT_EQ(lines.size(), 3u) << rejects;
  EXPECT_EQ(lines[0], "source,line,column,field,value,reason");
  // Line 4: Amount Received (column 6) = 12.3.4; line 6: Amount Paid (column 8) = -5.00.
  EXPECT_THAT(lines[1], HasSubstr("r.csv,4,6,"));
  EXPECT_THAT(lines[1], HasSubstr("amount_received"));
  EXPECT_THAT(lines[1], HasSubstr(",12.3.4,"));
  EXPECT_THAT(lines[2], HasSubstr("r.csv,6,8,"));
  EXPECT_THAT(lines[2], HasSubstr("amount_paid"));
  EXPECT_THAT(lines[2], HasSubstr(",-5.00,"));
  EXPECT_THAT(lines[2], HasSubstr("negative"));
  // The reason is the last field and is not empty.
  for (size_t i = 1; i < lines.size(); ++i) EXPECT_NE(lines[i].back(), ',') << lines[i];
  // stderr lists them as well.
  EXPECT_THAT(r.err, HasSubstr("r.csv:4:"));
  EXPECT_THAT(r.err, HasSubstr("r.csv:6:"));
}

// --- Usage: exit 1; --help: exit 0. ---

TEST_F(CliTest, HelpOnEveryVerbExitsZero) {
  RunResult top = Expect(kExitOk, {"--help"});
  // CLI11 lists subcommands after "Subcommands:" (or "SUBCOMMANDS:"), one per line, name first.
  size_t at = top.out.find("ubcommands:");
  if (at == std::string::npos) at = top.out.find("UBCOMMANDS:");
  ASSERT_NE(at, std::string::npos) << top.out;
  std::istringstream in(top.out.substr(at));
  std::vector<std::string> verbs;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line) && !line.empty()) {
    std::istringstream words(line);
    std::string verb;
    if (words >> verb) verbs.push_back(verb);
  }
  for (const char* needed : {"ingest", "info", "export"}) {
    EXPECT_NE(std::find(verbs.begin(), verbs.end(), needed), verbs.end()) << needed;
  }
  for (const auto& verb : verbs) {
    SCOPED_TRACE(verb);
    RunResult r = Expect(kExitOk, {verb, "--help"});
    EXPECT_THAT(r.out, HasSubstr(verb));
  }
}

TEST_F(CliTest, UsageErrorsExitOne) {
  const fs::path csv = Write("a.csv", std::string(kIbmHeader) + kIbmRows);
  const std::string store = Path("s.store").string();
  Expect(kExitUsage, {});
  Expect(kExitUsage, {"no-such-verb"});
  Expect(kExitUsage, {"ingest", store, csv.string()});  // no --format
  Expect(kExitUsage, {"ingest", store, csv.string(), "--format", "xlsx"});
  Expect(kExitUsage, {"ingest", store, csv.string(), "--format", "ibm-aml", "--bogus"});
  Expect(kExitUsage, {"export", store});  // no --out
  EXPECT_FALSE(fs::exists(store));
}

TEST_F(CliTest, InfoAndExportOfAMissingStoreExitTwo) {
  RunResult r = Expect(kExitBadInput, {"info", Path("none").string()});
  ExpectOneLineError(r, "info");
  r = Expect(kExitBadInput,
             {"export", Path("none").string(), "--out", Path("x.csv").string()});
  ExpectOneLineError(r, "export");
  EXPECT_FALSE(fs::exists(Path("x.csv")));
}

// --- I/O failures: exit 3, one line, the store untouched. ---

// A small tmpfs mounted for one test; `ok()` is false (with `why()`) when mounting is not allowed.
class TmpfsMount {
 public:
  TmpfsMount(const fs::path& dir, const std::string& size) : dir_(dir) {
    fs::create_directories(dir);
    std::string options = "size=" + size;
    if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, options.c_str()) != 0) {
      why_ = std::string("mount -t tmpfs -o ") + options + " failed: " + std::strerror(errno);
    } else {
      mounted_ = true;
    }
  }
  ~TmpfsMount() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  bool ok() const { return mounted_; }
  const std::string& why() const { return why_; }
  bool RemountReadOnly() {
    return ::mount("tmpfs", dir_.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, nullptr) == 0;
  }

 private:
  fs::path dir_;
  bool mounted_ = false;
  std::string why_;
};

TEST_F(CliTest, FullDiskExitsThreeWithOneLineAndLeavesTheStoreUntouched) {
  // Each file of a store takes at least one page of tmpfs: 512 KiB holds the small first commit
  // (~25 files) but not the second, a few thousand rows of 17 columns.
  TmpfsMount disk(Path("disk"), "512k");
  if (!disk.ok()) GTEST_SKIP() << disk.why();
  const fs::path store = Path("disk") / "s.store";
  fs::path small = Write("small.csv", std::string(kIbmHeader) + kIbmRows);
  Ingest(kExitOk, store, {small}, "ibm-aml");
  const std::string snapshot = Snapshot(store);
  const std::string exported = Export(store, "ibm-aml", "before.csv");

  fs::path big = Write("big.csv", std::string(kIbmHeader) + IbmRows(20000, 7));
  RunResult r = Ingest(kExitIo, store, {big}, "ibm-aml");
  ExpectOneLineError(r, "ingest");
  EXPECT_THAT(r.err, HasSubstr("No space left on device"));
  EXPECT_EQ(Snapshot(store), snapshot) << "the failed commit left files behind";
  EXPECT_EQ(Export(store, "ibm-aml", "after.csv"), exported);

  // Export to the full disk fails cleanly too, and leaves no partial output.
  fs::path out = Path("disk") / "big-export.csv";
  Ingest(kExitOk, Path("big.store"), {big}, "ibm-aml");
  RunResult e = Expect(kExitIo, {"export", Path("big.store").string(), "--out", out.string()});
  ExpectOneLineError(e, "export");
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(out.string() + ".tmp")) << "a failed export left its temporary file";
}

TEST_F(CliTest, ReadOnlyStoreExitsThreeWithOneLine) {
  TmpfsMount disk(Path("ro"), "4m");
  if (!disk.ok()) GTEST_SKIP() << disk.why();
  const fs::path store = Path("ro") / "s.store";
  Ingest(kExitOk, store, {Write("small.csv", std::string(kIbmHeader) + kIbmRows)}, "ibm-aml");
  ASSERT_TRUE(disk.RemountReadOnly()) << std::strerror(errno);
  const std::string snapshot = Snapshot(store);
  RunResult r = Ingest(kExitIo, store, {Write("more.csv", std::string(kIbmHeader) + IbmRows(5, 8))},
                       "ibm-aml");
  ExpectOneLineError(r, "ingest");
  EXPECT_THAT(r.err, HasSubstr("Read-only file system"));
  EXPECT_EQ(Snapshot(store), snapshot);
  // Reading still works.
  EXPECT_EQ(Info(store)["transactions"], kIbmRowCount);
}

}  // namespace
}  // namespace moneytrail
