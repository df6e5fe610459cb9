// `moneytrail verify` end to end, and the verbs on corrupted stores (issue #25): verify exits 0
// on an intact store and 3 naming the file on a corrupt one; `info --json` and `export` either
// give the intact store's output or exit 3, never a different answer with exit 0.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "run_binary.h"

namespace moneytrail {
namespace {

namespace fs = std::filesystem;
using test_util::ReadWholeFile;
using test_util::RunMoneytrail;
using test_util::RunResult;
using test_util::TempDir;
using test_util::WriteWholeFile;

constexpr char kIbmHeader[] =
    "Timestamp,From Bank,Account,To Bank,Account,Amount Received,Receiving Currency,"
    "Amount Paid,Payment Currency,Payment Format,Is Laundering\n";

std::string IbmRows(int rows, int salt) {
  std::string out;
  const char* currencies[] = {"Euro", "US Dollar", "Yen"};
  for (int i = 0; i < rows; ++i) {
    const std::string c = currencies[i % 3];
    out += "2022/09/0" + std::to_string(1 + i % 9) + " 10:" + (i % 60 < 10 ? "0" : "") +
           std::to_string(i % 60) + ",010,A" + std::to_string(salt) + "-" + std::to_string(i % 50) +
           ",0224,B" + std::to_string(i % 17) + "," + std::to_string(i) + ".25," + c + "," +
           std::to_string(i) + ".25," + c + ",Wire," + std::to_string(i % 7 == 0 ? 1 : 0) + "\n";
  }
  return out;
}

class StoreVerifyCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteWholeFile(dir_.path() / "a.csv", std::string(kIbmHeader) + IbmRows(300, 1) +
                                              "2022/09/01 10:00,010,X,0224,Y,abc,Euro,1.00,Euro,Wire,0\n");
    WriteWholeFile(dir_.path() / "b.csv", std::string(kIbmHeader) + IbmRows(200, 2));
    for (const char* f : {"a.csv", "b.csv"}) {
      RunResult r = RunMoneytrail({"ingest", Store().string(), (dir_.path() / f).string(),
                                   "--format", "ibm-aml", "--max-rejects", "5"});
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    info_ = RunMoneytrail({"info", Store().string(), "--json"});
    ASSERT_EQ(info_.exit_code, 0) << info_.err;
    export_ = Export("intact.csv");
    ASSERT_EQ(export_.exit_code, 0) << export_.err;
  }
  // `export` to a file; the result's out is the file's bytes.
  RunResult Export(const std::string& name) const {
    const fs::path out = dir_.path() / name;
    RunResult r = RunMoneytrail({"export", Store().string(), "--out", out.string(), "--format",
                                 "ibm-aml"});
    r.out = fs::exists(out) ? ReadWholeFile(out) : "";
    return r;
  }
  fs::path Store() const { return dir_.path() / "store"; }
  fs::path Segment(int k) const {
    return Store() / "segments" / (k == 1 ? "seg-000001" : "seg-000002");
  }
  static void FlipBit(const fs::path& path, uint64_t offset, int bit) {
    std::string bytes = ReadWholeFile(path);
    ASSERT_LT(offset, bytes.size());
    bytes[offset] = static_cast<char>(bytes[offset] ^ (1 << bit));
    WriteWholeFile(path, bytes);
  }
  // Verify finds it naming `file`; info and export give the intact output or exit 3.
  void ExpectDetected(const std::string& file) {
    RunResult v = RunMoneytrail({"verify", Store().string()});
    EXPECT_EQ(v.exit_code, 3) << v.out << v.err;
    EXPECT_NE(v.out.find(file), std::string::npos) << v.out;
    RunResult vj = RunMoneytrail({"verify", Store().string(), "--json"});
    EXPECT_EQ(vj.exit_code, 3);
    EXPECT_EQ(nlohmann::json::parse(vj.out)["intact"], false);
    RunResult info = RunMoneytrail({"info", Store().string(), "--json"});
    if (info.exit_code != 3) {
      EXPECT_EQ(info.exit_code, 0) << info.err;
      EXPECT_EQ(info.out, info_.out) << "info answered differently, with exit 0";
    } else {
      EXPECT_NE(info.err.find(file), std::string::npos) << info.err;
    }
    RunResult out = Export("corrupt.csv");
    if (out.exit_code != 3) {
      EXPECT_EQ(out.exit_code, 0) << out.err;
      EXPECT_EQ(out.out, export_.out) << "export answered differently, with exit 0";
    }
  }

  TempDir dir_;
  RunResult info_, export_;
};

TEST_F(StoreVerifyCliTest, AnIntactStoreVerifies) {
  RunResult v = RunMoneytrail({"verify", Store().string()});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_NE(v.out.find("intact:"), std::string::npos) << v.out;
  RunResult j = RunMoneytrail({"verify", Store().string(), "--json"});
  ASSERT_EQ(j.exit_code, 0);
  nlohmann::json report = nlohmann::json::parse(j.out);
  EXPECT_EQ(report["intact"], true);
  EXPECT_TRUE(report["problems"].empty());
  RunResult none = RunMoneytrail({"verify", (dir_.path() / "nothing").string()});
  EXPECT_EQ(none.exit_code, 2) << none.err;
}

TEST_F(StoreVerifyCliTest, AnOutOfRangeCurrencyIdIsExit3FromEveryVerb) {
  FlipBit(Segment(1) / "paid_currency.col", 32 + 2 * 10 + 1, 7);  // high byte of element 10
  ExpectDetected("paid_currency.col");
  EXPECT_EQ(RunMoneytrail({"info", Store().string(), "--json"}).exit_code, 3);
}

TEST_F(StoreVerifyCliTest, AScaleAbove18IsExit3) {
  FlipBit(Segment(2) / "paid_scale.col", 32 + 5, 7);
  ExpectDetected("paid_scale.col");
  EXPECT_EQ(Export("again.csv").exit_code, 3);
}

TEST_F(StoreVerifyCliTest, AnEditedCustodyCountIsExit3) {
  std::string m = ReadWholeFile(Store() / "MANIFEST");
  const std::string from = "\"rows_rejected\": 1";
  ASSERT_NE(m.find(from), std::string::npos);
  m.replace(m.find(from), from.size(), "\"rows_rejected\": 0");
  WriteWholeFile(Store() / "MANIFEST", m);
  ExpectDetected("MANIFEST");
}

TEST_F(StoreVerifyCliTest, AFlippedAmountBitIsFoundByVerifyAtItsBlock) {
  // A bit inside an amount's valid range: Open's range checks cannot see it; the block CRC can.
  FlipBit(Segment(1) / "amount_paid.col", 32 + 8 * 100 + 6, 3);
  RunResult v = RunMoneytrail({"verify", Store().string()});
  EXPECT_EQ(v.exit_code, 3) << v.out;
  EXPECT_NE(v.out.find("segments/seg-000001/amount_paid.col: byte 0 (block 0): CRC32C"),
            std::string::npos)
      << v.out;
  EXPECT_NE(v.out.find("sha256"), std::string::npos) << v.out;
}

TEST_F(StoreVerifyCliTest, ATruncatedDictionaryIsExit3) {
  const fs::path dict = Segment(2) / "accounts.dict";
  fs::resize_file(dict, fs::file_size(dict) - 3);
  ExpectDetected("accounts.dict");
}

}  // namespace
}  // namespace moneytrail
