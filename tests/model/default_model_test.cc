// The bundled default model (models/default.model, issue 9) loads and its feature schema is
// the one the current code computes: a change of features without retraining fails here.
#include <gtest/gtest.h>

#include <filesystem>

#include "moneytrail/model.h"

namespace moneytrail::model {
namespace {

namespace fs = std::filesystem;

const fs::path kDefaultModel = fs::path(MONEYTRAIL_SOURCE_DIR) / "models" / "default.model";
constexpr const char* kRetrain =
    "the bundled model's feature schema no longer matches the features the code computes; "
    "retrain it with scripts/train-default-model (and commit models/default.model and "
    "models/README.md)";

TEST(DefaultModelTest, LoadsAndIsSmall) {
  ASSERT_TRUE(fs::exists(kDefaultModel)) << kDefaultModel << " is missing; run "
                                         << "scripts/train-default-model";
  auto bundle = ModelBundle::Load(kDefaultModel);
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  EXPECT_EQ(bundle->main().role(), "main");
  EXPECT_EQ(bundle->baseline().role(), "baseline");
  EXPECT_GT(bundle->main().best_iteration(), 0);
  EXPECT_GT(bundle->main().validation().f1, bundle->baseline().validation().f1);
  EXPECT_LT(fs::file_size(kDefaultModel), 8u << 20) << "keep the bundled model a few MB at most";
}

TEST(DefaultModelTest, FeatureSchemaEqualsTheFeaturesTheCodeComputes) {
  auto bundle = ModelBundle::Load(kDefaultModel);
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  for (const Model* m : {&bundle->main(), &bundle->baseline()}) {
    const std::vector<std::string> computed = FeatureNames(m->groups());
    const Status schema = m->CheckSchema(computed);
    EXPECT_TRUE(schema.ok()) << m->role() << " model (groups "
                             << FeatureGroupsToString(m->groups()) << "): " << schema.ToString()
                             << "\n" << kRetrain;
    EXPECT_EQ(computed.size(), m->features().size()) << m->role() << ": " << kRetrain;
  }
}

// A model file written before calibration, variants and training summaries still loads and
// reports their absence (ScoreStore then says "uncalibrated" and "no shift check").
TEST(DefaultModelTest, FileWithoutCalibrationLoadsAsUncalibrated) {
  auto bundle = ModelBundle::Load(kDefaultModel);
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  if (!bundle->main().calibration().empty()) GTEST_SKIP() << "the bundled model is calibrated";
  EXPECT_EQ(bundle->main().Calibrate(0.25f), 0.25f);
  EXPECT_TRUE(bundle->profile().empty());
  EXPECT_TRUE(bundle->variants().empty());
  FeatureAvailability date_only;
  date_only.time_of_day = false;
  EXPECT_EQ(bundle->ModelFor(date_only), nullptr);  // no variant: ScoreStore masks as missing
  EXPECT_EQ(bundle->ModelFor(FeatureAvailability{}), &bundle->main());
}

TEST(DefaultModelTest, FindDefaultModelFindsTheBundledFile) {
  auto found = FindDefaultModel();
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_TRUE(fs::equivalent(*found, kDefaultModel)) << *found;
}

}  // namespace
}  // namespace moneytrail::model
