// MT940/MT942 reader (src/formats/mt940.cc): each tag and :61: subfield, the :86: forms,
// several messages, ISO-8859-1 bytes, control totals, and malformed messages.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "moneytrail/formats.h"

namespace moneytrail::formats {
namespace {

const char kStatement[] =
    "{1:F01BANKDEFFAXXX0000000000}{2:I940BANKDEFFXXXXN}{4:\r\n"
    ":20:STMT-1\r\n"
    ":25:DE89370400440532013000 EUR\r\n"
    ":28C:00001/001\r\n"
    ":60F:C240301EUR1000,00\r\n"
    ":61:2403010301D250,00NTRFREF1//BANKREF1\r\n"
    "/OCMT/EUR250,00/\r\n"
    ":86:/NAME/ACME GMBH/IBAN/DE02100100100006820101/BIC/PBNKDEFF/REMI/INVOICE 7\r\n"
    ":61:2403020302C1000,5NCHKNONREF\r\n"
    ":86:082?00EINZAHLUNG?20BAR?21 FILIALE 12?30COBADEFF?31DE4450\r\n"
    "0105175407324931?32MUELLER?33 HANS\r\n"
    ":61:2403030303RC10,NMSCNONREF//R3\r\n"
    ":86:STORNO\r\n"
    ":62F:C240303EUR1740,50\r\n"
    ":64:C240303EUR1740,50\r\n"
    "-}\r\n";

TEST(Mt940Test, ReadsBalancesEntriesAndTheirSubfields) {
  Result<ParsedStatements> p = ParseMt940(kStatement, "s.sta");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->variant, "MT940");
  ASSERT_EQ(p->statements.size(), 1u);
  const Statement& s = p->statements[0];
  EXPECT_EQ(s.id, "STMT-1");
  EXPECT_EQ(s.account, "DE89370400440532013000");
  EXPECT_EQ(s.currency, "EUR");
  EXPECT_EQ(FormatDecimal(s.opening->amount), "1000.00");
  EXPECT_EQ(FormatDecimal(s.closing->amount), "1740.50");
  ASSERT_EQ(s.other_balances.size(), 1u);
  EXPECT_EQ(s.other_balances[0].type, "64");
  ASSERT_EQ(s.entries.size(), 3u);
  const Entry& out = s.entries[0];
  EXPECT_EQ(FormatDecimal(out.amount), "-250.00");
  EXPECT_EQ(out.value_date, 1709251200);  // 2024-03-01
  EXPECT_EQ(out.reference, "BANKREF1");
  EXPECT_EQ(out.bank_code, "NTRF");
  EXPECT_EQ(out.counterparty_name, "ACME GMBH");
  EXPECT_EQ(out.counterparty_account, "DE02100100100006820101");
  EXPECT_EQ(out.counterparty_bank, "PBNKDEFF");
  EXPECT_EQ(out.description, "TO ACME GMBH INVOICE 7 /OCMT/EUR250,00/");
  EXPECT_EQ(out.position.line, 6u);
  EXPECT_EQ(out.position.column, 1u);
  const Entry& in = s.entries[1];
  EXPECT_EQ(FormatDecimal(in.amount), "1000.5");
  // The German structured :86:, its ?31 cut across two lines, GVC 082 = cash deposit.
  EXPECT_EQ(in.counterparty_account, "DE44500105175407324931");
  EXPECT_EQ(in.counterparty_bank, "COBADEFF");
  EXPECT_EQ(in.counterparty_name, "MUELLER HANS");
  EXPECT_EQ(in.channel, Channel::kCashDeposit);
  EXPECT_EQ(in.bank_code, "NCHK/082");
  EXPECT_EQ(in.description, "FROM MUELLER HANS EINZAHLUNG BAR FILIALE 12");
  // RC: the reversal of a credit takes money out.
  EXPECT_TRUE(s.entries[2].reversal);
  EXPECT_EQ(FormatDecimal(s.entries[2].amount), "-10");
  EXPECT_TRUE(p->findings.empty()) << p->findings[0];
}

TEST(Mt940Test, EntryDateInTheNextYearAndReversalOfDebit) {
  const std::string m = ":20:X\n:25:1\n:28C:1\n:60F:C231231EUR0,\n:61:2312310102RD5,NTRFNONREF\n:62F:C240102EUR5,\n-\n";
  Result<ParsedStatements> p = ParseMt940(m, "y.sta");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  const Entry& e = p->statements[0].entries[0];
  EXPECT_EQ(e.booking_date, 1704153600);  // 2024-01-02, not 2023-01-02
  EXPECT_EQ(FormatDecimal(e.amount), "5");  // RD: money back in
  EXPECT_TRUE(p->findings.empty());
}

TEST(Mt940Test, SeveralMessagesAndAClosingThatDisagreesIsAFinding) {
  const std::string m =
      ":20:A\n:25:111\n:28C:1/1\n:60F:C240101USD10,00\n:61:240102C5,00NTRFNONREF\n:62M:C240102USD15,00\n-\n"
      ":20:B\n:25:111\n:28C:1/2\n:60M:C240102USD15,00\n:61:240103D1,00NTRFNONREF\n:62F:C240103USD13,00\n-\n";
  Result<ParsedStatements> p = ParseMt940(m, "m.sta");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->statements.size(), 2u);
  EXPECT_EQ(p->statements[1].opening->type, "60M");
  ASSERT_EQ(p->findings.size(), 1u);
  EXPECT_EQ(p->findings[0], "m.sta:13: statement 'B' of account 111: opening balance 15.00 plus its 1 entries is 14.00, but the declared closing balance (62F) is 13.00");
}

