// Calibration (pool adjacent violators against a brute-force oracle, round trips, monotone
// output), reliability tables, feature-availability columns and PSI (docs/model.md).
#include "moneytrail/model_applicability.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <tuple>

#include "moneytrail/model.h"

namespace moneytrail::model {
namespace {

double Sse(std::span<const double> y, std::span<const double> w, std::span<const double> z) {
  double s = 0;
  for (size_t i = 0; i < y.size(); ++i) s += w[i] * (y[i] - z[i]) * (y[i] - z[i]);
  return s;
}

// The isotonic fit by exhaustive search: the optimum is constant on blocks of consecutive
// points at each block's weighted mean, so try every cut of 0..n-1 into blocks whose means are
// non-decreasing and keep the least squared error.
std::vector<double> BruteIsotonic(std::span<const double> y, std::span<const double> w) {
  const size_t n = y.size();
  std::vector<double> best;
  double best_sse = std::numeric_limits<double>::infinity();
  for (uint32_t cuts = 0; cuts < (1u << (n - 1)); ++cuts) {
    std::vector<double> z(n);
    double previous = -std::numeric_limits<double>::infinity();
    bool ok = true;
    size_t start = 0;
    for (size_t i = 0; i < n && ok; ++i) {
      if (i + 1 == n || (cuts >> i & 1u)) {  // a block ends after i
        double sw = 0, swy = 0;
        for (size_t k = start; k <= i; ++k) sw += w[k], swy += w[k] * y[k];
        const double mean = swy / sw;
        if (mean < previous - 1e-12) ok = false;
        previous = mean;
        for (size_t k = start; k <= i; ++k) z[k] = mean;
        start = i + 1;
      }
    }
    if (!ok) continue;
    const double sse = Sse(y, w, z);
    if (sse < best_sse) best_sse = sse, best = z;
  }
  return best;
}

TEST(PoolAdjacentViolators, MatchesExhaustiveSearchOnRandomInputs) {
  std::mt19937_64 rng(20);
  for (int trial = 0; trial < 3000; ++trial) {
    const size_t n = 1 + rng() % 8;
    std::vector<double> y(n), w(n);
    for (size_t i = 0; i < n; ++i) {
      y[i] = trial % 2 ? static_cast<double>(rng() % 2) : static_cast<double>(rng() % 1000) / 999;
      w[i] = 1 + static_cast<double>(rng() % 5);
    }
    const std::vector<double> z = PoolAdjacentViolators(y, w);
    const std::vector<double> oracle = BruteIsotonic(y, w);
    ASSERT_EQ(z.size(), n);
    for (size_t i = 1; i < n; ++i) ASSERT_LE(z[i - 1], z[i] + 1e-12) << "trial " << trial;
    ASSERT_NEAR(Sse(y, w, z), Sse(y, w, oracle), 1e-9) << "trial " << trial;
    for (size_t i = 0; i < n; ++i) ASSERT_NEAR(z[i], oracle[i], 1e-9) << "trial " << trial;
  }
}

TEST(IsotonicCalibration, FitsPooledRatesAndIsMonotone) {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 300; ++trial) {
    const size_t n = 1 + rng() % 40;
    std::vector<float> scores(n);
    std::vector<int8_t> labels(n);
    for (size_t i = 0; i < n; ++i) {
      scores[i] = static_cast<float>(rng() % 10) / 10.0f;  // ties on purpose
      labels[i] = rng() % 5 == 0 ? kLabelUnknown : static_cast<int8_t>(rng() % 2);
    }
    const IsotonicCalibration c = FitIsotonic(scores, labels);
    // Oracle: pool ties, then the exhaustive isotonic fit of the distinct scores' rates.
    std::vector<double> y, w;
    std::vector<float> xs;
    for (int v = 0; v < 10; ++v) {
      double pos = 0, cnt = 0;
      for (size_t i = 0; i < n; ++i) {
        if (labels[i] == kLabelUnknown || scores[i] != static_cast<float>(v) / 10.0f) continue;
        pos += labels[i] == 1, cnt += 1;
      }
      if (cnt == 0) continue;
      xs.push_back(static_cast<float>(v) / 10.0f), y.push_back(pos / cnt), w.push_back(cnt);
    }
    if (xs.empty()) {
      EXPECT_TRUE(c.empty());
      continue;
    }
    const std::vector<double> oracle = BruteIsotonic(y, w);
    for (size_t k = 0; k < xs.size(); ++k) {
      ASSERT_NEAR(c.Apply(xs[k]), oracle[k], 1e-6) << "trial " << trial << " x " << xs[k];
    }
    float previous = -1;
    for (int i = -5; i <= 105; ++i) {
      const float p = c.Apply(static_cast<float>(i) / 100.0f);
      ASSERT_GE(p, previous) << "trial " << trial;
      ASSERT_GE(p, 0.0f);
      ASSERT_LE(p, 1.0f);
      previous = p;
    }
  }
}

TEST(IsotonicCalibration, JsonRoundTripGivesTheSameMapping) {
  std::mt19937_64 rng(3);
  std::vector<float> scores(500);
  std::vector<int8_t> labels(500);
  for (size_t i = 0; i < scores.size(); ++i) {
    scores[i] = static_cast<float>(std::ldexp(static_cast<double>(rng() >> 11), -53));
    labels[i] = static_cast<double>(rng() % 1000) / 1000 < scores[i] ? 1 : 0;
  }
  const IsotonicCalibration c = FitIsotonic(scores, labels);
  ASSERT_FALSE(c.empty());
  auto back = IsotonicCalibration::FromJson(nlohmann::json::parse(c.ToJson().dump()));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, c);
  for (float s : scores) EXPECT_EQ(back->Apply(s), c.Apply(s));
  nlohmann::json bad = c.ToJson();
  bad["y"][0] = 1.5;
  EXPECT_FALSE(IsotonicCalibration::FromJson(bad).ok());
  bad = c.ToJson();
  bad["x"].push_back(0.5);
  EXPECT_FALSE(IsotonicCalibration::FromJson(bad).ok());
}

