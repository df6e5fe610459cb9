// Model: prediction and explanations; ModelBundle: the model file (docs/model.md, Model file).
#include "moneytrail/json_text.h"
#include "moneytrail/model.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

#include "model/model_access.h"
#include "model/neighbour_features.h"
#include "moneytrail/file_util.h"
#include "moneytrail/version.h"

namespace moneytrail::model {
namespace {

using model_internal::DMatrix;

constexpr std::string_view kMagic = "MONEYTRAIL-MODEL 1\n";
constexpr int kFormatVersion = 1;

// The selected rows of `x` as a DMatrix.
Result<DMatrix> RowsMatrix(const FeatureMatrix& x, std::span<const uint32_t> rows) {
  std::vector<float> values(rows.size() * x.cols());
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto row = x.row(rows[i]);
    std::copy(row.begin(), row.end(), values.begin() + static_cast<ptrdiff_t>(i * x.cols()));
  }
  return DMatrix::FromDense(values, rows.size(), x.cols(), 1);
}

nlohmann::json MetricsJson(const BinaryMetrics& m) {
  return {{"rows", m.rows},           {"positives", m.positives}, {"flagged", m.flagged},
          {"true_positives", m.true_positives}, {"precision", m.precision},
          {"recall", m.recall},       {"f1", m.f1},               {"pr_auc", m.pr_auc}};
}

BinaryMetrics MetricsFromJson(const nlohmann::json& j) {
  BinaryMetrics m;
  m.rows = j.at("rows");
  m.positives = j.at("positives");
  m.flagged = j.at("flagged");
  m.true_positives = j.at("true_positives");
  m.precision = j.at("precision");
  m.recall = j.at("recall");
  m.f1 = j.at("f1");
  m.pr_auc = j.at("pr_auc");
  return m;
}

nlohmann::json ParamsJson(const TrainParams& p) {
  nlohmann::json j = {{"max_rounds", p.max_rounds},
                      {"early_stopping_rounds", p.early_stopping_rounds},
                      {"max_depth", p.max_depth},
                      {"eta", p.eta},
                      {"subsample", p.subsample},
                      {"colsample_bytree", p.colsample_bytree},
                      {"min_child_weight", p.min_child_weight},
                      {"scale_pos_weight", p.scale_pos_weight},
                      {"negative_rate", p.negative_rate},
                      {"seed", p.seed},
                      {"threads", p.threads}};
  // Written only when set, so that files of unweighted models stay as they were.
  if (p.recency_half_life_days > 0) j["recency_half_life_days"] = p.recency_half_life_days;
  return j;
}

TrainParams ParamsFromJson(const nlohmann::json& j) {
  TrainParams p;
  p.max_rounds = j.at("max_rounds");
  p.early_stopping_rounds = j.at("early_stopping_rounds");
  p.max_depth = j.at("max_depth");
  p.eta = j.at("eta");
  p.subsample = j.at("subsample");
  p.colsample_bytree = j.at("colsample_bytree");
  p.min_child_weight = j.at("min_child_weight");
  p.scale_pos_weight = j.at("scale_pos_weight");
  p.negative_rate = j.value("negative_rate", 1.0);  // absent before the neighbours group
  p.seed = j.at("seed");
  p.threads = j.at("threads");
  p.recency_half_life_days = j.value("recency_half_life_days", 0.0);
  return p;
}

// One model's metadata (docs/model.md, Model file).
nlohmann::json ModelJson(const Model& cm) {
  Model& m = const_cast<Model&>(cm);  // ModelAccess hands out mutable references only
  nlohmann::json j;
  j["role"] = m.role();
  j["feature_groups"] = FeatureGroupsToString(m.groups());
  j["features"] = m.features();
  j["params"] = ParamsJson(m.params());
  j["scale_pos_weight_used"] = ModelAccess::scale_pos_weight(m);
  j["rounds_trained"] = ModelAccess::rounds_trained(m);
  j["best_iteration"] = m.best_iteration();
  j["threshold"] = m.threshold();
  j["train_rows"] = ModelAccess::train_rows(m);
  j["train_positives"] = ModelAccess::train_positives(m);
  j["validation"] = MetricsJson(m.validation());
  // Written only when present, so that files of earlier versions stay as they were.
  if (!m.calibration().empty()) {
    j["calibration"] = m.calibration().ToJson();
    j["reliability"] = ReliabilityToJson(m.reliability());
    j["ece_raw"] = m.ece_raw();
    j["ece_calibrated"] = m.ece_calibrated();
  }
  if (!m.trained_without().empty()) j["trained_without"] = m.trained_without();
  if (m.shift_limit() != kShiftedShareLimit) j["shift_limit"] = m.shift_limit();
  j["booster_format"] = "xgboost-json";
  j["booster_bytes"] = ModelAccess::booster_bytes(m).size();
  j["booster_sha256"] = Sha256Hex(ModelAccess::booster_bytes(m));
  return j;
}

}  // namespace

