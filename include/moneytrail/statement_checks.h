// Statement verification as evidence (issue #19, item 3): the checks a forensic accountant runs
// on bank statements before trusting them, as a pure function of plain data.
//
//   - running balance: within one statement, previous balance + amount = the row's balance;
//   - continuity: across the statements of one account, closing of one = opening of the next,
//     and the days no statement covers ("no statement for 2025-04-01 to 2025-04-30");
//   - overlaps: the same row held by two downloads of one account is one transaction;
//   - mirror transfers: the debit in one subpoenaed account and its credit in another are one
//     transaction;
//   - payment messages (pacs.008) that a statement of the same account also books are that row.
// Every finding cites its source lines (file and physical line). The full definitions, with
// worked examples, are in docs/statement-checks.md; each field below restates its contract.
//
// Vocabulary. A *statement* is the rows of one file for one (account, currency), in file order
// (a file may hold several accounts). Its *chronological order* is file order, or reverse file
// order when the file lists the newest row first (its days never rise and do not all agree). The statement (f, files[f].account, files[f].currency) is
// the file's *banner statement*: the banner's period and balances apply to it and to no other.
//
// Example (the lines' text fields are views: here of string literals):
//   std::vector<StatementFile> files = {{.file = 0, .path = "chk-2025-03.csv",
//                                        .account = "bankA:1234567", .currency = "USD",
//                                        .opening_balance = 100000, .scale = 2}};
//   std::vector<StatementLine> lines = {{.file = 0, .line = 5, .account = "bankA:1234567",
//                                        .currency = "USD", .day = 20150, .amount = -2500,
//                                        .balance = 97500, .description = "ATM W/D"}};
//   MT_ASSIGN_OR_RETURN(CheckReport report, CheckStatements(files, lines, CheckOptions{}));
//   for (size_t i = 0; i < lines.size(); ++i)
//     if (!report.drop[i]) { /* lines[i] becomes a transaction */ }
//     else { /* lines[i] is cited by the transaction of lines[report.carried_by[i]] */ }
//   std::cout << report.ToText();
//
// Money is exact: integer units at a scale (0..18, |units| <= kMaxDecimalUnits); values at
// different scales compare by value (10.5 at scale 1 equals 10.50 at scale 2); sums are 128-bit
// and an overflow is an OutOfRange error, never a wrap.
//
// Thread safety: CheckStatements is a pure function; a CheckReport is a plain value.
#ifndef MONEYTRAIL_STATEMENT_CHECKS_H_
#define MONEYTRAIL_STATEMENT_CHECKS_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/money.h"
#include "moneytrail/status.h"

