#include "model/xgb.h"

#include <xgboost/c_api.h>

#include <cstdlib>
#include <fmt/format.h>
#include <limits>

namespace moneytrail::model::model_internal {
namespace {

Status XgbError(std::string_view call) {
  return InternalError(fmt::format("XGBoost {}: {}", call, XGBGetLastError()));
}

#define MT_XGB(call)                                  \
  do {                                                \
    if ((call) != 0) return XgbError(#call);          \
  } while (0)

}  // namespace

Result<DMatrix> DMatrix::FromDense(std::span<const float> values, size_t rows, size_t cols,
                                   int threads) {
  DMatrixHandle h = nullptr;
  MT_XGB(XGDMatrixCreateFromMat_omp(values.data(), rows, cols,
                                    std::numeric_limits<float>::quiet_NaN(), &h, threads));
  return DMatrix(h);
}

DMatrix& DMatrix::operator=(DMatrix&& other) noexcept {
  if (this != &other) {
    if (handle_) XGDMatrixFree(handle_);
    handle_ = other.handle_;
    other.handle_ = nullptr;
  }
  return *this;
}

DMatrix::~DMatrix() {
  if (handle_) XGDMatrixFree(handle_);
}

Status DMatrix::SetLabels(std::span<const float> labels) {
  MT_XGB(XGDMatrixSetFloatInfo(handle_, "label", labels.data(), labels.size()));
  return Status::Ok();
}

Status DMatrix::SetWeights(std::span<const float> weights) {
  MT_XGB(XGDMatrixSetFloatInfo(handle_, "weight", weights.data(), weights.size()));
  return Status::Ok();
}

Result<Booster> Booster::Create(const DMatrix* train, const DMatrix* validate) {
  DMatrixHandle cache[2];
  bst_ulong n = 0;
  if (train) cache[n++] = train->handle();
  if (validate) cache[n++] = validate->handle();
  BoosterHandle h = nullptr;
  MT_XGB(XGBoosterCreate(cache, n, &h));
  return Booster(h);
}

Result<Booster> Booster::FromBytes(std::string_view bytes) {
  BoosterHandle h = nullptr;
  MT_XGB(XGBoosterCreate(nullptr, 0, &h));
  Booster b(h);
  MT_XGB(XGBoosterLoadModelFromBuffer(h, bytes.data(), bytes.size()));
  return b;
}

Booster& Booster::operator=(Booster&& other) noexcept {
  if (this != &other) {
    if (handle_) XGBoosterFree(handle_);
    handle_ = other.handle_;
    other.handle_ = nullptr;
  }
  return *this;
}

Booster::~Booster() {
  if (handle_) XGBoosterFree(handle_);
}

Status Booster::SetParam(std::string_view name, std::string_view value) {
  const std::string n(name), v(value);
  MT_XGB(XGBoosterSetParam(handle_, n.c_str(), v.c_str()));
  return Status::Ok();
}

Status Booster::UpdateOneIter(int iteration, const DMatrix& train) {
  MT_XGB(XGBoosterUpdateOneIter(handle_, iteration, train.handle()));
  return Status::Ok();
}

Result<double> Booster::Evaluate(int iteration, const DMatrix& validate) {
  DMatrixHandle sets[1] = {validate.handle()};
  const char* names[1] = {"validate"};
  const char* out = nullptr;
  MT_XGB(XGBoosterEvalOneIter(handle_, iteration, sets, names, 1, &out));
  const std::string_view text(out);
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return InternalError(fmt::format("XGBoost evaluation without a value: '{}'", text));
  }
  return std::strtod(std::string(text.substr(colon + 1)).c_str(), nullptr);
}

Result<Booster> Booster::Slice(int rounds) const {
  BoosterHandle h = nullptr;
  MT_XGB(XGBoosterSlice(handle_, 0, rounds, 1, &h));
  return Booster(h);
}

Result<std::string> Booster::SaveToBytes() const {
  bst_ulong len = 0;
  const char* data = nullptr;
  MT_XGB(XGBoosterSaveModelToBuffer(handle_, R"({"format": "json"})", &len, &data));
  return std::string(data, len);
}

Result<uint64_t> Booster::NumFeatures() const {
  bst_ulong n = 0;
  MT_XGB(XGBoosterGetNumFeature(handle_, &n));
  return static_cast<uint64_t>(n);
}

Result<Prediction> Booster::Predict(const DMatrix& x, int type) const {
  const std::string config = fmt::format(
      R"({{"type": {}, "training": false, "iteration_begin": 0, "iteration_end": 0, )"
      R"("strict_shape": false}})",
      type);
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* result = nullptr;
  MT_XGB(XGBoosterPredictFromDMatrix(handle_, x.handle(), config.c_str(), &shape, &dim, &result));
  Prediction p;
  size_t total = 1;
  for (bst_ulong k = 0; k < dim; ++k) {
    p.shape.push_back(shape[k]);
    total *= shape[k];
  }
  p.values.assign(result, result + total);
  return p;
}

}  // namespace moneytrail::model::model_internal
