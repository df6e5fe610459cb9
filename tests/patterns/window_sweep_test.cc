// The sweep's cache of kept vertex-statistics windows (a stream's busy lists): which windows it
// keeps across the calls that drop unused ones, and that the values do not depend on it.
#include "patterns/window_sweep.h"

#include <gtest/gtest.h>
#include <tbb/task_arena.h>

#include <cstring>
#include <numeric>
#include <random>
#include <vector>

namespace moneytrail::patterns::internal {
namespace {

// Rows 0..253: one transaction each between two fresh accounts (short lists, never kept) at
// times 0..253. Rows 254..353: account 0 pays accounts 1..100 at times 1000..1099 (a list of
// 100, every query's window holding all earlier ones).
struct Fixture {
  static constexpr size_t kSmall = 254, kBusy = 100;
  std::vector<AccountId> source, destination;
  std::vector<Timestamp> time;
  std::vector<double> amount;
  std::vector<TransactionId> id;
  Fixture() {
    for (size_t i = 0; i < kSmall; ++i) {
      Add(static_cast<AccountId>(1000 + 2 * i), static_cast<AccountId>(1001 + 2 * i),
          static_cast<Timestamp>(i));
    }
    for (size_t k = 0; k < kBusy; ++k) {
      Add(0, static_cast<AccountId>(1 + k), static_cast<Timestamp>(1000 + k));
    }
  }
  void Add(AccountId s, AccountId d, Timestamp t) {
    source.push_back(s);
    destination.push_back(d);
    time.push_back(t);
    amount.push_back(static_cast<double>(source.size() % 7) + 0.5);
    id.push_back(static_cast<TransactionId>(id.size()));
  }
  graph::EdgeColumns Rows(size_t first, size_t count) const {
    return {std::span(source).subspan(first, count), std::span(destination).subspan(first, count),
            std::span(time).subspan(first, count), std::span(amount).subspan(first, count),
            std::span(id).subspan(first, count)};
  }
};

PatternConfig VertexStatsOnly() {
  PatternConfig c;
  for (PatternSettings* s : {&c.fan, &c.scatter_gather, &c.gather_scatter, &c.bipartite,
                             &c.stack, &c.temporal_cycle, &c.simple_cycle}) {
    s->enabled = false;
  }
  c.vertex_stats.enabled = true;
  c.vertex_stats.window = 10000;
  return c;
}

// Calls 1..254 query the short lists, one row each; call 255 asks for the busy list's window
// (its first 46 queries), call 256, which drops unused windows, must build it (it used to
// erase the entry call 255 had made before filling it). Every call's values equal the sweep's
// without a cache.
TEST(WindowSweepTest, AWindowWantedByTheCallBeforeAnEvictingCallIsBuiltByIt) {
  const Fixture f;
  auto g = graph::TemporalGraph::Build({f.source, f.destination, f.time, f.amount, f.id}, {});
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  const PatternConfig config = VertexStatsOnly();
  const Layout layout(config);
  SweepCachePtr cache = MakeSweepCache();
  auto call = [&](size_t first, size_t count) {
    const graph::EdgeColumns rows = f.Rows(first, count);
    std::vector<double> with(count * layout.width, 0.0), without(count * layout.width, 0.0);
    SweepFanAndVertexStats(*g, rows, config, layout, with, cache.get());
    SweepFanAndVertexStats(*g, rows, config, layout, without);
    ASSERT_EQ(std::memcmp(with.data(), without.data(), with.size() * sizeof(double)), 0)
        << "rows " << first << ".." << first + count;
  };
  for (size_t i = 0; i < Fixture::kSmall; ++i) call(i, 1);
  EXPECT_EQ(KeptWindowCount(*cache), 0u);
  call(Fixture::kSmall, 46);  // call 255: the busy list's window is wanted
  EXPECT_EQ(KeptWindowCount(*cache), 0u);
  call(Fixture::kSmall + 46, Fixture::kBusy - 46);  // call 256: builds it, then drops unused
  EXPECT_EQ(KeptWindowCount(*cache), 1u);
}

// The grouping of rows by account runs in parts of at least 16,384 rows, one per thread of the
// arena: a world large enough for 1, 2 and 4 parts (rows out of time order, self-loops, busy
// and idle accounts) gives the same bits whatever the number of parts.
TEST(WindowSweepTest, ValuesDoNotDependOnHowManyPartsGroupTheRows) {
  constexpr size_t kRows = 70000;
  std::mt19937_64 rng(11);
  std::vector<AccountId> source(kRows), destination(kRows);
  std::vector<Timestamp> time(kRows);
  std::vector<double> amount(kRows);
  std::vector<TransactionId> id(kRows);
  for (size_t r = 0; r < kRows; ++r) {
    // A fifth of the rows between 20 busy accounts, the rest among 20,000.
    const AccountId range = rng() % 5 == 0 ? 20 : 20000;
    source[r] = static_cast<AccountId>(rng() % range);
    destination[r] = rng() % 50 == 0 ? source[r] : static_cast<AccountId>(rng() % range);
    time[r] = static_cast<Timestamp>(rng() % 400000);
    amount[r] = static_cast<double>(1 + rng() % 1000000) / 100.0;
    id[r] = static_cast<TransactionId>(r);
  }
  const graph::EdgeColumns rows{source, destination, time, amount, id};
  auto g = graph::TemporalGraph::Build(rows, {});
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  PatternConfig config = VertexStatsOnly();
  config.fan.enabled = true;
  config.fan.window = 3600;
  config.fan.bins = {2, 3, 5};
  const Layout layout(config);
  auto sweep = [&](int threads) {
    std::vector<double> values(kRows * layout.width, 0.0);
    tbb::task_arena(threads).execute(
        [&] { SweepFanAndVertexStats(*g, rows, config, layout, values); });
    return values;
  };
  const std::vector<double> one = sweep(1);
  for (int threads : {2, 4}) {
    const std::vector<double> many = sweep(threads);
    ASSERT_EQ(std::memcmp(one.data(), many.data(), one.size() * sizeof(double)), 0)
        << threads << " threads";
  }
}

}  // namespace
}  // namespace moneytrail::patterns::internal
