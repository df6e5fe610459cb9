// The layout half of the text PDF reader (src/formats/pdf.cc): placed glyphs -> printed lines
// with their gap-separated cells and words -> emitted delimited lines, by the gap rule, the
// header's columns, or a statement template's columns ([pdf] of a mapping). No qpdf here: the
// interpreter in pdf.cc places the glyphs. docs/format/pdf.md.
//
//   formats_internal::Emitter emitter(options, out, nullptr);
//   emitter.StartPage(792);
//   for (const PrintedLine& line : LinesOf(glyphs, 1, options)) emitter.Add(line);
//   emitter.Flush();
#ifndef MONEYTRAIL_SRC_FORMATS_PDF_LAYOUT_H_
#define MONEYTRAIL_SRC_FORMATS_PDF_LAYOUT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <re2/re2.h>

#include "moneytrail/pdf.h"

namespace moneytrail::formats_internal {

using formats::PdfOptions;
using formats::PdfTemplate;
using formats::PdfText;

struct Glyph {
  double x0, x1, y, size;  // device space: origin, end of the glyph's box, baseline, font size
  std::string text;
  uint32_t order;          // in the content stream: ties keep it
};

struct Cell {
  double x0, x1;
  std::string text;
};

struct PrintedLine {
  uint32_t page, number;
  double y, size;
  std::vector<Cell> cells;
  std::vector<Cell> words;  // before cells join them: a template's columns take words
};

// Glyphs of one page -> printed lines, top to bottom, each with its gap-separated cells (the
// glyphs are sorted in place).
std::vector<PrintedLine> LinesOf(std::vector<Glyph>& glyphs, uint32_t page, const PdfOptions& o);

// Fields joined by `delimiter`, a field holding the delimiter or a quote quoted CSV-style.
std::string Join(const std::vector<std::string>& fields, char delimiter);

// A template's patterns, compiled once per read.
struct CompiledTemplate {
  const PdfTemplate& t;
  std::unique_ptr<re2::RE2> row_start, balance_forward;
};

// Emits the printed lines of all pages: gap cells, or the header's columns once it is seen, or
// a template's columns.
class Emitter {
 public:
  Emitter(const PdfOptions& o, PdfText& out, const CompiledTemplate* layout) : o_(o), out_(out), layout_(layout) {}

  void Add(const PrintedLine& line);

  // Writes the pending row, then an empty line for each printed line joined to it, so that
  // emitted lines stay one per printed line.
  void Flush();

  // Called before the first line of a page `height` points high (as displayed).
  void StartPage(double height);

 private:
  // The template's columns, from the first header on, for lines in the page region.
  void AddByTemplate(const PrintedLine& line, const std::vector<std::string>& gap_fields, const std::string& gap_text);

  // The gap rule's continuation of the pending row by a one-column line; sets `filled`.
  bool ContinuedByGapRule(const std::vector<std::string>& fields, const PrintedLine& line, size_t& filled);

  // Appends a continuation line's columns to the pending row's.
  void Continue(const std::vector<std::string>& fields);

  void Push(std::vector<std::string> fields, const PrintedLine& line, bool body);

  const PdfOptions& o_;
  PdfText& out_;
  const CompiledTemplate* layout_;
  double page_height_ = 0;
  bool seen_header_ = false, seen_row_ = false;
  std::vector<std::pair<double, double>> columns_;
  bool pending_ = false;
  std::vector<std::string> pending_fields_;
  PrintedLine pending_line_{};
  uint32_t pending_spans_ = 1;
};

}  // namespace moneytrail::formats_internal

#endif  // MONEYTRAIL_SRC_FORMATS_PDF_LAYOUT_H_
