// The alert queue: listing with filters and keyset paging, open-and-lock, "next unassigned",
// assignment, snoozing, dispositions (each change with a note and the alert's version), and the
// dispositions exported as training labels.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
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

constexpr std::string_view kAlertColumns =
    "a.id, a.case_id, a.run_job_id, a.alert_id, a.rule_id, a.severity, a.title, a.subjects, "
    "a.window_start, a.window_end, a.sentence, a.markings, a.state, ua.username, ul.username, "
    "a.lock_expires, a.snoozed_until, a.version, a.updated_at, a.assignee_id, a.lock_user_id "
    "FROM alerts a LEFT JOIN users ua ON ua.id = a.assignee_id LEFT JOIN users ul ON "
    "ul.id = a.lock_user_id";

struct AlertRow {
  Alert alert;
  int64_t assignee_id = 0;
  int64_t lock_user_id = 0;
  int64_t lock_expires = 0;
};

AlertRow AlertFromRow(const SqlRow& r, int64_t now) {
  AlertRow out;
  Alert& a = out.alert;
  a.id = SqlInt(r[0]);
  a.case_id = SqlInt(r[1]);
  a.run_job_id = SqlInt(r[2]);
  a.alert_id = SqlText(r[3]);
  a.rule_id = SqlText(r[4]);
  a.severity = SqlText(r[5]);
  a.title = SqlText(r[6]);
  const std::string subjects = SqlText(r[7]);
  size_t start = 1;
  while (start < subjects.size()) {
    const size_t comma = subjects.find(',', start);
    if (comma == std::string::npos) break;
    if (comma > start) a.subjects.push_back(subjects.substr(start, comma - start));
    start = comma + 1;
  }
  a.window_start = SqlText(r[8]);
  a.window_end = SqlText(r[9]);
  a.sentence = SqlText(r[10]);
  a.markings = MarkingsFromText(SqlText(r[11]));
  a.state = SqlText(r[12]);
  a.assignee = SqlText(r[13]);
  out.lock_expires = SqlInt(r[15]);
  out.lock_user_id = out.lock_expires > now ? SqlInt(r[20]) : 0;
  if (out.lock_user_id != 0) {
    a.locked_by = SqlText(r[14]);
    a.lock_expires_at = FormatIsoTime(out.lock_expires);
  }
  a.snoozed_until = SqlText(r[16]);
  a.version = SqlInt(r[17]);
  a.updated_at = SqlText(r[18]);
  out.assignee_id = SqlInt(r[19]);
  return out;
}

nlohmann::ordered_json AlertStateJson(const Alert& a) {
  return {{"state", a.state}, {"assignee", a.assignee}, {"snoozed_until", a.snoozed_until},
          {"version", a.version}};
}

bool IsDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  static const Result<TimeFormat> format = TimeFormat::Compile("%Y-%m-%d");
  return format.ok() && format->Parse(s).ok();
}

// Bumps the alert's version if it is still `expected_version`; conflict otherwise.
Status Bump(SqlDatabase& db, int64_t alert_id, int64_t expected_version, const std::string& now,
            const std::string& set_sql, std::vector<SqlValue> params) {
  params.insert(params.end(), {SqlValue(now), SqlValue(alert_id), SqlValue(expected_version)});
  MT_ASSIGN_OR_RETURN(int64_t changed,
                      db.Execute(fmt::format("UPDATE alerts SET {}, version = version + 1, updated_at = ? "
                                             "WHERE id = ? AND version = ?",
                                             set_sql),
                                 params));
  if (changed != 1) {
    return FailedPreconditionError(fmt::format(
        "conflict: alert {} changed since version {}; reload it", alert_id, expected_version));
  }
  return Status::Ok();
}

}  // namespace

