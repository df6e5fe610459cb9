#include <gtest/gtest.h>

#include "moneytrail/enrich.h"

namespace moneytrail::enrich {
namespace {

TEST(NormalizeNameTest, UpperCasesAndCollapsesSpaces) {
  EXPECT_EQ(NormalizeName("  jose   luna "), "JOSE LUNA");
  EXPECT_EQ(NormalizeName("Jose\tLuna"), "JOSE LUNA");
  EXPECT_EQ(NormalizeName(""), "");
  EXPECT_EQ(NormalizeName(" ,.; "), "");
}

TEST(NormalizeNameTest, FoldsAccents) {
  EXPECT_EQ(NormalizeName("José Peña Núñez"), "JOSE PENA NUNEZ");
  EXPECT_EQ(NormalizeName("MÉXICO"), "MEXICO");
  EXPECT_EQ(NormalizeName("Łukasz Wąsik"), "LUKASZ WASIK");
  EXPECT_EQ(NormalizeName("Straße"), "STRASSE");
  // A Windows-1252 byte that is not UTF-8 is read as Latin-1, never dropped or crashed on.
  EXPECT_EQ(NormalizeName("M\xC9XICO"), "MEXICO");
  EXPECT_EQ(NormalizeName("A\xFF"), "AY");
}

TEST(NormalizeNameTest, Punctuation) {
  EXPECT_EQ(NormalizeName("O'Brien"), "OBRIEN");
  EXPECT_EQ(NormalizeName("O’Brien"), "OBRIEN");
  EXPECT_EQ(NormalizeName("SMITH-JONES"), "SMITH JONES");
  EXPECT_EQ(NormalizeName("A&B TRADING"), "A AND B TRADING");
  EXPECT_EQ(NormalizeName("J.P. MORGAN"), "JP MORGAN");
}

TEST(NormalizeNameTest, DropsLegalSuffixes) {
  EXPECT_EQ(NormalizeName("COMERCIALIZADORA DEL NORTE SA DE CV"), "COMERCIALIZADORA DEL NORTE");
  EXPECT_EQ(NormalizeName("Comercializadora del Norte, S.A. de C.V."),
            "COMERCIALIZADORA DEL NORTE");
  EXPECT_EQ(NormalizeName("TRANSPORTES RAPIDOS S DE RL DE CV"), "TRANSPORTES RAPIDOS");
  EXPECT_EQ(NormalizeName("Acme, LLC"), "ACME");
  EXPECT_EQ(NormalizeName("ACME L.L.C."), "ACME");
  EXPECT_EQ(NormalizeName("Acme Corp."), "ACME");
  EXPECT_EQ(NormalizeName("ACME CO INC"), "ACME");
  EXPECT_EQ(NormalizeName("SMITH & CO"), "SMITH");
  EXPECT_EQ(NormalizeName("The Home Depot Inc"), "HOME DEPOT");
  EXPECT_EQ(NormalizeName("BANK OF AMERICA, N.A."), "BANK OF AMERICA");
}

TEST(NormalizeNameTest, NeverStripsTheWholeName) {
  EXPECT_EQ(NormalizeName("INC"), "INC");
  EXPECT_EQ(NormalizeName("THE"), "THE");
  EXPECT_EQ(NormalizeName("SA DE CV"), "SA DE CV");
  EXPECT_EQ(NormalizeName("CO LLC"), "CO");
}

TEST(NormalizeNameTest, KeepsWordOrder) {
  // Documented: word order is kept, "LUNA, JOSE" and "JOSE LUNA" are two keys.
  EXPECT_EQ(NormalizeName("LUNA, JOSE"), "LUNA JOSE");
  EXPECT_NE(NormalizeName("LUNA, JOSE"), NormalizeName("JOSE LUNA"));
}

TEST(NormalizeNameTest, SameBeneficiaryOneKey) {
  EXPECT_EQ(NormalizeName("Comercializadora Del Norte SA de CV"),
            NormalizeName("COMERCIALIZADORA  DEL NORTE, S.A. DE C.V."));
  EXPECT_EQ(NormalizeName("José Luna"), NormalizeName("JOSE LUNA"));
}

TEST(NormalizeNameTest, IsIdempotent) {
  for (const char* name : {"Comercializadora del Norte, S.A. de C.V.", "O'Brien & Co", "José",
                           "THE THE CO", "A B C", "M\xC9XICO SA"}) {
    std::string once = NormalizeName(name);
    EXPECT_EQ(NormalizeName(once), once) << name;
  }
}

}  // namespace
}  // namespace moneytrail::enrich
