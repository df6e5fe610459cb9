// Forward tracing: one pass over the ledger in (time, id) order. Every (account, currency) pair
// is a "slot" with a balance; only slots that ever received traced money carry a taint record
// (the traced amount, the hop, and for FIFO/LIFO the lots), so the pass costs a few array
// reads per transaction for the rest of the store.
#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>

#include "currency_totals.h"
#include "moneytrail/trace.h"

namespace moneytrail::trace {
namespace {

constexpr uint32_t kNone = 0xFFFFFFFFu;
constexpr uint16_t kNoCurrency = 0xFFFF;

// A lot: consecutive units of one kind. A deposit that is partly traced is booked as its traced
// part, then its clean part (docs/tracing.md, "Mixed deposits").
struct Lot {
  int64_t amount = 0;
  bool tainted = false;
};

struct Taint {
  int64_t tainted = 0;
  uint32_t hop = kNone;
  std::vector<Lot> lots;  // FIFO/LIFO only; FIFO reads from `head`
  size_t head = 0;
};

class ForwardTracer {
 public:
  ForwardTracer(const Ledger& ledger, const TraceOptions& options)
      : ledger_(ledger), c_(ledger.columns()), options_(options) {}

  Result<Trail> Run();

 private:
  uint32_t Slot(AccountId account, uint16_t currency);
  Taint& TaintOf(uint32_t slot);
  // Removes `amount` (<= balance) from the slot's lots; returns the traced part.
  int64_t Draw(Taint& taint, int64_t amount, int64_t balance_before);
  void Deposit(uint32_t slot, int64_t amount, int64_t traced, uint32_t hop);
  void PushLot(Taint& taint, int64_t amount, bool tainted);
  CurrencyTotals& Totals(uint16_t currency) { return totals_.For(trail_, currency); }
  void Exit(uint16_t currency, ExitKind kind, int64_t amount) {
    Totals(currency).exited[static_cast<int>(kind)] += amount;
  }
  bool IsAccount(AccountId a) const {
    return c_.kind.empty() || c_.kind[a] == NodeKind::kAccount;
  }
  ExitKind ExitFor(AccountId destination) const;
  uint16_t PaidCurrency(size_t t) const { return c_.paid_currency.empty() ? 0 : c_.paid_currency[t]; }
  void Apply(TransactionId t);

