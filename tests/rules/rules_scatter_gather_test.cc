// kind = "scatter_gather" (docs/rules.md, Built-in kinds): the engine against a brute-force
// enumeration of every set of legs on random stores, timed and date-only; a worked example; the
// pack's errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <tuple>

#include "rules_test_util.h"

namespace moneytrail::rules {
namespace {

using test::TestWorld;

struct Transfer {
  int64_t time;
  int src, dst;  // accounts 0..4; 6 = an external counterparty (a payer or a payee)
  int64_t cents;
};

constexpr int kExternal = 6;

std::string Account(int a) { return a == kExternal ? "external:MX:1" : "B:A" + std::to_string(a); }

// (source > sink) -> the evidence of each alert, in time order of the alerts.
using Episodes = std::map<std::string, std::vector<std::set<TransactionId>>>;

std::string Pack(int64_t hours, int min_intermediaries, int64_t min_cents) {
  return test::kHeader + "\n[[rule]]\nid = \"SG\"\ntitle = \"t\"\ncitation = \"c\"\nkind = \"scatter_gather\"\n"
                         "window = \"" + std::to_string(hours) + "h\"\n[rule.scatter]\nmin_intermediaries = " +
         std::to_string(min_intermediaries) + "\nmin_amount = \"" + FormatDecimal(Decimal{min_cents, 2}) +
         "\"\nmin_share = \"0.8\"\n";
}

struct Leg {
  int source, sink, via;
  int64_t start, end;
  size_t scatter, gather;
};

// Brute force over the definition: every leg (S -> X of at least min_cents, then X -> T of 0.8..1
// times it, X a bank account, S and T not both the outside counterparty, after it: later in (time, id), or on a later day when the store is date-only), every
// set of legs of one (S, T) with enough distinct X within the window, sets whose spans overlap
// merged. On date-only rows the window is a day shorter (never below 0): two dates count as
// within it only when they are at every hour of them (docs/rules.md, Date-only rows). nullopt
// when a (S, T) has too many legs to enumerate.
std::optional<Episodes> Oracle(const std::vector<Transfer>& txs, int64_t within, int k, int64_t min_cents,
                               bool date_only) {
  std::map<std::pair<int, int>, std::vector<Leg>> legs;
  const int64_t reach = date_only ? std::max<int64_t>(0, within - 86400) : within;
  for (size_t i = 0; i < txs.size(); ++i) {
    const Transfer& s = txs[i];
    if (s.src == s.dst || s.dst == kExternal || s.cents < min_cents) continue;
    for (size_t j = 0; j < txs.size(); ++j) {
      const Transfer& g = txs[j];
      // An outside payee may be the sink of an account's money, not of an outside payer's.
      if (g.src != s.dst || (g.dst == kExternal && s.src == kExternal) || g.dst == s.src || g.dst == g.src) continue;
      const bool after = date_only ? g.time > s.time : (g.time > s.time || (g.time == s.time && j > i));
      if (!after || g.time > s.time + reach) continue;
      if (g.cents > s.cents || g.cents * 10 < s.cents * 8) continue;
      legs[{s.src, g.dst}].push_back(Leg{s.src, g.dst, s.dst, s.time, g.time, i, j});
    }
  }
  Episodes out;
  for (const auto& [ends, list] : legs) {
    if (list.size() > 16) return std::nullopt;
    struct Found {
      int64_t start, end;
      std::set<TransactionId> ids;
    };
    std::vector<Found> found;
    for (uint32_t mask = 1; mask < (1u << list.size()); ++mask) {
      std::set<int> via;
      Found f{INT64_MAX, INT64_MIN, {}};
      for (size_t b = 0; b < list.size(); ++b) {
        if (!(mask & (1u << b))) continue;
        via.insert(list[b].via);
        f.start = std::min(f.start, list[b].start);
        f.end = std::max(f.end, list[b].end);
        f.ids.insert(static_cast<TransactionId>(list[b].scatter));
        f.ids.insert(static_cast<TransactionId>(list[b].gather));
      }
      if (static_cast<int>(via.size()) >= k && f.end - f.start <= reach) found.push_back(std::move(f));
    }
    std::sort(found.begin(), found.end(),
              [](const Found& x, const Found& y) { return std::tie(x.start, x.end, x.ids) < std::tie(y.start, y.end, y.ids); });
    for (size_t i = 0; i < found.size();) {
      int64_t end = found[i].end;
      std::set<TransactionId> ids;
      size_t j = i;
      for (; j < found.size() && found[j].start <= end; ++j) {
        end = std::max(end, found[j].end);
        ids.insert(found[j].ids.begin(), found[j].ids.end());
      }
      out[Account(ends.first) + ">" + Account(ends.second)].push_back(ids);
      i = j;
    }
  }
  return out;
}

Episodes FromAlerts(const store::Store& s, const std::vector<Alert>& alerts) {
  Episodes got;
  for (const Alert& a : alerts) {
    EXPECT_EQ(a.subjects.size(), 2u);
    if (a.subjects.size() != 2) continue;
    std::set<TransactionId> ids;
    for (const EvidenceItem& e : a.evidence) ids.insert(e.transaction);
    got[s.AccountLabel(a.subjects[0]) + ">" + s.AccountLabel(a.subjects[1])].push_back(ids);
  }
  return got;
}

#ifndef RULES_ORACLE_SEEDS
#define RULES_ORACLE_SEEDS 24
#endif

void CheckAgainstOracle(bool date_only) {
  int with_alerts = 0, checked = 0, outside_sinks = 0;
  for (uint64_t seed = 1; seed <= 2 * RULES_ORACLE_SEEDS; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed) + (date_only ? " (date-only)" : ""));
    std::mt19937_64 rng(seed * 7919);
    std::vector<Transfer> txs;
    const int n = 20 + static_cast<int>(rng() % 30);
    const int64_t start = test::T("2025-09-01T00:00:00Z");
    const int64_t amounts[] = {100000, 95000, 90000, 80000, 70000};
    for (int i = 0; i < n; ++i) {
      Transfer t;
      t.time = date_only ? start + static_cast<int64_t>(rng() % 5) * 86400
                         : start + static_cast<int64_t>(rng() % (4 * 24)) * 3600;  // whole hours: ties and edges
      t.src = static_cast<int>(rng() % 6);
      if (t.src == 5) t.src = kExternal;  // an outside payer the records name may be a source
      t.dst = static_cast<int>(rng() % 6);
      if (t.dst == 5) t.dst = kExternal;
      t.cents = amounts[rng() % 5];
      txs.push_back(t);
    }
    const int64_t hours = date_only ? 12 * (4 + static_cast<int64_t>(rng() % 7)) : 24 + static_cast<int64_t>(rng() % 96);
    const int k = 2 + static_cast<int>(rng() % 2);
    const int64_t min_cents = rng() % 2 ? 90000 : 0;
    const std::optional<Episodes> want = Oracle(txs, hours * 3600, k, min_cents, date_only);
    if (!want) continue;  // too many legs of one (source, sink) to enumerate every set
    ++checked;
    TestWorld w;
    for (const Transfer& t : txs) {
      w.Add(FormatIsoTime(t.time), Account(t.src), Account(t.dst), FormatDecimal(Decimal{t.cents, 2}), Channel::kWire,
            "", t.dst == kExternal ? "MX" : "");
    }
    const std::vector<Alert> alerts = w.Scan(Pack(hours, k, min_cents), {}, 1 + seed % 2);
    EXPECT_EQ(FromAlerts(w.store(), alerts), *want);
    with_alerts += !want->empty();
    for (const auto& [ends, episodes] : *want) outside_sinks += ends.ends_with(">" + Account(kExternal)) ? 1 : 0;
    if (::testing::Test::HasFailure()) break;
  }
  EXPECT_GT(checked, RULES_ORACLE_SEEDS);         // most stores are small enough to enumerate
  EXPECT_GT(with_alerts, RULES_ORACLE_SEEDS / 4);  // and they do contain scatter-gathers
  EXPECT_GT(outside_sinks, 0);                      // some gathered by a payee named outside the records
}

