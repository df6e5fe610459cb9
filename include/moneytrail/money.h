// Exact decimal amounts. A Decimal is an integer count of 10^-scale units: 1234.56 is
// {units=123456, scale=2}, 0.000296 is {296, 6}, 147.80 is {14780, 2}. The scale is the number of
// fractional digits written in the source, so an amount prints back exactly as it was read
// (docs/format/store.md). Never binary floating point in a stored value, a sum or a report.
//
// Example:
//   MT_ASSIGN_OR_RETURN(Decimal d, ParseDecimal("1234.56"));
//   DecimalSum total;
//   MT_RETURN_IF_ERROR(total.Add(d));
//   std::string text = FormatDecimal(total.value());   // "1234.56"
#ifndef MONEYTRAIL_MONEY_H_
#define MONEYTRAIL_MONEY_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "moneytrail/status.h"

namespace moneytrail {

// 128-bit integers for exact sums (a GCC/Clang extension; __extension__ keeps -Wpedantic quiet).
__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

// Range: |units| <= 999,999,999,999,999,999 (18 digits), scale 0..18.
inline constexpr int64_t kMaxDecimalUnits = 999'999'999'999'999'999LL;
inline constexpr int kMaxDecimalScale = 18;

struct Decimal {
  int64_t units = 0;
  uint8_t scale = 0;
};

// Parses [-]digits[.digits] (with `decimal_point` as the separator and, when non-zero,
// `group_separator` allowed between integer digits). At most 18 significant digits.
// Returns InvalidArgument naming what was wrong (the caller adds file, line and field).
Result<Decimal> ParseDecimal(std::string_view text, char decimal_point = '.',
                             char group_separator = 0);

// Exactly `scale` fractional digits: {14780, 2} -> "147.80", {5, 0} -> "5".
std::string FormatDecimal(Decimal d);
// Appends FormatDecimal(d) to `out` (no allocation beyond the string's growth).
void AppendDecimal(Decimal d, std::string& out);
// With thousands separators, for people: {13140000, 2} -> "131,400.00".
std::string FormatDecimalGrouped(Decimal d);

// Exact comparison across scales: <0, 0, >0.
int CompareDecimal(Decimal a, Decimal b);
inline bool operator==(Decimal a, Decimal b) { return CompareDecimal(a, b) == 0; }

// Nearest double, for model features only.
double ToDouble(Decimal d);

// An exact running sum over amounts of any scales (128-bit). The sum's scale is the largest
// scale added. Add fails with OutOfRange when the result leaves 10^36 units.
class DecimalSum {
 public:
  Status Add(Decimal d);
  Status Subtract(Decimal d);
  // REQUIRES: the sum fits a Decimal; otherwise returns OutOfRange.
  Result<Decimal> value() const;
  std::string ToString() const;  // exact, any magnitude
  Int128 raw_units() const { return units_; }
  int scale() const { return scale_; }

 private:
  Int128 units_ = 0;
  int scale_ = 0;
};

}  // namespace moneytrail

#endif  // MONEYTRAIL_MONEY_H_
