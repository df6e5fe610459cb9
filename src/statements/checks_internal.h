// Internals shared by the statement checks' translation units (statement_checks.h).
#ifndef MONEYTRAIL_STATEMENTS_CHECKS_INTERNAL_H_
#define MONEYTRAIL_STATEMENTS_CHECKS_INTERNAL_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/money.h"
#include "moneytrail/statement_checks.h"

namespace moneytrail::statements::statements_internal {

// Every value normalised to scale 18: exact, and comparable across scales. Inputs are within
// kMaxDecimalUnits, so one value is below 10^36 and a sum overflows only after ~170 of them.
inline constexpr int kNormScale = 18;
Int128 Normalize(int64_t units, uint8_t scale);
// The exact Decimal of a normalised value, at the smallest scale >= min_scale that holds it;
// OutOfRange when its units leave kMaxDecimalUnits.
Result<Decimal> Denormalize(Int128 value, uint8_t min_scale);
// Where an input sits, formatted only for an error message: "path:line", or "file k (path)"
// when line is 0. Borrows `path`.
struct Place {
  std::string_view path;
  uint32_t file = 0;
  uint64_t line = 0;
  std::string ToString() const;
};
// a + b, or OutOfRange naming `where`.
Result<Int128> CheckedAdd(Int128 a, Int128 b, const Place& where);

// The rows of one file for one (account, currency), in file order (statement_checks.h).
struct Statement {
  uint32_t file = 0;
  std::string account, currency;
  bool banner = false;       // the file's banner statement
  std::vector<uint64_t> rows;
  // Covered days: the banner period where read, else the rows' first and last day.
  std::optional<int64_t> first_day, last_day;
  // Opening: the banner's, else derived backwards from the first row with a balance.
  // Closing: the banner's, else the balance after the last row when the walk knows it.
  std::optional<Int128> opening, closing;
  uint8_t opening_scale = 0, closing_scale = 0;
  bool has_days() const { return first_day && last_day && *first_day <= *last_day; }
};

LineRef RefOf(std::span<const StatementLine> lines, uint64_t index);

// Statements of one (account, currency) with covered days, in continuity order: by first day,
// last day, then file.
using AccountGroup = std::vector<const Statement*>;

// Overlap matching (docs/statement-checks.md): fills report.duplicates and sets
// carried_by[dup] = matched earlier line.
void MatchOverlaps(std::span<const StatementLine> lines, const std::vector<AccountGroup>& groups,
                   CheckReport& report);
// Payment messages (files[f].payment_messages) matched to the statement row that books them, or
// to an earlier message with the same reference: appends to report.duplicates (kept sorted by
// dropped line) and sets carried_by[message] = the row (docs/statement-checks.md).
void MatchPaymentMessages(std::span<const StatementFile> files, std::span<const StatementLine> lines,
                          const CheckOptions& options, CheckReport& report);
// Mirror matching over the lines not yet carried by another: fills report.mirrors and sets
// carried_by[credit] = debit.
void MatchMirrors(std::span<const StatementLine> lines, const CheckOptions& options,
                  CheckReport& report);

}  // namespace moneytrail::statements::statements_internal

#endif  // MONEYTRAIL_STATEMENTS_CHECKS_INTERNAL_H_
