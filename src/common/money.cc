#include "moneytrail/money.h"

#include <cstdlib>
#include <string>

namespace moneytrail {
namespace {

constexpr Int128 kMaxSumUnits = static_cast<Int128>(1000000000000000000LL) * 1000000000000000000LL;

Int128 Pow10(int n) {
  Int128 p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

void AppendInt128(Int128 v, std::string& out) {
  if (v == 0) {
    out.push_back('0');
    return;
  }
  char buf[48];
  int n = 0;
  UInt128 u = v < 0 ? static_cast<UInt128>(-v) : static_cast<UInt128>(v);
  while (u > 0) {
    buf[n++] = static_cast<char>('0' + static_cast<int>(u % 10));
    u /= 10;
  }
  if (v < 0) out.push_back('-');
  while (n > 0) out.push_back(buf[--n]);
}

// Writes |units| with `scale` fractional digits.
void AppendScaled(Int128 units, int scale, char group, std::string& out) {
  bool negative = units < 0;
  UInt128 u = negative ? static_cast<UInt128>(-units)
                                 : static_cast<UInt128>(units);
  std::string digits;
  AppendInt128(static_cast<Int128>(u), digits);
  if (static_cast<int>(digits.size()) <= scale) {
    digits.insert(0, static_cast<size_t>(scale) + 1 - digits.size(), '0');
  }
  size_t int_len = digits.size() - static_cast<size_t>(scale);
  if (negative) out.push_back('-');
  for (size_t i = 0; i < int_len; ++i) {
    if (group != 0 && i > 0 && (int_len - i) % 3 == 0) out.push_back(group);
    out.push_back(digits[i]);
  }
  if (scale > 0) {
    out.push_back('.');
    out.append(digits, int_len, std::string::npos);
  }
}

}  // namespace

Result<Decimal> ParseDecimal(std::string_view text, char decimal_point, char group_separator) {
  if (text.empty()) return InvalidArgumentError("empty amount");
  size_t i = 0;
  bool negative = false;
  if (text[0] == '-' || text[0] == '+') {
    negative = text[0] == '-';
    i = 1;
  }
  int64_t units = 0;
  int significant = 0;
  int scale = 0;
  bool seen_digit = false;
  bool seen_point = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      seen_digit = true;
      if (units != 0 || c != '0') ++significant;
      if (significant > 18) {
        return OutOfRangeError("amount '" + std::string(text) +
                               "' has more than 18 significant digits");
      }
      units = units * 10 + (c - '0');
      if (seen_point) {
        if (++scale > kMaxDecimalScale) {
          return OutOfRangeError("amount '" + std::string(text) +
                                 "' has more than 18 fractional digits");
        }
      }
    } else if (c == decimal_point && !seen_point) {
      seen_point = true;
    } else if (group_separator != 0 && c == group_separator && !seen_point && seen_digit) {
      continue;
    } else {
      return InvalidArgumentError("'" + std::string(text) +
                                  "' is not a decimal amount (expected digits with an optional '" +
                                  std::string(1, decimal_point) + "')");
    }
  }
  if (!seen_digit) {
    return InvalidArgumentError("'" + std::string(text) + "' is not a decimal amount");
  }
  return Decimal{negative ? -units : units, static_cast<uint8_t>(scale)};
}

void AppendDecimal(Decimal d, std::string& out) { AppendScaled(d.units, d.scale, 0, out); }

std::string FormatDecimal(Decimal d) {
  std::string out;
  AppendDecimal(d, out);
  return out;
}

std::string FormatDecimalGrouped(Decimal d) {
  std::string out;
  AppendScaled(d.units, d.scale, ',', out);
  return out;
}

int CompareDecimal(Decimal a, Decimal b) {
  int scale = a.scale > b.scale ? a.scale : b.scale;
  Int128 x = static_cast<Int128>(a.units) * Pow10(scale - a.scale);
  Int128 y = static_cast<Int128>(b.units) * Pow10(scale - b.scale);
  return x < y ? -1 : (x > y ? 1 : 0);
}

double ToDouble(Decimal d) {
  static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,
                                      1e7,  1e8,  1e9,  1e10, 1e11, 1e12, 1e13,
                                      1e14, 1e15, 1e16, 1e17, 1e18};
  return static_cast<double>(d.units) / kPow10[d.scale <= 18 ? d.scale : 18];
}

Status DecimalSum::Add(Decimal d) {
  if (d.scale > scale_) {
    Int128 factor = Pow10(d.scale - scale_);
    Int128 limit = kMaxSumUnits / factor;
    if (units_ > limit || units_ < -limit) return OutOfRangeError("sum of amounts overflows");
    units_ *= factor;
    scale_ = d.scale;
  }
  Int128 add = static_cast<Int128>(d.units) * Pow10(scale_ - d.scale);
  units_ += add;
  if (units_ > kMaxSumUnits || units_ < -kMaxSumUnits) {
    return OutOfRangeError("sum of amounts overflows");
  }
  return Status::Ok();
}

Status DecimalSum::Subtract(Decimal d) { return Add(Decimal{-d.units, d.scale}); }

Result<Decimal> DecimalSum::value() const {
  if (units_ > kMaxDecimalUnits || units_ < -kMaxDecimalUnits) {
    return OutOfRangeError("sum " + ToString() + " does not fit an 18-digit decimal");
  }
  return Decimal{static_cast<int64_t>(units_), static_cast<uint8_t>(scale_)};
}

std::string DecimalSum::ToString() const {
  std::string out;
  AppendScaled(units_, scale_, 0, out);
  return out;
}

}  // namespace moneytrail
