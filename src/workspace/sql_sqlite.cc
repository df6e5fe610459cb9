// SqlDatabase on SQLite (Debian's libsqlite3): WAL journal, synchronous=FULL so that a commit
// acknowledged to a client survives power loss and SIGKILL, foreign keys enforced. Statements
// are compiled once per connection and kept (compiling was a quarter of the server's CPU under
// load: bench/RESULTS-ws.md, session 13).
#include <sqlite3.h>

#include <fmt/format.h>

#include <atomic>
#include <string>
#include <unordered_map>
#include <utility>

#include "moneytrail/group_commit.h"
#include "moneytrail/safe_text.h"
#include "workspace/sql.h"

namespace moneytrail::workspace {

int64_t SqlInt(const SqlValue& v, int64_t fallback) {
  if (const int64_t* i = std::get_if<int64_t>(&v)) return *i;
  return fallback;
}

std::string SqlText(const SqlValue& v) {
  if (const std::string* s = std::get_if<std::string>(&v)) return *s;
  if (const int64_t* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  return "";
}

bool SqlIsNull(const SqlValue& v) { return std::holds_alternative<std::monostate>(v); }

namespace {

std::atomic<int64_t> total_prepared{0};
std::atomic<int64_t> total_reused{0};

// Statements a connection keeps compiled. The workspace's SQL is a fixed set of texts (a few
// dozen; the queue's filters combine into a few more), so the bound is never reached in
// practice; past it the cache starts again rather than growing without end.
constexpr size_t kMaxCachedStatements = 256;

// Leaves a cached statement ready for its next run on every path out of Run: reset (which also
// ends the read it holds open) and its parameters cleared.
class ResetOnExit {
 public:
  explicit ResetOnExit(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~ResetOnExit() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  sqlite3_stmt* stmt_;
};

class SqliteDatabase final : public SqlDatabase {
 public:
  explicit SqliteDatabase(sqlite3* db) : db_(db) {}
  ~SqliteDatabase() override {
    ClearCache();
    sqlite3_close_v2(db_);
  }

  Result<SqlRows> Query(std::string_view sql, const std::vector<SqlValue>& params) override {
    SqlRows rows;
    MT_RETURN_IF_ERROR(Run(sql, params, &rows));
    return rows;
  }

  Result<int64_t> Execute(std::string_view sql, const std::vector<SqlValue>& params) override {
    MT_RETURN_IF_ERROR(Run(sql, params, nullptr));
    return static_cast<int64_t>(sqlite3_changes64(db_));
  }

  int64_t LastInsertId() override { return sqlite3_last_insert_rowid(db_); }

  Status ExecScript(std::string_view sql) override {
    std::string text(sql);
    char* error = nullptr;
    if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      std::string message = error ? error : "unknown error";
      sqlite3_free(error);
      return IoError(fmt::format("workspace database: {}", message));
    }
    return Status::Ok();
  }

  Status Prepare(std::string_view sql) override {
    if (cache_.count(std::string(sql)) != 0) return Status::Ok();
    return Prepared(sql).status();
  }

  Status Begin() override { return Run("BEGIN IMMEDIATE", {}, nullptr); }
  Status Commit() override { return Run("COMMIT", {}, nullptr); }
  Status Rollback() override { return Run("ROLLBACK", {}, nullptr); }

  SqlStatementCounts statement_counts() const override { return counts_; }

 private:
  Status Error(std::string_view what) const {
    const int code = sqlite3_extended_errcode(db_);
    std::string message = fmt::format("workspace database: {}: {}", what, sqlite3_errmsg(db_));
    if ((code & 0xff) == SQLITE_CONSTRAINT) return AlreadyExistsError(message);
    if ((code & 0xff) == SQLITE_CORRUPT || (code & 0xff) == SQLITE_NOTADB) {
      return DataLossError(message);
    }
    return IoError(message);
  }

  // The compiled statement for `sql`, from the cache or compiled now (and kept).
  Result<sqlite3_stmt*> Prepared(std::string_view sql) {
    std::string key(sql);
    if (auto it = cache_.find(key); it != cache_.end()) {
      ++counts_.reused;
      ++total_reused;
      return it->second;
    }
    sqlite3_stmt* raw = nullptr;
    // SQLITE_PREPARE_PERSISTENT: the statement is kept and reused (SQLite then allocates it
    // outside its lookaside memory).
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &raw,
                           nullptr) != SQLITE_OK) {
      return Error("prepare");
    }
    if (raw == nullptr) return InternalError("workspace database: an empty statement");
    ++counts_.prepared;
    ++total_prepared;
    if (cache_.size() >= kMaxCachedStatements) ClearCache();
    cache_.emplace(std::move(key), raw);
    return raw;
  }

  void ClearCache() {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    cache_.clear();
  }

  Status Run(std::string_view sql, const std::vector<SqlValue>& params, SqlRows* rows) {
    MT_ASSIGN_OR_RETURN(sqlite3_stmt* raw, Prepared(sql));
    ResetOnExit reset(raw);
    if (static_cast<size_t>(sqlite3_bind_parameter_count(raw)) != params.size()) {
      return InternalError(fmt::format("workspace database: {} parameters for {}", params.size(),
                                       Abbreviate(sql, 120)));
    }
    for (size_t i = 0; i < params.size(); ++i) {
      const int index = static_cast<int>(i) + 1;
      int rc = SQLITE_OK;
      if (const int64_t* v = std::get_if<int64_t>(&params[i])) {
        rc = sqlite3_bind_int64(raw, index, *v);
      } else if (const std::string* s = std::get_if<std::string>(&params[i])) {
        // The parameters outlive the statement's run (reset on exit): no copy.
        rc = sqlite3_bind_text64(raw, index, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
      } else {
        rc = sqlite3_bind_null(raw, index);
      }
      if (rc != SQLITE_OK) return Error("bind");
    }
    for (;;) {
      const int rc = sqlite3_step(raw);
      if (rc == SQLITE_DONE) return Status::Ok();
      if (rc != SQLITE_ROW) return Error("step");
      if (rows == nullptr) continue;
      const int columns = sqlite3_column_count(raw);
      SqlRow row;
      row.reserve(static_cast<size_t>(columns));
      for (int c = 0; c < columns; ++c) {
        switch (sqlite3_column_type(raw, c)) {
          case SQLITE_NULL:
            row.emplace_back(std::monostate{});
            break;
          case SQLITE_INTEGER:
            row.emplace_back(static_cast<int64_t>(sqlite3_column_int64(raw, c)));
            break;
          default: {
            const unsigned char* text = sqlite3_column_text(raw, c);
            const int bytes = sqlite3_column_bytes(raw, c);
            row.emplace_back(std::string(reinterpret_cast<const char*>(text),
                                         static_cast<size_t>(bytes)));
          }
        }
      }
      rows->push_back(std::move(row));
    }
  }

  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;  // SQL text -> compiled statement (owned)
  SqlStatementCounts counts_;
};

}  // namespace

SqlStatementCounts SqlStatementTotals() { return {total_prepared.load(), total_reused.load()}; }

StatementCacheTotals StatementCacheCounters() { return {total_prepared.load(), total_reused.load()}; }

Result<std::unique_ptr<SqlDatabase>> OpenSqlite(const std::filesystem::path& path, bool durable) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    std::string message = raw ? sqlite3_errmsg(raw) : "out of memory";
    sqlite3_close_v2(raw);
    return IoError(fmt::format("{}: cannot open the workspace database: {}", path.string(), message));
  }
  auto db = std::make_unique<SqliteDatabase>(raw);
  sqlite3_busy_timeout(raw, 5000);
  MT_RETURN_IF_ERROR(db->ExecScript(durable ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                                            : "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA foreign_keys=ON;"));
  // A file that is not a database fails here rather than at the first query.
  auto check = db->Query("SELECT count(*) FROM sqlite_master", {});
  if (!check.ok()) return check.status().WithContext(path.string());
  return std::unique_ptr<SqlDatabase>(std::move(db));
}

}  // namespace moneytrail::workspace
