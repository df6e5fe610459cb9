// A narrow SQL interface for the workspace: statements with bound parameters, rows of values,
// transactions. The workspace's domain code (workspace.cc, journal.cc) speaks only this
// interface and portable SQL (`?` placeholders, INTEGER/TEXT columns, no SQLite-only
// functions), so that a PostgreSQL connection can take SQLite's place for a large deployment
// by implementing SqlDatabase (placeholders become $1..$n there).
//
// Example:
//   MT_ASSIGN_OR_RETURN(std::unique_ptr<SqlDatabase> db, OpenSqlite(dir / "workspace.db"));
//   MT_ASSIGN_OR_RETURN(SqlRows rows, db->Query("SELECT id FROM users WHERE name = ?", {name}));
#ifndef MONEYTRAIL_WORKSPACE_SQL_H_
#define MONEYTRAIL_WORKSPACE_SQL_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "moneytrail/status.h"

namespace moneytrail::workspace {

// One value: NULL, an integer or text (blobs are stored as hex text).
using SqlValue = std::variant<std::monostate, int64_t, std::string>;
using SqlRow = std::vector<SqlValue>;
using SqlRows = std::vector<SqlRow>;

// The integer in `v`, or `fallback` when it is NULL or text.
int64_t SqlInt(const SqlValue& v, int64_t fallback = 0);
// The text in `v`; an integer as decimal digits; NULL as "".
std::string SqlText(const SqlValue& v);
bool SqlIsNull(const SqlValue& v);

// How often a connection's statements were compiled and how often a compiled one was reused.
struct SqlStatementCounts {
  int64_t prepared = 0;  // statements compiled (a cache miss)
  int64_t reused = 0;    // runs of a statement compiled before (a cache hit)
};

// A database connection. Not thread-safe: one thread uses it at a time (the server keeps a pool
// of connections, one per request in flight).
//
// Statements are compiled once per connection and SQL text, and kept: a later Query or Execute
// of the same text binds new parameters to the compiled statement (SQL built with values in its
// text would fill the cache: always bind values as `?` parameters).
class SqlDatabase {
 public:
  virtual ~SqlDatabase() = default;
  // Runs one statement with `params` bound to its `?` in order; returns the rows it yields.
  virtual Result<SqlRows> Query(std::string_view sql, const std::vector<SqlValue>& params = {}) = 0;
  // Runs one statement that yields no rows; returns the number of rows it changed.
  virtual Result<int64_t> Execute(std::string_view sql, const std::vector<SqlValue>& params = {}) = 0;
  // The id of the row the last INSERT created.
  virtual int64_t LastInsertId() = 0;
  // Compiles `sql` and keeps it for later runs, without running it (a connection warmed before
  // its first request; docs/workspace.md, "Compiled statements"). Does nothing when the text is
  // compiled already; neither case counts as a reuse.
  virtual Status Prepare(std::string_view sql) = 0;
  // Runs several statements without parameters (schema scripts).
  virtual Status ExecScript(std::string_view sql) = 0;
  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;
  // This connection's statement counts since it was opened.
  virtual SqlStatementCounts statement_counts() const = 0;
};

// The statement counts of every connection of this process, closed ones included. Thread-safe.
SqlStatementCounts SqlStatementTotals();

// Opens (creating if absent) an SQLite database at `path` in WAL mode with synchronous=FULL,
// foreign keys on and a busy timeout, so an acknowledged commit survives a crash.
// `durable` = false (synchronous=OFF) is for tests only: a crash may then lose commits.
Result<std::unique_ptr<SqlDatabase>> OpenSqlite(const std::filesystem::path& path, bool durable = true);

// Runs `body` inside a transaction: commits when it returns OK, rolls back otherwise.
template <class Body>
Status InTransaction(SqlDatabase& db, Body&& body) {
  MT_RETURN_IF_ERROR(db.Begin());
  Status st = body();
  if (!st.ok()) {
    (void)db.Rollback();
    return st;
  }
  return db.Commit();
}

}  // namespace moneytrail::workspace

#endif  // MONEYTRAIL_WORKSPACE_SQL_H_
