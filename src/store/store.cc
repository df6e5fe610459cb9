// The store reader: maps the committed segments' columns and loads the dictionaries.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <atomic>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "account_index.h"
#include "checks.h"
#include "checksum.h"
#include "columns.h"
#include "moneytrail/file_util.h"
#include "moneytrail/hash.h"
#include "moneytrail/store.h"
#include "state.h"

namespace moneytrail::store {

using store_internal::Dictionaries;
using store_internal::Manifest;

struct Store::Rep {
  std::filesystem::path dir;
  Manifest manifest;
  std::string manifest_sha256;
  Dictionaries dicts;
  std::vector<MappedFile> maps;
  TransactionColumns concatenated;  // used when there is more than one segment
  std::optional<ColumnFacts> facts;  // of all segments, when every segment recorded them
#define MT_SPAN_MEMBER(field) std::span<const decltype(TransactionColumns::field)::value_type> field;
  MT_TRANSACTION_COLUMNS(MT_SPAN_MEMBER)
#undef MT_SPAN_MEMBER
  std::vector<NodeKind> account_kinds;
  std::vector<AccountId> balance_accounts;  // accounts with an opening balance
  mutable std::atomic<int> lookups{0};
  mutable std::once_flag index_once;
  mutable store_internal::AccountIndex account_index{&dicts.accounts};
  std::vector<CommitFile> commit_files;
  int holders_lock_fd = -1;  // shared flock on the attachment's lock file (pins its directory)

