// The workspace's SQL layer on SQLite (src/workspace/sql.h): statements compiled once per
// connection and reused, with their parameters bound afresh and no read left open between runs.
#include <sys/types.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "moneytrail/group_commit.h"
#include "moneytrail/status.h"
#include "workspace/sql.h"

namespace moneytrail::workspace {
namespace {

class SqlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mt-sql-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    db_ = Open();
    ASSERT_TRUE(db_->ExecScript("CREATE TABLE kv (k TEXT PRIMARY KEY, v INTEGER NOT NULL, note TEXT)").ok());
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::unique_ptr<SqlDatabase> Open() {
    auto db = OpenSqlite(dir_ / "test.db", /*durable=*/false);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return db.ok() ? std::move(*db) : nullptr;
  }

  std::filesystem::path dir_;
  std::unique_ptr<SqlDatabase> db_;
};

TEST_F(SqlTest, AStatementIsCompiledOnceAndReusedWithNewParameters) {
  const SqlStatementCounts start = db_->statement_counts();
  const StatementCacheTotals process_start = StatementCacheCounters();
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(db_->Execute("INSERT INTO kv (k, v) VALUES (?, ?)", {"key" + std::to_string(i), int64_t{i}}).ok());
  }
  for (int i = 0; i < 10; ++i) {
    auto rows = db_->Query("SELECT v FROM kv WHERE k = ?", {"key" + std::to_string(i)});
    ASSERT_TRUE(rows.ok());
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ(SqlInt(rows->at(0).at(0)), i);
  }
  const SqlStatementCounts end = db_->statement_counts();
  EXPECT_EQ(end.prepared - start.prepared, 2);  // the INSERT and the SELECT
  EXPECT_EQ(end.reused - start.reused, 18);
  const StatementCacheTotals process_end = StatementCacheCounters();
  EXPECT_GE(process_end.prepared - process_start.prepared, 2);
  EXPECT_GE(process_end.reused - process_start.reused, 18);
}

TEST_F(SqlTest, APreparedStatementIsKeptWithoutRunningAndItsFirstRunCompilesNothing) {
  const SqlStatementCounts start = db_->statement_counts();
  const std::string insert = "INSERT INTO kv (k, v) VALUES (?, ?)";
  ASSERT_TRUE(db_->Prepare(insert).ok());
  ASSERT_TRUE(db_->Prepare(insert).ok());  // already compiled: nothing more
  EXPECT_EQ(SqlInt(db_->Query("SELECT count(*) FROM kv")->at(0).at(0)), 0);  // not run
  const SqlStatementCounts prepared = db_->statement_counts();
  EXPECT_EQ(prepared.prepared - start.prepared, 2);  // the INSERT and the count
  ASSERT_TRUE(db_->Execute(insert, {"a", int64_t{1}}).ok());
  const SqlStatementCounts ran = db_->statement_counts();
  EXPECT_EQ(ran.prepared, prepared.prepared);
  EXPECT_EQ(ran.reused - prepared.reused, 1);
  EXPECT_FALSE(db_->Prepare("SELECT nothing FROM nowhere").ok());  // errors are reported, not kept
}

TEST_F(SqlTest, TransactionStatementsAreCompiledOnce) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(db_->Begin().ok());
    ASSERT_TRUE(db_->Execute("INSERT INTO kv (k, v) VALUES (?, ?)", {"t" + std::to_string(i), int64_t{i}}).ok());
    ASSERT_TRUE(db_->Execute("SAVEPOINT change").ok());
    ASSERT_TRUE(db_->Execute("INSERT INTO kv (k, v) VALUES (?, ?)", {"s" + std::to_string(i), int64_t{i}}).ok());
    ASSERT_TRUE(db_->Execute("ROLLBACK TO change").ok());
    ASSERT_TRUE(db_->Execute("RELEASE change").ok());
    ASSERT_TRUE(i == 1 ? db_->Rollback().ok() : db_->Commit().ok());
  }
  auto rows = db_->Query("SELECT k FROM kv ORDER BY k");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);  // t0 and t2: t1 rolled back, every s rolled back to its savepoint
  EXPECT_EQ(SqlText(rows->at(0).at(0)), "t0");
  EXPECT_EQ(SqlText(rows->at(1).at(0)), "t2");
  // BEGIN IMMEDIATE, COMMIT, ROLLBACK, the INSERT, SAVEPOINT, ROLLBACK TO, RELEASE, the SELECT.
  EXPECT_EQ(db_->statement_counts().prepared, 8 + 1);  // + the check OpenSqlite runs
}

