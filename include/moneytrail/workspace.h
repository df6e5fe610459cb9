// The joint task force's workspace: agencies, users and their clearances, cases as compartments
// with members and markings, notes, and an audit journal that records every read and write.
// `moneytrail serve` exposes it over HTTP (src/server); docs/workspace.md explains the access
// model. Every operation takes the Actor doing it and is journalled in the same database
// transaction as its effect, so no acknowledged change exists without its journal entry.
//
// Example:
//   MT_RETURN_IF_ERROR(Workspace::Init(dir, {.agency = "IRS-CI", .admin = "admin",
//                                            .password = pw}));
//   MT_ASSIGN_OR_RETURN(std::unique_ptr<Workspace> ws, Workspace::Open(dir));
//   MT_ASSIGN_OR_RETURN(Session s, ws->Login("admin", pw, "127.0.0.1"));
//   MT_ASSIGN_OR_RETURN(Actor me, ws->Authenticate(s.token, "127.0.0.1"));
//   MT_ASSIGN_OR_RETURN(CaseInfo c, ws->CreateCase(me, {.number = "2026-001", .title = "..."}));
//
// Thread safety: a Workspace is one database connection and is not thread-safe; give each
// thread its own (OpenAnother). Any number of Workspaces, in one process or several, may work
// on the same directory at once: SQLite in WAL mode lets readers run concurrently and
// serialises writers (BEGIN IMMEDIATE, a busy timeout, and within one process a lock taken
// first); each journal entry reads the chain's head inside its write transaction, so the
// journal stays one totally ordered hash chain. Sign-ins run one at a time per process.
#ifndef MONEYTRAIL_WORKSPACE_H_
#define MONEYTRAIL_WORKSPACE_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/group_commit.h"
#include "moneytrail/status.h"
#include "moneytrail/workspace_casework.h"

