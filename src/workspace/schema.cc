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
