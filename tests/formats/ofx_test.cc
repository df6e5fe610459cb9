// OFX reader (src/formats/ofx.cc, ofx_tree.cc): the SGML tree reader against an oracle on
// random trees, round trips of random ledgers through OFX 1.x and 2.x, each field and form,
// and the refusals with file, line, field and value.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "formats/ofx_tree.h"
#include "formats/statement_writers.h"
#include "moneytrail/formats.h"

namespace moneytrail::formats {
namespace {

using formats_internal::OfxNode;
using formats_internal::OfxTree;

// ---- The SGML tree reader against random trees -------------------------------------------

struct TestNode {
  std::string name, text;
  std::vector<TestNode> children;
  bool aggregate = false;
};

TestNode RandomNode(std::mt19937_64& rng, int depth) {
  // As in OFX's DTD, an element name is either an aggregate's or a leaf's, never both (an
  // unclosed empty leaf would otherwise be indistinguishable from an open aggregate).
  static const char* kAggregates[] = {"A", "B", "STMTTRN"};
  static const char* kLeaves[] = {"MEMO", "X.Y", "N_1"};
  TestNode n;
  n.aggregate = depth < 4 && rng() % 3 == 0;
  n.name = n.aggregate ? kAggregates[rng() % 3] : kLeaves[rng() % 3];
  if (n.aggregate) {
    const int k = static_cast<int>(rng() % 4);
    for (int i = 0; i < k; ++i) n.children.push_back(RandomNode(rng, depth + 1));
  } else if (rng() % 4 != 0) {
    static const char* kTexts[] = {"1", "ACME & SONS", "-5.50", "two words", "x&amp;y", "a&lt;b"};
    n.text = kTexts[rng() % 6];
  }
  return n;
}

// Writes `n` as OFX SGML: leaves with text closed or not at random, empty leaves closed or not,
// aggregates always closed; random line breaks and indentation.
void WriteSgml(const TestNode& n, std::mt19937_64& rng, std::string& out) {
  out += std::string(rng() % 3, ' ') + "<" + n.name + ">";
  if (n.aggregate) {
    out += rng() % 2 ? "\n" : "";
    for (const TestNode& c : n.children) WriteSgml(c, rng, out);
    out += "</" + n.name + ">";
  } else {
    out += n.text;
    if (rng() % 2) out += "</" + n.name + ">";
  }
  out += rng() % 2 ? "\n" : "";
}

std::string Decoded(const std::string& s) {
  std::string out = s;
  for (auto [from, to] : {std::pair<std::string, std::string>{"&amp;", "&"}, {"&lt;", "<"}}) {
    for (size_t at = out.find(from); at != std::string::npos; at = out.find(from, at + 1)) out.replace(at, from.size(), to);
  }
  return out;
}

void ExpectSameTree(const TestNode& want, const OfxTree& tree, const OfxNode& got, const std::string& path) {
  ASSERT_EQ(got.name, want.name) << path;
  EXPECT_EQ(got.text, Decoded(want.text)) << path;
  ASSERT_EQ(got.children.size(), want.children.size()) << path << "/" << want.name;
  for (size_t i = 0; i < want.children.size(); ++i) {
    ExpectSameTree(want.children[i], tree, tree.nodes[got.children[i]], path + "/" + want.name);
  }
}

TEST(OfxTreeTest, SgmlReaderRebuildsRandomTreesWrittenWithOrWithoutEndTags) {
  for (uint64_t seed = 1; seed <= 400; ++seed) {
    std::mt19937_64 rng(seed);
    TestNode root;
    root.name = "OFX";
    root.aggregate = true;
    const int k = 1 + static_cast<int>(rng() % 5);
    for (int i = 0; i < k; ++i) root.children.push_back(RandomNode(rng, 1));
    std::string text;
    WriteSgml(root, rng, text);
    Result<OfxTree> tree = formats_internal::ParseOfxSgml(text, "t.ofx", 1);
    ASSERT_TRUE(tree.ok()) << "seed " << seed << ": " << tree.status().ToString() << "\n" << text;
    ExpectSameTree(root, *tree, tree->nodes[tree->root], "seed " + std::to_string(seed));
  }
}

TEST(OfxTreeTest, SgmlReaderRefusesBrokenStructureWithTheLine) {
  struct Case {
    std::string text, expected;
  };
  const Case cases[] = {
      {"<OFX>\n<A>\n<B>1\n</C>\n</OFX>", "t.ofx:4: end tag </C> with no open <C>"},
      {"<OFX>\n<A>\n<B>1\n", "t.ofx:4: the file ends inside <A> (line 2), of <OFX> (line 1): a truncated download?"},
      {"<OFX>\n<A>1</A>junk\n</OFX>", "t.ofx:2: text 'junk' outside a leaf element"},
      {"<OFX>\n<A\n</OFX>", "t.ofx:2: tag '<A"},
      {"<OFX>\n<A B>1\n</OFX>", "t.ofx:2: tag '<A B>': expected an element name"},
      {"<OFX>1", "t.ofx:1: the document element <OFX> holds only text"},
      {"<OFX></OFX>\n<OFX></OFX>", "t.ofx:2: element <OFX> after the end of the document element"},
      {"no tags", "t.ofx:1: text 'no tags' outside a leaf element"},
      {"", "t.ofx: no OFX element"},
      {"<OFX><!-- x", "t.ofx:1: comment '<!--' without its end '-->'"},
  };
  for (const Case& c : cases) {
    Result<OfxTree> t = formats_internal::ParseOfxSgml(c.text, "t.ofx", 1);
    ASSERT_FALSE(t.ok()) << c.expected;
    EXPECT_NE(t.status().message().find(c.expected), std::string::npos)
        << "got: " << t.status().message() << "\nwanted: " << c.expected;
  }
  std::string deep = "<OFX>";
  for (int i = 0; i < 100; ++i) deep += "<A>";
  Result<OfxTree> t = formats_internal::ParseOfxSgml(deep, "t.ofx", 1);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("nested deeper than 64"), std::string::npos) << t.status().message();
}

// ---- Round trips ------------------------------------------------------------------------

TEST(OfxTest, RandomLedgersWrittenAsOfx1AndOfx2ReadBackTheSame) {
  static const char* kNames[] = {"ACME GMBH", "JOSE LUNA", "TRANSPORTES DEL NORTE SA", "ONEIL"};
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    std::mt19937_64 rng(seed);
    std::vector<formats_test::Row> rows;
    int64_t day = 19700 + static_cast<int64_t>(rng() % 300);
    const int n = 1 + static_cast<int>(rng() % 30);
    for (int i = 0; i < n; ++i) {
      formats_test::Row r;
      day += static_cast<int64_t>(rng() % 3);
      r.day = day;
      const int64_t magnitude = 1 + static_cast<int64_t>(rng() % (rng() % 2 ? 100000 : 99999999999999LL));
      r.cents = rng() % 2 ? magnitude : -magnitude;
      r.name = kNames[rng() % 4];
      if (rng() % 2) r.account = std::to_string(10000000 + rng() % 90000000);
      r.text = "INV " + std::to_string(rng() % 100000);
      r.reference = "F" + std::to_string(rng() % 1000000) + "-" + std::to_string(i);
      rows.push_back(r);
    }
    formats_test::Account a;
    a.iban = "000123456789";
    a.currency = "USD";
    a.opening_cents = static_cast<int64_t>(rng() % 1000000) - 500000;
    for (bool xml : {false, true}) {
      SCOPED_TRACE("seed " + std::to_string(seed) + (xml ? " OFX 2" : " OFX 1"));
      const std::string text = formats_test::WriteOfx(a, rows, xml);
      ASSERT_EQ(SniffFormat(text), StatementFormat::kOfx);
      Result<ParsedStatements> p = ParseOfx(text, "rt.ofx");
      ASSERT_TRUE(p.ok()) << p.status().ToString();
      EXPECT_EQ(p->variant, xml ? "OFX 2.20" : "OFX 1.02");
      ASSERT_EQ(p->statements.size(), 1u);
      const Statement& s = p->statements[0];
      EXPECT_EQ(s.account, a.iban);
      EXPECT_EQ(s.currency, "USD");
      ASSERT_TRUE(s.closing.has_value());
      EXPECT_EQ(s.closing->amount, (Decimal{formats_test::Closing(a, rows), 2}));
      ASSERT_EQ(s.entries.size(), rows.size());
      for (size_t i = 0; i < rows.size(); ++i) {
        const Entry& e = s.entries[i];
        EXPECT_EQ(e.booking_date, rows[i].day * 86400) << i;  // the day as written, not shifted to UTC
        EXPECT_EQ(e.amount, (Decimal{rows[i].cents, 2})) << i;
        EXPECT_EQ(e.counterparty_name, rows[i].name) << i;
        EXPECT_EQ(e.counterparty_account, rows[i].account) << i;
        EXPECT_EQ(e.reference, rows[i].reference) << i;
        EXPECT_EQ(e.description, rows[i].name + " " + rows[i].text) << i;
        EXPECT_EQ(e.bank_code, "XFER");
      }
    }
  }
}

