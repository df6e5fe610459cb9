// The workspace's domain operations. Each runs in one database transaction together with its
// journal entry (Append); the journal's head file is published after the commit.
#include "moneytrail/workspace.h"

#include <sodium.h>
#include <sys/stat.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <string>
#include <utility>

#include "moneytrail/file_util.h"
#include "moneytrail/json_text.h"
#include "moneytrail/safe_text.h"
#include "moneytrail/time_format.h"
#include "workspace/group_commit.h"
#include "workspace/journal.h"
#include "workspace/workspace_internal.h"
#include "workspace/schema.h"
#include "workspace/sql.h"

namespace moneytrail::workspace {
namespace workspace_internal {

std::string RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string out(bytes * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                 raw.size());
  out.pop_back();  // the terminating NUL
  return out;
}

// RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF.
bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; k < n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n;
  }
  return true;
}

Markings MarkingsFromText(std::string_view text) {
  Markings out;
  size_t start = 0;
  while (start < text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    if (comma > start) out.emplace(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

bool Covers(const Markings& held, const Markings& needed) {
  return std::all_of(needed.begin(), needed.end(),
                     [&](const std::string& m) { return held.count(m) != 0; });
}

std::string MissingMarkings(const Markings& held, const Markings& needed) {
  Markings missing;
  for (const std::string& m : needed) {
    if (held.count(m) == 0) missing.insert(m);
  }
  return FormatMarkings(missing);
}

Status CheckText(std::string_view field, std::string_view value, size_t max_bytes, bool required) {
  if (required && value.empty()) return InvalidArgumentError(fmt::format("{}: required", field));
  if (value.size() > max_bytes) {
    return InvalidArgumentError(fmt::format("{}: {} bytes, at most {}", field, value.size(), max_bytes));
  }
  if (!IsValidUtf8(value) || value.find('\0') != std::string_view::npos) {
    return InvalidArgumentError(fmt::format("{}: not valid UTF-8 text", field));
  }
  return Status::Ok();
}

Status NeedRole(const Actor& actor, std::initializer_list<Role> roles, std::string_view what) {
  if (std::find(roles.begin(), roles.end(), actor.user.role) != roles.end()) return Status::Ok();
  return PermissionDeniedError(fmt::format("{} needs the role {}; {} is {}", what,
                                           RoleName(*roles.begin()), actor.user.username,
                                           RoleName(actor.user.role)));
}

std::string CaseNotFound(int64_t case_id) { return fmt::format("case {}: not found", case_id); }

const std::string& AuthenticateSql() {
  static const std::string sql = fmt::format(
      "SELECT s.expires_at, s.revoked, s.csrf, {} JOIN sessions s ON s.user_id = u.id WHERE s.token_hash = ?",
      kUserColumns);
  return sql;
}

nlohmann::ordered_json CaseJson(const CaseInfo& c) {
  return {{"id", c.id}, {"number", c.number}, {"title", c.title},
          {"owning_agency", c.owning_agency}, {"markings", FormatMarkings(c.markings)},
          {"version", c.version}};
}

nlohmann::ordered_json NoteJson(const Note& n) {
  return {{"id", n.id}, {"object", n.object_type + "/" + n.object_id}, {"text", n.text},
          {"markings", FormatMarkings(n.markings)}, {"version", n.version}};
}

User UserFromRow(const SqlRow& r) {
  User u;
  u.id = SqlInt(r[0]);
  u.agency_id = SqlInt(r[1]);
  u.agency = SqlText(r[2]);
  u.username = SqlText(r[3]);
  u.display_name = SqlText(r[4]);
  auto role = ParseRole(SqlText(r[5]));
  u.role = role.ok() ? *role : Role::kAgent;
  u.clearances = MarkingsFromText(SqlText(r[6]));
  u.disabled = SqlInt(r[7]) != 0;
  return u;
}


Note NoteFromRow(const SqlRow& r) {
  Note n;
  n.id = SqlInt(r[0]);
  n.case_id = SqlInt(r[1]);
  n.object_type = SqlText(r[2]);
  n.object_id = SqlText(r[3]);
  n.author = SqlText(r[4]);
  n.text = SqlText(r[5]);
  n.markings = MarkingsFromText(SqlText(r[6]));
  n.version = SqlInt(r[7]);
  n.created_at = SqlText(r[8]);
  n.updated_at = SqlText(r[9]);
  return n;
}


Result<std::string> HashPassword(std::string_view password, const PasswordCost& cost) {
  if (password.size() < 12) return InvalidArgumentError("password: at least 12 characters");
  if (password.size() > 1024) return InvalidArgumentError("password: at most 1024 characters");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), cost.ops, cost.memory_bytes) != 0) {
    return ResourceExhaustedError("password hashing ran out of memory");
  }
  return std::string(out);
}

}  // namespace workspace_internal

