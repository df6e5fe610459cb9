// The store reader: maps the committed segments' columns and loads the dictionaries.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <type_traits>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "account_index.h"
#include "checks.h"
#include "checksum.h"
#include "columns.h"
#include "moneytrail/check.h"
#include "moneytrail/file_util.h"
#include "moneytrail/hash.h"
#include "moneytrail/store.h"
#include "state.h"

namespace moneytrail::store {

using store_internal::Dictionaries;
using store_internal::Manifest;

// Per column: where its files are mapped and whether it was checked (StoreOpenOptions::columns,
// Store::CheckColumns).
struct ColumnState {
  std::vector<std::string_view> files;  // per segment: the whole mapped file, header included
  std::once_flag once;
  std::atomic<bool> checked{false};  // set (release) once the check passed
  Status status;                     // the check's result, once `once` ran
};

struct Store::Rep {
  std::filesystem::path dir;
  Manifest manifest;
  std::string manifest_sha256;
  Dictionaries dicts;
  std::vector<MappedFile> maps;
  bool check_column_crcs = true;
  // Mutable: a column is checked (and, for several segments, concatenated) on first read.
  mutable std::array<ColumnState, kColumnCount> columns;
  mutable TransactionColumns concatenated;  // used when there is more than one segment
  std::optional<ColumnFacts> facts;  // of all segments, when every segment recorded them
#define MT_SPAN_MEMBER(field) \
  mutable std::span<const decltype(TransactionColumns::field)::value_type> field;
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

  // Checks column `c` once (CheckColumn below); the same status on every call.
  Status Check(Column c) const {
    ColumnState& state = columns[static_cast<int>(c)];
    std::call_once(state.once, [&] {
      state.status = CheckColumn(c);
      state.checked.store(state.status.ok(), std::memory_order_release);
    });
    return state.status;
  }
  // `view` once column `c` is checked; stops the process when it is corrupt (store.h).
  template <typename T>
  std::span<const T> Read(Column c, const std::span<const T>& view) const {
    if (!columns[static_cast<int>(c)].checked.load(std::memory_order_acquire)) Require(c);
    return view;
  }
  void Require(Column c) const;

