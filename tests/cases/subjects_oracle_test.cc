// The subject ranking (docs/investigate.md, Ranking) against a brute-force restatement of its
// definition on many small random inputs, and its monotonicity properties.
#include "cases/subjects.h"

#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "cases/subjects_test_util.h"

namespace moneytrail::cases {
namespace {

using subjects_test_util::Input;
using subjects_test_util::kSeverities;
using subjects_test_util::PositionOf;
using subjects_test_util::RandomInput;
using subjects_test_util::Rank;

// The definition, restated without the implementation's data structures.
struct Expected {
  int tier = 5;
  uint32_t rule_points = 0, pattern_points = 0, report_points = 0, flow_points = 0, high_rules = 0;
  bool strong_alert = false;  // a medium or high rule, not incidental
  double model = 0;
  uint64_t counterparties = 0;
  uint64_t alerts = 0, patterns = 0, counted_patterns = 0;
  bool related = false;
  std::vector<uint32_t> feeds;    // the subjects it is a feeder of
  std::vector<uint32_t> conduits;  // flagged subjects sending it the bulk of their money
  std::vector<uint32_t> secondary_to;  // subjects every one of its red-flag alerts also names
  std::set<std::string> strong_rules;  // rules that count medium or high for it
  std::set<uint32_t> related_to;  // subjects it is a related party of
  std::vector<std::string> incidental;
};

std::vector<Expected> BruteForce(const Input& in) {
  std::vector<Expected> e(in.n);
  // Common kinds: instances on more than a tenth of the subjects.
  std::set<uint8_t> common;
  for (uint8_t kind = 0; kind < 8; ++kind) {
    std::set<uint32_t> with;
    for (const PatternFact& p : in.patterns) {
      if (p.kind == kind) with.insert(p.subjects.begin(), p.subjects.end());
    }
    if (with.size() * 10 > in.n) common.insert(kind);
  }
  for (uint32_t s = 0; s < in.n; ++s) {
    std::map<std::string, std::string> rule_severity;  // rule -> most severe severity seen
    bool high = false, medium_low = false, any = false;
    for (const AlertFact& a : in.alerts) {
      if (std::find(a.subjects.begin(), a.subjects.end(), s) == a.subjects.end()) continue;
      ++e[s].alerts;
      any = true;
      std::string sev = a.severity;
      if (sev != "high" && sev != "medium" && sev != "report") sev = "low";
      high |= sev == "high";
      medium_low |= sev == "medium" || sev == "low";
      const std::map<std::string, int> order = {{"report", 0}, {"low", 1}, {"medium", 2}, {"high", 3}};
      auto it = rule_severity.find(a.rule_id);
      if (it == rule_severity.end() || order.at(sev) > order.at(it->second)) rule_severity[a.rule_id] = sev;
    }
    // Incidental: the rule's distinct evidence transactions of s are under a tenth of s's
    // transactions (known and non-zero); then a rule above low counts as low.
    const std::map<std::string, uint32_t> points = {{"report", 1}, {"low", 2}, {"medium", 4}, {"high", 8}};
    high = false;
    medium_low = false;
    bool strong_alert = false;
    for (const auto& [rule, severity] : rule_severity) {
      std::string sev = severity;
      std::set<uint64_t> evidence;
      for (const AlertFact& a : in.alerts) {
        if (a.rule_id != rule || std::find(a.subjects.begin(), a.subjects.end(), s) == a.subjects.end()) continue;
        for (const EvidenceFact& ev : a.evidence) {
          if (ev.subject == s) evidence.insert(ev.transaction);
        }
      }
      const uint64_t n = in.transactions.empty() ? 0 : in.transactions[s];
      if ((sev == "high" || sev == "medium") && n > 0 && evidence.size() * 10 < n) {
        sev = "low";
        e[s].incidental.push_back(rule);
      }
      if (sev == "report") {
        ++e[s].report_points;
      } else {
        e[s].rule_points += points.at(sev);
      }
      high |= sev == "high";
      e[s].high_rules += sev == "high";
      medium_low |= sev == "medium" || sev == "low";
      strong_alert |= sev == "high" || sev == "medium";
      if (sev == "high" || sev == "medium") e[s].strong_rules.insert(rule);
    }
    for (uint8_t kind = 0; kind < 8; ++kind) {
      uint64_t count = 0;
      for (const PatternFact& p : in.patterns) {
        count += p.kind == kind && std::find(p.subjects.begin(), p.subjects.end(), s) != p.subjects.end();
      }
      e[s].patterns += count;
      if (common.count(kind)) continue;
      e[s].counted_patterns += count;
      uint32_t bits = 0;
      while ((count >> bits) != 0) ++bits;
      e[s].pattern_points += bits;
    }
    const double m = in.model[s].top_score;
    e[s].model = std::isnan(m) || m < 0 ? 0 : m > 1 ? 1 : m;
    e[s].strong_alert = strong_alert;
    e[s].counterparties = in.counterparties.empty() ? 0 : in.counterparties[s];
    e[s].tier = (high || (strong_alert && e[s].counted_patterns > 0)) ? 1
                : (medium_low || e[s].counted_patterns > 0)  ? 2
                : any                                 ? 3
                : in.model[s].flagged > 0             ? 4
                                                      : 5;
  }
  // Flow points: bit_width of the distinct other subjects with a medium or high rule that paid it.
  for (uint32_t s = 0; s < in.n; ++s) {
    std::set<uint32_t> flagged_payers;
    for (const PaymentFact& p : in.payments) {
      if (p.payee == s && p.payer != s && e[p.payer].strong_alert) flagged_payers.insert(p.payer);
    }
    e[s].flow_points = static_cast<uint32_t>(std::bit_width(flagged_payers.size()));
  }
  // Feeders: a flagged subject paying a flagged subject with at least its rule points and more
  // distinct flagged payers.
  std::vector<size_t> flagged_payers(in.n, 0);
  for (uint32_t s = 0; s < in.n; ++s) {
    std::set<uint32_t> payers;
    for (const PaymentFact& p : in.payments) {
      if (p.payee == s && p.payer != s && e[p.payer].strong_alert) payers.insert(p.payer);
    }
    flagged_payers[s] = payers.size();
  }
  for (uint32_t s = 0; s < in.n; ++s) {
    std::set<uint32_t> fed;
    for (const PaymentFact& p : in.payments) {
      const uint32_t g = p.payee;
      if (p.payer == s && g != s && e[s].strong_alert && e[g].strong_alert &&
          e[s].rule_points <= e[g].rule_points && flagged_payers[s] < flagged_payers[g]) {
        fed.insert(g);
      }
    }
    // Collection accounts: >= 2 subjects with evidence (own tier <= 4), one of them flagged,
    // each paying it in bulk; the flagged ones are its feeders.
    for (uint32_t g = 0; g < in.n; ++g) {
      std::set<uint32_t> bulk_payers;
      bool any_flagged = false;
      for (const PaymentFact& p : in.payments) {
        if (p.payee == g && p.payer != g && p.bulk && e[p.payer].tier <= 4) {
          bulk_payers.insert(p.payer);
          any_flagged |= e[p.payer].strong_alert;
        }
      }
      if (bulk_payers.size() >= 2 && any_flagged && bulk_payers.count(s) && e[s].strong_alert) {
        fed.insert(g);
      }
    }
    e[s].feeds.assign(fed.begin(), fed.end());
  }
  // Collection accounts: ranked with the keys (tier, rule points, high rules) of the strongest
  // of their bulk flagged payers (own keys) when stronger than their own.
  std::vector<std::tuple<int, int64_t, int64_t>> own(in.n);  // smaller is stronger
  for (uint32_t s = 0; s < in.n; ++s) {
    own[s] = {e[s].tier, -static_cast<int64_t>(e[s].rule_points), -static_cast<int64_t>(e[s].high_rules)};
  }
  for (uint32_t g = 0; g < in.n; ++g) {
    std::set<uint32_t> bulk_payers, flagged_bulk;
    for (const PaymentFact& p : in.payments) {
      if (p.payee == g && p.payer != g && p.bulk && std::get<0>(own[p.payer]) <= 4) {
        bulk_payers.insert(p.payer);
        if (e[p.payer].strong_alert) flagged_bulk.insert(p.payer);
      }
    }
    if (bulk_payers.size() < 2) continue;
    e[g].conduits.assign(flagged_bulk.begin(), flagged_bulk.end());
    auto best = own[g];
    for (uint32_t p : flagged_bulk) best = std::min(best, own[p]);
    e[g].tier = std::get<0>(best);
    e[g].rule_points = static_cast<uint32_t>(-std::get<1>(best));
    e[g].high_rules = static_cast<uint32_t>(-std::get<2>(best));
  }
  // Secondary parties: p flagged; every red-flag alert naming p names g too; g has a medium or
  // high rule from an alert that does not name p.
  auto names = [](const AlertFact& a, uint32_t x) {
    return std::find(a.subjects.begin(), a.subjects.end(), x) != a.subjects.end();
  };
  for (uint32_t p = 0; p < in.n; ++p) {
    if (!e[p].strong_alert) continue;
    for (uint32_t g = 0; g < in.n; ++g) {
      if (g == p) continue;
      bool any = false, all_name_g = true, independent = false;
      for (const AlertFact& a : in.alerts) {
        if (a.severity == "report") continue;
        if (names(a, p)) {
          any = true;
          all_name_g &= names(a, g);
        } else if (names(a, g) && e[g].strong_rules.count(a.rule_id)) {
          independent = true;
        }
      }
      if (any && all_name_g && independent) e[p].secondary_to.push_back(g);
    }
  }
  for (const AlertFact& a : in.alerts) {
    std::set<uint32_t> payers;
    for (uint32_t p : a.payers) {
      if (std::find(a.subjects.begin(), a.subjects.end(), p) == a.subjects.end()) payers.insert(p);
    }
    if (payers.size() < 3) continue;
    for (uint32_t p : payers) {
      if (e[p].alerts > 0 || e[p].patterns > 0) continue;
      e[p].related = true;
      for (uint32_t s : a.subjects) e[p].related_to.insert(s);
    }
  }
  return e;
}

TEST(SubjectsTest, MatchesBruteForceOnRandomInputs) {
  size_t secondary = 0, collection = 0;  // the random inputs reach every rule
  for (uint64_t seed = 1; seed <= 3000; ++seed) {
    SCOPED_TRACE(fmt::format("seed {}", seed));
    std::mt19937_64 rng(seed);
    Input in = RandomInput(rng);
    RankedSubjects got = Rank(in);
    std::vector<Expected> want = BruteForce(in);
    std::vector<uint32_t> order, related;
    for (uint32_t s = 0; s < in.n; ++s) (want[s].related ? related : order).push_back(s);
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      auto key = [&](uint32_t x) {
        const Expected& w = want[x];
        return std::make_tuple(w.tier, !w.feeds.empty() || !w.secondary_to.empty(),
                               -static_cast<int64_t>(w.rule_points),
                               -static_cast<int64_t>(w.high_rules),
                               -static_cast<int64_t>(w.flow_points),
                               -static_cast<int64_t>(w.pattern_points),
                               -static_cast<int64_t>(w.report_points), -w.model,
                               -static_cast<int64_t>(w.counterparties), x);
      };
      return key(a) < key(b);
    });
    EXPECT_EQ(got.related_parties, related);
    ASSERT_EQ(got.ranked.size(), order.size());
    for (size_t i = 0; i < order.size(); ++i) {
      const SubjectScore& g = got.ranked[i];
      const Expected& w = want[order[i]];
      ASSERT_EQ(g.subject, order[i]) << "position " << i;
      EXPECT_EQ(static_cast<int>(g.tier), w.tier);
      EXPECT_EQ(g.rule_points, w.rule_points);
      EXPECT_EQ(g.pattern_points, w.pattern_points);
      EXPECT_EQ(g.flow_points, w.flow_points);
      EXPECT_EQ(g.high_rules, w.high_rules);
      EXPECT_EQ(g.report_points, w.report_points);
      EXPECT_EQ(g.model_probability, w.model);
      EXPECT_EQ(g.alerts, w.alerts);
      EXPECT_EQ(g.patterns, w.patterns);
      EXPECT_EQ(g.incidental_rules, w.incidental);
      EXPECT_EQ(g.feeds, w.feeds);
      EXPECT_EQ(g.conduits, w.conduits);
      EXPECT_EQ(g.secondary_to, w.secondary_to);
      secondary += !g.secondary_to.empty();
      collection += !g.conduits.empty();
      EXPECT_EQ(g.counterparties, w.counterparties);
      std::vector<uint32_t> rel;
      for (uint32_t p : related) {
        if (want[p].related_to.count(g.subject)) rel.push_back(p);
      }
      EXPECT_EQ(g.related, rel);
      // Displayed: tier, points and the probability at kModelMaxDigits decimals.
      if (i > 0) {
        const SubjectScore& p = got.ranked[i - 1];
        const bool same = p.tier == g.tier && p.RanksAfterItsTier() == g.RanksAfterItsTier() &&
                          p.rule_points == g.rule_points &&
                          p.high_rules == g.high_rules &&
                          p.flow_points == g.flow_points &&
                          p.pattern_points == g.pattern_points &&
                          p.report_points == g.report_points &&
                          fmt::format("{:.6f}", p.model_probability) ==
                              fmt::format("{:.6f}", g.model_probability);
        EXPECT_EQ(g.tied_with_previous, same);
      } else {
        EXPECT_FALSE(g.tied_with_previous);
      }
    }
  }
  EXPECT_GT(secondary, 20u);
  EXPECT_GT(collection, 20u);
}

