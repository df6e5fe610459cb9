// XLSX worksheets as CSV text: the package's parts around the worksheet through
// xlsx_package.h (minizip, libxml2's streaming reader); the worksheet, the large part, through
// pugixml (xml_document.h). docs/format/xlsx.md.
#include "moneytrail/xlsx.h"

#include <pugixml.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

#include "format_util.h"
#include "xml_document.h"
#include "xlsx_package.h"
#include "moneytrail/safe_text.h"
#include "moneytrail/time_format.h"

namespace moneytrail::formats {
namespace {

using formats_internal::ReadDateStyles;
using formats_internal::ReadSharedStrings;
using formats_internal::ReadWorkbook;
using formats_internal::SheetRef;
using formats_internal::SheetTarget;
using formats_internal::Workbook;
using formats_internal::Zip;

constexpr uint64_t kMaxRows = 1048576;
constexpr uint32_t kMaxColumns = 16384;

// "B12" -> column 1 (0-based) and row 12; false when malformed.
bool CellRef(std::string_view ref, uint32_t& column, uint64_t& row) {
  size_t i = 0;
  uint64_t col = 0;
  while (i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z') {
    col = col * 26 + static_cast<uint64_t>(ref[i] - 'A' + 1);
    if (col > kMaxColumns) return false;
    ++i;
  }
  if (i == 0 || i == ref.size()) return false;
  uint64_t r = 0;
  for (; i < ref.size(); ++i) {
    if (ref[i] < '0' || ref[i] > '9') return false;
    r = r * 10 + static_cast<uint64_t>(ref[i] - '0');
    if (r > kMaxRows) return false;
  }
  if (r == 0) return false;
  column = static_cast<uint32_t>(col - 1);
  row = r;
  return true;
}

std::string ColumnName(uint32_t column) {
  std::string s;
  for (uint64_t c = column + 1; c > 0; c = (c - 1) / 26) s.insert(s.begin(), static_cast<char>('A' + (c - 1) % 26));
  return s;
}

void AppendCsvCell(std::string& out, std::string_view value, char delimiter) {
  // One row per line: a line break inside a cell is a space (row N stays line N).
  if (value.find_first_of("\r\n") == std::string_view::npos) {
    formats_internal::AppendCsvField(out, value, delimiter);
    return;
  }
  std::string v(value);
  std::replace(v.begin(), v.end(), '\r', ' ');
  std::replace(v.begin(), v.end(), '\n', ' ');
  formats_internal::AppendCsvField(out, v, delimiter);
}

// True for a shortest exact form with 15 or more significant digits and more than 2 decimals:
// a binary floating-point result, not an amount as a person wrote it.
bool LooksComputed(std::string_view text) {
  const size_t point = text.find('.');
  if (point == std::string_view::npos || text.size() - point - 1 <= 2) return false;
  int significant = 0;
  bool leading = true;
  for (char c : text) {
    if (c < '0' || c > '9') continue;
    if (leading && c == '0') continue;
    leading = false;
    ++significant;
  }
  return significant >= 15;
}

struct Cell {
  std::string type, style, ref, value, inline_text;
};

class SheetWriter {
 public:
  SheetWriter(const std::string& name, const std::string& sheet, const XlsxOptions& options,
              const std::vector<std::string>& strings, const std::vector<bool>& date_styles, bool date1904)
      : name_(name), sheet_(sheet), options_(options), strings_(strings), date_styles_(date_styles), date1904_(date1904) {}

  // Starts row `row` (rows ascend): row N is written on line N.
  Status Row(uint64_t row) {
    if (row <= row_) return Error("A" + std::to_string(row), "", "rows out of order (row " + std::to_string(row) + " after row " + std::to_string(row_) + ")");
    while (row_ < row) {
      if (row_ > 0) out_ += '\n';
      ++row_;
    }
    MT_RETURN_IF_ERROR(CheckSize());
    next_column_ = 0;
    delimiters_ = 0;
    return Status::Ok();
  }

  Status Add(const Cell& c, uint32_t column) {
    if (column < next_column_) return Error(c.ref, "", "cells out of order in their row");
    next_column_ = column + 1;
    MT_ASSIGN_OR_RETURN(std::string text, Text(c));
    if (text.empty()) return Status::Ok();
    for (; delimiters_ < column; ++delimiters_) out_ += options_.delimiter;
    AppendCsvCell(out_, text, options_.delimiter);
    return CheckSize();
  }

