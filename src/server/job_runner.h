// The server's background jobs: one worker thread takes queued jobs from the workspace and runs
// them with the same library calls as the CLI (`moneytrail ingest`: moneytrail::Ingest into the
// case store; `moneytrail investigate`: cases::Investigate into the case's run directory), with
// progress kept in memory for the polling route and the Server-Sent Events stream. Not a
// public header.
//
// Example (inside Api):
//   JobRunner runner(std::move(connection), /*threads=*/1);
//   runner.Start();  // marks jobs left running interrupted, then works the queue
//   ...
//   runner.Wake();   // a job was queued
#ifndef MONEYTRAIL_SERVER_JOB_RUNNER_H_
#define MONEYTRAIL_SERVER_JOB_RUNNER_H_

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "moneytrail/workspace.h"

namespace moneytrail::server {

class JobRunner {
 public:
  struct Progress {
    std::string stage;  // ingest, rules, patterns, ... (investigate's stages)
    double fraction = 0;
  };

  // `ws` is the runner's own connection to the workspace (Workspace::OpenAnother), used only
  // by its worker thread after Start.
  JobRunner(std::unique_ptr<workspace::Workspace> ws, int threads);
  // Stops the worker after its current job and joins it.
  ~JobRunner();
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  // Marks jobs found running interrupted (a previous process died), then starts the worker.
  Status Start();
  // Tells the worker a job was queued.
  void Wake();
  // The running job's progress, if it is the one running.
  std::optional<Progress> ProgressOf(int64_t job_id);
  // Blocks until the worker is idle with nothing queued, or `timeout_ms` passed (false).
  bool WaitIdle(int timeout_ms);
  // Blocks until `job_id`'s progress or state may have changed, at most `timeout_ms`.
  void WaitForChange(int timeout_ms);

 private:
  void Loop();
  workspace::JobOutcome Run(const workspace::RunnableJob& job);
  workspace::JobOutcome RunIngest(const workspace::RunnableJob& job);
  workspace::JobOutcome RunInvestigate(const workspace::RunnableJob& job);
  void SetProgress(int64_t job_id, std::string stage, double fraction);

  std::unique_ptr<workspace::Workspace> ws_;
  int threads_;
  std::mutex mutex_;  // guards the members below
  std::condition_variable changed_;
  bool stop_ = false;
  bool woken_ = false;
  bool busy_ = false;
  bool queue_empty_ = false;
  int64_t running_job_ = 0;
  Progress progress_;
  std::thread worker_;
};

}  // namespace moneytrail::server

#endif  // MONEYTRAIL_SERVER_JOB_RUNNER_H_
