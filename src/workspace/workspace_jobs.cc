// Background jobs' state (the server's job runner does the work: src/server/job_runner.cc) and
// the import of an investigation's alerts into the case's queue.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <string>
#include <utility>

#include "moneytrail/file_util.h"
#include "moneytrail/json_text.h"
#include "moneytrail/safe_text.h"
#include "moneytrail/time_format.h"
#include "moneytrail/workspace.h"
#include "workspace/journal.h"
#include "workspace/sql.h"
#include "workspace/workspace_internal.h"

namespace moneytrail::workspace {

using namespace workspace_internal;  // NOLINT: the workspace's own helpers

namespace {

constexpr std::string_view kJobColumns =
    "j.id, j.case_id, j.kind, j.state, j.params, j.markings, u.username, j.created_at, "
    "j.started_at, j.finished_at, j.message, j.result, j.retry_of FROM jobs j JOIN users u ON "
    "u.id = j.created_by";

Job JobFromRow(const SqlRow& r) {
  Job j;
  j.id = SqlInt(r[0]);
  j.case_id = SqlInt(r[1]);
  j.spec.kind = SqlText(r[2]);
  j.state = SqlText(r[3]);
  const auto params = nlohmann::json::parse(SqlText(r[4]), nullptr, false);
  if (params.is_object()) {
    for (const auto& id : params.value("evidence_ids", nlohmann::json::array())) {
      if (id.is_number_integer()) j.spec.evidence_ids.push_back(id.get<int64_t>());
    }
    j.spec.format = params.value("format", "");
    for (const auto& m : params.value("mappings", nlohmann::json::array())) {
      if (m.is_string()) j.spec.mappings.push_back(m.get<std::string>());
    }
  }
  j.markings = MarkingsFromText(SqlText(r[5]));
  j.created_by = SqlText(r[6]);
  j.created_at = SqlText(r[7]);
  j.started_at = SqlText(r[8]);
  j.finished_at = SqlText(r[9]);
  j.message = SqlText(r[10]);
  j.result = SqlText(r[11]);
  j.retry_of = SqlInt(r[12]);
  return j;
}

std::string ParamsText(const JobSpec& spec) {
  return JsonText(nlohmann::ordered_json{
      {"evidence_ids", spec.evidence_ids}, {"format", spec.format}, {"mappings", spec.mappings}});
}

bool IsMappingName(std::string_view name) {
  if (name.empty() || name.size() > 100) return false;
  return std::all_of(name.begin(), name.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '-' || ch == '_';
  });
}

Actor SystemActor() {
  Actor a;
  a.user.username = "system";
  a.address = "local";
  return a;
}

Markings Union(Markings a, const Markings& b) {
  a.insert(b.begin(), b.end());
  return a;
}

// The queue's identity of an alert: its rule, subjects, window and evidence transactions (not
// its number, which depends on the other alerts of the run).
std::string AlertKey(const nlohmann::json& a) {
  std::string key = a.value("rule_id", "");
  key += '\n';
  for (const auto& s : a.value("subjects", nlohmann::json::array())) key += s.dump() + ",";
  key += '\n';
  if (a.contains("window") && a["window"].is_object()) key += a["window"].dump();
  key += '\n';
  for (const auto& e : a.value("evidence", nlohmann::json::array())) {
    if (e.is_object() && e.contains("transaction_id")) key += e["transaction_id"].dump() + ",";
  }
  return Sha256Hex(key);
}

}  // namespace

Result<Job> Workspace::LoadJob(int64_t job_id) {
  MT_ASSIGN_OR_RETURN(SqlRows rows, db_->Query(fmt::format("SELECT {} WHERE j.id = ?", kJobColumns), {job_id}));
  if (rows.empty()) return NotFoundError(fmt::format("job {}: not found", job_id));
  return JobFromRow(rows[0]);
}

Result<Job> Workspace::JobState(int64_t job_id) { return LoadJob(job_id); }

