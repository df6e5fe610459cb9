// The journal's tamper evidence: every edit, deletion, insertion, reordering and truncation is
// found by VerifyJournal, which names the first bad entry.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "moneytrail/file_util.h"
#include "moneytrail/workspace.h"
#include "workspace/journal.h"
#include "workspace/sql.h"
#include "workspace_fixture.h"

namespace moneytrail::workspace {
namespace {

class JournalTest : public testing::WorkspaceFixture {
 protected:
  void SetUp() override {
    WorkspaceFixture::SetUp();
    auto c = ws_->CreateCase(irs_agent_, {"2026-100", "Journal", {}});
    ASSERT_TRUE(c.ok());
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(ws_->AddNote(irs_agent_, c->id, "case", "", "note " + std::to_string(i), {}).ok());
    }
    ws_.reset();  // close, as an attacker editing the database file would find it
    auto db = OpenSqlite(dir_ / "workspace.db");
    ASSERT_TRUE(db.ok());
    db_ = std::move(*db);
    count_ = SqlInt(db_->Query("SELECT count(*) FROM journal")->at(0).at(0));
    ASSERT_GT(count_, 12);
  }
  std::vector<std::string> Problems() {
    auto p = VerifyJournal(dir_);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? *p : std::vector<std::string>{"error"};
  }
  void Run(const std::string& sql) { ASSERT_TRUE(db_->ExecScript(sql).ok()) << sql; }

  std::unique_ptr<SqlDatabase> db_;
  int64_t count_ = 0;
};

TEST_F(JournalTest, AnIntactJournalVerifies) { EXPECT_TRUE(Problems().empty()); }

TEST_F(JournalTest, AnEditedEntryIsNamed) {
  Run("UPDATE journal SET reason = 'nothing to see' WHERE seq = 7");
  auto p = Problems();
  ASSERT_FALSE(p.empty());
  EXPECT_NE(p[0].find("entry 7"), std::string::npos) << p[0];
  EXPECT_NE(p[0].find("edited"), std::string::npos) << p[0];
}

TEST_F(JournalTest, AnEditedAndRehashedEntryFailsItsSignature) {
  auto row = db_->Query("SELECT seq, at, username, address, case_id, object, action, before_value, "
                        "after_value, reason, prev_hash FROM journal WHERE seq = 6");
  ASSERT_TRUE(row.ok());
  const SqlRow& r = row->at(0);
  JournalEntry e;
  e.seq = SqlInt(r[0]); e.at = SqlText(r[1]); e.username = "someone.else"; e.address = SqlText(r[3]);
  e.case_id = SqlInt(r[4]); e.object = SqlText(r[5]); e.action = SqlText(r[6]);
  e.before = SqlText(r[7]); e.after = SqlText(r[8]); e.reason = SqlText(r[9]); e.prev_hash = SqlText(r[10]);
  ASSERT_TRUE(db_->Execute("UPDATE journal SET username = ?, hash = ? WHERE seq = 6",
                           {e.username, JournalEntryHash(e)}).ok());
  auto p = Problems();
  ASSERT_FALSE(p.empty());
  EXPECT_NE(p[0].find("entry 6"), std::string::npos) << p[0];
}

TEST_F(JournalTest, ADeletedEntryIsNamed) {
  Run("DELETE FROM journal WHERE seq = 5");
  auto p = Problems();
  ASSERT_FALSE(p.empty());
  EXPECT_NE(p[0].find("entry 6"), std::string::npos) << p[0];
  EXPECT_NE(p[0].find("missing"), std::string::npos) << p[0];
}

TEST_F(JournalTest, AnInsertedEntryIsFound) {
  // Shift the tail up by one and insert a forged entry in the gap.
  Run("UPDATE journal SET seq = seq + 1000 WHERE seq >= 4; UPDATE journal SET seq = seq - 999 WHERE seq >= 1004;");
  Run("INSERT INTO journal SELECT 4, at, 'forger', address, case_id, object, 'read', before_value, "
      "after_value, reason, prev_hash, hash, signature FROM journal WHERE seq = 3");
  auto p = Problems();
  ASSERT_FALSE(p.empty());
  EXPECT_NE(p[0].find("entry 4"), std::string::npos) << p[0];
}

TEST_F(JournalTest, ReorderedEntriesAreFound) {
  // Swap the contents of entries 8 and 9, keeping the sequence numbers in order.
  Run("UPDATE journal SET seq = -8 WHERE seq = 8; UPDATE journal SET seq = 8 WHERE seq = 9; "
      "UPDATE journal SET seq = 9 WHERE seq = -8;");
  auto p = Problems();
  ASSERT_FALSE(p.empty());
  EXPECT_NE(p[0].find("entry 8"), std::string::npos) << p[0];
}

TEST_F(JournalTest, ATruncatedTailIsFoundFromTheSignedHead) {
  Run("DELETE FROM journal WHERE seq > " + std::to_string(count_ - 3));
  auto p = Problems();
  ASSERT_FALSE(p.empty());
  EXPECT_NE(p[0].find("truncated"), std::string::npos) << p[0];
}

TEST_F(JournalTest, AForgedHeadFileIsFound) {
  ASSERT_TRUE(std::filesystem::remove(dir_ / "journal.head"));
  auto p = Problems();
  ASSERT_FALSE(p.empty());
  EXPECT_NE(p[0].find("journal.head"), std::string::npos) << p[0];
}

TEST_F(JournalTest, ReopeningCatchesUpAHeadLeftBehindByACrash) {
  // A crash after a commit and before the head file was written leaves an older head: the
  // journal still verifies (every entry is signed), and Open rewrites the head.
  auto head = ReadFileToString(dir_ / "journal.head");
  ASSERT_TRUE(head.ok());
  db_.reset();
  WorkspaceOptions options;
  options.password_cost = testing::FastCost();
  auto ws = Workspace::Open(dir_, options);
  ASSERT_TRUE(ws.ok());
  auto s = (*ws)->Login("irs.agent", testing::kPassword, "127.0.0.1");
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(WriteFileAtomically(dir_ / "journal.head", *head).ok());  // the crash
  EXPECT_TRUE(Problems().empty());
  ws->reset();
  ASSERT_TRUE(Workspace::Open(dir_, options).ok());
  EXPECT_NE(*ReadFileToString(dir_ / "journal.head"), *head);
  EXPECT_TRUE(Problems().empty());
}

}  // namespace
}  // namespace moneytrail::workspace