  const Ledger& ledger_;
  const LedgerColumns& c_;
  const TraceOptions& options_;
  Trail trail_;
  std::vector<int64_t> balance_;      // per slot
  std::vector<uint32_t> taint_of_;    // per slot: index into taints_, or kNone
  std::vector<AccountId> slot_account_;
  std::vector<uint16_t> home_;        // per account: the currency of slot == account id
  std::unordered_map<uint64_t, uint32_t> extra_slots_;
  std::vector<uint16_t> slot_currency_extra_;
  std::vector<Taint> taints_;
  std::vector<uint8_t> seed_account_;
  std::vector<uint8_t> seed_transaction_;
  trace_internal::CurrencyTotalsIndex totals_;
  std::vector<uint64_t> reached_;       // bitmap: accounts traced money can reach
  bool overflow_ = false;
  bool Reached(AccountId a) const { return (reached_[a >> 6] >> (a & 63)) & 1; }
  void Reach(AccountId a) { reached_[a >> 6] |= uint64_t{1} << (a & 63); }
  void FindReachable(size_t n);
  size_t CountUntil() const;
};

// Traced money moves only along transactions from accounts that hold it, so in time order an
// account can hold it only after a transaction from an account that could. Transactions between
// two accounts outside that set change nothing in the trail and are skipped by the main pass
// (their balances are never needed). The bitmap is small enough to stay in cache.
void ForwardTracer::FindReachable(size_t n) {
  reached_.assign((ledger_.account_count() + 63) / 64 + 1, 0);
  for (AccountId a : options_.seed_accounts) Reach(a);
  std::span<const TransactionId> order = ledger_.order();
  const AccountId* src = c_.source.data();
  const AccountId* dst = c_.destination.data();
  const bool seeds = !seed_transaction_.empty();
  for (size_t i = 0; i < n; ++i) {
    const TransactionId t = order.empty() ? static_cast<TransactionId>(i) : order[i];
    if ((Reached(src[t]) || (seeds && seed_transaction_[t])) && IsAccount(dst[t])) Reach(dst[t]);
  }
}

uint32_t ForwardTracer::Slot(AccountId account, uint16_t currency) {
  uint16_t& home = home_[account];
  if (home == currency) return account;
  if (home == kNoCurrency) {
    home = currency;
    return account;
  }
  uint64_t key = (static_cast<uint64_t>(account) << 16) | currency;
  auto [it, inserted] = extra_slots_.try_emplace(key, static_cast<uint32_t>(balance_.size()));
  if (inserted) {
    balance_.push_back(0);
    taint_of_.push_back(kNone);
    slot_account_.push_back(account);
    slot_currency_extra_.push_back(currency);
  }
  return it->second;
}

Taint& ForwardTracer::TaintOf(uint32_t slot) {
  if (taint_of_[slot] == kNone) {
    taint_of_[slot] = static_cast<uint32_t>(taints_.size());
    taints_.emplace_back();
    // Money already in the account is clean and older than anything that arrives now.
    if (balance_[slot] > 0 && options_.method != Method::kLowestIntermediateBalance &&
        options_.method != Method::kProRata) {
      taints_.back().lots.push_back({balance_[slot], false});
    }
  }
  return taints_[taint_of_[slot]];
}

void ForwardTracer::PushLot(Taint& taint, int64_t amount, bool tainted) {
  if (amount == 0) return;
  if (taint.lots.size() > taint.head && taint.lots.back().tainted == tainted) {
    taint.lots.back().amount += amount;
  } else {
    taint.lots.push_back({amount, tainted});
  }
}

int64_t ForwardTracer::Draw(Taint& taint, int64_t amount, int64_t balance_before) {
  int64_t traced = 0;
  switch (options_.method) {
    case Method::kLowestIntermediateBalance: {
      // Clean money leaves first: the traced amount falls only below the new balance.
      traced = std::max<int64_t>(0, taint.tainted - (balance_before - amount));
      break;
    }
    case Method::kProRata:
      traced = balance_before == 0 ? 0 : ProRataShare(amount, taint.tainted, balance_before);
      break;
    case Method::kFifo: {
      int64_t need = amount;
      while (need > 0) {
        Lot& lot = taint.lots[taint.head];
        int64_t take = std::min(need, lot.amount);
        if (lot.tainted) traced += take;
        lot.amount -= take;
        need -= take;
        if (lot.amount == 0) ++taint.head;
      }
      if (taint.head == taint.lots.size()) {
        taint.lots.clear();
        taint.head = 0;
      } else if (taint.head > 64 && taint.head * 2 > taint.lots.size()) {
        taint.lots.erase(taint.lots.begin(), taint.lots.begin() + static_cast<ptrdiff_t>(taint.head));
        taint.head = 0;
      }
      break;
    }
    case Method::kLifo: {
      int64_t need = amount;
      while (need > 0) {
        Lot& lot = taint.lots.back();
        int64_t take = std::min(need, lot.amount);
        if (lot.tainted) traced += take;
        lot.amount -= take;
        need -= take;
        if (lot.amount == 0) taint.lots.pop_back();
      }
      break;
    }
  }
  taint.tainted -= traced;
  return traced;
}

void ForwardTracer::Deposit(uint32_t slot, int64_t amount, int64_t traced, uint32_t hop) {
  if (traced > 0) {
    Taint& taint = TaintOf(slot);
    taint.tainted += traced;
    taint.hop = std::min(taint.hop, hop);
    if (!taint.lots.empty() || options_.method == Method::kFifo || options_.method == Method::kLifo) {
      PushLot(taint, traced, true);
      PushLot(taint, amount - traced, false);
    }
  } else if (taint_of_[slot] != kNone) {
    Taint& taint = taints_[taint_of_[slot]];
    if (options_.method == Method::kFifo || options_.method == Method::kLifo) {
      PushLot(taint, amount, false);
    }
  }
  if (__builtin_add_overflow(balance_[slot], amount, &balance_[slot])) overflow_ = true;
}

ExitKind ForwardTracer::ExitFor(AccountId destination) const {
  switch (c_.kind[destination]) {
    case NodeKind::kCash: return ExitKind::kCashWithdrawal;
    case NodeKind::kMerchant: return ExitKind::kMerchant;
    default: return ExitKind::kExternal;
  }
}

void ForwardTracer::Apply(TransactionId t) {
  const AccountId src = c_.source[t];
  const AccountId dst = c_.destination[t];
  const int64_t paid = c_.amount_paid[t];
  const uint16_t paid_currency = PaidCurrency(t);
  const int64_t received = c_.amount_received.empty() ? paid : c_.amount_received[t];
  const uint16_t received_currency =
      c_.received_currency.empty() ? paid_currency : c_.received_currency[t];

  int64_t traced = 0;  // traced units that left the source, in paid_currency
  uint32_t hop = kNone;
  if (IsAccount(src)) {
    const uint32_t s = Slot(src, paid_currency);
    int64_t balance = balance_[s];
    const uint32_t ti = taint_of_[s];
    if (paid > balance) {
      if (ti != kNone && taints_[ti].tainted > 0) {
        trail_.shortfalls.push_back({t, src, paid_currency, paid - balance});
      } else {
        ++trail_.other_shortfalls;
      }
      // The unexplained source is clean; the outflow takes every lot and then it.
      if (ti != kNone) Deposit(s, paid - balance, 0, kNone);
      balance = paid;
    }
    if (ti != kNone) {
      Taint& taint = taints_[ti];
      if (taint.tainted > 0) traced = Draw(taint, paid, balance);
      else if (!taint.lots.empty()) Draw(taint, paid, balance);
      hop = taint.hop == kNone ? kNone : taint.hop + 1;
    }
    balance_[s] = balance - paid;
  }

  const bool seed = !seed_transaction_.empty() && seed_transaction_[t];
  const bool dst_account = IsAccount(dst);
  const bool dst_seed = dst_account && seed_account_[dst];
  int64_t carried = 0;  // traced units arriving at the destination, in received_currency
  if (traced > 0) {
    ExitKind stop = ExitKind::kExternal;
    bool stopped = true;
    if (paid_currency != received_currency || paid != received) {
      stop = ExitKind::kConversion;
    } else if (!seed && hop > options_.max_hops) {
      stop = ExitKind::kHopLimit;
    } else if (!seed && traced < options_.min_amount) {
      stop = ExitKind::kBelowMinimum;
    } else {
      stopped = false;
      carried = traced;
    }
    if (stopped) {
      Exit(paid_currency, stop, traced);
      trail_.flows.push_back({t, src, dst, paid, traced, paid_currency, hop, true, stop});
    }
  }
  if (seed || dst_seed) {
    Totals(received_currency).traced_in += received - carried;
    carried = received;
    if (seed || hop == kNone) hop = 0;
  }
  if (carried > 0) {
    if (dst_account) {
      trail_.flows.push_back({t, src, dst, received, carried, received_currency, hop, false,
                              ExitKind::kExternal});
    } else {
      ExitKind kind = ExitFor(dst);
      Exit(received_currency, kind, carried);
      trail_.flows.push_back({t, src, dst, received, carried, received_currency, hop, true, kind});
    }
  }
  if (dst_account) {
    const uint32_t d = Slot(dst, received_currency);
    Deposit(d, received, carried, dst_seed ? 0 : hop);
  }
}

size_t ForwardTracer::CountUntil() const {
  const size_t n = ledger_.transaction_count();
  if (options_.until == std::numeric_limits<Timestamp>::max()) return n;
  std::span<const TransactionId> order = ledger_.order();
  size_t lo = 0, hi = n;  // times are non-decreasing along the order
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    TransactionId t = order.empty() ? static_cast<TransactionId>(mid) : order[mid];
    if (c_.time[t] <= options_.until) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

Result<Trail> ForwardTracer::Run() {
  const uint32_t accounts = ledger_.account_count();
  const size_t n = ledger_.transaction_count();
  trail_.method = options_.method;
  trail_.direction = Direction::kForward;
  balance_.assign(accounts, 0);
  taint_of_.assign(accounts, kNone);
  home_.assign(accounts, kNoCurrency);
  seed_account_.assign(accounts, 0);
  for (AccountId a : options_.seed_accounts) {
    if (a >= accounts) return InvalidArgumentError(fmt::format("seed account {} out of range", a));
    if (!IsAccount(a)) {
      return InvalidArgumentError(fmt::format(
          "seed {} is not a bank account (cash, merchants and outside parties hold no ledger); "
          "seed its transactions instead", a));
    }
    seed_account_[a] = 1;
  }
  if (!options_.seed_transactions.empty()) {
    seed_transaction_.assign(n, 0);
    for (TransactionId t : options_.seed_transactions) {
      if (t >= n) return InvalidArgumentError(fmt::format("seed transaction {} out of range", t));
      seed_transaction_[t] = 1;
    }
  }
  for (AccountId a = 0; a < accounts && !c_.opening_balance.empty(); ++a) {
    if (c_.opening_balance[a] <= 0) continue;
    const uint16_t currency = c_.opening_currency.empty() ? 0 : c_.opening_currency[a];
    uint32_t s = Slot(a, currency);
    balance_[s] = c_.opening_balance[a];
  }
  for (AccountId a : options_.seed_accounts) {
    Taint& taint = TaintOf(a);
    if (taint.hop == 0) continue;  // listed twice
    taint.hop = 0;
    taint.lots.clear();
    if (home_[a] != kNoCurrency && balance_[a] > 0) {
      taint.tainted = balance_[a];
      Totals(home_[a]).traced_in += balance_[a];
      if (options_.method == Method::kFifo || options_.method == Method::kLifo) {
        taint.lots.push_back({balance_[a], true});
      }
    }
  }
  // Positions [0, applied) of the (time, id) order are at or before `until`.
  const size_t applied = CountUntil();
  FindReachable(applied);
  std::span<const TransactionId> order = ledger_.order();
  const AccountId* src = c_.source.data();
  const AccountId* dst = c_.destination.data();
  const bool seeds = !seed_transaction_.empty();
  for (size_t i = 0; i < applied; ++i) {
    const TransactionId t = order.empty() ? static_cast<TransactionId>(i) : order[i];
    if (!Reached(src[t]) && !Reached(dst[t]) && !(seeds && seed_transaction_[t])) continue;
    Apply(t);
  }
  trail_.transactions_applied = applied;
  if (overflow_) return OutOfRangeError("an account balance overflows 64-bit units");
  for (uint32_t slot = 0; slot < taint_of_.size(); ++slot) {
    if (taint_of_[slot] == kNone) continue;
    const Taint& taint = taints_[taint_of_[slot]];
    if (taint.tainted == 0) continue;
    const bool extra = slot >= accounts;
    const AccountId account = extra ? slot_account_[slot - accounts] : slot;
    const uint16_t currency = extra ? slot_currency_extra_[slot - accounts] : home_[slot];
    trail_.holdings.push_back({account, currency, taint.tainted, balance_[slot], taint.hop});
    Totals(currency).remaining += taint.tainted;
  }
  std::sort(trail_.holdings.begin(), trail_.holdings.end(), [](const Holding& a, const Holding& b) {
    return a.account != b.account ? a.account < b.account : a.currency < b.currency;
  });
  MT_RETURN_IF_ERROR(trace_internal::FinishTotals(trail_));
  return std::move(trail_);
}

}  // namespace

Result<Trail> TraceForward(const Ledger& ledger, const TraceOptions& options) {
  if (options.direction != Direction::kForward) {
    return InvalidArgumentError("TraceForward called with direction backward");
  }
  ForwardTracer tracer(ledger, options);
  return tracer.Run();
}

}  // namespace moneytrail::trace