  std::string Finish() {
    if (row_ > 0) out_ += '\n';
    return std::move(out_);
  }
  uint64_t rows() const { return row_; }

 private:
  // The text is bounded as the inflated parts are: sparse far cells (XFD1048576) cost text.
  Status CheckSize() const {
    if (out_.size() <= options_.max_uncompressed_bytes) return Status::Ok();
    return InvalidArgumentError(name_ + ": sheet '" + sheet_ + "': its text as CSV passes " +
                                std::to_string(options_.max_uncompressed_bytes) + " bytes (row " +
                                std::to_string(row_) + "): refused");
  }
  Status Error(const std::string& cell, std::string_view value, std::string_view expected) const {
    return InvalidArgumentError(name_ + ": sheet '" + sheet_ + "' cell " + cell +
                                (value.empty() ? std::string() : " '" + Abbreviate(formats_internal::SanitizeUtf8(value)) + "'") + ": " +
                                std::string(expected));
  }

  Result<std::string> Text(const Cell& c) const {
    if (c.type == "s") {
      uint64_t index = 0;
      const auto [end, ec] = std::from_chars(c.value.data(), c.value.data() + c.value.size(), index);
      if (ec != std::errc() || end != c.value.data() + c.value.size() || index >= strings_.size()) {
        return Error(c.ref, c.value, "expected a shared-string index below " + std::to_string(strings_.size()));
      }
      return strings_[index];
    }
    if (c.type == "inlineStr") return c.inline_text;
    if (c.type == "str" || c.type == "e" || c.type == "d") return c.value;
    if (c.type == "b") return std::string(c.value == "1" ? "TRUE" : c.value == "0" ? "FALSE" : c.value);
    if (!c.type.empty() && c.type != "n") return Error(c.ref, c.type, "expected a cell type s, inlineStr, str, n, b, e or d");
    if (c.value.empty()) return std::string();
    size_t style = 0;
    if (!c.style.empty()) style = static_cast<size_t>(std::atoll(c.style.c_str()));
    if (style < date_styles_.size() && date_styles_[style]) {
      std::optional<std::string> d = XlsxSerialToText(c.value, date1904_);
      if (!d) {
        return Error(c.ref, c.value, std::string("expected a date serial of the ") + (date1904_ ? "1904" : "1900") +
                                         " date system (the cell is date-formatted; 60 is 1900-02-29, which does not exist)");
      }
      return *d;
    }
    std::optional<std::string> n = XlsxNumberText(c.value);
    if (!n) return Error(c.ref, c.value, "expected a number");
    if (LooksComputed(*n)) {
      return Error(c.ref, *n, "a binary floating-point result (as 0.1+0.2 gives 0.30000000000000004), not an "
                              "amount as written: round it in the workbook (ROUND(x,2)) or store the amount as text");
    }
    return *n;
  }

  const std::string& name_;
  const std::string& sheet_;
  const XlsxOptions& options_;
  const std::vector<std::string>& strings_;
  const std::vector<bool>& date_styles_;
  bool date1904_;
  std::string out_;
  uint64_t row_ = 0;          // the row being written (0: none yet)
  uint32_t next_column_ = 0;  // cells of the row must come in column order
  uint32_t delimiters_ = 0;   // written in the row so far
};

// An attribute by its qualified name, else by its local name (r:id); "" when absent.
std::string_view AttributeOf(pugi::xml_node element, const char* name) {
  if (pugi::xml_attribute a = element.attribute(name)) return a.value();
  for (pugi::xml_attribute a = element.first_attribute(); a; a = a.next_attribute()) {
    const char* colon = std::strchr(a.name(), ':');
    if (colon != nullptr && std::strcmp(colon + 1, name) == 0) return a.value();
  }
  return {};
}

// The worksheet, parsed by pugixml (xml_document.h; rows in windows of ~1 MiB for a large
// sheet) and walked in document order: a row starts a CSV line, a cell's value is the text of
// its <v>, an inline string the text of its <t> elements (rich-text runs and all).
class SheetReader {
 public:
  // `split`: a large sheet's rows are parsed a window at a time (XmlDocument::Parse).
  SheetReader(const std::string& name, const std::string& where, const XlsxSheet& sheet, SheetWriter& writer,
              bool split)
      : name_(name), where_(where), sheet_(sheet), w_(writer), split_(split) {}

