#include "row_parser.h"

#include "moneytrail/hash.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace moneytrail::io_internal {
namespace {

class RowContext {
 public:
  RowContext(const RowSpec& spec, const std::vector<std::string_view>& fields,
             std::string_view stable, std::deque<std::string>& arena, RejectedRow& reject)
      : spec_(spec), fields_(fields), stable_(stable), arena_(arena), reject_(reject) {}

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
  std::string_view KeepText(Field f) { return Keep(Text(f)); }

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
    Result<Decimal> d = ParseDecimal(text, spec_.decimal_point, spec_.group_separator);
    if (!d.ok()) return Fail(f, std::string(d.status().message()));
    if (d->units < 0 && !allow_negative) return Fail(f, "is negative; amounts must be >= 0");
    out = *d;
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
bool EqualsLowerAscii(std::string_view text, std::string_view lower) {
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
const Channel* FindChannelValue(const RowSpec& spec, std::string_view text) {
  if (spec.channel_values.size() <= 16) {
    for (const auto& [name, channel] : spec.channel_values) {
      if (EqualsLowerAscii(text, name)) return &channel;
    }
    return nullptr;
  }
  auto it = spec.channel_values.find(std::string(LowerText(text).view()));
  return it == spec.channel_values.end() ? nullptr : &it->second;
}

}  // namespace

bool ParseRow(const RowSpec& spec, const std::vector<std::string_view>& fields,
              std::string_view stable, std::deque<std::string>& arena, StagedRow& row,
              RejectedRow& reject) {
  if (spec.expected_columns >= 0 && static_cast<int>(fields.size()) != spec.expected_columns) {
    reject.column = 0;
    reject.field = "(row)";
    reject.value = std::to_string(fields.size()) + " fields";
    reject.reason = fields.size() == 1 && fields[0].empty()
                        ? "empty line"
                        : "has " + std::to_string(fields.size()) + " fields, expected " +
                              std::to_string(spec.expected_columns);
    return false;
  }
  int max_column = -1;
  for (const FieldSource& f : spec.fields) max_column = std::max(max_column, f.column);
  if (static_cast<int>(fields.size()) <= max_column) {
    reject.column = 0;
    reject.field = "(row)";
    reject.value = std::to_string(fields.size()) + " fields";
    reject.reason = fields.size() == 1 && fields[0].empty()
                        ? "empty line"
                        : "has " + std::to_string(fields.size()) + " fields, needs at least " +
                              std::to_string(max_column + 1);
    return false;
  }
  RowContext ctx(spec, fields, stable, arena, reject);

  // Time.
  {
    std::string_view text = ctx.Text(Field::kTimestamp);
    Result<Timestamp> t = spec.time_format.Parse(text);
    if (!t.ok()) return ctx.Fail(Field::kTimestamp, std::string(t.status().message()));
    if (spec.time_unit_seconds != 1) {
      if (*t > INT64_MAX / spec.time_unit_seconds || *t < INT64_MIN / spec.time_unit_seconds) {
        return ctx.Fail(Field::kTimestamp, "is out of range");
      }
      row.time = *t * spec.time_unit_seconds;
    } else {
      row.time = *t;
    }
  }

  if (spec.at(Field::kStatementAccount).mapped()) {
    // One account's statement: the sign of the amount gives the direction.
    Decimal amount;
    bool outflow;
    if (spec.at(Field::kAmount).mapped() || !ctx.Text(Field::kAmount).empty()) {
      if (!ctx.Amount(Field::kAmount, amount, true)) return false;
      outflow = amount.units < 0;
      if (outflow) amount.units = -amount.units;
    } else {
      std::string_view debit = ctx.Text(Field::kDebit), credit = ctx.Text(Field::kCredit);
      if (!debit.empty() && !credit.empty()) {
        return ctx.Fail(Field::kDebit, "both debit and credit are filled in");
      }
      if (debit.empty() && credit.empty()) {
        return ctx.Fail(Field::kDebit, "neither debit nor credit is filled in");
      }
      outflow = !debit.empty();
      if (!ctx.Amount(outflow ? Field::kDebit : Field::kCredit, amount, false)) return false;
    }
    std::string_view own_bank = ctx.KeepText(Field::kStatementBank);
    std::string_view own_account;
    if (!ctx.Required(Field::kStatementAccount, own_account)) return false;
    std::string_view other_bank = ctx.KeepText(Field::kCounterpartyBank);
    std::string_view other_account = ctx.KeepText(Field::kCounterpartyAccount);
    NodeKind other_kind = NodeKind::kAccount;
    if (other_account.empty()) {
      other_kind = NodeKind::kExternal;
      other_account = ctx.KeepText(Field::kCounterparty);
      if (other_account.empty()) other_account = "unknown";
    }
    row.paid = row.received = amount;
    if (outflow) {
      row.source_kind = NodeKind::kAccount;
      row.source_bank = own_bank;
      row.source_account = own_account;
      row.dest_kind = other_kind;
      row.dest_bank = other_bank;
      row.dest_account = other_account;
    } else {
      row.source_kind = other_kind;
      row.source_bank = other_bank;
      row.source_account = other_account;
      row.dest_kind = NodeKind::kAccount;
      row.dest_bank = own_bank;
      row.dest_account = own_account;
    }
  } else {
    if (!ctx.Kind(Field::kSourceKind, row.source_kind)) return false;
    if (!ctx.Kind(Field::kDestKind, row.dest_kind)) return false;
    row.source_bank = ctx.KeepText(Field::kSourceBank);
    row.dest_bank = ctx.KeepText(Field::kDestBank);
    if (!ctx.Required(Field::kSourceAccount, row.source_account)) return false;
    if (!ctx.Required(Field::kDestAccount, row.dest_account)) return false;
    if (!ctx.Amount(Field::kAmountPaid, row.paid, spec.amounts_may_be_negative)) return false;
    if (ctx.Text(Field::kAmountReceived).empty()) {
      row.received = row.paid;
    } else if (!ctx.Amount(Field::kAmountReceived, row.received, spec.amounts_may_be_negative)) {
      return false;
    }
  }

  if (!ctx.Required(Field::kCurrencyPaid, row.paid_currency)) return false;
  row.received_currency = ctx.KeepText(Field::kCurrencyReceived);
  if (row.received_currency.empty()) row.received_currency = row.paid_currency;

  // Channel.
  {
    std::string_view text = ctx.Text(Field::kChannel);
    if (text.empty()) {
      row.channel = Channel::kUnknown;
    } else {
      if (const Channel* value = FindChannelValue(spec, text)) {
        row.channel = *value;
      } else if (std::optional<Channel> c = ParseChannel(text)) {
        row.channel = *c;
      } else {
        return ctx.Fail(Field::kChannel, spec.channel_values.empty()
                                             ? "is not a channel (docs/format/native-csv.md)"
                                             : "is not a known payment format");
      }
    }
  }

  row.city = ctx.KeepText(Field::kCity);
  row.region = ctx.KeepText(Field::kRegion);
  row.country = ctx.KeepText(Field::kCountry);
  {
    std::string_view mcc = ctx.Text(Field::kMcc);
    if (mcc.empty()) {
      row.mcc = 0xFFFF;
    } else {
      if (mcc.size() != 4 || !std::all_of(mcc.begin(), mcc.end(), [](char c) {
            return c >= '0' && c <= '9';
          })) {
        return ctx.Fail(Field::kMcc, "is not a 4-digit merchant category code");
      }
      row.mcc = static_cast<uint16_t>((mcc[0] - '0') * 1000 + (mcc[1] - '0') * 100 +
                                      (mcc[2] - '0') * 10 + (mcc[3] - '0'));
    }
  }
  if (!spec.at(Field::kStatementAccount).mapped() || spec.at(Field::kCounterpartyAccount).mapped()) {
    row.counterparty = ctx.KeepText(Field::kCounterparty);
  }
  {
    std::string_view label = ctx.Text(Field::kIsLaundering);
    LowerText lower(label);
    std::string_view l = lower.view();
    if (l.empty()) row.label = Label::kUnknown;
    else if (l == "1" || l == "true" || l == "yes") row.label = Label::kLaundering;
    else if (l == "0" || l == "false" || l == "no") row.label = Label::kLegitimate;
    else return ctx.Fail(Field::kIsLaundering, "is not a label (expected 0, 1 or empty)");
  }
  row.typology = ctx.KeepText(Field::kTypology);
  row.source_hash = HashAccountKey(static_cast<uint8_t>(row.source_kind), row.source_bank,
                                   row.source_account);
  row.dest_hash =
      HashAccountKey(static_cast<uint8_t>(row.dest_kind), row.dest_bank, row.dest_account);
  return true;
}

}  // namespace moneytrail::io_internal
