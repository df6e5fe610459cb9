// Requests for records: what was asked of which bank (accounts, period, legal process), what
// arrived (evidence items linked to the request with the accounts they cover), what is missing.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <utility>

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

std::vector<std::string> StringList(const std::string& json_text) {
  std::vector<std::string> out;
  const auto j = nlohmann::json::parse(json_text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& v : j) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

Status CheckDate(std::string_view field, std::string_view value, bool required) {
  if (value.empty() && !required) return Status::Ok();
  static const Result<TimeFormat> format = TimeFormat::Compile("%Y-%m-%d");
  if (value.size() != 10 || !format.ok() || !format->Parse(value).ok()) {
    return InvalidArgumentError(fmt::format("{} '{}': expected a date YYYY-MM-DD", field, Abbreviate(value)));
  }
  return Status::Ok();
}

}  // namespace

Result<RecordsRequest> Workspace::LoadRecordsRequest(const Actor& actor, const CaseInfo& c, int64_t request_id) {
  MT_ASSIGN_OR_RETURN(SqlRows rows,
                      db_->Query("SELECT r.id, r.case_id, r.bank, r.legal_process, r.accounts, r.period_from, "
                                 "r.period_to, r.sent_at, r.due_at, r.markings, r.version, u.username, "
                                 "r.created_at FROM records_requests r JOIN users u ON u.id = r.created_by "
                                 "WHERE r.id = ?",
                                 {request_id}));
  const Status not_found = NotFoundError(fmt::format("request {}: not found", request_id));
  if (rows.empty() || SqlInt(rows[0][1]) != c.id) return not_found;
  const SqlRow& r = rows[0];
  RecordsRequest q;
  q.id = SqlInt(r[0]);
  q.case_id = SqlInt(r[1]);
  q.asked.bank = SqlText(r[2]);
  q.asked.legal_process = SqlText(r[3]);
  q.asked.accounts = StringList(SqlText(r[4]));
  q.asked.period_from = SqlText(r[5]);
  q.asked.period_to = SqlText(r[6]);
  q.asked.sent_at = SqlText(r[7]);
  q.asked.due_at = SqlText(r[8]);
  q.asked.markings = MarkingsFromText(SqlText(r[9]));
  q.version = SqlInt(r[10]);
  q.created_by = SqlText(r[11]);
  q.created_at = SqlText(r[12]);
  if (!CanSee(actor.user, c.access, c.markings, q.asked.markings)) return not_found;
  MT_ASSIGN_OR_RETURN(SqlRows got, db_->Query("SELECT x.evidence_id, e.name, e.sha256, x.accounts, x.note, x.at, "
                                              "e.markings FROM records_received x JOIN evidence e ON "
                                              "e.id = x.evidence_id WHERE x.request_id = ? ORDER BY x.at, "
                                              "x.evidence_id",
                                              {request_id}));
  std::set<std::string> covered;
  for (const SqlRow& g : got) {
    // A receipt whose evidence the user may not see is left out, and so is what it covers.
    if (!CanSee(actor.user, c.access, c.markings, MarkingsFromText(SqlText(g[6])))) continue;
    RecordsReceipt receipt{SqlInt(g[0]), SqlText(g[1]), SqlText(g[2]), StringList(SqlText(g[3])),
                           SqlText(g[4]), SqlText(g[5])};
    covered.insert(receipt.accounts.begin(), receipt.accounts.end());
    q.received.push_back(std::move(receipt));
  }
  for (const std::string& a : q.asked.accounts) {
    if (!covered.count(a)) q.missing_accounts.push_back(a);
  }
  return q;
}

Result<RecordsRequest> Workspace::CreateRecordsRequest(const Actor& actor, int64_t case_id,
                                                       const NewRecordsRequest& n) {
  MT_ASSIGN_OR_RETURN(CaseInfo c, VisibleCase(actor, case_id));
  if (c.access < CaseAccess::kWrite) {
    return PermissionDeniedError(fmt::format("case {}: requests for records need write access", case_id));
  }
  MT_RETURN_IF_ERROR(CheckText("bank", n.bank, kMaxNameBytes, true));
  MT_RETURN_IF_ERROR(CheckText("legal_process", n.legal_process, kMaxNameBytes, false));
  if (n.accounts.empty() || n.accounts.size() > 1000) {
    return InvalidArgumentError("accounts: between 1 and 1000 account numbers");
  }
  for (const std::string& a : n.accounts) MT_RETURN_IF_ERROR(CheckText("accounts", a, 100, true));
  MT_RETURN_IF_ERROR(CheckDate("period_from", n.period_from, true));
  MT_RETURN_IF_ERROR(CheckDate("period_to", n.period_to, true));
  if (n.period_to < n.period_from) return InvalidArgumentError("period_to: before period_from");
  MT_RETURN_IF_ERROR(CheckDate("sent_at", n.sent_at, false));
  MT_RETURN_IF_ERROR(CheckDate("due_at", n.due_at, false));
  if (!Covers(actor.user.clearances, n.markings)) {
    return PermissionDeniedError(fmt::format("{} is not cleared for {}", actor.user.username,
                                             MissingMarkings(actor.user.clearances, n.markings)));
  }
  std::vector<std::string> accounts = n.accounts;
  std::sort(accounts.begin(), accounts.end());
  accounts.erase(std::unique(accounts.begin(), accounts.end()), accounts.end());
  int64_t id = 0;
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    const std::string now = FormatIsoTime(Now());
    const std::string sent = n.sent_at.empty() ? now.substr(0, 10) : n.sent_at;
    const std::string accounts_json = JsonText(nlohmann::json(accounts));
    MT_RETURN_IF_ERROR(db_->Execute("INSERT INTO records_requests (case_id, bank, legal_process, accounts, "
                                    "period_from, period_to, sent_at, due_at, markings, created_by, created_at) "
                                    "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                                    {case_id, n.bank, n.legal_process, accounts_json, n.period_from, n.period_to,
                                     sent, n.due_at, FormatMarkings(n.markings), actor.user.id, now})
                           .status());
    id = db_->LastInsertId();
    return Append(actor, case_id, fmt::format("request/{}", id), "create", "",
                  JsonText(nlohmann::ordered_json{{"bank", n.bank}, {"legal_process", n.legal_process},
                                                  {"accounts", accounts}, {"period_from", n.period_from},
                                                  {"period_to", n.period_to}, {"sent_at", sent},
                                                  {"due_at", n.due_at},
                                                  {"markings", FormatMarkings(n.markings)}}),
                  "");
  }));
  return LoadRecordsRequest(actor, c, id);
}