namespace workspace_internal {

const std::string& AlertByIdSql() {
  static const std::string sql = fmt::format("SELECT {} WHERE a.id = ?", kAlertColumns);
  return sql;
}

std::string AlertPageSql(const AlertQuery& q) {
  std::string sql = fmt::format("SELECT {} WHERE a.case_id = ?", kAlertColumns);
  if (!q.state.empty()) sql += " AND a.state = ?";
  if (!q.rule_id.empty()) sql += " AND a.rule_id = ?";
  if (q.unassigned) {
    sql += " AND a.assignee_id = 0";
  } else if (!q.assignee.empty()) {
    sql += " AND a.assignee_id = (SELECT id FROM users WHERE username = ?)";
  }
  if (!q.subject.empty()) sql += " AND a.subjects LIKE ? ESCAPE '!'";
  if (!q.include_snoozed) sql += " AND a.snoozed_until <= ?";
  sql += " AND a.id > ? ORDER BY a.id LIMIT ?";
  return sql;
}

}  // namespace workspace_internal

Result<Alert> Workspace::LoadAlert(int64_t alert_id) {
  MT_ASSIGN_OR_RETURN(SqlRows rows, db_->Query(AlertByIdSql(), {alert_id}));
  if (rows.empty()) return NotFoundError(fmt::format("alert {}: not found", alert_id));
  return AlertFromRow(rows[0], Now()).alert;
}

Result<AlertPage> Workspace::ListAlerts(const Actor& actor, int64_t case_id, const AlertQuery& q,
                                        const std::function<void(const AlertPage&)>& prepare) {
  MT_ASSIGN_OR_RETURN(CaseInfo c, VisibleCase(actor, case_id));
  if (!q.state.empty() &&
      std::find(std::begin(kAlertStates), std::end(kAlertStates), q.state) == std::end(kAlertStates)) {
    return InvalidArgumentError(fmt::format(
        "state '{}': expected open, in_review, escalated, confirmed or cleared", Abbreviate(q.state)));
  }
  const int64_t limit = std::clamp<int64_t>(q.limit, 1, 1000);
  const std::string sql = AlertPageSql(q);
  // The parameters in the order AlertPageSql places them.
  std::vector<SqlValue> params{case_id};
  if (!q.state.empty()) params.emplace_back(q.state);
  if (!q.rule_id.empty()) params.emplace_back(q.rule_id);
  if (!q.unassigned && !q.assignee.empty()) params.emplace_back(q.assignee);
  if (!q.subject.empty()) {
    std::string escaped;
    for (char ch : q.subject) {
      if (ch == '%' || ch == '_' || ch == '!') escaped += '!';
      escaped += ch;
    }
    params.emplace_back("%," + escaped + ",%");
  }
  if (!q.include_snoozed) params.emplace_back(FormatIsoTime(Now()).substr(0, 10));
  AlertPage page;
  int64_t after = q.after_id;
  // Alerts the actor may not see are skipped; read on until the page is full and one more
  // visible alert shows that another page follows.
  bool more = false;
  for (;;) {
    std::vector<SqlValue> p = params;
    p.emplace_back(after);
    p.emplace_back(limit + 1);
    MT_ASSIGN_OR_RETURN(SqlRows rows, db_->Query(sql, p));
    for (const SqlRow& r : rows) {
      Alert a = AlertFromRow(r, Now()).alert;
      after = a.id;
      if (!CanSee(actor.user, c.access, c.markings, a.markings)) continue;
      if (static_cast<int64_t>(page.alerts.size()) == limit) {
        more = true;
        break;
      }
      page.alerts.push_back(std::move(a));
    }
    if (more || static_cast<int64_t>(rows.size()) <= limit) break;
  }
  page.next_after_id = more ? page.alerts.back().id : 0;
  if (prepare) prepare(page);
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    return Append(actor, case_id, fmt::format("case/{}/alerts", case_id), "read", "", "",
                  fmt::format("{} alerts shown after id {}", page.alerts.size(), q.after_id));
  }));
  return page;
}

