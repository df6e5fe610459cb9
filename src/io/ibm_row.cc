#include "ibm_row.h"

#include <cstring>
#include <iterator>
#include <optional>

#include "moneytrail/hash.h"
#include "moneytrail/time_format.h"
#include "row_context.h"

namespace moneytrail::io_internal {
namespace {

// The columns of IbmAmlSpec, by field.
constexpr struct {
  Field field;
  int column;
} kIbmColumns[] = {
    {Field::kTimestamp, 0},      {Field::kSourceBank, 1},     {Field::kSourceAccount, 2},
    {Field::kDestBank, 3},       {Field::kDestAccount, 4},    {Field::kAmountReceived, 5},
    {Field::kCurrencyReceived, 6}, {Field::kAmountPaid, 7},   {Field::kCurrencyPaid, 8},
    {Field::kChannel, 9},        {Field::kIsLaundering, 10},
};

inline bool Digit(char c) { return c >= '0' && c <= '9'; }
inline int64_t Two(const char* p) { return (p[0] - '0') * 10 + (p[1] - '0'); }

// An amount ParseDecimal reads as the same Decimal and the general path accepts: digits with
// at most one '.', at least one digit, no sign, at most 18 characters (so at most 18
// significant and fractional digits). False for anything else (ParseDecimal decides then).
inline bool PlainAmount(std::string_view text, Decimal& out) {
  if (text.empty() || text.size() > 18) return false;
  int64_t units = 0;
  int scale = 0;
  bool seen_point = false;
  bool seen_digit = false;
  for (char c : text) {
    if (Digit(c)) {
      units = units * 10 + (c - '0');
      scale += seen_point;
      seen_digit = true;
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      return false;
    }
  }
  if (!seen_digit) return false;
  out = Decimal{units, static_cast<uint8_t>(scale)};
  return true;
}

}  // namespace

bool IbmFastPathApplies(const RowSpec& spec) {
  if (spec.format != "ibm-aml" || spec.statement_path() || spec.expected_columns != 11 ||
      spec.dialect.delimiter != ',' || spec.dialect.quote != '"' || spec.dialect.trim_spaces ||
      spec.dialect.collapse_delimiters || spec.time_format.pattern() != "%Y/%m/%d %H:%M" ||
      !spec.more_time_formats.empty() || spec.time_unit_seconds != 1 ||
      spec.decimal_point != '.' || spec.group_separator != 0 || spec.amount_forms ||
      !spec.kind_values.empty()) {
    return false;
  }
  bool mapped[kFieldCount] = {};
  for (const auto& c : kIbmColumns) {
    const FieldSource& src = spec.at(c.field);
    if (src.column != c.column || src.has_constant) return false;
    mapped[static_cast<int>(c.field)] = true;
  }
  for (int f = 0; f < kFieldCount; ++f) {
    if (!mapped[f] && spec.fields[f].mapped()) return false;
  }
  return true;
}

// "YYYY/MM/DD HH:MM" exactly (two-digit fields): the value TimeFormat::Parse gives, when it
// is a valid date and time within the spec's range; false otherwise.
bool IbmRowParser::ParseTime(std::string_view text, Timestamp& out) {
  if (text.size() != 16) return false;
  const char* p = text.data();
  if (p[4] != '/' || p[7] != '/' || p[10] != ' ' || p[13] != ':') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15}) {
    if (!Digit(p[i])) return false;
  }
  const int64_t hour = Two(p + 11);
  const int64_t minute = Two(p + 14);
  if (hour > 23 || minute > 59) return false;
  if (!have_last_date_ || std::memcmp(p, last_date_, 10) != 0) {
    const int64_t year = Two(p) * 100 + Two(p + 2);
    const int64_t month = Two(p + 5);
    const int64_t day = Two(p + 8);
    if (month < 1 || month > 12 || day < 1) return false;
    static constexpr int64_t kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (day > (month == 2 && leap ? 29 : kDays[month - 1])) return false;
    last_days_ = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
    std::memcpy(last_date_, p, 10);
    have_last_date_ = true;
  }
  out = last_days_ * 86400 + hour * 3600 + minute * 60;
  return out >= spec_.min_time && out <= spec_.max_time;
}

bool IbmRowParser::ParseFormat(std::string_view text, Channel& out) {
  FormatSlot& slot =
      formats_[(text.size() * 7 + static_cast<unsigned char>(text[0])) % std::size(formats_)];
  if (slot.used && ShortBytesEqual(slot.text, text)) {
    out = slot.channel;
    return true;
  }
  if (const Channel* value = FindChannelValue(spec_, text)) {
    out = *value;
  } else if (std::optional<Channel> c = ParseChannel(text)) {
    out = *c;
  } else {
    return false;
  }
  if (!slot.used) {
    slot.text = std::string(text);
    slot.channel = out;
    slot.used = true;
  }
  return true;
}

bool IbmRowParser::Parse(const std::vector<std::string_view>& fields, StagedRow& row) {
  if (fields.size() != 11) return false;
  if (!ParseTime(fields[0], row.time)) return false;
  row.source_kind = NodeKind::kAccount;  // the kinds are not mapped: ParseNodeKind("")
  row.dest_kind = NodeKind::kAccount;
  // RowContext::Keep gives an empty view for empty text.
  row.source_bank = fields[1].empty() ? std::string_view() : fields[1];
  row.dest_bank = fields[3].empty() ? std::string_view() : fields[3];
  row.source_account = fields[2];
  row.dest_account = fields[4];
  if (row.source_account.empty() || row.dest_account.empty()) return false;
  if (!PlainAmount(fields[7], row.paid)) return false;
  if (fields[5].empty()) {
    row.received = row.paid;
  } else if (!PlainAmount(fields[5], row.received)) {
    return false;
  }
  row.counterparty = {};
  row.paid_currency = fields[8];
  if (row.paid_currency.empty()) return false;
  row.received_currency = fields[6].empty() ? row.paid_currency : fields[6];
  if (fields[9].empty()) {
    row.channel = Channel::kUnknown;
  } else if (!ParseFormat(fields[9], row.channel)) {
    return false;
  }
  row.city = {};
  row.region = {};
  row.country = {};
  row.mcc = 0xFFFF;
  const std::string_view label = fields[10];
  if (label.empty()) {
    row.label = Label::kUnknown;
  } else if (label.size() == 1 && label[0] == '0') {
    row.label = Label::kLegitimate;
  } else if (label.size() == 1 && label[0] == '1') {
    row.label = Label::kLaundering;
  } else {
    return false;  // "true", "no", ... : the general path reads them
  }
  row.typology = {};
  HashEnds(row);
  return true;
}

}  // namespace moneytrail::io_internal
