#include "generate/rng.h"

#include <gtest/gtest.h>

#include <cmath>

namespace moneytrail::generate_internal {
namespace {

TEST(RngTest, SplitMix64MatchesTheReferenceSequence) {
  // Reference values of SplitMix64 seeded with 0 (Vigna's splitmix64.c).
  Rng rng(0);
  EXPECT_EQ(rng.Next(), 0xE220A8397B1DCDAFULL);
  EXPECT_EQ(rng.Next(), 0x6E789E6AA1B965F4ULL);
  EXPECT_EQ(rng.Next(), 0x06C45D188009454FULL);
}

TEST(RngTest, StreamsDifferByEveryArgument) {
  EXPECT_NE(StreamSeed(1, 2, 3, 4), StreamSeed(2, 2, 3, 4));
  EXPECT_NE(StreamSeed(1, 2, 3, 4), StreamSeed(1, 3, 3, 4));
  EXPECT_NE(StreamSeed(1, 2, 3, 4), StreamSeed(1, 2, 4, 4));
  EXPECT_NE(StreamSeed(1, 2, 3, 4), StreamSeed(1, 2, 3, 5));
  EXPECT_EQ(StreamSeed(1, 2, 3, 4), StreamSeed(1, 2, 3, 4));
}

TEST(RngTest, DistributionsHaveTheirMoments) {
  Rng rng(42);
  const int n = 200000;
  double sum = 0, sum_sq = 0, poisson = 0;
  uint32_t below_max = 0;
  for (int i = 0; i < n; ++i) {
    double z = rng.Normal();
    sum += z;
    sum_sq += z * z;
    poisson += rng.Poisson(1.5);
    below_max = std::max(below_max, rng.Below(10));
  }
  EXPECT_NEAR(sum / n, 0.0, 0.01);
  EXPECT_NEAR(sum_sq / n, 1.0, 0.02);
  EXPECT_NEAR(poisson / n, 1.5, 0.02);
  EXPECT_EQ(below_max, 9u);
}

}  // namespace
}  // namespace moneytrail::generate_internal
