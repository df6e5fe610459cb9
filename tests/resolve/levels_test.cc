#include "resolve/levels.h"

#include <gtest/gtest.h>

namespace moneytrail::resolve_internal {
namespace {

bool Holds(std::string_view level, std::string_view a, std::string_view b,
           std::string_view a_swap = "", std::string_view b_swap = "") {
  auto spec = ParseLevel(level);
  EXPECT_TRUE(spec.ok()) << spec.status().ToString();
  return LevelHolds(*spec, {a, a_swap, b, b_swap});
}

TEST(LevelsTest, ParsesLevelsWithParameters) {
  auto jw = ParseLevel("jaro_winkler>=0.92");
  ASSERT_TRUE(jw.ok());
  EXPECT_EQ(jw->kind, LevelKind::kJaroWinkler);
  EXPECT_DOUBLE_EQ(jw->param, 0.92);
  EXPECT_FALSE(ParseLevel("jaro_winkler<=0.9").ok());
  EXPECT_FALSE(ParseLevel("damerau>=1").ok());
  EXPECT_FALSE(ParseLevel("exact>=1").ok());
  EXPECT_FALSE(ParseLevel("nationality").ok());
  EXPECT_FALSE(ParseLevel("damerau<=x").ok());
}

TEST(LevelsTest, NameLevelsHandleNicknamesInitialsAndSwaps) {
  EXPECT_TRUE(Holds("nickname", "bob", "robert"));
  EXPECT_TRUE(Holds("initial", "j", "john"));
  EXPECT_TRUE(Holds("swapped", "hall", "isla", "isla", "hall"));
  EXPECT_FALSE(Holds("swapped", "hall", "isla", "", "smith"));
  EXPECT_TRUE(Holds("jaro_winkler>=0.92", "allen", "alen"));
}

TEST(LevelsTest, DateLevelsHandleTranspositionAndYearTypos) {
  EXPECT_TRUE(Holds("date_transposed", "19710624", "19712406"));
  EXPECT_TRUE(Holds("damerau<=1", "19910426", "19970426"));  // one-digit year typo
  EXPECT_TRUE(Holds("years<=1", "19910426", "19920101"));
  EXPECT_FALSE(Holds("years<=1", "19910426", "19930426"));
}

TEST(LevelsTest, PhoneAndEmailLevels) {
  EXPECT_TRUE(Holds("suffix>=7", "2079460958", "1179460958"));
  EXPECT_TRUE(Holds("email_local", "ann@x.com", "ann@y.org"));
  EXPECT_FALSE(Holds("email_local", "ann@x.com", "anna@x.com"));
}

TEST(LevelsTest, ContainsMatchesWholeTokens) {
  EXPECT_TRUE(Holds("contains", "acme trading", "acme trading ltd"));
  EXPECT_FALSE(Holds("contains", "acme trad", "acme trading ltd"));
}

TEST(LevelsTest, BlockingKeysAndTransforms) {
  auto key = ParseBlockingKey("dob:year");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->column, "dob");
  EXPECT_EQ(ApplyKeyTransform(*key, "19910426"), "1991");
  auto first = ParseBlockingKey("surname:first=3");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(ApplyKeyTransform(*first, "hannagan"), "han");
  EXPECT_EQ(ApplyKeyTransform(*first, ""), "");
  EXPECT_FALSE(ParseBlockingKey("surname:first=0").ok());
  EXPECT_FALSE(ParseBlockingKey("surname:metaphone3").ok());
  auto sorted = ParseBlockingKey("name:sorted_tokens");
  ASSERT_TRUE(sorted.ok());
  EXPECT_EQ(ApplyKeyTransform(*sorted, "trading acme"), "acme trading");
}

TEST(LevelsTest, SoundexFollowsTheAmericanRules) {
  EXPECT_EQ(Soundex("robert"), "r163");
  EXPECT_EQ(Soundex("rupert"), "r163");
  EXPECT_EQ(Soundex("ashcraft"), "a261");
  EXPECT_EQ(Soundex("tymczak"), "t522");
  EXPECT_EQ(Soundex("pfister"), "p236");
  EXPECT_EQ(Soundex(""), "");
}

}  // namespace
}  // namespace moneytrail::resolve_internal
