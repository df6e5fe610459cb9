#include "checksum.h"

#include <fcntl.h>
#include <isa-l/crc.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>

namespace moneytrail::store::store_internal {

uint32_t Crc32c(std::string_view bytes, uint32_t crc) {
  // ISA-L's crc32_iscsi is the iSCSI CRC (CRC32C) without the final inversion; it picks the
  // fastest kernel the processor has at run time (PCLMULQDQ folding: 27 GB/s on the development
  // host, against 3.5-5 GB/s for the crc32 instruction in one or three streams,
  // bench/RESULTS-store.md). Its length is an int: feed it pieces below 2^31.
  constexpr size_t kPiece = size_t{1} << 30;
  crc = ~crc;
  while (!bytes.empty()) {
    const size_t n = std::min(bytes.size(), kPiece);
    crc = crc32_iscsi(reinterpret_cast<unsigned char*>(const_cast<char*>(bytes.data())),
                      static_cast<int>(n), crc);
    bytes.remove_prefix(n);
  }
  return ~crc;
}

void FileChecksummer::Update(std::string_view bytes) {
  sha_.Update(bytes);
  sum_.bytes += bytes.size();
  while (!bytes.empty()) {
    const size_t take = std::min<uint64_t>(bytes.size(), kChecksumBlockBytes - in_block_);
    crc_ = Crc32c(bytes.substr(0, take), crc_);
    in_block_ += take;
    bytes.remove_prefix(take);
    if (in_block_ == kChecksumBlockBytes) {
      sum_.block_crc.push_back(crc_);
      crc_ = 0;
      in_block_ = 0;
    }
  }
}

FileChecksum FileChecksummer::Finish() {
  if (in_block_ > 0) sum_.block_crc.push_back(crc_);
  sum_.sha256 = sha_.Finish();
  return std::move(sum_);
}

FileChecksum ChecksumOf(std::string_view bytes) {
  FileChecksummer c;
  c.Update(bytes);
  return c.Finish();
}

Result<FileChecksum> ChecksumFile(const std::filesystem::path& path) {
  // Read in pieces, not mapped: a mapped file's pages count in the process's resident memory
  // (a commit reads back its 300 MB of columns; bench/RESULTS-ingest.md), and a piece of 1 MiB
  // stays in the cache for both the CRC and the SHA-256.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("cannot open " + path.string(), errno);
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  constexpr size_t kPiece = 16 * kChecksumBlockBytes;
  std::unique_ptr<char[]> piece(new char[kPiece]);
  FileChecksummer c;
  for (uint64_t at = 0;;) {
    const ssize_t n = ::pread(fd, piece.get(), kPiece, static_cast<off_t>(at));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("cannot read " + path.string(), errno);
    }
    if (n == 0) break;
    c.Update(std::string_view(piece.get(), static_cast<size_t>(n)));
    at += static_cast<uint64_t>(n);
  }
  return c.Finish();
}

std::optional<uint64_t> FirstBadBlock(const FileChecksum& sum, std::string_view bytes) {
  const uint64_t blocks = (bytes.size() + kChecksumBlockBytes - 1) / kChecksumBlockBytes;
  const uint64_t common = std::min<uint64_t>(blocks, sum.block_crc.size());
  for (uint64_t b = 0; b < common; ++b) {
    const uint64_t at = b * kChecksumBlockBytes;
    if (Crc32c(bytes.substr(at, kChecksumBlockBytes)) != sum.block_crc[b]) return b;
  }
  if (bytes.size() != sum.bytes || blocks != sum.block_crc.size()) {
    return std::min<uint64_t>(bytes.size(), sum.bytes) / kChecksumBlockBytes;
  }
  return std::nullopt;
}

std::string BlockCrcsToHex(const std::vector<uint32_t>& crcs) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(crcs.size() * 8, '0');
  for (size_t i = 0; i < crcs.size(); ++i) {
    for (int d = 0; d < 8; ++d) out[i * 8 + d] = kHex[(crcs[i] >> (28 - 4 * d)) & 0xF];
  }
  return out;
}

std::optional<std::vector<uint32_t>> BlockCrcsFromHex(std::string_view hex) {
  if (hex.size() % 8 != 0) return std::nullopt;
  std::vector<uint32_t> out(hex.size() / 8);
  for (size_t i = 0; i < hex.size(); ++i) {
    const char ch = hex[i];
    uint32_t d;
    if (ch >= '0' && ch <= '9') d = static_cast<uint32_t>(ch - '0');
    else if (ch >= 'a' && ch <= 'f') d = static_cast<uint32_t>(ch - 'a' + 10);
    else return std::nullopt;
    out[i / 8] = (out[i / 8] << 4) | d;
  }
  return out;
}

}  // namespace moneytrail::store::store_internal