using namespace workspace_internal;  // NOLINT: this file's own helpers

std::string_view RoleName(Role role) { return kRoleNames[static_cast<int>(role)]; }

Result<Role> ParseRole(std::string_view name) {
  for (size_t i = 0; i < std::size(kRoleNames); ++i) {
    if (kRoleNames[i] == name) return static_cast<Role>(i);
  }
  return InvalidArgumentError(fmt::format(
      "role '{}': expected agent, analyst, supervisor, auditor or administrator", Abbreviate(name)));
}

std::string_view CaseAccessName(CaseAccess access) { return kAccessNames[static_cast<int>(access)]; }

Result<CaseAccess> ParseCaseAccess(std::string_view name) {
  for (size_t i = 1; i < std::size(kAccessNames); ++i) {
    if (kAccessNames[i] == name) return static_cast<CaseAccess>(i);
  }
  return InvalidArgumentError(fmt::format("access '{}': expected read, write or admin", Abbreviate(name)));
}

Result<Markings> ParseMarkings(const std::vector<std::string>& names) {
  Markings out;
  for (const std::string& name : names) {
    if (std::find(std::begin(kKnownMarkings), std::end(kKnownMarkings), name) ==
        std::end(kKnownMarkings)) {
      return InvalidArgumentError(
          fmt::format("marking '{}': expected 6103, GJ-6E, SAR or LES", Abbreviate(name)));
    }
    out.insert(name);
  }
  return out;
}

std::string FormatMarkings(const Markings& markings) {
  std::string out;
  for (const std::string& m : markings) {
    if (!out.empty()) out += ',';
    out += m;
  }
  return out;
}

bool CanSee(const User& user, CaseAccess membership, const Markings& case_markings,
            const Markings& item_markings) {
  if (user.disabled || membership == CaseAccess::kNone) return false;
  return Covers(user.clearances, case_markings) && Covers(user.clearances, item_markings);
}

// ---- Creation and opening ----------------------------------------------------------------------

Status Workspace::Init(const std::filesystem::path& dir, const InitOptions& options) {
  if (sodium_init() < 0) return InternalError("libsodium could not be initialised");
  MT_RETURN_IF_ERROR(CheckText("agency", options.agency, kMaxNameBytes, true));
  MT_RETURN_IF_ERROR(CheckText("admin", options.admin, kMaxNameBytes, true));
  std::error_code ec;
  if (std::filesystem::exists(dir / "workspace.db", ec)) {
    return AlreadyExistsError(fmt::format("{}: already holds a workspace", dir.string()));
  }
  MT_ASSIGN_OR_RETURN(std::string password_hash, HashPassword(options.password, options.password_cost));
  MT_RETURN_IF_ERROR(CreateDirectoriesDurably(dir));
  ::chmod(dir.c_str(), 0700);
  MT_RETURN_IF_ERROR(CreateDirectoriesDurably(dir / "cases"));
  MT_RETURN_IF_ERROR(CreateDirectoriesDurably(dir / "evidence"));
  MT_ASSIGN_OR_RETURN(std::string fingerprint, CreateJournalKey(dir));
  MT_ASSIGN_OR_RETURN(std::unique_ptr<SqlDatabase> db, OpenSqlite(dir / "workspace.db"));
  MT_RETURN_IF_ERROR(MigrateSchema(*db));
  MT_ASSIGN_OR_RETURN(std::unique_ptr<Journal> journal, Journal::Open(dir, *db));
  const std::string now = FormatIsoTime(std::chrono::duration_cast<std::chrono::seconds>(
                                            std::chrono::system_clock::now().time_since_epoch())
                                            .count());
  MT_RETURN_IF_ERROR(InTransaction(*db, [&]() -> Status {
    MT_RETURN_IF_ERROR(db->Execute("INSERT INTO agencies (name, contact) VALUES (?, ?)",
                                   {options.agency, options.agency_contact})
                           .status());
    const int64_t agency_id = db->LastInsertId();
    MT_RETURN_IF_ERROR(db->Execute("INSERT INTO users (agency_id, username, display_name, role, "
                                   "clearances, password_hash, created_at) VALUES (?,?,?,?,?,?,?)",
                                   {agency_id, options.admin, options.admin,
                                    std::string(RoleName(Role::kAdministrator)), std::string(),
                                    password_hash, now})
                           .status());
    JournalEntry e;
    e.at = now;
    e.username = options.admin;
    e.address = "local";
    e.object = "workspace";
    e.action = "init";
    e.after = JsonText(nlohmann::ordered_json{{"agency", options.agency},
                                              {"admin", options.admin},
                                              {"journal_key", fingerprint}});
    return journal->Append(e);
  }));
  return journal->PublishHead(/*always=*/true);
}

