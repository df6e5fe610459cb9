// Proleptic Gregorian calendar arithmetic (Howard Hinnant's days_from_civil / civil_from_days
// algorithms), so that dates never depend on the process time zone.
#ifndef MONEYTRAIL_SRC_GENERATE_CALENDAR_H_
#define MONEYTRAIL_SRC_GENERATE_CALENDAR_H_

#include <cstdint>
#include <optional>
#include <string_view>

namespace moneytrail::generate_internal {

struct CivilDate {
  int32_t year;
  uint32_t month;  // 1..12
  uint32_t day;    // 1..31
};

inline constexpr int32_t DaysFromCivil(int32_t y, uint32_t m, uint32_t d) {
  y -= m <= 2;
  const int32_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<uint32_t>(y - era * 400);
  const uint32_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const uint32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int32_t>(doe) - 719468;
}

inline constexpr CivilDate CivilFromDays(int32_t z) {
  z += 719468;
  const int32_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<uint32_t>(z - era * 146097);
  const uint32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int32_t y = static_cast<int32_t>(yoe) + era * 400;
  const uint32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const uint32_t mp = (5 * doy + 2) / 153;
  const uint32_t d = doy - (153 * mp + 2) / 5 + 1;
  const uint32_t m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

// 0 = Monday ... 6 = Sunday.
inline constexpr uint32_t Weekday(int32_t days) {
  return static_cast<uint32_t>(((days % 7) + 7 + 3) % 7);
}

// Parses "YYYY-MM-DD" into days since 1970-01-01.
inline std::optional<int32_t> ParseDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int v[3] = {0, 0, 0};
  const int starts[3] = {0, 5, 8}, lengths[3] = {4, 2, 2};
  for (int f = 0; f < 3; ++f) {
    for (int i = 0; i < lengths[f]; ++i) {
      char c = s[starts[f] + i];
      if (c < '0' || c > '9') return std::nullopt;
      v[f] = v[f] * 10 + (c - '0');
    }
  }
  if (v[0] < 1900 || v[0] > 2200 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31) return std::nullopt;
  int32_t days = DaysFromCivil(v[0], static_cast<uint32_t>(v[1]), static_cast<uint32_t>(v[2]));
  CivilDate back = CivilFromDays(days);
  if (static_cast<int>(back.day) != v[2]) return std::nullopt;  // e.g. 2025-02-30
  return days;
}

}  // namespace moneytrail::generate_internal

#endif  // MONEYTRAIL_SRC_GENERATE_CALENDAR_H_
