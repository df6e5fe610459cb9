// Group commit (src/workspace/group_commit.h): changes queued together are committed in one
// transaction, in queue order on the one journal chain; a change that fails is rolled back
// alone (its journal entry included) and the others of its batch stay.
#include "workspace/group_commit.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "moneytrail/file_util.h"
#include "moneytrail/group_commit.h"
#include "moneytrail/workspace.h"
#include "workspace/journal.h"
#include "workspace/workspace_fixture.h"

namespace moneytrail::workspace {
namespace {

class GroupCommitTest : public testing::WorkspaceFixture {
 protected:
  // The actions of the journal's entries whose object is `object`, in journal order.
  std::vector<std::string> ActionsOf(const std::string& object) {
    JournalQuery q;
    q.object = object;
    q.limit = 100000;
    auto entries = ws_->QueryJournal(auditor_, q);
    EXPECT_TRUE(entries.ok());
    std::vector<std::string> out;
    if (!entries.ok()) return out;
    std::vector<std::pair<int64_t, std::string>> by_seq;
    for (const JournalEntry& e : *entries) by_seq.emplace_back(e.seq, e.action);
    std::sort(by_seq.begin(), by_seq.end());
    for (auto& [seq, action] : by_seq) out.push_back(action);
    return out;
  }
};

TEST_F(GroupCommitTest, QueuedChangesShareOneCommitAndAFailedOneIsUndoneAlone) {
  // ws_'s committer (the fixture opened it without durability: same key).
  auto committer = GroupCommitter::For(dir_, /*durable=*/false);
  ASSERT_TRUE(committer.ok()) << committer.status().ToString();
  constexpr int kChanges = 24;
  const GroupCommitTotals before = GroupCommitCounters();
  // The first change holds its batch open until all the others have queued behind it, so that
  // they are taken together by the next batch (no timing involved).
  std::thread blocker([&] {
    Status st = (*committer)->Run([&](std::unique_ptr<SqlDatabase>&, std::unique_ptr<Journal>&) -> Status {
      while ((*committer)->queued() < static_cast<size_t>(kChanges)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
  });
  while (GroupCommitCounters().changes == before.changes) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::vector<Status> results(kChanges);
  std::vector<std::thread> threads;
  for (int i = 0; i < kChanges; ++i) {
    threads.emplace_back([&, i] {
      results[i] = (*committer)->Run([i](std::unique_ptr<SqlDatabase>& db, std::unique_ptr<Journal>& journal) -> Status {
        JournalEntry e;
        e.at = "2027-01-15T10:00:00Z";
        e.username = "batch.test";
        e.address = "local";
        e.object = "batch/" + std::to_string(i);
        e.action = "change";
        MT_RETURN_IF_ERROR(journal->Append(e));
        MT_RETURN_IF_ERROR(db->Execute("INSERT INTO login_failures (key, at) VALUES (?, ?)",
                                       {"batch:" + std::to_string(i), int64_t{i}}).status());
        // Every third change fails after it wrote: its row and its journal entry must go.
        if (i % 3 == 2) return FailedPreconditionError("change " + std::to_string(i) + " refused");
        return Status::Ok();
      });
    });
  }
  for (auto& t : threads) t.join();
  blocker.join();
  const GroupCommitTotals after = GroupCommitCounters();
  // The blocker's batch, then one batch for all 24.
  EXPECT_EQ(after.changes - before.changes, kChanges + 1);
  EXPECT_EQ(after.commits - before.commits, 2);
  EXPECT_GE(after.largest_batch, kChanges);
  EXPECT_EQ(after.failed_changes - before.failed_changes, kChanges / 3);
  for (int i = 0; i < kChanges; ++i) {
    const std::vector<std::string> actions = ActionsOf("batch/" + std::to_string(i));
    if (i % 3 == 2) {
      EXPECT_EQ(results[i].code(), StatusCode::kFailedPrecondition) << i;
      EXPECT_TRUE(actions.empty()) << "the failed change " << i << " left its journal entry";
    } else {
      EXPECT_TRUE(results[i].ok()) << i << ": " << results[i].ToString();
      EXPECT_EQ(actions, std::vector<std::string>{"change"}) << i;
    }
  }
  // The journal is one intact chain (the failed changes' entries left no gap).
  auto problems = VerifyJournal(dir_);
  ASSERT_TRUE(problems.ok()) << problems.status().ToString();
  EXPECT_TRUE(problems->empty()) << problems->front();
  // One signature for the batch: its newest entry's (the last of the batch's successful changes
  // in queue order, which the threads' race decides), which covers the others through the chain.
  auto db = OpenSqlite(dir_ / "workspace.db", /*durable=*/false);
  ASSERT_TRUE(db.ok());
  auto signed_rows = (*db)->Query("SELECT object FROM journal WHERE object LIKE 'batch/%' AND signature <> ''");
  ASSERT_TRUE(signed_rows.ok());
  ASSERT_EQ(signed_rows->size(), 1u);
  auto newest = (*db)->Query("SELECT object FROM journal WHERE object LIKE 'batch/%' ORDER BY seq DESC LIMIT 1");
  ASSERT_TRUE(newest.ok());
  EXPECT_EQ(SqlText(signed_rows->at(0).at(0)), SqlText(newest->at(0).at(0)));
}

// A journal signed once per batch still shows every kind of tampering: the entries of a batch
// are unsigned but for its last, whose signature covers them through the hash chain.
TEST_F(GroupCommitTest, ABatchSignatureCoversEveryEntryOfItsBatchAgainstTampering) {
  auto committer = GroupCommitter::For(dir_, /*durable=*/false);
  ASSERT_TRUE(committer.ok());
  ASSERT_TRUE(ws_->CreateCase(irs_agent_, {"C-SIGN", "signed per batch", {}}).ok());
  constexpr int kChanges = 10;
  const GroupCommitTotals before = GroupCommitCounters();
  // As in the test above: the first change holds its batch open until the others have queued,
  // so that the next batch takes all kChanges, each appending one journal entry.
  std::thread blocker([&] {
    (void)(*committer)->Run([&](std::unique_ptr<SqlDatabase>&, std::unique_ptr<Journal>&) -> Status {
      while ((*committer)->queued() < static_cast<size_t>(kChanges)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      return Status::Ok();
    });
  });
  while (GroupCommitCounters().changes == before.changes) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::vector<std::thread> threads;
  for (int i = 0; i < kChanges; ++i) {
    threads.emplace_back([&, i] {
      Status st = (*committer)->Run([i](std::unique_ptr<SqlDatabase>&, std::unique_ptr<Journal>& journal) -> Status {
        JournalEntry e;
        e.at = "2027-01-15T10:00:00Z";
        e.username = "batch.test";
        e.address = "local";
        e.object = "signed/" + std::to_string(i);
        e.action = "read";
        return journal->Append(e);
      });
      EXPECT_TRUE(st.ok()) << st.ToString();
    });
  }
  for (auto& t : threads) t.join();
  blocker.join();
  committer->reset();
  ws_.reset();
  auto opened = OpenSqlite(dir_ / "workspace.db", /*durable=*/false);
  ASSERT_TRUE(opened.ok());
  SqlDatabase& db = **opened;
  auto rows = db.Query(fmt::format("SELECT {} ORDER BY seq", kJournalColumns));
  ASSERT_TRUE(rows.ok());
  std::vector<JournalEntry> entries;
  for (const SqlRow& r : *rows) entries.push_back(JournalEntryFromRow(r));
  ASSERT_GE(entries.size(), static_cast<size_t>(kChanges));
  const size_t n = entries.size();
  // The batch: the last kChanges entries, of which only the newest is signed.
  for (size_t k = n - kChanges; k + 1 < n; ++k) EXPECT_TRUE(entries[k].signature.empty()) << entries[k].seq;
  ASSERT_FALSE(entries[n - 1].signature.empty());
  auto problems = [&] {
    auto p = VerifyJournal(dir_);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? *p : std::vector<std::string>{"error"};
  };
  ASSERT_TRUE(problems().empty());
  auto restore = [&] {
    ASSERT_TRUE(db.ExecScript("DELETE FROM journal").ok());
    for (const JournalEntry& e : entries) {
      ASSERT_TRUE(db.Execute("INSERT INTO journal (seq, at, username, address, case_id, object, action, before_value, "
                             "after_value, reason, prev_hash, hash, signature) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                             {e.seq, e.at, e.username, e.address, e.case_id, e.object, e.action, e.before, e.after,
                              e.reason, e.prev_hash, e.hash, e.signature})
                      .ok());
    }
    ASSERT_TRUE(problems().empty());
  };
  const JournalEntry& middle = entries[n - kChanges / 2];
  ASSERT_TRUE(middle.signature.empty());
  // Edited: its hash no longer matches.
  ASSERT_TRUE(db.Execute("UPDATE journal SET reason = 'nothing to see' WHERE seq = ?", {middle.seq}).ok());
  auto p = problems();
  ASSERT_FALSE(p.empty());
  EXPECT_NE(p[0].find(fmt::format("entry {}", middle.seq)), std::string::npos) << p[0];
  EXPECT_NE(p[0].find("edited"), std::string::npos) << p[0];
  restore();
  // Edited and re-hashed with every entry after it (the chain made consistent again): the
  // batch's signature no longer verifies, and it names the entries it covers.
  std::string prev = entries[n - kChanges / 2 - 1].hash;
  for (size_t k = n - kChanges / 2; k < n; ++k) {
    JournalEntry e = entries[k];
    if (e.seq == middle.seq) e.username = "someone.else";
    e.prev_hash = prev;
    e.hash = JournalEntryHash(e);
    prev = e.hash;
    ASSERT_TRUE(db.Execute("UPDATE journal SET username = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                           {e.username, e.prev_hash, e.hash, e.seq}).ok());
  }
  p = problems();
  ASSERT_FALSE(p.empty());
  EXPECT_NE(p[0].find(fmt::format("entry {}", entries[n - 1].seq)), std::string::npos) << p[0];
  EXPECT_NE(p[0].find(fmt::format("entries {} to {}", entries[n - kChanges].seq, entries[n - 1].seq)),
            std::string::npos) << p[0];
  restore();
  // An entry appended without the key (chained, unsigned).
  JournalEntry forged = entries[n - 1];
  forged.seq += 1;
  forged.prev_hash = entries[n - 1].hash;
  forged.action = "read";
  forged.hash = JournalEntryHash(forged);
  ASSERT_TRUE(db.Execute("INSERT INTO journal (seq, at, username, address, case_id, object, action, before_value, "
                         "after_value, reason, prev_hash, hash, signature) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,'')",
                         {forged.seq, forged.at, forged.username, forged.address, forged.case_id, forged.object,
                          forged.action, forged.before, forged.after, forged.reason, forged.prev_hash, forged.hash})
                  .ok());
  p = problems();
  ASSERT_FALSE(p.empty());
  EXPECT_NE(p[0].find("no signature covers"), std::string::npos) << p[0];
  restore();
  // The batch's signature removed: its entries are covered by nothing.
  ASSERT_TRUE(db.Execute("UPDATE journal SET signature = '' WHERE seq = ?", {entries[n - 1].seq}).ok());
  p = problems();
  ASSERT_FALSE(p.empty());
  EXPECT_NE(p[0].find("no signature covers"), std::string::npos) << p[0];
  restore();
  // Deleted and reordered entries of the batch break the chain as before.
  ASSERT_TRUE(db.Execute("DELETE FROM journal WHERE seq = ?", {middle.seq}).ok());
  p = problems();
  ASSERT_FALSE(p.empty());
  EXPECT_NE(p[0].find("missing"), std::string::npos) << p[0];
  restore();
  ASSERT_TRUE(db.Execute("UPDATE journal SET seq = -1 WHERE seq = ?", {middle.seq}).ok());
  ASSERT_TRUE(db.Execute("UPDATE journal SET seq = ? WHERE seq = ?", {middle.seq, middle.seq + 1}).ok());
  ASSERT_TRUE(db.Execute("UPDATE journal SET seq = ? WHERE seq = -1", {middle.seq + 1}).ok());
  p = problems();
  ASSERT_FALSE(p.empty());
  EXPECT_NE(p[0].find(fmt::format("entry {}", middle.seq)), std::string::npos) << p[0];
  restore();
  // Truncated inside the batch (its signed last entries deleted): the unsigned rest is covered
  // by no signature, and the signed head names an entry that is gone.
  ASSERT_TRUE(db.Execute("DELETE FROM journal WHERE seq > ?", {entries[n - 3].seq}).ok());
  p = problems();
  ASSERT_FALSE(p.empty());
  EXPECT_NE(p[0].find("no signature covers"), std::string::npos) << p[0];
  restore();
  // Truncated at the batch's boundary (the whole batch deleted): the journal ends on a signed
  // entry, and the signed head shows the loss.
  ASSERT_TRUE(db.Execute("DELETE FROM journal WHERE seq >= ?", {entries[n - kChanges].seq}).ok());
  p = problems();
  ASSERT_FALSE(p.empty());
  EXPECT_NE(p[0].find("truncated"), std::string::npos) << p[0];
  restore();
}

// The head writer answers a batch's callers only once journal.head names their entries (the
// next batch commits meanwhile): every caller, when answered, finds the head at or past its entry.
TEST_F(GroupCommitTest, ACallerIsAnsweredOnlyAfterTheHeadNamesItsEntry) {
  auto committer = GroupCommitter::For(dir_, /*durable=*/false);
  ASSERT_TRUE(committer.ok());
  constexpr int kThreads = 8, kEach = 15;
  std::atomic<int> behind{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        int64_t seq = 0;
        Status st = (*committer)->Run([&](std::unique_ptr<SqlDatabase>&, std::unique_ptr<Journal>& journal) -> Status {
          JournalEntry e;
          e.at = "2027-01-15T10:00:00Z";
          e.username = "head.test";
          e.address = "local";
          e.object = "head/" + std::to_string(t) + "/" + std::to_string(i);
          e.action = "read";
          MT_RETURN_IF_ERROR(journal->Append(e));
          seq = e.seq;
          return Status::Ok();
        });
        if (!st.ok()) { ++failed; continue; }
        auto head = ReadFileToString(dir_ / "journal.head");
        auto parsed = ParseJournalHead(head.ok() ? *head : std::string());
        if (!parsed.ok() || parsed->newest->seq < seq) ++behind;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(behind.load(), 0) << "a caller was answered before the head named its entry";
  auto problems = VerifyJournal(dir_);
  ASSERT_TRUE(problems.ok());
  EXPECT_TRUE(problems->empty()) << problems->front();
}

TEST_F(GroupCommitTest, AChangeCannotQueueAnotherAndWaitForItself) {
  auto committer = GroupCommitter::For(dir_, /*durable=*/false);
  ASSERT_TRUE(committer.ok());
  Status inner = Status::Ok();
  Status outer = (*committer)->Run([&](std::unique_ptr<SqlDatabase>&, std::unique_ptr<Journal>&) -> Status {
    inner = (*committer)->Run([](std::unique_ptr<SqlDatabase>&, std::unique_ptr<Journal>&) { return Status::Ok(); });
    return Status::Ok();
  });
  EXPECT_TRUE(outer.ok());
  EXPECT_EQ(inner.code(), StatusCode::kInternal);
}

TEST_F(GroupCommitTest, WorkspacesOfManyThreadsCommitTogetherAndLoseNoUpdate) {
  auto c = ws_->CreateCase(irs_agent_, {"C-GROUP", "group commit", {}});
  ASSERT_TRUE(c.ok());
  auto shared = ws_->AddNote(irs_agent_, c->id, "case", "", "log:", {});
  ASSERT_TRUE(shared.ok()) << shared.status().ToString();
  constexpr int kThreads = 8, kEach = 10;
  const GroupCommitTotals before = GroupCommitCounters();
  std::atomic<int> failures{0}, conflicts{0}, attempts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto mine = ws_->OpenAnother();  // a Workspace per thread, as the server's pool does
      if (!mine.ok()) { ++failures; return; }
      for (int i = 0; i < kEach; ++i) {
        const std::string token = "t" + std::to_string(t) + "." + std::to_string(i);
        for (;;) {
          auto now = (*mine)->GetNote(irs_agent_, shared->id);  // a journalled read
          if (!now.ok()) { ++failures; break; }
          ++attempts;
          auto put = (*mine)->UpdateNote(irs_agent_, shared->id, now->version, now->text + " " + token);
          if (put.ok()) break;
          if (put.status().code() == StatusCode::kFailedPrecondition) { ++conflicts; continue; }
          ++failures;
          break;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  const GroupCommitTotals after = GroupCommitCounters();  // before the checks' own reads
  EXPECT_EQ(failures.load(), 0);
  auto last = ws_->GetNote(irs_agent_, shared->id);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->version, 1 + kThreads * kEach);
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kEach; ++i) {
      const std::string token = " t" + std::to_string(t) + "." + std::to_string(i);
      EXPECT_NE((last->text + " ").find(token + " "), std::string::npos) << token;
    }
  }
  // Each attempt: the read and the update (or the conflict, which failed inside its batch) are
  // two changes (UpdateNote journals the note before and after in one entry).
  EXPECT_EQ(attempts.load(), kThreads * kEach + conflicts.load());
  EXPECT_EQ(after.changes - before.changes, 2 * attempts.load());
  EXPECT_EQ(after.failed_changes - before.failed_changes, conflicts.load());
  auto problems = VerifyJournal(dir_);
  ASSERT_TRUE(problems.ok());
  EXPECT_TRUE(problems->empty()) << problems->front();
}

}  // namespace
}  // namespace moneytrail::workspace
