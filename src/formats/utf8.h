// Internal to src/formats: UTF-8 encoding of one code point, shared by the OFX entity decoder
// and the PDF text reader. Kept apart from format_util.h because pdf.cc is compiled as C++17
// under clang (see src/formats/CMakeLists.txt) and must not reach the C++20 public headers.
//
// Example:
//   std::string s;
//   formats_internal::AppendUtf8(s, 0x20AC);  // "€"
#ifndef MONEYTRAIL_SRC_FORMATS_UTF8_H_
#define MONEYTRAIL_SRC_FORMATS_UTF8_H_

#include <cstdint>
#include <string>

namespace moneytrail::formats_internal {

// Appends code point `cp` (REQUIRES: at most U+10FFFF) to `out` as UTF-8.
void AppendUtf8(std::string& out, uint32_t cp);

}  // namespace moneytrail::formats_internal

#endif  // MONEYTRAIL_SRC_FORMATS_UTF8_H_
