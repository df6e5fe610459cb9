// Internal: the per-record helpers shared by the row parsers (row_parser.cc for transfer
// lists, statement_row.cc for statements): a field's text, views kept past the record, and
// rejections that name the field and column.
#ifndef MONEYTRAIL_SRC_IO_ROW_CONTEXT_H_
#define MONEYTRAIL_SRC_IO_ROW_CONTEXT_H_

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "amount_forms.h"
#include "moneytrail/ingest.h"
#include "row_parser.h"
#include "row_spec.h"

namespace moneytrail::io_internal {

// Borrows everything it is given for the duration of one record.
class RowContext {
 public:
  // `spec_outlives_rows`: the rows' views may point into `spec`'s constants (the statement
  // path, whose rows live with the file that owns its spec), so KeepText copies no constant.
  RowContext(const RowSpec& spec, const std::vector<std::string_view>& fields,
             std::string_view stable, std::deque<std::string>& arena, RejectedRow& reject,
             bool spec_outlives_rows = false)
      : spec_(spec), fields_(fields), stable_(stable), arena_(arena), reject_(reject),
        spec_outlives_rows_(spec_outlives_rows) {}

  // The text of a field: its column's value, else its constant, else "".
  std::string_view Text(Field f) const {
    const FieldSource& src = spec_.at(f);
    if (src.column >= 0 && static_cast<size_t>(src.column) < fields_.size()) {
      std::string_view v = fields_[src.column];
      if (!v.empty() || !src.has_constant) return v;
    }
    return src.has_constant ? std::string_view(src.constant) : std::string_view();
  }

  // A view that outlives the record.
  std::string_view Keep(std::string_view v) {
    if (v.empty()) return {};
    if (v.data() >= stable_.data() && v.data() + v.size() <= stable_.data() + stable_.size()) {
      return v;
    }
    arena_.emplace_back(v);
    return arena_.back();
  }
  // Text(f) as a view that outlives the record: a constant of a spec that outlives the rows
  // is not copied (a statement file's bank, account and currency: three strings per row).
  std::string_view KeepText(Field f) {
    const std::string_view v = Text(f);
    if (spec_outlives_rows_) {
      const std::string& constant = spec_.at(f).constant;
      if (!v.empty() && v.data() == constant.data() && v.size() == constant.size()) return v;
    }
    return Keep(v);
  }

  bool Fail(Field f, std::string reason) {
    const FieldSource& src = spec_.at(f);
    reject_.column = src.column >= 0 ? src.column + 1 : 0;
    reject_.field = std::string(FieldName(f));
    if (!src.column_name.empty() && src.column_name != reject_.field) {
      reject_.field += " (" + src.column_name + ")";
    }
    reject_.value = std::string(Text(f));
    reject_.reason = std::move(reason);
    return false;
  }

  bool Required(Field f, std::string_view& out) {
    out = KeepText(f);
    if (out.empty()) return Fail(f, "is empty; a value is required");
    return true;
  }

  bool Amount(Field f, Decimal& out, bool allow_negative) {
    std::string_view text = Text(f);
    if (spec_.amount_forms) {
      AmountForm form;
      if (!AmountFormOf(f, form)) return false;
      out = form.value;
    } else {
      Result<Decimal> d = ParseDecimal(text, spec_.decimal_point, spec_.group_separator);
      if (!d.ok()) return Fail(f, std::string(d.status().message()));
      out = *d;
    }
    if (out.units < 0 && !allow_negative) return Fail(f, "is negative; amounts must be >= 0");
    return true;
  }

  // The field read in any statement amount form (amount_forms.h).
  bool AmountFormOf(Field f, AmountForm& out) {
    Result<AmountForm> a = ParseAmountForm(Text(f), spec_.decimal_point, spec_.group_separator);
    if (!a.ok()) return Fail(f, std::string(a.status().message()));
    out = *a;
    return true;
  }

  bool Kind(Field f, NodeKind& out) {
    std::string_view text = Text(f);
    if (!spec_.kind_values.empty()) {
      auto it = spec_.kind_values.find(std::string(text));
      if (it != spec_.kind_values.end()) {
        out = it->second;
        return true;
      }
    }
    std::optional<NodeKind> k = ParseNodeKind(text);
    if (!k) return Fail(f, "is not a node kind (expected account, cash, merchant or external)");
    out = *k;
    return true;
  }

 private:
  const RowSpec& spec_;
  const std::vector<std::string_view>& fields_;
  std::string_view stable_;
  std::deque<std::string>& arena_;
  RejectedRow& reject_;
  const bool spec_outlives_rows_;
};

// Lower-cases short text into a fixed buffer (no allocation on the hot path).
struct LowerText {
  explicit LowerText(std::string_view s) {
    size = s.size() < sizeof buf ? s.size() : sizeof buf;
    for (size_t i = 0; i < size; ++i) {
      buf[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
    }
    truncated = s.size() > sizeof buf;
  }
  std::string_view view() const { return {buf, size}; }
  char buf[48];
  size_t size;
  bool truncated;
};

// `text` compared with lower-case `lower`, ignoring the case of ASCII letters.
inline bool EqualsLowerAscii(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

// The channel that spec.channel_values gives `text` (case-insensitively), or null. The few
// values of a layout are compared in place: a hash lookup built a lower-case std::string per
// row.
inline const Channel* FindChannelValue(const RowSpec& spec, std::string_view text) {
  if (spec.channel_values.size() <= 16) {
    for (const auto& [name, channel] : spec.channel_values) {
      if (EqualsLowerAscii(text, name)) return &channel;
    }
    return nullptr;
  }
  auto it = spec.channel_values.find(std::string(LowerText(text).view()));
  return it == spec.channel_values.end() ? nullptr : &it->second;
}


// Parses the time field (every format of the spec in order) into row.time, checking the
// plausible range; on failure fills the reject and returns false.
bool ParseTimeField(const RowSpec& spec, RowContext& ctx, Timestamp& out);
// The fields every format shares, after the ends and amounts: currencies, channel, location,
// merchant category, label, typology, and the ends' hashes. REQUIRES: the ends are set.
bool ParseCommonFields(const RowSpec& spec, RowContext& ctx, StagedRow& row);
// Rejects a record with too few (or, with expected_columns, a wrong number of) fields.
bool CheckFieldCount(const RowSpec& spec, const std::vector<std::string_view>& fields,
                     RejectedRow& reject);
// The same with MaxColumn(spec) computed by the caller.
bool CheckFieldCount(const RowSpec& spec, int max_column,
                     const std::vector<std::string_view>& fields, RejectedRow& reject);

}  // namespace moneytrail::io_internal

#endif  // MONEYTRAIL_SRC_IO_ROW_CONTEXT_H_
