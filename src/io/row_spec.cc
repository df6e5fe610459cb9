#include "row_spec.h"

#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "moneytrail/file_util.h"

namespace moneytrail::io_internal {
namespace {

constexpr std::array<std::string_view, kFieldCount> kFieldNames = {
    "timestamp", "source_kind", "source_bank", "source_account", "dest_kind", "dest_bank",
    "dest_account", "amount_paid", "currency_paid", "amount_received", "currency_received",
    "channel", "city", "region", "country", "mcc", "counterparty", "is_laundering", "typology",
    "amount", "debit", "credit", "statement_bank", "statement_account", "counterparty_bank",
    "counterparty_account"};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void Column(RowSpec& spec, Field f, int column, std::string name) {
  spec.at(f).column = column;
  spec.at(f).column_name = std::move(name);
}

void Constant(RowSpec& spec, Field f, std::string value) {
  spec.at(f).has_constant = true;
  spec.at(f).constant = std::move(value);
}

std::string JoinHeader(const std::vector<std::string_view>& header) {
  std::string out;
  for (size_t i = 0; i < header.size(); ++i) {
    if (i) out += ',';
    out += header[i];
  }
  return out;
}

}  // namespace

std::string_view FieldName(Field f) { return kFieldNames[static_cast<int>(f)]; }

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

Status ResolveHeader(const std::string& file, const std::vector<std::string_view>& header,
                     RowSpec& spec) {
  if (!spec.exact_header.empty()) {
    bool same = header.size() == spec.exact_header.size();
    for (size_t i = 0; same && i < header.size(); ++i) same = header[i] == spec.exact_header[i];
    if (!same) {
      std::string expected;
      for (size_t i = 0; i < spec.exact_header.size(); ++i) {
        if (i) expected += ',';
        expected += spec.exact_header[i];
      }
      return InvalidArgumentError(file + ":1: the header '" + JoinHeader(header) +
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
      return InvalidArgumentError(file + ":1: column '" + name + "' appears twice in the header");
    }
    spec.at(field).column = column;
    spec.at(field).column_name = name;
    used[column] = true;
  }
  if (strict_columns) {
    for (size_t i = 0; i < header.size(); ++i) {
      if (!used[i]) {
        return InvalidArgumentError(file + ":1: unknown column '" + std::string(header[i]) +
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
      return InvalidArgumentError(file + ":1: required column '" + name +
                                  "' is missing from the header '" + JoinHeader(header) + "'");
    }
    if (spec.at(field).column < 0 && !spec.at(field).has_constant && !strict_columns) {
      return InvalidArgumentError(file + ":1: the mapping names column '" + name + "' for " +
                                  std::string(FieldName(field)) +
                                  ", but the header has no such column: '" + JoinHeader(header) +
                                  "'");
    }
  }
  return Status::Ok();
}

Result<RowSpec> MappedSpec(const std::filesystem::path& mapping_file) {
  MT_ASSIGN_OR_RETURN(std::string text, ReadFileToString(mapping_file));
  const std::string where = mapping_file.string();
  toml::table doc;
  try {
    doc = toml::parse(text, where);
  } catch (const toml::parse_error& e) {
    return InvalidArgumentError(where + ":" + std::to_string(e.source().begin.line) + ": " +
                                std::string(e.description()));
  }
  RowSpec s;
  s.format = "mapped";
  s.mapping = std::filesystem::absolute(mapping_file).string() + " sha256:" + Sha256Hex(text);
  const toml::table* format = doc["format"].as_table();
  auto get_string = [&](const toml::table* t, const char* key, std::string fallback) {
    if (t == nullptr) return fallback;
    if (auto v = (*t)[key].value<std::string>()) return *v;
    return fallback;
  };
  std::string delimiter = get_string(format, "delimiter", ",");
  if (delimiter == "space") {
    s.dialect.delimiter = ' ';
    s.dialect.collapse_delimiters = true;
  } else if (delimiter == "tab" || delimiter == "\t") {
    s.dialect.delimiter = '\t';
  } else if (delimiter.size() == 1) {
    s.dialect.delimiter = delimiter[0];
  } else {
    return InvalidArgumentError(where + ": [format] delimiter '" + delimiter +
                                "' must be one character, \"space\" or \"tab\"");
  }
  std::string quote = get_string(format, "quote", "\"");
  if (quote.size() > 1) return InvalidArgumentError(where + ": [format] quote must be one character or empty");
  s.dialect.quote = quote.empty() ? 0 : quote[0];
  if (format != nullptr) {
    s.header = (*format)["header"].value_or(true);
    s.dialect.trim_spaces = (*format)["trim"].value_or(false);
    s.skip_lines = static_cast<int>((*format)["skip_lines"].value_or(int64_t{0}));
    s.amounts_may_be_negative = (*format)["signed_amounts"].value_or(false);
  }
  std::string decimal = get_string(format, "decimal_separator", ".");
  std::string group = get_string(format, "group_separator", "");
  if (decimal.size() != 1 || group.size() > 1) {
    return InvalidArgumentError(where + ": [format] decimal_separator must be one character and "
                                "group_separator at most one");
  }
  s.decimal_point = decimal[0];
  s.group_separator = group.empty() ? 0 : group[0];
  std::string time_format = get_string(format, "timestamp_format", "iso8601");
  Result<TimeFormat> tf = TimeFormat::Compile(time_format);
  if (!tf.ok()) return tf.status().WithContext(where + ": [format] timestamp_format");
  s.time_format = *tf;
  std::string unit = get_string(format, "time_unit", "1s");
  {
    int64_t n = 0;
    size_t i = 0;
    while (i < unit.size() && std::isdigit(static_cast<unsigned char>(unit[i]))) n = n * 10 + (unit[i++] - '0');
    std::string suffix = unit.substr(i);
    int64_t mult = suffix == "s" || suffix.empty() ? 1 : suffix == "m" ? 60 : suffix == "h" ? 3600
                 : suffix == "d" ? 86400 : 0;
    if (i == 0 || mult == 0 || n <= 0) {
      return InvalidArgumentError(where + ": [format] time_unit '" + unit +
                                  "' must be like 1s, 60s, 1h or 1d");
    }
    s.time_unit_seconds = n * mult;
  }

  bool any_name = false;
  if (const toml::table* columns = doc["columns"].as_table()) {
    for (const auto& [key, value] : *columns) {
      Field f = FieldByName(key.str());
      if (f == Field::kCount) {
        return InvalidArgumentError(where + ": [columns] names unknown field '" +
                                    std::string(key.str()) + "'");
      }
      if (auto pos = value.value<int64_t>()) {
        if (*pos < 1) return InvalidArgumentError(where + ": [columns] " + std::string(key.str()) + " must be a 1-based position");
        Column(s, f, static_cast<int>(*pos - 1), "column " + std::to_string(*pos));
      } else if (auto name = value.value<std::string>()) {
        if (!s.header) {
          return InvalidArgumentError(where + ": [columns] " + std::string(key.str()) +
                                      " names a column, but the file has no header; use a "
                                      "1-based position");
        }
        s.by_name.emplace_back(f, *name);
        any_name = true;
      } else {
        return InvalidArgumentError(where + ": [columns] " + std::string(key.str()) +
                                    " must be a column name or a 1-based position");
      }
    }
  }
  s.header_by_name = any_name;
  if (const toml::table* constants = doc["constants"].as_table()) {
    for (const auto& [key, value] : *constants) {
      Field f = FieldByName(key.str());
      if (f == Field::kCount) {
        return InvalidArgumentError(where + ": [constants] names unknown field '" +
                                    std::string(key.str()) + "'");
      }
      std::string v;
      if (auto sv = value.value<std::string>()) v = *sv;
      else if (auto iv = value.value<int64_t>()) v = std::to_string(*iv);
      else return InvalidArgumentError(where + ": [constants] " + std::string(key.str()) + " must be a string or an integer");
      Constant(s, f, v);
    }
  }
  if (const toml::table* values = doc["channel_values"].as_table()) {
    for (const auto& [key, value] : *values) {
      auto name = value.value<std::string>();
      std::optional<Channel> c = name ? ParseChannel(*name) : std::nullopt;
      if (!c) {
        return InvalidArgumentError(where + ": [channel_values] '" + std::string(key.str()) +
                                    "' must map to a channel name (docs/format/native-csv.md)");
      }
      s.channel_values[Lower(key.str())] = *c;
    }
  }
  // Check that the mapping can produce a transaction.
  bool statement = s.at(Field::kStatementAccount).mapped();
  auto need = [&](Field f) { return s.at(f).mapped() || std::any_of(s.by_name.begin(), s.by_name.end(), [&](auto& p) { return p.first == f; }); };
  std::vector<Field> required = {Field::kTimestamp};
  if (statement) {
    if (!need(Field::kAmount) && !(need(Field::kDebit) && need(Field::kCredit))) {
      return InvalidArgumentError(where + ": a statement mapping needs 'amount' (signed) or both 'debit' and 'credit'");
    }
  } else {
    for (Field f : {Field::kSourceAccount, Field::kDestAccount, Field::kAmountPaid}) required.push_back(f);
  }
  for (Field f : required) {
    if (!need(f)) {
      return InvalidArgumentError(where + ": the mapping gives no column or constant for required field '" +
                                  std::string(FieldName(f)) + "'");
    }
  }
  if (!need(Field::kCurrencyPaid)) {
    return InvalidArgumentError(where + ": the mapping gives no currency: map 'currency_paid' or set it in [constants]");
  }
  return s;
}

}  // namespace moneytrail::io_internal
