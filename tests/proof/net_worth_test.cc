// The net worth method: a three-year worked example computed by hand along IRM 9.5.9.5's four
// steps (change in net worth; adjusted for living expenses, nondeductible losses and nontaxable
// items to corrected AGI; less deductions and exemptions to corrected taxable income; compared
// with taxable income reported), an oracle over random statements, the defence lines, the
// file reader's refusals and the CSV's formula neutralisation.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "moneytrail/net_worth.h"
#include "proof/net_worth_example.h"

namespace moneytrail::proof {
namespace {

class NetWorthTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("mt-networth-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path Write(const std::string& text) {
    std::ofstream(dir_ / "networth.csv") << text;
    return dir_ / "networth.csv";
  }
  std::filesystem::path dir_;
};

using test_data::kNetWorthWorkedExample;

TEST_F(NetWorthTest, WorkedExampleGivesTheHandComputedUnderstatementEachYear) {
  Result<NetWorthInput> in = ReadNetWorthFile(Write(kNetWorthWorkedExample));
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  EXPECT_EQ(in->scale, 2);
  Result<NetWorthStatement> st = ComputeNetWorth(*in);
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  ASSERT_EQ(st->years.size(), 3u);
  const NetWorthYear& y22 = st->years[0];
  EXPECT_EQ(y22.year, 2022);
  EXPECT_EQ(y22.net_worth, 4050000);
  EXPECT_FALSE(y22.increase.has_value());
  EXPECT_TRUE(y22.defence.empty());
  const NetWorthYear& y23 = st->years[1];
  EXPECT_EQ(y23.total_assets, 23725050);
  EXPECT_EQ(y23.total_liabilities, 16600000);
  EXPECT_EQ(y23.net_worth, 7125050);
  EXPECT_EQ(*y23.increase, 3075050);
  EXPECT_EQ(*y23.corrected_agi, 6295050);
  EXPECT_EQ(*y23.corrected_taxable_income, 4910050);
  EXPECT_EQ(*y23.understatement, 3110050);
  const NetWorthYear& y24 = st->years[2];
  EXPECT_EQ(y24.total_assets, 27950025);
  EXPECT_EQ(y24.total_liabilities, 15400000);
  EXPECT_EQ(*y24.increase, 5424975);
  EXPECT_EQ(*y24.corrected_agi, 8264975);
  EXPECT_EQ(*y24.corrected_taxable_income, 6804975);
  EXPECT_EQ(*y24.understatement, 4804975);
  // Each line cites the file: the gift line of 2023 is line 14 of the file.
  bool found = false;
  for (const WorthLine& l : y23.lines) {
    if (l.item.rfind("Less nontaxable", 0) == 0) {
      found = true;
      EXPECT_EQ(l.amount, 500000);
      EXPECT_EQ(l.lines, std::vector<uint64_t>{14});
    }
  }
  EXPECT_TRUE(found);
  std::string csv = NetWorthCsv(*st);
  EXPECT_NE(csv.find("2023,"), std::string::npos);
  EXPECT_NE(csv.find("31100.50"), std::string::npos);
  EXPECT_NE(csv.find("48049.75"), std::string::npos);
  std::string json = NetWorthJson(*st);
  EXPECT_NE(json.find("\"understatement\": \"48049.75\""), std::string::npos);
}

TEST_F(NetWorthTest, DefenceLinesSayWhatTheFileEstablishesAndWhatItDoesNot) {
  Result<NetWorthInput> in = ReadNetWorthFile(Write(
      "year,kind,description,amount\n"
      "2023,asset,Checking,100.00\n"
      "2024,asset,Checking,900.00\n"
      "2024,loan,Car loan,300.00\n"));
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  Result<NetWorthStatement> st = ComputeNetWorth(*in);
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  const NetWorthYear& y = st->years[1];
  EXPECT_EQ(*y.increase, 50000);
  EXPECT_FALSE(y.understatement.has_value());  // no reported income given
  ASSERT_EQ(y.defence.size(), 4u);
  EXPECT_EQ(y.defence[0].topic, "Cash on hand");
  EXPECT_NE(y.defence[0].finding.find("must be established"), std::string::npos);
  EXPECT_NE(y.defence[1].finding.find("must be investigated"), std::string::npos);
  EXPECT_NE(y.defence[2].finding.find("300.00 USD at the end of 2024"), std::string::npos);
  EXPECT_EQ(y.defence[2].lines, std::vector<uint64_t>{4});
}

// Oracle: understatement = NW(y) - NW(y-1) + living + losses - gifts - inheritances -
// nontaxable - deductions - reported, with NW = assets + cash - loans - liabilities, summed
// independently from the items, on random statements of 2..5 years.
TEST_F(NetWorthTest, MatchesTheFormulaOnRandomStatements) {
  for (uint32_t seed = 1; seed <= 200; ++seed) {
    std::mt19937 rng(seed);
    NetWorthInput in;
    in.scale = 2;
    const int years = 2 + static_cast<int>(rng() % 4);
    uint64_t line = 2;
    for (int y = 0; y < years; ++y) {
      const int count = 1 + static_cast<int>(rng() % 8);
      for (int k = 0; k < count; ++k) {
        WorthKind kind = static_cast<WorthKind>(rng() % (y == 0 ? 4 : 11));
        in.items.push_back({2020 + y, kind, "item", static_cast<int64_t>(rng() % 10000000), line++});
      }
    }
    std::map<int, std::map<WorthKind, int64_t>> sums;
    for (const WorthItem& i : in.items) sums[i.year][i.kind] += i.amount;
    Result<NetWorthStatement> st = ComputeNetWorth(in);
    ASSERT_TRUE(st.ok()) << "seed " << seed << ": " << st.status().ToString();
    auto worth = [&](int year) {
      auto& s = sums[year];
      return s[WorthKind::kCashOnHand] + s[WorthKind::kAsset] - s[WorthKind::kLoan] -
             s[WorthKind::kLiability];
    };
    ASSERT_EQ(static_cast<int>(st->years.size()), years) << "seed " << seed;
    for (int y = 1; y < years; ++y) {
      auto& s = sums[2020 + y];
      int64_t expected = worth(2020 + y) - worth(2019 + y) + s[WorthKind::kLivingExpense] +
                         s[WorthKind::kNondeductibleLoss] - s[WorthKind::kGift] -
                         s[WorthKind::kInheritance] - s[WorthKind::kNontaxable] -
                         s[WorthKind::kDeduction];
      const NetWorthYear& got = st->years[static_cast<size_t>(y)];
      EXPECT_EQ(*got.corrected_taxable_income, expected) << "seed " << seed << " year " << y;
      EXPECT_EQ(got.net_worth, worth(2020 + y)) << "seed " << seed;
      if (s.count(WorthKind::kReportedTaxableIncome)) {
        EXPECT_EQ(*got.understatement, expected - s[WorthKind::kReportedTaxableIncome])
            << "seed " << seed;
      } else {
        EXPECT_FALSE(got.understatement.has_value()) << "seed " << seed;
      }
    }
  }
}

TEST_F(NetWorthTest, RefusesBadFilesNamingLineFieldAndValue) {
  struct Case {
    const char* text;
    const char* expect;
  } cases[] = {
      {"year,kind,amount\n", "expected the header"},
      {"year,kind,description,amount\n2023,house,Home,1.00\n2024,asset,x,1\n", ":2: kind"},
      {"year,kind,description,amount\n2023,asset,Home,-1.00\n", "'-1.00': expected a positive"},
      {"year,kind,description,amount\n23,asset,Home,1.00\n", "year '23'"},
      {"year,kind,description,amount\n2023,asset,Home,1.2.3\n", "amount '1.2.3'"},
  };
  for (const Case& c : cases) {
    Result<NetWorthInput> in = ReadNetWorthFile(Write(c.text));
    ASSERT_FALSE(in.ok()) << c.text;
    EXPECT_NE(in.status().ToString().find(c.expect), std::string::npos) << in.status().ToString();
  }
  EXPECT_FALSE(ReadNetWorthFile(dir_ / "missing.csv").ok());
}

TEST_F(NetWorthTest, RefusesOneYearAGapAndFlowsInTheBaseYear) {
  auto compute = [&](const std::string& text) {
    Result<NetWorthInput> in = ReadNetWorthFile(Write("year,kind,description,amount\n" + text));
    EXPECT_TRUE(in.ok()) << in.status().ToString();
    return ComputeNetWorth(*in).status().ToString();
  };
  EXPECT_NE(compute("2023,asset,a,1\n").find("1 year(s) given"), std::string::npos);
  EXPECT_NE(compute("2021,asset,a,1\n2023,asset,a,2\n").find("no line for 2022"), std::string::npos);
  EXPECT_NE(compute("2022,asset,a,1\n2022,gift,g,1\n2023,asset,a,2\n").find(":3: kind 'gift' in the base year"),
            std::string::npos);
}

TEST_F(NetWorthTest, OverflowIsAnErrorNotAWrap) {
  NetWorthInput in;
  in.items = {{2022, WorthKind::kAsset, "a", INT64_MAX, 2},
              {2023, WorthKind::kAsset, "a", INT64_MAX, 3},
              {2023, WorthKind::kCashOnHand, "c", INT64_MAX, 4}};
  Result<NetWorthStatement> st = ComputeNetWorth(in);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.status().code(), StatusCode::kOutOfRange);
}

TEST_F(NetWorthTest, CsvNeutralisesFormulaLeadingDescriptions) {
  Result<NetWorthInput> in = ReadNetWorthFile(Write(
      "year,kind,description,amount\n"
      "2023,asset,\"=HYPERLINK(\"\"http://x\"\")\",1.00\n"
      "2024,asset,@SUM(A1),2.00\n"));
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  Result<NetWorthStatement> st = ComputeNetWorth(*in);
  ASSERT_TRUE(st.ok());
  std::string csv = NetWorthCsv(*st);
  EXPECT_EQ(csv.find(",Asset: =HYPERLINK"), std::string::npos);
  EXPECT_EQ(csv.find(",=HYPERLINK"), std::string::npos);
  EXPECT_NE(csv.find("Asset: @SUM(A1)"), std::string::npos);  // not leading: left as text
  EXPECT_EQ(csv.find(",-,"), std::string::npos);              // sign '-' neutralised
}

}  // namespace
}  // namespace moneytrail::proof
