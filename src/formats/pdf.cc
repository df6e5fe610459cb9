// Text PDF statements as delimited text: qpdf parses, decrypts and decompresses; this file
// interprets the content streams' text operators, maps glyphs to Unicode and places them;
// pdf_layout.cc groups the placed glyphs into printed lines, cells and emitted text.
// docs/format/pdf.md.
#include "moneytrail/pdf.h"

// qpdf 11: its own smart pointers, not the deprecated PointerHolder.
#define POINTERHOLDER_TRANSITION 4
#include <qpdf/BufferInputSource.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>
#include <qpdf/QPDFTokenizer.hh>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <memory>
#include <unordered_map>
#include <vector>

#include <re2/re2.h>

#include "moneytrail/safe_text.h"
#include "pdf_layout.h"
#include "pdf_unicode.h"
#include "utf8.h"

namespace moneytrail::formats {
namespace {

using formats_internal::CompiledTemplate;
using formats_internal::Emitter;
using formats_internal::Glyph;
using formats_internal::GlyphNameToUnicode;
using formats_internal::LinesOf;
using formats_internal::PrintedLine;
using formats_internal::ParseToUnicode;
using formats_internal::Standard;
using formats_internal::WinAnsi;

constexpr int kMaxFormDepth = 8;

// A refusal raised while interpreting; turned into a Status at the top.
struct PdfRefusal {
  std::string message;
};

// ---- matrices (PDF row-vector convention: [x y 1] x M) -----------------------------------

struct Matrix {
  double a = 1, b = 0, c = 0, d = 1, e = 0, f = 0;
};

Matrix Multiply(const Matrix& m, const Matrix& n) {
  return {m.a * n.a + m.b * n.c,       m.a * n.b + m.b * n.d,       m.c * n.a + m.d * n.c,
          m.c * n.b + m.d * n.d,       m.e * n.a + m.f * n.c + n.e, m.e * n.b + m.f * n.d + n.f};
}

// ---- fonts --------------------------------------------------------------------------------

struct Font {
  std::string label;        // "/F1 (Helvetica)" for messages
  bool two_byte = false;    // a Type0 font with Identity-H: 2-byte codes
  std::unordered_map<uint32_t, std::string> to_unicode;
  std::array<std::string, 256> encoding;  // simple fonts without ToUnicode: code -> UTF-8
  bool has_to_unicode = false;
  std::array<double, 256> widths{};       // simple fonts, glyph space units
  bool has_widths = false;
  std::unordered_map<uint32_t, double> cid_widths;
  double default_width = 500;
  double scale = 0.001;     // glyph space to text space (Type3: its FontMatrix)

