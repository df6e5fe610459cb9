#include "subjects.h"

#include <algorithm>
#include <cmath>

#include "moneytrail/check.h"

namespace moneytrail::cases {

double SeverityWeight(std::string_view severity) {
  if (severity == "high") return 0.60;
  if (severity == "medium") return 0.35;
  if (severity == "low") return 0.20;
  if (severity == "report") return 0.10;
  return 0.20;
}

std::vector<SubjectScore> RankSubjects(size_t subject_count, std::span<const ModelFact> model,
                                       std::span<const AlertFact> alerts,
                                       std::span<const PatternFact> patterns) {
  MT_CHECK(model.size() == subject_count);
  std::vector<SubjectScore> out(subject_count);
  // Distinct (subject, rule) pairs with the rule's severity; a rule counts once per subject.
  std::vector<std::vector<std::pair<std::string, double>>> hits(subject_count);
  for (const AlertFact& a : alerts) {
    for (uint32_t s : a.subjects) {
      MT_CHECK(s < subject_count);
      ++out[s].alerts;
      hits[s].emplace_back(a.rule_id, SeverityWeight(a.severity));
    }
  }
  for (const PatternFact& p : patterns) {
    for (uint32_t s : p.subjects) {
      MT_CHECK(s < subject_count);
      ++out[s].patterns;
    }
  }
  for (uint32_t s = 0; s < subject_count; ++s) {
    SubjectScore& r = out[s];
    r.subject = s;
    const double m = model[s].top_score;
    r.model_score = 0.5 * (std::isnan(m) || m < 0 ? 0 : std::min(m, 1.0));
    r.flagged_score = 1 - std::pow(0.6, static_cast<double>(model[s].flagged));
    auto& h = hits[s];
    // Several alerts of one rule: the rule's weight once, at its largest severity.
    std::sort(h.begin(), h.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first < b.first : a.second > b.second;
    });
    double clean = 1;
    for (size_t i = 0; i < h.size(); ++i) {
      if (i > 0 && h[i].first == h[i - 1].first) continue;
      clean *= 1 - h[i].second;
      r.rules.push_back(h[i].first);
    }
    r.rule_score = 1 - clean;
    r.pattern_score = std::min(0.5, 1 - std::pow(0.85, static_cast<double>(r.patterns)));
    r.score = 1 - (1 - r.model_score) * (1 - r.flagged_score) * (1 - r.rule_score) *
                      (1 - r.pattern_score);
  }
  std::sort(out.begin(), out.end(), [](const SubjectScore& a, const SubjectScore& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.alerts != b.alerts) return a.alerts > b.alerts;
    if (a.patterns != b.patterns) return a.patterns > b.patterns;
    return a.subject < b.subject;
  });
  return out;
}

}  // namespace moneytrail::cases
