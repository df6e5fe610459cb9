// Routes of requests for records and of deconfliction. docs/api/openapi.json documents them.
#include <string>

#include "moneytrail/workspace.h"
#include "server/api_internal.h"

namespace moneytrail::server::api_internal {

namespace {

Json RequestJson(const workspace::RecordsRequest& q) {
  Json received = Json::array();
  for (const auto& r : q.received) {
    received.push_back({{"evidence_id", r.evidence_id}, {"name", r.name}, {"sha256", r.sha256},
                        {"accounts", r.accounts}, {"note", r.note}, {"at", r.at}});
  }
  return {{"id", q.id}, {"case_id", q.case_id}, {"bank", q.asked.bank}, {"legal_process", q.asked.legal_process},
          {"accounts", q.asked.accounts}, {"period_from", q.asked.period_from}, {"period_to", q.asked.period_to},
          {"sent_at", q.asked.sent_at}, {"due_at", q.asked.due_at}, {"markings", q.asked.markings},
          {"version", q.version}, {"created_by", q.created_by}, {"created_at", q.created_at},
          {"received", received}, {"missing_accounts", q.missing_accounts},
          {"complete", q.missing_accounts.empty()}};
}

Json NoticeJson(const workspace::DeconflictionNotice& n) {
  return {{"id", n.id}, {"kind", n.kind}, {"identifier", n.identifier}, {"agency", n.agency},
          {"contact", n.contact}, {"at", n.at}};
}

}  // namespace

void AddRecordsRoutes(const RouteTable& add) {
  add("GET", "/api/v1/cases/{case_id}/requests", "Requests for records of a case",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        MT_ASSIGN_OR_RETURN(auto list, ws.ListRecordsRequests(c.actor, c.params["case_id"]));
        Json out = Json::array();
        for (const auto& q : list) out.push_back(RequestJson(q));
        return out;
      });
  add("POST", "/api/v1/cases/{case_id}/requests", "Record a request for records sent to a bank (write access)",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        workspace::NewRecordsRequest n;
        MT_ASSIGN_OR_RETURN(n.bank, Text(c.body, "bank"));
        MT_ASSIGN_OR_RETURN(n.legal_process, Text(c.body, "legal_process", false));
        MT_ASSIGN_OR_RETURN(n.accounts, TextList(c.body, "accounts"));
        MT_ASSIGN_OR_RETURN(n.period_from, Text(c.body, "period_from"));
        MT_ASSIGN_OR_RETURN(n.period_to, Text(c.body, "period_to"));
        MT_ASSIGN_OR_RETURN(n.sent_at, Text(c.body, "sent_at", false));
        MT_ASSIGN_OR_RETURN(n.due_at, Text(c.body, "due_at", false));
        MT_ASSIGN_OR_RETURN(n.markings, MarkingList(c.body, "markings"));
        MT_ASSIGN_OR_RETURN(auto q, ws.CreateRecordsRequest(c.actor, c.params["case_id"], n));
        return RequestJson(q);
      });
  add("GET", "/api/v1/requests/{request_id}",
      "One request for records: what was asked, what arrived, what is missing",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        MT_ASSIGN_OR_RETURN(auto q, ws.GetRecordsRequest(c.actor, c.params["request_id"]));
        return RequestJson(q);
      });
  add("POST", "/api/v1/requests/{request_id}/received",
      "Link an evidence item as (part of) the bank's answer, naming the accounts it covers (write access; "
      "version required)",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        MT_ASSIGN_OR_RETURN(int64_t evidence_id, Integer(c.body, "evidence_id"));
        MT_ASSIGN_OR_RETURN(auto accounts, TextList(c.body, "accounts"));
        MT_ASSIGN_OR_RETURN(std::string note, Text(c.body, "note", false));
        MT_ASSIGN_OR_RETURN(int64_t version, Integer(c.body, "version"));
        MT_ASSIGN_OR_RETURN(auto q, ws.AddRecordsReceipt(c.actor, c.params["request_id"], evidence_id, accounts,
                                                         note, version));
        return RequestJson(q);
      });
  add("POST", "/api/v1/cases/{case_id}/identifiers",
      "Enter identifiers of the case (account numbers, names) for deconfliction (write access); returns the "
      "notices they raised",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        MT_ASSIGN_OR_RETURN(auto accounts, TextList(c.body, "accounts"));
        MT_ASSIGN_OR_RETURN(auto names, TextList(c.body, "names"));
        MT_ASSIGN_OR_RETURN(auto notices, ws.AddIdentifiers(c.actor, c.params["case_id"], accounts, names));
        Json out = Json::array();
        for (const auto& n : notices) out.push_back(NoticeJson(n));
        return Json{{"checked", accounts.size() + names.size()}, {"notices", out}};
      });
  add("GET", "/api/v1/cases/{case_id}/deconfliction",
      "Deconfliction notices of the case: another case holds one of its identifiers (agency and contact only)",
      [](workspace::Workspace& ws, Context& c) -> Result<Json> {
        MT_ASSIGN_OR_RETURN(auto list, ws.ListDeconfliction(c.actor, c.params["case_id"]));
        Json out = Json::array();
        for (const auto& n : list) out.push_back(NoticeJson(n));
        return out;
      });
}

}  // namespace moneytrail::server::api_internal