TEST(Mt940Test, Iso88591BytesAreDecoded) {
  const std::string m = ":20:X\n:25:1\n:28C:1\n:60F:C240101EUR0,\n:61:240101C1,NTRFNONREF\n:86:051?00\xDC" "BERWEISUNG?32M\xFCLLER\n:62F:C240101EUR1,\n-\n";
  Result<ParsedStatements> p = ParseMt940(m, "l.sta");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->variant, "MT940 (ISO-8859-1)");
  EXPECT_EQ(p->statements[0].entries[0].counterparty_name, "M\xC3\xBCLLER");
  EXPECT_EQ(p->statements[0].entries[0].description, "FROM M\xC3\xBCLLER \xC3\x9C" "BERWEISUNG");
}

// Found by fuzz_mt940: a fixed-width slice (the 4-character type) of ISO-8859-1 text decoded to
// UTF-8 cut a character in two. Every text a reader gives is valid UTF-8.
TEST(Mt940Test, FixedWidthSlicesNeverCutACharacter) {
  const std::string m = ":20:X\n:25:1\n:28C:1\n:60F:C240101EUR0,\n:61:240101C1,F\xB9\xB9\xB9NONREF//\xB9\xB9\n:62F:C240101EUR1,\n-\n";
  Result<ParsedStatements> p = ParseMt940(m, "u.sta");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  const Entry& e = p->statements[0].entries[0];
  EXPECT_EQ(e.bank_code, "F\xC2\xB9?");  // "F¹" and the half of the next character replaced
  EXPECT_EQ(e.reference, "\xC2\xB9\xC2\xB9");
}

TEST(Mt940Test, Mt942ControlTotalsAreChecked) {
  const std::string ok = ":20:X\n:25:1\n:28C:1\n:34F:EUR0,\n:13D:2401011200+0100\n"
                         ":61:240101C2,NTRFNONREF\n:61:240101C3,NTRFNONREF\n:61:240101D1,NTRFNONREF\n"
                         ":90D:1EUR1,\n:90C:2EUR5,\n-\n";
  Result<ParsedStatements> p = ParseMt940(ok, "i.sta");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->variant, "MT942");
  EXPECT_EQ(p->statements[0].currency, "EUR");
  EXPECT_TRUE(p->findings.empty());
  std::string bad = ok;
  bad.replace(bad.find(":90C:2EUR5,"), 11, ":90C:2EUR6,");
  p = ParseMt940(bad, "i.sta");
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->findings.size(), 1u);
  EXPECT_EQ(p->findings[0], "i.sta:10: message 'X': :90C: declares 2 credits of 6, the entries are 2 of 5");
}

