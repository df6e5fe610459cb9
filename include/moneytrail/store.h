// The store: a directory of append-only, memory-mapped column segments with a versioned manifest
// that keeps the custody record of every source file (DESIGN.md, The store). The on-disk format
// is documented in docs/format/store.md.
//
// Reading:
//   MT_ASSIGN_OR_RETURN(store::Store s, store::Store::Open("case.store"));
//   for (TransactionId t = 0; t < s.transaction_count(); ++t)
//     use(s.time()[t], s.source()[t], s.destination()[t], s.amount_paid(t));
//
// Writing (what `moneytrail ingest` does):
//   MT_ASSIGN_OR_RETURN(auto w, store::StoreWriter::Open("case.store"));
//   AccountId a = w->InternAccount(NodeKind::kAccount, "010", "8000EBD30");
//   ... w->columns().Append...; w->AddSource(record); MT_RETURN_IF_ERROR(w->Commit());
//
// Thread safety: a Store is immutable after Open and safe to read from many threads. A
// StoreWriter is used by one thread; it holds an exclusive lock on the directory (flock) for its
// lifetime so two writers never interleave. Readers never block writers: a commit atomically
// replaces MANIFEST, and a Store opened before it keeps seeing the state it opened.
#ifndef MONEYTRAIL_STORE_H_
#define MONEYTRAIL_STORE_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/money.h"
#include "moneytrail/status.h"
#include "moneytrail/transaction.h"

namespace moneytrail::store {

// The store format this code writes and the highest it reads (docs/format/store.md, Versions).
// Version 2 added per-segment column facts; version 3 the attached account holders and entities;
// version 4 checksums of every file (block CRC32C and SHA-256), the manifest's own checksum and
// per-commit files. Every commit writes version 4 (older readers refuse it rather than drop the
// checksums on their next commit); stores of versions 1-3 still open, their files unchecked.
inline constexpr int kStoreFormatVersion = 4;
// The first version with checksums.
inline constexpr int kStoreFormatVersionWithChecksums = 4;
// The version of a store from which a source was withdrawn (StoreWriter::Withdraw): it adds the
// manifest's `withdrawals`, which an older writer would drop on its next commit, so it refuses
// it. A store without withdrawals is still written as kStoreFormatVersion.
inline constexpr int kStoreFormatVersionWithWithdrawals = 5;
// The highest version this code reads.
inline constexpr int kHighestStoreFormatVersion = kStoreFormatVersionWithWithdrawals;
inline constexpr uint16_t kNoMcc = 0xFFFF;
inline constexpr uint32_t kNoString = 0;  // string id 0 is the empty string
inline constexpr uint32_t kNoLocation = 0;

// Column-wise transactions, owning. The ingest fills these; a Store with several segments
// concatenates into one of these on Open. All vectors have the same length.
struct TransactionColumns {
  std::vector<Timestamp> time;
  std::vector<AccountId> source;
  std::vector<AccountId> destination;
  std::vector<int64_t> amount_paid;  // Decimal units
  std::vector<uint8_t> paid_scale;
  std::vector<uint16_t> paid_currency;
  std::vector<int64_t> amount_received;
  std::vector<uint8_t> received_scale;
  std::vector<uint16_t> received_currency;
  std::vector<uint8_t> channel;       // Channel
  std::vector<uint32_t> location;     // location id, kNoLocation
  std::vector<uint16_t> mcc;          // kNoMcc when absent
  std::vector<uint32_t> counterparty; // string id, kNoString
  std::vector<uint8_t> label;         // Label
  std::vector<uint32_t> typology;     // string id, kNoString
  std::vector<uint32_t> source_file;  // index into Store::sources()
  std::vector<uint32_t> source_line;  // 1-based physical line where the record starts

