// Business days (31 CFR 1010.313 aggregation) and local time.
#include "rules/calendar.h"

#include <gtest/gtest.h>

#include "moneytrail/time_format.h"

namespace moneytrail::rules::rules_internal {
namespace {

Timestamp T(const char* iso) { return *TimeFormat::Iso8601().Parse(iso); }
int64_t Day(int y, unsigned m, unsigned d) { return DaysFromCivil(y, m, d); }

TEST(BusinessCalendarTest, NightsWeekendsAndHolidaysCountToTheNextBusinessDay) {
  BusinessCalendar cal(0, 17 * 3600, {Day(2025, 9, 1)});
  EXPECT_EQ(cal.BusinessDayOf(T("2025-09-05T16:59:59Z")), Day(2025, 9, 5));  // Friday before cutoff
  EXPECT_EQ(cal.BusinessDayOf(T("2025-09-05T17:00:00Z")), Day(2025, 9, 8));  // Friday night -> Monday
  EXPECT_EQ(cal.BusinessDayOf(T("2025-09-07T23:59:59Z")), Day(2025, 9, 8));  // Sunday -> Monday
  EXPECT_EQ(cal.BusinessDayOf(T("2025-08-29T18:00:00Z")), Day(2025, 9, 2));  // Friday night before Labor Day
  EXPECT_EQ(cal.BusinessDayOf(T("2025-09-01T09:00:00Z")), Day(2025, 9, 2));  // the holiday itself
  EXPECT_EQ(cal.BusinessOrdinal(Day(2025, 9, 8)) - cal.BusinessOrdinal(Day(2025, 9, 5)), 1);
  EXPECT_EQ(cal.BusinessOrdinal(Day(2025, 9, 2)) - cal.BusinessOrdinal(Day(2025, 8, 29)), 1);
}

TEST(BusinessCalendarTest, LocalOffsetMovesHoursDaysAndTheCutoff) {
  BusinessCalendar mountain(-7 * 3600, 17 * 3600, {});
  EXPECT_EQ(mountain.Hour(T("2025-09-06T03:30:00Z")), 20);                   // Friday 20:30 local
  EXPECT_EQ(mountain.LocalDay(T("2025-09-06T03:30:00Z")), Day(2025, 9, 5));
  EXPECT_EQ(mountain.BusinessDayOf(T("2025-09-05T23:59:00Z")), Day(2025, 9, 5));  // 16:59 local
  EXPECT_EQ(mountain.BusinessDayOf(T("2025-09-06T00:00:00Z")), Day(2025, 9, 8));  // 17:00 local Friday
  EXPECT_EQ(BusinessCalendar::Weekday(Day(2025, 9, 1)), 0);  // a Monday
  EXPECT_EQ(BusinessCalendar::Weekday(Day(1969, 12, 31)), 2);
}

}  // namespace
}  // namespace moneytrail::rules::rules_internal
