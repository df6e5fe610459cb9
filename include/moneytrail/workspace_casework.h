// The case work of the joint workspace (issue #22; docs/workspace.md, "Case work"): evidence
// items with their custody, background jobs (ingest, investigate), the alert queue with its
// dispositions, requests for records and deconfliction notices. These are the values that
// Workspace's case-work operations (include/moneytrail/workspace.h) take and return.
//
// Example:
//   MT_ASSIGN_OR_RETURN(EvidenceItem e, ws->AddEvidence(me, case_id, "stmt.csv", "text/csv",
//                                                        bytes, {}));
//   MT_ASSIGN_OR_RETURN(Job j, ws->CreateJob(me, case_id, {.kind = "ingest",
//                                                         .evidence_ids = {e.id},
//                                                         .format = "native"}));
//   // ... the server's job runner runs it; then an investigate job fills the alert queue:
//   MT_ASSIGN_OR_RETURN(AlertPage page, ws->ListAlerts(me, case_id, {.state = "open"}));
#ifndef MONEYTRAIL_WORKSPACE_CASEWORK_H_
#define MONEYTRAIL_WORKSPACE_CASEWORK_H_

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace moneytrail::workspace {

// Markings as in workspace.h (the same alias, so this header stands alone).
using Markings = std::set<std::string, std::less<>>;

// An evidence file of a case, stored once under evidence/<sha256> and never modified.
struct EvidenceItem {
  int64_t id = 0;
  int64_t case_id = 0;
  std::string name;        // the uploader's file name (a plain name, no directories)
  std::string media_type;  // as uploaded, e.g. text/csv
  std::string sha256;      // hex, of the content
  int64_t size = 0;        // bytes
  Markings markings;  // the item's own; it also carries its case's
  std::string uploaded_by;
  std::string uploaded_at;
  std::string verified_at;   // the last verification (the upload is the first)
  std::string verification;  // ok, mismatch (the file's hash changed) or missing
};

// Job kinds and states, as stored and shown.
inline constexpr const char* kJobIngest = "ingest";
inline constexpr const char* kJobInvestigate = "investigate";
inline constexpr const char* kJobQueued = "queued";
inline constexpr const char* kJobRunning = "running";
inline constexpr const char* kJobDone = "done";
inline constexpr const char* kJobFailed = "failed";
inline constexpr const char* kJobInterrupted = "interrupted";

// What a job is asked to do.
struct JobSpec {
  std::string kind;                   // ingest or investigate
  std::vector<int64_t> evidence_ids;  // ingest: the evidence to ingest, in one commit
  std::string format;                 // ingest: mapped, native, ibm-aml or amlsim
  std::vector<std::string> mappings;  // ingest, mapped: shipped mapping names (config/mappings)
};

struct Job {
  int64_t id = 0;
  int64_t case_id = 0;
  JobSpec spec;
  std::string state;  // queued, running, done, failed, interrupted
  // Ingest: the union of its evidence's markings; investigate: what the case store held when
  // it started. The job's outputs carry them.
  Markings markings;
  std::string created_by;
  std::string created_at;
  std::string started_at;
  std::string finished_at;
  std::string message;  // why it failed, or a one-line summary
  std::string result;   // JSON object text ("" until done)
  int64_t retry_of = 0;
};

// What the job runner reports when a job ends.
struct JobOutcome {
  bool ok = false;
  std::string message;
  std::string result_json;  // a JSON object
  // Ingest: the identifiers that entered the case store ("account", normalised account
  // number; "name", a holder's name), for deconfliction.
  std::vector<std::pair<std::string, std::string>> identifiers;
};

// A job as the runner needs it: paths resolved.
struct RunnableJob {
  Job job;
  std::vector<std::pair<std::string, std::string>> files;  // (stored path, original name)
  std::string store_dir;
  std::string run_dir;
};

// Alert states (dispositions) in the order of the queue's work.
inline constexpr const char* kAlertStates[] = {"open", "in_review", "escalated", "confirmed", "cleared"};

struct AlertHistoryEntry {
  std::string at;
  std::string username;
  std::string action;  // assign, snooze, disposition
  std::string before;
  std::string after;
  std::string note;
};

struct Alert {
  int64_t id = 0;
  int64_t case_id = 0;
  int64_t run_job_id = 0;  // the investigation that first raised it
  std::string alert_id;    // the scan's id, e.g. ST-FUNNEL-000001
  std::string rule_id;
  std::string severity;
  std::string title;
  std::vector<std::string> subjects;
  std::string window_start;
  std::string window_end;
  std::string sentence;
  Markings markings;  // the markings of the run that raised it
  std::string state = "open";
  std::string assignee;    // "" when unassigned
  std::string locked_by;   // "" when not locked (or the lock expired)
  std::string lock_expires_at;
  std::string snoozed_until;  // YYYY-MM-DD or ""
  int64_t version = 0;
  std::string updated_at;
  std::string record;  // the alert's line as the scan wrote it (GetAlert only)
  std::vector<AlertHistoryEntry> history;  // GetAlert only
};

struct AlertQuery {
  std::string state;     // "" = any
  std::string assignee;  // username, "" = any
  bool unassigned = false;
  std::string rule_id;   // "" = any
  std::string subject;   // account label or entity id, "" = any
  bool include_snoozed = true;
  int64_t after_id = 0;  // keyset paging: alerts with a larger id
  int64_t limit = 50;    // 1..1000
};

struct AlertPage {
  std::vector<Alert> alerts;
  int64_t next_after_id = 0;  // 0 when this was the last page
};

struct RecordsReceipt {
  int64_t evidence_id = 0;
  std::string name;
  std::string sha256;
  std::vector<std::string> accounts;  // the requested accounts it covers
  std::string note;
  std::string at;
};

struct NewRecordsRequest {
  std::string bank;
  std::string legal_process;  // e.g. "grand-jury subpoena 2026-17", "IRS summons"
  std::vector<std::string> accounts;
  std::string period_from;  // YYYY-MM-DD
  std::string period_to;    // YYYY-MM-DD
  std::string sent_at;      // YYYY-MM-DD, "" = today
  std::string due_at;       // YYYY-MM-DD or ""
  Markings markings;
};

struct RecordsRequest {
  int64_t id = 0;
  int64_t case_id = 0;
  NewRecordsRequest asked;
  int64_t version = 0;
  std::string created_by;
  std::string created_at;
  std::vector<RecordsReceipt> received;       // those whose evidence the user may see
  std::vector<std::string> missing_accounts;  // asked, and in no receipt the user may see
};

// "Another case holds this identifier": all a case learns of the other case.
struct DeconflictionNotice {
  int64_t id = 0;
  std::string kind;        // account or name
  std::string identifier;  // this case's own identifier (normalised)
  std::string agency;      // the other case's owning agency
  std::string contact;     // and its contact
  std::string at;
};

}  // namespace moneytrail::workspace

#endif  // MONEYTRAIL_WORKSPACE_CASEWORK_H_
