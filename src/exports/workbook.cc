// XLSX through libxlsxwriter (BSD-2-Clause), in constant-memory mode: rows stream to a temporary
// file, so a large schedule does not sit in memory twice.
#include "moneytrail/workbook.h"

#include <fmt/format.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "moneytrail/csv.h"
#include "moneytrail/safe_text.h"

namespace moneytrail::exports {
namespace {

namespace fs = std::filesystem;

bool IsSmallInteger(std::string_view s) {
  size_t digits = s.size();
  if (!s.empty() && s.front() == '-') {
    s.remove_prefix(1);
    digits = s.size();
  }
  if (s.empty() || digits > 15 || (s.size() > 1 && s.front() == '0')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// An exact amount's text ("-1000.00", "+5"): a sign, digits, an optional fraction. Never a
// formula (and a text cell is never evaluated), so it keeps its sign without a quote in front,
// as the CSV beside the workbook writes it.
bool IsSignedDecimal(std::string_view s) {
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
  const size_t point = s.find('.');
  const std::string_view whole = s.substr(0, point);
  const std::string_view fraction = point == std::string_view::npos ? std::string_view() : s.substr(point + 1);
  auto digits = [](std::string_view d) {
    return !d.empty() && std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  return digits(whole) && (point == std::string_view::npos || digits(fraction));
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string CutUtf8(std::string_view s, size_t max) {
  if (s.size() <= max) return std::string(s);
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n));
}

}  // namespace

Result<Sheet> SheetFromCsv(std::string_view name, std::string_view csv, std::string_view origin) {
  Sheet sheet{.name = std::string(name)};
  CsvRecordReader reader(StripBom(csv), CsvDialect{});
  std::vector<std::string_view> fields;
  while (reader.Next(fields)) {
    if (fields.size() == 1 && fields[0].empty() && reader.AtTrailingEmptyLines()) break;
    std::vector<Cell>& row = sheet.rows.emplace_back();
    for (std::string_view f : fields) {
      row.push_back(Cell{std::string(f), sheet.rows.size() > 1 && IsSmallInteger(f)});
    }
  }
  if (!reader.status().ok()) {
    return InvalidArgumentError(fmt::format("{}: line {}: {}", origin, reader.line(),
                                            reader.status().message()));
  }
  return sheet;
}

std::string SheetName(std::string_view wanted, const std::vector<std::string>& taken) {
  std::string base;
  for (char c : wanted) base += std::string_view("[]:*?/\\").find(c) == std::string_view::npos ? c : '_';
  if (base.empty()) base = "sheet";
  // Excel also refuses a name starting or ending with an apostrophe.
  if (base.front() == '\'') base.front() = '_';
  if (base.back() == '\'') base.back() = '_';
  std::string name = CutUtf8(base, 31);
  auto is_taken = [&](const std::string& n) {
    return std::any_of(taken.begin(), taken.end(),
                       [&](const std::string& t) { return Lower(t) == Lower(n); });
  };
  for (int k = 2; is_taken(name); ++k) {
    const std::string suffix = fmt::format(" ({})", k);
    name = CutUtf8(base, 31 - suffix.size()) + suffix;
  }
  return name;
}

Status WriteWorkbook(const fs::path& path, std::span<const Sheet> sheets, int64_t created) {
  const fs::path temp = path.parent_path() / fmt::format(".{}.tmp-{}", path.filename().string(), getpid());
  lxw_workbook_options options = {};
  options.constant_memory = LXW_TRUE;
  const std::string temp_text = temp.string();
  lxw_workbook* book = workbook_new_opt(temp_text.c_str(), &options);
  if (book == nullptr) return IoError(fmt::format("{}: libxlsxwriter could not create it", path.string()));
  lxw_doc_properties props = {};
  std::string title = "moneytrail workbook";
  std::string author = "moneytrail";
  props.title = title.data();
  props.author = author.data();
  props.created = static_cast<time_t>(created > 0 ? created : 315532800);  // 1980-01-01
  workbook_set_properties(book, &props);
  std::vector<std::string> names;
  lxw_error failure = LXW_NO_ERROR;
  for (const Sheet& sheet : sheets) {
    names.push_back(SheetName(sheet.name, names));
    lxw_worksheet* ws = workbook_add_worksheet(book, names.back().c_str());
    if (ws == nullptr) {
      failure = LXW_ERROR_MEMORY_MALLOC_FAILED;
      break;
    }
    const size_t kept = std::min(sheet.rows.size(), kMaxSheetRows - 1);
    for (size_t r = 0; r < kept && failure == LXW_NO_ERROR; ++r) {
      const std::vector<Cell>& row = sheet.rows[r];
      for (size_t c = 0; c < row.size() && c < 16384; ++c) {
        const Cell& cell = row[c];
        const auto rr = static_cast<lxw_row_t>(r);
        const auto cc = static_cast<lxw_col_t>(c);
        lxw_error e = LXW_NO_ERROR;
        if (cell.text.empty()) continue;
        if (cell.integer && IsSmallInteger(cell.text)) {
          // At most 15 digits: exactly representable, so the number is the integer written.
          e = worksheet_write_number(ws, rr, cc, static_cast<double>(std::stoll(cell.text)), nullptr);
        } else {
          std::string text =
              IsFormulaLeading(cell.text) && !IsSignedDecimal(cell.text) ? "'" + cell.text : cell.text;
          e = worksheet_write_string(ws, rr, cc, text.c_str(), nullptr);
        }
        if (e != LXW_NO_ERROR && e != LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED) failure = e;
      }
    }
    if (sheet.rows.size() > kept && failure == LXW_NO_ERROR) {
      const std::string note = fmt::format(
          "{} more rows not shown: a sheet holds at most {} rows; the CSV beside this workbook has "
          "them all", sheet.rows.size() - kept, kMaxSheetRows);
      failure = worksheet_write_string(ws, static_cast<lxw_row_t>(kept), 0, note.c_str(), nullptr);
    }
    if (failure != LXW_NO_ERROR) break;
  }
  const lxw_error closed = workbook_close(book);
  if (failure == LXW_NO_ERROR) failure = closed;
  std::error_code ec;
  if (failure != LXW_NO_ERROR) {
    fs::remove(temp, ec);
    return IoError(fmt::format("{}: libxlsxwriter: {}", path.string(), lxw_strerror(failure)));
  }
  fs::rename(temp, path, ec);
  if (ec) {
    fs::remove(temp, ec);
    return IoError(fmt::format("{}: cannot rename the written workbook into place: {}",
                               path.string(), ec.message()));
  }
  return Status::Ok();
}

}  // namespace moneytrail::exports