// ---- Fields and forms ---------------------------------------------------------------------

std::string Sgml(const std::string& transactions, const std::string& statement_extra = "") {
  return "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nENCODING:USASCII\nCHARSET:1252\n\n<OFX>\n"
         "<BANKMSGSRSV1><STMTTRNRS><TRNUID>1\n<STMTRS>\n<CURDEF>USD\n"
         "<BANKACCTFROM><BANKID>121000248\n<ACCTID>4455\n<ACCTTYPE>CHECKING\n</BANKACCTFROM>\n"
         "<BANKTRANLIST><DTSTART>20240101\n<DTEND>20240131\n" + transactions +
         "</BANKTRANLIST>\n" + statement_extra + "</STMTRS></STMTTRNRS></BANKMSGSRSV1>\n</OFX>\n";
}

std::string Trn(const std::string& type, const std::string& posted, const std::string& amount,
                const std::string& fitid, const std::string& extra = "") {
  return "<STMTTRN>\n<TRNTYPE>" + type + "\n<DTPOSTED>" + posted + "\n<TRNAMT>" + amount + "\n<FITID>" +
         fitid + "\n" + extra + "</STMTTRN>\n";
}

TEST(OfxTest, TransactionTypesMapToChannelsBySign) {
  struct Case {
    const char* type;
    const char* amount;
    Channel channel;
  };
  const Case cases[] = {
      {"ATM", "-200.00", Channel::kCashWithdrawal}, {"ATM", "200.00", Channel::kCashDeposit},
      {"CASH", "-50", Channel::kCashWithdrawal},    {"POS", "-12.5", Channel::kCard},
      {"CHECK", "-40.00", Channel::kCheque},        {"DIRECTDEP", "1500.00", Channel::kAch},
      {"DIRECTDEBIT", "-30.00", Channel::kAch},     {"REPEATPMT", "-30.00", Channel::kAch},
      {"PAYMENT", "-30.00", Channel::kAch},         {"XFER", "-30.00", Channel::kUnknown},
      {"DEP", "30.00", Channel::kUnknown},          {"credit", "30.00", Channel::kUnknown},
  };
  std::string transactions;
  for (size_t i = 0; i < std::size(cases); ++i) {
    transactions += Trn(cases[i].type, "20240105", cases[i].amount, "T" + std::to_string(i));
  }
  Result<ParsedStatements> p = ParseOfx(Sgml(transactions), "c.qfx");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  const Statement& s = p->statements[0];
  ASSERT_EQ(s.entries.size(), std::size(cases));
  for (size_t i = 0; i < std::size(cases); ++i) {
    EXPECT_EQ(s.entries[i].channel, cases[i].channel) << cases[i].type << " " << cases[i].amount;
  }
  EXPECT_EQ(s.account, "4455");
  EXPECT_EQ(s.account_bank, "121000248");
  EXPECT_EQ(s.period_start, 1704067200);  // 2024-01-01
  EXPECT_EQ(s.period_end, 1706659200);    // 2024-01-31
}