Workspace::Workspace(std::filesystem::path dir, std::unique_ptr<SqlDatabase> db,
                     std::unique_ptr<Journal> journal, WorkspaceOptions options)
    : dir_(std::move(dir)), db_(std::move(db)), journal_(std::move(journal)), options_(std::move(options)) {}

Workspace::~Workspace() = default;

Result<std::unique_ptr<Workspace>> Workspace::Open(const std::filesystem::path& dir,
                                                   WorkspaceOptions options) {
  if (sodium_init() < 0) return InternalError("libsodium could not be initialised");
  std::error_code ec;
  if (!std::filesystem::exists(dir / "workspace.db", ec)) {
    return NotFoundError(fmt::format("{}: no workspace here (create one with `moneytrail workspace init`)",
                                     dir.string()));
  }
  MT_ASSIGN_OR_RETURN(std::unique_ptr<SqlDatabase> db, OpenSqlite(dir / "workspace.db", options.durable));
  MT_RETURN_IF_ERROR(MigrateSchema(*db));
  MT_ASSIGN_OR_RETURN(std::unique_ptr<Journal> journal, Journal::Open(dir, *db, options.durable));
  // A crash between a commit and its head file leaves the head behind; catch it up.
  MT_RETURN_IF_ERROR(journal->PublishHead(/*always=*/true));
  // Journalled changes are committed by the process's one committer of this workspace.
  MT_ASSIGN_OR_RETURN(std::shared_ptr<GroupCommitter> committer, GroupCommitter::For(dir, options.durable));
  journal->set_committer(std::move(committer));
  return std::unique_ptr<Workspace>(
      new Workspace(dir, std::move(db), std::move(journal), std::move(options)));
}

Result<std::unique_ptr<Workspace>> Workspace::OpenAnother() const { return Open(dir_, options_); }

Result<int64_t> Workspace::PrepareStatements() {
  const int64_t before = db_->statement_counts().prepared;
  for (std::string_view sql : {std::string_view(AuthenticateSql()), kAccessOfSql, kLoadCaseSql,
                               std::string_view(NoteByIdSql()), std::string_view(AlertByIdSql()),
                               kAlertRecordSql, kAlertHistorySql}) {
    MT_RETURN_IF_ERROR(db_->Prepare(sql));
  }
  // The queue as its screen first opens it: no filter, and with the snoozed left out.
  MT_RETURN_IF_ERROR(db_->Prepare(AlertPageSql({})));
  MT_RETURN_IF_ERROR(db_->Prepare(AlertPageSql({.include_snoozed = false})));
  return db_->statement_counts().prepared - before;
}

StatementCacheTotals Workspace::statement_counts() const {
  const SqlStatementCounts c = db_->statement_counts();
  return {c.prepared, c.reused};
}

namespace {
// Sign-ins run one at a time: the failure count and the failure it records are then one step
// (parallel guesses cannot slip past the throttle), and at most one Argon2id hash (64 MiB)
// is in memory at once.
std::mutex login_mutex;
}  // namespace