  Status Read(std::string_view text) {
    MT_ASSIGN_OR_RETURN(doc_, formats_internal::XmlDocument::Parse(text, where_, "an .xlsx part",
                                                                   split_ ? formats_internal::XmlSplit{"row"}
                                                                          : formats_internal::XmlSplit{},
                                                                   /*keep_space_only_text=*/true));
    for (pugi::xml_node top = doc_->root().first_child(); top; top = top.next_sibling()) {
      if (top.type() == pugi::node_element) MT_RETURN_IF_ERROR(Walk(top, 1, false));
    }
    if (next_run_ != doc_->runs()) return InvalidArgumentError(where_ + ": the split did not hold (a run not reached)");
    return Status::Ok();
  }

 private:
  // As libxml2 with XML_PARSE_HUGE (the reader this one replaced).
  static constexpr int kMaxDepth = 2048;

  Status Walk(pugi::xml_node element, int depth, bool in_sheet_data) {
    if (depth > kMaxDepth) {
      return InvalidArgumentError(where_ + ":" + std::to_string(doc_->LineOf(element)) +
                                  ": not well-formed XML: Excessive depth in document: " + std::to_string(kMaxDepth));
    }
    if (doc_->runs() > 0 && doc_->IsRunMarker(element)) {
      return doc_->ForEachWindow(next_run_++, [&](pugi::xml_node window) -> Status {
        for (pugi::xml_node child = window.first_child(); child; child = child.next_sibling()) {
          if (child.type() == pugi::node_element) {
            MT_RETURN_IF_ERROR(Walk(child, depth, in_sheet_data));
          } else if (child.type() == pugi::node_comment) {
            MT_RETURN_IF_ERROR(doc_->CheckComment(child));
          }
        }
        return Status::Ok();
      });
    }
    if (element.first_attribute()) MT_RETURN_IF_ERROR(doc_->CheckAttributes(element));
    const std::string_view local = formats_internal::XmlDocument::LocalName(element);
    if (local == "sheetData") {
      in_sheet_data = true;
    } else if (in_sheet_data && local == "row") {
      MT_RETURN_IF_ERROR(Row(element));
    } else if (in_sheet_data && local == "c") {
      return CellOf(element, depth);
    }
    for (pugi::xml_node child = element.first_child(); child; child = child.next_sibling()) {
      if (child.type() == pugi::node_element) {
        MT_RETURN_IF_ERROR(Walk(child, depth + 1, in_sheet_data));
      } else if (child.type() == pugi::node_comment) {
        MT_RETURN_IF_ERROR(doc_->CheckComment(child));
      }
    }
    return Status::Ok();
  }

  Status Row(pugi::xml_node element) {
    const std::string_view r = AttributeOf(element, "r");
    uint64_t number = row_ + 1;
    if (!r.empty()) {
      const auto [end, ec] = std::from_chars(r.data(), r.data() + r.size(), number);
      if (ec != std::errc() || end != r.data() + r.size() || number == 0 || number > kMaxRows) {
        return InvalidArgumentError(name_ + ": sheet '" + sheet_.sheet + "' row '" + Abbreviate(r) +
                                    "': expected a row number 1-1048576");
      }
    }
    if (number > kMaxRows) return InvalidArgumentError(name_ + ": sheet '" + sheet_.sheet + "': more than 1048576 rows");
    MT_RETURN_IF_ERROR(w_.Row(number));
    row_ = number;
    next_column_ = 0;
    return Status::Ok();
  }

