// The engine (incremental windows, business-day keys, episode merging) against a brute-force
// evaluator that recomputes every window from scratch, on many small random stores (seeded; the
// seed is printed on failure).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "rules_test_util.h"

namespace moneytrail::rules {
namespace {

using test::TestWorld;

struct Tx {
  int64_t time;
  int src, dst;   // account index; -1 cash desk, -2 external (MX)
  int64_t cents;
  Channel channel;
};

std::string Label(int a) { return a >= 0 ? "B:A" + std::to_string(a) : a == -1 ? "cash:B:BR1" : "external:MX:1"; }

std::vector<Tx> RandomTxs(std::mt19937_64& rng) {
  std::vector<Tx> txs;
  const int n = 30 + static_cast<int>(rng() % 90);
  const int64_t start = test::T("2025-08-29T00:00:00Z");
  // Channel::kCash is generic cash between two accounts (IBM AMLworld's "Cash"): a deposit into
  // its destination and a withdrawal from its source wherever a rule names cash_deposit or
  // cash_withdrawal.
  const Channel channels[] = {Channel::kCashDeposit, Channel::kWire, Channel::kAch, Channel::kCashWithdrawal,
                              Channel::kCash};
  for (int i = 0; i < n; ++i) {
    Tx t;
    t.time = start + static_cast<int64_t>(rng() % (12 * 86400)) / 3600 * 3600;  // whole hours: ties and exact window edges
    t.channel = channels[rng() % 5];
    int a = static_cast<int>(rng() % 4), b = static_cast<int>(rng() % 4);
    t.src = t.channel == Channel::kCashDeposit ? -1 : a;
    t.dst = t.channel == Channel::kCashWithdrawal ? -1 : (t.channel == Channel::kWire && rng() % 2) ? -2 : b;
    t.cents = 100 + static_cast<int64_t>(rng() % 900000);
    txs.push_back(t);
  }
  return txs;
}

int Weekday(int64_t day) { return static_cast<int>(((day + 3) % 7 + 7) % 7); }
bool Business(int64_t day) { return Weekday(day) < 5 && day != DaysFromCivil(2025, 9, 1); }
// Brute force: walk forward to the business day, then count business days since a fixed origin.
int64_t BusinessOrdinal(int64_t t) {
  int64_t day = t / 86400, sec = t % 86400;
  if (!(Business(day) && sec < 17 * 3600)) {
    do ++day;
    while (!Business(day));
  }
  int64_t n = 0;
  for (int64_t d = DaysFromCivil(2025, 1, 1); d < day; ++d) n += Business(d);
  return n;
}

using EvidenceSets = std::map<std::string, std::vector<std::set<TransactionId>>>;

// Subjects of the brute force: each group of accounts is one subject, named "E<entity>" when
// entity[group's first account] > 0, else by its account label. A transaction between two
// accounts of one entity belongs to no subject.
struct Grouping {
  std::vector<std::vector<int>> groups = {{0}, {1}, {2}, {3}};
  int entity[4] = {0, 0, 0, 0};
  bool In(size_t g, int account) const {
    return std::find(groups[g].begin(), groups[g].end(), account) != groups[g].end();
  }
  bool Internal(const Tx& t) const { return t.src >= 0 && t.dst >= 0 && entity[t.src] > 0 && entity[t.src] == entity[t.dst]; }
  std::string Name(size_t g) const {
    int e = entity[groups[g][0]];
    return e > 0 ? "E" + std::to_string(e) : Label(groups[g][0]);
  }
};

// Accounts 0-3 get entity 0 (none), 1 or 2 at random.
Grouping RandomGrouping(std::mt19937_64& rng) {
  Grouping g;
  g.groups.clear();
  std::map<int, std::vector<int>> by_entity;
  for (int a = 0; a < 4; ++a) {
    g.entity[a] = static_cast<int>(rng() % 3);
    if (g.entity[a] == 0) g.groups.push_back({a});
    else by_entity[g.entity[a]].push_back(a);
  }
  for (auto& [e, accounts] : by_entity) g.groups.push_back(accounts);
  return g;
}

void Merge(std::vector<std::pair<std::pair<int, int>, std::pair<int, int>>>& eps, int alo, int ahi, int blo, int bhi) {
  if (!eps.empty()) {
    auto& last = eps.back();
    bool b_nonempty = bhi > blo;
    if (alo < last.first.second || (b_nonempty && blo < last.second.second)) {
      last.first.first = std::min(last.first.first, alo);
      last.first.second = std::max(last.first.second, ahi);
      if (b_nonempty) {
        last.second.first = last.second.second > last.second.first ? std::min(last.second.first, blo) : blo;
        last.second.second = std::max(last.second.second, bhi);
      }
      return;
    }
  }
  eps.push_back({{alo, ahi}, {blo, bhi}});
}

// Aggregate: deposits and wires into an account; window by seconds or business days.
EvidenceSets OracleAggregate(const std::vector<Tx>& txs, bool business, int64_t length, int min_count,
                             int64_t sum_over, int min_distinct, const Grouping& grouping = {}) {
  EvidenceSets out;
  for (size_t g = 0; g < grouping.groups.size(); ++g) {
    std::vector<int> ev;
    for (size_t i = 0; i < txs.size(); ++i) {
      const Channel ch = txs[i].channel;
      if (grouping.In(g, txs[i].dst) && !grouping.Internal(txs[i]) &&
          (ch == Channel::kCashDeposit || ch == Channel::kCash || ch == Channel::kWire)) {
        ev.push_back(static_cast<int>(i));
      }
    }
    std::stable_sort(ev.begin(), ev.end(), [&](int x, int y) { return txs[x].time < txs[y].time; });
    std::vector<std::pair<std::pair<int, int>, std::pair<int, int>>> eps;
    for (size_t j = 0; j < ev.size(); ++j) {
      int64_t kj = business ? BusinessOrdinal(txs[ev[j]].time) : txs[ev[j]].time;
      if (business && j + 1 < ev.size() && BusinessOrdinal(txs[ev[j + 1]].time) == kj) continue;
      size_t lo = 0;
      while (lo <= j && (business ? BusinessOrdinal(txs[ev[lo]].time) < kj - (length - 1)
                                  : txs[ev[lo]].time < kj - length)) {
        ++lo;
      }
      int64_t sum = 0;
      std::set<int> cps;
      for (size_t i = lo; i <= j; ++i) {
        sum += txs[ev[i]].cents;
        cps.insert(txs[ev[i]].src);
      }
      if (static_cast<int>(j - lo + 1) >= min_count && sum > sum_over && static_cast<int>(cps.size()) >= min_distinct) {
        Merge(eps, static_cast<int>(lo), static_cast<int>(j + 1), 0, 0);
      }
    }
    for (auto& e : eps) {
      std::set<TransactionId> ids;
      for (int i = e.first.first; i < e.first.second; ++i) ids.insert(static_cast<TransactionId>(ev[i]));
      out[grouping.Name(g)].push_back(ids);
    }
  }
  return out;
}

// The reach of a window of `length` seconds before a date-only row (docs/rules.md, Date-only
// rows): as far back as holds for every hour of the row's date, `length` less one day, never below 0.
int64_t DateOnlyReach(int64_t length) { return std::max<int64_t>(0, length - 86400); }

// Sequence: cash deposits in, then wires out to MX within `length` seconds, out/in >= 0.8. With
// `date_only` (every row at 00:00:00 UTC, no statement lines: no posting order), only deposits of
// earlier days precede a wire, and only those of the days within DateOnlyReach(length); the wires
// counted run from the day after the earliest deposit's (none of its own date is shown after it).
EvidenceSets OracleSequence(const std::vector<Tx>& txs, int64_t length, const Grouping& grouping = {},
                            bool date_only = false) {
  EvidenceSets out;
  for (size_t g = 0; g < grouping.groups.size(); ++g) {
    std::vector<int> a, b;
    for (size_t i = 0; i < txs.size(); ++i) {
      const bool deposit = txs[i].channel == Channel::kCashDeposit || txs[i].channel == Channel::kCash;
      if (grouping.In(g, txs[i].dst) && !grouping.Internal(txs[i]) && deposit) a.push_back(static_cast<int>(i));
      if (grouping.In(g, txs[i].src) && txs[i].dst == -2) b.push_back(static_cast<int>(i));
    }
    auto by_time = [&](int x, int y) { return txs[x].time < txs[y].time; };
    std::stable_sort(a.begin(), a.end(), by_time);
    std::stable_sort(b.begin(), b.end(), by_time);
    std::vector<std::pair<std::pair<int, int>, std::pair<int, int>>> eps;
    const int64_t reach = date_only ? DateOnlyReach(length) : length;
    for (size_t j = 0; j < b.size(); ++j) {
      int64_t tb = txs[b[j]].time;
      int alo = -1, ahi = 0;
      for (size_t i = 0; i < a.size(); ++i) {
        const bool precedes = date_only ? txs[a[i]].time < tb : txs[a[i]].time <= tb;
        if (precedes) ahi = static_cast<int>(i + 1);
        if (alo < 0 && txs[a[i]].time >= tb - reach && precedes) alo = static_cast<int>(i);
      }
      if (alo < 0 || alo >= ahi) continue;
      int64_t first_time = txs[a[alo]].time;
      // The wires from the earliest deposit on; date-only without posting order, those of its
      // own date are not shown after it.
      int blo = 0;
      while (date_only ? txs[b[blo]].time <= first_time : txs[b[blo]].time < first_time) ++blo;
      int64_t in = 0, outflow = 0;
      for (int i = alo; i < ahi; ++i) in += txs[a[i]].cents;
      for (int i = blo; i <= static_cast<int>(j); ++i) outflow += txs[b[i]].cents;
      if (in >= 100000 && outflow * 10 >= in * 8) Merge(eps, alo, ahi, blo, static_cast<int>(j + 1));
    }
    for (auto& e : eps) {
      std::set<TransactionId> ids;
      for (int i = e.first.first; i < e.first.second; ++i) ids.insert(static_cast<TransactionId>(a[i]));
      for (int i = e.second.first; i < e.second.second; ++i) ids.insert(static_cast<TransactionId>(b[i]));
      out[grouping.Name(g)].push_back(ids);
    }
  }
  return out;
}

EvidenceSets FromAlerts(const store::Store& s, const std::vector<Alert>& alerts) {
  EvidenceSets out;
  for (const Alert& a : alerts) {
    std::set<TransactionId> ids;
    for (const EvidenceItem& e : a.evidence) ids.insert(e.transaction);
    out[a.entity.empty() ? s.AccountLabel(a.subjects[0]) : a.entity].push_back(ids);
  }
  return out;
}

// An entity alert's subjects are exactly the accounts of the entity that have evidence (the
// subject end of each evidence transaction), in label order.
void ExpectEntitySubjects(const store::Store& s, const std::vector<Alert>& alerts) {
  for (const Alert& a : alerts) {
    if (a.entity.empty()) {
      EXPECT_EQ(a.subjects.size(), 1u) << a.alert_id;
      continue;
    }
    std::set<std::string> expected;
    for (const EvidenceItem& e : a.evidence) {
      // The match and first streams are inflows (the receiver), the then stream wires out (the payer).
      AccountId end = e.role == EvidenceRole::kThen ? s.source()[e.transaction] : s.destination()[e.transaction];
      expected.insert(s.AccountLabel(end));
    }
    std::vector<std::string> got;
    for (AccountId id : a.subjects) got.push_back(s.AccountLabel(id));
    EXPECT_EQ(got, std::vector<std::string>(expected.begin(), expected.end())) << a.alert_id << " " << a.sentence;
    EXPECT_NE(a.sentence.find("Entity " + a.entity), std::string::npos) << a.sentence;
  }
}

std::string Body(const std::string& text) {
  return test::kHeader + "\n[[rule]]\nid = \"R\"\ntitle = \"t\"\ncitation = \"c\"\n" + text;
}

// Each seed builds three small stores (fsync'd commits): the fast suite runs a few dozen seeds,
// rules_oracle_slow_test (label slow) runs many more.
#ifndef RULES_ORACLE_SEEDS
#define RULES_ORACLE_SEEDS 24
#endif

// A random windowed aggregate rule (its window in hours, thresholds and TOML text), drawn the
// same way for the per-account and the per-entity oracles.
struct RandomAggregate {
  int64_t hours = 0;
  int min_count = 0;
  int64_t sum_over = 0;
  int min_distinct = 0;
  std::string when, match;

