// The generated world the model tests train on (the tiny preset, seed 3, ingested from its
// native CSV, with the store's labels), and their training options.
#ifndef MONEYTRAIL_TESTS_MODEL_TINY_WORLD_H_
#define MONEYTRAIL_TESTS_MODEL_TINY_WORLD_H_

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "moneytrail/generate.h"
#include "moneytrail/ingest.h"
#include "moneytrail/model.h"
#include "moneytrail/store.h"

namespace moneytrail::model {

// A test suite over its own copy of the world, in a temporary directory named `prefix` + pid
// that the suite's tests may also write to (dir_). Each Suite (CRTP) has its own members.
template <typename Suite>
class TinyWorldTest : public ::testing::Test {
 protected:
  // For the suite's SetUpTestSuite. A failure is a fatal test failure.
  static void SetUpWorld(const std::string& prefix) {
    dir_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                     (prefix + std::to_string(::getpid())));
    std::filesystem::remove_all(*dir_);
    auto opts = generate::PresetOptions("tiny");
    ASSERT_TRUE(opts.ok());
    opts->out_dir = (*dir_ / "world").string();
    opts->seed = 3;
    opts->threads = 2;
    ASSERT_TRUE(generate::Generate(*opts).ok());
    IngestOptions ingest;
    ingest.format = "native";
    ingest.threads = 2;
    auto report = Ingest(*dir_ / "store", {*dir_ / "world" / "transactions.csv"}, ingest);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    auto s = store::Store::Open(*dir_ / "store");
    ASSERT_TRUE(s.ok());
    store_ = new store::Store(std::move(*s));
    auto l = LoadLabels(*store_, "from-store");
    ASSERT_TRUE(l.ok()) << l.status().ToString();
    labels_ = new std::vector<int8_t>(std::move(*l));
  }
  static void TearDownTestSuite() {
    delete labels_;
    delete store_;
    if (dir_ != nullptr) std::filesystem::remove_all(*dir_);
    delete dir_;
    labels_ = nullptr;
    store_ = nullptr;
    dir_ = nullptr;
  }

  static inline std::filesystem::path* dir_ = nullptr;
  static inline store::Store* store_ = nullptr;
  static inline std::vector<int8_t>* labels_ = nullptr;
};

// Training options small enough for a unit test: 30 rounds at most, 2 threads.
inline TrainOptions FastOptions() {
  TrainOptions o;
  o.params.max_rounds = 30;
  o.params.early_stopping_rounds = 10;
  o.params.threads = 2;
  return o;
}

}  // namespace moneytrail::model

#endif  // MONEYTRAIL_TESTS_MODEL_TINY_WORLD_H_
