// End to end on a world not made by `moneytrail generate`: tests/data/indep-tiny, written once by
// bench/indep/make_world.py (--seed 101 --people 120 --days 28 --per-kind 1 --cash-businesses 4:
// one scheme of each of its five kinds, four busy cash businesses as controls). Every planted controller must be in the top 10 of
// `moneytrail investigate`, no control in the top 5, and the fee collector's payers are listed
// as its related parties, not ranked (docs/investigate.md, Ranking). The bundled model does not
// apply to such a world (its shift_limit, docs/model.md, "Where channels or hours are unknown"):
// the summary says so and shows no probability; with that limit removed from a copy of the file
// the model applies and the summary's top ten show ten distinct model probabilities
// (docs/investigate.md, "The displayed score").
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

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

// Runs investigate on the world with `extra` options; checks the planted controllers (top 10), the
// fee collector's payers (related parties) and the controls (not in the top 5); returns the
// console output.
std::string InvestigateAndCheckRanking(const fs::path& dir, const std::vector<std::string>& extra) {
  std::vector<std::string> args{
      "investigate", "--store", (dir / "store").string(), (kWorld / "transactions.csv").string(),
      "--format", "native", "--parties", kWorld.string(), "--out", (dir / "case").string(),
      "--top", "10", "--no-pdf", "--threads", "2"};
  args.insert(args.end(), extra.begin(), extra.end());
  test_util::RunResult r = RunMoneytrail(args);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  std::vector<std::pair<std::string, std::string>> subjects =
      Subjects(ReadWholeFile(dir / "case" / "subjects.csv"));
  EXPECT_GE(subjects.size(), 10u);
  nlohmann::json truth = nlohmann::json::parse(ReadWholeFile(kWorld / "truth.json"));
  EXPECT_EQ(truth["schemes"].size(), 5u);
  std::map<std::string, size_t> rank;
  for (size_t i = 0; i < subjects.size(); ++i) rank[subjects[i].first] = i + 1;
  for (const auto& s : truth["schemes"]) {
    const std::string c = s["controller"].get<std::string>();
    if (!rank.count(c)) {
      ADD_FAILURE() << s["kind"] << " controller " << c << " not ranked";
      continue;
    }
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
  return r.out;
}

TEST(InvestigateIndependentWorldTest, PlantedControllersAreInTheTopTenAndControlsAreNotInTheTopFive) {
  TempDir dir;
  const std::string out = InvestigateAndCheckRanking(dir.path(), {});
  // The bundled model steps aside on a world this far from its training data, and says why.
  EXPECT_NE(out.find("The model does not apply to this input, so the ranking uses rules and "
                     "patterns alone"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("this model applies only up to 25% shifted"), std::string::npos) << out;
  const std::vector<std::string> shown = ShownModelProbabilities(out);
  ASSERT_EQ(shown.size(), 10u) << out;
  for (const std::string& v : shown) EXPECT_EQ(v, "-") << out;
}

// The same world scored by a copy of the bundled model without its shift limits (the default
// limit then lets it apply): the summary's top ten show ten distinct model probabilities, each
// as docs/investigate.md ("The displayed score") defines it: four to six decimals, "(= #R)"
// after an equal value.
TEST(InvestigateIndependentWorldTest, AnAppliedModelShowsTenDistinctProbabilities) {
  TempDir dir;
  std::istringstream file(ReadWholeFile(fs::path(MONEYTRAIL_SOURCE_DIR) / "models" /
                                        "default.model"));
  std::string header, line;
  ASSERT_TRUE(std::getline(file, header) && std::getline(file, line));
  const std::string boosters((std::istreambuf_iterator<char>(file)),
                             std::istreambuf_iterator<char>());
  nlohmann::json meta = nlohmann::json::parse(line);
  size_t removed = 0;
  for (const char* list : {"models", "variants"}) {
    for (nlohmann::json& m : meta[list]) removed += m.erase("shift_limit");
  }
  ASSERT_EQ(removed, 4u) << "the bundled main model and its three variants carry shift_limit";
  const fs::path unlimited = dir.path() / "unlimited.model";
  {
    std::ofstream out(unlimited, std::ios::binary);
    out << header << '\n' << meta.dump() << '\n' << boosters;
  }
  const std::string out = InvestigateAndCheckRanking(dir.path(), {"--model", unlimited.string()});
  EXPECT_EQ(out.find("The model does not apply"), std::string::npos) << out;
  const std::vector<std::string> shown = ShownModelProbabilities(out);
  ASSERT_EQ(shown.size(), 10u) << out;
  const std::regex form(R"(0\.[0-9]{4,6}( \(= #[0-9]+\))?|1\.[0]{4,6})");
  for (const std::string& v : shown) EXPECT_TRUE(std::regex_match(v, form)) << v;
  EXPECT_EQ(std::set<std::string>(shown.begin(), shown.end()).size(), shown.size()) << out;
}

}  // namespace
}  // namespace moneytrail
