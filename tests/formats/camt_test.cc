// camt.052/053/054 reader (src/formats/camt.cc): hand-written documents for each element the
// reader uses and each way a document can be wrong.
#include <gtest/gtest.h>

#include <string>

#include "moneytrail/formats.h"

namespace moneytrail::formats {
namespace {

std::string Doc(const std::string& statement_body, const std::string& ns = "camt.053.001.02",
                const std::string& message = "BkToCstmrStmt", const std::string& statement = "Stmt") {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:" + ns + "\">\n"
         "<" + message + ">\n<GrpHdr><MsgId>M1</MsgId></GrpHdr>\n"
         "<" + statement + ">\n<Id>S1</Id>\n"
         "<Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id><Ccy>EUR</Ccy>"
         "<Svcr><FinInstnId><BIC>ABNANL2A</BIC></FinInstnId></Svcr></Acct>\n" +
         statement_body + "</" + statement + ">\n</" + message + ">\n</Document>\n";
}

std::string Balance(const std::string& type, const std::string& amount, const std::string& side = "CRDT") {
  return "<Bal><Tp><CdOrPrtry><Cd>" + type + "</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">" + amount +
         "</Amt><CdtDbtInd>" + side + "</CdtDbtInd><Dt><Dt>2024-03-01</Dt></Dt></Bal>\n";
}

std::string Entry(const std::string& amount, const std::string& side, const std::string& details = "",
                  const std::string& code = "") {
  return "<Ntry>\n<Amt Ccy=\"EUR\">" + amount + "</Amt><CdtDbtInd>" + side +
         "</CdtDbtInd><Sts>BOOK</Sts>\n<BookgDt><Dt>2024-03-02</Dt></BookgDt><ValDt><Dt>2024-03-03</Dt></ValDt>\n"
         "<AcctSvcrRef>REF-" + amount + "</AcctSvcrRef>\n" + code +
         (details.empty() ? "" : "<NtryDtls>\n" + details + "</NtryDtls>\n") + "</Ntry>\n";
}

std::string Tx(const std::string& amount, const std::string& party, const std::string& iban,
               const std::string& text) {
  return "<TxDtls>\n<AmtDtls><TxAmt><Amt Ccy=\"EUR\">" + amount + "</Amt></TxAmt></AmtDtls>\n"
         "<RltdPties><Dbtr><Nm>" + party + "</Nm></Dbtr><DbtrAcct><Id><IBAN>" + iban +
         "</IBAN></Id></DbtrAcct><Cdtr><Nm>" + party + " CREDITOR</Nm></Cdtr></RltdPties>\n"
         "<RltdAgts><DbtrAgt><FinInstnId><BICFI>INGBNL2A</BICFI></FinInstnId></DbtrAgt></RltdAgts>\n"
         "<RmtInf><Ustrd>" + text + "</Ustrd></RmtInf>\n</TxDtls>\n";
}

TEST(CamtTest, ReadsAccountBalancesAndEntriesWithExactAmountsAndLines) {
  const std::string doc = Doc(Balance("OPBD", "100.00") + Balance("CLBD", "75.50") +
                              Entry("24.50", "DBIT") + Entry("0.000001", "CRDT") );
  Result<ParsedStatements> p = ParseCamt(doc, "a.xml");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->variant, "camt.053.001.02");
  ASSERT_EQ(p->statements.size(), 1u);
  const Statement& s = p->statements[0];
  EXPECT_EQ(s.id, "S1");
  EXPECT_EQ(s.account, "NL91ABNA0417164300");
  EXPECT_EQ(s.account_bank, "ABNANL2A");
  EXPECT_EQ(s.currency, "EUR");
  ASSERT_TRUE(s.opening && s.closing);
  EXPECT_EQ(FormatDecimal(s.opening->amount), "100.00");
  EXPECT_EQ(FormatDecimal(s.closing->amount), "75.50");
  ASSERT_EQ(s.entries.size(), 2u);
  EXPECT_EQ(FormatDecimal(s.entries[0].amount), "-24.50");
  EXPECT_EQ(FormatDecimal(s.entries[1].amount), "0.000001");  // six decimals, exact
  EXPECT_EQ(s.entries[0].booking_date, 1709337600);          // 2024-03-02
  EXPECT_EQ(s.entries[0].value_date, 1709424000);            // 2024-03-03
  EXPECT_EQ(s.entries[0].reference, "REF-24.50");
  EXPECT_EQ(s.entries[0].position.line, 10u);  // the <Ntry> element's line
  // 100.00 - 24.50 + 0.000001 != 75.50: a finding naming the numbers.
  ASSERT_EQ(p->findings.size(), 1u);
  EXPECT_NE(p->findings[0].find("is 75.500001, but the declared closing balance (CLBD) is 75.50"),
            std::string::npos) << p->findings[0];
}

TEST(CamtTest, DebitBalanceIsNegativeAndAgreeingTotalsGiveNoFinding) {
  const std::string doc = Doc(Balance("OPBD", "10.00", "DBIT") + Balance("CLBD", "5.00") +
                              Entry("15.00", "CRDT"));
  Result<ParsedStatements> p = ParseCamt(doc, "a.xml");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(FormatDecimal(p->statements[0].opening->amount), "-10.00");
  EXPECT_TRUE(p->findings.empty());
}

TEST(CamtTest, PreviousClosingAndInterimBalancesStandInForOpeningAndClosing) {
  const std::string doc = Doc(Balance("PRCD", "10.00") + Balance("ITBD", "12.00") + Entry("2.00", "CRDT"),
                              "camt.052.001.04", "BkToCstmrAcctRpt", "Rpt");
  Result<ParsedStatements> p = ParseCamt(doc, "r.xml");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->variant, "camt.052.001.04");
  EXPECT_EQ(p->statements[0].opening->type, "PRCD");
  EXPECT_EQ(p->statements[0].closing->type, "ITBD");
  EXPECT_TRUE(p->findings.empty());
}

