// Temporal cycle enumerator: micro cases, the reference histograms of
// shared/data/cycles/README.md (all but the 1M-edge graph, which is in the slow test), options,
// and a brute-force oracle on random multigraphs.
#include "moneytrail/temporal_cycles.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>

#include "patterns/temporal_cycles_test_util.h"

namespace moneytrail::patterns {
namespace {

using testing::Collect;
using testing::Cycle;
using testing::EdgeColumns;
using testing::HistogramText;
using testing::Oracle;
using testing::SharedData;

TemporalCycleCounts CountFile(const std::string& relative, Timestamp window, int threads = 2) {
  EdgeColumns g;
  EXPECT_TRUE(testing::LoadEdgeList(SharedData(relative), g)) << relative;
  TemporalCycleOptions o;
  o.window = window;
  o.threads = threads;
  auto counts = CountTemporalCycles(g.View(), o);
  EXPECT_TRUE(counts.ok()) << counts.status().ToString();
  return counts.ok() ? *counts : TemporalCycleCounts{};
}

TEST(TemporalCyclesTest, WindowIsInclusive) {
  EXPECT_EQ(CountFile("cycles/micro/boundary.txt", 9).total, 0u);
  const TemporalCycleCounts at_ten = CountFile("cycles/micro/boundary.txt", 10);
  EXPECT_EQ(at_ten.total, 1u);
  EXPECT_EQ(HistogramText(at_ten), "2:1");
}

TEST(TemporalCyclesTest, DuplicateAndParallelTransactionsEachCount) {
  EXPECT_EQ(HistogramText(CountFile("cycles/micro/dup.txt", 100)), "2:2");
  EXPECT_EQ(HistogramText(CountFile("cycles/micro/par.txt", 100)), "2:2");
}

TEST(TemporalCyclesTest, EqualTimesAndDecreasingTimesNeverChain) {
  EXPECT_EQ(CountFile("cycles/micro/tie.txt", 100).total, 0u);
  EXPECT_EQ(CountFile("cycles/micro/nonmono.txt", 100).total, 0u);
}

TEST(TemporalCyclesTest, ReferenceHistogramsOfSmallGraphs) {
  EXPECT_EQ(HistogramText(CountFile("cycles/tiny_50_400.txt", 20)), "2:21 3:32 4:22 5:18 6:9");
  EXPECT_EQ(HistogramText(CountFile("cycles/small_200_2000.txt", 50)), "2:10");
  EXPECT_EQ(HistogramText(CountFile("cycles/small_200_2000.txt", 200)),
            "2:30 3:50 4:78 5:80 6:50 7:24 8:6 9:2 10:2");
  EXPECT_EQ(HistogramText(CountFile("cycles/dense_200_2000.txt", 10)), "2:12 3:3 4:1");
  EXPECT_EQ(HistogramText(CountFile("cycles/dense_200_2000.txt", 30)),
            "2:27 3:36 4:47 5:40 6:16 7:4 8:1");
}

class AmlSimTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    graph_ = new EdgeColumns();  // NOLINT: shared by the suite, freed in TearDownTestSuite
    ASSERT_TRUE(testing::LoadAmlSim(SharedData("amlsim/20K_cycle200/transactions.csv"), *graph_));
  }
  static void TearDownTestSuite() {
    delete graph_;
    graph_ = nullptr;
  }
  static TemporalCycleCounts Count(int steps, int threads = 2) {
    TemporalCycleOptions o;
    o.window = static_cast<Timestamp>(steps) * 86400;
    o.threads = threads;
    auto counts = CountTemporalCycles(graph_->View(), o);
    EXPECT_TRUE(counts.ok()) << counts.status().ToString();
    return counts.ok() ? *counts : TemporalCycleCounts{};
  }
  static EdgeColumns* graph_;
};
EdgeColumns* AmlSimTest::graph_ = nullptr;

TEST_F(AmlSimTest, ReferenceCountsAtEveryWindow) {
  EXPECT_EQ(HistogramText(Count(10)), "2:126 3:32 4:3");
  EXPECT_EQ(Count(20).total, 473u);
  EXPECT_EQ(Count(50).total, 2038u);
  EXPECT_EQ(Count(149).total, 47319u);
}

TEST_F(AmlSimTest, OneAndTwoThreadsGiveTheSameCyclesInTheSameOrder) {
  TemporalCycleOptions o;
  o.window = 50 * 86400;
  o.threads = 1;
  const std::vector<Cycle> one = Collect(graph_->View(), o);
  o.threads = 2;
  const std::vector<Cycle> two = Collect(graph_->View(), o);
  EXPECT_EQ(one.size(), 2038u);
  EXPECT_EQ(one, two);
}

