// Comparison levels ("exact", "jaro_winkler>=0.92", "damerau<=1", "nickname", ...) and
// blocking keys ("surname", "first_name:first=3", "dob:year"): their text syntax and their
// evaluation on normalised values. docs/resolve.md lists every level and transform.
//
// Example:
//   MT_ASSIGN_OR_RETURN(LevelSpec level, ParseLevel("jaro_winkler>=0.9"));
//   LevelHolds(level, {"martha", "", "marhta", ""}) == true
#ifndef MONEYTRAIL_SRC_RESOLVE_LEVELS_H_
#define MONEYTRAIL_SRC_RESOLVE_LEVELS_H_

#include <string>
#include <string_view>

#include "moneytrail/status.h"

namespace moneytrail::resolve_internal {

enum class LevelKind {
  kExact,           // equal
  kJaroWinkler,     // jaro_winkler>=x
  kJaro,            // jaro>=x
  kLevenshtein,     // levenshtein<=k
  kDamerau,         // damerau<=k (adjacent transpositions count one edit)
  kNickname,        // known variants of one given name
  kInitial,         // one side is the other's initial
  kPrefix,          // prefix>=n: one is a prefix of the other, shorter has >= n chars
  kSwapped,         // equals the other record's swap column (first/last name swapped)
  kTokenSet,        // token_set>=x: Jaccard similarity of the token sets
  kTokenSortJw,     // token_sort_jaro_winkler>=x
  kDateTransposed,  // day and month swapped (YYYYMMDD values)
  kYears,           // years<=k: |year difference| <= k (YYYYMMDD values)
  kCommonPrefix,    // common_prefix>=n: the first n characters are equal
  kSuffix,          // suffix>=n: the last n characters are equal (phones)
  kEmailLocal,      // the parts before '@' are equal
  kContains,        // one value contains the other as a whole token sequence
};

struct LevelSpec {
  LevelKind kind = LevelKind::kExact;
  double param = 0;
  std::string label;
};

// The values a level looks at: both records' comparison values and swap-column values.
struct LevelInput {
  std::string_view left;
  std::string_view left_swap;
  std::string_view right;
  std::string_view right_swap;
  // Jaro-Winkler of left and right, computed once per pair by the first level that needs it.
  mutable double jaro_winkler = -1;
  mutable double jaro_winkler_bound = -1;  // JaroWinklerUpperBound, computed once
};

// Parses a level; InvalidArgument naming the text and the expected forms.
Result<LevelSpec> ParseLevel(std::string_view text);

// True when the level holds. REQUIRES: left and right non-empty.
bool LevelHolds(const LevelSpec& level, const LevelInput& input);

enum class KeyTransform {
  kNone, kFirst, kYear, kMonthDay, kSoundex, kLocal, kDomain, kSortedTokens, kFirstToken,
  kLastToken,
};

struct BlockingKey {
  std::string column;
  KeyTransform transform = KeyTransform::kNone;
  int length = 0;  // for kFirst
};

Result<BlockingKey> ParseBlockingKey(std::string_view text);

// The key of a normalised value; empty when the value is empty or the transform yields nothing.
std::string ApplyKeyTransform(const BlockingKey& key, std::string_view normalized);

// American Soundex of the first token ("robert" -> "r163"); empty for no letters.
std::string Soundex(std::string_view s);

}  // namespace moneytrail::resolve_internal

#endif  // MONEYTRAIL_SRC_RESOLVE_LEVELS_H_
