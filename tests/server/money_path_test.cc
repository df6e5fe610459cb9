// CaseGraph::WidestPath (the link chart's money-weighted path, issue #23) against a brute-force
// oracle: every simple path of at most max_hops hops enumerated over hop sums computed here from
// the store's columns, ranked by bottleneck (largest first), hops (fewest first), then the
// sequence of ids; on many small seeded random stores, with and without filters.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "moneytrail/money.h"
#include "moneytrail/store.h"
#include "server/case_fixture.h"
#include "server/case_graph.h"

namespace moneytrail::server {
namespace {

namespace fs = std::filesystem;

struct Oracle {
  std::vector<AccountId> nodes;
  DecimalSum bottleneck;
};

// The best simple path by enumeration; nullopt when none.
std::optional<Oracle> BruteForce(const store::Store& s, AccountId from, AccountId to, const FlowFilter& f,
                                 uint16_t currency, int max_hops, bool through) {
  std::map<std::pair<AccountId, AccountId>, DecimalSum> hop;
  for (TransactionId t = 0; t < s.transaction_count(); ++t) {
    const AccountId u = s.source()[t], v = s.destination()[t];
    if (u == v || s.paid_currency()[t] != currency || s.time()[t] < f.from || s.time()[t] > f.to) continue;
    if ((f.channels & (1u << s.channel()[t])) == 0) continue;
    if (f.min_amount && CompareDecimal(s.amount_paid(t), *f.min_amount) < 0) continue;
    const std::pair<AccountId, AccountId> ends(u, v);
    EXPECT_TRUE(hop[ends].Add(s.amount_paid(t)).ok());
  }
  std::optional<Oracle> best;
  std::vector<AccountId> path{from};
  std::vector<bool> on(s.account_count(), false);
  on[from] = true;
  const auto better = [](const Oracle& a, const Oracle& b) {
    const int c = CompareSums(a.bottleneck, b.bottleneck);
    if (c != 0) return c > 0;
    if (a.nodes.size() != b.nodes.size()) return a.nodes.size() < b.nodes.size();
    return a.nodes < b.nodes;
  };
  std::function<void(std::optional<DecimalSum>)> walk = [&](std::optional<DecimalSum> width) {
    const AccountId u = path.back();
    if (u == to) {
      Oracle o{path, *width};
      if (!best || better(o, *best)) best = o;
      return;
    }
    if (static_cast<int>(path.size()) - 1 == max_hops) return;
    if (u != from && !through && s.account_kinds()[u] != NodeKind::kAccount) return;
    for (const auto& [ends, sum] : hop) {
      if (ends.first != u || on[ends.second]) continue;
      on[ends.second] = true;
      path.push_back(ends.second);
      walk(!width || CompareSums(sum, *width) < 0 ? sum : *width);
      path.pop_back();
      on[ends.second] = false;
    }
  };
  walk(std::nullopt);
  return best;
}

TEST(MoneyPathTest, WidestPathIsWhatEnumeratingEverySimplePathRanksFirst) {
  int found = 0, compared = 0;
  for (uint32_t seed = 1; seed <= 40; ++seed) {
    const fs::path dir = fs::temp_directory_path() / ("mt-widest-" + std::to_string(::getpid()) + "-" + std::to_string(seed));
    fs::remove_all(dir);
    const int accounts = 4 + static_cast<int>(seed % 5);
    ASSERT_TRUE(testing::WriteRandomStore(dir, seed, {.accounts = accounts, .others = 2, .transactions = 20 + static_cast<int>(seed % 40)}))
        << "seed " << seed;
    auto s = store::Store::Open(dir);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    const CaseGraph g = CaseGraph::Build(*s);
    std::mt19937 rng(seed);
    for (int query = 0; query < 15; ++query) {
      const AccountId from = static_cast<AccountId>(rng() % s->account_count());
      AccountId to = static_cast<AccountId>(rng() % s->account_count());
      if (to == from) to = (to + 1) % s->account_count();
      FlowFilter f;
      if (rng() % 3 == 0) {
        f.from = 1'756'684'800 + static_cast<Timestamp>(rng() % (10 * 86400));
        f.to = f.from + static_cast<Timestamp>(rng() % (25 * 86400));
      }
      if (rng() % 4 == 0) f.channels = static_cast<uint32_t>(rng()) | 1u;
      if (rng() % 4 == 0) f.min_amount = Decimal{static_cast<int64_t>(rng() % 300000), 2};
      const uint16_t currency = static_cast<uint16_t>(rng() % 2);
      const int max_hops = 1 + static_cast<int>(rng() % 4);
      const bool through = rng() % 3 == 0;
      auto got = g.WidestPath(from, to, f, currency, max_hops, through, 1'000'000);
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      const auto want = BruteForce(*s, from, to, f, currency, max_hops, through);
      ++compared;
      ASSERT_EQ(got->has_value(), want.has_value()) << "seed " << seed << " query " << query;
      if (!want) continue;
      ++found;
      EXPECT_EQ((*got)->nodes, want->nodes) << "seed " << seed << " query " << query;
      EXPECT_EQ(CompareSums((*got)->bottleneck, want->bottleneck), 0)
          << "seed " << seed << " query " << query << ": " << (*got)->bottleneck.ToString() << " vs "
          << want->bottleneck.ToString();
    }
    fs::remove_all(dir);
  }
  // The random stores must exercise both answers.
  EXPECT_GT(found, compared / 10);
  EXPECT_LT(found, compared);
}

TEST(MoneyPathTest, WidestPathStopsPastItsBudget) {
  const fs::path dir = fs::temp_directory_path() / ("mt-widest-budget-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  ASSERT_TRUE(testing::WriteRandomStore(dir, 3, {.accounts = 6, .others = 0, .transactions = 400}));
  auto s = store::Store::Open(dir);
  ASSERT_TRUE(s.ok());
  const CaseGraph g = CaseGraph::Build(*s);
  auto got = g.WidestPath(0, 1, FlowFilter{}, 0, 4, false, 10);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kResourceExhausted);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace moneytrail::server
