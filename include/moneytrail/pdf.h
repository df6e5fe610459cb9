// Text PDF statements read as the delimited text the mapped-CSV path already reads (issue #24),
// the way an .xlsx worksheet is (moneytrail/xlsx.h): the printed text is placed on the page,
// grouped into printed lines, each line split into cells, and emitted as one text line per
// printed line, so that the same TOML mappings, banners, header, skip patterns, amount forms,
// grammar, statement checks and custody apply unchanged (custody hashes the .pdf itself).
// qpdf (Apache-2.0) parses the file, decrypts (empty user password) and decompresses; this
// reader interprets the pages' content streams itself (text operators Tj TJ ' " with Tm Td TD
// T* Tc Tw Tz TL Ts Tf, q Q cm, form XObjects) and maps glyphs to Unicode with the font's
// ToUnicode CMap, else its /Encoding and /Differences, else WinAnsi/Standard; glyph advances
// from /Widths (simple fonts) or /W (CID fonts). No OCR: an image-only (scanned) page, an
// encrypted file that needs a password, a damaged file and text the fonts cannot map are
// refused, naming the file and page. Pure function: thread-safe, no I/O. docs/format/pdf.md.
//
// Example:
//   MT_ASSIGN_OR_RETURN(formats::PdfText t, formats::ReadPdfAsText(bytes, "stmt.pdf", {}));
//   // t.text: "Date,Description,Amount,Balance\n2024-01-05,ATM WITHDRAWAL,-200.00,1800.00\n..."
//   // t.lines[1]: {page 1, line 7, 1 printed line}: where the second emitted line was printed
#ifndef MONEYTRAIL_PDF_H_
#define MONEYTRAIL_PDF_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/status.h"