TEST_F(AmlSimTest, PlainPrunedAndMeetInTheMiddleSearchesFindTheSameCycles) {
  TemporalCycleOptions o;
  o.window = 30 * 86400;
  o.search_budget = UINT64_MAX;  // never prune
  const std::vector<Cycle> plain = Collect(graph_->View(), o);
  o.search_budget = 0;  // always prune with closing times
  o.closing_budget = UINT64_MAX;
  const std::vector<Cycle> pruned = Collect(graph_->View(), o);
  o.closing_budget = 0;  // always meet in the middle
  const std::vector<Cycle> meet = Collect(graph_->View(), o);
  EXPECT_FALSE(plain.empty());
  EXPECT_EQ(pruned, plain);
  EXPECT_EQ(meet, plain);
}

TEST_F(AmlSimTest, MaxLengthKeepsTheShortCycles) {
  TemporalCycleOptions o;
  o.window = 50 * 86400;
  o.max_length = 3;
  auto counts = CountTemporalCycles(graph_->View(), o);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(HistogramText(*counts), "2:432 3:706");
}

TEST(TemporalCyclesTest, CyclesAreReportedInTimeOrderWithTheRootFirst) {
  EdgeColumns g;
  g.Add(5, 6, 30);   // 0: not part of any cycle
  g.Add(1, 2, 10);   // 1
  g.Add(2, 3, 11);   // 2
  g.Add(3, 1, 12);   // 3
  g.Add(2, 1, 13);   // 4
  TemporalCycleOptions o;
  o.window = 100;
  const std::vector<Cycle> cycles = Collect(g.View(), o);
  EXPECT_EQ(cycles, (std::vector<Cycle>{{1, 2, 3}, {1, 4}}));
}

TEST(TemporalCyclesTest, TimesSpanningCenturiesAndHugeWindowsStayExact) {
  EdgeColumns g;
  g.Add(1, 2, -4'000'000'000'000'000'000);  // 0
  g.Add(2, 1, -3'999'999'999'999'999'995);  // 1
  g.Add(1, 2, 0);                           // 2
  g.Add(2, 1, 4'000'000'000'000'000'000);   // 3
  for (Timestamp window : {Timestamp{4}, Timestamp{5}, INT64_MAX}) {
    TemporalCycleOptions o;
    o.window = window;
    EXPECT_EQ(Collect(g.View(), o), Oracle(g, o).Run()) << "window " << window;
  }
  TemporalCycleOptions o;
  o.window = INT64_MAX;
  EXPECT_EQ(Collect(g.View(), o), (std::vector<Cycle>{{0, 1}, {0, 3}, {2, 3}, {1, 2}}));
}

TEST(TemporalCyclesTest, LimitStopsAfterThatManyCycles) {
  EdgeColumns g;
  g.Add(1, 2, 10);
  g.Add(2, 1, 11);
  g.Add(2, 1, 12);
  g.Add(2, 1, 13);
  TemporalCycleOptions o;
  o.window = 100;
  o.limit = 2;
  TemporalCycleCounts counts;
  const std::vector<Cycle> cycles = Collect(g.View(), o, &counts);
  EXPECT_EQ(cycles.size(), 2u);
  EXPECT_EQ(counts.total, 2u);
  EXPECT_TRUE(counts.truncated);
}