  size_t size() const { return time.size(); }
  void Reserve(size_t n);
  void Clear();
  // Appends all rows of `other`.
  void AppendAll(const TransactionColumns& other);
};

// The smallest and largest scale (fractional digits) of the amounts in one currency.
struct ScaleRange {
  uint8_t min = 0xFF;  // {0xFF, 0}: no amount in this currency
  uint8_t max = 0;
  bool empty() const { return min > max; }
  void Add(uint8_t scale) {
    if (scale < min) min = scale;
    if (scale > max) max = scale;
  }
  void Add(ScaleRange other) {
    if (other.empty()) return;
    Add(other.min);
    Add(other.max);
  }
  bool operator==(const ScaleRange&) const = default;
};

// Facts about the transaction columns that the writer records per segment (store format 2), so
// that readers need not re-derive them with a pass over every row (the tracer's ledger).
struct ColumnFacts {
  uint64_t rows = 0;  // how many rows these facts describe
  // Times are non-decreasing along ids, so the (time, id) order is the id order.
  bool time_sorted = true;
  Timestamp min_time = 0;  // both 0 when there are no rows
  Timestamp max_time = 0;
  // Indexed by currency id; may be shorter than the currency dictionary (missing: empty range).
  std::vector<ScaleRange> paid_scale;
  std::vector<ScaleRange> received_scale;

  // The facts of `columns` (one pass over time, scales and currencies).
  static ColumnFacts Of(const TransactionColumns& columns);
  // Makes these the facts of these rows followed by `next`'s (a later segment's rows).
  void Append(const ColumnFacts& next);
  bool operator==(const ColumnFacts&) const = default;
};

struct AccountKey {
  NodeKind kind = NodeKind::kAccount;
  std::string bank;
  std::string number;
  bool operator==(const AccountKey&) const = default;
};

// Per-account facts that a source may give (AMLSim's nodes.csv: label and opening balance).
struct AccountAttributes {
  Label label = Label::kUnknown;
  std::optional<Decimal> opening_balance;
  uint16_t balance_currency = 0;
};

struct Location {
  uint32_t city = kNoString;
  uint32_t region = kNoString;
  uint32_t country = kNoString;
};

// The custody record of one ingested source file.
struct SourceRecord {
  uint32_t index = 0;          // position in Store::sources()
  std::string path;            // as given on the command line, made absolute
  std::string sha256;          // hex digest of the file's bytes
  uint64_t bytes = 0;
  uint64_t rows_read = 0;      // data rows (header and trailing empty lines excluded)
  uint64_t rows_accepted = 0;
  uint64_t rows_rejected = 0;  // rows_read == rows_accepted + rows_rejected, always
  std::string format;          // "ibm-aml", "amlsim", "amlsim-labels", "native", "mapped"
  std::string mapping;         // mapping file path and its sha256, for "mapped"
  std::string ingested_at;     // ISO 8601 UTC
  uint32_t segment = 0;        // the segment that holds its rows
  uint64_t first_transaction = 0;  // id of its first accepted row
  std::string rejects_file;    // relative to the store, empty when no rejects
  // Lines, for custody of text sources (0 in stores written before these fields):
  std::string encoding;         // a mapped file's declared encoding ("utf-8", "windows-1252", ...)
  uint64_t lines = 0;           // physical lines after the header
  uint64_t lines_skipped = 0;   // lines skipped by the mapping's skip_patterns (never rows)
  uint64_t lines_rejected = 0;  // lines spanned by rejected rows
  // Accepted statement rows recognised as a transaction another kept line already carries (an
  // overlapping download's copy, or the credit side of a mirror transfer): counted in
  // rows_accepted, cited on that transaction (the segment's statement-lines.csv), not appended
  // again. The source added rows_accepted - rows_merged transactions.
  uint64_t rows_merged = 0;
};

// The custody record of a withdrawn source (StoreWriter::Withdraw, store format 5): the
// source's own record as it was, and who withdrew it, when and why.
struct WithdrawalRecord {
  SourceRecord source;           // the custody record as it stood before the withdrawal
  uint64_t transactions_removed = 0;  // its rows taken out of the columns
  uint64_t citations_removed = 0;     // its statement lines cited on other sources' rows
  std::string reason;            // why (required)
  std::string by;                // who
  std::string withdrawn_at;      // ISO 8601 UTC
  uint64_t generation = 0;       // the generation the withdrawal committed
  uint64_t previous_generation = 0;
  // The previous generation kept readable as a store of its own (relative to the store,
  // "history/gen-000004"; Store::Open(dir / history) reads it), empty when not kept.
  std::string history;
};

// What to withdraw (StoreWriter::Withdraw).
struct WithdrawRequest {
  // The source: its SHA-256 (64 hex digits, or a prefix of at least 8 that names one source)
  // or its recorded (absolute) path.
  std::string source;
  std::string reason;  // required, not blank
  std::string by;      // who withdraws (recorded as given)
  // Keep the previous generation readable under history/ (hard links: no data is copied).
  bool keep_history = true;
};

// One file of the holders attachment, as stored.
struct HoldersFile {
  std::string name;    // file name inside the attachment's directory
  uint64_t bytes = 0;
  std::string sha256;  // hex digest of the stored bytes
  std::string source;  // the path it was copied from (absolute), empty if written by moneytrail
};

// Who holds the accounts: KYC party records, the account-to-holder links and the resolved
// entities, attached to a store by `moneytrail resolve --store` (docs/resolve.md). Stored as
// files in holders/NAME/ (parties.csv, accounts.csv, entities.csv) that scan, score, trace and
// investigate read when no --parties/--entities are given. At most one attachment is current; a
// new one replaces it in one commit.
struct HoldersRecord {
  std::string name;                // directory under holders/
  std::vector<HoldersFile> files;  // parties.csv, accounts.csv, entities.csv
  std::string attached_at;         // ISO 8601 UTC
  std::string method;              // how the entities were made, in words (resolver, threshold)
  uint64_t parties = 0;            // party records
  uint64_t linked_accounts = 0;    // store accounts with a holder party
  uint64_t entities = 0;           // distinct entities among the parties

