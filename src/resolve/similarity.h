// String similarity measures used by the comparison levels. All take normalised strings
// (see normalize.h) and are pure functions, safe to call from any thread.
//
// Example:
//   JaroWinkler("martha", "marhta") ~= 0.961
//   DamerauLevenshtein("19710624", "19710642") == 1   // one adjacent transposition
//   NicknameEquivalent("bob", "robert") == true
#ifndef MONEYTRAIL_SRC_RESOLVE_SIMILARITY_H_
#define MONEYTRAIL_SRC_RESOLVE_SIMILARITY_H_

#include <string_view>

namespace moneytrail::resolve_internal {

// Jaro similarity in [0, 1]; 1 for two empty strings.
double Jaro(std::string_view a, std::string_view b);

// Jaro-Winkler similarity with prefix scale 0.1 and at most 4 prefix characters.
double JaroWinkler(std::string_view a, std::string_view b);

// Upper bounds of Jaro and JaroWinkler in O(|a| + |b|): the matched characters are at most the
// characters the two strings share (as multisets), and no transposition is the best case. A
// pair whose bound is below a level's threshold cannot reach it, so most random pairs skip the
// quadratic Jaro scan. Equal to the similarity when every shared character matches in order.
double JaroUpperBound(std::string_view a, std::string_view b);
double JaroWinklerUpperBound(std::string_view a, std::string_view b);

// Edit distance with insertions, deletions and substitutions.
int Levenshtein(std::string_view a, std::string_view b);

// Optimal-string-alignment distance: Levenshtein plus transposition of adjacent characters.
int DamerauLevenshtein(std::string_view a, std::string_view b);

// Levenshtein(a, b) <= 1 (or DamerauLevenshtein with allow_transposition), in linear time.
bool WithinOneEdit(std::string_view a, std::string_view b, bool allow_transposition);

// |tokens(a) ∩ tokens(b)| / |tokens(a) ∪ tokens(b)| over space-separated tokens; 0 when
// either is empty.
double TokenJaccard(std::string_view a, std::string_view b);

// Jaro-Winkler of the two strings after sorting their tokens ("kelly grace" vs "grace kelly").
double TokenSortJaroWinkler(std::string_view a, std::string_view b);

// True when the two given names are the same or known variants of one name ("bob" and
// "robert", "bill" and "william", "peggy" and "margaret"), from a built-in English table.
bool NicknameEquivalent(std::string_view a, std::string_view b);

// True when one side is an initial (a single letter, optionally the first token of several
// "j r") whose letter starts the other side's first token.
bool InitialMatch(std::string_view a, std::string_view b);

// True when one is a prefix of the other and the shorter has at least `min_length` chars.
bool PrefixMatch(std::string_view a, std::string_view b, int min_length);

// For two YYYYMMDD dates: true when they differ only by swapping day and month.
bool DayMonthTransposed(std::string_view a, std::string_view b);

// For two YYYYMMDD dates: absolute difference in years, or -1 when either is malformed.
int YearDifference(std::string_view a, std::string_view b);

}  // namespace moneytrail::resolve_internal

#endif  // MONEYTRAIL_SRC_RESOLVE_SIMILARITY_H_
