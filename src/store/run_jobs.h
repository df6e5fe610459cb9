// Internal: runs a few blocking jobs (file writes, syncs, checksums) on threads of their own.
// For work that waits on the disk rather than the CPU, where a TBB worker would sit idle.
#ifndef MONEYTRAIL_SRC_STORE_RUN_JOBS_H_
#define MONEYTRAIL_SRC_STORE_RUN_JOBS_H_

#include <algorithm>
#include <atomic>
#include <functional>
#include <thread>
#include <vector>

#include "moneytrail/status.h"

namespace moneytrail::store::store_internal {

// Runs the jobs on up to `threads` threads (the caller's among them); the first failure in job
// order, or Ok.
inline Status RunOnThreads(const std::vector<std::function<Status()>>& jobs, size_t threads) {
  std::vector<Status> results(jobs.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < jobs.size(); i = next++) results[i] = jobs[i]();
  };
  std::vector<std::thread> helpers;
  for (size_t t = 1; t < std::min(threads, jobs.size()); ++t) helpers.emplace_back(work);
  work();
  for (std::thread& h : helpers) h.join();
  for (Status& s : results) {
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace moneytrail::store::store_internal

#endif  // MONEYTRAIL_SRC_STORE_RUN_JOBS_H_