TEST(CamtTest, EntryWithSeveralTransactionsThatAddUpIsSplitWithTheirParties) {
  const std::string doc = Doc(Entry("30.00", "CRDT", Tx("10.00", "ALICE", "DE1", "INV 1") +
                                                         Tx("20.00", "BOB", "DE2", "INV 2")));
  Result<ParsedStatements> p = ParseCamt(doc, "b.xml");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  const auto& e = p->statements[0].entries;
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(FormatDecimal(e[0].amount), "10.00");
  EXPECT_EQ(FormatDecimal(e[1].amount), "20.00");
  // Money in: the debtor is the other end.
  EXPECT_EQ(e[0].counterparty_name, "ALICE");
  EXPECT_EQ(e[0].counterparty_account, "DE1");
  EXPECT_EQ(e[0].counterparty_bank, "INGBNL2A");
  EXPECT_EQ(e[1].description, "FROM BOB INV 2");
  EXPECT_GT(e[1].position.line, e[0].position.line);  // each cites its own TxDtls
}

TEST(CamtTest, BatchWhoseDetailsDoNotAddUpStaysOneEntry) {
  const std::string doc = Doc(Entry("31.00", "DBIT", Tx("10.00", "A", "X1", "one") + Tx("20.00", "B", "X2", "two")));
  Result<ParsedStatements> p = ParseCamt(doc, "b.xml");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  const auto& e = p->statements[0].entries;
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(FormatDecimal(e[0].amount), "-31.00");
  EXPECT_NE(e[0].description.find("(batch of 2 transactions)"), std::string::npos) << e[0].description;
  EXPECT_EQ(e[0].counterparty_name, "A CREDITOR");  // money out: the creditor
}

TEST(CamtTest, BankTransactionCodesMapToChannels) {
  auto code = [](const std::string& d, const std::string& f, const std::string& s) {
    return "<BkTxCd><Domn><Cd>" + d + "</Cd><Fmly><Cd>" + f + "</Cd><SubFmlyCd>" + s +
           "</SubFmlyCd></Fmly></Domn></BkTxCd>\n";
  };
  const std::string doc =
      Doc(Entry("1.00", "CRDT", "", code("PMNT", "CNTR", "CDPT")) +
          Entry("2.00", "DBIT", "", code("PMNT", "CNTR", "CWDL")) +
          Entry("3.00", "DBIT", "", code("PMNT", "ICDT", "XBCT")) +
          Entry("4.00", "DBIT", "", code("PMNT", "ICDT", "ESCT")) +
          Entry("5.00", "DBIT", "", code("PMNT", "CCRD", "POSD")) +
          Entry("6.00", "DBIT", "", code("PMNT", "ICHQ", "CCHQ")) +
          Entry("7.00", "DBIT", "", code("ACMT", "MDOP", "CHRG")) +
          Entry("8.00", "CRDT", "", "<BkTxCd><Prtry><Cd>Incoming Wire</Cd></Prtry></BkTxCd>\n") +
          Entry("9.00", "CRDT", "", "<BkTxCd><Prtry><Cd>NCHK</Cd></Prtry></BkTxCd>\n"));
  Result<ParsedStatements> p = ParseCamt(doc, "c.xml");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  const auto& e = p->statements[0].entries;
  ASSERT_EQ(e.size(), 9u);
  const Channel expected[] = {Channel::kCashDeposit, Channel::kCashWithdrawal, Channel::kWire,
                              Channel::kAch,         Channel::kCard,           Channel::kCheque,
                              Channel::kUnknown,     Channel::kWire,           Channel::kCheque};
  for (size_t i = 0; i < 9; ++i) EXPECT_EQ(e[i].channel, expected[i]) << i << " " << e[i].bank_code;
  EXPECT_EQ(e[0].bank_code, "PMNT/CNTR/CDPT");
}

