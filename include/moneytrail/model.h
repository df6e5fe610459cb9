// Risk scores that explain themselves (issue 6, docs/model.md): gradient-boosted trees
// (XGBoost's C API) over the features of moneytrail/model_features.h, trained on a temporal
// split, with a decision threshold chosen on the validation part, a raw-features baseline
// trained beside it, and per-transaction SHAP contributions.
//
// Example:
//   MT_ASSIGN_OR_RETURN(auto split, model::TemporalSplit::Parse("temporal:60/20/20"));
//   MT_ASSIGN_OR_RETURN(auto labels, model::LoadLabels(store, "from-store"));
//   model::TrainOptions options;                       // raw,patterns,accounts vs raw
//   MT_ASSIGN_OR_RETURN(model::ModelBundle bundle, model::Train(store, labels, split, options));
//   MT_RETURN_IF_ERROR(bundle.Save("case.model"));
//   MT_ASSIGN_OR_RETURN(model::ModelBundle again, model::ModelBundle::Load("case.model"));
//   MT_ASSIGN_OR_RETURN(model::FeatureMatrix x, model::BuildFeatures(store, {again.union_groups()}));
//   MT_ASSIGN_OR_RETURN(std::vector<float> p, again.main().Predict(x));
//
// Determinism: the same store, labels, split and options (seed, threads) give a byte-identical
// model file and identical scores. Thread safety: a loaded Model may predict from one thread
// at a time (XGBoost boosters are not documented as safe for concurrent prediction).
#ifndef MONEYTRAIL_MODEL_H_
#define MONEYTRAIL_MODEL_H_

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/model_applicability.h"
#include "moneytrail/model_features.h"
#include "moneytrail/status.h"
#include "moneytrail/store.h"

namespace moneytrail::model {

// ---- Temporal split ---------------------------------------------------------------------------

enum class SplitPart : uint8_t { kTrain = 0, kValidate = 1, kTest = 2 };
std::string_view SplitPartName(SplitPart part);  // "train", "validate", "test"
Result<SplitPart> ParseSplitPart(std::string_view name);

// Shares of the time span, in percent: train on the earliest `train`% of time, validate on the
// next `validate`%, test on the rest.
struct TemporalSplit {
  int train = 60;
  int validate = 20;
  int test = 20;
  // "temporal:60/20/20" (shares must be >= 1 and sum to 100).
  static Result<TemporalSplit> Parse(std::string_view text);
  std::string ToString() const;  // "temporal:60/20/20"
};

// Time boundaries of a split over one store: train is [first, validate_from), validate is
// [validate_from, test_from), test is [test_from, last].
struct SplitBoundaries {
  Timestamp first = 0;
  Timestamp validate_from = 0;
  Timestamp test_from = 0;
  Timestamp last = 0;
  SplitPart PartOf(Timestamp t) const {
    return t < validate_from ? SplitPart::kTrain
                             : (t < test_from ? SplitPart::kValidate : SplitPart::kTest);
  }
  bool operator==(const SplitBoundaries&) const = default;
};
// Boundaries from the first and last times of `time` (integer arithmetic). REQUIRES: non-empty.
SplitBoundaries ComputeBoundaries(std::span<const Timestamp> time, const TemporalSplit& split);

// ---- Labels -----------------------------------------------------------------------------------

inline constexpr int8_t kLabelUnknown = -1;

// One label per transaction: 1 laundering, 0 legitimate, kLabelUnknown.
// "from-store": the store's label column; when no transaction has a label but accounts do
// (AMLSim's nodes.csv), a transaction is laundering when both its ends are laundering accounts
// and legitimate otherwise. Any other text is a CSV file `tx_id,label` (label 0/1), transactions
// it does not name unknown. InvalidArgument names the file, line and value.
Result<std::vector<int8_t>> LoadLabels(const store::Store& store, std::string_view spec);

// ---- Models -----------------------------------------------------------------------------------

struct TrainParams {
  int max_rounds = 400;
  int early_stopping_rounds = 40;  // stop when validation PR-AUC has not improved for this many
  int max_depth = 6;
  double eta = 0.1;
  double subsample = 0.8;
  double colsample_bytree = 0.8;
  double min_child_weight = 1.0;
  double scale_pos_weight = 0;  // 0: negatives / positives of the training rows
  // Share of the legitimate training rows kept (a fixed pseudo-random choice per row and seed;
  // all laundering rows are kept). 1: all.
  double negative_rate = 1.0;
  // Row weights by recency: a train row at time t weighs 2^((t - start of the validation part)
  // / half-life), so the latest train rows count most (docs/model.md); for a first-stage model,
  // 2^((t - end of its half of the train part) / half-life). 0: all rows weigh 1.
  double recency_half_life_days = 0;
  uint64_t seed = 1;
  int threads = 2;
};

struct BinaryMetrics {
  uint64_t rows = 0;
  uint64_t positives = 0;
  uint64_t flagged = 0;
  uint64_t true_positives = 0;
  double precision = 0;
  double recall = 0;
  double f1 = 0;
  double pr_auc = 0;  // average precision
};

struct FeatureContribution {
  uint32_t feature = 0;  // column index in Model::features()
  float value = 0;       // the feature's value
  float contribution = 0;  // SHAP value, in log-odds
};

class Model {
 public:
  Model();
  Model(Model&&) noexcept;
  Model& operator=(Model&&) noexcept;
  ~Model();

