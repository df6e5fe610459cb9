// Internal: the state of a StoreWriter (store_writer.cc: appending and committing;
// withdraw.cc: withdrawing a source).
#ifndef MONEYTRAIL_SRC_STORE_WRITER_REP_H_
#define MONEYTRAIL_SRC_STORE_WRITER_REP_H_

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "account_index.h"
#include "column_spill.h"
#include "moneytrail/store.h"
#include "state.h"

namespace moneytrail::store {

using store_internal::Dictionaries;
using store_internal::Manifest;
using store_internal::SegmentRecord;

struct StoreWriter::Rep {
  std::filesystem::path dir;
  int lock_fd = -1;
  Manifest manifest;  // the committed state
  Dictionaries dicts;
  store_internal::AccountIndex account_index{&dicts.accounts};
  // Held shared by concurrent FindAccount callers, exclusively while the account dictionary or
  // its index grows (StoreWriter::ShareAccounts).
  mutable std::shared_mutex account_mutex;
  std::unordered_map<uint64_t, uint32_t> location_index;  // packed (city, region, country) hash
  std::vector<std::pair<AccountId, AccountAttributes>> pending_attributes;
  // Sizes of the dictionaries at the last commit: what lies beyond is pending.
  size_t committed_accounts = 0, committed_strings = 0, committed_currencies = 0,
         committed_locations = 0;
  TransactionColumns pending;
  // Rows written ahead to the pending segment's files (SpillPending); null until then.
  std::unique_ptr<store_internal::ColumnSpill> spill;
  std::filesystem::path spill_dir;
  bool spill_lost = false;  // a commit failed after rows were written ahead
  bool rewrite_failed = false;  // a Withdraw failed after the state was reset: refuse commits
  std::vector<std::pair<SourceRecord, std::string>> pending_sources;
  // FindSourceBySha256's index of the sources by digest: (pending, index) of the first record
  // with it. Brought up to date on lookup: extended when only pending sources were added,
  // rebuilt when the manifest changed (an ingest of 27K statement files looked each one up
  // among all the others: quadratic). Updated by a const lookup: like the rest of the writer,
  // FindSourceBySha256 is not for concurrent callers.
  std::unordered_map<std::string, std::pair<bool, size_t>> source_index;
  const SourceRecord* indexed_manifest = nullptr;
  size_t indexed_manifest_sources = 0, indexed_pending_sources = 0;
  std::vector<std::pair<std::string, std::string>> pending_commit_files;  // name, contents
  std::function<Status(std::string_view)> hook;

  ~Rep() {
    DropSpill();
    if (lock_fd >= 0) ::close(lock_fd);
  }
  // Forgets the rows written ahead and removes their files.
  void DropSpill() {
    if (!spill) return;
    spill.reset();
    std::error_code ignored;
    std::filesystem::remove_all(spill_dir, ignored);
  }
  // The directory of the segment the next commit writes.
  std::filesystem::path NextSegmentDir(std::string* name_out = nullptr) const {
    char name[32];
    std::snprintf(name, sizeof name, "seg-%06llu",
                  static_cast<unsigned long long>(manifest.generation + 1));
    if (name_out != nullptr) *name_out = name;
    return store_internal::SegmentDir(dir, name);
  }
  Status Step(std::string_view name) { return hook ? hook(name) : Status::Ok(); }
  // Writes the pending rows, the dictionaries' entries since the last MarkCommitted, the
  // pending attributes, the pending sources' rejects (setting their `segment` to
  // `segment_index`) and commit files to segments/NAME, synced with the directory and
  // segments/; fills `seg`. On failure the directory is removed (with any rows written ahead:
  // spill_lost). Commit and Withdraw call it.
  Status WriteSegment(const std::string& name, uint32_t segment_index,
                      uint64_t first_transaction, SegmentRecord& seg);
  // Removes a segment directory that did not become part of the store and returns `s`; rows
  // written ahead went with the directory (spill_lost). WriteSegment's and Commit's failures.
  Status AbandonSegment(const std::filesystem::path& sdir, Status s) {
    std::error_code ignored;
    std::filesystem::remove_all(sdir, ignored);
    if (spill) {
      spill.reset();
      spill_lost = true;
    }
    return s;
  }
  // Forgets the pending rows, sources, attributes and commit files (after they were written).
  void ClearPending() {
    spill.reset();
    pending.Clear();
    pending_sources.clear();
    pending_attributes.clear();
    pending_commit_files.clear();
  }
  // Replaces the dictionaries and their indexes by those of `m`'s segments (Open, Withdraw).
  Status LoadState(const Manifest& m);
  void MarkCommitted() {
    committed_accounts = dicts.accounts.size();
    committed_strings = dicts.strings.size();
    committed_currencies = dicts.currencies.size();
    committed_locations = dicts.locations.size();
  }
};

namespace store_internal {

// Now as ISO 8601 UTC ("2026-12-06T19:40:00Z").
std::string NowIso();
// Writes `manifest` to MANIFEST.tmp, fsyncs it and renames it over MANIFEST: the commit point.
// `step` is the fault-injection hook between the two ("manifest-temp").
Status ReplaceManifest(const std::filesystem::path& dir, const Manifest& manifest,
                       const std::function<Status(std::string_view)>& step);

}  // namespace store_internal
}  // namespace moneytrail::store

#endif  // MONEYTRAIL_SRC_STORE_WRITER_REP_H_
