// i2 Analyst's Notebook import: a link-per-row CSV and the column mapping for its import wizard.
#include <fmt/format.h>

#include "moneytrail/exports.h"
#include "moneytrail/safe_text.h"
#include "moneytrail/time_format.h"

namespace moneytrail::exports {
namespace {

// The entity type i2 draws for a node: the holder's kind, or what the node is.
std::string_view EntityType(const store::Store& store, AccountId a) {
  const NodeKind kind = store.account(a).kind;
  if (kind == NodeKind::kCash) return "Cash";
  if (kind == NodeKind::kMerchant) return "Merchant";
  if (kind == NodeKind::kExternal) return "Outside party";
  return "Account";
}

std::string HolderText(const Parties& parties, AccountId a) {
  if (a >= parties.by_account.size() || parties.by_account[a].party_id.empty()) return "";
  const Holder& h = parties.by_account[a];
  return h.name;
}

// `text` safe inside an XML attribute or comment.
std::string XmlEscaped(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '-': out += "&#45;"; break;  // no "--" inside the comment
      default: out += c;
    }
  }
  return out;
}

}  // namespace

std::string I2Csv(const store::Store& store, const Parties& parties,
                  std::span<const TransactionId> transactions) {
  std::string out =
      "from_identity,from_type,from_label,from_holder,to_identity,to_type,to_label,to_holder,"
      "link_type,date,time,channel,amount,currency,transaction,source_file,source_line\n";
  const auto src = store.source();
  const auto dst = store.destination();
  const auto& sources = store.sources();
  for (TransactionId t : transactions) {
    for (AccountId a : {src[t], dst[t]}) {
      const std::string label = store.AccountLabel(a);
      AppendSpreadsheetCsvField(label, out);
      out += ',';
      AppendSpreadsheetCsvField(EntityType(store, a), out);
      out += ',';
      const std::string holder = HolderText(parties, a);
      AppendSpreadsheetCsvField(holder.empty() ? label : holder + " (" + label + ")", out);
      out += ',';
      AppendSpreadsheetCsvField(holder, out);
      out += ',';
    }
    const std::string iso = FormatIsoTime(store.time()[t]);  // 2025-09-01T00:20:00Z
    out += "Transaction,";
    out += iso.substr(0, 10);
    out += ',';
    out += iso.size() >= 19 ? iso.substr(11, 8) : "";
    out += ',';
    AppendSpreadsheetCsvField(ChannelName(static_cast<Channel>(store.channel()[t])), out);
    out += ',';
    out += FormatDecimal(store.amount_paid(t));  // a number: never text-neutralised
    out += ',';
    AppendSpreadsheetCsvField(store.currency(store.paid_currency()[t]), out);
    out += fmt::format(",{},", t);
    const uint32_t file = store.source_file()[t];
    AppendSpreadsheetCsvField(file < sources.size() ? sources[file].path : "", out);
    out += fmt::format(",{}\n", store.source_line()[t]);
  }
  return out;
}

std::string I2ImportSpec(std::string_view csv_name) {
  return fmt::format(R"(<?xml version="1.0" encoding="UTF-8"?>
<!-- Import specification for i2 Analyst's Notebook (Import wizard: "Tabular data", one link per
     row), written by moneytrail for {0}. It names how each column maps to entity and link
     types and attributes; set the same mapping in the wizard (Entity 1 = from_*, Entity 2 =
     to_*, Link = the transaction) and save it there as a specification of your ANB version.
     Amounts are exact decimal text in the currency of the row; times are UTC. -->
<importSpecification file="{0}" delimiter="," headerRow="1" encoding="UTF-8">
  <entity role="end1" typeColumn="from_type" identityColumn="from_identity" labelColumn="from_label">
    <attribute column="from_holder" name="Holder" type="text"/>
  </entity>
  <entity role="end2" typeColumn="to_type" identityColumn="to_identity" labelColumn="to_label">
    <attribute column="to_holder" name="Holder" type="text"/>
  </entity>
  <link typeColumn="link_type" direction="end1-to-end2" dateColumn="date" timeColumn="time"
        dateFormat="yyyy-MM-dd" timeFormat="HH:mm:ss" labelColumns="amount currency">
    <attribute column="channel" name="Channel" type="text"/>
    <attribute column="amount" name="Amount" type="text" note="exact decimal; do not convert to a float"/>
    <attribute column="currency" name="Currency" type="text"/>
    <attribute column="transaction" name="moneytrail transaction" type="text"/>
    <attribute column="source_file" name="Source file" type="text"/>
    <attribute column="source_line" name="Source line" type="text"/>
  </link>
  <entityTypes>
    <type name="Account" icon="Bank Account"/>
    <type name="Cash" icon="Cash"/>
    <type name="Merchant" icon="Organisation"/>
    <type name="Outside party" icon="Person"/>
  </entityTypes>
</importSpecification>
)",
                     XmlEscaped(csv_name));
}

}  // namespace moneytrail::exports
