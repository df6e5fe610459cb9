#include "workspace/journal.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "moneytrail/file_util.h"
#include "moneytrail/json_text.h"

namespace moneytrail::workspace {
namespace {

constexpr std::string_view kSignedPrefix = "moneytrail-journal-v1\n";

std::string Hex(const unsigned char* bytes, size_t n) {
  std::string out(n * 2, '0');
  static constexpr char kDigits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 15];
  }
  return out;
}

bool Unhex(std::string_view hex, unsigned char* out, size_t n) {
  if (hex.size() != 2 * n) return false;
  size_t bin_len = 0;
  return sodium_hex2bin(out, n, hex.data(), hex.size(), nullptr, &bin_len, nullptr) == 0 &&
         bin_len == n;
}

std::filesystem::path SecretKeyPath(const std::filesystem::path& dir) {
  return dir / "keys" / "journal.key";
}
std::filesystem::path PublicKeyPath(const std::filesystem::path& dir) {
  return dir / "keys" / "journal.pub";
}
std::filesystem::path HeadPath(const std::filesystem::path& dir) { return dir / "journal.head"; }

std::string SignedText(std::string_view hash) { return std::string(kSignedPrefix) + std::string(hash); }

// Every connection of this process to a workspace publishes its head through here, one at a
// time, so that the head file only moves forward and two writers never share its temporary file.
// The newest entry published per head file (its signature) lets a writer whose entry a later
// writer already covered skip the write (the head is then published once for a group of commits).
std::mutex head_mutex;
std::map<std::string, std::string>& PublishedHeads() {
  static std::map<std::string, std::string> published;  // head file -> signature; under head_mutex
  return published;
}

}  // namespace

JournalEntry JournalEntryFromRow(const SqlRow& r) {
  JournalEntry e;
  e.seq = SqlInt(r[0]);
  e.at = SqlText(r[1]);
  e.username = SqlText(r[2]);
  e.address = SqlText(r[3]);
  e.case_id = SqlInt(r[4]);
  e.object = SqlText(r[5]);
  e.action = SqlText(r[6]);
  e.before = SqlText(r[7]);
  e.after = SqlText(r[8]);
  e.reason = SqlText(r[9]);
  e.prev_hash = SqlText(r[10]);
  e.hash = SqlText(r[11]);
  e.signature = SqlText(r[12]);
  return e;
}

Result<std::string> CreateJournalKey(const std::filesystem::path& dir) {
  if (sodium_init() < 0) return InternalError("libsodium could not be initialised");
  std::error_code ec;
  std::filesystem::create_directories(dir / "keys", ec);
  if (ec) return IoError(fmt::format("{}: {}", (dir / "keys").string(), ec.message()));
  ::chmod((dir / "keys").c_str(), 0700);
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(pk, sk);
  const std::filesystem::path secret_path = SecretKeyPath(dir);
  const int fd = ::open(secret_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoError(fmt::format("{}: cannot create the journal key", secret_path.string()), errno);
  const ssize_t written = ::write(fd, sk, sizeof sk);
  const int sync_rc = ::fsync(fd);
  ::close(fd);
  sodium_memzero(sk, sizeof sk);
  if (written != static_cast<ssize_t>(sizeof sk) || sync_rc != 0) {
    return IoError(fmt::format("{}: cannot write the journal key", secret_path.string()));
  }
  const std::string pub = Hex(pk, sizeof pk);
  MT_RETURN_IF_ERROR(WriteFileDurably(PublicKeyPath(dir), pub + "\n"));
  return Sha256Hex(std::string_view(reinterpret_cast<const char*>(pk), sizeof pk)).substr(0, 16);
}

std::string JournalEntryHash(const JournalEntry& e) {
  nlohmann::ordered_json j = nlohmann::ordered_json::array(
      {e.seq, e.at, e.username, e.address, e.case_id, e.object, e.action, e.before, e.after,
       e.reason, e.prev_hash});
  return Sha256Hex(JsonText(j));
}

Journal::Journal(std::filesystem::path dir, SqlDatabase& db, std::array<unsigned char, 64> secret,
                 bool durable)
    : dir_(std::move(dir)), durable_(durable), db_(db), secret_(secret) {}

Result<std::unique_ptr<Journal>> Journal::Open(const std::filesystem::path& dir, SqlDatabase& db,
                                               bool durable) {
  if (sodium_init() < 0) return InternalError("libsodium could not be initialised");
  MT_ASSIGN_OR_RETURN(std::string bytes, ReadFileToString(SecretKeyPath(dir)));
  std::array<unsigned char, 64> secret{};
  static_assert(crypto_sign_SECRETKEYBYTES == 64);
  if (bytes.size() != secret.size()) {
    return DataLossError(fmt::format("{}: the journal key has {} bytes, expected {}",
                                     SecretKeyPath(dir).string(), bytes.size(), secret.size()));
  }
  std::memcpy(secret.data(), bytes.data(), secret.size());
  sodium_memzero(bytes.data(), bytes.size());
  return std::unique_ptr<Journal>(new Journal(dir, db, secret, durable));
}

std::string Journal::public_key_hex() const {
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  crypto_sign_ed25519_sk_to_pk(pk, secret_.data());
  return Hex(pk, sizeof pk);
}

std::string Journal::Sign(std::string_view hash) const {
  const std::string text = SignedText(hash);
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(text.data()),
                       text.size(), secret_.data());
  return Hex(sig, sizeof sig);
}