TEST(CamtTest, PendingEntriesAreLeftOffTheLedgerAndCounted) {
  std::string pending = Entry("5.00", "CRDT");
  pending.replace(pending.find("BOOK"), 4, "PDNG");
  Result<ParsedStatements> p = ParseCamt(Doc(pending + Entry("1.00", "CRDT")), "p.xml");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->statements[0].entries.size(), 1u);
  ASSERT_EQ(p->findings.size(), 1u);
  EXPECT_NE(p->findings[0].find("1 entries not booked"), std::string::npos);
}

TEST(CamtTest, ReversalIsFlaggedAndSignedByItsCreditDebitIndicator) {
  std::string e = Entry("5.00", "DBIT");
  e.insert(e.find("<Sts>"), "<RvslInd>true</RvslInd>");
  Result<ParsedStatements> p = ParseCamt(Doc(e), "r.xml");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_TRUE(p->statements[0].entries[0].reversal);
  EXPECT_EQ(FormatDecimal(p->statements[0].entries[0].amount), "-5.00");
}

TEST(CamtTest, StatementsInOneFileAreKeptApartWithTheNotificationVariant) {
  std::string doc = Doc(Entry("1.00", "CRDT"), "camt.054.001.08", "BkToCstmrDbtCdtNtfctn", "Ntfctn");
  const std::string second = "<Ntfctn><Id>S2</Id><Acct><Id><Othr><Id>12345</Id></Othr></Id></Acct>" +
                             Entry("2.00", "DBIT") + "</Ntfctn>\n";
  doc.insert(doc.find("</BkToCstmrDbtCdtNtfctn>"), second);
  Result<ParsedStatements> p = ParseCamt(doc, "n.xml");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->statements.size(), 2u);
  EXPECT_EQ(p->statements[1].account, "12345");
  EXPECT_EQ(p->statements[1].currency, "EUR");  // no Acct/Ccy, no balance: the entries' currency
  EXPECT_EQ(p->statements[1].entries[0].currency, "EUR");
}

// Each malformed document: the error names the file, the line and what was expected.
TEST(CamtTest, MalformedDocumentsAreRefusedNamingFileLineAndField) {
  struct Case {
    std::string doc, expected;
  };
  const std::string no_side = [] {
    std::string e = Entry("1.00", "CRDT");
    e.replace(e.find("<CdtDbtInd>CRDT</CdtDbtInd>"), 27, "");
    return e;
  }();
  const Case cases[] = {
      {Doc(Entry("1,00", "CRDT")), "m.xml:9: Ntry/Amt '1,00': expected an amount"},
      {Doc(Entry("-1.00", "CRDT")), "m.xml:9: Ntry/Amt '-1.00'"},
      {Doc(Entry("1.00", "XXXX")), "m.xml:8: Ntry/CdtDbtInd 'XXXX': expected CRDT or DBIT"},
      {Doc(no_side), "m.xml:8: Ntry/CdtDbtInd '': expected CRDT or DBIT"},
      {[] { std::string d = Doc(Entry("1.00", "CRDT")); d.replace(d.find("2024-03-02"), 10, "2024-02-30"); return d; }(),
       "m.xml:10: Ntry/BookgDt '2024-02-30': expected an ISO date"},
      {Doc(Balance("OPBD", "1.00", "")), "m.xml:8: Bal/CdtDbtInd '': expected CRDT or DBIT"},
      {Doc("<Ntry><Amt>1.00</Amt>\n</Stmt>"), "m.xml:9: not well-formed XML: Opening and ending tag mismatch"},
      {"<?xml version=\"1.0\"?>\n<!DOCTYPE d [<!ENTITY x \"y\">]>\n<Document/>", "DOCTYPE '': a camt document has no DTD"},
      {"<Document><Other/></Document>", "m.xml: not a camt.052/053/054 document"},
      {"<Document><FIToFICstmrCdtTrf/></Document>", "a pacs payment message, not an account statement"},
      {"<Document>\n<BkToCstmrStmt>\n<Stmt>\n<Id>S</Id>\n</Stmt></BkToCstmrStmt></Document>",
       "m.xml:3: Acct/Id '': expected the account"},
      {"", "m.xml:"},
      // fuzz_camt, session 14: a processing instruction's name running to the end of the file.
      {"<?xmlSversion7xmvB", "m.xml:1: not well-formed XML: ParsePI"},
  };
  for (const Case& c : cases) {
    Result<ParsedStatements> p = ParseCamt(c.doc, "m.xml");
    ASSERT_FALSE(p.ok()) << c.expected;
    EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(p.status().message().find(c.expected), std::string::npos)
        << "got: " << p.status().message() << "\nwanted: " << c.expected;
  }
}