TEST(TemporalCyclesTest, RejectsBadOptionsAndColumns) {
  EdgeColumns g;
  g.Add(1, 2, 10);
  TemporalCycleOptions o;
  o.window = -1;
  EXPECT_EQ(CountTemporalCycles(g.View(), o).status().code(), StatusCode::kInvalidArgument);
  o.window = 10;
  o.max_length = 1;
  EXPECT_EQ(CountTemporalCycles(g.View(), o).status().code(), StatusCode::kInvalidArgument);
  o.max_length = 0;
  o.min_amount = Decimal{5, 0};
  EXPECT_EQ(CountTemporalCycles(g.View(), o).status().code(), StatusCode::kInvalidArgument);
  TemporalEdges short_source = g.View();
  short_source.source = {};
  EXPECT_EQ(CountTemporalCycles(short_source, TemporalCycleOptions{}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(TemporalCyclesTest, DecayBoundsAndMinimumAmountFollowExactDecimals) {
  EdgeColumns g;
  g.Add(1, 2, 10, 10000, 2);  // 0: 100.00
  g.Add(2, 3, 11, 9000, 2);   // 1: 90.00 keeps 90%
  g.Add(3, 1, 12, 8100, 2);   // 2: 81.00 keeps 90%
  g.Add(2, 1, 13, 101, 0);    // 3: 101, grows
  TemporalCycleOptions o;
  o.window = 100;
  o.min_keep_percent = Decimal{90, 0};
  EXPECT_EQ(Collect(g.View(true), o), (std::vector<Cycle>{{0, 1, 2}}));
  o.min_keep_percent = Decimal{9001, 2};  // 90.01%
  EXPECT_TRUE(Collect(g.View(true), o).empty());
  o.min_keep_percent.reset();
  o.min_amount = Decimal{8101, 2};
  EXPECT_EQ(Collect(g.View(true), o), (std::vector<Cycle>{{0, 3}}));
}

// Random small multigraphs: few accounts (so many parallel transactions), few distinct times
// (so many ties), windows at the edges, random options; the enumerator must equal the oracle,
// cycle for cycle and in order, whatever the threads and the search budget.
TEST(TemporalCyclesOracleTest, MatchesBruteForceOnRandomMultigraphs) {
  size_t total_cycles = 0;
  size_t graphs_with_cycles = 0;
  for (uint32_t seed = 1; seed <= 600; ++seed) {
    std::mt19937 rng(seed);
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    EdgeColumns g;
    const int accounts = pick(2, 7);
    const int span = pick(1, 14);
    const int edges = pick(1, 22);
    for (int i = 0; i < edges; ++i) {
      if (i > 0 && pick(0, 9) == 0) {  // an exact duplicate
        const size_t j = static_cast<size_t>(pick(0, i - 1));
        g.Add(g.source[j], g.destination[j], g.time[j], g.amount_units[j], g.amount_scale[j]);
        continue;
      }
      g.Add(static_cast<AccountId>(pick(0, accounts - 1)),
            static_cast<AccountId>(pick(0, accounts - 1)), pick(0, span), pick(50, 120),
            static_cast<uint8_t>(pick(0, 2)));
    }
    TemporalCycleOptions o;
    o.window = pick(0, 3) == 0 ? span : pick(0, span + 1);
    if (pick(0, 3) == 0) o.max_length = static_cast<uint32_t>(pick(2, 4));
    if (pick(0, 5) == 0) o.time_begin = pick(0, span);
    if (pick(0, 5) == 0) o.time_end = pick(0, span + 1);
    std::vector<AccountId> roots;
    if (pick(0, 5) == 0) {
      roots = {static_cast<AccountId>(pick(0, accounts - 1)),
               static_cast<AccountId>(pick(0, accounts - 1))};
      o.root_accounts = roots;
    }
    const bool amounts = pick(0, 4) == 0;
    if (amounts) {
      if (pick(0, 1) == 0) o.min_amount = Decimal{pick(50, 90), 0};
      if (pick(0, 1) == 0) o.min_keep_percent = Decimal{pick(0, 9000), 2};
      if (pick(0, 2) == 0) o.max_keep_percent = Decimal{pick(9000, 20000), 2};
      if (o.min_keep_percent && o.max_keep_percent &&
          o.min_keep_percent->units > o.max_keep_percent->units) {
        o.max_keep_percent = o.min_keep_percent;
      }
    }
    const std::vector<Cycle> expected = Oracle(g, o).Run();
    total_cycles += expected.size();
    graphs_with_cycles += expected.empty() ? 0 : 1;
    // Plain search only; closing times always; meeting in the middle always; mixed.
    const std::pair<uint64_t, uint64_t> budgets[] = {
        {UINT64_MAX, 0}, {0, UINT64_MAX}, {0, 0}, {3, 0}, {3, 5}};
    for (const auto& [search_budget, closing_budget] : budgets) {
      for (int threads : {1, 2}) {
        o.search_budget = search_budget;
        o.closing_budget = closing_budget;
        o.threads = threads;
        TemporalCycleCounts counts;
        const std::vector<Cycle> got = Collect(g.View(amounts), o, &counts);
        ASSERT_EQ(got, expected) << "seed " << seed << " search_budget " << search_budget
                                 << " closing_budget " << closing_budget << " threads "
                                 << threads;
        ASSERT_EQ(counts.total, expected.size()) << "seed " << seed;
        auto counted = CountTemporalCycles(g.View(amounts), o);
        ASSERT_TRUE(counted.ok()) << "seed " << seed;
        ASSERT_EQ(counted->total, expected.size()) << "seed " << seed;
      }
    }
  }
  // The random cases must exercise the enumerator, not only agree on nothing.
  EXPECT_GT(graphs_with_cycles, 200u);
  EXPECT_GT(total_cycles, 1000u);
  std::printf("oracle: %zu cycles in %zu of 600 graphs\n", total_cycles, graphs_with_cycles);
}

}  // namespace
}  // namespace moneytrail::patterns
