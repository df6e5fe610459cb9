#include "statement_compact.h"

namespace moneytrail::io_internal {
namespace {

// The statement account of a row, as SetStatementEnds sets it: the end the money leaves (a
// debit) or reaches (a credit); none for a row without a direction.
std::pair<std::string_view, std::string_view> OwnEnd(const StagedRow& row, Direction d) {
  if (d == Direction::kDebit) return {row.source_bank, row.source_account};
  if (d == Direction::kCredit) return {row.dest_bank, row.dest_account};
  return {};
}

// Whether `row` and `detail` are exactly what Get rebuilds from their packed form.
bool Packable(const StagedRow& row, const StatementDetail& detail) {
  for (std::string_view v : {row.source_bank, row.source_account, row.dest_bank, row.dest_account,
                             row.paid_currency, row.city, row.region, row.country,
                             row.counterparty, row.typology, detail.description,
                             detail.reference}) {
    if (!PackedView::Fits(v)) return false;
  }
  if (row.received.units != row.paid.units || row.received.scale != row.paid.scale) return false;
  if (row.received_currency != row.paid_currency) return false;
  if (row.source_id != kNoAccount || row.dest_id != kNoAccount) return false;
  const Decimal amount = detail.direction != Direction::kNone ? row.paid : Decimal{};
  if (detail.amount.units != amount.units || detail.amount.scale != amount.scale) return false;
  const auto [bank, account] = OwnEnd(row, detail.direction);
  return detail.statement_bank == bank && detail.statement_account == account;
}

CompactRow Pack(const StagedRow& row, const StatementDetail& detail) {
  CompactRow c;
  c.time = row.time;
  c.paid_units = row.paid.units;
  c.paid_scale = row.paid.scale;
  c.source_hash = row.source_hash;
  c.dest_hash = row.dest_hash;
  if (detail.balance) {
    c.balance_units = detail.balance->units;
    c.balance_scale = detail.balance->scale;
    c.flags |= CompactRow::kHasBalance;
  }
  c.source_bank = PackedView(row.source_bank);
  c.source_account = PackedView(row.source_account);
  c.dest_bank = PackedView(row.dest_bank);
  c.dest_account = PackedView(row.dest_account);
  c.currency = PackedView(row.paid_currency);
  c.city = PackedView(row.city);
  c.region = PackedView(row.region);
  c.country = PackedView(row.country);
  c.counterparty = PackedView(row.counterparty);
  c.typology = PackedView(row.typology);
  c.description = PackedView(detail.description);
  c.reference = PackedView(detail.reference);
  c.line = row.line;
  c.mcc = row.mcc;
  c.source_kind = row.source_kind;
  c.dest_kind = row.dest_kind;
  c.channel = row.channel;
  c.label = row.label;
  c.direction = detail.direction;
  c.counterparty_source = detail.counterparty_source;
  return c;
}

}  // namespace

void CompactRows::Add(const StagedRow& row, const StatementDetail& detail) {
  if (Packable(row, detail)) {
    rows_.push_back(Pack(row, detail));
    return;
  }
  CompactRow c;
  c.flags = CompactRow::kWhole;
  c.time = static_cast<Timestamp>(whole_.size());
  whole_.emplace_back(row, detail);
  rows_.push_back(c);
}

void CompactRows::Set(size_t i, const StagedRow& row, const StatementDetail& detail) {
  if (IsWhole(i)) {
    whole_[static_cast<size_t>(rows_[i].time)] = {row, detail};
  } else if (Packable(row, detail)) {
    rows_[i] = Pack(row, detail);
  } else {
    rows_[i] = CompactRow();
    rows_[i].flags = CompactRow::kWhole;
    rows_[i].time = static_cast<Timestamp>(whole_.size());
    whole_.emplace_back(row, detail);
  }
}

// Get writes every field of both: a field added to either must be added there (and to Pack).
static_assert(sizeof(StagedRow) == 280 && sizeof(StatementDetail) == 120,
              "StagedRow or StatementDetail changed: update Pack, Packable and Get");

void CompactRows::Get(size_t i, StagedRow& row, StatementDetail& detail) const {
  if (IsWhole(i)) {
    row = Whole(i).first;
    detail = Whole(i).second;
    return;
  }
  // Every field is written once (no default row first: this runs for every row twice, once
  // on the serial append).
  const CompactRow& c = rows_[i];
  row.time = c.time;
  row.source_kind = c.source_kind;
  row.dest_kind = c.dest_kind;
  row.source_bank = c.source_bank.view();
  row.source_account = c.source_account.view();
  row.dest_bank = c.dest_bank.view();
  row.dest_account = c.dest_account.view();
  row.paid = row.received = Decimal{c.paid_units, c.paid_scale};
  row.paid_currency = row.received_currency = c.currency.view();
  row.channel = c.channel;
  row.city = c.city.view();
  row.region = c.region.view();
  row.country = c.country.view();
  row.mcc = c.mcc;
  row.counterparty = c.counterparty.view();
  row.label = c.label;
  row.typology = c.typology.view();
  row.line = c.line;
  row.source_hash = c.source_hash;
  row.dest_hash = c.dest_hash;
  row.source_id = row.dest_id = kNoAccount;
  detail.description = c.description.view();
  detail.reference = c.reference.view();
  if ((c.flags & CompactRow::kHasBalance) != 0) {
    detail.balance = Decimal{c.balance_units, c.balance_scale};
  } else {
    detail.balance.reset();
  }
  detail.direction = c.direction;
  detail.counterparty_source = c.counterparty_source;
  detail.amount = c.direction != Direction::kNone ? row.paid : Decimal{};
  const auto [bank, account] = OwnEnd(row, c.direction);
  detail.statement_bank = bank;
  detail.statement_account = account;
}

}  // namespace moneytrail::io_internal
