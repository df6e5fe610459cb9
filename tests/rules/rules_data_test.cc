// Rules that run on what the data holds (docs/rules.md): generic cash by direction, data
// sufficiency per rule (what did not run and why, in numbers), memory bounded by rows rather than
// by the span of time, and the round_trip built-in kind against a brute-force enumeration of
// cycles on random stores.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <tuple>

#include "rules/runtime.h"
#include "rules_test_util.h"

namespace moneytrail::rules {
namespace {

using test::TestWorld;

std::string Rule(const std::string& body) {
  return test::kHeader + "\n[[rule]]\nid = \"R\"\ntitle = \"t\"\ncitation = \"c\"\nseverity = \"high\"\n" + body;
}

std::vector<std::string> Subjects(const store::Store& s, const std::vector<Alert>& alerts) {
  std::vector<std::string> out;
  for (const Alert& a : alerts) out.push_back(s.AccountLabel(a.subjects[0]));
  return out;
}

// --- generic cash ------------------------------------------------------------------------------

// IBM AMLworld's "Cash" rows are account-to-account with channel `cash`: a deposit into the
// destination and a withdrawal from the source.
TEST(RuleGenericCashTest, CashCountsAsDepositIntoDestinationAndWithdrawalFromSource) {
  TestWorld w;
  w.Add("2025-09-02T10:00:00Z", "B:PAYER", "B:STRUCT", "9500.00", Channel::kCash);
  w.Add("2025-09-03T10:00:00Z", "B:PAYER", "B:STRUCT", "9400.00", Channel::kCash);
  w.Add("2025-09-03T11:00:00Z", "B:STRUCT", "B:OTHER", "50.00", Channel::kWire);
  const std::string window = "window = \"7d\"\n";
  auto deposits = w.Scan(Rule(window + "[rule.match]\nchannel = [\"cash_deposit\"]\ndirection = \"in\"\n"
                              "amount = { at_least = \"7500\", under = \"10000\" }\n[rule.when]\n"
                              "count = { at_least = 2 }\nsum = { over = \"10000\" }\n"));
  ASSERT_EQ(deposits.size(), 1u);
  EXPECT_EQ(Subjects(w.store(), deposits), std::vector<std::string>{"B:STRUCT"});
  EXPECT_EQ(TestWorld::Ids(deposits[0]), (std::vector<TransactionId>{0, 1}));
  // Direction any: still only the receiving end sees a deposit.
  auto any = w.Scan(Rule(window + "[rule.match]\nchannel = [\"cash_deposit\"]\n[rule.when]\ncount = { at_least = 2 }\n"));
  EXPECT_EQ(Subjects(w.store(), any), std::vector<std::string>{"B:STRUCT"});
  auto withdrawals = w.Scan(Rule(window + "[rule.match]\nchannel = [\"cash_withdrawal\"]\n[rule.when]\n"
                                 "count = { at_least = 2 }\n"));
  EXPECT_EQ(Subjects(w.store(), withdrawals), std::vector<std::string>{"B:PAYER"});
  // Naming `cash` itself matches both ends, as before.
  auto both = w.Scan(Rule(window + "[rule.match]\nchannel = [\"cash\"]\n[rule.when]\ncount = { at_least = 2 }\n"));
  EXPECT_EQ(Subjects(w.store(), both), (std::vector<std::string>{"B:PAYER", "B:STRUCT"}));
  // Inside any_of, the alternative's own channels decide.
  auto nested = w.Scan(Rule(window + "[rule.match]\nany_of = [ { channel = [\"cash_withdrawal\"] }, "
                            "{ channel = [\"wire\"], direction = \"in\" } ]\n[rule.when]\ncount = { at_least = 2 }\n"));
  EXPECT_EQ(Subjects(w.store(), nested), std::vector<std::string>{"B:PAYER"});
}

// The shipped pack's structuring rule finds a structurer whose deposits are generic cash.
TEST(RuleGenericCashTest, ShippedStructuringRuleRunsOnGenericCash) {
  Result<RulePack> pack = RulePack::Load(MONEYTRAIL_SOURCE_DIR "/rules/smuggling-trafficking.toml");
  ASSERT_TRUE(pack.ok()) << pack.status().ToString();
  TestWorld w;
  w.Add("2025-09-02T10:00:00Z", "B:P1", "B:S", "9500.00", Channel::kCash);
  w.Add("2025-09-04T10:00:00Z", "B:P2", "B:S", "9300.00", Channel::kCash);
  w.Add("2025-09-05T10:00:00Z", "B:S", "B:P3", "4000.00", Channel::kWire);
  const RulePack* packs[] = {&*pack};
  ScanOptions options;
  options.threads = 1;
  Result<ScanResult> r = Scan(w.store(), packs, options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::vector<std::string> structuring;
  for (const Alert& a : r->alerts) {
    if (a.rule_id == "ST-STRUCT") structuring.push_back(w.store().AccountLabel(a.subjects[0]));
  }
  EXPECT_EQ(structuring, std::vector<std::string>{"B:S"});
}

// --- data sufficiency --------------------------------------------------------------------------

TEST(RuleSufficiencyTest, UnknownChannelsSayWhyInNumbers) {
  TestWorld w;
  for (int i = 0; i < 3; ++i) {
    w.Add("2025-09-0" + std::to_string(2 + i) + "T10:00:00Z", "external:X:JOSE LUNA", "B:A", "900.00",
          Channel::kUnknown);
  }
  auto alerts = w.Scan(Rule("window = \"7d\"\n[rule.match]\nchannel = [\"cash_deposit\"]\ndirection = \"in\"\n"
                            "[rule.when]\ncount = { at_least = 1 }\n"));
  EXPECT_TRUE(alerts.empty());
  ASSERT_EQ(w.support().size(), 1u);
  const RuleSupport& s = w.support()[0];
  EXPECT_FALSE(s.ran);
  EXPECT_EQ(s.rows, 3u);
  EXPECT_EQ(s.supporting_rows, 0u);
  EXPECT_EQ(s.reason, "0 of 3 rows are cash_deposit/cash (3 of 3 rows have channel unknown)");
  EXPECT_EQ(SupportLine(s), "R: not run: 0 of 3 rows are cash_deposit/cash (3 of 3 rows have channel unknown)");
  ASSERT_EQ(w.skipped().size(), 1u);
  EXPECT_EQ(w.skipped()[0], "R: not run: 0 of 3 rows are cash_deposit/cash (3 of 3 rows have channel unknown)");
  ScanResult result;
  result.support = w.support();
  EXPECT_EQ(SupportHeadline(result),
            "none of the 1 rules could run on this data: no alert is not evidence of absence (per-rule reasons "
            "below)");
  nlohmann::json json = nlohmann::json::parse(SupportJson(w.support()));
  ASSERT_EQ(json.size(), 1u);
  EXPECT_EQ(json[0]["rule"], "R");
  EXPECT_EQ(json[0]["ran"], false);
  EXPECT_EQ(json[0]["rows"], 3);
  EXPECT_EQ(json[0]["reason"], s.reason);
}

// A funnel rule needs cash deposits at branches with a region; cash without locations cannot
// support it, and the rule says which rows it needed.
TEST(RuleSufficiencyTest, LocationsAndCounterpartiesFromFiltersAndMetrics) {
  TestWorld w;
  w.Add("2025-09-02T10:00:00Z", "cash:B:BR1", "B:A", "900.00", Channel::kCashDeposit);
  w.Add("2025-09-03T10:00:00Z", "cash:B:BR1", "B:A", "900.00", Channel::kCashDeposit);
  w.Add("2025-09-04T10:00:00Z", "B:A", "external:MX:1", "1700.00", Channel::kWire, "", "MX");
  const std::string funnel =
      "window = \"14d\"\n[rule.first]\nchannel = [\"cash_deposit\"]\ndirection = \"in\"\ncounterparty_kind = "
      "[\"cash\"]\n[rule.then]\ndirection = \"out\"\nany_of = [ { channel = [\"cash_withdrawal\"], city = \"@border\" "
      "}, { channel = [\"wire\"], counterparty_country = \"@corridors\" } ]\n[rule.when]\nfirst = { count = { "
      "at_least = 2 }, distinct_regions = { at_least = 2 } }\nratio = { at_least = \"0.5\" }\n";
  EXPECT_TRUE(w.Scan(Rule(funnel)).empty());
  ASSERT_EQ(w.support().size(), 1u);
  const RuleSupport& s = w.support()[0];
  EXPECT_FALSE(s.ran);
  EXPECT_EQ(s.reason,
            "first: 0 of 3 rows are cash_deposit/cash with a counterparty of kind cash and a location with a region");
  EXPECT_NE(s.needs.find("then: rows of any channel (either cash_withdrawal/cash with a location with a city, or "
                         "wire with an external counterparty and a country)"),
            std::string::npos)
      << s.needs;
  // The same deposits with branch locations: the rule runs (and alerts: two states, 94% out).
  TestWorld located;
  located.Add("2025-09-02T10:00:00Z", "cash:B:BR1", "B:A", "900.00", Channel::kCashDeposit, "Denver, CO");
  located.Add("2025-09-03T10:00:00Z", "cash:B:BR2", "B:A", "900.00", Channel::kCashDeposit, "Omaha, NE");
  located.Add("2025-09-04T10:00:00Z", "B:A", "external:MX:1", "1700.00", Channel::kWire, "", "MX");
  EXPECT_EQ(located.Scan(Rule(funnel)).size(), 1u);
  ASSERT_EQ(located.support().size(), 1u);
  EXPECT_TRUE(located.support()[0].ran);
  EXPECT_EQ(located.support()[0].supporting_rows, 1u);  // the fewest over the streams: one wire
  EXPECT_EQ(SupportLine(located.support()[0]).rfind("R: ran (1 of 3 rows can support it: first: cash_deposit", 0), 0u)
      << SupportLine(located.support()[0]);
}

// Date-only data (every time at 00:00:00) has no hour of day: an after-hours rule would read every
// row as a midnight deposit. It does not run, and says so.
TEST(RuleSufficiencyTest, DateOnlyDataHasNoHourOfDay) {
  const std::string late = Rule("window = \"14d\"\n[rule.match]\nchannel = [\"cash_deposit\"]\nhours = \"23-05\"\n"
                                "[rule.when]\ncount = { at_least = 2 }\n");
  TestWorld dates;
  dates.Add("2025-09-02T00:00:00Z", "cash:B:BR1", "B:A", "900.00", Channel::kCashDeposit);
  dates.Add("2025-09-03T00:00:00Z", "cash:B:BR1", "B:A", "900.00", Channel::kCashDeposit);
  EXPECT_TRUE(dates.Scan(late).empty());
  ASSERT_EQ(dates.support().size(), 1u);
  EXPECT_FALSE(dates.support()[0].ran);
  EXPECT_EQ(dates.support()[0].reason,
            "not applicable on date-only rows: filters on hours of the day, and 0 of 2 rows have one (every time "
            "is 00:00:00: date-only data)");
  EXPECT_TRUE(dates.support()[0].not_applicable_on_date_only);
  ScanResult dates_result;
  dates_result.support = dates.support();
  EXPECT_NE(SupportHeadline(dates_result).find("; not applicable on date-only rows (they have no hour of day): "),
            std::string::npos)
      << SupportHeadline(dates_result);
  TestWorld times;  // one row with a time of day: the data has hours, and midnight is an hour
  times.Add("2025-09-02T00:00:00Z", "cash:B:BR1", "B:A", "900.00", Channel::kCashDeposit);
  times.Add("2025-09-03T00:30:00Z", "cash:B:BR1", "B:A", "900.00", Channel::kCashDeposit);
  EXPECT_EQ(times.Scan(late).size(), 1u);
  EXPECT_TRUE(times.support()[0].ran);
  EXPECT_FALSE(times.support()[0].not_applicable_on_date_only);
}

TEST(RuleSufficiencyTest, KycRulesWithoutHoldersAndTheHeadline) {
  TestWorld w;
  w.Add("2025-09-02T10:00:00Z", "cash:B:BR1", "B:A", "900.00", Channel::kCashDeposit);
  const std::string text = test::kHeader +
                           "\n[[rule]]\nid = \"KYC\"\ntitle = \"t\"\ncitation = \"c\"\nseverity = \"high\"\nwindow = "
                           "\"1d\"\n[rule.match]\nsubject_party = \"business\"\n[rule.when]\ncount = { at_least = 1 }\n"
                           "[[rule]]\nid = \"ANY\"\ntitle = \"t\"\ncitation = \"c\"\nseverity = \"low\"\nwindow = "
                           "\"1d\"\n[rule.match]\nchannel = [\"cash_deposit\"]\n[rule.when]\ncount = { at_least = 1 }\n";
  EXPECT_EQ(w.Scan(text).size(), 1u);
  ASSERT_EQ(w.support().size(), 2u);
  EXPECT_FALSE(w.support()[0].ran);
  EXPECT_EQ(w.support()[0].reason,
            "needs KYC facts about account holders (--parties DIR, or moneytrail resolve --store); none are given");
  EXPECT_TRUE(w.support()[1].ran);
  ScanResult result;
  result.support = w.support();
  EXPECT_EQ(SupportHeadline(result),
            "1 of 2 rules could not run on this data, including high-severity KYC: their lack of alerts is not "
            "evidence of absence (per-rule reasons below)");
  result.support.pop_back();
  result.support[0].ran = true;
  EXPECT_EQ(SupportHeadline(result), "");
}

// --- memory bounded by rows, not by the span of time --------------------------------------------

// Two rows 10^6 days apart: the per-day business-day tables are not built (before, they held one
// entry per day of the span: 10^9-day spans took gigabytes), and business-day windows still give
// the same answers as with the tables.
TEST(RuleMemoryTest, FarApartRowsAllocateNoPerDayTables) {
  const int64_t start = test::T("2025-09-02T10:00:00Z");
  const int64_t far = start + int64_t{1000000} * 86400;
  TestWorld w;
  w.Add("@" + std::to_string(start), "cash:B:BR1", "B:A", "6000.00", Channel::kCashDeposit);
  w.Add("@" + std::to_string(start + 3600), "cash:B:BR1", "B:A", "6000.00", Channel::kCashDeposit);
  w.Add("@" + std::to_string(far), "cash:B:BR1", "B:A", "6000.00", Channel::kCashDeposit);
  w.Add("@" + std::to_string(far + 3600), "cash:B:BR1", "B:A", "6000.00", Channel::kCashDeposit);
  const std::string text = Rule("window = \"business_day\"\n[rule.match]\nchannel = [\"cash_deposit\"]\n"
                                "[rule.when]\nsum = { over = \"10000\" }\n");
  Result<RulePack> pack = RulePack::Parse(text, "test.toml");
  ASSERT_TRUE(pack.ok());
  rules_internal::StoreFacts facts(w.store(), nullptr, pack->compiled());
  EXPECT_EQ(facts.dense_days(), 0u);
  auto alerts = w.Scan(text);
  ASSERT_EQ(alerts.size(), 2u);  // one per business day, 10^6 days apart
  EXPECT_EQ(TestWorld::Ids(alerts[0]), (std::vector<TransactionId>{0, 1}));
  EXPECT_EQ(TestWorld::Ids(alerts[1]), (std::vector<TransactionId>{2, 3}));
  // Rows close together keep the tables (bounded by 2 * rows + slack).
  TestWorld near;
  near.Add("2025-09-02T10:00:00Z", "cash:B:BR1", "B:A", "6000.00", Channel::kCashDeposit);
  near.Add("2025-09-30T10:00:00Z", "cash:B:BR1", "B:A", "6000.00", Channel::kCashDeposit);
  rules_internal::StoreFacts near_facts(near.store(), nullptr, pack->compiled());
  EXPECT_EQ(near_facts.dense_days(), 29u + 2);  // 29 days and one of margin on each side (date-only rows)
}

// The per-day tables and the calendar give the same business-day ordinals on random times.
TEST(RuleMemoryTest, SparseBusinessDaysMatchTheTables) {
  std::mt19937_64 rng(11);
  TestWorld w;
  const int64_t start = test::T("2025-08-25T00:00:00Z");
  for (int i = 0; i < 200; ++i) {
    w.Add("@" + std::to_string(start + static_cast<int64_t>(rng() % (40 * 86400))), "cash:B:BR1", "B:A", "1.00",
          Channel::kCashDeposit);
  }
  Result<RulePack> pack = RulePack::Parse(Rule("window = \"business_day\"\n[rule.match]\n[rule.when]\n"
                                               "count = { at_least = 1 }\n"),
                                          "test.toml");
  ASSERT_TRUE(pack.ok());
  rules_internal::StoreFacts facts(w.store(), nullptr, pack->compiled());
  ASSERT_GT(facts.dense_days(), 0u);
  for (TransactionId t = 0; t < 200; ++t) {
    const Timestamp time = w.store().time()[t];
    EXPECT_EQ(facts.BusinessOrdinal(t), facts.calendar.BusinessOrdinal(facts.calendar.BusinessDayOf(time))) << t;
  }
}

// --- round_trip -------------------------------------------------------------------------------

struct Transfer {
  int64_t time;
  int src, dst;  // accounts 0..4; 5 = an external counterparty
  int64_t cents;
};

std::string Account(int a) { return a == 5 ? "external:MX:1" : "B:A" + std::to_string(a); }

using Episodes = std::map<std::string, std::vector<std::set<TransactionId>>>;

// Brute force: every chain of 2..max_hops transfers between accounts, in strictly increasing
// (time, id), returning to its first payer through distinct accounts, amounts within the band.
Episodes OracleRoundTrip(const std::vector<Transfer>& txs, int max_hops, int64_t within, int64_t min_cents) {
  struct Found {
    int64_t start, end;
    std::vector<TransactionId> ids;
  };
  std::map<int, std::vector<Found>> by_origin;
  auto ok_edge = [&](size_t i) { return txs[i].src != txs[i].dst && txs[i].src < 5 && txs[i].dst < 5; };
  std::vector<size_t> path;
  std::function<void()> extend = [&]() {
    const Transfer& last = txs[path.back()];
    const Transfer& first = txs[path.front()];
    for (size_t i = 0; i < txs.size(); ++i) {
      const Transfer& t = txs[i];
      if (!ok_edge(i) || t.src != last.dst) continue;
      if (t.time < last.time || (t.time == last.time && i <= path.back())) continue;
      if (t.time > first.time + within) continue;
      if (t.cents > last.cents || t.cents * 10 < last.cents * 8) continue;
      if (t.dst == first.src) {
        Found f{first.time, t.time, {}};
        for (size_t p : path) f.ids.push_back(static_cast<TransactionId>(p));
        f.ids.push_back(static_cast<TransactionId>(i));
        by_origin[first.src].push_back(f);
        continue;
      }
      if (static_cast<int>(path.size()) + 1 >= max_hops) continue;
      bool seen = false;
      for (size_t p : path) seen = seen || txs[p].dst == t.dst;
      if (seen) continue;
      path.push_back(i);
      extend();
      path.pop_back();
    }
  };
  for (size_t i = 0; i < txs.size(); ++i) {
    if (!ok_edge(i) || txs[i].cents < min_cents) continue;
    path = {i};
    extend();
  }
  Episodes out;
  for (auto& [origin, found] : by_origin) {
    std::sort(found.begin(), found.end(), [](const Found& x, const Found& y) {
      return std::tie(x.start, x.end, x.ids) < std::tie(y.start, y.end, y.ids);
    });
    for (size_t i = 0; i < found.size();) {
      int64_t end = found[i].end;
      std::set<TransactionId> ids;
      size_t j = i;
      for (; j < found.size() && found[j].start <= end; ++j) {
        end = std::max(end, found[j].end);
        ids.insert(found[j].ids.begin(), found[j].ids.end());
      }
      out[Account(origin)].push_back(ids);
      i = j;
    }
  }
  return out;
}

#ifndef RULES_ORACLE_SEEDS
#define RULES_ORACLE_SEEDS 24
#endif

TEST(RuleRoundTripTest, MatchesBruteForceOnRandomStores) {
  int with_cycles = 0;
  for (uint64_t seed = 1; seed <= RULES_ORACLE_SEEDS; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed * 104729);
    std::vector<Transfer> txs;
    const int n = 20 + static_cast<int>(rng() % 40);
    const int64_t start = test::T("2025-09-01T00:00:00Z");
    const int64_t amounts[] = {100000, 95000, 90000, 80000, 70000};
    for (int i = 0; i < n; ++i) {
      Transfer t;
      t.time = start + static_cast<int64_t>(rng() % (8 * 24)) * 3600;  // whole hours: ties and edges
      t.src = static_cast<int>(rng() % 5);
      t.dst = static_cast<int>(rng() % 6);
      t.cents = amounts[rng() % 5];
      txs.push_back(t);
    }
    const int max_hops = 2 + static_cast<int>(rng() % 3);
    const int64_t hours = 12 + static_cast<int64_t>(rng() % 96);
    const int64_t min_cents = rng() % 2 ? 90000 : 0;
    TestWorld w;
    for (const Transfer& t : txs) {
      w.Add(FormatIsoTime(t.time), Account(t.src), Account(t.dst), FormatDecimal(Decimal{t.cents, 2}),
            Channel::kWire, "", t.dst == 5 ? "MX" : "");
    }
    const std::string text = test::kHeader + "\n[[rule]]\nid = \"RT\"\ntitle = \"t\"\ncitation = \"c\"\nkind = "
                             "\"round_trip\"\nwindow = \"" + std::to_string(hours) + "h\"\n[rule.cycle]\nmax_hops = " +
                             std::to_string(max_hops) + "\nmin_amount = \"" + FormatDecimal(Decimal{min_cents, 2}) +
                             "\"\nmin_share = \"0.8\"\n";
    auto alerts = w.Scan(text, {}, 1 + seed % 2);
    Episodes got;
    for (const Alert& a : alerts) {
      EXPECT_EQ(a.subjects.size(), 1u);
      std::set<TransactionId> ids;
      for (const EvidenceItem& e : a.evidence) ids.insert(e.transaction);
      got[w.store().AccountLabel(a.subjects[0])].push_back(ids);
    }
    const Episodes want = OracleRoundTrip(txs, max_hops, hours * 3600, min_cents);
    EXPECT_EQ(got, want);
    with_cycles += !want.empty();
    if (HasFailure()) break;
  }
  EXPECT_GT(with_cycles, RULES_ORACLE_SEEDS / 4);  // the random stores do contain cycles
}

TEST(RuleRoundTripTest, PackErrorsNameTheKey) {
  auto parse = [](const std::string& body) {
    return RulePack::Parse(test::kHeader + "\n[[rule]]\nid = \"RT\"\ntitle = \"t\"\ncitation = \"c\"\n" + body, "t.toml")
        .status()
        .ToString();
  };
  EXPECT_NE(parse("kind = \"round_trip\"\nwindow = \"day\"\n[rule.cycle]\n").find("duration window"), std::string::npos);
  EXPECT_NE(parse("kind = \"round_trip\"\nwindow = \"7d\"\n[rule.cycle]\nmax_hops = 9\n").find("cycle.max_hops"),
            std::string::npos);
  EXPECT_NE(parse("kind = \"round_trip\"\nwindow = \"7d\"\n[rule.cycle]\nhops = 3\n").find("unknown key 'hops'"),
            std::string::npos);
  EXPECT_NE(parse("kind = \"round_trip\"\nwindow = \"7d\"\n[rule.cycle]\n[rule.when]\ncount = { at_least = 1 }\n")
                .find("no streams or conditions"),
            std::string::npos);
  EXPECT_NE(parse("kind = \"loop\"\nwindow = \"7d\"\n").find("key 'kind'"), std::string::npos);
}

}  // namespace
}  // namespace moneytrail::rules
