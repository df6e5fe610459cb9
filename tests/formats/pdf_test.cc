// formats::ReadPdfAsText (src/formats/pdf.cc, docs/format/pdf.md): the hand-written and
// Chromium-printed PDFs of tests/data/pdf, pdftotext -layout as the oracle of the words of each
// printed line, seeded random tables against the layout they were drawn from, and damaged,
// encrypted, scanned and unmappable PDFs refused (never a crash).
#define POINTERHOLDER_TRANSITION 4
#include <gtest/gtest.h>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFWriter.hh>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "moneytrail/file_util.h"
#include "moneytrail/pdf.h"

namespace moneytrail::formats {
namespace {

namespace fs = std::filesystem;

std::string DataFile(const std::string& name) {
  Result<std::string> s = ReadFileToString(fs::path(MONEYTRAIL_SOURCE_DIR) / "tests/data/pdf" / name);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? *s : std::string();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::vector<std::string> Words(const std::string& line, char delimiter) {
  std::vector<std::string> out;
  std::string w;
  for (char ch : line + ' ') {
    if (ch == ' ' || ch == delimiter || ch == '\t') {
      if (!w.empty()) out.push_back(w);
      w.clear();
    } else {
      w += ch;
    }
  }
  return out;
}

// A minimal PDF writer for tests: objects 1.. with a classic xref table.
std::string BuildPdf(const std::vector<std::string>& objects) {
  std::string out = "%PDF-1.4\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(out.size());
    out += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const size_t xref = out.size();
  out += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t off : offsets) {
    char entry[32];
    std::snprintf(entry, sizeof entry, "%010zu 00000 n \n", off);
    out += entry;
  }
  out += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R >>\nstartxref\n" +
         std::to_string(xref) + "\n%%EOF\n";
  return out;
}

// One page showing `content` with Courier (every glyph 600/1000 wide) as /F1; `page` adds to
// the page's dictionary (its /MediaBox, /Rotate).
std::string CourierPage(const std::string& content, const std::string& page = "/MediaBox [0 0 612 792]") {
  std::string widths;
  for (int i = 0; i < 256; ++i) widths += "600 ";
  return BuildPdf({"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                   "<< /Type /Page /Parent 2 0 R " + page + " /Contents 4 0 R "
                   "/Resources << /Font << /F1 5 0 R >> >> >>",
                   "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "\nendstream",
                   "<< /Type /Font /Subtype /Type1 /BaseFont /Courier /FirstChar 0 /LastChar 255 /Widths [" +
                       widths + "] /Encoding /WinAnsiEncoding >>"});
}

TEST(PdfTest, HandWrittenPdfReadsDifferencesWidthsAndEveryTextOperator) {
  Result<PdfText> t = ReadPdfAsText(DataFile("simple.pdf"), "simple.pdf", {});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->text,
            "FIRST COAST BANK\n"
            "Account Number: 000987654321\n"
            "Statement Period: 03/01/2025 - 03/31/2025\n"
            "Date,Description,Amount,Balance\n"                 // "Date" through /Differences
            "03/03/2025,WIRE TO ACME LTD,-250.00,750.00\n"      // TJ with kerning
            "03/04/2025,CASH DEPOSIT,\"9,900.00\",\"10,650.00\"\n"  // Tc, Tz; the delimiter quoted
            "03/05/2025,CHECK 1042,-50.25,\"10,599.75\"\n"      // a form XObject
            "Fee in \xE2\x82\xAC: 1.50\n");                     // WinAnsi 0x80 = the euro sign
  EXPECT_EQ(t->pages, 1u);
  EXPECT_EQ(t->page_first_line, std::vector<uint64_t>{1});
  ASSERT_EQ(t->lines.size(), 8u);
  EXPECT_EQ(PdfCitation(*t, 6), "page 1, line 6");
  EXPECT_EQ(PdfCitation(*t, 9), "");
}

TEST(PdfTest, ChromiumStatementAlignsRowsToTheHeaderAndJoinsWrappedDescriptions) {
  PdfOptions o;
  o.is_header = [](std::string_view line) { return line.substr(0, 17) == "Date,Description,"; };
  Result<PdfText> t = ReadPdfAsText(DataFile("statement.pdf"), "statement.pdf", o);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->pages, 3u);
  const std::vector<std::string> lines = Lines(t->text);
  ASSERT_EQ(lines.size(), t->lines.size());
  // Every data row of the CSV download is one emitted row with the same four fields (the CSV
  // quotes every field; the PDF text quotes only the fields holding a comma).
  std::vector<std::string> csv_rows;
  for (const std::string& line : Lines(DataFile("statement.csv"))) {
    if (line.size() > 2 && line[1] >= '0' && line[1] <= '9') csv_rows.push_back(line);
  }
  std::vector<std::string> pdf_rows;
  for (const std::string& line : lines) {
    if (!line.empty() && line[0] >= '0' && line[0] <= '9') {
      std::string quoted;  // every field quoted, as the CSV has it
      std::vector<std::string> fields;
      std::string field;
      bool in_quotes = false;
      for (char ch : line) {
        if (ch == '"') in_quotes = !in_quotes;
        else if (ch == ',' && !in_quotes) fields.push_back(field), field.clear();
        else field += ch;
      }
      fields.push_back(field);
      for (size_t k = 0; k < fields.size(); ++k) quoted += (k ? ",\"" : "\"") + fields[k] + "\"";
      pdf_rows.push_back(quoted);
    }
  }
  EXPECT_EQ(pdf_rows, csv_rows);
  // A wrapped description: its row cites both printed lines and an empty line takes the second.
  size_t joined = 0;
  for (size_t i = 0; i < t->lines.size(); ++i) {
    if (t->lines[i].lines < 2) continue;
    ++joined;
    for (uint32_t k = 1; k < t->lines[i].lines; ++k) {
      EXPECT_EQ(lines[i + k], "");
      EXPECT_EQ(t->lines[i + k].lines, 0u);
      EXPECT_EQ(t->lines[i + k].line, t->lines[i].line + k);
    }
  }
  EXPECT_GE(joined, 5u);
  // Emitted lines are the printed lines, page after page.
  ASSERT_EQ(t->page_first_line.size(), 3u);
  for (size_t i = 0; i < t->lines.size(); ++i) {
    const uint32_t page = t->lines[i].page;
    EXPECT_EQ(t->lines[i].line, i + 1 - t->page_first_line[page - 1] + 1) << i;
    EXPECT_EQ(PdfCitation(t->page_first_line, i + 1).substr(0, 7), "page " + std::to_string(page) + ",");
  }
  EXPECT_EQ(lines[t->page_first_line[1] - 1], ",SUMMIT RIDGE FCU - ACCT ENDING 5518,,");
  EXPECT_EQ(PdfPagesText(t->page_first_line).substr(0, 40), "pdf: 3 page(s); text lines from 1 (page ");
}

