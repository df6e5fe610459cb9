#include "moneytrail/csv.h"
#include "resolve/csv_reader.h"

#include <cerrno>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace moneytrail::resolve_internal {

Result<CsvTable> ParseCsv(std::string_view text, std::string_view name,
                          const CsvOptions& options) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  CsvTable table;
  std::vector<std::string> fields;
  std::string field;
  size_t i = 0;
  const size_t n = text.size();
  int64_t line = 1;
  bool header_done = false;
  while (i < n) {
    const int64_t row_line = line;
    fields.clear();
    bool row_has_content = false;
    // One row.
    while (true) {
      field.clear();
      if (options.skip_initial_space) {
        while (i < n && text[i] == ' ') ++i;
      }
      bool quoted = false;
      if (i < n && text[i] == '"') {
        quoted = true;
        row_has_content = true;
        ++i;
        while (true) {
          if (i >= n) {
            return InvalidArgumentError(
                fmt::format("{}:{}: unterminated quoted field", name, row_line));
          }
          char c = text[i];
          if (c == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              field.push_back('"');
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (c == '\n') ++line;
          field.push_back(c);
          ++i;
        }
      }
      // Unquoted part (or trailing characters after a closing quote, kept as Python does).
      while (i < n && text[i] != options.separator && text[i] != '\n' && text[i] != '\r') {
        field.push_back(text[i]);
        ++i;
      }
      if (!field.empty() || quoted) row_has_content = true;
      fields.push_back(field);
      if (i < n && text[i] == options.separator) {
        row_has_content = true;
        ++i;
        continue;
      }
      // End of row: CRLF, LF, lone CR, or end of text.
      if (i < n && text[i] == '\r') ++i;
      if (i < n && text[i] == '\n') ++i;
      ++line;
      break;
    }
    if (!row_has_content) continue;  // blank line
    if (!header_done) {
      table.header = fields;
      header_done = true;
      continue;
    }
    if (fields.size() != table.header.size()) {
      return InvalidArgumentError(fmt::format("{}:{}: expected {} fields as in the header, found {}",
                                              name, row_line, table.header.size(),
                                              fields.size()));
    }
    table.rows.push_back(fields);
    table.line_numbers.push_back(row_line);
  }
  if (!header_done) return InvalidArgumentError(fmt::format("{}: empty file, expected a header", name));
  return table;
}

Result<CsvTable> ReadCsvFile(const std::string& path, const CsvOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ErrnoError(fmt::format("cannot open {}", path), errno);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return ErrnoError(fmt::format("cannot read {}", path), errno);
  return ParseCsv(buffer.str(), path, options);
}

std::string CsvEscape(std::string_view field) { return CsvField(field); }

}  // namespace moneytrail::resolve_internal
