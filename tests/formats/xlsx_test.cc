// XLSX worksheets as CSV (src/formats/xlsx.cc): workbooks written by libxlsxwriter (as the
// exports write them) and by hand (minizip's zip.h, for what libxlsxwriter never writes: a
// float artefact, a bomb, a missing part); date serials against an oracle on random days and
// seconds in both date systems.
#include <gtest/gtest.h>

#include <charconv>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

#include <filesystem>
#include <map>
#include <random>
#include <string>

#include "moneytrail/file_util.h"
#include "moneytrail/formats.h"
#include "moneytrail/time_format.h"
#include "moneytrail/xlsx.h"

namespace moneytrail::formats {
namespace {

namespace fs = std::filesystem;

// Per process: other runs of this test (other worktrees, ctest -j) may share the directory.
fs::path TempPath(const std::string& name) {
  return fs::path(testing::TempDir()) / ("mt_xlsx_" + std::to_string(::getpid()) + "_" + name);
}

// The bytes of the temporary file `p`, which is removed.
std::string ReadBytes(const fs::path& p) {
  Result<std::string> bytes = ReadFileToString(p);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  std::error_code ec;
  fs::remove(p, ec);
  return bytes.ok() ? *bytes : std::string();
}

// A statement workbook as a bank's export: a merged banner, a blank row, a header, dates with a
// date format, signed amounts, a second sheet.
// (libxlsxwriter 1.1 writes the 1900 date system only: the 1904 one is tested by hand below.)
std::string StatementWorkbook() {
  const fs::path path = TempPath("s.xlsx");
  lxw_workbook* wb = workbook_new(path.c_str());
  lxw_worksheet* ws = workbook_add_worksheet(wb, "Statement");
  lxw_format* date = workbook_add_format(wb);
  format_set_num_format(date, "mm/dd/yyyy");
  lxw_format* money = workbook_add_format(wb);
  format_set_num_format(money, "#,##0.00;[Red](#,##0.00)");
  worksheet_merge_range(ws, 0, 0, 0, 3, "ACME BANK - Statement of account 4455", nullptr);
  worksheet_write_string(ws, 2, 0, "Date", nullptr);
  worksheet_write_string(ws, 2, 1, "Description", nullptr);
  worksheet_write_string(ws, 2, 2, "Amount", nullptr);
  worksheet_write_string(ws, 2, 3, "Cleared", nullptr);
  lxw_datetime d1{2024, 1, 5, 0, 0, 0};
  lxw_datetime d2{2024, 1, 6, 18, 30, 0};
  worksheet_write_datetime(ws, 3, 0, &d1, date);
  worksheet_write_string(ws, 3, 1, "ATM WITHDRAWAL, MAIN ST \"B\"", nullptr);
  worksheet_write_number(ws, 3, 2, -200, money);
  worksheet_write_boolean(ws, 3, 3, 1, nullptr);
  worksheet_write_datetime(ws, 4, 0, &d2, date);
  worksheet_write_string(ws, 4, 1, "WIRE FROM TRANSPORTES DEL NORTE\nREF 77", nullptr);
  worksheet_write_number(ws, 4, 2, 1234.56, money);
  lxw_worksheet* other = workbook_add_worksheet(wb, "Ledger");
  worksheet_write_string(other, 0, 0, "only", nullptr);
  worksheet_write_number(other, 0, 2, 0.1, nullptr);
  EXPECT_EQ(workbook_close(wb), LXW_NO_ERROR);
  return ReadBytes(path);
}

TEST(XlsxTest, ReadsTheFirstSheetRowNOnLineNWithDatesNumbersAndStrings) {
  {
    const std::string bytes = StatementWorkbook();
    ASSERT_TRUE(LooksLikeZip(bytes));
    Result<XlsxSheet> s = ReadXlsxAsCsv(bytes, "s.xlsx", {});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_EQ(s->sheet, "Statement");
    EXPECT_FALSE(s->date1904);
    EXPECT_EQ(s->rows, 5u);
    EXPECT_EQ(s->csv,
              "ACME BANK - Statement of account 4455\n"
              "\n"
              "Date,Description,Amount,Cleared\n"
              "2024-01-05,\"ATM WITHDRAWAL, MAIN ST \"\"B\"\"\",-200,TRUE\n"
              "2024-01-06 18:30:00,WIRE FROM TRANSPORTES DEL NORTE REF 77,1234.56\n");
  }
}

TEST(XlsxTest, ANamedSheetIsReadAndAnUnknownNameListsTheSheets) {
  const std::string bytes = StatementWorkbook();
  XlsxOptions o;
  o.sheet = "Ledger";
  o.delimiter = ';';
  Result<XlsxSheet> s = ReadXlsxAsCsv(bytes, "s.xlsx", o);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->csv, "only;;0.1\n");
  o.sheet = "Sheet9";
  s = ReadXlsxAsCsv(bytes, "s.xlsx", o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(), "s.xlsx: no worksheet named 'Sheet9' (the workbook has 'Statement', 'Ledger')");
}

// Oracle: the text through a double (std::from_chars, then std::to_chars' shortest fixed form),
// the reading before session 14. On random texts of up to 15 significant digits, in every
// spelling a writer uses (exponent, leading and trailing zeros, sign), the as-written reading
// agrees with it.
TEST(XlsxTest, AsWrittenNumbersAgreeWithTheDoubleRoundTripOnRandomTexts) {
  const uint64_t seed = 24;
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 20000; ++i) {
    std::string digits;
    const int n = 1 + static_cast<int>(rng() % 15);
    for (int k = 0; k < n; ++k) digits += static_cast<char>('0' + rng() % 10);
    const int point = static_cast<int>(rng() % (n + 1));
    std::string text = (rng() % 3 == 0 ? "-" : "") + std::string(rng() % 2, '0') + digits.substr(0, point) + "." +
                       digits.substr(point) + std::string(rng() % 3, '0');
    if (rng() % 3 == 0) text += "E" + std::to_string(static_cast<int>(rng() % 41) - 20);
    double value = 0;
    const auto parsed = std::from_chars(text.data(), text.data() + text.size(), value);
    ASSERT_EQ(parsed.ec, std::errc()) << text;
    char buf[400];
    const auto printed = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed);
    std::string expected(buf, printed.ptr);
    if (expected == "-0") expected = "0";
    EXPECT_EQ(XlsxNumberText(text).value_or("?"), expected) << "seed " << seed << " text " << text;
  }
}