  // The text of <v> and <t> elements below `e` (in document order) into the cell.
  Status CellText(pugi::xml_node e, int depth) {
    if (depth > kMaxDepth) {
      return InvalidArgumentError(where_ + ":" + std::to_string(doc_->LineOf(e)) +
                                  ": not well-formed XML: Excessive depth in document: " + std::to_string(kMaxDepth));
    }
    for (pugi::xml_node child = e.first_child(); child; child = child.next_sibling()) {
      if (child.type() == pugi::node_comment) {
        MT_RETURN_IF_ERROR(doc_->CheckComment(child));
        continue;
      }
      if (child.type() != pugi::node_element) continue;
      if (child.first_attribute()) MT_RETURN_IF_ERROR(doc_->CheckAttributes(child));
      const std::string_view local = formats_internal::XmlDocument::LocalName(child);
      const bool v = local == "v";
      if (v || local == "t") {
        std::string& into = v ? cell_.value : cell_.inline_text;
        into += child.value();
        for (pugi::xml_node piece = child.first_child(); piece; piece = piece.next_sibling()) {
          if (piece.type() == pugi::node_pcdata || piece.type() == pugi::node_cdata) into += piece.value();
        }
      }
      MT_RETURN_IF_ERROR(CellText(child, depth + 1));
    }
    return Status::Ok();
  }

  Status CellOf(pugi::xml_node element, int depth) {
    if (row_ == 0) MT_RETURN_IF_ERROR(w_.Row(row_ = 1));
    cell_.type = AttributeOf(element, "t");
    cell_.style = AttributeOf(element, "s");
    cell_.ref = AttributeOf(element, "r");
    cell_.value.clear();
    cell_.inline_text.clear();
    uint32_t column = next_column_;
    if (!cell_.ref.empty()) {
      uint64_t cell_row = 0;
      if (!CellRef(cell_.ref, column, cell_row) || cell_row != row_) {
        return InvalidArgumentError(name_ + ": sheet '" + sheet_.sheet + "' cell '" + Abbreviate(cell_.ref) +
                                    "': expected a cell reference of row " + std::to_string(row_) + " (A-XFD)");
      }
    } else {
      if (column >= kMaxColumns) {
        return InvalidArgumentError(name_ + ": sheet '" + sheet_.sheet + "' row " + std::to_string(row_) + ": more than 16384 columns");
      }
      cell_.ref = ColumnName(column) + std::to_string(row_);
    }
    next_column_ = column + 1;
    MT_RETURN_IF_ERROR(CellText(element, depth + 1));
    return w_.Add(cell_, column);
  }

  const std::string& name_;
  const std::string& where_;
  const XlsxSheet& sheet_;
  SheetWriter& w_;
  bool split_;
  std::unique_ptr<formats_internal::XmlDocument> doc_;
  Cell cell_;                 // reused: its strings keep their capacity
  uint64_t row_ = 0;
  uint32_t next_column_ = 0;
  size_t next_run_ = 0;
};

Result<XlsxSheet> ReadSheet(const std::string& text, const std::string& name, const std::string& where,
                            XlsxSheet sheet, const XlsxOptions& options, const std::vector<std::string>& strings,
                            const std::vector<bool>& date_styles) {
  SheetWriter w(name, sheet.sheet, options, strings, date_styles, sheet.date1904);
  SheetReader reader(name, where, sheet, w, /*split=*/true);
  Status status = reader.Read(text);
  if (!status.ok()) {
    // An error, or a split of the rows that did not hold: the whole part decides.
    SheetWriter whole_writer(name, sheet.sheet, options, strings, date_styles, sheet.date1904);
    SheetReader whole(name, where, sheet, whole_writer, /*split=*/false);
    MT_RETURN_IF_ERROR(whole.Read(text));
    sheet.rows = whole_writer.rows();
    sheet.csv = whole_writer.Finish();
    return sheet;
  }
  sheet.rows = w.rows();
  sheet.csv = w.Finish();
  return sheet;
}

}  // namespace

bool LooksLikeZip(std::string_view bytes) { return bytes.size() >= 4 && bytes.substr(0, 4) == std::string_view("PK\x03\x04", 4); }

namespace {

// The stored number through a double, as the shortest fixed-point text that reads back as it.
std::optional<std::string> ShortestNumberText(std::string_view stored) {
  double value = 0;
  const auto [end, ec] = std::from_chars(stored.data(), stored.data() + stored.size(), value);
  if (ec != std::errc() || end != stored.data() + stored.size() || !std::isfinite(value)) return std::nullopt;
  char buf[400];
  const auto r = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed);
  if (r.ec != std::errc()) return std::nullopt;
  std::string out(buf, r.ptr);
  if (out == "-0") out = "0";
  return out;
}

}  // namespace

