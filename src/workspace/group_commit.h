// Group commit of the workspace's journalled changes (docs/workspace.md, "Durability and group
// commit"). One committer per workspace directory and process owns the writer connection and
// its journal on a thread of its own. A request queues its change (a closure) and waits for its
// answer; the committer takes everything queued, runs the changes in queue order in one
// transaction, each inside its own savepoint (a failed change is rolled back alone, the others
// stay), appends their journal entries to the one hash chain in that order, signs the batch's
// newest entry (whose signature covers the others through the chain), commits once
// (synchronous=FULL: one sync of the WAL) and writes the journal head once, then answers every
// caller. A caller is answered only after its change and its journal entry are durable.
//
//   MT_ASSIGN_OR_RETURN(std::shared_ptr<GroupCommitter> committer, GroupCommitter::For(dir, true));
//   Status st = committer->Run([&](std::unique_ptr<SqlDatabase>& db, std::unique_ptr<Journal>& journal) {
//     MT_RETURN_IF_ERROR(db->Execute("UPDATE ...", {...}).status());
//     return journal->Append(entry);
//   });
//
// Deadlock freedom: a caller waits on its answer holding no lock the committer takes (the
// committer takes only its queue's lock, briefly, and the journal-head lock, which no waiter
// holds); a change must not queue another change (Run on the committer's thread is an error,
// not a wait for itself).
#ifndef MONEYTRAIL_WORKSPACE_GROUP_COMMIT_H_
#define MONEYTRAIL_WORKSPACE_GROUP_COMMIT_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

#include "moneytrail/status.h"
#include "workspace/journal.h"
#include "workspace/sql.h"

namespace moneytrail::workspace {

class GroupCommitter {
 public:
  // A change: runs on the committer's thread inside the batch's transaction, given the writer's
  // connection and journal (it may swap them into a Workspace for the duration of its body and
  // must swap them back before returning). Returns OK to keep its work, an error to roll it back.
  using Change = std::function<Status(std::unique_ptr<SqlDatabase>& db, std::unique_ptr<Journal>& journal)>;

  // The process's committer for the workspace in `dir` (created, with its own connection, on
  // first use; it ends when the last holder lets go). `durable` = false (tests only): commits
  // and the head file are not synced.
  static Result<std::shared_ptr<GroupCommitter>> For(const std::filesystem::path& dir, bool durable);
  ~GroupCommitter();
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Queues `change`, waits until its batch is committed and the journal head written, and
  // returns its status: its own error, or the batch's commit or head error (the change is then
  // not acknowledged). REQUIRES: not called from inside a change.
  Status Run(const Change& change);

  // How many changes wait for the next batch (for tests: a change of the running batch can wait
  // until others have queued behind it).
  size_t queued();

  // Most changes one batch takes; the rest wait for the next (bounds one batch's latency).
  static constexpr size_t kMaxBatch = 512;

 private:
  struct Pending {
    const Change* change;
    Status status = Status::Ok();
    std::promise<Status> answer;
  };
  GroupCommitter(std::unique_ptr<SqlDatabase> db, std::unique_ptr<Journal> journal);
  void Loop();
  // Runs `batch` in one transaction; sets each change's status.
  void CommitBatch(const std::vector<Pending*>& batch);

  std::unique_ptr<SqlDatabase> db_;   // the writer connection; only the committer's thread uses it
  std::unique_ptr<Journal> journal_;  // on db_
  std::mutex mutex_;                  // guards queue_ and stop_
  std::condition_variable wake_;
  std::deque<Pending*> queue_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace moneytrail::workspace

#endif  // MONEYTRAIL_WORKSPACE_GROUP_COMMIT_H_
