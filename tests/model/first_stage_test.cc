// The first stage of the neighbours group: recency weights counted from the end of each model's
// rows, the late model's weight for rows after the train part (chosen on validation PR-AUC and
// kept in the model file), more than two folds, and reproducibility with the options
// (docs/model.md).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "model/model_access.h"
#include "model/neighbour_features.h"
#include "model/train_internal.h"
#include "moneytrail/file_util.h"
#include "moneytrail/generate.h"
#include "moneytrail/ingest.h"
#include "moneytrail/model.h"
#include "moneytrail/model_score.h"
#include "moneytrail/store.h"
#include "tiny_world.h"

namespace moneytrail::model {
namespace {

namespace fs = std::filesystem;

TEST(RecencyWeightsTest, HalveOnceForEachHalfLifeBeforeTheEnd) {
  const std::vector<Timestamp> time = {1000, 1000 - 43200, 1000 - 86400, 1000 - 3 * 43200, 1000};
  const std::vector<uint32_t> rows = {0, 1, 2, 3};
  const std::vector<float> w = model_internal::RecencyWeights(rows, time, 1000, 0.5);
  ASSERT_EQ(w.size(), 4u);
  EXPECT_FLOAT_EQ(w[0], 1.0f);
  EXPECT_FLOAT_EQ(w[1], 0.5f);
  EXPECT_FLOAT_EQ(w[2], 0.25f);
  EXPECT_FLOAT_EQ(w[3], 0.125f);
  // Counted from `until`, not from the last row: a first-stage model's own half ends earlier.
  const std::vector<float> later = model_internal::RecencyWeights(rows, time, 1000 + 86400, 1);
  EXPECT_FLOAT_EQ(later[0], 0.5f);
  EXPECT_FLOAT_EQ(later[2], 0.25f);
  EXPECT_TRUE(model_internal::RecencyWeights(rows, time, 1000, 0).empty());
}

TEST(CombineFirstStageTest, EachHalfGetsTheOtherModelAndLaterRowsTheWeightedMix) {
  const SplitBoundaries b{0, 100, 150, 200};  // middle 50
  const std::vector<Timestamp> time = {10, 49, 50, 99, 100, 149, 150, 199};
  const std::vector<float> early = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f};
  const std::vector<float> late = {0.9f, 0.8f, 0.7f, 0.6f, 0.1f, 0.3f, 0.2f, 0.0f};
  for (const double w : {0.0, 0.5, 0.75, 1.0}) {
    const std::vector<std::vector<float>> each = {early, late};
    const std::vector<float> s = model_internal::CombineFirstStage(each, b, time, w);
    ASSERT_EQ(s.size(), time.size());
    for (size_t r = 0; r < time.size(); ++r) {
      if (time[r] < 50) {
        EXPECT_EQ(s[r], late[r]) << "w " << w << " row " << r;
      } else if (time[r] < 100) {
        EXPECT_EQ(s[r], early[r]) << "w " << w << " row " << r;
      } else if (w == 0.5) {
        EXPECT_EQ(s[r], (early[r] + late[r]) / 2) << "row " << r;  // the files before the option
      } else {
        EXPECT_FLOAT_EQ(s[r], static_cast<float>((1 - w) * early[r] + w * late[r]))
            << "w " << w << " row " << r;
      }
    }
  }
}

__extension__ typedef __int128 Int128;  // the oracle's exact arithmetic (GCC, Clang)

TEST(FirstStageBlockStartTest, CutsTheTrainPartIntoBlocksOfEqualTime) {
  for (const SplitBoundaries b : {SplitBoundaries{0, 100, 150, 200},
                                  SplitBoundaries{1756684801, 1757203201, 1757376001, 1757548800},
                                  SplitBoundaries{-7, 10, 11, 12},
                                  SplitBoundaries{INT64_MIN / 2, INT64_MAX / 2, INT64_MAX / 2 + 1,
                                                  INT64_MAX / 2 + 2}}) {
    // Two folds: the middle of the train part, as the model files before the option.
    EXPECT_EQ(model_internal::FirstStageMiddle(b), b.first + (b.validate_from - b.first) / 2);
    for (int folds = 1; folds <= 7; ++folds) {
      EXPECT_EQ(model_internal::FirstStageBlockStart(b, folds, 0), b.first);
      EXPECT_EQ(model_internal::FirstStageBlockStart(b, folds, folds), b.validate_from);
      const Int128 span = static_cast<Int128>(b.validate_from) - b.first;
      for (int j = 0; j <= folds; ++j) {
        // floor(span * j / folds), computed in 128 bits.
        EXPECT_EQ(static_cast<Int128>(model_internal::FirstStageBlockStart(b, folds, j)),
                  b.first + span * j / folds) << "folds " << folds << " block " << j;
      }
    }
  }
}

TEST(CombineFirstStageTest, EachBlockGetsTheModelThatLeftItOutAndLaterRowsTheMixWithTheMean) {
  const SplitBoundaries b{0, 120, 150, 200};  // blocks [0, 30) [30, 60) [60, 90) [90, 120)
  const std::vector<Timestamp> time = {0, 29, 30, 59, 60, 89, 90, 119, 120, 199};
  std::vector<std::vector<float>> each(4, std::vector<float>(time.size()));
  for (size_t k = 0; k < 4; ++k) {
    for (size_t r = 0; r < time.size(); ++r) each[k][r] = static_cast<float>(k * 10 + r) / 64;
  }
  for (const double w : {0.0, 0.5, 1.0}) {
    const std::vector<float> s = model_internal::CombineFirstStage(each, b, time, w);
    for (size_t r = 0; r < time.size(); ++r) {
      if (time[r] < 120) {
        const auto block = static_cast<size_t>(time[r] / 30);
        // Model k left out block 3 - k; model 3 (the late one) was trained without block 0.
        EXPECT_EQ(s[r], each[3 - block][r]) << "w " << w << " row " << r;
      } else {
        const double early = (static_cast<double>(each[0][r]) + each[1][r] + each[2][r]) / 3;
        EXPECT_FLOAT_EQ(s[r], model_internal::MixFirstStage(static_cast<float>(early), each[3][r],
                                                            w))
            << "w " << w << " row " << r;
      }
    }
  }
  // With two models the "early mean" is the early model's score, bit for bit.
  const std::vector<std::vector<float>> two = {each[1], each[2]};
  EXPECT_EQ(model_internal::FirstStageEarlyMean(two), each[1]);
}

TEST(ChooseLateWeightTest, KeepsTheMixWithTheBestPrAucOnTheGivenRowsOnly) {
  // Rows 0-7: the late model ranks the labels right, the early one wrong; row 8 is outside
  // `rows` and would reverse that if it were read.
  const std::vector<float> early = {0.9f, 0.8f, 0.1f, 0.2f, 0.3f, 0.7f, 0.6f, 0.4f, 0.0f};
  const std::vector<float> late = {0.1f, 0.2f, 0.9f, 0.8f, 0.3f, 0.2f, 0.1f, 0.7f, 1.0f};
  const std::vector<uint32_t> rows = {0, 1, 2, 3, 4, 5, 6, 7};
  const std::vector<float> labels = {0, 0, 1, 1, 0, 0, 0, 1};
  const std::vector<double> candidates = {0.0, 0.5, 1.0};
  std::vector<double> auc;
  EXPECT_EQ(model_internal::ChooseLateWeight(early, late, rows, labels, candidates, &auc), 1.0);
  ASSERT_EQ(auc.size(), 3u);
  EXPECT_DOUBLE_EQ(auc[2], 1.0);
  EXPECT_LT(auc[0], auc[2]);
  // With the models' roles swapped, the early model wins.
  EXPECT_EQ(model_internal::ChooseLateWeight(late, early, rows, labels, candidates, nullptr), 0.0);
}

TrainOptions NeighbourOptions() {
  TrainOptions o = FastOptions();
  o.groups = {FeatureGroup::kRaw, FeatureGroup::kAccounts, FeatureGroup::kNeighbours};
  o.first_stage_negative_rate = 0.5;
  return o;
}

// One generated world (tiny preset), shared by the suite.
class FirstStageTest : public TinyWorldTest<FirstStageTest> {
 protected:
  static void SetUpTestSuite() { SetUpWorld("moneytrail-first-stage-test-"); }