  const HoldersFile* file(std::string_view file_name) const {
    for (const HoldersFile& f : files) {
      if (f.name == file_name) return &f;
    }
    return nullptr;
  }
};

// What StoreWriter::AttachHolders stores: the files' bytes and the record's facts (name, sizes
// and digests are filled in by the writer).
struct HoldersAttachment {
  struct File {
    std::string name;
    std::string contents;
    std::string source;
  };
  std::vector<File> files;
  std::string method;
  uint64_t parties = 0;
  uint64_t linked_accounts = 0;
  uint64_t entities = 0;
};

// A file stored with one commit through StoreWriter::AddCommitFile (store format 4).
struct CommitFile {
  std::string name;      // file name inside the segment's directory
  uint32_t segment = 0;  // index of the segment (commit) that holds it
  uint64_t bytes = 0;
  std::string sha256;    // hex digest of its bytes
};

// The transaction columns, one file each (`time.col`, ...), in file order: what
// StoreOpenOptions::columns and Store::CheckColumns name.
enum class Column : uint8_t {
  kTime, kSource, kDestination, kAmountPaid, kPaidScale, kPaidCurrency, kAmountReceived,
  kReceivedScale, kReceivedCurrency, kChannel, kLocation, kMcc, kCounterparty, kLabel, kTypology,
  kSourceFile, kSourceLine,
};
inline constexpr int kColumnCount = 17;
// The column's field name, which is its file name without ".col" ("amount_paid").
std::string_view ColumnName(Column column);

// A set of columns (a value type). ColumnSet{} is empty; ColumnSet::All() holds every column.
//   ColumnSet read{Column::kTime, Column::kAmountPaid, Column::kPaidScale};
class ColumnSet {
 public:
  constexpr ColumnSet() = default;
  constexpr ColumnSet(std::initializer_list<Column> columns) {
    for (Column c : columns) Add(c);
  }
  static constexpr ColumnSet All() {
    ColumnSet all;
    all.bits_ = (uint32_t{1} << kColumnCount) - 1;
    return all;
  }
  constexpr ColumnSet& Add(Column c) {
    bits_ |= uint32_t{1} << static_cast<int>(c);
    return *this;
  }
  constexpr bool contains(Column c) const { return (bits_ >> static_cast<int>(c)) & 1; }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr bool operator==(const ColumnSet&) const = default;

