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
  // The last n < 8 bytes as a little-endian word (as a memcpy of n bytes into a zeroed word
  // gives on x86): two overlapping 4-byte loads, or three single bytes, instead of a byte loop
  // whose stores the 8-byte load must wait for (a store-forwarding stall: the ingest's account
  // keys end in 1-7 such bytes). An empty view may have a null data(): nothing is read then.
  uint64_t tail = 0;
  if (n >= 4) {
    uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + n - 4, 4);
    tail = lo | ((static_cast<uint64_t>(hi) >> (8 * (8 - n))) << 32);
  } else if (n != 0) {
    const auto* u = reinterpret_cast<const unsigned char*>(p);
    tail = static_cast<uint64_t>(u[0]) | (static_cast<uint64_t>(u[n / 2]) << (8 * (n / 2))) |
           (static_cast<uint64_t>(u[n - 1]) << (8 * (n - 1)));
  }
  h = (h ^ tail) * kMul;
  h ^= h >> 29;
  h *= 0x94D049BB133111EBULL;
  h ^= h >> 32;
  return h;
}

// a == b, inlined for short strings such as account keys (a call to memcmp was a tenth of the
// ingest's time, bench/RESULTS-ingest.md).
inline bool ShortBytesEqual(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  if (n != b.size()) return false;
  const char* p = a.data();
  const char* q = b.data();
  auto load8 = [](const char* x) {
    uint64_t v;
    std::memcpy(&v, x, 8);
    return v;
  };
  auto load4 = [](const char* x) {
    uint32_t v;
    std::memcpy(&v, x, 4);
    return v;
  };
  if (n >= 8) {
    for (size_t i = 0; i + 8 < n; i += 8) {
      if (load8(p + i) != load8(q + i)) return false;
    }
    return load8(p + n - 8) == load8(q + n - 8);
  }
  if (n >= 4) return load4(p) == load4(q) && load4(p + n - 4) == load4(q + n - 4);
  for (size_t i = 0; i < n; ++i) {
    if (p[i] != q[i]) return false;
  }
  return true;
}

// The hash of an account key (kind, bank, number).
inline uint64_t HashAccountKey(uint8_t kind, std::string_view bank, std::string_view number) {
  return HashBytes(number, HashBytes(bank, 0x9E3779B97F4A7C15ULL + kind));
}

}  // namespace moneytrail

#endif  // MONEYTRAIL_HASH_H_