Status Journal::Append(JournalEntry& entry) {
  MT_ASSIGN_OR_RETURN(SqlRows last, db_.Query("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1"));
  entry.seq = last.empty() ? 1 : SqlInt(last[0][0]) + 1;
  entry.prev_hash = last.empty() ? std::string(64, '0') : SqlText(last[0][1]);
  entry.hash = JournalEntryHash(entry);
  entry.signature = sign_each_entry_ ? Sign(entry.hash) : std::string();
  MT_ASSIGN_OR_RETURN(
      int64_t changed,
      db_.Execute("INSERT INTO journal (seq, at, username, address, case_id, object, action, "
                  "before_value, after_value, reason, prev_hash, hash, signature) "
                  "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                  {entry.seq, entry.at, entry.username, entry.address, entry.case_id, entry.object,
                   entry.action, entry.before, entry.after, entry.reason, entry.prev_hash,
                   entry.hash, entry.signature}));
  if (changed != 1) return InternalError("the journal entry was not written");
  return Status::Ok();
}

Status Journal::SignNewest() {
  MT_ASSIGN_OR_RETURN(SqlRows last,
                      db_.Query("SELECT seq, hash, signature FROM journal ORDER BY seq DESC LIMIT 1"));
  if (last.empty() || !SqlText(last[0][2]).empty()) return Status::Ok();
  MT_ASSIGN_OR_RETURN(int64_t changed, db_.Execute("UPDATE journal SET signature = ? WHERE seq = ?",
                                                   {Sign(SqlText(last[0][1])), SqlInt(last[0][0])}));
  if (changed != 1) return InternalError("the journal's newest entry was not signed");
  return Status::Ok();
}

namespace {

constexpr size_t kHeadSlotSize = 512;  // bytes per slot, newline included; 2 slots per file

// A slot's checksum: SHA-256 (hex) of the canonical JSON of its seq, hash and signature.
std::string SlotCheck(const JournalHead& head) {
  nlohmann::ordered_json j = {{"seq", head.seq}, {"hash", head.hash}, {"signature", head.signature}};
  return Sha256Hex(JsonText(j));
}

// One slot's text: a JSON line padded with spaces to kHeadSlotSize bytes. DataLoss when the
// entry's hash and signature do not fit (a well-formed head takes ~330 bytes; longer ones come
// only from an edited database).
Result<std::string> SlotText(const JournalHead& head) {
  nlohmann::ordered_json j = {{"seq", head.seq},
                              {"hash", head.hash},
                              {"signature", head.signature},
                              {"check", SlotCheck(head)}};
  std::string text = JsonText(j);
  if (text.size() >= kHeadSlotSize) {
    return DataLossError(fmt::format("journal entry {}: its hash and signature take {} bytes as a head, "
                                     "expected under {} (64 and 128 hex digits)",
                                     head.seq, text.size(), kHeadSlotSize));
  }
  text.resize(kHeadSlotSize - 1, ' ');
  return text + "\n";
}

// A never-written slot: spaces and a newline.
std::string BlankSlot() { return std::string(kHeadSlotSize - 1, ' ') + "\n"; }

// {seq, hash, signature} from a parsed JSON object, or nullopt.
std::optional<JournalHead> HeadFromJson(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("seq") || !j["seq"].is_number_integer() || !j.contains("hash") ||
      !j["hash"].is_string() || !j.contains("signature") || !j["signature"].is_string()) {
    return std::nullopt;
  }
  return JournalHead{j["seq"].get<int64_t>(), j["hash"].get<std::string>(),
                     j["signature"].get<std::string>()};
}