TEST(RuleScatterGatherTest, MatchesBruteForceOnRandomStores) { CheckAgainstOracle(false); }

TEST(RuleScatterGatherTest, MatchesBruteForceOnRandomDateOnlyStores) { CheckAgainstOracle(true); }

TEST(RuleScatterGatherTest, FindsTheSourceTheSinkAndEveryPayment) {
  TestWorld w;
  w.Add("2025-09-02T09:00:00Z", "B:S", "B:X1", "4000.00", Channel::kWire);   // 0
  w.Add("2025-09-02T09:05:00Z", "B:S", "B:X2", "3000.00", Channel::kWire);   // 1
  w.Add("2025-09-02T09:10:00Z", "B:S", "B:X3", "5000.00", Channel::kAch);    // 2
  w.Add("2025-09-03T10:00:00Z", "B:X1", "B:T", "3900.00", Channel::kWire);   // 3
  w.Add("2025-09-03T11:00:00Z", "B:X2", "B:T", "2950.00", Channel::kWire);   // 4
  w.Add("2025-09-04T12:00:00Z", "B:X3", "B:T", "4800.00", Channel::kWire);   // 5
  w.Add("2025-09-04T13:00:00Z", "B:X3", "B:T", "3900.00", Channel::kWire);   // 6: under 0.8 x 5000: not a leg
  w.Add("2025-09-20T13:00:00Z", "B:X1", "B:T", "3900.00", Channel::kWire);   // 7: outside the window
  w.Add("2025-09-02T12:00:00Z", "B:S", "cash:B:BR1", "5000.00", Channel::kCashWithdrawal);  // not an account
  const std::vector<Alert> alerts = w.Scan(Pack(7 * 24, 3, 100000));
  ASSERT_EQ(alerts.size(), 1u);
  const Alert& a = alerts[0];
  ASSERT_EQ(a.subjects.size(), 2u);
  EXPECT_EQ(w.store().AccountLabel(a.subjects[0]), "B:S");
  EXPECT_EQ(w.store().AccountLabel(a.subjects[1]), "B:T");
  EXPECT_EQ(TestWorld::Ids(a), (std::vector<TransactionId>{0, 1, 2, 3, 4, 5}));
  EXPECT_NE(a.sentence.find("$12,000.00"), std::string::npos) << a.sentence;  // scattered
  EXPECT_NE(a.sentence.find("$11,650.00"), std::string::npos) << a.sentence;  // gathered
  // Three intermediaries are not enough for min_intermediaries = 4.
  EXPECT_TRUE(w.Scan(Pack(7 * 24, 4, 100000)).empty());
}

