// The workspace's audit journal: an append-only table in the workspace database whose entries
// are hash-chained (each entry's SHA-256 covers the previous entry's hash and a canonical
// encoding of its own fields) and signed with the workspace's Ed25519 key: every entry, or
// (under group commit) the newest entry of each committed batch, whose signature covers the
// whole chain up to it. After every commit the newest entry's seq, hash and signature are
// written to `journal.head` beside the database, so a truncated journal (the tail deleted with
// its rows) is detected too.
// docs/workspace.md, "The journal".
#ifndef MONEYTRAIL_WORKSPACE_JOURNAL_H_
#define MONEYTRAIL_WORKSPACE_JOURNAL_H_

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "moneytrail/status.h"
#include "moneytrail/workspace.h"
#include "workspace/sql.h"

namespace moneytrail::workspace {

class GroupCommitter;  // group_commit.h

// Creates the signing key pair in `dir`/keys (secret key mode 0600). Returns the public key's
// fingerprint (first 16 hex digits of its SHA-256), to be recorded outside the workspace.
Result<std::string> CreateJournalKey(const std::filesystem::path& dir);

// The journal's columns, in the order JournalEntryFromRow reads them (prefix "SELECT ").
inline constexpr std::string_view kJournalColumns =
    "seq, at, username, address, case_id, object, action, before_value, after_value, reason, "
    "prev_hash, hash, signature FROM journal";
// An entry from a row selected with kJournalColumns.
JournalEntry JournalEntryFromRow(const SqlRow& row);

// The journal's hash of an entry: SHA-256 (hex) of the canonical encoding of every field
// except hash and signature.
std::string JournalEntryHash(const JournalEntry& entry);

// A journal head: the newest entry's seq, hash and signature (hex).
struct JournalHead {
  int64_t seq = 0;
  std::string hash;
  std::string signature;
};

// What a `journal.head` file holds. The file is two fixed-size slots (512 bytes each: a JSON
// line {seq, hash, signature, check} padded with spaces), written in place alternately; `check`
// is the SHA-256 of the slot's seq, hash and signature, so a slot torn by a power loss (or
// edited) is recognised and passed over. A file of the form written before session 14 (one
// JSON object {seq, hash, signature}) is read too. docs/workspace.md, "The journal".
struct JournalHeadFile {
  std::optional<JournalHead> newest;  // the valid head with the higher seq; set when Parse is ok
  bool slotted = false;               // the two-slot form (false: the older single-object form)
  int newest_slot = 0;                // slotted: which slot (0 or 1) holds `newest`
  int valid_slots = 0;                // slotted: bit i set when slot i is valid
};
// Parses a head file's bytes. DataLoss when no valid head is found (both slots torn, edited or
// blank, or neither form), its message saying what was found and what was expected.
Result<JournalHeadFile> ParseJournalHead(std::string_view text);

class Journal {
 public:
  // Loads the signing key from `dir`/keys. `db` must outlive the journal. `durable` = false
  // (tests only) writes the head file without fsync.
  static Result<std::unique_ptr<Journal>> Open(const std::filesystem::path& dir, SqlDatabase& db,
                                               bool durable = true);

  // Appends one entry inside the caller's open transaction; fills seq, prev_hash and hash of
  // `entry`, and its signature unless signing is left to SignNewest (set_sign_each_entry).
  Status Append(JournalEntry& entry);
  // Signs the newest entry if it is not signed yet, inside the caller's open transaction. The
  // committer calls it once per batch, before the batch commits: the signature of the batch's
  // last entry covers, through the hash chain, every entry before it.
  Status SignNewest();
  // Whether Append signs each entry (the default) or leaves it to SignNewest.
  void set_sign_each_entry(bool sign) { sign_each_entry_ = sign; }
  // Writes the head file for the newest committed entry. Call after the transaction commits.
  // Thread-safe across the journals of one process (one lock) and, through a file lock, across
  // processes: the head file only moves forward; a call whose entry another call of this process
  // already published writes nothing, unless `always` (opening a workspace: the file may lag
  // after a crash), which still writes nothing when the file names the entry.
  Status PublishHead(bool always = false);
  std::string public_key_hex() const;
  // The process's committer of this journal's workspace (group_commit.h), through which a
  // Workspace commits its journalled changes; null for the committer's own journal (and for
  // one used without a committer, which then commits on its own connection).
  GroupCommitter* committer() const { return committer_.get(); }
  void set_committer(std::shared_ptr<GroupCommitter> committer) { committer_ = std::move(committer); }

 private:
  Journal(std::filesystem::path dir, SqlDatabase& db, std::array<unsigned char, 64> secret,
          bool durable);
  // Writes `head` into the head file: in place, into the slot not holding the file's newest
  // valid head, then fdatasync (durable); no write when the file already names `head` or a
  // later entry. A missing or single-object file is replaced whole (rename, directory sync).
  Status WriteHead(const JournalHead& head);
  // The signature (hex) of `hash`.
  std::string Sign(std::string_view hash) const;
  bool sign_each_entry_ = true;
  std::filesystem::path dir_;
  bool durable_;
  SqlDatabase& db_;
  std::array<unsigned char, 64> secret_;
  std::shared_ptr<GroupCommitter> committer_;  // shared: every Workspace of the process holds it
};

}  // namespace moneytrail::workspace

#endif  // MONEYTRAIL_WORKSPACE_JOURNAL_H_
