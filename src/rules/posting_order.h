// Internal: the posting order of date-only statement rows within one account and one day, read
// from the statements' own lines (docs/rules.md, "Date-only rows"). A bank prints one day's entries
// of an account in posting order, so two rows of one date in the same statement file of the same
// account are ordered by their line numbers (reversed in a file printed newest first). The lines
// come from the store's `statement-lines.csv` commit files (docs/format/mapping.md): every accepted
// statement line with the transaction that carries it, so a transfer joined across two subpoenaed
// accounts (a mirror) has one line in each account's own file, and an overlapping download a
// second line of the same account.
//
// Example:
//   MT_ASSIGN_OR_RETURN(PostingOrder order, PostingOrder::Load(store, account_kind));
//   OrderBasis basis = order.Compare(inflow_tx, outflow_tx, account);
//   if (basis.known && basis.first_before_second) { /* same day, posted after the inflow */ }
#ifndef MONEYTRAIL_SRC_RULES_POSTING_ORDER_H_
#define MONEYTRAIL_SRC_RULES_POSTING_ORDER_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "moneytrail/status.h"
#include "moneytrail/store.h"

namespace moneytrail::rules::rules_internal {

// One line of an account's own statement file that carries a transaction.
struct PostingLine {
  TransactionId tx = 0;
  AccountId account = 0;  // the statement account whose file holds the line
  uint32_t file = 0;      // source file index (Store::sources())
  uint32_t line = 0;      // physical line, 1-based
  int64_t position = 0;   // posting position within the file: +line, or -line in a newest-first file
  // The running balances the file printed chain along this line's day (each line's balance is
  // the one before plus its amount), confirming the day's order (docs/rules.md, Posting order).
  bool balance_confirmed = false;
};

// The result of comparing two rows' posting order at one account.
struct OrderBasis {
  bool known = false;               // both rows have a line in one ordered file of the account
  bool first_before_second = false;  // when known: the first row was posted before the second
  uint32_t file = 0;                // the file compared (when known)
  uint32_t first_line = 0, second_line = 0;
  bool balance_confirmed = false;    // when known: the file's running balances chain over the day
};

class PostingOrder {
 public:
  PostingOrder() = default;

  // Reads every `statement-lines.csv` commit file of `store`. A line's account is the end of its
  // transaction that the statement is of: a mirror's credit line is the payee's, its kept line
  // the payer's; a row with one bank-account end is that account's; a row with two (a transfer to
  // an account no statement covers) is the one of the two that the file's other lines name, and
  // has no account (no order) when the file does not tell. A file's lines of one account are
  // ordered when their dates never decrease (posting order) or never increase (newest first, the
  // order reversed), with at least two dates; otherwise, and for a file of one date, the order is
  // unknown and the file gives none. Where the file prints a running balance (the sixth field,
  // `balance`, of statement-lines.csv; absent in stores written before it), a day's lines of an
  // ordered file are checked in posting order: when every line of the day has a balance equal to
  // the previous line's plus its own signed amount (a credit to the account adds), the day's order
  // is **confirmed**. Counting also the day's first line against the file's line before it and
  // its last against the line after it, a day of two lines or more with two breaks or more, or
  // one at its edge, or one inside it where a pair around the day prints no balance, is
  // **contradicted** (lines out of posting order) and the file gives that day none; one break
  // inside it with everything around it chaining (a missing line or a misprint) keeps the order
  // the lines show, unconfirmed (docs/rules.md, Date-only rows). `account_kind` is NodeKind per
  // account.
  // Errors: DataLoss naming the segment, line and field when a file cannot be read or names a
  // transaction or source the store does not have.
  static Result<PostingOrder> Load(const store::Store& store, std::span<const uint8_t> account_kind);

  bool empty() const { return lines_.empty(); }
  // The ordered lines of `account` that carry `tx`, in file order (several with overlapping
  // downloads). The span is valid while this object lives.
  std::span<const PostingLine> Of(TransactionId tx, AccountId account) const;
  // Compares the posting of `first` and `second` at `account` in the lowest-numbered ordered file
  // of the account that holds both; unknown when no such file exists or the files disagree.
  OrderBasis Compare(TransactionId first, TransactionId second, AccountId account) const;

 private:
  std::vector<PostingLine> lines_;  // ordered lines only, sorted by (tx, account, file, line)
};

// "same day, posted after the inflow: line 41 after line 37 of checking-0325.csv" (the file's name
// without its directories), followed by "; the running balance chains" when the balances confirm
// the day's order; `what` names the earlier row ("the inflow", "the scatter payment").
std::string OrderBasisText(const store::Store& store, const OrderBasis& basis, std::string_view what);

}  // namespace moneytrail::rules::rules_internal

#endif  // MONEYTRAIL_SRC_RULES_POSTING_ORDER_H_
