// What the ranking takes beyond the rules and patterns: the model's part in the case (which
// variant applies to the input, its calibrated probabilities, or why it does not apply) and the
// rank's basis in words. Split from investigate.cc (docs/investigate.md, "Ranking"; docs/model.md,
// "Applicability").
#ifndef MONEYTRAIL_CASES_RANKING_INPUT_H_
#define MONEYTRAIL_CASES_RANKING_INPUT_H_

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/case_report.h"
#include "moneytrail/patterns.h"
#include "moneytrail/rules.h"
#include "moneytrail/status.h"
#include "moneytrail/store.h"
#include "subjects.h"

namespace moneytrail::cases {

// The model's part in the case (docs/model.md, "Applicability" and "In investigate"). When the
// model applies, per transaction its raw score, calibrated probability and flag; when it does
// not, all three are empty and the ranking gets no model input.
struct Scored {
  bool applies = false;
  std::vector<float> score;        // the applied model's raw scores (picks a subject's top row)
  std::vector<float> probability;  // calibrated: what the ranking and the report show
  std::vector<uint8_t> flag;       // score >= the applied model's threshold
  std::vector<std::string> reasons;
  float threshold = 0.5f;
  uint64_t flagged = 0;
  std::string model_role;          // "main" or the variant applied ("main_without_...")
  // One sentence: which model applied and what it left out, or why the model does not apply.
  std::string sentence;
  std::string model_path;
  std::string model_sha256;
  std::string labels;
};

// Scores every transaction with the model variant the input's features support, runs the shift
// check, and keeps the scores only when the model applies (docs/model.md, Applicability).
// `model_option` empty: the bundled default model. `holders` may be null (no KYC).
Result<Scored> ModelInputForRanking(const store::Store& s, const std::filesystem::path& model_option,
                                    const rules::HolderTable* holders);

// Fan-in/out instances need at least this many distinct counterparties in one window
// (docs/investigate.md, "Where the numbers come from").
inline constexpr uint32_t kFanMinCounterparties = 5;

// The pattern instances the ranking counts (docs/investigate.md, "Patterns"): scatter-gather,
// gather-scatter, bipartite, stack and temporal cycles under GFP's default windows matched to
// the store's time resolution (patterns::ScaledToResolution), and fan-in/out instances
// (patterns::FanInstances, hubs and counterparties bank accounts, kFanMinCounterparties).
struct PatternEvidence {
  patterns::InstanceSet instances;
  // "time resolution 1 day (every timestamp a whole day): windows scaled ...": for the report's
  // configuration.
  std::string description;
};
Result<PatternEvidence> PatternsForRanking(const store::Store& s, int threads);

// How the rank was formed, in words (docs/investigate.md, Ranking).
std::string RankBasis(const SubjectScore& sc, uint64_t transactions, uint64_t flagged,
                      bool model_applies);

// Splits ExplainInWords text ("amount paid 9,500.00 (+1.20); channel cash (+0.80)").
std::vector<report::ReasonView> ParseReasons(std::string_view text);

}  // namespace moneytrail::cases

#endif  // MONEYTRAIL_CASES_RANKING_INPUT_H_