  const std::string& role() const { return role_; }  // "main" or "baseline"
  const std::vector<FeatureGroup>& groups() const { return groups_; }
  const std::vector<std::string>& features() const { return features_; }
  float threshold() const { return threshold_; }
  int best_iteration() const { return best_iteration_; }
  const BinaryMetrics& validation() const { return validation_; }
  const TrainParams& params() const { return params_; }
  // Isotonic calibration fitted on the validation part's scores (docs/model.md, Calibration);
  // empty in files written before it ("uncalibrated").
  const IsotonicCalibration& calibration() const { return calibration_; }
  // The calibrated probability of a raw score (the score itself when uncalibrated).
  float Calibrate(float score) const { return calibration_.Apply(score); }
  // Reliability table of the calibrated validation scores (10 bins), and the expected
  // calibration error of the raw and of the calibrated validation scores (-1: unknown).
  const std::vector<ReliabilityBin>& reliability() const { return reliability_; }
  double ece_raw() const { return ece_raw_; }
  double ece_calibrated() const { return ece_calibrated_; }
  // Capabilities ("time_of_day", "channel") a per-availability variant of the main model was
  // trained without (docs/model.md, Feature availability); empty for every other model.
  const std::vector<std::string>& trained_without() const { return trained_without_; }
  // The largest share of shifted columns at which this model applies (CheckShift's
  // shifted_share_limit; docs/model.md, Shift check): kShiftedShareLimit unless the model file
  // sets a stricter `shift_limit` for it (bench/model_recalibrate.py does where the model's
  // calibration was checked only on inputs close to its training data). In (0, 1].
  double shift_limit() const { return shift_limit_; }

  // Checks that `columns` are exactly this model's features, in order. FailedPrecondition
  // naming the first column that differs and what the model expected.
  Status CheckSchema(std::span<const std::string> columns) const;
  // Probabilities for every row of `x`. REQUIRES nothing; FailedPrecondition on a schema
  // mismatch (x.names must equal features()).
  Result<std::vector<float>> Predict(const FeatureMatrix& x) const;
  // Margins (log-odds) of the given rows.
  Result<std::vector<float>> PredictMargin(const FeatureMatrix& x,
                                           std::span<const uint32_t> rows) const;
  // SHAP contributions of the given rows: per row, features().size() + 1 values, the last the
  // bias; each row sums to the row's margin.
  Result<std::vector<float>> Contributions(const FeatureMatrix& x,
                                           std::span<const uint32_t> rows) const;