namespace moneytrail::statements {

// One row of a statement: a compact summary of what the checks need, ~130 bytes. The text
// fields are borrowed views (no allocation per row): the caller keeps the text they point to
// alive and unchanged until CheckStatements returns; the CheckReport copies what it keeps.
struct StatementLine {
  uint32_t file = 0;              // index of its file in `files`
  uint64_t line = 0;              // physical line in the file (1-based); strictly increasing
                                  // along the rows of one file, in the order given
  std::string_view account;       // the statement account, "bank:number"; non-empty
  std::string_view currency;      // non-empty, e.g. "USD"
  int64_t day = 0;                // days since 1970-01-01 (0001-01-01 .. 9999-12-31)
  int64_t amount = 0;             // signed units: credit (money in) > 0, debit < 0
  uint8_t scale = 2;              // of `amount` and `balance`
  std::optional<int64_t> balance; // running balance after the row, units at `scale`
  std::string_view description;
  std::string_view counterparty_account;  // the other account's "bank:number" when the row
                                          // names it (e.g. from the description grammar), else ""
  std::string_view reference;     // bank reference / trace number, else ""
};

// One source file and what its banner says. Banner values need a non-empty `account`.
struct StatementFile {
  uint32_t file = 0;     // REQUIRES: equals its index in `files`
  std::string path;      // as cited in findings
  std::string account;   // the banner's account ("" when the banner names none)
  std::string currency;  // the banner statement's currency
  std::optional<int64_t> period_begin_day, period_end_day;  // from the banner, when read
  std::optional<int64_t> opening_balance, closing_balance;  // units at `scale`
  uint8_t scale = 2;
  // The file's rows are payment messages (pacs.008), not a statement: they take no part in the
  // running balance, continuity and overlap checks of statements; a message a statement of its
  // account also books (or an earlier message repeats) is that row's duplicate (see
  // docs/statement-checks.md "Payment messages").
  bool payment_messages = false;
};

struct CheckOptions {
  // A mirror's credit is booked 0..mirror_max_lag_days days after its debit. REQUIRES: 0..366.
  int mirror_max_lag_days = 3;
  // Whether a description naming only the last 4 digits of the other account links a mirror
  // (see DescriptionNamesAccount).
  bool mirror_last4 = true;
};

// A source line: `index` into `lines`, and its file and physical line.
struct LineRef {
  uint64_t index = 0;
  uint32_t file = 0;
  uint64_t line = 0;
  friend bool operator==(const LineRef&, const LineRef&) = default;
};

enum class BalanceBreakKind : uint8_t {
  kRow = 0,      // a row's balance differs from previous balance + amount, in chronological
                 // order; the chain then continues from the row's balance
  kClosing = 1,  // the banner's closing balance differs from the balance after the last row
};

struct BalanceBreak {
  BalanceBreakKind kind = BalanceBreakKind::kRow;
  // kRow: the row. kClosing: the statement's chronologically last row, or absent when it has
  // no rows (then the opening balance is compared with the closing balance).
  std::optional<LineRef> at;
  uint32_t file = 0;
  std::string account, currency;
  Decimal expected;  // previous balance + amount (kClosing: the balance after the last row)
  Decimal found;     // the row's balance (kClosing: the banner's closing balance)
  friend bool operator==(const BalanceBreak&, const BalanceBreak&) = default;
};

// Two consecutive, non-overlapping statements of one account whose balances do not join.
struct ContinuityBreak {
  std::string account, currency;
  uint32_t earlier_file = 0, later_file = 0;
  int64_t earlier_last_day = 0, later_first_day = 0;
  Decimal earlier_closing, later_opening;
  friend bool operator==(const ContinuityBreak&, const ContinuityBreak&) = default;
};

// Days of one account that no statement covers, between two statements.
struct CoverageGap {
  std::string account, currency;
  int64_t first_day = 0, last_day = 0;  // inclusive
  uint32_t before_file = 0, after_file = 0;
  friend bool operator==(const CoverageGap&, const CoverageGap&) = default;
};

// A row of a later statement matched to a row of an earlier statement of the same account.
struct Duplicate {
  LineRef earlier;    // the row it matched (itself possibly a duplicate of a still earlier one)
  LineRef duplicate;  // dropped
  friend bool operator==(const Duplicate&, const Duplicate&) = default;
};

// How a mirror's two lines name each other, strongest first.
enum class MirrorLink : uint8_t {
  kReference = 0,             // the same non-empty reference
  kCounterpartyAccount = 1,   // the debit's counterparty_account is the credit's account, or
                              // the credit's is the debit's
  kDescriptionNumber = 2,     // a description holds the other account's full number
  kDescriptionLast4 = 3,      // a description holds the other account's last 4 digits, masked
                              // or after a word such as "to"/"from" (DescriptionNamesAccount)
};
std::string_view MirrorLinkName(MirrorLink link);  // "reference", "counterparty_account", ...

struct Mirror {
  LineRef debit;   // carries the transaction
  LineRef credit;  // dropped
  MirrorLink why = MirrorLink::kReference;  // the strongest link between them
  int64_t lag_days = 0;                     // credit day - debit day
  friend bool operator==(const Mirror&, const Mirror&) = default;
};

struct CheckReport {
  std::vector<std::string> file_paths;  // files[f].path, for citing
  std::vector<BalanceBreak> balance_breaks;        // statements in (file, first row) order
  std::vector<ContinuityBreak> continuity_breaks;  // by account, currency, then in time
  std::vector<CoverageGap> gaps;                   // by account, currency, then in time
  std::vector<Duplicate> duplicates;               // by dropped line index
  std::vector<Mirror> mirrors;                     // by debit line index
  // Per line of the input: 1 when the line is a duplicate or the credit side of a mirror.
  std::vector<uint8_t> drop;
  // Per line: the index of the kept line that carries its transaction (itself when kept; for a
  // duplicate of a mirror's credit, the mirror's debit). drop[i] == (carried_by[i] != i).
  std::vector<uint64_t> carried_by;

  // ToJson and ToText cite both lines of every duplicate and mirror.

  // JSON: {"files":[...], "balance_breaks":[...], ...}; money as exact decimal strings,
  // days as "YYYY-MM-DD"; documented in docs/statement-checks.md.
  std::string ToJson() const;
  // One line per finding, "path:line: ...", then a summary line.
  std::string ToText() const;
  friend bool operator==(const CheckReport&, const CheckReport&) = default;
};

// Reads ToJson's output back. InvalidArgument names the field that is missing or malformed.
Result<CheckReport> CheckReportFromJson(std::string_view json);

// Runs every check. Findings and `drop` are a function of the inputs only (the order of
// `files` and `lines` matters only as documented). Returns InvalidArgument naming the file,
// line and field of the first malformed input (file index out of range, files[k].file != k,
// empty account or currency, scale > 18, units beyond kMaxDecimalUnits, day out of range, line
// numbers not increasing within a file, banner values without an account, lag out of range);
// OutOfRange when a running balance leaves 128 bits or an expected balance leaves a Decimal.
Result<CheckReport> CheckStatements(std::span<const StatementFile> files,
                                    std::span<const StatementLine> lines,
                                    const CheckOptions& options);

// The account number of "bank:number": the text after the first ':' (all of it when none).
std::string_view AccountNumber(std::string_view account);

// Whether `description` names `account`, and how strongly (nullopt: not at all):
//  - kDescriptionNumber: the account number (at least 5 characters) occurs in the description,
//    compared case-insensitively, with no digit right before or after it;
//  - kDescriptionLast4 (only when `allow_last4` and the number ends in a digit and has 4
//    digits at its end, separators - space . / between them skipped: "8004417350" and
//    "123-456789-01" give 7350 and 8901, "99912AB" has none): those 4 digits occur with no digit right before or after, and either (a) right before them is a
//    non-empty run of mask characters (x X * # . - or the ellipsis "…") that starts the
//    description or follows a character that is neither a letter nor a digit ("x1234",
//    "XXXXXX1234", "...1234", "*1234"), or (b) skipping such a run and then spaces, the word
//    right before is one of: to, from, x, acct, account, ending, in, chk, sav, checking,
//    savings (case-insensitive; "TRANSFER TO 1234", "to ...1234", "ending in 1234").
std::optional<MirrorLink> DescriptionNamesAccount(std::string_view description,
                                                  std::string_view account, bool allow_last4);

}  // namespace moneytrail::statements

#endif  // MONEYTRAIL_STATEMENT_CHECKS_H_
