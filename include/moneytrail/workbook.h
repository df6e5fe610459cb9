// Spreadsheet workbooks (XLSX, through Debian's libxlsxwriter): the case workbook of every
// schedule and the exhibit pack's companion. Text cells that a spreadsheet would read as a
// formula (first byte '=', '+', '-', '@', TAB or CR) are written as "'" + text (OWASP "CSV
// injection"; the same rule as moneytrail/safe_text.h), and no cell is ever written as a formula.
// Amounts are exact decimal text; integers (counts, ids, lines) of at most 15 digits are numbers.
//
// Example:
//   exports::Sheet s{.name = "schedule"};
//   s.rows.push_back({exports::Cell::Text("account"), exports::Cell::Integer(12)});
//   MT_RETURN_IF_ERROR(exports::WriteWorkbook("case.xlsx", {&s, 1}, /*created=*/0));
//
// The file is byte-identical for the same sheets and `created` time (libxlsxwriter stamps zip
// entries with a fixed date).
#ifndef MONEYTRAIL_WORKBOOK_H_
#define MONEYTRAIL_WORKBOOK_H_

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/status.h"

namespace moneytrail::exports {

struct Cell {
  std::string text;
  bool integer = false;  // `text` is an integer of at most 15 digits: written as a number
  static Cell Text(std::string_view t) { return Cell{std::string(t), false}; }
  static Cell Integer(int64_t v) { return Cell{std::to_string(v), true}; }
};

struct Sheet {
  std::string name;                     // made unique and valid by WriteWorkbook
  std::vector<std::vector<Cell>> rows;  // the first row is the header
};

// Excel's limit: rows per sheet.
inline constexpr size_t kMaxSheetRows = 1'048'576;

// A sheet of the CSV `csv` (RFC 4180, header first): fields that are integers of at most 15
// digits become numbers, every other field text. InvalidArgument names `origin` and the line of
// a malformed record.
Result<Sheet> SheetFromCsv(std::string_view name, std::string_view csv, std::string_view origin);

// The sheet name Excel accepts for `wanted`: []:*?/\ replaced by '_', at most 31 bytes (cut at a
// UTF-8 boundary), not empty, and not equal (case-insensitively) to one of `taken`.
std::string SheetName(std::string_view wanted, const std::vector<std::string>& taken);

// Writes `sheets` to `path` (via a temporary file and a rename). A sheet longer than
// kMaxSheetRows keeps its first kMaxSheetRows - 1 rows and a last row saying how many were cut.
// `created` (seconds since 1970, UTC) is the document's creation time; 0 for 1980-01-01.
// IoError names the path and libxlsxwriter's reason.
Status WriteWorkbook(const std::filesystem::path& path, std::span<const Sheet> sheets,
                     int64_t created);

}  // namespace moneytrail::exports

#endif  // MONEYTRAIL_WORKBOOK_H_