TEST(RuleScatterGatherTest, DateOnlyForwardingOnTheSameDayIsNotALeg) {
  TestWorld w;  // every row at 00:00:00 UTC: a statement's dates
  w.Add("2025-09-02T00:00:00Z", "B:S", "B:X1", "4000.00", Channel::kWire);
  w.Add("2025-09-02T00:00:00Z", "B:S", "B:X2", "3000.00", Channel::kWire);
  w.Add("2025-09-02T00:00:00Z", "B:X1", "B:T", "3900.00", Channel::kWire);  // same date: order unknown
  w.Add("2025-09-03T00:00:00Z", "B:X2", "B:T", "2950.00", Channel::kWire);
  EXPECT_TRUE(w.Scan(Pack(72, 2, 100000)).empty());
  TestWorld again;  // the same, X1 forwarding on the next day: a leg
  again.Add("2025-09-02T00:00:00Z", "B:S", "B:X1", "4000.00", Channel::kWire);
  again.Add("2025-09-02T00:00:00Z", "B:S", "B:X2", "3000.00", Channel::kWire);
  again.Add("2025-09-03T00:00:00Z", "B:X1", "B:T", "3900.00", Channel::kWire);
  again.Add("2025-09-03T00:00:00Z", "B:X2", "B:T", "2950.00", Channel::kWire);
  EXPECT_EQ(again.Scan(Pack(72, 2, 100000)).size(), 1u);
}

TEST(RuleScatterGatherTest, PackErrorsNameTheKey) {
  auto parse = [](const std::string& body) {
    return RulePack::Parse(test::kHeader + "\n[[rule]]\nid = \"SG\"\ntitle = \"t\"\ncitation = \"c\"\n" + body, "t.toml")
        .status()
        .ToString();
  };
  EXPECT_NE(parse("kind = \"scatter_gather\"\nwindow = \"day\"\n[rule.scatter]\n").find("duration window"),
            std::string::npos);
  EXPECT_NE(parse("kind = \"scatter_gather\"\nwindow = \"7d\"\n[rule.scatter]\nmin_intermediaries = 1\n")
                .find("scatter.min_intermediaries"),
            std::string::npos);
  EXPECT_NE(parse("kind = \"scatter_gather\"\nwindow = \"7d\"\n[rule.scatter]\nfanout = 3\n").find("unknown key 'fanout'"),
            std::string::npos);
  EXPECT_NE(parse("kind = \"scatter_gather\"\nwindow = \"7d\"\n").find("[rule.scatter]"), std::string::npos);
  EXPECT_NE(parse("window = \"7d\"\n[rule.scatter]\n[rule.match]\n[rule.when]\ncount = { at_least = 1 }\n").find("scatter_gather"),
            std::string::npos);
}

}  // namespace
}  // namespace moneytrail::rules
