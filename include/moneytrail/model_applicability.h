// What a model may say about an input (issue 20 item 2, docs/model.md, "Applicability"):
//   - feature availability: which feature columns the input's records can support (a date-only
//     statement has no time of day, a store of unknown channels no channel features, a store
//     without holders no KYC facts);
//   - calibration: isotonic regression (pool adjacent violators) of a model's scores on its
//     validation part, a reliability table and the expected calibration error;
//   - shift check: the input's feature distributions against the training data's summaries
//     (quantile bins, population stability index), and a one-sentence verdict.
// model::ScoreStore fills a ModelApplicability (model_score.h) from these; the ranking reads
// its `applies` flag and runs on rules and patterns alone when it is false.
//
// Example:
//   FeatureAvailability a = DetectAvailability(store, /*holders=*/nullptr);
//   if (!a.time_of_day) std::cout << a.Sentence();  // "the input is date-only ..."
//   IsotonicCalibration c = FitIsotonic(validation_scores, validation_labels);
//   float p = c.Apply(raw_score);                      // calibrated probability
//   IsotonicCalibration platt = FitPlatt(tuning_scores, tuning_labels);  // never exactly 0 or 1
//   auto table = ReliabilityTable(p_values, labels, 10);
//   double ece = ExpectedCalibrationError(table);
#ifndef MONEYTRAIL_MODEL_APPLICABILITY_H_
#define MONEYTRAIL_MODEL_APPLICABILITY_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "moneytrail/model_features.h"
#include "moneytrail/status.h"
#include "moneytrail/store.h"

