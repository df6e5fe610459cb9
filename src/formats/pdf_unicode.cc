// Glyph codes to Unicode for the PDF text reader (pdf.cc, docs/format/pdf.md): UTF-16BE
// ToUnicode destinations, the WinAnsi and Standard encodings, the Adobe glyph names statements
// print, and ToUnicode CMaps (bfchar, bfrange). Pure functions of their bytes, no qpdf.
#include "pdf_unicode.h"

#include <array>
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "utf8.h"

namespace moneytrail::formats_internal {

// ---- Unicode ------------------------------------------------------------------------------

// UTF-16BE bytes (a ToUnicode destination) as UTF-8; "" when not valid UTF-16 or a control.
std::string Utf16BeToUtf8(std::string_view b) {
  std::string out;
  if (b.size() % 2 != 0) return out;
  for (size_t i = 0; i + 1 < b.size(); i += 2) {
    uint32_t u = (static_cast<uint8_t>(b[i]) << 8) | static_cast<uint8_t>(b[i + 1]);
    if (u >= 0xD800 && u < 0xDC00) {
      if (i + 3 >= b.size()) return {};
      uint32_t lo = (static_cast<uint8_t>(b[i + 2]) << 8) | static_cast<uint8_t>(b[i + 3]);
      if (lo < 0xDC00 || lo >= 0xE000) return {};
      u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
      i += 2;
    } else if (u >= 0xDC00 && u < 0xE000) {
      return {};
    }
    if (u == 0 || u == 0xFFFD) return {};
    if (u < 0x20 || (u >= 0x7F && u < 0xA0)) u = ' ';  // a control: printed as a blank
    formats_internal::AppendUtf8(out, u);
  }
  return out;
}

namespace {

// Windows-1252's 0x80-0x9F (WinAnsiEncoding); 0 = unused.
constexpr std::array<uint16_t, 32> kWinAnsiHigh = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

}  // namespace

uint32_t WinAnsi(uint8_t code) {
  if (code >= 0x20 && code < 0x7F) return code;
  if (code >= 0x80 && code < 0xA0) return kWinAnsiHigh[code - 0x80];
  if (code >= 0xA0) return code;  // Latin-1
  return 0;
}

uint32_t Standard(uint8_t code) {
  if (code == 0x27) return 0x2019;  // quoteright
  if (code == 0x60) return 0x2018;  // quoteleft
  if (code >= 0x20 && code < 0x7F) return code;
  switch (code) {
    case 0xA1: return 0xA1; case 0xA2: return 0xA2; case 0xA3: return 0xA3; case 0xA5: return 0xA5;
    case 0xA7: return 0xA7; case 0xA9: return 0x27; case 0xAA: return 0x201C; case 0xB1: return 0x2013;
    case 0xB7: return 0xB6; case 0xB8: return 0x2022; case 0xBA: return 0x201D; case 0xBC: return 0x2026;
    case 0xD0: return 0x2014; default: return 0;
  }
}

// The Adobe Glyph List's names for the glyphs statements print (Latin text, digits, currency
// and punctuation), plus uniXXXX and uXXXX[XX].
uint32_t GlyphNameToUnicode(const std::string& glyph) {
  static const std::unordered_map<std::string, uint32_t> kNames = [] {
    std::unordered_map<std::string, uint32_t> m;
    const char* ascii[] = {"space", "exclam", "quotedbl", "numbersign", "dollar", "percent",
                           "ampersand", "quotesingle", "parenleft", "parenright", "asterisk", "plus",
                           "comma", "hyphen", "period", "slash", "zero", "one", "two", "three",
                           "four", "five", "six", "seven", "eight", "nine", "colon", "semicolon",
                           "less", "equal", "greater", "question", "at"};
    for (uint32_t i = 0; i < std::size(ascii); ++i) m[ascii[i]] = 0x20 + i;
    for (char ch = 'A'; ch <= 'Z'; ++ch) m[std::string(1, ch)] = static_cast<uint32_t>(ch);
    for (char ch = 'a'; ch <= 'z'; ++ch) m[std::string(1, ch)] = static_cast<uint32_t>(ch);
    const std::pair<const char*, uint32_t> more[] = {
        {"bracketleft", '['}, {"backslash", '\\'}, {"bracketright", ']'}, {"asciicircum", '^'},
        {"underscore", '_'}, {"grave", '`'}, {"braceleft", '{'}, {"bar", '|'}, {"braceright", '}'},
        {"asciitilde", '~'}, {"quoteleft", 0x2018}, {"quoteright", 0x2019}, {"quotedblleft", 0x201C},
        {"quotedblright", 0x201D}, {"endash", 0x2013}, {"emdash", 0x2014}, {"bullet", 0x2022},
        {"ellipsis", 0x2026}, {"Euro", 0x20AC}, {"sterling", 0xA3}, {"yen", 0xA5}, {"cent", 0xA2},
        {"section", 0xA7}, {"degree", 0xB0}, {"minus", 0x2212}, {"nbspace", 0xA0},
        {"periodcentered", 0xB7}, {"copyright", 0xA9}, {"registered", 0xAE}, {"trademark", 0x2122},
        {"eacute", 0xE9}, {"egrave", 0xE8}, {"aacute", 0xE1}, {"agrave", 0xE0}, {"oacute", 0xF3},
        {"uacute", 0xFA}, {"iacute", 0xED}, {"ntilde", 0xF1}, {"Eacute", 0xC9}, {"Ntilde", 0xD1},
        {"udieresis", 0xFC}, {"odieresis", 0xF6}, {"adieresis", 0xE4}, {"Udieresis", 0xDC},
        {"Odieresis", 0xD6}, {"Adieresis", 0xC4}, {"germandbls", 0xDF}, {"ccedilla", 0xE7},
        {"Ccedilla", 0xC7}, {"fi", 0xFB01}, {"fl", 0xFB02}};
    for (const auto& [n, u] : more) m[n] = u;
    return m;
  }();
  if (auto it = kNames.find(glyph); it != kNames.end()) return it->second;
  auto hex = [](std::string_view s) -> uint32_t {
    uint32_t v = 0;
    for (char ch : s) {
      int d = (ch >= '0' && ch <= '9') ? ch - '0' : (ch >= 'A' && ch <= 'F') ? ch - 'A' + 10 : -1;
      if (d < 0) return 0;
      v = v * 16 + static_cast<uint32_t>(d);
    }
    return v;
  };
  if (glyph.size() == 7 && glyph.compare(0, 3, "uni") == 0) return hex(std::string_view(glyph).substr(3));
  if ((glyph.size() == 5 || glyph.size() == 7) && glyph[0] == 'u') return hex(std::string_view(glyph).substr(1));
  return 0;
}

// ---- ToUnicode CMaps ----------------------------------------------------------------------

namespace {

struct CMapToken {
  enum Kind { kHex, kWord, kOpen, kClose, kOther, kEnd } kind = kEnd;
  std::string text;  // kHex: the bytes; kWord: the keyword or name
};

class CMapLexer {
 public:
  explicit CMapLexer(std::string_view s) : s_(s) {}
  CMapToken Next() {
    while (i_ < s_.size()) {
      const char ch = s_[i_];
      if (ch == '%') {
        while (i_ < s_.size() && s_[i_] != '\n' && s_[i_] != '\r') ++i_;
      } else if (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t' || ch == '\f' || ch == '\0') {
        ++i_;
      } else {
        break;
      }
    }
    if (i_ >= s_.size()) return {};
    const char ch = s_[i_];
    if (ch == '<' && i_ + 1 < s_.size() && s_[i_ + 1] == '<') {
      i_ += 2;
      return {CMapToken::kOther, "<<"};
    }
    if (ch == '<') {
      ++i_;
      std::string bytes;
      int half = -1;
      while (i_ < s_.size() && s_[i_] != '>') {
        const char h = s_[i_++];
        int d = (h >= '0' && h <= '9') ? h - '0' : (h >= 'a' && h <= 'f') ? h - 'a' + 10
                : (h >= 'A' && h <= 'F') ? h - 'A' + 10 : -1;
        if (d < 0) continue;  // whitespace inside a hex string
        if (half < 0) {
          half = d;
        } else {
          bytes += static_cast<char>(half * 16 + d);
          half = -1;
        }
      }
      if (half >= 0) bytes += static_cast<char>(half * 16);
      ++i_;
      return {CMapToken::kHex, bytes};
    }
    if (ch == '[') return ++i_, CMapToken{CMapToken::kOpen, "["};
    if (ch == ']') return ++i_, CMapToken{CMapToken::kClose, "]"};
    if (ch == '(') {  // a literal string (rare in CMaps): skipped, balanced
      int depth = 0;
      while (i_ < s_.size()) {
        const char c = s_[i_++];
        if (c == '\\') ++i_;
        else if (c == '(') ++depth;
        else if (c == ')' && --depth == 0) break;
      }
      return {CMapToken::kOther, "()"};
    }
    size_t start = i_;
    ++i_;
    while (i_ < s_.size() && std::string_view(" \n\r\t\f\0<>[]()/%", 15).find(s_[i_]) == std::string_view::npos) ++i_;
    return {CMapToken::kWord, std::string(s_.substr(start, i_ - start))};
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

uint32_t CodeOf(const std::string& bytes) {
  uint32_t v = 0;
  for (size_t i = 0; i < bytes.size() && i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(bytes[i]);
  return v;
}

}  // namespace

// Reads bfchar and bfrange mappings into `out` (code -> UTF-8).
void ParseToUnicode(std::string_view cmap, std::unordered_map<uint32_t, std::string>& out) {
  CMapLexer lex(cmap);
  for (CMapToken t = lex.Next(); t.kind != CMapToken::kEnd; t = lex.Next()) {
    if (t.kind != CMapToken::kWord) continue;
    if (t.text == "beginbfchar") {
      for (;;) {
        CMapToken src = lex.Next();
        if (src.kind != CMapToken::kHex) break;
        CMapToken dst = lex.Next();
        if (dst.kind == CMapToken::kHex) {
          out[CodeOf(src.text)] = Utf16BeToUtf8(dst.text);
        } else if (dst.kind == CMapToken::kWord && !dst.text.empty() && dst.text[0] == '/') {
          std::string u;
          if (uint32_t cp = GlyphNameToUnicode(dst.text.substr(1)); cp != 0) formats_internal::AppendUtf8(u, cp);
          out[CodeOf(src.text)] = u;
        } else {
          break;
        }
      }
    } else if (t.text == "beginbfrange") {
      for (;;) {
        CMapToken lo = lex.Next();
        if (lo.kind != CMapToken::kHex) break;
        CMapToken hi = lex.Next();
        if (hi.kind != CMapToken::kHex) break;
        const uint32_t from = CodeOf(lo.text), to = CodeOf(hi.text);
        if (to < from || to - from > 65535) break;
        CMapToken dst = lex.Next();
        if (dst.kind == CMapToken::kHex) {
          std::string d = dst.text;
          for (uint32_t code = from; code <= to; ++code) {
            out[code] = Utf16BeToUtf8(d);
            if (!d.empty()) {  // the destination's last byte counts up
              for (size_t k = d.size(); k-- > 0;) {
                d[k] = static_cast<char>(static_cast<uint8_t>(d[k]) + 1);
                if (d[k] != 0) break;
              }
            }
          }
        } else if (dst.kind == CMapToken::kOpen) {
          uint32_t code = from;
          for (CMapToken e = lex.Next(); e.kind == CMapToken::kHex; e = lex.Next()) {
            if (code <= to) out[code] = Utf16BeToUtf8(e.text);
            ++code;
          }
        } else {
          break;
        }
      }
    }
  }
}

}  // namespace moneytrail::formats_internal
