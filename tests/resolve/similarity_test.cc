#include "resolve/similarity.h"

#include <random>
#include <string>

#include <gtest/gtest.h>

namespace moneytrail::resolve_internal {
namespace {

TEST(SimilarityTest, JaroWinklerMatchesPublishedValues) {
  // Winkler (1990) and the usual textbook examples.
  EXPECT_NEAR(Jaro("martha", "marhta"), 0.9444, 1e-4);
  EXPECT_NEAR(JaroWinkler("martha", "marhta"), 0.9611, 1e-4);
  EXPECT_NEAR(JaroWinkler("dwayne", "duane"), 0.84, 1e-4);
  EXPECT_NEAR(JaroWinkler("dixon", "dicksonx"), 0.8133, 1e-4);
  EXPECT_DOUBLE_EQ(JaroWinkler("abc", "abc"), 1.0);
  EXPECT_DOUBLE_EQ(JaroWinkler("abc", "xyz"), 0.0);
}

// The bounds that let most pairs skip the Jaro scan never undercut the similarity.
TEST(SimilarityTest, JaroBoundsAreUpperBoundsOnRandomStrings) {
  std::mt19937 rng(4242);
  size_t tight = 0;
  for (int i = 0; i < 20000; ++i) {
    auto word = [&] {
      std::string w(rng() % 12, 'a');
      for (char& c : w) c = static_cast<char>('a' + rng() % (i % 2 ? 4 : 26));
      return w;
    };
    const std::string a = word(), b = i % 7 == 0 ? a : word();
    ASSERT_GE(JaroUpperBound(a, b) + 1e-12, Jaro(a, b)) << "'" << a << "' '" << b << "'";
    ASSERT_GE(JaroWinklerUpperBound(a, b) + 1e-12, JaroWinkler(a, b)) << "'" << a << "' '" << b << "'";
    tight += JaroWinklerUpperBound(a, b) == JaroWinkler(a, b);
  }
  EXPECT_GT(tight, 2000u);  // equal strings and in-order matches make the bound exact
  EXPECT_LT(JaroWinklerUpperBound("martha", "xyz"), 0.1);
}

TEST(SimilarityTest, EmptyValuesAreNotSimilar) {
  EXPECT_DOUBLE_EQ(JaroWinkler("", "anna"), 0.0);
  EXPECT_EQ(Levenshtein("", "abc"), 3);
  EXPECT_EQ(DamerauLevenshtein("abc", ""), 3);
  EXPECT_DOUBLE_EQ(TokenJaccard("", ""), 0.0);
  EXPECT_FALSE(NicknameEquivalent("", "bob"));
  EXPECT_FALSE(InitialMatch("", "j"));
}

TEST(SimilarityTest, DamerauCountsAnAdjacentTranspositionAsOneEdit) {
  EXPECT_EQ(Levenshtein("19710624", "19710642"), 2);
  EXPECT_EQ(DamerauLevenshtein("19710624", "19710642"), 1);
  EXPECT_EQ(DamerauLevenshtein("hannagan", "hannaan"), 1);
  EXPECT_EQ(Levenshtein("kitten", "sitting"), 3);
}

// Oracle: the textbook full-matrix recurrence, on random short strings.
int LevenshteinOracle(const std::string& a, const std::string& b) {
  std::vector<std::vector<int>> d(a.size() + 1, std::vector<int>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])});
    }
  }
  return d[a.size()][b.size()];
}

TEST(SimilarityTest, EditDistancesAgreeWithOracleOnRandomStrings) {
  const unsigned seed = 12345;
  std::mt19937 rng(seed);
  auto random_string = [&] {
    std::string s(rng() % 8, 'a');
    for (char& c : s) c = static_cast<char>('a' + rng() % 3);
    return s;
  };
  for (int i = 0; i < 2000; ++i) {
    const std::string a = random_string(), b = random_string();
    const int lev = Levenshtein(a, b);
    ASSERT_EQ(lev, LevenshteinOracle(a, b)) << "seed " << seed << ": " << a << " / " << b;
    const int dam = DamerauLevenshtein(a, b);
    ASSERT_LE(dam, lev) << a << " / " << b;
    ASSERT_EQ(dam, DamerauLevenshtein(b, a)) << a << " / " << b;
    ASSERT_NEAR(JaroWinkler(a, b), JaroWinkler(b, a), 1e-12) << a << " / " << b;
  }
}

TEST(SimilarityTest, NicknamesAreEquivalentBothWays) {
  EXPECT_TRUE(NicknameEquivalent("bob", "robert"));
  EXPECT_TRUE(NicknameEquivalent("robert", "rob"));
  EXPECT_TRUE(NicknameEquivalent("bill", "william"));
  EXPECT_TRUE(NicknameEquivalent("peggy", "margaret"));
  EXPECT_TRUE(NicknameEquivalent("al", "alfred"));
  EXPECT_TRUE(NicknameEquivalent("al", "albert"));
  EXPECT_FALSE(NicknameEquivalent("albert", "alfred"));  // share "al" but not a group
  EXPECT_FALSE(NicknameEquivalent("robert", "william"));
}

TEST(SimilarityTest, InitialsMatchTheFirstLetter) {
  EXPECT_TRUE(InitialMatch("j", "john"));
  EXPECT_TRUE(InitialMatch("john", "j r"));
  EXPECT_FALSE(InitialMatch("k", "john"));
  EXPECT_FALSE(InitialMatch("jo", "john"));
}

TEST(SimilarityTest, TokenMeasuresIgnoreWordOrder) {
  EXPECT_DOUBLE_EQ(TokenJaccard("grace kelly", "kelly grace"), 1.0);
  EXPECT_DOUBLE_EQ(TokenJaccard("acme trading ltd", "acme ltd"), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(TokenSortJaroWinkler("kelly grace", "grace kelly"), 1.0);
}

TEST(SimilarityTest, DatesDetectTransposedDayAndMonth) {
  EXPECT_TRUE(DayMonthTransposed("19910426", "19912604"));
  EXPECT_TRUE(DayMonthTransposed("19910304", "19910403"));
  EXPECT_FALSE(DayMonthTransposed("19910304", "19910304"));
  EXPECT_FALSE(DayMonthTransposed("19910304", "19920403"));
  EXPECT_EQ(YearDifference("19910426", "19970426"), 6);
  EXPECT_EQ(YearDifference("1991", "19970426"), -1);
}

TEST(SimilarityTest, PrefixNeedsMinimumLength) {
  EXPECT_TRUE(PrefixMatch("rob", "robert", 3));
  EXPECT_FALSE(PrefixMatch("ro", "robert", 3));
}

}  // namespace
}  // namespace moneytrail::resolve_internal

namespace moneytrail::resolve_internal {
namespace {

TEST(SimilarityTest, WithinOneEditAgreesWithTheDistances) {
  const unsigned seed = 31337;
  std::mt19937 rng(seed);
  auto random_string = [&] {
    std::string s(rng() % 6, 'a');
    for (char& c : s) c = static_cast<char>('a' + rng() % 3);
    return s;
  };
  for (int i = 0; i < 5000; ++i) {
    const std::string a = random_string(), b = random_string();
    ASSERT_EQ(WithinOneEdit(a, b, false), Levenshtein(a, b) <= 1) << "seed " << seed << ": " << a << "/" << b;
    ASSERT_EQ(WithinOneEdit(a, b, true), DamerauLevenshtein(a, b) <= 1) << "seed " << seed << ": " << a << "/" << b;
  }
}

}  // namespace
}  // namespace moneytrail::resolve_internal
