// Scoring a store with a trained model bundle, ranking accounts, and evaluating scores
// (issue 6, docs/model.md: `moneytrail score` and `moneytrail eval`).
//
// Example:
//   MT_ASSIGN_OR_RETURN(model::ScoreRun run, model::ScoreStore(store, bundle, {}));
//   MT_RETURN_IF_ERROR(model::WriteScoresCsv(store, bundle, run, "scores.csv"));
//   MT_ASSIGN_OR_RETURN(model::ScoresFile f, model::ReadScoresCsv("scores.csv", store));
//   MT_ASSIGN_OR_RETURN(model::Evaluation e, model::Evaluate(store, f, labels, SplitPart::kTest));
//   std::cout << e.ToText();
#ifndef MONEYTRAIL_MODEL_SCORE_H_
#define MONEYTRAIL_MODEL_SCORE_H_

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "moneytrail/model.h"
#include "moneytrail/status.h"
#include "moneytrail/store.h"

namespace moneytrail::model {

struct ScoreOptions {
  size_t reasons = 3;  // top contributions written per flagged transaction
  // For a model with the `rules` group: alerts of the bundle's rule pack
  // (bundle.rules_pack_text()) over the store, when the caller has scanned already; null:
  // ScoreStore scans with that pack. Borrowed for the call.
  const rules::ScanResult* scan = nullptr;
  const rules::HolderTable* holders = nullptr;  // KYC facts for ScoreStore's own scan
};

// What the model may say about this input (docs/model.md, Applicability): which model was
// applied and why, whether its scores are calibrated, and the shift check's verdict. The ranking
// uses `applies`: when false it runs on rules and patterns alone.
struct ModelApplicability {
  FeatureAvailability input;        // what the input's records support
  std::string model_role;           // the model applied: "main" or "main_without_..."
  std::vector<std::string> unused_capabilities;  // capabilities the applied model leaves out
  std::vector<std::string> unused_features;      // the main model's columns not used
  // True when an unsupported column could not be left out (a file without variants): those
  // columns were set to missing, which XGBoost still routes by its default directions.
  bool masked_by_missing = false;
  bool calibrated = false;          // the applied model has a calibration
  ShiftCheck shift;
  bool applies = true;              // false: the shift check says the model does not apply
  // "model applied without hour-of-day and channel features: the input is date-only (...)"
  // or "model applied with all its features"; then "; scores uncalibrated" when so.
  std::string availability_sentence;
  // The shift check's sentence when the model does not apply, else empty.
  std::string reason;
  nlohmann::json ToJson() const;
};

// Scores of every transaction of a store, by the main model and by the baseline.
struct ScoreRun {
  // Raw scores of the applied model (ModelApplicability::model_role); `flagged` and the reasons
  // use its threshold.
  std::vector<float> score;
  // Calibrated probabilities of the applied model (equal to `score` when uncalibrated).
  std::vector<float> probability;
  float threshold = 0.5f;  // the applied model's decision threshold on `score`
  ModelApplicability applicability;
  std::vector<float> baseline;
  std::vector<std::string> reasons;  // plain words; empty unless flagged by the main model
  size_t flagged = 0;
};

// Computes features, checks both models' schemas (FailedPrecondition naming the column on a
// mismatch) and scores every transaction; explains each transaction the main model flags.
Result<ScoreRun> ScoreStore(const store::Store& store, const ModelBundle& bundle,
                            const ScoreOptions& options);

// scores.csv: tx_id,time,split,score,flagged,baseline_score,baseline_flagged,probability,reasons
// (docs/model.md). Scores in the shortest text that reads back to the same float.
Status WriteScoresCsv(const store::Store& store, const ModelBundle& bundle, const ScoreRun& run,
                      const std::filesystem::path& path);

// accounts.csv: rank,account,score,transactions,flagged,top_tx,reasons. An account's score is
// the largest score of a transaction it sends or receives; only bank accounts are ranked.
Status WriteAccountRanking(const store::Store& store, const ModelBundle& bundle,
                           const ScoreRun& run, const std::filesystem::path& path);

// What eval reads back from scores.csv.
struct ScoresFile {
  std::vector<float> score;
  std::vector<float> baseline;
  std::vector<uint8_t> flagged;
  std::vector<uint8_t> baseline_flagged;
  std::vector<SplitPart> part;
  std::vector<float> probability;  // empty for files written before the column
};
// InvalidArgument names the line and field; FailedPrecondition when the file does not cover
// exactly the store's transactions.
Result<ScoresFile> ReadScoresCsv(const std::filesystem::path& path, const store::Store& store);

struct AccountMetrics {
  uint64_t accounts = 0;
  uint64_t positives = 0;
  double pr_auc = 0;
  std::vector<std::pair<size_t, double>> precision_at;  // (k, precision among the top k)
};

struct Evaluation {
  std::string part;  // "test", "validate", "train" or "all"
  std::string account_labels;  // "store" (account attributes) or "derived" (from transactions)
  BinaryMetrics model;
  BinaryMetrics baseline;
  AccountMetrics model_accounts;
  AccountMetrics baseline_accounts;
  // Expected calibration error (10 bins) of the raw score column and of the probability column
  // (-1 without one); the reliability table of the probability column.
  double ece_raw = 0;
  double ece = -1;
  std::vector<ReliabilityBin> reliability;
  std::string ToText() const;
  nlohmann::json ToJson() const;
};

// Metrics of the transactions of `part` (nullopt: all) of both score columns, at the flags the
// scores file carries, and account-level PR-AUC and precision at `top_k`. Account labels come
// from the store's account attributes when any is known, else an account is laundering when it
// sends or receives a laundering transaction of the part.
Result<Evaluation> Evaluate(const store::Store& store, const ScoresFile& scores,
                            std::span<const int8_t> labels, std::optional<SplitPart> part,
                            std::span<const size_t> top_k);

}  // namespace moneytrail::model

#endif  // MONEYTRAIL_MODEL_SCORE_H_