 private:
  uint32_t bits_ = 0;
};

struct StoreOpenOptions {
  // The columns Open checks before it returns (their block CRC32Cs, with check_block_crcs, and
  // their values' ranges: ids inside their dictionaries, scales, channels, labels); the others
  // are checked when first read (Store::CheckColumns, or the column's accessor): docs/format/
  // store.md, When checksums are checked. Every column by default. A caller that reads only a
  // few columns (`moneytrail info`) opens with fewer and calls CheckColumns for those it reads,
  // so that it pays only for what it reads while no byte it reads goes unchecked.
  ColumnSet columns = ColumnSet::All();
  // Check the block CRC32C of every file Open reads (columns, dictionaries, rejects) as it reads
  // it, so that a flipped bit, even one that leaves a value in its valid range, is DataLoss
  // instead of a different answer. Each column is read once for its CRCs and its range checks
  // together (docs/format/store.md, When checksums are checked). `moneytrail verify` turns it
  // off for its own Open, having checked every file already.
  bool check_block_crcs = true;
  // Also check every segment file's SHA-256, the custody digest (`moneytrail VERB --verify`):
  // reads each file once more; the files are hashed in parallel.
  bool verify_sha256 = false;
};

// The options Store::Open(dir) uses: StoreOpenOptions{} unless SetDefaultOpenOptions changed
// them (the CLI does, once, for --verify).
const StoreOpenOptions& DefaultOpenOptions();
// REQUIRES: no other thread is opening a store (call it at start-up).
void SetDefaultOpenOptions(const StoreOpenOptions& options);

class Store {
 public:
  // Opens the committed state of the store at `dir`. NotFound if there is no store there,
  // FailedPrecondition for a newer format, DataLoss naming the file (and element) for anything
  // that would make a reader answer wrongly or crash (docs/format/store.md, What Open checks):
  // the manifest's own checksum, a file missing or of the wrong size, custody arithmetic, an id
  // outside its dictionary, a scale above 18, a channel or label out of range, a holders file
  // whose SHA-256 differs, and (with options.check_block_crcs, the default) a block of a column,
  // dictionary or rejects file whose CRC32C differs. The attached holders' directory stays on
  // disk while this Store lives (a reader's shared lock on it), even when a writer replaces the
  // attachment.
  static Result<Store> Open(const std::filesystem::path& dir, const StoreOpenOptions& options);
  // Open(dir, DefaultOpenOptions()).
  static Result<Store> Open(const std::filesystem::path& dir);

  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  ~Store();

  const std::filesystem::path& dir() const;
  uint64_t transaction_count() const;
  uint32_t account_count() const;
  // Monotonic commit counter.
  uint64_t generation() const;
  // SHA-256 (hex) of the MANIFEST bytes: identifies this exact state in outputs.
  const std::string& manifest_sha256() const;

  // Checks each column of `columns` that is not checked yet (StoreOpenOptions::columns): reads
  // its files once for their block CRC32Cs (with check_block_crcs) and its values' ranges. Ok,
  // or DataLoss naming the file, byte and element (the same as Open gives for a column it
  // checks). Each column is checked at most once per Store, and a failure is returned again by
  // later calls. Thread-safe.
  Status CheckColumns(ColumnSet columns) const;

  // Columns. Views stay valid as long as this Store lives. No accessor returns a byte that was
  // not checked: a column not checked yet (not in StoreOpenOptions::columns, no CheckColumns
  // call) is checked on its accessor's first call. An accessor cannot return DataLoss, so one
  // that finds its column corrupt stops the process with the message (a programmer error: a
  // caller that opens with fewer columns calls CheckColumns for every column it reads first).
  std::span<const Timestamp> time() const;
  std::span<const AccountId> source() const;
  std::span<const AccountId> destination() const;
  std::span<const int64_t> amount_paid_units() const;
  std::span<const uint8_t> paid_scale() const;
  std::span<const uint16_t> paid_currency() const;
  std::span<const int64_t> amount_received_units() const;
  std::span<const uint8_t> received_scale() const;
  std::span<const uint16_t> received_currency() const;
  std::span<const uint8_t> channel() const;
  std::span<const uint32_t> location() const;
  std::span<const uint16_t> mcc() const;
  std::span<const uint32_t> counterparty() const;
  std::span<const uint8_t> label() const;
  std::span<const uint32_t> typology() const;
  std::span<const uint32_t> source_file() const;
  std::span<const uint32_t> source_line() const;

