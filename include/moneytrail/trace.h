// Tracing commingled funds (DESIGN.md, Tracing): follows tainted money through accounts in
// global time order and attributes each outflow's tainted part by a named method, exactly to the
// minor unit. docs/tracing.md documents the methods and the textbook examples they reproduce.
//
// Example:
//   MT_ASSIGN_OR_RETURN(trace::Ledger ledger, trace::Ledger::FromStore(store));
//   trace::TraceOptions opts;
//   opts.method = trace::Method::kLowestIntermediateBalance;
//   opts.seed_accounts = {*store.FindAccount(NodeKind::kAccount, "010", "8000EBD30")};
//   MT_ASSIGN_OR_RETURN(trace::Trail trail, trace::TraceForward(ledger, opts));
//   for (const trace::Flow& f : trail.flows) use(f.transaction, f.attributed);
//
// Model. Every (account, currency) pair has a ledger whose balance starts at the account's
// opening balance (AccountAttributes::opening_balance) or zero. Transactions apply in (time, id)
// order: the source's ledger is debited the amount paid, the destination's credited the amount
// received. Only accounts (NodeKind::kAccount) hold ledgers; cash desks, merchants and outside
// counterparties are exits. An outflow larger than the balance first draws the shortfall from
// an explicit "unexplained source" (clean) and the shortfall is reported. Taint that crosses a
// currency conversion (paid currency != received currency) leaves its currency's trace as a
// "conversion" exit: moneytrail traces per currency and never adds amounts of two currencies.
//
// Conservation: for every currency, traced_in == remaining + exited, to the minor unit, for
// every method (Trail::Reconcile checks it).
//
// Thread safety: a Ledger is immutable after construction; traces over it may run concurrently.
#ifndef MONEYTRAIL_TRACE_H_
#define MONEYTRAIL_TRACE_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/status.h"
#include "moneytrail/transaction.h"

namespace moneytrail::store {
class Store;
}

namespace moneytrail::trace {

enum class Method : uint8_t {
  kLowestIntermediateBalance = 0,  // LIBR: clean money leaves first; no replenishment
  kFifo = 1,                       // earliest lots leave first
  kLifo = 2,                       // latest lots leave first
  kProRata = 3,                    // every outflow carries the tainted share of the balance
};
inline constexpr Method kAllMethods[] = {Method::kLowestIntermediateBalance, Method::kFifo,
                                         Method::kLifo, Method::kProRata};
// "libr", "fifo", "lifo", "pro-rata".
std::string_view MethodName(Method method);
Result<Method> ParseMethod(std::string_view name);

enum class Direction : uint8_t { kForward = 0, kBackward = 1 };
std::string_view DirectionName(Direction direction);
Result<Direction> ParseDirection(std::string_view name);

// Where traced money stopped being followed.
enum class ExitKind : uint8_t {
  kCashWithdrawal = 0,  // to a cash desk or ATM
  kMerchant = 1,        // a card payment to a merchant
  kExternal = 2,        // an outside counterparty (another bank, abroad)
  kConversion = 3,      // a currency conversion: not followed (per-currency tracing)
  kHopLimit = 4,        // left an account at the hop limit
  kBelowMinimum = 5,    // a flow whose attributed amount was under the minimum
  // Backward traces only: origins inside an account.
  kOpeningBalance = 6,  // the account's opening balance
  kUnexplained = 7,     // the unexplained source that covered a shortfall
};
inline constexpr int kExitKindCount = 8;
// "cash_withdrawal", "merchant", "external", "conversion", "hop_limit", "below_minimum",
// "opening_balance", "unexplained". Backward, the first three read "came from cash", etc.
std::string_view ExitKindName(ExitKind kind);

// Largest-remainder split of `amount` into the share tainted/balance and the rest, for two
// parts: floor(amount * tainted / balance), plus one unit when the remainder is more than half
// of `balance` (a tie goes to the clean part). REQUIRES: 0 <= tainted <= balance,
// 0 <= amount <= balance, balance > 0. The result is <= min(amount, tainted).
int64_t ProRataShare(int64_t amount, int64_t tainted, int64_t balance);

// The columns a trace runs over, borrowed; amounts are integer units of one scale per currency
// (Ledger::currency_scale). Built from a store by Ledger::FromStore, or from plain vectors by
// tests (Ledger::FromColumns).
struct LedgerColumns {
  std::span<const Timestamp> time;
  std::span<const AccountId> source;
  std::span<const AccountId> destination;
  std::span<const int64_t> amount_paid;
  std::span<const uint16_t> paid_currency;      // empty: all currency 0
  std::span<const int64_t> amount_received;     // empty: = amount_paid
  std::span<const uint16_t> received_currency;  // empty: = paid_currency
  std::span<const uint8_t> channel;             // Channel; empty: unknown
  // Per account.
  std::span<const NodeKind> kind;               // empty: every node is an account
  std::span<const int64_t> opening_balance;     // empty: all zero
  std::span<const uint16_t> opening_currency;   // empty: currency 0
};

// A tracing view of a store (or of test columns): the columns above plus the global (time, id)
// order. Owns whatever it had to materialise (rescaled amounts, the order permutation).
class Ledger {
 public:
  // Views into `store`, which must outlive the Ledger. Amounts of a currency are rescaled to the
  // largest scale seen for it (OutOfRange if that overflows). Times need not be sorted.
  static Result<Ledger> FromStore(const store::Store& store);
  // Copies nothing: the spans must outlive the Ledger. InvalidArgument on length mismatches,
  // negative amounts or account ids out of range.
  static Result<Ledger> FromColumns(const LedgerColumns& columns, uint32_t account_count);

