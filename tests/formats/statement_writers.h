// Test helpers: small writers of camt.053, MT940 and OFX from plain rows, for round trips (a
// statement written from known rows reads back as those rows) and for ingest tests.
#ifndef MONEYTRAIL_TESTS_FORMATS_STATEMENT_WRITERS_H_
#define MONEYTRAIL_TESTS_FORMATS_STATEMENT_WRITERS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "moneytrail/money.h"
#include "moneytrail/time_format.h"

namespace moneytrail::formats_test {

struct Row {
  int64_t day = 0;        // days since 1970-01-01
  int64_t cents = 0;      // signed: money in > 0
  std::string name;       // the other party
  std::string account;    // its account ("" none)
  std::string text;       // remittance
  std::string reference;
};

struct Account {
  std::string id = "S1";
  std::string iban;
  std::string bic;
  std::string currency = "EUR";
  int64_t opening_cents = 0;
};

inline std::string Cents(int64_t c) {
  return FormatDecimal(Decimal{c < 0 ? -c : c, 2});
}

inline std::string IsoDay(int64_t day) { return FormatIsoTime(day * 86400).substr(0, 10); }

// YYMMDD
inline std::string SwiftDay(int64_t day) {
  const std::string iso = IsoDay(day);
  return iso.substr(2, 2) + iso.substr(5, 2) + iso.substr(8, 2);
}

inline std::string SwiftAmount(int64_t c) {
  std::string s = Cents(c);
  s[s.size() - 3] = ',';
  return s;
}

inline int64_t Closing(const Account& a, const std::vector<Row>& rows) {
  int64_t c = a.opening_cents;
  for (const Row& r : rows) c += r.cents;
  return c;
}

// One camt.053.001.02 statement, pretty-printed (one element per line).
inline std::string WriteCamt(const Account& a, const std::vector<Row>& rows) {
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">\n"
                  "<BkToCstmrStmt>\n<GrpHdr>\n<MsgId>T</MsgId>\n</GrpHdr>\n<Stmt>\n<Id>" + a.id + "</Id>\n"
                  "<Acct>\n<Id>\n<IBAN>" + a.iban + "</IBAN>\n</Id>\n<Ccy>" + a.currency + "</Ccy>\n";
  if (!a.bic.empty()) x += "<Svcr>\n<FinInstnId>\n<BIC>" + a.bic + "</BIC>\n</FinInstnId>\n</Svcr>\n";
  x += "</Acct>\n";
  auto balance = [&](const char* type, int64_t c, int64_t day) {
    x += std::string("<Bal>\n<Tp>\n<CdOrPrtry>\n<Cd>") + type + "</Cd>\n</CdOrPrtry>\n</Tp>\n<Amt Ccy=\"" +
         a.currency + "\">" + Cents(c) + "</Amt>\n<CdtDbtInd>" + (c < 0 ? "DBIT" : "CRDT") +
         "</CdtDbtInd>\n<Dt>\n<Dt>" + IsoDay(day) + "</Dt>\n</Dt>\n</Bal>\n";
  };
  const int64_t first = rows.empty() ? 0 : rows.front().day, last = rows.empty() ? 0 : rows.back().day;
  balance("OPBD", a.opening_cents, first);
  balance("CLBD", Closing(a, rows), last);
  for (const Row& r : rows) {
    const bool in = r.cents > 0;
    x += "<Ntry>\n<Amt Ccy=\"" + a.currency + "\">" + Cents(r.cents) + "</Amt>\n<CdtDbtInd>" +
         (in ? "CRDT" : "DBIT") + "</CdtDbtInd>\n<Sts>BOOK</Sts>\n<BookgDt>\n<Dt>" + IsoDay(r.day) +
         "</Dt>\n</BookgDt>\n<ValDt>\n<Dt>" + IsoDay(r.day) + "</Dt>\n</ValDt>\n<AcctSvcrRef>" +
         r.reference + "</AcctSvcrRef>\n<BkTxCd>\n<Domn>\n<Cd>PMNT</Cd>\n<Fmly>\n<Cd>" +
         (in ? "RCDT" : "ICDT") + "</Cd>\n<SubFmlyCd>XBCT</SubFmlyCd>\n</Fmly>\n</Domn>\n</BkTxCd>\n"
         "<NtryDtls>\n<TxDtls>\n<RltdPties>\n";
    const std::string role = in ? "Dbtr" : "Cdtr";
    x += "<" + role + ">\n<Nm>" + r.name + "</Nm>\n</" + role + ">\n";
    if (!r.account.empty()) {
      x += "<" + role + "Acct>\n<Id>\n<Othr>\n<Id>" + r.account + "</Id>\n</Othr>\n</Id>\n</" + role + "Acct>\n";
    }
    x += "</RltdPties>\n<RmtInf>\n<Ustrd>" + r.text + "</Ustrd>\n</RmtInf>\n</TxDtls>\n</NtryDtls>\n</Ntry>\n";
  }
  return x + "</Stmt>\n</BkToCstmrStmt>\n</Document>\n";
}

// One MT940 message with the keyword :86: form.
inline std::string WriteMt940(const Account& a, const std::vector<Row>& rows) {
  const int64_t first = rows.empty() ? 0 : rows.front().day, last = rows.empty() ? 0 : rows.back().day;
  auto balance = [&](const char* tag, int64_t c, int64_t day) {
    return std::string(":") + tag + ":" + (c < 0 ? "D" : "C") + SwiftDay(day) + a.currency + SwiftAmount(c) + "\r\n";
  };
  std::string m = ":20:" + a.id + "\r\n:25:" + a.iban + "\r\n:28C:1/1\r\n" + balance("60F", a.opening_cents, first);
  for (const Row& r : rows) {
    m += ":61:" + SwiftDay(r.day) + SwiftDay(r.day).substr(2) + (r.cents > 0 ? "C" : "D") +
         SwiftAmount(r.cents) + "S103NONREF//" + r.reference + "\r\n";
    m += ":86:/NAME/" + r.name + (r.account.empty() ? "" : "/IBAN/" + r.account) + "/REMI/" + r.text + "\r\n";
  }
  return m + balance("62F", Closing(a, rows), last) + "-\r\n";
}

// One OFX bank statement: `xml` gives OFX 2.x (every element closed), else OFX 1.x SGML with
// unclosed leaf tags. TRNTYPE XFER; FITID the row's reference; NAME and MEMO; LEDGERBAL the
// closing balance. Texts must not hold '<' or '&'.
inline std::string WriteOfx(const Account& a, const std::vector<Row>& rows, bool xml) {
  auto leaf = [&](const std::string& tag, const std::string& value) {
    return "<" + tag + ">" + value + (xml ? "</" + tag + ">" : "") + "\n";
  };
  auto signed_amount = [](int64_t c) { return (c < 0 ? "-" : "") + Cents(c); };
  auto ofx_day = [](int64_t day) {
    const std::string iso = IsoDay(day);
    return iso.substr(0, 4) + iso.substr(5, 2) + iso.substr(8, 2);
  };
  std::string x = xml ? "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<?OFX OFXHEADER=\"200\" VERSION=\"220\" "
                        "SECURITY=\"NONE\" OLDFILEUID=\"NONE\" NEWFILEUID=\"NONE\"?>\n"
                      : "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:UTF-8\nCHARSET:NONE\n"
                        "COMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n";
  x += "<OFX>\n<BANKMSGSRSV1>\n<STMTTRNRS>\n" + leaf("TRNUID", "1") + "<STMTRS>\n" + leaf("CURDEF", a.currency) +
       "<BANKACCTFROM>\n" + leaf("BANKID", a.bic) + leaf("ACCTID", a.iban) +
       leaf("ACCTTYPE", "CHECKING") + "</BANKACCTFROM>\n<BANKTRANLIST>\n";
  for (const Row& r : rows) {
    x += "<STMTTRN>\n" + leaf("TRNTYPE", "XFER") + leaf("DTPOSTED", ofx_day(r.day) + "120000[-5:EST]") +
         leaf("TRNAMT", signed_amount(r.cents)) + leaf("FITID", r.reference) + leaf("NAME", r.name);
    if (!r.account.empty()) x += "<BANKACCTTO>\n" + leaf("BANKID", "9") + leaf("ACCTID", r.account) + "</BANKACCTTO>\n";
    x += leaf("MEMO", r.text) + "</STMTTRN>\n";
  }
  x += "</BANKTRANLIST>\n<LEDGERBAL>\n" + leaf("BALAMT", signed_amount(Closing(a, rows))) +
       leaf("DTASOF", rows.empty() ? "20240101" : ofx_day(rows.back().day)) + "</LEDGERBAL>\n";
  return x + "</STMTRS>\n</STMTTRNRS>\n</BANKMSGSRSV1>\n</OFX>\n";
}

// A pacs.008.001.08 message in a SWIFT envelope: one credit transfer per row (its |cents| paid
// out of `a` on the row's day to the row's name and account, agent "BNORMXMT"), pretty-printed;
// the row's reference is the UETR, its text the unstructured remittance.
inline std::string WritePacs008(const Account& a, const std::vector<Row>& rows) {
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Envelope xmlns=\"urn:swift:xsd:envelope\">\n"
                  "<pacs:Document xmlns:pacs=\"urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08\">\n"
                  "<pacs:FIToFICstmrCdtTrf>\n<pacs:GrpHdr>\n<pacs:MsgId>M1</pacs:MsgId>\n<pacs:NbOfTxs>" +
                  std::to_string(rows.size()) + "</pacs:NbOfTxs>\n</pacs:GrpHdr>\n";
  for (const Row& r : rows) {
    x += "<pacs:CdtTrfTxInf>\n<pacs:PmtId>\n<pacs:EndToEndId>E2E</pacs:EndToEndId>\n<pacs:UETR>" + r.reference +
         "</pacs:UETR>\n</pacs:PmtId>\n<pacs:IntrBkSttlmAmt Ccy=\"" + a.currency + "\">" + Cents(r.cents) +
         "</pacs:IntrBkSttlmAmt>\n<pacs:IntrBkSttlmDt>" + IsoDay(r.day) + "</pacs:IntrBkSttlmDt>\n"
         "<pacs:Dbtr>\n<pacs:Nm>HOLDER</pacs:Nm>\n</pacs:Dbtr>\n<pacs:DbtrAcct>\n<pacs:Id>\n<pacs:IBAN>" + a.iban +
         "</pacs:IBAN>\n</pacs:Id>\n</pacs:DbtrAcct>\n<pacs:DbtrAgt>\n<pacs:FinInstnId>\n<pacs:BICFI>" + a.bic +
         "</pacs:BICFI>\n</pacs:FinInstnId>\n</pacs:DbtrAgt>\n<pacs:CdtrAgt>\n<pacs:FinInstnId>\n<pacs:BICFI>BNORMXMT"
         "</pacs:BICFI>\n</pacs:FinInstnId>\n</pacs:CdtrAgt>\n<pacs:Cdtr>\n<pacs:Nm>" + r.name +
         "</pacs:Nm>\n</pacs:Cdtr>\n<pacs:CdtrAcct>\n<pacs:Id>\n<pacs:Othr>\n<pacs:Id>" + r.account +
         "</pacs:Id>\n</pacs:Othr>\n</pacs:Id>\n</pacs:CdtrAcct>\n<pacs:RmtInf>\n<pacs:Ustrd>" + r.text +
         "</pacs:Ustrd>\n</pacs:RmtInf>\n</pacs:CdtTrfTxInf>\n";
  }
  return x + "</pacs:FIToFICstmrCdtTrf>\n</pacs:Document>\n</Envelope>\n";
}

}  // namespace moneytrail::formats_test

#endif  // MONEYTRAIL_TESTS_FORMATS_STATEMENT_WRITERS_H_
