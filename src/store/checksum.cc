#include "checksum.h"

#include <nmmintrin.h>

#include <array>
#include <cstring>

namespace moneytrail::store::store_internal {
namespace {

constexpr uint32_t kCastagnoliReversed = 0x82F63B78u;

// Slicing-by-8 tables.
struct Tables {
  std::array<std::array<uint32_t, 256>, 8> t;
  Tables() {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c >> 1) ^ ((c & 1) ? kCastagnoliReversed : 0);
      t[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; ++i) {
      for (int k = 1; k < 8; ++k) t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xFF];
    }
  }
};

uint32_t Crc32cTable(const unsigned char* p, size_t n, uint32_t crc) {
  static const Tables tables;
  const auto& t = tables.t;
  while (n >= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    v ^= crc;
    crc = t[7][v & 0xFF] ^ t[6][(v >> 8) & 0xFF] ^ t[5][(v >> 16) & 0xFF] ^
          t[4][(v >> 24) & 0xFF] ^ t[3][(v >> 32) & 0xFF] ^ t[2][(v >> 40) & 0xFF] ^
          t[1][(v >> 48) & 0xFF] ^ t[0][v >> 56];
    p += 8;
    n -= 8;
  }
  while (n-- > 0) crc = (crc >> 8) ^ t[0][(crc ^ *p++) & 0xFF];
  return crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t Crc32cHardware(const unsigned char* p, size_t n,
                                                            uint32_t crc) {
  uint64_t c = crc;
  // One stream, 8 bytes per instruction: several GB/s, well above what verify needs.
  while (n >= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    c = _mm_crc32_u64(c, v);
    p += 8;
    n -= 8;
  }
  uint32_t c32 = static_cast<uint32_t>(c);
  while (n-- > 0) c32 = _mm_crc32_u8(c32, *p++);
  return c32;
}
bool HasSse42() {
  static const bool has = __builtin_cpu_supports("sse4.2");
  return has;
}
#endif

}  // namespace

uint32_t Crc32c(std::string_view bytes, uint32_t crc) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  crc = ~crc;
#if defined(__x86_64__)
  if (HasSse42()) return ~Crc32cHardware(p, bytes.size(), crc);
#endif
  return ~Crc32cTable(p, bytes.size(), crc);
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
  MT_ASSIGN_OR_RETURN(MappedFile file, MappedFile::Open(path));
  file.PrefaultPages(0, file.size());
  FileChecksummer c;
  // Pieces of 4 MiB: the CRC and the SHA-256 of a piece run while it is in the cache.
  constexpr size_t kPiece = 64 * kChecksumBlockBytes;
  const std::string_view all = file.view();
  for (size_t at = 0; at < all.size(); at += kPiece) c.Update(all.substr(at, kPiece));
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
