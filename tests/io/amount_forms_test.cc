#include "io/amount_forms.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace moneytrail::io_internal {
namespace {

std::string Parsed(std::string_view text, char point = '.', char group = 0) {
  Result<AmountForm> a = ParseAmountForm(text, point, group);
  if (!a.ok()) return "error: " + std::string(a.status().message());
  std::string out = FormatDecimal(a->value);
  if (a->marker == AmountMarker::kCredit) out += " CR";
  if (a->marker == AmountMarker::kDebit) out += " DR";
  return out;
}

TEST(AmountFormsTest, ReadsEveryFormOfTheSchema) {
  EXPECT_EQ(Parsed("2500.00"), "2500.00");
  EXPECT_EQ(Parsed("$2,500.00"), "2500.00");
  EXPECT_EQ(Parsed("USD 2,500.00"), "2500.00");
  EXPECT_EQ(Parsed("2,500.00 USD"), "2500.00");
  EXPECT_EQ(Parsed("-50.00"), "-50.00");
  EXPECT_EQ(Parsed("(50.00)"), "-50.00");
  EXPECT_EQ(Parsed("($1,250.00)"), "-1250.00");
  EXPECT_EQ(Parsed("50.00-"), "-50.00");
  EXPECT_EQ(Parsed("-$200.00"), "-200.00");
  EXPECT_EQ(Parsed("$-200.00"), "-200.00");
  EXPECT_EQ(Parsed("50.00 CR"), "50.00 CR");
  EXPECT_EQ(Parsed("50.00 DR"), "-50.00 DR");
  EXPECT_EQ(Parsed("50.00cr"), "50.00 CR");
  EXPECT_EQ(Parsed("  1,234,567.89  "), "1234567.89");
  EXPECT_EQ(Parsed("\xE2\x82\xAC" "12.50"), "12.50");
  EXPECT_EQ(Parsed("0.00"), "0.00");
  EXPECT_EQ(Parsed("1.234,56", ',', '.'), "1234.56");
  EXPECT_EQ(Parsed("-1.250,00", ',', 0), "-1250.00");
  EXPECT_EQ(Parsed("1 234.50", '.', ' '), "1234.50");
}

TEST(AmountFormsTest, BadFormsAreRejectedWithTheirReason) {
  EXPECT_NE(Parsed("2,50.00").find("not followed by three digits"), std::string::npos);
  EXPECT_NE(Parsed("2500,00.00").find("group the digits by three"), std::string::npos);
  EXPECT_NE(Parsed("1,2345.00").find("separator"), std::string::npos);
  EXPECT_NE(Parsed("(50.00").find("not closed"), std::string::npos);
  EXPECT_NE(Parsed("-(50.00)").find("unexpected character '('"), std::string::npos);
  EXPECT_NE(Parsed("-50.00 DR").find("more than one sign"), std::string::npos);
  EXPECT_NE(Parsed("50.00- CR").find("more than one sign"), std::string::npos);
  EXPECT_NE(Parsed("12abc").find("unexpected character"), std::string::npos);
  EXPECT_NE(Parsed("$").find("no digits"), std::string::npos);
  EXPECT_NE(Parsed("").find("empty"), std::string::npos);
  EXPECT_NE(Parsed("1.2.3").find("unexpected character"), std::string::npos);
  EXPECT_NE(Parsed("1234567890123456789.00").find("18 significant digits"), std::string::npos);
}

// Oracle: a random amount written in a random form (sign style, currency, grouping, spaces)
// reads back as exactly that amount, with its CR/DR marker.
TEST(AmountFormsTest, RandomFormsReadBackAsTheirAmount) {
  const uint64_t seed = 20251206;
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 20000; ++i) {
    const int64_t magnitude = static_cast<int64_t>(rng() % 100000000000ULL);
    const int scale = static_cast<int>(rng() % 3);
    const bool european = rng() % 4 == 0;
    const char point = european ? ',' : '.';
    const char group = european ? '.' : ',';
    const bool grouped = rng() % 2 == 0;
    // Digits of the magnitude with `scale` fractional digits.
    std::string digits = std::to_string(magnitude);
    while (digits.size() <= static_cast<size_t>(scale)) digits.insert(0, "0");
    std::string integer = digits.substr(0, digits.size() - scale);
    std::string fraction = digits.substr(digits.size() - scale);
    std::string number;
    for (size_t k = 0; k < integer.size(); ++k) {
      if (grouped && k > 0 && (integer.size() - k) % 3 == 0) number += group;
      number += integer[k];
    }
    if (scale > 0) number += point + fraction;
    const int currency = static_cast<int>(rng() % 4);  // none, $ before, USD before, USD after
    std::string body = currency == 1 ? "$" + number
                     : currency == 2 ? "USD " + number
                     : currency == 3 ? number + " USD"
                                     : number;
    const int sign = static_cast<int>(rng() % 6);  // none, -, (), trailing -, CR, DR
    std::string text = sign == 1 ? "-" + body
                     : sign == 2 ? "(" + body + ")"
                     : sign == 3 ? body + "-"
                     : sign == 4 ? body + " CR"
                     : sign == 5 ? body + " DR"
                                 : body;
    if (rng() % 3 == 0) text = "  " + text + " ";
    const bool negative = sign == 1 || sign == 2 || sign == 3 || sign == 5;
    Result<AmountForm> a = ParseAmountForm(text, point, 0);
    ASSERT_TRUE(a.ok()) << "seed " << seed << " case " << i << ": '" << text << "': "
                        << a.status().ToString();
    EXPECT_EQ(a->value, (Decimal{negative ? -magnitude : magnitude, static_cast<uint8_t>(scale)}))
        << "seed " << seed << " case " << i << ": '" << text << "'";
    EXPECT_EQ(a->marker, sign == 4   ? AmountMarker::kCredit
                         : sign == 5 ? AmountMarker::kDebit
                                     : AmountMarker::kNone)
        << text;
  }
}

// Random strings over the characters of amounts never crash and, when accepted, hold only
// what a form may hold (the value's digits are the text's digits).
TEST(AmountFormsTest, RandomTextIsReadOrRejectedNeverMisread) {
  const uint64_t seed = 77;
  std::mt19937_64 rng(seed);
  const std::string alphabet = "0123456789,.-()$ CRDUS";
  for (int i = 0; i < 50000; ++i) {
    std::string text;
    const size_t n = rng() % 12;
    for (size_t k = 0; k < n; ++k) text += alphabet[rng() % alphabet.size()];
    Result<AmountForm> a = ParseAmountForm(text, '.', 0);
    if (!a.ok()) continue;
    std::string digits;
    for (char c : text) {
      if (c >= '0' && c <= '9') digits += c;
    }
    std::string value = std::to_string(a->value.units < 0 ? -a->value.units : a->value.units);
    // Leading zeros vanish from the units; compare without them.
    size_t nz = digits.find_first_not_of('0');
    digits = nz == std::string::npos ? "0" : digits.substr(nz);
    EXPECT_EQ(value, digits) << "seed " << seed << ": '" << text << "'";
  }
}

}  // namespace
}  // namespace moneytrail::io_internal