Result<Alert> Workspace::GetAlert(const Actor& actor, int64_t alert_id) {
  const Status not_found = NotFoundError(fmt::format("alert {}: not found", alert_id));
  auto a = LoadAlert(alert_id);
  if (!a.ok()) return not_found;
  auto c = VisibleCase(actor, a->case_id);
  if (!c.ok() || !CanSee(actor.user, c->access, c->markings, a->markings)) return not_found;
  MT_ASSIGN_OR_RETURN(SqlRows rec, db_->Query(kAlertRecordSql, {alert_id}));
  a->record = SqlText(rec.at(0).at(0));
  MT_ASSIGN_OR_RETURN(SqlRows hist, db_->Query(kAlertHistorySql, {alert_id}));
  for (const SqlRow& r : hist) {
    a->history.push_back({SqlText(r[0]), SqlText(r[1]), SqlText(r[2]), SqlText(r[3]), SqlText(r[4]), SqlText(r[5])});
  }
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    return Append(actor, a->case_id, fmt::format("alert/{}", alert_id), "read", "", "", "");
  }));
  return a;
}

Result<Alert> Workspace::ChangeAlert(const Actor& actor, int64_t alert_id, int64_t expected_version,
                                     std::string_view note, std::string_view action,
                                     const std::function<Result<std::string>(const Alert& before)>& update) {
  const Status not_found = NotFoundError(fmt::format("alert {}: not found", alert_id));
  MT_ASSIGN_OR_RETURN(SqlRows rows, db_->Query(AlertByIdSql(), {alert_id}));
  if (rows.empty()) return not_found;
  const AlertRow before = AlertFromRow(rows[0], Now());
  auto c = VisibleCase(actor, before.alert.case_id);
  if (!c.ok() || !CanSee(actor.user, c->access, c->markings, before.alert.markings)) return not_found;
  if (c->access < CaseAccess::kWrite) {
    return PermissionDeniedError(fmt::format("alert {}: changing it needs write access to case {}", alert_id,
                                             before.alert.case_id));
  }
  MT_RETURN_IF_ERROR(CheckText("note", note, kMaxTextBytes, true));
  if (before.lock_user_id != 0 && before.lock_user_id != actor.user.id) {
    return FailedPreconditionError(fmt::format("conflict: alert {} is locked by {} until {}", alert_id,
                                               before.alert.locked_by, before.alert.lock_expires_at));
  }
  if (before.alert.version != expected_version) {
    return FailedPreconditionError(fmt::format("conflict: alert {} is at version {}, the change was made to version {}",
                                               alert_id, before.alert.version, expected_version));
  }
  Alert after;
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    // The lock again, inside the write transaction: another user may have taken it since.
    MT_ASSIGN_OR_RETURN(SqlRows now, db_->Query("SELECT lock_user_id, lock_expires FROM alerts WHERE id = ?",
                                                {alert_id}));
    if (now.empty()) return not_found;
    const int64_t holder = SqlInt(now[0][0]);
    if (holder != 0 && holder != actor.user.id && SqlInt(now[0][1]) > Now()) {
      return FailedPreconditionError(fmt::format("conflict: alert {} was locked by another user", alert_id));
    }
    MT_ASSIGN_OR_RETURN(std::string what, update(before.alert));
    MT_ASSIGN_OR_RETURN(after, LoadAlert(alert_id));
    const std::string before_text = JsonText(AlertStateJson(before.alert));
    const std::string after_text = JsonText(AlertStateJson(after));
    MT_RETURN_IF_ERROR(db_->Execute("INSERT INTO alert_history (alert_id, user_id, action, before_value, "
                                    "after_value, note, at) VALUES (?,?,?,?,?,?,?)",
                                    {alert_id, actor.user.id, std::string(action), before_text, after_text,
                                     std::string(note), FormatIsoTime(Now())})
                           .status());
    return Append(actor, before.alert.case_id, fmt::format("alert/{}", alert_id), action, before_text,
                  after_text, std::string(note) + (what.empty() ? "" : " (" + what + ")"));
  }));
  return after;
}