  static RandomAggregate Draw(std::mt19937_64& rng) {
    RandomAggregate a;
    a.hours = 1 + static_cast<int64_t>(rng() % 96);
    a.min_count = 1 + static_cast<int>(rng() % 3);
    a.sum_over = static_cast<int64_t>(rng() % 1500000);
    a.min_distinct = 1 + static_cast<int>(rng() % 2);
    a.when = "[rule.when]\ncount = { at_least = " + std::to_string(a.min_count) + " }\nsum = { over = \"" +
             FormatDecimal(Decimal{a.sum_over, 2}) + "\" }\ndistinct_counterparties = { at_least = " +
             std::to_string(a.min_distinct) + " }\n";
    a.match = "[rule.match]\nchannel = [\"cash_deposit\", \"wire\"]\ndirection = \"in\"\n";
    return a;
  }
};

TEST(RulesOracleTest, EngineMatchesBruteForceOnRandomStores) {
  for (uint64_t seed = 1; seed <= RULES_ORACLE_SEEDS; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed);
    std::vector<Tx> txs = RandomTxs(rng);
    TestWorld w;
    for (const Tx& t : txs) {
      w.Add(FormatIsoTime(t.time), Label(t.src), Label(t.dst), FormatDecimal(Decimal{t.cents, 2}), t.channel, "",
            t.dst == -2 ? "MX" : "");
    }
    const RandomAggregate agg = RandomAggregate::Draw(rng);
    const int64_t hours = agg.hours;
    const int min_count = agg.min_count;
    const int64_t sum_over = agg.sum_over;
    const int min_distinct = agg.min_distinct;
    const std::string& when = agg.when;
    const std::string& match = agg.match;
    auto sliding = w.Scan(Body("window = \"" + std::to_string(hours) + "h\"\n" + match + when), {}, 1 + seed % 2);
    EXPECT_EQ(FromAlerts(w.store(), sliding),
              OracleAggregate(txs, false, hours * 3600, min_count, sum_over, min_distinct));
    const int64_t days = 1 + static_cast<int64_t>(rng() % 3);
    auto business = w.Scan(Body("window = \"" + std::to_string(days) + " business_days\"\n" + match + when));
    EXPECT_EQ(FromAlerts(w.store(), business), OracleAggregate(txs, true, days, min_count, sum_over, min_distinct));
    auto sequence = w.Scan(Body("window = \"" + std::to_string(hours) + "h\"\n[rule.first]\nchannel = [\"cash_deposit\"]\n"
                                "direction = \"in\"\n[rule.then]\nchannel = [\"wire\"]\ndirection = \"out\"\n"
                                "counterparty_country = \"@corridors\"\n[rule.when]\nfirst = { sum = { at_least = "
                                "\"1000.00\" } }\nratio = { at_least = \"0.8\" }\n"));
    EXPECT_EQ(FromAlerts(w.store(), sequence), OracleSequence(txs, hours * 3600));
    if (HasFailure()) break;
  }
}

// Date-only rows (a statement's dates without times): the same random stores with every time cut
// to its day. Deposits and wires of one day have no order (no statement lines), so a wire is
// preceded only by deposits of earlier days; a duration window reaches back over the whole days
// that lie within it for every hour of the later row's date (a day less than its length), for
// sequences and sliding aggregates alike.
TEST(RulesOracleTest, DateOnlySequencesNeverPutInflowsAfterOutflowsOfTheSameDay) {
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed);
    std::vector<Tx> txs = RandomTxs(rng);
    for (Tx& t : txs) t.time = t.time / 86400 * 86400;
    TestWorld w;
    for (const Tx& t : txs) {
      w.Add(FormatIsoTime(t.time), Label(t.src), Label(t.dst), FormatDecimal(Decimal{t.cents, 2}), t.channel, "",
            t.dst == -2 ? "MX" : "");
    }
    const int64_t hours = 12 * (1 + static_cast<int64_t>(rng() % 8));
    const RandomAggregate agg = RandomAggregate::Draw(rng);
    auto sliding = w.Scan(Body("window = \"" + std::to_string(agg.hours) + "h\"\n" + agg.match + agg.when));
    EXPECT_EQ(FromAlerts(w.store(), sliding),
              OracleAggregate(txs, false, DateOnlyReach(agg.hours * 3600), agg.min_count, agg.sum_over,
                              agg.min_distinct));
    auto sequence = w.Scan(Body("window = \"" + std::to_string(hours) + "h\"\n[rule.first]\nchannel = [\"cash_deposit\"]\n"
                                "direction = \"in\"\n[rule.then]\nchannel = [\"wire\"]\ndirection = \"out\"\n"
                                "counterparty_country = \"@corridors\"\n[rule.when]\nfirst = { sum = { at_least = "
                                "\"1000.00\" } }\nratio = { at_least = \"0.8\" }\n"));
    EXPECT_EQ(FromAlerts(w.store(), sequence), OracleSequence(txs, hours * 3600, {}, true));
    if (HasFailure()) break;
  }
}

