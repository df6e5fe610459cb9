#include "moneytrail/time_format.h"

#include <cstdio>
#include <string>

namespace moneytrail {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `width` digits, or 1..width digits when `flexible`.
bool ReadNumber(std::string_view text, size_t& pos, int width, bool flexible, int64_t& value) {
  value = 0;
  int n = 0;
  while (n < width && pos < text.size() && IsDigit(text[pos])) {
    value = value * 10 + (text[pos] - '0');
    ++pos;
    ++n;
  }
  return flexible ? n > 0 : n == width;
}

unsigned DaysInMonth(int64_t year, unsigned month) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

Result<Timestamp> Assemble(std::string_view text, int64_t year, int64_t month, int64_t day,
                           int64_t hour, int64_t minute, int64_t second) {
  if (month < 1 || month > 12 || day < 1 ||
      day > static_cast<int64_t>(DaysInMonth(year, static_cast<unsigned>(month))) || hour > 23 ||
      minute > 59 || second > 60) {
    return InvalidArgumentError("'" + std::string(text) + "' is not a valid date and time");
  }
  return DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
         hour * 3600 + minute * 60 + second;
}

Result<Timestamp> ParseEpoch(std::string_view text, int64_t divisor) {
  size_t pos = 0;
  bool negative = !text.empty() && text[0] == '-';
  if (negative) pos = 1;
  if (pos >= text.size()) return InvalidArgumentError("empty epoch time");
  int64_t value = 0;
  for (; pos < text.size(); ++pos) {
    if (!IsDigit(text[pos]) || value > 922337203685477580LL) {
      return InvalidArgumentError("'" + std::string(text) + "' is not an integer epoch time");
    }
    value = value * 10 + (text[pos] - '0');
  }
  if (value % divisor != 0) {
    return InvalidArgumentError("'" + std::string(text) +
                                "' is not a whole second (moneytrail stores seconds)");
  }
  return (negative ? -value : value) / divisor;
}

Result<Timestamp> ParseIso(std::string_view text) {
  size_t pos = 0;
  int64_t y, mo, d, h = 0, mi = 0, s = 0;
  auto fail = [&]() -> Result<Timestamp> {
    return InvalidArgumentError("'" + std::string(text) +
                                "' is not an ISO 8601 time (expected YYYY-MM-DDTHH:MM[:SS][Z])");
  };
  if (!ReadNumber(text, pos, 4, false, y) || pos >= text.size() || text[pos++] != '-') return fail();
  if (!ReadNumber(text, pos, 2, false, mo) || pos >= text.size() || text[pos++] != '-') return fail();
  if (!ReadNumber(text, pos, 2, false, d)) return fail();
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != ' ') return fail();
    ++pos;
    if (!ReadNumber(text, pos, 2, false, h) || pos >= text.size() || text[pos++] != ':') return fail();
    if (!ReadNumber(text, pos, 2, false, mi)) return fail();
    if (pos < text.size() && text[pos] == ':') {
      ++pos;
      if (!ReadNumber(text, pos, 2, false, s)) return fail();
    }
    if (pos < text.size() && text[pos] == 'Z') ++pos;
  }
  if (pos != text.size()) return fail();
  return Assemble(text, y, mo, d, h, mi, s);
}

}  // namespace

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  // Howard Hinnant's days_from_civil.
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

namespace {
void CivilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

void Split(Timestamp t, int64_t& y, unsigned& mo, unsigned& d, int& h, int& mi, int& s) {
  int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
  int64_t rem = t - days * 86400;
  CivilFromDays(days, y, mo, d);
  h = static_cast<int>(rem / 3600);
  mi = static_cast<int>(rem % 3600 / 60);
  s = static_cast<int>(rem % 60);
}
}  // namespace

std::string FormatIsoTime(Timestamp t) {
  int64_t y;
  unsigned mo, d;
  int h, mi, s;
  Split(t, y, mo, d, h, mi, s);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02dZ", static_cast<long long>(y), mo,
                d, h, mi, s);
  return buf;
}

