// The kernels' shared searches against plain scans: PartitionPointFromEnd against
// std::partition_point, Visible (searched from the end near a list's last transaction, by
// bisection elsewhere) against a filter of the whole list, and DyadicMoments::FoldPair against
// two Folds and MergeLeaves against Merge of two leaves (bit for bit). Seeded; the seed is
// printed on failure.
#include "patterns/kernels.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "patterns/moments.h"

namespace moneytrail::patterns::internal {
namespace {

// A (time, id)-sorted list with runs of equal times.
std::vector<Edge> RandomList(std::mt19937_64& rng, size_t n) {
  std::vector<Edge> list(n);
  Timestamp t = static_cast<Timestamp>(rng() % 50);
  for (size_t i = 0; i < n; ++i) {
    t += static_cast<Timestamp>(rng() % 4 == 0 ? 0 : rng() % 20);
    list[i] = Edge{t, static_cast<TransactionId>(i * 3 + rng() % 3), 0, 1.0};
  }
  return list;
}

TEST(KernelsTest, PartitionPointFromEndMatchesPartitionPoint) {
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    std::mt19937_64 rng(seed);
    const size_t n = rng() % 200;
    std::vector<int> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = static_cast<int>(i);
    for (int q = 0; q < 50; ++q) {
      const int cut = static_cast<int>(rng() % (n + 2)) - 1;
      auto pred = [cut](int x) { return x < cut; };
      const size_t first = n == 0 ? 0 : rng() % (n + 1);
      const auto b = v.begin() + static_cast<std::ptrdiff_t>(first);
      ASSERT_EQ(PartitionPointFromEnd(b, v.end(), pred), std::partition_point(b, v.end(), pred))
          << "seed " << seed << " n " << n << " first " << first << " cut " << cut;
    }
  }
}

TEST(KernelsTest, VisibleMatchesAFilterOfTheWholeList) {
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    std::mt19937_64 rng(seed);
    const std::vector<Edge> list = RandomList(rng, rng() % (4 * kSearchFromEndSize));
    const Timestamp last = list.empty() ? 0 : list.back().time;
    for (int k = 0; k < 60; ++k) {
      Query q;
      // Queries anywhere, and many near or after the end (as a stream's).
      q.time = static_cast<Timestamp>(rng() % (static_cast<uint64_t>(last) + 80));
      if (k % 2 == 0) q.time = last - static_cast<Timestamp>(rng() % 40);
      q.id = static_cast<TransactionId>(rng() % (3 * list.size() + 3));
      const Timestamp window = static_cast<Timestamp>(rng() % 120);
      const auto got = Visible(list, q, window);
      size_t lo = 0, hi = 0;
      bool seen = false;
      for (size_t i = 0; i < list.size(); ++i) {
        const Edge& e = list[i];
        const bool in = e.time >= q.time - window &&
                        (e.time < q.time || (e.time == q.time && e.id <= q.id));
        if (in && !seen) lo = i, seen = true;
        if (in) hi = i + 1;
      }
      if (!seen) {
        ASSERT_TRUE(got.empty()) << "seed " << seed << " query " << k;
        continue;
      }
      ASSERT_EQ(static_cast<size_t>(got.data() - list.data()), lo) << "seed " << seed << " query " << k;
      ASSERT_EQ(got.size(), hi - lo) << "seed " << seed << " query " << k;
    }
  }
}

TEST(KernelsTest, FoldPairIsTwoFoldsBitForBit) {
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    std::mt19937_64 rng(seed);
    const size_t first = rng() % 70;
    const size_t n = 1 + rng() % 150;
    std::vector<double> a(n), b(n);
    for (size_t i = 0; i < n; ++i) {
      a[i] = static_cast<double>(rng() % 100000) / 7.0;
      b[i] = static_cast<double>(rng() % 1000);
    }
    DyadicMoments ta, tb;
    ta.Build(a, first);
    tb.Build(b, first);
    for (int q = 0; q < 100; ++q) {
      const size_t lo = first + rng() % n;
      const size_t hi = lo + 1 + rng() % (first + n - lo);
      Moments pa, pb;
      DyadicMoments::FoldPair(ta, tb, lo, hi, pa, pb);
      const Moments fa = ta.Fold(lo, hi), fb = tb.Fold(lo, hi);
      ASSERT_EQ(std::memcmp(&pa, &fa, sizeof pa), 0) << "seed " << seed;
      ASSERT_EQ(std::memcmp(&pb, &fb, sizeof pb), 0) << "seed " << seed;
    }
  }
}

TEST(KernelsTest, MergeLeavesIsMergeOfTwoLeavesBitForBit) {
  // Edge values (signed zeros, equal leaves, magnitudes far apart, infinities, NaN) and random
  // fractions of every magnitude, in both orders.
  std::vector<double> values = {0.0, -0.0, 1.0, -1.0, 0.5, 1e-300, -1e-300, 1e300, -1e300,
                                4.9e-324, 123456789.01, std::numeric_limits<double>::infinity(),
                                -std::numeric_limits<double>::infinity(),
                                std::numeric_limits<double>::quiet_NaN()};
  std::mt19937_64 rng(7);
  for (int k = 0; k < 2000; ++k) {
    const double scale = std::pow(10.0, static_cast<double>(static_cast<int>(rng() % 40) - 20));
    values.push_back((static_cast<double>(rng() % 2000001) - 1000000.0) / 997.0 * scale);
  }
  for (size_t i = 0; i < values.size(); ++i) {
    for (size_t j = 0; j < values.size(); j += (i < 14 ? 1 : 97)) {
      const Moments fast = MergeLeaves(values[i], values[j]);
      const Moments slow = Merge(Leaf(values[i]), Leaf(values[j]));
      ASSERT_EQ(std::memcmp(&fast, &slow, sizeof fast), 0)
          << "x " << values[i] << " y " << values[j];
    }
  }
}

}  // namespace
}  // namespace moneytrail::patterns::internal
