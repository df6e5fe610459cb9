// Text that leaves moneytrail for a person or a spreadsheet: values quoted in messages are
// bounded (a 100 MB header line is never echoed whole), and CSV cells that a spreadsheet would
// run as a formula are neutralised (OWASP "CSV injection").
//
// Example:
//   return InvalidArgumentError("unknown column '" + Abbreviate(name) + "'");
//   AppendSpreadsheetCsvField(counterparty, line);   // "=HYPERLINK(..)" -> "'=HYPERLINK(..)"
//
// The spreadsheet rule (docs/format/native-csv.md, "Spreadsheet safety"): a *text* cell whose
// first byte is '=', '+', '-', '@', TAB or CR is written as a single quote followed by the value,
// and the cell is quoted (RFC 4180). Numbers written by moneytrail (amounts, scores, counts) are
// never text cells and stay numeric, so a negative amount stays a number.
#ifndef MONEYTRAIL_SAFE_TEXT_H_
#define MONEYTRAIL_SAFE_TEXT_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace moneytrail {

// Most bytes of a value that a message quotes.
inline constexpr size_t kMaxQuotedBytes = 200;

// `value` unchanged when at most `max_bytes` long; otherwise its first `max_bytes` bytes (cut
// back to a UTF-8 character boundary) followed by "… (N bytes)", N being value's full size.
std::string Abbreviate(std::string_view value, size_t max_bytes = kMaxQuotedBytes);

// True when a spreadsheet would read `text` as a formula: its first byte is '=', '+', '-', '@',
// TAB or CR.
bool IsFormulaLeading(std::string_view text);

// Appends `text` to `out` as one CSV text cell: RFC 4180 (quoted when it holds a comma, a quote
// or a line break, quotes doubled), and when IsFormulaLeading(text), prefixed with "'" and
// quoted. Use it for text fields only, never for numbers.
void AppendSpreadsheetCsvField(std::string_view text, std::string& out);
// The same, returned.
std::string SpreadsheetCsvField(std::string_view text);

}  // namespace moneytrail

#endif  // MONEYTRAIL_SAFE_TEXT_H_
