// The risk model end to end on a generated world (tiny preset): it learns, it round-trips, it is
// reproducible, its split never leaks, its explanations add up, and schema mismatches are caught.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>

#include "model/neighbour_features.h"
#include "model/taint_features.h"
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

// One generated world, ingested and trained once for the whole suite.
class ModelTest : public TinyWorldTest<ModelTest> {
 protected:
  static void SetUpTestSuite() {
    SetUpWorld("moneytrail-model-test-");
    if (HasFatalFailure()) return;
    auto bundle = Train(*store_, *labels_, TemporalSplit{}, FastOptions());
    ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
    bundle_ = new ModelBundle(std::move(*bundle));
  }
  static void TearDownTestSuite() {
    delete bundle_;
    bundle_ = nullptr;
    TinyWorldTest::TearDownTestSuite();
  }

  static inline ModelBundle* bundle_ = nullptr;
};

TEST_F(ModelTest, TrainingLearnsFarBeyondTheRawBaselineOnTheTestPart) {
  auto run = ScoreStore(*store_, *bundle_, {});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  const fs::path scores = *dir_ / "scores.csv";
  ASSERT_TRUE(WriteScoresCsv(*store_, *bundle_, *run, scores).ok());
  auto file = ReadScoresCsv(scores, *store_);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  const size_t k[] = {10};
  auto e = Evaluate(*store_, *file, *labels_, SplitPart::kTest, k);
  ASSERT_TRUE(e.ok());
  ASSERT_GT(e->model.positives, 20u);
  EXPECT_GT(e->model.f1, 0.6) << e->ToText();
  EXPECT_GT(e->model.f1, e->baseline.f1 + 0.15) << e->ToText();
  EXPECT_GT(e->model.pr_auc, e->baseline.pr_auc) << e->ToText();
}

TEST_F(ModelTest, SaveAndLoadRoundTripWithIdenticalScoresAndBytes) {
  const fs::path a = *dir_ / "a.model", b = *dir_ / "b.model";
  ASSERT_TRUE(bundle_->Save(a).ok());
  auto loaded = ModelBundle::Load(a);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->main().features(), bundle_->main().features());
  EXPECT_EQ(loaded->main().threshold(), bundle_->main().threshold());
  EXPECT_EQ(loaded->store_manifest_sha256(), store_->manifest_sha256());
  EXPECT_EQ(loaded->split().ToString(), "temporal:60/20/20");
  auto before = ScoreStore(*store_, *bundle_, {});
  auto after = ScoreStore(*store_, *loaded, {});
  ASSERT_TRUE(before.ok() && after.ok());
  EXPECT_EQ(before->score, after->score);
  EXPECT_EQ(before->baseline, after->baseline);
  EXPECT_EQ(before->reasons, after->reasons);
  ASSERT_TRUE(loaded->Save(b).ok());
  EXPECT_EQ(*ReadFileToString(a), *ReadFileToString(b));
}

TEST_F(ModelTest, SameSeedGivesAByteIdenticalModelFile) {
  auto again = Train(*store_, *labels_, TemporalSplit{}, FastOptions());
  ASSERT_TRUE(again.ok());
  const fs::path a = *dir_ / "seed-a.model", b = *dir_ / "seed-b.model";
  ASSERT_TRUE(bundle_->Save(a).ok());
  ASSERT_TRUE(again->Save(b).ok());
  EXPECT_EQ(Sha256Hex(*ReadFileToString(a)), Sha256Hex(*ReadFileToString(b)));
}