// The oracle: pdftotext -layout (poppler, a GPL tool run, not linked) prints the same words on
// each printed line of each page, in the same order.
std::string Pdftotext(const std::string& file) {
  const std::string command = "pdftotext -layout '" + file + "' - 2>/dev/null";
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  ::pclose(p);
  return out;
}

void ExpectWordsAsPdftotext(const std::string& name, bool header_columns) {
  const std::string path = (fs::path(MONEYTRAIL_SOURCE_DIR) / "tests/data/pdf" / name).string();
  const std::string oracle = Pdftotext(path);
  ASSERT_FALSE(oracle.empty()) << "pdftotext printed nothing for " << path;
  std::vector<std::vector<std::vector<std::string>>> pages(1);  // page -> non-blank lines -> words
  std::istringstream in(oracle);
  for (std::string line; std::getline(in, line);) {
    for (size_t ff; (ff = line.find('\f')) != std::string::npos;) {
      std::string before = line.substr(0, ff);
      if (!Words(before, ' ').empty()) pages.back().push_back(Words(before, ' '));
      pages.emplace_back();
      line = line.substr(ff + 1);
    }
    if (!Words(line, ' ').empty()) pages.back().push_back(Words(line, ' '));
  }
  PdfOptions o;
  o.delimiter = '\t';
  if (header_columns) o.is_header = [](std::string_view line) { return line.substr(0, 17) == "Date\tDescription\t"; };
  Result<PdfText> t = ReadPdfAsText(*ReadFileToString(path), name, o);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  const std::vector<std::string> lines = Lines(t->text);
  for (size_t i = 0; i < lines.size(); ++i) {
    const PdfLineOrigin& at = t->lines[i];
    if (at.lines == 0) continue;  // joined to the row above
    ASSERT_LE(at.page, pages.size());
    const auto& page = pages[at.page - 1];
    ASSERT_LE(at.line + at.lines - 1, page.size()) << name << " emitted line " << i + 1;
    std::vector<std::string> expected;
    for (uint32_t k = 0; k < at.lines; ++k) {
      expected.insert(expected.end(), page[at.line - 1 + k].begin(), page[at.line - 1 + k].end());
    }
    std::vector<std::string> got = Words(lines[i], '\t');
    if (at.lines > 1) {  // a joined row: the continuation's words sit inside the row's cell
      std::sort(expected.begin(), expected.end());
      std::sort(got.begin(), got.end());
    }
    EXPECT_EQ(got, expected) << name << " page " << at.page << " line " << at.line;
  }
  // And no printed line is missing: the last emitted line of each page is its last line.
  for (size_t p = 0; p < t->page_first_line.size(); ++p) {
    const uint64_t next = p + 1 < t->page_first_line.size() ? t->page_first_line[p + 1] : lines.size() + 1;
    EXPECT_EQ(next - t->page_first_line[p], pages[p].size()) << name << " page " << p + 1;
  }
}