Result<Job> Workspace::CreateJob(const Actor& actor, int64_t case_id, const JobSpec& spec) {
  MT_ASSIGN_OR_RETURN(CaseInfo c, VisibleCase(actor, case_id));
  if (c.access < CaseAccess::kWrite) {
    return PermissionDeniedError(fmt::format("case {}: jobs need write access", case_id));
  }
  JobSpec clean;
  clean.kind = spec.kind;
  Markings markings;
  if (spec.kind == kJobIngest) {
    if (spec.evidence_ids.empty()) return InvalidArgumentError("evidence_ids: an ingest needs at least one item");
    if (spec.evidence_ids.size() > 10000) return InvalidArgumentError("evidence_ids: at most 10000 items");
    static constexpr std::string_view kFormats[] = {"mapped", "native", "ibm-aml", "amlsim"};
    if (std::find(std::begin(kFormats), std::end(kFormats), spec.format) == std::end(kFormats)) {
      return InvalidArgumentError(fmt::format("format '{}': expected mapped, native, ibm-aml or amlsim",
                                              Abbreviate(spec.format)));
    }
    if (spec.format == "mapped" && spec.mappings.empty()) {
      return InvalidArgumentError("mappings: format mapped needs at least one mapping name");
    }
    for (const std::string& m : spec.mappings) {
      if (!IsMappingName(m)) {
        return InvalidArgumentError(fmt::format(
            "mappings: '{}' is not a mapping name (letters, digits, '-', '_'; e.g. gen-sonoran)", Abbreviate(m)));
      }
    }
    for (int64_t id : spec.evidence_ids) {
      auto e = LoadEvidence(id);
      if (!e.ok() || e->case_id != case_id || !CanSee(actor.user, c.access, c.markings, e->markings)) {
        return NotFoundError(fmt::format("evidence {}: not found in case {}", id, case_id));
      }
      markings = Union(markings, e->markings);
      if (std::find(clean.evidence_ids.begin(), clean.evidence_ids.end(), id) == clean.evidence_ids.end()) {
        clean.evidence_ids.push_back(id);
      }
    }
    clean.format = spec.format;
    clean.mappings = spec.mappings;
  } else if (spec.kind == kJobInvestigate) {
    MT_ASSIGN_OR_RETURN(SqlRows rows, db_->Query("SELECT store_markings FROM cases WHERE id = ?", {case_id}));
    markings = MarkingsFromText(SqlText(rows.at(0).at(0)));
  } else {
    return InvalidArgumentError(fmt::format("kind '{}': expected ingest or investigate", Abbreviate(spec.kind)));
  }
  Job job;
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    MT_RETURN_IF_ERROR(db_->Execute("INSERT INTO jobs (case_id, kind, state, params, markings, created_by, "
                                    "created_at) VALUES (?,?,?,?,?,?,?)",
                                    {case_id, clean.kind, std::string(kJobQueued), ParamsText(clean),
                                     FormatMarkings(markings), actor.user.id, FormatIsoTime(Now())})
                           .status());
    MT_ASSIGN_OR_RETURN(job, LoadJob(db_->LastInsertId()));
    return Append(actor, case_id, fmt::format("job/{}", job.id), "create", "",
                  JsonText(nlohmann::ordered_json{{"kind", clean.kind}, {"params", ParamsText(clean)}}), "");
  }));
  return job;
}

Result<std::vector<Job>> Workspace::ListJobs(const Actor& actor, int64_t case_id) {
  MT_ASSIGN_OR_RETURN(CaseInfo c, VisibleCase(actor, case_id));
  MT_ASSIGN_OR_RETURN(SqlRows rows, db_->Query(fmt::format("SELECT {} WHERE j.case_id = ? ORDER BY j.id",
                                                           kJobColumns),
                                               {case_id}));
  std::vector<Job> out;
  for (const SqlRow& r : rows) {
    Job j = JobFromRow(r);
    if (CanSee(actor.user, c.access, c.markings, j.markings)) out.push_back(std::move(j));
  }
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    return Append(actor, case_id, fmt::format("case/{}/jobs", case_id), "read", "", "", "");
  }));
  return out;
}

Result<Job> Workspace::GetJob(const Actor& actor, int64_t job_id) {
  const Status not_found = NotFoundError(fmt::format("job {}: not found", job_id));
  auto j = LoadJob(job_id);
  if (!j.ok()) return not_found;
  auto c = VisibleCase(actor, j->case_id);
  if (!c.ok() || !CanSee(actor.user, c->access, c->markings, j->markings)) return not_found;
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    return Append(actor, j->case_id, fmt::format("job/{}", job_id), "read", "", "", "");
  }));
  return j;
}

