// Fan-in/out instances against a brute-force restatement of their definition
// (moneytrail/fan_instances.h) on many small random graphs; the per-account cap; the data's
// time resolution and the windows scaled to it.
#include "moneytrail/fan_instances.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <tuple>

#include "moneytrail/pattern_instances.h"
#include "patterns/oracle.h"

namespace moneytrail::patterns {
namespace {

using Key = std::tuple<PatternKind, AccountId, std::vector<TransactionId>, std::vector<AccountId>,
                       Timestamp, Timestamp>;

Key KeyOf(const PatternInstance& p) {
  return {p.kind, p.hub, p.transactions, p.accounts, p.first_time, p.last_time};
}

// The definition read literally: every causal window W(e) of every hub's in- (out-) list, kept
// when it has enough distinct counterparties and no other qualifying window of the hub holds it.
std::set<Key> BruteForce(const oracle::Case& c, const std::vector<uint8_t>& is_account,
                         Timestamp window, uint32_t min_counterparties) {
  auto account = [&](AccountId a) { return a < is_account.size() && is_account[a] != 0; };
  std::set<Key> out;
  for (PatternKind kind : {PatternKind::kFanIn, PatternKind::kFanOut}) {
    for (AccountId hub = 0; hub < is_account.size(); ++hub) {
      if (!account(hub)) continue;
      std::vector<size_t> list;  // transaction ids of the hub's side, in (time, id) order
      for (size_t t = 0; t < c.tx.size(); ++t) {
        const AccountId h = kind == PatternKind::kFanIn ? c.dst[t] : c.src[t];
        const AccountId other = kind == PatternKind::kFanIn ? c.src[t] : c.dst[t];
        if (h == hub && other != hub && account(other)) list.push_back(t);
      }
      std::sort(list.begin(), list.end(), [&](size_t a, size_t b) {
        return std::tie(c.time[a], a) < std::tie(c.time[b], b);
      });
      std::vector<std::vector<TransactionId>> windows;
      for (size_t e : list) {
        std::vector<TransactionId> w;
        std::set<AccountId> others;
        for (size_t f : list) {
          const bool before = std::tie(c.time[f], f) <= std::tie(c.time[e], e);
          if (before && c.time[f] >= c.time[e] - window) {
            w.push_back(static_cast<TransactionId>(f));
            others.insert(kind == PatternKind::kFanIn ? c.src[f] : c.dst[f]);
          }
        }
        std::sort(w.begin(), w.end());
        if (others.size() >= min_counterparties) windows.push_back(w);
      }
      for (const auto& w : windows) {
        bool held = false;
        for (const auto& v : windows) {
          held |= v != w && std::includes(v.begin(), v.end(), w.begin(), w.end());
        }
        if (held) continue;
        std::set<AccountId> accounts{hub};
        Timestamp first = c.time[w[0]], last = c.time[w[0]];
        for (TransactionId t : w) {
          accounts.insert(kind == PatternKind::kFanIn ? c.src[t] : c.dst[t]);
          first = std::min(first, c.time[t]);
          last = std::max(last, c.time[t]);
        }
        out.insert({kind, hub, w, {accounts.begin(), accounts.end()}, first, last});
      }
    }
  }
  return out;
}

TEST(FanInstancesTest, MatchBruteForceOnRandomGraphs) {
  int nonempty = 0;
  for (uint64_t seed = 1; seed <= 400; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed * 7919);
    const oracle::Case c = oracle::RandomCase(seed, 3 + seed % 10, 10 + seed % 90, 30);
    const uint32_t accounts =
        1 + std::max(*std::max_element(c.src.begin(), c.src.end()),
                     *std::max_element(c.dst.begin(), c.dst.end()));
    std::vector<uint8_t> is_account(accounts);
    for (auto& a : is_account) a = rng() % 5 != 0;  // some are cash desks or merchants
    FanInstanceOptions o;
    o.window = static_cast<Timestamp>(rng() % 12);
    o.min_counterparties = 1 + static_cast<uint32_t>(rng() % 4);
    o.cap_per_account = kNoInstanceCap;
    auto g = graph::TemporalGraph::Build(c.columns(), {});
    ASSERT_TRUE(g.ok());
    const InstanceSet got = FanInstances(*g, is_account, o);
    std::set<Key> keys;
    for (const PatternInstance& p : got.instances) {
      EXPECT_TRUE(keys.insert(KeyOf(p)).second) << "duplicate instance";
    }
    EXPECT_EQ(keys, BruteForce(c, is_account, o.window, o.min_counterparties));
    EXPECT_EQ(got.found, got.instances.size());
    nonempty += !keys.empty();
  }
  EXPECT_GT(nonempty, 100);  // the oracle is not only compared on empty sets
}

TEST(FanInstancesTest, AHubPaidByFiveAccountsInOneWindowIsOneFanInAboutTheHub) {
  oracle::Case c;
  for (AccountId payer = 1; payer <= 5; ++payer) {
    c.src.push_back(payer);
    c.dst.push_back(0);
    c.time.push_back(100 + payer);
    c.amount.push_back(1);
  }
  c.src.push_back(6);  // a cash desk: not an account, not a counterparty
  c.dst.push_back(0);
  c.time.push_back(103);
  c.amount.push_back(1);
  auto g = graph::TemporalGraph::Build(c.columns(), {});
  ASSERT_TRUE(g.ok());
  const std::vector<uint8_t> is_account = {1, 1, 1, 1, 1, 1, 0};
  InstanceSet got = FanInstances(*g, is_account, {.window = 10, .min_counterparties = 5});
  ASSERT_EQ(got.instances.size(), 1u);
  EXPECT_EQ(got.instances[0].kind, PatternKind::kFanIn);
  EXPECT_EQ(got.instances[0].hub, 0u);
  EXPECT_EQ(got.instances[0].transactions, (std::vector<TransactionId>{0, 1, 2, 3, 4}));
  EXPECT_EQ(got.instances[0].accounts, (std::vector<AccountId>{0, 1, 2, 3, 4, 5}));
  // A window one step too short sees at most four payers at once.
  EXPECT_TRUE(FanInstances(*g, is_account, {.window = 3, .min_counterparties = 5}).instances.empty());
  // Six required: the cash desk does not count.
  EXPECT_TRUE(FanInstances(*g, is_account, {.window = 10, .min_counterparties = 6}).instances.empty());
}

TEST(FanInstancesTest, PerAccountCapKeepsTheEarliestAndReportsTheRest) {
  oracle::Case c;  // hub 0 paid by 1 and 2 at times 0, 10, 20, 30: four separate fans of two
  for (Timestamp t = 0; t < 40; t += 10) {
    for (AccountId payer : {1u, 2u}) {
      c.src.push_back(payer);
      c.dst.push_back(0);
      c.time.push_back(t);
      c.amount.push_back(1);
    }
  }
  auto g = graph::TemporalGraph::Build(c.columns(), {});
  ASSERT_TRUE(g.ok());
  const std::vector<uint8_t> is_account = {1, 1, 1};
  InstanceSet all = FanInstances(*g, is_account, {.window = 0, .min_counterparties = 2,
                                                  .cap_per_account = kNoInstanceCap});
  ASSERT_EQ(all.instances.size(), 4u);
  InstanceSet capped = FanInstances(*g, is_account, {.window = 0, .min_counterparties = 2,
                                                     .cap_per_account = 2});
  ASSERT_EQ(capped.instances.size(), 2u);
  EXPECT_EQ(capped.instances[0].first_time, 0);
  EXPECT_EQ(capped.instances[1].first_time, 10);
}

TEST(FanInstancesTest, CombineKeepsBothSetsInInstanceOrder) {
  InstanceSet a, b;
  a.instances.push_back({PatternKind::kTemporalCycle, {3}, {1, 2}, 50, 50});
  b.instances.push_back({PatternKind::kFanIn, {1}, {1, 2, 3}, 10, 20, 1});
  a.found = 1;
  b.found = 1;
  b.capped_accounts = {{7, 2}};
  InstanceSet c = CombineInstances(a, b);
  ASSERT_EQ(c.instances.size(), 2u);
  EXPECT_EQ(c.instances[0].kind, PatternKind::kFanIn);
  EXPECT_EQ(c.found, 2u);
  EXPECT_EQ(c.capped_accounts, (std::vector<std::pair<AccountId, uint64_t>>{{7, 2}}));
}

TEST(TimeResolutionTest, WholeDaysAreDayResolutionAnythingElseSeconds) {
  EXPECT_EQ(DetectTimeResolution(std::vector<Timestamp>{0, 86400, 5 * 86400}), 86400);
  EXPECT_EQ(DetectTimeResolution(std::vector<Timestamp>{0, 86400, 86401}), 1);
  EXPECT_EQ(DetectTimeResolution(std::vector<Timestamp>{-86400, 1'700'006'400}), 86400);
  EXPECT_EQ(DetectTimeResolution(std::vector<Timestamp>{-1}), 1);
  EXPECT_EQ(DetectTimeResolution({}), 1);
}

TEST(TimeResolutionTest, DayResolutionTurnsEachHourOfAWindowIntoADay) {
  const PatternConfig defaults;
  EXPECT_EQ(ScaledToResolution(defaults, 1).ToString(), defaults.ToString());
  const PatternConfig days = ScaledToResolution(defaults, 86400);
  EXPECT_EQ(days.scatter_gather.window, 6 * 86400);
  EXPECT_EQ(days.fan.window, 12 * 86400);
  EXPECT_EQ(days.temporal_cycle.window, 24 * 86400);
  PatternConfig odd;
  odd.stack.window = 90 * 60;  // 1.5 h: rounded up to two steps
  EXPECT_EQ(ScaledToResolution(odd, 86400).stack.window, 2 * 86400);
}

}  // namespace
}  // namespace moneytrail::patterns
