// The stream's per-list window pieces against plain recomputation: DyadicMoments::Append
// against Build (bit for bit), BlockedMultiset against a sorted vector, CounterpartyCounts
// against a map. Seeded; the seed is printed on failure.
#include "patterns/list_window.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <random>

namespace moneytrail::patterns::internal {
namespace {

bool SameBits(const Moments& a, const Moments& b) { return std::memcmp(&a, &b, sizeof a) == 0; }

TEST(ListWindowTest, AppendedDyadicSummariesFoldToTheBuiltOnesBitForBit) {
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    std::mt19937_64 rng(seed);
    const size_t first = rng() % 70;
    const size_t n = 1 + rng() % 150;
    std::vector<double> values(n);
    for (double& v : values) v = static_cast<double>(rng() % 1000) / 7.0;
    DyadicMoments built, appended;
    const size_t prefix = rng() % (n + 1);
    appended.Build(std::span(values).first(prefix), first);
    for (size_t i = prefix; i < n; ++i) appended.Append(values[i]);
    built.Build(values, first);
    for (int q = 0; q < 200; ++q) {
      const size_t lo = first + rng() % n;
      const size_t hi = lo + 1 + rng() % (first + n - lo);
      ASSERT_TRUE(SameBits(built.Fold(lo, hi), appended.Fold(lo, hi)))
          << "seed " << seed << " [" << lo << ", " << hi << ")";
    }
  }
}

TEST(ListWindowTest, BlockedMultisetKthMatchesASortedVector) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    std::mt19937_64 rng(seed);
    BlockedMultiset set;
    std::vector<double> plain;
    for (int step = 0; step < 3000; ++step) {
      if (plain.empty() || rng() % 3 != 0) {
        const double x = static_cast<double>(rng() % (seed * 40));  // many equal values
        set.Insert(x);
        plain.insert(std::upper_bound(plain.begin(), plain.end(), x), x);
      } else {
        const double x = plain[rng() % plain.size()];
        set.Erase(x);
        plain.erase(std::lower_bound(plain.begin(), plain.end(), x));
      }
      ASSERT_EQ(set.size(), plain.size()) << "seed " << seed;
      if (!plain.empty()) {
        const size_t k = rng() % plain.size();
        ASSERT_EQ(set.Kth(k), plain[k]) << "seed " << seed << " step " << step;
      }
    }
  }
}

TEST(ListWindowTest, CounterpartyCountsReportFirstAdditionsAndLastRemovals) {
  std::mt19937_64 rng(5);
  CounterpartyCounts counts;
  counts.Reset(0);
  std::map<AccountId, uint32_t> plain;
  for (int step = 0; step < 20000; ++step) {
    const AccountId a = static_cast<AccountId>(rng() % 500) * 7919;
    if (rng() % 2 == 0 || plain[a] == 0) {
      EXPECT_EQ(counts.Add(a), plain[a]++ == 0) << "step " << step;
    } else {
      EXPECT_EQ(counts.Remove(a), --plain[a] == 0) << "step " << step;
    }
  }
}

}  // namespace
}  // namespace moneytrail::patterns::internal
