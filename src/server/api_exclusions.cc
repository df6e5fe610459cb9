// Routes of manual exclusions (issue 21): exclude an alert of a case from its latest
// investigation's ranking, or count it again, with who, when and why; the stages after the
// scores are re-run in the case's run directory by cases::DecideInCase, as `moneytrail exclude`
// does. docs/api/openapi.json documents them.
#include <filesystem>
#include <string>

#include "moneytrail/investigation.h"
#include "moneytrail/workspace.h"
#include "server/api_internal.h"

namespace moneytrail::server::api_internal {

namespace {

// The alert the user may see and change in the case (write access), its rule alert id
// ("R07-000012"), then the decision made in the case's run directory and journalled as a note
// on the alert.
Result<Json> Decide(workspace::Workspace& ws, Context& c, const std::string& action) {
  MT_ASSIGN_OR_RETURN(workspace::CaseInfo cs, ws.GetCase(c.actor, c.params["case_id"]));
  if (cs.access < workspace::CaseAccess::kWrite) {
    return PermissionDeniedError("excluding an alert needs write access to the case");
  }
  MT_ASSIGN_OR_RETURN(workspace::Alert alert, ws.GetAlert(c.actor, c.params["alert_id"]));
  if (alert.case_id != cs.id) return NotFoundError("no such alert in this case");
  // The reason from the body, or (a DELETE whose client sends no body) the query.
  MT_ASSIGN_OR_RETURN(std::string reason, Text(c.body, "reason", false));
  if (reason.empty()) reason = QueryText(c.request, "reason");
  if (reason.empty()) return InvalidArgumentError("field 'reason': required (why the alert is excluded or counted again)");
  const std::filesystem::path run = ws.CaseRunDir(cs.id);
  std::error_code ec;
  if (!std::filesystem::exists(run / "custody.json", ec)) {
    return FailedPreconditionError("the case has no finished investigation whose ranking an exclusion could change");
  }
  const std::string who = c.actor.user.username;
  cases::Exclusion decision{.alert_id = alert.alert_id, .who = who, .when = "", .why = reason,
                            .action = action};
  MT_ASSIGN_OR_RETURN(cases::CaseSummary summary, cases::DecideInCase(run, decision));
  const std::string text = (action == "include" ? "Counted again in the ranking (exclusion undone): "
                                                : "Excluded from the ranking: ") + reason;
  MT_ASSIGN_OR_RETURN(workspace::Note note, ws.AddNote(c.actor, cs.id, "alert", alert.alert_id, text, {}));
  Json top = Json::array();
  for (const cases::SubjectRow& row : summary.top) {
    top.push_back({{"rank", row.rank}, {"subject", row.subject}, {"alerts", row.alerts}});
  }
  return Json{{"alert_id", alert.alert_id}, {"action", action}, {"who", who}, {"why", reason},
              {"note_id", note.id}, {"rerun", {"rank", "trace", "report", "exhibits"}}, {"top", top}};
}

}  // namespace

void AddExclusionRoutes(const RouteTable& add) {
  add("POST", "/api/v1/cases/{case_id}/alerts/{alert_id}/exclusion",
      "Exclude the alert from the case's ranking (write access; reason required): recorded with who, when and "
      "why in the latest investigation's custody and report, whose stages after the scores are re-run",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> { return Decide(ws, c, "exclude"); });
  add("DELETE", "/api/v1/cases/{case_id}/alerts/{alert_id}/exclusion",
      "Count an excluded alert again (write access; reason required), recorded and re-run the same way",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> { return Decide(ws, c, "include"); });
}

}  // namespace moneytrail::server::api_internal
