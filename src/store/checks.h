// Internal: the consistency checks of a committed store state that Store::Open runs (stopping
// at the first problem) and `moneytrail verify` runs (collecting every problem), so that both
// apply the same rules (docs/format/store.md, What Open checks).
#ifndef MONEYTRAIL_SRC_STORE_CHECKS_H_
#define MONEYTRAIL_SRC_STORE_CHECKS_H_

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "columns.h"
#include "manifest.h"
#include "moneytrail/status.h"
#include "moneytrail/store.h"
#include "state.h"

namespace moneytrail::store::store_internal {

// One thing wrong, naming the file (relative to the store), where in it and what was expected.
struct Problem {
  std::string file;
  int64_t offset = -1;  // byte offset in `file`, -1 when the file as a whole
  std::string element;  // e.g. "element 17" or "source 2", may be empty
  std::string message;
  std::string ToString() const;
};

// Collects problems up to `limit` (then counts the rest).
struct Problems {
  size_t limit = 1;
  std::vector<Problem> list;
  uint64_t more = 0;
  bool full() const { return list.size() >= limit; }
  void Add(Problem p) {
    if (full()) ++more;
    else list.push_back(std::move(p));
  }
  // DataLoss with the first problem (and the store's path), or Ok.
  Status First(const std::filesystem::path& dir) const;
};

// Custody and layout: segments contiguous and summing to the total, sources numbered in order,
// naming an existing segment, rows_read == rows_accepted + rows_rejected, rejects files listed.
void CheckManifest(const Manifest& manifest, Problems& problems);

// Every id in the columns names a dictionary entry, every scale is 0..18, channels and labels
// are in range. `columns` are all rows of the store in id order; `manifest` maps rows to files.
struct ColumnViews {
#define MT_SPAN_VIEW(field) std::span<const decltype(TransactionColumns::field)::value_type> field;
  MT_TRANSACTION_COLUMNS(MT_SPAN_VIEW)
#undef MT_SPAN_VIEW
};
// What one pass over the columns learnt: each column's largest value (as uint64) and whether a
// label other than 0, 1, 255 occurs. Filled by ScanColumnFile, so that CheckColumnValues need
// not read the columns again.
struct ColumnMaxima {
#define MT_MAX_MEMBER(field) uint64_t field = 0;
  MT_TRANSACTION_COLUMNS(MT_MAX_MEMBER)
#undef MT_MAX_MEMBER
  bool bad_label = false;
};
// `known` (may be null): the maxima of exactly these columns; without it each column is read.
void CheckColumnValues(const ColumnViews& columns, const Dictionaries& dicts,
                       const Manifest& manifest, Problems& problems,
                       const ColumnMaxima* known = nullptr);

// What ScanColumnFile computes besides the CRCs.
enum class ColumnReduce { kNone, kMax, kLabel };

// One pass over the column file `file` (all its bytes, header included) of `element_size`-byte
// unsigned elements: each 64 KiB block's CRC32C is compared with `sum`'s (when `sum` is not
// null) and then, while the block is in the cache, its elements are reduced into `*max`
// (kMax: the largest value; kLabel: true when a label other than 0, 1, 255 occurs). DataLoss
// naming `rel`, the block's byte offset and both CRCs when a block differs. REQUIRES: the
// header was checked (ColumnPayload), element_size is 1, 2, 4 or 8.
Status ScanColumnFile(const std::string& rel, std::string_view file, const FileChecksum* sum,
                      size_t element_size, ColumnReduce reduce, uint64_t* max, bool* bad_label);

// The block CRC32Cs of every checksummed file of every segment except column files (checked by
// ScanColumnFile) and commit files (checked when read, Store::ReadCommitFile): dictionaries and
// rejects. Stops at the first problem.
void CheckOtherSegmentFileCrcs(const std::filesystem::path& dir, const Manifest& manifest,
                               Problems& problems);

// Size, block CRCs and SHA-256 of every file of every segment, on the TBB pool (largest files
// first; problems are reported in file order, whatever the threads). Adds the files and bytes
// read to `files` and `bytes`.
void CheckSegmentFilesFully(const std::filesystem::path& dir, const Manifest& manifest,
                            Problems& problems, uint64_t& files, uint64_t& bytes);

// Holders files: each has the recorded size and SHA-256.
void CheckHoldersFiles(const std::filesystem::path& dir, const Manifest& manifest,
                       Problems& problems);

}  // namespace moneytrail::store::store_internal

#endif  // MONEYTRAIL_SRC_STORE_CHECKS_H_
