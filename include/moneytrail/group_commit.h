// Counters of the workspace's group commit (docs/workspace.md, "Durability and group commit"):
// every journalled change of a process (a write, or a read's journal entry) is committed by
// one committer thread per workspace together with the changes queued beside it, one durable
// commit and one journal-head write per batch. These process-wide totals let a test or an
// operator see how many changes shared each commit.
//
// Example:
//   const moneytrail::workspace::GroupCommitTotals before = moneytrail::workspace::GroupCommitCounters();
//   ... serve requests ...
//   const auto after = moneytrail::workspace::GroupCommitCounters();
//   // after.commits - before.commits durable commits carried after.changes - before.changes changes
#ifndef MONEYTRAIL_GROUP_COMMIT_H_
#define MONEYTRAIL_GROUP_COMMIT_H_

#include <cstdint>

namespace moneytrail::workspace {

struct GroupCommitTotals {
  int64_t changes = 0;  // journalled changes run in a batch (failed ones included)
  int64_t commits = 0;  // batches committed (each one COMMIT of the database and one head write)
  int64_t failed_changes = 0;  // changes whose body failed (rolled back to their savepoint)
  int64_t largest_batch = 0;   // the most changes one commit carried
};

// The totals of every workspace committer of this process since it started. Thread-safe.
GroupCommitTotals GroupCommitCounters();

// How long the calling thread's last journalled change waited for its batch's durable commit
// and head write, in microseconds (0 before its first). For per-request timing (`moneytrail
// serve --trace-requests`).
int64_t LastCommitWaitMicros();
// When that change was queued: std::chrono::steady_clock's count in microseconds (CLOCK_MONOTONIC
// on Linux, so comparable with another process's, e.g. the load client's; 0 before the first).
int64_t LastCommitQueuedAtMicros();

// Told, on the calling thread, when a journalled change starts and ends waiting for its durable
// commit: the server lets another request run meanwhile (server/admission_gate.h). One per
// thread, set for the duration of a request; nullptr: none.
class CommitWaitHook {
 public:
  virtual ~CommitWaitHook() = default;
  virtual void BeforeWait() = 0;
  virtual void AfterWait() = 0;
};
void SetCommitWaitHook(CommitWaitHook* hook);

// The workspace database's compiled statements (each connection compiles a statement once per
// SQL text and keeps it): how many were compiled and how many runs reused a compiled one, over
// every connection of this process since it started. Thread-safe.
struct StatementCacheTotals {
  int64_t prepared = 0;
  int64_t reused = 0;
};
StatementCacheTotals StatementCacheCounters();

}  // namespace moneytrail::workspace

#endif  // MONEYTRAIL_GROUP_COMMIT_H_