TEST(PdfTest, EachPrintedLineHasPdftotextsWordsInItsOrder) {
  if (!fs::exists("/usr/bin/pdftotext")) GTEST_SKIP() << "pdftotext (poppler-utils) is not installed";
  ExpectWordsAsPdftotext("simple.pdf", false);
  ExpectWordsAsPdftotext("statement.pdf", false);
  ExpectWordsAsPdftotext("statement.pdf", true);
}

// Seeded random tables drawn with Courier at known positions, in a shuffled drawing order and
// with a mix of Tm, Td and TJ: the reader gives back each row's cells, rows top to bottom.
TEST(PdfTest, RandomTablesComeBackAsDrawn) {
  std::mt19937 rng(2024);
  const std::vector<std::string> vocabulary = {"ACH", "WIRE", "12.50", "(3,400.00)", "CASH", "ZELLE", "TO",
                                               "FROM", "03/05/2025", "REF", "#4471", "A&B", "LTD", "-7"};
  for (int round = 0; round < 60; ++round) {
    const int rows = 1 + static_cast<int>(rng() % 6), columns = 1 + static_cast<int>(rng() % 4);
    const double size = 8 + rng() % 5;  // points
    struct Draw { double x, y; std::string text; };
    std::vector<Draw> draws;
    std::vector<std::string> expected;
    for (int r = 0; r < rows; ++r) {
      std::vector<std::string> cells;
      double x = 40;
      for (int c = 0; c < columns; ++c) {
        std::string cell;
        const int words = 1 + static_cast<int>(rng() % 3);
        for (int w = 0; w < words; ++w) cell += (w ? " " : "") + vocabulary[rng() % vocabulary.size()];
        // A cell at x; the next starts after it plus a gap of 1.5-4 em (Courier: 0.6 em a glyph).
        draws.push_back({x, 700 - r * (size * 1.4), cell});
        x += static_cast<double>(cell.size()) * 0.6 * size + size * (1.5 + (rng() % 25) / 10.0);
        cells.push_back(cell);
      }
      std::string line;
      for (size_t c = 0; c < cells.size(); ++c) line += (c ? "," : "") + cells[c];
      expected.push_back(line);
    }
    std::shuffle(draws.begin(), draws.end(), rng);
    std::string content = "BT /F1 " + std::to_string(static_cast<int>(size)) + " Tf\n";
    double at_x = 0, at_y = 0;
    for (const Draw& d : draws) {
      double line_x = d.x;
      std::string shown;
      for (char ch : d.text) {
        if (ch == '(' || ch == ')' || ch == '\\') shown += '\\';
        shown += ch;
      }
      switch (rng() % 4) {
        case 3: {  // each word placed on its own, no space glyph: the gap alone separates words
          double x = d.x;
          std::istringstream words(shown);
          for (std::string w; words >> w;) {
            content += "1 0 0 1 " + std::to_string(x) + " " + std::to_string(d.y) + " Tm (" + w + ") Tj\n";
            line_x = x;  // where the next Td starts from
            const auto escapes = std::count(w.begin(), w.end(), '\\');
            x += static_cast<double>(w.size() - static_cast<size_t>(escapes) + 1) * 0.6 * size;
          }
          break;
        }
        case 0: content += "1 0 0 1 " + std::to_string(d.x) + " " + std::to_string(d.y) + " Tm (" + shown + ") Tj\n"; break;
        case 1:  // Td from the last line start (set by the previous Tm or Td)
          content += std::to_string(d.x - at_x) + " " + std::to_string(d.y - at_y) + " Td (" + shown + ") Tj\n";
          break;
        default: {  // TJ: the first word, a zero kern, the rest
          const size_t space = shown.find(' ');
          content += "1 0 0 1 " + std::to_string(d.x) + " " + std::to_string(d.y) + " Tm [(" + shown.substr(0, space) +
                     ") 0 (" + (space == std::string::npos ? "" : shown.substr(space)) + ")] TJ\n";
        }
      }
      at_x = line_x;
      at_y = d.y;
    }
    content += "ET\n";
    Result<PdfText> t = ReadPdfAsText(CourierPage(content), "random.pdf", {});
    ASSERT_TRUE(t.ok()) << t.status().ToString() << "\n" << content;
    // Only "(3,400.00)" holds the delimiter: compare without the writer's quotes.
    const std::vector<std::string> got = Lines(t->text);
    ASSERT_EQ(got.size(), expected.size()) << t->text << "\n" << content;
    for (size_t r = 0; r < got.size(); ++r) {
      std::string unquoted;
      for (char ch : got[r]) {
        if (ch != '"') unquoted += ch;
      }
      EXPECT_EQ(unquoted, expected[r]) << "round " << round << "\n" << content;
    }
  }
}

