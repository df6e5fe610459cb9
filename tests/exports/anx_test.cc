// Analyst's Notebook Exchange export (exports::AnalystsNotebookExchange): on random stores the
// chart validates against tests/exports/anx.rng with libxml2's RELAX NG validator, every link
// joins the entities of its transaction's payer and payee, its Amount is the exact text of the
// store's amount, the per-currency totals of the links equal the store's, and names that would
// break XML or start a formula come back as they were.
#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>

#include <cstring>
#include <map>

#include "exports/fixture.h"
#include "moneytrail/anx.h"
#include "moneytrail/exports.h"
#include "moneytrail/money.h"

namespace moneytrail::exports_test {
namespace {

std::string Prop(xmlNode* n, const char* name) {
  xmlChar* v = xmlGetProp(n, BAD_CAST name);
  std::string out = v == nullptr ? "" : reinterpret_cast<const char*>(v);
  xmlFree(v);
  return out;
}

xmlNode* Child(xmlNode* n, const char* name) {
  for (xmlNode* c = n->children; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE && xmlStrcmp(c->name, BAD_CAST name) == 0) return c;
  }
  return nullptr;
}

std::map<std::string, std::string> Attributes(xmlNode* item) {
  std::map<std::string, std::string> out;
  xmlNode* collection = Child(item, "AttributeCollection");
  for (xmlNode* a = collection == nullptr ? nullptr : collection->children; a != nullptr; a = a->next) {
    if (a->type == XML_ELEMENT_NODE) out[Prop(a, "AttributeClass")] = Prop(a, "Value");
  }
  return out;
}

// libxml2's verdict on `doc` against the schema beside this file.
bool ValidatesAgainstTheSchema(xmlDoc* doc) {
  const std::string rng = std::string(MONEYTRAIL_SOURCE_DIR) + "/tests/exports/anx.rng";
  xmlRelaxNGParserCtxt* parser = xmlRelaxNGNewParserCtxt(rng.c_str());
  xmlRelaxNG* schema = xmlRelaxNGParse(parser);
  EXPECT_NE(schema, nullptr) << "cannot read " << rng;
  bool valid = false;
  if (schema != nullptr) {
    xmlRelaxNGValidCtxt* ctxt = xmlRelaxNGNewValidCtxt(schema);
    valid = xmlRelaxNGValidateDoc(ctxt, doc) == 0;
    xmlRelaxNGFreeValidCtxt(ctxt);
    xmlRelaxNGFree(schema);
  }
  xmlRelaxNGFreeParserCtxt(parser);
  return valid;
}

TEST(AnxTest, ChartsValidateAndEveryLinkIsItsTransactionOnRandomStores) {
  for (uint32_t seed = 1; seed <= 8; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const fs::path dir = TempDir("anx-" + std::to_string(seed));
    World w = MakeWorld(dir, seed, 3 + static_cast<int>(seed), 20 + 5 * static_cast<int>(seed));
    Result<store::Store> s = store::Store::Open(w.store);
    ASSERT_TRUE(s.ok());
    Result<exports::Parties> parties = exports::LoadParties(*s, {});
    ASSERT_TRUE(parties.ok());
    Result<std::string> anx = exports::AnalystsNotebookExchange(*s, *parties, exports::AllTransactions(*s));
    ASSERT_TRUE(anx.ok()) << anx.status().ToString();
    xmlDoc* doc = xmlReadMemory(anx->data(), static_cast<int>(anx->size()), "c.anx", nullptr,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    ASSERT_NE(doc, nullptr) << "libxml2 could not parse the chart";
    EXPECT_TRUE(ValidatesAgainstTheSchema(doc));
    xmlNode* items = Child(xmlDocGetRootElement(doc), "ChartItemCollection");
    ASSERT_NE(items, nullptr);
    std::map<std::string, xmlNode*> entity;  // EntityId -> its ChartItem
    std::vector<xmlNode*> links;
    for (xmlNode* c = items->children; c != nullptr; c = c->next) {
      if (c->type != XML_ELEMENT_NODE) continue;
      if (xmlNode* end = Child(c, "End")) entity[Prop(Child(end, "Entity"), "EntityId")] = c;
      if (Child(c, "Link") != nullptr) links.push_back(c);
    }
    ASSERT_EQ(links.size(), s->transaction_count());
    std::map<std::string, DecimalSum> from_links, from_store;
    for (TransactionId t = 0; t < s->transaction_count(); ++t) {
      xmlNode* link = Child(links[t], "Link");
      const std::map<std::string, std::string> attrs = Attributes(links[t]);
      ASSERT_TRUE(entity.count(Prop(link, "End1Id")));
      ASSERT_TRUE(entity.count(Prop(link, "End2Id")));
      EXPECT_EQ(Prop(Child(Child(entity[Prop(link, "End1Id")], "End"), "Entity"), "Identity"),
                s->AccountLabel(s->source()[t]));
      EXPECT_EQ(Prop(Child(Child(entity[Prop(link, "End2Id")], "End"), "Entity"), "Identity"),
                s->AccountLabel(s->destination()[t]));
      EXPECT_EQ(attrs.at("Transaction"), std::to_string(t));
      EXPECT_EQ(attrs.at("Amount"), FormatDecimal(s->amount_paid(t)));
      Result<Decimal> parsed = ParseDecimal(attrs.at("Amount"));
      ASSERT_TRUE(parsed.ok());
      ASSERT_TRUE(from_links[attrs.at("Currency")].Add(*parsed).ok());
      ASSERT_TRUE(from_store[std::string(s->currency(s->paid_currency()[t]))].Add(s->amount_paid(t)).ok());
    }
    ASSERT_EQ(from_links.size(), from_store.size());
    for (const auto& [currency, sum] : from_store) {
      EXPECT_EQ(from_links.at(currency).ToString(), sum.ToString()) << currency;
    }
    // Holder names, with quotes, angle brackets, formula-leading text and CJK, as they were.
    for (AccountId a = 0; a < s->account_count(); ++a) {
      const std::string id = "n" + std::to_string(a);
      if (!entity.count(id) || a >= parties->by_account.size() || parties->by_account[a].party_id.empty()) continue;
      EXPECT_EQ(Attributes(entity[id]).at("Holder"), parties->by_account[a].name);
    }
    xmlFreeDoc(doc);
  }
}

TEST(AnxTest, TheSchemaRefusesAChartOutOfOrder) {
  // The validator is not a rubber stamp: collections in the wrong order, or a link without
  // its style, fail.
  const char* bad[] = {
      "<Chart IdReferenceLinking=\"false\"><AttributeClassCollection/><StrengthCollection/></Chart>",
      "<Chart IdReferenceLinking=\"false\"><StrengthCollection><Strength Id=\"a\" Name=\"a\" "
      "DotStyle=\"DotStyleSolid\"/></StrengthCollection><AttributeClassCollection><AttributeClass "
      "Name=\"x\" Type=\"AttText\"/></AttributeClassCollection><EntityTypeCollection><EntityType "
      "Name=\"A\"/></EntityTypeCollection><LinkTypeCollection><LinkType Name=\"T\"/>"
      "</LinkTypeCollection><ChartItemCollection><ChartItem Label=\"l\"><Link End1Id=\"a\" "
      "End2Id=\"b\"/><AttributeCollection/></ChartItem></ChartItemCollection></Chart>",
  };
  for (const char* text : bad) {
    xmlDoc* doc = xmlReadMemory(text, static_cast<int>(strlen(text)), "bad.anx", nullptr,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    ASSERT_NE(doc, nullptr);
    EXPECT_FALSE(ValidatesAgainstTheSchema(doc)) << text;
    xmlFreeDoc(doc);
  }
}

}  // namespace
}  // namespace moneytrail::exports_test