namespace moneytrail::workspace {

class SqlDatabase;
class Journal;

enum class Role { kAgent, kAnalyst, kSupervisor, kAuditor, kAdministrator };
std::string_view RoleName(Role role);
Result<Role> ParseRole(std::string_view name);

// A member's access to one case; ordered: each level includes the ones below it.
enum class CaseAccess { kNone = 0, kRead = 1, kWrite = 2, kAdmin = 3 };
std::string_view CaseAccessName(CaseAccess access);
Result<CaseAccess> ParseCaseAccess(std::string_view name);

// Legal markings. 6103: federal tax information (26 USC 6103; other agencies' officers only
// under 6103(i) and only those personally engaged). GJ-6E: grand-jury material (Fed. R. Crim.
// P. 6(e); every person given access is recorded). SAR: suspicious activity reports (31 USC
// 5318(g)(2)). LES: law enforcement sensitive.
inline constexpr std::string_view kMarking6103 = "6103";
inline constexpr std::string_view kMarkingGrandJury = "GJ-6E";
inline constexpr std::string_view kMarkingSar = "SAR";
inline constexpr std::string_view kMarkingLes = "LES";
using Markings = std::set<std::string, std::less<>>;
// The markings named in `names`; an unknown name is InvalidArgument naming it.
Result<Markings> ParseMarkings(const std::vector<std::string>& names);
// "6103,GJ-6E" (sorted), "" when none.
std::string FormatMarkings(const Markings& markings);

struct Agency {
  int64_t id = 0;
  std::string name;
  std::string contact;  // who to call about a deconfliction hit
};

struct User {
  int64_t id = 0;
  int64_t agency_id = 0;
  std::string agency;
  std::string username;
  std::string display_name;
  Role role = Role::kAgent;
  Markings clearances;
  bool disabled = false;
};

// Who acts, and from which network address (journalled).
struct Actor {
  User user;
  std::string address;
};

struct CaseInfo {
  int64_t id = 0;
  std::string number;
  std::string title;
  int64_t owning_agency_id = 0;
  std::string owning_agency;
  Markings markings;  // carried by everything in the case
  int64_t version = 0;
  std::string created_at;
  CaseAccess access = CaseAccess::kNone;  // the asking user's
};

struct Member {
  int64_t user_id = 0;
  std::string username;
  std::string agency;
  CaseAccess access = CaseAccess::kRead;
};

struct Note {
  int64_t id = 0;
  int64_t case_id = 0;
  std::string object_type;  // case, subject, alert, transaction
  std::string object_id;
  std::string author;
  std::string text;
  Markings markings;  // the note's own; it also carries its case's
  int64_t version = 0;
  std::string created_at;
  std::string updated_at;
};

struct Disclosure {
  int64_t case_id = 0;
  std::string case_number;
  std::string username;
  std::string agency;
  std::string disclosed_by;
  std::string reason;
  std::string at;
};

struct JournalEntry {
  int64_t seq = 0;
  std::string at;
  std::string username;
  std::string address;
  int64_t case_id = 0;
  std::string object;  // e.g. "case/3", "note/12", "user/4"
  std::string action;  // read, create, update, delete, login, login-failed, ...
  std::string before;  // JSON or ""
  std::string after;   // JSON or ""
  std::string reason;
  std::string prev_hash;
  std::string hash;
  std::string signature;
};

struct JournalQuery {
  std::string username;  // "" = any
  std::string object;    // "" = any
  int64_t case_id = 0;   // 0 = any
  std::string from;      // ISO time, inclusive; "" = open
  std::string to;        // ISO time, exclusive; "" = open
  int64_t limit = 1000;
};

// The access rule, in one place: a user sees an item only when a member of its case (any
// access) and cleared for every marking of the case and of the item.
bool CanSee(const User& user, CaseAccess membership, const Markings& case_markings,
            const Markings& item_markings);

// Argon2id cost (libsodium crypto_pwhash_str). Defaults: libsodium's INTERACTIVE limits
// (2 passes, 64 MiB), above OWASP's minimum for Argon2id (19 MiB, 2 passes).
struct PasswordCost {
  unsigned long long ops = 2;
  size_t memory_bytes = 64u << 20;
};

struct WorkspaceOptions {
  PasswordCost password_cost;
  int64_t session_seconds = 8 * 3600;
  int max_failures_per_user = 5;       // within failure_window_seconds
  int max_failures_per_address = 20;
  int64_t failure_window_seconds = 15 * 60;
  // Seconds since the epoch; tests inject a clock.
  std::function<int64_t()> now;
  // False only in tests: commits are not synced (a crash may lose acknowledged writes).
  bool durable = true;
  // The largest evidence file accepted (bytes).
  int64_t max_evidence_bytes = int64_t{256} << 20;
  // How long an alert's lock (open-and-lock) lasts.
  int64_t alert_lock_seconds = 15 * 60;
};

struct InitOptions {
  std::string agency;
  std::string agency_contact;
  std::string admin;
  std::string password;  // never logged or journalled
  PasswordCost password_cost;
};

struct NewUser {
  std::string username;
  std::string display_name;
  int64_t agency_id = 0;
  Role role = Role::kAgent;
  Markings clearances;
  std::string password;
};

struct NewCase {
  std::string number;
  std::string title;
  Markings markings;
};

struct Session {
  std::string token;  // give to the client once; only its hash is stored
  std::string csrf;
  User user;
  int64_t expires_at = 0;
};

class Workspace {
 public:
  // Creates a workspace in `dir` (which must not hold one): the database, the journal's
  // signing key (0600), the first agency and its administrator.
  static Status Init(const std::filesystem::path& dir, const InitOptions& options);
  static Result<std::unique_ptr<Workspace>> Open(const std::filesystem::path& dir,
                                                 WorkspaceOptions options = {});
  // Another connection to this workspace with the same options, for another thread.
  Result<std::unique_ptr<Workspace>> OpenAnother() const;
  // Compiles, on this connection, the statements a server request runs before its change
  // (the session check, a case's access and markings, the queue's unfiltered page, one alert,
  // one note), so that its first request compiles none (a server warms its pool with this
  // before serving: docs/workspace.md, "Compiled statements"). Returns how many it compiled
  // (0 when called again).
  Result<int64_t> PrepareStatements();
  // This connection's statement counts since it was opened (compiled; runs that reused one).
  StatementCacheTotals statement_counts() const;
  ~Workspace();
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  const std::filesystem::path& dir() const { return dir_; }

