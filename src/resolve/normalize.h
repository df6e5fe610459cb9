// Normalisation of party fields before blocking and comparison: case and diacritic folding,
// punctuation, and field-specific canonical forms (dates, phones, emails, addresses).
//
// Example:
//   Normalize(Normalizer::kDate, "26/04/1991", DateOrder::kDayMonthYear) == "19910426"
//   Normalize(Normalizer::kPhone, "+44 (0)20 7946 0958") == "2079460958"
#ifndef MONEYTRAIL_SRC_RESOLVE_NORMALIZE_H_
#define MONEYTRAIL_SRC_RESOLVE_NORMALIZE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moneytrail::resolve_internal {

enum class Normalizer {
  kRaw,       // unchanged except trimmed
  kText,      // folded to lower-case ASCII, punctuation to spaces, spaces collapsed
  kName,      // kText, apostrophes dropped ("O'Brien" -> "obrien"), titles dropped
  kDate,      // YYYYMMDD, or empty when no date can be read
  kPhone,     // the last 10 digits; empty when fewer than 6 digits
  kEmail,     // lower case, "+tag" dropped from the local part
  kAddress,   // kText with street-type words abbreviated ("street" -> "st")
  kPostcode,  // lower-case letters and digits only
  kDigits,    // digits only
  kId,        // lower-case letters and digits only
};

enum class DateOrder { kYearMonthDay, kDayMonthYear, kMonthDayYear };

// Parses a normaliser name ("text", "name", "date", ...).
std::optional<Normalizer> ParseNormalizer(std::string_view name);

// Lower-cases ASCII and folds Latin-1 and Latin Extended-A letters to their base letter
// ("Zoë Ł" -> "zoe l"); other non-ASCII code points become spaces.
std::string FoldToAscii(std::string_view utf8);

// The non-empty space-separated tokens of `s` (views into `s`).
std::vector<std::string_view> SplitTokens(std::string_view s);

// Returns the canonical form of `value` under `normalizer`. `order` says how to read
// slash- or dot-separated dates; ISO dates (YYYY-MM-DD) and YYYYMMDD are always read as such.
std::string Normalize(Normalizer normalizer, std::string_view value,
                      DateOrder order = DateOrder::kYearMonthDay);

}  // namespace moneytrail::resolve_internal

#endif  // MONEYTRAIL_SRC_RESOLVE_NORMALIZE_H_
