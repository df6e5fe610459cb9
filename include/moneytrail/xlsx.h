// Excel workbooks (.xlsx, Office Open XML) read as the CSV text the mapped-CSV path already
// reads (issue #24): one worksheet (the first, or the one a mapping names) becomes one CSV
// line per worksheet row, row N on line N, so that a row's citation is its row in Excel and
// the same TOML mappings, banners, checks and custody apply unchanged (custody hashes the
// .xlsx file itself). Unzipped with minizip (zlib licence) from memory, XML parts read with
// libxml2's streaming reader (no network, no DTD). Pure functions: thread-safe, no I/O.
//
// Cells become text as follows: shared and inline strings as written; numbers in the shortest
// form that reads back as the stored double (never through printf("%f")); date-formatted
// numbers (styles.xml) as "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS", converted exactly from the
// serial (1900 or 1904 system, the 1900 leap-year bug respected); booleans TRUE/FALSE.
// docs/format/xlsx.md.
//
// Example:
//   MT_ASSIGN_OR_RETURN(formats::XlsxSheet s, formats::ReadXlsxAsCsv(bytes, "stmt.xlsx", {}));
//   // s.csv: "Date,Description,Amount\n2024-01-05,ATM WITHDRAWAL,-200\n..."
#ifndef MONEYTRAIL_XLSX_H_
#define MONEYTRAIL_XLSX_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "moneytrail/status.h"

namespace moneytrail::formats {

// True when `bytes` start as a zip archive ("PK\3\4"): an .xlsx (or another zip) file.
bool LooksLikeZip(std::string_view bytes);

struct XlsxOptions {
  std::string sheet;        // the worksheet's name; "" = the first worksheet of the workbook
  char delimiter = ',';     // of the CSV written (the mapping's)
  // Bound on the bytes any one part and all parts read may expand to: a zip bomb is refused.
  uint64_t max_uncompressed_bytes = 512ull << 20;
};

struct XlsxSheet {
  std::string sheet;        // the worksheet read
  std::string csv;          // one line per row (row N on line N; empty rows are empty lines)
  uint64_t rows = 0;        // the last row number with a cell
  bool date1904 = false;    // the workbook's date system
};

// Reads one worksheet of the workbook `bytes` as CSV text. Errors (InvalidArgument naming
// `name`, the part, the sheet and cell, the value and what was expected): not a zip, not a
// workbook (no xl/workbook.xml), an unknown sheet name (the names are listed), a part that
// expands past the bound, malformed XML, a shared-string index out of range, a date serial that
// is not a date (negative, 1900-02-29 of the 1900 system), a number whose shortest exact form
// has 15+ significant digits and more than 2 decimals (a binary floating-point result such as
// 0.1+0.2 = 0.30000000000000004: not an amount as written), a row or column past Excel's
// limits (1,048,576 rows, XFD).
Result<XlsxSheet> ReadXlsxAsCsv(std::string_view bytes, const std::string& name, const XlsxOptions& options);

// The cell conversions, exposed for tests. A date serial (as stored, e.g. "45296.75") in the
// 1900 or 1904 system as "YYYY-MM-DD" (a whole day) or "YYYY-MM-DD HH:MM:SS" (rounded to the
// second, exactly); nullopt when it is no date.
std::optional<std::string> XlsxSerialToText(std::string_view serial, bool date1904);
// A stored number as the shortest fixed-point text that reads back as the same double
// ("0.1" -> "0.1", "1E-3" -> "0.001", "0.30000000000000004" stays); nullopt when not a number.
std::optional<std::string> XlsxNumberText(std::string_view stored);

}  // namespace moneytrail::formats

#endif  // MONEYTRAIL_XLSX_H_