Model::Model() = default;
Model::Model(Model&&) noexcept = default;
Model& Model::operator=(Model&&) noexcept = default;
Model::~Model() = default;

Status Model::CheckSchema(std::span<const std::string> columns) const {
  const size_t n = std::min(columns.size(), features_.size());
  for (size_t k = 0; k < n; ++k) {
    if (columns[k] != features_[k]) {
      return FailedPreconditionError(fmt::format(
          "feature schema mismatch for the {} model: column {} is '{}' but the model was trained "
          "with '{}' there (retrain the model with this version of moneytrail)",
          role_, k, columns[k], features_[k]));
    }
  }
  if (columns.size() != features_.size()) {
    return FailedPreconditionError(fmt::format(
        "feature schema mismatch for the {} model: {} columns computed, the model expects {}",
        role_, columns.size(), features_.size()));
  }
  return Status::Ok();
}

Result<std::vector<float>> Model::Predict(const FeatureMatrix& x) const {
  MT_RETURN_IF_ERROR(CheckSchema(x.names));
  MT_ASSIGN_OR_RETURN(DMatrix m, DMatrix::FromDense(x.values, x.rows, x.cols(), params_.threads));
  MT_ASSIGN_OR_RETURN(model_internal::Prediction p, booster_->booster.Predict(m, 0));
  return std::move(p.values);
}

Result<std::vector<float>> Model::PredictMargin(const FeatureMatrix& x,
                                                std::span<const uint32_t> rows) const {
  MT_RETURN_IF_ERROR(CheckSchema(x.names));
  MT_ASSIGN_OR_RETURN(DMatrix m, RowsMatrix(x, rows));
  MT_ASSIGN_OR_RETURN(model_internal::Prediction p, booster_->booster.Predict(m, 1));
  return std::move(p.values);
}

Result<std::vector<float>> Model::Contributions(const FeatureMatrix& x,
                                                std::span<const uint32_t> rows) const {
  MT_RETURN_IF_ERROR(CheckSchema(x.names));
  MT_ASSIGN_OR_RETURN(DMatrix m, RowsMatrix(x, rows));
  MT_ASSIGN_OR_RETURN(model_internal::Prediction p, booster_->booster.Predict(m, 2));
  if (p.values.size() != rows.size() * (x.cols() + 1)) {
    return InternalError(fmt::format("XGBoost returned {} contributions for {} rows x {} columns",
                                     p.values.size(), rows.size(), x.cols() + 1));
  }
  return std::move(p.values);
}

std::string ExplainInWords(const Model& model, std::span<const FeatureContribution> top) {
  std::string out;
  for (const FeatureContribution& c : top) {
    if (!out.empty()) out += "; ";
    out += fmt::format("{} (+{:.2f})", DescribeFeature(model.features()[c.feature], c.value),
                       c.contribution);
  }
  return out;
}