  Ledger(Ledger&&) noexcept = default;
  Ledger& operator=(Ledger&&) noexcept = default;

  const LedgerColumns& columns() const { return columns_; }
  uint64_t transaction_count() const { return columns_.source.size(); }
  uint32_t account_count() const { return account_count_; }
  // Transactions in (time, id) order; empty when ids already are in that order.
  std::span<const TransactionId> order() const { return order_; }
  // Fractional digits of the units of currency `c` (0 for test ledgers).
  uint8_t currency_scale(uint16_t c) const {
    return c < currency_scale_.size() ? currency_scale_[c] : 0;
  }

 private:
  Ledger() = default;
  LedgerColumns columns_;
  uint32_t account_count_ = 0;
  std::vector<TransactionId> order_;
  std::vector<uint8_t> currency_scale_;
  std::vector<int64_t> paid_storage_;      // rescaled amounts, when rescaling was needed
  std::vector<int64_t> received_storage_;
  std::vector<int64_t> opening_storage_;
  std::vector<uint16_t> opening_currency_storage_;
};

struct TraceOptions {
  Method method = Method::kLowestIntermediateBalance;
  Direction direction = Direction::kForward;
  // Seeds. Forward: every unit an account seed holds or receives is tainted, and the amount
  // received by a seed transaction is tainted at its destination. Backward: the amount of a
  // seed transaction (or the final balance of a seed account) is traced to where it came from.
  std::vector<AccountId> seed_accounts;
  std::vector<TransactionId> seed_transactions;
  // Limits: flows beyond max_hops are not followed (the hop of a flow is one more than the
  // hop of the account it leaves; seeds are hop 0); nothing after `until` (inclusive bound) is
  // applied; a flow whose attributed amount is below min_amount units is not followed.
  uint32_t max_hops = std::numeric_limits<uint32_t>::max();
  Timestamp until = std::numeric_limits<Timestamp>::max();
  int64_t min_amount = 0;
};

// One transaction that carried traced money.
struct Flow {
  TransactionId transaction = 0;
  AccountId from = 0;
  AccountId to = 0;
  int64_t amount = 0;      // amount paid, units of `currency`
  int64_t attributed = 0;  // traced part of it: 0 < attributed <= amount
  uint16_t currency = 0;
  uint32_t hop = 0;        // 0 for a seed transaction
  bool is_exit = false;    // the traced part stopped here (see exit_kind)
  ExitKind exit_kind = ExitKind::kExternal;
};

// Traced money still held by an account at the end.
struct Holding {
  AccountId account = 0;
  uint16_t currency = 0;
  int64_t amount = 0;   // traced units remaining
  int64_t balance = 0;  // the ledger's whole balance at the end
  uint32_t hop = 0;     // fewest flows from a seed
};

// An outflow larger than the balance: `amount` units were drawn from the unexplained source.
struct Shortfall {
  TransactionId transaction = 0;
  AccountId account = 0;
  uint16_t currency = 0;
  int64_t amount = 0;
};

// Exact per-currency totals. Forward: traced_in == remaining + sum(exited).
struct CurrencyTotals {
  uint16_t currency = 0;
  int64_t traced_in = 0;
  int64_t remaining = 0;
  int64_t exited[kExitKindCount] = {};
  int64_t exited_total() const;
};

struct Trail {
  Method method = Method::kLowestIntermediateBalance;
  Direction direction = Direction::kForward;
  std::vector<Flow> flows;          // in (time, id) order (backward: by hop, then id)
  std::vector<Holding> holdings;    // accounts with traced money left, by account id
  std::vector<Shortfall> shortfalls;  // at accounts holding traced money when they happened
  // Shortfalls at other accounts the traced money could reach (forward; they do not touch the
  // trace; accounts it could never reach are not simulated at all).
  uint64_t other_shortfalls = 0;
  std::vector<CurrencyTotals> totals;  // by currency id
  uint64_t transactions_applied = 0;

  // InternalError naming the currency if traced_in != remaining + exited for any currency.
  Status Reconcile() const;
};

// Forward trace: where did the seeds' money go. InvalidArgument for a seed out of range.
Result<Trail> TraceForward(const Ledger& ledger, const TraceOptions& options);

// Backward trace: where did the money of the seed transactions (or seed accounts' final
// balances) come from. Each traced outflow is split among the lots of its account (opening
// balance, unexplained source, and each inflow) under FIFO, LIFO or pro-rata, and each inflow's
// part is traced on into its own source account. Flows list the inflows with their attributed
// parts; holdings list the origins where tracing stopped (opening balances, unexplained
// sources, outside nodes, hop limit): traced_in == sum of those origins. InvalidArgument for
// LIBR, which is a rule for following a known tainted fund forward, not for dividing a payment
// among its sources.
Result<Trail> TraceBackward(const Ledger& ledger, const TraceOptions& options);

// Dispatches on options.direction.
Result<Trail> Trace(const Ledger& ledger, const TraceOptions& options);

}  // namespace moneytrail::trace

#endif  // MONEYTRAIL_TRACE_H_
