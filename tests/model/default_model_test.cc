// The bundled default model (models/default.model, issue 9) loads and its feature schema is
// the one the current code computes: a change of features without retraining fails here.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <functional>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "moneytrail/model.h"
#include "moneytrail/model_applicability.h"

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

// A model file written before calibration, variants and training summaries (issue 20) still
// loads and reports their absence (ScoreStore then says "uncalibrated" and "no shift check"):
// the bundled file with those keys and the variants' boosters removed, as such files were
// written.
TEST(DefaultModelTest, FileWithoutCalibrationLoadsAsUncalibrated) {
  std::ifstream in(kDefaultModel, std::ios::binary);
  std::string header, line;
  ASSERT_TRUE(std::getline(in, header) && std::getline(in, line));
  const std::string boosters((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  nlohmann::json meta = nlohmann::json::parse(line);
  ASSERT_TRUE(meta.contains("variants")) << "the bundled model is expected to have variants";
  meta.erase("variants");
  meta.erase("training_profile");
  size_t kept = 0;
  for (nlohmann::json& m : meta["models"]) {
    for (const char* key : {"calibration", "reliability", "ece_raw", "ece_calibrated"}) {
      m.erase(key);
    }
    kept += m["booster_bytes"].get<size_t>();
  }
  ASSERT_LE(kept, boosters.size());
  const fs::path old_file =
      fs::temp_directory_path() / ("mt_old_model_" + std::to_string(::getpid()));
  {
    std::ofstream out(old_file, std::ios::binary);
    out << header << '\n' << meta.dump() << '\n' << boosters.substr(0, kept);
  }
  auto bundle = ModelBundle::Load(old_file);
  fs::remove(old_file);
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  EXPECT_TRUE(bundle->main().calibration().empty());
  EXPECT_EQ(bundle->main().Calibrate(0.25f), 0.25f);
  EXPECT_TRUE(bundle->profile().empty());
  EXPECT_TRUE(bundle->variants().empty());
  FeatureAvailability date_only;
  date_only.time_of_day = false;
  EXPECT_EQ(bundle->ModelFor(date_only), nullptr);  // no variant: ScoreStore masks as missing
  EXPECT_EQ(bundle->ModelFor(FeatureAvailability{}), &bundle->main());
}

// Issue 20 item 3: the bundled model is trained on worlds of both forms (timed and date-only;
// known and unknown channels: bench/model_default_worlds.sh), keeps a calibration and a
// reliability table per model, the three per-availability variants and the shift check's
// training summaries.
TEST(DefaultModelTest, IsCalibratedWithVariantsAndATrainingProfileOfBothForms) {
  auto bundle = ModelBundle::Load(kDefaultModel);
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  EXPECT_FALSE(bundle->main().calibration().empty());
  EXPECT_EQ(bundle->main().reliability().size(), 10u);
  ASSERT_EQ(bundle->variants().size(), 3u);
  for (const Model& v : bundle->variants()) {
    EXPECT_FALSE(v.calibration().empty()) << v.role();
    EXPECT_EQ(v.reliability().size(), 10u) << v.role();
  }
  ASSERT_FALSE(bundle->profile().empty());
  for (double share : {bundle->profile().date_only_share, bundle->profile().channel_unknown_share}) {
    EXPECT_GE(share, kFormSeenShare);
    EXPECT_LE(share, 1 - kFormSeenShare);
  }
  FeatureAvailability date_only;
  date_only.time_of_day = false;
  ASSERT_NE(bundle->ModelFor(date_only), nullptr);
  EXPECT_EQ(bundle->ModelFor(date_only)->role(), "main_without_time_of_day");
}

// The bundled file with its metadata line edited by `edit`, written to a temporary file and
// loaded.
Result<ModelBundle> LoadEdited(const std::function<void(nlohmann::json&)>& edit) {
  std::ifstream in(kDefaultModel, std::ios::binary);
  std::string header, line;
  if (!std::getline(in, header) || !std::getline(in, line)) {
    return DataLossError("cannot read " + kDefaultModel.string());
  }
  const std::string boosters((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  nlohmann::json meta = nlohmann::json::parse(line);
  edit(meta);
  const fs::path file =
      fs::temp_directory_path() / ("mt_edited_model_" + std::to_string(::getpid()));
  {
    std::ofstream out(file, std::ios::binary);
    out << header << '\n' << meta.dump() << '\n' << boosters;
  }
  Result<ModelBundle> bundle = ModelBundle::Load(file);
  fs::remove(file);
  return bundle;
}

// `shift_limit` (docs/model.md, Shift check) is read per model, survives Save and Load, is
// absent (the default) where the file does not set it, and a value outside (0, 1] is DataLoss
// naming the model and the value.
TEST(DefaultModelTest, ShiftLimitIsReadPerModelAndRoundTrips) {
  auto bundle = LoadEdited([](nlohmann::json& meta) { meta["models"][0]["shift_limit"] = 0.3; });
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  EXPECT_EQ(bundle->main().shift_limit(), 0.3);
  EXPECT_EQ(bundle->baseline().shift_limit(), kShiftedShareLimit);
  const fs::path saved =
      fs::temp_directory_path() / ("mt_saved_model_" + std::to_string(::getpid()));
  ASSERT_TRUE(bundle->Save(saved).ok());
  auto back = ModelBundle::Load(saved);
  fs::remove(saved);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->main().shift_limit(), 0.3);
  EXPECT_EQ(back->baseline().shift_limit(), kShiftedShareLimit);
  for (const nlohmann::json& bad : {nlohmann::json(0.0), nlohmann::json(1.5), nlohmann::json(-0.1),
                                    nlohmann::json("0.2")}) {
    auto refused = LoadEdited([&](nlohmann::json& meta) { meta["models"][0]["shift_limit"] = bad; });
    ASSERT_FALSE(refused.ok()) << bad.dump();
    EXPECT_EQ(refused.status().code(), StatusCode::kDataLoss);
    EXPECT_NE(refused.status().message().find("the main model's shift_limit " + bad.dump()),
              std::string::npos)
        << refused.status().message();
  }
}

// Session 14 (bench/RESULTS-model.md): the bundled model's displayed probability is calibrated on
// inputs like the generator's worlds (8-12% of a model's columns shifted; the demo's statements
// 17%) and not on bench/indep's independent worlds (30-36% shifted: the variants without channel
// features rank accounts worse than chance there, the date-only variant's error is over 0.05 under
// any Platt map), so the file lets the main model and its variants apply only up to a limit
// between the two; the raw baseline (never displayed) keeps the default.
TEST(DefaultModelTest, MainModelAndVariantsApplyOnlyCloseToTheirTrainingData) {
  auto bundle = ModelBundle::Load(kDefaultModel);
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  EXPECT_EQ(bundle->baseline().shift_limit(), kShiftedShareLimit);
  std::vector<const Model*> limited{&bundle->main()};
  for (const Model& v : bundle->variants()) limited.push_back(&v);
  ASSERT_EQ(limited.size(), 4u);
  for (const Model* m : limited) {
    EXPECT_GT(m->shift_limit(), 0.17) << m->role();
    EXPECT_LT(m->shift_limit(), 0.30) << m->role();
  }
}

TEST(DefaultModelTest, FindDefaultModelFindsTheBundledFile) {
  auto found = FindDefaultModel();
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_TRUE(fs::equivalent(*found, kDefaultModel)) << *found;
}

}  // namespace
}  // namespace moneytrail::model
