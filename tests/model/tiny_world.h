// The generated world the model tests train on: the tiny preset, seed 3, ingested from its
// native CSV into DIR/store, with the store's labels.
#ifndef MONEYTRAIL_TESTS_MODEL_TINY_WORLD_H_
#define MONEYTRAIL_TESTS_MODEL_TINY_WORLD_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <vector>

#include "moneytrail/generate.h"
#include "moneytrail/ingest.h"
#include "moneytrail/model.h"
#include "moneytrail/store.h"

namespace moneytrail::model {

// Makes the world under a fresh `dir` (removed first) and sets `store` and `labels` to new
// objects the caller deletes. A failure is a fatal test failure; the outputs stay null then.
inline void BuildTinyWorld(const std::filesystem::path& dir, store::Store*& store,
                           std::vector<int8_t>*& labels) {
  std::filesystem::remove_all(dir);
  auto opts = generate::PresetOptions("tiny");
  ASSERT_TRUE(opts.ok());
  opts->out_dir = (dir / "world").string();
  opts->seed = 3;
  opts->threads = 2;
  ASSERT_TRUE(generate::Generate(*opts).ok());
  IngestOptions ingest;
  ingest.format = "native";
  ingest.threads = 2;
  auto report = Ingest(dir / "store", {dir / "world" / "transactions.csv"}, ingest);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  auto s = store::Store::Open(dir / "store");
  ASSERT_TRUE(s.ok());
  store = new store::Store(std::move(*s));
  auto l = LoadLabels(*store, "from-store");
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  labels = new std::vector<int8_t>(std::move(*l));
}

}  // namespace moneytrail::model

#endif  // MONEYTRAIL_TESTS_MODEL_TINY_WORLD_H_