Result<Job> Workspace::RetryJob(const Actor& actor, int64_t job_id) {
  MT_ASSIGN_OR_RETURN(Job old, GetJob(actor, job_id));
  if (old.state != kJobFailed && old.state != kJobInterrupted) {
    return FailedPreconditionError(fmt::format("job {} is {}; only a failed or interrupted job can be retried",
                                               job_id, old.state));
  }
  MT_ASSIGN_OR_RETURN(Job fresh, CreateJob(actor, old.case_id, old.spec));
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    MT_RETURN_IF_ERROR(db_->Execute("UPDATE jobs SET retry_of = ? WHERE id = ?", {job_id, fresh.id}).status());
    return Append(actor, old.case_id, fmt::format("job/{}", fresh.id), "retry", "", "",
                  fmt::format("retry of job {}", job_id));
  }));
  fresh.retry_of = job_id;
  return fresh;
}

Result<int64_t> Workspace::InterruptRunningJobs() {
  int64_t changed = 0;
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    MT_ASSIGN_OR_RETURN(SqlRows rows, db_->Query("SELECT id, case_id FROM jobs WHERE state = ? ORDER BY id",
                                                 {std::string(kJobRunning)}));
    for (const SqlRow& r : rows) {
      MT_RETURN_IF_ERROR(db_->Execute("UPDATE jobs SET state = ?, finished_at = ?, message = ? WHERE id = ?",
                                      {std::string(kJobInterrupted), FormatIsoTime(Now()),
                                       std::string("the server stopped while the job ran; retry it"),
                                       SqlInt(r[0])})
                             .status());
      MT_RETURN_IF_ERROR(Append(SystemActor(), SqlInt(r[1]), fmt::format("job/{}", SqlInt(r[0])), "interrupt",
                                "", "", "found running at startup"));
      ++changed;
    }
    return Status::Ok();
  }));
  return changed;
}

Result<std::optional<RunnableJob>> Workspace::ClaimNextJob() {
  std::optional<RunnableJob> out;
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    MT_ASSIGN_OR_RETURN(SqlRows rows, db_->Query("SELECT id FROM jobs WHERE state = ? ORDER BY id LIMIT 1",
                                                 {std::string(kJobQueued)}));
    if (rows.empty()) return Status::Ok();
    MT_ASSIGN_OR_RETURN(Job job, LoadJob(SqlInt(rows[0][0])));
    MT_ASSIGN_OR_RETURN(SqlRows cs, db_->Query("SELECT store_markings, run_markings FROM cases WHERE id = ?",
                                               {job.case_id}));
    const Markings store = MarkingsFromText(SqlText(cs.at(0).at(0)));
    const Markings run = MarkingsFromText(SqlText(cs.at(0).at(1)));
    // What will be written carries the job's markings before a byte of it is written.
    if (job.spec.kind == kJobIngest) {
      MT_RETURN_IF_ERROR(db_->Execute("UPDATE cases SET store_markings = ? WHERE id = ?",
                                      {FormatMarkings(Union(store, job.markings)), job.case_id})
                             .status());
    } else {
      job.markings = store;
      MT_RETURN_IF_ERROR(db_->Execute("UPDATE cases SET run_markings = ? WHERE id = ?",
                                      {FormatMarkings(Union(run, store)), job.case_id})
                             .status());
    }
    MT_RETURN_IF_ERROR(db_->Execute("UPDATE jobs SET state = ?, started_at = ?, markings = ? WHERE id = ?",
                                    {std::string(kJobRunning), FormatIsoTime(Now()),
                                     FormatMarkings(job.markings), job.id})
                           .status());
    job.state = kJobRunning;
    RunnableJob r;
    r.job = job;
    for (int64_t id : job.spec.evidence_ids) {
      MT_ASSIGN_OR_RETURN(EvidenceItem e, LoadEvidence(id));
      r.files.emplace_back(EvidencePath(e.sha256).string(), e.name);
    }
    r.store_dir = CaseStoreDir(job.case_id).string();
    r.run_dir = CaseRunDir(job.case_id).string();
    out = std::move(r);
    return Append(SystemActor(), job.case_id, fmt::format("job/{}", job.id), "start", "", "", "");
  }));
  return out;
}

