// End to end on a world not made by `moneytrail generate`: tests/data/indep-tiny, written once by
// bench/indep/make_world.py (--seed 101 --people 120 --days 28 --per-kind 1 --cash-businesses 4:
// one scheme of each of its five kinds, four busy cash businesses as controls). Every planted controller must be in the top 10 of
// `moneytrail investigate`, no control in the top 5, and the fee collector's payers are listed
// as its related parties, not ranked (docs/investigate.md, Ranking).
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/run_binary.h"

namespace moneytrail {
namespace {

namespace fs = std::filesystem;
using test_util::ReadWholeFile;
using test_util::RunMoneytrail;
using test_util::TempDir;

const fs::path kWorld = fs::path(MONEYTRAIL_SOURCE_DIR) / "tests" / "data" / "indep-tiny";

// subjects.csv rows as (subject, related_parties); quoted fields hold no comma here except in
// the last column (reasons), which is not read.
std::vector<std::pair<std::string, std::string>> Subjects(const std::string& csv) {
  std::vector<std::pair<std::string, std::string>> out;
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  EXPECT_NE(line.find(",tier,rule_points,high_rules,flow_points,pattern_points,report_points,"
                      "model_probability,"),
            std::string::npos)
      << line;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    size_t start = 0;
    for (int k = 0; k < 18; ++k) {
      size_t comma = line.find(',', start);
      f.push_back(line.substr(start, comma - start));
      start = comma + 1;
    }
    out.emplace_back(f[1], f[17]);
  }
  return out;
}

TEST(InvestigateIndependentWorldTest, PlantedControllersAreInTheTopTenAndControlsAreNotInTheTopFive) {
  TempDir dir;
  test_util::RunResult r = RunMoneytrail(
      {"investigate", "--store", (dir.path() / "store").string(), (kWorld / "transactions.csv").string(),
       "--format", "native", "--parties", kWorld.string(), "--out", (dir.path() / "case").string(),
       "--top", "10", "--no-pdf", "--threads", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::vector<std::pair<std::string, std::string>> subjects =
      Subjects(ReadWholeFile(dir.path() / "case" / "subjects.csv"));
  ASSERT_GE(subjects.size(), 10u);
  nlohmann::json truth = nlohmann::json::parse(ReadWholeFile(kWorld / "truth.json"));
  ASSERT_EQ(truth["schemes"].size(), 5u);
  std::map<std::string, size_t> rank;
  for (size_t i = 0; i < subjects.size(); ++i) rank[subjects[i].first] = i + 1;
  for (const auto& s : truth["schemes"]) {
    const std::string c = s["controller"].get<std::string>();
    ASSERT_TRUE(rank.count(c)) << s["kind"] << " controller " << c << " not ranked";
    EXPECT_LE(rank[c], 10u) << s["kind"] << " controller " << c;
    if (s["kind"] == "fee_collector") {
      // Its payers are related parties listed with it, not subjects.
      const std::string& related = subjects[rank[c] - 1].second;
      EXPECT_FALSE(related.empty()) << c;
      std::istringstream in(related);
      for (std::string payer; in >> payer;) EXPECT_FALSE(rank.count(payer)) << payer;
    }
  }
  for (const auto& c : truth["controls"]) {
    const std::string a = c["account"].get<std::string>();
    if (rank.count(a)) {
      EXPECT_GT(rank[a], 5u) << c["kind"] << " " << a;
    }
  }
}

}  // namespace
}  // namespace moneytrail