TEST(OfxTest, DatesInEveryTimeZoneFormKeepTheirWrittenDay) {
  const char* forms[] = {"20240105",           "202401052359",         "20240105235959",
                         "20240105235959.999", "20240105235959[-5:EST]", "20240105000000[+5.30:IST]",
                         "20240105[0:GMT]",    "20240105120000[-7]",   "20240105120000.000[+10:AEST]"};
  for (const char* form : forms) {
    Result<ParsedStatements> p = ParseOfx(Sgml(Trn("DEBIT", form, "-1.00", "A")), "d.ofx");
    ASSERT_TRUE(p.ok()) << form << ": " << p.status().ToString();
    EXPECT_EQ(p->statements[0].entries[0].booking_date, 1704412800) << form;  // 2024-01-05
  }
  const char* bad[] = {"2024015", "20240230", "20240105246000", "20240105120000[-5:EST", "20240105120000[x:EST]",
                       "20240105120000[-15]", "20240105 12:00"};
  for (const char* form : bad) {
    Result<ParsedStatements> p = ParseOfx(Sgml(Trn("DEBIT", form, "-1.00", "A")), "d.ofx");
    ASSERT_FALSE(p.ok()) << form;
    EXPECT_NE(p.status().message().find("d.ofx:19: STMTTRN/DTPOSTED '" + std::string(form) + "': expected a date"),
              std::string::npos) << p.status().message();
  }
}

