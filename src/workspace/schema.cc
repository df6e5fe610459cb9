#include "workspace/schema.h"

#include <fmt/format.h>

#include <string>

namespace moneytrail::workspace {
namespace {

// Migration i takes the schema from version i to i + 1. Append; never edit a released one.
constexpr const char* kMigrations[] = {
    R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE agencies (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, contact TEXT NOT NULL DEFAULT '');
CREATE TABLE users (
  id INTEGER PRIMARY KEY, agency_id INTEGER NOT NULL REFERENCES agencies(id),
  username TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL, role TEXT NOT NULL,
  clearances TEXT NOT NULL DEFAULT '', password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id),
  csrf TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0);
CREATE TABLE api_tokens (
  token_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id),
  label TEXT NOT NULL, created_at INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);
CREATE TABLE login_failures (id INTEGER PRIMARY KEY, key TEXT NOT NULL, at INTEGER NOT NULL);
CREATE INDEX login_failures_by_key ON login_failures (key, at);
CREATE TABLE cases (
  id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE, title TEXT NOT NULL,
  owning_agency_id INTEGER NOT NULL REFERENCES agencies(id), markings TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL,
  created_by INTEGER NOT NULL REFERENCES users(id));
CREATE TABLE case_members (
  case_id INTEGER NOT NULL REFERENCES cases(id), user_id INTEGER NOT NULL REFERENCES users(id),
  access TEXT NOT NULL, added_by INTEGER NOT NULL REFERENCES users(id), added_at TEXT NOT NULL,
  PRIMARY KEY (case_id, user_id));
CREATE TABLE disclosures (
  id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES cases(id),
  user_id INTEGER NOT NULL REFERENCES users(id), marking TEXT NOT NULL,
  disclosed_by INTEGER NOT NULL REFERENCES users(id), reason TEXT NOT NULL, at TEXT NOT NULL);
CREATE TABLE notes (
  id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES cases(id),
  object_type TEXT NOT NULL, object_id TEXT NOT NULL,
  author_id INTEGER NOT NULL REFERENCES users(id), text TEXT NOT NULL,
  markings TEXT NOT NULL DEFAULT '', version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX notes_by_case ON notes (case_id, id);
CREATE TABLE journal (
  seq INTEGER PRIMARY KEY, at TEXT NOT NULL, username TEXT NOT NULL, address TEXT NOT NULL,
  case_id INTEGER NOT NULL, object TEXT NOT NULL, action TEXT NOT NULL,
  before_value TEXT NOT NULL, after_value TEXT NOT NULL, reason TEXT NOT NULL,
  prev_hash TEXT NOT NULL, hash TEXT NOT NULL, signature TEXT NOT NULL);
CREATE INDEX journal_by_user ON journal (username, at);
CREATE INDEX journal_by_object ON journal (object);
INSERT INTO meta (key, value) VALUES ('schema_version', '1');
)sql",
    // v1 -> v2 (#22 case work): evidence with custody, background jobs, the alert queue with
    // its history, requests for records, deconfliction identifiers and notices; the markings of
    // what a case's store and latest run hold.
    R"sql(
ALTER TABLE cases ADD COLUMN store_markings TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN run_markings TEXT NOT NULL DEFAULT '';
CREATE TABLE evidence (
  id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES cases(id), name TEXT NOT NULL,
  media_type TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL,
  markings TEXT NOT NULL DEFAULT '', uploaded_by INTEGER NOT NULL REFERENCES users(id),
  uploaded_at TEXT NOT NULL, verified_at TEXT NOT NULL, verification TEXT NOT NULL);
CREATE INDEX evidence_by_case ON evidence (case_id, id);
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES cases(id), kind TEXT NOT NULL,
  state TEXT NOT NULL, params TEXT NOT NULL, markings TEXT NOT NULL DEFAULT '',
  created_by INTEGER NOT NULL REFERENCES users(id), created_at TEXT NOT NULL,
  started_at TEXT NOT NULL DEFAULT '', finished_at TEXT NOT NULL DEFAULT '',
  message TEXT NOT NULL DEFAULT '', result TEXT NOT NULL DEFAULT '', retry_of INTEGER NOT NULL DEFAULT 0);
