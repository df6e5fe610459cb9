// Local time and business days of a rule pack: hours and weekdays for filters, and the business
// day a cash transaction counts toward (31 CFR 1010.313: a deposit made at night, on a weekend or
// a holiday is aggregated with the next business day's).
#ifndef MONEYTRAIL_SRC_RULES_CALENDAR_H_
#define MONEYTRAIL_SRC_RULES_CALENDAR_H_

#include <cstdint>
#include <vector>

#include "moneytrail/transaction.h"

namespace moneytrail::rules::rules_internal {

class BusinessCalendar {
 public:
  // `utc_offset`: seconds added to UTC for local time; `cutoff`: local seconds after midnight
  // from which a transaction posts to the next business day; `holidays`: sorted local day numbers.
  BusinessCalendar(int64_t utc_offset, int64_t cutoff, std::vector<int64_t> holidays);

  // Days since 1970-01-01 in local time.
  int64_t LocalDay(Timestamp t) const;
  int Hour(Timestamp t) const;
  // Monday = 0 ... Sunday = 6.
  static int Weekday(int64_t day);
  bool IsBusinessDay(int64_t day) const;
  // The local day number of the business day that `t` counts toward.
  int64_t BusinessDayOf(Timestamp t) const;
  // A strictly increasing number over business days (consecutive business days differ by 1).
  int64_t BusinessOrdinal(int64_t business_day) const;

 private:
  int64_t offset_;
  int64_t cutoff_;
  std::vector<int64_t> holidays_;
};

}  // namespace moneytrail::rules::rules_internal

#endif  // MONEYTRAIL_SRC_RULES_CALENDAR_H_
