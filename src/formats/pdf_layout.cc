// Printed lines, cells and the emitted text of a text PDF (pdf_layout.h). docs/format/pdf.md.
#include "pdf_layout.h"

#include <algorithm>
#include <cmath>
#include <string_view>

#include "format_util.h"

namespace moneytrail::formats_internal {
namespace {

bool IsBlank(const std::string& t) { return t == " " || t == "\xC2\xA0"; }

}  // namespace

std::vector<PrintedLine> LinesOf(std::vector<Glyph>& glyphs, uint32_t page, const PdfOptions& o) {
  std::vector<PrintedLine> lines;
  std::sort(glyphs.begin(), glyphs.end(), [](const Glyph& a, const Glyph& b) {
    return a.y != b.y ? a.y > b.y : a.order < b.order;
  });
  size_t i = 0;
  while (i < glyphs.size()) {
    size_t j = i + 1;
    const double y = glyphs[i].y;
    double size = glyphs[i].size;
    while (j < glyphs.size() && y - glyphs[j].y <= o.line_tolerance * std::max(size, glyphs[j].size)) {
      size = std::max(size, glyphs[j].size);
      ++j;
    }
    std::stable_sort(glyphs.begin() + static_cast<std::ptrdiff_t>(i), glyphs.begin() + static_cast<std::ptrdiff_t>(j),
                     [](const Glyph& a, const Glyph& b) { return a.x0 < b.x0; });
    // Words, then cells.
    struct Word { double x0, x1, size; std::string text; };
    std::vector<Word> words;
    bool open = false;
    for (size_t k = i; k < j; ++k) {
      const Glyph& g = glyphs[k];
      if (IsBlank(g.text)) {
        open = false;
        continue;
      }
      if (open) {
        Word& w = words.back();
        const double gap = g.x0 - w.x1;
        // The same glyph drawn twice at (nearly) the same place: a fake bold; printed once.
        if (std::fabs(g.x0 - w.x1 + (g.x1 - g.x0)) < 0.05 * g.size && w.text.size() >= g.text.size() &&
            w.text.compare(w.text.size() - g.text.size(), g.text.size(), g.text) == 0) {
          continue;
        }
        if (gap <= o.word_gap * std::max(g.size, w.size)) {
          w.text += g.text;
          w.x1 = std::max(w.x1, g.x1);
          continue;
        }
      }
      words.push_back({g.x0, g.x1, g.size, g.text});
      open = true;
    }
    if (!words.empty()) {
      PrintedLine line{page, static_cast<uint32_t>(lines.size() + 1), y, size, {}, {}};
      for (const Word& w : words) line.words.push_back({w.x0, w.x1, w.text});
      for (size_t k = 0; k < words.size(); ++k) {
        const Word& w = words[k];
        if (k > 0 && w.x0 - line.cells.back().x1 <= o.cell_gap * std::max(w.size, size)) {
          line.cells.back().text += ' ';
          line.cells.back().text += w.text;
          line.cells.back().x1 = std::max(line.cells.back().x1, w.x1);
        } else {
          line.cells.push_back({w.x0, w.x1, w.text});
        }
      }
      lines.push_back(std::move(line));
    }
    i = j;
  }
  return lines;
}

std::string Join(const std::vector<std::string>& fields, char delimiter) {
  std::string out;
  for (size_t k = 0; k < fields.size(); ++k) {
    if (k > 0) out += delimiter;
    AppendCsvField(out, fields[k], delimiter);
  }
  return out;
}

void Emitter::Add(const PrintedLine& line) {
  std::vector<std::string> gap_fields;
  for (const Cell& c : line.cells) gap_fields.push_back(c.text);
  const std::string gap_text = Join(gap_fields, o_.delimiter);
  if (layout_ != nullptr) {
    AddByTemplate(line, gap_fields, gap_text);
    return;
  }
  if (o_.is_header && o_.is_header(gap_text)) {
    Flush();
    columns_.clear();
    for (const Cell& c : line.cells) columns_.push_back({c.x0, c.x1});
    Push(gap_fields, line, /*body=*/false);
    return;
  }
  if (columns_.empty()) {
    Push(gap_fields, line, false);
    return;
  }
  std::vector<std::string> fields(columns_.size());
  for (const Cell& c : line.cells) {
    size_t best = 0;
    double best_overlap = -1e300;
    for (size_t k = 0; k < columns_.size(); ++k) {
      // Overlap when positive; else minus the distance between the extents.
      const double overlap = std::min(c.x1, columns_[k].second) - std::max(c.x0, columns_[k].first);
      if (overlap > best_overlap) {
        best_overlap = overlap;
        best = k;
      }
    }
    if (!fields[best].empty()) fields[best] += ' ';
    fields[best] += c.text;
  }
  size_t filled = 0;
  if (ContinuedByGapRule(fields, line, filled)) return;
  Push(fields, line, filled >= 2);
}

// Writes the pending row, then an empty line for each printed line joined to it, so that
// emitted lines stay one per printed line.
void Emitter::Flush() {
  if (!pending_) return;
  out_.text += Join(pending_fields_, o_.delimiter);
  out_.text += '\n';
  out_.lines.push_back({pending_line_.page, pending_line_.number, pending_spans_});
  for (uint32_t k = 1; k < pending_spans_; ++k) {
    out_.text += '\n';
    out_.lines.push_back({pending_line_.page, pending_line_.number + k, 0});
  }
  pending_ = false;
}

// Called before the first line of a page `height` points high (as displayed).
void Emitter::StartPage(double height) {
  Flush();
  out_.page_first_line.push_back(out_.lines.size() + 1);
  page_height_ = height;
}

// The template's columns, from the first header on, for lines in the page region.
void Emitter::AddByTemplate(const PrintedLine& line, const std::vector<std::string>& gap_fields, const std::string& gap_text) {
  const PdfTemplate& t = layout_->t;
  const double below_top = page_height_ - line.y;
  const bool in_region = below_top >= t.top && (t.bottom <= 0 || below_top <= t.bottom);
  std::vector<std::string> fields(t.columns.size());
  std::string words;
  for (const Cell& w : line.words) {
    const double middle = (w.x0 + w.x1) / 2;
    size_t best = 0;
    double best_distance = 1e300;
    for (size_t k = 0; k < t.columns.size(); ++k) {
      const double distance = middle < t.columns[k].first ? t.columns[k].first - middle
                              : middle >= t.columns[k].second ? middle - t.columns[k].second : 0;
      if (distance < best_distance) best_distance = distance, best = k;
    }
    if (!fields[best].empty()) fields[best] += ' ';
    fields[best] += w.text;
    if (!words.empty()) words += ' ';
    words += w.text;
  }
  const bool header = o_.is_header && (o_.is_header(Join(fields, o_.delimiter)) || o_.is_header(gap_text));
  if (header) seen_header_ = true;
  if (header || !seen_header_ || !in_region) {
    Push(header ? fields : gap_fields, line, /*body=*/false);
    return;
  }
  if (layout_->balance_forward != nullptr && re2::RE2::PartialMatch(words, *layout_->balance_forward)) {
    Push(fields, line, /*body=*/false);
    if (!seen_row_ && out_.opening_balance_line == 0) {
      for (auto it = fields.rbegin(); it != fields.rend(); ++it) {
        if (!it->empty()) {
          out_.opening_balance = *it;
          break;
        }
      }
      out_.opening_balance_line = out_.lines.size();
    }
    return;
  }
  if (layout_->row_start == nullptr) {
    // No row pattern: the gap rule's continuation (one column only, right under the row).
    size_t filled = 0;
    if (ContinuedByGapRule(fields, line, filled)) return;
    seen_row_ = seen_row_ || filled >= 2;
    Push(fields, line, filled >= 2);
    return;
  }
  if (re2::RE2::PartialMatch(fields[0], *layout_->row_start)) {
    seen_row_ = true;
    Push(fields, line, /*body=*/true);
  } else if (pending_ && pending_line_.page == line.page) {
    Continue(fields);
  } else {
    Push(fields, line, /*body=*/false);  // no row to continue: the mapping rejects or skips it
  }
}

// The gap rule's continuation: a line with one column filled (not the first), right under the
// pending row on its page, whose same column is not empty, continues it. Sets `filled` to the
// number of filled columns.
bool Emitter::ContinuedByGapRule(const std::vector<std::string>& fields, const PrintedLine& line, size_t& filled) {
  size_t only = 0;
  filled = 0;
  for (size_t k = 0; k < fields.size(); ++k) {
    if (!fields[k].empty()) ++filled, only = k;
  }
  if (pending_ && filled == 1 && only > 0 && pending_line_.page == line.page && !pending_fields_[only].empty() &&
      pending_line_.y - line.y <= 1.6 * std::max(line.size, pending_line_.size) * pending_spans_) {
    Continue(fields);
    return true;
  }
  return false;
}

// Appends a continuation line's columns to the pending row's.
void Emitter::Continue(const std::vector<std::string>& fields) {
  for (size_t k = 0; k < fields.size() && k < pending_fields_.size(); ++k) {
    if (fields[k].empty()) continue;
    if (!pending_fields_[k].empty()) pending_fields_[k] += ' ';
    pending_fields_[k] += fields[k];
  }
  ++pending_spans_;
}

void Emitter::Push(std::vector<std::string> fields, const PrintedLine& line, bool body) {
  Flush();
  pending_ = true;
  pending_fields_ = std::move(fields);
  pending_line_ = {line.page, line.number, line.y, line.size, {}, {}};
  pending_spans_ = 1;
  if (!body) {
    Flush();  // only a body row takes a continuation
  }
}

}  // namespace moneytrail::formats_internal
