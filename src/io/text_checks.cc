#include "text_checks.h"

#include <iconv.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <memory>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace moneytrail::io_internal {

bool AsciiWithoutNul(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i zero = _mm_setzero_si128();
  __m128i high = zero, nul = zero;
  for (; i + 16 <= n; i += 16) {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    high = _mm_or_si128(high, block);
    nul = _mm_or_si128(nul, _mm_cmpeq_epi8(block, zero));
  }
  if (_mm_movemask_epi8(high) != 0 || _mm_movemask_epi8(nul) != 0) return false;
#endif
  for (; i < n; ++i) {
    if (p[i] == 0 || p[i] >= 0x80) return false;
  }
  return true;
}

namespace {

// Length of the valid UTF-8 sequence starting at text[i] (1-4), or 0 when invalid.
size_t Utf8SequenceLength(std::string_view text, size_t i) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  const unsigned char c = p[i];
  if (c < 0x80) return 1;
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;       // no overlong forms
    if (c == 0xED) hi = 0x9F;       // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;       // no overlong forms
    if (c == 0xF4) hi = 0x8F;       // at most U+10FFFF
  } else {
    return 0;
  }
  if (i + len > n) return 0;
  if (p[i + 1] < lo || p[i + 1] > hi) return 0;
  for (size_t k = 2; k < len; ++k) {
    if (p[i + k] < 0x80 || p[i + k] > 0xBF) return 0;
  }
  return len;
}

std::string Hex(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", c);
  return buf;
}

}  // namespace

std::string Utf8Problem(std::string_view text) {
  if (AsciiWithoutNul(text)) return {};
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == 0) return "byte " + std::to_string(i + 1) + " is NUL (0x00)";
    size_t len = Utf8SequenceLength(text, i);
    if (len == 0) {
      return "byte " + std::to_string(i + 1) + " (" + Hex(c) +
             ") is not valid UTF-8 (declare the file's encoding in the mapping: [format] "
             "encoding, docs/format/mapping.md)";
    }
    i += len;
  }
  return {};
}

std::string QuoteForMessage(std::string_view text, size_t max_bytes) {
  std::string out;
  size_t i = 0;
  for (; i < text.size() && out.size() < max_bytes;) {
    const auto c = static_cast<unsigned char>(text[i]);
    size_t len = Utf8SequenceLength(text, i);
    if (len == 0 || c < 0x20 || c == 0x7F) {
      if (c == '\t') {
        out += '\t';
      } else {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\x%02X", c);
        out += buf;
      }
      ++i;
      continue;
    }
    out.append(text.substr(i, len));
    i += len;
  }
  if (i < text.size()) {
    out += "... (" + std::to_string(text.size()) + " bytes in all)";
  }
  return out;
}

Result<std::string> CanonicalEncoding(std::string_view name) {
  std::string lower;
  for (char c : name) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (lower == "utf-8" || lower == "utf8") return std::string("utf-8");
  if (lower == "windows-1252" || lower == "cp1252") return std::string("windows-1252");
  if (lower == "iso-8859-1" || lower == "latin1" || lower == "latin-1") {
    return std::string("iso-8859-1");
  }
  if (lower == "utf-16" || lower == "utf16") return std::string("utf-16");
  return InvalidArgumentError("encoding '" + std::string(name) +
                              "' is not one of utf-8, windows-1252, iso-8859-1, utf-16");
}

Result<std::string> DecodeToUtf8(std::string_view bytes, const std::string& encoding) {
  std::string from;
  size_t unit = 1;  // bytes skipped past an undefined sequence
  if (encoding == "windows-1252") {
    from = "WINDOWS-1252";
  } else if (encoding == "iso-8859-1") {
    from = "ISO-8859-1";
  } else if (encoding == "utf-16") {
    unit = 2;
    if (bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0xFF &&
        static_cast<unsigned char>(bytes[1]) == 0xFE) {
      from = "UTF-16LE";
    } else if (bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0xFE &&
               static_cast<unsigned char>(bytes[1]) == 0xFF) {
      from = "UTF-16BE";
    } else {
      return InvalidArgumentError(
          "declared utf-16 but the file does not start with a byte-order mark (FF FE or FE FF)");
    }
    bytes.remove_prefix(2);
  } else {
    return InvalidArgumentError("cannot decode from '" + encoding + "'");
  }
  // One converter per thread and source encoding, kept: opening one costs more than decoding
  // a small statement.
  struct Converter {
    std::string from;
    iconv_t cd = reinterpret_cast<iconv_t>(-1);
    ~Converter() {
      if (cd != reinterpret_cast<iconv_t>(-1)) iconv_close(cd);
    }
  };
  thread_local Converter converter;
  if (converter.from != from) {
    if (converter.cd != reinterpret_cast<iconv_t>(-1)) iconv_close(converter.cd);
    converter.from.clear();
    converter.cd = iconv_open("UTF-8", from.c_str());
    if (converter.cd == reinterpret_cast<iconv_t>(-1)) {
      return InternalError("iconv cannot convert from " + from);
    }
    converter.from = from;
  }
  iconv_t cd = converter.cd;
  iconv(cd, nullptr, nullptr, nullptr, nullptr);  // the initial state, whatever came before
  std::string out;
  // Appends the UTF-8 of `data` (whole units) to `out`.
  auto convert = [&](const char* data, size_t size) {
    size_t used = out.size();
    out.resize(used + size * (unit == 1 ? 3 : 2) + 16);  // enough: 1 byte -> <= 3, 2 -> <= 3 (4 per pair)
    char* in = const_cast<char*>(data);
    size_t in_left = size;
    char* dst = out.data() + used;
    size_t out_left = out.size() - used;
    while (in_left > 0) {
      size_t r = iconv(cd, &in, &in_left, &dst, &out_left);
      if (r != static_cast<size_t>(-1)) break;
      if (errno == E2BIG) {
        size_t at = static_cast<size_t>(dst - out.data());
        out.resize(out.size() * 2);
        dst = out.data() + at;
        out_left = out.size() - at;
        continue;
      }
      // EILSEQ (undefined sequence) or EINVAL (incomplete at the end): mark and move on.
      if (out_left == 0) {
        size_t at = static_cast<size_t>(dst - out.data());
        out.resize(out.size() * 2);
        dst = out.data() + at;
        out_left = out.size() - at;
      }
      *dst++ = static_cast<char>(0xFF);
      --out_left;
      size_t skip = std::min(unit, in_left);
      in += skip;
      in_left -= skip;
    }
    out.resize(static_cast<size_t>(dst - out.data()));
  };
  if (unit == 2) {
    convert(bytes.data(), bytes.size());
    return out;
  }
  // The single-byte encodings map bytes 0x00-0x7F to themselves, as UTF-8 does: runs of them
  // are copied, and iconv converts the other bytes (statement text is mostly ASCII).
  out.reserve(bytes.size() + bytes.size() / 8 + 16);
  size_t i = 0;
  while (i < bytes.size()) {
    size_t j = i;
    while (j < bytes.size() && static_cast<unsigned char>(bytes[j]) < 0x80) ++j;
    out.append(bytes.data() + i, j - i);
    size_t k = j;
    while (k < bytes.size() && static_cast<unsigned char>(bytes[k]) >= 0x80) ++k;
    if (k > j) convert(bytes.data() + j, k - j);
    i = k;
  }
  return out;
}

}  // namespace moneytrail::io_internal
