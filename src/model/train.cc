// Training: temporal split, class weights, early stopping, F1 threshold (docs/model.md).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iterator>
#include <optional>

#include "model/model_access.h"
#include "model/neighbour_features.h"
#include "model/train_internal.h"
#include "moneytrail/check.h"
#include "moneytrail/file_util.h"
#include "moneytrail/model.h"

namespace moneytrail::model {
namespace {

using model_internal::Booster;
using model_internal::DMatrix;

struct PartRows {
  std::vector<uint32_t> rows;
  std::vector<float> labels;
  uint64_t positives = 0;
};

PartRows RowsOf(std::span<const int8_t> labels, std::span<const Timestamp> time,
                const SplitBoundaries& b, SplitPart part) {
  PartRows p;
  for (uint32_t r = 0; r < labels.size(); ++r) {
    if (labels[r] == kLabelUnknown || b.PartOf(time[r]) != part) continue;
    p.rows.push_back(r);
    p.labels.push_back(labels[r]);
    p.positives += labels[r] == 1;
  }
  return p;
}

// The rows of `part` with every laundering row and a `rate` share of the others, chosen by a
// hash of (row, seed) so that the choice is the same on every run.
PartRows Subsample(const PartRows& part, double rate, uint64_t seed) {
  if (rate >= 1.0) return part;
  PartRows out;
  for (size_t i = 0; i < part.rows.size(); ++i) {
    uint64_t z = (static_cast<uint64_t>(part.rows[i]) + 1) * 0x9E3779B97F4A7C15ull ^ seed;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;  // SplitMix64's finaliser
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    const bool keep = part.labels[i] == 1 || static_cast<double>(z >> 11) * 0x1.0p-53 < rate;
    if (!keep) continue;
    out.rows.push_back(part.rows[i]);
    out.labels.push_back(part.labels[i]);
    out.positives += part.labels[i] == 1;
  }
  return out;
}

// The rows of `part` whose time is outside [from, to).
PartRows Outside(const PartRows& part, std::span<const Timestamp> time, Timestamp from,
                 Timestamp to) {
  PartRows out;
  for (size_t i = 0; i < part.rows.size(); ++i) {
    const Timestamp t = time[part.rows[i]];
    if (t >= from && t < to) continue;
    out.rows.push_back(part.rows[i]);
    out.labels.push_back(part.labels[i]);
    out.positives += part.labels[i] == 1;
  }
  return out;
}

// The first-stage models of the model file at `path`, which must have been trained on store `s`
// with split boundaries `b`; *late_weight receives its late weight.
Result<std::vector<Model>> ReuseFirstStage(const store::Store& s, const SplitBoundaries& b,
                                           const std::filesystem::path& path,
                                           double* late_weight) {
  MT_ASSIGN_OR_RETURN(ModelBundle from, ModelBundle::Load(path));
  if (from.first_stage().empty()) {
    return InvalidArgumentError(
        fmt::format("{} has no first-stage models (its main model has no neighbours or taint "
                    "group)", path.string()));
  }
  if (from.store_manifest_sha256() != s.manifest_sha256()) {
    return FailedPreconditionError(fmt::format(
        "{} was trained on another store (manifest {}, this store's {}): its first-stage models "
        "may have seen labels of rows they would score", path.string(),
        from.store_manifest_sha256(), s.manifest_sha256()));
  }
  if (!(from.boundaries() == b)) {
    return FailedPreconditionError(fmt::format(
        "{} was trained with split {} and other boundaries (validation from {}, here {})",
        path.string(), from.split().ToString(), from.boundaries().validate_from,
        b.validate_from));
  }
  *late_weight = from.first_stage_late_weight();
  std::vector<Model>& models = ModelAccess::models(from);
  return std::vector<Model>(std::make_move_iterator(models.begin() + 2),
                            std::make_move_iterator(models.end()));
}

// The role of first-stage model k of `folds` (model_internal::FirstStageHeldOutBlock): with two
// folds "first_stage_early" and "first_stage_late", as before the option.
std::string FirstStageRole(int folds, int k) {
  if (folds == 2) return k == 0 ? "first_stage_early" : "first_stage_late";
  return fmt::format("first_stage_without_{}_of_{}",
                     model_internal::FirstStageHeldOutBlock(folds, k) + 1, folds);
}

Result<DMatrix> MatrixOf(const FeatureMatrix& x, const PartRows& part, int threads) {
  std::vector<float> values(part.rows.size() * x.cols());
  for (size_t i = 0; i < part.rows.size(); ++i) {
    const auto row = x.row(part.rows[i]);
    std::copy(row.begin(), row.end(), values.begin() + static_cast<ptrdiff_t>(i * x.cols()));
  }
  MT_ASSIGN_OR_RETURN(DMatrix m, DMatrix::FromDense(values, part.rows.size(), x.cols(), threads));
  MT_RETURN_IF_ERROR(m.SetLabels(part.labels));
  return m;
}

Status SetParams(Booster& b, const TrainParams& p, double scale_pos_weight) {
  const std::pair<std::string, std::string> params[] = {
      {"booster", "gbtree"},
      {"objective", "binary:logistic"},
      {"eval_metric", "aucpr"},
      {"tree_method", "hist"},
      {"max_depth", std::to_string(p.max_depth)},
      {"eta", fmt::format("{}", p.eta)},
      {"subsample", fmt::format("{}", p.subsample)},
      {"colsample_bytree", fmt::format("{}", p.colsample_bytree)},
      {"min_child_weight", fmt::format("{}", p.min_child_weight)},
      {"scale_pos_weight", fmt::format("{}", scale_pos_weight)},
      {"seed", std::to_string(p.seed)},
      {"nthread", std::to_string(p.threads)},
      {"verbosity", "0"},
  };
  for (const auto& [name, value] : params) MT_RETURN_IF_ERROR(b.SetParam(name, value));
  return Status::Ok();
}

// Trains one model on `x` (its columns are the model's features).
Result<Model> TrainOne(std::string role, std::vector<FeatureGroup> groups, const FeatureMatrix& x,
                       const PartRows& all_train, const PartRows& validate, const TrainParams& p,
                       std::span<const Timestamp> time, Timestamp weights_until,
                       const TrainOptions& o) {
  const PartRows train = Subsample(all_train, p.negative_rate, p.seed);
  if (train.positives == 0 || train.positives == train.rows.size()) {
    return FailedPreconditionError(fmt::format(
        "the {} model's training rows ({}) need both laundering and legitimate labels; they have "
        "{} laundering", role, train.rows.size(), train.positives));
  }
  Model m;
  ModelAccess::role(m) = role;
  ModelAccess::groups(m) = std::move(groups);
  ModelAccess::features(m) = x.names;
  ModelAccess::params(m) = p;
  ModelAccess::train_rows(m) = train.rows.size();
  ModelAccess::train_positives(m) = train.positives;
  const std::vector<float> weights = model_internal::RecencyWeights(
      train.rows, time, weights_until, p.recency_half_life_days);
  double positive_weight = static_cast<double>(train.positives);
  double negative_weight = static_cast<double>(train.rows.size() - train.positives);
  if (!weights.empty()) {  // balance the classes by weight, as XGBoost sees them
    positive_weight = negative_weight = 0;
    for (size_t i = 0; i < weights.size(); ++i) {
      (train.labels[i] == 1 ? positive_weight : negative_weight) += weights[i];
    }
  }
  const double spw = p.scale_pos_weight > 0 ? p.scale_pos_weight
                                            : negative_weight / positive_weight;
  ModelAccess::scale_pos_weight(m) = spw;
  MT_ASSIGN_OR_RETURN(DMatrix dtrain, MatrixOf(x, train, p.threads));
  if (!weights.empty()) MT_RETURN_IF_ERROR(dtrain.SetWeights(weights));
  MT_ASSIGN_OR_RETURN(DMatrix dvalid, MatrixOf(x, validate, p.threads));
  MT_ASSIGN_OR_RETURN(Booster b, Booster::Create(&dtrain, &dvalid));
  MT_RETURN_IF_ERROR(SetParams(b, p, spw));
  double best = -1;
  int best_rounds = 0, round = 0;
  for (; round < p.max_rounds; ++round) {
    MT_RETURN_IF_ERROR(b.UpdateOneIter(round, dtrain));
    MT_ASSIGN_OR_RETURN(double aucpr, b.Evaluate(round, dvalid));
    if (aucpr > best) {
      best = aucpr;
      best_rounds = round + 1;
    }
    if ((round + 1) % 20 == 0 && o.log) {
      o.log(fmt::format("{}: round {}, validation PR-AUC {:.4f} (best {:.4f} at {})", role,
                        round + 1, aucpr, best, best_rounds));
    }
    if (round + 1 - best_rounds >= p.early_stopping_rounds) {
      ++round;
      break;
    }
  }
  ModelAccess::rounds_trained(m) = round;
  ModelAccess::best_iteration(m) = best_rounds;
  MT_ASSIGN_OR_RETURN(Booster sliced, b.Slice(best_rounds));
  MT_ASSIGN_OR_RETURN(ModelAccess::booster_bytes(m), sliced.SaveToBytes());
  // Reload from the saved bytes, so that scores of a trained and of a loaded model agree.
  MT_ASSIGN_OR_RETURN(Booster reloaded, Booster::FromBytes(ModelAccess::booster_bytes(m)));
  MT_RETURN_IF_ERROR(reloaded.SetParam("nthread", std::to_string(p.threads)));
  MT_ASSIGN_OR_RETURN(model_internal::Prediction pv, reloaded.Predict(dvalid, 0));
  std::vector<int8_t> vlabels(validate.labels.begin(), validate.labels.end());
  const float threshold = BestF1Threshold(pv.values, vlabels);
  ModelAccess::threshold(m) = threshold;
  ModelAccess::validation(m) = ComputeMetrics(pv.values, vlabels, threshold);
  // Calibration on the validation part (docs/model.md, Calibration).
  ModelAccess::ece_raw(m) = ExpectedCalibrationError(ReliabilityTable(pv.values, vlabels, 10));
  IsotonicCalibration calibration = FitIsotonic(pv.values, vlabels);
  std::vector<float> calibrated(pv.values.size());
  for (size_t i = 0; i < calibrated.size(); ++i) calibrated[i] = calibration.Apply(pv.values[i]);
  ModelAccess::reliability(m) = ReliabilityTable(calibrated, vlabels, 10);
  ModelAccess::ece_calibrated(m) = ExpectedCalibrationError(ModelAccess::reliability(m));
  ModelAccess::calibration(m) = std::move(calibration);
  ModelAccess::SetBooster(m, std::move(reloaded));
  if (o.log) {
    const BinaryMetrics& v = m.validation();
    o.log(fmt::format("{}: {} rounds (best {}), threshold {:.4f}, validation F1 {:.4f} "
                      "precision {:.4f} recall {:.4f} PR-AUC {:.4f}; expected calibration error "
                      "{:.4f} raw, {:.4f} calibrated (isotonic, on validation)",
                      role, round, best_rounds, threshold, v.f1, v.precision, v.recall,
                      v.pr_auc, m.ece_raw(), m.ece_calibrated()));
  }
  return m;
}

}  // namespace

namespace model_internal {

std::vector<float> RecencyWeights(std::span<const uint32_t> rows, std::span<const Timestamp> time,
                                  Timestamp until, double half_life_days) {
  if (half_life_days <= 0) return {};
  std::vector<float> w(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const double age_days = static_cast<double>(until - time[rows[i]]) / 86400.0;
    w[i] = static_cast<float>(std::exp2(-age_days / half_life_days));
  }
  return w;
}

double ChooseLateWeight(std::span<const float> early, std::span<const float> late,
                        std::span<const uint32_t> rows, std::span<const float> labels,
                        std::span<const double> candidates, std::vector<double>* pr_auc) {
  MT_CHECK(!candidates.empty() && rows.size() == labels.size());
  const std::vector<int8_t> y(labels.begin(), labels.end());
  std::vector<float> mix(rows.size());
  double best = -1, best_weight = candidates[0];
  if (pr_auc != nullptr) pr_auc->clear();
  for (const double w : candidates) {
    MT_CHECK(w >= 0 && w <= 1);
    for (size_t i = 0; i < rows.size(); ++i) {
      mix[i] = model_internal::MixFirstStage(early[rows[i]], late[rows[i]], w);
    }
    const double auc = ComputeMetrics(mix, y, 0.5f).pr_auc;
    if (pr_auc != nullptr) pr_auc->push_back(auc);
    if (auc > best) {
      best = auc;
      best_weight = w;
    }
  }
  return best_weight;
}

}  // namespace model_internal

Result<ModelBundle> Train(const store::Store& s, std::span<const int8_t> labels,
                          const TemporalSplit& split, const TrainOptions& o) {
  if (s.transaction_count() == 0) return FailedPreconditionError("the store has no transactions");
  if (labels.size() != s.transaction_count()) {
    return InvalidArgumentError(fmt::format("{} labels for {} transactions", labels.size(),
                                            s.transaction_count()));
  }
  if (o.params.threads < 1 || o.params.max_rounds < 1 || o.params.early_stopping_rounds < 1) {
    return InvalidArgumentError("threads, max rounds and early stopping rounds must be >= 1");
  }
  ModelBundle bundle;
  ModelAccess::split(bundle) = split;
  const SplitBoundaries b = ComputeBoundaries(s.time(), split);
  ModelAccess::boundaries(bundle) = b;
  ModelAccess::store_sha(bundle) = s.manifest_sha256();
  // Absolute, so that "store" and "/tmp/x/store" record the same model file.
  std::error_code ec;
  const std::filesystem::path dir = std::filesystem::weakly_canonical(s.dir(), ec);
  ModelAccess::store_dir(bundle) = ec ? s.dir().string() : dir.string();
  ModelAccess::labels(bundle) = o.labels;
  const PartRows train = RowsOf(labels, s.time(), b, SplitPart::kTrain);
  const PartRows validate = RowsOf(labels, s.time(), b, SplitPart::kValidate);
  for (const auto& [part, name] : {std::pair{&train, "train"}, std::pair{&validate, "validate"}}) {
    if (part->positives == 0 || part->positives == part->rows.size()) {
      return FailedPreconditionError(fmt::format(
          "the {} part of {} ({} labelled transactions) needs both laundering and legitimate "
          "labels; it has {} laundering", name, split.ToString(), part->rows.size(),
          part->positives));
    }
  }
  if (o.params.negative_rate <= 0 || o.params.negative_rate > 1 ||
      o.first_stage_negative_rate <= 0 || o.first_stage_negative_rate > 1) {
    return InvalidArgumentError("negative rates must be in (0, 1]");
  }
  if (model_internal::NeedsFirstStage(o.baseline_groups)) {
    return InvalidArgumentError(
        "the neighbours and taint groups are for the main model, not the baseline");
  }
  std::vector<FeatureGroup> stage_groups = o.groups;
  std::erase(stage_groups, FeatureGroup::kNeighbours);
  std::erase(stage_groups, FeatureGroup::kTaint);
  const bool neighbours = model_internal::NeedsFirstStage(o.groups);
  if (neighbours && stage_groups.empty()) {
    return InvalidArgumentError(
        "the neighbours and taint groups need other groups for their first-stage models (e.g. "
        "raw,patterns,accounts,neighbours)");
  }
  std::vector<double> late_weights = o.first_stage_late_weights;
  if (late_weights.empty()) late_weights.push_back(model_internal::kDefaultFirstStageLateWeight);
  if (std::any_of(late_weights.begin(), late_weights.end(),
                  [](double w) { return !(w >= 0 && w <= 1); }) ||
      !(o.first_stage_recency_half_life_days >= 0) ||
      std::isinf(o.first_stage_recency_half_life_days)) {
    return InvalidArgumentError(
        "first-stage late weights must be in [0, 1] and its recency half-life finite and >= 0");
  }
  if (o.first_stage_folds < 2 || o.first_stage_folds > kMaxFirstStageFolds) {
    return InvalidArgumentError(fmt::format("first-stage folds must be in [2, {}], not {}",
                                            kMaxFirstStageFolds, o.first_stage_folds));
  }
  const std::vector<std::string> main_names = FeatureNames(o.groups);
  for (const std::string& name : o.exclude_features) {
    if (std::find(main_names.begin(), main_names.end(), name) == main_names.end()) {
      return InvalidArgumentError(fmt::format(
          "excluded feature '{}' is not a column of the main model's groups ({})", name,
          FeatureGroupsToString(o.groups)));
    }
  }
  if (FeatureNames(o.groups, o.exclude_features).empty() ||
      (neighbours && FeatureNames(stage_groups, o.exclude_features).empty())) {
    return InvalidArgumentError(
        "the excluded features leave the main model or its first-stage models no column");
  }
  ModelAccess::excluded_features(bundle) = o.exclude_features;
  std::vector<double> recency = o.recency_candidates;
  if (recency.empty()) recency.push_back(o.params.recency_half_life_days);
  if (std::any_of(recency.begin(), recency.end(),
                  [](double h) { return !(h >= 0) || std::isinf(h); })) {
    return InvalidArgumentError("recency half-lives must be finite and >= 0 days");
  }
  std::vector<FeatureGroup> all = o.groups;
  all.insert(all.end(), o.baseline_groups.begin(), o.baseline_groups.end());
  std::vector<Model> stage;
  double reused_late_weight = model_internal::kDefaultFirstStageLateWeight;
  if (!o.first_stage_from.empty()) {
    if (!neighbours) {
      return InvalidArgumentError(
          "reusing first-stage models needs the neighbours or taint group in the main model");
    }
    MT_ASSIGN_OR_RETURN(stage, ReuseFirstStage(s, b, o.first_stage_from, &reused_late_weight));
    for (const Model& m : stage) all.insert(all.end(), m.groups().begin(), m.groups().end());
    if (o.log) {
      o.log(fmt::format("first stage: {} models of {}", stage.size(),
                        o.first_stage_from.string()));
    }
  }
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  if (o.log) o.log(fmt::format("features: {}", FeatureGroupsToString(all)));
  RuleFeatureInput rules_input;
  if (std::find(all.begin(), all.end(), FeatureGroup::kRules) != all.end()) {
    if (o.rules_pack.empty()) {
      return InvalidArgumentError("the rules feature group needs a rule pack (--rules)");
    }
    MT_ASSIGN_OR_RETURN(ModelAccess::rules_pack_text(bundle), ReadFileToString(o.rules_pack));
    ModelAccess::rules_pack_origin(bundle) = o.rules_pack.filename().string();
    rules_input = {ModelAccess::rules_pack_text(bundle), ModelAccess::rules_pack_origin(bundle),
                   o.scan, o.holders};
  }
  MT_ASSIGN_OR_RETURN(FeatureMatrix x, BuildFeatures(s, {all, o.params.threads, &rules_input}));
  if (o.log) {
    o.log(fmt::format("split {}: train {} rows ({} laundering), validate {} rows ({} laundering)",
                      split.ToString(), train.rows.size(), train.positives,
                      validate.rows.size(), validate.positives));
  }
  if (neighbours && stage.empty()) {
    // Each first-stage model scores the block of the train part it has not seen (docs/model.md).
    TrainParams p = o.params;
    p.negative_rate = o.first_stage_negative_rate;
    p.recency_half_life_days = o.first_stage_recency_half_life_days;
    const int folds = o.first_stage_folds;
    MT_ASSIGN_OR_RETURN(FeatureMatrix sub,
                        x.Select(FeatureNames(stage_groups, o.exclude_features)));
    for (int k = 0; k < folds; ++k) {
      const int held = model_internal::FirstStageHeldOutBlock(folds, k);
      const Timestamp from = model_internal::FirstStageBlockStart(b, folds, held);
      const Timestamp to = model_internal::FirstStageBlockStart(b, folds, held + 1);
      // Recency weights count from the end of the model's own rows: the start of the last block
      // for the model that left that block out, else the end of the train part.
      MT_ASSIGN_OR_RETURN(Model m, TrainOne(FirstStageRole(folds, k), stage_groups, sub,
                                            Outside(train, s.time(), from, to), validate, p,
                                            s.time(), held == folds - 1 ? from : b.validate_from,
                                            o));
      stage.push_back(std::move(m));
    }
  }
  if (neighbours) {
    MT_ASSIGN_OR_RETURN(auto each, model_internal::PredictFirstStage(stage, x));
    std::vector<double> auc;
    double late_weight = reused_late_weight;
    if (o.first_stage_from.empty() || !o.first_stage_late_weights.empty()) {
      late_weight = model_internal::ChooseLateWeight(model_internal::FirstStageEarlyMean(each),
                                                     each.back(), validate.rows, validate.labels,
                                                     late_weights, &auc);
    }
    if (late_weights.size() > 1 && o.log) {
      for (size_t k = 0; k < late_weights.size(); ++k) {
        o.log(fmt::format("first stage with late weight {}: validation PR-AUC {:.4f}",
                          late_weights[k], auc[k]));
      }
      o.log(fmt::format("first stage: kept late weight {}", late_weight));
    }
    ModelAccess::first_stage_late_weight(bundle) = late_weight;
    const std::vector<float> scores =
        model_internal::CombineFirstStage(each, b, s.time(), late_weight);
    model_internal::SetFirstStageColumns(s, scores, x);
  }
  // The main model with each recency candidate; the best on validation PR-AUC is kept.
  TrainParams chosen = o.params;
  {
    MT_ASSIGN_OR_RETURN(FeatureMatrix sub, x.Select(FeatureNames(o.groups, o.exclude_features)));
    std::optional<Model> best;
    for (const double half_life : recency) {
      TrainParams p = o.params;
      p.recency_half_life_days = half_life;
      MT_ASSIGN_OR_RETURN(Model m, TrainOne("main", o.groups, sub, train, validate, p, s.time(),
                                            b.validate_from, o));
      if (recency.size() > 1 && o.log) {
        o.log(fmt::format("main with recency half-life {} days: validation PR-AUC {:.4f}",
                          half_life, m.validation().pr_auc));
      }
      if (!best || m.validation().pr_auc > best->validation().pr_auc) {
        best = std::move(m);
        chosen = p;
      }
    }
    if (recency.size() > 1 && o.log) {
      o.log(fmt::format("main: kept recency half-life {} days", chosen.recency_half_life_days));
    }
    ModelAccess::models(bundle).push_back(std::move(*best));
    // Summaries of the train part's features for the shift check (docs/model.md).
    std::vector<uint32_t> train_part;
    for (uint32_t r = 0; r < s.transaction_count(); ++r) {
      if (b.PartOf(s.time()[r]) == SplitPart::kTrain) train_part.push_back(r);
    }
    ModelAccess::profile(bundle) =
        ProfileOf(sub, train_part, DetectAvailability(s, o.holders));
    // Per-availability variants (docs/model.md, Feature availability).
    if (o.availability_variants && !neighbours) {
      const std::vector<std::vector<std::string>> sets = {
          {"time_of_day"}, {"channel"}, {"time_of_day", "channel"}};
      std::vector<std::vector<std::string>> seen;
      for (const auto& caps : sets) {
        std::vector<std::string> drop;
        for (const std::string& cap : caps) {
          for (const std::string& c : ColumnsNeeding(cap)) {
            if (std::find(sub.names.begin(), sub.names.end(), c) != sub.names.end()) {
              drop.push_back(c);
            }
          }
        }
        if (drop.empty() || std::find(seen.begin(), seen.end(), drop) != seen.end()) continue;
        seen.push_back(drop);
        std::vector<std::string> keep;
        for (const std::string& n : sub.names) {
          if (std::find(drop.begin(), drop.end(), n) == drop.end()) keep.push_back(n);
        }
        if (keep.empty()) continue;
        MT_ASSIGN_OR_RETURN(FeatureMatrix vx, sub.Select(keep));
        std::string role = "main_without";
        for (const std::string& cap : caps) role += (role.size() > 12 ? "_and_" : "_") + cap;
        MT_ASSIGN_OR_RETURN(Model v, TrainOne(role, o.groups, vx, train, validate, chosen,
                                              s.time(), b.validate_from, o));
        ModelAccess::trained_without(v) = caps;
        ModelAccess::variants(bundle).push_back(std::move(v));
      }
    }
  }
  {
    MT_ASSIGN_OR_RETURN(FeatureMatrix sub, x.Select(FeatureNames(o.baseline_groups)));
    MT_ASSIGN_OR_RETURN(Model m, TrainOne("baseline", o.baseline_groups, sub, train, validate,
                                          chosen, s.time(), b.validate_from, o));
    ModelAccess::models(bundle).push_back(std::move(m));
  }
  for (Model& m : stage) ModelAccess::models(bundle).push_back(std::move(m));
  return bundle;
}

}  // namespace moneytrail::model
