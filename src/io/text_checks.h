// Internal: byte-level checks of input text (valid UTF-8, no NUL, bounded field length), text
// quoted safely into messages, and decoding of a declared encoding into UTF-8 (glibc iconv).
#ifndef MONEYTRAIL_SRC_IO_TEXT_CHECKS_H_
#define MONEYTRAIL_SRC_IO_TEXT_CHECKS_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "moneytrail/status.h"

namespace moneytrail::io_internal {

// The longest field a row may hold (docs/format/mapping.md, "Limits"). A longer one rejects its
// row: no account number, name or description is this long, and it keeps one hostile value
// from filling the store's dictionaries.
inline constexpr size_t kMaxFieldBytes = 4096;
// Messages quote at most this many bytes of a bad value (or a header).
inline constexpr size_t kMaxQuotedBytes = 200;

// True when every byte of `text` is ASCII (< 0x80) and none is NUL: such text needs no further
// check. SSE2 when available; used on whole chunks so that clean input costs one pass.
bool AsciiWithoutNul(std::string_view text);

// Empty when `text` is valid UTF-8 (RFC 3629: no overlong forms, no surrogates, at most
// U+10FFFF) without NUL; else the reason naming the byte offset and value, e.g.
// "byte 7 (0xC9) is not valid UTF-8".
std::string Utf8Problem(std::string_view text);

// `text` for a message: at most kMaxQuotedBytes (cut on a character boundary, with the total
// length noted), invalid UTF-8 bytes, NUL and other control characters as \xNN. The result is
// always valid UTF-8.
std::string QuoteForMessage(std::string_view text, size_t max_bytes = kMaxQuotedBytes);

// Encodings a mapping may declare ([format] encoding), as written in a mapping.
// Returns the canonical name ("utf-8", "windows-1252", "iso-8859-1", "utf-16") or
// InvalidArgument listing the accepted names.
Result<std::string> CanonicalEncoding(std::string_view name);

// Decodes `bytes` from `encoding` (canonical, not utf-8) into UTF-8 with iconv. "utf-16" reads
// a byte-order mark (FF FE: little-endian, FE FF: big-endian; none: InvalidArgument). A byte
// sequence the encoding does not define (e.g. 0x81 in windows-1252) becomes the byte 0xFF,
// which is never valid UTF-8, so the row holding it is rejected with its reason rather than
// the whole file refused. A trailing incomplete UTF-16 unit likewise becomes 0xFF.
Result<std::string> DecodeToUtf8(std::string_view bytes, const std::string& encoding);

}  // namespace moneytrail::io_internal

#endif  // MONEYTRAIL_SRC_IO_TEXT_CHECKS_H_