// Up to 15 significant digits, the stored text as written in fixed point (no double in
// between); longer texts (a writer's %.16G of a double) as the double's shortest form.
TEST(XlsxTest, NumbersPrintInTheirShortestExactForm) {
  const std::pair<const char*, const char*> cases[] = {
      {"0.1", "0.1"}, {"1E-3", "0.001"}, {"-200", "-200"}, {"1234.56", "1234.56"}, {"2.5E+3", "2500"},
      {"0.30000000000000004", "0.30000000000000004"}, {"-0", "0"}, {"12345678901234567", "12345678901234568"},
      {"0012.3400", "12.34"}, {".5", "0.5"}, {"-1.5E-2", "-0.015"}, {"1E2", "100"}, {"-791.9299999999999", "-791.93"},
      {"123456789012345", "123456789012345"}, {"1234567890.12345", "1234567890.12345"}};
  for (const auto& [stored, text] : cases) EXPECT_EQ(XlsxNumberText(stored).value_or("?"), text) << stored;
  for (const char* bad : {"abc", "1e400", "", "1,5", "0x10", "nan", "1e", "-", ".", "1.2.3", "+1"}) EXPECT_FALSE(XlsxNumberText(bad).has_value()) << bad;
}

TEST(XlsxTest, DateSerialsConvertExactlyInBothSystemsAgainstAnOracle) {
  EXPECT_EQ(XlsxSerialToText("1", false).value_or("?"), "1900-01-01");
  EXPECT_EQ(XlsxSerialToText("59", false).value_or("?"), "1900-02-28");
  EXPECT_FALSE(XlsxSerialToText("60", false).has_value());  // 1900-02-29 never existed
  EXPECT_EQ(XlsxSerialToText("61", false).value_or("?"), "1900-03-01");
  EXPECT_EQ(XlsxSerialToText("45296", false).value_or("?"), "2024-01-05");
  EXPECT_EQ(XlsxSerialToText("45296.75", false).value_or("?"), "2024-01-05 18:00:00");
  EXPECT_EQ(XlsxSerialToText("45296.999999999", false).value_or("?"), "2024-01-06");  // rounds to midnight
  EXPECT_EQ(XlsxSerialToText("0", true).value_or("?"), "1904-01-01");
  EXPECT_EQ(XlsxSerialToText("43834", true).value_or("?"), "2024-01-05");
  for (const char* bad : {"-1", "0", "2958466", "x"}) EXPECT_FALSE(XlsxSerialToText(bad, false).has_value()) << bad;
  EXPECT_EQ(XlsxSerialToText("2958465", false).value_or("?"), "9999-12-31");
  // Oracle: any day from 1900-03-01 and any second of it, stored as Excel stores it (a double
  // printed shortest), reads back as that day and second.
  std::mt19937_64 rng(24);
  const int64_t first = DaysFromCivil(1900, 3, 1), last = DaysFromCivil(9999, 12, 31);
  for (int i = 0; i < 20000; ++i) {
    const int64_t day = first + static_cast<int64_t>(rng() % static_cast<uint64_t>(last - first + 1));
    const int64_t second = i % 3 == 0 ? 0 : static_cast<int64_t>(rng() % 86400);
    const bool date1904 = i % 2 == 1;
    const int64_t serial_day = date1904 ? day - DaysFromCivil(1904, 1, 1) : day - DaysFromCivil(1899, 12, 30);
    if (serial_day < 0) continue;
    const double serial = static_cast<double>(serial_day) + static_cast<double>(second) / 86400.0;
    char buf[64];
    snprintf(buf, sizeof buf, "%.17g", serial);
    const std::string iso = FormatIsoTime(day * 86400 + second);
    const std::string want = second == 0 ? iso.substr(0, 10) : iso.substr(0, 10) + " " + iso.substr(11, 8);
    ASSERT_EQ(XlsxSerialToText(buf, date1904).value_or("?"), want) << "serial " << buf << " seed 24 i " << i;
  }
}

