// Routes of the alert queue (list, next, lock, assign, snooze, disposition) and of the
// dispositions exported as training labels. docs/api/openapi.json documents them.
#include <string>
#include <utility>

#include "moneytrail/json_text.h"
#include "moneytrail/workspace.h"
#include "server/api_internal.h"

namespace moneytrail::server::api_internal {

namespace {

Json AlertJson(const workspace::Alert& a, bool full) {
  // Built member by member into a reserved object: a queue page is 50 of these, and the
  // initializer-list form allocated a two-element array per member first (bench/RESULTS-ws.md,
  // session 13). The keys are distinct, so they are appended without ordered_map's search.
  Json out = Json::object();
  Json::object_t& o = out.get_ref<Json::object_t&>();
  o.reserve(full ? 21 : 19);
  o.emplace_back("id", a.id);
  o.emplace_back("case_id", a.case_id);
  o.emplace_back("run_job_id", a.run_job_id);
  o.emplace_back("alert_id", a.alert_id);
  o.emplace_back("rule_id", a.rule_id);
  o.emplace_back("severity", a.severity);
  o.emplace_back("title", a.title);
  o.emplace_back("subjects", a.subjects);
  o.emplace_back("window_start", a.window_start);
  o.emplace_back("window_end", a.window_end);
  o.emplace_back("sentence", a.sentence);
  o.emplace_back("markings", a.markings);
  o.emplace_back("state", a.state);
  o.emplace_back("assignee", a.assignee);
  o.emplace_back("locked_by", a.locked_by);
  o.emplace_back("lock_expires_at", a.lock_expires_at);
  o.emplace_back("snoozed_until", a.snoozed_until);
  o.emplace_back("version", a.version);
  o.emplace_back("updated_at", a.updated_at);
  if (full) {
    Json record = Json::parse(a.record, nullptr, false);
    out["record"] = record.is_discarded() ? Json::object() : std::move(record);
    Json history = Json::array();
    for (const auto& h : a.history) {
      history.push_back({{"at", h.at}, {"username", h.username}, {"action", h.action}, {"before", h.before},
                         {"after", h.after}, {"note", h.note}});
    }
    out["history"] = std::move(history);
  }
  return out;
}

Result<bool> QueryBool(const ApiRequest& r, const std::string& name, bool fallback) {
  const std::string v = QueryText(r, name);
  if (v.empty()) return fallback;
  if (v == "true" || v == "1") return true;
  if (v == "false" || v == "0") return false;
  return InvalidArgumentError("query: '" + name + "' must be true or false");
}

}  // namespace

void AddQueueRoutes(const RouteTable& add) {
  add("GET", "/api/v1/cases/{case_id}/alerts",
      "The case's alert queue the user may see, filtered, in id order; page with after_id (the last id of the "
      "previous page)",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        workspace::AlertQuery q;
        q.state = QueryText(c.request, "state");
        q.assignee = QueryText(c.request, "assignee");
        q.rule_id = QueryText(c.request, "rule_id");
        q.subject = QueryText(c.request, "subject");
        MT_ASSIGN_OR_RETURN(q.unassigned, QueryBool(c.request, "unassigned", false));
        MT_ASSIGN_OR_RETURN(q.include_snoozed, QueryBool(c.request, "include_snoozed", true));
        MT_ASSIGN_OR_RETURN(q.after_id, QueryInt(c.request, "after_id"));
        MT_ASSIGN_OR_RETURN(int64_t limit, QueryInt(c.request, "limit"));
        if (limit > 0) q.limit = limit;
        // The answer's text is made before the read's journal entry is queued, so that it leaves
        // as soon as the durable commit answers (in a burst of first pages, 50 threads would
        // otherwise all build their JSON in the same instant after one commit: bench/RESULTS-ws.md,
        // session 15); it leaves only after ListAlerts returns OK, i.e. after the read is journalled.
        std::string text;
        auto render = [&](const workspace::AlertPage& page) {
          Json alerts = Json::array();
          alerts.get_ref<Json::array_t&>().reserve(page.alerts.size());
          for (const auto& a : page.alerts) alerts.push_back(AlertJson(a, false));
          Json out = Json::object();
          out["alerts"] = std::move(alerts);
          out["next_after_id"] = page.next_after_id;
          text = JsonText(out) + "\n";
        };
        MT_RETURN_IF_ERROR(ws.ListAlerts(c.actor, c.params["case_id"], q, render).status());
        c.raw_body = std::move(text);
        c.raw_content_type = "application/json; charset=utf-8";
        return Json();
      });
  add("POST", "/api/v1/cases/{case_id}/alerts/next",
      "Take the next unassigned open alert that is not snoozed: assigned to the user and locked; {\"alert\": "
      "null} when none",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        MT_ASSIGN_OR_RETURN(auto a, ws.NextAlert(c.actor, c.params["case_id"]));
        return Json{{"alert", a.has_value() ? AlertJson(*a, false) : Json(nullptr)}};
      });
  add("GET", "/api/v1/cases/{case_id}/labels",
      "Dispositions as labels for `moneytrail train --labels` (text/csv tx_id,label: confirmed 1, cleared 0)",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        MT_ASSIGN_OR_RETURN(c.raw_body, ws.ExportLabels(c.actor, c.params["case_id"]));
        c.raw_content_type = "text/csv; charset=utf-8";
        c.extra_headers.emplace_back("Content-Disposition", "attachment; filename=\"labels.csv\"");
        return Json();
      });
  add("GET", "/api/v1/alerts/{alert_id}", "One alert with its record and history",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        MT_ASSIGN_OR_RETURN(auto a, ws.GetAlert(c.actor, c.params["alert_id"]));
        return AlertJson(a, true);
      });
  add("POST", "/api/v1/alerts/{alert_id}/lock",
      "Open and lock the alert for 15 minutes (write access); 409 while another user holds the lock",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        MT_ASSIGN_OR_RETURN(auto a, ws.LockAlert(c.actor, c.params["alert_id"]));
        return AlertJson(a, true);
      });
  add("DELETE", "/api/v1/alerts/{alert_id}/lock", "Release one's lock",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        MT_ASSIGN_OR_RETURN(auto a, ws.UnlockAlert(c.actor, c.params["alert_id"]));
        return AlertJson(a, false);
      });
  add("POST", "/api/v1/alerts/{alert_id}/assign",
      "Assign the alert to a member (user_id; 0 unassigns); note and version required",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        MT_ASSIGN_OR_RETURN(int64_t user_id, Integer(c.body, "user_id"));
        MT_ASSIGN_OR_RETURN(std::string note, Text(c.body, "note"));
        MT_ASSIGN_OR_RETURN(int64_t version, Integer(c.body, "version"));
        MT_ASSIGN_OR_RETURN(auto a, ws.AssignAlert(c.actor, c.params["alert_id"], user_id, version, note));
        return AlertJson(a, false);
      });
  add("POST", "/api/v1/alerts/{alert_id}/snooze",
      "Snooze the alert until a date (YYYY-MM-DD, UTC); note and version required",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        MT_ASSIGN_OR_RETURN(std::string until, Text(c.body, "until"));
        MT_ASSIGN_OR_RETURN(std::string note, Text(c.body, "note"));
        MT_ASSIGN_OR_RETURN(int64_t version, Integer(c.body, "version"));
        MT_ASSIGN_OR_RETURN(auto a, ws.SnoozeAlert(c.actor, c.params["alert_id"], until, version, note));
        return AlertJson(a, false);
      });
  add("POST", "/api/v1/alerts/{alert_id}/disposition",
      "Set the disposition (open, in_review, escalated, confirmed, cleared); note and version required (a stale "
      "version is 409)",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        MT_ASSIGN_OR_RETURN(std::string state, Text(c.body, "state"));
        MT_ASSIGN_OR_RETURN(std::string note, Text(c.body, "note"));
        MT_ASSIGN_OR_RETURN(int64_t version, Integer(c.body, "version"));
        MT_ASSIGN_OR_RETURN(auto a, ws.SetDisposition(c.actor, c.params["alert_id"], state, version, note));
        return AlertJson(a, false);
      });
}

}  // namespace moneytrail::server::api_internal