int64_t Workspace::Now() const {
  if (options_.now) return options_.now();
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status Workspace::Append(const Actor& actor, int64_t case_id, std::string_view object,
                         std::string_view action, std::string_view before, std::string_view after,
                         std::string_view reason) {
  JournalEntry e;
  e.at = FormatIsoTime(Now());
  e.username = actor.user.username;
  e.address = actor.address;
  e.case_id = case_id;
  e.object = std::string(object);
  e.action = std::string(action);
  e.before = std::string(before);
  e.after = std::string(after);
  e.reason = std::string(reason);
  return journal_->Append(e);
}

// Group commit (group_commit.h): the body runs on the committer's thread, inside the batch's
// transaction and its own savepoint, with this Workspace's connection and journal swapped for
// the writer's while it runs. This Workspace's thread is blocked in Run meanwhile, and a
// Workspace is used by one thread at a time, so nothing else sees the swap.
Status Workspace::Journalled(const std::function<Status()>& body) {
  GroupCommitter* committer = journal_->committer();
  if (committer == nullptr) {  // no committer (a journal of the committer itself): commit here
    MT_RETURN_IF_ERROR(InTransaction(*db_, body));
    return journal_->PublishHead();
  }
  return committer->Run([&](std::unique_ptr<SqlDatabase>& db, std::unique_ptr<Journal>& journal) -> Status {
    std::swap(db_, db);
    std::swap(journal_, journal);
    Status st = body();
    std::swap(db_, db);
    std::swap(journal_, journal);
    return st;
  });
}

// ---- Sessions ----------------------------------------------------------------------------------

Status Workspace::RecordFailure(std::string_view username, std::string_view address) {
  Actor nobody;
  nobody.user.username = std::string(Abbreviate(username, kMaxNameBytes));
  nobody.address = std::string(address);
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    MT_RETURN_IF_ERROR(db_->Execute("INSERT INTO login_failures (key, at) VALUES (?, ?), (?, ?)",
                                    {"user:" + std::string(username), Now(),
                                     "addr:" + std::string(address), Now()})
                           .status());
    return Append(nobody, 0, "session", "login-failed", "", "", "");
  }));
  return Status::Ok();
}

Result<Session> Workspace::Login(std::string_view username, std::string_view password,
                                 std::string_view address) {
  std::lock_guard<std::mutex> lock(login_mutex);
  const int64_t since = Now() - options_.failure_window_seconds;
  MT_ASSIGN_OR_RETURN(SqlRows fails,
                      db_->Query("SELECT (SELECT count(*) FROM login_failures WHERE key = ? AND at > ?), "
                                 "(SELECT count(*) FROM login_failures WHERE key = ? AND at > ?)",
                                 {"user:" + std::string(username), since,
                                  "addr:" + std::string(address), since}));
  if (SqlInt(fails[0][0]) >= options_.max_failures_per_user ||
      SqlInt(fails[0][1]) >= options_.max_failures_per_address) {
    return ResourceExhaustedError(fmt::format(
        "too many failed sign-ins for this user or address; try again in {} minutes",
        options_.failure_window_seconds / 60));
  }
  MT_ASSIGN_OR_RETURN(SqlRows rows,
                      db_->Query(fmt::format("SELECT {} WHERE u.username = ?", kUserColumns),
                                 {std::string(username)}));
  const Status denied = UnauthenticatedError("unknown user or wrong password");
  if (rows.empty()) {
    // Spend the same work as a real check, so timing does not reveal which usernames exist.
    (void)HashPassword("moneytrail-dummy-password", options_.password_cost);
    MT_RETURN_IF_ERROR(RecordFailure(username, address));
    return denied;
  }
  User user = UserFromRow(rows[0]);
  const std::string stored = SqlText(rows[0][8]);
  if (user.disabled ||
      crypto_pwhash_str_verify(stored.c_str(), password.data(), password.size()) != 0) {
    MT_RETURN_IF_ERROR(RecordFailure(username, address));
    return denied;
  }
  Session s;
  s.token = RandomHex(32);
  s.csrf = RandomHex(32);
  s.user = user;
  s.expires_at = Now() + options_.session_seconds;
  Actor actor{user, std::string(address)};
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    MT_RETURN_IF_ERROR(db_->Execute("INSERT INTO sessions (token_hash, user_id, csrf, created_at, "
                                    "expires_at) VALUES (?,?,?,?,?)",
                                    {Sha256Hex(s.token), user.id, s.csrf, Now(), s.expires_at})
                           .status());
    return Append(actor, 0, fmt::format("user/{}", user.id), "login", "", "", "");
  }));
  return s;
}

