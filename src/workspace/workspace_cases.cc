// The workspace's cases, members, notes and oversight queries (include/moneytrail/workspace.h;
// docs/workspace.md). Each operation runs with its journal entry in one transaction.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
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

// ---- Cases -------------------------------------------------------------------------------------

Result<CaseAccess> Workspace::AccessOf(int64_t user_id, int64_t case_id) {
  MT_ASSIGN_OR_RETURN(SqlRows rows, db_->Query(kAccessOfSql, {case_id, user_id}));
  if (rows.empty()) return CaseAccess::kNone;
  auto access = ParseCaseAccess(SqlText(rows[0][0]));
  return access.ok() ? *access : CaseAccess::kNone;
}

Result<CaseInfo> Workspace::LoadCase(int64_t case_id) {
  MT_ASSIGN_OR_RETURN(SqlRows rows, db_->Query(kLoadCaseSql, {case_id}));
  if (rows.empty()) return NotFoundError(CaseNotFound(case_id));
  const SqlRow& r = rows[0];
  CaseInfo c;
  c.id = SqlInt(r[0]);
  c.number = SqlText(r[1]);
  c.title = SqlText(r[2]);
  c.owning_agency_id = SqlInt(r[3]);
  c.owning_agency = SqlText(r[4]);
  c.markings = MarkingsFromText(SqlText(r[5]));
  c.version = SqlInt(r[6]);
  c.created_at = SqlText(r[7]);
  return c;
}

Result<CaseInfo> Workspace::CreateCase(const Actor& actor, const NewCase& nc) {
  MT_RETURN_IF_ERROR(NeedRole(actor, {Role::kAgent, Role::kAnalyst, Role::kSupervisor}, "creating a case"));
  MT_RETURN_IF_ERROR(CheckText("number", nc.number, 64, true));
  MT_RETURN_IF_ERROR(CheckText("title", nc.title, kMaxNameBytes, true));
  if (!Covers(actor.user.clearances, nc.markings)) {
    return PermissionDeniedError(fmt::format("{} is not cleared for {}", actor.user.username,
                                             MissingMarkings(actor.user.clearances, nc.markings)));
  }
  CaseInfo c;
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    MT_RETURN_IF_ERROR(db_->Execute("INSERT INTO cases (number, title, owning_agency_id, markings, "
                                    "created_at, created_by) VALUES (?,?,?,?,?,?)",
                                    {nc.number, nc.title, actor.user.agency_id,
                                     FormatMarkings(nc.markings), FormatIsoTime(Now()), actor.user.id})
                           .status());
    const int64_t id = db_->LastInsertId();
    MT_RETURN_IF_ERROR(db_->Execute("INSERT INTO case_members (case_id, user_id, access, added_by, "
                                    "added_at) VALUES (?,?,?,?,?)",
                                    {id, actor.user.id, std::string("admin"), actor.user.id,
                                     FormatIsoTime(Now())})
                           .status());
    MT_ASSIGN_OR_RETURN(c, LoadCase(id));
    return Append(actor, id, fmt::format("case/{}", id), "create", "", JsonText(CaseJson(c)), "");
  }));
  c.access = CaseAccess::kAdmin;
  std::error_code ec;
  std::filesystem::create_directories(dir_ / "cases" / std::to_string(c.id), ec);
  return c;
}

Result<std::vector<CaseInfo>> Workspace::ListCases(const Actor& actor) {
  MT_ASSIGN_OR_RETURN(SqlRows rows, db_->Query("SELECT case_id, access FROM case_members WHERE user_id = ? "
                                               "ORDER BY case_id",
                                               {actor.user.id}));
  std::vector<CaseInfo> out;
  for (const SqlRow& r : rows) {
    MT_ASSIGN_OR_RETURN(CaseInfo c, LoadCase(SqlInt(r[0])));
    auto access = ParseCaseAccess(SqlText(r[1]));
    c.access = access.ok() ? *access : CaseAccess::kNone;
    if (CanSee(actor.user, c.access, c.markings, {})) out.push_back(std::move(c));
  }
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status { return Append(actor, 0, "cases", "list", "", "", ""); }));
  return out;
}