  Rep() = default;
  Rep(const Rep&) = delete;
  Rep& operator=(const Rep&) = delete;
  ~Rep() {
    if (holders_lock_fd >= 0) ::close(holders_lock_fd);
  }
};

namespace {

// Which check a column's values get besides the CRCs (checks.h, CheckColumnValues).
constexpr store_internal::ColumnReduce ReduceOf(std::string_view field) {
  using store_internal::ColumnReduce;
  if (field == "label") return ColumnReduce::kLabel;
  if (field == "time" || field == "amount_paid" || field == "amount_received" || field == "mcc" ||
      field == "source_line") {
    return ColumnReduce::kNone;
  }
  return ColumnReduce::kMax;
}

// Maps column `field` of segment `seg`, checks its header, and reads it once for its block CRCs
// (when `check_crcs` and the segment has them) and its values' maximum (into `max`).
template <typename T>
Result<std::span<const T>> MapColumn(const std::filesystem::path& dir,
                                     const store_internal::SegmentRecord& seg, const char* field,
                                     bool check_crcs, uint64_t* max, bool* bad_label,
                                     std::vector<MappedFile>& maps) {
  const std::string name = std::string(field) + ".col";
  const std::filesystem::path path = store_internal::SegmentDir(dir, seg.name) / name;
  MT_ASSIGN_OR_RETURN(MappedFile file, MappedFile::Open(path));
  MT_ASSIGN_OR_RETURN(std::string_view payload,
                      store_internal::ColumnPayload(path, file.view(), sizeof(T), seg.transactions));
  const auto sum = seg.checksums.find(name);
  const store_internal::FileChecksum* crcs =
      check_crcs && sum != seg.checksums.end() ? &sum->second : nullptr;
  Status scanned = store_internal::ScanColumnFile("segments/" + seg.name + "/" + name,
                                                  file.view(), crcs, sizeof(T), ReduceOf(field),
                                                  max, bad_label);
  if (!scanned.ok()) {
    return DataLossError("store " + dir.string() + " is corrupt: " +
                         std::string(scanned.message()) +
                         " (moneytrail verify lists every problem)");
  }
  std::span<const T> span(reinterpret_cast<const T*>(payload.data()), seg.transactions);
  maps.push_back(std::move(file));
  return span;
}

// Takes a shared flock on the lock file of attachment `name`, so that a writer replacing the
// attachment keeps its directory while this reader lives. Returns the descriptor; -1 when the
// attachment has no lock file (written before format 4, or being removed: the caller reads
// MANIFEST again to tell); nullopt when the attachment was removed since MANIFEST was read.
std::optional<int> PinHolders(const std::filesystem::path& dir, const std::string& name) {
  const std::filesystem::path hdir = store_internal::HoldersDir(dir, name);
  int fd = ::open((hdir / store_internal::kHoldersLockName).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  // A writer holds it exclusively only while it removes the directory: wait, then look.
  while (::flock(fd, LOCK_SH) != 0 && errno == EINTR) {
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || st.st_nlink == 0) {
    ::close(fd);
    return std::nullopt;
  }
  return fd;
}

StoreOpenOptions& MutableDefaultOptions() {
  static StoreOpenOptions options;
  return options;
}

}  // namespace

const StoreOpenOptions& DefaultOpenOptions() { return MutableDefaultOptions(); }
void SetDefaultOpenOptions(const StoreOpenOptions& options) { MutableDefaultOptions() = options; }

Result<Store> Store::Open(const std::filesystem::path& dir) {
  return Open(dir, DefaultOpenOptions());
}

Result<Store> Store::Open(const std::filesystem::path& dir, const StoreOpenOptions& options) {
  auto rep = std::make_unique<Rep>();
  rep->dir = dir;
  std::string raw;
  for (int attempt = 0;; ++attempt) {
    MT_ASSIGN_OR_RETURN(rep->manifest, store_internal::ReadManifest(dir, &raw));
    if (!rep->manifest.holders) break;
    std::optional<int> pin = PinHolders(dir, rep->manifest.holders->name);
    if (pin && *pin >= 0) {
      rep->holders_lock_fd = *pin;
      break;
    }
    if (pin) {
      // No lock file: an attachment written before format 4 (MANIFEST unchanged: read it
      // unpinned, as before), or one being removed after a replacement (read MANIFEST again).
      std::string again;
      Result<Manifest> now = store_internal::ReadManifest(dir, &again);
      if (now.ok() && again == raw) break;
    }
    // The attachment was replaced between reading MANIFEST and pinning it: read it again.
    if (attempt == 100) {
      return DataLossError("store " + dir.string() + ": the attachment " +
                           rep->manifest.holders->name +
                           " that MANIFEST names is missing (and MANIFEST did not change)");
    }
  }
  rep->manifest_sha256 = Sha256Hex(raw);
  {
    store_internal::Problems problems;
    store_internal::CheckManifest(rep->manifest, problems);
    MT_RETURN_IF_ERROR(problems.First(dir));
  }
  MT_RETURN_IF_ERROR(store_internal::CheckSegmentFiles(dir, rep->manifest));
  // Every file's SHA-256 (and CRCs) when asked; else the CRCs of the dictionaries and rejects
  // here, and of the columns below as they are read.
  bool check_column_crcs = options.check_block_crcs;
  if (options.verify_sha256) {
    store_internal::Problems problems;
    uint64_t files = 0, bytes = 0;
    store_internal::CheckSegmentFilesFully(dir, rep->manifest, problems, files, bytes);
    MT_RETURN_IF_ERROR(problems.First(dir));
    check_column_crcs = false;
  } else if (options.check_block_crcs) {
    store_internal::Problems problems;
    store_internal::CheckOtherSegmentFileCrcs(dir, rep->manifest, problems);
    MT_RETURN_IF_ERROR(problems.First(dir));
  }
  {
    store_internal::Problems problems;
    store_internal::CheckHoldersFiles(dir, rep->manifest, problems);
    MT_RETURN_IF_ERROR(problems.First(dir));
  }
  for (uint32_t k = 0; k < rep->manifest.segments.size(); ++k) {
    const auto& seg = rep->manifest.segments[k];
    for (const std::string& f : seg.commit_files) {
      const auto sum = seg.checksums.find(f);
      rep->commit_files.push_back(CommitFile{f, k, seg.file_bytes.at(f),
                                             sum == seg.checksums.end() ? "" : sum->second.sha256});
    }
  }
  MT_RETURN_IF_ERROR(store_internal::LoadDictionaries(dir, rep->manifest, rep->dicts));

  rep->account_kinds.reserve(rep->dicts.accounts.size());
  for (const AccountKey& key : rep->dicts.accounts) rep->account_kinds.push_back(key.kind);
  // Attributes are rare (AMLSim's nodes.csv, native balances): scan them only when some exist.
  if (std::any_of(rep->manifest.segments.begin(), rep->manifest.segments.end(),
                  [](const auto& seg) { return seg.attributes > 0; })) {
    const auto& attributes = rep->dicts.attributes;
    for (AccountId a = 0; a < attributes.size(); ++a) {
      if (attributes[a].opening_balance) rep->balance_accounts.push_back(a);
    }
  }
  const auto& segments = rep->manifest.segments;
  uint64_t total = 0;
  for (const auto& seg : segments) total += seg.transactions;
  if (total != rep->manifest.transactions) {
    return DataLossError(dir.string() + ": segments hold " + std::to_string(total) +
                         " transactions, the manifest " +
                         std::to_string(rep->manifest.transactions));
  }
  store_internal::ColumnMaxima maxima;
  if (segments.size() == 1) {
#define MT_MAP_ONE(field)                                                                   \
  {                                                                                          \
    using T = decltype(TransactionColumns::field)::value_type;                               \
    MT_ASSIGN_OR_RETURN(rep->field,                                                          \
                        MapColumn<T>(dir, segments[0], #field, check_column_crcs,            \
                                     &maxima.field, &maxima.bad_label, rep->maps));          \
  }
    MT_TRANSACTION_COLUMNS(MT_MAP_ONE)
#undef MT_MAP_ONE
  } else if (segments.size() > 1) {
    TransactionColumns& all = rep->concatenated;
    all.Reserve(total);
    for (const auto& seg : segments) {
      std::vector<MappedFile> maps;
#define MT_APPEND_ONE(field)                                                                 \
  {                                                                                           \
    using T = decltype(TransactionColumns::field)::value_type;                                \
    MT_ASSIGN_OR_RETURN(std::span<const T> part,                                              \
                        MapColumn<T>(dir, seg, #field, check_column_crcs, &maxima.field,      \
                                     &maxima.bad_label, maps));                               \
    all.field.insert(all.field.end(), part.begin(), part.end());                              \
  }
      MT_TRANSACTION_COLUMNS(MT_APPEND_ONE)
#undef MT_APPEND_ONE
    }
#define MT_VIEW_ONE(field) rep->field = all.field;
    MT_TRANSACTION_COLUMNS(MT_VIEW_ONE)
#undef MT_VIEW_ONE
  }
  if (std::all_of(segments.begin(), segments.end(), [](const auto& seg) { return seg.facts; })) {
    rep->facts.emplace();
    for (const auto& seg : segments) rep->facts->Append(*seg.facts);
  }
  // Referential and range checks: every id a column holds names a dictionary entry, every scale
  // is 0..18, channels and labels are in range (the maxima of the pass above).
  {
    store_internal::ColumnViews views;
#define MT_VIEW_FIELD(field) views.field = rep->field;
    MT_TRANSACTION_COLUMNS(MT_VIEW_FIELD)
#undef MT_VIEW_FIELD
    store_internal::Problems problems;
    store_internal::CheckColumnValues(views, rep->dicts, rep->manifest, problems, &maxima);
    MT_RETURN_IF_ERROR(problems.First(dir));
  }
  return Store(std::move(rep));
}

Store::Store(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

const std::filesystem::path& Store::dir() const { return rep_->dir; }
uint64_t Store::transaction_count() const { return rep_->manifest.transactions; }
uint32_t Store::account_count() const { return static_cast<uint32_t>(rep_->dicts.accounts.size()); }
uint64_t Store::generation() const { return rep_->manifest.generation; }
const std::string& Store::manifest_sha256() const { return rep_->manifest_sha256; }

std::span<const Timestamp> Store::time() const { return rep_->time; }
std::span<const AccountId> Store::source() const { return rep_->source; }
std::span<const AccountId> Store::destination() const { return rep_->destination; }
std::span<const int64_t> Store::amount_paid_units() const { return rep_->amount_paid; }
std::span<const uint8_t> Store::paid_scale() const { return rep_->paid_scale; }
std::span<const uint16_t> Store::paid_currency() const { return rep_->paid_currency; }
std::span<const int64_t> Store::amount_received_units() const { return rep_->amount_received; }
std::span<const uint8_t> Store::received_scale() const { return rep_->received_scale; }
std::span<const uint16_t> Store::received_currency() const { return rep_->received_currency; }
std::span<const uint8_t> Store::channel() const { return rep_->channel; }
std::span<const uint32_t> Store::location() const { return rep_->location; }
std::span<const uint16_t> Store::mcc() const { return rep_->mcc; }
std::span<const uint32_t> Store::counterparty() const { return rep_->counterparty; }
std::span<const uint8_t> Store::label() const { return rep_->label; }
std::span<const uint32_t> Store::typology() const { return rep_->typology; }
std::span<const uint32_t> Store::source_file() const { return rep_->source_file; }
std::span<const uint32_t> Store::source_line() const { return rep_->source_line; }

Decimal Store::amount_paid(TransactionId t) const {
  return Decimal{rep_->amount_paid[t], rep_->paid_scale[t]};
}
Decimal Store::amount_received(TransactionId t) const {
  return Decimal{rep_->amount_received[t], rep_->received_scale[t]};
}

const AccountKey& Store::account(AccountId a) const { return rep_->dicts.accounts[a]; }
const AccountAttributes& Store::account_attributes(AccountId a) const {
  return rep_->dicts.attributes[a];
}

std::optional<AccountId> Store::FindAccount(NodeKind kind, std::string_view bank,
                                            std::string_view number) const {
  // One scan of the dictionary is several times cheaper than building the index
  // (bench/RESULTS-trace.md): a verb that looks up one account should not pay for the index.
  constexpr int kScannedLookups = 4;
  if (rep_->lookups.fetch_add(1, std::memory_order_relaxed) < kScannedLookups) {
    const auto& accounts = rep_->dicts.accounts;
    for (AccountId a = 0; a < accounts.size(); ++a) {
      const AccountKey& k = accounts[a];
      if (k.number == number && k.kind == kind && k.bank == bank) return a;
    }
    return std::nullopt;
  }
  std::call_once(rep_->index_once, [this] {
    const auto& accounts = rep_->dicts.accounts;
    rep_->account_index.Reserve(accounts.size());
    for (AccountId a = 0; a < accounts.size(); ++a) {
      const AccountKey& k = accounts[a];
      rep_->account_index.Insert(HashAccountKey(static_cast<uint8_t>(k.kind), k.bank, k.number), a);
    }
  });
  AccountId id = rep_->account_index.Find(HashAccountKey(static_cast<uint8_t>(kind), bank, number),
                                          kind, bank, number);
  if (id == kNoAccount) return std::nullopt;
  return id;
}

std::string Store::AccountLabel(AccountId a) const {
  const AccountKey& key = rep_->dicts.accounts[a];
  std::string out;
  if (key.kind != NodeKind::kAccount) {
    out += NodeKindName(key.kind);
    out += ':';
  }
  out += key.bank;
  out += ':';
  out += key.number;
  return out;
}

std::string_view Store::currency(uint16_t id) const { return rep_->dicts.currencies.at(id); }
size_t Store::currency_count() const { return rep_->dicts.currencies.size(); }
std::string_view Store::string(uint32_t id) const { return rep_->dicts.strings.at(id); }
const Location& Store::location_entry(uint32_t id) const { return rep_->dicts.locations[id]; }
const std::vector<SourceRecord>& Store::sources() const { return rep_->manifest.sources; }
const HoldersRecord* Store::holders() const {
  return rep_->manifest.holders ? &*rep_->manifest.holders : nullptr;
}
std::filesystem::path Store::holders_dir() const {
  if (!rep_->manifest.holders) return {};
  return store_internal::HoldersDir(rep_->dir, rep_->manifest.holders->name);
}
std::span<const NodeKind> Store::account_kinds() const { return rep_->account_kinds; }
std::span<const AccountId> Store::accounts_with_opening_balance() const {
  return rep_->balance_accounts;
}
const ColumnFacts* Store::column_facts() const {
  return rep_->facts ? &*rep_->facts : nullptr;
}

const std::vector<CommitFile>& Store::commit_files() const { return rep_->commit_files; }

Result<std::string> Store::ReadCommitFile(uint32_t segment, std::string_view name) const {
  const auto& segments = rep_->manifest.segments;
  if (segment >= segments.size() ||
      std::find(segments[segment].commit_files.begin(), segments[segment].commit_files.end(),
                name) == segments[segment].commit_files.end()) {
    return NotFoundError("store " + rep_->dir.string() + " has no commit file '" +
                         std::string(name) + "' in segment " + std::to_string(segment));
  }
  const auto& seg = segments[segment];
  const std::string rel = "segments/" + seg.name + "/" + std::string(name);
  Result<std::string> bytes = ReadFileToString(rep_->dir / rel);
  if (!bytes.ok()) {
    return DataLossError("store " + rep_->dir.string() + " is corrupt: " + rel +
                         " is missing or unreadable: " + std::string(bytes.status().message()));
  }
  const auto sum = seg.checksums.find(std::string(name));
  if (sum == seg.checksums.end()) return InternalError(rel + " has no checksum");
  if (auto bad = store_internal::FirstBadBlock(sum->second, *bytes)) {
    return DataLossError("store " + rep_->dir.string() + " is corrupt: " + rel + ": byte " +
                         std::to_string(*bad * store_internal::kChecksumBlockBytes) +
                         ": CRC32C or size differs from the manifest's");
  }
  if (Sha256Hex(*bytes) != sum->second.sha256) {
    return DataLossError("store " + rep_->dir.string() + " is corrupt: " + rel +
                         ": sha256 differs from the manifest's " + sum->second.sha256);
  }
  return bytes;
}

void TransactionColumns::Reserve(size_t n) {
#define MT_RESERVE_ONE(field) field.reserve(n);
  MT_TRANSACTION_COLUMNS(MT_RESERVE_ONE)
#undef MT_RESERVE_ONE
}

void TransactionColumns::Clear() {
#define MT_CLEAR_ONE(field) field.clear();
  MT_TRANSACTION_COLUMNS(MT_CLEAR_ONE)
#undef MT_CLEAR_ONE
}

void TransactionColumns::AppendAll(const TransactionColumns& other) {
#define MT_APPEND_ALL_ONE(field) field.insert(field.end(), other.field.begin(), other.field.end());
  MT_TRANSACTION_COLUMNS(MT_APPEND_ALL_ONE)
#undef MT_APPEND_ALL_ONE
}

}  // namespace moneytrail::store
