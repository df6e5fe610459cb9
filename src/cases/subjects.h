// Ranking subjects for a human look (docs/investigate.md, Ranking). Pure functions over plain
// inputs, so tests can check them against a brute-force restatement.
#ifndef MONEYTRAIL_CASES_SUBJECTS_H_
#define MONEYTRAIL_CASES_SUBJECTS_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/transaction.h"

namespace moneytrail::cases {

// The weight a red-flag rule of this severity adds to a subject: "high" 0.60, "medium" 0.35,
// "low" 0.20, "report" 0.10 (reporting obligations such as CTRs are weak signals), else 0.20.
double SeverityWeight(std::string_view severity);

// What the ranking knows of one alert.
struct AlertFact {
  std::vector<uint32_t> subjects;  // subject indices it names
  std::string rule_id;
  std::string severity;
};

// What the ranking knows of one pattern instance.
struct PatternFact {
  std::vector<uint32_t> subjects;  // subject indices it involves
};

// The model's view of one subject.
struct ModelFact {
  double top_score = 0;   // largest score of its transactions (NaN or negative: 0)
  uint64_t flagged = 0;   // its transactions (across its boundary) the model flags
};

struct SubjectScore {
  uint32_t subject = 0;     // index
  // 1 - (1 - model)(1 - flagged)(1 - rules)(1 - patterns)
  double score = 0;
  double model_score = 0;   // half its largest transaction score: one payment is a hint
  double flagged_score = 0; // 1 - 0.6^(flagged transactions)
  double rule_score = 0;    // 1 - prod over distinct rules hit of (1 - SeverityWeight)
  double pattern_score = 0; // 1 - 0.85^(instances involving it), at most 0.5
  uint64_t alerts = 0;
  uint64_t patterns = 0;
  std::vector<std::string> rules;  // distinct rule ids hit, sorted
};

// Scores every subject (0..subject_count-1) and returns them ranked: by score descending, then
// by alerts, then patterns, then index (deterministic). Subjects with nothing against them
// (score 0) are still listed, last. docs/investigate.md (Ranking) explains the weights.
std::vector<SubjectScore> RankSubjects(size_t subject_count, std::span<const ModelFact> model,
                                       std::span<const AlertFact> alerts,
                                       std::span<const PatternFact> patterns);

}  // namespace moneytrail::cases

#endif  // MONEYTRAIL_CASES_SUBJECTS_H_
