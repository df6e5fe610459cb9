// SqlDatabase on SQLite (Debian's libsqlite3): WAL journal, synchronous=FULL so that a commit
// acknowledged to a client survives power loss and SIGKILL, foreign keys enforced.
#include <sqlite3.h>

#include <fmt/format.h>

#include <string>
#include <utility>

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

class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_;
};

class SqliteDatabase final : public SqlDatabase {
 public:
  explicit SqliteDatabase(sqlite3* db) : db_(db) {}
  ~SqliteDatabase() override { sqlite3_close_v2(db_); }

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

  Status Begin() override { return ExecScript("BEGIN IMMEDIATE"); }
  Status Commit() override { return ExecScript("COMMIT"); }
  Status Rollback() override { return ExecScript("ROLLBACK"); }

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

  Status Run(std::string_view sql, const std::vector<SqlValue>& params, SqlRows* rows) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &raw, nullptr) !=
        SQLITE_OK) {
      return Error("prepare");
    }
    Statement stmt(raw);
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
        rc = sqlite3_bind_text64(raw, index, s->data(), s->size(), SQLITE_TRANSIENT, SQLITE_UTF8);
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
};

}  // namespace

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
