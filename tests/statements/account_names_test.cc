// DescriptionNamesAccount: how a description names another account (statement_checks.h).
#include <optional>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "moneytrail/statement_checks.h"

namespace moneytrail::statements {
namespace {

constexpr std::string_view kAccount = "bankB:0098765432";

std::optional<MirrorLink> Names(std::string_view description, bool last4 = true) {
  return DescriptionNamesAccount(description, kAccount, last4);
}

TEST(AccountNamesTest, AccountNumberIsTheTextAfterTheFirstColon) {
  EXPECT_EQ(AccountNumber("bankB:0098765432"), "0098765432");
  EXPECT_EQ(AccountNumber("0098765432"), "0098765432");
  EXPECT_EQ(AccountNumber("b:12:34"), "12:34");
}

TEST(AccountNamesTest, FullNumberNeedsNoDigitOnEitherSide) {
  EXPECT_EQ(Names("WIRE TO ACCT 0098765432 BNF JOSE"), MirrorLink::kDescriptionNumber);
  EXPECT_EQ(Names("ACCT#0098765432"), MirrorLink::kDescriptionNumber);
  EXPECT_EQ(Names("0098765432"), MirrorLink::kDescriptionNumber);
  EXPECT_EQ(Names("REF 100987654321"), std::nullopt);
  EXPECT_EQ(Names("REF 00987654329"), std::nullopt);
  EXPECT_EQ(Names("REF 10098765432"), std::nullopt);
}

TEST(AccountNamesTest, ShortNumbersAreNeverMatchedInFull) {
  EXPECT_EQ(DescriptionNamesAccount("PAID 4321 TODAY", "b:4321", true), std::nullopt);
  EXPECT_EQ(DescriptionNamesAccount("TRANSFER TO 4321", "b:4321", true), MirrorLink::kDescriptionLast4);
}

TEST(AccountNamesTest, LastFourAfterAMaskRun) {
  for (std::string_view d : {"ONLINE TRANSFER x5432", "XXXXXX5432", "to ...5432", "CARD *5432",
                             "TRF #5432", "TRANSFER \xE2\x80\xA6" "5432", "(x5432)"})
    EXPECT_EQ(Names(d), MirrorLink::kDescriptionLast4) << d;
}

TEST(AccountNamesTest, LastFourAfterALinkWord) {
  for (std::string_view d : {"TRANSFER TO 5432", "ONLINE TRANSFER FROM CHK 5432",
                             "Transfer to...5432", "acct ending in 5432", "SAV-5432", "x 5432"})
    EXPECT_EQ(Names(d), MirrorLink::kDescriptionLast4) << d;
}

TEST(AccountNamesTest, LastFourWithoutAnIntroductionOrInsideANumberIsNotALink) {
  for (std::string_view d : {"CHECK 5432", "STORE 5432 AUSTIN TX", "TO 15432", "TO 54321",
                             "TAX5432", "REF-5432", "BR 5432"})
    EXPECT_EQ(Names(d), std::nullopt) << d;
  EXPECT_EQ(Names("TRANSFER TO x5432", /*last4=*/false), std::nullopt);
}

TEST(AccountNamesTest, NumbersNotEndingInFourDigitsHaveNoLastFourForm) {
  EXPECT_EQ(DescriptionNamesAccount("TO x12AB", "b:99912AB", true), std::nullopt);
}

TEST(AccountNamesTest, LastFourDigitsSkipSeparatorsInTheNumber) {
  EXPECT_EQ(DescriptionNamesAccount("ONLINE TRANSFER TO CHK ...8901", "b:123-456789-01", true),
            MirrorLink::kDescriptionLast4);
  EXPECT_EQ(DescriptionNamesAccount("ACH WITHDRAWAL ACME ACCT *7350", "033:80044173 50", true),
            MirrorLink::kDescriptionLast4);
  EXPECT_EQ(DescriptionNamesAccount("ZELLE TO ANA ACCT ...7350", "b:80044-1735-0", true),
            MirrorLink::kDescriptionLast4);
}

TEST(AccountNamesTest, NoLastFourWhenALetterIsAmongTheLastFourDigits) {
  EXPECT_EQ(DescriptionNamesAccount("TO x2345", "b:12A2345", true), MirrorLink::kDescriptionLast4);
  EXPECT_EQ(DescriptionNamesAccount("TO x1245", "b:12A45", true), std::nullopt);
  EXPECT_EQ(DescriptionNamesAccount("TO x2345", "b:2345-", true), std::nullopt);
  EXPECT_EQ(DescriptionNamesAccount("TO x345", "b:345", true), std::nullopt);
}

// The last-4 rule against a brute-force reading of the header's contract, on random account
// numbers with separators and letters, and descriptions naming random 4-digit groups.
TEST(AccountNamesTest, LastFourMatchesTheOracleOnRandomNumbers) {
  const uint64_t seed = 20261206;
  std::mt19937_64 rng(seed);
  const std::string alphabet = "0123456789-. /A";
  int linked = 0;
  for (int iter = 0; iter < 5000; ++iter) {
    std::string number;
    const size_t length = 1 + rng() % 9;
    for (size_t i = 0; i < length; ++i) {
      // Mostly digits, so that many numbers have a last-4 form.
      number += rng() % 3 != 0 ? alphabet[rng() % 10] : alphabet[rng() % alphabet.size()];
    }
    // Oracle: the number ends in a digit, and with every separator removed its last four
    // characters are digits.
    std::optional<std::string> last4;
    std::string stripped;
    for (char c : number)
      if (c != '-' && c != '.' && c != ' ' && c != '/') stripped += c;
    if (!number.empty() && number.back() >= '0' && number.back() <= '9' && stripped.size() >= 4) {
      std::string tail = stripped.substr(stripped.size() - 4);
      if (tail.find_first_not_of("0123456789") == std::string::npos) last4 = tail;
    }
    std::string digits;
    if (last4 && rng() % 2 == 0) {
      digits = *last4;
    } else {
      for (int i = 0; i < 4; ++i) digits += static_cast<char>('0' + rng() % 10);
    }
    const std::string description = "ZELLE TO ANA RUIZ ACCT *" + digits;
    // A number of 5+ characters that the description holds whole links by number instead.
    std::optional<MirrorLink> want;
    if (number.size() >= 5 && description.find(number) != std::string::npos) {
      want = MirrorLink::kDescriptionNumber;
    } else if (last4 && *last4 == digits) {
      want = MirrorLink::kDescriptionLast4;
    }
    EXPECT_EQ(DescriptionNamesAccount(description, "b:" + number, true), want)
        << "seed " << seed << " iteration " << iter << " number '" << number << "' description '"
        << description << "'";
    linked += want.has_value();
  }
  EXPECT_GT(linked, 500);
}

TEST(AccountNamesTest, LinkNamesAreStable) {
  EXPECT_EQ(MirrorLinkName(MirrorLink::kReference), "reference");
  EXPECT_EQ(MirrorLinkName(MirrorLink::kCounterpartyAccount), "counterparty_account");
  EXPECT_EQ(MirrorLinkName(MirrorLink::kDescriptionNumber), "description_number");
  EXPECT_EQ(MirrorLinkName(MirrorLink::kDescriptionLast4), "description_last4");
}

}  // namespace
}  // namespace moneytrail::statements
