// Issue 21, items 1-4 on the rendered page: large charts on a landscape page, the exhibit stamp,
// the CJK font, the two labelled kinds of exhibit (FRE 1006 summaries, FRE 107 illustrative
// aids), the forensic schedules and case timeline, and "Records and their integrity".
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "moneytrail/case_report.h"
#include "report/report_test_util.h"

namespace moneytrail::report {
namespace {

using report_test::CountOf;
using report_test::SampleCase;
using ::testing::HasSubstr;
using ::testing::Not;

std::string WideChart(double width_pt, double font) {
  return "<svg width=\"" + std::to_string(width_pt) + "pt\" height=\"100pt\" viewBox=\"0 0 " +
         std::to_string(width_pt) + " 100\">\n<g id=\"graph0\" class=\"graph\"><text x=\"1\" "
         "y=\"1\" font-family=\"Helvetica,sans-Serif\" font-size=\"" + std::to_string(font) +
         "\">139,889.24 USD</text></g>\n</svg>\n";
}

TEST(ReportRecordsTest, ChartLegibleOnlySidewaysGetsALandscapePageOfItsOwn) {
  // 780 pt wide, 11 pt text: portrait Letter prints it at 533.5/780 * 11 = 7.5 pt; a landscape
  // page at 713.5/780 * 11 = 10.1 pt.
  const std::string wide = WideChart(780, 11);
  EXPECT_LT(ChartSmallestPrintedFontPt(wide, PaperSize::kLetter), 9.0);
  EXPECT_GE(ChartSmallestPrintedFontPt(wide, PaperSize::kLetter, ChartOrientation::kLandscape), 9.0);
  EXPECT_EQ(ChartPrintOrientation(wide, PaperSize::kLetter), ChartOrientation::kLandscape);
  EXPECT_EQ(ChartPrintOrientation(WideChart(300, 11), PaperSize::kLetter), ChartOrientation::kPortrait);
  EXPECT_EQ(ChartPrintOrientation(WideChart(2000, 11), PaperSize::kLetter), std::nullopt);
  CaseReportData data = SampleCase();
  data.subjects[1].trace.flow_chart_svg = wide;
  std::string html = RenderReportHtml(data);
  EXPECT_EQ(CountOf(html, "class=\"flow-chart\""), 1u);
  EXPECT_EQ(CountOf(html, "<div class=\"landscape-page\">"), 1u);
  EXPECT_THAT(html, HasSubstr("@page landscape { size: letter landscape; }"));
  EXPECT_THAT(html, HasSubstr(".landscape-page { page: landscape;"));
  data.paper = PaperSize::kA4;
  html = RenderReportHtml(data);
  EXPECT_THAT(html, HasSubstr("@page landscape { size: A4 landscape; }"));
  // Too wide even sideways: left out with a note.
  data.subjects[1].trace.flow_chart_svg = WideChart(2000, 11);
  html = RenderReportHtml(data);
  EXPECT_EQ(CountOf(html, "class=\"flow-chart\""), 0u);
  EXPECT_THAT(html, HasSubstr("even on a landscape page"));
}

TEST(ReportRecordsTest, ExhibitNumberStampsEveryPageAndTheTitle) {
  CaseReportData data = SampleCase();
  std::string html = RenderReportHtml(data);
  EXPECT_THAT(html, Not(HasSubstr("@top-right")));
  EXPECT_THAT(html, Not(HasSubstr("exhibit-stamp\">")));
  data.exhibit = "GX-7";
  html = RenderReportHtml(data);
  EXPECT_THAT(html, HasSubstr("@top-right { content: \"Exhibit GX-7\";"));
  EXPECT_THAT(html, HasSubstr("<div class=\"exhibit-stamp\">Exhibit GX-7</div>"));
  data.exhibit = "</style>";
  html = RenderReportHtml(data);
  EXPECT_EQ(CountOf(html, "</style>"), 1u);
}

TEST(ReportRecordsTest, StyleSheetNamesACjkFont) {
  const std::string html = RenderReportHtml(SampleCase());
  EXPECT_THAT(html, HasSubstr("\"WenQuanYi Micro Hei\""));
}

TEST(ReportRecordsTest, EveryFigureIsAnIllustrativeAidAndEveryTransactionTableASummary) {
  const std::string html = RenderReportHtml(SampleCase(4));
  const size_t figures = CountOf(html, "<figure>");
  ASSERT_GT(figures, 0u);
  EXPECT_EQ(CountOf(html, "Illustrative aid (FRE 107), not evidence"), figures);
  // Every table of transactions (evidence, patterns, schedule, index) opens with its caption.
  const size_t tx_tables = CountOf(html, "<table class=\"tx");
  ASSERT_GT(tx_tables, 0u);
  size_t labelled = 0;
  for (size_t at = html.find("<table class=\"tx"); at != std::string::npos;
       at = html.find("<table class=\"tx", at + 1)) {
    const size_t caption = html.find("<caption>", at);
    labelled += caption != std::string::npos && html.compare(caption + 9, 18, "Summary (FRE 1006)") == 0;
  }
  EXPECT_EQ(labelled, tx_tables);
  // Titles carry no adjectives.
  for (const char* word : {"Suspicious", "suspicious", "Criminal", "Illicit", "Dirty"}) {
    EXPECT_THAT(html, Not(HasSubstr(std::string("<h2>") + word))) << word;
    EXPECT_THAT(html, Not(HasSubstr(std::string("<h3>") + word))) << word;
  }
}

ScheduleView Monthly(size_t rows, size_t total) {
  ScheduleView sc;
  sc.title = "Monthly summary per account";
  sc.columns = {"Account", "Month", "Credits"};
  sc.numeric = {false, false, true};
  for (size_t i = 0; i < rows; ++i) {
    sc.rows.push_back({"022:87EFEA51A", "2025-0" + std::to_string(i + 1), "1,000.00 USD"});
  }
  sc.rows_total = total;
  sc.csv = "schedules/01-monthly.csv";
  return sc;
}

TEST(ReportRecordsTest, SchedulesAreSummariesNamingTheirCsvAndSayingWhatIsShown) {
  CaseReportData data = SampleCase();
  data.subjects[0].schedules.push_back(Monthly(2, 5));
  ScheduleView proof;
  proof.title = "Bank deposits method";
  proof.note = "Not computed: the subject's accounts move money in USD and MXN";
  data.subjects[0].schedules.push_back(proof);
  ScheduleView evil = Monthly(1, 1);
  evil.rows[0][0] = "=HYPERLINK(\"x\")<b>";
  data.subjects[0].schedules.push_back(evil);
  const std::string html = RenderReportHtml(data);
  EXPECT_THAT(html, HasSubstr("<h3>Schedules</h3>"));
  EXPECT_THAT(html, HasSubstr("<caption>Summary (FRE 1006): Monthly summary per account"));
  EXPECT_THAT(html, HasSubstr("schedules/01-monthly.csv"));
  EXPECT_THAT(html, HasSubstr("Shown: 2 of 5 rows (the CSV has all)."));
  EXPECT_THAT(html, HasSubstr("<td class=\"num\">1,000.00 USD</td>"));
  EXPECT_THAT(html, HasSubstr("Not computed: the subject&#39;s accounts move money in USD and MXN"));
  EXPECT_THAT(html, HasSubstr("=HYPERLINK(&quot;x&quot;)&lt;b&gt;"));
  EXPECT_EQ(report_test::TagBalanceError(html), "");
}

TEST(ReportRecordsTest, CaseTimelineIsAPageInTimeOrderAsGiven) {
  CaseReportData data = SampleCase();
  std::string html = RenderReportHtml(data);
  EXPECT_THAT(html, Not(HasSubstr("id=\"case-timeline\"")));
  data.timeline = {{1740787200, "022:87EFEA51A", "EVENT-ONE", "wire"},
                   {1740873600, "022:87EFEA51A", "EVENT-TWO", "rule (high)"}};
  data.timeline_total = 3;
  data.timeline_csv = "schedules/timeline.csv";
  html = RenderReportHtml(data);
  EXPECT_THAT(html, HasSubstr("<h2>Case timeline</h2>"));
  EXPECT_LT(html.find("EVENT-ONE"), html.find("EVENT-TWO"));
  EXPECT_LT(html.find("<h2>Case timeline</h2>"), html.find("id=\"subject-1\""));
  EXPECT_THAT(html, HasSubstr("2025-03-01 00:00 UTC"));
  EXPECT_THAT(html, HasSubstr("Shown: 2 of 3 events (the CSV has all)."));
}

TEST(ReportRecordsTest, RecordsAndTheirIntegritySection) {
  CaseReportData data = SampleCase();
  std::string html = RenderReportHtml(data);
  EXPECT_THAT(html, HasSubstr("<h2>Records and their integrity</h2>"));
  EXPECT_THAT(html, HasSubstr("No bank statements were ingested"));
  StatementIntegrityView v;
  v.segment = 2;
  v.balance_breaks = 1;
  v.gaps = 3;
  v.overlaps = 40;
  v.mirrors = 7;
  v.findings = {"stmt-a.csv:14: balance 1,200.00 expected, 1,250.00 found <x>"};
  v.findings_total = 5;
  v.enrichment_known = true;
  v.rows = 1000;
  v.enriched = 879;
  v.unmatched = 100;
  v.not_enriched = 21;
  v.unmatched_descriptions = {{"POS 4411 ZZZ", 12}};
  data.integrity.push_back(v);
  data.custody[0].encoding = "windows-1252";
  data.custody[0].rows_merged = 40;
  html = RenderReportHtml(data);
  EXPECT_THAT(html, Not(HasSubstr("No bank statements were ingested")));
  EXPECT_THAT(html, HasSubstr("Summary (FRE 1006): findings of the statement checks"));
  EXPECT_THAT(html, HasSubstr("<td class=\"num bad\">1</td>"));   // balance breaks
  EXPECT_THAT(html, HasSubstr("<td class=\"num\">40</td>"));      // overlaps
  EXPECT_THAT(html, HasSubstr("stmt-a.csv:14: balance 1,200.00 expected, 1,250.00 found &lt;x&gt;"));
  EXPECT_THAT(html, HasSubstr("Shown: 1 of 5 findings"));
  EXPECT_THAT(html, HasSubstr("<td class=\"num\">87.9%</td>"));
  EXPECT_THAT(html, HasSubstr("POS 4411 ZZZ"));
  EXPECT_THAT(html, HasSubstr("windows-1252"));
  // The section comes before the appendix; the custody table is in it.
  EXPECT_LT(html.find("Records and their integrity"), html.find("id=\"custody\""));
  EXPECT_LT(html.find("id=\"custody\""), html.find("<h2>Appendix</h2>"));
  EXPECT_EQ(report_test::TagBalanceError(html), "");
}

}  // namespace
}  // namespace moneytrail::report