Result<std::vector<RecordsRequest>> Workspace::ListRecordsRequests(const Actor& actor, int64_t case_id) {
  MT_ASSIGN_OR_RETURN(CaseInfo c, VisibleCase(actor, case_id));
  MT_ASSIGN_OR_RETURN(SqlRows ids, db_->Query("SELECT id FROM records_requests WHERE case_id = ? ORDER BY id",
                                              {case_id}));
  std::vector<RecordsRequest> out;
  for (const SqlRow& r : ids) {
    auto q = LoadRecordsRequest(actor, c, SqlInt(r[0]));
    if (q.ok()) out.push_back(std::move(*q));
    else if (q.status().code() != StatusCode::kNotFound) return q.status();
  }
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    return Append(actor, case_id, fmt::format("case/{}/requests", case_id), "read", "", "",
                  fmt::format("{} requests shown", out.size()));
  }));
  return out;
}

Result<RecordsRequest> Workspace::GetRecordsRequest(const Actor& actor, int64_t request_id) {
  const Status not_found = NotFoundError(fmt::format("request {}: not found", request_id));
  MT_ASSIGN_OR_RETURN(SqlRows rows, db_->Query("SELECT case_id FROM records_requests WHERE id = ?", {request_id}));
  if (rows.empty()) return not_found;
  auto c = VisibleCase(actor, SqlInt(rows[0][0]));
  if (!c.ok()) return not_found;
  MT_ASSIGN_OR_RETURN(RecordsRequest q, LoadRecordsRequest(actor, *c, request_id));
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    return Append(actor, q.case_id, fmt::format("request/{}", request_id), "read", "", "", "");
  }));
  return q;
}

Result<RecordsRequest> Workspace::AddRecordsReceipt(const Actor& actor, int64_t request_id, int64_t evidence_id,
                                                    const std::vector<std::string>& accounts,
                                                    std::string_view note, int64_t expected_version) {
  MT_ASSIGN_OR_RETURN(RecordsRequest before, GetRecordsRequest(actor, request_id));
  MT_ASSIGN_OR_RETURN(CaseInfo c, VisibleCase(actor, before.case_id));
  if (c.access < CaseAccess::kWrite) {
    return PermissionDeniedError(fmt::format("request {}: recording what arrived needs write access", request_id));
  }
  auto e = LoadEvidence(evidence_id);
  if (!e.ok() || e->case_id != before.case_id || !CanSee(actor.user, c.access, c.markings, e->markings)) {
    return NotFoundError(fmt::format("evidence {}: not found in case {}", evidence_id, before.case_id));
  }
  for (const std::string& a : accounts) {
    if (std::find(before.asked.accounts.begin(), before.asked.accounts.end(), a) == before.asked.accounts.end()) {
      return InvalidArgumentError(fmt::format("accounts: '{}' was not asked in request {}", Abbreviate(a), request_id));
    }
  }
  MT_RETURN_IF_ERROR(CheckText("note", note, kMaxTextBytes, false));
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    MT_ASSIGN_OR_RETURN(int64_t changed, db_->Execute("UPDATE records_requests SET version = version + 1 WHERE "
                                                      "id = ? AND version = ?",
                                                      {request_id, expected_version}));
    if (changed != 1) {
      return FailedPreconditionError(fmt::format("conflict: request {} is at version {}, the change was made to "
                                                 "version {}",
                                                 request_id, before.version, expected_version));
    }
    MT_ASSIGN_OR_RETURN(int64_t added,
                        db_->Execute("INSERT INTO records_received (request_id, evidence_id, accounts, note, at) "
                                     "VALUES (?,?,?,?,?) ON CONFLICT (request_id, evidence_id) DO NOTHING",
                                     {request_id, evidence_id, JsonText(nlohmann::json(accounts)),
                                      std::string(note), FormatIsoTime(Now())}));
    if (added != 1) {
      return AlreadyExistsError(fmt::format("evidence {} is already linked to request {}", evidence_id, request_id));
    }
    return Append(actor, before.case_id, fmt::format("request/{}", request_id), "received", "",
                  JsonText(nlohmann::ordered_json{{"evidence_id", evidence_id}, {"accounts", accounts}}),
                  std::string(note));
  }));
  return LoadRecordsRequest(actor, c, request_id);
}

}  // namespace moneytrail::workspace
