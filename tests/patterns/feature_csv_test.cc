// features.csv (WriteFeatureCsv) against a row-by-row reference of its documented format: the
// header, rows in ascending tx_id order, integral values as integers, others in fmt's shortest
// round-trip form, NaN empty; the same bytes for any number of threads and for a table written
// in appended parts; write errors name the file.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <tbb/task_arena.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>

#include "moneytrail/patterns.h"

namespace moneytrail::patterns {
namespace {

FeatureTable RandomTable(uint64_t seed, size_t rows) {
  std::mt19937_64 rng(seed);
  FeatureTable t;
  t.columns = {"a", "b_2", "c", "d"};
  t.tx_ids.resize(rows);
  for (size_t r = 0; r < rows; ++r) t.tx_ids[r] = static_cast<TransactionId>(3 * r + rng() % 3);
  std::shuffle(t.tx_ids.begin(), t.tx_ids.end(), rng);
  for (size_t k = 0; k < rows * t.columns.size(); ++k) {
    switch (rng() % 7) {
      case 0: t.values.push_back(std::numeric_limits<double>::quiet_NaN()); break;
      case 1: t.values.push_back(0.0); break;
      case 2: t.values.push_back(-0.0); break;
      case 3: t.values.push_back(static_cast<double>(static_cast<int64_t>(rng() % 2000001) - 1000000)); break;
      case 4: t.values.push_back(std::ldexp(static_cast<double>(rng() % 1000 + 1), 53 + static_cast<int>(rng() % 20))); break;
      default: t.values.push_back(static_cast<double>(static_cast<int64_t>(rng() % 2000001) - 1000000) / 977.0); break;
    }
  }
  return t;
}

std::string Reference(const FeatureTable& t, bool header) {
  std::string out;
  if (header) {
    out = "tx_id";
    for (const std::string& c : t.columns) out += "," + c;
    out += "\n";
  }
  std::vector<size_t> order(t.rows());
  for (size_t r = 0; r < order.size(); ++r) order[r] = r;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return t.tx_ids[a] < t.tx_ids[b]; });
  for (size_t r : order) {
    out += std::to_string(t.tx_ids[r]);
    for (double v : t.row(r)) {
      out += ",";
      if (std::isnan(v)) continue;
      if (v == std::floor(v) && std::fabs(v) < 9e15) {
        out += fmt::format("{}", static_cast<int64_t>(v));
      } else {
        out += fmt::format("{}", v);
      }
    }
    out += "\n";
  }
  return out;
}

std::string Read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::filesystem::path TempFile(const std::string& name) {
  return std::filesystem::temp_directory_path() /
         ("feature_csv_test_" + std::to_string(::getpid()) + "_" + name);
}

TEST(FeatureCsvTest, RowsFollowTheDocumentedFormatWhateverTheThreads) {
  for (uint64_t seed : {1, 2, 3}) {
    const FeatureTable t = RandomTable(seed, seed == 1 ? 0 : 20000 + 777 * seed);
    const std::string want = Reference(t, true);
    for (int threads : {1, 2, 4}) {
      const auto path = TempFile("t.csv");
      Status status = Status::Ok();
      tbb::task_arena(threads).execute([&] { status = WriteFeatureCsv(t, path, false); });
      ASSERT_TRUE(status.ok()) << status.ToString();
      ASSERT_EQ(Read(path), want) << "seed " << seed << ", " << threads << " threads";
      std::filesystem::remove(path);
    }
  }
}

TEST(FeatureCsvTest, AppendedPartsMakeTheWholeFile) {
  FeatureTable t = RandomTable(9, 30000);
  std::vector<size_t> order(t.rows());
  for (size_t r = 0; r < order.size(); ++r) order[r] = r;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return t.tx_ids[a] < t.tx_ids[b]; });
  const auto path = TempFile("parts.csv");
  for (size_t part = 0; part < 3; ++part) {
    FeatureTable p;
    p.columns = t.columns;
    for (size_t k = part * 10000; k < (part + 1) * 10000; ++k) {
      p.tx_ids.push_back(t.tx_ids[order[k]]);
      const auto row = t.row(order[k]);
      p.values.insert(p.values.end(), row.begin(), row.end());
    }
    ASSERT_TRUE(WriteFeatureCsv(p, path, /*append=*/part > 0).ok());
  }
  EXPECT_EQ(Read(path), Reference(t, true));
  std::filesystem::remove(path);
}

TEST(FeatureCsvTest, WriteErrorsNameTheFile) {
  const FeatureTable t = RandomTable(4, 50000);
  const Status missing = WriteFeatureCsv(t, "/nonexistent-dir/f.csv", false);
  EXPECT_FALSE(missing.ok());
  EXPECT_NE(missing.ToString().find("/nonexistent-dir/f.csv"), std::string::npos)
      << missing.ToString();
  if (std::filesystem::exists("/dev/full")) {
    const Status full = WriteFeatureCsv(t, "/dev/full", false);
    EXPECT_FALSE(full.ok());
    EXPECT_NE(full.ToString().find("cannot write /dev/full"), std::string::npos)
        << full.ToString();
  }
}

}  // namespace
}  // namespace moneytrail::patterns
