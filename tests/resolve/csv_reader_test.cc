#include "resolve/csv_reader.h"

#include <gtest/gtest.h>

namespace moneytrail::resolve_internal {
namespace {

TEST(CsvReaderTest, ReadsQuotedFieldsWithSeparatorsQuotesAndNewlines) {
  auto t = ParseCsv("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"multi\nline\",z\n", "t.csv", {});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->rows.size(), 2u);
  EXPECT_EQ(t->rows[0][0], "x, y");
  EXPECT_EQ(t->rows[0][1], "say \"hi\"");
  EXPECT_EQ(t->rows[1][0], "multi\nline");
  EXPECT_EQ(t->line_numbers[1], 3);
}

TEST(CsvReaderTest, HandlesBomCrlfAndMissingFinalNewline) {
  auto t = ParseCsv("\xEF\xBB\xBFid,name\r\n1,ann\r\n2,bob", "t.csv", {});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->header[0], "id");
  ASSERT_EQ(t->rows.size(), 2u);
  EXPECT_EQ(t->rows[0][1], "ann");
  EXPECT_EQ(t->rows[1][1], "bob");
}

TEST(CsvReaderTest, SkipsInitialSpacesOnlyWhenAsked) {
  const char* text = "rec_id, given_name, surname\nrec-1-org, ann, , \n";
  auto bad = ParseCsv(text, "t.csv", {});
  EXPECT_FALSE(bad.ok());  // four fields: the trailing ", " adds one
  auto t = ParseCsv("rec_id, given_name, surname\nrec-1-org, ann, \n", "t.csv",
                    {.separator = ',', .skip_initial_space = true});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->header[1], "given_name");
  EXPECT_EQ(t->rows[0][1], "ann");
  EXPECT_EQ(t->rows[0][2], "");
}

TEST(CsvReaderTest, ReportsFileAndLineOfAShortRow) {
  auto t = ParseCsv("a,b\n1,2\n3\n", "parties.csv", {});
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("parties.csv:3"), std::string_view::npos);
}

TEST(CsvReaderTest, ReportsUnterminatedQuote) {
  auto t = ParseCsv("a,b\n\"open,2\n", "p.csv", {});
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("unterminated"), std::string_view::npos);
}

TEST(CsvReaderTest, EscapeRoundTrips) {
  EXPECT_EQ(CsvEscape("plain"), "plain");
  EXPECT_EQ(CsvEscape("a,b"), "\"a,b\"");
  auto t = ParseCsv("x\n" + CsvEscape("q\"uo,te") + "\n", "t", {});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->rows[0][0], "q\"uo,te");
}

}  // namespace
}  // namespace moneytrail::resolve_internal