 private:
  Status CheckColumn(Column c) const;
  template <typename T>
  Status CheckColumnOf(Column c, std::span<const T>& view, std::vector<T>& all) const;
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

// Maps column `field` of segment `seg` and checks its header (not its payload: that is
// checked when the column is first read, Rep::CheckColumn). Returns the whole file.
Result<std::string_view> MapColumn(const std::filesystem::path& dir,
                                   const store_internal::SegmentRecord& seg, const char* field,
                                   size_t element_size, std::vector<MappedFile>& maps) {
  const std::filesystem::path path =
      store_internal::SegmentDir(dir, seg.name) / (std::string(field) + ".col");
  MT_ASSIGN_OR_RETURN(MappedFile file, MappedFile::Open(path));
  MT_RETURN_IF_ERROR(
      store_internal::ColumnPayload(path, file.view(), element_size, seg.transactions).status());
  const std::string_view view = file.view();
  maps.push_back(std::move(file));
  return view;
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

// to = from, where both are views of the same type (the X-macros visit every column's type).
template <typename U, typename T>
void AssignIfSameType(std::span<const U>& to, std::span<const T> from) {
  if constexpr (std::is_same_v<U, T>) to = from;
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
  // Map every column of every segment (headers checked); check the columns asked for now, the
  // others when first read.
  rep->check_column_crcs = check_column_crcs;
  {
    int c = 0;
#define MT_MAP_ONE(field)                                                                      \
  {                                                                                            \
    using T = decltype(TransactionColumns::field)::value_type;                                 \
    for (const auto& seg : segments) {                                                         \
      MT_ASSIGN_OR_RETURN(std::string_view file,                                               \
                          MapColumn(dir, seg, #field, sizeof(T), rep->maps));                  \
      rep->columns[c].files.push_back(file);                                                   \
    }                                                                                          \
    if (segments.size() == 1) {                                                                \
      rep->field = std::span<const T>(                                                         \
          reinterpret_cast<const T*>(rep->columns[c].files[0].data() +                         \
                                     store_internal::kColumnHeaderSize),                       \
          segments[0].transactions);                                                           \
    }                                                                                          \
    ++c;                                                                                       \
  }
    MT_TRANSACTION_COLUMNS(MT_MAP_ONE)
#undef MT_MAP_ONE
  }
  if (std::all_of(segments.begin(), segments.end(), [](const auto& seg) { return seg.facts; })) {
    rep->facts.emplace();
    for (const auto& seg : segments) rep->facts->Append(*seg.facts);
  }
  for (int c = 0; c < kColumnCount; ++c) {
    if (options.columns.contains(static_cast<Column>(c))) {
      MT_RETURN_IF_ERROR(rep->Check(static_cast<Column>(c)));
    }
  }
  return Store(std::move(rep));
}

std::string_view ColumnName(Column column) {
  static constexpr std::string_view kNames[] = {
#define MT_NAME_ONE(field) #field,
      MT_TRANSACTION_COLUMNS(MT_NAME_ONE)
#undef MT_NAME_ONE
  };
  static_assert(std::size(kNames) == kColumnCount);
  return kNames[static_cast<int>(column)];
}

// One read of each of the column's files for its block CRCs and its values' maximum (fused per
// 64 KiB block, ScanColumnFile), then the range check of that maximum; for several segments the
// checked rows are concatenated into `all` and `view` set to it.
template <typename T>
Status Store::Rep::CheckColumnOf(Column c, std::span<const T>& view, std::vector<T>& all) const {
  const std::string field(ColumnName(c));
  const std::string name = field + ".col";
  const auto& segments = manifest.segments;
  store_internal::ColumnMaxima maxima;
  uint64_t max = 0;
  bool bad_label = false;
  for (size_t k = 0; k < segments.size(); ++k) {
    const auto sum = segments[k].checksums.find(name);
    const store_internal::FileChecksum* crcs =
        check_column_crcs && sum != segments[k].checksums.end() ? &sum->second : nullptr;
    Status scanned = store_internal::ScanColumnFile(
        "segments/" + segments[k].name + "/" + name, columns[static_cast<int>(c)].files[k], crcs,
        sizeof(T), ReduceOf(field), &max, &bad_label);
    if (!scanned.ok()) {
      return DataLossError("store " + dir.string() + " is corrupt: " +
                           std::string(scanned.message()) +
                           " (moneytrail verify lists every problem)");
    }
  }
  if (segments.size() > 1) {
    all.reserve(manifest.transactions);
    for (size_t k = 0; k < segments.size(); ++k) {
      const char* payload = columns[static_cast<int>(c)].files[k].data() +
                            store_internal::kColumnHeaderSize;
      const T* first = reinterpret_cast<const T*>(payload);
      all.insert(all.end(), first, first + segments[k].transactions);
    }
    view = all;
  }
  // Referential and range checks of this column alone (the others' views stay empty).
  store_internal::ColumnViews views;
  store_internal::Problems problems;
  {
    int k = 0;
#define MT_VIEW_ONE(field)                   \
  if (k++ == static_cast<int>(c)) {          \
    AssignIfSameType(views.field, view);     \
    maxima.field = max;                      \
  }
    MT_TRANSACTION_COLUMNS(MT_VIEW_ONE)
#undef MT_VIEW_ONE
  }
  maxima.bad_label = bad_label;
  store_internal::CheckColumnValues(views, dicts, manifest, problems, &maxima);
  return problems.First(dir);
}

Status Store::Rep::CheckColumn(Column c) const {
  int k = 0;
#define MT_CHECK_ONE(field) \
  if (k++ == static_cast<int>(c)) return CheckColumnOf(c, field, concatenated.field);
  MT_TRANSACTION_COLUMNS(MT_CHECK_ONE)
#undef MT_CHECK_ONE
  return InternalError("no column " + std::to_string(static_cast<int>(c)));
}

void Store::Rep::Require(Column c) const {
  const Status status = Check(c);
  if (status.ok()) return;
  std::fprintf(stderr,
               "moneytrail: %s\n(column %s was read without Store::CheckColumns, which would "
               "have returned this as DataLoss)\n",
               std::string(status.message()).c_str(), std::string(ColumnName(c)).c_str());
  MT_CHECK(status.ok());
}

Status Store::CheckColumns(ColumnSet columns) const {
  for (int c = 0; c < kColumnCount; ++c) {
    if (columns.contains(static_cast<Column>(c))) {
      MT_RETURN_IF_ERROR(rep_->Check(static_cast<Column>(c)));
    }
  }
  return Status::Ok();
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

std::span<const Timestamp> Store::time() const { return rep_->Read(Column::kTime, rep_->time); }
std::span<const AccountId> Store::source() const {
  return rep_->Read(Column::kSource, rep_->source);
}
std::span<const AccountId> Store::destination() const {
  return rep_->Read(Column::kDestination, rep_->destination);
}
std::span<const int64_t> Store::amount_paid_units() const {
  return rep_->Read(Column::kAmountPaid, rep_->amount_paid);
}
std::span<const uint8_t> Store::paid_scale() const {
  return rep_->Read(Column::kPaidScale, rep_->paid_scale);
}
std::span<const uint16_t> Store::paid_currency() const {
  return rep_->Read(Column::kPaidCurrency, rep_->paid_currency);
}
std::span<const int64_t> Store::amount_received_units() const {
  return rep_->Read(Column::kAmountReceived, rep_->amount_received);
}
std::span<const uint8_t> Store::received_scale() const {
  return rep_->Read(Column::kReceivedScale, rep_->received_scale);
}
std::span<const uint16_t> Store::received_currency() const {
  return rep_->Read(Column::kReceivedCurrency, rep_->received_currency);
}
std::span<const uint8_t> Store::channel() const {
  return rep_->Read(Column::kChannel, rep_->channel);
}
std::span<const uint32_t> Store::location() const {
  return rep_->Read(Column::kLocation, rep_->location);
}
std::span<const uint16_t> Store::mcc() const { return rep_->Read(Column::kMcc, rep_->mcc); }
std::span<const uint32_t> Store::counterparty() const {
  return rep_->Read(Column::kCounterparty, rep_->counterparty);
}
std::span<const uint8_t> Store::label() const { return rep_->Read(Column::kLabel, rep_->label); }
std::span<const uint32_t> Store::typology() const {
  return rep_->Read(Column::kTypology, rep_->typology);
}
std::span<const uint32_t> Store::source_file() const {
  return rep_->Read(Column::kSourceFile, rep_->source_file);
}
std::span<const uint32_t> Store::source_line() const {
  return rep_->Read(Column::kSourceLine, rep_->source_line);
}

Decimal Store::amount_paid(TransactionId t) const {
  return Decimal{rep_->Read(Column::kAmountPaid, rep_->amount_paid)[t],
                 rep_->Read(Column::kPaidScale, rep_->paid_scale)[t]};
}
Decimal Store::amount_received(TransactionId t) const {
  return Decimal{rep_->Read(Column::kAmountReceived, rep_->amount_received)[t],
                 rep_->Read(Column::kReceivedScale, rep_->received_scale)[t]};
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
const std::vector<WithdrawalRecord>& Store::withdrawals() const {
  return rep_->manifest.withdrawals;
}
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