TEST_F(SqlTest, AFailedRunLeavesTheStatementReusable) {
  ASSERT_TRUE(db_->Execute("INSERT INTO kv (k, v) VALUES (?, ?)", {"a", int64_t{1}}).ok());
  auto dup = db_->Execute("INSERT INTO kv (k, v) VALUES (?, ?)", {"a", int64_t{2}});
  EXPECT_EQ(dup.status().code(), StatusCode::kAlreadyExists) << dup.status().ToString();
  auto nulled = db_->Execute("INSERT INTO kv (k, v) VALUES (?, ?)", {"b", SqlValue()});
  EXPECT_FALSE(nulled.ok());  // v is NOT NULL
  ASSERT_TRUE(db_->Execute("INSERT INTO kv (k, v) VALUES (?, ?)", {"b", int64_t{3}}).ok());
  auto rows = db_->Query("SELECT k, v FROM kv ORDER BY k");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ(SqlInt(rows->at(1).at(1)), 3);
  auto wrong = db_->Query("SELECT v FROM kv WHERE k = ?", {});
  EXPECT_EQ(wrong.status().code(), StatusCode::kInternal);  // one parameter expected, none given
  auto right = db_->Query("SELECT v FROM kv WHERE k = ?", {"a"});
  ASSERT_TRUE(right.ok());
  EXPECT_EQ(SqlInt(right->at(0).at(0)), 1);
  EXPECT_FALSE(db_->Query("SELECT nothing FROM nowhere").ok());
}

// A kept statement must not keep its read open: a checkpoint that has to wait for readers
// (TRUNCATE) would then report the connection as busy.
TEST_F(SqlTest, AKeptStatementHoldsNoReadBetweenRuns) {
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(db_->Execute("INSERT INTO kv (k, v) VALUES (?, ?)", {"r" + std::to_string(i), int64_t{i}}).ok());
  }
  auto rows = db_->Query("SELECT k, v FROM kv ORDER BY k");  // many rows: stepped to the end
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 50u);
  auto one = db_->Query("SELECT v FROM kv WHERE k = ?", {"r7"});  // one row of a point lookup
  ASSERT_TRUE(one.ok());
  std::unique_ptr<SqlDatabase> other = Open();
  ASSERT_TRUE(other->Execute("INSERT INTO kv (k, v) VALUES (?, ?)", {"w", int64_t{0}}).ok());
  auto checkpoint = other->Query("PRAGMA wal_checkpoint(TRUNCATE)");
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.status().ToString();
  EXPECT_EQ(SqlInt(checkpoint->at(0).at(0)), 0) << "a reader blocked the checkpoint";
  // And the first connection sees the other's write on its next run of the same statement.
  auto seen = db_->Query("SELECT v FROM kv WHERE k = ?", {"w"});
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ(seen->size(), 1u);
}

// Many small seeded random sequences of inserts, updates, deletes and lookups through reused
// statements, against a std::map that does the same.
TEST_F(SqlTest, ReusedStatementsAgreeWithAMapOnRandomSequences) {
  for (uint32_t seed = 1; seed <= 40; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    ASSERT_TRUE(db_->Execute("DELETE FROM kv").ok());
    std::map<std::string, std::pair<int64_t, std::string>> model;  // k -> v, note ("" for NULL)
    std::mt19937 rng(seed);
    auto key = [&] { return "k" + std::to_string(rng() % 12); };
    for (int step = 0; step < 60; ++step) {
      const std::string k = key();
      const int64_t v = static_cast<int64_t>(rng() % 1000) - 500;
      const std::string note = rng() % 3 == 0 ? "" : std::string(rng() % 40, static_cast<char>('a' + rng() % 26));
      switch (rng() % 4) {
        case 0: {
          auto r = db_->Execute("INSERT INTO kv (k, v, note) VALUES (?, ?, ?)",
                                {k, v, note.empty() ? SqlValue() : SqlValue(note)});
          EXPECT_EQ(r.ok(), model.count(k) == 0);
          if (r.ok()) model[k] = {v, note};
          break;
        }
        case 1: {
          auto r = db_->Execute("UPDATE kv SET v = v + ? WHERE k = ?", {v, k});
          ASSERT_TRUE(r.ok());
          EXPECT_EQ(*r, model.count(k) ? 1 : 0);
          if (model.count(k)) model[k].first += v;
          break;
        }
        case 2: {
          auto r = db_->Execute("DELETE FROM kv WHERE k = ?", {k});
          ASSERT_TRUE(r.ok());
          EXPECT_EQ(*r, static_cast<int64_t>(model.erase(k)));
          break;
        }
        default: {
          auto r = db_->Query("SELECT v, note FROM kv WHERE k = ?", {k});
          ASSERT_TRUE(r.ok());
          ASSERT_EQ(r->size(), model.count(k));
          if (!r->empty()) {
            EXPECT_EQ(SqlInt(r->at(0).at(0)), model[k].first);
            EXPECT_EQ(SqlText(r->at(0).at(1)), model[k].second);
            EXPECT_EQ(SqlIsNull(r->at(0).at(1)), model[k].second.empty());
          }
        }
      }
    }
    auto all = db_->Query("SELECT k, v FROM kv ORDER BY k");
    ASSERT_TRUE(all.ok());
    ASSERT_EQ(all->size(), model.size());
    size_t i = 0;
    for (const auto& [k, vn] : model) {
      EXPECT_EQ(SqlText(all->at(i).at(0)), k);
      EXPECT_EQ(SqlInt(all->at(i).at(1)), vn.first);
      ++i;
    }
  }
  // Six statement texts in all, however many runs.
  EXPECT_LE(db_->statement_counts().prepared, 6 + 2);
}

}  // namespace
}  // namespace moneytrail::workspace