namespace moneytrail::model {

// ---- Feature availability ---------------------------------------------------------------------

// Thresholds of DetectAvailability (docs/model.md, Feature availability).
// Time of day is unavailable when at least this share of transactions is at exactly 00:00:00
// UTC (a date-only source; real timed data has about 1 in 86,400 there).
inline constexpr double kDateOnlyShareLimit = 0.5;
// Channel features are unavailable when at least this share of transactions has channel
// `unknown`.
inline constexpr double kUnknownChannelShareLimit = 0.9;

// What the input's records can support. Capabilities: "time_of_day", "channel", "kyc".
struct FeatureAvailability {
  bool time_of_day = true;
  bool channel = true;
  bool kyc = true;
  double date_only_share = 0;        // transactions at exactly 00:00:00 UTC
  double channel_unknown_share = 0;  // transactions with channel `unknown`
  // The names of the unavailable capabilities, in the order time_of_day, channel, kyc.
  std::vector<std::string> Missing() const;
  // "the input is date-only (100% of rows at 00:00:00 UTC) and has no channels (100% unknown)";
  // empty when everything is available.
  std::string Sentence() const;
  nlohmann::json ToJson() const;
};

// Availability of a store's records. KYC is available when the store has a holders attachment
// or `holders` is given (ScoreOptions::holders).
FeatureAvailability DetectAvailability(const store::Store& store,
                                       const rules::HolderTable* holders);

// The feature columns that need each capability (docs/model.md): time_of_day: raw_hour,
// acct_*_idle_hours; channel: raw_channel, acct_*_cash_share; kyc: none of the current groups
// (KYC reaches the model only through the rules group's scan, which runs without it).
std::vector<std::string> ColumnsNeeding(std::string_view capability);
// The columns of `names` that `availability` does not support, in `names`' order.
std::vector<std::string> UnsupportedColumns(std::span<const std::string> names,
                                            const FeatureAvailability& availability);
// "hour-of-day", "channel", "KYC" for "time_of_day", "channel", "kyc".
std::string CapabilityWords(std::string_view capability);

// ---- Calibration ------------------------------------------------------------------------------

// The non-decreasing sequence z minimising sum_i w_i (y_i - z_i)^2 (pool adjacent violators).
// REQUIRES: y.size() == w.size(), every w_i > 0.
std::vector<double> PoolAdjacentViolators(std::span<const double> y, std::span<const double> w);

// A monotone map from raw scores to probabilities, one of two methods:
//   - isotonic (platt false): a step function through the points (x[k], y[k]) (x strictly
//     increasing, y non-decreasing) interpolated linearly between them and constant outside;
//   - Platt (platt true): p = 1 / (1 + exp(-(a * logit(score) + b))), a > 0, the score clamped
//     to [1e-7, 1 - 1e-7] first. Strictly increasing: distinct raw scores stay distinct and no
//     score maps to exactly 0 or 1 (an isotonic fit on finite validation counts ends on a plateau
//     at 1.0 when its top block holds only laundering rows; docs/model.md, Calibration).
// Empty (isotonic without points): the identity ("uncalibrated").
struct IsotonicCalibration {
  std::vector<float> x;
  std::vector<float> y;
  bool platt = false;
  double a = 1, b = 0;  // Platt's slope and intercept on the logit of the score
  bool empty() const { return x.empty() && !platt; }
  float Apply(float score) const;
  // {"method": "isotonic", "x": [...], "y": [...]} or {"method": "platt", "a": A, "b": B}.
  nlohmann::json ToJson() const;
  // InvalidArgument when x is not strictly increasing, y not non-decreasing or outside [0, 1],
  // or the lengths differ; for "platt", when a is not finite and positive or b not finite; for
  // any other method, when it is not "isotonic" (absent: isotonic).
  static Result<IsotonicCalibration> FromJson(const nlohmann::json& j);
  bool operator==(const IsotonicCalibration&) const = default;
};

// Isotonic regression of `labels` (0/1; kLabelUnknown ignored) on `scores`: tied scores are
// pooled first; the fitted points are the block ends of pool adjacent violators.
IsotonicCalibration FitIsotonic(std::span<const float> scores, std::span<const int8_t> labels);

// Platt scaling of `labels` (0/1; kLabelUnknown and NaN scores ignored) on logit(score): the
// a > 0, b maximising the likelihood with Platt's smoothed targets ((positives + 1) /
// (positives + 2) and 1 / (negatives + 2)), by Newton's method. With no row of either label,
// or when the fit's slope is not positive, returns a = 1, b = 0 (the identity on the score).
IsotonicCalibration FitPlatt(std::span<const float> scores, std::span<const int8_t> labels);

struct ReliabilityBin {
  double lower = 0, upper = 0;  // the bin's range of predicted probabilities, [lower, upper)
  double predicted_mean = 0;    // mean predicted probability of its rows
  double observed_rate = 0;     // share of laundering rows
  uint64_t count = 0;
  bool operator==(const ReliabilityBin&) const = default;
};
// `bins` equal-width bins over [0, 1] (the last includes 1); rows with unknown labels ignored;
// empty bins are kept with count 0.
std::vector<ReliabilityBin> ReliabilityTable(std::span<const float> probability,
                                             std::span<const int8_t> labels, int bins);
// sum over bins of count/total * |predicted_mean - observed_rate|; 0 for no rows.
double ExpectedCalibrationError(std::span<const ReliabilityBin> table);
nlohmann::json ReliabilityToJson(std::span<const ReliabilityBin> table);
Result<std::vector<ReliabilityBin>> ReliabilityFromJson(const nlohmann::json& j);

// ---- Shift check ------------------------------------------------------------------------------

// Thresholds of CheckShift (docs/model.md, Shift check).
inline constexpr double kFormShareGap = 0.5;   // date-only or unknown-channel shares differ by this
// ... when training held almost one form: the share of its rows in the other form (date-only or
// timed; unknown or known channels) is below this. Training data with both forms at this share
// or more (the bundled model's mixed worlds) has seen either form.
inline constexpr double kFormSeenShare = 0.1;
inline constexpr double kFeaturePsiLimit = 0.25;  // a feature with PSI above this has shifted
inline constexpr double kShiftedShareLimit = 0.5;  // share of shifted features that fails

// One feature's distribution: quantile bin edges (bin k is [edges[k-1], edges[k]), the first
// from -inf, the last to +inf) and the share of rows in each bin, plus the missing share.
struct FeatureSummary {
  std::string name;
  std::vector<float> edges;
  std::vector<double> shares;  // edges.size() + 1 values
  double missing = 0;
};

// What the model file keeps of its training rows for the shift check.
struct TrainingProfile {
  uint64_t rows = 0;
  double date_only_share = 0;
  double channel_unknown_share = 0;
  std::vector<FeatureSummary> features;
  bool empty() const { return rows == 0; }
  nlohmann::json ToJson() const;
  static Result<TrainingProfile> FromJson(const nlohmann::json& j);
};

// Summaries (deciles) of the columns of `x` over `rows`, and the form shares of `availability`.
TrainingProfile ProfileOf(const FeatureMatrix& x, std::span<const uint32_t> rows,
                          const FeatureAvailability& availability);

// Population stability index of `x`'s column over all its rows against a summary:
// sum (p - q) ln(p / q) over the bins and the missing bin, each share floored at 1e-4.
double PopulationStabilityIndex(const FeatureSummary& summary, const FeatureMatrix& x,
                                size_t column);

struct ShiftCheck {
  bool checked = false;   // false: the model file has no training profile (older file)
  bool applies = true;    // false: the model does not apply to this input
  std::string reason;     // one sentence; empty when it applies
  double shifted_share = 0;  // share of compared features with PSI > kFeaturePsiLimit
  std::vector<std::pair<std::string, double>> psi;  // compared features, largest PSI first
  nlohmann::json ToJson() const;
};

// Compares the input with the training profile: the model does not apply when the date-only or
// the unknown-channel share differs from training by kFormShareGap or more while training held
// less than kFormSeenShare of its rows in one of the two forms, or when more than
// `shifted_share_limit` of the compared features (the columns of x with a summary) have PSI
// above kFeaturePsiLimit. The limit is the applied model's (Model::shift_limit(): a model file
// may set a stricter one for a model whose calibration holds only on inputs close to its
// training data); the reason names it when it is not kShiftedShareLimit.
// REQUIRES: 0 < shifted_share_limit <= 1.
ShiftCheck CheckShift(const TrainingProfile& profile, const FeatureAvailability& input,
                      const FeatureMatrix& x, double shifted_share_limit = kShiftedShareLimit);

}  // namespace moneytrail::model

#endif  // MONEYTRAIL_MODEL_APPLICABILITY_H_
