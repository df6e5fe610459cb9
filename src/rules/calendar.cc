#include "rules/calendar.h"

#include <algorithm>

namespace moneytrail::rules::rules_internal {
namespace {

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Number of Monday-to-Friday days in [0, day).
int64_t WeekdaysBefore(int64_t day) {
  int64_t weeks = FloorDiv(day, 7);
  int64_t rest = day - weeks * 7;
  int64_t n = weeks * 5;
  for (int64_t k = 0; k < rest; ++k) n += BusinessCalendar::Weekday(weeks * 7 + k) < 5;
  return n;
}

}  // namespace

BusinessCalendar::BusinessCalendar(int64_t utc_offset, int64_t cutoff, std::vector<int64_t> holidays)
    : offset_(utc_offset), cutoff_(cutoff), holidays_(std::move(holidays)) {
  std::sort(holidays_.begin(), holidays_.end());
}

int64_t BusinessCalendar::LocalDay(Timestamp t) const { return FloorDiv(t + offset_, 86400); }

int BusinessCalendar::Hour(Timestamp t) const {
  int64_t local = t + offset_;
  return static_cast<int>((local - FloorDiv(local, 86400) * 86400) / 3600);
}

int BusinessCalendar::Weekday(int64_t day) {
  // 1970-01-01 was a Thursday (3 with Monday = 0).
  int64_t w = (day + 3) % 7;
  return static_cast<int>(w < 0 ? w + 7 : w);
}

bool BusinessCalendar::IsBusinessDay(int64_t day) const {
  return Weekday(day) < 5 && !std::binary_search(holidays_.begin(), holidays_.end(), day);
}

int64_t BusinessCalendar::BusinessDayOf(Timestamp t) const {
  int64_t local = t + offset_;
  int64_t day = FloorDiv(local, 86400);
  int64_t seconds = local - day * 86400;
  if (IsBusinessDay(day) && seconds < cutoff_) return day;
  do {
    ++day;
  } while (!IsBusinessDay(day));
  return day;
}

int64_t BusinessCalendar::BusinessOrdinal(int64_t business_day) const {
  int64_t holidays_before = 0;
  for (int64_t h : holidays_) {
    if (h >= business_day) break;
    holidays_before += Weekday(h) < 5;
  }
  return WeekdaysBefore(business_day) - holidays_before;
}

}  // namespace moneytrail::rules::rules_internal
