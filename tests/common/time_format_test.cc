#include "moneytrail/time_format.h"

#include <gtest/gtest.h>

#include <ctime>
#include <random>

namespace moneytrail {
namespace {

TEST(TimeFormatTest, ParsesIbmLayout) {
  TimeFormat f = *TimeFormat::Compile("%Y/%m/%d %H:%M");
  EXPECT_EQ(*f.Parse("2022/09/01 00:20"), 1661991600);
  EXPECT_FALSE(f.Parse("2022-09-01 00:20").ok());
  EXPECT_FALSE(f.Parse("2022/13/01 00:20").ok());
  EXPECT_FALSE(f.Parse("2022/02/30 00:20").ok());
  EXPECT_FALSE(f.Parse("2022/09/01 00:20x").ok());
}

TEST(TimeFormatTest, ParsesIsoVariants) {
  TimeFormat f = TimeFormat::Iso8601();
  EXPECT_EQ(*f.Parse("2022-09-01T00:20:00Z"), 1661991600);
  EXPECT_EQ(*f.Parse("2022-09-01 00:20:00"), 1661991600);
  EXPECT_EQ(*f.Parse("2022-09-01 00:20"), 1661991600);
  EXPECT_EQ(*f.Parse("2022-09-01"), 1661990400);
  EXPECT_FALSE(f.Parse("01/09/2022").ok());
}

TEST(TimeFormatTest, FlexibleWidthBeforeALiteral) {
  TimeFormat f = *TimeFormat::Compile("%d/%m/%Y");
  EXPECT_EQ(*f.Parse("1/9/2022"), *f.Parse("01/09/2022"));
}

TEST(TimeFormatTest, EpochFormats) {
  EXPECT_EQ(*TimeFormat::Compile("epoch")->Parse("1661991600"), 1661991600);
  EXPECT_EQ(*TimeFormat::Compile("epoch_ms")->Parse("1661991600000"), 1661991600);
  EXPECT_FALSE(TimeFormat::Compile("epoch_ms")->Parse("1661991600001").ok());
  EXPECT_FALSE(TimeFormat::Compile("epoch")->Parse("12a").ok());
}

TEST(TimeFormatTest, RejectsBadPatterns) {
  EXPECT_FALSE(TimeFormat::Compile("%Y-%m").ok());
  EXPECT_FALSE(TimeFormat::Compile("%Y-%m-%d %Q").ok());
}

TEST(TimeFormatTest, RoundTripsAgainstTimegmOnRandomTimes) {
  const uint64_t seed = 7;
  std::mt19937_64 rng(seed);
  TimeFormat iso = TimeFormat::Iso8601();
  for (int i = 0; i < 2000; ++i) {
    Timestamp t = static_cast<Timestamp>(rng() % 8000000000ULL) - 2000000000LL;
    std::tm tm;
    std::time_t tt = static_cast<std::time_t>(t);
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    ASSERT_EQ(FormatIsoTime(t), buf) << "seed " << seed << " t " << t;
    ASSERT_EQ(*iso.Parse(buf), t) << "seed " << seed;
  }
}

}  // namespace
}  // namespace moneytrail