 private:
  friend class ModelBundle;
  friend struct ModelAccess;
  struct Booster;
  std::string role_;
  std::vector<FeatureGroup> groups_;
  std::vector<std::string> features_;
  TrainParams params_;
  float threshold_ = 0.5f;
  int best_iteration_ = 0;
  int rounds_trained_ = 0;
  double scale_pos_weight_ = 1;
  uint64_t train_rows_ = 0;
  uint64_t train_positives_ = 0;
  BinaryMetrics validation_;
  IsotonicCalibration calibration_;
  std::vector<ReliabilityBin> reliability_;
  double ece_raw_ = -1;
  double ece_calibrated_ = -1;
  std::vector<std::string> trained_without_;
  double shift_limit_ = kShiftedShareLimit;
  std::string booster_bytes_;  // XGBoost's JSON model
  std::unique_ptr<Booster> booster_;
};

// The most first-stage models (TrainOptions::first_stage_folds) a model may have.
inline constexpr int kMaxFirstStageFolds = 16;

struct TrainOptions {
  std::vector<FeatureGroup> groups{FeatureGroup::kRaw, FeatureGroup::kPatterns,
                                   FeatureGroup::kAccounts};
  std::vector<FeatureGroup> baseline_groups{FeatureGroup::kRaw};
  TrainParams params;
  std::string labels = "from-store";  // recorded in the model file
  // The rule pack of the `rules` group (read, and stored in the model file so that scoring
  // uses the same pack); ignored without that group.
  std::filesystem::path rules_pack;
  // Alerts of that pack over `store`, when the caller has scanned already (null: Train scans).
  // Borrowed for the call. REQUIRES: made with the pack at rules_pack.
  const rules::ScanResult* scan = nullptr;
  const rules::HolderTable* holders = nullptr;  // KYC facts for Train's own scan; may be null
  // negative_rate of the first-stage models of the neighbours group (docs/model.md).
  double first_stage_negative_rate = 0.2;
  // Number of first-stage models, in [2, kMaxFirstStageFolds]: the train part is cut into this
  // many blocks of equal time and model k is trained on all of them but one (docs/model.md,
  // Neighbour scores); 2 gives the early and the late model.
  int first_stage_folds = 2;
  // Candidate recency half-lives (days, 0: unweighted) of the main model: with more than one,
  // the main model is trained with each and the one with the highest validation PR-AUC is kept
  // (the baseline then uses the same). Empty: params.recency_half_life_days.
  std::vector<double> recency_candidates;
  // Recency half-life (days, 0: unweighted) of the first-stage models; each weighs its rows from
  // the end of its own rows (docs/model.md, Neighbour scores).
  double first_stage_recency_half_life_days = 0;
  // Candidate weights in [0, 1] of the late first-stage model in the first-stage score of a row
  // after the train part ((1 - w) * early + w * late, where early is the mean of the other
  // first-stage models when there are more than two): the one whose scores have the highest
  // PR-AUC on the validation part is kept and recorded in the model file. Empty: 0.5 (the mean).
  std::vector<double> first_stage_late_weights;
  // A model file whose first-stage models are reused instead of trained (docs/model.md,
  // Neighbour scores): it must have been trained on this store (manifest hash) with the same
  // split boundaries. Its late weight is kept unless first_stage_late_weights is given; the
  // first-stage options above are then unused. Empty: train the first stage.
  std::filesystem::path first_stage_from;
  // Columns of the main model's groups left out of the main model and of its first-stage models
  // (e.g. tn_self); kept in the model file. Each must be a column of `groups`.
  std::vector<std::string> exclude_features;
  // Also train the main model without the columns each unavailable capability needs
  // (time_of_day, channel, both: docs/model.md, Feature availability), so that an input without
  // them is scored by a model that never used them. Skipped for a main model with the
  // neighbours or taint group (its first-stage models would still use them).
  bool availability_variants = true;
  // Called with progress lines ("main: round 40, validation PR-AUC 0.71"); may be empty.
  std::function<void(std::string_view)> log;
};


// A model file: the main model and its baseline, the split, the label source and the store's
// manifest hash (docs/model.md, Model file).
class ModelBundle {
 public:
  // Reads a model file. DataLoss for a truncated or corrupt file (digest mismatch),
  // InvalidArgument for another format or a newer format version.
  static Result<ModelBundle> Load(const std::filesystem::path& path);
  // Writes atomically (temporary file, then rename). IoError on failure.
  Status Save(const std::filesystem::path& path) const;