// Copies the transactions with time < `before` into a new store with the same account ids.
fs::path TruncatedCopy(const store::Store& s, Timestamp before, const fs::path& dir) {
  auto w = *store::StoreWriter::Open(dir);
  for (AccountId a = 0; a < s.account_count(); ++a) {
    const store::AccountKey& k = s.account(a);
    EXPECT_EQ(*w->InternAccount(k.kind, k.bank, k.number), a);
  }
  for (size_t c = 0; c < s.currency_count(); ++c) {
    EXPECT_EQ(*w->InternCurrency(s.currency(static_cast<uint16_t>(c))), c);
  }
  store::TransactionColumns& c = w->columns();
  uint64_t rows = 0;
  for (TransactionId t = 0; t < s.transaction_count(); ++t) {
    if (s.time()[t] >= before) continue;
    ++rows;
    c.time.push_back(s.time()[t]);
    c.source.push_back(s.source()[t]);
    c.destination.push_back(s.destination()[t]);
    c.amount_paid.push_back(s.amount_paid_units()[t]);
    c.paid_scale.push_back(s.paid_scale()[t]);
    c.paid_currency.push_back(s.paid_currency()[t]);
    c.amount_received.push_back(s.amount_received_units()[t]);
    c.received_scale.push_back(s.received_scale()[t]);
    c.received_currency.push_back(s.received_currency()[t]);
    c.channel.push_back(s.channel()[t]);
    uint32_t location = store::kNoLocation;
    if (s.location()[t] != store::kNoLocation) {  // rules read cities, regions and countries
      const store::Location& l = s.location_entry(s.location()[t]);
      location = *w->InternLocation(s.string(l.city), s.string(l.region), s.string(l.country));
    }
    c.location.push_back(location);
    c.mcc.push_back(s.mcc()[t]);
    c.counterparty.push_back(store::kNoString);
    c.label.push_back(s.label()[t]);
    c.typology.push_back(store::kNoString);
    c.source_file.push_back(0);
    c.source_line.push_back(static_cast<uint32_t>(t + 2));
  }
  store::SourceRecord rec;
  rec.path = "/truncated.csv";
  rec.sha256 = std::string(64, 'b');
  rec.rows_read = rec.rows_accepted = rows;
  rec.format = "native";
  w->AddSource(rec, "");
  EXPECT_TRUE(w->Commit().ok());
  return dir;
}

TEST_F(ModelTest, SplitKeepsTimeOrderAndTrainingFeaturesNeverSeeLaterTransactions) {
  const SplitBoundaries& b = bundle_->boundaries();
  ASSERT_LT(b.first, b.validate_from);
  ASSERT_LT(b.validate_from, b.test_from);
  ASSERT_LT(b.test_from, b.last);
  Timestamp train_max = INT64_MIN, validate_min = INT64_MAX, validate_max = INT64_MIN,
            test_min = INT64_MAX;
  size_t train_rows = 0;
  for (TransactionId t = 0; t < store_->transaction_count(); ++t) {
    const Timestamp time = store_->time()[t];
    switch (b.PartOf(time)) {
      case SplitPart::kTrain: train_max = std::max(train_max, time); ++train_rows; break;
      case SplitPart::kValidate:
        validate_min = std::min(validate_min, time);
        validate_max = std::max(validate_max, time);
        break;
      case SplitPart::kTest: test_min = std::min(test_min, time); break;
    }
  }
  EXPECT_LT(train_max, validate_min);
  EXPECT_LT(validate_max, test_min);
  EXPECT_EQ(bundle_->main().validation().rows, [&] {
    size_t n = 0;
    for (TransactionId t = 0; t < store_->transaction_count(); ++t) {
      n += b.PartOf(store_->time()[t]) == SplitPart::kValidate && (*labels_)[t] != kLabelUnknown;
    }
    return n;
  }());
  // Features of training rows computed on a store that ends where training ends are the same
  // numbers: no feature of a training row depends on a later transaction.
  const fs::path cut = TruncatedCopy(*store_, b.validate_from, *dir_ / "truncated");
  auto small = store::Store::Open(cut);
  ASSERT_TRUE(small.ok());
  const auto groups = bundle_->union_groups();
  auto full_x = BuildFeatures(*store_, {groups, 2});
  auto cut_x = BuildFeatures(*small, {groups, 2});
  ASSERT_TRUE(full_x.ok() && cut_x.ok());
  ASSERT_EQ(cut_x->rows, train_rows);
  size_t compared = 0;
  for (TransactionId t = 0, r = 0; t < store_->transaction_count(); ++t) {
    if (b.PartOf(store_->time()[t]) != SplitPart::kTrain) continue;
    const auto x = full_x->row(t), y = cut_x->row(r++);
    for (size_t k = 0; k < x.size(); ++k) {
      ASSERT_TRUE((std::isnan(x[k]) && std::isnan(y[k])) || x[k] == y[k])
          << "tx " << t << " feature " << full_x->names[k] << ": " << x[k] << " vs " << y[k];
      ++compared;
    }
  }
  EXPECT_GT(compared, 0u);
}