std::optional<std::string> XlsxNumberText(std::string_view stored) {
  // A cell's number is a double that the file writes as text. A text of at most 15 significant
  // digits (every amount a person types) is that double's shortest form already (DBL_DIG: two
  // such decimals never share a double), so it is moved to fixed point as written, with no
  // double in between. A longer text is how some writers print a double (libxlsxwriter's %.16G:
  // "-791.9299999999999" for -791.93): it goes through the double to its shortest form, as do
  // numbers of 10^15 and more (whose fixed form the double's binary digits decide).
  stored = formats_internal::TrimSpaces(stored);
  size_t i = 0;
  const bool negative = !stored.empty() && stored[0] == '-';
  if (negative) ++i;
  std::string digits;
  int64_t whole_digits = 0;
  for (; i < stored.size() && stored[i] >= '0' && stored[i] <= '9'; ++i, ++whole_digits) digits += stored[i];
  if (i < stored.size() && stored[i] == '.') {
    for (++i; i < stored.size() && stored[i] >= '0' && stored[i] <= '9'; ++i) digits += stored[i];
  }
  if (digits.empty()) return std::nullopt;
  int64_t exponent = 0;
  if (i < stored.size() && (stored[i] == 'e' || stored[i] == 'E')) {
    ++i;
    const bool minus = i < stored.size() && stored[i] == '-';
    if (i < stored.size() && (stored[i] == '-' || stored[i] == '+')) ++i;
    const size_t start = i;
    for (; i < stored.size() && stored[i] >= '0' && stored[i] <= '9'; ++i) {
      if (exponent < 100000) exponent = exponent * 10 + (stored[i] - '0');
    }
    if (i == start) return std::nullopt;
    if (minus) exponent = -exponent;
  }
  if (i != stored.size()) return std::nullopt;
  const size_t lead = digits.find_first_not_of('0');
  if (lead == std::string::npos) return ShortestNumberText(stored);  // zero (or 0E99999: refused)
  digits.erase(0, lead);
  int64_t point = whole_digits + exponent - static_cast<int64_t>(lead);  // digits before the point
  while (digits.back() == '0') digits.pop_back();
  const int64_t size = static_cast<int64_t>(digits.size());
  if (size > 15 || point > 15 || point < -290) return ShortestNumberText(stored);  // 1E16 and up: as before
  std::string out = negative ? "-" : "";
  if (point <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-point), '0');
    out += digits;
  } else if (point >= size) {
    out += digits;
    out.append(static_cast<size_t>(point - size), '0');
  } else {
    out += digits.substr(0, static_cast<size_t>(point));
    out += '.';
    out += digits.substr(static_cast<size_t>(point));
  }
  return out;
}

std::optional<std::string> XlsxSerialToText(std::string_view serial, bool date1904) {
  std::optional<std::string> exact = XlsxNumberText(serial);
  if (!exact || (*exact)[0] == '-') return std::nullopt;
  const size_t point = exact->find('.');
  const std::string whole = exact->substr(0, point);
  const std::string fraction = point == std::string::npos ? "" : exact->substr(point + 1);
  if (whole.size() > 7) return std::nullopt;  // past 9999-12-31 (serial 2958465)
  int64_t days = std::atoll(whole.c_str());
  // Seconds of the day, rounded to the nearest second, in exact integer arithmetic.
  int64_t seconds = 0;
  if (!fraction.empty()) {
    __extension__ typedef __int128 Wide;  // 10^30 * 172800 fits; GCC and Clang have it
    Wide numerator = 0, denominator = 1;
    for (char c : fraction.substr(0, 30)) {
      numerator = numerator * 10 + (c - '0');
      denominator *= 10;
    }
    seconds = static_cast<int64_t>((numerator * 86400 * 2 + denominator) / (2 * denominator));
    if (seconds == 86400) {
      seconds = 0;
      ++days;
    }
  }
  int64_t epoch_day = 0;  // days since 1970-01-01
  if (date1904) {
    epoch_day = DaysFromCivil(1904, 1, 1) + days;
  } else {
    if (days == 60) return std::nullopt;  // 1900-02-29: Lotus 1-2-3's leap-year bug, no such day
    if (days == 0 && seconds == 0) return std::nullopt;  // "1900-01-00"
    // Serial 1 is 1900-01-01; past the phantom 1900-02-29 every serial is one day ahead.
    epoch_day = DaysFromCivil(1899, 12, days < 60 ? 31 : 30) + days;
  }
  if (epoch_day > DaysFromCivil(9999, 12, 31)) return std::nullopt;
  const std::string iso = FormatIsoTime(epoch_day * 86400 + seconds);  // "YYYY-MM-DDTHH:MM:SSZ"
  if (fraction.empty() || seconds == 0) return iso.substr(0, 10);
  return iso.substr(0, 10) + " " + iso.substr(11, 8);
}

