// The account index against a std::map, on random keys of every length class (inline, exactly
// at the inline limit, one past it, long), every kind, and keys that split the same bytes
// differently between bank and number. A weak hash forces tag collisions, so the stored key copy
// (or, for long keys, the dictionary) must decide every lookup.
#include "store/account_index.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "moneytrail/hash.h"

namespace moneytrail::store::store_internal {
namespace {

using Key = std::tuple<uint8_t, std::string, std::string>;

std::string RandomText(std::mt19937_64& rng, size_t n) {
  std::string s(n, '0');
  // A small alphabet, so that different keys often share prefixes and bytes.
  for (char& c : s) c = "01aB\0,"[rng() % 6];
  return s;
}

size_t RandomLength(std::mt19937_64& rng) {
  switch (rng() % 6) {
    case 0: return 0;
    case 1: return rng() % 4;
    case 2: return 9;        // IBM account numbers
    case 3: return 10 + rng() % 3;
    case 4: return 20 + rng() % 4;  // around the inline limit (21 bytes of bank + number)
    default: return 30 + rng() % 40;
  }
}

TEST(AccountIndexTest, AgreesWithAMapOnRandomKeys) {
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed);
    // 0: the real hash; 1: four tags only (every probe meets keys with its tag); 2: one tag;
    // 3: sixteen tags homed in the table's last slots at every size, so that the cluster wraps
    // around the end and each in-place doubling must move the wrapped keys.
    const int hash_mode = static_cast<int>(seed % 4);
    auto hash_of = [&](const Key& k) -> uint64_t {
      const uint64_t h = HashAccountKey(std::get<0>(k), std::get<1>(k), std::get<2>(k));
      if (hash_mode == 0) return h;
      if (hash_mode == 1) return (h & 0x3ull) << 32;
      if (hash_mode == 3) return (0xFFFFFFFFull - (h & 0xFull)) << 32 | (h & 0xFFFF);
      return uint64_t{7} << 32;
    };
    std::vector<AccountKey> accounts;
    AccountIndex index(&accounts);
    std::map<Key, AccountId> oracle;
    const size_t operations = hash_mode == 2 ? 300 : 3000;
    for (size_t op = 0; op < operations; ++op) {
      Key key;
      if (!oracle.empty() && rng() % 3 == 0) {
        // An existing key, or one that moves a byte between bank and number.
        auto it = oracle.begin();
        std::advance(it, rng() % oracle.size());
        key = it->first;
        if (rng() % 2 == 0 && !std::get<2>(key).empty()) {
          std::get<1>(key) += std::get<2>(key)[0];
          std::get<2>(key).erase(0, 1);
        }
      } else {
        key = Key{static_cast<uint8_t>(rng() % 3), RandomText(rng, RandomLength(rng)),
                  RandomText(rng, RandomLength(rng))};
      }
      const auto& [kind, bank, number] = key;
      const uint64_t h = hash_of(key);
      const AccountId found = index.Find(h, static_cast<NodeKind>(kind), bank, number);
      auto it = oracle.find(key);
      if (it == oracle.end()) {
        ASSERT_EQ(found, kNoAccount) << "bank '" << bank << "' number '" << number << "'";
        const AccountId id = static_cast<AccountId>(accounts.size());
        accounts.push_back(AccountKey{static_cast<NodeKind>(kind), bank, number});
        index.Insert(h, id);
        oracle.emplace(key, id);
      } else {
        ASSERT_EQ(found, it->second) << "bank '" << bank << "' number '" << number << "'";
      }
    }
    // Every key is still found after the growths, and a rebuilt index sized in one step agrees.
    AccountIndex reserved(&accounts);
    reserved.Reserve(accounts.size());
    for (AccountId id = 0; id < accounts.size(); ++id) {
      const AccountKey& k = accounts[id];
      reserved.Insert(hash_of(Key{static_cast<uint8_t>(k.kind), k.bank, k.number}), id);
    }
    for (const auto& [key, id] : oracle) {
      const auto& [kind, bank, number] = key;
      ASSERT_EQ(index.Find(hash_of(key), static_cast<NodeKind>(kind), bank, number), id);
      ASSERT_EQ(reserved.Find(hash_of(key), static_cast<NodeKind>(kind), bank, number), id);
    }
  }
}

// Enough keys for tables of several huge pages (the mapping is moved, not copied, when it
// doubles), with the real hash; then a moved-from index is empty and a moved-to one answers.
TEST(AccountIndexTest, GrowsInPlaceToManyHugePages) {
  std::vector<AccountKey> accounts;
  AccountIndex index(&accounts);
  std::mt19937_64 rng(11);
  constexpr size_t kKeys = 300000;
  accounts.reserve(kKeys);
  std::vector<uint64_t> hashes;
  for (AccountId id = 0; id < kKeys; ++id) {
    AccountKey k{static_cast<NodeKind>(rng() % 3), std::to_string(rng() % 1000),
                 std::to_string(id) + "x" + std::to_string(rng() % 97)};
    const uint64_t h = HashAccountKey(static_cast<uint8_t>(k.kind), k.bank, k.number);
    ASSERT_EQ(index.Find(h, k.kind, k.bank, k.number), kNoAccount);
    accounts.push_back(std::move(k));
    hashes.push_back(h);
    index.Insert(h, id);
    if (id % 9973 == 0) {
      // Every key inserted so far, across the doublings.
      for (AccountId back = 0; back <= id; back += 101) {
        const AccountKey& b = accounts[back];
        ASSERT_EQ(index.Find(hashes[back], b.kind, b.bank, b.number), back);
      }
    }
  }
  EXPECT_EQ(index.slot_count(), size_t{1} << 20);
  AccountIndex moved(std::move(index));
  EXPECT_EQ(index.slot_count(), 0u);
  const AccountKey& k0 = accounts[0];
  EXPECT_EQ(index.Find(hashes[0], k0.kind, k0.bank, k0.number), kNoAccount);
  for (AccountId id = 0; id < kKeys; ++id) {
    const AccountKey& k = accounts[id];
    ASSERT_EQ(moved.Find(hashes[id], k.kind, k.bank, k.number), id);
  }
  AccountIndex reserved(&accounts);
  reserved.Reserve(kKeys);
  EXPECT_EQ(reserved.slot_count(), size_t{1} << 20);
  reserved = std::move(moved);
  for (AccountId id = 0; id < kKeys; id += 7) {
    const AccountKey& k = accounts[id];
    ASSERT_EQ(reserved.Find(hashes[id], k.kind, k.bank, k.number), id);
  }
}

}  // namespace
}  // namespace moneytrail::store::store_internal