TEST(PdfTest, ScannedUnmappableAndNonPdfInputsAreRefusedNamingFileAndPage) {
  Result<PdfText> t = ReadPdfAsText(DataFile("scanned.pdf"), "scan.pdf", {});
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("scan.pdf, page 1: the page is an image with no text"), std::string::npos)
      << t.status().ToString();
  t = ReadPdfAsText(DataFile("nounicode.pdf"), "nu.pdf", {});
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("nu.pdf, page 1: the font /F7 (ABCDEF+Arial) has no Unicode for the code <0024>"),
            std::string::npos)
      << t.status().ToString();
  t = ReadPdfAsText("Date,Amount\n", "a.csv", {});
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("a.csv: not a PDF"), std::string::npos);
  EXPECT_FALSE(LooksLikePdf("PK\x03\x04"));
  EXPECT_TRUE(LooksLikePdf(DataFile("simple.pdf")));
  // No text at all (a blank page) is refused too: nothing to read.
  t = ReadPdfAsText(CourierPage("0 0 m 10 10 l S"), "blank.pdf", {});
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("blank.pdf: the PDF has no text on any page"), std::string::npos);
}

std::string Encrypt(const std::string& pdf_bytes, const char* user_password) {
  QPDF pdf;
  pdf.processMemoryFile("in.pdf", pdf_bytes.data(), pdf_bytes.size());
  QPDFWriter w(pdf);
  w.setOutputMemory();
  w.setStaticID(true);
  w.setR6EncryptionParameters(user_password, "owner-secret", true, true, true, true, true, true,
                              qpdf_r3p_full, true);
  w.write();
  std::shared_ptr<Buffer> b = w.getBufferSharedPointer();
  return std::string(reinterpret_cast<const char*>(b->getBuffer()), b->getSize());
}