TEST(OfxTest, AmountsAreExactWithPointOrCommaAndBalancesAreRead) {
  Result<ParsedStatements> p = ParseOfx(
      Sgml(Trn("DEBIT", "20240105", "-0.10", "A") + Trn("CREDIT", "20240106", "+1234567890123.45", "B") +
               Trn("DEBIT", "20240106", "-12,5", "C"),
           "<LEDGERBAL><BALAMT>-1.5\n<DTASOF>20240131120000[-5:EST]\n</LEDGERBAL>\n"
           "<AVAILBAL><BALAMT>99.99\n<DTASOF>20240131\n</AVAILBAL>\n"),
      "a.ofx");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  const Statement& s = p->statements[0];
  EXPECT_EQ(FormatDecimal(s.entries[0].amount), "-0.10");
  EXPECT_EQ(FormatDecimal(s.entries[1].amount), "1234567890123.45");
  EXPECT_EQ(FormatDecimal(s.entries[2].amount), "-12.5");
  ASSERT_TRUE(s.closing.has_value());
  EXPECT_EQ(s.closing->type, "LEDGERBAL");
  EXPECT_EQ(FormatDecimal(s.closing->amount), "-1.5");
  EXPECT_EQ(s.closing->day, 1706659200);
  ASSERT_EQ(s.other_balances.size(), 1u);
  EXPECT_EQ(s.other_balances[0].type, "AVAILBAL");
  EXPECT_FALSE(s.opening.has_value());  // OFX declares no opening balance
  for (const char* bad : {"1.000,00", "12.", "--1", "1e5", "0x10", ""}) {
    Result<ParsedStatements> q = ParseOfx(Sgml(Trn("DEBIT", "20240105", bad, "A")), "a.ofx");
    ASSERT_FALSE(q.ok()) << bad;
    EXPECT_NE(q.status().message().find("STMTTRN/TRNAMT '" + std::string(bad) + "'"), std::string::npos)
        << q.status().message();
  }
}

