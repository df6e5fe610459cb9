// A small RFC 4180 CSV reader for party files: quoted fields with doubled quotes and embedded
// separators or newlines, LF or CRLF line ends, an optional UTF-8 byte-order mark, a missing
// final newline, and optionally FEBRL's ", " style (spaces after each separator skipped).
//
// Example:
//   MT_ASSIGN_OR_RETURN(CsvTable t, ReadCsvFile("parties.csv", {}));
//   for (size_t r = 0; r < t.rows.size(); ++r) use(t.rows[r][col], t.line_numbers[r]);
#ifndef MONEYTRAIL_SRC_RESOLVE_CSV_READER_H_
#define MONEYTRAIL_SRC_RESOLVE_CSV_READER_H_

#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/status.h"

namespace moneytrail::resolve_internal {

struct CsvOptions {
  char separator = ',';
  // Skips spaces (not tabs) that follow a separator or open a line outside quotes, as
  // Python's csv `skipinitialspace=True` does.
  bool skip_initial_space = false;
};

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // every row has header.size() fields
  std::vector<int64_t> line_numbers;           // 1-based line where each row starts
};

// Parses `text` (whole file contents). Blank lines are skipped. A row whose field count
// differs from the header's, or an unterminated quote, is an InvalidArgument naming `name`
// and the line.
Result<CsvTable> ParseCsv(std::string_view text, std::string_view name, const CsvOptions& options);

// Reads and parses a file; IoError if it cannot be read.
Result<CsvTable> ReadCsvFile(const std::string& path, const CsvOptions& options);

// Quotes a field for output when it holds a separator, quote, CR or LF.
std::string CsvEscape(std::string_view field);

}  // namespace moneytrail::resolve_internal

#endif  // MONEYTRAIL_SRC_RESOLVE_CSV_READER_H_