TEST(PdfTest, EncryptedWithAPasswordIsRefusedWithAnEmptyUserPasswordIsRead) {
  const std::string simple = DataFile("simple.pdf");
  Result<PdfText> t = ReadPdfAsText(Encrypt(simple, "s3cret"), "locked.pdf", {});
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("locked.pdf: the PDF is encrypted and needs a password"), std::string::npos)
      << t.status().ToString();
  Result<PdfText> open = ReadPdfAsText(Encrypt(simple, ""), "owner-only.pdf", {});
  ASSERT_TRUE(open.ok()) << open.status().ToString();
  EXPECT_EQ(open->text, ReadPdfAsText(simple, "simple.pdf", {})->text);
}

TEST(PdfTest, DamagedPdfsAreErrorsNeverCrashes) {
  const std::string simple = DataFile("simple.pdf");
  // Truncated: at the middle (no xref, no trailer) it is an error naming the file.
  Result<PdfText> t = ReadPdfAsText(simple.substr(0, simple.size() / 2), "cut.pdf", {});
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message().substr(0, 9), "cut.pdf: ") << t.status().ToString();
  // Every truncation, and a bad xref offset, of both files: an answer, never a crash.
  for (const std::string& name : {std::string("simple.pdf"), std::string("statement.pdf")}) {
    const std::string bytes = DataFile(name);
    const size_t step = std::max<size_t>(1, bytes.size() / 300);
    for (size_t n = 0; n < bytes.size(); n += step) {
      Result<PdfText> r = ReadPdfAsText(bytes.substr(0, n), "cut.pdf", {});
      if (!r.ok()) {
        EXPECT_EQ(r.status().message().substr(0, 7), "cut.pdf") << r.status().ToString();
      }
    }
  }
  std::string bad_xref = simple;
  const size_t startxref = bad_xref.rfind("startxref\n");
  ASSERT_NE(startxref, std::string::npos);
  bad_xref.replace(startxref + 10, 3, "999");
  t = ReadPdfAsText(bad_xref, "xref.pdf", {});
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("xref.pdf: damaged PDF"), std::string::npos) << t.status().ToString();
  // A bad stream: the content stream's compressed bytes damaged.
  std::string bad_stream = simple;
  const size_t data = bad_stream.find("stream\n", bad_stream.find("4 0 obj"));
  ASSERT_NE(data, std::string::npos);
  for (size_t k = data + 12; k < data + 40; ++k) bad_stream[k] = static_cast<char>(bad_stream[k] ^ 0x5A);
  t = ReadPdfAsText(bad_stream, "stream.pdf", {});
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("stream.pdf, page 1: damaged PDF"), std::string::npos) << t.status().ToString();
  // Seeded random byte damage: an answer, never a crash; an error names the file.
  std::mt19937 rng(24);
  for (int round = 0; round < 300; ++round) {
    std::string b = simple;
    for (int k = 0; k < 1 + static_cast<int>(rng() % 4); ++k) b[rng() % b.size()] = static_cast<char>(rng());
    Result<PdfText> r = ReadPdfAsText(b, "mut.pdf", {});
    if (!r.ok()) {
      EXPECT_EQ(r.status().message().substr(0, 7), "mut.pdf") << r.status().ToString();
    }
  }
}

