// DescriptionNamesAccount: how a description names another account (statement_checks.h).
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

TEST(AccountNamesTest, LinkNamesAreStable) {
  EXPECT_EQ(MirrorLinkName(MirrorLink::kReference), "reference");
  EXPECT_EQ(MirrorLinkName(MirrorLink::kCounterpartyAccount), "counterparty_account");
  EXPECT_EQ(MirrorLinkName(MirrorLink::kDescriptionNumber), "description_number");
  EXPECT_EQ(MirrorLinkName(MirrorLink::kDescriptionLast4), "description_last4");
}

}  // namespace
}  // namespace moneytrail::statements
