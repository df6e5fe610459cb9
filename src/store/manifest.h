// Internal: the store's MANIFEST (JSON), the single file whose atomic replacement commits a
// segment (docs/format/store.md).
#ifndef MONEYTRAIL_SRC_STORE_MANIFEST_H_
#define MONEYTRAIL_SRC_STORE_MANIFEST_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "checksum.h"
#include "moneytrail/status.h"
#include "moneytrail/store.h"

namespace moneytrail::store::store_internal {

inline constexpr char kManifestName[] = "MANIFEST";
inline constexpr char kLockName[] = "LOCK";
inline constexpr char kHoldersDirName[] = "holders";
// In each holders/NAME/ directory (format 4): readers flock it shared, a writer removes a
// replaced attachment only when it can flock it exclusively.
inline constexpr char kHoldersLockName[] = ".lock";

struct SegmentRecord {
  std::string name;  // directory under segments/
  uint64_t first_transaction = 0;
  uint64_t transactions = 0;
  uint64_t accounts_added = 0;
  uint64_t strings_added = 0;
  uint64_t currencies_added = 0;
  uint64_t locations_added = 0;
  uint64_t attributes = 0;
  std::map<std::string, uint64_t> file_bytes;  // file name -> size, checked on open
  std::optional<ColumnFacts> facts;  // absent in segments written before format version 2
  // Per file (format 4): block CRC32Cs and SHA-256. Empty in segments written before format 4
  // (their files are unchecked); otherwise it names exactly the files of file_bytes.
  std::map<std::string, FileChecksum> checksums;
  // Files given to StoreWriter::AddCommitFile (format 4), each also in file_bytes/checksums.
  std::vector<std::string> commit_files;
};

struct Manifest {
  int version = kStoreFormatVersion;
  uint64_t generation = 0;
  uint64_t transactions = 0;
  uint64_t accounts = 0;
  std::vector<SegmentRecord> segments;
  std::vector<SourceRecord> sources;
  std::optional<HoldersRecord> holders;  // format 3
  std::vector<WithdrawalRecord> withdrawals;  // format 5
  // The manifest carried its own SHA-256 (format 4) and it matched; false for older manifests.
  bool self_checked = false;
};

// The format version a manifest is written with: the current one (4), whose checksums older
// readers would drop on their next commit, or 5 once a source was withdrawn (the withdrawals,
// which a version 4 writer would drop) (docs/format/store.md, Versions).
inline int WrittenVersion(const Manifest& m) {
  return m.withdrawals.empty() ? kStoreFormatVersion : kStoreFormatVersionWithWithdrawals;
}

// The key of the manifest's own checksum: "sha256:" and the hex SHA-256 of the MANIFEST text in
// which these 64 digits are zeros (format 4).
inline constexpr char kSelfChecksumKey[] = "\"manifest_checksum\": \"sha256:";

// Serialises `manifest` with its own checksum (format 4 and later). The sources (one per
// ingested file: tens of thousands after a statement intake) are written on the threads and
// spliced into the text in order; `sources_in_parallel` false writes the whole document in one
// dump instead (for tests: both give the same bytes).
std::string SerializeManifest(const Manifest& manifest, bool sources_in_parallel = true);
// `path` is for messages. A manifest of format 4 or later whose own checksum is absent or wrong
// is DataLoss.
// With `check_self` false (verify), a wrong own checksum leaves self_checked false instead.
Result<Manifest> ParseManifest(const std::string& path, std::string_view text,
                               bool check_self = true);

// File names a segment reserves (columns, dictionaries, rejects): not allowed as commit files.
bool IsReservedSegmentFileName(std::string_view name);
// A plain file name: not empty, no '/', no leading '.', no NUL.
bool IsPlainFileName(std::string_view name);

}  // namespace moneytrail::store::store_internal

#endif  // MONEYTRAIL_SRC_STORE_MANIFEST_H_
