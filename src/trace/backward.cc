// Backward tracing: where did a payment's money come from. Targets (a transaction and the part
// of its amount to explain) are processed latest first; each is split among the lots of its
// paying account at that moment (opening balance, unexplained source, one lot per inflow) by
// FIFO, LIFO or pro-rata, and each inflow's part becomes a target in turn. Latest-first order
// means every part that lands on an inflow has arrived before that inflow is processed, so each
// transaction is explained once, with its parts summed.
#include <algorithm>
#include <deque>
#include <queue>
#include <unordered_map>

#include <fmt/format.h>

#include "currency_totals.h"
#include "moneytrail/money.h"
#include "moneytrail/trace.h"

namespace moneytrail::trace {
namespace {

constexpr uint32_t kNone = 0xFFFFFFFFu;
constexpr TransactionId kEnd = 0xFFFFFFFFu;  // "the end of the account's history"

struct Piece {
  ExitKind origin = ExitKind::kOpeningBalance;  // kExternal here means "an inflow transaction"
  TransactionId inflow = 0;
  int64_t amount = 0;
};

// Splits `total` among `weights` (sum >= total, > 0) by largest remainder; ties go to the
// earlier weight. The shares sum to `total` and none exceeds its weight.
std::vector<int64_t> Apportion(int64_t total, const std::vector<int64_t>& weights) {
  Int128 sum = 0;
  for (int64_t w : weights) sum += w;
  std::vector<int64_t> share(weights.size());
  std::vector<std::pair<Int128, size_t>> remainders;
  int64_t given = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    Int128 product = static_cast<Int128>(total) * weights[i];
    share[i] = static_cast<int64_t>(product / sum);
    given += share[i];
    remainders.push_back({product % sum, i});
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t k = 0; given < total; ++k, ++given) ++share[remainders[k].second];
  return share;
}

class BackwardTracer {
 public:
  BackwardTracer(const Ledger& ledger, const TraceOptions& options)
      : ledger_(ledger), c_(ledger.columns()), options_(options) {}
  Result<Trail> Run();

 private:
  struct Pending {
    int64_t amount = 0;  // parts arrived so far
    uint32_t hop = kNone;
  };
  void BuildIncidence();
  bool IsAccount(AccountId a) const { return c_.kind.empty() || c_.kind[a] == NodeKind::kAccount; }
  uint16_t Paid(TransactionId t) const { return c_.paid_currency.empty() ? 0 : c_.paid_currency[t]; }
  uint16_t Received(TransactionId t) const {
    return c_.received_currency.empty() ? Paid(t) : c_.received_currency[t];
  }
  int64_t ReceivedAmount(TransactionId t) const {
    return c_.amount_received.empty() ? c_.amount_paid[t] : c_.amount_received[t];
  }
  // The lots drawn by `target` (or left at the end when target == kEnd) in (account, currency).
  std::vector<Piece> Decompose(AccountId account, uint16_t currency, TransactionId target);
  void Draw(std::deque<Piece>& lots, int64_t amount, std::vector<Piece>& out);
  // Explains `amount` of `target` (paid from `account`), reached at `hop`.
  void Explain(AccountId account, uint16_t currency, TransactionId target, int64_t amount,
               uint32_t hop);
  void Arrive(TransactionId inflow, int64_t amount, uint32_t hop);
  CurrencyTotals& Totals(uint16_t currency) { return totals_.For(trail_, currency); }
  ExitKind OriginKind(AccountId source) const {
    switch (c_.kind[source]) {
      case NodeKind::kCash: return ExitKind::kCashWithdrawal;
      case NodeKind::kMerchant: return ExitKind::kMerchant;
      default: return ExitKind::kExternal;
    }
  }

  const Ledger& ledger_;
  const LedgerColumns& c_;
  const TraceOptions& options_;
  Trail trail_;
  std::vector<uint64_t> incident_offset_;
  std::vector<TransactionId> incident_;  // per account, in (time, id) order
  std::vector<uint64_t> rank_;           // transaction -> position in (time, id) order
  std::unordered_map<TransactionId, Pending> pending_;
  std::priority_queue<std::pair<uint64_t, TransactionId>> queue_;  // latest first
  std::vector<uint8_t> is_seed_;
  trace_internal::CurrencyTotalsIndex totals_;
};

void BackwardTracer::BuildIncidence() {
  const uint32_t accounts = ledger_.account_count();
  const size_t n = ledger_.transaction_count();
  std::span<const TransactionId> order = ledger_.order();
  auto at = [&](size_t i) { return order.empty() ? static_cast<TransactionId>(i) : order[i]; };
  incident_offset_.assign(accounts + 1, 0);
  rank_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    TransactionId t = at(i);
    rank_[t] = i;
    ++incident_offset_[c_.source[t] + 1];
    if (c_.destination[t] != c_.source[t]) ++incident_offset_[c_.destination[t] + 1];
  }
  for (uint32_t a = 0; a < accounts; ++a) incident_offset_[a + 1] += incident_offset_[a];
  incident_.resize(incident_offset_[accounts]);
  std::vector<uint64_t> fill(incident_offset_.begin(), incident_offset_.end() - 1);
  for (size_t i = 0; i < n; ++i) {
    TransactionId t = at(i);
    incident_[fill[c_.source[t]]++] = t;
    if (c_.destination[t] != c_.source[t]) incident_[fill[c_.destination[t]]++] = t;
  }
}