std::vector<FeatureGroup> ModelBundle::union_groups() const {
  std::vector<FeatureGroup> g = models_[0].groups();
  g.insert(g.end(), models_[1].groups().begin(), models_[1].groups().end());
  std::sort(g.begin(), g.end());
  g.erase(std::unique(g.begin(), g.end()), g.end());
  return g;
}

const Model* ModelBundle::ModelFor(const FeatureAvailability& availability) const {
  const Model& main = models_[0];
  std::vector<std::string> needed;
  for (const std::string& cap : availability.Missing()) {
    for (const std::string& c : ColumnsNeeding(cap)) {
      if (std::find(main.features().begin(), main.features().end(), c) != main.features().end()) {
        needed.push_back(cap);
        break;
      }
    }
  }
  if (needed.empty()) return &main;
  const Model* best = nullptr;
  for (const Model& v : variants_) {
    const auto& w = v.trained_without();
    const bool covers = std::all_of(needed.begin(), needed.end(), [&](const std::string& c) {
      return std::find(w.begin(), w.end(), c) != w.end();
    });
    if (covers && (best == nullptr || w.size() < best->trained_without().size())) best = &v;
  }
  return best;
}

Status ModelBundle::Save(const std::filesystem::path& path) const {
  nlohmann::json meta;
  meta["format"] = "moneytrail-model";
  meta["format_version"] = kFormatVersion;
  meta["moneytrail_version"] = kVersion;
  meta["store"] = {{"dir", store_dir_}, {"manifest_sha256", store_manifest_sha256_}};
  meta["labels"] = labels_;
  meta["split"] = {{"spec", split_.ToString()},
                   {"first_time", boundaries_.first},
                   {"validate_from", boundaries_.validate_from},
                   {"test_from", boundaries_.test_from},
                   {"last_time", boundaries_.last}};
  nlohmann::json models = nlohmann::json::array();
  std::string boosters;
  for (const Model& m : models_) {
    models.push_back(ModelJson(m));
    boosters += m.booster_bytes_;
  }
  meta["models"] = std::move(models);
  // Written only when present, so that files of earlier options stay as they were.
  if (!variants_.empty()) {
    nlohmann::json variants = nlohmann::json::array();
    for (const Model& m : variants_) {
      variants.push_back(ModelJson(m));
      boosters += m.booster_bytes_;
    }
    meta["variants"] = std::move(variants);
  }
  if (!profile_.empty()) meta["training_profile"] = profile_.ToJson();
  // Written only when not the mean, so that files of earlier options stay as they were.
  if (first_stage_late_weight_ != 0.5) meta["first_stage_late_weight"] = first_stage_late_weight_;
  if (!excluded_features_.empty()) meta["excluded_features"] = excluded_features_;
  if (!rules_pack_text_.empty()) {
    meta["rules_pack"] = {{"origin", rules_pack_origin_},
                          {"sha256", Sha256Hex(rules_pack_text_)},
                          {"text", rules_pack_text_}};
  }
  std::string contents(kMagic);
  contents += JsonText(meta);
  contents += '\n';
  contents += boosters;
  std::filesystem::path temp = path;
  temp += ".tmp";
  MT_RETURN_IF_ERROR(WriteFileDurably(temp, contents));
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec) return IoError(fmt::format("cannot rename {} to {}: {}", temp.string(), path.string(),
                                     ec.message()));
  return Status::Ok();
}

