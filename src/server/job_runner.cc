// The worker thread of the server's jobs (job_runner.h).
#include "server/job_runner.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <set>
#include <utility>
#include <vector>

#include "moneytrail/ingest.h"
#include "moneytrail/investigate.h"
#include "moneytrail/json_text.h"
#include "moneytrail/store.h"

namespace moneytrail::server {

namespace fs = std::filesystem;
using workspace::JobOutcome;
using workspace::RunnableJob;

JobRunner::JobRunner(std::unique_ptr<workspace::Workspace> ws, int threads)
    : ws_(std::move(ws)), threads_(threads) {}

JobRunner::~JobRunner() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  if (worker_.joinable()) worker_.join();
}

Status JobRunner::Start() {
  MT_RETURN_IF_ERROR(ws_->InterruptRunningJobs().status());
  worker_ = std::thread([this] { Loop(); });
  return Status::Ok();
}

void JobRunner::Wake() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    woken_ = true;
    queue_empty_ = false;
  }
  changed_.notify_all();
}

std::optional<JobRunner::Progress> JobRunner::ProgressOf(int64_t job_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (running_job_ != job_id) return std::nullopt;
  return progress_;
}

bool JobRunner::WaitIdle(int timeout_ms) {
  std::unique_lock<std::mutex> lock(mutex_);
  return changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                           [this] { return !busy_ && queue_empty_ && !woken_; });
}

void JobRunner::WaitForChange(int timeout_ms) {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms));
}

void JobRunner::SetProgress(int64_t job_id, std::string stage, double fraction) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (running_job_ != job_id) return;
    progress_ = {std::move(stage), fraction};
  }
  changed_.notify_all();
}

void JobRunner::Loop() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      if (stop_) return;
      woken_ = false;
      busy_ = true;
    }
    Result<std::optional<RunnableJob>> next = ws_->ClaimNextJob();
    if (!next.ok()) fmt::print(stderr, "jobs: cannot take the next job: {}\n", next.status().ToString());
    if (next.ok() && next->has_value()) {
      const RunnableJob& job = **next;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        running_job_ = job.job.id;
        progress_ = {job.job.spec.kind, 0};
      }
      changed_.notify_all();
      JobOutcome outcome = Run(job);
      {
        Status st = ws_->CompleteJob(job.job.id, outcome);
        if (!st.ok()) {
          fmt::print(stderr, "jobs: job {} could not be recorded as ended: {}\n", job.job.id, st.ToString());
          // Record at least that it failed (for example, its alerts file could not be read).
          JobOutcome failed;
          failed.message = std::string(st.message());
          (void)ws_->CompleteJob(job.job.id, failed);
        }
      }
      {
        std::lock_guard<std::mutex> lock(mutex_);
        running_job_ = 0;
        busy_ = false;
      }
      changed_.notify_all();
      continue;  // look for the next one at once
    }
    std::unique_lock<std::mutex> lock(mutex_);
    busy_ = false;
    queue_empty_ = next.ok();
    changed_.notify_all();
    changed_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_ || woken_; });
  }
}

JobOutcome JobRunner::Run(const RunnableJob& job) {
  try {
    return job.job.spec.kind == workspace::kJobIngest ? RunIngest(job) : RunInvestigate(job);
  } catch (const std::exception& e) {  // no exception leaves the worker
    JobOutcome out;
    out.message = fmt::format("internal error: {}", e.what());
    return out;
  }
}

