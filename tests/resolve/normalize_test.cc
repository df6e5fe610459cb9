#include "resolve/normalize.h"

#include <gtest/gtest.h>

namespace moneytrail::resolve_internal {
namespace {

TEST(NormalizeTest, FoldsDiacriticsAndCase) {
  EXPECT_EQ(FoldToAscii("Zoë Łukasz ÉMILE Ñúñez"), "zoe lukasz emile nunez");
  EXPECT_EQ(Normalize(Normalizer::kName, "José-María O'Brien"), "jose maria obrien");
}

TEST(NormalizeTest, NameDropsTitles) {
  EXPECT_EQ(Normalize(Normalizer::kName, "Mr. John  SMITH"), "john smith");
}

TEST(NormalizeTest, DatesInSeveralFormats) {
  EXPECT_EQ(Normalize(Normalizer::kDate, "1991-04-26"), "19910426");
  EXPECT_EQ(Normalize(Normalizer::kDate, " 19910426"), "19910426");
  EXPECT_EQ(Normalize(Normalizer::kDate, "26/04/1991", DateOrder::kDayMonthYear), "19910426");
  EXPECT_EQ(Normalize(Normalizer::kDate, "04/26/1991", DateOrder::kMonthDayYear), "19910426");
  EXPECT_EQ(Normalize(Normalizer::kDate, "1991-04-26T00:00:00"), "19910426");
  EXPECT_EQ(Normalize(Normalizer::kDate, "not a date"), "");
  EXPECT_EQ(Normalize(Normalizer::kDate, ""), "");
}

TEST(NormalizeTest, PhonesKeepTheNationalNumber) {
  EXPECT_EQ(Normalize(Normalizer::kPhone, "+44 20 7946 0958"), "2079460958");
  EXPECT_EQ(Normalize(Normalizer::kPhone, "020 7946 0958"), "2079460958");
  EXPECT_EQ(Normalize(Normalizer::kPhone, "(555) 123-4567"), "5551234567");
  EXPECT_EQ(Normalize(Normalizer::kPhone, "+1 555 123 4567"), "5551234567");
  EXPECT_EQ(Normalize(Normalizer::kPhone, "12"), "");
}

TEST(NormalizeTest, EmailsDropTagsAndGmailDots) {
  EXPECT_EQ(Normalize(Normalizer::kEmail, " John.Doe+bank@Example.COM "), "john.doe@example.com");
  EXPECT_EQ(Normalize(Normalizer::kEmail, "j.o.h.n@googlemail.com"), "john@gmail.com");
}

TEST(NormalizeTest, AddressesAbbreviateStreetTypes) {
  EXPECT_EQ(Normalize(Normalizer::kAddress, "12 Wallaby Street, Apartment 3"), "12 wallaby st apt 3");
  EXPECT_EQ(Normalize(Normalizer::kAddress, "12 wallaby st. apt 3"), "12 wallaby st apt 3");
}

TEST(NormalizeTest, ParsesNormalizerNames) {
  EXPECT_EQ(ParseNormalizer("phone"), Normalizer::kPhone);
  EXPECT_FALSE(ParseNormalizer("nationality").has_value());
}

}  // namespace
}  // namespace moneytrail::resolve_internal
