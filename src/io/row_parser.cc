#include "row_parser.h"

#include "row_context.h"
#include "moneytrail/time_format.h"

#include "moneytrail/hash.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace moneytrail::io_internal {

int MaxColumn(const RowSpec& spec) {
  int max_column = -1;
  for (const FieldSource& f : spec.fields) max_column = std::max(max_column, f.column);
  return max_column;
}

bool CheckFieldCount(const RowSpec& spec, const std::vector<std::string_view>& fields,
                     RejectedRow& reject) {
  return CheckFieldCount(spec, MaxColumn(spec), fields, reject);
}

bool CheckFieldCount(const RowSpec& spec, int max_column,
                     const std::vector<std::string_view>& fields, RejectedRow& reject) {
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
  return true;
}

bool ParseTimeField(const RowSpec& spec, RowContext& ctx, Timestamp& out) {
  std::string_view text = ctx.Text(Field::kTimestamp);
  Result<Timestamp> t = spec.time_format.Parse(text);
  for (size_t i = 0; !t.ok() && i < spec.more_time_formats.size(); ++i) {
    Result<Timestamp> again = spec.more_time_formats[i].Parse(text);
    if (again.ok()) t = again;
  }
  if (!t.ok()) {
    std::string reason(t.status().message());
    if (!spec.more_time_formats.empty()) {
      reason += " (tried " + spec.time_format.pattern();
      for (const TimeFormat& f : spec.more_time_formats) reason += ", " + f.pattern();
      reason += ")";
    }
    return ctx.Fail(Field::kTimestamp, std::move(reason));
  }
  if (spec.time_unit_seconds != 1) {
    if (*t > INT64_MAX / spec.time_unit_seconds || *t < INT64_MIN / spec.time_unit_seconds) {
      return ctx.Fail(Field::kTimestamp, "is out of range");
    }
    out = *t * spec.time_unit_seconds;
  } else {
    out = *t;
  }
  if (out < spec.min_time || out > spec.max_time) {
    return ctx.Fail(Field::kTimestamp,
                    "is " + FormatIsoTime(out) + ", outside the plausible range " +
                        FormatIsoTime(spec.min_time).substr(0, 10) + ".." +
                        FormatIsoTime(spec.max_time).substr(0, 10) +
                        " (ingest --time-range changes it)");
  }
  return true;
}

bool ParseRow(const RowSpec& spec, const std::vector<std::string_view>& fields,
              std::string_view stable, std::deque<std::string>& arena, StagedRow& row,
              RejectedRow& reject) {
  return ParseRow(spec, MaxColumn(spec), fields, stable, arena, row, reject);
}

bool ParseRow(const RowSpec& spec, int max_column, const std::vector<std::string_view>& fields,
              std::string_view stable, std::deque<std::string>& arena, StagedRow& row,
              RejectedRow& reject) {
  if (!CheckFieldCount(spec, max_column, fields, reject)) return false;
  RowContext ctx(spec, fields, stable, arena, reject);
  if (!ParseTimeField(spec, ctx, row.time)) return false;
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
  row.counterparty = ctx.KeepText(Field::kCounterparty);
  return ParseCommonFields(spec, ctx, row);
}

bool ParseCommonFields(const RowSpec& spec, RowContext& ctx, StagedRow& row) {
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
  HashEnds(row);
  return true;
}

}  // namespace moneytrail::io_internal