JobOutcome JobRunner::RunIngest(const RunnableJob& job) {
  JobOutcome out;
  // The evidence files under the names they were uploaded with (hard links: no copy), so the
  // store's custody names them as the bank did.
  const fs::path incoming = fs::path(job.store_dir).parent_path() / "incoming" / fmt::format("job-{}", job.job.id);
  std::error_code ec;
  fs::create_directories(incoming, ec);
  std::vector<fs::path> files;
  std::set<std::string> names;
  for (size_t i = 0; i < job.files.size(); ++i) {
    std::string name = job.files[i].second;
    if (!names.insert(name).second) name = fmt::format("{}-{}", job.job.spec.evidence_ids[i], name);
    const fs::path link = incoming / name;
    fs::remove(link, ec);
    fs::create_hard_link(job.files[i].first, link, ec);
    if (ec) fs::copy_file(job.files[i].first, link, fs::copy_options::overwrite_existing, ec);
    if (ec) {
      out.message = fmt::format("evidence {}: cannot be read for the ingest", job.job.spec.evidence_ids[i]);
      return out;
    }
    files.push_back(link);
  }
  IngestOptions options;
  options.format = job.job.spec.format;
  for (const std::string& m : job.job.spec.mappings) {
    const fs::path path = cases::FindShippedFile("config/mappings/" + m + ".toml");
    if (path.empty()) {
      out.message = fmt::format("mapping '{}': no config/mappings/{}.toml shipped with this moneytrail", m, m);
      return out;
    }
    options.mappings.push_back(path);
  }
  options.threads = threads_;
  options.progress = [this, id = job.job.id](double f) { SetProgress(id, "ingest", f); };
  auto report = Ingest(job.store_dir, files, options);
  if (!report.ok()) {
    if (report.status().code() == StatusCode::kAlreadyExists && job.job.retry_of != 0) {
      out.ok = true;
      out.message = "already in the case store: the interrupted attempt had committed it";
      out.result_json = "{}";
      return out;
    }
    out.message = std::string(report.status().message());
    return out;
  }
  out.ok = true;
  out.message = fmt::format("{} rows read, {} accepted, {} rejected; the store holds {} transactions",
                            report->rows_read, report->rows_accepted, report->rows_rejected,
                            report->store_transactions);
  out.result_json = JsonText(nlohmann::ordered_json{{"rows_read", report->rows_read},
                                                    {"rows_accepted", report->rows_accepted},
                                                    {"rows_rejected", report->rows_rejected},
                                                    {"store_transactions", report->store_transactions},
                                                    {"store_accounts", report->store_accounts},
                                                    {"statement_summary", report->statement_summary}});
  auto store = store::Store::Open(job.store_dir);
  if (store.ok()) {
    for (uint32_t a = 0; a < store->account_count(); ++a) {
      const store::AccountKey& key = store->account(a);
      if (key.kind == NodeKind::kAccount && !key.number.empty()) out.identifiers.emplace_back("account", key.number);
    }
  }
  return out;
}

JobOutcome JobRunner::RunInvestigate(const RunnableJob& job) {
  JobOutcome out;
  std::error_code ec;
  if (!fs::exists(fs::path(job.store_dir) / "MANIFEST", ec)) {
    out.message = "the case store is empty: ingest evidence first";
    return out;
  }
  cases::InvestigateOptions options;
  options.store = job.store_dir;
  options.out = job.run_dir;
  options.pdf = false;  // Chromium is slow and optional; report.html holds the same
  options.threads = threads_;
  options.progress = [this, id = job.job.id](std::string_view stage, double f) {
    SetProgress(id, std::string(stage), f);
  };
  auto summary = cases::Investigate(options);
  if (!summary.ok()) {
    out.message = std::string(summary.status().message());
    return out;
  }
  out.ok = true;
  out.message = fmt::format("{} transactions, {} alerts, {} subjects ranked", summary->transactions,
                            summary->alerts, summary->subjects);
  out.result_json = JsonText(nlohmann::ordered_json{{"transactions", summary->transactions},
                                                    {"accounts", summary->accounts},
                                                    {"alerts", summary->alerts},
                                                    {"pattern_instances", summary->pattern_instances},
                                                    {"subjects", summary->subjects},
                                                    {"warnings", summary->warnings}});
  return out;
}

}  // namespace moneytrail::server