  // `loaded` (read from `saved`, which `bundle` wrote) scores as `bundle` does, and a model
  // trained again with options `o` writes the same bytes (to `again_path`).
  void ExpectSameScoresAndBytes(const ModelBundle& bundle, const ModelBundle& loaded,
                                const TrainOptions& o, const fs::path& saved,
                                const fs::path& again_path) {
    auto before = ScoreStore(*store_, bundle, {});
    auto after = ScoreStore(*store_, loaded, {});
    ASSERT_TRUE(before.ok() && after.ok()) << before.status().ToString();
    EXPECT_EQ(before->score, after->score);
    auto again = Train(*store_, *labels_, TemporalSplit{}, o);
    ASSERT_TRUE(again.ok());
    ASSERT_TRUE(again->Save(again_path).ok());
    EXPECT_EQ(Sha256Hex(*ReadFileToString(saved)), Sha256Hex(*ReadFileToString(again_path)));
  }
};

TEST_F(FirstStageTest, RecencyAndLateWeightAreUsedKeptAndReproducible) {
  auto plain = Train(*store_, *labels_, TemporalSplit{}, NeighbourOptions());
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(plain->first_stage_late_weight(), 0.5);
  EXPECT_EQ(plain->first_stage()[0].params().recency_half_life_days, 0);
  TrainOptions o = NeighbourOptions();
  o.first_stage_recency_half_life_days = 0.5;
  o.first_stage_late_weights = {0.25, 1.0};
  auto bundle = Train(*store_, *labels_, TemporalSplit{}, o);
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  ASSERT_EQ(bundle->first_stage().size(), 2u);
  for (const Model& m : bundle->first_stage()) {
    EXPECT_EQ(m.params().recency_half_life_days, 0.5) << m.role();
  }
  EXPECT_EQ(bundle->main().params().recency_half_life_days, 0);  // the main model's own option
  // The weights change what each first-stage model learns.
  const fs::path p = *dir_ / "plain.model", a = *dir_ / "a.model", c = *dir_ / "c.model";
  ASSERT_TRUE(plain->Save(p).ok());
  ASSERT_TRUE(bundle->Save(a).ok());
  auto x = BuildFeatures(*store_, {bundle->union_groups(), 2});
  ASSERT_TRUE(x.ok());
  auto plain_each = model_internal::PredictFirstStage(plain->first_stage(), *x);
  auto each = model_internal::PredictFirstStage(bundle->first_stage(), *x);
  ASSERT_TRUE(plain_each.ok() && each.ok());
  EXPECT_NE((*plain_each)[0], (*each)[0]);
  EXPECT_NE((*plain_each)[1], (*each)[1]);
  // The kept weight is the candidate with the best validation PR-AUC of the mixed scores.
  const SplitBoundaries& b = bundle->boundaries();
  std::vector<uint32_t> rows;
  std::vector<float> labels;
  for (uint32_t r = 0; r < store_->transaction_count(); ++r) {
    if ((*labels_)[r] == kLabelUnknown || b.PartOf(store_->time()[r]) != SplitPart::kValidate) {
      continue;
    }
    rows.push_back(r);
    labels.push_back((*labels_)[r]);
  }
  const double w = model_internal::ChooseLateWeight((*each)[0], (*each)[1], rows, labels,
                                                    o.first_stage_late_weights, nullptr);
  EXPECT_EQ(bundle->first_stage_late_weight(), w);
  // The file keeps the weight; scores of the loaded model are the same, and so are the bytes
  // of a model trained again with the same seed.
  auto loaded = ModelBundle::Load(a);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->first_stage_late_weight(), w);
  EXPECT_EQ(loaded->first_stage()[1].params().recency_half_life_days, 0.5);
  ExpectSameScoresAndBytes(*bundle, *loaded, o, a, c);
  // Only files with a weight other than the mean carry the key.
  EXPECT_NE(ReadFileToString(a)->find("first_stage_late_weight"), std::string::npos);
  EXPECT_EQ(ReadFileToString(p)->find("first_stage_late_weight"), std::string::npos);
}

