// CheckReport's JSON (read back by nlohmann and by CheckReportFromJson) and text forms.
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "moneytrail/statement_checks.h"
#include "moneytrail/time_format.h"
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

// The report as an nlohmann document dumped with indent 1: how ToJson wrote it before session 16
// (bench/RESULTS-statements.md), the oracle for the text ToJson now writes directly.
std::string DomJson(const CheckReport& r) {
  auto ref = [](const LineRef& x) {
    return json{{"index", x.index}, {"file", x.file}, {"line", x.line}};
  };
  json j;
  j["version"] = 1;
  j["files"] = r.file_paths;
  j["lines"] = r.drop.size();
  j["balance_breaks"] = json::array();
  for (const BalanceBreak& b : r.balance_breaks) {
    json e{{"kind", b.kind == BalanceBreakKind::kRow ? "row" : "closing"}, {"file", b.file},
           {"account", b.account}, {"currency", b.currency},
           {"expected", FormatDecimal(b.expected)}, {"found", FormatDecimal(b.found)}};
    e["at"] = b.at ? ref(*b.at) : json(nullptr);
    j["balance_breaks"].push_back(std::move(e));
  }
  j["continuity_breaks"] = json::array();
  for (const ContinuityBreak& c : r.continuity_breaks) {
    j["continuity_breaks"].push_back(json{
        {"account", c.account}, {"currency", c.currency}, {"earlier_file", c.earlier_file},
        {"later_file", c.later_file},
        {"earlier_last_day", FormatIsoTime(c.earlier_last_day * 86400).substr(0, 10)},
        {"later_first_day", FormatIsoTime(c.later_first_day * 86400).substr(0, 10)},
        {"earlier_closing", FormatDecimal(c.earlier_closing)},
        {"later_opening", FormatDecimal(c.later_opening)}});
  }
  j["gaps"] = json::array();
  for (const CoverageGap& g : r.gaps) {
    j["gaps"].push_back(json{{"account", g.account}, {"currency", g.currency},
                             {"first_day", FormatIsoTime(g.first_day * 86400).substr(0, 10)},
                             {"last_day", FormatIsoTime(g.last_day * 86400).substr(0, 10)},
                             {"before_file", g.before_file}, {"after_file", g.after_file}});
  }
  j["duplicates"] = json::array();
  for (const Duplicate& d : r.duplicates) {
    j["duplicates"].push_back(json{{"earlier", ref(d.earlier)}, {"duplicate", ref(d.duplicate)}});
  }
  j["mirrors"] = json::array();
  for (const Mirror& m : r.mirrors) {
    j["mirrors"].push_back(json{{"debit", ref(m.debit)}, {"credit", ref(m.credit)},
                                {"why", MirrorLinkName(m.why)}, {"lag_days", m.lag_days}});
  }
  return j.dump(1, ' ', false, json::error_handler_t::replace);
}

// ToJson writes the text itself; it is byte for byte the document's dump, on the random
// statement sets (every kind of finding) and on strings that need escaping or are not UTF-8.
TEST(CheckReportTest, JsonTextIsTheDocumentsDumpByteForByte) {
  size_t findings = 0, mirrors = 0;
  for (uint64_t seed = 1; seed <= 400; ++seed) {
    testing::StatementSet set = testing::RandomStatementSet(seed);
    Result<CheckReport> r = CheckStatements(set.files, set.lines, CheckOptions{});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->ToJson(), DomJson(*r)) << "seed " << seed;
    findings += r->balance_breaks.size() + r->continuity_breaks.size() + r->gaps.size();
    mirrors += r->mirrors.size();
  }
  EXPECT_GT(findings, 100u);
  EXPECT_GT(mirrors, 10u);
  CheckReport odd;
  EXPECT_EQ(odd.ToJson(), DomJson(odd));  // every list empty
  odd.file_paths = {"a \"quoted\"\\path\n.csv", "M\xC9XICO.csv", "caf\xC3\xA9\t.csv"};
  odd.drop.assign(7, 0);
  odd.balance_breaks.push_back(BalanceBreak{.kind = BalanceBreakKind::kClosing, .file = 2,
                                            .account = "bank:\x01\xFF", .currency = "USD",
                                            .expected = Decimal{12345, 2}, .found = Decimal{-1, 0}});
  odd.gaps.push_back(CoverageGap{"b\"k:1", "MXN", -5, 70000, 1, 2});
  odd.continuity_breaks.push_back(
      ContinuityBreak{"x:\xE2\x82\xAC", "EUR", 0, 1, 20000, 20001, Decimal{5, 0}, Decimal{6, 3}});
  odd.duplicates.push_back(Duplicate{LineRef{UINT64_MAX, UINT32_MAX, 0}, LineRef{1, 0, 9}});
  odd.mirrors.push_back(Mirror{LineRef{1, 2, 3}, LineRef{4, 5, 6}, MirrorLink::kReference, -3});
  EXPECT_EQ(odd.ToJson(), DomJson(odd));
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