// The head in one slot's bytes, or nullopt if the slot is blank, torn or edited (its check
// does not match).
std::optional<JournalHead> ParseSlot(std::string_view slot) {
  const nlohmann::json j = nlohmann::json::parse(slot, nullptr, false);
  std::optional<JournalHead> head = HeadFromJson(j);
  if (!head || !j.contains("check") || !j["check"].is_string() ||
      j["check"].get<std::string>() != SlotCheck(*head)) {
    return std::nullopt;
  }
  return head;
}

}  // namespace

Result<JournalHeadFile> ParseJournalHead(std::string_view text) {
  JournalHeadFile file;
  // The older form is one short JSON line: a file of exactly two slots' size is the two-slot form,
  // whatever a torn write left in either slot (its newline included).
  if (text.size() == 2 * kHeadSlotSize) {
    file.slotted = true;
    for (int slot = 0; slot < 2; ++slot) {
      std::optional<JournalHead> head = ParseSlot(text.substr(slot * kHeadSlotSize, kHeadSlotSize));
      if (!head) continue;
      file.valid_slots |= 1 << slot;
      if (!file.newest || head->seq > file.newest->seq) {
        file.newest = std::move(head);
        file.newest_slot = slot;
      }
    }
    if (!file.newest) {
      return DataLossError("neither of its two slots holds a valid head (both torn, edited or blank)");
    }
    return file;
  }
  // The form written before session 14: one JSON object.
  file.newest = HeadFromJson(nlohmann::json::parse(text, nullptr, false));
  if (!file.newest) {
    return DataLossError(fmt::format("not a journal head: expected two {}-byte slots or one JSON object "
                                     "with seq, hash and signature, found {} bytes",
                                     kHeadSlotSize, text.size()));
  }
  return file;
}

Status Journal::PublishHead(bool always) {
  std::lock_guard<std::mutex> lock(head_mutex);
  // Read under the lock: whoever publishes last has read the newest committed entry.
  MT_ASSIGN_OR_RETURN(SqlRows last,
                      db_.Query("SELECT seq, hash, signature FROM journal ORDER BY seq DESC LIMIT 1"));
  if (last.empty()) return Status::Ok();
  std::string& published = PublishedHeads()[HeadPath(dir_).string()];
  if (!always && SqlText(last[0][2]) == published) return Status::Ok();
  // WriteHead skips the write when the file already names this entry (opening a workspace: a
  // pool growing under load then queues no synced head writes behind one another).
  MT_RETURN_IF_ERROR(WriteHead(JournalHead{SqlInt(last[0][0]), SqlText(last[0][1]), SqlText(last[0][2])}));
  published = SqlText(last[0][2]);
  return Status::Ok();
}