Result<Alert> Workspace::LockAlert(const Actor& actor, int64_t alert_id) {
  MT_ASSIGN_OR_RETURN(Alert a, GetAlert(actor, alert_id));
  MT_ASSIGN_OR_RETURN(CaseAccess access, AccessOf(actor.user.id, a.case_id));
  if (access < CaseAccess::kWrite) {
    return PermissionDeniedError(fmt::format("alert {}: locking needs write access", alert_id));
  }
  if (!a.locked_by.empty() && a.locked_by != actor.user.username) {
    return FailedPreconditionError(fmt::format("conflict: alert {} is locked by {} until {}", alert_id, a.locked_by,
                                               a.lock_expires_at));
  }
  const int64_t expires = Now() + options_.alert_lock_seconds;
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    // Taken only if still free (or ours, or expired) inside the write transaction: of two users
    // locking at once, one gets the lock and the other a conflict.
    MT_ASSIGN_OR_RETURN(int64_t changed,
                        db_->Execute("UPDATE alerts SET lock_user_id = ?, lock_expires = ? WHERE id = ? AND "
                                     "(lock_user_id = 0 OR lock_user_id = ? OR lock_expires <= ?)",
                                     {actor.user.id, expires, alert_id, actor.user.id, Now()}));
    if (changed != 1) {
      return FailedPreconditionError(fmt::format("conflict: alert {} was locked by another user", alert_id));
    }
    return Append(actor, a.case_id, fmt::format("alert/{}", alert_id), "lock", "", FormatIsoTime(expires), "");
  }));
  a.locked_by = actor.user.username;
  a.lock_expires_at = FormatIsoTime(expires);
  return a;
}

Result<Alert> Workspace::UnlockAlert(const Actor& actor, int64_t alert_id) {
  MT_ASSIGN_OR_RETURN(Alert a, GetAlert(actor, alert_id));
  if (!a.locked_by.empty() && a.locked_by != actor.user.username) {
    return FailedPreconditionError(fmt::format("conflict: alert {} is locked by {}", alert_id, a.locked_by));
  }
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    MT_RETURN_IF_ERROR(db_->Execute("UPDATE alerts SET lock_user_id = 0, lock_expires = 0 WHERE id = ? AND "
                                    "lock_user_id = ?",
                                    {alert_id, actor.user.id})
                           .status());
    return Append(actor, a.case_id, fmt::format("alert/{}", alert_id), "unlock", "", "", "");
  }));
  a.locked_by.clear();
  a.lock_expires_at.clear();
  return a;
}

Result<std::optional<Alert>> Workspace::NextAlert(const Actor& actor, int64_t case_id) {
  MT_ASSIGN_OR_RETURN(CaseInfo c, VisibleCase(actor, case_id));
  if (c.access < CaseAccess::kWrite) {
    return PermissionDeniedError(fmt::format("case {}: taking alerts needs write access", case_id));
  }
  const int64_t now = Now();
  int64_t after = 0;
  for (;;) {
    MT_ASSIGN_OR_RETURN(SqlRows rows,
                        db_->Query(fmt::format("SELECT {} WHERE a.case_id = ? AND a.state = 'open' AND "
                                               "a.assignee_id = 0 AND a.snoozed_until <= ? AND "
                                               "(a.lock_user_id = 0 OR a.lock_expires <= ?) AND a.id > ? "
                                               "ORDER BY a.id LIMIT 200",
                                               kAlertColumns),
                                   {case_id, FormatIsoTime(now).substr(0, 10), now, after}));
    if (rows.empty()) break;
    for (const SqlRow& r : rows) {
      const Alert a = AlertFromRow(r, now).alert;
      after = a.id;
      if (!CanSee(actor.user, c.access, c.markings, a.markings)) continue;
      Result<Alert> taken =
          ChangeAlert(actor, a.id, a.version, "taken from the queue (next unassigned)", "assign",
                      [&](const Alert&) -> Result<std::string> {
                        MT_RETURN_IF_ERROR(Bump(*db_, a.id, a.version, FormatIsoTime(now),
                                                "assignee_id = ?, lock_user_id = ?, lock_expires = ?",
                                                {actor.user.id, actor.user.id,
                                                 now + options_.alert_lock_seconds}));
                        return std::string("locked");
                      });
      // Another user took it in the meantime: try the next one.
      if (!taken.ok() && taken.status().code() == StatusCode::kFailedPrecondition) continue;
      if (!taken.ok()) return taken.status();
      return std::optional<Alert>(std::move(*taken));
    }
  }
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    return Append(actor, case_id, fmt::format("case/{}/alerts", case_id), "next", "", "", "none left");
  }));
  return std::optional<Alert>();
}