Result<CaseInfo> Workspace::GetCase(const Actor& actor, int64_t case_id) {
  MT_ASSIGN_OR_RETURN(CaseAccess access, AccessOf(actor.user.id, case_id));
  auto c = LoadCase(case_id);
  if (!c.ok() || !CanSee(actor.user, access, c->markings, {})) return NotFoundError(CaseNotFound(case_id));
  c->access = access;
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    return Append(actor, case_id, fmt::format("case/{}", case_id), "read", "", "", "");
  }));
  return c;
}

Result<CaseInfo> Workspace::UpdateCase(const Actor& actor, int64_t case_id, int64_t expected_version,
                                       const NewCase& nc) {
  MT_ASSIGN_OR_RETURN(CaseInfo before, GetCase(actor, case_id));
  if (before.access < CaseAccess::kAdmin) {
    return PermissionDeniedError(fmt::format("case {}: changing it needs admin access", case_id));
  }
  MT_RETURN_IF_ERROR(CheckText("title", nc.title, kMaxNameBytes, true));
  if (!Covers(actor.user.clearances, nc.markings)) {
    return PermissionDeniedError(fmt::format("{} is not cleared for {}", actor.user.username,
                                             MissingMarkings(actor.user.clearances, nc.markings)));
  }
  // A marking added to a case must not expose it to members not cleared for it.
  MT_ASSIGN_OR_RETURN(SqlRows members, db_->Query(fmt::format("SELECT {} WHERE u.id IN (SELECT user_id FROM "
                                                              "case_members WHERE case_id = ?)",
                                                              kUserColumns),
                                                  {case_id}));
  for (const SqlRow& r : members) {
    const User member = UserFromRow(r);
    if (!Covers(member.clearances, nc.markings)) {
      return FailedPreconditionError(fmt::format(
          "case {}: member {} is not cleared for {}; remove them before marking the case", case_id,
          member.username, MissingMarkings(member.clearances, nc.markings)));
    }
  }
  CaseInfo after;
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    MT_ASSIGN_OR_RETURN(int64_t changed,
                        db_->Execute("UPDATE cases SET title = ?, markings = ?, version = version + 1 "
                                     "WHERE id = ? AND version = ?",
                                     {nc.title, FormatMarkings(nc.markings), case_id, expected_version}));
    if (changed != 1) {
      return FailedPreconditionError(fmt::format(
          "conflict: case {} is at version {}, the change was made to version {}", case_id,
          before.version, expected_version));
    }
    MT_ASSIGN_OR_RETURN(after, LoadCase(case_id));
    return Append(actor, case_id, fmt::format("case/{}", case_id), "update", JsonText(CaseJson(before)),
                  JsonText(CaseJson(after)), "");
  }));
  after.access = before.access;
  return after;
}

