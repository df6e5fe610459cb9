// Random ranking inputs and helpers shared by the subject ranking's tests (subjects_test.cc:
// hand-made cases; subjects_oracle_test.cc: the brute-force restatement and monotonicity).
#ifndef MONEYTRAIL_TESTS_CASES_SUBJECTS_TEST_UTIL_H_
#define MONEYTRAIL_TESTS_CASES_SUBJECTS_TEST_UTIL_H_

#include <cmath>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "cases/subjects.h"

namespace moneytrail::cases::subjects_test_util {

// One ranking's facts; RandomInput makes small ones (1-40 subjects) with every kind of fact.
struct Input {
  size_t n = 0;
  std::vector<ModelFact> model;
  std::vector<AlertFact> alerts;
  std::vector<PatternFact> patterns;
  std::vector<uint64_t> transactions;  // empty: unknown (no rule incidental)
  std::vector<PaymentFact> payments;
  std::vector<uint64_t> counterparties;  // empty: all 0
};

inline const char* const kSeverities[] = {"high", "medium", "low", "report", "other"};

// Small and larger random inputs (a pattern kind on more than a tenth of the subjects is common).
inline Input RandomInput(std::mt19937_64& rng) {
  Input in;
  // Small and larger sets: a pattern kind on more than a tenth of the subjects is common.
  in.n = rng() % 2 == 0 ? 1 + rng() % 9 : 10 + rng() % 31;
  in.model.resize(in.n);
  for (ModelFact& m : in.model) {
    const int k = static_cast<int>(rng() % 6);
    m.top_score = k == 0 ? NAN : k == 1 ? -0.5 : k == 2 ? 1.5 : static_cast<double>(rng() % 1000) / 1000;
    m.flagged = rng() % 3 == 0 ? 0 : rng() % 50;
  }
  in.alerts.resize(rng() % 8);
  for (AlertFact& a : in.alerts) {
    std::set<uint32_t> subs;
    for (size_t k = 1 + rng() % 2; k > 0; --k) subs.insert(static_cast<uint32_t>(rng() % in.n));
    a.subjects.assign(subs.begin(), subs.end());
    a.rule_id = "R" + std::to_string(rng() % 4);
    a.severity = kSeverities[rng() % 5];
    for (size_t k = rng() % 6; k > 0; --k) a.payers.push_back(static_cast<uint32_t>(rng() % in.n));
    // Evidence of named and (ignored) unnamed subjects, with repeats across alerts and rules.
    for (size_t k = rng() % 8; k > 0; --k) {
      a.evidence.push_back({static_cast<uint32_t>(rng() % in.n), rng() % 12});
    }
  }
  if (rng() % 4 != 0) {
    in.transactions.resize(in.n);
    for (uint64_t& t : in.transactions) t = rng() % 5 == 0 ? 0 : rng() % 60;
  }
  for (size_t k = rng() % 12; k > 0; --k) {
    in.payments.push_back({static_cast<uint32_t>(rng() % in.n), static_cast<uint32_t>(rng() % in.n),
                           rng() % 2 == 0});
  }
  if (rng() % 3 != 0) {
    in.counterparties.resize(in.n);
    for (uint64_t& c : in.counterparties) c = rng() % 4;
  }
  in.patterns.resize(rng() % 5);
  for (PatternFact& p : in.patterns) {
    std::set<uint32_t> subs;
    for (size_t k = 1 + rng() % 3; k > 0; --k) subs.insert(static_cast<uint32_t>(rng() % in.n));
    p.subjects.assign(subs.begin(), subs.end());
    p.kind = static_cast<uint8_t>(rng() % 3);
  }
  return in;
}

inline RankedSubjects Rank(const Input& in) {
  return RankSubjects(in.n, in.model, in.alerts, in.patterns, in.transactions, in.payments,
                      in.counterparties);
}

inline size_t PositionOf(const RankedSubjects& r, uint32_t subject) {
  for (size_t i = 0; i < r.ranked.size(); ++i) {
    if (r.ranked[i].subject == subject) return i;
  }
  return r.ranked.size();
}

}  // namespace moneytrail::cases::subjects_test_util

#endif  // MONEYTRAIL_TESTS_CASES_SUBJECTS_TEST_UTIL_H_
