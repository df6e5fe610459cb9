// Ledger construction (store columns -> integer units per currency, global time order) and the
// small shared pieces of the trace API: names and the pro-rata rounding rule.
#include <algorithm>
#include <numeric>

#include <fmt/format.h>

#include "moneytrail/file_util.h"
#include "moneytrail/store.h"
#include "moneytrail/trace.h"

namespace moneytrail::trace {

std::string_view MethodName(Method method) {
  switch (method) {
    case Method::kLowestIntermediateBalance: return "libr";
    case Method::kFifo: return "fifo";
    case Method::kLifo: return "lifo";
    case Method::kProRata: return "pro-rata";
  }
  return "?";
}

Result<Method> ParseMethod(std::string_view name) {
  for (Method m : kAllMethods) {
    if (MethodName(m) == name) return m;
  }
  if (name == "prorata" || name == "pro_rata") return Method::kProRata;
  return InvalidArgumentError(
      fmt::format("unknown tracing method '{}': expected libr, fifo, lifo or pro-rata", name));
}

std::string_view DirectionName(Direction direction) {
  return direction == Direction::kForward ? "forward" : "backward";
}

Result<Direction> ParseDirection(std::string_view name) {
  if (name == "forward") return Direction::kForward;
  if (name == "backward") return Direction::kBackward;
  return InvalidArgumentError(
      fmt::format("unknown direction '{}': expected forward or backward", name));
}

std::string_view ExitKindName(ExitKind kind) {
  switch (kind) {
    case ExitKind::kCashWithdrawal: return "cash_withdrawal";
    case ExitKind::kMerchant: return "merchant";
    case ExitKind::kExternal: return "external";
    case ExitKind::kConversion: return "conversion";
    case ExitKind::kHopLimit: return "hop_limit";
    case ExitKind::kBelowMinimum: return "below_minimum";
    case ExitKind::kOpeningBalance: return "opening_balance";
    case ExitKind::kUnexplained: return "unexplained";
  }
  return "?";
}

int64_t ProRataShare(int64_t amount, int64_t tainted, int64_t balance) {
  Int128 product = static_cast<Int128>(amount) * tainted;
  int64_t share = static_cast<int64_t>(product / balance);
  Int128 remainder = product % balance;
  // Largest remainder over the two parts (tainted, clean): the tainted part's fraction is
  // remainder/balance, the clean part's (balance-remainder)/balance; the larger takes the unit.
  if (remainder * 2 > balance) ++share;
  return share;
}

int64_t CurrencyTotals::exited_total() const {
  int64_t sum = 0;
  for (int64_t e : exited) sum += e;
  return sum;
}

Status Trail::Reconcile() const {
  for (const CurrencyTotals& t : totals) {
    Int128 out = t.remaining;
    for (int64_t e : t.exited) out += e;
    if (out != t.traced_in) {
      return InternalError(fmt::format(
          "trace does not reconcile in currency {}: traced in {} != remaining {} + exited {}",
          t.currency, t.traced_in, t.remaining, t.exited_total()));
    }
  }
  return Status::Ok();
}

Result<Trail> Trace(const Ledger& ledger, const TraceOptions& options) {
  return options.direction == Direction::kForward ? TraceForward(ledger, options)
                                                  : TraceBackward(ledger, options);
}

Result<Ledger> Ledger::FromColumns(const LedgerColumns& c, uint32_t account_count) {
  const size_t n = c.source.size();
  auto bad_length = [&](size_t size, std::string_view name) {
    return size != n && size != 0 ? InvalidArgumentError(fmt::format(
                                        "ledger column {} has {} rows, expected {}", name, size, n))
                                  : Status::Ok();
  };
  if (c.time.size() != n || c.destination.size() != n || c.amount_paid.size() != n) {
    return InvalidArgumentError("ledger columns time, source, destination, amount_paid differ in length");
  }
  MT_RETURN_IF_ERROR(bad_length(c.paid_currency.size(), "paid_currency"));
  MT_RETURN_IF_ERROR(bad_length(c.amount_received.size(), "amount_received"));
  MT_RETURN_IF_ERROR(bad_length(c.received_currency.size(), "received_currency"));
  MT_RETURN_IF_ERROR(bad_length(c.channel.size(), "channel"));
  for (auto [size, name] : {std::pair{c.kind.size(), "kind"},
                            std::pair{c.opening_balance.size(), "opening_balance"},
                            std::pair{c.opening_currency.size(), "opening_currency"}}) {
    if (size != 0 && size != account_count) {
      return InvalidArgumentError(fmt::format("ledger column {} has {} entries, expected {} accounts",
                                              name, size, account_count));
    }
  }
  bool sorted = true;
  for (size_t i = 0; i < n; ++i) {
    if (c.source[i] >= account_count || c.destination[i] >= account_count) {
      return InvalidArgumentError(fmt::format("transaction {}: account id out of range", i));
    }
    if (c.amount_paid[i] < 0 || (!c.amount_received.empty() && c.amount_received[i] < 0)) {
      return InvalidArgumentError(fmt::format("transaction {}: negative amount", i));
    }
    if (i > 0 && c.time[i] < c.time[i - 1]) sorted = false;
  }
  for (int64_t b : c.opening_balance) {
    if (b < 0) return InvalidArgumentError("negative opening balance");
  }
  Ledger ledger;
  ledger.columns_ = c;
  ledger.account_count_ = account_count;
  if (!sorted) {
    ledger.order_.resize(n);
    std::iota(ledger.order_.begin(), ledger.order_.end(), TransactionId{0});
    std::stable_sort(ledger.order_.begin(), ledger.order_.end(),
                     [&](TransactionId a, TransactionId b) { return c.time[a] < c.time[b]; });
  }
  return ledger;
}

namespace {

// 10^k as int64 for k <= 18.
int64_t Pow10(int k) {
  int64_t p = 1;
  while (k-- > 0) p *= 10;
  return p;
}

Status Rescale(std::span<const int64_t> units, std::span<const uint8_t> scale,
               std::span<const uint16_t> currency, const std::vector<uint8_t>& target,
               std::vector<int64_t>& out, std::string_view what) {
  out.resize(units.size());
  for (size_t i = 0; i < units.size(); ++i) {
    int shift = target[currency[i]] - scale[i];
    if (shift == 0) {
      out[i] = units[i];
    } else if (__builtin_mul_overflow(units[i], Pow10(shift), &out[i])) {
      return OutOfRangeError(fmt::format(
          "transaction {}: {} does not fit 64-bit units at scale {}", i, what, target[currency[i]]));
    }
  }
  return Status::Ok();
}

}  // namespace

// Column files are memory-mapped, and touching them page by page costs one fault per page
// (expensive under virtualisation): map the columns a trace scans in bulk.
template <typename T>
void Prefault(std::span<const T> column) {
  PrefaultRange(column.data(), column.size_bytes());
}

namespace {

// What the ledger needs to know about the store's columns: whether ids are in time order, and
// per currency the largest scale (the ledger's unit) and the smallest per side (a column needs
// rescaling only where they differ).
struct ScaleFacts {
  bool sorted = true;
  std::vector<store::ScaleRange> paid, received;
};

// From the facts the writer recorded (store format 2): no pass over the rows.
ScaleFacts FactsFromStore(const store::ColumnFacts& facts) {
  return ScaleFacts{facts.time_sorted, facts.paid_scale, facts.received_scale};
}

// For stores written before format 2: one pass over the time, scale and currency columns.
ScaleFacts FactsFromScan(const store::Store& s) {
  Prefault(s.time());
  Prefault(s.paid_scale());
  Prefault(s.paid_currency());
  Prefault(s.received_scale());
  Prefault(s.received_currency());
  const size_t currencies = std::max<size_t>(s.currency_count(), 1);
  ScaleFacts f;
  f.paid.resize(currencies);
  f.received.resize(currencies);
  auto paid_scale = s.paid_scale();
  auto received_scale = s.received_scale();
  auto paid_currency = s.paid_currency();
  auto received_currency = s.received_currency();
  auto time = s.time();
  bool sorted = true;
  for (size_t i = 0; i < s.transaction_count(); ++i) {
    f.paid[paid_currency[i]].Add(paid_scale[i]);
    f.received[received_currency[i]].Add(received_scale[i]);
    sorted &= i == 0 || time[i] >= time[i - 1];
  }
  f.sorted = sorted;
  return f;
}

}  // namespace

Result<Ledger> Ledger::FromStore(const store::Store& s) {
  // Every trace reads the whole source and destination columns (reachability, then the pass),
  // and the amounts, currencies and channels of the transactions it touches, which are spread
  // over most pages of those columns.
  Prefault(s.source());
  Prefault(s.destination());
  Prefault(s.amount_paid_units());
  Prefault(s.paid_currency());
  Prefault(s.amount_received_units());
  Prefault(s.received_currency());
  Prefault(s.channel());
  const uint32_t accounts = s.account_count();
  const size_t n = s.transaction_count();
  const store::ColumnFacts* recorded = s.column_facts();
  ScaleFacts facts = recorded != nullptr ? FactsFromStore(*recorded) : FactsFromScan(s);
  std::vector<uint8_t> scale(
      std::max({s.currency_count(), facts.paid.size(), facts.received.size(), size_t{1}}), 0);
  for (size_t c = 0; c < facts.paid.size(); ++c) {
    if (!facts.paid[c].empty()) scale[c] = std::max(scale[c], facts.paid[c].max);
  }
  for (size_t c = 0; c < facts.received.size(); ++c) {
    if (!facts.received[c].empty()) scale[c] = std::max(scale[c], facts.received[c].max);
  }
  Ledger built;
  std::span<const AccountId> with_balance = s.accounts_with_opening_balance();
  for (AccountId a : with_balance) {
    const store::AccountAttributes& attr = s.account_attributes(a);
    if (!attr.opening_balance || attr.opening_balance->units <= 0) continue;
    uint16_t c = attr.balance_currency;
    if (c >= scale.size()) scale.resize(c + 1, 0);
    scale[c] = std::max(scale[c], attr.opening_balance->scale);
  }
  if (!with_balance.empty()) {
    built.opening_storage_.assign(accounts, 0);
    built.opening_currency_storage_.assign(accounts, 0);
  }
  for (AccountId a : with_balance) {
    const store::AccountAttributes& attr = s.account_attributes(a);
    if (!attr.opening_balance || attr.opening_balance->units <= 0) continue;
    built.opening_currency_storage_[a] = attr.balance_currency;
    int shift = scale[attr.balance_currency] - attr.opening_balance->scale;
    if (__builtin_mul_overflow(attr.opening_balance->units, Pow10(shift),
                               &built.opening_storage_[a])) {
      return OutOfRangeError(fmt::format("opening balance of {} overflows", s.AccountLabel(a)));
    }
  }
  // A column needs no copy when every amount already has its currency's (final) scale.
  auto uniform = [&](const std::vector<store::ScaleRange>& ranges) {
    for (size_t c = 0; c < ranges.size(); ++c) {
      if (!ranges[c].empty() && ranges[c].min != scale[c]) return false;
    }
    return true;
  };
  LedgerColumns c;
  c.time = s.time();
  c.source = s.source();
  c.destination = s.destination();
  c.paid_currency = s.paid_currency();
  c.received_currency = s.received_currency();
  c.channel = s.channel();
  if (uniform(facts.paid)) {
    c.amount_paid = s.amount_paid_units();
  } else {
    MT_RETURN_IF_ERROR(Rescale(s.amount_paid_units(), s.paid_scale(), s.paid_currency(), scale,
                               built.paid_storage_, "amount paid"));
    c.amount_paid = built.paid_storage_;
  }
  if (uniform(facts.received)) {
    c.amount_received = s.amount_received_units();
  } else {
    MT_RETURN_IF_ERROR(Rescale(s.amount_received_units(), s.received_scale(),
                               s.received_currency(), scale, built.received_storage_,
                               "amount received"));
    c.amount_received = built.received_storage_;
  }
  c.kind = s.account_kinds();
  c.opening_balance = built.opening_storage_;
  c.opening_currency = built.opening_currency_storage_;
  // Store::Open has checked every account id, and the ingest admits no negative amount, so the
  // columns need no second validation pass here (FromColumns does one for other callers).
  built.columns_ = c;
  built.account_count_ = accounts;
  if (!facts.sorted) {
    auto time = s.time();
    built.order_.resize(n);
    std::iota(built.order_.begin(), built.order_.end(), TransactionId{0});
    std::stable_sort(built.order_.begin(), built.order_.end(),
                     [&](TransactionId a, TransactionId b) { return time[a] < time[b]; });
  }
  // The spans point into heap buffers, which a move of the Ledger keeps.
  built.currency_scale_ = std::move(scale);
  return built;
}

}  // namespace moneytrail::trace
