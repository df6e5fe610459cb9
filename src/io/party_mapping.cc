// KYC by mapping (party_mapping.h, docs/format/party-mapping.md): a customer export read through
// a TOML mapping into parties.csv and accounts.csv, with the reader conventions of the
// transaction mappings ([format] is read by the same ReadFormat; unknown keys are errors naming
// the nearest valid key; encodings; header_pattern).
#include "moneytrail/party_mapping.h"

#include <re2/re2.h>
#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

#include "ingester.h"
#include "mapping_format.h"
#include "moneytrail/csv.h"
#include "moneytrail/file_util.h"
#include "moneytrail/json_text.h"
#include "moneytrail/time_format.h"
#include "row_spec.h"
#include "text_checks.h"

namespace moneytrail {
namespace {

using io_internal::QuoteForMessage;
using io_internal::RowSpec;

enum class PartyField : int {
  kPartyId, kKind, kName, kFirstName, kMiddleName, kLastName, kBusinessName, kDateOfBirth,
  kAddress, kCity, kRegion, kPostcode, kCountry, kPhone, kEmail, kIdNumber, kIndustryCode,
  kAccounts, kBank, kOpened, kCount
};
constexpr int kPartyFieldCount = static_cast<int>(PartyField::kCount);
constexpr std::array<std::string_view, kPartyFieldCount> kPartyFieldNames = {
    "party_id", "kind",    "name",     "first_name", "middle_name", "last_name", "business_name",
    "date_of_birth", "address", "city", "region", "postcode", "country", "phone", "email",
    "id_number", "industry_code", "accounts", "bank", "opened"};
// The parties.csv columns that are copied as read (after trimming), in output order.
constexpr PartyField kCopied[] = {PartyField::kAddress, PartyField::kCity,     PartyField::kRegion,
                                  PartyField::kPostcode, PartyField::kCountry, PartyField::kPhone,
                                  PartyField::kEmail,   PartyField::kIdNumber, PartyField::kIndustryCode};

constexpr std::string_view kTables[] = {"format", "columns", "constants", "kind_values", "accounts"};
// The [format] keys that mean something for a party export (a subset of a transaction
// mapping's: no amounts, no time units).
constexpr std::string_view kFormatKeys[] = {
    "delimiter", "quote", "header", "skip_lines", "trim", "timestamp_format", "encoding",
    "header_pattern", "skip_patterns", "max_quoted_lines", "max_quoted_bytes"};
constexpr std::string_view kAccountsKeys[] = {"separator", "pattern"};

constexpr const char kPartiesHeader[] =
    "party_id,kind,first_name,middle_name,last_name,business_name,date_of_birth,address,city,"
    "region,postcode,country,phone,email,id_number,industry_code,source,line\n";
constexpr const char kAccountsHeader[] = "bank,account,kind,holder_party_id,opened,holder_source\n";

struct PartySpec {
  RowSpec format;  // reader settings only
  std::string mapping;  // "PATH sha256:HEX"
  std::string where;    // the mapping's path, for messages
  struct Source {
    int column = -1;
    std::string column_name;  // header name, or "" for a position
    std::optional<std::string> constant;
  };
  std::array<Source, kPartyFieldCount> fields;
  std::map<std::string, std::string> kind_values;  // lower-case export word -> person|business
  std::string account_separator = ";";
  std::shared_ptr<const re2::RE2> account_pattern;
  Source& at(PartyField f) { return fields[static_cast<size_t>(f)]; }
  const Source& at(PartyField f) const { return fields[static_cast<size_t>(f)]; }
};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view TrimView(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

template <typename Range>
std::vector<std::string_view> Keys(const Range& keys) {
  return std::vector<std::string_view>(std::begin(keys), std::end(keys));
}

Status CheckKeys(const std::string& where, std::string_view table, const toml::table& t,
                 const std::vector<std::string_view>& valid) {
  for (const auto& [key, value] : t) {
    if (std::find(valid.begin(), valid.end(), key.str()) != valid.end()) continue;
    std::string message = where + ": " + (table.empty() ? "" : "[" + std::string(table) + "] ") +
                          "unknown key '" + QuoteForMessage(key.str()) + "'";
    std::string nearest = io_internal::NearestKey(key.str(), valid);
    if (!nearest.empty()) message += "; did you mean '" + nearest + "'?";
    return InvalidArgumentError(message + " (docs/format/party-mapping.md lists the keys)");
  }
  return Status::Ok();
}

std::optional<PartyField> FieldByName(std::string_view name) {
  for (int i = 0; i < kPartyFieldCount; ++i) {
    if (kPartyFieldNames[static_cast<size_t>(i)] == name) return static_cast<PartyField>(i);
  }
  return std::nullopt;
}

Result<PartySpec> ReadPartySpec(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return NotFoundError(path.string() + ": no such mapping file");
  MT_ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  PartySpec spec;
  spec.where = path.string();
  const std::string& where = spec.where;
  spec.mapping = std::filesystem::absolute(path).string() + " sha256:" + Sha256Hex(text);
  toml::table doc;
  try {
    doc = toml::parse(text, where);
  } catch (const toml::parse_error& e) {
    return InvalidArgumentError(where + ":" + std::to_string(e.source().begin.line) + ": " +
                                std::string(e.description()));
  }
  MT_RETURN_IF_ERROR(CheckKeys(where, "", doc, Keys(kTables)));
  for (const auto& [key, value] : doc) {
    if (!value.is_table()) {
      return InvalidArgumentError(where + ": '" + std::string(key.str()) + "' must be a table");
    }
  }
  const toml::table* format = doc["format"].as_table();
  if (format != nullptr) MT_RETURN_IF_ERROR(CheckKeys(where, "format", *format, Keys(kFormatKeys)));
  MT_RETURN_IF_ERROR(io_internal::ReadFormat(where, format, spec.format));
  const std::vector<std::string_view> field_keys = Keys(kPartyFieldNames);
  if (const toml::table* columns = doc["columns"].as_table()) {
    MT_RETURN_IF_ERROR(CheckKeys(where, "columns", *columns, field_keys));
    for (const auto& [key, value] : *columns) {
      PartySpec::Source& s = spec.at(*FieldByName(key.str()));
      if (auto pos = value.value<int64_t>(); pos && value.is_integer()) {
        if (*pos < 1 || *pos > 100000) {
          return InvalidArgumentError(where + ": [columns] " + std::string(key.str()) + " must be a 1-based position");
        }
        s.column = static_cast<int>(*pos - 1);
      } else if (auto name = value.value<std::string>()) {
        if (!spec.format.header) {
          return InvalidArgumentError(where + ": [columns] " + std::string(key.str()) +
                                      " names a column, but the file has no header; use a 1-based position");
        }
        s.column_name = *name;
      } else {
        return InvalidArgumentError(where + ": [columns] " + std::string(key.str()) +
                                    " must be a header name or a 1-based position");
      }
    }
  }
  if (const toml::table* constants = doc["constants"].as_table()) {
    MT_RETURN_IF_ERROR(CheckKeys(where, "constants", *constants, field_keys));
    for (const auto& [key, value] : *constants) {
      auto v = value.value<std::string>();
      if (!v || !value.is_string()) {
        return InvalidArgumentError(where + ": [constants] " + std::string(key.str()) + " must be a string");
      }
      spec.at(*FieldByName(key.str())).constant = *v;
    }
  }
  if (const toml::table* kinds = doc["kind_values"].as_table()) {
    for (const auto& [key, value] : *kinds) {
      auto v = value.value<std::string>();
      if (!v || (*v != "person" && *v != "business")) {
        return InvalidArgumentError(where + ": [kind_values] '" + QuoteForMessage(key.str()) +
                                    "' must be \"person\" or \"business\"");
      }
      spec.kind_values[Lower(TrimView(key.str()))] = *v;
    }
  }
  if (const toml::table* accounts = doc["accounts"].as_table()) {
    MT_RETURN_IF_ERROR(CheckKeys(where, "accounts", *accounts, Keys(kAccountsKeys)));
    if (const toml::node* sep = accounts->get("separator")) {
      auto v = sep->value<std::string>();
      if (!v || v->size() != 1) return InvalidArgumentError(where + ": [accounts] separator must be one character");
      spec.account_separator = *v;
    }
    if (const toml::node* pattern = accounts->get("pattern")) {
      auto v = pattern->value<std::string>();
      if (!v) return InvalidArgumentError(where + ": [accounts] pattern must be a string");
      re2::RE2::Options options;
      options.set_log_errors(false);
      auto re = std::make_shared<const re2::RE2>(*v, options);
      if (!re->ok() || re->NumberOfCapturingGroups() != 1) {
        return InvalidArgumentError(where + ": [accounts] pattern '" + QuoteForMessage(*v) +
                                    "' must be a valid RE2 pattern with one capture group");
      }
      spec.account_pattern = std::move(re);
    }
  }
  auto mapped = [&](PartyField f) {
    return spec.at(f).column >= 0 || !spec.at(f).column_name.empty() || spec.at(f).constant.has_value();
  };
  if (!mapped(PartyField::kName) && !mapped(PartyField::kLastName) && !mapped(PartyField::kBusinessName)) {
    return InvalidArgumentError(where + ": the mapping names no party name: give name, or "
                                "first_name/last_name, or business_name ([columns])");
  }
  if (!mapped(PartyField::kAccounts)) {
    return InvalidArgumentError(where + ": the mapping names no accounts column ([columns] accounts)");
  }
  if (!mapped(PartyField::kBank)) {
    return InvalidArgumentError(where + ": the mapping names no bank ([constants] bank = \"...\", or a column): "
                                "accounts are named bank:account in the store");
  }
  return spec;
}

// Resolves header names to positions; "" when every named column is found, else why not.
std::string ResolveColumns(PartySpec& spec, const std::vector<std::string_view>& header) {
  for (int i = 0; i < kPartyFieldCount; ++i) {
    PartySpec::Source& s = spec.fields[static_cast<size_t>(i)];
    if (s.column_name.empty()) continue;
    s.column = -1;
    for (size_t c = 0; c < header.size(); ++c) {
      if (TrimView(header[c]) == s.column_name) {
        s.column = static_cast<int>(c);
        break;
      }
    }
    if (s.column < 0) {
      return "the header has no column '" + QuoteForMessage(s.column_name) + "' (for " +
             std::string(kPartyFieldNames[static_cast<size_t>(i)]) + ")";
    }
  }
  return {};
}

// A name as printed split into first, middle and last ("LAST, FIRST MIDDLE" or "FIRST M LAST").
void SplitPersonName(std::string_view name, std::string& first, std::string& middle, std::string& last) {
  std::vector<std::string> words;
  auto split = [](std::string_view s, std::vector<std::string>& out) {
    size_t i = 0;
    while (i < s.size()) {
      while (i < s.size() && s[i] == ' ') ++i;
      size_t j = i;
      while (j < s.size() && s[j] != ' ') ++j;
      if (j > i) out.emplace_back(s.substr(i, j - i));
      i = j;
    }
  };
  if (size_t comma = name.find(','); comma != std::string_view::npos) {
    last = std::string(TrimView(name.substr(0, comma)));
    split(name.substr(comma + 1), words);
    if (!words.empty()) first = words[0];
    for (size_t i = 1; i < words.size(); ++i) middle += (middle.empty() ? "" : " ") + words[i];
    return;
  }
  split(name, words);
  if (words.empty()) return;
  first = words.front();
  if (words.size() == 1) return;
  last = words.back();
  for (size_t i = 1; i + 1 < words.size(); ++i) middle += (middle.empty() ? "" : " ") + words[i];
}

bool LooksLikeBusiness(std::string_view name) {
  static const char* const kWords[] = {"LLC", "L.L.C.", "INC", "INC.", "CORP", "CORP.", "CO", "CO.",
                                       "LTD", "LTD.", "LP", "LLP", "PLLC", "COMPANY", "CORPORATION",
                                       "SA", "CV", "DE CV", "ENTERPRISES", "GROUP", "SERVICES", "TRUST"};
  std::string upper(name);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  size_t space = upper.find_last_of(' ');
  std::string last = space == std::string::npos ? upper : upper.substr(space + 1);
  for (const char* w : kWords) {
    if (last == w) return true;
  }
  return false;
}

struct Builder {
  PartyExport out;
  std::set<std::pair<std::string, std::string>> accounts_seen;  // bank, account
  std::set<std::string> party_ids;

  void AddParty(const std::string& party_id, const std::string& kind, const std::string& first,
                const std::string& middle, const std::string& last, const std::string& business,
                const std::string& dob, const std::vector<std::string>& copied,
                const std::string& source, uint64_t line) {
    std::string& p = out.parties_csv;
    p += CsvField(party_id) + ',' + kind + ',' + CsvField(first) + ',' + CsvField(middle) + ',' +
         CsvField(last) + ',' + CsvField(business) + ',' + dob;
    for (const std::string& c : copied) p += ',' + CsvField(c);
    p += ',' + CsvField(source) + ',' + std::to_string(line) + '\n';
    ++out.parties;
    party_ids.insert(party_id);
  }
  void AddAccount(const std::string& bank, const std::string& account, const std::string& party_id,
                  const std::string& opened, const std::string& holder_source) {
    out.accounts_csv += CsvField(bank) + ',' + CsvField(account) + ",account," + CsvField(party_id) +
                        ',' + opened + ',' + CsvField(holder_source) + '\n';
    ++out.accounts;
  }
};

// Reads one export with `spec`. Appends parties, accounts and rejects to `b`.
Status ReadExport(const std::filesystem::path& path, PartySpec spec, size_t file_index, Builder& b) {
  const std::string name = path.string();
  MappedFile file;
  std::string decoded;
  std::string_view text;
  MT_RETURN_IF_ERROR(io_internal::OpenText(path, spec.format, file, decoded, text, SIZE_MAX));
  PartySource source;
  source.path = name;
  source.sha256 = Sha256Hex(file.view());
  source.mapping = spec.mapping;
  source.encoding = spec.format.encoding;
  MT_ASSIGN_OR_RETURN(io_internal::HeaderLocation at, io_internal::LocateHeader(spec.format, text, name));
  const std::string_view body = text.substr(at.header_offset);
  CsvRecordReader reader(body, spec.format.dialect, at.header_line);
  std::vector<std::string_view> fields;
  if (spec.format.header) {
    if (!reader.Next(fields)) {
      return InvalidArgumentError(name + ":" + std::to_string(at.header_line) + ": cannot read the header");
    }
    if (std::string why = ResolveColumns(spec, fields); !why.empty()) {
      return InvalidArgumentError(name + ":" + std::to_string(at.header_line) + ": " + why);
    }
  }
  auto reject = [&](uint64_t line, PartyField f, std::string value, std::string reason) {
    const PartySpec::Source& s = spec.at(f);
    RejectedRow r{name, line, s.column + 1, std::string(kPartyFieldNames[static_cast<size_t>(f)]),
                  std::move(value), std::move(reason), 1};
    io_internal::BoundReject(r);
    b.out.rejects.push_back(std::move(r));
    ++source.rows_rejected;
  };
  for (;;) {
    if (!reader.Next(fields)) {
      if (reader.status().ok()) break;
      ++source.rows_read;
      reject(reader.line(), PartyField::kName, "", std::string(reader.status().message()));
      if (!reader.Resync()) break;
      continue;
    }
    const uint64_t line = reader.line();
    const std::string_view raw = body.substr(reader.record_offset(), reader.offset() - reader.record_offset());
    bool skip = fields.size() == 1 && TrimView(fields[0]).empty();
    for (const auto& p : spec.format.skip_patterns) {
      skip = skip || re2::RE2::PartialMatch(re2::StringPiece(raw.data(), raw.size()), *p);
    }
    if (skip) continue;
    ++source.rows_read;
    RejectedRow bytes_reject;
    if (!io_internal::CheckRecordBytes(raw, fields, false, bytes_reject)) {
      bytes_reject.file = name;
      bytes_reject.line = line;
      io_internal::BoundReject(bytes_reject);
      b.out.rejects.push_back(std::move(bytes_reject));
      ++source.rows_rejected;
      continue;
    }
    auto get = [&](PartyField f) -> std::string {
      const PartySpec::Source& s = spec.at(f);
      std::string v;
      if (s.column >= 0 && static_cast<size_t>(s.column) < fields.size()) {
        v = std::string(TrimView(fields[static_cast<size_t>(s.column)]));
      }
      if (v.empty() && s.constant) v = *s.constant;
      return v;
    };
    std::string full = get(PartyField::kName), first = get(PartyField::kFirstName),
                middle = get(PartyField::kMiddleName), last = get(PartyField::kLastName),
                business = get(PartyField::kBusinessName);
    std::string kind_text = get(PartyField::kKind), kind;
    if (!kind_text.empty()) {
      auto it = spec.kind_values.find(Lower(kind_text));
      if (it != spec.kind_values.end()) {
        kind = it->second;
      } else if (Lower(kind_text) == "person" || Lower(kind_text) == "business") {
        kind = Lower(kind_text);
      } else {
        reject(line, PartyField::kKind, kind_text, "is not a party kind (person, business, or a word of [kind_values])");
        continue;
      }
    } else {
      kind = !business.empty() || (!full.empty() && last.empty() && LooksLikeBusiness(full)) ? "business" : "person";
    }
    if (kind == "business" && business.empty()) business = full;
    if (kind == "person" && first.empty() && last.empty() && !full.empty()) SplitPersonName(full, first, middle, last);
    if (kind == "person" ? first.empty() && last.empty() : business.empty()) {
      reject(line, PartyField::kName, full, "the row names no " + std::string(kind == "person" ? "person" : "business"));
      continue;
    }
    std::string dob;
    if (std::string text_dob = get(PartyField::kDateOfBirth); !text_dob.empty()) {
      Result<Timestamp> t = spec.format.time_format.Parse(text_dob);
      for (size_t i = 0; !t.ok() && i < spec.format.more_time_formats.size(); ++i) {
        Result<Timestamp> again = spec.format.more_time_formats[i].Parse(text_dob);
        if (again.ok()) t = again;
      }
      if (!t.ok()) {
        reject(line, PartyField::kDateOfBirth, text_dob, "is not a date in the mapping's timestamp_format");
        continue;
      }
      dob = FormatIsoTime(*t).substr(0, 10);
    }
    std::string opened;
    if (std::string text_opened = get(PartyField::kOpened); !text_opened.empty()) {
      Result<Timestamp> t = spec.format.time_format.Parse(text_opened);
      if (t.ok()) opened = FormatIsoTime(*t).substr(0, 10);
    }
    // The accounts: split, each optionally through [accounts] pattern.
    const std::string bank = get(PartyField::kBank);
    std::vector<std::string> accounts;
    std::string bad_account;
    std::string list = get(PartyField::kAccounts);
    for (size_t pos = 0; pos <= list.size();) {
      size_t end = list.find(spec.account_separator[0], pos);
      if (end == std::string::npos) end = list.size();
      std::string a(TrimView(std::string_view(list).substr(pos, end - pos)));
      pos = end + 1;
      if (a.empty()) continue;
      if (spec.account_pattern) {
        std::string captured;
        if (!re2::RE2::PartialMatch(a, *spec.account_pattern, &captured) || captured.empty()) {
          bad_account = a;
          break;
        }
        a = captured;
      }
      accounts.push_back(a);
    }
    if (!bad_account.empty()) {
      reject(line, PartyField::kAccounts, bad_account, "does not match [accounts] pattern");
      continue;
    }
    if (accounts.empty()) {
      reject(line, PartyField::kAccounts, list, "the row names no account");
      continue;
    }
    if (bank.empty()) {
      reject(line, PartyField::kBank, "", "the row names no bank");
      continue;
    }
    std::string twice;
    for (const std::string& a : accounts) {
      if (b.accounts_seen.count({bank, a})) twice = a;
    }
    if (!twice.empty()) {
      reject(line, PartyField::kAccounts, twice, "account " + bank + ":" + twice +
                                                   " already has a holder in an earlier row (one holder per account)");
      continue;
    }
    std::string party_id = get(PartyField::kPartyId);
    if (party_id.empty()) party_id = "K" + std::to_string(file_index + 1) + "-" + std::to_string(line);
    if (b.party_ids.count(party_id)) {
      reject(line, PartyField::kPartyId, party_id, "the party id is used by an earlier row");
      continue;
    }
    std::vector<std::string> copied;
    for (PartyField f : kCopied) copied.push_back(get(f));
    b.AddParty(party_id, kind, first, middle, last, business, dob, copied, name, line);
    for (const std::string& a : accounts) {
      b.accounts_seen.insert({bank, a});
      b.AddAccount(bank, a, party_id, opened, "export " + name + ":" + std::to_string(line));
      ++source.accounts;
    }
    ++source.rows_accepted;
  }
  if (source.rows_read > 0 && source.rows_accepted == 0) {
    std::string first = b.out.rejects.empty() ? "" : ": " + b.out.rejects.back().ToString();
    return InvalidArgumentError(name + ": none of its " + std::to_string(source.rows_read) +
                                " rows was accepted (wrong mapping?)" + first);
  }
  b.out.sources.push_back(std::move(source));
  return Status::Ok();
}

}  // namespace

Result<PartyExport> ReadPartyExports(const std::vector<std::filesystem::path>& files,
                                     const std::vector<std::filesystem::path>& mappings,
                                     uint64_t max_rejects) {
  if (mappings.empty()) return InvalidArgumentError("give the export's mapping (--map FILE.toml)");
  std::vector<PartySpec> specs;
  for (const auto& m : mappings) {
    MT_ASSIGN_OR_RETURN(PartySpec s, ReadPartySpec(m));
    specs.push_back(std::move(s));
  }
  Builder b;
  b.out.parties_csv = kPartiesHeader;
  b.out.accounts_csv = kAccountsHeader;
  for (size_t k = 0; k < files.size(); ++k) {
    const auto& path = files[k];
    // The one mapping that fits: header found with every named column.
    std::vector<size_t> fit;
    std::string misfits;
    for (size_t m = 0; m < specs.size(); ++m) {
      MappedFile file;
      std::string decoded;
      std::string_view text;
      Status open = io_internal::OpenText(path, specs[m].format, file, decoded, text, 256 * 1024);
      if (open.code() == StatusCode::kNotFound) return open;
      std::string why;
      if (!open.ok()) {
        why = std::string(open.message());
      } else if (Result<io_internal::HeaderLocation> at = io_internal::LocateHeader(specs[m].format, text, path.string()); !at.ok()) {
        why = std::string(at.status().message());
      } else if (specs[m].format.header) {
        CsvRecordReader reader(text.substr(at->header_offset), specs[m].format.dialect, at->header_line);
        std::vector<std::string_view> header;
        PartySpec copy = specs[m];
        why = reader.Next(header) ? ResolveColumns(copy, header) : "cannot read the header";
      }
      if (why.empty()) {
        fit.push_back(m);
      } else {
        misfits += "\n  " + specs[m].where + ": " + why;
      }
    }
    if (fit.size() != 1) {
      std::string names;
      for (size_t m : fit) names += " " + specs[m].where;
      return InvalidArgumentError(path.string() + ": " +
                                  (fit.empty() ? "no mapping fits it:" + misfits
                                               : "several mappings fit it:" + names));
    }
    MT_RETURN_IF_ERROR(ReadExport(path, specs[fit[0]], k, b));
  }
  if (b.out.rejects.size() > max_rejects) {
    return InvalidArgumentError(std::to_string(b.out.rejects.size()) + " rows rejected, more than --max-rejects " +
                                std::to_string(max_rejects) + "; the first: " + b.out.rejects.front().ToString());
  }
  return std::move(b.out);
}

Result<std::vector<BannerHolder>> BannerHolders(const store::Store& store) {
  std::vector<BannerHolder> out;
  for (const store::CommitFile& f : store.commit_files()) {
    if (f.name != "statement-holders.csv") continue;
    MT_ASSIGN_OR_RETURN(std::string text, store.ReadCommitFile(f.segment, f.name));
    const std::string where = "segment " + std::to_string(f.segment) + " " + f.name;
    CsvRecordReader reader(text, CsvDialect{});
    std::vector<std::string_view> fields;
    if (!reader.Next(fields) || fields.size() != 5 || fields[0] != "bank") {
      return DataLossError(where + ": expected the header bank,account,holder,source,line");
    }
    while (reader.Next(fields)) {
      if (fields.size() != 5) {
        return DataLossError(where + ":" + std::to_string(reader.line()) + ": expected 5 fields");
      }
      BannerHolder h{std::string(fields[0]), std::string(fields[1]), std::string(fields[2]),
                     std::string(fields[3]), 0};
      for (char c : fields[4]) {
        if (c < '0' || c > '9' || h.line > (uint64_t{1} << 50)) {
          return DataLossError(where + ":" + std::to_string(reader.line()) + ": line '" +
                               QuoteForMessage(fields[4]) + "' is not a number");
        }
        h.line = h.line * 10 + static_cast<uint64_t>(c - '0');
      }
      out.push_back(std::move(h));
    }
    if (!reader.status().ok()) return DataLossError(where + ": " + std::string(reader.status().message()));
  }
  return out;
}

void AddBannerHolders(const std::vector<BannerHolder>& banners, PartyExport& kyc) {
  Builder b;
  b.out = std::move(kyc);
  if (b.out.parties_csv.empty()) b.out.parties_csv = kPartiesHeader;
  if (b.out.accounts_csv.empty()) b.out.accounts_csv = kAccountsHeader;
  // The accounts and party ids the exports already hold.
  CsvRecordReader accounts(b.out.accounts_csv, CsvDialect{});
  std::vector<std::string_view> fields;
  accounts.Next(fields);
  while (accounts.Next(fields)) {
    if (fields.size() >= 2) b.accounts_seen.insert({std::string(fields[0]), std::string(fields[1])});
  }
  CsvRecordReader parties(b.out.parties_csv, CsvDialect{});
  parties.Next(fields);
  while (parties.Next(fields)) {
    if (!fields.empty()) b.party_ids.insert(std::string(fields[0]));
  }
  for (const BannerHolder& h : banners) {
    if (b.accounts_seen.count({h.bank, h.account})) continue;
    b.accounts_seen.insert({h.bank, h.account});
    std::string party_id = "B-" + h.bank + "-" + h.account;
    for (int n = 2; b.party_ids.count(party_id); ++n) party_id = "B-" + h.bank + "-" + h.account + "-" + std::to_string(n);
    std::string first, middle, last, business;
    const bool is_business = LooksLikeBusiness(h.holder);
    if (is_business) {
      business = h.holder;
    } else {
      SplitPersonName(h.holder, first, middle, last);
    }
    std::vector<std::string> copied(std::size(kCopied));
    b.AddParty(party_id, is_business ? "business" : "person", first, middle, last, business, "",
               copied, h.source, h.line);
    b.AddAccount(h.bank, h.account, party_id, "",
                 "statement banner " + h.source + ":" + std::to_string(h.line));
    b.out.banner_holders_used.push_back(h);
  }
  kyc = std::move(b.out);
}

std::string PartyExport::CustodyJson() const {
  nlohmann::json j;
  j["record"] = "kyc";
  j["parties"] = parties;
  j["accounts"] = accounts;
  j["sources"] = nlohmann::json::array();
  for (const PartySource& s : sources) {
    j["sources"].push_back({{"path", s.path}, {"sha256", s.sha256}, {"mapping", s.mapping},
                            {"encoding", s.encoding}, {"rows_read", s.rows_read},
                            {"rows_accepted", s.rows_accepted}, {"rows_rejected", s.rows_rejected},
                            {"accounts", s.accounts}});
  }
  j["banner_holders"] = nlohmann::json::array();
  for (const BannerHolder& h : banner_holders_used) {
    j["banner_holders"].push_back({{"account", h.bank + ":" + h.account}, {"holder", h.holder},
                                   {"source", h.source}, {"line", h.line}});
  }
  j["rejects"] = nlohmann::json::array();
  for (const RejectedRow& r : rejects) {
    j["rejects"].push_back({{"file", r.file}, {"line", r.line}, {"column", r.column}, {"field", r.field},
                            {"value", r.value}, {"reason", r.reason}});
  }
  return JsonText(j, 2) + "\n";
}

}  // namespace moneytrail
