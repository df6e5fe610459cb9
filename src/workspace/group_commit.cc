#include "workspace/group_commit.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "moneytrail/group_commit.h"

namespace moneytrail::workspace {
namespace {

std::atomic<int64_t> total_changes{0};
std::atomic<int64_t> total_commits{0};
std::atomic<int64_t> total_failed{0};
std::atomic<int64_t> largest_batch{0};

// Set on a committer's thread: a change that queues another change would wait for itself.
thread_local bool on_committer_thread = false;
thread_local int64_t last_commit_wait_micros = 0;
thread_local int64_t last_commit_queued_at_micros = 0;
thread_local CommitWaitHook* commit_wait_hook = nullptr;

std::mutex registry_mutex;
// The live committers by workspace directory and durability (weak: the last holder ends one).
std::map<std::string, std::weak_ptr<GroupCommitter>>& Registry() {
  static std::map<std::string, std::weak_ptr<GroupCommitter>> registry;  // under registry_mutex
  return registry;
}

}  // namespace

int64_t LastCommitWaitMicros() { return last_commit_wait_micros; }
int64_t LastCommitQueuedAtMicros() { return last_commit_queued_at_micros; }
void SetCommitWaitHook(CommitWaitHook* hook) { commit_wait_hook = hook; }

GroupCommitTotals GroupCommitCounters() {
  GroupCommitTotals t;
  t.changes = total_changes.load();
  t.commits = total_commits.load();
  t.failed_changes = total_failed.load();
  t.largest_batch = largest_batch.load();
  return t;
}

Result<std::shared_ptr<GroupCommitter>> GroupCommitter::For(const std::filesystem::path& dir, bool durable) {
  std::error_code ec;
  std::filesystem::path canonical = std::filesystem::weakly_canonical(dir, ec);
  if (ec) canonical = dir;
  const std::string key = canonical.string() + (durable ? "\n durable" : "\n not durable");
  std::lock_guard<std::mutex> lock(registry_mutex);
  auto& registry = Registry();
  if (auto live = registry[key].lock()) return live;
  for (auto it = registry.begin(); it != registry.end();) {
    it = it->second.expired() ? registry.erase(it) : std::next(it);
  }
  MT_ASSIGN_OR_RETURN(std::unique_ptr<SqlDatabase> db, OpenSqlite(dir / "workspace.db", durable));
  MT_ASSIGN_OR_RETURN(std::unique_ptr<Journal> journal, Journal::Open(dir, *db, durable));
  std::shared_ptr<GroupCommitter> committer(new GroupCommitter(std::move(db), std::move(journal)));
  registry[key] = committer;
  return committer;
}

GroupCommitter::GroupCommitter(std::unique_ptr<SqlDatabase> db, std::unique_ptr<Journal> journal)
    : db_(std::move(db)), journal_(std::move(journal)) {
  // One signature per batch (its newest entry, before the commit) instead of one per entry.
  journal_->set_sign_each_entry(false);
  thread_ = std::thread([this] { Loop(); });
}

GroupCommitter::~GroupCommitter() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Status GroupCommitter::Run(const Change& change) {
  if (on_committer_thread) {
    return InternalError("a journalled change was started inside another (it would wait for itself)");
  }
  const auto queued_at = std::chrono::steady_clock::now();
  Pending pending{&change};
  std::future<Status> answer = pending.answer.get_future();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(&pending);
  }
  wake_.notify_one();
  // No lock is held here: the committer needs none of the caller's.
  if (commit_wait_hook != nullptr) commit_wait_hook->BeforeWait();
  Status st = answer.get();
  if (commit_wait_hook != nullptr) commit_wait_hook->AfterWait();
  last_commit_wait_micros =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - queued_at).count();
  last_commit_queued_at_micros =
      std::chrono::duration_cast<std::chrono::microseconds>(queued_at.time_since_epoch()).count();
  return st;
}

size_t GroupCommitter::queued() {
  std::lock_guard<std::mutex> lock(mutex_);
  return queue_.size();
}

void GroupCommitter::Loop() {
  on_committer_thread = true;
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    std::vector<Pending*> batch;
    const size_t n = std::min(queue_.size(), kMaxBatch);
    batch.assign(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    lock.unlock();
    CommitBatch(batch);
    // After set_value the caller may return and free its Pending: touch nothing of it after.
    for (Pending* p : batch) p->answer.set_value(p->status);
    lock.lock();
  }
}

void GroupCommitter::CommitBatch(const std::vector<Pending*>& batch) {
  total_changes += static_cast<int64_t>(batch.size());
  int64_t seen = largest_batch.load();
  while (static_cast<int64_t>(batch.size()) > seen &&
         !largest_batch.compare_exchange_weak(seen, static_cast<int64_t>(batch.size()))) {
  }
  // Every change that succeeded gets `st` instead (the batch was not committed).
  auto fail_succeeded = [&](const Status& st) {
    for (Pending* p : batch) {
      if (p->status.ok()) p->status = st;
    }
  };
  if (Status st = db_->Begin(); !st.ok()) return fail_succeeded(st);
  for (size_t i = 0; i < batch.size(); ++i) {
    Pending& p = *batch[i];
    // Through Execute, not ExecScript: the savepoint statements are compiled once (sql.h).
    if (Status st = db_->Execute("SAVEPOINT change").status(); !st.ok()) {
      (void)db_->Rollback();
      return fail_succeeded(st);
    }
    p.status = (*p.change)(db_, journal_);
    if (p.status.ok()) {
      if (Status st = db_->Execute("RELEASE change").status(); !st.ok()) {
        (void)db_->Rollback();
        return fail_succeeded(st);
      }
      continue;
    }
    ++total_failed;
    // Only this change's work is undone. If the database ended the whole transaction (an I/O
    // error, a full disk), the savepoint is gone: then nothing of the batch is kept, and every
    // change not yet failed is answered with that error (none of it was acknowledged).
    Status st = db_->Execute("ROLLBACK TO change").status();
    if (st.ok()) st = db_->Execute("RELEASE change").status();
    if (!st.ok()) {
      (void)db_->Rollback();
      for (size_t k = i + 1; k < batch.size(); ++k) {
        batch[k]->status = IoError(fmt::format(
            "workspace database: the batch's transaction ended when change {} of {} failed ({}); "
            "this change was not run", i + 1, batch.size(), p.status.ToString()));
      }
      return fail_succeeded(IoError(fmt::format(
          "workspace database: the batch's transaction ended when change {} of {} failed ({}): {}",
          i + 1, batch.size(), p.status.ToString(), st.ToString())));
    }
  }
  // The batch's last entry is signed in the batch's transaction: no entry is ever committed
  // without a signature at or after it.
  if (Status st = journal_->SignNewest(); !st.ok()) {
    (void)db_->Rollback();
    return fail_succeeded(st);
  }
  if (Status st = db_->Commit(); !st.ok()) {
    (void)db_->Rollback();
    return fail_succeeded(st);
  }
  ++total_commits;
  // One head write for the whole batch (it names the batch's last entry).
  if (Status st = journal_->PublishHead(); !st.ok()) fail_succeeded(st);
}

}  // namespace moneytrail::workspace
