// End to end on a world not made by `moneytrail generate`: tests/data/indep-tiny, written once by
// bench/indep/make_world.py (--seed 101 --people 120 --days 28 --per-kind 1 --cash-businesses 4:
// one scheme of each of its five kinds, four busy cash businesses as controls). Every planted controller must be in the top 10 of
// `moneytrail investigate`, no control in the top 5, and the fee collector's payers are listed
// as its related parties, not ranked (docs/investigate.md, Ranking); the summary's top ten show
// ten distinct model probabilities (docs/investigate.md, "The displayed score").
#include <gtest/gtest.h>

#include <map>
#include <regex>
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

// The "model p" column of the console summary's top subjects (docs/investigate.md): the fields
// after the fixed-width holder column are tier, rulep, high, flowp, ptnp, ctr, then the
// probability (with " (= #R)" when it equals an earlier one's).
std::vector<std::string> ShownModelProbabilities(const std::string& out) {
  std::vector<std::string> shown;
  std::istringstream in(out);
  std::string line;
  bool table = false;
  while (std::getline(in, line)) {
    if (line.find("rank  subject") != std::string::npos) {
      EXPECT_NE(line.find("model p"), std::string::npos) << line;
      table = true;
      continue;
    }
    if (!table) continue;
    if (line.empty()) break;
    std::istringstream fields(line.size() > 56 ? line.substr(56) : std::string());
    std::vector<std::string> f;
    for (std::string w; fields >> w;) f.push_back(w);
    if (f.size() < 7) {
      ADD_FAILURE() << "short row: " << line;
      continue;
    }
    std::string v = f[6];
    if (f.size() > 8 && f[7] == "(=") v += " " + f[7] + " " + f[8];
    shown.push_back(v);
  }
  return shown;
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
  // The summary's top ten show ten distinct model probabilities, each as docs/investigate.md
  // ("The displayed score") defines it: four to six decimals, "(= #R)" after an equal value.
  const std::vector<std::string> shown = ShownModelProbabilities(r.out);
  ASSERT_EQ(shown.size(), 10u) << r.out;
  const std::regex form(R"(0\.[0-9]{4,6}( \(= #[0-9]+\))?|1\.[0]{4,6})");
  for (const std::string& v : shown) EXPECT_TRUE(std::regex_match(v, form)) << v;
  EXPECT_EQ(std::set<std::string>(shown.begin(), shown.end()).size(), shown.size()) << r.out;
}

}  // namespace
}  // namespace moneytrail
