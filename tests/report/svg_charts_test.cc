// The report's figures: pattern graphs (caps, layout choice, on many random instances),
// the timeline, and the embedding of Graphviz's SVG.
#include <random>
#include <set>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "report/report_test_util.h"
#include "report/svg_charts.h"

namespace moneytrail::report_internal {
namespace {

using report_test::CountOf;
using report_test::TagBalanceError;
using ::testing::HasSubstr;
using ::testing::Not;

report::TxView Edge(TransactionId id, std::string from, std::string to) {
  report::TxView tx;
  tx.id = id;
  tx.time = 1767225600 + 3600 * static_cast<Timestamp>(id);
  tx.from = std::move(from);
  tx.to = std::move(to);
  tx.channel = "wire";
  tx.amount = {Decimal{100 + id, 2}, "USD"};
  return tx;
}

TEST(PatternGraphTest, DrawsACycleOnACircleAndAFanInInLayers) {
  report::PatternView cycle;
  cycle.kind = "temporal_cycle";
  cycle.transactions = {Edge(0, "A", "B"), Edge(1, "B", "C"), Edge(2, "C", "A")};
  PatternGraph g = DrawPatternGraph(cycle, {"A"});
  EXPECT_FALSE(g.layered);
  EXPECT_EQ(CountOf(g.svg, "<g class=\"node\">"), 3u);
  EXPECT_EQ(CountOf(g.svg, "<g class=\"edge-label\">"), 3u);
  EXPECT_EQ(CountOf(g.svg, "fill=\"#1f3b57\""), 1u);  // the highlighted account only

  report::PatternView fan;
  fan.kind = "fan_in";
  for (TransactionId i = 0; i < 5; ++i) {
    fan.transactions.push_back(Edge(i, fmt::format("S{}", i), "T"));
  }
  g = DrawPatternGraph(fan, {"T"});
  EXPECT_TRUE(g.layered);
  EXPECT_EQ(g.hidden_accounts, 0u);
  EXPECT_EQ(g.hidden_transactions, 0u);
}

TEST(PatternGraphTest, CapsNodesKeepingTheSubjectAndCountsWhatIsLeftOut) {
  report::PatternView fan;
  fan.kind = "fan_out";
  for (TransactionId i = 0; i < 30; ++i) {
    fan.transactions.push_back(Edge(i, "HUB", fmt::format("R{:02d}", i)));
  }
  fan.transactions.push_back(Edge(30, "R29", "SUBJECT"));
  PatternGraph g = DrawPatternGraph(fan, {"SUBJECT"}, 12, 30);
  EXPECT_EQ(CountOf(g.svg, "<g class=\"node\">"), 12u);
  EXPECT_THAT(g.svg, HasSubstr("<title>SUBJECT</title>"));
  EXPECT_THAT(g.svg, HasSubstr("<title>HUB</title>"));
  EXPECT_EQ(g.hidden_accounts, 32u - 12u);
  EXPECT_EQ(g.shown_transactions.size() + g.hidden_transactions, fan.transactions.size());
}

TEST(PatternGraphTest, RandomInstancesAreWellFormedAndAccountForEveryTransaction) {
  uint32_t seed = 20260304;
  std::mt19937 rng(seed);
  for (int round = 0; round < 300; ++round) {
    report::PatternView p;
    p.kind = round % 2 ? "temporal_cycle" : "stack";
    int accounts = 1 + static_cast<int>(rng() % 25);
    int edges = static_cast<int>(rng() % 50);
    std::set<std::string> names;
    for (int e = 0; e < edges; ++e) {
      std::string a = fmt::format("<A{}>&", rng() % accounts);
      std::string b = fmt::format("A{}", rng() % accounts);
      names.insert(a);
      names.insert(b);
      p.transactions.push_back(Edge(static_cast<TransactionId>(e), a, b));
    }
    PatternGraph g = DrawPatternGraph(p, {"A0"});
    SCOPED_TRACE(fmt::format("seed {} round {}", seed, round));
    EXPECT_EQ(TagBalanceError(g.svg), "");
    EXPECT_THAT(g.svg, Not(HasSubstr("<A")));
    EXPECT_THAT(g.svg, Not(HasSubstr("nan")));
    EXPECT_THAT(g.svg, Not(HasSubstr("inf")));
    size_t nodes = CountOf(g.svg, "<g class=\"node\">");
    EXPECT_EQ(nodes, std::min<size_t>(names.size(), kMaxPatternNodes));
    EXPECT_EQ(nodes + g.hidden_accounts, names.size());
    EXPECT_EQ(g.shown_transactions.size() + g.hidden_transactions, p.transactions.size());
    EXPECT_LE(g.shown_transactions.size(), kMaxPatternEdges);
    for (size_t k = 1; k < g.shown_transactions.size(); ++k) {
      EXPECT_LT(g.shown_transactions[k - 1], g.shown_transactions[k]);
    }
  }
}

TEST(TimelineTest, DrawsInflowsAboveAndOutflowsBelowWithALegend) {
  std::vector<report::TimelineEvent> events;
  events.push_back({1767225600, "cash_deposit", true, {Decimal{950000, 2}, "USD"}, 1});
  events.push_back({1767225600 + 86400 * 10, "wire", false, {Decimal{100, 2}, "USD"}, 2});
  events.push_back({1767225600 + 86400 * 20, "crypto", false, {Decimal{296, 6}, "Bitcoin"}, 3});
  std::string svg = DrawTimeline(events);
  EXPECT_EQ(TagBalanceError(svg), "");
  EXPECT_EQ(CountOf(svg, "<title>2026-"), 3u);
  EXPECT_THAT(svg, HasSubstr("2026-01-01 00:00 UTC \xC2\xB7 cash deposit \xC2\xB7 in \xC2\xB7 "
                             "9,500.00 USD"));
  EXPECT_THAT(svg, HasSubstr("0.000296 Bitcoin"));
  EXPECT_THAT(svg, HasSubstr(">2026-01-01<"));  // date ticks
  EXPECT_THAT(svg, HasSubstr(">2026-01-21<"));
  EXPECT_THAT(svg, HasSubstr(">cash deposit</text>"));  // legend, in words
  EXPECT_THAT(svg, Not(HasSubstr("cash_deposit")));
  EXPECT_THAT(svg, HasSubstr(">wire</text>"));
  // The largest USD amount is a full-height bar above the axis (y=110): y = 110 - 86 = 24.
  EXPECT_THAT(svg, HasSubstr("y=\"24.0\" width=\"8.0\" height=\"86.0\" fill=\"#E69F00\""));
  // The lone Bitcoin outflow is the largest of its currency: full height below the axis.
  EXPECT_THAT(svg, HasSubstr("y=\"110.0\" width=\"8.0\" height=\"86.0\" fill=\"#F0C808\""));
}

TEST(TimelineTest, OneMomentStillHasAnAxis) {
  std::vector<report::TimelineEvent> events = {
      {1767225600, "wire", true, {Decimal{1, 0}, "USD"}, 1}};
  std::string svg = DrawTimeline(events);
  EXPECT_EQ(TagBalanceError(svg), "");
  EXPECT_THAT(svg, Not(HasSubstr("nan")));
  EXPECT_THAT(svg, HasSubstr(">12-31 23:00<"));
}

TEST(EmbedGraphvizSvgTest, StripsPrologSizeAndNamespacesAndPrefixesIds) {
  std::string svg = EmbedGraphvizSvg(report_test::SampleGraphvizSvg(), "s9-");
  ASSERT_FALSE(svg.empty());
  EXPECT_EQ(svg.rfind("<svg width=\"344pt\" height=\"116pt\" viewBox=\"0.00 0.00 344.00 116.00\" "
                      "class=\"flow-chart\"",
                      0),
            0u);
  EXPECT_THAT(svg, Not(HasSubstr("http")));
  EXPECT_THAT(svg, Not(HasSubstr("<!--")));
    EXPECT_THAT(svg, HasSubstr("id=\"s9-node1\""));
  EXPECT_THAT(svg, Not(HasSubstr("id=\"node1\"")));
  EXPECT_EQ(svg.substr(svg.size() - 6), "</svg>");
  EXPECT_EQ(TagBalanceError(svg), "");
}

TEST(EmbedGraphvizSvgTest, RefusesAnythingThatCouldRunOrFetch) {
  for (const char* bad : {
           "<svg><script>alert(1)</script></svg>",
           "<svg><a xlink:href=\"http://x\"><text>x</text></a></svg>",
           "<svg><image href=\"x.png\"/></svg>",
           "<svg><rect fill=\"url(http://x/y)\"/></svg>",
           "<svg onload=\"alert(1)\"></svg>",
           "<svg><g xmlns=\"http://evil\"/></svg>",
           "<svg><foreignObject><div/></foreignObject></svg>",
           "not an svg",
           "<svg><!-- unterminated </svg>",
       }) {
    EXPECT_EQ(EmbedGraphvizSvg(bad, "p-"), "") << bad;
  }
  EXPECT_NE(EmbedGraphvizSvg("<svg viewBox=\"0 0 1 1\"><rect fill=\"url(#g)\"/></svg>", "p-"), "");
}

}  // namespace
}  // namespace moneytrail::report_internal
