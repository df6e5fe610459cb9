// Internal: the checksums a store records for each file it writes (docs/format/store.md,
// Checksums): CRC32C (Castagnoli) per block of kChecksumBlockBytes, for cheap checks of a range,
// and SHA-256 of the whole file, for custody.
//
//   FileChecksum sum = ChecksumOf(bytes);           // or FileChecksummer for pieces
//   std::optional<uint64_t> bad = FirstBadBlock(sum, bytes);  // block index, or nullopt
#ifndef MONEYTRAIL_SRC_STORE_CHECKSUM_H_
#define MONEYTRAIL_SRC_STORE_CHECKSUM_H_

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/file_util.h"
#include "moneytrail/status.h"

namespace moneytrail::store::store_internal {

inline constexpr uint64_t kChecksumBlockBytes = 64 * 1024;

// CRC32C of `bytes` continuing from `crc` (0 to start), by ISA-L (libisal: the fastest kernel
// the processor supports). Crc32c("123456789") == 0xE3069283. Thread-safe.
uint32_t Crc32c(std::string_view bytes, uint32_t crc = 0);

// What the manifest records about one file.
struct FileChecksum {
  uint64_t bytes = 0;
  std::string sha256;                // hex
  std::vector<uint32_t> block_crc;  // CRC32C of each kChecksumBlockBytes block, the last partial
  bool operator==(const FileChecksum&) const = default;
};

// Builds a FileChecksum from consecutive pieces of a file.
class FileChecksummer {
 public:
  void Update(std::string_view bytes);
  FileChecksum Finish();

 private:
  Sha256Stream sha_;
  FileChecksum sum_;
  uint64_t in_block_ = 0;  // bytes of the current block seen
  uint32_t crc_ = 0;
};

FileChecksum ChecksumOf(std::string_view bytes);
// The checksum of the file at `path` as it is on disk now.
Result<FileChecksum> ChecksumFile(const std::filesystem::path& path);

// The index of the first block whose CRC differs from `sum`'s (a size mismatch counts as the
// block where the sizes part), or nullopt when all blocks match. Does not check the SHA-256.
std::optional<uint64_t> FirstBadBlock(const FileChecksum& sum, std::string_view bytes);

// Block CRCs as hex (8 digits each, concatenated) and back; nullopt on a malformed text.
std::string BlockCrcsToHex(const std::vector<uint32_t>& crcs);
std::optional<std::vector<uint32_t>> BlockCrcsFromHex(std::string_view hex);

}  // namespace moneytrail::store::store_internal

#endif  // MONEYTRAIL_SRC_STORE_CHECKSUM_H_