TEST(CamtTest, EntityExpansionAndExternalEntitiesAreNeverFollowed) {
  const std::string xxe =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE Document [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
      "<Document><BkToCstmrStmt><Stmt><Acct><Id><IBAN>&xxe;</IBAN></Id></Acct></Stmt></BkToCstmrStmt></Document>";
  Result<ParsedStatements> p = ParseCamt(xxe, "x.xml");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("DOCTYPE"), std::string::npos);
}

// Session 14's parser (pugixml) on what libxml2 did for the reader before it: other encodings,
// references inside CDATA and comments, and lines past 65,535 (which libxml2 capped).
TEST(CamtTest, Latin1AndUtf16DocumentsReadAsUtf8) {
  std::string latin1 = Doc(Entry("1.00", "CRDT", Tx("1.00", "M\xDCLLER", "DE02100100109307118603", "CAF\xC9")));
  latin1.replace(latin1.find("UTF-8"), 5, "ISO-8859-1");
  Result<ParsedStatements> p = ParseCamt(latin1, "l.xml");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->statements[0].entries[0].counterparty_name, "M\xC3\x9CLLER");
  EXPECT_NE(p->statements[0].entries[0].description.find("CAF\xC3\x89"), std::string::npos);
  // The same document as UTF-16LE with a byte-order mark.
  std::string utf8 = Doc(Entry("2.00", "CRDT"));
  std::string utf16 = "\xFF\xFE";
  for (char c : utf8) utf16 += std::string{c, '\0'};
  p = ParseCamt(utf16, "u.xml");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(FormatDecimal(p->statements[0].entries[0].amount), "2.00");
  std::string unknown = Doc(Entry("1.00", "CRDT"));
  unknown.replace(unknown.find("UTF-8"), 5, "NO-SUCH-CODE");
  p = ParseCamt(unknown, "x.xml");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("x.xml:1: not well-formed XML: Unsupported encoding NO-SUCH-CODE"), std::string::npos);
}

TEST(CamtTest, OnlyPredefinedAndCharacterReferencesOutsideCdataAndComments) {
  const std::string ok = Doc(Entry("1.00", "CRDT", Tx("1.00", "A &amp; B &#x41;&#66;", "DE02100100109307118603",
                                                        "<![CDATA[R&D &nope;]]><!-- &nope; -->")));
  Result<ParsedStatements> p = ParseCamt(ok, "r.xml");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->statements[0].entries[0].counterparty_name, "A & B AB");
  EXPECT_NE(p->statements[0].entries[0].description.find("R&D &nope;"), std::string::npos);
  for (const char* bad : {"&nope;", "&#0;", "& loose", "&#xD800;"}) {
    p = ParseCamt(Doc(Entry("1.00", "CRDT", Tx("1.00", bad, "DE02100100109307118603", "x"))), "r.xml");
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_NE(p.status().message().find("r.xml:15: not well-formed XML"), std::string::npos) << p.status().message();
  }
}

TEST(CamtTest, LinesPast65535AreCitedExactly) {
  const std::string doc = Doc(std::string(70000, '\n') + Entry("1.00", "CRDT"));
  Result<ParsedStatements> p = ParseCamt(doc, "big.xml");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->statements[0].entries[0].position.line, 70008u);
}

TEST(CamtTest, SniffingTellsTheFormatsApart) {
  EXPECT_EQ(SniffFormat(Doc("")), StatementFormat::kCamt);
  EXPECT_EQ(SniffFormat("\xEF\xBB\xBF" + Doc("")), StatementFormat::kCamt);
  EXPECT_EQ(SniffFormat(":20:X\r\n:25:1\r\n:28C:1\r\n"), StatementFormat::kMt940);
  EXPECT_EQ(SniffFormat("01,A,B,200101,0000,1,,,2/\n"), StatementFormat::kBai2);
  EXPECT_EQ(SniffFormat("OFXHEADER:100\nDATA:OFXSGML\n"), StatementFormat::kOfx);
  EXPECT_EQ(SniffFormat("Date,Amount\n2024-01-01,5\n"), StatementFormat::kUnknown);
  EXPECT_EQ(SniffFormat("<html></html>"), StatementFormat::kUnknown);
}

}  // namespace
}  // namespace moneytrail::formats