// A zip of `parts` (path -> content), written with minizip's zip.h.
std::string HandZip(const std::map<std::string, std::string>& parts) {
  const fs::path path = TempPath("hand.xlsx");
  zipFile z = zipOpen(path.c_str(), APPEND_STATUS_CREATE);
  EXPECT_NE(z, nullptr);
  for (const auto& [name, content] : parts) {
    EXPECT_EQ(zipOpenNewFileInZip(z, name.c_str(), nullptr, nullptr, 0, nullptr, 0, nullptr, Z_DEFLATED, 9), ZIP_OK);
    EXPECT_EQ(zipWriteInFileInZip(z, content.data(), static_cast<unsigned>(content.size())), ZIP_OK);
    zipCloseFileInZip(z);
  }
  zipClose(z, nullptr);
  return ReadBytes(path);
}

std::map<std::string, std::string> MinimalWorkbook(const std::string& sheet_data, const std::string& styles = "",
                                                   bool date1904 = false) {
  std::map<std::string, std::string> parts = {
      {"xl/workbook.xml",
       "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
       "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">" +
           std::string(date1904 ? "<workbookPr date1904=\"1\"/>" : "") + "<sheets>"
       "<sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"},
      {"xl/_rels/workbook.xml.rels",
       "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
       "<Relationship Id=\"rId1\" Type=\"worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>"},
      {"xl/worksheets/sheet1.xml",
       "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>" + sheet_data +
           "</sheetData></worksheet>"},
  };
  if (!styles.empty()) parts["xl/styles.xml"] = styles;
  return parts;
}

TEST(XlsxTest, HandWrittenSheetsWithInlineStringsAndGapsAndSharedStrings) {
  auto parts = MinimalWorkbook(
      "<row r=\"2\"><c r=\"B2\" t=\"inlineStr\"><is><t>x, y</t></is></c><c r=\"D2\" t=\"s\"><v>1</v></c></row>"
      "<row><c><v>7</v></c><c t=\"str\"><v>=A3</v></c></row>");
  parts["xl/sharedStrings.xml"] = "<sst><si><t>zero</t></si><si><r><t>o</t></r><r><t>ne</t></r><rPh><t>PH</t></rPh></si></sst>";
  Result<XlsxSheet> s = ReadXlsxAsCsv(HandZip(parts), "h.xlsx", {});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->csv, "\n,\"x, y\",,one\n7,=A3\n");
}