TEST(SubjectsTest, AddingAHighSeverityAlertNeverLowersASubject) {
  for (uint64_t seed = 1; seed <= 3000; ++seed) {
    SCOPED_TRACE(fmt::format("seed {}", seed));
    std::mt19937_64 rng(seed);
    Input in = RandomInput(rng);
    const uint32_t x = static_cast<uint32_t>(rng() % in.n);
    RankedSubjects before = Rank(in);
    // A high alert, with or without evidence enough to be more than incidental: either way it
    // never lowers x; with enough evidence x is in tier 1.
    const bool substantial = rng() % 2 == 0;
    AlertFact added{{x}, "NEW-" + std::to_string(rng() % 2), "high", {}, {}};
    if (substantial) {
      for (uint64_t t = 0; t < 60; ++t) added.evidence.push_back({x, 1000 + t});
    }
    in.alerts.push_back(added);
    RankedSubjects after = Rank(in);
    const size_t at = PositionOf(after, x);
    ASSERT_LT(at, after.ranked.size());  // a subject with an alert is always ranked
    if (substantial) { EXPECT_EQ(after.ranked[at].tier, EvidenceTier::kStrong); }
    // Everyone below x before (and still ranked) stays below it, except the accounts x now
    // feeds: where a flagged subject's money gathers is ranked before it, by definition.
    const size_t was = PositionOf(before, x);
    const std::vector<uint32_t>& feeds = after.ranked[at].feeds;
    for (size_t i = was + 1; i < before.ranked.size(); ++i) {
      const uint32_t y = before.ranked[i].subject;
      if (std::find(feeds.begin(), feeds.end(), y) != feeds.end()) continue;
      const size_t now = PositionOf(after, y);
      if (now < after.ranked.size()) { EXPECT_GT(now, at) << "subject " << y; }
    }
  }
}