std::string FormatIbmTime(Timestamp t) {
  int64_t y;
  unsigned mo, d;
  int h, mi, s;
  Split(t, y, mo, d, h, mi, s);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld/%02u/%02u %02d:%02d", static_cast<long long>(y), mo, d, h,
                mi);
  return buf;
}

TimeFormat TimeFormat::Iso8601() {
  TimeFormat f;
  f.kind_ = Kind::kIso;
  f.pattern_ = "iso8601";
  return f;
}

Result<TimeFormat> TimeFormat::Compile(std::string_view pattern) {
  TimeFormat f;
  f.pattern_ = std::string(pattern);
  if (pattern == "iso8601") return Iso8601();
  if (pattern == "epoch") {
    f.kind_ = Kind::kEpochSeconds;
    return f;
  }
  if (pattern == "epoch_ms") {
    f.kind_ = Kind::kEpochMillis;
    return f;
  }
  f.kind_ = Kind::kPattern;
  bool has_year = false, has_month = false, has_day = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c != '%') {
      f.parts_.push_back({0, c});
      continue;
    }
    if (++i >= pattern.size()) {
      return InvalidArgumentError("time format '" + std::string(pattern) + "' ends with '%'");
    }
    char conv = pattern[i];
    switch (conv) {
      case 'Y': case 'y': has_year = true; break;
      case 'm': has_month = true; break;
      case 'd': has_day = true; break;
      case 'H': case 'M': case 'S': break;
      case '%': f.parts_.push_back({0, '%'}); continue;
      default:
        return InvalidArgumentError("time format '" + std::string(pattern) +
                                    "' has unsupported conversion %" + std::string(1, conv) +
                                    " (supported: %Y %y %m %d %H %M %S %%, or iso8601, epoch, "
                                    "epoch_ms)");
    }
    f.parts_.push_back({conv, 0});
  }
  if (!has_year || !has_month || !has_day) {
    return InvalidArgumentError("time format '" + std::string(pattern) +
                                "' needs a year, a month and a day");
  }
  return f;
}

Result<Timestamp> TimeFormat::Parse(std::string_view text) const {
  switch (kind_) {
    case Kind::kIso: return ParseIso(text);
    case Kind::kEpochSeconds: return ParseEpoch(text, 1);
    case Kind::kEpochMillis: return ParseEpoch(text, 1000);
    case Kind::kPattern: break;
  }
  int64_t y = 1970, mo = 1, d = 1, h = 0, mi = 0, s = 0;
  size_t pos = 0;
  for (size_t k = 0; k < parts_.size(); ++k) {
    const Part& part = parts_[k];
    if (part.conversion == 0) {
      if (pos >= text.size() || text[pos] != part.literal) {
        return InvalidArgumentError("'" + std::string(text) + "' does not match time format '" +
                                    pattern_ + "'");
      }
      ++pos;
      continue;
    }
    // A field followed by a literal may have fewer digits ("1/9/2022" for "%m/%d/%Y").
    bool flexible = k + 1 == parts_.size() || parts_[k + 1].conversion == 0;
    int64_t value = 0;
    int width = part.conversion == 'Y' ? 4 : 2;
    if (!ReadNumber(text, pos, width, flexible && part.conversion != 'Y', value)) {
      return InvalidArgumentError("'" + std::string(text) + "' does not match time format '" +
                                  pattern_ + "'");
    }
    switch (part.conversion) {
      case 'Y': y = value; break;
      case 'y': y = value < 70 ? 2000 + value : 1900 + value; break;
      case 'm': mo = value; break;
      case 'd': d = value; break;
      case 'H': h = value; break;
      case 'M': mi = value; break;
      case 'S': s = value; break;
    }
  }
  if (pos != text.size()) {
    return InvalidArgumentError("'" + std::string(text) + "' does not match time format '" +
                                pattern_ + "' (extra characters)");
  }
  return Assemble(text, y, mo, d, h, mi, s);
}

}  // namespace moneytrail
