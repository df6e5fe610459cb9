// HashBytes and HashAccountKey: the same values as the byte-at-a-time form they replaced (the
// account index and dictionaries are built from them; any change would move every key), on
// every length up to 40 and random bytes, and a few fixed values.
#include "moneytrail/hash.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>

namespace moneytrail {
namespace {

// The former definition, kept as the oracle.
uint64_t ReferenceHashBytes(std::string_view s, uint64_t seed = 0x9E3779B97F4A7C15ULL) {
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
  for (size_t i = 0; i < n; ++i) tail |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  h = (h ^ tail) * kMul;
  h ^= h >> 29;
  h *= 0x94D049BB133111EBULL;
  h ^= h >> 32;
  return h;
}

TEST(HashTest, SameValuesAsTheByteAtATimeForm) {
  std::mt19937_64 rng(26);
  for (int round = 0; round < 2000; ++round) {
    for (size_t n = 0; n <= 40; ++n) {
      std::string s(n, '\0');
      for (char& c : s) c = static_cast<char>(rng());
      const uint64_t seed = rng();
      ASSERT_EQ(HashBytes(s, seed), ReferenceHashBytes(s, seed)) << "length " << n;
      ASSERT_EQ(HashBytes(s), ReferenceHashBytes(s)) << "length " << n;
    }
  }
  EXPECT_EQ(HashBytes(std::string_view()), ReferenceHashBytes(std::string_view()));
}

TEST(HashTest, FixedValues) {
  // Computed with the former definition (memcpy of the tail into a zeroed word).
  EXPECT_EQ(HashAccountKey(0, "010", "8000EBD30"), 5889424628715994185ULL);
  EXPECT_EQ(HashBytes("a"), 5767925201919948450ULL);
  EXPECT_EQ(HashBytes("abcdefg"), 9750409484067948953ULL);
  EXPECT_EQ(HashBytes(""), 15041319014400591657ULL);
}

}  // namespace
}  // namespace moneytrail
