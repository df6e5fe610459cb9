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
    // 0: the real hash; 1: four tags only (every probe meets keys with its tag); 2: one tag.
    const int hash_mode = static_cast<int>(seed % 3);
    auto hash_of = [&](const Key& k) -> uint64_t {
      const uint64_t h = HashAccountKey(std::get<0>(k), std::get<1>(k), std::get<2>(k));
      if (hash_mode == 0) return h;
      if (hash_mode == 1) return (h & 0x3ull) << 32;
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

}  // namespace
}  // namespace moneytrail::store::store_internal
