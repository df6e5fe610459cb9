// The journal's tamper evidence: every edit, deletion, insertion, reordering and truncation is
// found by VerifyJournal, which names the first bad entry.
#include <sys/stat.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include "moneytrail/file_util.h"
#include "moneytrail/json_text.h"
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

// journal.head is two 512-byte slots written alternately in place; a slot torn by a power loss
// (or edited) fails its check and the other slot's head is used.
constexpr size_t kSlot = 512;

std::string HeadFile(const std::filesystem::path& dir) {
  auto text = ReadFileToString(dir / "journal.head");
  EXPECT_TRUE(text.ok());
  return text.ok() ? *text : std::string();
}

// The head `head` in the single-JSON form written before the two slots.
std::string OlderFormHead(const JournalHead& head) {
  return JsonText(nlohmann::ordered_json{
             {"seq", head.seq}, {"hash", head.hash}, {"signature", head.signature}}) + "\n";
}

TEST_F(JournalTest, TheHeadFileHoldsTwoValidSlotsAfterSeveralCommits) {
  const std::string text = HeadFile(dir_);
  ASSERT_EQ(text.size(), 2 * kSlot);
  auto parsed = ParseJournalHead(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_TRUE(parsed->slotted);
  EXPECT_EQ(parsed->valid_slots, 3);
  EXPECT_EQ(parsed->newest->seq, count_);
}

TEST_F(JournalTest, ATornSlotInEitherPlaceLeavesTheOtherSlotsHead) {
  const std::string original = HeadFile(dir_);
  auto parsed = ParseJournalHead(original);
  ASSERT_TRUE(parsed.ok());
  const int newest = parsed->newest_slot;
  for (int slot : {newest, 1 - newest}) {
    // Two ways a write can tear: one byte changed, or the slot's second half (its newline
    // included) never written.
    for (int kind = 0; kind < 2; ++kind) {
      std::string torn = original;
      if (kind == 0) {
        torn[slot * kSlot + 20] = torn[slot * kSlot + 20] == 'a' ? 'b' : 'a';
      } else {
        std::fill(torn.begin() + slot * kSlot + kSlot / 2, torn.begin() + (slot + 1) * kSlot, '\0');
      }
      ASSERT_TRUE(WriteFileAtomically(dir_ / "journal.head", torn).ok());
      auto p = ParseJournalHead(torn);
      ASSERT_TRUE(p.ok()) << "slot " << slot << " kind " << kind;
      EXPECT_EQ(p->valid_slots, 1 << (1 - slot));
      EXPECT_EQ(p->newest->seq, slot == newest ? count_ - 1 : count_) << "slot " << slot;
      auto problems = Problems();
      EXPECT_TRUE(problems.empty()) << "slot " << slot << " kind " << kind << ": " << problems[0];
    }
  }
}

TEST_F(JournalTest, BothSlotsTornIsAClearProblem) {
  std::string torn = HeadFile(dir_);
  torn[20] = torn[20] == 'a' ? 'b' : 'a';
  torn[kSlot + 20] = torn[kSlot + 20] == 'a' ? 'b' : 'a';
  ASSERT_TRUE(WriteFileAtomically(dir_ / "journal.head", torn).ok());
  auto p = Problems();
  ASSERT_EQ(p.size(), 1u);
  EXPECT_NE(p[0].find("journal.head"), std::string::npos) << p[0];
  EXPECT_NE(p[0].find("neither of its two slots"), std::string::npos) << p[0];
}

TEST_F(JournalTest, AForgedSlotWithAValidCheckFailsItsSignature) {
  std::string text = HeadFile(dir_);
  auto parsed = ParseJournalHead(text);
  ASSERT_TRUE(parsed.ok());
  JournalHead forged = *parsed->newest;
  forged.seq += 5;  // claims a longer journal, but the signature covers only the real hash
  nlohmann::ordered_json body = {{"seq", forged.seq}, {"hash", forged.hash}, {"signature", forged.signature}};
  nlohmann::ordered_json slot = body;
  slot["check"] = Sha256Hex(JsonText(body));
  std::string line = JsonText(slot);
  line.resize(kSlot - 1, ' ');
  text.replace((1 - parsed->newest_slot) * kSlot, kSlot, line + "\n");
  ASSERT_TRUE(WriteFileAtomically(dir_ / "journal.head", text).ok());
  ASSERT_EQ(ParseJournalHead(text)->newest->seq, forged.seq);
  auto p = Problems();
  ASSERT_FALSE(p.empty());
  EXPECT_NE(p[0].find("truncated"), std::string::npos) << p[0];
}

TEST_F(JournalTest, AHeadFileOfTheOlderFormIsReadAndRewrittenOnOpen) {
  auto parsed = ParseJournalHead(HeadFile(dir_));
  ASSERT_TRUE(parsed.ok());
  const std::string old_form = OlderFormHead(*parsed->newest);
  ASSERT_TRUE(WriteFileAtomically(dir_ / "journal.head", old_form).ok());
  auto old_parsed = ParseJournalHead(old_form);
  ASSERT_TRUE(old_parsed.ok());
  EXPECT_FALSE(old_parsed->slotted);
  EXPECT_TRUE(Problems().empty());
  // A truncation is still found against a head of the older form.
  Run("DELETE FROM journal WHERE seq > " + std::to_string(count_ - 1));
  auto p = Problems();
  ASSERT_FALSE(p.empty());
  EXPECT_NE(p[0].find("truncated"), std::string::npos) << p[0];
  // Undo the truncation by reopening over the untouched head: open rewrites nothing backwards.
  db_.reset();
  WorkspaceOptions options;
  options.password_cost = testing::FastCost();
  options.durable = false;
  ASSERT_TRUE(Workspace::Open(dir_, options).ok());
  EXPECT_EQ(HeadFile(dir_).size(), old_form.size()) << "a head past the journal's end was overwritten";
}

TEST_F(JournalTest, OpeningRewritesAnOlderFormHeadInTheTwoSlotForm) {
  auto parsed = ParseJournalHead(HeadFile(dir_));
  ASSERT_TRUE(parsed.ok());
  const std::string old_form = OlderFormHead(*parsed->newest);
  ASSERT_TRUE(WriteFileAtomically(dir_ / "journal.head", old_form).ok());
  db_.reset();
  WorkspaceOptions options;
  options.password_cost = testing::FastCost();
  ASSERT_TRUE(Workspace::Open(dir_, options).ok());  // durable: the rewrite is renamed and synced
  const std::string text = HeadFile(dir_);
  ASSERT_EQ(text.size(), 2 * kSlot);
  auto now = ParseJournalHead(text);
  ASSERT_TRUE(now.ok());
  EXPECT_TRUE(now->slotted);
  EXPECT_EQ(now->newest->seq, parsed->newest->seq);
  EXPECT_EQ(now->newest->signature, parsed->newest->signature);
  EXPECT_TRUE(Problems().empty());
}

TEST_F(JournalTest, AnEditedEntryTooLongForAHeadSlotIsRefusedNotACrash) {
  Run("UPDATE journal SET signature = printf('%.600c', 'a') WHERE seq = " + std::to_string(count_));
  db_.reset();
  WorkspaceOptions options;
  options.password_cost = testing::FastCost();
  options.durable = false;
  auto ws = Workspace::Open(dir_, options);
  ASSERT_FALSE(ws.ok());
  EXPECT_NE(ws.status().ToString().find("expected under 512"), std::string::npos) << ws.status().ToString();
  auto p = Problems();
  ASSERT_FALSE(p.empty());
  EXPECT_NE(p[0].find("signature"), std::string::npos) << p[0];
}

// The commit path writes journal.head in place: no temporary file, no rename (so no directory
// sync), the same inode before and after many durable commits.
class JournalHeadInPlaceTest : public testing::WorkspaceFixture {};

TEST_F(JournalHeadInPlaceTest, CommitsRewriteTheHeadFileInPlace) {
  ws_.reset();
  WorkspaceOptions options;
  options.password_cost = testing::FastCost();
  options.durable = true;  // the production path: pwrite + fdatasync
  auto ws = Workspace::Open(dir_, options);
  ASSERT_TRUE(ws.ok()) << ws.status().ToString();
  ws_ = std::move(*ws);
  const Actor agent = SignIn("irs.agent");
  struct stat before{};
  ASSERT_EQ(::stat((dir_ / "journal.head").c_str(), &before), 0);
  const int64_t seq_before = ParseJournalHead(HeadFile(dir_))->newest->seq;
  auto c = ws_->CreateCase(agent, {"2026-200", "In place", {}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  int64_t last_seq = seq_before;
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(ws_->AddNote(agent, c->id, "case", "", "note " + std::to_string(i), {}).ok());
    auto parsed = ParseJournalHead(HeadFile(dir_));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->valid_slots, 3) << "the slot not written last keeps the previous head";
    EXPECT_GT(parsed->newest->seq, last_seq);
    last_seq = parsed->newest->seq;
  }
  struct stat after{};
  ASSERT_EQ(::stat((dir_ / "journal.head").c_str(), &after), 0);
  EXPECT_EQ(after.st_ino, before.st_ino) << "the head file was replaced (renamed), not written in place";
  EXPECT_EQ(after.st_size, static_cast<off_t>(2 * kSlot));
  EXPECT_GT(ParseJournalHead(HeadFile(dir_))->newest->seq, seq_before + 4);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "journal.head.tmp"));
  auto p = VerifyJournal(dir_);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->empty()) << p->front();
}

}  // namespace
}  // namespace moneytrail::workspace