TEST_F(FirstStageTest, MoreFoldsLeaveOneBlockOutEachAndRoundTrip) {
  TrainOptions o = NeighbourOptions();
  o.first_stage_folds = 3;
  o.first_stage_negative_rate = 1;  // every train row, so that the counts below are exact
  o.first_stage_late_weights = {0.5, 1.0};
  auto bundle = Train(*store_, *labels_, TemporalSplit{}, o);
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  ASSERT_EQ(bundle->first_stage().size(), 3u);
  const SplitBoundaries& b = bundle->boundaries();
  // Model k was trained on the labelled train rows outside block 2 - k, and only on those.
  size_t in_block[3] = {0, 0, 0}, train_rows = 0;
  for (uint32_t r = 0; r < store_->transaction_count(); ++r) {
    const Timestamp t = store_->time()[r];
    if ((*labels_)[r] == kLabelUnknown || b.PartOf(t) != SplitPart::kTrain) continue;
    ++train_rows;
    for (int j = 0; j < 3; ++j) {
      in_block[j] += t >= model_internal::FirstStageBlockStart(b, 3, j) &&
                     t < model_internal::FirstStageBlockStart(b, 3, j + 1);
    }
  }
  ASSERT_EQ(in_block[0] + in_block[1] + in_block[2], train_rows);
  for (int k = 0; k < 3; ++k) {
    Model& m = ModelAccess::models(*bundle)[2 + static_cast<size_t>(k)];
    EXPECT_EQ(m.role(), fmt::format("first_stage_without_{}_of_3", 3 - k));
    EXPECT_GT(in_block[2 - k], 0u);
    EXPECT_EQ(ModelAccess::train_rows(m), train_rows - in_block[2 - k]) << m.role();
  }
  // Each row of the train part is scored by the model that left its block out.
  auto x = BuildFeatures(*store_, {bundle->union_groups(), 2});
  ASSERT_TRUE(x.ok());
  auto each = model_internal::PredictFirstStage(bundle->first_stage(), *x);
  ASSERT_TRUE(each.ok());
  auto first = model_internal::FirstStageScores(bundle->first_stage(), b, *x, store_->time(),
                                                bundle->first_stage_late_weight());
  ASSERT_TRUE(first.ok());
  for (uint32_t r = 0; r < store_->transaction_count(); ++r) {
    const Timestamp t = store_->time()[r];
    if (t >= b.validate_from) continue;
    int block = 0;
    while (t >= model_internal::FirstStageBlockStart(b, 3, block + 1)) ++block;
    EXPECT_EQ((*first)[r], (*each)[static_cast<size_t>(2 - block)][r]) << r;
  }
  // The file keeps the three boosters: the same scores after loading, the same bytes again.
  const fs::path a = *dir_ / "folds-a.model", c = *dir_ / "folds-c.model";
  ASSERT_TRUE(bundle->Save(a).ok());
  auto loaded = ModelBundle::Load(a);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ASSERT_EQ(loaded->first_stage().size(), 3u);
  ExpectSameScoresAndBytes(*bundle, *loaded, o, a, c);
}

