// A thin RAII layer over XGBoost's C API (xgboost/c_api.h, Debian 12's libxgboost 1.7):
// every call's error becomes a Status carrying XGBGetLastError().
#ifndef MONEYTRAIL_SRC_MODEL_XGB_H_
#define MONEYTRAIL_SRC_MODEL_XGB_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/status.h"

namespace moneytrail::model::model_internal {

class DMatrix {
 public:
  // A dense matrix (rows x cols, row-major, NaN missing); XGBoost copies the values.
  static Result<DMatrix> FromDense(std::span<const float> values, size_t rows, size_t cols,
                                   int threads);
  DMatrix(DMatrix&& other) noexcept : handle_(other.handle_) { other.handle_ = nullptr; }
  DMatrix& operator=(DMatrix&& other) noexcept;
  ~DMatrix();

  Status SetLabels(std::span<const float> labels);
  // Per-row weights (XGBoost's "weight" info), one per row.
  Status SetWeights(std::span<const float> weights);
  void* handle() const { return handle_; }

 private:
  explicit DMatrix(void* handle) : handle_(handle) {}
  void* handle_ = nullptr;
};

// What XGBoosterPredictFromDMatrix returns: the values and their shape.
struct Prediction {
  std::vector<float> values;
  std::vector<uint64_t> shape;
};

class Booster {
 public:
  // A booster that caches `train` and `validate` (may be null).
  static Result<Booster> Create(const DMatrix* train, const DMatrix* validate);
  // A booster read from XGBoost's JSON model bytes.
  static Result<Booster> FromBytes(std::string_view bytes);
  Booster(Booster&& other) noexcept : handle_(other.handle_) { other.handle_ = nullptr; }
  Booster& operator=(Booster&& other) noexcept;
  ~Booster();

  Status SetParam(std::string_view name, std::string_view value);
  Status UpdateOneIter(int iteration, const DMatrix& train);
  // The last metric value of XGBoosterEvalOneIter's text ("[3]\tvalidate-aucpr:0.71").
  Result<double> Evaluate(int iteration, const DMatrix& validate);
  // The first `rounds` boosting rounds as a new booster.
  Result<Booster> Slice(int rounds) const;
  // XGBoost's JSON model.
  Result<std::string> SaveToBytes() const;
  Result<uint64_t> NumFeatures() const;
  // type 0: probability, 1: margin, 2: SHAP contributions.
  Result<Prediction> Predict(const DMatrix& x, int type) const;

 private:
  explicit Booster(void* handle) : handle_(handle) {}
  void* handle_ = nullptr;
};

}  // namespace moneytrail::model::model_internal

#endif  // MONEYTRAIL_SRC_MODEL_XGB_H_
