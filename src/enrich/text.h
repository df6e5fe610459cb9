// Text helpers of the enrich module (internal).
#ifndef MONEYTRAIL_SRC_ENRICH_TEXT_H_
#define MONEYTRAIL_SRC_ENRICH_TEXT_H_

#include <string>
#include <string_view>
#include <vector>

namespace moneytrail::enrich {

// Upper-case ASCII letters and digits of `text`, Latin accents folded ("É" -> "E", "ß" -> "SS");
// any other character becomes a space. A byte that is not part of valid UTF-8 is read as
// Windows-1252/Latin-1. With `drop_joiners`, apostrophes and periods are dropped ("S.A." ->
// "SA") and "&" becomes " AND ".
std::string FoldUpperAscii(std::string_view text, bool drop_joiners);

// The non-empty space-separated tokens of `s` (views into `s`).
std::vector<std::string_view> SplitSpaces(std::string_view s);

// The candidate nearest to `word` by edit distance (first on ties): moneytrail/edit_distance.h.
std::string_view Nearest(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace moneytrail::enrich

#endif  // MONEYTRAIL_SRC_ENRICH_TEXT_H_