void BackwardTracer::Draw(std::deque<Piece>& lots, int64_t amount, std::vector<Piece>& out) {
  if (options_.method == Method::kProRata) {
    std::vector<int64_t> weights;
    for (const Piece& lot : lots) weights.push_back(lot.amount);
    std::vector<int64_t> share = Apportion(amount, weights);
    for (size_t i = 0; i < lots.size(); ++i) {
      if (share[i] == 0) continue;
      out.push_back({lots[i].origin, lots[i].inflow, share[i]});
      lots[i].amount -= share[i];
    }
    std::erase_if(lots, [](const Piece& p) { return p.amount == 0; });
    return;
  }
  const bool fifo = options_.method == Method::kFifo;
  while (amount > 0) {
    Piece& lot = fifo ? lots.front() : lots.back();
    int64_t take = std::min(amount, lot.amount);
    out.push_back({lot.origin, lot.inflow, take});
    lot.amount -= take;
    amount -= take;
    if (lot.amount == 0) fifo ? lots.pop_front() : lots.pop_back();
  }
}

std::vector<Piece> BackwardTracer::Decompose(AccountId account, uint16_t currency,
                                             TransactionId target) {
  std::deque<Piece> lots;
  int64_t balance = 0;
  const uint16_t opening_currency = c_.opening_currency.empty() ? 0 : c_.opening_currency[account];
  if (!c_.opening_balance.empty() && c_.opening_balance[account] > 0 &&
      opening_currency == currency) {
    lots.push_back({ExitKind::kOpeningBalance, 0, c_.opening_balance[account]});
    balance = c_.opening_balance[account];
  }
  std::vector<Piece> out;
  for (uint64_t k = incident_offset_[account]; k < incident_offset_[account + 1]; ++k) {
    const TransactionId t = incident_[k];
    if (c_.time[t] > options_.until) break;
    if (c_.source[t] == account && Paid(t) == currency) {
      const int64_t paid = c_.amount_paid[t];
      if (paid > balance) {
        // The payment takes every lot, so where the unexplained lot sits does not matter.
        lots.push_back({ExitKind::kUnexplained, t, paid - balance});
        if (t == target) {
          trail_.shortfalls.push_back({t, account, currency, paid - balance});
        }
        balance = paid;
      }
      if (t == target) {
        Draw(lots, paid, out);
        return out;
      }
      std::vector<Piece> discard;
      Draw(lots, paid, discard);
      balance -= paid;
    }
    if (c_.destination[t] == account && Received(t) == currency) {
      const int64_t received = ReceivedAmount(t);
      if (received > 0) lots.push_back({ExitKind::kExternal, t, received});
      balance += received;
    }
  }
  // target == kEnd: what is left.
  out.assign(lots.begin(), lots.end());
  return out;
}

void BackwardTracer::Arrive(TransactionId inflow, int64_t amount, uint32_t hop) {
  auto [it, inserted] = pending_.try_emplace(inflow);
  if (inserted) queue_.push({rank_[inflow], inflow});
  it->second.amount += amount;
  it->second.hop = std::min(it->second.hop, hop);
}

void BackwardTracer::Explain(AccountId account, uint16_t currency, TransactionId target,
                             int64_t amount, uint32_t hop) {
  std::vector<Piece> pieces = Decompose(account, currency, target);
  std::vector<int64_t> weights;
  int64_t whole = 0;
  for (const Piece& p : pieces) {
    weights.push_back(p.amount);
    whole += p.amount;
  }
  // A part of a payment carries the same mix as the whole payment.
  if (amount < whole) {
    std::vector<int64_t> share = Apportion(amount, weights);
    for (size_t i = 0; i < pieces.size(); ++i) pieces[i].amount = share[i];
  }
  CurrencyTotals& totals = Totals(currency);
  for (const Piece& p : pieces) {
    if (p.amount == 0) continue;
    if (p.origin != ExitKind::kExternal) {  // opening balance or unexplained source
      totals.exited[static_cast<int>(p.origin)] += p.amount;
      continue;
    }
    const TransactionId y = p.inflow;
    const AccountId from = c_.source[y];
    const uint32_t next_hop = hop + 1;
    ExitKind stop = ExitKind::kExternal;
    bool stopped = true;
    if (Paid(y) != Received(y) || c_.amount_paid[y] != ReceivedAmount(y)) {
      stop = ExitKind::kConversion;  // per-currency tracing: the other currency is not followed
    } else if (is_seed_[y]) {
      stopped = false;  // a seed is explained whole: this part is inside it
    } else if (!IsAccount(from)) {
      stop = OriginKind(from);
    } else if (next_hop > options_.max_hops) {
      stop = ExitKind::kHopLimit;
    } else if (p.amount < options_.min_amount) {
      stop = ExitKind::kBelowMinimum;
    } else {
      stopped = false;
    }
    if (stopped) {
      totals.exited[static_cast<int>(stop)] += p.amount;
      trail_.flows.push_back(
          {y, from, account, ReceivedAmount(y), p.amount, currency, next_hop, true, stop});
    } else {
      Arrive(y, p.amount, next_hop);
    }
  }
}