Result<Alert> Workspace::AssignAlert(const Actor& actor, int64_t alert_id, int64_t user_id,
                                     int64_t expected_version, std::string_view note) {
  return ChangeAlert(actor, alert_id, expected_version, note, "assign",
                     [&](const Alert& before) -> Result<std::string> {
                       if (user_id != 0) {
                         MT_ASSIGN_OR_RETURN(CaseAccess access, AccessOf(user_id, before.case_id));
                         auto user = LoadUser(user_id);
                         MT_ASSIGN_OR_RETURN(CaseInfo c, LoadCase(before.case_id));
                         if (!user.ok() || access < CaseAccess::kWrite ||
                             !CanSee(*user, access, c.markings, before.markings)) {
                           return InvalidArgumentError(fmt::format(
                               "user_id {}: not a member with write access who may see alert {}", user_id,
                               before.id));
                         }
                       }
                       MT_RETURN_IF_ERROR(Bump(*db_, before.id, before.version, FormatIsoTime(Now()),
                                               "assignee_id = ?", {user_id}));
                       return std::string();
                     });
}

Result<Alert> Workspace::SnoozeAlert(const Actor& actor, int64_t alert_id, std::string_view until,
                                     int64_t expected_version, std::string_view note) {
  if (!until.empty() && !IsDate(until)) {
    return InvalidArgumentError(fmt::format("until '{}': expected a date YYYY-MM-DD", Abbreviate(until)));
  }
  return ChangeAlert(actor, alert_id, expected_version, note, "snooze",
                     [&](const Alert& before) -> Result<std::string> {
                       MT_RETURN_IF_ERROR(Bump(*db_, before.id, before.version, FormatIsoTime(Now()),
                                               "snoozed_until = ?", {std::string(until)}));
                       return std::string();
                     });
}

Result<Alert> Workspace::SetDisposition(const Actor& actor, int64_t alert_id, std::string_view state,
                                        int64_t expected_version, std::string_view note) {
  if (std::find(std::begin(kAlertStates), std::end(kAlertStates), state) == std::end(kAlertStates)) {
    return InvalidArgumentError(fmt::format(
        "state '{}': expected open, in_review, escalated, confirmed or cleared", Abbreviate(state)));
  }
  return ChangeAlert(actor, alert_id, expected_version, note, "disposition",
                     [&](const Alert& before) -> Result<std::string> {
                       MT_RETURN_IF_ERROR(Bump(*db_, before.id, before.version, FormatIsoTime(Now()),
                                               "state = ?", {std::string(state)}));
                       return std::string();
                     });
}

Result<std::string> Workspace::ExportLabels(const Actor& actor, int64_t case_id) {
  MT_ASSIGN_OR_RETURN(CaseInfo c, VisibleCase(actor, case_id));
  MT_ASSIGN_OR_RETURN(SqlRows rows, db_->Query("SELECT record, state, markings FROM alerts WHERE case_id = ? AND "
                                               "state IN ('confirmed', 'cleared') ORDER BY id",
                                               {case_id}));
  std::map<int64_t, int> labels;
  int64_t alerts = 0;
  for (const SqlRow& r : rows) {
    if (!CanSee(actor.user, c.access, c.markings, MarkingsFromText(SqlText(r[2])))) continue;
    const auto record = nlohmann::json::parse(SqlText(r[0]), nullptr, false);
    if (!record.is_object()) continue;
    const int label = SqlText(r[1]) == "confirmed" ? 1 : 0;
    ++alerts;
    for (const auto& e : record.value("evidence", nlohmann::json::array())) {
      if (!e.is_object() || !e.contains("transaction_id") || !e["transaction_id"].is_number_integer()) continue;
      int& slot = labels.try_emplace(e["transaction_id"].get<int64_t>(), label).first->second;
      slot = std::max(slot, label);
    }
  }
  std::string csv = "tx_id,label\n";
  for (const auto& [tx, label] : labels) csv += fmt::format("{},{}\n", tx, label);
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    return Append(actor, case_id, fmt::format("case/{}/labels", case_id), "export", "", "",
                  fmt::format("{} labels from {} alerts", labels.size(), alerts));
  }));
  return csv;
}

}  // namespace moneytrail::workspace