  double Width(uint32_t code) const {
    if (two_byte) {
      auto it = cid_widths.find(code);
      return it == cid_widths.end() ? default_width : it->second;
    }
    return has_widths ? widths[code & 0xFF] : default_width;
  }
  // The code's text; nullptr when the font cannot map it.
  const std::string* Text(uint32_t code) const {
    if (has_to_unicode) {
      auto it = to_unicode.find(code);
      if (it != to_unicode.end() && !it->second.empty()) return &it->second;
      if (two_byte) return nullptr;
    }
    if (two_byte) return nullptr;
    const std::string& s = encoding[code & 0xFF];
    return s.empty() ? nullptr : &s;
  }
};

double Number(QPDFObjectHandle h, double otherwise) {
  return h.isNumber() ? h.getNumericValue() : otherwise;
}

std::unique_ptr<Font> LoadFont(QPDFObjectHandle dict, const std::string& resource_name) {
  auto font = std::make_unique<Font>();
  const std::string subtype = dict.getKey("/Subtype").isName() ? dict.getKey("/Subtype").getName() : "";
  const std::string base = dict.getKey("/BaseFont").isName() ? dict.getKey("/BaseFont").getName() : "";
  font->label = resource_name + (base.empty() ? std::string() : " (" + base.substr(1) + ")");
  QPDFObjectHandle tu = dict.getKey("/ToUnicode");
  if (tu.isStream()) {
    std::shared_ptr<Buffer> data = tu.getStreamData(qpdf_dl_generalized);
    ParseToUnicode(std::string_view(reinterpret_cast<const char*>(data->getBuffer()), data->getSize()),
                   font->to_unicode);
    font->has_to_unicode = true;
  }
  if (subtype == "/Type0") {
    QPDFObjectHandle enc = dict.getKey("/Encoding");
    const std::string enc_name = enc.isName() ? enc.getName() : "";
    if (enc_name != "/Identity-H") {
      throw PdfRefusal{"font " + font->label + " has the CID encoding " +
                       (enc_name.empty() ? std::string("(an embedded CMap)") : enc_name) +
                       "; only Identity-H is read"};
    }
    font->two_byte = true;
    QPDFObjectHandle desc = dict.getKey("/DescendantFonts");
    if (desc.isArray() && desc.getArrayNItems() > 0) {
      QPDFObjectHandle cid = desc.getArrayItem(0);
      font->default_width = Number(cid.getKey("/DW"), 1000);
      QPDFObjectHandle w = cid.getKey("/W");
      if (w.isArray()) {
        const int n = w.getArrayNItems();
        for (int i = 0; i + 1 < n;) {
          QPDFObjectHandle first = w.getArrayItem(i), second = w.getArrayItem(i + 1);
          if (!first.isNumber()) break;
          const auto c0 = static_cast<int64_t>(first.getNumericValue());
          if (second.isArray()) {
            const int m = std::min(second.getArrayNItems(), 65536);
            for (int k = 0; k < m; ++k) font->cid_widths[static_cast<uint32_t>(c0 + k)] = Number(second.getArrayItem(k), font->default_width);
            i += 2;
          } else if (i + 2 < n && second.isNumber()) {
            const auto c1 = static_cast<int64_t>(second.getNumericValue());
            const double width = Number(w.getArrayItem(i + 2), font->default_width);
            for (int64_t c = c0; c <= c1 && c - c0 < 65536; ++c) font->cid_widths[static_cast<uint32_t>(c)] = width;
            i += 3;
          } else {
            break;
          }
        }
      }
    }
    return font;
  }
  // Simple fonts (Type1, TrueType, Type3, MMType1).
  if (subtype == "/Type3") {
    QPDFObjectHandle fm = dict.getKey("/FontMatrix");
    if (fm.isArray() && fm.getArrayNItems() == 6) font->scale = Number(fm.getArrayItem(0), 0.001);
  }
  QPDFObjectHandle widths = dict.getKey("/Widths");
  if (widths.isArray()) {
    const int first = static_cast<int>(Number(dict.getKey("/FirstChar"), 0));
    const int n = widths.getArrayNItems();
    font->has_widths = true;
    QPDFObjectHandle fd = dict.getKey("/FontDescriptor");
    const double missing = fd.isDictionary() ? Number(fd.getKey("/MissingWidth"), 0) : 0;
    font->widths.fill(missing);
    for (int k = 0; k < n; ++k) {
      if (first + k >= 0 && first + k < 256) font->widths[static_cast<size_t>(first + k)] = Number(widths.getArrayItem(k), missing);
    }
  }
  // /Encoding: a name, or a dictionary with /BaseEncoding and /Differences.
  QPDFObjectHandle enc = dict.getKey("/Encoding");
  std::string base_encoding = subtype == "/TrueType" ? "/WinAnsiEncoding" : "/StandardEncoding";
  if (enc.isName()) base_encoding = enc.getName();
  if (enc.isDictionary() && enc.getKey("/BaseEncoding").isName()) base_encoding = enc.getKey("/BaseEncoding").getName();
  const bool symbolic = base.find("Symbol") != std::string::npos || base.find("Dingbats") != std::string::npos;
  for (uint32_t code = 0; code < 256; ++code) {
    uint32_t cp = symbolic ? 0
                  : base_encoding == "/StandardEncoding" ? Standard(static_cast<uint8_t>(code))
                  : WinAnsi(static_cast<uint8_t>(code));  // WinAnsi, MacRoman's ASCII half
    if (base_encoding == "/MacRomanEncoding" && code >= 0x80) cp = 0;
    if (cp != 0) formats_internal::AppendUtf8(font->encoding[code], cp);
  }
  if (enc.isDictionary()) {
    QPDFObjectHandle diff = enc.getKey("/Differences");
    if (diff.isArray()) {
      int64_t code = 0;
      const int n = diff.getArrayNItems();
      for (int k = 0; k < n; ++k) {
        QPDFObjectHandle item = diff.getArrayItem(k);
        if (item.isNumber()) {
          code = static_cast<int64_t>(item.getNumericValue());
        } else if (item.isName()) {
          if (code >= 0 && code < 256) {
            std::string& s = font->encoding[static_cast<size_t>(code)];
            s.clear();
            if (uint32_t cp = GlyphNameToUnicode(item.getName().substr(1)); cp != 0) formats_internal::AppendUtf8(s, cp);
          }
          ++code;
        }
      }
    }
  }
  return font;
}

// ---- the content stream interpreter -------------------------------------------------------

// Fonts loaded once per file: indirect ones by object, direct ones (rare) each time they are set.
struct FontCache {
  std::map<QPDFObjGen, std::unique_ptr<Font>> indirect;
  std::vector<std::unique_ptr<Font>> direct;
  const Font* Get(QPDFObjectHandle dict, const std::string& name) {
    if (dict.getObjGen().getObj() == 0) {
      if (direct.size() >= 4096) throw PdfRefusal{"more than 4096 inline font dictionaries"};
      direct.push_back(LoadFont(dict, name));
      return direct.back().get();
    }
    auto& slot = indirect[dict.getObjGen()];
    if (slot == nullptr) slot = LoadFont(dict, name);
    return slot.get();
  }
};

struct GraphicsState {
  Matrix ctm;
  double char_spacing = 0, word_spacing = 0, scale = 1, leading = 0, rise = 0, size = 0;
  const Font* font = nullptr;
};

// An operand of a content-stream operator. Arrays (TJ's) keep their numbers and strings in
// PageReader::array_; dictionaries (marked content, inline images) are skipped.
struct Operand {
  enum Kind { kNumber, kString, kName, kArray, kOther } kind = kOther;
  double number = 0;
  std::string text;  // a string's bytes or a name ("/F1")
};

// Interprets content streams with qpdf's tokenizer (no object per token: a page has thousands).
class PageReader {
 public:
  explicit PageReader(FontCache& fonts) : fonts_(fonts) {}

