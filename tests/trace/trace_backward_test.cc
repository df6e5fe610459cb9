// Backward tracing: worked example per method, a coin-ledger oracle for the first hop under
// FIFO and LIFO, and conservation over many hops on random books.
#include <gtest/gtest.h>

#include <cstdlib>
#include <deque>
#include <numeric>
#include <random>

#include "trace/trace_test_util.h"

namespace moneytrail::trace {
namespace {

using test::Book;

TraceOptions Backward(Method method, std::vector<TransactionId> txs) {
  TraceOptions o;
  o.method = method;
  o.direction = Direction::kBackward;
  o.seed_transactions = std::move(txs);
  return o;
}

int64_t Exited(const Trail& trail, ExitKind kind) {
  return trail.totals.empty() ? 0 : trail.totals[0].exited[static_cast<int>(kind)];
}

// Example 1 of docs/tracing.md read backward: where did the final $1,300 payment come from?
TEST(TraceBackwardTest, ExampleOneEachMethod) {
  Book book;
  AccountId cash = book.Node(NodeKind::kCash);
  AccountId a = book.Account(1000);
  AccountId b = book.Account();
  AccountId c = book.Account();
  TransactionId proceeds = book.Pay(1, cash, a, 500);
  book.Pay(2, a, b, 1200);
  TransactionId clean = book.Pay(3, cash, a, 1000);
  TransactionId out2 = book.Pay(4, a, c, 1300);
  Ledger ledger = book.MakeLedger();
  struct Row { Method m; int64_t proceeds, clean, opening; };
  for (Row r : {Row{Method::kFifo, 300, 1000, 0}, Row{Method::kLifo, 0, 1000, 300},
                Row{Method::kProRata, 100, 1000, 200}}) {
    SCOPED_TRACE(MethodName(r.m));
    Trail trail = test::RunTrace(ledger, Backward(r.m, {out2}));
    auto attributed = test::AttributedByTransaction(trail);
    EXPECT_EQ(attributed[out2], 1300);
    EXPECT_EQ(attributed[proceeds], r.proceeds);
    EXPECT_EQ(attributed[clean], r.clean);
    EXPECT_EQ(Exited(trail, ExitKind::kOpeningBalance), r.opening);
    EXPECT_EQ(Exited(trail, ExitKind::kCashWithdrawal), r.proceeds + r.clean);  // from cash
    EXPECT_EQ(trail.totals[0].traced_in, 1300);
  }
  EXPECT_FALSE(Trace(ledger, Backward(Method::kLowestIntermediateBalance, {out2})).ok());
}

TEST(TraceBackwardTest, FollowsSeveralHopsAndSplitsPartsProportionally) {
  Book book;
  AccountId ext = book.Node(NodeKind::kExternal);
  AccountId a = book.Account();
  AccountId b = book.Account(100);
  AccountId c = book.Account();
  TransactionId in_a = book.Pay(1, ext, a, 300);
  TransactionId a_to_b = book.Pay(2, a, b, 300);
  TransactionId b_to_c = book.Pay(3, b, c, 200);
  Ledger ledger = book.MakeLedger();
  // FIFO at B: lots [opening 100, a_to_b 300]; 200 out = 100 opening + 100 of a_to_b.
  Trail trail = test::RunTrace(ledger, Backward(Method::kFifo, {b_to_c}));
  auto attributed = test::AttributedByTransaction(trail);
  EXPECT_EQ(attributed[a_to_b], 100);
  EXPECT_EQ(attributed[in_a], 100);  // the 100 part of a_to_b, all from the outside wire
  EXPECT_EQ(Exited(trail, ExitKind::kOpeningBalance), 100);
  EXPECT_EQ(Exited(trail, ExitKind::kExternal), 100);
  // With one hop allowed, the part of a_to_b stops there.
  TraceOptions o = Backward(Method::kFifo, {b_to_c});
  o.max_hops = 0;
  trail = test::RunTrace(ledger, o);
  EXPECT_EQ(Exited(trail, ExitKind::kHopLimit), 100);
}

// Coins labelled with their origin (opening balance, an inflow, the unexplained source).
std::map<int64_t, int64_t> CoinOrigins(const Book& book, TransactionId target, Method method) {
  std::vector<std::deque<int64_t>> coins(book.account_count());
  for (AccountId a = 0; a < book.account_count(); ++a) {
    coins[a].assign(static_cast<size_t>(book.opening(a)), -1);  // -1: opening balance
  }
  std::vector<TransactionId> order(book.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](TransactionId x, TransactionId y) {
    return book.Get(x).time < book.Get(y).time;
  });
  std::map<int64_t, int64_t> out;
  for (TransactionId t : order) {
    auto tx = book.Get(t);
    if (book.kind(tx.source) == NodeKind::kAccount) {
      auto& q = coins[tx.source];
      while (static_cast<int64_t>(q.size()) < tx.amount) q.push_back(-2);  // unexplained
      for (int64_t i = 0; i < tx.amount; ++i) {
        int64_t coin = method == Method::kFifo ? q.front() : q.back();
        method == Method::kFifo ? q.pop_front() : q.pop_back();
        if (t == target) ++out[coin];
      }
      if (t == target) return out;
    }
    if (book.kind(tx.destination) == NodeKind::kAccount) {
      for (int64_t i = 0; i < tx.amount; ++i) coins[tx.destination].push_back(t);
    }
  }
  return out;
}

Book RandomBook(std::mt19937_64& rng) {
  Book book;
  AccountId cash = book.Node(NodeKind::kCash);
  std::vector<AccountId> acc;
  const int accounts = 2 + static_cast<int>(rng() % 4);
  for (int i = 0; i < accounts; ++i) acc.push_back(book.Account(rng() % 2 ? static_cast<int64_t>(rng() % 30) : 0));
  const int txs = 5 + static_cast<int>(rng() % 40);
  for (int i = 0; i < txs; ++i) {
    AccountId from = rng() % 4 == 0 ? cash : acc[rng() % acc.size()];
    AccountId to = rng() % 5 == 0 ? cash : acc[rng() % acc.size()];
    book.Pay(static_cast<Timestamp>(rng() % 20), from, to, 1 + static_cast<int64_t>(rng() % 25));
  }
  return book;
}

TEST(TraceBackwardTest, FirstHopMatchesCoinLedgerForFifoAndLifo) {
  const uint64_t base_seed = std::getenv("MT_SEED") ? std::strtoull(std::getenv("MT_SEED"), nullptr, 10) : std::random_device{}();
  for (int round = 0; round < 300; ++round) {
    const uint64_t seed = base_seed + static_cast<uint64_t>(round);
    std::mt19937_64 rng(seed);
    Book book = RandomBook(rng);
    Ledger ledger = book.MakeLedger();
    TransactionId target = static_cast<TransactionId>(rng() % book.size());
    if (book.kind(book.Get(target).source) != NodeKind::kAccount) continue;
    for (Method m : {Method::kFifo, Method::kLifo}) {
      SCOPED_TRACE(testing::Message() << "seed " << seed << " " << MethodName(m));
      TraceOptions o = Backward(m, {target});
      o.max_hops = 0;
      Trail trail = test::RunTrace(ledger, o);
      std::map<int64_t, int64_t> got;
      for (const Flow& f : trail.flows) {
        if (f.hop == 1) got[f.transaction] += f.attributed;
      }
      if (int64_t v = Exited(trail, ExitKind::kOpeningBalance)) got[-1] = v;
      if (int64_t v = Exited(trail, ExitKind::kUnexplained)) got[-2] = v;
      EXPECT_EQ(got, CoinOrigins(book, target, m));
      if (testing::Test::HasFailure()) return;
    }
  }
}

TEST(TraceBackwardTest, ConservationOverManyHops) {
  const uint64_t base_seed = std::getenv("MT_SEED") ? std::strtoull(std::getenv("MT_SEED"), nullptr, 10) : std::random_device{}();
  for (int round = 0; round < 300; ++round) {
    const uint64_t seed = base_seed + static_cast<uint64_t>(round);
    std::mt19937_64 rng(seed);
    Book book = RandomBook(rng);
    Ledger ledger = book.MakeLedger();
    for (Method m : {Method::kFifo, Method::kLifo, Method::kProRata}) {
      SCOPED_TRACE(testing::Message() << "seed " << seed << " " << MethodName(m));
      TraceOptions o = Backward(m, {static_cast<TransactionId>(rng() % book.size()),
                                    static_cast<TransactionId>(rng() % book.size())});
      if (rng() % 2) o.seed_accounts = {1 + static_cast<AccountId>(rng() % (book.account_count() - 1))};
      Result<Trail> trail = Trace(ledger, o);
      ASSERT_TRUE(trail.ok()) << trail.status().ToString();
      int64_t in = 0, exited = 0;
      for (const CurrencyTotals& t : trail->totals) {
        in += t.traced_in;
        exited += t.exited_total();
        EXPECT_EQ(t.remaining, 0);
      }
      EXPECT_EQ(in, exited);
      std::map<TransactionId, int64_t> per_tx = test::AttributedByTransaction(*trail);
      for (auto [t, v] : per_tx) EXPECT_LE(v, book.Get(t).amount) << "transaction " << t;
      if (testing::Test::HasFailure()) return;
    }
  }
}

}  // namespace
}  // namespace moneytrail::trace