// A page turned by /Rotate (a landscape statement, a page scanned sideways and then OCR-free
// re-typeset) whose content is drawn turned the other way displays as the upright page does:
// it reads as the upright page, for 90, 180, 270 and -90; a /Rotate that is not a multiple of 90
// is refused naming the page.
TEST(PdfTest, PageRotateIsAppliedSoThatTheDisplayedPageIsRead) {
  const std::string table =
      "BT /F1 10 Tf 72 700 Td (Date       Description        Amount) Tj 0 -14 Td "
      "(03/03/2025 WIRE TO ACME LTD    -250.00) Tj 0 -14 Td (03/04/2025 CASH DEPOSIT     9,900.00) Tj ET";
  Result<PdfText> upright = ReadPdfAsText(CourierPage(table), "upright.pdf", {});
  ASSERT_TRUE(upright.ok()) << upright.status().ToString();
  ASSERT_EQ(Lines(upright->text).size(), 3u) << upright->text;
  EXPECT_EQ(upright->rotated_glyphs, 0u);
  // The displayed page is 612 x 792; the page's own box is turned for 90 and 270.
  struct Turn { int rotate; const char* box; const char* cm; };
  const Turn turns[] = {{90, "[0 0 792 612]", "0 1 -1 0 792 0"},
                        {180, "[0 0 612 792]", "-1 0 0 -1 612 792"},
                        {270, "[0 0 792 612]", "0 -1 1 0 0 612"},
                        {-90, "[0 0 792 612]", "0 -1 1 0 0 612"}};
  for (const Turn& t : turns) {
    const std::string pdf = CourierPage(std::string("q ") + t.cm + " cm " + table + " Q",
                                        std::string("/MediaBox ") + t.box + " /Rotate " + std::to_string(t.rotate));
    Result<PdfText> turned = ReadPdfAsText(pdf, "turned.pdf", {});
    ASSERT_TRUE(turned.ok()) << t.rotate << ": " << turned.status().ToString();
    EXPECT_EQ(turned->text, upright->text) << t.rotate;
    EXPECT_EQ(turned->rotated_glyphs, 0u) << t.rotate;
  }
  // The same turned content without /Rotate is sideways text: left out and counted.
  Result<PdfText> sideways =
      ReadPdfAsText(CourierPage("q 0 1 -1 0 792 0 cm BT /F1 10 Tf 72 700 Td (SIDEWAYS) Tj ET Q "
                                "BT /F1 10 Tf 72 700 Td (UPRIGHT) Tj ET", "/MediaBox [0 0 792 612]"),
                    "sideways.pdf", {});
  ASSERT_TRUE(sideways.ok()) << sideways.status().ToString();
  EXPECT_EQ(sideways->text, "UPRIGHT\n");
  EXPECT_EQ(sideways->rotated_glyphs, 8u);
  Result<PdfText> odd = ReadPdfAsText(CourierPage(table, "/MediaBox [0 0 612 792] /Rotate 45"), "odd.pdf", {});
  ASSERT_FALSE(odd.ok());
  EXPECT_NE(odd.status().message().find("odd.pdf, page 1: its /Rotate is 45, not a multiple of 90"), std::string::npos)
      << odd.status().ToString();
}

// The statement templates' layouts (tests/data/pdf/lakeshore.pdf and harbor.pdf, printed by
// Chromium; make_pdfs.py --templates) and their templates as lakeshore.toml and harbor.toml
// write them.
struct TemplateLayout {
  const char* name;
  PdfTemplate layout;
  const char* header;  // the header as emitted
  bool debit_credit;   // withdrawals and deposits columns, else one signed amount
};

std::vector<TemplateLayout> TemplateLayouts() {
  TemplateLayout lake{"lakeshore", {}, "Date,Description,Withdrawals,Deposits,Balance", true};
  lake.layout.columns = {{43, 96.5}, {96.5, 319.7}, {319.7, 384.5}, {384.5, 449.3}, {449.3, 514.1}};
  lake.layout.top = 40, lake.layout.bottom = 750;
  lake.layout.row_start = "^\\d{2}/\\d{2}/\\d{4}$";
  lake.layout.balance_forward = "^BALANCE FORWARD";
  TemplateLayout harbor{"harbor", {}, "Posted,Transaction,Amount,Balance", false};
  harbor.layout.columns = {{43, 108}, {108, 367.2}, {367.2, 446.4}, {446.4, 525.6}};
  harbor.layout.top = 40, harbor.layout.bottom = 750;
  harbor.layout.row_start = lake.layout.row_start;
  harbor.layout.balance_forward = "(?i)^balance brought forward";
  return {lake, harbor};
}

