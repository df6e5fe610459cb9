// Internal: one statement line read into a ledger row (StagedRow) plus what the later stages of
// statement intake need from it (StatementDetail): the description, the running balance, the
// direction and the reference. Pure and thread-safe.
#ifndef MONEYTRAIL_SRC_IO_STATEMENT_ROW_H_
#define MONEYTRAIL_SRC_IO_STATEMENT_ROW_H_

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/ingest.h"
#include "moneytrail/money.h"
#include "row_parser.h"
#include "row_spec.h"

namespace moneytrail::io_internal {

// How the other end of a statement row was identified (docs/format/mapping.md, "The other
// end"), so that enrichment knows which rows it may improve.
enum class CounterpartySource : uint8_t {
  kAccount,       // counterparty_account (and bank): an account node
  kName,          // the counterparty column: an external node named by it
  kDescription,   // no counterparty column value: an external node named by the description
  kUnidentified,  // neither: the statement account's own "unidentified payee/payer" node
};

// The statement-only facts of one accepted row. Views point into the file's text or the
// file's arena, as the StagedRow's do, and stay valid as long as the StatementFile.
struct StatementDetail {
  std::string_view description;  // the bank's text, as read
  std::string_view reference;    // a bank reference / trace number, or empty
  std::optional<Decimal> balance;  // the running balance after the row, when mapped and given
  Direction direction = Direction::kNone;  // kDebit: out of the statement account
  Decimal amount;                  // magnitude (== the StagedRow's paid and received)
  std::string_view statement_bank, statement_account;
  CounterpartySource counterparty_source = CounterpartySource::kUnidentified;
};

// The account number of the statement account's own external node for the payees (money out) or
// payers (money in) that nothing names: "<account> unidentified payee" / "... unidentified payer"
// (docs/format/mapping.md, "The other end of a statement row").
std::string UnidentifiedParty(std::string_view statement_account, Direction direction);

// Sets a statement row's two ends and amount: the statement account (own_bank, own_account) and
// the other end, which is an account when `other_account` is known, else an external node named
// by `name` (the counterparty), else by detail.description, else the statement account's own
// UnidentifiedParty (docs/format/mapping.md, "The other end of a statement row"). Fills the
// row's ends, paid/received and counterparty, and the detail's counterparty_source, direction,
// amount and statement account. REQUIRES: detail.description set; the views outlive the row;
// text made here is kept in `arena`. Shared by the CSV path (ParseStatementRow) and the bank
// formats (statement_formats.cc).
void SetStatementEnds(std::string_view own_bank, std::string_view own_account,
                      std::string_view other_bank, std::string_view other_account,
                      std::string_view name, Direction direction, Decimal amount,
                      std::deque<std::string>& arena, StagedRow& row, StatementDetail& detail);

// Parses a statement record. REQUIRES: spec.statement, and the statement account given by a
// column or a constant (the banner's value is set as a constant per file). On failure fills
// `reject` (except its file and line) and returns false. `spec_outlives_rows`: `spec` lives at
// least as long as the row and is not changed meanwhile (a StatementFile's own spec), so the
// row's views may point into its constants instead of copies of them in `arena`.
bool ParseStatementRow(const RowSpec& spec, const std::vector<std::string_view>& fields,
                       std::string_view stable, std::deque<std::string>& arena, StagedRow& row,
                       StatementDetail& detail, RejectedRow& reject,
                       bool spec_outlives_rows = false);

}  // namespace moneytrail::io_internal

#endif  // MONEYTRAIL_SRC_IO_STATEMENT_ROW_H_