  // Sets the matrix from the page's user space to the page as displayed (its /Rotate).
  void SetPageMatrix(const Matrix& m) { gs_.ctm = m; }
  // Runs the content `bytes` with `resources` (a page's or a form's).
  void Run(const std::string& bytes, QPDFObjectHandle resources, int depth);

  std::vector<Glyph> glyphs;
  bool has_image = false;
  uint64_t rotated = 0;

 private:
  void Operator(const std::string& op, QPDFObjectHandle resources, int depth);
  void ShowString(const std::string& bytes);
  void Advance(double tx) { tm_ = Multiply(Matrix{1, 0, 0, 1, tx, 0}, tm_); }
  void NextLine(double tx, double ty) {
    tlm_ = Multiply(Matrix{1, 0, 0, 1, tx, ty}, tlm_);
    tm_ = tlm_;
  }
  double Num(size_t i) const { return i < args_.size() && args_[i].kind == Operand::kNumber ? args_[i].number : 0; }
  bool Numbers(size_t n) const {
    if (args_.size() != n) return false;
    return std::all_of(args_.begin(), args_.end(), [](const Operand& o) { return o.kind == Operand::kNumber; });
  }
  Matrix MatrixOfArgs() const { return Matrix{Num(0), Num(1), Num(2), Num(3), Num(4), Num(5)}; }