  // Sign-in. A wrong password and an unknown user give the same Unauthenticated error; too
  // many failures for the user or the address give ResourceExhausted until the window passes.
  Result<Session> Login(std::string_view username, std::string_view password,
                        std::string_view address);
  Status Logout(std::string_view token, std::string_view address);
  // The actor behind a session token; Unauthenticated when unknown, expired or revoked. When
  // `csrf` is given, it gets the session's CSRF token (the server's check of state changes),
  // read in the same lookup.
  Result<Actor> Authenticate(std::string_view token, std::string_view address, std::string* csrf = nullptr);
  // The CSRF token bound to the session, for the server's check of state changes.
  Result<std::string> SessionCsrf(std::string_view token);
  // API tokens for scripts ("mt_..."); shown once.
  Result<std::string> CreateApiToken(const Actor& actor, std::string_view label);
  Result<Actor> AuthenticateApiToken(std::string_view token, std::string_view address);

  // Administration (role administrator).
  Result<Agency> CreateAgency(const Actor& actor, std::string_view name, std::string_view contact);
  Result<std::vector<Agency>> ListAgencies(const Actor& actor);
  Result<User> CreateUser(const Actor& actor, const NewUser& user);
  Result<std::vector<User>> ListUsers(const Actor& actor);
  Status SetUserDisabled(const Actor& actor, int64_t user_id, bool disabled);

  // Cases. Agents, analysts and supervisors create cases; the creator becomes its admin
  // member and must hold every marking it is given. A case the actor may not see is NotFound,
  // exactly as a case that does not exist (no id guessing).
  Result<CaseInfo> CreateCase(const Actor& actor, const NewCase& c);
  Result<std::vector<CaseInfo>> ListCases(const Actor& actor);
  Result<CaseInfo> GetCase(const Actor& actor, int64_t case_id);
  // FailedPrecondition ("conflict") when `expected_version` is not the case's version.
  Result<CaseInfo> UpdateCase(const Actor& actor, int64_t case_id, int64_t expected_version,
                              const NewCase& c);
  // REQUIRES of the actor: admin access to the case. The new member must be cleared for every
  // marking of the case; a 6103 or GJ-6E case needs a reason; GJ-6E records a disclosure.
  Status AddMember(const Actor& actor, int64_t case_id, int64_t user_id, CaseAccess access,
                   std::string_view reason);
  Status RemoveMember(const Actor& actor, int64_t case_id, int64_t user_id,
                      std::string_view reason);
  Result<std::vector<Member>> ListMembers(const Actor& actor, int64_t case_id);

  // Notes on the case or on a subject, alert or transaction in it.
  Result<Note> AddNote(const Actor& actor, int64_t case_id, std::string_view object_type,
                       std::string_view object_id, std::string_view text, const Markings& markings);
  // The notes the actor may see (others are omitted, never hinted at).
  Result<std::vector<Note>> ListNotes(const Actor& actor, int64_t case_id);
  Result<Note> GetNote(const Actor& actor, int64_t note_id);
  // Changes the text of a note at `expected_version` (write access); one journal entry, the
  // update with the note before and after (the read it is based on is not journalled apart).
  Result<Note> UpdateNote(const Actor& actor, int64_t note_id, int64_t expected_version,
                          std::string_view text);

  // ---- Case work (docs/workspace.md, "Case work") ----
  // The case's moneytrail store (cases/<id>/store) and its latest investigation's output
  // directory (cases/<id>/run). Paths only: no access check (callers check the case).
  std::filesystem::path CaseStoreDir(int64_t case_id) const;
  std::filesystem::path CaseRunDir(int64_t case_id) const;
  // The stored file of evidence with this SHA-256 (evidence/<sha256>).
  std::filesystem::path EvidencePath(std::string_view sha256) const;

  // Evidence. Adding needs write access and every marking given; the file is stored once by
  // its SHA-256 (durably, read-only) before the row and its journal entry commit. `name` is a
  // plain file name (no directory). InvalidArgument past max_evidence_bytes or for an empty
  // file. Items the actor may not see are NotFound (get) or left out (list).
  Result<EvidenceItem> AddEvidence(const Actor& actor, int64_t case_id, std::string_view name,
                                   std::string_view media_type, std::string_view content,
                                   const Markings& markings);
  Result<std::vector<EvidenceItem>> ListEvidence(const Actor& actor, int64_t case_id);
  Result<EvidenceItem> GetEvidence(const Actor& actor, int64_t evidence_id);
  // Re-hashes the stored file and records ok, mismatch or missing (write access).
  Result<EvidenceItem> VerifyEvidence(const Actor& actor, int64_t evidence_id);
  // The stored bytes of an evidence item, for download: the same access rule as GetEvidence
  // (NotFound when the actor may not see it), journalled as a "download" with its size and
  // hash. DataLoss when the stored file is missing or no longer matches its SHA-256 (nothing
  // is handed out then; VerifyEvidence records the finding).
  Result<std::string> ReadEvidence(const Actor& actor, int64_t evidence_id, EvidenceItem& item);

