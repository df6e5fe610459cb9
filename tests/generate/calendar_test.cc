#include "generate/calendar.h"

#include <gtest/gtest.h>

namespace moneytrail::generate_internal {
namespace {

TEST(CalendarTest, KnownDates) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(Weekday(0), 3u);  // 1970-01-01 was a Thursday
  EXPECT_EQ(Weekday(DaysFromCivil(2025, 9, 1)), 0u);  // a Monday
}

TEST(CalendarTest, CivilRoundTripsOverCenturies) {
  for (int32_t d = -800000; d < 800000; d += 7) {
    CivilDate c = CivilFromDays(d);
    ASSERT_EQ(DaysFromCivil(c.year, c.month, c.day), d);
    ASSERT_GE(c.day, 1u);
    ASSERT_LE(c.day, 31u);
  }
}

TEST(CalendarTest, ParseDateRejectsImpossibleDates) {
  EXPECT_EQ(ParseDate("2025-09-01"), DaysFromCivil(2025, 9, 1));
  EXPECT_EQ(ParseDate("2024-02-29"), DaysFromCivil(2024, 2, 29));
  EXPECT_FALSE(ParseDate("2025-02-29"));
  EXPECT_FALSE(ParseDate("2025-13-01"));
  EXPECT_FALSE(ParseDate("2025/09/01"));
  EXPECT_FALSE(ParseDate("25-09-01"));
}

}  // namespace
}  // namespace moneytrail::generate_internal
