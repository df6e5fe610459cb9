// Withdrawing an ingested source (issue #19, 7) with the real ingest: withdraw a file, ingest its
// corrected version, and the store equals one into which the corrected file was ingested
// directly (the other files first): the same column and dictionary bytes, segment by segment,
// and the same custody records apart from their times.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "moneytrail/file_util.h"
#include "moneytrail/ingest.h"
#include "moneytrail/store.h"
#include "moneytrail/time_format.h"

namespace moneytrail {
namespace {

namespace fs = std::filesystem;

const char kIbmHeader[] =
    "Timestamp,From Bank,Account,To Bank,Account,Amount Received,Receiving Currency,Amount Paid,"
    "Payment Currency,Payment Format,Is Laundering\n";

class IngestWithdrawTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::error_code ec;
    const fs::path root = fs::is_directory("/dev/shm", ec) ? fs::path("/dev/shm")
                                                           : fs::temp_directory_path();
    dir_ = root / ("mt_ingest_withdraw_" + std::to_string(::getpid()) + "_" +
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
  static Status IngestOne(const fs::path& store, const fs::path& file) {
    IngestOptions o;
    o.format = "ibm-aml";
    return Ingest(store, {file}, o).status();
  }
  fs::path dir_;
};

// Random IBM-layout rows over a small set of accounts and currencies (so that files share
// accounts), with a bad amount now and then (a reject).
std::string RandomIbmFile(std::mt19937_64& rng, int rows) {
  static const char* const kCurrencies[] = {"US Dollar", "Euro", "Mexican Peso", "Bitcoin"};
  static const char* const kFormats[] = {"Wire", "Cash", "Cheque", "ACH", "Credit Card"};
  std::string out = kIbmHeader;
  for (int i = 0; i < rows; ++i) {
    const Timestamp t = 1661990000 + static_cast<Timestamp>(rng() % 1000000) / 60 * 60;
    std::string time = FormatIsoTime(t);  // 2022-09-01T00:20:00Z -> 2022/09/01 00:20
    time = time.substr(0, 4) + "/" + time.substr(5, 2) + "/" + time.substr(8, 2) + " " +
           time.substr(11, 5);
    const std::string amount = rng() % 25 == 0 ? "12,x" : std::to_string(rng() % 100000) + "." +
                                                             std::to_string(10 + rng() % 90);
    const char* currency = kCurrencies[rng() % 4];
    out += time + ",0" + std::to_string(rng() % 4) + ",ACC" + std::to_string(rng() % 20) + ",0" +
           std::to_string(rng() % 4) + ",ACC" + std::to_string(rng() % 20) + "," + amount + "," +
           currency + "," + amount + "," + currency + "," + kFormats[rng() % 5] + "," +
           (rng() % 5 == 0 ? "1" : "0") + "\n";
  }
  return out;
}

// Every file of every segment in segment order (names of rewritten segments aside), and the
// sources without their ingest times.
std::vector<std::string> Contents(const fs::path& dir) {
  auto s = store::Store::Open(dir);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  if (!s.ok()) return {};
  std::vector<std::string> out;
  for (const store::SourceRecord& r : s->sources()) {
    out.push_back(std::to_string(r.index) + " " + r.path + " " + r.sha256 + " seg " +
                  std::to_string(r.segment) + " first " + std::to_string(r.first_transaction) +
                  " " + std::to_string(r.rows_read) + "/" + std::to_string(r.rows_accepted) + "/" +
                  std::to_string(r.rows_rejected) + " " + fs::path(r.rejects_file).filename().string());
  }
  const std::string raw = *ReadFileToString(dir / "MANIFEST");
  size_t at = 0;
  for (size_t k = 0; (at = raw.find("\"name\": \"seg-", at)) != std::string::npos; ++k) {
    at += 9;
    const fs::path seg = dir / "segments" / raw.substr(at, raw.find('"', at) - at);
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(seg)) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) {
      out.push_back("segment " + std::to_string(k) + " " + f.filename().string() + " " +
                    *ReadFileToString(f));
    }
  }
  return out;
}

TEST_F(IngestWithdrawTest, WithdrawThenIngestTheCorrectedFileEqualsIngestingItDirectly) {
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed);
    const fs::path sub = dir_ / std::to_string(seed);
    fs::create_directories(sub);
    std::vector<fs::path> files;
    for (int k = 0; k < 4; ++k) {
      files.push_back(Write(std::to_string(seed) + "/f" + std::to_string(k) + ".csv",
                            RandomIbmFile(rng, 1 + static_cast<int>(rng() % 40))));
    }
    const size_t bad = rng() % files.size();
    const fs::path corrected = Write(std::to_string(seed) + "/corrected.csv",
                                     RandomIbmFile(rng, 1 + static_cast<int>(rng() % 40)));
    const fs::path store = sub / "store", direct = sub / "direct";
    for (const fs::path& f : files) ASSERT_TRUE(IngestOne(store, f).ok());
    {
      auto w = store::StoreWriter::Open(store);
      ASSERT_TRUE(w.ok());
      auto r = (*w)->Withdraw({.source = fs::absolute(files[bad]).lexically_normal().string(),
                               .reason = "the bank sent a corrected statement"});
      ASSERT_TRUE(r.ok()) << r.status().ToString();
    }
    ASSERT_TRUE(IngestOne(store, corrected).ok());
    for (size_t k = 0; k < files.size(); ++k) {
      if (k != bad) {
        ASSERT_TRUE(IngestOne(direct, files[k]).ok());
      }
    }
    ASSERT_TRUE(IngestOne(direct, corrected).ok());
    EXPECT_EQ(Contents(store), Contents(direct));
    // The same file, withdrawn, is no longer "already ingested".
    Status again = IngestOne(store, files[bad]);
    EXPECT_TRUE(again.ok()) << again.ToString();
  }
}

}  // namespace
}  // namespace moneytrail
