#include "moneytrail/money.h"

#include <gtest/gtest.h>

#include <random>

namespace moneytrail {
namespace {

TEST(DecimalTest, ParsesAndPrintsBackExactly) {
  for (const char* text : {"0", "1234.56", "0.000296", "147.80", "147.8", "999999999999999999",
                           "0.000000000000000001", "5", "10.00"}) {
    Result<Decimal> d = ParseDecimal(text);
    ASSERT_TRUE(d.ok()) << text << ": " << d.status().ToString();
    EXPECT_EQ(FormatDecimal(*d), text);
  }
}

TEST(DecimalTest, KeepsScaleAsWritten) {
  Decimal a = *ParseDecimal("147.80");
  Decimal b = *ParseDecimal("147.8");
  EXPECT_EQ(a.scale, 2);
  EXPECT_EQ(b.scale, 1);
  EXPECT_EQ(CompareDecimal(a, b), 0);
}

TEST(DecimalTest, RejectsWhatIsNotADecimal) {
  for (const char* text : {"", "abc", "1.2.3", "1e5", "12,5", ".", "-", "1 000", "0x10"}) {
    EXPECT_FALSE(ParseDecimal(text).ok()) << text;
  }
}

TEST(DecimalTest, RejectsMoreThanEighteenDigits) {
  Result<Decimal> d = ParseDecimal("1234567890123456789");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kOutOfRange);
  // Leading zeros are not significant.
  EXPECT_TRUE(ParseDecimal("000000000000000000001.5").ok());
}

TEST(DecimalTest, AcceptsOtherSeparators) {
  Decimal d = *ParseDecimal("1.234.567,89", ',', '.');
  EXPECT_EQ(FormatDecimal(d), "1234567.89");
}

TEST(DecimalTest, GroupedFormatForPeople) {
  EXPECT_EQ(FormatDecimalGrouped(Decimal{13140000, 2}), "131,400.00");
  EXPECT_EQ(FormatDecimalGrouped(Decimal{-99, 2}), "-0.99");
  EXPECT_EQ(FormatDecimalGrouped(Decimal{1000, 0}), "1,000");
}

TEST(DecimalSumTest, SumsAcrossScalesExactly) {
  DecimalSum sum;
  ASSERT_TRUE(sum.Add(*ParseDecimal("0.1")).ok());
  ASSERT_TRUE(sum.Add(*ParseDecimal("0.2")).ok());
  ASSERT_TRUE(sum.Add(*ParseDecimal("0.000296")).ok());
  EXPECT_EQ(sum.ToString(), "0.300296");
  ASSERT_TRUE(sum.Subtract(*ParseDecimal("0.300296")).ok());
  EXPECT_EQ(sum.ToString(), "0.000000");
}

TEST(DecimalSumTest, OverflowIsAnErrorNotAWrap) {
  Decimal big{kMaxDecimalUnits, 0};
  DecimalSum sum;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(sum.Add(big).ok());
  // The sum is exact but no longer fits one Decimal.
  EXPECT_EQ(sum.ToString(), "2999999999999999997");
  EXPECT_EQ(sum.value().status().code(), StatusCode::kOutOfRange);
  // Rescaling ~3e18 units to 18 decimals would need ~3e36 units: refused, sum unchanged.
  Status overflow = sum.Add(Decimal{1, 18});
  EXPECT_EQ(overflow.code(), StatusCode::kOutOfRange);
  EXPECT_EQ(sum.ToString(), "2999999999999999997");
}

TEST(DecimalSumTest, MatchesIntegerOracleOnRandomAmounts) {
  const uint64_t seed = 20261129;
  std::mt19937_64 rng(seed);
  for (int round = 0; round < 200; ++round) {
    DecimalSum sum;
    Int128 micro = 0;  // oracle: everything in 10^-6 units
    for (int i = 0; i < 50; ++i) {
      int scale = static_cast<int>(rng() % 7);
      int64_t units = static_cast<int64_t>(rng() % 100000000000ULL);
      ASSERT_TRUE(sum.Add(Decimal{units, static_cast<uint8_t>(scale)}).ok());
      Int128 m = units;
      for (int k = scale; k < 6; ++k) m *= 10;
      micro += m;
    }
    Int128 got = sum.raw_units();
    for (int k = sum.scale(); k < 6; ++k) got *= 10;
    ASSERT_TRUE(got == micro) << "seed " << seed << " round " << round;
  }
}

}  // namespace
}  // namespace moneytrail