Status Journal::WriteHead(const JournalHead& head) {
  const std::filesystem::path path = HeadPath(dir_);
  // Another process (a CLI command) may publish the same head file: the file lock orders the
  // read of the slots with the write.
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0 && errno != ENOENT) return ErrnoError(fmt::format("{}: cannot open", path.string()), errno);
  struct FdCloser {
    int fd;
    ~FdCloser() {
      if (fd >= 0) ::close(fd);  // closing also releases the flock
    }
  } closer{fd};
  std::optional<JournalHeadFile> current;
  if (fd >= 0) {
    if (::flock(fd, LOCK_EX) != 0) return ErrnoError(fmt::format("{}: cannot lock", path.string()), errno);
    std::string text(2 * kHeadSlotSize + 1, '\0');
    const ssize_t n = ::pread(fd, text.data(), text.size(), 0);
    if (n < 0) return ErrnoError(fmt::format("{}: cannot read", path.string()), errno);
    text.resize(static_cast<size_t>(n));
    if (auto parsed = ParseJournalHead(text); parsed.ok()) current = std::move(*parsed);
  }
  if (current && current->newest) {
    const JournalHead& newest = *current->newest;
    // The head only moves forward: a head at or past this entry stays (one naming a later entry
    // than the database holds is evidence of a truncation, for VerifyJournal to report).
    if (newest.seq > head.seq) return Status::Ok();
    if (newest.seq == head.seq && newest.hash == head.hash && newest.signature == head.signature &&
        current->slotted) {
      return Status::Ok();
    }
  }
  if (!current || !current->slotted) {
    // No head file, or one of the single-object form (or unreadable): write the two-slot file
    // whole, once, through a rename (and, durable, a directory sync).
    MT_ASSIGN_OR_RETURN(std::string slot_text, SlotText(head));
    const std::string text = slot_text + BlankSlot();
    if (durable_) return WriteFileAtomically(path, text);
    const std::filesystem::path temp = path.string() + ".tmp";
    {
      std::ofstream out(temp, std::ios::binary | std::ios::trunc);
      out << text;
      if (!out) return IoError(fmt::format("{}: cannot write", temp.string()));
    }
    std::error_code ec;
    std::filesystem::rename(temp, path, ec);
    if (ec) return IoError(fmt::format("{}: {}", path.string(), ec.message()));
    return Status::Ok();
  }
  // In place: into the slot that does not hold the newest valid head, so that a write torn by
  // a power loss leaves that head readable. The file's size never changes: fdatasync has no
  // metadata to write, and no rename asks for a directory sync.
  const int slot = 1 - current->newest_slot;
  MT_ASSIGN_OR_RETURN(const std::string text, SlotText(head));
  const off_t offset = static_cast<off_t>(slot * kHeadSlotSize);
  const ssize_t written = ::pwrite(fd, text.data(), text.size(), offset);
  if (written != static_cast<ssize_t>(text.size())) {
    return ErrnoError(fmt::format("{}: cannot write slot {}", path.string(), slot), written < 0 ? errno : EIO);
  }
  if (durable_ && ::fdatasync(fd) != 0) {
    return ErrnoError(fmt::format("{}: cannot sync", path.string()), errno);
  }
  return Status::Ok();
}