TEST(SubjectsTest, LegitimateVolumeNeverLiftsASubjectAboveAHighSeverityAlert) {
  for (uint64_t seed = 1; seed <= 3000; ++seed) {
    SCOPED_TRACE(fmt::format("seed {}", seed));
    std::mt19937_64 rng(seed);
    Input in = RandomInput(rng);
    std::set<uint32_t> high;
    RankedSubjects before = Rank(in);
    for (const SubjectScore& s : before.ranked) {
      if (s.high_rules > 0) high.insert(s.subject);  // a high-severity rule, not incidental
    }
    // One subject without a high-severity alert gets all the volume the model can give and a
    // million more legitimate transactions: every subject with a high-severity alert above it
    // stays above it.
    const uint32_t b = static_cast<uint32_t>(rng() % in.n);
    if (high.count(b)) continue;
    in.model[b].top_score = 1.0;
    in.model[b].flagged += 1000000;
    if (!in.transactions.empty()) in.transactions[b] += 1000000;
    RankedSubjects after = Rank(in);
    const size_t was = PositionOf(before, b), now = PositionOf(after, b);
    for (uint32_t a : high) {
      if (PositionOf(before, a) < was) { EXPECT_LT(PositionOf(after, a), now) << "subject " << a; }
    }
    // And a subject whose only evidence is volume is below every high-severity alert.
    bool seen_volume_only = false;
    for (const SubjectScore& s : after.ranked) {
      if (!high.count(s.subject) && s.alerts == 0 && s.patterns == 0 && s.conduits.empty()) {
        seen_volume_only = true;
      }
      if (high.count(s.subject)) { EXPECT_FALSE(seen_volume_only) << "subject " << s.subject; }
    }
  }
}

}  // namespace
}  // namespace moneytrail::cases
