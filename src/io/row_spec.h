// Internal: every input format reduces to a RowSpec, a table saying where each transaction
// field comes from (a column or a constant) and how its text converts. The IBM, AMLSim and
// native formats are built-in RowSpecs; `mapped` builds one from a TOML file.
#ifndef MONEYTRAIL_SRC_IO_ROW_SPEC_H_
#define MONEYTRAIL_SRC_IO_ROW_SPEC_H_

#include <array>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "moneytrail/csv.h"
#include "moneytrail/money.h"
#include "moneytrail/pdf.h"
#include "moneytrail/status.h"
#include "moneytrail/time_format.h"
#include "moneytrail/transaction.h"

namespace re2 {
class RE2;
}

namespace moneytrail::io_internal {

enum class Field : int {
  kTimestamp, kSourceKind, kSourceBank, kSourceAccount, kDestKind, kDestBank, kDestAccount,
  kAmountPaid, kCurrencyPaid, kAmountReceived, kCurrencyReceived, kChannel, kCity, kRegion,
  kCountry, kMcc, kCounterparty, kIsLaundering, kTypology,
  // Statement layouts (one account's export): a signed amount or debit/credit columns, and the
  // other end as counterparty bank/account.
  kAmount, kDebit, kCredit, kStatementBank, kStatementAccount, kCounterpartyBank,
  kCounterpartyAccount,
  // Statement text kept for the checks and the description grammar (docs/format/mapping.md).
  kDescription, kBalance, kReference, kDirection,
  kCount
};
inline constexpr int kFieldCount = static_cast<int>(Field::kCount);

// The native CSV name of each field ("timestamp", "source_bank", ...).
std::string_view FieldName(Field f);
// Field by native name; kCount when unknown.
Field FieldByName(std::string_view name);

struct FieldSource {
  int column = -1;        // 0-based column, or -1
  std::string column_name;  // for messages
  bool has_constant = false;
  std::string constant;
  bool mapped() const { return column >= 0 || has_constant; }
};

// Money out of (debit) or into (credit) the statement account.
enum class Direction : uint8_t { kNone, kDebit, kCredit };

// Values read from a statement's banner (the lines before its header), per file.
enum class BannerField : int {
  kStatementAccount, kHolder, kPeriodStart, kPeriodEnd, kOpeningBalance, kClosingBalance, kCount
};
inline constexpr int kBannerFieldCount = static_cast<int>(BannerField::kCount);
std::string_view BannerFieldName(BannerField f);

struct BannerPattern {
  BannerField field;
  std::string pattern;  // as written, for messages
  // shared_ptr: RE2 cannot be copied and a RowSpec is copied per file; the pattern is immutable
  // and RE2 is thread-safe for matching.
  std::shared_ptr<const re2::RE2> re;
};

struct RowSpec {
  RowSpec() {
    dialect.max_quoted_lines = kIngestMaxQuotedLines;
    dialect.max_quoted_bytes = kIngestMaxQuotedBytes;
  }
  std::string format;            // "ibm-aml", "amlsim", "native", "mapped"
  std::string mapping;           // mapping file and its sha256, for custody
  CsvDialect dialect;
  bool header = true;
  bool header_by_name = false;   // columns are found by header names (native, mapped names)
  std::vector<std::string> exact_header;  // when set, the header must be exactly this
  int skip_lines = 0;            // lines before the header
  int expected_columns = -1;     // when >= 0, every row must have this many fields
  std::array<FieldSource, kFieldCount> fields;
  // Mapped by name: field -> header name, resolved into `fields` by ResolveHeader.
  std::vector<std::pair<Field, std::string>> by_name;
  TimeFormat time_format = TimeFormat::Iso8601();
  std::vector<TimeFormat> more_time_formats;  // tried in order after time_format
  // Plausible range of times (inclusive); a row outside is rejected (IngestOptions).
  Timestamp min_time = INT64_MIN;
  Timestamp max_time = INT64_MAX;
  int64_t time_unit_seconds = 1;  // multiplies integer times (AMLSim steps: 86400)
  char decimal_point = '.';
  char group_separator = 0;
  bool amounts_may_be_negative = false;
  std::unordered_map<std::string, Channel> channel_values;  // lower-case source text
  std::unordered_map<std::string, NodeKind> kind_values;

  // Statement layouts (mapped only; docs/format/mapping.md). A spec that uses any of these is
  // read by the statement path (statement_path()), serially and file by file.
  bool statement = false;          // statement_account is mapped (column, constant or banner)
  bool amount_forms = false;       // amounts in every form of ParseAmountForm (mapped)
  std::string encoding = "utf-8";  // canonical (text_checks.h)
  std::string sheet;               // .xlsx: the worksheet to read ("" the first; xlsx.h)
  // A text PDF's statement template, the mapping's [pdf] table (moneytrail/pdf.h).
  std::optional<formats::PdfTemplate> pdf_template;
  std::shared_ptr<const re2::RE2> header_pattern;  // shared_ptr: see BannerPattern
  std::string header_pattern_text;
  std::vector<std::shared_ptr<const re2::RE2>> skip_patterns;
  std::vector<BannerPattern> banner;
  std::unordered_map<std::string, Direction> direction_values;  // lower-case source text
  // [enrich] grammar: a grammar file (absolute), empty for the built-in us-banks grammar
  // (config/grammars/us-banks.toml); enrich_none when the mapping says grammar = "none".
  std::filesystem::path enrich_grammar;
  bool enrich_none = false;
  std::filesystem::path mapping_file;    // the mapping's path as given

  bool statement_path() const {
    return statement || encoding != "utf-8" || header_pattern != nullptr ||
           !skip_patterns.empty() || !banner.empty();
  }

  FieldSource& at(Field f) { return fields[static_cast<int>(f)]; }
  const FieldSource& at(Field f) const { return fields[static_cast<int>(f)]; }
};

RowSpec IbmAmlSpec();
RowSpec AmlsimSpec(std::string currency);
RowSpec NativeSpec();
// Reads a TOML mapping (docs/format/mapping.md). Every key of every table is checked: an unknown
// one is an error naming it and the nearest valid key (mapping_spec.cc).
Result<RowSpec> MappedSpec(const std::filesystem::path& mapping_file);

// The valid key nearest to `key` by edit distance (for "did you mean" messages), or "" when
// none is within a third of the key's length plus two.
std::string NearestKey(std::string_view key, const std::vector<std::string_view>& valid);

// Checks the header record against the spec and resolves columns found by name.
// `file` is for messages.
Status ResolveHeader(const std::string& file, const std::vector<std::string_view>& header,
                     RowSpec& spec, uint64_t header_line = 1);

}  // namespace moneytrail::io_internal

#endif  // MONEYTRAIL_SRC_IO_ROW_SPEC_H_
