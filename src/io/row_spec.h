// Internal: every input format reduces to a RowSpec, a table saying where each transaction
// field comes from (a column or a constant) and how its text converts. The IBM, AMLSim and
// native formats are built-in RowSpecs; `mapped` builds one from a TOML file.
#ifndef MONEYTRAIL_SRC_IO_ROW_SPEC_H_
#define MONEYTRAIL_SRC_IO_ROW_SPEC_H_

#include <array>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "moneytrail/csv.h"
#include "moneytrail/money.h"
#include "moneytrail/status.h"
#include "moneytrail/time_format.h"
#include "moneytrail/transaction.h"

namespace moneytrail::io_internal {

enum class Field : int {
  kTimestamp, kSourceKind, kSourceBank, kSourceAccount, kDestKind, kDestBank, kDestAccount,
  kAmountPaid, kCurrencyPaid, kAmountReceived, kCurrencyReceived, kChannel, kCity, kRegion,
  kCountry, kMcc, kCounterparty, kIsLaundering, kTypology,
  // Statement layouts (one account's export): a signed amount or debit/credit columns, and the
  // other end as counterparty bank/account.
  kAmount, kDebit, kCredit, kStatementBank, kStatementAccount, kCounterpartyBank,
  kCounterpartyAccount,
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

struct RowSpec {
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
  int64_t time_unit_seconds = 1;  // multiplies integer times (AMLSim steps: 86400)
  char decimal_point = '.';
  char group_separator = 0;
  bool amounts_may_be_negative = false;
  std::unordered_map<std::string, Channel> channel_values;  // lower-case source text
  std::unordered_map<std::string, NodeKind> kind_values;

  FieldSource& at(Field f) { return fields[static_cast<int>(f)]; }
  const FieldSource& at(Field f) const { return fields[static_cast<int>(f)]; }
};

RowSpec IbmAmlSpec();
RowSpec AmlsimSpec(std::string currency);
RowSpec NativeSpec();
// Reads a TOML mapping (docs/format/mapping.md).
Result<RowSpec> MappedSpec(const std::filesystem::path& mapping_file);

// Checks the header record against the spec and resolves columns found by name.
// `file` is for messages.
Status ResolveHeader(const std::string& file, const std::vector<std::string_view>& header,
                     RowSpec& spec);

}  // namespace moneytrail::io_internal

#endif  // MONEYTRAIL_SRC_IO_ROW_SPEC_H_