// Short windows, so that alerts settle within the tiny world's train part (the shipped pack's
// windows of 5 to 14 days settle after it), of each kind: sliding, calendar day, sequence.
constexpr const char* kShortPack = R"(
[pack]
id = "test-short"
[[rule]]
id = "T-CASH-6H"
title = "Two cash deposits within 6 hours"
citation = "test"
window = "6h"
[rule.match]
channel = ["cash_deposit"]
direction = "in"
[rule.when]
count = { at_least = 2 }
[[rule]]
id = "T-OUT-DAY"
title = "Three payments out in a day"
citation = "test"
severity = "high"
window = "day"
[rule.match]
direction = "out"
[rule.when]
count = { at_least = 3 }
[[rule]]
id = "T-IN-THEN-OUT"
title = "Money in, then out within 12 hours"
citation = "test"
severity = "medium"
window = "12h"
[rule.first]
direction = "in"
[rule.then]
direction = "out"
[rule.when]
first = { sum = { at_least = "500.00" } }
ratio = { at_least = "0.5" }
)";

// The rules group counts an alert only once its window end plus the rule's settling delay has
// passed (docs/model.md): a scan of the store cut at the end of the train part gives the same
// rule features for every training row as a scan of the whole store.
TEST_F(ModelTest, RuleFeaturesOfTrainingRowsNeverSeeLaterTransactions) {
  const Timestamp cut_at = bundle_->boundaries().validate_from;
  const fs::path cut = TruncatedCopy(*store_, cut_at, *dir_ / "truncated-rules");
  auto small = store::Store::Open(cut);
  ASSERT_TRUE(small.ok());
  auto shipped = ReadFileToString(fs::path(MONEYTRAIL_SOURCE_DIR) / "rules" /
                                  "smuggling-trafficking.toml");
  ASSERT_TRUE(shipped.ok());
  const std::vector<FeatureGroup> groups{FeatureGroup::kRules};
  for (const auto& [text, origin] : {std::pair<std::string_view, std::string_view>{
                                         *shipped, "smuggling-trafficking.toml"},
                                     {kShortPack, "short.toml"}}) {
    const RuleFeatureInput rules{text, origin};
    auto full_x = BuildFeatures(*store_, {groups, 2, &rules});
    auto cut_x = BuildFeatures(*small, {groups, 2, &rules});
    ASSERT_TRUE(full_x.ok()) << full_x.status().ToString();
    ASSERT_TRUE(cut_x.ok()) << cut_x.status().ToString();
    ASSERT_EQ(full_x->names, FeatureNames(groups));
    size_t non_zero = 0;
    for (TransactionId t = 0, r = 0; t < store_->transaction_count(); ++t) {
      if (store_->time()[t] >= cut_at) continue;
      const auto x = full_x->row(t), y = cut_x->row(r++);
      for (size_t k = 0; k < x.size(); ++k) {
        ASSERT_TRUE((std::isnan(x[k]) && std::isnan(y[k])) || x[k] == y[k])
            << origin << ": tx " << t << " feature " << full_x->names[k] << ": " << x[k]
            << " vs " << y[k];
        non_zero += !std::isnan(x[k]) && x[k] != 0;
      }
    }
    if (origin == "short.toml") {
      EXPECT_GT(non_zero, 100u) << "too few training rows with a settled alert to test";
    }
  }
}

