// Bounded quoting of values in messages, spreadsheet-safe CSV cells and non-throwing JSON text
// (issue #25 items 3 and 7, issue #21's CSV formula neutralisation).
#include "moneytrail/safe_text.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "moneytrail/json_text.h"

namespace moneytrail {
namespace {

TEST(AbbreviateTest, ShortValuesAreUnchanged) {
  EXPECT_EQ(Abbreviate("amount_paid"), "amount_paid");
  EXPECT_EQ(Abbreviate(std::string(200, 'x')), std::string(200, 'x'));
}

TEST(AbbreviateTest, LongValueKeepsItsHeadAndSaysItsSize) {
  const std::string header(100'000'000, 'h');
  const std::string quoted = Abbreviate(header);
  EXPECT_EQ(quoted, std::string(200, 'h') + "\xE2\x80\xA6 (100000000 bytes)");
}

TEST(AbbreviateTest, DoesNotSplitAMultiByteCharacter) {
  std::string value = std::string(199, 'a') + "\xC3\xA9" + std::string(50, 'b');  // é at 199
  const std::string quoted = Abbreviate(value);
  EXPECT_EQ(quoted.substr(0, 200), std::string(199, 'a') + "\xE2");  // the cut is before é
  EXPECT_EQ(quoted.find("\xC3"), std::string::npos);
}

TEST(SpreadsheetCsvTest, FormulaLeadingCellsGetAQuoteAndAreQuoted) {
  for (std::string lead : {"=", "+", "-", "@", "\t", "\r"}) {
    const std::string text = lead + "HYPERLINK(\"http://x\",\"y\")";
    std::string expected = "\"'" + lead + "HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"";
    EXPECT_EQ(SpreadsheetCsvField(text), expected) << "lead " << static_cast<int>(lead[0]);
    EXPECT_TRUE(IsFormulaLeading(text));
  }
}

TEST(SpreadsheetCsvTest, OrdinaryCellsFollowRfc4180Only) {
  EXPECT_EQ(SpreadsheetCsvField("SAFEWAY #1042"), "SAFEWAY #1042");
  EXPECT_EQ(SpreadsheetCsvField("Transportes Norte, S.A."), "\"Transportes Norte, S.A.\"");
  EXPECT_EQ(SpreadsheetCsvField("a \"b\""), "\"a \"\"b\"\"\"");
  EXPECT_EQ(SpreadsheetCsvField(""), "");
  EXPECT_EQ(SpreadsheetCsvField("1-2"), "1-2");  // only the first byte matters
  EXPECT_FALSE(IsFormulaLeading(""));
}

// Oracle: a cell read back by an RFC 4180 reader is the text, with "'" in front exactly when the
// text starts a formula; and the written cell never starts with a formula byte.
TEST(SpreadsheetCsvTest, RandomCellsRoundTripThroughAnRfc4180Reader) {
  const unsigned seed = 20250125;
  std::mt19937 rng(seed);
  const std::string alphabet = "=+-@\t\r\n,\"' aZ9\xC3\xA9";
  for (int iter = 0; iter < 2000; ++iter) {
    std::string text;
    const int n = static_cast<int>(rng() % 8);
    for (int i = 0; i < n; ++i) text += alphabet[rng() % alphabet.size()];
    const std::string cell = SpreadsheetCsvField(text);
    std::string read;
    if (!cell.empty() && cell.front() == '"') {
      ASSERT_EQ(cell.back(), '"') << "seed " << seed << " iter " << iter;
      for (size_t i = 1; i + 1 < cell.size(); ++i) {
        read += cell[i];
        if (cell[i] == '"') ++i;  // doubled quote
      }
    } else {
      ASSERT_EQ(cell.find_first_of(",\"\n\r"), std::string::npos) << "seed " << seed;
      read = cell;
    }
    EXPECT_EQ(read, (IsFormulaLeading(text) ? "'" : "") + text) << "seed " << seed << " iter " << iter;
    EXPECT_FALSE(IsFormulaLeading(read)) << "seed " << seed << " iter " << iter;
  }
}

TEST(JsonTextTest, InvalidUtf8IsReplacedInsteadOfThrowing) {
  nlohmann::json j = {{"city", "M\xC9XICO"}, {"bank", "\xFF\xFE"}, {"cut", "ab\xC3"}};
  std::string text;
  ASSERT_NO_THROW(text = JsonText(j));
  EXPECT_EQ(text, "{\"bank\":\"\xEF\xBF\xBD\xEF\xBF\xBD\",\"city\":\"M\xEF\xBF\xBDXICO\",\"cut\":\"ab\xEF\xBF\xBD\"}");
  EXPECT_THROW((void)j.dump(), nlohmann::json::type_error);  // what JsonText protects against
  nlohmann::ordered_json o;
  o["a"] = "\xC9";
  EXPECT_EQ(JsonText(o, 2), "{\n  \"a\": \"\xEF\xBF\xBD\"\n}");
}

TEST(JsonTextTest, ValidUtf8IsKeptAsIs) {
  nlohmann::json j = {{"city", "M\xC3\x89XICO"}};
  EXPECT_EQ(JsonText(j), "{\"city\":\"M\xC3\x89XICO\"}");
}

}  // namespace
}  // namespace moneytrail