  // Jobs (write access to create and retry; visible like an item carrying the job's markings).
  // An ingest names evidence of the same case the actor may see; mappings are names of shipped
  // mappings (letters, digits, '-', '_').
  Result<Job> CreateJob(const Actor& actor, int64_t case_id, const JobSpec& spec);
  Result<std::vector<Job>> ListJobs(const Actor& actor, int64_t case_id);
  Result<Job> GetJob(const Actor& actor, int64_t job_id);
  // A failed or interrupted job queued again as a new job (FailedPrecondition otherwise).
  Result<Job> RetryJob(const Actor& actor, int64_t job_id);
  // For the server's job runner (journalled as user "system"):
  // marks jobs left `running` by a previous process `interrupted`; returns how many.
  Result<int64_t> InterruptRunningJobs();
  // Takes the oldest queued job and marks it running, raising the markings of what the case's
  // store (ingest) or run directory (investigate) will hold before anything is written there;
  // nullopt when none is queued.
  Result<std::optional<RunnableJob>> ClaimNextJob();
  // Ends a running job. For a successful investigate job, its run directory's alerts.jsonl
  // enters the case's alert queue in the same transaction (an alert already queued, by rule,
  // subjects, window and evidence, is kept with its disposition); for a successful ingest, the
  // identifiers are checked for deconfliction (not when its evidence is 6103 or GJ-6E).
  Status CompleteJob(int64_t job_id, const JobOutcome& outcome);
  // The job's state without an actor or a journal entry (for the progress stream, after the
  // route checked access once). NotFound when absent.
  Result<Job> JobState(int64_t job_id);

  // The alert queue. Listing and reading need read access and every marking of the alert;
  // changes need write access, a note and the alert's current version (stale: conflict,
  // FailedPrecondition), and are refused (conflict) while another user holds the alert's lock.
  // `prepare`, when given, is called with the page after it is read and before the read is
  // journalled (the caller can render its answer before the commit wait, to send it as soon as
  // the entry is durable); nothing of the page may be disclosed before ListAlerts returns OK.
  Result<AlertPage> ListAlerts(const Actor& actor, int64_t case_id, const AlertQuery& query,
                               const std::function<void(const AlertPage&)>& prepare = {});
  Result<Alert> GetAlert(const Actor& actor, int64_t alert_id);
  Result<Alert> LockAlert(const Actor& actor, int64_t alert_id);
  Result<Alert> UnlockAlert(const Actor& actor, int64_t alert_id);
  // The oldest open, unassigned, not snoozed alert the actor may see, assigned to the actor and
  // locked; nullopt when there is none.
  Result<std::optional<Alert>> NextAlert(const Actor& actor, int64_t case_id);
  // user_id 0 unassigns; otherwise the user must be a member with write access who may see it.
  Result<Alert> AssignAlert(const Actor& actor, int64_t alert_id, int64_t user_id,
                            int64_t expected_version, std::string_view note);
  // `until`: YYYY-MM-DD (UTC); "" ends a snooze.
  Result<Alert> SnoozeAlert(const Actor& actor, int64_t alert_id, std::string_view until,
                            int64_t expected_version, std::string_view note);
  Result<Alert> SetDisposition(const Actor& actor, int64_t alert_id, std::string_view state,
                               int64_t expected_version, std::string_view note);
  // The dispositions as a `moneytrail train --labels` file: "tx_id,label" then one line per
  // evidence transaction of the alerts the actor may see: confirmed 1, cleared 0 (confirmed
  // wins when a transaction is in both), in transaction order.
  Result<std::string> ExportLabels(const Actor& actor, int64_t case_id);

