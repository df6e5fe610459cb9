// Outputs never destroy evidence (issue #25 item 6): the output-path check, atomic output files,
// stale temporaries and durable directory creation.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "moneytrail/file_util.h"

namespace moneytrail {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class OutputGuardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "mt-guard-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    fs::create_directories(dir_ / "store" / "segments");
    Write(dir_ / "store" / "MANIFEST", "{}");
    Write(dir_ / "tx.csv", "evidence");
    protect_.dirs = {dir_ / "store"};
    protect_.files = {dir_ / "tx.csv"};
    protect_.dir_marker = "MANIFEST";
  }
  void TearDown() override { fs::remove_all(dir_); }
  static void Write(const fs::path& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }
  static std::string Read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  fs::path dir_;
  ProtectedPaths protect_;
};

TEST_F(OutputGuardTest, RefusesTheSourceFileByAnyName) {
  fs::create_directories(dir_ / "sub");
  fs::create_symlink(dir_ / "tx.csv", dir_ / "link.csv");
  fs::create_hard_link(dir_ / "tx.csv", dir_ / "hard.csv");
  for (const fs::path& p : {dir_ / "tx.csv", dir_ / "sub" / ".." / "tx.csv", dir_ / "link.csv", dir_ / "hard.csv"}) {
    Status st = CheckOutputPath(p, "--out", protect_);
    EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition) << p;
    EXPECT_THAT(std::string(st.message()), HasSubstr("--out " + p.string())) << p;
    EXPECT_THAT(std::string(st.message()), HasSubstr((dir_ / "tx.csv").string())) << p;
  }
  EXPECT_EQ(Read(dir_ / "tx.csv"), "evidence");
}

TEST_F(OutputGuardTest, RefusesAnythingInsideAStore) {
  for (const fs::path& p : {dir_ / "store", dir_ / "store" / "MANIFEST", dir_ / "store" / "segments" / "x.csv",
                            dir_ / "store" / "new" / "deep.csv"}) {
    Status st = CheckOutputPath(p, "--schedule", protect_);
    EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition) << p;
    EXPECT_THAT(std::string(st.message()), HasSubstr("store directory")) << p;
    EXPECT_THAT(std::string(st.message()), HasSubstr("--schedule")) << p;
  }
}

TEST_F(OutputGuardTest, RefusesAnUnlistedStoreByItsManifest) {
  fs::create_directories(dir_ / "other");
  Write(dir_ / "other" / "MANIFEST", "{}");
  ProtectedPaths marker_only;
  marker_only.dir_marker = "MANIFEST";
  EXPECT_EQ(CheckOutputPath(dir_ / "other" / "alerts.jsonl", "--out", marker_only).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_TRUE(CheckOutputPath(dir_ / "alerts.jsonl", "--out", marker_only).ok());
}

TEST_F(OutputGuardTest, AllowsOrdinaryOutputs) {
  EXPECT_TRUE(CheckOutputPath(dir_ / "alerts.jsonl", "--out", protect_).ok());
  EXPECT_TRUE(CheckOutputPath(dir_ / "store2" / "x", "--out", protect_).ok());  // a sibling named alike
  EXPECT_TRUE(CheckOutputPath("", "--out", protect_).ok());
}

TEST_F(OutputGuardTest, AnOutputDirectoryMustNotHoldEvidence) {
  Status st = CheckOutputDirectory(dir_, "--out", protect_);
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(CheckOutputDirectory(dir_ / "case", "--out", protect_).ok());
}

TEST_F(OutputGuardTest, AtomicOutputReplacesOnlyOnCommit) {
  const fs::path out = dir_ / "alerts.jsonl";
  Write(out, "previous");
  {
    Result<AtomicOutputFile> f = AtomicOutputFile::Create(out);
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    f->stream() << "half";
    EXPECT_TRUE(fs::exists(f->temporary_path()));
    // destroyed without Commit: a failed run
  }
  EXPECT_EQ(Read(out), "previous");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 3);  // store, tx.csv, out
  ASSERT_TRUE(WriteFileAtomically(out, "new").ok());
  EXPECT_EQ(Read(out), "new");
}

TEST_F(OutputGuardTest, StaleTemporariesOfDeadRunsAreRemoved) {
  const fs::path out = dir_ / "case";
  // A PID that cannot be alive (above pid_max's ceiling) and our own.
  fs::create_directories(dir_ / ".case.tmp-4194400");
  fs::create_directories(dir_ / (".case.tmp-" + std::to_string(::getpid())));
  fs::create_directories(dir_ / ".case.tmp-notapid");
  EXPECT_EQ(RemoveStaleTemporaries(out, ".tmp-"), 1);
  EXPECT_FALSE(fs::exists(dir_ / ".case.tmp-4194400"));
  EXPECT_TRUE(fs::exists(dir_ / (".case.tmp-" + std::to_string(::getpid()))));
  EXPECT_TRUE(fs::exists(dir_ / ".case.tmp-notapid"));
}

TEST_F(OutputGuardTest, CreateDirectoriesDurablyMakesEveryLevel) {
  ASSERT_TRUE(CreateDirectoriesDurably(dir_ / "a" / "b" / "c").ok());
  EXPECT_TRUE(fs::is_directory(dir_ / "a" / "b" / "c"));
  EXPECT_TRUE(CreateDirectoriesDurably(dir_ / "a").ok());
  Write(dir_ / "f", "x");
  EXPECT_FALSE(CreateDirectoriesDurably(dir_ / "f" / "g").ok());
}

}  // namespace
}  // namespace moneytrail