CREATE INDEX jobs_by_state ON jobs (state, id);
CREATE INDEX jobs_by_case ON jobs (case_id, id);
CREATE TABLE alerts (
  id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES cases(id), alert_key TEXT NOT NULL,
  run_job_id INTEGER NOT NULL, alert_id TEXT NOT NULL, rule_id TEXT NOT NULL,
  severity TEXT NOT NULL, title TEXT NOT NULL, subjects TEXT NOT NULL, window_start TEXT NOT NULL,
  window_end TEXT NOT NULL, sentence TEXT NOT NULL, record TEXT NOT NULL,
  markings TEXT NOT NULL DEFAULT '', state TEXT NOT NULL DEFAULT 'open', assignee_id INTEGER NOT NULL DEFAULT 0,
  lock_user_id INTEGER NOT NULL DEFAULT 0, lock_expires INTEGER NOT NULL DEFAULT 0,
  snoozed_until TEXT NOT NULL DEFAULT '', version INTEGER NOT NULL DEFAULT 1, updated_at TEXT NOT NULL,
  UNIQUE (case_id, alert_key));
CREATE INDEX alerts_by_case ON alerts (case_id, id);
CREATE INDEX alerts_by_state ON alerts (case_id, state, id);
CREATE INDEX alerts_by_assignee ON alerts (case_id, assignee_id, id);
CREATE INDEX alerts_by_rule ON alerts (case_id, rule_id, id);
CREATE TABLE alert_history (
  id INTEGER PRIMARY KEY, alert_id INTEGER NOT NULL REFERENCES alerts(id),
  user_id INTEGER NOT NULL REFERENCES users(id), action TEXT NOT NULL, before_value TEXT NOT NULL,
  after_value TEXT NOT NULL, note TEXT NOT NULL, at TEXT NOT NULL);
CREATE INDEX alert_history_by_alert ON alert_history (alert_id, id);
CREATE TABLE records_requests (
  id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES cases(id), bank TEXT NOT NULL,
  legal_process TEXT NOT NULL, accounts TEXT NOT NULL, period_from TEXT NOT NULL,
  period_to TEXT NOT NULL, sent_at TEXT NOT NULL, due_at TEXT NOT NULL,
  markings TEXT NOT NULL DEFAULT '', version INTEGER NOT NULL DEFAULT 1,
  created_by INTEGER NOT NULL REFERENCES users(id), created_at TEXT NOT NULL);
CREATE INDEX records_requests_by_case ON records_requests (case_id, id);
CREATE TABLE records_received (
  request_id INTEGER NOT NULL REFERENCES records_requests(id),
  evidence_id INTEGER NOT NULL REFERENCES evidence(id), accounts TEXT NOT NULL,
  note TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (request_id, evidence_id));
CREATE TABLE identifiers (
  case_id INTEGER NOT NULL REFERENCES cases(id), kind TEXT NOT NULL, digest TEXT NOT NULL,
  identifier TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (case_id, kind, digest));
CREATE INDEX identifiers_by_digest ON identifiers (kind, digest);
CREATE TABLE deconfliction_notices (
  id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES cases(id),
  other_case_id INTEGER NOT NULL REFERENCES cases(id), kind TEXT NOT NULL, digest TEXT NOT NULL,
  at TEXT NOT NULL, UNIQUE (case_id, other_case_id, kind, digest));
CREATE INDEX deconfliction_by_case ON deconfliction_notices (case_id, id);
)sql",
};

}  // namespace

Status MigrateSchema(SqlDatabase& db) {
  MT_ASSIGN_OR_RETURN(SqlRows tables,
                      db.Query("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'"));
  int version = 0;
  if (SqlInt(tables.at(0).at(0)) != 0) {
    MT_ASSIGN_OR_RETURN(SqlRows rows, db.Query("SELECT value FROM meta WHERE key = 'schema_version'"));
    if (rows.empty()) return DataLossError("workspace database: meta has no schema_version");
    version = std::atoi(SqlText(rows[0][0]).c_str());
  }
  if (version > kSchemaVersion) {
    return FailedPreconditionError(fmt::format(
        "workspace database: schema version {} is newer than this moneytrail ({}); upgrade moneytrail",
        version, kSchemaVersion));
  }
  for (int v = version; v < kSchemaVersion; ++v) {
    MT_RETURN_IF_ERROR(InTransaction(db, [&]() -> Status {
      MT_RETURN_IF_ERROR(db.ExecScript(kMigrations[v]));
      return db.Execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
                        {std::to_string(v + 1)})
          .status();
    }));
  }
  return Status::Ok();
}

}  // namespace moneytrail::workspace