// subject = "entity": the same aggregates and sequences over random groupings of the accounts into
// entities (transfers inside an entity excluded), against the brute force over the groups.
TEST(RulesOracleTest, EntityRulesMatchBruteForceOverGroupedAccounts) {
  for (uint64_t seed = 1; seed <= RULES_ORACLE_SEEDS; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed * 7919);
    std::vector<Tx> txs = RandomTxs(rng);
    Grouping grouping = RandomGrouping(rng);
    TestWorld w;
    for (const Tx& t : txs) {
      w.Add(FormatIsoTime(t.time), Label(t.src), Label(t.dst), FormatDecimal(Decimal{t.cents, 2}), t.channel, "",
            t.dst == -2 ? "MX" : "");
    }
    for (int a = 0; a < 4; ++a) {
      test::HolderRow h;
      h.account = Label(a);
      h.party = static_cast<uint32_t>(a + 1);
      if (grouping.entity[a] > 0) h.entity = "E" + std::to_string(grouping.entity[a]);
      w.Holder(h);
    }
    const RandomAggregate agg = RandomAggregate::Draw(rng);
    const int64_t hours = agg.hours;
    const int min_count = agg.min_count;
    const int64_t sum_over = agg.sum_over;
    const int min_distinct = agg.min_distinct;
    const std::string& when = agg.when;
    const std::string& match = agg.match;
    const std::string subject = "subject = \"entity\"\n";
    auto sliding = w.Scan(Body(subject + "window = \"" + std::to_string(hours) + "h\"\n" + match + when), {}, 1 + seed % 2);
    EXPECT_EQ(FromAlerts(w.store(), sliding),
              OracleAggregate(txs, false, hours * 3600, min_count, sum_over, min_distinct, grouping));
    ExpectEntitySubjects(w.store(), sliding);
    const int64_t days = 1 + static_cast<int64_t>(rng() % 3);
    auto business = w.Scan(Body(subject + "window = \"" + std::to_string(days) + " business_days\"\n" + match + when));
    EXPECT_EQ(FromAlerts(w.store(), business),
              OracleAggregate(txs, true, days, min_count, sum_over, min_distinct, grouping));
    ExpectEntitySubjects(w.store(), business);
    auto sequence = w.Scan(Body(subject + "window = \"" + std::to_string(hours) + "h\"\n[rule.first]\nchannel = "
                                "[\"cash_deposit\"]\ndirection = \"in\"\n[rule.then]\nchannel = [\"wire\"]\n"
                                "direction = \"out\"\ncounterparty_country = \"@corridors\"\n[rule.when]\nfirst = { sum = "
                                "{ at_least = \"1000.00\" } }\nratio = { at_least = \"0.8\" }\n"));
    EXPECT_EQ(FromAlerts(w.store(), sequence), OracleSequence(txs, hours * 3600, grouping));
    ExpectEntitySubjects(w.store(), sequence);
    if (HasFailure()) break;
  }
}

}  // namespace
}  // namespace moneytrail::rules