Result<Actor> Workspace::Authenticate(std::string_view token, std::string_view address, std::string* csrf) {
  // The session and its user in one lookup: it runs before every request.
  MT_ASSIGN_OR_RETURN(SqlRows rows, db_->Query(AuthenticateSql(), {Sha256Hex(token)}));
  if (rows.empty() || SqlInt(rows[0][1]) != 0 || SqlInt(rows[0][0]) <= Now()) {
    return UnauthenticatedError("not signed in, or the session expired or was ended");
  }
  const User user = UserFromRow(SqlRow(rows[0].begin() + 3, rows[0].end()));
  if (user.disabled) return UnauthenticatedError("the account is disabled");
  if (csrf != nullptr) *csrf = SqlText(rows[0][2]);
  return Actor{user, std::string(address)};
}

Result<std::string> Workspace::SessionCsrf(std::string_view token) {
  MT_ASSIGN_OR_RETURN(SqlRows rows, db_->Query("SELECT csrf FROM sessions WHERE token_hash = ?",
                                               {Sha256Hex(token)}));
  if (rows.empty()) return UnauthenticatedError("not signed in");
  return SqlText(rows[0][0]);
}

Status Workspace::Logout(std::string_view token, std::string_view address) {
  MT_ASSIGN_OR_RETURN(Actor actor, Authenticate(token, address));
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    MT_RETURN_IF_ERROR(db_->Execute("UPDATE sessions SET revoked = 1 WHERE token_hash = ?",
                                    {Sha256Hex(token)})
                           .status());
    return Append(actor, 0, fmt::format("user/{}", actor.user.id), "logout", "", "", "");
  }));
  return Status::Ok();
}

Result<std::string> Workspace::CreateApiToken(const Actor& actor, std::string_view label) {
  MT_RETURN_IF_ERROR(CheckText("label", label, kMaxNameBytes, true));
  const std::string token = "mt_" + RandomHex(32);
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    MT_RETURN_IF_ERROR(db_->Execute("INSERT INTO api_tokens (token_hash, user_id, label, created_at) "
                                    "VALUES (?,?,?,?)",
                                    {Sha256Hex(token), actor.user.id, std::string(label), Now()})
                           .status());
    return Append(actor, 0, fmt::format("user/{}", actor.user.id), "create-api-token", "",
                  JsonText(nlohmann::ordered_json{{"label", label}}), "");
  }));
  return token;
}

Result<Actor> Workspace::AuthenticateApiToken(std::string_view token, std::string_view address) {
  MT_ASSIGN_OR_RETURN(SqlRows rows,
                      db_->Query("SELECT user_id, revoked FROM api_tokens WHERE token_hash = ?",
                                 {Sha256Hex(token)}));
  if (rows.empty() || SqlInt(rows[0][1]) != 0) return UnauthenticatedError("unknown or revoked API token");
  MT_ASSIGN_OR_RETURN(User user, LoadUser(SqlInt(rows[0][0])));
  if (user.disabled) return UnauthenticatedError("the account is disabled");
  return Actor{user, std::string(address)};
}

// ---- Administration ----------------------------------------------------------------------------

Result<User> Workspace::LoadUser(int64_t user_id) {
  MT_ASSIGN_OR_RETURN(SqlRows rows, db_->Query(fmt::format("SELECT {} WHERE u.id = ?", kUserColumns),
                                               {user_id}));
  if (rows.empty()) return NotFoundError(fmt::format("user {}: not found", user_id));
  return UserFromRow(rows[0]);
}