Result<ModelBundle> ModelBundle::Load(const std::filesystem::path& path) {
  MT_ASSIGN_OR_RETURN(std::string contents, ReadFileToString(path));
  const std::string where = path.string();
  if (!std::string_view(contents).starts_with("MONEYTRAIL-MODEL ")) {
    return InvalidArgumentError(fmt::format("{}: not a moneytrail model file", where));
  }
  if (!std::string_view(contents).starts_with(kMagic)) {
    return InvalidArgumentError(fmt::format(
        "{}: model format '{}' is not supported (this moneytrail reads format {})", where,
        contents.substr(0, contents.find('\n')), kFormatVersion));
  }
  const size_t meta_end = contents.find('\n', kMagic.size());
  if (meta_end == std::string::npos) return DataLossError(where + ": truncated metadata line");
  nlohmann::json meta;
  ModelBundle b;
  size_t offset = meta_end + 1;
  try {
    meta = nlohmann::json::parse(contents.substr(kMagic.size(), meta_end - kMagic.size()));
    b.store_dir_ = meta.at("store").at("dir");
    b.store_manifest_sha256_ = meta.at("store").at("manifest_sha256");
    b.labels_ = meta.at("labels");
    const auto& split = meta.at("split");
    MT_ASSIGN_OR_RETURN(b.split_, TemporalSplit::Parse(split.at("spec").get<std::string>()));
    b.boundaries_ = {split.at("first_time"), split.at("validate_from"), split.at("test_from"),
                     split.at("last_time")};
    if (meta.contains("rules_pack")) {
      b.rules_pack_origin_ = meta["rules_pack"].at("origin");
      b.rules_pack_text_ = meta["rules_pack"].at("text");
      if (Sha256Hex(b.rules_pack_text_) != meta["rules_pack"].at("sha256").get<std::string>()) {
        return DataLossError(fmt::format("{}: the rule pack's SHA-256 does not match", where));
      }
    }
    b.first_stage_late_weight_ = meta.value("first_stage_late_weight", 0.5);
    if (!(b.first_stage_late_weight_ >= 0 && b.first_stage_late_weight_ <= 1)) {
      return DataLossError(fmt::format("{}: first_stage_late_weight {} is not in [0, 1]", where,
                                       b.first_stage_late_weight_));
    }
    if (meta.contains("excluded_features")) {
      b.excluded_features_ = meta["excluded_features"].get<std::vector<std::string>>();
    }
    auto read_model = [&](const nlohmann::json& j) -> Result<Model> {
      Model m;
      m.role_ = j.at("role");
      MT_ASSIGN_OR_RETURN(m.groups_, ParseFeatureGroups(j.at("feature_groups").get<std::string>()));
      m.features_ = j.at("features").get<std::vector<std::string>>();
      m.params_ = ParamsFromJson(j.at("params"));
      m.scale_pos_weight_ = j.at("scale_pos_weight_used");
      m.rounds_trained_ = j.at("rounds_trained");
      m.best_iteration_ = j.at("best_iteration");
      m.threshold_ = j.at("threshold");
      m.train_rows_ = j.at("train_rows");
      m.train_positives_ = j.at("train_positives");
      m.validation_ = MetricsFromJson(j.at("validation"));
      if (j.contains("calibration")) {
        Result<IsotonicCalibration> c = IsotonicCalibration::FromJson(j["calibration"]);
        if (!c.ok()) return DataLossError(fmt::format("{}: the {} model's {}", where, m.role_,
                                                      c.status().message()));
        m.calibration_ = std::move(*c);
        Result<std::vector<ReliabilityBin>> r = ReliabilityFromJson(j.at("reliability"));
        if (!r.ok()) return DataLossError(fmt::format("{}: the {} model's {}", where, m.role_,
                                                      r.status().message()));
        m.reliability_ = std::move(*r);
        m.ece_raw_ = j.at("ece_raw");
        m.ece_calibrated_ = j.at("ece_calibrated");
      }
      if (j.contains("trained_without")) {
        m.trained_without_ = j["trained_without"].get<std::vector<std::string>>();
      }
      if (j.contains("shift_limit")) {
        const nlohmann::json& limit = j["shift_limit"];
        if (!limit.is_number() || !(limit.get<double>() > 0 && limit.get<double>() <= 1)) {
          return DataLossError(fmt::format("{}: the {} model's shift_limit {} is not a share in "
                                           "(0, 1]", where, m.role_, limit.dump()));
        }
        m.shift_limit_ = limit.get<double>();
      }
      const size_t bytes = j.at("booster_bytes");
      if (offset + bytes > contents.size()) {
        return DataLossError(fmt::format("{}: truncated: the {} booster needs {} bytes at offset {}",
                                         where, m.role_, bytes, offset));
      }
      m.booster_bytes_ = contents.substr(offset, bytes);
      offset += bytes;
      if (Sha256Hex(m.booster_bytes_) != j.at("booster_sha256").get<std::string>()) {
        return DataLossError(fmt::format("{}: the {} booster's SHA-256 does not match", where,
                                         m.role_));
      }
      MT_ASSIGN_OR_RETURN(model_internal::Booster booster,
                          model_internal::Booster::FromBytes(m.booster_bytes_));
      MT_RETURN_IF_ERROR(booster.SetParam("nthread", std::to_string(m.params_.threads)));
      MT_ASSIGN_OR_RETURN(uint64_t n, booster.NumFeatures());
      if (n != m.features_.size()) {
        return DataLossError(fmt::format("{}: the {} booster has {} features, its schema {}",
                                         where, m.role_, n, m.features_.size()));
      }
      ModelAccess::SetBooster(m, std::move(booster));
      return m;
    };
    for (const auto& j : meta.at("models")) {
      MT_ASSIGN_OR_RETURN(Model m, read_model(j));
      b.models_.push_back(std::move(m));
    }
    if (meta.contains("variants")) {
      for (const auto& j : meta["variants"]) {
        MT_ASSIGN_OR_RETURN(Model m, read_model(j));
        b.variants_.push_back(std::move(m));
      }
    }
    if (meta.contains("training_profile")) {
      Result<TrainingProfile> p = TrainingProfile::FromJson(meta["training_profile"]);
      if (!p.ok()) return DataLossError(fmt::format("{}: {}", where, p.status().message()));
      b.profile_ = std::move(*p);
    }
  } catch (const nlohmann::json::exception& e) {
    return DataLossError(fmt::format("{}: bad metadata: {}", where, e.what()));
  }
  const auto& g = b.models_.empty() ? std::vector<FeatureGroup>() : b.models_[0].groups();
  if (model_internal::NeedsFirstStage(g)) {
    if (b.models_.size() < 4 || b.models_.size() > 2 + kMaxFirstStageFolds) {
      return DataLossError(fmt::format("{}: expected 4 to {} models, found {}", where,
                                       2 + kMaxFirstStageFolds, b.models_.size()));
    }
  } else if (b.models_.size() != 2) {
    return DataLossError(fmt::format("{}: expected 2 models, found {}", where, b.models_.size()));
  }
  if (offset != contents.size()) {
    return DataLossError(fmt::format("{}: {} unexpected bytes after the boosters", where,
                                     contents.size() - offset));
  }
  return b;
}

Result<std::filesystem::path> FindDefaultModel() {
  namespace fs = std::filesystem;
  const fs::path name = fs::path("models") / "default.model";
  std::vector<fs::path> candidates = {name};
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  for (fs::path dir = exe.parent_path(); !ec && !dir.empty() && dir != dir.root_path();
       dir = dir.parent_path()) {
    candidates.push_back(dir / name);
  }
#ifdef MONEYTRAIL_MODEL_SOURCE_DIR
  candidates.push_back(fs::path(MONEYTRAIL_MODEL_SOURCE_DIR) / name);
#endif
  std::string looked;
  for (const fs::path& p : candidates) {
    if (fs::is_regular_file(p, ec)) return p;
    looked += (looked.empty() ? "" : ", ") + p.string();
  }
  return NotFoundError(fmt::format("no bundled default model; looked at {}", looked));
}

}  // namespace moneytrail::model
