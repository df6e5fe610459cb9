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

#include <gtest/gtest.h>

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