// "1,204.33" or "-25.48" -> cents; INT64_MIN when it is not such an amount.
int64_t CentsOf(std::string text) {
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) text.erase(0, 1);
  int64_t cents = 0;
  int digits = 0;
  for (char ch : text) {
    if (ch == ',' || ch == '.') continue;
    if (ch < '0' || ch > '9') return INT64_MIN;
    cents = cents * 10 + (ch - '0');
    ++digits;
  }
  return digits == 0 ? INT64_MIN : negative ? -cents : cents;
}

// Splits an emitted line (fields quoted as in CSV when they hold a comma).
std::vector<std::string> Fields(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char ch = line[i];
    if (ch == '"' && quoted && i + 1 < line.size() && line[i + 1] == '"') {
      out.back() += '"';
      ++i;
    } else if (ch == '"') {
      quoted = !quoted;
    } else if (ch == ',' && !quoted) {
      out.emplace_back();
    } else {
      out.back() += ch;
    }
  }
  return out;
}

// The rows the template emits, as "date|description|cents|balance cents", from lines whose
// first field is a date.
std::vector<std::string> TemplateRows(const PdfText& t, bool debit_credit) {
  std::vector<std::string> rows;
  for (const std::string& line : Lines(t.text)) {
    std::vector<std::string> f = Fields(line);
    if (f.empty() || f[0].size() != 10 || f[0][2] != '/') continue;
    int64_t cents = INT64_MIN;
    if (debit_credit && f.size() == 5) {
      cents = !f[2].empty() ? -CentsOf(f[2]) : CentsOf(f[3]);
    } else if (!debit_credit && f.size() == 4) {
      cents = CentsOf(f[2]);
    }
    rows.push_back(f[0] + "|" + f[1] + "|" + std::to_string(cents) + "|" + std::to_string(CentsOf(f.back())));
  }
  return rows;
}

// Each layout's rows, read with its template, are the rows printed (the truth make_pdfs.py
// wrote beside it): wrapped descriptions and amounts printed on a row's second line joined to
// the row, one emitted line per printed line, the balance forward's amount the opening
// balance, the page numbers outside the region left as they are; read by the gap rule alone,
// the same files do not give those rows.
TEST(PdfTest, StatementTemplatesReadLayoutsTheGapRuleCannot) {
  for (const TemplateLayout& l : TemplateLayouts()) {
    const std::string name = l.name;
    std::vector<std::string> truth = Lines(DataFile(name + "-truth.csv"));
    ASSERT_GT(truth.size(), 20u) << name;
    const std::string opening = truth[0].substr(truth[0].find(',') + 1);
    truth.erase(truth.begin());
    for (std::string& row : truth) std::replace(row.begin(), row.end(), ',', '|');
    PdfOptions options;
    options.is_header = [&](std::string_view line) { return line == l.header; };
    options.layout = &l.layout;
    const std::string pdf = DataFile(name + ".pdf");
    Result<PdfText> t = ReadPdfAsText(pdf, name + ".pdf", options);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    EXPECT_EQ(TemplateRows(*t, l.debit_credit), truth) << name << ":\n" << t->text;
    EXPECT_EQ(std::to_string(CentsOf(t->opening_balance)), opening) << name;
    ASSERT_GT(t->opening_balance_line, 0u) << name;
    std::string forward = Lines(t->text)[t->opening_balance_line - 1];
    std::transform(forward.begin(), forward.end(), forward.begin(), [](unsigned char c) { return std::tolower(c); });
    EXPECT_NE(forward.find("balance"), std::string::npos) << name << ": " << forward;
    EXPECT_NE(forward.find("forward"), std::string::npos) << name << ": " << forward;
    // One emitted line per printed line; the header on every page; "Page N of M" as printed.
    EXPECT_EQ(t->lines.size(), Lines(t->text).size()) << name;
    EXPECT_EQ(t->pages, 2u) << name;
    const std::vector<std::string> lines = Lines(t->text);
    EXPECT_EQ(std::count(lines.begin(), lines.end(), std::string(l.header)), 2) << name;
    EXPECT_EQ(std::count(lines.begin(), lines.end(), std::string("Page 1 of 2")), 1) << name;
    // Without the template the rows are not what was printed.
    options.layout = nullptr;
    Result<PdfText> gaps = ReadPdfAsText(pdf, name + ".pdf", options);
    ASSERT_TRUE(gaps.ok()) << gaps.status().ToString();
    EXPECT_NE(TemplateRows(*gaps, l.debit_credit), truth) << name;
    EXPECT_EQ(gaps->opening_balance_line, 0u);
  }
}

