// Internal: small pieces the statement readers share: dates, exact amounts with a given
// decimal mark, positioned error messages, and the channel maps of bank transaction codes.
#ifndef MONEYTRAIL_SRC_FORMATS_FORMAT_UTIL_H_
#define MONEYTRAIL_SRC_FORMATS_FORMAT_UTIL_H_

#include <optional>
#include <string>
#include <string_view>

#include "moneytrail/formats.h"
#include "moneytrail/money.h"
#include "moneytrail/status.h"
#include "utf8.h"

namespace moneytrail::formats_internal {

// "name:line:column: field 'value': expected" as an InvalidArgument (column 0 is left out).
Status PositionError(const std::string& name, formats::SourcePosition at, std::string_view field,
                     std::string_view value, std::string_view expected);

// Midnight UTC of a civil date; nullopt when the date does not exist.
std::optional<Timestamp> CivilDay(int year, int month, int day);
// "YYYY-MM-DD" optionally followed by a time ("T..."): the date part.
std::optional<Timestamp> ParseIsoDay(std::string_view text);
// "YYMMDD" (SWIFT, BAI2): years 00-69 -> 20xx, 70-99 -> 19xx (the SWIFT convention); "YYYYMMDD"
// with `four_digit_year`.
std::optional<Timestamp> ParseCompactDay(std::string_view text, bool four_digit_year);

// Non-negative exact amount with `decimal_mark` ('.' camt/OFX, ',' SWIFT); a trailing mark
// ("100,") is allowed. nullopt when not digits[mark digits].
std::optional<Decimal> ParseUnsignedAmount(std::string_view text, char decimal_mark);
// -d (d.units negated).
Decimal Negated(Decimal d);

// ISO-8859-1 bytes as UTF-8.
std::string Latin1ToUtf8(std::string_view s);
// Strict UTF-8 (no overlong forms, no surrogates, at most U+10FFFF).
bool IsValidUtf8(std::string_view s);
// `s` with every byte that is not part of a valid UTF-8 sequence replaced by '?' (a reader's
// fixed-width slice of decoded text must never hand on half a character).
std::string SanitizeUtf8(std::string_view s);
// SanitizeUtf8 on every text of `p` (accounts, ids, currencies, entry texts), in place.
void SanitizeTexts(formats::ParsedStatements& p);

// Trims ASCII spaces, tabs and line ends.
std::string_view TrimSpaces(std::string_view s);
// Joins `piece` to `out` with one space (no space when either is empty).
void AppendWithSpace(std::string& out, std::string_view piece);
// Appends `field` as one CSV field: quoted (inner quotes doubled) when it holds `delimiter` or a
// quote, as written otherwise. Line breaks are kept (callers that need one row per line replace
// them first).
void AppendCsvField(std::string& out, std::string_view field, char delimiter);

// Channel of an ISO 20022 bank transaction code (domain/family/subfamily, e.g. "PMNT","RCDT",
// "ESCT") or, when those are empty, of a proprietary code (SWIFT "NTRF", "NCHK"...).
Channel CamtChannel(std::string_view domain, std::string_view family, std::string_view subfamily,
                    std::string_view proprietary);
// Channel of a SWIFT :61: transaction type ("NTRF", "NCHK", "S103", "FCHG") and, when the :86:
// starts with a German GVC code (3 digits), of that code. docs/format/mt940.md.
Channel SwiftChannel(std::string_view type, std::string_view gvc);

}  // namespace moneytrail::formats_internal

#endif  // MONEYTRAIL_SRC_FORMATS_FORMAT_UTIL_H_
