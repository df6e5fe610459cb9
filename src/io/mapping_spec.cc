// Reads a TOML mapping (docs/format/mapping.md) into a RowSpec. Every key of every table is
// checked against the keys that table accepts: a typo is an error naming the key and the
// nearest valid one, never a silently ignored setting.
#include <re2/re2.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <tuple>

#include "moneytrail/edit_distance.h"
#include "moneytrail/file_util.h"
#include "mapping_format.h"
#include "row_spec.h"
#include "text_checks.h"

namespace moneytrail::io_internal {
namespace {

constexpr std::string_view kTables[] = {"format",         "columns",          "constants",
                                        "channel_values", "direction_values", "banner",
                                        "enrich",         "pdf"};
constexpr std::string_view kFormatKeys[] = {
    "delimiter",        "quote",          "header",           "skip_lines",
    "trim",             "decimal_separator", "group_separator", "timestamp_format",
    "time_unit",        "signed_amounts", "encoding",         "header_pattern",
    "skip_patterns",    "max_quoted_lines", "max_quoted_bytes", "sheet"};
constexpr std::string_view kEnrichKeys[] = {"grammar"};
constexpr std::string_view kPdfKeys[] = {"columns", "region", "row_start", "balance_forward"};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

template <size_t N>
std::vector<std::string_view> Keys(const std::string_view (&keys)[N]) {
  return std::vector<std::string_view>(keys, keys + N);
}

std::vector<std::string_view> FieldKeys() {
  std::vector<std::string_view> out;
  for (int i = 0; i < kFieldCount; ++i) out.push_back(FieldName(static_cast<Field>(i)));
  return out;
}

std::vector<std::string_view> BannerKeys() {
  std::vector<std::string_view> out;
  for (int i = 0; i < kBannerFieldCount; ++i) out.push_back(BannerFieldName(static_cast<BannerField>(i)));
  return out;
}

Status UnknownKey(const std::string& where, std::string_view table, std::string_view key,
                  const std::vector<std::string_view>& valid) {
  std::string message = where + ": " + (table.empty() ? "" : "[" + std::string(table) + "] ") +
                        "unknown key '" + QuoteForMessage(key) + "'";
  std::string nearest = NearestKey(key, valid);
  if (!nearest.empty()) message += "; did you mean '" + nearest + "'?";
  message += " (docs/format/mapping.md lists the keys)";
  return InvalidArgumentError(message);
}

Status CheckKeys(const std::string& where, std::string_view table, const toml::table& t,
                 const std::vector<std::string_view>& valid) {
  for (const auto& [key, value] : t) {
    if (std::find(valid.begin(), valid.end(), key.str()) == valid.end()) {
      return UnknownKey(where, table, key.str(), valid);
    }
  }
  return Status::Ok();
}

// A typed [format] value: absent -> fallback; present with another type -> error.
template <typename T>
Result<T> Get(const std::string& where, const toml::table* t, std::string_view key, T fallback,
              std::string_view type_name) {
  if (t == nullptr) return fallback;
  const toml::node* node = t->get(key);
  if (node == nullptr) return fallback;
  if (auto v = node->value<T>()) return *v;
  return InvalidArgumentError(where + ": [format] " + std::string(key) + " must be " +
                              std::string(type_name));
}

// A string or an array of strings.
Result<std::vector<std::string>> GetStrings(const std::string& where, const toml::table* t,
                                            std::string_view key) {
  std::vector<std::string> out;
  if (t == nullptr) return out;
  const toml::node* node = t->get(key);
  if (node == nullptr) return out;
  if (auto v = node->value<std::string>()) {
    out.push_back(*v);
    return out;
  }
  if (const toml::array* array = node->as_array()) {
    for (const toml::node& item : *array) {
      auto v = item.value<std::string>();
      if (!v) break;
      out.push_back(*v);
    }
    if (out.size() == array->size() && !out.empty()) return out;
  }
  return InvalidArgumentError(where + ": [format] " + std::string(key) +
                              " must be a string or a non-empty array of strings");
}

Result<std::shared_ptr<const re2::RE2>> Compile(const std::string& where, std::string_view what,
                                                const std::string& pattern, int groups) {
  re2::RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_shared<const re2::RE2>(pattern, options);
  if (!re->ok()) {
    return InvalidArgumentError(where + ": " + std::string(what) + " '" + QuoteForMessage(pattern) +
                                "' is not a valid RE2 pattern: " + re->error());
  }
  if (groups >= 0 && re->NumberOfCapturingGroups() != groups) {
    return InvalidArgumentError(where + ": " + std::string(what) + " '" + QuoteForMessage(pattern) +
                                "' must have exactly " + std::to_string(groups) +
                                " capture group (it has " +
                                std::to_string(re->NumberOfCapturingGroups()) + ")");
  }
  return re;
}

// A number pair [a, b] of a [pdf] key, or nullopt.
std::optional<std::pair<double, double>> PointPair(const toml::node& node) {
  const toml::array* pair = node.as_array();
  if (pair == nullptr || pair->size() != 2) return std::nullopt;
  auto a = (*pair)[0].value<double>(), b = (*pair)[1].value<double>();
  if (!a || !b) return std::nullopt;
  return std::make_pair(*a, *b);
}

// [pdf]: a text PDF's statement template (docs/format/pdf.md, "Statement templates").
Status ReadPdfTemplate(const std::string& where, const toml::table& pdf, RowSpec& s) {
  MT_RETURN_IF_ERROR(CheckKeys(where, "pdf", pdf, Keys(kPdfKeys)));
  if (s.header_pattern == nullptr) {
    return InvalidArgumentError(where + ": [pdf] needs [format] header_pattern: the template's table starts at "
                                "the header line it matches");
  }
  formats::PdfTemplate t;
  const toml::array* columns = pdf["columns"].as_array();
  if (columns == nullptr) {
    return InvalidArgumentError(where + ": [pdf] columns must be an array of [from, to] x-ranges in points");
  }
  for (const toml::node& column : *columns) {
    std::optional<std::pair<double, double>> range = PointPair(column);
    if (!range) return InvalidArgumentError(where + ": [pdf] columns: each column is [from, to] (two numbers)");
    t.columns.push_back(*range);
  }
  if (const toml::node* region = pdf.get("region")) {
    std::optional<std::pair<double, double>> range = PointPair(*region);
    if (!range) return InvalidArgumentError(where + ": [pdf] region must be [top, bottom] (two numbers)");
    std::tie(t.top, t.bottom) = *range;
  }
  for (auto [key, out] : {std::pair<const char*, std::string*>{"row_start", &t.row_start},
                          {"balance_forward", &t.balance_forward}}) {
    if (const toml::node* node = pdf.get(key)) {
      auto pattern = node->value<std::string>();
      if (!pattern) return InvalidArgumentError(where + ": [pdf] " + key + " must be a string (an RE2 pattern)");
      *out = *pattern;
    }
  }
  if (Status ok = formats::CheckPdfTemplate(t); !ok.ok()) {
    return InvalidArgumentError(where + ": " + std::string(ok.message()));
  }
  s.pdf_template = std::move(t);
  return Status::Ok();
}

}  // namespace

Status ReadFormat(const std::string& where, const toml::table* format, RowSpec& s) {
  if (format != nullptr) MT_RETURN_IF_ERROR(CheckKeys(where, "format", *format, Keys(kFormatKeys)));
  MT_ASSIGN_OR_RETURN(std::string delimiter, Get<std::string>(where, format, "delimiter", ",", "a string"));
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
  MT_ASSIGN_OR_RETURN(std::string quote, Get<std::string>(where, format, "quote", "\"", "a string"));
  if (quote.size() > 1) return InvalidArgumentError(where + ": [format] quote must be one character or empty");
  s.dialect.quote = quote.empty() ? 0 : quote[0];
  MT_ASSIGN_OR_RETURN(s.header, Get<bool>(where, format, "header", true, "true or false"));
  MT_ASSIGN_OR_RETURN(s.dialect.trim_spaces, Get<bool>(where, format, "trim", false, "true or false"));
  MT_ASSIGN_OR_RETURN(int64_t skip, Get<int64_t>(where, format, "skip_lines", 0, "an integer"));
  if (skip < 0 || skip > 10000) return InvalidArgumentError(where + ": [format] skip_lines must be 0..10000");
  s.skip_lines = static_cast<int>(skip);
  MT_ASSIGN_OR_RETURN(s.amounts_may_be_negative,
                      Get<bool>(where, format, "signed_amounts", false, "true or false"));
  MT_ASSIGN_OR_RETURN(int64_t quoted_lines, Get<int64_t>(where, format, "max_quoted_lines",
                                                         s.dialect.max_quoted_lines, "an integer"));
  MT_ASSIGN_OR_RETURN(int64_t quoted_bytes, Get<int64_t>(where, format, "max_quoted_bytes",
                                                         s.dialect.max_quoted_bytes, "an integer"));
  if (quoted_lines < 1 || quoted_lines > 1000 || quoted_bytes < 1 || quoted_bytes > (1 << 24)) {
    return InvalidArgumentError(where + ": [format] max_quoted_lines must be 1..1000 and "
                                "max_quoted_bytes 1..16777216");
  }
  s.dialect.max_quoted_lines = static_cast<uint32_t>(quoted_lines);
  s.dialect.max_quoted_bytes = static_cast<uint32_t>(quoted_bytes);
  MT_ASSIGN_OR_RETURN(std::string decimal, Get<std::string>(where, format, "decimal_separator", ".", "a string"));
  MT_ASSIGN_OR_RETURN(std::string group, Get<std::string>(where, format, "group_separator", "", "a string"));
  if (decimal.size() != 1 || group.size() > 1) {
    return InvalidArgumentError(where + ": [format] decimal_separator must be one character and "
                                "group_separator at most one");
  }
  s.decimal_point = decimal[0];
  s.group_separator = group.empty() ? 0 : group[0];
  MT_ASSIGN_OR_RETURN(std::vector<std::string> time_formats,
                      GetStrings(where, format, "timestamp_format"));
  if (time_formats.empty()) time_formats.push_back("iso8601");
  for (size_t i = 0; i < time_formats.size(); ++i) {
    Result<TimeFormat> tf = TimeFormat::Compile(time_formats[i]);
    if (!tf.ok()) return tf.status().WithContext(where + ": [format] timestamp_format");
    if (i == 0) {
      s.time_format = *tf;
    } else {
      s.more_time_formats.push_back(*tf);
    }
  }
  MT_ASSIGN_OR_RETURN(std::string unit, Get<std::string>(where, format, "time_unit", "1s", "a string"));
  {
    int64_t n = 0;
    size_t i = 0;
    while (i < unit.size() && i < 12 && std::isdigit(static_cast<unsigned char>(unit[i]))) n = n * 10 + (unit[i++] - '0');
    std::string suffix = unit.substr(i);
    int64_t mult = suffix == "s" || suffix.empty() ? 1 : suffix == "m" ? 60 : suffix == "h" ? 3600
                 : suffix == "d" ? 86400 : 0;
    if (i == 0 || mult == 0 || n <= 0) {
      return InvalidArgumentError(where + ": [format] time_unit '" + unit +
                                  "' must be like 1s, 60s, 1h or 1d");
    }
    s.time_unit_seconds = n * mult;
  }
  MT_ASSIGN_OR_RETURN(std::string encoding, Get<std::string>(where, format, "encoding", "utf-8", "a string"));
  Result<std::string> canonical = CanonicalEncoding(encoding);
  if (!canonical.ok()) return canonical.status().WithContext(where + ": [format]");
  s.encoding = *canonical;
  MT_ASSIGN_OR_RETURN(s.sheet, Get<std::string>(where, format, "sheet", "", "a string"));
  MT_ASSIGN_OR_RETURN(std::string header_pattern,
                      Get<std::string>(where, format, "header_pattern", "", "a string"));
  if (!header_pattern.empty()) {
    if (!s.header) {
      return InvalidArgumentError(where + ": [format] header_pattern needs header = true");
    }
    MT_ASSIGN_OR_RETURN(s.header_pattern,
                        Compile(where, "[format] header_pattern", header_pattern, -1));
    s.header_pattern_text = header_pattern;
  }
  MT_ASSIGN_OR_RETURN(std::vector<std::string> skips, GetStrings(where, format, "skip_patterns"));
  for (const std::string& p : skips) {
    MT_ASSIGN_OR_RETURN(auto re, Compile(where, "[format] skip_patterns", p, -1));
    s.skip_patterns.push_back(std::move(re));
  }
  return Status::Ok();
}


std::string NearestKey(std::string_view key, const std::vector<std::string_view>& valid) {
  return std::string(NearestCandidate(Lower(key), valid, key.size() / 3 + 3));
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
  for (const auto& [key, value] : doc) {
    if (std::find(std::begin(kTables), std::end(kTables), key.str()) == std::end(kTables)) {
      return UnknownKey(where, "", key.str(), Keys(kTables));
    }
    if (!value.is_table()) {
      return InvalidArgumentError(where + ": '" + std::string(key.str()) + "' must be a table ([" +
                                  std::string(key.str()) + "])");
    }
  }
  RowSpec s;
  s.format = "mapped";
  s.amount_forms = true;
  s.mapping_file = mapping_file;
  s.mapping = std::filesystem::absolute(mapping_file).string() + " sha256:" + Sha256Hex(text);
  MT_RETURN_IF_ERROR(ReadFormat(where, doc["format"].as_table(), s));

  bool any_name = false;
  if (const toml::table* columns = doc["columns"].as_table()) {
    MT_RETURN_IF_ERROR(CheckKeys(where, "columns", *columns, FieldKeys()));
    for (const auto& [key, value] : *columns) {
      Field f = FieldByName(key.str());
      if (auto pos = value.value<int64_t>()) {
        if (*pos < 1 || *pos > 100000) return InvalidArgumentError(where + ": [columns] " + std::string(key.str()) + " must be a 1-based position");
        s.at(f).column = static_cast<int>(*pos - 1);
        s.at(f).column_name = "column " + std::to_string(*pos);
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
    MT_RETURN_IF_ERROR(CheckKeys(where, "constants", *constants, FieldKeys()));
    for (const auto& [key, value] : *constants) {
      Field f = FieldByName(key.str());
      std::string v;
      if (auto sv = value.value<std::string>()) v = *sv;
      else if (auto iv = value.value<int64_t>()) v = std::to_string(*iv);
      else return InvalidArgumentError(where + ": [constants] " + std::string(key.str()) + " must be a string or an integer");
      s.at(f).has_constant = true;
      s.at(f).constant = v;
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
  if (const toml::table* values = doc["direction_values"].as_table()) {
    for (const auto& [key, value] : *values) {
      auto name = value.value<std::string>();
      if (!name || (*name != "debit" && *name != "credit")) {
        return InvalidArgumentError(where + ": [direction_values] '" + std::string(key.str()) +
                                    "' must map to \"debit\" (money out) or \"credit\" (money in)");
      }
      s.direction_values[Lower(key.str())] = *name == "debit" ? Direction::kDebit : Direction::kCredit;
    }
  }
  if (const toml::table* banner = doc["banner"].as_table()) {
    MT_RETURN_IF_ERROR(CheckKeys(where, "banner", *banner, BannerKeys()));
    for (int i = 0; i < kBannerFieldCount; ++i) {
      const auto field = static_cast<BannerField>(i);
      const toml::node* node = banner->get(BannerFieldName(field));
      if (node == nullptr) continue;
      auto pattern = node->value<std::string>();
      if (!pattern) {
        return InvalidArgumentError(where + ": [banner] " + std::string(BannerFieldName(field)) +
                                    " must be a string (an RE2 pattern with one capture group)");
      }
      MT_ASSIGN_OR_RETURN(auto re, Compile(where, "[banner] " + std::string(BannerFieldName(field)),
                                           *pattern, 1));
      s.banner.push_back(BannerPattern{field, *pattern, std::move(re)});
    }
  }
  if (const toml::table* pdf = doc["pdf"].as_table()) MT_RETURN_IF_ERROR(ReadPdfTemplate(where, *pdf, s));
  if (const toml::table* enrich = doc["enrich"].as_table()) {
    MT_RETURN_IF_ERROR(CheckKeys(where, "enrich", *enrich, Keys(kEnrichKeys)));
    if (const toml::node* node = enrich->get("grammar")) {
      auto path = node->value<std::string>();
      if (!path) return InvalidArgumentError(where + ": [enrich] grammar must be a path (string)");
      s.enrich_none = *path == "none";
      if (*path != "none" && *path != "builtin:us-banks") {
        s.enrich_grammar =
            std::filesystem::absolute(mapping_file.parent_path() / *path).lexically_normal();
      }
      std::error_code ec;
      if (!s.enrich_grammar.empty() && !std::filesystem::exists(s.enrich_grammar, ec)) {
        return NotFoundError(where + ": [enrich] grammar '" + *path + "': no such file (" +
                             s.enrich_grammar.string() + ")");
      }
    }
  }

  // Check that the mapping can produce a transaction.
  auto need = [&](Field f) {
    return s.at(f).mapped() || std::any_of(s.by_name.begin(), s.by_name.end(),
                                           [&](auto& p) { return p.first == f; });
  };
  const bool banner_account = std::any_of(s.banner.begin(), s.banner.end(), [](const BannerPattern& b) {
    return b.field == BannerField::kStatementAccount;
  });
  s.statement = need(Field::kStatementAccount) || banner_account;
  if (banner_account && need(Field::kStatementAccount)) {
    return InvalidArgumentError(where + ": statement_account comes from [banner] and from "
                                "[columns]/[constants]; give it once");
  }
  std::vector<Field> required = {Field::kTimestamp};
  if (s.statement) {
    if (!need(Field::kAmount) && !(need(Field::kDebit) && need(Field::kCredit))) {
      return InvalidArgumentError(where + ": a statement mapping needs 'amount' (signed) or both 'debit' and 'credit'");
    }
    if (need(Field::kAmount) && (need(Field::kDebit) || need(Field::kCredit))) {
      return InvalidArgumentError(where + ": a statement mapping has 'amount' or 'debit' and 'credit', not both");
    }
    if (need(Field::kDirection) && !need(Field::kAmount)) {
      return InvalidArgumentError(where + ": 'direction' goes with a single 'amount' column, not with debit/credit");
    }
    for (Field f : {Field::kSourceKind, Field::kSourceBank, Field::kSourceAccount,
                    Field::kDestKind, Field::kDestBank, Field::kDestAccount, Field::kAmountPaid,
                    Field::kAmountReceived}) {
      if (need(f)) {
        return InvalidArgumentError(where + ": '" + std::string(FieldName(f)) +
                                    "' is for transfer lists; a statement mapping (it maps "
                                    "statement_account) gives the other side as counterparty, "
                                    "counterparty_bank and counterparty_account");
      }
    }
  } else {
    for (Field f : {Field::kSourceAccount, Field::kDestAccount, Field::kAmountPaid}) required.push_back(f);
    for (Field f : {Field::kAmount, Field::kDebit, Field::kCredit, Field::kDescription,
                    Field::kBalance, Field::kReference, Field::kDirection,
                    Field::kStatementBank, Field::kCounterpartyBank, Field::kCounterpartyAccount}) {
      if (need(f)) {
        return InvalidArgumentError(where + ": '" + std::string(FieldName(f)) +
                                    "' is for statements: map statement_account (a column, a "
                                    "constant or [banner]) to read a statement");
      }
    }
    if (!s.banner.empty()) {
      return InvalidArgumentError(where + ": [banner] is for statements: map statement_account");
    }
  }
  if (!s.direction_values.empty() && !need(Field::kDirection)) {
    return InvalidArgumentError(where + ": [direction_values] needs a 'direction' column in [columns]");
  }
  if (need(Field::kDirection) && s.direction_values.empty()) {
    s.direction_values = {{"dr", Direction::kDebit},     {"debit", Direction::kDebit},
                          {"d", Direction::kDebit},      {"cr", Direction::kCredit},
                          {"credit", Direction::kCredit}, {"c", Direction::kCredit}};
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
