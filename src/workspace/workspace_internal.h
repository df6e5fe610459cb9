// Helpers shared by the workspace's two implementation files (workspace.cc: creation,
// sessions, administration; workspace_cases.cc: cases, members, notes, oversight).
#ifndef MONEYTRAIL_WORKSPACE_WORKSPACE_INTERNAL_H_
#define MONEYTRAIL_WORKSPACE_WORKSPACE_INTERNAL_H_

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "moneytrail/status.h"
#include "moneytrail/workspace.h"
#include "workspace/sql.h"

namespace moneytrail::workspace::workspace_internal {

inline constexpr std::string_view kRoleNames[] = {"agent", "analyst", "supervisor", "auditor",
                                           "administrator"};
inline constexpr std::string_view kAccessNames[] = {"none", "read", "write", "admin"};
inline constexpr std::string_view kKnownMarkings[] = {kMarking6103, kMarkingGrandJury, kMarkingSar,
                                               kMarkingLes};
// account and flow ("FROM->TO"): annotations on the link chart; view: a saved chart view (its
// text the view's JSON; src/server/api_saved_views.cc).
inline constexpr std::string_view kObjectTypes[] = {"case", "subject", "alert", "transaction", "account", "flow", "view"};
inline constexpr size_t kMaxTextBytes = 64 * 1024;
inline constexpr size_t kMaxNameBytes = 200;

inline constexpr std::string_view kUserColumns =
    "u.id, u.agency_id, a.name, u.username, u.display_name, u.role, u.clearances, u.disabled, "
    "u.password_hash FROM users u JOIN agencies a ON a.id = u.agency_id";
inline constexpr std::string_view kNoteColumns =
    "n.id, n.case_id, n.object_type, n.object_id, u.username, n.text, n.markings, n.version, "
    "n.created_at, n.updated_at FROM notes n JOIN users u ON u.id = n.author_id";

// The statements a request runs on its own connection before its change, compiled ahead by
// Workspace::PrepareStatements; each is the exact text its function runs (tests/workspace
// counts no compile on a prepared connection).
inline constexpr std::string_view kAccessOfSql =
    "SELECT access FROM case_members WHERE case_id = ? AND user_id = ?";
inline constexpr std::string_view kLoadCaseSql =
    "SELECT c.id, c.number, c.title, c.owning_agency_id, a.name, c.markings, c.version, c.created_at "
    "FROM cases c JOIN agencies a ON a.id = c.owning_agency_id WHERE c.id = ?";
inline constexpr std::string_view kAlertRecordSql = "SELECT record FROM alerts WHERE id = ?";
inline constexpr std::string_view kAlertHistorySql =
    "SELECT h.at, u.username, h.action, h.before_value, h.after_value, h.note FROM alert_history h "
    "JOIN users u ON u.id = h.user_id WHERE h.alert_id = ? ORDER BY h.id";
// The session and its user in one lookup (Authenticate; workspace.cc).
const std::string& AuthenticateSql();
// One note by id (workspace_cases.cc).
const std::string& NoteByIdSql();
// One alert by id (workspace_alerts.cc).
const std::string& AlertByIdSql();
// The queue page's statement for the filters `q` sets (workspace_alerts.cc); its parameters:
// the case id, then each set filter's value in the order of AlertQuery's fields (state, rule,
// assignee, subject, snoozed), then after_id and the limit.
std::string AlertPageSql(const AlertQuery& q);

// A random token of `bytes` bytes, in hex.
std::string RandomHex(size_t bytes);
// RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF.
bool IsValidUtf8(std::string_view s);
// "6103,LES" -> {6103, LES}.
Markings MarkingsFromText(std::string_view text);
// Whether `held` includes every marking of `needed`; the ones it lacks, formatted.
bool Covers(const Markings& held, const Markings& needed);
std::string MissingMarkings(const Markings& held, const Markings& needed);
// InvalidArgument naming `field` when `value` is empty (and required), too long, not UTF-8 or
// holds a NUL.
Status CheckText(std::string_view field, std::string_view value, size_t max_bytes, bool required);
// PermissionDenied unless the actor holds one of `roles`.
Status NeedRole(const Actor& actor, std::initializer_list<Role> roles, std::string_view what);
std::string CaseNotFound(int64_t case_id);
// The journalled before/after values.
nlohmann::ordered_json CaseJson(const CaseInfo& c);
nlohmann::ordered_json NoteJson(const Note& n);
// Rows selected with kUserColumns / kNoteColumns.
User UserFromRow(const SqlRow& r);
Note NoteFromRow(const SqlRow& r);
Result<std::string> HashPassword(std::string_view password, const PasswordCost& cost);

}  // namespace moneytrail::workspace::workspace_internal

#endif  // MONEYTRAIL_WORKSPACE_WORKSPACE_INTERNAL_H_
