// Heavier end-to-end runs on FEBRL and fake_20000 (label: slow). Floors sit below the
// measured figures in bench/RESULTS-resolve.md; they guard against regressions.
#include <gtest/gtest.h>

#include "moneytrail/resolve.h"
#include "moneytrail/resolve_metrics.h"

namespace moneytrail::resolve {
namespace {

const std::string kSource = MONEYTRAIL_SOURCE_DIR;
const std::string kData = std::string(MONEYTRAIL_SHARED_DATA_DIR) + "/er";

Evaluation RunResolve(const std::string& config_name, const std::vector<std::string>& files,
               const std::string& truth) {
  auto config = LoadResolveConfig(kSource + "/config/resolve/" + config_name);
  EXPECT_TRUE(config.ok()) << config.status().ToString();
  auto t = ReadParties(files, *config, {truth});
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  auto r = Resolve(*t, *config);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  auto labels = TruthLabels(*t, truth, config->truth_pattern);
  EXPECT_TRUE(labels.ok());
  return Evaluate(*t, *config, *r, *labels);
}

TEST(ResolveSlowTest, Febrl3Dedupe) {
  Evaluation e = RunResolve("febrl.toml", {kData + "/febrl/dataset3.csv"}, "rec_id");
  EXPECT_EQ(e.true_pairs, 6538);
  EXPECT_GT(e.clustered_pairs.f1(), 0.95) << FormatEvaluation(e);
}

TEST(ResolveSlowTest, Febrl4Link) {
  Evaluation e = RunResolve("febrl_link.toml", {kData + "/febrl/dataset4a.csv", kData + "/febrl/dataset4b.csv"},
                     "rec_id");
  EXPECT_EQ(e.true_pairs, 5000);
  EXPECT_GT(e.clustered_pairs.precision(), 0.98) << FormatEvaluation(e);
  EXPECT_GT(e.clustered_pairs.recall(), 0.98) << FormatEvaluation(e);
}

TEST(ResolveSlowTest, SplinkFake20000) {
  Evaluation e = RunResolve("splink_fake.toml", {kData + "/splink_datasets/fake_20000.csv"}, "group");
  EXPECT_EQ(e.true_pairs, 33280);
  EXPECT_GT(e.clustered_pairs.f1(), 0.80) << FormatEvaluation(e);
}

}  // namespace
}  // namespace moneytrail::resolve
