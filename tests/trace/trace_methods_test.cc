// Worked examples with hand-computed answers for each tracing method (docs/tracing.md walks
// through the same numbers), plus the limits, exits, shortfalls and currency rule.
#include <gtest/gtest.h>

#include "trace/trace_test_util.h"

namespace moneytrail::trace {
namespace {

using test::AttributedByTransaction;
using test::Book;
using test::RemainingByAccount;
using test::RunTrace;

TraceOptions Seeds(Method method, std::vector<TransactionId> txs) {
  TraceOptions o;
  o.method = method;
  o.seed_transactions = std::move(txs);
  return o;
}

// Example 1 of docs/tracing.md: $1,000 of the holder's own money, $500 of proceeds, $1,200
// out, $1,000 clean in, $1,300 out.
struct ExampleOne {
  Book book;
  AccountId cash, a, b, c;
  TransactionId seed, out1, clean, out2;
  ExampleOne() {
    cash = book.Node(NodeKind::kCash);
    a = book.Account(1000);
    b = book.Account();
    c = book.Account();
    seed = book.Pay(1, cash, a, 500);
    out1 = book.Pay(2, a, b, 1200);
    clean = book.Pay(3, cash, a, 1000);
    out2 = book.Pay(4, a, c, 1300);
  }
};

struct Expected {
  Method method;
  int64_t out1, out2, held_b, held_c;
};

TEST(TraceMethodsTest, ExampleOneEachMethod) {
  for (Expected e : {Expected{Method::kLowestIntermediateBalance, 200, 300, 200, 300},
                     Expected{Method::kFifo, 200, 300, 200, 300},
                     Expected{Method::kLifo, 500, 0, 500, 0},
                     Expected{Method::kProRata, 400, 100, 400, 100}}) {
    SCOPED_TRACE(MethodName(e.method));
    ExampleOne x;
    Ledger ledger = x.book.MakeLedger();
    Trail trail = RunTrace(ledger, Seeds(e.method, {x.seed}));
    auto attributed = AttributedByTransaction(trail);
    EXPECT_EQ(attributed[x.seed], 500);
    EXPECT_EQ(attributed[x.out1], e.out1);
    EXPECT_EQ(attributed[x.out2], e.out2);
    EXPECT_EQ(attributed.count(x.clean), 0u);
    auto held = RemainingByAccount(trail);
    EXPECT_EQ(held[x.a], 0);
    EXPECT_EQ(held[x.b], e.held_b);
    EXPECT_EQ(held[x.c], e.held_c);
    ASSERT_EQ(trail.totals.size(), 1u);
    EXPECT_EQ(trail.totals[0].traced_in, 500);
    EXPECT_EQ(trail.totals[0].remaining, 500);
  }
}

// Example 2: the balance dips below the traced amount, then clean money comes back. Under LIBR
// the clean deposit does not replenish the traced fund.
TEST(TraceMethodsTest, LibrDipBelowTracedAmountIsNotReplenished) {
  Book book;
  AccountId cash = book.Node(NodeKind::kCash);
  AccountId a = book.Account();
  AccountId b = book.Account();
  TransactionId seed = book.Pay(1, cash, a, 100);
  TransactionId withdrawal = book.Pay(2, a, cash, 60);
  book.Pay(3, cash, a, 200);
  TransactionId out = book.Pay(4, a, b, 100);
  Ledger ledger = book.MakeLedger();
  struct Row { Method m; int64_t out; int64_t held_a; int64_t held_b; };
  for (Row r : {Row{Method::kLowestIntermediateBalance, 0, 40, 0}, Row{Method::kFifo, 40, 0, 40},
                Row{Method::kLifo, 0, 40, 0}, Row{Method::kProRata, 17, 23, 17}}) {
    SCOPED_TRACE(MethodName(r.m));
    Trail trail = RunTrace(ledger, Seeds(r.m, {seed}));
    auto attributed = AttributedByTransaction(trail);
    EXPECT_EQ(attributed[withdrawal], 60);
    EXPECT_EQ(attributed[out], r.out);
    auto held = RemainingByAccount(trail);
    EXPECT_EQ(held[a], r.held_a);
    EXPECT_EQ(held[b], r.held_b);
    EXPECT_EQ(trail.totals[0].exited[static_cast<int>(ExitKind::kCashWithdrawal)], 60);
  }
}

// Example 3: several traced deposits with a clean opening balance in between.
TEST(TraceMethodsTest, SeveralTracedDeposits) {
  Book book;
  AccountId cash = book.Node(NodeKind::kCash);
  AccountId a = book.Account(50);
  AccountId b = book.Account();
  AccountId c = book.Account();
  TransactionId seed1 = book.Pay(1, cash, a, 100);
  TransactionId out1 = book.Pay(2, a, b, 120);
  TransactionId seed2 = book.Pay(3, cash, a, 40);
  book.Pay(4, cash, a, 30);
  TransactionId out2 = book.Pay(5, a, c, 50);
  Ledger ledger = book.MakeLedger();
  struct Row { Method m; int64_t out1, out2, held_a, held_b, held_c; };
  for (Row r : {Row{Method::kLowestIntermediateBalance, 70, 20, 50, 70, 20},
                Row{Method::kFifo, 70, 50, 20, 70, 50}, Row{Method::kLifo, 100, 20, 20, 100, 20},
                Row{Method::kProRata, 80, 30, 30, 80, 30}}) {
    SCOPED_TRACE(MethodName(r.m));
    Trail trail = RunTrace(ledger, Seeds(r.m, {seed1, seed2}));
    auto attributed = AttributedByTransaction(trail);
    EXPECT_EQ(attributed[out1], r.out1);
    EXPECT_EQ(attributed[out2], r.out2);
    auto held = RemainingByAccount(trail);
    EXPECT_EQ(held[a], r.held_a);
    EXPECT_EQ(held[b], r.held_b);
    EXPECT_EQ(held[c], r.held_c);
    EXPECT_EQ(trail.totals[0].traced_in, 140);
  }
}

TEST(TraceMethodsTest, ProRataShareRoundsToNearestWithTiesToClean) {
  EXPECT_EQ(ProRataShare(1, 1, 2), 0);   // exactly half: the clean part keeps the unit
  EXPECT_EQ(ProRataShare(2, 1, 3), 1);   // 0.667
  EXPECT_EQ(ProRataShare(1, 1, 3), 0);   // 0.333
  EXPECT_EQ(ProRataShare(3, 1, 2), 1);   // 1.5: tie to clean
  EXPECT_EQ(ProRataShare(100, 40, 240), 17);
  EXPECT_EQ(ProRataShare(7, 7, 7), 7);
  EXPECT_EQ(ProRataShare(0, 5, 9), 0);
  // Near the int64 range the product needs 128 bits.
  EXPECT_EQ(ProRataShare(900'000'000'000'000'000, 300'000'000'000'000'000,
                         900'000'000'000'000'000),
            300'000'000'000'000'000);
}

TEST(TraceMethodsTest, SeedAccountTaintsOpeningBalanceAndEveryInflow) {
  Book book;
  AccountId cash = book.Node(NodeKind::kCash);
  AccountId merchant = book.Node(NodeKind::kMerchant);
  AccountId a = book.Account(100);
  AccountId b = book.Account(1000);
  TransactionId in = book.Pay(1, cash, a, 50);
  TransactionId out = book.Pay(2, a, b, 120);
  TransactionId spend = book.Pay(3, b, merchant, 1050);
  Ledger ledger = book.MakeLedger();
  TraceOptions o;
  o.seed_accounts = {a};
  Trail trail = RunTrace(ledger, o);
  auto attributed = AttributedByTransaction(trail);
  EXPECT_EQ(attributed[in], 50);
  EXPECT_EQ(attributed[out], 120);
  // LIBR: B's own 1,000 leave first; the balance falls to 70, so 50 of the 120 left with it.
  EXPECT_EQ(attributed[spend], 50);
  EXPECT_EQ(trail.totals[0].traced_in, 150);
  EXPECT_EQ(trail.totals[0].exited[static_cast<int>(ExitKind::kMerchant)], 50);
  auto held = RemainingByAccount(trail);
  EXPECT_EQ(held[a], 30);
  EXPECT_EQ(held[b], 70);
}

TEST(TraceMethodsTest, HopLimitStopsFollowingAndIsAccounted) {
  Book book;
  AccountId a = book.Account(100);
  AccountId b = book.Account();
  AccountId c = book.Account();
  AccountId merchant = book.Node(NodeKind::kMerchant);
  TransactionId t1 = book.Pay(1, a, b, 100);
  TransactionId t2 = book.Pay(2, b, c, 100);
  book.Pay(3, c, merchant, 50);
  Ledger ledger = book.MakeLedger();
  TraceOptions o;
  o.seed_accounts = {a};
  o.max_hops = 1;
  Trail trail = RunTrace(ledger, o);
  ASSERT_EQ(trail.flows.size(), 2u);
  EXPECT_EQ(trail.flows[0].transaction, t1);
  EXPECT_EQ(trail.flows[0].hop, 1u);
  EXPECT_EQ(trail.flows[1].transaction, t2);
  EXPECT_TRUE(trail.flows[1].is_exit);
  EXPECT_EQ(trail.flows[1].exit_kind, ExitKind::kHopLimit);
  EXPECT_EQ(trail.totals[0].exited[static_cast<int>(ExitKind::kHopLimit)], 100);
  EXPECT_TRUE(trail.holdings.empty());

  o.max_hops = 2;  // the merchant payment is hop 3
  trail = RunTrace(ledger, o);
  EXPECT_EQ(RemainingByAccount(trail)[c], 50);
  EXPECT_EQ(trail.totals[0].exited[static_cast<int>(ExitKind::kHopLimit)], 50);
  o.max_hops = 3;
  trail = RunTrace(ledger, o);
  EXPECT_EQ(trail.totals[0].exited[static_cast<int>(ExitKind::kMerchant)], 50);
}

TEST(TraceMethodsTest, MinimumAmountAndUntilLimit) {
  Book book;
  AccountId cash = book.Node(NodeKind::kCash);
  AccountId a = book.Account();
  AccountId b = book.Account();
  TransactionId seed = book.Pay(1, cash, a, 100);
  book.Pay(2, a, b, 5);
  book.Pay(3, a, b, 50);
  Ledger ledger = book.MakeLedger();
  TraceOptions o = Seeds(Method::kFifo, {seed});
  o.min_amount = 10;
  Trail trail = RunTrace(ledger, o);
  EXPECT_EQ(trail.totals[0].exited[static_cast<int>(ExitKind::kBelowMinimum)], 5);
  EXPECT_EQ(RemainingByAccount(trail)[b], 50);
  EXPECT_EQ(RemainingByAccount(trail)[a], 45);

  o.min_amount = 0;
  o.until = 2;
  trail = RunTrace(ledger, o);
  EXPECT_EQ(trail.transactions_applied, 2u);
  EXPECT_EQ(RemainingByAccount(trail)[a], 95);
  EXPECT_EQ(RemainingByAccount(trail)[b], 5);
}

TEST(TraceMethodsTest, ShortfallDrawsOnUnexplainedSourceAndIsReported) {
  Book book;
  AccountId cash = book.Node(NodeKind::kCash);
  AccountId a = book.Account();
  AccountId b = book.Account();
  TransactionId seed = book.Pay(1, cash, a, 50);
  TransactionId out = book.Pay(2, a, b, 80);
  Ledger ledger = book.MakeLedger();
  for (Method m : kAllMethods) {
    SCOPED_TRACE(MethodName(m));
    Trail trail = RunTrace(ledger, Seeds(m, {seed}));
    EXPECT_EQ(AttributedByTransaction(trail)[out], 50);
    ASSERT_EQ(trail.shortfalls.size(), 1u);
    EXPECT_EQ(trail.shortfalls[0].transaction, out);
    EXPECT_EQ(trail.shortfalls[0].account, a);
    EXPECT_EQ(trail.shortfalls[0].amount, 30);
  }
}

TEST(TraceMethodsTest, CurrencyConversionEndsTheTraceAsAnExit) {
  Book book;
  AccountId cash = book.Node(NodeKind::kCash);
  AccountId a = book.Account();
  AccountId b = book.Account();
  TransactionId seed = book.Pay(1, cash, a, 100, 0);
  TransactionId fx = book.Add({2, a, b, 100, 0, 90, 1});
  Ledger ledger = book.MakeLedger();
  Trail trail = RunTrace(ledger, Seeds(Method::kFifo, {seed}));
  ASSERT_EQ(trail.totals.size(), 1u);
  EXPECT_EQ(trail.totals[0].exited[static_cast<int>(ExitKind::kConversion)], 100);
  EXPECT_EQ(AttributedByTransaction(trail)[fx], 100);
  EXPECT_TRUE(trail.holdings.empty());
}

TEST(TraceMethodsTest, TransactionsApplyInTimeOrderNotIdOrder) {
  Book book;
  AccountId cash = book.Node(NodeKind::kCash);
  AccountId a = book.Account();
  AccountId b = book.Account();
  TransactionId out = book.Pay(5, a, b, 30);   // id 0, but later in time
  TransactionId seed = book.Pay(1, cash, a, 30);
  Ledger ledger = book.MakeLedger();
  ASSERT_EQ(ledger.order().size(), 2u);
  Trail trail = RunTrace(ledger, Seeds(Method::kLowestIntermediateBalance, {seed}));
  EXPECT_EQ(AttributedByTransaction(trail)[out], 30);
  EXPECT_TRUE(trail.shortfalls.empty());
}

TEST(TraceMethodsTest, RejectsBadSeedsAndParsesNames) {
  Book book;
  AccountId cash = book.Node(NodeKind::kCash);
  book.Account();
  Ledger ledger = book.MakeLedger();
  TraceOptions o;
  o.seed_accounts = {cash};
  EXPECT_EQ(Trace(ledger, o).status().code(), StatusCode::kInvalidArgument);
  o.seed_accounts = {99};
  EXPECT_EQ(Trace(ledger, o).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*ParseMethod("pro-rata"), Method::kProRata);
  EXPECT_EQ(*ParseMethod("libr"), Method::kLowestIntermediateBalance);
  EXPECT_FALSE(ParseMethod("hifo").ok());
  EXPECT_FALSE(ParseDirection("sideways").ok());
}

}  // namespace
}  // namespace moneytrail::trace