  const Model& main() const { return models_[0]; }
  const Model& baseline() const { return models_[1]; }
  // The first-stage models of the neighbours group (docs/model.md, Neighbour scores): empty
  // when the main model has no such group, else one per block of the train part's time, model
  // k trained on every block but block size - 1 - k: with two, [early, late], trained on the
  // first and on the second half.
  std::span<const Model> first_stage() const {
    return std::span<const Model>(models_).subspan(std::min<size_t>(2, models_.size()));
  }
  // The late first-stage model's weight in the first-stage score of a row after the train part
  // (TrainOptions::first_stage_late_weights); 0.5 in files written before it was an option.
  double first_stage_late_weight() const { return first_stage_late_weight_; }
  // Columns of the main model's groups that it and its first-stage models leave out
  // (TrainOptions::exclude_features); empty in files written before the option.
  const std::vector<std::string>& excluded_features() const { return excluded_features_; }
  const TemporalSplit& split() const { return split_; }
  const SplitBoundaries& boundaries() const { return boundaries_; }
  const std::string& store_manifest_sha256() const { return store_manifest_sha256_; }
  const std::string& labels() const { return labels_; }
  // The rule pack of the `rules` group, as trained with (empty without that group).
  const std::string& rules_pack_text() const { return rules_pack_text_; }
  const std::string& rules_pack_origin() const { return rules_pack_origin_; }
  // Groups needed to compute both models' features.
  std::vector<FeatureGroup> union_groups() const;
  // Per-availability variants of the main model (TrainOptions::availability_variants); empty in
  // files written before them.
  std::span<const Model> variants() const { return variants_; }
  // Summaries of the training part's features for the shift check; empty in older files.
  const TrainingProfile& profile() const { return profile_; }
  // The model to score an input of `availability` with: the main model when the input supports
  // every column it uses, else the variant trained without the fewest capabilities that covers
  // the unavailable ones the main model uses; null when the file has no such variant.
  const Model* ModelFor(const FeatureAvailability& availability) const;

 private:
  friend struct ModelAccess;
  std::vector<Model> models_;  // [main, baseline] or [main, baseline, first-stage models...]
  TemporalSplit split_;
  SplitBoundaries boundaries_;
  std::string store_manifest_sha256_;
  std::string store_dir_;
  std::string labels_;
  std::string rules_pack_text_;
  std::string rules_pack_origin_;
  double first_stage_late_weight_ = 0.5;
  std::vector<std::string> excluded_features_;
  std::vector<Model> variants_;
  TrainingProfile profile_;
};

// The bundled default model, models/default.model (models/README.md): the first that exists of
// ./models/default.model, models/default.model in a parent directory of the running binary, and
// the one in the source tree the library was built from. NotFound lists the places looked at.
Result<std::filesystem::path> FindDefaultModel();

// Builds features, trains the main model and the baseline on the train part (rows with known
// labels), early-stops each on validation PR-AUC, and sets each threshold to the score that
// maximises minority-class F1 on the validation part. With the neighbours group in the main
// model, first trains the two first-stage models and fills that group's columns from their
// scores (docs/model.md, Neighbour scores). FailedPrecondition when the train or validation part
// has no positive label; InvalidArgument for the rules group without a readable
// options.rules_pack, for the neighbours group in the baseline or alone.
Result<ModelBundle> Train(const store::Store& store, std::span<const int8_t> labels,
                          const TemporalSplit& split, const TrainOptions& options);

// Metrics of `scores` against `labels` (kLabelUnknown rows ignored) at `threshold`
// (flagged: score >= threshold). PR-AUC is the average precision over the ranking by score,
// ties broken by row order.
BinaryMetrics ComputeMetrics(std::span<const float> scores, std::span<const int8_t> labels,
                             float threshold);
// The threshold (one of the scores) that maximises F1; the highest such score on ties.
float BestF1Threshold(std::span<const float> scores, std::span<const int8_t> labels);

// Precision among the top `k` of `scores` (fewer when there are fewer rows), ties by row order.
double PrecisionAtK(std::span<const float> scores, std::span<const int8_t> labels, size_t k);

// The `count` largest positive contributions of one row of Contributions(), largest first.
std::vector<FeatureContribution> TopContributions(std::span<const float> row_contributions,
                                                  std::span<const float> row_values,
                                                  size_t count);
// "amount paid 9,500.00 (+1.20); channel cash_deposit (+0.80)".
std::string ExplainInWords(const Model& model, std::span<const FeatureContribution> top);

}  // namespace moneytrail::model

#endif  // MONEYTRAIL_MODEL_H_