// Scores drawn so that the truth is a known Platt map: label 1 with probability
// 1 / (1 + exp(-(a logit(score) + b))).
void PlattWorld(std::mt19937_64& rng, double a, double b, size_t n, std::vector<float>& scores,
                std::vector<int8_t>& labels) {
  scores.resize(n);
  labels.resize(n);
  std::normal_distribution<double> logit(0, 3);
  std::uniform_real_distribution<double> u(0, 1);
  for (size_t i = 0; i < n; ++i) {
    const double l = logit(rng);
    scores[i] = static_cast<float>(1 / (1 + std::exp(-l)));
    const double truth = 1 / (1 + std::exp(-(a * std::log(scores[i] / (1.0 - scores[i])) + b)));
    labels[i] = u(rng) < truth ? 1 : 0;
  }
}

TEST(PlattCalibration, RecoversAKnownMapAndIsCalibratedOnFreshDraws) {
  for (auto [a, b] : {std::pair{0.6, -2.0}, std::pair{1.3, 0.5}, std::pair{1.0, -4.0}}) {
    SCOPED_TRACE(fmt::format("a {} b {}", a, b));
    std::mt19937_64 rng(17);
    std::vector<float> scores, fresh;
    std::vector<int8_t> labels, fresh_labels;
    PlattWorld(rng, a, b, 20000, scores, labels);
    const IsotonicCalibration c = FitPlatt(scores, labels);
    ASSERT_TRUE(c.platt);
    EXPECT_NEAR(c.a, a, 0.1);
    EXPECT_NEAR(c.b, b, 0.2);
    // The calibration round trip: fitted on one draw, calibrated on another of the same world.
    PlattWorld(rng, a, b, 20000, fresh, fresh_labels);
    std::vector<float> p(fresh.size());
    for (size_t i = 0; i < fresh.size(); ++i) p[i] = c.Apply(fresh[i]);
    EXPECT_LT(ExpectedCalibrationError(ReliabilityTable(p, fresh_labels, 10)), 0.02);
  }
}

