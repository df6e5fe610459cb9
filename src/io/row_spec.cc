#include "row_spec.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "moneytrail/file_util.h"
#include "text_checks.h"

namespace moneytrail::io_internal {
namespace {

constexpr std::array<std::string_view, kFieldCount> kFieldNames = {
    "timestamp", "source_kind", "source_bank", "source_account", "dest_kind", "dest_bank",
    "dest_account", "amount_paid", "currency_paid", "amount_received", "currency_received",
    "channel", "city", "region", "country", "mcc", "counterparty", "is_laundering", "typology",
    "amount", "debit", "credit", "statement_bank", "statement_account", "counterparty_bank",
    "counterparty_account", "description", "balance", "reference", "direction"};

constexpr std::array<std::string_view, kBannerFieldCount> kBannerFieldNames = {
    "statement_account", "holder", "period_start", "period_end", "opening_balance",
    "closing_balance"};

void Column(RowSpec& spec, Field f, int column, std::string name) {
  spec.at(f).column = column;
  spec.at(f).column_name = std::move(name);
}

void Constant(RowSpec& spec, Field f, std::string value) {
  spec.at(f).has_constant = true;
  spec.at(f).constant = std::move(value);
}

// The header as read, for messages: at most kMaxQuotedBytes, control and invalid bytes escaped.
std::string JoinHeader(const std::vector<std::string_view>& header) {
  std::string out;
  for (size_t i = 0; i < header.size() && out.size() <= 4 * kMaxQuotedBytes; ++i) {
    if (i) out += ',';
    out += header[i].substr(0, 4 * kMaxQuotedBytes);
  }
  return QuoteForMessage(out);
}

}  // namespace

std::string_view FieldName(Field f) { return kFieldNames[static_cast<int>(f)]; }

std::string_view BannerFieldName(BannerField f) { return kBannerFieldNames[static_cast<int>(f)]; }

Field FieldByName(std::string_view name) {
  for (int i = 0; i < kFieldCount; ++i) {
    if (kFieldNames[i] == name) return static_cast<Field>(i);
  }
  return Field::kCount;
}

RowSpec IbmAmlSpec() {
  RowSpec s;
  s.format = "ibm-aml";
  s.exact_header = {"Timestamp", "From Bank", "Account", "To Bank", "Account",
                    "Amount Received", "Receiving Currency", "Amount Paid", "Payment Currency",
                    "Payment Format", "Is Laundering"};
  s.expected_columns = 11;
  Column(s, Field::kTimestamp, 0, "Timestamp");
  Column(s, Field::kSourceBank, 1, "From Bank");
  Column(s, Field::kSourceAccount, 2, "Account");
  Column(s, Field::kDestBank, 3, "To Bank");
  Column(s, Field::kDestAccount, 4, "Account");
  Column(s, Field::kAmountReceived, 5, "Amount Received");
  Column(s, Field::kCurrencyReceived, 6, "Receiving Currency");
  Column(s, Field::kAmountPaid, 7, "Amount Paid");
  Column(s, Field::kCurrencyPaid, 8, "Payment Currency");
  Column(s, Field::kChannel, 9, "Payment Format");
  Column(s, Field::kIsLaundering, 10, "Is Laundering");
  s.time_format = *TimeFormat::Compile("%Y/%m/%d %H:%M");
  s.channel_values = {{"reinvestment", Channel::kReinvestment}, {"cheque", Channel::kCheque},
                      {"credit card", Channel::kCard},          {"ach", Channel::kAch},
                      {"cash", Channel::kCash},                 {"wire", Channel::kWire},
                      {"bitcoin", Channel::kCrypto}};
  return s;
}

RowSpec AmlsimSpec(std::string currency) {
  RowSpec s;
  s.format = "amlsim";
  s.exact_header = {"sourceNodeId", "targetNodeId", "value", "time"};
  s.expected_columns = 4;
  Column(s, Field::kSourceAccount, 0, "sourceNodeId");
  Column(s, Field::kDestAccount, 1, "targetNodeId");
  Column(s, Field::kAmountPaid, 2, "value");
  Column(s, Field::kTimestamp, 3, "time");
  Constant(s, Field::kSourceBank, "amlsim");
  Constant(s, Field::kDestBank, "amlsim");
  Constant(s, Field::kCurrencyPaid, std::move(currency));
  Constant(s, Field::kChannel, "unknown");
  s.time_format = *TimeFormat::Compile("epoch");
  s.time_unit_seconds = 86400;  // one AMLSim step is one day (docs/format/store.md)
  return s;
}

RowSpec NativeSpec() {
  RowSpec s;
  s.format = "native";
  s.header_by_name = true;
  for (int i = 0; i <= static_cast<int>(Field::kTypology); ++i) {
    s.by_name.emplace_back(static_cast<Field>(i), std::string(kFieldNames[i]));
  }
  return s;
}

Status ResolveHeader(const std::string& file_name, const std::vector<std::string_view>& header,
                     RowSpec& spec, uint64_t header_line) {
  const std::string file = file_name + ":" + std::to_string(header_line);
  if (!spec.exact_header.empty()) {
    bool same = header.size() == spec.exact_header.size();
    for (size_t i = 0; same && i < header.size(); ++i) same = header[i] == spec.exact_header[i];
    if (!same) {
      std::string expected;
      for (size_t i = 0; i < spec.exact_header.size(); ++i) {
        if (i) expected += ',';
        expected += spec.exact_header[i];
      }
      return InvalidArgumentError(file + ": the header '" + JoinHeader(header) +
                                  "' is not the " + spec.format + " header '" + expected + "'");
    }
    return Status::Ok();
  }
  if (!spec.header_by_name) return Status::Ok();
  const bool strict_columns = spec.format == "native";
  std::vector<bool> used(header.size(), false);
  for (const auto& [field, name] : spec.by_name) {
    auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) continue;
    int column = static_cast<int>(it - header.begin());
    if (std::find(it + 1, header.end(), name) != header.end()) {
      return InvalidArgumentError(file + ": column '" + name + "' appears twice in the header");
    }
    spec.at(field).column = column;
    spec.at(field).column_name = name;
    used[column] = true;
  }
  if (strict_columns) {
    for (size_t i = 0; i < header.size(); ++i) {
      if (!used[i]) {
        return InvalidArgumentError(file + ": unknown column '" + QuoteForMessage(header[i]) +
                                    "' (column " + std::to_string(i + 1) +
                                    "); docs/format/native-csv.md lists the columns");
      }
    }
  }
  for (const auto& [field, name] : spec.by_name) {
    if (spec.at(field).column < 0 && !spec.at(field).has_constant && strict_columns &&
        (field == Field::kTimestamp || field == Field::kSourceBank ||
         field == Field::kSourceAccount || field == Field::kDestBank ||
         field == Field::kDestAccount || field == Field::kAmountPaid ||
         field == Field::kCurrencyPaid || field == Field::kChannel)) {
      return InvalidArgumentError(file + ": required column '" + name +
                                  "' is missing from the header '" + JoinHeader(header) + "'");
    }
    if (spec.at(field).column < 0 && !spec.at(field).has_constant && !strict_columns) {
      return InvalidArgumentError(file + ": the mapping names column '" + name + "' for " +
                                  std::string(FieldName(field)) +
                                  ", but the header has no such column: '" + JoinHeader(header) +
                                  "'");
    }
  }
  return Status::Ok();
}

}  // namespace moneytrail::io_internal