namespace moneytrail::formats {

// True when `bytes` start with "%PDF-".
bool LooksLikePdf(std::string_view bytes);

// A statement template (docs/format/pdf.md, "Statement templates"; a mapping's [pdf] table):
// for layouts the gap rule cannot split (columns that touch, an amount printed under a
// description that wraps, "Balance forward" lines), where the table's columns are and how a row
// starts. It applies to the table: the lines after the first header line (PdfOptions::is_header)
// that lie in the page region; the lines before it and outside the region (the banner, page
// numbers, footers) are emitted as gap-separated cells as without a template.
struct PdfTemplate {
  // The columns' x-ranges [from, to) on the page as displayed, in points from its left edge,
  // left to right, one per column of the header: a word goes to the column whose range holds its
  // middle, else to the nearest column. REQUIRES (CheckPdfTemplate): from < to, ranges in order,
  // not overlapping.
  std::vector<std::pair<double, double>> columns;
  // The table's region on every page, in points below the page's top edge: a line whose
  // baseline lies in [top, bottom] (bottom 0: to the page's foot).
  double top = 0, bottom = 0;
  // RE2 pattern: a table line whose first column's text matches it starts a row; any other
  // table line (not a header, not a balance-forward line) continues the row above: each of its
  // columns' text is appended to the row's (a wrapped description, an amount printed on the
  // row's second line), and an empty line is emitted in its place. Empty: rows are told by the
  // gap rule's continuation (one column only, right under the row).
  std::string row_start;
  // RE2 pattern: a table line whose text (its words joined by single spaces) matches it is a
  // carried-forward balance ("Balance forward", "Balance brought forward"): emitted with its
  // columns like any line (the mapping skips it with skip_patterns), and the first one before
  // any row gives the statement's opening balance (PdfText::opening_balance).
  std::string balance_forward;
};

// InvalidArgument naming the [pdf] key when `t` breaks a REQUIRES of PdfTemplate or a pattern
// does not compile.
Status CheckPdfTemplate(const PdfTemplate& t);
// A text that differs between templates that read a file differently (for caches of the text).
std::string PdfTemplateKey(const PdfTemplate& t);

struct PdfOptions {
  char delimiter = ',';  // between cells of the text written (the mapping's)
  // A printed line: glyphs whose baselines differ by at most this fraction of the font size.
  double line_tolerance = 0.3;
  // A gap between glyphs wider than this fraction of the font size separates words (poppler's
  // minimum word break, so that the words agree with pdftotext's).
  double word_gap = 0.1;
  // A gap between words wider than this fraction of the font size separates cells.
  double cell_gap = 0.9;
  // When set, a line (as emitted with gap-separated cells) for which it returns true is the
  // table's header: the following lines' cells are aligned to the header's columns (each cell
  // to the header cell it overlaps most, empty fields where a column has nothing), and a line
  // with text in one column only, other than the first, printed right under a row with text in
  // that column, continues that row's cell (a wrapped description): its text is joined to the
  // row's, and an empty line is emitted in its place.
  std::function<bool(std::string_view line)> is_header;
  uint32_t max_pages = 100000;  // a file with more pages is refused
  // The statement template, when the mapping has one (borrowed: must outlive the call).
  const PdfTemplate* layout = nullptr;
};

// Where an emitted line was printed.
struct PdfLineOrigin {
  uint32_t page = 0;    // 1-based page number
  uint32_t line = 0;    // 1-based printed line on that page (lines with text, top to bottom)
  // Printed lines joined into it: 1, 2 or more for a row with a wrapped description (the
  // emitted lines after it are then empty, one per joined line: 0 here).
  uint32_t lines = 1;
};

struct PdfText {
  // One line per printed line, each ending in '\n', page after page: emitted line N is
  // printed line N - page_first_line[p-1] + 1 of page p (a blank page adds no line).
  std::string text;
  std::vector<PdfLineOrigin> lines;  // lines[i]: where emitted line i + 1 was printed
  std::vector<uint64_t> page_first_line;  // per page: the number of its first emitted line
  uint32_t pages = 0;
  uint64_t glyphs = 0;               // glyphs placed
  uint64_t rotated_glyphs = 0;       // glyphs not upright (a watermark): left out of the lines
  // With a template's balance_forward: the last column's text of the first carried-forward
  // balance line printed before any row ("$1,204.33"), and its emitted line; else "" and 0.
  std::string opening_balance;
  uint64_t opening_balance_line = 0;
};

// Reads the text of every page of the PDF `bytes`. Errors (InvalidArgument naming `name` and,
// where it applies, the page): not a PDF; damaged (qpdf's first warning or error: truncated,
// bad xref, bad stream); encrypted with a non-empty user password; a page with images and no
// text (scanned: no OCR); a glyph the font cannot map to Unicode (names the font and code);
// vertical (Identity-V) or non-Identity CID encodings; more than max_pages pages.
Result<PdfText> ReadPdfAsText(std::string_view bytes, const std::string& name, const PdfOptions& options);

// "page 2, line 14" (or "page 2, lines 14-15" for a joined row) for emitted line `line`
// (1-based) of `text`; "" when `line` is not one of its lines.
std::string PdfCitation(const PdfText& text, uint64_t line);
// "page 2, line 14" from the pages' first emitted lines alone (PdfText::page_first_line, as
// custody keeps it); "" before the first page.
std::string PdfCitation(const std::vector<uint64_t>& page_first_line, uint64_t line);
// The custody form of page_first_line: "pdf: 3 page(s); text lines from 1 (page 1), 48 (page 2),
// 95 (page 3)".
std::string PdfPagesText(const std::vector<uint64_t>& page_first_line);
// The inverse of PdfPagesText: the pages' first emitted lines read back from a custody
// record's `encoding`, for citing a stored row's page and line (the case report's evidence).
// Empty when `custody_encoding` is not PdfPagesText's form (a CSV's "utf-8", an old store).
std::vector<uint64_t> ParsePdfPagesText(std::string_view custody_encoding);
// "page 2, line 13" for line `line` of a PDF source whose custody `encoding` is
// PdfPagesText's; "" for any other source or a line before its first page.
std::string PdfCitationFromCustody(std::string_view custody_encoding, uint64_t line);

}  // namespace moneytrail::formats

#endif  // MONEYTRAIL_PDF_H_
