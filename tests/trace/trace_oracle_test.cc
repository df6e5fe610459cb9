// The tracer against a brute-force ledger: every account holds a sequence of single units
// ("coins"), each traced or clean, in arrival order. FIFO pops from the front, LIFO from the
// back, LIBR takes clean coins before traced ones, pro-rata takes the integer number of traced
// coins nearest to the exact share (ties to fewer), found by trying every count. Random small
// books, seeded; the seed is printed on failure. Also conservation properties.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <numeric>
#include <random>

#include "moneytrail/money.h"
#include "trace/trace_test_util.h"

namespace moneytrail::trace {
namespace {

using test::Book;

struct OracleResult {
  std::map<TransactionId, int64_t> attributed;
  std::map<AccountId, int64_t> remaining;
  int64_t traced_in = 0;
  int64_t exited[kExitKindCount] = {};
  size_t shortfalls = 0;
};

OracleResult Oracle(const Book& book, const TraceOptions& o) {
  const uint32_t n = book.account_count();
  std::vector<std::deque<bool>> coins(n);
  std::vector<uint32_t> hop(n, UINT32_MAX);
  std::vector<bool> seed_account(n, false);
  OracleResult r;
  for (AccountId a : o.seed_accounts) {
    seed_account[a] = true;
    hop[a] = 0;
  }
  for (AccountId a = 0; a < n; ++a) {
    coins[a].assign(static_cast<size_t>(book.opening(a)), seed_account[a]);
    if (seed_account[a]) r.traced_in += book.opening(a);
  }
  std::vector<TransactionId> order(book.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](TransactionId x, TransactionId y) {
    return book.Get(x).time < book.Get(y).time;
  });
  auto exit_kind = [&](AccountId a) {
    return book.kind(a) == NodeKind::kCash       ? ExitKind::kCashWithdrawal
           : book.kind(a) == NodeKind::kMerchant ? ExitKind::kMerchant
                                                 : ExitKind::kExternal;
  };
  for (TransactionId t : order) {
    const auto tx = book.Get(t);
    if (tx.time > o.until) break;
    const int64_t p = tx.amount;
    int64_t k = 0;
    uint32_t h = UINT32_MAX;
    if (book.kind(tx.source) == NodeKind::kAccount) {
      auto& q = coins[tx.source];
      bool any_traced = std::count(q.begin(), q.end(), true) > 0;
      if (static_cast<int64_t>(q.size()) < p) {
        if (any_traced) ++r.shortfalls;
        q.insert(q.end(), static_cast<size_t>(p) - q.size(), false);
      }
      const int64_t balance = static_cast<int64_t>(q.size());
      const int64_t traced = std::count(q.begin(), q.end(), true);
      switch (o.method) {
        case Method::kFifo:
          for (int64_t i = 0; i < p; ++i) { k += q.front(); q.pop_front(); }
          break;
        case Method::kLifo:
          for (int64_t i = 0; i < p; ++i) { k += q.back(); q.pop_back(); }
          break;
        case Method::kLowestIntermediateBalance: {
          int64_t clean_taken = std::min(p, balance - traced);
          k = p - clean_taken;
          q.assign(static_cast<size_t>(balance - p), false);
          std::fill(q.begin(), q.begin() + (traced - k), true);
          break;
        }
        case Method::kProRata: {
          // The count j whose |j*balance - p*traced| is smallest; the first (fewest) on a tie.
          Int128 best = -1;
          for (int64_t j = 0; j <= std::min(p, traced); ++j) {
            Int128 d = static_cast<Int128>(j) * balance - static_cast<Int128>(p) * traced;
            if (d < 0) d = -d;
            if (best < 0 || d < best) { best = d; k = j; }
          }
          q.assign(static_cast<size_t>(balance - p), false);
          std::fill(q.begin(), q.begin() + (traced - k), true);
          break;
        }
      }
      if (hop[tx.source] != UINT32_MAX) h = hop[tx.source] + 1;
    }
    bool seed = std::find(o.seed_transactions.begin(), o.seed_transactions.end(), t) !=
                o.seed_transactions.end();
    const bool dst_account = book.kind(tx.destination) == NodeKind::kAccount;
    int64_t carried = 0;
    if (k > 0) {
      if (!seed && h > o.max_hops) {
        r.exited[static_cast<int>(ExitKind::kHopLimit)] += k;
        r.attributed[t] += k;
      } else if (!seed && k < o.min_amount) {
        r.exited[static_cast<int>(ExitKind::kBelowMinimum)] += k;
        r.attributed[t] += k;
      } else {
        carried = k;
      }
    }
    if (seed || (dst_account && seed_account[tx.destination])) {
      r.traced_in += p - carried;
      carried = p;
      if (seed || h == UINT32_MAX) h = 0;
    }
    if (carried > 0) r.attributed[t] += carried;
    if (!dst_account) {
      if (carried > 0) r.exited[static_cast<int>(exit_kind(tx.destination))] += carried;
      continue;
    }
    auto& d = coins[tx.destination];
    for (int64_t i = 0; i < p; ++i) d.push_back(i < carried);
    if (carried > 0) hop[tx.destination] = std::min(hop[tx.destination], seed_account[tx.destination] ? 0u : h);
  }
  for (AccountId a = 0; a < n; ++a) {
    int64_t traced = std::count(coins[a].begin(), coins[a].end(), true);
    if (traced > 0) r.remaining[a] = traced;
  }
  return r;
}

// A random book: a few accounts (some with opening balances), a cash desk and a merchant,
// small amounts, times with ties and out of id order.
Book RandomBook(std::mt19937_64& rng, int accounts, int transactions) {
  Book book;
  AccountId cash = book.Node(NodeKind::kCash);
  AccountId merchant = book.Node(NodeKind::kMerchant);
  AccountId external = book.Node(NodeKind::kExternal);
  std::vector<AccountId> acc;
  for (int i = 0; i < accounts; ++i) {
    acc.push_back(book.Account(rng() % 3 == 0 ? static_cast<int64_t>(rng() % 40) : 0));
  }
  for (int i = 0; i < transactions; ++i) {
    Timestamp time = static_cast<Timestamp>(rng() % (transactions / 2 + 1));
    int64_t amount = 1 + static_cast<int64_t>(rng() % 30);
    int kind = static_cast<int>(rng() % 10);
    AccountId from = acc[rng() % acc.size()];
    AccountId to = acc[rng() % acc.size()];
    if (kind == 0) from = cash;
    if (kind == 1) to = merchant;
    if (kind == 2) to = cash;
    if (kind == 3) from = external;
    book.Pay(time, from, to, amount);
  }
  return book;
}

TraceOptions RandomOptions(std::mt19937_64& rng, const Book& book, Method method) {
  TraceOptions o;
  o.method = method;
  if (rng() % 2 == 0) {
    o.seed_accounts = {3 + static_cast<AccountId>(rng() % (book.account_count() - 3))};
  } else {
    for (int i = 0; i < 3; ++i) o.seed_transactions.push_back(static_cast<TransactionId>(rng() % book.size()));
    std::sort(o.seed_transactions.begin(), o.seed_transactions.end());
    o.seed_transactions.erase(std::unique(o.seed_transactions.begin(), o.seed_transactions.end()),
                              o.seed_transactions.end());
  }
  if (rng() % 3 == 0) o.max_hops = static_cast<uint32_t>(rng() % 3);
  if (rng() % 4 == 0) o.min_amount = static_cast<int64_t>(rng() % 6);
  if (rng() % 4 == 0) o.until = static_cast<Timestamp>(rng() % book.size());
  return o;
}

TEST(TraceOracleTest, AllMethodsMatchCoinLedgerOnRandomBooks) {
  const uint64_t base_seed = std::getenv("MT_SEED") ? std::strtoull(std::getenv("MT_SEED"), nullptr, 10) : std::random_device{}();
  for (int round = 0; round < 400; ++round) {
    const uint64_t seed = base_seed + static_cast<uint64_t>(round);
    std::mt19937_64 rng(seed);
    Book book = RandomBook(rng, 2 + static_cast<int>(rng() % 5), 10 + static_cast<int>(rng() % 60));
    Ledger ledger = book.MakeLedger();
    for (Method method : kAllMethods) {
      SCOPED_TRACE(testing::Message() << "seed " << seed << " method " << MethodName(method));
      std::mt19937_64 option_rng(seed * 31 + static_cast<uint64_t>(method));
      TraceOptions o = RandomOptions(option_rng, book, method);
      Result<Trail> trail = Trace(ledger, o);
      ASSERT_TRUE(trail.ok()) << trail.status().ToString();
      OracleResult want = Oracle(book, o);
      EXPECT_EQ(test::AttributedByTransaction(*trail), want.attributed);
      EXPECT_EQ(test::RemainingByAccount(*trail), want.remaining);
      int64_t traced_in = trail->totals.empty() ? 0 : trail->totals[0].traced_in;
      EXPECT_EQ(traced_in, want.traced_in);
      for (int k = 0; k < kExitKindCount; ++k) {
        int64_t got = trail->totals.empty() ? 0 : trail->totals[0].exited[k];
        EXPECT_EQ(got, want.exited[k]) << ExitKindName(static_cast<ExitKind>(k));
      }
      EXPECT_EQ(trail->shortfalls.size(), want.shortfalls);
      if (testing::Test::HasFailure()) return;
    }
  }
}

TEST(TraceOracleTest, ConservationOnRandomBooks) {
  const uint64_t base_seed = std::getenv("MT_SEED") ? std::strtoull(std::getenv("MT_SEED"), nullptr, 10) : std::random_device{}();
  for (int round = 0; round < 300; ++round) {
    const uint64_t seed = base_seed + static_cast<uint64_t>(round);
    std::mt19937_64 rng(seed);
    Book book = RandomBook(rng, 3 + static_cast<int>(rng() % 8), 20 + static_cast<int>(rng() % 200));
    Ledger ledger = book.MakeLedger();
    for (Method method : kAllMethods) {
      SCOPED_TRACE(testing::Message() << "seed " << seed << " method " << MethodName(method));
      std::mt19937_64 option_rng(seed);
      TraceOptions o = RandomOptions(option_rng, book, method);
      Result<Trail> trail = Trace(ledger, o);
      ASSERT_TRUE(trail.ok()) << trail.status().ToString();
      ASSERT_TRUE(trail->Reconcile().ok());
      // Recompute the totals from the parts: no unit created or lost.
      int64_t exited = 0, remaining = 0, traced_in = 0;
      for (const Flow& f : trail->flows) {
        EXPECT_GT(f.attributed, 0);
        EXPECT_LE(f.attributed, f.amount) << "transaction " << f.transaction;
        if (f.is_exit) exited += f.attributed;
      }
      for (const Holding& h : trail->holdings) {
        EXPECT_LE(h.amount, h.balance) << "account " << h.account;
        remaining += h.amount;
      }
      for (const CurrencyTotals& t : trail->totals) traced_in += t.traced_in;
      EXPECT_EQ(traced_in, exited + remaining);
      if (testing::Test::HasFailure()) return;
    }
  }
}

// When no account ever mixes traced and clean money, the method cannot matter: all four give
// the same flows and holdings.
TEST(TraceOracleTest, MethodsAgreeWhenNoAccountCommingles) {
  const uint64_t base_seed = std::getenv("MT_SEED") ? std::strtoull(std::getenv("MT_SEED"), nullptr, 10) : std::random_device{}();
  for (int round = 0; round < 200; ++round) {
    const uint64_t seed = base_seed + static_cast<uint64_t>(round);
    SCOPED_TRACE(testing::Message() << "seed " << seed);
    std::mt19937_64 rng(seed);
    Book book;
    AccountId cash = book.Node(NodeKind::kCash);
    AccountId merchant = book.Node(NodeKind::kMerchant);
    const int accounts = 2 + static_cast<int>(rng() % 6);
    std::vector<AccountId> acc;
    std::vector<int64_t> balance(static_cast<size_t>(accounts), 0);
    for (int i = 0; i < accounts; ++i) acc.push_back(book.Account());
    TraceOptions o;
    // Every unit in the system enters through a seed, and no outflow exceeds its balance.
    Timestamp time = 0;
    for (int i = 0; i < 40; ++i) {
      size_t from = rng() % acc.size();
      if (rng() % 4 == 0 || balance[from] == 0) {
        int64_t amount = 1 + static_cast<int64_t>(rng() % 50);
        o.seed_transactions.push_back(book.Pay(++time, cash, acc[from], amount));
        balance[from] += amount;
        continue;
      }
      int64_t amount = 1 + static_cast<int64_t>(rng() % static_cast<uint64_t>(balance[from]));
      balance[from] -= amount;
      if (rng() % 5 == 0) {
        book.Pay(++time, acc[from], merchant, amount);
      } else {
        size_t to = rng() % acc.size();
        book.Pay(++time, acc[from], acc[to], amount);
        balance[to] += amount;
      }
    }
    Ledger ledger = book.MakeLedger();
    Trail first;
    for (Method method : kAllMethods) {
      o.method = method;
      Trail trail = test::RunTrace(ledger, o);
      if (method == Method::kLowestIntermediateBalance) {
        first = std::move(trail);
        continue;
      }
      EXPECT_EQ(test::AttributedByTransaction(trail), test::AttributedByTransaction(first))
          << MethodName(method);
      EXPECT_EQ(test::RemainingByAccount(trail), test::RemainingByAccount(first))
          << MethodName(method);
    }
  }
}

}  // namespace
}  // namespace moneytrail::trace
