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

#include "moneytrail/status.h"
#include "moneytrail/store.h"

namespace moneytrail::store::store_internal {

inline constexpr char kManifestName[] = "MANIFEST";
inline constexpr char kLockName[] = "LOCK";
inline constexpr char kHoldersDirName[] = "holders";

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
};

struct Manifest {
  int version = kStoreFormatVersion;
  uint64_t generation = 0;
  uint64_t transactions = 0;
  uint64_t accounts = 0;
  std::vector<SegmentRecord> segments;
  std::vector<SourceRecord> sources;
  std::optional<HoldersRecord> holders;  // format 3
};

// The format version a manifest is written with: 3 with holders, else 2 (docs/format/store.md).
inline int WrittenVersion(const Manifest& m) {
  return m.holders ? kStoreFormatVersion : kStoreFormatVersionWithoutHolders;
}

std::string SerializeManifest(const Manifest& manifest);
// `path` is for messages.
Result<Manifest> ParseManifest(const std::string& path, std::string_view text);

}  // namespace moneytrail::store::store_internal

#endif  // MONEYTRAIL_SRC_STORE_MANIFEST_H_