  // Requests for records.
  Result<RecordsRequest> CreateRecordsRequest(const Actor& actor, int64_t case_id,
                                              const NewRecordsRequest& request);
  Result<std::vector<RecordsRequest>> ListRecordsRequests(const Actor& actor, int64_t case_id);
  Result<RecordsRequest> GetRecordsRequest(const Actor& actor, int64_t request_id);
  // Links evidence of the same case as (part of) the answer; `accounts` must be among those
  // asked. Needs write access and the request's version.
  Result<RecordsRequest> AddRecordsReceipt(const Actor& actor, int64_t request_id,
                                           int64_t evidence_id,
                                           const std::vector<std::string>& accounts,
                                           std::string_view note, int64_t expected_version);

  // Deconfliction: keyed hashes (HMAC-SHA-256 under keys/deconfliction.key) of normalised
  // identifiers compared with every other case. Entering identifiers needs write access; the
  // notices it raises (for this case and the other) name only the other case's agency and
  // contact. Returns this case's new notices.
  Result<std::vector<DeconflictionNotice>> AddIdentifiers(const Actor& actor, int64_t case_id,
                                                          const std::vector<std::string>& accounts,
                                                          const std::vector<std::string>& names);
  Result<std::vector<DeconflictionNotice>> ListDeconfliction(const Actor& actor, int64_t case_id);

  // Oversight (role auditor).
  Result<std::vector<JournalEntry>> QueryJournal(const Actor& actor, const JournalQuery& query);
  Result<std::vector<Disclosure>> GrandJuryDisclosures(const Actor& actor, int64_t case_id);

 private:
  Workspace(std::filesystem::path dir, std::unique_ptr<SqlDatabase> db,
            std::unique_ptr<Journal> journal, WorkspaceOptions options);
  int64_t Now() const;
  Result<CaseAccess> AccessOf(int64_t user_id, int64_t case_id);
  Result<CaseInfo> LoadCase(int64_t case_id);
  Result<User> LoadUser(int64_t user_id);
  Status Append(const Actor& actor, int64_t case_id, std::string_view object,
                std::string_view action, std::string_view before, std::string_view after,
                std::string_view reason);
  Status RecordFailure(std::string_view username, std::string_view address);
  // The case if the actor may see it (NotFound otherwise), without a journal entry, with the
  // actor's access filled in.
  Result<CaseInfo> VisibleCase(const Actor& actor, int64_t case_id);
  // The note if the actor may see it (NotFound otherwise), without a journal entry; `access`
  // gets the actor's access to its case.
  Result<Note> VisibleNote(const Actor& actor, int64_t note_id, CaseAccess& access);
  Result<EvidenceItem> LoadEvidence(int64_t evidence_id);
  Result<Job> LoadJob(int64_t job_id);
  Result<Alert> LoadAlert(int64_t alert_id);
  // One journalled change of an alert: checks that the actor may see and change it (write
  // access, a note, not locked by another user, `expected_version` current), runs `update`
  // (which must bump the version) in the transaction, records the history and the journal entry.
  Result<Alert> ChangeAlert(const Actor& actor, int64_t alert_id, int64_t expected_version,
                            std::string_view note, std::string_view action,
                            const std::function<Result<std::string>(const Alert& before)>& update);
  Result<int64_t> ImportAlerts(int64_t case_id, int64_t job_id, const Markings& markings);
  Result<RecordsRequest> LoadRecordsRequest(const Actor& actor, const CaseInfo& c, int64_t request_id);
  // Inside a transaction: records the identifiers and raises notices; returns the new notice ids
  // of `case_id`.
  Result<std::vector<int64_t>> CheckIdentifiers(const Actor& actor, int64_t case_id,
                                                const std::vector<std::pair<std::string, std::string>>& ids);
  Result<std::vector<DeconflictionNotice>> LoadNotices(int64_t case_id, int64_t min_id);
  // Runs `body` (and the journal entries it appends) in one transaction, then publishes the
  // journal's head.
  Status Journalled(const std::function<Status()>& body);

  std::filesystem::path dir_;
  std::unique_ptr<SqlDatabase> db_;
  std::unique_ptr<Journal> journal_;
  WorkspaceOptions options_;
};

// Verifies the journal of the workspace in `dir`: every entry's hash chain, its signature, the
// sequence without gaps, and the signed head file against the last entry. Returns the problems
// found (empty: intact); the first names the first bad entry.
Result<std::vector<std::string>> VerifyJournal(const std::filesystem::path& dir);

}  // namespace moneytrail::workspace

#endif  // MONEYTRAIL_WORKSPACE_H_