Result<XlsxSheet> ReadXlsxAsCsv(std::string_view bytes, const std::string& name, const XlsxOptions& options) {
  if (!LooksLikeZip(bytes)) return InvalidArgumentError(name + ": not an .xlsx workbook (not a zip archive)");
  if (bytes.size() > static_cast<size_t>(INT32_MAX)) return InvalidArgumentError(name + ": larger than 2 GiB");
  Zip zip(bytes, name, options.max_uncompressed_bytes);
  MT_RETURN_IF_ERROR(zip.Open());
  MT_ASSIGN_OR_RETURN(std::optional<std::string> workbook_xml, zip.Read("xl/workbook.xml"));
  if (!workbook_xml) {
    MT_ASSIGN_OR_RETURN(std::optional<std::string> ods, zip.Read("content.xml"));
    return InvalidArgumentError(name + ": a zip archive without xl/workbook.xml: not an .xlsx workbook" +
                                std::string(ods ? " (an OpenDocument spreadsheet? save it as .xlsx or CSV)" : ""));
  }
  MT_ASSIGN_OR_RETURN(Workbook workbook, ReadWorkbook(*workbook_xml, name + ": xl/workbook.xml"));
  if (workbook.sheets.empty()) return InvalidArgumentError(name + ": xl/workbook.xml names no worksheet");
  const SheetRef* chosen = &workbook.sheets.front();
  if (!options.sheet.empty()) {
    chosen = nullptr;
    std::string names;
    for (const SheetRef& s : workbook.sheets) {
      if (s.name == options.sheet) chosen = &s;
      names += (names.empty() ? "'" : ", '") + s.name + "'";
    }
    if (chosen == nullptr) {
      return InvalidArgumentError(name + ": no worksheet named '" + options.sheet + "' (the workbook has " + names + ")");
    }
  }
  MT_ASSIGN_OR_RETURN(std::optional<std::string> rels, zip.Read("xl/_rels/workbook.xml.rels"));
  if (!rels) return InvalidArgumentError(name + ": no xl/_rels/workbook.xml.rels: not a complete .xlsx workbook");
  MT_ASSIGN_OR_RETURN(std::string target, SheetTarget(*rels, name + ": xl/_rels/workbook.xml.rels", chosen->relationship));
  std::vector<std::string> strings;
  MT_ASSIGN_OR_RETURN(std::optional<std::string> shared, zip.Read("xl/sharedStrings.xml"));
  if (shared) {
    MT_ASSIGN_OR_RETURN(strings, ReadSharedStrings(*shared, name + ": xl/sharedStrings.xml"));
  }
  std::vector<bool> date_styles;
  MT_ASSIGN_OR_RETURN(std::optional<std::string> styles, zip.Read("xl/styles.xml"));
  if (styles) {
    MT_ASSIGN_OR_RETURN(date_styles, ReadDateStyles(*styles, name + ": xl/styles.xml"));
  }
  MT_ASSIGN_OR_RETURN(std::optional<std::string> sheet_xml, zip.Read(target));
  if (!sheet_xml) return InvalidArgumentError(name + ": the worksheet '" + chosen->name + "' (" + target + ") is missing from the archive");
  XlsxSheet sheet;
  sheet.sheet = chosen->name;
  sheet.date1904 = workbook.date1904;
  return ReadSheet(*sheet_xml, name, name + ": " + target, std::move(sheet), options, strings, date_styles);
}

}  // namespace moneytrail::formats