Status Workspace::AddMember(const Actor& actor, int64_t case_id, int64_t user_id, CaseAccess access,
                            std::string_view reason) {
  MT_ASSIGN_OR_RETURN(CaseInfo c, GetCase(actor, case_id));
  if (c.access < CaseAccess::kAdmin) {
    return PermissionDeniedError(fmt::format("case {}: adding members needs admin access", case_id));
  }
  if (access == CaseAccess::kNone) return InvalidArgumentError("access: expected read, write or admin");
  MT_RETURN_IF_ERROR(CheckText("reason", reason, kMaxNameBytes * 5, false));
  MT_ASSIGN_OR_RETURN(User member, LoadUser(user_id));
  if (!Covers(member.clearances, c.markings)) {
    return FailedPreconditionError(fmt::format("{} is not cleared for {} and cannot join case {}",
                                               member.username,
                                               MissingMarkings(member.clearances, c.markings), c.number));
  }
  const bool grand_jury = c.markings.count(std::string(kMarkingGrandJury)) != 0;
  const bool tax = c.markings.count(std::string(kMarking6103)) != 0;
  if ((grand_jury || tax) && reason.empty()) {
    return InvalidArgumentError(fmt::format(
        "reason: required to add a member to a {} case (who is personally engaged, and why)",
        grand_jury ? "GJ-6E" : "6103"));
  }
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    MT_RETURN_IF_ERROR(db_->Execute("INSERT INTO case_members (case_id, user_id, access, added_by, added_at) "
                                    "VALUES (?,?,?,?,?) ON CONFLICT (case_id, user_id) DO UPDATE SET "
                                    "access = excluded.access",
                                    {case_id, user_id, std::string(CaseAccessName(access)), actor.user.id,
                                     FormatIsoTime(Now())})
                           .status());
    if (grand_jury) {
      MT_RETURN_IF_ERROR(db_->Execute("INSERT INTO disclosures (case_id, user_id, marking, disclosed_by, "
                                      "reason, at) VALUES (?,?,?,?,?,?)",
                                      {case_id, user_id, std::string(kMarkingGrandJury), actor.user.id,
                                       std::string(reason), FormatIsoTime(Now())})
                             .status());
    }
    return Append(actor, case_id, fmt::format("case/{}/member/{}", case_id, user_id), "add-member", "",
                  JsonText(nlohmann::ordered_json{{"user", member.username},
                                                  {"agency", member.agency},
                                                  {"access", CaseAccessName(access)},
                                                  {"disclosure", grand_jury ? "GJ-6E" : ""}}),
                  reason);
  }));
  return Status::Ok();
}

Status Workspace::RemoveMember(const Actor& actor, int64_t case_id, int64_t user_id,
                               std::string_view reason) {
  MT_ASSIGN_OR_RETURN(CaseInfo c, GetCase(actor, case_id));
  if (c.access < CaseAccess::kAdmin) {
    return PermissionDeniedError(fmt::format("case {}: removing members needs admin access", case_id));
  }
  MT_RETURN_IF_ERROR(CheckText("reason", reason, kMaxNameBytes * 5, false));
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    MT_ASSIGN_OR_RETURN(int64_t changed, db_->Execute("DELETE FROM case_members WHERE case_id = ? AND user_id = ?",
                                                      {case_id, user_id}));
    if (changed == 0) return NotFoundError(fmt::format("user {} is not a member of case {}", user_id, case_id));
    return Append(actor, case_id, fmt::format("case/{}/member/{}", case_id, user_id), "remove-member", "",
                  "", reason);
  }));
  return Status::Ok();
}

Result<std::vector<Member>> Workspace::ListMembers(const Actor& actor, int64_t case_id) {
  MT_RETURN_IF_ERROR(GetCase(actor, case_id).status());
  MT_ASSIGN_OR_RETURN(SqlRows rows, db_->Query("SELECT m.user_id, u.username, a.name, m.access FROM case_members m "
                                               "JOIN users u ON u.id = m.user_id JOIN agencies a ON "
                                               "a.id = u.agency_id WHERE m.case_id = ? ORDER BY m.user_id",
                                               {case_id}));
  std::vector<Member> out;
  for (const SqlRow& r : rows) {
    auto access = ParseCaseAccess(SqlText(r[3]));
    out.push_back({SqlInt(r[0]), SqlText(r[1]), SqlText(r[2]), access.ok() ? *access : CaseAccess::kRead});
  }
  return out;
}

// ---- Notes -------------------------------------------------------------------------------------