Result<Trail> BackwardTracer::Run() {
  const uint32_t accounts = ledger_.account_count();
  const size_t n = ledger_.transaction_count();
  trail_.method = options_.method;
  trail_.direction = Direction::kBackward;
  if (options_.method == Method::kLowestIntermediateBalance) {
    return InvalidArgumentError(
        "backward tracing uses fifo, lifo or pro-rata: LIBR is a rule for following a known "
        "tainted fund forward, not for dividing a payment among its sources");
  }
  for (AccountId a : options_.seed_accounts) {
    if (a >= accounts || !IsAccount(a)) {
      return InvalidArgumentError(fmt::format("seed {} is not a bank account of the store", a));
    }
  }
  for (TransactionId t : options_.seed_transactions) {
    if (t >= n) return InvalidArgumentError(fmt::format("seed transaction {} out of range", t));
  }
  BuildIncidence();
  is_seed_.assign(n, 0);
  for (TransactionId t : options_.seed_transactions) {
    if (c_.time[t] <= options_.until) is_seed_[t] = 1;
  }
  // Seed accounts: explain the final balance of each of their currencies.
  for (AccountId a : options_.seed_accounts) {
    std::vector<uint16_t> currencies;
    if (!c_.opening_balance.empty() && c_.opening_balance[a] > 0) {
      currencies.push_back(c_.opening_currency.empty() ? 0 : c_.opening_currency[a]);
    }
    for (uint64_t k = incident_offset_[a]; k < incident_offset_[a + 1]; ++k) {
      TransactionId t = incident_[k];
      currencies.push_back(c_.destination[t] == a ? Received(t) : Paid(t));
    }
    std::sort(currencies.begin(), currencies.end());
    currencies.erase(std::unique(currencies.begin(), currencies.end()), currencies.end());
    for (uint16_t currency : currencies) {
      std::vector<Piece> left = Decompose(a, currency, kEnd);
      int64_t held = 0;
      for (const Piece& p : left) held += p.amount;
      if (held == 0) continue;
      Totals(currency).traced_in += held;
      Explain(a, currency, kEnd, held, 0);
    }
  }
  for (TransactionId t : options_.seed_transactions) {
    if (is_seed_[t]) Arrive(t, 0, 0);
  }
  while (!queue_.empty()) {
    const TransactionId t = queue_.top().second;
    queue_.pop();
    Pending p = pending_[t];
    const AccountId from = c_.source[t];
    if (is_seed_[t]) {
      // The whole payment is explained; parts that arrived from later targets are inside it.
      const int64_t paid = c_.amount_paid[t];
      Totals(Paid(t)).traced_in += paid - p.amount;
      p.amount = paid;
      p.hop = 0;
    }
    trail_.flows.push_back({t, from, c_.destination[t], c_.amount_paid[t], p.amount, Paid(t),
                            p.hop, false, ExitKind::kExternal});
    if (!IsAccount(from)) {  // only a seed can get here: outside nodes are stopped in Explain
      trail_.flows.back().is_exit = true;
      trail_.flows.back().exit_kind = OriginKind(from);
      Totals(Paid(t)).exited[static_cast<int>(OriginKind(from))] += p.amount;
      continue;
    }
    Explain(from, Paid(t), t, p.amount, p.hop);
    ++trail_.transactions_applied;
  }
  std::stable_sort(trail_.flows.begin(), trail_.flows.end(), [](const Flow& a, const Flow& b) {
    return a.hop != b.hop ? a.hop < b.hop : a.transaction < b.transaction;
  });
  MT_RETURN_IF_ERROR(trace_internal::FinishTotals(trail_));
  return std::move(trail_);
}

}  // namespace

Result<Trail> TraceBackward(const Ledger& ledger, const TraceOptions& options) {
  if (options.direction != Direction::kBackward) {
    return InvalidArgumentError("TraceBackward called with direction forward");
  }
  BackwardTracer tracer(ledger, options);
  return tracer.Run();
}

}  // namespace moneytrail::trace