  FontCache& fonts_;
  GraphicsState gs_;
  std::vector<GraphicsState> stack_;
  Matrix tm_, tlm_;
  std::vector<Operand> args_;
  std::vector<Operand> array_;
};

double ParseNumber(const std::string& text) {
  // PDF numbers: [+-]digits[.digits]; strtod reads them (no exponents occur in valid ones).
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  return std::isfinite(v) ? v : 0;
}

void PageReader::Run(const std::string& bytes, QPDFObjectHandle resources, int depth) {
  auto input = std::make_shared<BufferInputSource>("content stream", bytes);
  QPDFTokenizer tokenizer;
  tokenizer.allowEOF();
  int array_depth = 0, dict_depth = 0;
  args_.clear();
  array_.clear();
  for (;;) {
    QPDFTokenizer::Token t = tokenizer.readToken(input, "content stream", true, 0);
    const QPDFTokenizer::token_type_e type = t.getType();
    if (type == QPDFTokenizer::tt_eof) break;
    if (type == QPDFTokenizer::tt_bad) {
      throw PdfRefusal{"damaged PDF: bad content stream token at offset " + std::to_string(input->getLastOffset()) +
                       ": " + t.getErrorMessage()};
    }
    if (dict_depth > 0) {  // inside << >>: skipped
      if (type == QPDFTokenizer::tt_dict_open) ++dict_depth;
      if (type == QPDFTokenizer::tt_dict_close && --dict_depth == 0) args_.push_back({});
      continue;
    }
    switch (type) {
      case QPDFTokenizer::tt_dict_open: ++dict_depth; break;
      case QPDFTokenizer::tt_array_open:
        if (array_depth++ == 0) array_.clear();
        break;
      case QPDFTokenizer::tt_array_close:
        if (array_depth > 0 && --array_depth == 0) args_.push_back({Operand::kArray, 0, {}});
        break;
      case QPDFTokenizer::tt_integer:
      case QPDFTokenizer::tt_real:
        (array_depth > 0 ? array_ : args_).push_back({Operand::kNumber, ParseNumber(t.getValue()), {}});
        break;
      case QPDFTokenizer::tt_string:
        (array_depth > 0 ? array_ : args_).push_back({Operand::kString, 0, t.getValue()});
        break;
      case QPDFTokenizer::tt_name:
        if (array_depth == 0) args_.push_back({Operand::kName, 0, t.getValue()});
        break;
      case QPDFTokenizer::tt_word: {
        if (array_depth > 0) break;  // a keyword inside an array: not an operator
        const std::string& op = t.getValue();
        if (op == "ID") {  // an inline image's data follows, up to EI
          has_image = true;
          char ch = 0;
          input->read(&ch, 1);
          tokenizer.expectInlineImage(input);
          QPDFTokenizer::Token image = tokenizer.readToken(input, "content stream", true, 0);
          if (image.getType() != QPDFTokenizer::tt_inline_image) throw PdfRefusal{"damaged PDF: an inline image has no EI"};
          args_.clear();
          break;
        }
        Operator(op, resources, depth);
        args_.clear();
        break;
      }
      default:
        if (array_depth == 0) args_.push_back({});
        break;
    }
    if (args_.size() > 64) args_.erase(args_.begin(), args_.end() - 8);  // junk: no operator takes more
  }
}

std::string StreamBytes(QPDFObjectHandle stream) {
  std::shared_ptr<Buffer> data = stream.getStreamData(qpdf_dl_generalized);
  return std::string(reinterpret_cast<const char*>(data->getBuffer()), data->getSize());
}

void PageReader::Operator(const std::string& op, QPDFObjectHandle resources, int depth) {
  if (op.size() > 2) return;
  switch (op[0]) {
    case 'q':
      if (op == "q" && stack_.size() < 4096) stack_.push_back(gs_);
      return;
    case 'Q':
      if (op == "Q" && !stack_.empty()) {
        gs_ = stack_.back();
        stack_.pop_back();
      }
      return;
    case 'c':
      if (op == "cm" && Numbers(6)) gs_.ctm = Multiply(MatrixOfArgs(), gs_.ctm);
      return;
    case 'B':
      if (op == "BT") tm_ = tlm_ = Matrix{};
      if (op == "BI") has_image = true;
      return;
    case '\'':
      NextLine(0, -gs_.leading);
      if (!args_.empty() && args_.back().kind == Operand::kString) ShowString(args_.back().text);
      return;
    case '"':
      if (args_.size() == 3) {
        gs_.word_spacing = Num(0);
        gs_.char_spacing = Num(1);
        NextLine(0, -gs_.leading);
        if (args_[2].kind == Operand::kString) ShowString(args_[2].text);
      }
      return;
    case 'D':
      if (op == "Do" && args_.size() == 1 && args_[0].kind == Operand::kName) {
        QPDFObjectHandle xobjects = resources.isDictionary() ? resources.getKey("/XObject") : QPDFObjectHandle::newNull();
        QPDFObjectHandle x = xobjects.isDictionary() ? xobjects.getKey(args_[0].text) : QPDFObjectHandle::newNull();
        if (!x.isStream()) return;
        QPDFObjectHandle dict = x.getDict();
        const std::string sub = dict.getKey("/Subtype").isName() ? dict.getKey("/Subtype").getName() : "";
        if (sub == "/Image") {
          has_image = true;
        } else if (sub == "/Form") {
          if (depth >= kMaxFormDepth) throw PdfRefusal{"form XObjects nest deeper than " + std::to_string(kMaxFormDepth)};
          const GraphicsState saved = gs_;
          const Matrix saved_tm = tm_, saved_tlm = tlm_;
          const size_t saved_depth = stack_.size();
          QPDFObjectHandle m = dict.getKey("/Matrix");
          if (m.isArray() && m.getArrayNItems() == 6) {
            gs_.ctm = Multiply(Matrix{Number(m.getArrayItem(0), 1), Number(m.getArrayItem(1), 0), Number(m.getArrayItem(2), 0),
                                      Number(m.getArrayItem(3), 1), Number(m.getArrayItem(4), 0), Number(m.getArrayItem(5), 0)},
                               gs_.ctm);
          }
          QPDFObjectHandle own = dict.getKey("/Resources");
          std::vector<Operand> saved_args = std::move(args_);
          Run(StreamBytes(x), own.isDictionary() ? own : resources, depth + 1);
          args_ = std::move(saved_args);
          gs_ = saved;
          tm_ = saved_tm;
          tlm_ = saved_tlm;
          stack_.resize(std::min(stack_.size(), saved_depth));
        }
      }
      return;
    case 'T':
      if (op.size() != 2) return;
      switch (op[1]) {
        case 'c': gs_.char_spacing = Num(0); return;
        case 'w': gs_.word_spacing = Num(0); return;
        case 'z': gs_.scale = Num(0) / 100.0; return;
        case 'L': gs_.leading = Num(0); return;
        case 's': gs_.rise = Num(0); return;
        case 'd': NextLine(Num(0), Num(1)); return;
        case 'D':
          gs_.leading = -Num(1);
          NextLine(Num(0), Num(1));
          return;
        case '*': NextLine(0, -gs_.leading); return;
        case 'm':
          if (Numbers(6)) tm_ = tlm_ = MatrixOfArgs();
          return;
        case 'f': {
          if (args_.size() != 2 || args_[0].kind != Operand::kName) return;
          gs_.size = Num(1);
          QPDFObjectHandle fonts = resources.isDictionary() ? resources.getKey("/Font") : QPDFObjectHandle::newNull();
          QPDFObjectHandle f = fonts.isDictionary() ? fonts.getKey(args_[0].text) : QPDFObjectHandle::newNull();
          if (!f.isDictionary()) {
            throw PdfRefusal{"the font " + args_[0].text + " is not in the page's resources"};
          }
          gs_.font = fonts_.Get(f, args_[0].text);
          return;
        }
        case 'j':
          if (!args_.empty() && args_[0].kind == Operand::kString) ShowString(args_[0].text);
          return;
        case 'J':
          if (args_.size() != 1 || args_[0].kind != Operand::kArray) return;
          for (const Operand& item : array_) {
            if (item.kind == Operand::kString) {
              ShowString(item.text);
            } else if (item.kind == Operand::kNumber) {
              Advance(-item.number / 1000.0 * gs_.size * gs_.scale);
            }
          }
          return;
        default: return;
      }
    default: return;
  }
}

void PageReader::ShowString(const std::string& bytes) {
  if (gs_.font == nullptr) throw PdfRefusal{"text is shown before a font is set (Tf)"};
  const Font& font = *gs_.font;
  const size_t step = font.two_byte ? 2 : 1;
  for (size_t i = 0; i + step <= bytes.size(); i += step) {
    const uint32_t code = step == 2 ? (static_cast<uint8_t>(bytes[i]) << 8) | static_cast<uint8_t>(bytes[i + 1])
                                    : static_cast<uint8_t>(bytes[i]);
    const double w0 = font.Width(code) * font.scale;
    const Matrix trm = Multiply(Multiply(Matrix{gs_.size * gs_.scale, 0, 0, gs_.size, 0, gs_.rise}, tm_), gs_.ctm);
    const std::string* text = font.Text(code);
    if (text == nullptr) {
      char hex[8];
      std::snprintf(hex, sizeof hex, step == 2 ? "%04X" : "%02X", code);
      throw PdfRefusal{"the font " + font.label + " has no Unicode for the code <" + hex +
                       "> (no ToUnicode entry or encoding name): its text cannot be read"};
    }
    const bool upright = trm.a > 0 && trm.d > 0 && std::fabs(trm.b) < 1e-6 * trm.a && std::fabs(trm.c) < 1e-6 * trm.d;
    if (!upright) {
      ++rotated;
    } else {
      glyphs.push_back({trm.e, trm.e + w0 * trm.a, trm.f, trm.d, *text, static_cast<uint32_t>(glyphs.size())});
    }
    double tx = w0 * gs_.size + gs_.char_spacing;
    if (step == 1 && code == 32) tx += gs_.word_spacing;
    Advance(tx * gs_.scale);
  }
}

// The page as it is displayed: its /MediaBox moved to the origin and turned by its /Rotate
// (clockwise, a multiple of 90), so that text upright on the displayed page is upright here and
// x grows to the right, y upwards, from the displayed page's lower left corner.
struct PageBox {
  Matrix to_display;
  double width = 0, height = 0;
};

Result<PageBox> PageBoxOf(QPDFPageObjectHelper& page) {
  double llx = 0, lly = 0, urx = 612, ury = 792;  // US Letter when the box is missing or odd
  QPDFObjectHandle box = page.getAttribute("/MediaBox", false);
  if (box.isArray() && box.getArrayNItems() == 4) {
    double v[4];
    bool numbers = true;
    for (int k = 0; k < 4; ++k) {
      QPDFObjectHandle n = box.getArrayItem(k);
      numbers = numbers && n.isNumber();
      v[k] = n.isNumber() ? n.getNumericValue() : 0;
    }
    if (numbers && std::isfinite(v[0]) && std::isfinite(v[1]) && std::isfinite(v[2]) && std::isfinite(v[3])) {
      llx = std::min(v[0], v[2]), urx = std::max(v[0], v[2]);
      lly = std::min(v[1], v[3]), ury = std::max(v[1], v[3]);
    }
  }
  long long rotate = 0;
  QPDFObjectHandle r = page.getAttribute("/Rotate", false);
  if (r.isInteger()) {
    rotate = r.getIntValue();
  } else if (!r.isNull()) {
    return InvalidArgumentError("its /Rotate is not an integer");
  }
  if (rotate % 90 != 0) {
    return InvalidArgumentError("its /Rotate is " + std::to_string(rotate) +
                                ", not a multiple of 90 as the PDF standard requires: the page cannot be placed");
  }
  rotate = ((rotate % 360) + 360) % 360;
  const double w = urx - llx, h = ury - lly;
  const Matrix origin{1, 0, 0, 1, -llx, -lly};
  PageBox b;
  switch (rotate) {
    case 90:  // turned clockwise: the left edge is at the top
      b = {Matrix{0, -1, 1, 0, 0, w}, h, w};
      break;
    case 180:
      b = {Matrix{-1, 0, 0, -1, w, h}, w, h};
      break;
    case 270:
      b = {Matrix{0, 1, -1, 0, h, 0}, h, w};
      break;
    default:
      b = {Matrix{1, 0, 0, 1, 0, 0}, w, h};
  }
  b.to_display = Multiply(origin, b.to_display);
  return b;
}

std::string FormatPoints(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

bool LooksLikePdf(std::string_view bytes) { return bytes.substr(0, 5) == "%PDF-"; }

Status CheckPdfTemplate(const PdfTemplate& t) {
  if (t.columns.empty()) return InvalidArgumentError("[pdf] columns: at least one column's [from, to] is needed");
  for (size_t k = 0; k < t.columns.size(); ++k) {
    const auto& [from, to] = t.columns[k];
    const std::string which = "[pdf] columns[" + std::to_string(k + 1) + "] = [" + FormatPoints(from) + ", " +
                              FormatPoints(to) + "]";
    if (!std::isfinite(from) || !std::isfinite(to) || from < 0 || !(from < to)) {
      return InvalidArgumentError(which + ": expected 0 <= from < to (points from the page's left edge)");
    }
    if (k > 0 && from < t.columns[k - 1].second) {
      return InvalidArgumentError(which + ": overlaps or precedes the column before it (columns go left to right)");
    }
  }
  if (!std::isfinite(t.top) || !std::isfinite(t.bottom) || t.top < 0 || t.bottom < 0 ||
      (t.bottom > 0 && t.bottom <= t.top)) {
    return InvalidArgumentError("[pdf] region = [" + FormatPoints(t.top) + ", " + FormatPoints(t.bottom) +
                                "]: expected 0 <= top < bottom (points below the page's top edge; bottom 0: the foot)");
  }
  for (const auto& [key, pattern] : {std::pair<const char*, const std::string*>{"row_start", &t.row_start},
                                     {"balance_forward", &t.balance_forward}}) {
    if (pattern->empty()) continue;
    re2::RE2 re(*pattern, re2::RE2::Quiet);
    if (!re.ok()) {
      return InvalidArgumentError(std::string("[pdf] ") + key + " '" + Abbreviate(*pattern) +
                                  "' is not a valid pattern: " + re.error());
    }
  }
  return Status::Ok();
}

std::string PdfTemplateKey(const PdfTemplate& t) {
  std::string key = "columns";
  for (const auto& [from, to] : t.columns) key += " " + FormatPoints(from) + "-" + FormatPoints(to);
  key += " region " + FormatPoints(t.top) + "-" + FormatPoints(t.bottom);
  key += " row_start " + std::to_string(t.row_start.size()) + ":" + t.row_start;
  key += " balance_forward " + std::to_string(t.balance_forward.size()) + ":" + t.balance_forward;
  return key;
}

std::string PdfCitation(const std::vector<uint64_t>& page_first_line, uint64_t line) {
  if (line == 0 || page_first_line.empty() || line < page_first_line.front()) return {};
  const auto it = std::upper_bound(page_first_line.begin(), page_first_line.end(), line);
  const auto page = static_cast<uint64_t>(it - page_first_line.begin());
  return "page " + std::to_string(page) + ", line " + std::to_string(line - *(it - 1) + 1);
}

std::string PdfPagesText(const std::vector<uint64_t>& page_first_line) {
  std::string s = "pdf: " + std::to_string(page_first_line.size()) + " page(s); text lines from";
  for (size_t p = 0; p < page_first_line.size(); ++p) {
    s += (p == 0 ? " " : ", ") + std::to_string(page_first_line[p]) + " (page " + std::to_string(p + 1) + ")";
  }
  return s;
}

std::vector<uint64_t> ParsePdfPagesText(std::string_view custody_encoding) {
  // "pdf: N page(s); text lines from F1 (page 1), F2 (page 2), ..."
  std::vector<uint64_t> out;
  constexpr std::string_view kFrom = " page(s); text lines from";
  if (custody_encoding.substr(0, 5) != "pdf: ") return out;
  const size_t from = custody_encoding.find(kFrom);
  if (from == std::string_view::npos) return out;
  uint64_t pages = 0;
  for (char c : custody_encoding.substr(5, from - 5)) {
    if (c < '0' || c > '9' || pages > 100000000) return {};
    pages = pages * 10 + static_cast<uint64_t>(c - '0');
  }
  std::string_view rest = custody_encoding.substr(from + kFrom.size());
  while (!rest.empty()) {
    if (rest.substr(0, 1) != " " && rest.substr(0, 2) != ", ") return {};
    rest.remove_prefix(rest[0] == ',' ? 2 : 1);
    uint64_t first = 0;
    size_t digits = 0;
    while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9' && digits < 19) {
      first = first * 10 + static_cast<uint64_t>(rest[digits] - '0');
      ++digits;
    }
    const std::string page = " (page " + std::to_string(out.size() + 1) + ")";
    if (digits == 0 || rest.substr(digits, page.size()) != page) return {};
    if (!out.empty() && first < out.back()) return {};
    out.push_back(first);
    rest.remove_prefix(digits + page.size());
  }
  if (out.size() != pages) return {};
  return out;
}

std::string PdfCitationFromCustody(std::string_view custody_encoding, uint64_t line) {
  if (custody_encoding.substr(0, 5) != "pdf: ") return {};
  return PdfCitation(ParsePdfPagesText(custody_encoding), line);
}

std::string PdfCitation(const PdfText& text, uint64_t line) {
  if (line == 0 || line > text.lines.size()) return {};
  const PdfLineOrigin& o = text.lines[line - 1];
  std::string s = "page " + std::to_string(o.page) + ", line";
  if (o.lines == 0) return s + " " + std::to_string(o.line) + " (continues the line above)";
  if (o.lines > 1) return s + "s " + std::to_string(o.line) + "-" + std::to_string(o.line + o.lines - 1);
  return s + " " + std::to_string(o.line);
}

Result<PdfText> ReadPdfAsText(std::string_view bytes, const std::string& name, const PdfOptions& options) {
  if (!LooksLikePdf(bytes)) return InvalidArgumentError(name + ": not a PDF (it does not start with %PDF-)");
  PdfText out;
  uint32_t page_number = 0;
  try {
    QPDF pdf;
    pdf.setSuppressWarnings(true);
    pdf.setAttemptRecovery(false);
    try {
      pdf.processMemoryFile(name.c_str(), bytes.data(), bytes.size(), "");
    } catch (const QPDFExc& e) {
      if (e.getErrorCode() == qpdf_e_password) {
        return InvalidArgumentError(name + ": the PDF is encrypted and needs a password (its user password is not "
                                    "empty); ask the bank for an unprotected copy, or decrypt it (qpdf --decrypt)");
      }
      throw;
    }
    auto damaged = [&]() -> Status {
      std::vector<QPDFExc> w = pdf.getWarnings();
      std::string where = page_number > 0 ? ", page " + std::to_string(page_number) : std::string();
      return InvalidArgumentError(name + where + ": damaged PDF: " + Abbreviate(w.empty() ? "" : w.front().what(), 300));
    };
    if (pdf.anyWarnings()) return damaged();
    std::vector<QPDFPageObjectHelper> pages = QPDFPageDocumentHelper(pdf).getAllPages();
    if (pdf.anyWarnings()) return damaged();
    if (pages.size() > options.max_pages) {
      return InvalidArgumentError(name + ": " + std::to_string(pages.size()) + " pages, more than the " +
                                  std::to_string(options.max_pages) + " read");
    }
    if (pages.empty()) return InvalidArgumentError(name + ": the PDF has no pages");
    FontCache fonts;
    std::unique_ptr<CompiledTemplate> layout;
    if (options.layout != nullptr) {
      MT_RETURN_IF_ERROR(CheckPdfTemplate(*options.layout));
      layout = std::make_unique<CompiledTemplate>(CompiledTemplate{*options.layout, nullptr, nullptr});
      if (!options.layout->row_start.empty()) layout->row_start = std::make_unique<re2::RE2>(options.layout->row_start);
      if (!options.layout->balance_forward.empty()) {
        layout->balance_forward = std::make_unique<re2::RE2>(options.layout->balance_forward);
      }
    }
    Emitter emitter(options, out, layout.get());
    for (QPDFPageObjectHelper& page : pages) {
      ++page_number;
      PageReader reader(fonts);
      Result<PageBox> box = PageBoxOf(page);
      if (!box.ok()) {
        return InvalidArgumentError(name + ", page " + std::to_string(page_number) + ": " +
                                    std::string(box.status().message()));
      }
      reader.SetPageMatrix(box->to_display);
      try {
        QPDFObjectHandle resources = page.getAttribute("/Resources", false);
        std::string content;
        for (QPDFObjectHandle stream : page.getPageContents()) {
          content += StreamBytes(stream);
          content += '\n';  // content streams join at token boundaries
        }
        reader.Run(content, resources, 0);
      } catch (const PdfRefusal& r) {
        return InvalidArgumentError(name + ", page " + std::to_string(page_number) + ": " + r.message);
      }
      if (pdf.anyWarnings()) return damaged();
      if (reader.glyphs.empty() && reader.has_image) {
        return InvalidArgumentError(name + ", page " + std::to_string(page_number) +
                                    ": the page is an image with no text (a scanned statement?): moneytrail "
                                    "reads text PDFs only; OCR is out of scope");
      }
      out.glyphs += reader.glyphs.size();
      out.rotated_glyphs += reader.rotated;
      emitter.StartPage(box->height);
      for (const PrintedLine& line : LinesOf(reader.glyphs, page_number, options)) emitter.Add(line);
    }
    emitter.Flush();
    out.pages = page_number;
  } catch (const std::exception& e) {
    std::string where = page_number > 0 ? ", page " + std::to_string(page_number) : std::string();
    return InvalidArgumentError(name + where + ": damaged PDF: " + Abbreviate(e.what(), 300));
  }
  if (out.glyphs == 0) return InvalidArgumentError(name + ": the PDF has no text on any page");
  return out;
}

}  // namespace moneytrail::formats