// --first-stage-from: the main model is trained on the first-stage models of another file of
// the same store and split, unchanged; another store or split, or a file without them, is a
// clear error.
TEST_F(FirstStageTest, ReusedFirstStageModelsAreTheFilesOwnAndNeedTheSameStoreAndSplit) {
  TrainOptions o = NeighbourOptions();
  o.first_stage_folds = 3;
  o.first_stage_late_weights = {0.25, 1.0};
  auto from = Train(*store_, *labels_, TemporalSplit{}, o);
  ASSERT_TRUE(from.ok()) << from.status().ToString();
  const fs::path path = *dir_ / "reuse-from.model";
  ASSERT_TRUE(from->Save(path).ok());
  TrainOptions r = FastOptions();
  r.groups = {FeatureGroup::kRaw, FeatureGroup::kAccounts, FeatureGroup::kNeighbours,
              FeatureGroup::kTaint};
  r.exclude_features = {"tn_self"};
  r.first_stage_from = path;
  auto reused = Train(*store_, *labels_, TemporalSplit{}, r);
  ASSERT_TRUE(reused.ok()) << reused.status().ToString();
  ASSERT_EQ(reused->first_stage().size(), 3u);
  EXPECT_EQ(reused->first_stage_late_weight(), from->first_stage_late_weight());
  auto x = BuildFeatures(*store_, {reused->union_groups(), 2});
  ASSERT_TRUE(x.ok());
  for (size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(reused->first_stage()[k].role(), from->first_stage()[k].role());
    auto a = x->Select(from->first_stage()[k].features());
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(*reused->first_stage()[k].Predict(*a), *from->first_stage()[k].Predict(*a)) << k;
  }
  // The scores the main model was trained on are those of the file's own first stage.
  auto mine = model_internal::FirstStageScores(reused->first_stage(), reused->boundaries(), *x,
                                               store_->time(), reused->first_stage_late_weight());
  auto theirs = model_internal::FirstStageScores(from->first_stage(), from->boundaries(), *x,
                                                 store_->time(), from->first_stage_late_weight());
  ASSERT_TRUE(mine.ok() && theirs.ok());
  EXPECT_EQ(*mine, *theirs);
  // Late-weight candidates are chosen again on validation when given.
  TrainOptions w = r;
  w.first_stage_late_weights = {0.0};
  auto rechosen = Train(*store_, *labels_, TemporalSplit{}, w);
  ASSERT_TRUE(rechosen.ok()) << rechosen.status().ToString();
  EXPECT_EQ(rechosen->first_stage_late_weight(), 0.0);
  // Another split, another store (its manifest hash), a file without a first stage.
  auto split = TemporalSplit::Parse("temporal:50/25/25");
  ASSERT_TRUE(split.ok());
  EXPECT_EQ(Train(*store_, *labels_, *split, r).status().code(), StatusCode::kFailedPrecondition);
  std::string text = *ReadFileToString(path);
  const size_t at = text.find(store_->manifest_sha256());
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 8, "00000000");
  const fs::path other = *dir_ / "reuse-other-store.model";
  ASSERT_TRUE(WriteFileDurably(other, text).ok());
  r.first_stage_from = other;
  const Status st = Train(*store_, *labels_, TemporalSplit{}, r).status();
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition) << st.ToString();
  EXPECT_NE(st.message().find("another store"), std::string::npos) << st.message();
  TrainOptions plain = FastOptions();
  plain.groups = {FeatureGroup::kRaw};
  auto no_stage = Train(*store_, *labels_, TemporalSplit{}, plain);
  ASSERT_TRUE(no_stage.ok());
  const fs::path none = *dir_ / "reuse-none.model";
  ASSERT_TRUE(no_stage->Save(none).ok());
  r.first_stage_from = none;
  EXPECT_EQ(Train(*store_, *labels_, TemporalSplit{}, r).status().code(),
            StatusCode::kInvalidArgument);
  plain.first_stage_from = path;  // the main model has no neighbours group
  EXPECT_EQ(Train(*store_, *labels_, TemporalSplit{}, plain).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(FirstStageTest, BadLateWeightsAndHalfLivesAreClearErrors) {
  for (const double w : {-0.1, 1.5, std::nan("")}) {
    TrainOptions o = NeighbourOptions();
    o.first_stage_late_weights = {0.5, w};
    EXPECT_EQ(Train(*store_, *labels_, TemporalSplit{}, o).status().code(),
              StatusCode::kInvalidArgument) << w;
  }
  TrainOptions o = NeighbourOptions();
  o.first_stage_recency_half_life_days = -1;
  EXPECT_EQ(Train(*store_, *labels_, TemporalSplit{}, o).status().code(),
            StatusCode::kInvalidArgument);
  for (const int folds : {-1, 0, 1, kMaxFirstStageFolds + 1}) {
    TrainOptions f = NeighbourOptions();
    f.first_stage_folds = folds;
    const Status st = Train(*store_, *labels_, TemporalSplit{}, f).status();
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << folds;
    EXPECT_NE(st.message().find("first-stage folds"), std::string::npos) << st.message();
  }
}

}  // namespace
}  // namespace moneytrail::model
