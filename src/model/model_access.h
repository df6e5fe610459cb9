// Internal access to Model and ModelBundle for training and the model file.
#ifndef MONEYTRAIL_SRC_MODEL_MODEL_ACCESS_H_
#define MONEYTRAIL_SRC_MODEL_MODEL_ACCESS_H_

#include <memory>

#include "model/xgb.h"
#include "moneytrail/model.h"

namespace moneytrail::model {

struct Model::Booster {
  model_internal::Booster booster;
};

struct ModelAccess {
  static Model& main(ModelBundle& b) { return b.models_[0]; }
  static std::vector<Model>& models(ModelBundle& b) { return b.models_; }
  static TemporalSplit& split(ModelBundle& b) { return b.split_; }
  static SplitBoundaries& boundaries(ModelBundle& b) { return b.boundaries_; }
  static std::string& store_sha(ModelBundle& b) { return b.store_manifest_sha256_; }
  static std::string& store_dir(ModelBundle& b) { return b.store_dir_; }
  static std::string& labels(ModelBundle& b) { return b.labels_; }
  static std::string& rules_pack_text(ModelBundle& b) { return b.rules_pack_text_; }
  static std::string& rules_pack_origin(ModelBundle& b) { return b.rules_pack_origin_; }
  static double& first_stage_late_weight(ModelBundle& b) { return b.first_stage_late_weight_; }
  static std::vector<std::string>& excluded_features(ModelBundle& b) {
    return b.excluded_features_;
  }

  static std::vector<Model>& variants(ModelBundle& b) { return b.variants_; }
  static TrainingProfile& profile(ModelBundle& b) { return b.profile_; }
  static IsotonicCalibration& calibration(Model& m) { return m.calibration_; }
  static std::vector<ReliabilityBin>& reliability(Model& m) { return m.reliability_; }
  static double& ece_raw(Model& m) { return m.ece_raw_; }
  static double& ece_calibrated(Model& m) { return m.ece_calibrated_; }
  static std::vector<std::string>& trained_without(Model& m) { return m.trained_without_; }
  static double& shift_limit(Model& m) { return m.shift_limit_; }
  static std::string& role(Model& m) { return m.role_; }
  static std::vector<FeatureGroup>& groups(Model& m) { return m.groups_; }
  static std::vector<std::string>& features(Model& m) { return m.features_; }
  static TrainParams& params(Model& m) { return m.params_; }
  static float& threshold(Model& m) { return m.threshold_; }
  static int& best_iteration(Model& m) { return m.best_iteration_; }
  static int& rounds_trained(Model& m) { return m.rounds_trained_; }
  static double& scale_pos_weight(Model& m) { return m.scale_pos_weight_; }
  static uint64_t& train_rows(Model& m) { return m.train_rows_; }
  static uint64_t& train_positives(Model& m) { return m.train_positives_; }
  static BinaryMetrics& validation(Model& m) { return m.validation_; }
  static std::string& booster_bytes(Model& m) { return m.booster_bytes_; }
  static void SetBooster(Model& m, model_internal::Booster b) {
    m.booster_ = std::make_unique<Model::Booster>(Model::Booster{std::move(b)});
  }
};

}  // namespace moneytrail::model

#endif  // MONEYTRAIL_SRC_MODEL_MODEL_ACCESS_H_