  // amount_paid_units()[t] at paid_scale()[t]; the same for received. Like the accessors, these
  // check their two columns on first use.
  Decimal amount_paid(TransactionId t) const;
  Decimal amount_received(TransactionId t) const;

  // Dictionaries.
  const AccountKey& account(AccountId a) const;
  const AccountAttributes& account_attributes(AccountId a) const;
  // The first few calls scan the dictionary; later calls build and use a hash index once (so a
  // single lookup does not pay for indexing every account).
  std::optional<AccountId> FindAccount(NodeKind kind, std::string_view bank,
                                       std::string_view number) const;
  // account(a).kind for every account, contiguous (for scans that need only the kind).
  std::span<const NodeKind> account_kinds() const;
  // The accounts whose attributes carry an opening balance, ascending.
  std::span<const AccountId> accounts_with_opening_balance() const;
  // "bank:number" for accounts; "cash:bank:number" etc. for other kinds.
  std::string AccountLabel(AccountId a) const;
  std::string_view currency(uint16_t id) const;
  size_t currency_count() const;
  std::string_view string(uint32_t id) const;
  const Location& location_entry(uint32_t id) const;

  const std::vector<SourceRecord>& sources() const;
  // The sources withdrawn from this store (store format 5), oldest first.
  const std::vector<WithdrawalRecord>& withdrawals() const;

  // The attached holders and entities, or null when none were attached (store format 3).
  const HoldersRecord* holders() const;
  // The directory of the attached holders' files (dir()/holders/NAME); empty when none.
  std::filesystem::path holders_dir() const;

  // What the writers recorded about the columns of all segments; null when a segment was
  // written before store format 2 (its facts are unknown: derive them from the columns).
  const ColumnFacts* column_facts() const;

  // The files stored with commits (StoreWriter::AddCommitFile), in segment order, then in the
  // order they were added.
  const std::vector<CommitFile>& commit_files() const;
  // The bytes of commit file `name` of segment `segment`, read now and checked against the
  // recorded size and checksums: NotFound when no such file was committed, DataLoss when the file
  // is missing or differs.
  Result<std::string> ReadCommitFile(uint32_t segment, std::string_view name) const;