Result<Note> Workspace::AddNote(const Actor& actor, int64_t case_id, std::string_view object_type,
                                std::string_view object_id, std::string_view text,
                                const Markings& markings) {
  MT_ASSIGN_OR_RETURN(CaseInfo c, GetCase(actor, case_id));
  if (c.access < CaseAccess::kWrite) {
    return PermissionDeniedError(fmt::format("case {}: notes need write access", case_id));
  }
  if (std::find(std::begin(kObjectTypes), std::end(kObjectTypes), object_type) == std::end(kObjectTypes)) {
    return InvalidArgumentError(fmt::format("object_type '{}': expected case, subject, alert, transaction, account, flow or view",
                                            Abbreviate(object_type)));
  }
  MT_RETURN_IF_ERROR(CheckText("object_id", object_id, kMaxNameBytes, object_type != "case"));
  MT_RETURN_IF_ERROR(CheckText("text", text, kMaxTextBytes, true));
  if (!Covers(actor.user.clearances, markings)) {
    return PermissionDeniedError(fmt::format("{} is not cleared for {}", actor.user.username,
                                             MissingMarkings(actor.user.clearances, markings)));
  }
  Note note;
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    const std::string now = FormatIsoTime(Now());
    MT_RETURN_IF_ERROR(db_->Execute("INSERT INTO notes (case_id, object_type, object_id, author_id, text, "
                                    "markings, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)",
                                    {case_id, std::string(object_type), std::string(object_id),
                                     actor.user.id, std::string(text), FormatMarkings(markings), now, now})
                           .status());
    const int64_t id = db_->LastInsertId();
    MT_ASSIGN_OR_RETURN(SqlRows rows, db_->Query(NoteByIdSql(), {id}));
    note = NoteFromRow(rows.at(0));
    return Append(actor, case_id, fmt::format("note/{}", id), "create", "", JsonText(NoteJson(note)), "");
  }));
  return note;
}

Result<std::vector<Note>> Workspace::ListNotes(const Actor& actor, int64_t case_id) {
  MT_ASSIGN_OR_RETURN(CaseInfo c, GetCase(actor, case_id));
  MT_ASSIGN_OR_RETURN(SqlRows rows, db_->Query(fmt::format("SELECT {} WHERE n.case_id = ? ORDER BY n.id",
                                                           kNoteColumns),
                                               {case_id}));
  std::vector<Note> out;
  for (const SqlRow& r : rows) {
    Note n = NoteFromRow(r);
    if (CanSee(actor.user, c.access, c.markings, n.markings)) out.push_back(std::move(n));
  }
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    return Append(actor, case_id, fmt::format("case/{}/notes", case_id), "read", "", "",
                  fmt::format("{} notes shown", out.size()));
  }));
  return out;
}

namespace workspace_internal {
const std::string& NoteByIdSql() {
  static const std::string sql = fmt::format("SELECT {} WHERE n.id = ?", kNoteColumns);
  return sql;
}
}  // namespace workspace_internal

Result<Note> Workspace::VisibleNote(const Actor& actor, int64_t note_id, CaseAccess& access) {
  MT_ASSIGN_OR_RETURN(SqlRows rows, db_->Query(NoteByIdSql(), {note_id}));
  const Status not_found = NotFoundError(fmt::format("note {}: not found", note_id));
  if (rows.empty()) return not_found;
  Note n = NoteFromRow(rows[0]);
  MT_ASSIGN_OR_RETURN(access, AccessOf(actor.user.id, n.case_id));
  MT_ASSIGN_OR_RETURN(CaseInfo c, LoadCase(n.case_id));
  if (!CanSee(actor.user, access, c.markings, n.markings)) return not_found;
  return n;
}

Result<Note> Workspace::GetNote(const Actor& actor, int64_t note_id) {
  CaseAccess access = CaseAccess::kNone;
  MT_ASSIGN_OR_RETURN(Note n, VisibleNote(actor, note_id, access));
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    return Append(actor, n.case_id, fmt::format("note/{}", note_id), "read", "", "", "");
  }));
  return n;
}