TEST(XlsxTest, BadWorkbooksAreRefusedWithPartCellValueAndReason) {
  const std::string date_styles =
      "<styleSheet><numFmts><numFmt numFmtId=\"164\" formatCode=\"dd/mm/yyyy\"/></numFmts>"
      "<cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/><xf numFmtId=\"14\"/></cellXfs></styleSheet>";
  struct Case {
    std::map<std::string, std::string> parts;
    std::string expected;
  };
  std::vector<Case> cases = {
      {MinimalWorkbook("<row r=\"2\"><c r=\"C2\"><v>0.30000000000000004</v></c></row>"),
       "h.xlsx: sheet 'S' cell C2 '0.30000000000000004': a binary floating-point result"},
      {MinimalWorkbook("<row r=\"1\"><c r=\"A1\" s=\"1\"><v>60</v></c></row>", date_styles),
       "h.xlsx: sheet 'S' cell A1 '60': expected a date serial of the 1900 date system"},
      {MinimalWorkbook("<row r=\"1\"><c r=\"A1\" s=\"2\"><v>-3</v></c></row>", date_styles), "cell A1 '-3': expected a date serial"},
      {MinimalWorkbook("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>5</v></c></row>"), "cell A1 '5': expected a shared-string index below 0"},
      {MinimalWorkbook("<row r=\"1\"><c r=\"A2\"><v>1</v></c></row>"), "cell 'A2': expected a cell reference of row 1"},
      {MinimalWorkbook("<row r=\"3\"/><row r=\"2\"/>"), "rows out of order (row 2 after row 3)"},
      {MinimalWorkbook("<row r=\"1\"><c r=\"A1\"><v>abc</v></c></row>"), "cell A1 'abc': expected a number"},
      {MinimalWorkbook("<row r=\"1\"><c r=\"A1\"><v>1</v></row>"), "h.xlsx: xl/worksheets/sheet1.xml:1: not well-formed XML"},
      {{{"xl/other.xml", "<x/>"}}, "h.xlsx: a zip archive without xl/workbook.xml: not an .xlsx workbook"},
      {{{"content.xml", "<x/>"}}, "(an OpenDocument spreadsheet? save it as .xlsx or CSV)"},
  };
  auto missing_sheet = MinimalWorkbook("");
  missing_sheet.erase("xl/worksheets/sheet1.xml");
  cases.push_back({missing_sheet, "h.xlsx: the worksheet 'S' (xl/worksheets/sheet1.xml) is missing from the archive"});
  for (const Case& c : cases) {
    Result<XlsxSheet> s = ReadXlsxAsCsv(HandZip(c.parts), "h.xlsx", {});
    ASSERT_FALSE(s.ok()) << c.expected;
    EXPECT_NE(s.status().message().find(c.expected), std::string::npos)
        << "got: " << s.status().message() << "\nwanted: " << c.expected;
  }
  // Dates in custom and built-in formats do read.
  Result<XlsxSheet> ok = ReadXlsxAsCsv(
      HandZip(MinimalWorkbook("<row r=\"1\"><c r=\"A1\" s=\"1\"><v>45296</v></c><c r=\"B1\" s=\"2\"><v>61</v></c>"
                              "<c r=\"C1\" s=\"0\"><v>45296</v></c></row>", date_styles)),
      "h.xlsx", {});
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->csv, "2024-01-05,1900-03-01,45296\n");
  ok = ReadXlsxAsCsv(HandZip(MinimalWorkbook("<row r=\"1\"><c r=\"A1\" s=\"1\"><v>43834.5</v></c></row>", date_styles, true)),
                     "h.xlsx", {});
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(ok->date1904);
  EXPECT_EQ(ok->csv, "2024-01-05 12:00:00\n");
}

TEST(XlsxTest, ZipBombsAndNonZipsAreRefused) {
  const std::string rows(4000, ' ');  // compresses to almost nothing
  XlsxOptions o;
  o.max_uncompressed_bytes = 2000;
  Result<XlsxSheet> s = ReadXlsxAsCsv(HandZip(MinimalWorkbook(rows)), "b.xlsx", o);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("b.xlsx: xl/worksheets/sheet1.xml expands to more than"), std::string::npos)
      << s.status().message();
  EXPECT_NE(s.status().message().find("(a zip bomb?)"), std::string::npos);
  s = ReadXlsxAsCsv("Date,Amount\n", "c.csv", {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(), "c.csv: not an .xlsx workbook (not a zip archive)");
  // Given to the statement formats without a mapping (--format auto), a workbook gets a hint.
  Result<ParsedStatements> p = ParseStatements(StatementWorkbook(), "w.xlsx", SniffFormat(StatementWorkbook()));
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("w.xlsx: a zip archive (an Excel .xlsx workbook?)"), std::string::npos)
      << p.status().message();
  std::string truncated = StatementWorkbook();
  truncated.resize(truncated.size() / 2);
  s = ReadXlsxAsCsv(truncated, "t.xlsx", {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message().substr(0, 7), "t.xlsx:");
}

}  // namespace
}  // namespace moneytrail::formats