TEST(PlattCalibration, StrictlyIncreasingNeverZeroOrOneAndJsonRoundTrip) {
  std::mt19937_64 rng(5);
  std::vector<float> scores;
  std::vector<int8_t> labels;
  PlattWorld(rng, 0.8, -3.0, 5000, scores, labels);
  const IsotonicCalibration c = FitPlatt(scores, labels);
  // Raw scores near 1 that an isotonic fit would put on its top plateau stay apart.
  float previous = c.Apply(0.5f);
  for (float s : {0.9f, 0.99f, 0.999f, 0.9999f, 0.99999f}) {
    const float p = c.Apply(s);
    EXPECT_GT(p, previous) << s;
    EXPECT_LT(p, 1.0f) << s;
    previous = p;
  }
  EXPECT_GT(c.Apply(0.0f), 0.0f);
  EXPECT_TRUE(std::isnan(c.Apply(std::numeric_limits<float>::quiet_NaN())));
  auto back = IsotonicCalibration::FromJson(nlohmann::json::parse(c.ToJson().dump()));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, c);
  for (float s : scores) EXPECT_EQ(back->Apply(s), c.Apply(s));
  nlohmann::json bad = c.ToJson();
  bad["a"] = -1.0;  // a decreasing map would reorder transactions
  EXPECT_FALSE(IsotonicCalibration::FromJson(bad).ok());
  bad = c.ToJson();
  bad["method"] = "beta";
  EXPECT_FALSE(IsotonicCalibration::FromJson(bad).ok());
  // One label only: the identity on the score.
  const std::vector<int8_t> zeros(scores.size(), 0);
  const IsotonicCalibration identity = FitPlatt(scores, zeros);
  EXPECT_EQ(identity.a, 1.0);
  EXPECT_EQ(identity.b, 0.0);
  EXPECT_NEAR(identity.Apply(0.25f), 0.25f, 1e-6);
}

TEST(Reliability, BinsAndExpectedCalibrationError) {
  const std::vector<float> p = {0.05f, 0.05f, 0.95f, 0.95f, 0.55f, 1.0f};
  const std::vector<int8_t> y = {0, 1, 1, 1, kLabelUnknown, 1};
  const auto t = ReliabilityTable(p, y, 10);
  ASSERT_EQ(t.size(), 10u);
  EXPECT_EQ(t[0].count, 2u);
  EXPECT_NEAR(t[0].predicted_mean, 0.05, 1e-7);
  EXPECT_DOUBLE_EQ(t[0].observed_rate, 0.5);
  EXPECT_EQ(t[5].count, 0u);  // the unknown label is ignored
  EXPECT_EQ(t[9].count, 3u);  // 1.0 falls in the last bin
  // (2 * 0.45 + 3 * |0.9667 - 1|) / 5
  EXPECT_NEAR(ExpectedCalibrationError(t), (2 * 0.45 + 3 * (1 - (0.95 + 0.95 + 1.0) / 3)) / 5,
              1e-6);
  auto back = ReliabilityFromJson(nlohmann::json::parse(ReliabilityToJson(t).dump()));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, t);
}

TEST(FeatureAvailability, ColumnsAndSentence) {
  FeatureAvailability a;
  a.time_of_day = false;
  a.channel = false;
  a.date_only_share = 1.0;
  a.channel_unknown_share = 0.98;
  const std::vector<std::string> names = {"raw_amount_paid", "raw_channel", "raw_hour",
                                          "acct_src_idle_hours", "acct_dst_cash_share"};
  EXPECT_EQ(UnsupportedColumns(names, a),
            (std::vector<std::string>{"raw_channel", "raw_hour", "acct_src_idle_hours",
                                      "acct_dst_cash_share"}));
  EXPECT_EQ(a.Sentence(),
            "the input is date-only (100% of rows at 00:00:00 UTC) and has no channels (98% "
            "unknown)");
  a.channel = true;
  EXPECT_EQ(UnsupportedColumns(names, a),
            (std::vector<std::string>{"raw_hour", "acct_src_idle_hours"}));
  EXPECT_EQ(UnsupportedColumns(names, FeatureAvailability{}), std::vector<std::string>{});
  EXPECT_EQ(FeatureAvailability{}.Sentence(), "");
}

TEST(ShiftCheck, PsiIsZeroOnTheSameDataAndFiresOnAShiftedColumn) {
  FeatureMatrix x;
  x.names = {"a", "b"};
  x.rows = 1000;
  std::mt19937_64 rng(5);
  for (size_t r = 0; r < x.rows; ++r) {
    x.values.push_back(static_cast<float>(rng() % 100));
    x.values.push_back(r % 7 == 0 ? std::nanf("") : static_cast<float>(r % 13));
  }
  std::vector<uint32_t> rows(x.rows);
  for (uint32_t r = 0; r < rows.size(); ++r) rows[r] = r;
  const TrainingProfile p = ProfileOf(x, rows, FeatureAvailability{});
  auto back = TrainingProfile::FromJson(nlohmann::json::parse(p.ToJson().dump()));
  ASSERT_TRUE(back.ok());
  EXPECT_NEAR(PopulationStabilityIndex(back->features[0], x, 0), 0, 1e-12);
  EXPECT_NEAR(PopulationStabilityIndex(back->features[1], x, 1), 0, 1e-12);
  EXPECT_TRUE(CheckShift(*back, FeatureAvailability{}, x).applies);
  FeatureMatrix shifted = x;
  for (size_t r = 0; r < x.rows; ++r) shifted.values[r * 2] += 60;  // most rows leave their bin
  for (size_t r = 0; r < x.rows; ++r) shifted.values[r * 2 + 1] = std::nanf("");
  const ShiftCheck c = CheckShift(*back, FeatureAvailability{}, shifted);
  EXPECT_FALSE(c.applies);
  EXPECT_NE(c.reason.find("2 of 2 features have shifted"), std::string::npos) << c.reason;
  FeatureAvailability date_only;
  date_only.date_only_share = 0.98;
  const ShiftCheck d = CheckShift(*back, date_only, x);
  EXPECT_FALSE(d.applies);
  EXPECT_EQ(d.reason, "the model does not apply: 98% of rows are date-only while 0% were in "
                      "training");
  EXPECT_FALSE(CheckShift(TrainingProfile{}, date_only, x).checked);
}

