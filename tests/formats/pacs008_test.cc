// pacs.008 payment messages (src/formats/pacs008.cc): a real CBPR+ sample field by field, seeded
// random messages against the rule "each credit transfer is a debit of its debtor account, one
// statement per debtor account and currency in order of first appearance", and each malformed
// form refused naming the file, line and field.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "formats/statement_writers.h"
#include "moneytrail/file_util.h"
#include "moneytrail/formats.h"
#include "moneytrail/time_format.h"

namespace moneytrail::formats {
namespace {

namespace fs = std::filesystem;

TEST(Pacs008Test, CbprSampleIsTheDebtorAccountsWireToTheCreditor) {
  const fs::path path = fs::path(MONEYTRAIL_SHARED_DATA_DIR) / "formats" / "pacs008" /
                        "ballerina-platform__module-ballerinax-financial.iso20022-to-swiftmt" /
                        "CBPR+ c.53.5 pacs.008 AtoB.xml";
  if (!fs::exists(path)) GTEST_SKIP() << path << " is not present";
  const std::string bytes = *ReadFileToString(path);
  ASSERT_EQ(SniffFormat(bytes), StatementFormat::kPacs008);
  Result<ParsedStatements> p = ParseStatements(bytes, path.string(), SniffFormat(bytes));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->format, StatementFormat::kPacs008);
  EXPECT_EQ(p->variant, "pacs.008.001.08");
  ASSERT_EQ(p->statements.size(), 1u);
  const Statement& s = p->statements[0];
  EXPECT_EQ(s.account, "458756241");
  EXPECT_EQ(s.account_bank, "WPACAU2S");
  EXPECT_EQ(s.currency, "SGD");
  EXPECT_FALSE(s.opening.has_value());
  EXPECT_FALSE(s.closing.has_value());
  ASSERT_EQ(s.entries.size(), 1u);
  const Entry& e = s.entries[0];
  EXPECT_EQ(FormatDecimal(e.amount), "-500000");
  EXPECT_EQ(FormatIsoTime(e.booking_date).substr(0, 10), "2020-08-05");
  EXPECT_EQ(e.counterparty_name, "Agoda Company");
  EXPECT_EQ(e.counterparty_account, "985412687");
  EXPECT_EQ(e.counterparty_bank, "UOVBSGSG");
  EXPECT_EQ(e.reference, "174c245f-2682-4291-ad67-2a41e530cd27");
  EXPECT_EQ(e.channel, Channel::kWire);
  EXPECT_EQ(e.bank_code, "pacs.008");
  EXPECT_NE(e.description.find("CTRY:SG"), std::string::npos) << e.description;
  // The line of its CdtTrfTxInf.
  const size_t at = bytes.find("<pacs:CdtTrfTxInf>");
  EXPECT_EQ(e.position.line, static_cast<uint64_t>(std::count(bytes.begin(), bytes.begin() + at, '\n') + 1));
  // Read as camt explicitly, the message is refused with the way to read it.
  Result<ParsedStatements> as_camt = ParseCamt(bytes, path.string());
  ASSERT_FALSE(as_camt.ok());
  EXPECT_NE(as_camt.status().message().find("--format pacs008"), std::string::npos);
}

struct Transfer {
  std::string account, bic, currency, amount, day, uetr, e2e, creditor, creditor_account, ustrd;
  uint64_t line = 0;
};

// A message holding `ts` (bare Document with a default namespace, or prefixed in an envelope).
std::string Write(std::vector<Transfer>& ts, bool envelope, const std::string& group_day) {
  const std::string p = envelope ? "p:" : "";
  std::string x = "<?xml version=\"1.0\"?>\n";
  x += envelope ? "<Envelope xmlns=\"urn:swift:xsd:envelope\">\n<p:Document xmlns:p=\"urn:iso:std:iso:20022:tech:xsd:pacs.008.001.09\">\n"
                : "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pacs.008.001.09\">\n";
  x += "<" + p + "FIToFICstmrCdtTrf>\n<" + p + "GrpHdr>\n<" + p + "MsgId>R</" + p + "MsgId>\n";
  if (!group_day.empty()) x += "<" + p + "IntrBkSttlmDt>" + group_day + "</" + p + "IntrBkSttlmDt>\n";
  x += "</" + p + "GrpHdr>\n";
  auto el = [&](const std::string& name, const std::string& text) { x += "<" + p + name + ">" + text + "</" + p + name + ">\n"; };
  for (Transfer& t : ts) {
    t.line = static_cast<uint64_t>(std::count(x.begin(), x.end(), '\n') + 1);
    x += "<" + p + "CdtTrfTxInf>\n<" + p + "PmtId>\n";
    if (!t.e2e.empty()) el("EndToEndId", t.e2e);
    if (!t.uetr.empty()) el("UETR", t.uetr);
    x += "</" + p + "PmtId>\n<" + p + "IntrBkSttlmAmt Ccy=\"" + t.currency + "\">" + t.amount + "</" + p + "IntrBkSttlmAmt>\n";
    if (!t.day.empty()) el("IntrBkSttlmDt", t.day);
    x += "<" + p + "DbtrAcct><" + p + "Id>";
    if (t.account.size() > 14) {
      el("IBAN", t.account);
    } else if (!t.account.empty()) {
      x += "<" + p + "Othr>";
      el("Id", t.account);
      x += "</" + p + "Othr>";
    }
    x += "</" + p + "Id></" + p + "DbtrAcct>\n<" + p + "DbtrAgt><" + p + "FinInstnId>";
    el("BICFI", t.bic);
    x += "</" + p + "FinInstnId></" + p + "DbtrAgt>\n<" + p + "Cdtr>";
    el("Nm", t.creditor);
    x += "</" + p + "Cdtr>\n<" + p + "CdtrAcct><" + p + "Id><" + p + "Othr>";
    el("Id", t.creditor_account);
    x += "</" + p + "Othr></" + p + "Id></" + p + "CdtrAcct>\n";
    if (!t.ustrd.empty()) {
      x += "<" + p + "RmtInf>";
      el("Ustrd", t.ustrd.substr(0, t.ustrd.size() / 2));
      el("Ustrd", t.ustrd.substr(t.ustrd.size() / 2));
      x += "</" + p + "RmtInf>\n";
    }
    x += "</" + p + "CdtTrfTxInf>\n";
  }
  x += "</" + p + "FIToFICstmrCdtTrf>\n</" + p + "Document>\n";
  if (envelope) x += "</Envelope>\n";
  return x;
}

TEST(Pacs008Test, RandomMessagesAreTheirDebtorAccountsDebits) {
  std::mt19937_64 rng(8);
  const std::string accounts[] = {"NL91ABNA0417164300", "4587562", "DE89370400440532013000"};
  const std::string currencies[] = {"EUR", "USD"};
  for (int round = 0; round < 200; ++round) {
    SCOPED_TRACE(round);
    std::vector<Transfer> ts(1 + rng() % 12);
    const bool group = rng() % 3 == 0;
    const std::string group_day = group ? "2024-02-29" : "";
    for (Transfer& t : ts) {
      t.account = accounts[rng() % std::size(accounts)];
      t.bic = "BANK" + t.account.substr(0, 2) + "2A";
      t.currency = currencies[rng() % std::size(currencies)];
      const int64_t units = 1 + static_cast<int64_t>(rng() % 100000000);
      const int scale = static_cast<int>(rng() % 3);
      t.amount = FormatDecimal(Decimal{units, static_cast<uint8_t>(scale)});
      t.day = group && rng() % 2 ? "" : "2024-0" + std::to_string(1 + rng() % 9) + "-1" + std::to_string(rng() % 10);
      t.uetr = rng() % 2 ? "uetr-" + std::to_string(rng() % 1000) : "";
      t.e2e = rng() % 2 ? "E2E-" + std::to_string(rng() % 1000) : "NOTPROVIDED";
      t.creditor = "CREDITOR " + std::to_string(rng() % 50);
      t.creditor_account = std::to_string(rng() % 100000);
      t.ustrd = rng() % 2 ? "INVOICE " + std::to_string(rng() % 1000) + " FEES" : "";
    }
    const std::string x = Write(ts, rng() % 2, group_day);
    ASSERT_EQ(SniffFormat(x), StatementFormat::kPacs008);
    Result<ParsedStatements> p = ParsePacs008(x, "m.xml");
    ASSERT_TRUE(p.ok()) << p.status().ToString() << "\n" << x;
    // The oracle: statements keyed by (account, currency) in order of first appearance.
    std::vector<std::pair<std::string, std::string>> order;
    std::map<std::pair<std::string, std::string>, std::vector<const Transfer*>> by;
    for (const Transfer& t : ts) {
      const auto key = std::make_pair(t.account, t.currency);
      if (!by.count(key)) order.push_back(key);
      by[key].push_back(&t);
    }
    ASSERT_EQ(p->statements.size(), order.size());
    for (size_t i = 0; i < order.size(); ++i) {
      const Statement& s = p->statements[i];
      EXPECT_EQ(s.account, order[i].first);
      EXPECT_EQ(s.currency, order[i].second);
      EXPECT_EQ(s.account_bank, "BANK" + order[i].first.substr(0, 2) + "2A");
      const auto& want = by[order[i]];
      ASSERT_EQ(s.entries.size(), want.size());
      for (size_t k = 0; k < want.size(); ++k) {
        const Entry& e = s.entries[k];
        const Transfer& t = *want[k];
        EXPECT_EQ(FormatDecimal(Decimal{-e.amount.units, e.amount.scale}), t.amount);
        EXPECT_LT(e.amount.units, 0);
        EXPECT_EQ(FormatIsoTime(e.booking_date).substr(0, 10), t.day.empty() ? group_day : t.day);
        EXPECT_EQ(e.reference, !t.uetr.empty() ? t.uetr : t.e2e != "NOTPROVIDED" ? t.e2e : "");
        EXPECT_EQ(e.counterparty_name, t.creditor);
        EXPECT_EQ(e.counterparty_account, t.creditor_account);
        EXPECT_EQ(e.description, t.ustrd);
        EXPECT_EQ(e.currency, t.currency);
        EXPECT_EQ(e.position.line, t.line);
        EXPECT_EQ(e.channel, Channel::kWire);
      }
    }
  }
}

TEST(Pacs008Test, MalformedMessagesAreRefusedNamingLineAndField) {
  Transfer good{"4587562", "BANKAU2S", "USD", "100.00", "2024-03-01", "u1", "", "X", "1", ""};
  auto message = [&](Transfer t, const std::string& group_day = "") {
    std::vector<Transfer> ts{std::move(t)};
    return Write(ts, false, group_day);
  };
  ASSERT_TRUE(ParsePacs008(message(good), "m.xml").ok());
  struct Case {
    std::string xml, expect;
  };
  Transfer no_account = good;
  no_account.account = "";
  Transfer comma = good;
  comma.amount = "100,00";
  Transfer no_ccy = good;
  no_ccy.currency = "";
  Transfer bad_day = good;
  bad_day.day = "2024-02-30";
  Transfer no_day = good;
  no_day.day = "";
  const Case cases[] = {
      {message(no_account), "m.xml:7: CdtTrfTxInf/DbtrAcct '': expected the debtor's account"},
      {message(comma), "m.xml:7: IntrBkSttlmAmt '100,00': expected an amount"},
      {message(no_ccy), "IntrBkSttlmAmt/@Ccy '': expected an ISO 4217 currency code"},
      {message(bad_day), "IntrBkSttlmDt '2024-02-30': expected the interbank settlement date"},
      {message(no_day), "IntrBkSttlmDt '': expected the interbank settlement date"},
      {"<Document><FIToFICstmrCdtTrf><GrpHdr/></FIToFICstmrCdtTrf></Document>", "with no credit transfer"},
      {"<Document><BkToCstmrStmt/></Document>", "not a pacs.008 message"},
      {"<!DOCTYPE d [<!ENTITY e \"x\">]><Document/>", "no DTD"},
      {"<Document><FIToFICstmrCdtTrf>", "not well-formed XML"},
  };
  for (const Case& c : cases) {
    Result<ParsedStatements> p = ParsePacs008(c.xml, "m.xml");
    ASSERT_FALSE(p.ok()) << c.expect;
    EXPECT_NE(p.status().message().find(c.expect), std::string::npos) << p.status().message();
    EXPECT_EQ(p.status().message().substr(0, 5), "m.xml");
  }
  // The group header's settlement date serves a transfer that names none.
  Result<ParsedStatements> p = ParsePacs008(message(no_day, "2024-03-04"), "m.xml");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(FormatIsoTime(p->statements[0].entries[0].booking_date).substr(0, 10), "2024-03-04");
}

}  // namespace
}  // namespace moneytrail::formats