TEST(OfxTest, NameMemoPayeeCheckNumberAndCounterpartyAccount) {
  Result<ParsedStatements> p = ParseOfx(
      Sgml(Trn("CHECK", "20240105", "-25.00", "F1", "<CHECKNUM>319\n<NAME>RETURNED CHECK FEE\n<MEMO>RETURNED CHECK FEE FOR $45.33\n") +
           Trn("DEBIT", "20240105", "-5.00", "F2", "<PAYEE><NAME>ACME &amp; SONS\n<ADDR1>1 MAIN ST\n</PAYEE>\n<MEMO>Invoice 7\n") +
           Trn("XFER", "20240106", "-100.00", "F3", "<NAME>OWN SAVINGS\n<BANKACCTTO><BANKID>121000248\n<ACCTID>9988\n<ACCTTYPE>SAVINGS\n</BANKACCTTO>\n") +
           Trn("DEBIT", "20240107", "-1.00", "", "<REFNUM>R-77\n<NAME>Caf\xE9 Z\xFCrich \x80\n")),
      "n.ofx");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  const std::vector<Entry>& e = p->statements[0].entries;
  ASSERT_EQ(e.size(), 4u);
  EXPECT_EQ(e[0].description, "RETURNED CHECK FEE FOR $45.33 CHECK 319");  // NAME is the MEMO cut short
  EXPECT_EQ(e[0].counterparty_name, "RETURNED CHECK FEE");
  EXPECT_EQ(e[1].counterparty_name, "ACME & SONS");
  EXPECT_EQ(e[1].description, "ACME & SONS Invoice 7");
  EXPECT_EQ(e[2].counterparty_account, "9988");
  EXPECT_EQ(e[2].counterparty_bank, "121000248");
  EXPECT_EQ(e[3].reference, "R-77");  // no FITID: the REFNUM
  EXPECT_EQ(e[3].counterparty_name, "Caf\u00e9 Z\u00fcrich \u20ac");  // windows-1252 read as such
  EXPECT_EQ(p->variant, "OFX 1.02 windows-1252");
  EXPECT_EQ(e[1].position.line, 26u);  // its STMTTRN tag
}

TEST(OfxTest, RepeatedFitidIsOneTransactionWhenDateAndAmountAgree) {
  Result<ParsedStatements> p = ParseOfx(
      Sgml(Trn("DEBIT", "20240105", "-5.00", "X1") + Trn("DEBIT", "20240105", "-5.00", "X1") +
           Trn("DEBIT", "20240106", "-7.00", "X1")),
      "f.ofx");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->statements[0].entries.size(), 2u);
  ASSERT_EQ(p->findings.size(), 2u);
  EXPECT_EQ(p->findings[0], "f.ofx:23: FITID 'X1' of line 17 again, same date and amount: the same transaction, counted once");
  EXPECT_EQ(p->findings[1], "f.ofx:29: FITID 'X1' of line 17 again for a different transaction: both kept");
}

TEST(OfxTest, CreditCardStatementsAndXmlWithCdata) {
  const std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<?OFX OFXHEADER=\"200\" VERSION=\"211\"?>\n<OFX>\n"
      "<CREDITCARDMSGSRSV1><CCSTMTTRNRS><TRNUID>1</TRNUID><CCSTMTRS>\n<CURDEF>gbp</CURDEF>\n"
      "<CCACCTFROM><ACCTID>4111</ACCTID></CCACCTFROM>\n<BANKTRANLIST>\n<STMTTRN>\n<TRNTYPE>POS</TRNTYPE>\n"
      "<DTPOSTED>20160823</DTPOSTED><TRNAMT>-100.00</TRNAMT><FITID>Z</FITID>\n"
      "<NAME><![CDATA[VENDOR <1>]]></NAME></STMTTRN>\n</BANKTRANLIST>\n"
      "<LEDGERBAL><BALAMT>-500.00</BALAMT><DTASOF>20160823</DTASOF></LEDGERBAL>\n</CCSTMTRS>\n"
      "</CCSTMTTRNRS></CREDITCARDMSGSRSV1>\n</OFX>\n";
  Result<ParsedStatements> p = ParseOfx(xml, "cc.ofx");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->variant, "OFX 2.11");
  const Statement& s = p->statements[0];
  EXPECT_EQ(s.account, "4111");
  EXPECT_EQ(s.currency, "GBP");
  ASSERT_EQ(s.entries.size(), 1u);
  EXPECT_EQ(s.entries[0].channel, Channel::kCard);
  EXPECT_EQ(s.entries[0].counterparty_name, "VENDOR <1>");
  EXPECT_EQ(s.entries[0].position.line, 8u);
  EXPECT_EQ(FormatDecimal(s.closing->amount), "-500.00");
}

