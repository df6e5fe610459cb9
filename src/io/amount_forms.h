// Internal: amounts as bank statements write them. `ParseAmountForm` reads every form of
// docs/format/mapping.md ("Amount forms"): 2500.00, $2,500.00, USD 2,500.00, 2,500.00 USD,
// -50.00, (50.00), 50.00-, 50.00 CR, 50.00 DR, with spaces around. Exact: the digits go through
// ParseDecimal, never a double.
//
// Example:
//   MT_ASSIGN_OR_RETURN(AmountForm a, ParseAmountForm("($1,250.00)", '.', 0));
//   // a.value == Decimal{-125000, 2}, a.marker == AmountMarker::kNone
#ifndef MONEYTRAIL_SRC_IO_AMOUNT_FORMS_H_
#define MONEYTRAIL_SRC_IO_AMOUNT_FORMS_H_

#include <string_view>

#include "moneytrail/money.h"
#include "moneytrail/status.h"

namespace moneytrail::io_internal {

// A CR or DR written after the amount: CR is money in (positive), DR money out (negative).
enum class AmountMarker : uint8_t { kNone, kCredit, kDebit };

struct AmountForm {
  Decimal value;  // signed: negative for '-', '(...)', a trailing '-' or DR
  AmountMarker marker = AmountMarker::kNone;
};

// Parses `text` in any form above. `decimal_point` is the decimal separator; the thousands
// separator is `group_separator`, or when 0 the usual partner of the decimal point (',' for
// '.', '.' for ','). Thousands separators must group the integer digits by three ("2,50.00" is
// rejected). A currency is a symbol ($ € £ ¥) or three capital letters before or after the
// number. At most one sign (a '-', parentheses, a trailing '-', or a CR/DR marker).
// InvalidArgument/OutOfRange name the text and what was expected (the caller adds file, line,
// field).
Result<AmountForm> ParseAmountForm(std::string_view text, char decimal_point,
                                   char group_separator);

}  // namespace moneytrail::io_internal

#endif  // MONEYTRAIL_SRC_IO_AMOUNT_FORMS_H_