// A template's [pdf] keys are checked, each error naming the key.
TEST(PdfTest, StatementTemplatesThatCannotBeAppliedAreErrorsNamingTheKey) {
  PdfTemplate t;
  EXPECT_NE(CheckPdfTemplate(t).message().find("[pdf] columns: at least one"), std::string::npos);
  t.columns = {{40, 90}, {80, 200}};
  EXPECT_NE(CheckPdfTemplate(t).message().find("[pdf] columns[2] = [80, 200]: overlaps"), std::string::npos)
      << CheckPdfTemplate(t).ToString();
  t.columns = {{40, 90}, {95, 95}};
  EXPECT_NE(CheckPdfTemplate(t).message().find("[pdf] columns[2] = [95, 95]: expected 0 <= from < to"),
            std::string::npos);
  t.columns = {{40, 90}, {95, 200}};
  EXPECT_TRUE(CheckPdfTemplate(t).ok());
  t.top = 700, t.bottom = 100;
  EXPECT_NE(CheckPdfTemplate(t).message().find("[pdf] region = [700, 100]"), std::string::npos);
  t.top = 0, t.bottom = 0;
  t.row_start = "(unclosed";
  EXPECT_NE(CheckPdfTemplate(t).message().find("[pdf] row_start '(unclosed' is not a valid pattern"),
            std::string::npos)
      << CheckPdfTemplate(t).ToString();
  PdfOptions options;
  options.layout = &t;
  Result<PdfText> r = ReadPdfAsText(DataFile("simple.pdf"), "simple.pdf", options);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("row_start"), std::string::npos);
}

// The custody form of the pages' first lines reads back as written, and a citation from it is
// the one from the vector itself (seeded random pages, blank pages sharing their next page's
// first line); anything else reads as no pages.
TEST(PdfTest, CustodyPagesTextReadsBackAndCitesAsTheVector) {
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    std::mt19937_64 rng(seed);
    std::vector<uint64_t> first;
    uint64_t line = 1;
    for (size_t p = 0, n = 1 + rng() % 12; p < n; ++p) {
      first.push_back(line);
      line += rng() % 4 == 0 ? 0 : 1 + rng() % 60;
    }
    const std::string text = PdfPagesText(first);
    ASSERT_EQ(ParsePdfPagesText(text), first) << "seed " << seed << ": " << text;
    for (uint64_t l = 0; l <= line + 1; ++l) {
      ASSERT_EQ(PdfCitationFromCustody(text, l), PdfCitation(first, l)) << "seed " << seed << " line " << l;
    }
  }
  EXPECT_EQ(PdfCitationFromCustody("pdf: 2 page(s); text lines from 1 (page 1), 48 (page 2)", 60), "page 2, line 13");
  EXPECT_EQ(PdfCitationFromCustody("pdf: 2 page(s); text lines from 1 (page 1), 48 (page 2)", 47), "page 1, line 47");
  for (const char* bad : {"utf-8", "", "pdf: ", "pdf: 2 page(s); text lines from 1 (page 1)",
                          "pdf: 1 page(s); text lines from 1 (page 2)", "pdf: 2 page(s); text lines from 9 (page 1), 3 (page 2)",
                          "pdf: 1 page(s); text lines from x (page 1)", "pdf: 1 page(s); text lines from 1 (page 1) "}) {
    EXPECT_TRUE(ParsePdfPagesText(bad).empty()) << bad;
    EXPECT_EQ(PdfCitationFromCustody(bad, 1), "") << bad;
  }
}

}  // namespace
}  // namespace moneytrail::formats