TEST(OfxTest, MalformedFilesAreRefusedWithFileLineFieldAndValue) {
  struct Case {
    std::string text, expected;
  };
  const Case cases[] = {
      {Sgml(Trn("WIRE", "20240105", "-1", "A")), "x.ofx:18: STMTTRN/TRNTYPE 'WIRE': expected an OFX transaction type"},
      {Sgml("<STMTTRN>\n<TRNTYPE>DEBIT\n<TRNAMT>-1\n</STMTTRN>\n"), "x.ofx:17: STMTTRN/DTPOSTED '': expected a date"},
      {Sgml("<STMTTRN>\n<TRNTYPE>DEBIT\n<DTPOSTED>20240101\n</STMTTRN>\n"), "x.ofx:17: STMTTRN/TRNAMT '': expected the transaction's amount"},
      {Sgml("", "<LEDGERBAL><BALAMT>1O0\n</LEDGERBAL>\n"), "x.ofx:18: LEDGERBAL/BALAMT '1O0'"},
      {"OFXHEADER:100\nDATA:OFXSGML\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>USD\n</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>",
       "x.ofx:4: STMTRS/BANKACCTFROM '': expected the statement's account"},
      {"OFXHEADER:100\nDATA:OFXSGML\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>US1\n<BANKACCTFROM><ACCTID>1\n</BANKACCTFROM></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>",
       "x.ofx:4: STMTRS/CURDEF 'US1': expected an ISO 4217 currency code"},
      {"OFXHEADER:100\nDATA:OFXSGML\n\n<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0\n</STATUS></SONRS></SIGNONMSGSRSV1></OFX>",
       "x.ofx: no bank or credit-card statement (STMTRS/CCSTMTRS) in the OFX file"},
      {"OFXHEADER:200\nDATA:OFXSGML\n\n<OFX></OFX>", "x.ofx:1: OFXHEADER '200': expected 100"},
      {"OFXHEADER:100\nDATA:XML\n\n<OFX></OFX>", "x.ofx:1: DATA 'XML': expected OFXSGML"},
      {Sgml(Trn("DEBIT", "20240105", "-1", "A")).substr(0, 260), "a truncated download?"},
      {"<?xml version=\"1.0\"?>\n<?OFX OFXHEADER=\"200\"?>\n<OFX>\n<A>&x;</A>\n</OFX>\n", "x.ofx:4: not well-formed XML"},
      {"<?xml version=\"1.0\"?>\n<!DOCTYPE OFX [<!ENTITY e \"x\">]>\n<OFX><A>&e;</A></OFX>\n", "DOCTYPE"},
      {"hello", "x.ofx: not an OFX file"},
      {Sgml(Trn("DEBIT", "20240105", "-1", "A", std::string("<NAME>A\0B\n", 10))), "x.ofx:22: a NUL byte: not an OFX text file"},
  };
  for (const Case& c : cases) {
    Result<ParsedStatements> p = ParseOfx(c.text, "x.ofx");
    ASSERT_FALSE(p.ok()) << c.expected;
    EXPECT_NE(p.status().message().find(c.expected), std::string::npos)
        << "got: " << p.status().message() << "\nwanted: " << c.expected;
    EXPECT_EQ(p.status().message().substr(0, 5), "x.ofx");
  }
}

}  // namespace
}  // namespace moneytrail::formats
