// Saved chart views and chart annotations, kept in the case (issue #23; docs/ui.md). Both are
// the workspace's notes, so they are access-checked, versioned, journalled and marked as notes
// are (their own markings plus the case's): a saved view is a note on object "view" (its name
// the object id, its text the view's JSON, checked and rewritten here in one canonical form); an
// annotation is a note on an account of the chart ("account", the account's label) or on the
// money between two ("flow", "FROM->TO"), both checked against the case's store.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "moneytrail/json_text.h"
#include "moneytrail/workspace.h"
#include "server/api_internal.h"
#include "server/view_data.h"

namespace moneytrail::server::api_internal {

namespace {

Json ViewSummaryJson(const workspace::Note& n) {
  const Json view = Json::parse(n.text, nullptr, false);
  return {{"id", n.id}, {"name", n.object_id}, {"author", n.author}, {"created_at", n.created_at},
          {"updated_at", n.updated_at}, {"version", n.version}, {"markings", n.markings},
          {"nodes", view.is_object() ? view.value("nodes", Json::array()).size() : 0}};
}

Json ViewJson(const workspace::Note& n, const workspace::CaseInfo& cs) {
  Json out = ViewSummaryJson(n);
  const Json view = Json::parse(n.text, nullptr, false);
  out["view"] = view.is_discarded() ? Json::object() : view;
  out["case_markings"] = cs.markings;
  return out;
}

// The saved view `view_id` of the case; NotFound when it is another kind of note, of another
// case, or one the actor may not see.
Result<workspace::Note> LoadView(workspace::Workspace& ws, Context& c, const workspace::CaseInfo& cs) {
  const int64_t id = c.params["view_id"];
  auto n = ws.GetNote(c.actor, id);
  if (!n.ok()) return n.status().code() == StatusCode::kNotFound ? NotFoundError(fmt::format("saved view {}: not found", id)) : n.status();
  if (n->case_id != cs.id || n->object_type != "view") return NotFoundError(fmt::format("saved view {}: not found", id));
  return *n;
}

Json AnnotationJson(const workspace::Note& n) {
  return {{"id", n.id}, {"on", n.object_type}, {"target", n.object_id}, {"text", n.text}, {"author", n.author},
          {"created_at", n.created_at}, {"updated_at", n.updated_at}, {"version", n.version}, {"markings", n.markings}};
}

Result<Json> ListViews(workspace::Workspace& ws, Context& c) {
  MT_ASSIGN_OR_RETURN(workspace::CaseInfo cs, ws.GetCase(c.actor, c.params["case_id"]));
  MT_ASSIGN_OR_RETURN(std::vector<workspace::Note> notes, ws.ListNotes(c.actor, cs.id));
  Json views = Json::array();
  for (const workspace::Note& n : notes) {
    if (n.object_type == "view") views.push_back(ViewSummaryJson(n));
  }
  return Json{{"markings", cs.markings}, {"views", views}};
}

Result<Json> SaveView(workspace::Workspace& ws, Context& c) {
  MT_ASSIGN_OR_RETURN(workspace::CaseInfo cs, ws.GetCase(c.actor, c.params["case_id"]));
  MT_ASSIGN_OR_RETURN(std::string name, Text(c.body, "name"));
  if (name.empty()) return InvalidArgumentError("body: 'name' must not be empty");
  MT_ASSIGN_OR_RETURN(Json view, CanonicalView(c.body));
  MT_ASSIGN_OR_RETURN(workspace::Markings markings, MarkingList(c.body, "markings"));
  MT_ASSIGN_OR_RETURN(workspace::Note n, ws.AddNote(c.actor, cs.id, "view", name, JsonText(view), markings));
  return ViewJson(n, cs);
}

Result<Json> GetView(workspace::Workspace& ws, Context& c) {
  MT_ASSIGN_OR_RETURN(workspace::CaseInfo cs, ws.GetCase(c.actor, c.params["case_id"]));
  MT_ASSIGN_OR_RETURN(workspace::Note n, LoadView(ws, c, cs));
  return ViewJson(n, cs);
}

Result<Json> UpdateView(workspace::Workspace& ws, Context& c) {
  MT_ASSIGN_OR_RETURN(workspace::CaseInfo cs, ws.GetCase(c.actor, c.params["case_id"]));
  MT_ASSIGN_OR_RETURN(workspace::Note before, LoadView(ws, c, cs));
  MT_ASSIGN_OR_RETURN(int64_t version, Integer(c.body, "version"));
  MT_ASSIGN_OR_RETURN(Json view, CanonicalView(c.body));
  MT_ASSIGN_OR_RETURN(workspace::Note n, ws.UpdateNote(c.actor, before.id, version, JsonText(view)));
  return ViewJson(n, cs);
}

Result<Json> ListAnnotations(workspace::Workspace& ws, Context& c) {
  MT_ASSIGN_OR_RETURN(workspace::CaseInfo cs, ws.GetCase(c.actor, c.params["case_id"]));
  MT_ASSIGN_OR_RETURN(std::vector<workspace::Note> notes, ws.ListNotes(c.actor, cs.id));
  Json out = Json::array();
  for (const workspace::Note& n : notes) {
    if (n.object_type == "account" || n.object_type == "flow") out.push_back(AnnotationJson(n));
  }
  return Json{{"markings", cs.markings}, {"annotations", out}};
}

// Body: "account" (a label), or "from" and "to" (labels: the money between them); "text";
// optional "markings".
Result<Json> Annotate(workspace::Workspace& ws, Context& c) {
  MT_ASSIGN_OR_RETURN(workspace::CaseInfo cs, ws.GetCase(c.actor, c.params["case_id"]));
  MT_ASSIGN_OR_RETURN(auto loaded, LoadStore(ws.CaseStoreDir(cs.id), cs.id));
  const store::Store& s = *loaded->store;
  MT_ASSIGN_OR_RETURN(std::string account, Text(c.body, "account", false));
  MT_ASSIGN_OR_RETURN(std::string from, Text(c.body, "from", false));
  MT_ASSIGN_OR_RETURN(std::string to, Text(c.body, "to", false));
  MT_ASSIGN_OR_RETURN(std::string text, Text(c.body, "text"));
  MT_ASSIGN_OR_RETURN(workspace::Markings markings, MarkingList(c.body, "markings"));
  std::string type, target;
  if (!account.empty() && from.empty() && to.empty()) {
    MT_ASSIGN_OR_RETURN(AccountId a, AccountByLabel(s, account, "body: 'account'"));
    type = "account";
    target = s.AccountLabel(a);
  } else if (account.empty() && !from.empty() && !to.empty()) {
    MT_ASSIGN_OR_RETURN(AccountId a, AccountByLabel(s, from, "body: 'from'"));
    MT_ASSIGN_OR_RETURN(AccountId b, AccountByLabel(s, to, "body: 'to'"));
    type = "flow";
    target = s.AccountLabel(a) + "->" + s.AccountLabel(b);
  } else {
    return InvalidArgumentError("body: give 'account' (a node), or 'from' and 'to' (an edge)");
  }
  MT_ASSIGN_OR_RETURN(workspace::Note n, ws.AddNote(c.actor, cs.id, type, target, text, markings));
  return AnnotationJson(n);
}

}  // namespace

void AddSavedViewRoutes(const RouteTable& add) {
  add("GET", "/api/v1/cases/{case_id}/views/saved", "The case's saved chart views the user may see (names, no content)",
      ListViews);
  add("POST", "/api/v1/cases/{case_id}/views/saved",
      "Save the chart's view (name, view: nodes with positions, groups, filters; markings) in the case (write access)",
      SaveView);
  add("GET", "/api/v1/cases/{case_id}/views/saved/{view_id}", "One saved chart view with its content", GetView);
  add("PATCH", "/api/v1/cases/{case_id}/views/saved/{view_id}",
      "Replace a saved view's content (write access; version required, a stale version is 409)", UpdateView);
  add("GET", "/api/v1/cases/{case_id}/views/annotations", "Annotations on the chart's nodes and edges", ListAnnotations);
  add("POST", "/api/v1/cases/{case_id}/views/annotations",
      "Annotate a node (account) or an edge (from, to) of the chart: text, markings (write access)", Annotate);
}

}  // namespace moneytrail::server::api_internal
