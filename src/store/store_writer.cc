// The store writer: interns dictionary entries, collects a pending segment, and commits it by
// writing the segment's files and then atomically replacing MANIFEST.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <system_error>
#include <thread>

#include "account_index.h"
#include "checksum.h"
#include "column_spill.h"
#include "columns.h"
#include "moneytrail/file_util.h"
#include "moneytrail/hash.h"
#include "moneytrail/store.h"
#include "run_jobs.h"
#include "state.h"
#include "writer_rep.h"

namespace moneytrail::store {

namespace {

Status LostSpillError(const std::filesystem::path& dir) {
  return FailedPreconditionError("an earlier commit to " + dir.string() +
                                 " failed after its rows were written ahead; open the store "
                                 "again and repeat the ingest");
}

}  // namespace

std::string store_internal::NowIso() {
  char buf[32];
  std::time_t now = std::time(nullptr);
  std::tm tm;
  gmtime_r(&now, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

namespace {

// Removes a holders attachment directory that the manifest no longer names, unless a reader
// still holds it: a Store holds a shared flock on its attachment's lock file while it lives
// (docs/format/store.md, Readers and replaced attachments). Under the writer's lock.
Status RemoveHoldersIfUnused(const std::filesystem::path& hdir) {
  const std::filesystem::path lock = hdir / store_internal::kHoldersLockName;
  int fd = ::open(lock.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0 && ::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return Status::Ok();  // a reader holds it: a later writer removes it
  }
  // Readers that open the lock file from now on find it unlinked and read MANIFEST again.
  std::error_code ec;
  std::filesystem::remove_all(hdir, ec);
  if (fd >= 0) ::close(fd);
  if (ec) return IoError("cannot remove replaced attachment " + hdir.string() + ": " + ec.message());
  return Status::Ok();
}

// Removes the directories under `parent` whose names are not in `keep` (holders directories
// only when no reader holds them). Safe under the lock.
Status RemoveUnnamed(const std::filesystem::path& parent, const std::set<std::string>& keep,
                     bool holders) {
  std::error_code ec;
  if (!std::filesystem::exists(parent, ec)) return Status::Ok();
  std::vector<std::filesystem::path> remove;
  for (const auto& entry : std::filesystem::directory_iterator(parent, ec)) {
    if (!keep.count(entry.path().filename().string())) remove.push_back(entry.path());
  }
  for (const auto& path : remove) {
    if (holders) {
      MT_RETURN_IF_ERROR(RemoveHoldersIfUnused(path));
      continue;
    }
    std::filesystem::remove_all(path, ec);
    if (ec) return IoError("cannot remove uncommitted " + path.string() + ": " + ec.message());
  }
  return Status::Ok();
}

// Removes segment and holders directories that the manifest does not name: the leftovers of a
// writer that died before its commit (or after it, before removing a replaced attachment).
// Safe because we hold the lock.
Status RemoveUncommitted(const std::filesystem::path& dir, const Manifest& manifest) {
  std::set<std::string> segments, holders;
  for (const auto& s : manifest.segments) segments.insert(s.name);
  if (manifest.holders) holders.insert(manifest.holders->name);
  MT_RETURN_IF_ERROR(RemoveUnnamed(dir / "segments", segments, false));
  MT_RETURN_IF_ERROR(RemoveUnnamed(dir / store_internal::kHoldersDirName, holders, true));
  std::error_code ec;
  std::filesystem::remove(dir / "MANIFEST.tmp", ec);
  return Status::Ok();
}

}  // namespace

Status store_internal::ReplaceManifest(const std::filesystem::path& dir, const Manifest& manifest,
                       const std::function<Status(std::string_view)>& step) {
  std::filesystem::path tmp = dir / "MANIFEST.tmp";
  MT_RETURN_IF_ERROR(WriteFileDurably(tmp, store_internal::SerializeManifest(manifest)));
  MT_RETURN_IF_ERROR(step("manifest-temp"));
  std::error_code ec;
  std::filesystem::rename(tmp, dir / store_internal::kManifestName, ec);
  if (ec) return IoError("cannot replace " + (dir / "MANIFEST").string() + ": " + ec.message());
  return Status::Ok();
}

using store_internal::NowIso;
using store_internal::ReplaceManifest;
using store_internal::RunOnThreads;

Result<std::unique_ptr<StoreWriter>> StoreWriter::Open(const std::filesystem::path& dir) {
  auto rep = std::make_unique<Rep>();
  rep->dir = dir;
  std::error_code ec;
  const bool existed = std::filesystem::exists(dir, ec);
  std::filesystem::create_directories(dir / "segments", ec);
  if (ec) return IoError("cannot create store directory " + dir.string() + ": " + ec.message());
  if (!existed) {
    // A new store directory is durable in its parent before anything is committed in it.
    MT_RETURN_IF_ERROR(SyncDirectory(dir));
    MT_RETURN_IF_ERROR(SyncDirectory(std::filesystem::absolute(dir).parent_path()));
  }
  std::filesystem::path lock_path = dir / store_internal::kLockName;
  rep->lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (rep->lock_fd < 0) return ErrnoError("cannot open " + lock_path.string(), errno);
  if (::flock(rep->lock_fd, LOCK_EX | LOCK_NB) != 0) {
    return FailedPreconditionError("store " + dir.string() +
                                   " is being written by another moneytrail process");
  }
  Result<Manifest> manifest = store_internal::ReadManifest(dir, nullptr);
  if (manifest.ok()) {
    rep->manifest = std::move(*manifest);
    MT_RETURN_IF_ERROR(store_internal::CheckSegmentFiles(dir, rep->manifest));
  } else if (manifest.status().code() != StatusCode::kNotFound) {
    return manifest.status();
  }
  MT_RETURN_IF_ERROR(rep->LoadState(rep->manifest));
  MT_RETURN_IF_ERROR(RemoveUncommitted(dir, rep->manifest));
  return std::unique_ptr<StoreWriter>(new StoreWriter(std::move(rep)));
}

Status StoreWriter::Rep::LoadState(const Manifest& m) {
  dicts = Dictionaries{};
  account_index = store_internal::AccountIndex(&dicts.accounts);
  location_index.clear();
  if (!m.segments.empty()) {
    MT_RETURN_IF_ERROR(store_internal::LoadDictionaries(dir, m, dicts));
  }
  dicts.strings.BuildIndex();
  dicts.currencies.BuildIndex();
  account_index.Reserve(dicts.accounts.size());
  for (AccountId a = 0; a < dicts.accounts.size(); ++a) {
    const AccountKey& k = dicts.accounts[a];
    account_index.Insert(HashAccountKey(static_cast<uint8_t>(k.kind), k.bank, k.number), a);
  }
  for (uint32_t l = 1; l < dicts.locations.size(); ++l) {
    const Location& loc = dicts.locations[l];
    uint64_t key = (static_cast<uint64_t>(loc.city) * 0x9E3779B97F4A7C15ULL) ^
                   (static_cast<uint64_t>(loc.region) << 21) ^ static_cast<uint64_t>(loc.country);
    location_index.emplace(key, l);
  }
  MarkCommitted();
  return Status::Ok();
}

StoreWriter::StoreWriter(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
StoreWriter::~StoreWriter() = default;

Result<AccountId> StoreWriter::InternAccount(NodeKind kind, std::string_view bank,
                                             std::string_view number) {
  return InternAccountHashed(HashAccountKey(static_cast<uint8_t>(kind), bank, number), kind, bank,
                             number);
}

Result<AccountId> StoreWriter::InternAccountHashed(uint64_t hash, NodeKind kind,
                                                   std::string_view bank,
                                                   std::string_view number) {
  AccountId found = rep_->account_index.Find(hash, kind, bank, number);
  if (found != kNoAccount) return found;
  if (rep_->dicts.accounts.size() >= kNoAccount) {
    return ResourceExhaustedError("a store holds at most 4,294,967,294 accounts");
  }
  AccountId id = static_cast<AccountId>(rep_->dicts.accounts.size());
  // Readers (FindAccount) may be probing: moving the dictionary or rehashing the index must
  // wait for them. Otherwise the new key is written first and published by the index's slot.
  std::unique_lock<std::shared_mutex> lock(rep_->account_mutex, std::defer_lock);
  if (rep_->dicts.accounts.size() == rep_->dicts.accounts.capacity() ||
      rep_->account_index.WouldGrow()) {
    lock.lock();
  }
  rep_->dicts.accounts.push_back(AccountKey{kind, std::string(bank), std::string(number)});
  rep_->dicts.attributes.emplace_back();
  rep_->account_index.Insert(hash, id);
  return id;
}

std::shared_lock<std::shared_mutex> StoreWriter::ShareAccounts() const {
  return std::shared_lock<std::shared_mutex>(rep_->account_mutex);
}

AccountId StoreWriter::FindAccount(uint64_t hash, NodeKind kind, std::string_view bank,
                                   std::string_view number) const {
  return rep_->account_index.Find(hash, kind, bank, number);
}

void StoreWriter::PrefetchAccount(uint64_t hash) const { rep_->account_index.Prefetch(hash); }

Result<uint16_t> StoreWriter::InternCurrency(std::string_view name) {
  uint32_t id = rep_->dicts.currencies.Intern(name);
  if (id > 0xFFFE) return ResourceExhaustedError("a store holds at most 65,534 currencies");
  return static_cast<uint16_t>(id);
}

Result<uint32_t> StoreWriter::InternString(std::string_view text) {
  if (text.empty()) return kNoString;
  uint32_t id = rep_->dicts.strings.Intern(text);
  if (id == 0xFFFFFFFFu) return ResourceExhaustedError("too many distinct strings");
  return id;
}

Result<uint32_t> StoreWriter::InternLocation(std::string_view city, std::string_view region,
                                             std::string_view country) {
  if (city.empty() && region.empty() && country.empty()) return kNoLocation;
  MT_ASSIGN_OR_RETURN(uint32_t c, InternString(city));
  MT_ASSIGN_OR_RETURN(uint32_t r, InternString(region));
  MT_ASSIGN_OR_RETURN(uint32_t k, InternString(country));
  uint64_t key = (static_cast<uint64_t>(c) * 0x9E3779B97F4A7C15ULL) ^
                 (static_cast<uint64_t>(r) << 21) ^ static_cast<uint64_t>(k);
  auto it = rep_->location_index.find(key);
  if (it != rep_->location_index.end()) {
    const Location& l = rep_->dicts.locations[it->second];
    if (l.city == c && l.region == r && l.country == k) return it->second;
    // A hash collision: fall back to a scan (rare; locations are few).
    for (uint32_t i = 1; i < rep_->dicts.locations.size(); ++i) {
      const Location& m = rep_->dicts.locations[i];
      if (m.city == c && m.region == r && m.country == k) return i;
    }
    uint32_t id = static_cast<uint32_t>(rep_->dicts.locations.size());
    rep_->dicts.locations.push_back(Location{c, r, k});
    return id;
  }
  uint32_t id = static_cast<uint32_t>(rep_->dicts.locations.size());
  rep_->dicts.locations.push_back(Location{c, r, k});
  rep_->location_index.emplace(key, id);
  return id;
}

const AccountAttributes& StoreWriter::account_attributes(AccountId account) const {
  return rep_->dicts.attributes[account];
}

void StoreWriter::SetAccountAttributes(AccountId account, const AccountAttributes& attributes) {
  rep_->dicts.attributes[account] = attributes;
  rep_->pending_attributes.emplace_back(account, attributes);
}

TransactionColumns& StoreWriter::columns() { return rep_->pending; }

uint64_t StoreWriter::pending_transaction_count() const {
  return (rep_->spill ? rep_->spill->rows() : 0) + rep_->pending.size();
}

Status StoreWriter::SpillPending() {
  Rep& r = *rep_;
  if (r.spill_lost) return LostSpillError(r.dir);
  if (r.pending.size() == 0) return Status::Ok();
  if (!r.spill) {
    r.spill_dir = r.NextSegmentDir();
    MT_ASSIGN_OR_RETURN(r.spill, store_internal::ColumnSpill::Create(r.spill_dir));
  }
  return r.spill->Add(r.pending);
}

void StoreWriter::Reserve(size_t transactions, size_t accounts) {
  rep_->pending.Reserve(rep_->pending.size() + transactions);
  // The columns are filled once, front to back: huge pages make that one fault per 2 MiB.
#define MT_ADVISE_ONE(field)                                                             \
  AdviseHugePages(rep_->pending.field.data(),                                            \
                  rep_->pending.field.capacity() * sizeof(rep_->pending.field[0]));
  MT_TRANSACTION_COLUMNS(MT_ADVISE_ONE)
#undef MT_ADVISE_ONE
  // The index is not pre-sized: its slots are touched on allocation, and an estimate too high
  // would cost resident memory; doubling as it fills is cheap enough.
  rep_->dicts.accounts.reserve(rep_->dicts.accounts.size() + accounts);
  AdviseHugePages(rep_->dicts.accounts.data(),
                  rep_->dicts.accounts.capacity() * sizeof(AccountKey));
  // Each new account also appends its attributes: grown by doubling, they were copied and
  // faulted in again at every step (a quarter of the 5M-row ingest's page faults).
  rep_->dicts.attributes.reserve(rep_->dicts.attributes.size() + accounts);
  AdviseHugePages(rep_->dicts.attributes.data(),
                  rep_->dicts.attributes.capacity() * sizeof(AccountAttributes));
}
uint64_t StoreWriter::committed_transaction_count() const { return rep_->manifest.transactions; }
uint32_t StoreWriter::account_count() const {
  return static_cast<uint32_t>(rep_->dicts.accounts.size());
}
uint32_t StoreWriter::next_source_index() const {
  return static_cast<uint32_t>(rep_->manifest.sources.size() + rep_->pending_sources.size());
}

const SourceRecord* StoreWriter::FindSourceBySha256(std::string_view sha256) const {
  Rep& r = *rep_;
  if (r.indexed_manifest != r.manifest.sources.data() ||
      r.indexed_manifest_sources != r.manifest.sources.size() ||
      r.indexed_pending_sources > r.pending_sources.size()) {
    r.source_index.clear();
    for (size_t i = 0; i < r.manifest.sources.size(); ++i) {
      r.source_index.try_emplace(r.manifest.sources[i].sha256, false, i);
    }
    r.indexed_manifest = r.manifest.sources.data();
    r.indexed_manifest_sources = r.manifest.sources.size();
    r.indexed_pending_sources = 0;
  }
  for (; r.indexed_pending_sources < r.pending_sources.size(); ++r.indexed_pending_sources) {
    r.source_index.try_emplace(r.pending_sources[r.indexed_pending_sources].first.sha256, true,
                               r.indexed_pending_sources);
  }
  auto it = r.source_index.find(std::string(sha256));
  if (it == r.source_index.end()) return nullptr;
  const auto [pending, index] = it->second;
  return pending ? &r.pending_sources[index].first : &r.manifest.sources[index];
}

void StoreWriter::AddSource(SourceRecord record, std::string rejects_csv) {
  if (record.ingested_at.empty()) record.ingested_at = NowIso();
  rep_->pending_sources.emplace_back(std::move(record), std::move(rejects_csv));
}

Status StoreWriter::AddCommitFile(std::string name, std::string contents) {
  if (!store_internal::IsPlainFileName(name) || store_internal::IsReservedSegmentFileName(name)) {
    return InvalidArgumentError("commit file name '" + name +
                                "' is not a plain file name or is reserved (*.col, *.dict, rejects-*)");
  }
  for (const auto& [n, c] : rep_->pending_commit_files) {
    if (n == name) return InvalidArgumentError("commit file '" + name + "' was already added");
  }
  rep_->pending_commit_files.emplace_back(std::move(name), std::move(contents));
  return Status::Ok();
}

void StoreWriter::SetCommitHookForTesting(std::function<Status(std::string_view)> hook) {
  rep_->hook = std::move(hook);
}

Status StoreWriter::Commit() {
  Rep& r = *rep_;
  if (r.spill_lost) return LostSpillError(r.dir);
  Manifest next = r.manifest;
  next.generation += 1;
  // Appending to a version 1 store upgrades it: older readers would not know the new segment's
  // facts, which are optional for this reader (docs/format/store.md).
  next.version = store_internal::WrittenVersion(next);
  std::string name;
  std::filesystem::path sdir = r.NextSegmentDir(&name);
  SegmentRecord seg;
  MT_RETURN_IF_ERROR(r.WriteSegment(name, static_cast<uint32_t>(next.segments.size()),
                                    r.manifest.transactions, seg));
  auto fail = [&](Status s) { return r.AbandonSegment(sdir, std::move(s)); };
  if (Status st = r.Step("dictionaries"); !st.ok()) return fail(st);

  next.transactions += seg.transactions;
  next.accounts = r.dicts.accounts.size();
  next.segments.push_back(seg);
  for (auto& [record, rejects] : r.pending_sources) next.sources.push_back(record);

  if (Status st = ReplaceManifest(r.dir, next, [&](std::string_view n) { return r.Step(n); });
      !st.ok()) {
    return fail(st);
  }
  // From here the commit is done; a failed directory sync only risks durability, not atomicity.
  // Record it before anything can fail, so that a later Commit never takes the committed
  // segment for its own pending one (and removes it when it fails).
  r.manifest = std::move(next);
  r.ClearPending();  // the spill's files are the committed segment's now
  r.MarkCommitted();
  MT_RETURN_IF_ERROR(SyncDirectory(r.dir));
  MT_RETURN_IF_ERROR(r.Step("manifest-rename"));
  return Status::Ok();
}

Status StoreWriter::Rep::WriteSegment(const std::string& name, uint32_t segment_index,
                                      uint64_t first_transaction, SegmentRecord& seg) {
  Rep& r = *this;
  if (r.spill_lost) return LostSpillError(r.dir);
  if (r.rewrite_failed) {
    return FailedPreconditionError("a withdrawal from " + r.dir.string() +
                                   " failed on this writer; open the store again");
  }
  const std::filesystem::path sdir = store_internal::SegmentDir(r.dir, name);
  std::error_code ec;
  std::filesystem::create_directories(sdir, ec);
  if (ec) return IoError("cannot create " + sdir.string() + ": " + ec.message());

  auto fail = [&](Status s) { return r.AbandonSegment(sdir, std::move(s)); };

  seg = SegmentRecord{};
  seg.name = name;
  seg.first_transaction = first_transaction;
  const TransactionColumns& cols = r.pending;
  if (r.spill) {
    // Rows were written ahead (SpillPending): add the rest, then complete and sync the files.
    Status s = r.spill->Add(r.pending);
    if (s.ok()) s = r.spill->Finish();
    if (!s.ok()) return fail(s);
    seg.transactions = r.spill->rows();
    seg.facts = r.spill->facts();
    for (const auto& [file, bytes] : r.spill->FileBytes()) seg.file_bytes[file] = bytes;
  } else {
    seg.transactions = r.pending.size();
    seg.facts = ColumnFacts::Of(cols);
  }
  // The column files are written and synced on a few threads: the copies into the page cache
  // and the waits for the disk overlap (bench/RESULTS-ingest.md). The first failure in column
  // order is reported.
  std::vector<std::function<Status()>> writes;
  // Checksums of the column files, computed from memory as they are written, or for rows
  // written ahead, read back from the files (in the page cache).
  std::vector<std::pair<std::string, store_internal::FileChecksum>> column_sums;
#define MT_COLUMN_NAME_ONE(field) column_sums.emplace_back(#field ".col", store_internal::FileChecksum{});
  MT_TRANSACTION_COLUMNS(MT_COLUMN_NAME_ONE)
#undef MT_COLUMN_NAME_ONE
  size_t column_index = 0;
#define MT_WRITE_ONE(field)                                                                   \
  {                                                                                           \
    using T = decltype(TransactionColumns::field)::value_type;                                \
    if (cols.field.size() != seg.transactions) {                                              \
      return fail(InternalError("column " #field " has a different length"));                 \
    }                                                                                         \
    writes.push_back([&sdir, &cols, sum = &column_sums[column_index].second] {                \
      return store_internal::WriteColumn<T>(sdir / (#field ".col"),                           \
                                            std::span<const T>(cols.field), sum);             \
    });                                                                                       \
    seg.file_bytes[#field ".col"] = store_internal::kColumnHeaderSize + cols.field.size() * sizeof(T); \
    ++column_index;                                                                           \
  }
  if (!r.spill) {
    MT_TRANSACTION_COLUMNS(MT_WRITE_ONE)
  } else {
    for (auto& [file, sum] : column_sums) {
      writes.push_back([&sdir, file = &file, sum = &sum]() -> Status {
        MT_ASSIGN_OR_RETURN(*sum, store_internal::ChecksumFile(sdir / *file));
        return Status::Ok();
      });
    }
  }
#undef MT_WRITE_ONE
  // The dictionaries, rejects and commit files are written, synced and read back on threads of
  // their own while the columns are written or checksummed on two: the waits for the disk
  // overlap the checksums' CPU (bench/RESULTS-ingest.md). Nothing here changes the writer's
  // state; column failures are reported before the others', each in file order.
  seg.accounts_added = r.dicts.accounts.size() - r.committed_accounts;
  seg.strings_added = r.dicts.strings.size() - r.committed_strings;
  seg.currencies_added = r.dicts.currencies.size() - r.committed_currencies;
  seg.locations_added = r.dicts.locations.size() - r.committed_locations;
  seg.attributes = r.pending_attributes.size();
  // Each other file: its name, and a job that writes it durably at its path with `write`, then
  // reads it back (the checksum is of the bytes the file holds).
  std::vector<std::string> other_files;
  std::vector<store_internal::FileChecksum> other_sums;
  std::vector<std::function<Status()>> other_jobs;
  auto add_other = [&](std::string file, std::function<Status(const std::filesystem::path&)> write) {
    const size_t i = other_files.size();
    other_files.push_back(std::move(file));
    other_jobs.push_back([&, i, write = std::move(write)]() -> Status {
      const std::filesystem::path path = sdir / other_files[i];
      MT_RETURN_IF_ERROR(write(path));
      MT_ASSIGN_OR_RETURN(other_sums[i], store_internal::ChecksumFile(path));
      return Status::Ok();
    });
  };
  using Path = const std::filesystem::path&;
  add_other("accounts.dict", [&](Path p) {
    return store_internal::WriteAccounts(p, r.dicts.accounts, r.committed_accounts);
  });
  add_other("strings.dict", [&](Path p) {
    return store_internal::WriteStrings(p, r.dicts.strings.strings(), r.committed_strings);
  });
  add_other("currencies.dict", [&](Path p) {
    return store_internal::WriteStrings(p, r.dicts.currencies.strings(), r.committed_currencies);
  });
  add_other("locations.dict", [&](Path p) {
    return store_internal::WriteLocations(p, r.dicts.locations, r.committed_locations);
  });
  add_other("attributes.dict", [&](Path p) { return store_internal::WriteAttributes(p, r.pending_attributes); });
  for (auto& [record, rejects] : r.pending_sources) {
    record.segment = segment_index;
    if (rejects.empty()) continue;
    std::string file = "rejects-" + std::to_string(record.index) + ".csv";
    record.rejects_file = "segments/" + std::string(name) + "/" + file;
    add_other(file, [rejects = &rejects](Path p) {
      return WriteFileDurably(p, "source,line,column,field,value,reason\n" + *rejects);
    });
  }
  for (const auto& [file, contents] : r.pending_commit_files) {
    add_other(file, [contents = &contents](Path p) { return WriteFileDurably(p, *contents); });
    seg.commit_files.push_back(file);
  }
  other_sums.resize(other_files.size());
  // Their syncs wait on the disk, not the CPU: up to eight at once, which the journal commits
  // together (a store of many sources may have thousands of rejects files).
  Status others_status;
  std::thread others_thread([&] { others_status = RunOnThreads(other_jobs, 8); });
  Status columns_status = RunOnThreads(writes, 2);
  others_thread.join();
  if (!columns_status.ok()) return fail(columns_status);
  for (auto& [file, sum] : column_sums) seg.checksums[file] = std::move(sum);
  if (Status s = r.Step("columns"); !s.ok()) return fail(s);
  if (!others_status.ok()) return fail(others_status);
  for (size_t i = 0; i < other_files.size(); ++i) {
    seg.file_bytes[other_files[i]] = other_sums[i].bytes;
    seg.checksums[other_files[i]] = std::move(other_sums[i]);
  }
  if (Status st = SyncDirectory(sdir); !st.ok()) return fail(st);
  if (Status st = SyncDirectory(r.dir / "segments"); !st.ok()) return fail(st);
  return Status::Ok();
}

const HoldersRecord* StoreWriter::holders() const {
  return rep_->manifest.holders ? &*rep_->manifest.holders : nullptr;
}

Status StoreWriter::AttachHolders(const HoldersAttachment& attachment) {
  Rep& r = *rep_;
  if (pending_transaction_count() > 0 || !r.pending_sources.empty() ||
      !r.pending_attributes.empty() || !r.pending_commit_files.empty() ||
      r.dicts.accounts.size() != r.committed_accounts) {
    return FailedPreconditionError("store " + r.dir.string() +
                                   ": commit the pending rows before attaching holders");
  }
  std::set<std::string> names;
  for (const auto& f : attachment.files) {
    if (f.name.empty() || f.name.find('/') != std::string::npos || f.name[0] == '.' ||
        !names.insert(f.name).second) {
      return InvalidArgumentError("holders file name '" + f.name + "' is empty, a path or a duplicate");
    }
  }
  Manifest next = r.manifest;
  next.generation += 1;
  char name[32];
  std::snprintf(name, sizeof name, "holders-%06llu", static_cast<unsigned long long>(next.generation));
  const std::filesystem::path hdir = store_internal::HoldersDir(r.dir, name);
  std::error_code ec;
  std::filesystem::create_directories(hdir, ec);
  if (ec) return IoError("cannot create " + hdir.string() + ": " + ec.message());
  auto fail = [&](Status s) {
    std::error_code ignored;
    std::filesystem::remove_all(hdir, ignored);
    return s;
  };
  HoldersRecord record;
  record.name = name;
  record.attached_at = NowIso();
  record.method = attachment.method;
  record.parties = attachment.parties;
  record.linked_accounts = attachment.linked_accounts;
  record.entities = attachment.entities;
  for (const auto& f : attachment.files) {
    if (Status s = WriteFileDurably(hdir / f.name, f.contents); !s.ok()) return fail(s);
    record.files.push_back(HoldersFile{f.name, f.contents.size(), Sha256Hex(f.contents), f.source});
  }
  // Readers hold this file shared while they may read the attachment (RemoveHoldersIfUnused).
  if (Status s = WriteFileDurably(hdir / store_internal::kHoldersLockName, ""); !s.ok()) {
    return fail(s);
  }
  if (Status s = SyncDirectory(hdir); !s.ok()) return fail(s);
  if (Status s = SyncDirectory(hdir.parent_path()); !s.ok()) return fail(s);
  if (Status s = r.Step("holders"); !s.ok()) return fail(s);
  std::optional<std::string> replaced;
  if (next.holders) replaced = next.holders->name;
  next.holders = std::move(record);
  next.version = store_internal::WrittenVersion(next);
  if (Status s = ReplaceManifest(r.dir, next, [&](std::string_view n) { return r.Step(n); });
      !s.ok()) {
    return fail(s);
  }
  r.manifest = std::move(next);
  MT_RETURN_IF_ERROR(SyncDirectory(r.dir));
  MT_RETURN_IF_ERROR(r.Step("manifest-rename"));
  // The replaced attachment is no longer named: removed unless a reader still holds it (then a
  // later writer removes it); a crash here leaves it for the next writer.
  if (replaced) {
    MT_RETURN_IF_ERROR(RemoveHoldersIfUnused(store_internal::HoldersDir(r.dir, *replaced)));
  }
  return Status::Ok();
}

}  // namespace moneytrail::store
