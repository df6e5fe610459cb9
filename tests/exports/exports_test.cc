// FtM, i2, GraphML and XLSX exports, each checked by an independent reading: FtM by a Python
// validator of FtM's schema facts, GraphML parsed back with libxml2, XLSX unzipped and its
// sheet XML read, all compared with a brute-force oracle over the store.
#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <map>

#include "exports/fixture.h"
#include "moneytrail/exports.h"
#include "moneytrail/money.h"
#include "moneytrail/workbook.h"

namespace moneytrail::exports_test {
namespace {

using exports::Cell;
using exports::Sheet;

// Exact per-currency sums of amount_paid, as text: the oracle.
std::map<std::string, std::string> PaidSums(const store::Store& s) {
  std::map<std::string, DecimalSum> sums;
  for (TransactionId t = 0; t < s.transaction_count(); ++t) {
    EXPECT_TRUE(sums[std::string(s.currency(s.paid_currency()[t]))].Add(s.amount_paid(t)).ok());
  }
  std::map<std::string, std::string> out;
  for (auto& [c, sum] : sums) out[c] = sum.ToString();
  return out;
}

TEST(FtmTest, EntitiesPassTheSchemaFactsAndPaymentsMatchTheStoreOnRandomStores) {
  for (uint32_t seed = 1; seed <= 8; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const fs::path dir = TempDir("ftm-" + std::to_string(seed));
    World w = MakeWorld(dir, seed, 3 + static_cast<int>(seed % 6), 20 + static_cast<int>(seed) * 7);
    Result<store::Store> s = store::Store::Open(w.store);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    Result<exports::Parties> parties = exports::LoadParties(*s, {});
    ASSERT_TRUE(parties.ok()) << parties.status().ToString();
    const std::string jsonl = exports::FtmJsonLines(*s, *parties, exports::AllTransactions(*s));
    ASSERT_TRUE(WriteFileDurably(dir / "out.jsonl", jsonl).ok());
    int status = 0;
    const std::string out = RunCommand("/usr/bin/python3 " MONEYTRAIL_SOURCE_DIR
                                       "/tests/exports/ftm_validate.py " + (dir / "out.jsonl").string(),
                                       status);
    ASSERT_EQ(status, 0) << out;
    std::string expected = fmt::format("payments {}\n", s->transaction_count());
    for (const auto& [c, sum] : PaidSums(*s)) expected += fmt::format("sum {} {}\n", c, sum);
    EXPECT_EQ(out, expected);
    // Deterministic.
    EXPECT_EQ(jsonl, exports::FtmJsonLines(*s, *parties, exports::AllTransactions(*s)));
  }
}

TEST(FtmTest, UnknownHoldersGetPlaceholdersAndKnownOnesPersonOrCompany) {
  const fs::path dir = TempDir("ftm-holders");
  World w = MakeWorld(dir, 3, 6, 40);
  Result<store::Store> s = store::Store::Open(w.store);
  ASSERT_TRUE(s.ok());
  Result<exports::Parties> parties = exports::LoadParties(*s, {});
  ASSERT_TRUE(parties.ok());
  const std::string jsonl = exports::FtmJsonLines(*s, *parties, exports::AllTransactions(*s));
  EXPECT_NE(jsonl.find("\"schema\":\"Person\""), std::string::npos);
  EXPECT_NE(jsonl.find("\"schema\":\"Company\""), std::string::npos);
  EXPECT_NE(jsonl.find("Unknown holder of account 011:A5"), std::string::npos);
  EXPECT_NE(jsonl.find("\"schema\":\"Note\""), std::string::npos);
  EXPECT_NE(jsonl.find(s->sources()[0].sha256), std::string::npos);
}

TEST(FtmTest, IdsOutsideTheRuleAreHashed) {
  EXPECT_EQ(exports::FtmId("acct", "011:826A9593B"), "acct-011-826A9593B");
  const std::string hashed = exports::FtmId("party", "P#1 é");
  EXPECT_EQ(hashed.size(), std::string("party-").size() + 40);
  EXPECT_EQ(hashed, exports::FtmId("party", "P#1 é"));
  EXPECT_NE(hashed, exports::FtmId("party", "P#2 é"));
  EXPECT_EQ(exports::FtmId("x", std::string(300, 'a')).size(), 2u + 40u);
  EXPECT_EQ(exports::FtmId("x", "trailing-").size(), 2u + 40u);  // may not end in '-'
}

// The text of a GraphML <data key="K"> child of `node`, or "".
std::string DataOf(xmlNode* node, const char* key) {
  for (xmlNode* c = node->children; c != nullptr; c = c->next) {
    if (c->type != XML_ELEMENT_NODE || xmlStrcmp(c->name, BAD_CAST "data") != 0) continue;
    xmlChar* k = xmlGetProp(c, BAD_CAST "key");
    const bool match = k != nullptr && xmlStrcmp(k, BAD_CAST key) == 0;
    xmlFree(k);
    if (!match) continue;
    xmlChar* text = xmlNodeGetContent(c);
    std::string out = text == nullptr ? "" : reinterpret_cast<const char*>(text);
    xmlFree(text);
    return out;
  }
  return "";
}

std::string PropOf(xmlNode* node, const char* name) {
  xmlChar* v = xmlGetProp(node, BAD_CAST name);
  std::string out = v == nullptr ? "" : reinterpret_cast<const char*>(v);
  xmlFree(v);
  return out;
}

TEST(GraphMlTest, ParsesBackWithLibxml2AndEveryEdgeMatchesItsTransaction) {
  for (uint32_t seed = 1; seed <= 6; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const fs::path dir = TempDir("graphml-" + std::to_string(seed));
    World w = MakeWorld(dir, seed, 4 + static_cast<int>(seed), 30);
    Result<store::Store> s = store::Store::Open(w.store);
    ASSERT_TRUE(s.ok());
    Result<exports::Parties> parties = exports::LoadParties(*s, {});
    ASSERT_TRUE(parties.ok());
    Result<std::string> xml = exports::GraphMl(*s, *parties, exports::AllTransactions(*s));
    ASSERT_TRUE(xml.ok()) << xml.status().ToString();
    xmlDoc* doc = xmlReadMemory(xml->data(), static_cast<int>(xml->size()), "g.graphml", nullptr,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    ASSERT_NE(doc, nullptr) << "libxml2 could not parse the GraphML";
    xmlNode* root = xmlDocGetRootElement(doc);
    ASSERT_STREQ(reinterpret_cast<const char*>(root->name), "graphml");
    std::map<std::string, std::string> node_label;
    std::vector<xmlNode*> edges;
    for (xmlNode* g = root->children; g != nullptr; g = g->next) {
      if (g->type != XML_ELEMENT_NODE || xmlStrcmp(g->name, BAD_CAST "graph") != 0) continue;
      for (xmlNode* n = g->children; n != nullptr; n = n->next) {
        if (n->type != XML_ELEMENT_NODE) continue;
        if (xmlStrcmp(n->name, BAD_CAST "node") == 0) node_label[PropOf(n, "id")] = DataOf(n, "label");
        if (xmlStrcmp(n->name, BAD_CAST "edge") == 0) edges.push_back(n);
      }
    }
    ASSERT_EQ(edges.size(), s->transaction_count());
    for (TransactionId t = 0; t < s->transaction_count(); ++t) {
      xmlNode* e = edges[t];
      EXPECT_EQ(PropOf(e, "id"), "t" + std::to_string(t));
      EXPECT_EQ(node_label[PropOf(e, "source")], s->AccountLabel(s->source()[t]));
      EXPECT_EQ(node_label[PropOf(e, "target")], s->AccountLabel(s->destination()[t]));
      EXPECT_EQ(DataOf(e, "amount"), FormatDecimal(s->amount_paid(t)));
      EXPECT_EQ(DataOf(e, "units"), std::to_string(s->amount_paid(t).units));
    }
    xmlFreeDoc(doc);
  }
}

TEST(I2Test, OneRowPerTransactionWithNeutralisedTextAndASpecification) {
  const fs::path dir = TempDir("i2");
  World w = MakeWorld(dir, 5, 6, 25);
  Result<store::Store> s = store::Store::Open(w.store);
  ASSERT_TRUE(s.ok());
  Result<exports::Parties> parties = exports::LoadParties(*s, {});
  ASSERT_TRUE(parties.ok());
  const std::string csv = exports::I2Csv(*s, *parties, exports::AllTransactions(*s));
  Result<Sheet> sheet = exports::SheetFromCsv("i2", csv, "i2.csv");
  ASSERT_TRUE(sheet.ok()) << sheet.status().ToString();
  ASSERT_EQ(sheet->rows.size(), s->transaction_count() + 1);
  for (size_t r = 1; r < sheet->rows.size(); ++r) {
    for (const Cell& c : sheet->rows[r]) {
      if (c.integer) continue;
      // A text cell never starts a formula, except an exact amount (a number).
      if (!c.text.empty() && (c.text[0] == '=' || c.text[0] == '+' || c.text[0] == '@')) {
        ADD_FAILURE() << "row " << r << ": formula-leading cell " << c.text;
      }
    }
    EXPECT_EQ(sheet->rows[r][12].text, FormatDecimal(s->amount_paid(static_cast<TransactionId>(r - 1))));
  }
  const std::string spec = exports::I2ImportSpec("i2 <export>.csv");
  EXPECT_NE(spec.find("i2 &lt;export&gt;.csv"), std::string::npos);
  EXPECT_NE(spec.find("from_identity"), std::string::npos);
  EXPECT_NE(spec.find("to_identity"), std::string::npos);
}

// The worksheet XML of `xlsx`'s sheet `n` (1-based), read by Python's zipfile.
std::string SheetXml(const fs::path& xlsx, int n) {
  int status = 0;
  const std::string out = RunCommand(
      fmt::format("/usr/bin/python3 -c \"import sys,zipfile; "
                  "sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read('xl/worksheets/sheet{}.xml')"
                  ".decode('utf-8'))\" '{}'", n, xlsx.string()),
      status);
  EXPECT_EQ(status, 0);
  return out;
}

TEST(WorkbookTest, FormulaLeadingTextIsNeutralisedAndNoCellIsAFormula) {
  const fs::path dir = TempDir("xlsx");
  Sheet s{.name = "schedule"};
  s.rows.push_back({Cell::Text("what"), Cell::Text("value")});
  const std::vector<std::string> dangerous = {"=HYPERLINK(\"http://x\",\"y\")", "+1+2", "-3+4",
                                              "@SUM(A1)", "\tTAB", "\rCR"};
  for (const std::string& d : dangerous) s.rows.push_back({Cell::Text("text"), Cell::Text(d)});
  s.rows.push_back({Cell::Text("integer"), Cell::Integer(-42)});
  s.rows.push_back({Cell::Text("amount"), Cell::Text("1234.56")});
  s.rows.push_back({Cell::Text("debit"), Cell::Text("-1000.00")});
  s.rows.push_back({Cell::Text("formula"), Cell::Text("-1000.00+A1")});
  ASSERT_TRUE(exports::WriteWorkbook(dir / "a.xlsx", {&s, 1}, 1735689600).ok());
  const std::string xml = SheetXml(dir / "a.xlsx", 1);
  EXPECT_EQ(xml.find("<f>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("'=HYPERLINK"), std::string::npos) << xml;
  for (const char* p : {"'+1+2", "'-3+4", "'@SUM(A1)"}) {
    EXPECT_NE(xml.find(p), std::string::npos) << p << " in " << xml;
  }
  EXPECT_NE(xml.find("<v>-42</v>"), std::string::npos) << xml;  // a number stays a number
  EXPECT_NE(xml.find(">1234.56<"), std::string::npos) << xml;   // an amount is exact text
  EXPECT_NE(xml.find(">-1000.00<"), std::string::npos) << xml;  // a signed amount: no quote
  EXPECT_NE(xml.find(">'-1000.00+A1<"), std::string::npos) << xml;  // more than a number: quoted
  // Same sheets, same time: byte-identical.
  ASSERT_TRUE(exports::WriteWorkbook(dir / "b.xlsx", {&s, 1}, 1735689600).ok());
  EXPECT_EQ(*ReadFileToString(dir / "a.xlsx"), *ReadFileToString(dir / "b.xlsx"));
}

TEST(WorkbookTest, SheetNamesAreValidUniqueAndShort) {
  EXPECT_EQ(exports::SheetName("a/b:c", {}), "a_b_c");
  EXPECT_EQ(exports::SheetName("schedule", {"Schedule"}), "schedule (2)");
  EXPECT_EQ(exports::SheetName(std::string(40, 'x'), {}).size(), 31u);
  EXPECT_EQ(exports::SheetName("", {}), "sheet");
  EXPECT_LE(exports::SheetName(std::string(40, 'x'), {std::string(31, 'x')}).size(), 31u);
}

TEST(WorkbookTest, CaseSheetsTakeEveryCsvOfTheCase) {
  const fs::path dir = TempDir("case-sheets");
  fs::create_directories(dir / "trails" / "01-E1");
  ASSERT_TRUE(WriteFileDurably(dir / "subjects.csv", "rank,subject\n1,E1\n").ok());
  ASSERT_TRUE(WriteFileDurably(dir / "trails" / "01-E1" / "schedule.csv", "line,amount\n1,5.00\n").ok());
  ASSERT_TRUE(WriteFileDurably(dir / "report.html", "<html></html>").ok());
  Result<std::vector<Sheet>> sheets = exports::CaseSheets(dir);
  ASSERT_TRUE(sheets.ok()) << sheets.status().ToString();
  ASSERT_EQ(sheets->size(), 2u);
  EXPECT_EQ((*sheets)[0].name, "subjects");
  EXPECT_EQ((*sheets)[1].name, "trails-01-E1-schedule");
  EXPECT_TRUE((*sheets)[0].rows[1][0].integer);
  EXPECT_FALSE((*sheets)[1].rows[1][1].integer);  // 5.00 stays exact text
  EXPECT_EQ(exports::CaseSheets(TempDir("empty-case")).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace moneytrail::exports_test
