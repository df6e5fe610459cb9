// CheckReport's JSON (read back by nlohmann and by CheckReportFromJson) and text forms.
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "moneytrail/statement_checks.h"
#include "statements/random_statements.h"

namespace moneytrail::statements {
namespace {

using nlohmann::json;

void ExpectRef(const json& j, const LineRef& r) {
  EXPECT_EQ(j.at("index").get<uint64_t>(), r.index);
  EXPECT_EQ(j.at("file").get<uint32_t>(), r.file);
  EXPECT_EQ(j.at("line").get<uint64_t>(), r.line);
}

std::string Decimal2(Decimal d) { return FormatDecimal(d); }

TEST(CheckReportTest, JsonHoldsEveryFindingAndReadsBackEqual) {
  int nonempty = 0;
  for (uint64_t seed = 1; seed <= 400; ++seed) {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    testing::StatementSet set = testing::RandomStatementSet(seed);
    Result<CheckReport> r = CheckStatements(set.files, set.lines, CheckOptions{});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    std::string text = r->ToJson();
    json j = json::parse(text);
    EXPECT_EQ(j.at("version").get<int>(), 1);
    EXPECT_EQ(j.at("files").get<std::vector<std::string>>(), r->file_paths);
    EXPECT_EQ(j.at("lines").get<uint64_t>(), set.lines.size());
    ASSERT_EQ(j.at("balance_breaks").size(), r->balance_breaks.size());
    for (size_t k = 0; k < r->balance_breaks.size(); ++k) {
      const BalanceBreak& b = r->balance_breaks[k];
      const json& e = j["balance_breaks"][k];
      EXPECT_EQ(e.at("kind"), b.kind == BalanceBreakKind::kRow ? "row" : "closing");
      EXPECT_EQ(e.at("expected"), Decimal2(b.expected));
      EXPECT_EQ(e.at("found"), Decimal2(b.found));
      EXPECT_EQ(e.at("account"), b.account);
      if (b.at) ExpectRef(e.at("at"), *b.at);
      else EXPECT_TRUE(e.at("at").is_null());
    }
    ASSERT_EQ(j.at("gaps").size(), r->gaps.size());
    ASSERT_EQ(j.at("continuity_breaks").size(), r->continuity_breaks.size());
    ASSERT_EQ(j.at("duplicates").size(), r->duplicates.size());
    for (size_t k = 0; k < r->duplicates.size(); ++k) {
      ExpectRef(j["duplicates"][k].at("earlier"), r->duplicates[k].earlier);
      ExpectRef(j["duplicates"][k].at("duplicate"), r->duplicates[k].duplicate);
    }
    ASSERT_EQ(j.at("mirrors").size(), r->mirrors.size());
    for (size_t k = 0; k < r->mirrors.size(); ++k) {
      ExpectRef(j["mirrors"][k].at("debit"), r->mirrors[k].debit);
      ExpectRef(j["mirrors"][k].at("credit"), r->mirrors[k].credit);
      EXPECT_EQ(j["mirrors"][k].at("why"), MirrorLinkName(r->mirrors[k].why));
      EXPECT_EQ(j["mirrors"][k].at("lag_days"), r->mirrors[k].lag_days);
    }
    Result<CheckReport> back = CheckReportFromJson(text);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, *r);
    EXPECT_EQ(back->ToJson(), text);  // also exact scales and days
    nonempty += !r->gaps.empty() && !r->continuity_breaks.empty() && !r->duplicates.empty();
  }
  EXPECT_GT(nonempty, 5);
}

TEST(CheckReportTest, DaysAreWrittenAsCalendarDates) {
  CheckReport r;
  r.file_paths = {"a.csv", "b.csv"};
  r.gaps.push_back(CoverageGap{"bankA:1", "USD", 20179, 20208, 0, 1});  // 2025-04-01..04-30
  json j = json::parse(r.ToJson());
  EXPECT_EQ(j["gaps"][0]["first_day"], "2025-04-01");
  EXPECT_EQ(j["gaps"][0]["last_day"], "2025-04-30");
  EXPECT_EQ(r.ToText(),
            "bankA:1 USD: no statement for 2025-04-01 to 2025-04-30 (between a.csv and b.csv)\n"
            "statement checks: 0 balance break(s), 0 continuity break(s), 1 gap(s), 0 duplicate "
            "row(s), 0 mirror transfer(s); 0 of 0 rows are kept as transactions\n");
}

TEST(CheckReportTest, MalformedJsonIsAnErrorNamingWhatIsWrong) {
  EXPECT_FALSE(CheckReportFromJson("{").ok());
  EXPECT_FALSE(CheckReportFromJson("[]").ok());
  CheckReport r;
  r.drop = {0, 0};
  r.carried_by = {0, 1};
  json j = json::parse(r.ToJson());
  j["mirrors"].push_back(json{{"debit", {{"index", 0}, {"file", 0}, {"line", 1}}},
                              {"credit", {{"index", 5}, {"file", 0}, {"line", 2}}},
                              {"why", "reference"}, {"lag_days", 0}});
  Result<CheckReport> bad = CheckReportFromJson(j.dump());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().ToString().find("line index"), std::string::npos);
  j["mirrors"][0]["credit"]["index"] = 1;
  j["mirrors"][0]["why"] = "telepathy";
  EXPECT_NE(CheckReportFromJson(j.dump()).status().ToString().find("telepathy"), std::string::npos);
  j["mirrors"] = json::array();
  j["gaps"].push_back(json{{"account", "a"}, {"currency", "USD"}, {"first_day", "2025-13-01"},
                           {"last_day", "2025-04-30"}, {"before_file", 0}, {"after_file", 0}});
  EXPECT_NE(CheckReportFromJson(j.dump()).status().ToString().find("first_day"), std::string::npos);
}

}  // namespace
}  // namespace moneytrail::statements