Result<Note> Workspace::UpdateNote(const Actor& actor, int64_t note_id, int64_t expected_version,
                                   std::string_view text) {
  // The update's journal entry holds the note before and after: the read it rests on needs no
  // entry (and no durable commit) of its own, so a change waits for one commit, not two.
  CaseAccess access = CaseAccess::kNone;
  MT_ASSIGN_OR_RETURN(Note before, VisibleNote(actor, note_id, access));
  if (access < CaseAccess::kWrite) {
    return PermissionDeniedError(fmt::format("note {}: changing it needs write access to case {}",
                                             note_id, before.case_id));
  }
  MT_RETURN_IF_ERROR(CheckText("text", text, kMaxTextBytes, true));
  Note after;
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    MT_ASSIGN_OR_RETURN(int64_t changed,
                        db_->Execute("UPDATE notes SET text = ?, version = version + 1, updated_at = ? "
                                     "WHERE id = ? AND version = ?",
                                     {std::string(text), FormatIsoTime(Now()), note_id, expected_version}));
    if (changed != 1) {
      return FailedPreconditionError(fmt::format(
          "conflict: note {} is at version {}, the change was made to version {}", note_id,
          before.version, expected_version));
    }
    MT_ASSIGN_OR_RETURN(SqlRows rows, db_->Query(NoteByIdSql(), {note_id}));
    after = NoteFromRow(rows.at(0));
    return Append(actor, before.case_id, fmt::format("note/{}", note_id), "update",
                  JsonText(NoteJson(before)), JsonText(NoteJson(after)), "");
  }));
  return after;
}

// ---- Oversight ---------------------------------------------------------------------------------

Result<std::vector<JournalEntry>> Workspace::QueryJournal(const Actor& actor, const JournalQuery& q) {
  MT_RETURN_IF_ERROR(NeedRole(actor, {Role::kAuditor}, "reading the journal"));
  std::string sql = fmt::format("SELECT {} WHERE 1 = 1", kJournalColumns);
  std::vector<SqlValue> params;
  if (!q.username.empty()) { sql += " AND username = ?"; params.emplace_back(q.username); }
  if (!q.object.empty()) { sql += " AND object = ?"; params.emplace_back(q.object); }
  if (q.case_id != 0) { sql += " AND case_id = ?"; params.emplace_back(q.case_id); }
  if (!q.from.empty()) { sql += " AND at >= ?"; params.emplace_back(q.from); }
  if (!q.to.empty()) { sql += " AND at < ?"; params.emplace_back(q.to); }
  sql += " ORDER BY seq LIMIT ?";
  params.emplace_back(std::clamp<int64_t>(q.limit, 1, 100000));
  MT_ASSIGN_OR_RETURN(SqlRows rows, db_->Query(sql, params));
  std::vector<JournalEntry> out;
  for (const SqlRow& r : rows) out.push_back(JournalEntryFromRow(r));
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    return Append(actor, q.case_id, "journal", "query", "",
                  JsonText(nlohmann::ordered_json{{"username", q.username}, {"object", q.object},
                                                  {"case_id", q.case_id}, {"from", q.from}, {"to", q.to}}),
                  "");
  }));
  return out;
}

Result<std::vector<Disclosure>> Workspace::GrandJuryDisclosures(const Actor& actor, int64_t case_id) {
  MT_RETURN_IF_ERROR(NeedRole(actor, {Role::kAuditor}, "listing grand-jury disclosures"));
  MT_ASSIGN_OR_RETURN(SqlRows rows,
                      db_->Query("SELECT d.case_id, c.number, u.username, a.name, b.username, d.reason, d.at "
                                 "FROM disclosures d JOIN cases c ON c.id = d.case_id JOIN users u ON "
                                 "u.id = d.user_id JOIN agencies a ON a.id = u.agency_id JOIN users b ON "
                                 "b.id = d.disclosed_by WHERE (? = 0 OR d.case_id = ?) ORDER BY d.id",
                                 {case_id, case_id}));
  std::vector<Disclosure> out;
  for (const SqlRow& r : rows) {
    out.push_back({SqlInt(r[0]), SqlText(r[1]), SqlText(r[2]), SqlText(r[3]), SqlText(r[4]),
                   SqlText(r[5]), SqlText(r[6])});
  }
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    return Append(actor, case_id, "disclosures", "query", "", "", "");
  }));
  return out;
}

}  // namespace moneytrail::workspace
