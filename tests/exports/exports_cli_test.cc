// End-to-end runs of the real binary: `exhibit` prints the key's fingerprint and never the key,
// `reproduce` exits 0 on an unchanged pack and 1 naming the difference after one byte of
// configuration changes, `export --format i2|xlsx|graphml|ftm` and `sar` write their files.
#include <gtest/gtest.h>

#include "cli/run_binary.h"
#include "exports/fixture.h"

namespace moneytrail::exports_test {
namespace {

using test_util::RunMoneytrail;

TEST(ExportsCliTest, ExhibitThenReproduceThenOneByteOfConfiguration) {
  const fs::path root = TempDir("cli-exhibit");
  World w = MakeWorld(root, 17, 6, 40);
  const fs::path pack = root / "pack";
  auto r = RunMoneytrail({"exhibit", w.store.string(), "--subject", "011:A0", "--out",
                          pack.string(), "--key", (root / "k").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("fingerprint SHA256:"), std::string::npos) << r.out;
  const std::string key = *ReadFileToString(root / "k");
  EXPECT_EQ((r.out + r.err).find(key.substr(30, 32)), std::string::npos);  // never printed
  r = RunMoneytrail({"reproduce", pack.string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("result: byte-identical"), std::string::npos) << r.out;
  // One byte: the creation time's last digit changes the workbook's document properties.
  std::string config = *ReadFileToString(pack / "exhibit.json");
  const size_t at = config.find("\"created\": ");
  ASSERT_NE(at, std::string::npos);
  const size_t digit = config.find(',', at) - 1;
  config[digit] = config[digit] == '9' ? '8' : static_cast<char>(config[digit] + 1);
  ASSERT_TRUE(WriteFileDurably(pack / "exhibit.json", config).ok());
  r = RunMoneytrail({"reproduce", pack.string()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("TAMPERED exhibit.json"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("DIFFERS exhibit.xlsx"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("result: NOT reproduced"), std::string::npos) << r.out;
  // An existing pack is never overwritten.
  r = RunMoneytrail({"exhibit", w.store.string(), "--subject", "011:A0", "--out", pack.string(),
                     "--key", (root / "k").string()});
  EXPECT_NE(r.exit_code, 0);
}

TEST(ExportsCliTest, ExportFormatsAndSarWriteTheirFiles) {
  const fs::path root = TempDir("cli-export");
  World w = MakeWorld(root, 18, 5, 30);
  for (const char* format : {"ftm", "i2", "graphml", "xlsx"}) {
    const fs::path out = root / (std::string("out.") + format);
    auto r = RunMoneytrail({"export", w.store.string(), "--format", format, "--out", out.string()});
    ASSERT_EQ(r.exit_code, 0) << format << ": " << r.err;
    EXPECT_GT(fs::file_size(out), 100u) << format;
  }
  EXPECT_TRUE(fs::exists(root / "out.i2.import-spec.xml"));
  auto r = RunMoneytrail({"export", w.store.string(), "--format", "xlsx", "--out",
                          (w.store / "inside.xlsx").string()});
  EXPECT_NE(r.exit_code, 0);  // never into a store
}

}  // namespace
}  // namespace moneytrail::exports_test