Result<std::vector<std::string>> VerifyJournal(const std::filesystem::path& dir) {
  if (sodium_init() < 0) return InternalError("libsodium could not be initialised");
  std::vector<std::string> problems;
  MT_ASSIGN_OR_RETURN(std::string pub_text, ReadFileToString(PublicKeyPath(dir)));
  while (!pub_text.empty() && (pub_text.back() == '\n' || pub_text.back() == '\r')) pub_text.pop_back();
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  if (!Unhex(pub_text, pk, sizeof pk)) {
    return DataLossError(fmt::format("{}: not an Ed25519 public key in hex", PublicKeyPath(dir).string()));
  }
  auto verify_sig = [&](std::string_view hash, std::string_view sig_hex) {
    unsigned char sig[crypto_sign_BYTES];
    if (!Unhex(sig_hex, sig, sizeof sig)) return false;
    const std::string text = SignedText(hash);
    return crypto_sign_verify_detached(sig, reinterpret_cast<const unsigned char*>(text.data()),
                                       text.size(), pk) == 0;
  };
  MT_ASSIGN_OR_RETURN(std::unique_ptr<SqlDatabase> db, OpenSqlite(dir / "workspace.db"));
  MT_ASSIGN_OR_RETURN(
      SqlRows rows,
      db->Query(fmt::format("SELECT {} ORDER BY rowid", kJournalColumns)));
  int64_t expected_seq = 1;
  std::string prev(64, '0');
  std::vector<std::string> hashes;  // by seq - 1, as found
  // The first entry since the last signed one: an unsigned entry (under group commit, all but
  // the last of a batch) is covered by the next signature, whose hash chains back through it.
  int64_t unsigned_since = 0;
  for (const SqlRow& row : rows) {
    const JournalEntry e = JournalEntryFromRow(row);
    if (e.seq != expected_seq) {
      problems.push_back(e.seq > expected_seq
                             ? fmt::format("entry {}: follows entry {}; entries {} to {} are missing "
                                           "(deleted) or the order was changed",
                                           e.seq, expected_seq - 1, expected_seq, e.seq - 1)
                             : fmt::format("entry {}: found after entry {} (inserted, duplicated or "
                                           "reordered)", e.seq, expected_seq - 1));
      return problems;
    }
    if (e.prev_hash != prev) {
      problems.push_back(fmt::format("entry {}: its previous-entry hash does not match entry {} "
                                     "(an entry was inserted, removed or reordered)", e.seq, e.seq - 1));
      return problems;
    }
    if (JournalEntryHash(e) != e.hash) {
      problems.push_back(fmt::format("entry {} ({} {} by {} at {}): its contents do not match its "
                                     "hash (edited)", e.seq, e.action, e.object, e.username, e.at));
      return problems;
    }
    if (e.signature.empty()) {
      if (unsigned_since == 0) unsigned_since = e.seq;
    } else if (!verify_sig(e.hash, e.signature)) {
      problems.push_back(
          unsigned_since == 0
              ? fmt::format("entry {}: the signature does not verify with {} (re-hashed or signed by "
                            "another key)", e.seq, PublicKeyPath(dir).string())
              : fmt::format("entry {}: the signature does not verify with {}; it covers entries {} to "
                            "{}, one of which was re-hashed (or it was signed by another key)",
                            e.seq, PublicKeyPath(dir).string(), unsigned_since, e.seq));
      return problems;
    } else {
      unsigned_since = 0;
    }
    prev = e.hash;
    hashes.push_back(e.hash);
    ++expected_seq;
  }
  if (unsigned_since != 0) {
    // Every commit signs its newest entry: unsigned entries at the end were not written by the
    // workspace (appended without the key).
    problems.push_back(fmt::format("entries {} to {}: no signature covers them (appended without "
                                   "the journal key)", unsigned_since, expected_seq - 1));
    return problems;
  }
  const std::filesystem::path head_path = HeadPath(dir);
  std::error_code ec;
  if (!std::filesystem::exists(head_path, ec)) {
    if (!hashes.empty()) problems.push_back(fmt::format("{}: missing (the signed head of the journal)", head_path.string()));
    return problems;
  }
  MT_ASSIGN_OR_RETURN(std::string head_text, ReadFileToString(head_path));
  Result<JournalHeadFile> head_file = ParseJournalHead(head_text);
  if (!head_file.ok()) {
    problems.push_back(fmt::format("{}: {}", head_path.string(), head_file.status().message()));
    return problems;
  }
  // The newest valid slot: a slot torn by a power loss is passed over for the other, which
  // names an entry committed before it.
  const int64_t head_seq = head_file->newest->seq;
  const std::string head_hash = head_file->newest->hash;
  if (!verify_sig(head_hash, head_file->newest->signature)) {
    problems.push_back(fmt::format("{}: the head's signature does not verify", head_path.string()));
    return problems;
  }
  if (head_seq > static_cast<int64_t>(hashes.size())) {
    problems.push_back(fmt::format("journal truncated: the signed head names entry {}, the journal "
                                   "ends at entry {}", head_seq, hashes.size()));
  } else if (head_seq < 1 || hashes[static_cast<size_t>(head_seq - 1)] != head_hash) {
    problems.push_back(fmt::format("entry {}: differs from the signed head (replaced)", head_seq));
  }
  return problems;
}

}  // namespace moneytrail::workspace
