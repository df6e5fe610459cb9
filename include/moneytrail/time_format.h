// Timestamps: parsing and printing UTC times as seconds since 1970-01-01T00:00:00Z.
//
// Example:
//   MT_ASSIGN_OR_RETURN(TimeFormat f, TimeFormat::Compile("%Y/%m/%d %H:%M"));
//   MT_ASSIGN_OR_RETURN(Timestamp t, f.Parse("2022/09/01 00:20"));
//   std::string iso = FormatIsoTime(t);   // "2022-09-01T00:20:00Z"
#ifndef MONEYTRAIL_TIME_FORMAT_H_
#define MONEYTRAIL_TIME_FORMAT_H_

#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/status.h"
#include "moneytrail/transaction.h"

namespace moneytrail {

// A compiled timestamp pattern. Conversions: %Y (4-digit year), %m, %d, %H, %M, %S (2 digits,
// or 1-2 digits when followed by a non-digit), %y (2-digit year, 1970-2069), %% and literal
// characters. Special patterns: "epoch" (integer seconds), "epoch_ms" (milliseconds; a time
// that is not a whole second is an error, never truncated), "iso8601"
// (YYYY-MM-DD[T ]HH:MM[:SS][Z]).
class TimeFormat {
 public:
  static Result<TimeFormat> Compile(std::string_view pattern);
  static TimeFormat Iso8601();

  // Parses `text` wholly; InvalidArgument names what was expected.
  Result<Timestamp> Parse(std::string_view text) const;
  const std::string& pattern() const { return pattern_; }

 private:
  enum class Kind { kPattern, kEpochSeconds, kEpochMillis, kIso };
  struct Part {
    char conversion;  // 'Y','m','d','H','M','S','y', or 0 for a literal
    char literal;
  };
  Kind kind_ = Kind::kIso;
  std::string pattern_;
  std::vector<Part> parts_;
};

// Days since 1970-01-01 of a civil date (proleptic Gregorian).
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);
// "2022-09-01T00:20:00Z".
std::string FormatIsoTime(Timestamp t);
// "2022/09/01 00:20" (IBM AMLworld layout; seconds are dropped, so only whole minutes
// round-trip).
std::string FormatIbmTime(Timestamp t);

}  // namespace moneytrail

#endif  // MONEYTRAIL_TIME_FORMAT_H_