TEST(Mt940Test, MalformedMessagesNameFileLineColumnAndTag) {
  struct Case {
    std::string text, expected;
  };
  const std::string head = ":20:X\n:25:1\n:28C:1\n:60F:C240101EUR0,\n";
  // (append, not operator+: GCC 12 warns falsely on `string + literal` here, -Wrestrict)
  auto with = [&](const char* tail) {
    std::string s = head;
    s.append(tail);
    return s;
  };
  const Case cases[] = {
      {with(":61:24013XC1,NTRFNONREF\n"), "b.sta:5:1: :61: '24013X': expected the value date YYMMDD"},
      {with(":61:240101X1,NTRFNONREF\n"), "b.sta:5:1: :61: 'X1': expected the debit/credit mark"},
      {with(":61:240101C1.5NTRFNONREF\n"), "b.sta:5:1: :61: '.5NT': expected the transaction type"},
      {with(":61:240101CNTRF\n"), "b.sta:5:1: :61: 'TRF': expected an amount with a decimal comma"},
      {with(":61:2401011340C1,NTRF\n"), "b.sta:5:1: :61: '1340': expected the entry date MMDD"},
      {":20:X\n:25:1\n:60F:C240230EUR0,\n", "b.sta:3:1: :60F: '240230': expected a date YYMMDD"},
      {":20:X\n:25:1\n:60F:X240101EUR0,\n", "b.sta:3:1: :60F: 'X240101EUR0,': expected C or D"},
      {":20:X\n:25:1\n:60F:C240101EUR1.0\n", "b.sta:3:1: :60F: '1.0': expected an amount with a decimal comma"},
      {":20:X\n:60F:C240101EUR0,\n", "b.sta:1:1: :25: '': the message has no account"},
      {":20:X\n:25:1\n", "b.sta:1:1: :60F: '': the message has no opening balance"},
      {with(":62F:C240101EUR0,\n:61:240101C1,NTRF\n"), "an entry after the closing balance"},
      {":25:1\n:60F:C240101EUR0,\n", "b.sta:1:1: :25: '': a message must start with :20:"},
      {"hello\n", "b.sta: not an MT940/MT942 file"},
      {with(":90D:EUR1,\n"), "b.sta:5:1: :90D: 'EUR1,': expected a count"},
  };
  for (const Case& c : cases) {
    Result<ParsedStatements> p = ParseMt940(c.text, "b.sta");
    ASSERT_FALSE(p.ok()) << c.expected;
    EXPECT_NE(p.status().message().find(c.expected), std::string::npos)
        << "got: " << p.status().message() << "\nwanted: " << c.expected;
  }
}

// Random byte damage to a valid statement: every outcome is a value or an error, never a crash
// (the fuzz harnesses go further; this keeps the property in the default suite).
TEST(Mt940Test, DamagedInputsNeverCrash) {
  const std::string base = kStatement;
  for (uint32_t seed = 1; seed <= 300; ++seed) {
    std::mt19937 rng(seed);
    std::string s = base;
    const int edits = 1 + static_cast<int>(rng() % 8);
    for (int i = 0; i < edits && !s.empty(); ++i) {
      const size_t at = rng() % s.size();
      switch (rng() % 3) {
        case 0: s[at] = static_cast<char>(rng() % 256); break;
        case 1: s.erase(at, 1 + rng() % 10); break;
        default: s.insert(s.begin() + static_cast<std::ptrdiff_t>(at), ":?/\n,CD"[rng() % 7]); break;
      }
    }
    Result<ParsedStatements> p = ParseMt940(s, "d.sta");
    if (!p.ok()) {
      EXPECT_EQ(p.status().message().substr(0, 5), "d.sta") << "seed " << seed;
    }
  }
}

}  // namespace
}  // namespace moneytrail::formats
