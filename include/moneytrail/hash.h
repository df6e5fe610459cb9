// A fast 64-bit hash for short byte strings (account keys, dictionary strings), used by the
// ingest hot path. Not cryptographic; stable across runs and platforms of the same endianness.
#ifndef MONEYTRAIL_HASH_H_
#define MONEYTRAIL_HASH_H_

#include <cstdint>
#include <cstring>
#include <string_view>

namespace moneytrail {

// Mixes 8-byte words with multiply-xorshift rounds (in the manner of wyhash/murmur3's finaliser).
inline uint64_t HashBytes(std::string_view s, uint64_t seed = 0x9E3779B97F4A7C15ULL) {
  constexpr uint64_t kMul = 0xBF58476D1CE4E5B9ULL;
  uint64_t h = seed ^ (s.size() * 0x94D049BB133111EBULL);
  const char* p = s.data();
  size_t n = s.size();
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * kMul;
    h ^= h >> 31;
    p += 8;
    n -= 8;
  }
  uint64_t tail = 0;
  // An empty view may have a null data(), and memcpy from null is undefined even for 0 bytes.
  if (n != 0) std::memcpy(&tail, p, n);
  h = (h ^ tail) * kMul;
  h ^= h >> 29;
  h *= 0x94D049BB133111EBULL;
  h ^= h >> 32;
  return h;
}

// The hash of an account key (kind, bank, number).
inline uint64_t HashAccountKey(uint8_t kind, std::string_view bank, std::string_view number) {
  return HashBytes(number, HashBytes(bank, 0x9E3779B97F4A7C15ULL + kind));
}

}  // namespace moneytrail

#endif  // MONEYTRAIL_HASH_H_
