// Internal to src/formats: glyph codes to Unicode for the PDF text reader (pdf.cc). C++17-clean
// (pdf.cc is compiled as C++17 under clang: src/formats/CMakeLists.txt).
//
// Example:
//   std::unordered_map<uint32_t, std::string> map;
//   ParseToUnicode(cmap_bytes, map);            // code -> UTF-8
//   uint32_t cp = GlyphNameToUnicode("Euro");   // 0x20AC
#ifndef MONEYTRAIL_SRC_FORMATS_PDF_UNICODE_H_
#define MONEYTRAIL_SRC_FORMATS_PDF_UNICODE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace moneytrail::formats_internal {

// UTF-16BE bytes (a ToUnicode destination) as UTF-8; "" when not valid UTF-16 or a control.
std::string Utf16BeToUtf8(std::string_view b);
// The code point of a byte in WinAnsiEncoding (Windows-1252), or in StandardEncoding; 0 when the
// code is unused.
uint32_t WinAnsi(uint8_t code);
uint32_t Standard(uint8_t code);
// The Adobe Glyph List's names for the glyphs statements print (Latin text, digits, currency and
// punctuation), plus uniXXXX and uXXXX[XX]; 0 for any other name.
uint32_t GlyphNameToUnicode(const std::string& glyph);
// Reads a ToUnicode CMap's bfchar and bfrange mappings into `out` (code -> UTF-8); what it cannot
// read is left out.
void ParseToUnicode(std::string_view cmap, std::unordered_map<uint32_t, std::string>& out);

}  // namespace moneytrail::formats_internal

#endif  // MONEYTRAIL_SRC_FORMATS_PDF_UNICODE_H_
