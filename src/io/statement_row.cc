#include "statement_row.h"

#include "moneytrail/hash.h"
#include "row_context.h"

namespace moneytrail::io_internal {
namespace {

std::string DecimalText(Decimal d) { return FormatDecimal(d); }

// The amount and direction of a row with one amount column (signed, a CR/DR marker, or an
// unsigned amount with a direction column).
bool SignedAmount(const RowSpec& spec, RowContext& ctx, Decimal& amount, Direction& direction) {
  if (ctx.Text(Field::kAmount).empty()) return ctx.Fail(Field::kAmount, "is empty; a value is required");
  AmountForm form;
  if (!ctx.AmountFormOf(Field::kAmount, form)) return false;
  const bool negative = form.value.units < 0;
  direction = negative ? Direction::kDebit : Direction::kCredit;
  if (spec.at(Field::kDirection).mapped()) {
    std::string_view text = ctx.Text(Field::kDirection);
    std::string lower;
    for (char c : text) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    while (!lower.empty() && lower.back() == ' ') lower.pop_back();
    while (!lower.empty() && lower.front() == ' ') lower.erase(0, 1);
    auto it = spec.direction_values.find(lower);
    if (it == spec.direction_values.end()) {
      std::string known;
      for (const auto& [name, d] : spec.direction_values) known += (known.empty() ? "" : ", ") + name;
      return ctx.Fail(Field::kDirection, "is not a direction ([direction_values] has " + known + ")");
    }
    if (negative && it->second == Direction::kCredit) {
      return ctx.Fail(Field::kAmount, "is negative but the direction column says credit");
    }
    if (form.marker == AmountMarker::kCredit && it->second == Direction::kDebit) {
      return ctx.Fail(Field::kAmount, "is marked CR but the direction column says debit");
    }
    direction = it->second;
  }
  amount = form.value;
  if (amount.units < 0) amount.units = -amount.units;
  if (amount.units == 0) return ctx.Fail(Field::kAmount, "is zero: no money moved");
  return true;
}

// One of a debit/credit pair: empty or zero is "not used"; a negative debit is a debit of its
// magnitude; a negative credit or a contrary CR/DR marker is an error.
bool PairAmount(RowContext& ctx, Field f, std::optional<Decimal>& out) {
  if (ctx.Text(f).empty()) return true;
  AmountForm form;
  if (!ctx.AmountFormOf(f, form)) return false;
  if (f == Field::kDebit && form.marker == AmountMarker::kCredit) {
    return ctx.Fail(f, "is marked CR (money in) in the debit column");
  }
  if (f == Field::kCredit && (form.marker == AmountMarker::kDebit || form.value.units < 0)) {
    return ctx.Fail(f, "is negative or marked DR in the credit column (a credit is money in)");
  }
  Decimal d = form.value;
  if (d.units < 0) d.units = -d.units;
  if (d.units != 0) out = d;
  return true;
}

}  // namespace

std::string UnidentifiedParty(std::string_view statement_account, Direction direction) {
  return std::string(statement_account) +
         (direction == Direction::kDebit ? " unidentified payee" : " unidentified payer");
}

void SetStatementEnds(std::string_view own_bank, std::string_view own_account,
                      std::string_view other_bank, std::string_view other_account,
                      std::string_view name, Direction direction, Decimal amount,
                      std::deque<std::string>& arena, StagedRow& row, StatementDetail& detail) {
  // The other end: an account when its number is known, else an external node named by the
  // counterparty, else by the description, else the statement account's own unidentified
  // payee (money out) or payer (money in). Never one node shared by unrelated accounts' rows.
  NodeKind other_kind = NodeKind::kExternal;
  if (!other_account.empty()) {
    other_kind = NodeKind::kAccount;
    detail.counterparty_source = CounterpartySource::kAccount;
    row.counterparty = name;
  } else if (!name.empty()) {
    other_account = name;
    detail.counterparty_source = CounterpartySource::kName;
    row.counterparty = name;
  } else if (!detail.description.empty()) {
    other_account = detail.description;
    detail.counterparty_source = CounterpartySource::kDescription;
    row.counterparty = detail.description;
  } else {
    other_bank = own_bank;
    arena.emplace_back(UnidentifiedParty(own_account, direction));
    other_account = arena.back();
    detail.counterparty_source = CounterpartySource::kUnidentified;
    row.counterparty = {};
  }
  row.paid = row.received = amount;
  if (direction == Direction::kDebit) {
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
  detail.direction = direction;
  detail.amount = amount;
  detail.statement_bank = own_bank;
  detail.statement_account = own_account;
}

bool ParseStatementRow(const RowSpec& spec, const std::vector<std::string_view>& fields,
                       std::string_view stable, std::deque<std::string>& arena, StagedRow& row,
                       StatementDetail& detail, RejectedRow& reject, bool spec_outlives_rows) {
  if (!CheckFieldCount(spec, fields, reject)) return false;
  RowContext ctx(spec, fields, stable, arena, reject, spec_outlives_rows);
  if (!ParseTimeField(spec, ctx, row.time)) return false;

  Decimal amount;
  Direction direction = Direction::kNone;
  if (spec.at(Field::kAmount).mapped()) {
    if (!SignedAmount(spec, ctx, amount, direction)) return false;
  } else {
    std::optional<Decimal> debit, credit;
    if (!PairAmount(ctx, Field::kDebit, debit) || !PairAmount(ctx, Field::kCredit, credit)) {
      return false;
    }
    if (debit && credit) {
      return ctx.Fail(Field::kDebit, "both debit (" + DecimalText(*debit) + ") and credit (" +
                                         DecimalText(*credit) +
                                         ") are non-zero; a row moves money one way");
    }
    if (!debit && !credit) {
      return ctx.Fail(Field::kDebit, "neither debit nor credit holds a non-zero amount");
    }
    direction = debit ? Direction::kDebit : Direction::kCredit;
    amount = debit ? *debit : *credit;
  }
  if (spec.at(Field::kBalance).mapped() && !ctx.Text(Field::kBalance).empty()) {
    AmountForm form;
    if (!ctx.AmountFormOf(Field::kBalance, form)) return false;
    detail.balance = form.value;
  }
  detail.description = ctx.KeepText(Field::kDescription);
  detail.reference = ctx.KeepText(Field::kReference);

  std::string_view own_bank = ctx.KeepText(Field::kStatementBank);
  std::string_view own_account;
  if (!ctx.Required(Field::kStatementAccount, own_account)) return false;

  SetStatementEnds(own_bank, own_account, ctx.KeepText(Field::kCounterpartyBank),
                   ctx.KeepText(Field::kCounterpartyAccount), ctx.KeepText(Field::kCounterparty),
                   direction, amount, arena, row, detail);
  return ParseCommonFields(spec, ctx, row);
}

}  // namespace moneytrail::io_internal