TEST_F(ModelTest, RulesGroupWithoutAPackIsAClearError) {
  const std::vector<FeatureGroup> groups{FeatureGroup::kRaw, FeatureGroup::kRules};
  EXPECT_EQ(BuildFeatures(*store_, {groups, 2}).status().code(), StatusCode::kInvalidArgument);
  TrainOptions o = FastOptions();
  o.groups = groups;
  EXPECT_EQ(Train(*store_, *labels_, TemporalSplit{}, o).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(ModelTest, ShapContributionsSumToTheMargin) {
  auto x = BuildFeatures(*store_, {bundle_->main().groups(), 2});
  ASSERT_TRUE(x.ok());
  std::vector<uint32_t> rows;
  for (uint32_t r = 0; r < x->rows; r += 37) rows.push_back(r);
  auto margin = bundle_->main().PredictMargin(*x, rows);
  auto contrib = bundle_->main().Contributions(*x, rows);
  ASSERT_TRUE(margin.ok() && contrib.ok());
  const size_t width = x->cols() + 1;
  for (size_t i = 0; i < rows.size(); ++i) {
    double sum = 0;
    for (size_t k = 0; k < width; ++k) sum += (*contrib)[i * width + k];
    EXPECT_NEAR(sum, (*margin)[i], 1e-3 * (1 + std::fabs((*margin)[i]))) << "row " << rows[i];
  }
}

TEST_F(ModelTest, FlaggedTransactionsCarryReasonsInWords) {
  auto run = ScoreStore(*store_, *bundle_, {.reasons = 2});
  ASSERT_TRUE(run.ok());
  ASSERT_GT(run->flagged, 0u);
  size_t explained = 0;
  for (size_t t = 0; t < run->score.size(); ++t) {
    const bool flagged = run->score[t] >= bundle_->main().threshold();
    if (!flagged) {
      EXPECT_TRUE(run->reasons[t].empty()) << t;
    }
    if (flagged && !run->reasons[t].empty()) {
      ++explained;
      EXPECT_NE(run->reasons[t].find("(+"), std::string::npos) << run->reasons[t];
    }
  }
  EXPECT_GT(explained, run->flagged / 2);
}

TEST_F(ModelTest, ModelWhoseSchemaDiffersFromTheStoreIsAClearError) {
  const fs::path good = *dir_ / "schema.model", bad = *dir_ / "schema-bad.model";
  ASSERT_TRUE(bundle_->Save(good).ok());
  std::string text = *ReadFileToString(good);
  // Rename one feature in the metadata line only (the boosters follow it).
  const size_t meta_end = text.find('\n', text.find('\n') + 1);
  const size_t at = text.find("\"raw_hour\"");
  ASSERT_LT(at, meta_end);
  text.replace(at, 10, "\"raw_hoUr\"");
  std::ofstream(bad, std::ios::binary) << text;
  auto loaded = ModelBundle::Load(bad);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  auto run = ScoreStore(*store_, *loaded, {});
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(run.status().message().find("raw_hoUr"), std::string::npos) << run.status().ToString();
  // And the schema check itself names the column that differs.
  std::vector<std::string> names = bundle_->main().features();
  names[3] = "something_else";
  const Status s = bundle_->main().CheckSchema(names);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("something_else"), std::string::npos);
  EXPECT_NE(s.message().find(bundle_->main().features()[3]), std::string::npos);
}

TEST_F(ModelTest, TruncatedOrForeignModelFilesAreRejected) {
  const fs::path good = *dir_ / "trunc.model", bad = *dir_ / "trunc-bad.model";
  ASSERT_TRUE(bundle_->Save(good).ok());
  const std::string text = *ReadFileToString(good);
  std::ofstream(bad, std::ios::binary) << text.substr(0, text.size() - 100);
  EXPECT_EQ(ModelBundle::Load(bad).status().code(), StatusCode::kDataLoss);
  std::ofstream(bad, std::ios::binary) << "tx_id,label\n";
  EXPECT_EQ(ModelBundle::Load(bad).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace moneytrail::model

namespace moneytrail::model {
namespace {

TEST_F(ModelTest, LabelsFileNamesTheBadLineAndField) {
  const fs::path good = *dir_ / "labels.csv", bad = *dir_ / "labels-bad.csv";
  std::ofstream(good) << "tx_id,label\n0,1\n2,0\n";
  auto labels = LoadLabels(*store_, good.string());
  ASSERT_TRUE(labels.ok()) << labels.status().ToString();
  EXPECT_EQ((*labels)[0], 1);
  EXPECT_EQ((*labels)[1], kLabelUnknown);
  EXPECT_EQ((*labels)[2], 0);
  std::ofstream(bad) << "tx_id,label\n0,1\n1,yes\n";
  auto wrong = LoadLabels(*store_, bad.string());
  EXPECT_EQ(wrong.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(wrong.status().message().find(":3: field 'label' = 'yes'"), std::string::npos)
      << wrong.status().ToString();
  std::ofstream(bad) << "tx_id,label\n99999999,1\n";
  EXPECT_EQ(LoadLabels(*store_, bad.string()).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace moneytrail::model

namespace moneytrail::model {
namespace {

// The neighbours group against a brute-force oracle: for every transaction and end, the decayed
// max and sum over that end's earlier payments, from arbitrary scores.
TEST_F(ModelTest, NeighbourFeaturesEqualABruteForceOverEarlierPayments) {
  const store::Store& s = *store_;
  const size_t n = s.transaction_count();
  for (uint64_t seed : {1u, 2u}) {
    std::vector<float> scores(n);
    uint64_t z = seed;
    for (float& v : scores) {
      z = z * 6364136223846793005ull + 1442695040888963407ull;
      v = static_cast<float>(z >> 40) / static_cast<float>(1 << 24);
    }
    std::vector<float> got;
    model_internal::ComputeNeighbourFeatures(s, scores, got);
    ASSERT_EQ(got.size(), n * 6);
    // Earlier in (time, id) order.
    auto before = [&](TransactionId p, TransactionId t) {
      return s.time()[p] < s.time()[t] || (s.time()[p] == s.time()[t] && p < t);
    };
    const double half_life = model_internal::kNeighbourHalfLifeSeconds;
    size_t checked = 0, present = 0;
    for (TransactionId t = 0; t < n; t += 7) {  // every 7th row: the oracle is quadratic
      const AccountId ends[2] = {s.source()[t], s.destination()[t]};
      for (int e = 0; e < 2; ++e) {
        double in_max = -1, in_sum = 0, out_max = -1;
        for (TransactionId p = 0; p < n; ++p) {
          if (!before(p, t)) continue;
          const double w = scores[p] * std::exp2(-(s.time()[t] - s.time()[p]) / half_life);
          if (s.destination()[p] == ends[e]) {
            in_max = std::max(in_max, w);
            in_sum += w;
          }
          if (s.source()[p] == ends[e]) out_max = std::max(out_max, w);
        }
        const float* x = &got[t * 6 + e * 3];
        const double want[3] = {in_max, in_max < 0 ? -1 : in_sum, out_max};
        for (int k = 0; k < 3; ++k) {
          ++checked;
          if (want[k] < 0) {
            EXPECT_TRUE(std::isnan(x[k])) << "seed " << seed << " tx " << t << " column " << k;
            continue;
          }
          ++present;
          EXPECT_NEAR(x[k], want[k], 1e-5 * (1 + want[k]))
              << "seed " << seed << " tx " << t << " column " << k;
        }
      }
    }
    EXPECT_GT(present, checked / 2) << "too few rows with earlier payments to test";
  }
}

TEST_F(ModelTest, NeighbourModelRoundTripsAndItsFirstStageNeverScoresItsOwnTrainingRows) {
  TrainOptions o = FastOptions();
  o.groups = {FeatureGroup::kRaw, FeatureGroup::kAccounts, FeatureGroup::kNeighbours};
  o.first_stage_negative_rate = 0.5;
  auto bundle = Train(*store_, *labels_, TemporalSplit{}, o);
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  ASSERT_EQ(bundle->first_stage().size(), 2u);
  EXPECT_EQ(bundle->first_stage()[0].role(), "first_stage_early");
  EXPECT_EQ(bundle->first_stage()[1].role(), "first_stage_late");
  EXPECT_EQ(bundle->main().features().back(), "nb_dst_out_max");
  // Each first-stage model is trained on one half of the train part and scores the other.
  const SplitBoundaries& b = bundle->boundaries();
  const Timestamp middle = model_internal::FirstStageMiddle(b);
  auto x = BuildFeatures(*store_, {bundle->union_groups(), 2});
  ASSERT_TRUE(x.ok());
  auto first = model_internal::FirstStageScores(bundle->first_stage(), b, *x, store_->time());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  std::vector<float> each[2];
  for (int k = 0; k < 2; ++k) {
    const Model& m = bundle->first_stage()[k];
    auto sub = x->Select(m.features());
    ASSERT_TRUE(sub.ok());
    each[k] = *m.Predict(*sub);
  }
  size_t halves[2] = {0, 0};
  for (TransactionId t = 0; t < store_->transaction_count(); ++t) {
    const Timestamp time = store_->time()[t];
    if (time < middle) {
      ++halves[0];
      EXPECT_EQ((*first)[t], each[1][t]) << t;
    } else if (time < b.validate_from) {
      ++halves[1];
      EXPECT_EQ((*first)[t], each[0][t]) << t;
    } else {
      EXPECT_EQ((*first)[t], (each[0][t] + each[1][t]) / 2) << t;
    }
  }
  EXPECT_GT(halves[0], 0u);
  EXPECT_GT(halves[1], 0u);
  EXPECT_GT(bundle->first_stage()[0].validation().positives, 0u);
  // The file keeps all four boosters; loading gives the same scores and bytes.
  const fs::path a = *dir_ / "nb-a.model", c = *dir_ / "nb-b.model";
  ASSERT_TRUE(bundle->Save(a).ok());
  auto loaded = ModelBundle::Load(a);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  auto before_run = ScoreStore(*store_, *bundle, {});
  auto after_run = ScoreStore(*store_, *loaded, {});
  ASSERT_TRUE(before_run.ok() && after_run.ok()) << before_run.status().ToString();
  EXPECT_EQ(before_run->score, after_run->score);
  EXPECT_EQ(before_run->reasons, after_run->reasons);
  ASSERT_TRUE(loaded->Save(c).ok());
  EXPECT_EQ(*ReadFileToString(a), *ReadFileToString(c));
}

TEST_F(ModelTest, NeighboursInTheBaselineOrAloneAreClearErrors) {
  TrainOptions o = FastOptions();
  o.baseline_groups = {FeatureGroup::kRaw, FeatureGroup::kNeighbours};
  auto bad = Train(*store_, *labels_, TemporalSplit{}, o);
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("baseline"), std::string::npos);
  o = FastOptions();
  o.groups = {FeatureGroup::kNeighbours};
  EXPECT_EQ(Train(*store_, *labels_, TemporalSplit{}, o).status().code(),
            StatusCode::kInvalidArgument);
  o = FastOptions();
  o.params.negative_rate = 0;
  EXPECT_EQ(Train(*store_, *labels_, TemporalSplit{}, o).status().code(),
            StatusCode::kInvalidArgument);
}

// Pseudo-random scores in [0, 1) for every transaction.
std::vector<float> RandomScores(size_t n, uint64_t seed) {
  std::vector<float> scores(n);
  uint64_t z = seed;
  for (float& v : scores) {
    z = z * 6364136223846793005ull + 1442695040888963407ull;
    v = static_cast<float>(z >> 40) / static_cast<float>(1 << 24);
  }
  return scores;
}

// The taint group against a brute-force oracle that replays, for each checked transaction and
// end, only that account's payments strictly before it; and the values of a row do not change
// when the scores of every later transaction do (causality).
TEST_F(ModelTest, TaintFeaturesEqualAReplayOfEarlierPaymentsAndIgnoreLaterOnes) {
  const store::Store& s = *store_;
  const size_t n = s.transaction_count();
  auto before = [&](TransactionId p, TransactionId t) {
    return s.time()[p] < s.time()[t] || (s.time()[p] == s.time()[t] && p < t);
  };
  for (uint64_t seed : {1u, 2u}) {
    const std::vector<float> scores = RandomScores(n, seed);
    std::vector<float> got;
    model_internal::ComputeTaintFeatures(s, scores, got);
    ASSERT_EQ(got.size(), n * 6);
    size_t checked = 0, tainted = 0;
    for (TransactionId t = 0; t < n; t += 11) {  // the oracle is quadratic
      std::vector<TransactionId> earlier;
      for (TransactionId p = 0; p < n; ++p) {
        if (before(p, t)) earlier.push_back(p);
      }
      std::sort(earlier.begin(), earlier.end(), [&](TransactionId a, TransactionId b) {
        return before(a, b);
      });
      double total[2] = {0, 0}, part[2] = {0, 0};
      const AccountId ends[2] = {s.source()[t], s.destination()[t]};
      for (int e = 0; e < 2; ++e) {
        for (TransactionId p : earlier) {
          if (s.source()[p] == ends[e]) {
            const double x = ToDouble(s.amount_paid(p));
            part[e] = x >= total[e] ? 0 : part[e] * (total[e] - x) / total[e];
            total[e] = x >= total[e] ? 0 : total[e] - x;
          }
          if (s.destination()[p] == ends[e]) {
            total[e] += ToDouble(s.amount_received(p));
            part[e] = std::min(total[e], part[e] + scores[p] * ToDouble(s.amount_received(p)));
          }
        }
      }
      const float* x = &got[t * 6];
      const std::string where = "seed " + std::to_string(seed) + " tx " + std::to_string(t);
      EXPECT_EQ(x[0], scores[t]) << where;
      EXPECT_NEAR(x[1], part[0], 1e-4 * (1 + part[0])) << where;
      EXPECT_NEAR(x[4], part[1], 1e-4 * (1 + part[1])) << where;
      for (int e = 0; e < 2; ++e) {
        const float share = x[e == 0 ? 2 : 5];
        if (total[e] > 0) {
          EXPECT_NEAR(share, part[e] / total[e], 1e-4) << where << " end " << e;
        } else {
          EXPECT_TRUE(std::isnan(share)) << where << " end " << e;
        }
      }
      if (part[0] > 0) {
        ++tainted;
        EXPECT_NEAR(x[3], ToDouble(s.amount_paid(t)) / part[0],
                    1e-4 * (1 + ToDouble(s.amount_paid(t)) / part[0])) << where;
      } else {
        EXPECT_TRUE(std::isnan(x[3])) << where;
      }
      ++checked;
    }
    EXPECT_GT(tainted, checked / 4) << "too few senders with a tainted balance to test";
    // Causality: rescore every transaction after a cut time; rows before it keep their values.
    const Timestamp cut = s.time()[n / 2];
    std::vector<float> changed = scores;
    const std::vector<float> other = RandomScores(n, seed + 100);
    for (TransactionId t = 0; t < n; ++t) {
      if (s.time()[t] > cut) changed[t] = other[t];
    }
    std::vector<float> again;
    model_internal::ComputeTaintFeatures(s, changed, again);
    for (TransactionId t = 0; t < n; ++t) {
      if (s.time()[t] > cut) continue;
      for (int k = 0; k < 6; ++k) {
        const float a = got[t * 6 + k], b = again[t * 6 + k];
        EXPECT_TRUE(a == b || (std::isnan(a) && std::isnan(b))) << "tx " << t << " col " << k;
      }
    }
  }
}

TEST_F(ModelTest, TaintModelRoundTripsWithItsFirstStage) {
  TrainOptions o = FastOptions();
  o.groups = {FeatureGroup::kRaw, FeatureGroup::kAccounts, FeatureGroup::kNeighbours,
              FeatureGroup::kTaint};
  o.first_stage_negative_rate = 0.5;
  auto bundle = Train(*store_, *labels_, TemporalSplit{}, o);
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  ASSERT_EQ(bundle->first_stage().size(), 2u);
  EXPECT_EQ(bundle->main().features().back(), "tn_dst_share");
  const fs::path a = *dir_ / "tn-a.model";
  ASSERT_TRUE(bundle->Save(a).ok());
  auto loaded = ModelBundle::Load(a);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  auto before_run = ScoreStore(*store_, *bundle, {});
  auto after_run = ScoreStore(*store_, *loaded, {});
  ASSERT_TRUE(before_run.ok() && after_run.ok()) << before_run.status().ToString();
  EXPECT_EQ(before_run->score, after_run->score);
  o.baseline_groups = {FeatureGroup::kRaw, FeatureGroup::kTaint};
  EXPECT_EQ(Train(*store_, *labels_, TemporalSplit{}, o).status().code(),
            StatusCode::kInvalidArgument);
}

// The pattern columns are computed in blocks of rows through one reused table: any block size
// gives the values of one block over all rows, bit for bit (NaN where NaN).
TEST_F(ModelTest, PatternFeaturesDoNotDependOnTheBlockSize) {
  const std::vector<FeatureGroup> groups = {FeatureGroup::kRaw, FeatureGroup::kPatterns};
  const size_t n = store_->transaction_count();
  ASSERT_GT(n, 1000u) << "too few rows for several blocks";
  auto whole = BuildFeatures(*store_, {.groups = groups, .threads = 2,
                                       .pattern_block_rows = store_->transaction_count()});
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  size_t set = 0;
  for (const float v : whole->values) set += !std::isnan(v) && v != 0;
  ASSERT_GT(set, whole->values.size() / 10) << "too few pattern values to compare";
  for (const size_t block : {n / 7, n / 3 + 1, n - 1}) {
    auto blocked = BuildFeatures(*store_, {.groups = groups, .threads = 2,
                                           .pattern_block_rows = block});
    ASSERT_TRUE(blocked.ok()) << blocked.status().ToString();
    ASSERT_EQ(blocked->names, whole->names);
    ASSERT_EQ(blocked->values.size(), whole->values.size());
    EXPECT_EQ(std::memcmp(blocked->values.data(), whole->values.data(),
                          whole->values.size() * sizeof(float)), 0) << "block " << block;
  }
}

// --exclude-features: the main model trains without the named columns, the file keeps the list
// and scoring leaves them out too; a name outside the groups is a clear error.
TEST_F(ModelTest, ExcludedFeaturesAreLeftOutKeptAndScoredWithout) {
  TrainOptions o = FastOptions();
  o.groups = {FeatureGroup::kRaw, FeatureGroup::kAccounts, FeatureGroup::kNeighbours,
              FeatureGroup::kTaint};
  o.first_stage_negative_rate = 0.5;
  o.exclude_features = {"tn_self", "raw_hour"};
  auto bundle = Train(*store_, *labels_, TemporalSplit{}, o);
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  EXPECT_EQ(bundle->excluded_features(), o.exclude_features);
  std::vector<std::string> expected = FeatureNames(o.groups);
  std::erase(expected, "tn_self");
  std::erase(expected, "raw_hour");
  EXPECT_EQ(bundle->main().features(), expected);
  for (const Model& m : bundle->first_stage()) {
    EXPECT_EQ(std::count(m.features().begin(), m.features().end(), "raw_hour"), 0) << m.role();
    EXPECT_FALSE(m.features().empty());
  }
  // The baseline keeps its own groups' columns.
  EXPECT_EQ(bundle->baseline().features(), FeatureNames(o.baseline_groups));
  const fs::path a = *dir_ / "ex-a.model", plain = *dir_ / "ex-plain.model";
  ASSERT_TRUE(bundle->Save(a).ok());
  auto loaded = ModelBundle::Load(a);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->excluded_features(), o.exclude_features);
  auto before_run = ScoreStore(*store_, *bundle, {});
  auto after_run = ScoreStore(*store_, *loaded, {});
  ASSERT_TRUE(before_run.ok() && after_run.ok()) << before_run.status().ToString();
  EXPECT_EQ(before_run->score, after_run->score);
  // Without the option the file has no such key (files of earlier versions stay the same).
  ASSERT_TRUE(bundle_->Save(plain).ok());
  EXPECT_EQ(ReadFileToString(plain)->find("excluded_features"), std::string::npos);
  EXPECT_NE(ReadFileToString(a)->find("excluded_features"), std::string::npos);
  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{"tn_selff"}, std::vector<std::string>{"pat_fan_in"}}) {
    TrainOptions b = o;
    b.exclude_features = bad;
    const Status st = Train(*store_, *labels_, TemporalSplit{}, b).status();
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << bad[0];
    EXPECT_NE(st.message().find(bad[0]), std::string::npos) << st.message();
  }
  TrainOptions none = FastOptions();
  none.groups = {FeatureGroup::kRaw};
  none.exclude_features = FeatureNames(none.groups);
  EXPECT_EQ(Train(*store_, *labels_, TemporalSplit{}, none).status().code(),
            StatusCode::kInvalidArgument);
}

// With several recency half-lives the kept main model is the one with the best validation
// PR-AUC among them, its half-life is in the file, and the baseline uses the same.
TEST_F(ModelTest, RecencyCandidatesKeepTheBestOnValidation) {
  double best = -1, best_half_life = -1;
  std::vector<std::string> boosters;
  for (double h : {0.0, 1.0, 3.0}) {
    TrainOptions o = FastOptions();
    o.params.recency_half_life_days = h;
    auto one = Train(*store_, *labels_, TemporalSplit{}, o);
    ASSERT_TRUE(one.ok()) << one.status().ToString();
    const fs::path file = *dir_ / "recency-one.model";
    ASSERT_TRUE(one->Save(file).ok());
    boosters.push_back(*ReadFileToString(file));
    if (one->main().validation().pr_auc > best) {
      best = one->main().validation().pr_auc;
      best_half_life = h;
    }
  }
  EXPECT_NE(boosters[0], boosters[1]) << "the weights changed nothing";
  TrainOptions o = FastOptions();
  o.recency_candidates = {0.0, 1.0, 3.0};
  auto bundle = Train(*store_, *labels_, TemporalSplit{}, o);
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  EXPECT_EQ(bundle->main().params().recency_half_life_days, best_half_life);
  EXPECT_EQ(bundle->baseline().params().recency_half_life_days, best_half_life);
  EXPECT_EQ(bundle->main().validation().pr_auc, best);
  const fs::path a = *dir_ / "recency.model";
  ASSERT_TRUE(bundle->Save(a).ok());
  auto loaded = ModelBundle::Load(a);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->main().params().recency_half_life_days, best_half_life);
  o.recency_candidates = {-1.0};
  EXPECT_EQ(Train(*store_, *labels_, TemporalSplit{}, o).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace moneytrail::model
