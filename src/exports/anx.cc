// Analyst's Notebook Exchange (.anx): the chart as i2's XML, which Analyst's Notebook opens or
// imports without an import specification (docs/exhibits.md, "i2 Analyst's Notebook"). Element
// and attribute names and their order follow i2's schema "Analyst's Notebook 7.xsd" as its
// public descriptions give it (IBM support note swg21980204; the generated bindings of the
// Apache-2.0 pyanx project); tests/exports/anx.rng checks the structure.
#include <fmt/format.h>

#include "exports/xml_writer.h"
#include "moneytrail/anx.h"
#include "moneytrail/exports.h"
#include "moneytrail/time_format.h"

namespace moneytrail::exports {
namespace {

using exports_internal::XmlDocument;

// The entity type i2 draws for a node (also the i2 CSV's from_type/to_type).
const char* TypeName(NodeKind kind) {
  if (kind == NodeKind::kCash) return "Cash";
  if (kind == NodeKind::kMerchant) return "Merchant";
  if (kind == NodeKind::kExternal) return "Outside party";
  return "Account";
}

constexpr const char* kEntityAttributes[] = {"Holder", "Bank", "Account number", "Kind"};
constexpr const char* kLinkAttributes[] = {"Channel",     "Amount",      "Currency",
                                           "Transaction", "Source file", "Source line"};

void Attribute(XmlDocument& x, const char* name, std::string_view value) {
  if (value.empty()) return;
  x.Start("Attribute");
  x.Attr("AttributeClass", name);
  x.Attr("Value", value);
  x.End();
}

}  // namespace

Result<std::string> AnalystsNotebookExchange(const store::Store& store, const Parties& parties,
                                             std::span<const TransactionId> transactions) {
  MT_ASSIGN_OR_RETURN(XmlDocument x, XmlDocument::Begin("anx"));
  x.Start("Chart");
  x.Attr("IdReferenceLinking", "false");  // items refer to types and ends by name and id
  x.Start("StrengthCollection");
  x.Start("Strength");
  x.Attr("Id", "Confirmed");
  x.Attr("Name", "Confirmed");
  x.Attr("DotStyle", "DotStyleSolid");
  x.End();
  x.End();
  x.Start("AttributeClassCollection");
  for (const char* name : kEntityAttributes) {
    x.Start("AttributeClass");
    x.Attr("Name", name);
    x.Attr("Type", "AttText");
    x.Attr("ShowValue", "true");
    x.End();
  }
  for (const char* name : kLinkAttributes) {
    x.Start("AttributeClass");
    x.Attr("Name", name);
    // Amounts stay exact decimal text: a number attribute would be a binary float in ANB.
    x.Attr("Type", "AttText");
    x.Attr("ShowValue", "true");
    x.End();
  }
  x.End();
  x.Start("EntityTypeCollection");
  for (const char* type : {"Account", "Cash", "Merchant", "Outside party"}) {
    x.Start("EntityType");
    x.Attr("Name", type);
    x.Attr("IconFile", type);
    x.End();
  }
  x.End();
  x.Start("LinkTypeCollection");
  x.Start("LinkType");
  x.Attr("Name", "Transaction");
  x.End();
  x.End();

  const auto src = store.source();
  const auto dst = store.destination();
  std::vector<bool> touched(store.account_count(), false);
  for (TransactionId t : transactions) {
    touched[src[t]] = true;
    touched[dst[t]] = true;
  }
  x.Start("ChartItemCollection");
  uint64_t placed = 0;
  for (AccountId a = 0; a < store.account_count(); ++a) {
    if (!touched[a]) continue;
    const store::AccountKey& key = store.account(a);
    const std::string label = store.AccountLabel(a);
    const std::string holder =
        a < parties.by_account.size() && !parties.by_account[a].party_id.empty() ? parties.by_account[a].name : "";
    // A grid, 20 a row: the analyst lays the chart out in ANB.
    const uint64_t column = placed % 20, row = placed / 20;
    ++placed;
    x.Start("ChartItem");
    x.Attr("Label", holder.empty() ? label : holder + " (" + label + ")");
    x.Start("End");
    x.Attr("X", std::to_string(column * 160));
    x.Attr("Y", std::to_string(row * 160));
    x.Start("Entity");
    x.Attr("EntityId", fmt::format("n{}", a));
    x.Attr("Identity", label);
    x.Start("Icon");
    x.Start("IconStyle");
    x.Attr("Type", TypeName(key.kind));
    x.End();
    x.End();  // Icon
    x.End();  // Entity
    x.End();  // End
    x.Start("AttributeCollection");
    Attribute(x, "Holder", holder);
    Attribute(x, "Bank", key.bank);
    Attribute(x, "Account number", key.number);
    Attribute(x, "Kind", NodeKindName(key.kind));
    x.End();
    x.End();  // ChartItem
  }
  const auto& sources = store.sources();
  for (TransactionId t : transactions) {
    const std::string amount = FormatDecimal(store.amount_paid(t));
    const std::string currency(store.currency(store.paid_currency()[t]));
    const std::string iso = FormatIsoTime(store.time()[t]);  // 2025-09-01T00:20:00Z
    x.Start("ChartItem");
    x.Attr("Label", amount + " " + currency);
    x.Attr("DateTime", iso.substr(0, 19));  // xsd:dateTime, UTC (the description says so)
    x.Attr("DateSet", "true");
    x.Attr("TimeSet", "true");
    x.Attr("DateTimeDescription", "UTC");
    x.Start("Link");
    x.Attr("End1Id", fmt::format("n{}", src[t]));
    x.Attr("End2Id", fmt::format("n{}", dst[t]));
    x.Start("LinkStyle");
    x.Attr("Type", "Transaction");
    x.Attr("ArrowStyle", "ArrowOnHead");  // from payer to payee
    x.Attr("StrengthReference", "Confirmed");
    x.Attr("MlStyle", "MultiplicityMultiple");  // every transaction its own link
    x.End();
    x.End();  // Link
    x.Start("AttributeCollection");
    Attribute(x, "Channel", ChannelName(static_cast<Channel>(store.channel()[t])));
    Attribute(x, "Amount", amount);
    Attribute(x, "Currency", currency);
    Attribute(x, "Transaction", std::to_string(t));
    const uint32_t file = store.source_file()[t];
    if (file < sources.size()) Attribute(x, "Source file", sources[file].path);
    Attribute(x, "Source line", std::to_string(store.source_line()[t]));
    x.End();
    x.End();  // ChartItem
  }
  x.End();  // ChartItemCollection
  x.End();  // Chart
  return x.Finish();
}

}  // namespace moneytrail::exports