 private:
  struct Rep;
  explicit Store(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

class StoreWriter {
 public:
  // Opens the store at `dir` for appending, creating it if absent. Takes the directory's lock;
  // FailedPrecondition if another writer holds it. Removes leftovers of crashed writers
  // (segment directories that no manifest names).
  static Result<std::unique_ptr<StoreWriter>> Open(const std::filesystem::path& dir);
  ~StoreWriter();

  // Dense ids in order of first appearance; existing keys return their id.
  Result<AccountId> InternAccount(NodeKind kind, std::string_view bank, std::string_view number);
  // The same, with `hash` == HashAccountKey(kind, bank, number) (moneytrail/hash.h) computed by
  // the caller, e.g. on a parsing thread.
  Result<AccountId> InternAccountHashed(uint64_t hash, NodeKind kind, std::string_view bank,
                                        std::string_view number);
  // A hint that InternAccountHashed(hash, ...) or FindAccount(hash, ...) follows soon, for
  // callers that look keys up in bulk (the ingest asks some rows ahead). It changes no result.
  void PrefetchAccount(uint64_t hash) const;
  // Lookups from other threads while one thread interns (the ingest's parsing threads resolve
  // the keys already interned, so that its serial merge interns only new ones): a reader holds
  // the lock ShareAccounts() returns while it calls FindAccount, and interning takes it
  // exclusively only when the dictionary or its index must grow. FindAccount returns the id
  // InternAccount* has already given the key, or kNoAccount.
  std::shared_lock<std::shared_mutex> ShareAccounts() const;
  AccountId FindAccount(uint64_t hash, NodeKind kind, std::string_view bank,
                        std::string_view number) const;
  // Pre-sizes the pending columns and the account index.
  void Reserve(size_t transactions, size_t accounts);
  Result<uint16_t> InternCurrency(std::string_view name);
  // Id 0 is the empty string.
  Result<uint32_t> InternString(std::string_view text);
  Result<uint32_t> InternLocation(std::string_view city, std::string_view region,
                                  std::string_view country);
  // Records attributes for an account (later segments override earlier ones).
  void SetAccountAttributes(AccountId account, const AccountAttributes& attributes);
  // The attributes held for `account` (committed or pending). REQUIRES: account < account_count().
  const AccountAttributes& account_attributes(AccountId account) const;

  // The rows of the pending segment; append to them directly.
  TransactionColumns& columns();
  // Writes the rows of columns() to the pending segment's files on a background thread and
  // empties columns() (reusing earlier buffers), so that a long ingest's memory does not grow
  // with its input and the copying overlaps the caller's work. The rows stay pending: Commit
  // commits them with the rest; a writer destroyed without committing removes them. If a
  // Commit fails after rows were written ahead, they are lost and this writer refuses further
  // commits (FailedPrecondition).
  Status SpillPending();
  // Pending rows: written ahead and still in columns().
  uint64_t pending_transaction_count() const;
  uint64_t committed_transaction_count() const;
  uint32_t account_count() const;
  // Index the next AddSource will receive.
  uint32_t next_source_index() const;
  // The existing record with this digest, if any (duplicate-source check).
  const SourceRecord* FindSourceBySha256(std::string_view sha256) const;
  // Adds a custody record to the pending commit; `rejects_csv` (may be empty) is written to
  // the segment's reject file for this source. REQUIRES: record.index == next_source_index().
  void AddSource(SourceRecord record, std::string rejects_csv);
  // Adds a file to the pending commit: written into the new segment's directory, checksummed
  // and listed in the manifest under that segment (Store::commit_files). For what an ingest
  // stores beside its rows (the statement checks' report, extra citations). InvalidArgument when
  // `name` is not a plain file name, is one a segment reserves (*.col, *.dict, rejects-*) or was
  // already added to this commit.
  Status AddCommitFile(std::string name, std::string contents);

  // Writes the pending segment and atomically replaces the manifest. After a crash at any
  // point, Store::Open sees either the previous state or the new one, never a mix.
  Status Commit();
  // Withdraws one source in one commit (docs/format/store.md, Withdrawing a source): the new
  // generation is the store as if that source had never been ingested (the segments before its
  // own are kept; its segment and the later ones are rewritten without its rows, ids renumbered
  // as a fresh ingest of the remaining sources in order would number them), and the manifest
  // gains a WithdrawalRecord. With request.keep_history the previous generation stays readable
  // under history/. The source can then be ingested again. Crash-safe like Commit.
  // Errors: InvalidArgument (blank reason), NotFound (no such source, naming the sources),
  // FailedPrecondition when rows or sources are pending, or when the store cannot rebuild the
  // rest exactly: the source was ingested in one statement call with others (their checks and
  // joins were computed together; the message names the transactions joined across sources) or
  // it set account attributes together with other sources of its commit. After a failure the
  // writer refuses further commits (open the store again).
  Result<WithdrawalRecord> Withdraw(const WithdrawRequest& request);
  // Attaches account holders and entities (replacing any earlier attachment) in one commit of
  // its own: the files go to a new holders/ directory, fsynced, then the manifest is replaced
  // as in Commit, then the replaced directory is removed. FailedPrecondition while rows or
  // sources are pending (commit them first); InvalidArgument on an empty or duplicate file name.
  Status AttachHolders(const HoldersAttachment& attachment);
  // The committed attachment, or null.
  const HoldersRecord* holders() const;
  // Fault injection for tests: when set, Commit calls it at each named step
  // ("columns", "dictionaries", "manifest-temp", "manifest-rename") and stops with the
  // returned status when it is not ok.
  void SetCommitHookForTesting(std::function<Status(std::string_view step)> hook);

 private:
  struct Rep;
  explicit StoreWriter(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace moneytrail::store

#endif  // MONEYTRAIL_STORE_H_