Status Workspace::CompleteJob(int64_t job_id, const JobOutcome& outcome) {
  MT_ASSIGN_OR_RETURN(Job job, LoadJob(job_id));
  if (job.state != kJobRunning) {
    return FailedPreconditionError(fmt::format("job {} is {}, not running", job_id, job.state));
  }
  return Journalled([&]() -> Status {
    int64_t imported = 0;
    std::string message = outcome.message;
    if (outcome.ok && job.spec.kind == kJobInvestigate) {
      MT_ASSIGN_OR_RETURN(imported, ImportAlerts(job.case_id, job_id, job.markings));
      MT_RETURN_IF_ERROR(db_->Execute("UPDATE cases SET run_markings = ? WHERE id = ?",
                                      {FormatMarkings(job.markings), job.case_id})
                             .status());
      message += fmt::format("{}{} new alerts in the queue", message.empty() ? "" : "; ", imported);
    }
    if (outcome.ok && job.spec.kind == kJobIngest && !outcome.identifiers.empty()) {
      // Tax information and grand-jury material must not reach another agency, not even as
      // "another case holds this account".
      MT_ASSIGN_OR_RETURN(CaseInfo c, LoadCase(job.case_id));
      const Markings all = Union(job.markings, c.markings);
      if (all.count(std::string(kMarking6103)) || all.count(std::string(kMarkingGrandJury))) {
        MT_RETURN_IF_ERROR(Append(SystemActor(), job.case_id, fmt::format("job/{}", job_id),
                                  "deconfliction-skipped", "", "",
                                  "the evidence is marked 6103 or GJ-6E"));
      } else {
        MT_RETURN_IF_ERROR(CheckIdentifiers(SystemActor(), job.case_id, outcome.identifiers).status());
      }
    }
    MT_RETURN_IF_ERROR(db_->Execute("UPDATE jobs SET state = ?, finished_at = ?, message = ?, result = ? "
                                    "WHERE id = ? AND state = ?",
                                    {std::string(outcome.ok ? kJobDone : kJobFailed), FormatIsoTime(Now()),
                                     std::string(Abbreviate(message, 4000)), outcome.result_json, job_id,
                                     std::string(kJobRunning)})
                           .status());
    return Append(SystemActor(), job.case_id, fmt::format("job/{}", job_id), outcome.ok ? "done" : "fail", "",
                  JsonText(nlohmann::ordered_json{{"message", std::string(Abbreviate(message, 4000))},
                                                  {"alerts_imported", imported}}),
                  "");
  });
}

Result<int64_t> Workspace::ImportAlerts(int64_t case_id, int64_t job_id, const Markings& markings) {
  const std::filesystem::path path = CaseRunDir(case_id) / "alerts.jsonl";
  std::ifstream in(path);
  if (!in) return NotFoundError(fmt::format("{}: the investigation wrote no alerts file", path.string()));
  std::string line;
  int64_t line_number = 0;
  int64_t imported = 0;
  const std::string now = FormatIsoTime(Now());
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty()) continue;
    const auto a = nlohmann::json::parse(line, nullptr, false);
    if (a.is_discarded() || !a.is_object()) {
      return DataLossError(fmt::format("{}:{}: not a JSON object", path.string(), line_number));
    }
    if (a.value("record", "") != "alert") continue;
    std::string subjects = ",";
    for (const auto& s : a.value("subjects", nlohmann::json::array())) {
      if (s.is_string()) subjects += s.get<std::string>() + ",";
    }
    if (a.contains("entity") && a["entity"].is_string()) subjects += a["entity"].get<std::string>() + ",";
    std::string start, end;
    if (a.contains("window") && a["window"].is_object()) {
      start = a["window"].value("start", "");
      end = a["window"].value("end", "");
    }
    // An alert raised again keeps its place, assignee and disposition; it takes the new run's
    // record and markings (a store's markings only grow, so they include the old ones).
    MT_RETURN_IF_ERROR(db_->Execute("INSERT INTO alerts (case_id, alert_key, run_job_id, alert_id, rule_id, severity, "
                                     "title, subjects, window_start, window_end, sentence, record, markings, "
                                     "updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (case_id, "
                                     "alert_key) DO UPDATE SET record = excluded.record, markings = "
                                     "excluded.markings",
                                     {case_id, AlertKey(a), job_id, a.value("alert_id", ""), a.value("rule_id", ""),
                                      a.value("severity", ""), a.value("title", ""), subjects, start, end,
                                      a.value("sentence", ""), line, FormatMarkings(markings), now})
                           .status());
  }
  MT_ASSIGN_OR_RETURN(SqlRows count, db_->Query("SELECT count(*) FROM alerts WHERE case_id = ? AND run_job_id = ?",
                                                {case_id, job_id}));
  imported = SqlInt(count.at(0).at(0));
  return imported;
}

}  // namespace moneytrail::workspace
