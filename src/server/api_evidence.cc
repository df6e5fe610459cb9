// Routes of evidence (uploads, custody, verification) and of jobs (queue, poll, progress
// stream, retry). docs/api/openapi.json documents them.
#include <fmt/format.h>

#include <cctype>
#include <memory>
#include <string>
#include <utility>

#include "moneytrail/json_text.h"
#include "moneytrail/workspace.h"
#include "server/api_internal.h"
#include "server/job_runner.h"

namespace moneytrail::server::api_internal {

namespace {

Json EvidenceJson(const workspace::EvidenceItem& e) {
  return {{"id", e.id}, {"case_id", e.case_id}, {"name", e.name}, {"media_type", e.media_type},
          {"sha256", e.sha256}, {"size", e.size}, {"markings", e.markings},
          {"uploaded_by", e.uploaded_by}, {"uploaded_at", e.uploaded_at},
          {"verified_at", e.verified_at}, {"verification", e.verification}};
}

Json JobJson(const workspace::Job& j, JobRunner* runner) {
  Json out{{"id", j.id}, {"case_id", j.case_id}, {"kind", j.spec.kind}, {"state", j.state},
           {"evidence_ids", j.spec.evidence_ids}, {"format", j.spec.format},
           {"mappings", j.spec.mappings}, {"markings", j.markings}, {"created_by", j.created_by},
           {"created_at", j.created_at}, {"started_at", j.started_at},
           {"finished_at", j.finished_at}};
  std::string stage;
  double fraction = j.state == workspace::kJobDone ? 1.0 : 0.0;
  if (runner != nullptr && j.state == workspace::kJobRunning) {
    if (auto p = runner->ProgressOf(j.id)) {
      stage = p->stage;
      fraction = p->fraction;
    }
  }
  out["stage"] = stage;
  out["fraction"] = fraction;
  out["message"] = j.message;
  const Json result = Json::parse(j.result.empty() ? "{}" : j.result, nullptr, false);
  out["result"] = result.is_discarded() ? Json::object() : result;
  out["retry_of"] = j.retry_of;
  return out;
}

bool Terminal(const std::string& state) {
  return state == workspace::kJobDone || state == workspace::kJobFailed || state == workspace::kJobInterrupted;
}

// The markings of an upload: "6103,LES" (the query's or the form's field).
Result<workspace::Markings> MarkingsText(const std::string& text) {
  std::vector<std::string> names;
  size_t start = 0;
  while (start < text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) names.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return workspace::ParseMarkings(names);
}

// `attachment; filename="..."` with the name reduced to safe ASCII (others become '_'), and the
// exact name as RFC 5987's filename* (UTF-8, percent-encoded).
std::string AttachmentDisposition(const std::string& name) {
  std::string plain;
  std::string encoded;
  for (unsigned char ch : name) {
    const bool safe = std::isalnum(ch) || ch == '.' || ch == '-' || ch == '_';
    plain += (safe || ch == ' ') ? static_cast<char>(ch) : '_';
    encoded += safe ? std::string(1, static_cast<char>(ch)) : fmt::format("%{:02X}", ch);
  }
  return fmt::format("attachment; filename=\"{}\"; filename*=UTF-8''{}", plain, encoded);
}

}  // namespace

void AddEvidenceRoutes(const RouteTable& add) {
  add("GET", "/api/v1/cases/{case_id}/evidence", "Evidence items of a case the user may see, with custody",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        MT_ASSIGN_OR_RETURN(auto list, ws.ListEvidence(c.actor, c.params["case_id"]));
        Json out = Json::array();
        for (const auto& e : list) out.push_back(EvidenceJson(e));
        return out;
      });
  add.Raw("POST", "/api/v1/cases/{case_id}/evidence",
          "Upload an evidence file (write access): the raw body with ?name=&markings=, or "
          "multipart/form-data (file, markings); size-limited",
          [](workspace::Workspace& ws, Context& c) -> Result<Json> {
            std::string name = QueryText(c.request, "name");
            std::string media_type = Header(c.request, "content-type");
            std::string markings_text = QueryText(c.request, "markings");
            const std::string* content = &c.request.body;
            auto file = c.request.form.find("file");
            if (file != c.request.form.end()) {
              if (name.empty()) name = file->second.filename;
              media_type = file->second.content_type;
              content = &file->second.content;
              auto m = c.request.form.find("markings");
              if (m != c.request.form.end()) markings_text = m->second.content;
            } else if (media_type.rfind("multipart/", 0) == 0) {
              return InvalidArgumentError("multipart body: a part named 'file' is required");
            }
            if (name.empty()) return InvalidArgumentError("name: required (query ?name= or the file part's filename)");
            MT_ASSIGN_OR_RETURN(workspace::Markings markings, MarkingsText(markings_text));
            MT_ASSIGN_OR_RETURN(auto e, ws.AddEvidence(c.actor, c.params["case_id"], name,
                                                       media_type.empty() ? "application/octet-stream" : media_type,
                                                       *content, markings));
            return EvidenceJson(e);
          });
  add("GET", "/api/v1/evidence/{evidence_id}", "One evidence item with its custody",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        MT_ASSIGN_OR_RETURN(auto e, ws.GetEvidence(c.actor, c.params["evidence_id"]));
        return EvidenceJson(e);
      });
  add("GET", "/api/v1/evidence/{evidence_id}/content",
      "Download an evidence item's bytes (an attachment; its SHA-256 in X-Content-SHA256); journalled",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        workspace::EvidenceItem e;
        MT_ASSIGN_OR_RETURN(std::string bytes, ws.ReadEvidence(c.actor, c.params["evidence_id"], e));
        // Always an opaque download: an uploaded HTML or SVG file must never run in our origin.
        c.raw_content_type = "application/octet-stream";
        c.raw_body = std::move(bytes);
        c.extra_headers.emplace_back("Content-Disposition", AttachmentDisposition(e.name));
        c.extra_headers.emplace_back("X-Content-SHA256", e.sha256);
        return Json();
      });
  add("POST", "/api/v1/evidence/{evidence_id}/verify", "Re-hash the stored file and record the result (write access)",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        MT_ASSIGN_OR_RETURN(auto e, ws.VerifyEvidence(c.actor, c.params["evidence_id"]));
        return EvidenceJson(e);
      });
  add("GET", "/api/v1/cases/{case_id}/jobs", "Jobs of a case",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        MT_ASSIGN_OR_RETURN(auto list, ws.ListJobs(c.actor, c.params["case_id"]));
        Json out = Json::array();
        for (const auto& j : list) out.push_back(JobJson(j, c.jobs));
        return out;
      });
  add("POST", "/api/v1/cases/{case_id}/jobs",
      "Queue a job (write access): ingest evidence into the case store, or investigate the store into the "
      "case's run directory",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        workspace::JobSpec spec;
        MT_ASSIGN_OR_RETURN(spec.kind, Text(c.body, "kind"));
        MT_ASSIGN_OR_RETURN(spec.evidence_ids, IntegerList(c.body, "evidence_ids"));
        MT_ASSIGN_OR_RETURN(spec.format, Text(c.body, "format", false));
        MT_ASSIGN_OR_RETURN(spec.mappings, TextList(c.body, "mappings"));
        MT_ASSIGN_OR_RETURN(auto j, ws.CreateJob(c.actor, c.params["case_id"], spec));
        if (c.jobs != nullptr) c.jobs->Wake();
        return JobJson(j, c.jobs);
      });
  add("GET", "/api/v1/jobs/{job_id}", "One job: its state and progress (polling)",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        MT_ASSIGN_OR_RETURN(auto j, ws.GetJob(c.actor, c.params["job_id"]));
        return JobJson(j, c.jobs);
      });
  add("GET", "/api/v1/jobs/{job_id}/events",
      "The job's progress as Server-Sent Events (text/event-stream; each event's data is a Job), ending when "
      "the job ends",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        // Access is checked (and journalled) once, here; the stream then reads the job's state only.
        MT_ASSIGN_OR_RETURN(auto j, ws.GetJob(c.actor, c.params["job_id"]));
        c.raw_content_type = "text/event-stream";
        c.raw_body = fmt::format("event: job\ndata: {}\n\n", JsonText(JobJson(j, c.jobs)));
        if (Terminal(j.state) || c.jobs == nullptr) return Json();
        JobRunner* jobs = c.jobs;
        // The stream outlives this request's connection: it reads through one of its own.
        // shared: std::function must be copyable, and its copies share the connection.
        MT_ASSIGN_OR_RETURN(std::unique_ptr<workspace::Workspace> own, ws.OpenAnother());
        std::shared_ptr<workspace::Workspace> workspace = std::move(own);
        const int64_t id = j.id;
        auto last = std::make_shared<std::string>(c.raw_body);  // shared: copies of the stream share it
        c.stream = [jobs, workspace, id, last](std::string& chunk) -> bool {
          for (int waited = 0; waited < 15; ++waited) {
            jobs->WaitForChange(1000);
            Result<workspace::Job> now = workspace->JobState(id);
            if (!now.ok()) return false;
            const std::string event = fmt::format("event: job\ndata: {}\n\n", JsonText(JobJson(*now, jobs)));
            if (event != *last || Terminal(now->state)) {
              *last = event;
              chunk += event;
              return !Terminal(now->state);
            }
          }
          chunk += ": keep-alive\n\n";  // a comment line, so proxies keep the connection open
          return true;
        };
        return Json();
      });
  add("POST", "/api/v1/jobs/{job_id}/retry", "Queue again a failed or interrupted job (write access); returns the new job",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        MT_ASSIGN_OR_RETURN(auto j, ws.RetryJob(c.actor, c.params["job_id"]));
        if (c.jobs != nullptr) c.jobs->Wake();
        return JobJson(j, c.jobs);
      });
}

}  // namespace moneytrail::server::api_internal