Result<Agency> Workspace::CreateAgency(const Actor& actor, std::string_view name,
                                       std::string_view contact) {
  MT_RETURN_IF_ERROR(NeedRole(actor, {Role::kAdministrator}, "creating an agency"));
  MT_RETURN_IF_ERROR(CheckText("name", name, kMaxNameBytes, true));
  MT_RETURN_IF_ERROR(CheckText("contact", contact, kMaxNameBytes, false));
  Agency agency{0, std::string(name), std::string(contact)};
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    MT_RETURN_IF_ERROR(db_->Execute("INSERT INTO agencies (name, contact) VALUES (?, ?)",
                                    {agency.name, agency.contact})
                           .status());
    agency.id = db_->LastInsertId();
    return Append(actor, 0, fmt::format("agency/{}", agency.id), "create", "",
                  JsonText(nlohmann::ordered_json{{"name", agency.name}, {"contact", agency.contact}}),
                  "");
  }));
  return agency;
}

Result<std::vector<Agency>> Workspace::ListAgencies(const Actor& actor) {
  (void)actor;  // every signed-in user may see the agencies (names and contacts only)
  MT_ASSIGN_OR_RETURN(SqlRows rows, db_->Query("SELECT id, name, contact FROM agencies ORDER BY id"));
  std::vector<Agency> out;
  for (const SqlRow& r : rows) out.push_back({SqlInt(r[0]), SqlText(r[1]), SqlText(r[2])});
  return out;
}

Result<User> Workspace::CreateUser(const Actor& actor, const NewUser& nu) {
  MT_RETURN_IF_ERROR(NeedRole(actor, {Role::kAdministrator}, "creating a user"));
  MT_RETURN_IF_ERROR(CheckText("username", nu.username, 64, true));
  MT_RETURN_IF_ERROR(CheckText("display_name", nu.display_name, kMaxNameBytes, false));
  MT_ASSIGN_OR_RETURN(std::string hash, HashPassword(nu.password, options_.password_cost));
  User user;
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    MT_RETURN_IF_ERROR(db_->Execute("INSERT INTO users (agency_id, username, display_name, role, "
                                    "clearances, password_hash, created_at) VALUES (?,?,?,?,?,?,?)",
                                    {nu.agency_id, nu.username,
                                     nu.display_name.empty() ? nu.username : nu.display_name,
                                     std::string(RoleName(nu.role)), FormatMarkings(nu.clearances),
                                     hash, FormatIsoTime(Now())})
                           .status());
    MT_ASSIGN_OR_RETURN(user, LoadUser(db_->LastInsertId()));
    return Append(actor, 0, fmt::format("user/{}", user.id), "create", "",
                  JsonText(nlohmann::ordered_json{{"username", user.username},
                                                  {"agency", user.agency},
                                                  {"role", RoleName(user.role)},
                                                  {"clearances", FormatMarkings(user.clearances)}}),
                  "");
  }));
  return user;
}

Result<std::vector<User>> Workspace::ListUsers(const Actor& actor) {
  MT_RETURN_IF_ERROR(NeedRole(actor, {Role::kAdministrator, Role::kAuditor}, "listing users"));
  MT_ASSIGN_OR_RETURN(SqlRows rows, db_->Query(fmt::format("SELECT {} ORDER BY u.id", kUserColumns)));
  std::vector<User> out;
  for (const SqlRow& r : rows) out.push_back(UserFromRow(r));
  return out;
}

Status Workspace::SetUserDisabled(const Actor& actor, int64_t user_id, bool disabled) {
  MT_RETURN_IF_ERROR(NeedRole(actor, {Role::kAdministrator}, "disabling a user"));
  MT_ASSIGN_OR_RETURN(User user, LoadUser(user_id));
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    MT_RETURN_IF_ERROR(db_->Execute("UPDATE users SET disabled = ? WHERE id = ?",
                                    {int64_t{disabled ? 1 : 0}, user_id})
                           .status());
    MT_RETURN_IF_ERROR(db_->Execute("UPDATE sessions SET revoked = 1 WHERE user_id = ?", {user_id}).status());
    return Append(actor, 0, fmt::format("user/{}", user_id), disabled ? "disable" : "enable", "", "", "");
  }));
  return Status::Ok();
}

}  // namespace moneytrail::workspace