// A model file may give a model a stricter limit on the share of shifted columns
// (Model::shift_limit): one shifted column of three (33%) passes the default limit (50%) and
// fails a limit of 20%, whose reason says where the model applies.
TEST(ShiftCheck, AStricterLimitRefusesAPartialShiftTheDefaultAccepts) {
  FeatureMatrix x;
  x.names = {"a", "b", "c"};
  x.rows = 600;
  std::mt19937_64 rng(14);
  for (size_t r = 0; r < x.rows * 3; ++r) x.values.push_back(static_cast<float>(rng() % 50));
  std::vector<uint32_t> rows(x.rows);
  for (uint32_t r = 0; r < rows.size(); ++r) rows[r] = r;
  const TrainingProfile p = ProfileOf(x, rows, FeatureAvailability{});
  FeatureMatrix shifted = x;
  for (size_t r = 0; r < x.rows; ++r) shifted.values[r * 3] += 100;  // column a only
  const ShiftCheck loose = CheckShift(p, FeatureAvailability{}, shifted);
  EXPECT_TRUE(loose.applies) << loose.reason;
  EXPECT_NEAR(loose.shifted_share, 1.0 / 3, 1e-12);
  const ShiftCheck strict = CheckShift(p, FeatureAvailability{}, shifted, 0.2);
  EXPECT_FALSE(strict.applies);
  EXPECT_NE(strict.reason.find("1 of 3 features have shifted (PSI > 0.25; this model applies "
                               "only up to 20% shifted, where its calibration was checked; "
                               "largest: a "),
            std::string::npos)
      << strict.reason;
  EXPECT_TRUE(CheckShift(p, FeatureAvailability{}, x, 0.2).applies);  // unshifted: 0 of 3
  EXPECT_TRUE(CheckShift(p, FeatureAvailability{}, shifted, 1.0 / 3).applies);  // not above
}

// The bundled model trains on worlds of both forms (bench/model_default_worlds.sh): a form its
// training held at kFormSeenShare or more is not a shift; one it (almost) never saw is.
TEST(ShiftCheck, AFormSeenInTrainingIsNotAShift) {
  FeatureMatrix x;
  x.names = {"a"};
  x.rows = 200;
  for (size_t r = 0; r < x.rows; ++r) x.values.push_back(static_cast<float>(r % 10));
  std::vector<uint32_t> rows(x.rows);
  for (uint32_t r = 0; r < rows.size(); ++r) rows[r] = r;
  TrainingProfile p = ProfileOf(x, rows, FeatureAvailability{});
  FeatureAvailability statement;
  statement.date_only_share = 1.0;
  statement.channel_unknown_share = 1.0;
  FeatureAvailability timed;
  for (const auto& [date_only, unknown, fires_on_statement, fires_on_timed] :
       std::vector<std::tuple<double, double, bool, bool>>{{0.0, 0.0, true, false},
                                                           {0.375, 0.25, false, false},
                                                           {kFormSeenShare, kFormSeenShare, false, false},
                                                           {0.09, 0.0, true, false},
                                                           {1.0, 1.0, false, true},
                                                           {0.95, 0.95, false, true}}) {
    p.date_only_share = date_only;
    p.channel_unknown_share = unknown;
    SCOPED_TRACE(fmt::format("training date-only {} unknown {}", date_only, unknown));
    EXPECT_EQ(CheckShift(p, statement, x).applies, !fires_on_statement);
    EXPECT_EQ(CheckShift(p, timed, x).applies, !fires_on_timed);
  }
}

}  // namespace
}  // namespace moneytrail::model
