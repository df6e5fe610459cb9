// The rendered page: escaping, no external references, links and anchors, exact money,
// determinism, order and wording of empty sections, well-formed markup.
#include <algorithm>
#include <filesystem>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "moneytrail/case_report.h"
#include "moneytrail/file_util.h"
#include "report/browser.h"
#include "report/report_test_util.h"

namespace moneytrail::report {
namespace {

using report_test::AttributeValues;
using report_test::CountOf;
using report_test::SampleCase;
using ::testing::HasSubstr;
using ::testing::Not;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST(ReportHtmlTest, EscapesEveryStringFromTheData) {
  std::string html = RenderReportHtml(SampleCase());
  EXPECT_THAT(Lower(html), Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("<b>bold")));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; "
                              "&#39;co&#39;"));
  EXPECT_THAT(html, HasSubstr("It&#39;s &lt;img src=x onerror=alert(1)&gt; &amp; done"));
  EXPECT_THAT(html, HasSubstr("cases/&lt;odd&gt; &amp; &#39;name&#39;.csv"));
  EXPECT_THAT(html, HasSubstr("Acme Imports &amp; Sons"));
}

TEST(ReportHtmlTest, SaysChannelsInWordsNeverAsCodes) {
  // Issue 21: what happened in an investigator's words. The sample's transactions are cash
  // deposits and withdrawals; their codes must not reach any table cell, tooltip or legend.
  std::string html = RenderReportHtml(SampleCase());
  EXPECT_THAT(html, HasSubstr("cash deposit"));
  EXPECT_THAT(html, HasSubstr("cash withdrawal"));
  for (const char* code : {">cash_deposit<", ">cash_withdrawal<", "\xC2\xB7 cash_deposit", "(cash_deposit)",
                           "(cash_withdrawal)"}) {
    EXPECT_THAT(html, Not(HasSubstr(code))) << code;
  }
}

TEST(ReportHtmlTest, ChannelWordsCoverEveryChannel) {
  for (int c = 0; c < kChannelCount; ++c) {
    const std::string_view code = ChannelName(static_cast<Channel>(c));
    const std::string words = ChannelWords(code);
    EXPECT_EQ(words.find('_'), std::string::npos) << code << " -> " << words;
    if (code != "wire" && code != "cash" && code != "cheque" && code != "reinvestment") {
      EXPECT_NE(words, code) << code;
    }
  }
  EXPECT_EQ(ChannelWords("something else"), "something else");
}

TEST(ReportHtmlTest, HasNoExternalReferences) {
  std::string html = Lower(RenderReportHtml(SampleCase()));
  for (const char* bad : {"http:", "https:", "src=\"", "src='", "<link", "@import", "<iframe",
                          "<object", "<embed", "xmlns", "//fonts", "<script"}) {
    EXPECT_THAT(html, Not(HasSubstr(bad))) << bad;
  }
  for (size_t at = html.find("url("); at != std::string::npos; at = html.find("url(", at + 1)) {
    EXPECT_EQ(html[at + 4], '#') << html.substr(at, 40);
  }
  for (const std::string& href : AttributeValues(html, "href")) {
    EXPECT_EQ(href.substr(0, 1), "#") << href;
  }
}

TEST(ReportHtmlTest, EveryInternalLinkHasItsAnchor) {
  std::string html = RenderReportHtml(SampleCase(5));
  std::vector<std::string> ids = AttributeValues(html, "id");
  std::set<std::string> id_set(ids.begin(), ids.end());
  EXPECT_EQ(id_set.size(), ids.size()) << "an id is used twice";
  size_t tx_links = 0;
  for (const std::string& href : AttributeValues(html, "href")) {
    ASSERT_FALSE(href.empty());
    EXPECT_EQ(id_set.count(href.substr(1)), 1u) << href;
    if (href.rfind("#tx-", 0) == 0) ++tx_links;
  }
  EXPECT_GT(tx_links, 50u);
}

TEST(ReportHtmlTest, EvidenceIndexListsEveryCitedTransactionOnce) {
  CaseReportData data = SampleCase();
  std::string html = RenderReportHtml(data);
  std::set<TransactionId> cited;
  for (const SubjectView& s : data.subjects) {
    for (const AlertView& a : s.alerts) {
      for (const TxView& tx : a.evidence) cited.insert(tx.id);
    }
    for (const PatternView& p : s.patterns) {
      for (const TxView& tx : p.transactions) cited.insert(tx.id);
    }
    for (const TraceFlowView& f : s.trace.flows) cited.insert(f.tx.id);
  }
  ASSERT_GT(cited.size(), 30u);
  for (TransactionId id : cited) {
    std::string anchor = "id=\"tx-" + std::to_string(id) + "\"";
    EXPECT_EQ(CountOf(html, anchor), 1u) << anchor;
  }
  // Nothing else is indexed: the timeline's events are not citations.
  EXPECT_EQ(CountOf(html, "<tr id=\"tx-"), cited.size());
  EXPECT_THAT(html, Not(HasSubstr("id=\"tx-700\"")));
}

TEST(ReportHtmlTest, PrintsMoneyExactlyWithItsCurrency) {
  std::string html = RenderReportHtml(SampleCase());
  EXPECT_THAT(html, HasSubstr(">0.000296 Bitcoin<"));
  EXPECT_THAT(html, HasSubstr(">1,234,567.89 USD<"));
  EXPECT_THAT(html, HasSubstr(">9,150.00 USD<"));
  EXPECT_THAT(html, HasSubstr("1,234,567.89 USD; 0.000296 Bitcoin"));  // money in, per currency
  EXPECT_THAT(html, HasSubstr(">250.19 USD<"));                          // fan-in, sender 19
  EXPECT_THAT(html, Not(HasSubstr("e-0")));  // no scientific notation anywhere
}

TEST(ReportHtmlTest, PrintsDatesAndTimesReadably) {
  std::string html = RenderReportHtml(SampleCase());
  EXPECT_THAT(html, HasSubstr("2026-01-01 to 2026-03-31 (90 days)"));
  EXPECT_THAT(html, HasSubstr(">2026-01-03 00:00 UTC<"));
  EXPECT_THAT(html, HasSubstr(">2026-01-04 01:00 UTC<"));
}

TEST(ReportHtmlTest, SameDataGivesTheSameBytes) {
  CaseReportData data = SampleCase(4);
  CaseReportData copy = data;
  EXPECT_EQ(RenderReportHtml(data), RenderReportHtml(copy));
}

TEST(ReportHtmlTest, SubjectsAppearInRankOrder) {
  std::string html = RenderReportHtml(SampleCase(6));
  size_t last = 0;
  for (int position = 1; position <= 6; ++position) {
    size_t at = html.find("<section class=\"page subject\" id=\"subject-" +
                          std::to_string(position) + "\"");
    ASSERT_NE(at, std::string::npos) << position;
    EXPECT_GT(at, last);
    last = at;
    size_t rank = html.find("rank " + std::to_string(position), at);
    EXPECT_LT(rank, html.find("</section>", at)) << "section " << position << " is not rank "
                                                  << position;
  }
  // The summary table lists them in the same order, linking to the sections.
  EXPECT_LT(html.find("href=\"#subject-1\">022:87EFEA51A"), html.find("href=\"#subject-2\""));
  EXPECT_LT(html.find("href=\"#subject-2\">099:EMPTY"), html.find("href=\"#subject-3\""));
}

TEST(ReportHtmlTest, EmptySectionsSaySoInWords) {
  std::string html = RenderReportHtml(SampleCase());
  EXPECT_THAT(html, HasSubstr("No pattern instances involve this subject."));
  EXPECT_THAT(html, HasSubstr("No alerts involve this subject."));
  EXPECT_THAT(html, HasSubstr("This subject was not traced."));
  EXPECT_THAT(html, HasSubstr("This subject has no cash or wire activity to show."));
  EXPECT_THAT(html, HasSubstr("No score reasons were recorded for this subject."));

  CaseReportData bare;
  bare.title = "Empty case";
  std::string empty = RenderReportHtml(bare);
  EXPECT_THAT(empty, HasSubstr("No subject was ranked."));
  EXPECT_THAT(empty, HasSubstr("No rule raised an alert."));
  EXPECT_THAT(empty, HasSubstr("No findings were recorded."));
  EXPECT_THAT(empty, HasSubstr("No transaction is cited in this report."));
  EXPECT_THAT(empty, HasSubstr("The store records no source files."));
  EXPECT_EQ(report_test::TagBalanceError(empty), "");
  std::vector<std::string> ids = AttributeValues(empty, "id");
  for (const std::string& href : AttributeValues(empty, "href")) {
    EXPECT_NE(std::find(ids.begin(), ids.end(), href.substr(1)), ids.end()) << href;
  }
}

TEST(ReportHtmlTest, MarkupIsBalanced) {
  std::string html = RenderReportHtml(SampleCase(4));
  EXPECT_EQ(report_test::TagBalanceError(html), "");
  EXPECT_EQ(CountOf(html, "<svg"), CountOf(html, "</svg>"));
  // Summary, 4 subjects, records and their integrity, appendix.
  EXPECT_EQ(CountOf(html, "<section"), 1u + 4u + 1u + 1u);
}

TEST(ReportHtmlTest, TraceTotalsVisiblyReconcile) {
  std::string html = RenderReportHtml(SampleCase());
  // Subject 1: 10,000.00 = 2,500.00 + 7,000.00 + 500.00; 0.000296 = 0 + 0.000296.
  EXPECT_THAT(html, HasSubstr(">10,000.00 USD<"));
  EXPECT_THAT(html, HasSubstr("0 \xE2\x9C\x93 reconciles"));
  // Subject 3 holds 0.01 too much, which the report shows rather than hides.
  EXPECT_THAT(html, HasSubstr("-0.01 USD \xE2\x9C\x97 does not reconcile"));
  EXPECT_THAT(html, HasSubstr("<tr class=\"check bad\">"));
}

TEST(ReportHtmlTest, CappedListsSayHowManyWereShown) {
  std::string html = RenderReportHtml(SampleCase());
  EXPECT_THAT(html, HasSubstr("Shown: 7 of 9 evidence transactions."));
  EXPECT_THAT(html, HasSubstr("Shown: 2 of 5 alerts, most severe first."));
  EXPECT_THAT(html, HasSubstr("Shown: 4 of 17 schedule lines."));
  EXPECT_THAT(html, HasSubstr("Shown: 31 of 44 events."));
  // The 21-account fan-in is drawn with 12 boxes.
  EXPECT_THAT(html, HasSubstr("+9 more accounts and +9 more transactions not drawn."));
}

TEST(ReportHtmlTest, ListsIdentifiersSharedWithOtherEntitiesOnlyWhenKnown) {
  CaseReportData data = SampleCase();
  std::string html = RenderReportHtml(data);
  EXPECT_THAT(html, HasSubstr("Identifiers shared with other entities"));
  EXPECT_THAT(html, HasSubstr("<td>phone</td><td class=\"mono\">9155550142</td>"
                              "<td class=\"mono\">E17, E&lt;b&gt;bold</td>"
                              "<td class=\"mono\">022:87EFEA51B, 0311:AC0110</td>"));
  EXPECT_THAT(html, HasSubstr("Shown: 1 of 3 shared identifiers."));
  for (auto& subject : data.subjects) subject.shared.clear();
  EXPECT_THAT(RenderReportHtml(data), Not(HasSubstr("Identifiers shared with other entities")));
}

TEST(ReportHtmlTest, EmbedsTheFlowChartWithoutPrologAndDropsAnUnsafeOne) {
  std::string html = RenderReportHtml(SampleCase());
  EXPECT_THAT(html, Not(HasSubstr("<?xml")));
  EXPECT_THAT(html, Not(HasSubstr("<!DOCTYPE svg")));
  EXPECT_THAT(html, Not(HasSubstr("Generated by graphviz")));
  EXPECT_THAT(html, HasSubstr("<svg width=\"344pt\" height=\"116pt\" "
                              "viewBox=\"0.00 0.00 344.00 116.00\" class=\"flow-chart\""));
  EXPECT_THAT(html, HasSubstr("id=\"s1-graph0\""));
  EXPECT_THAT(html, HasSubstr("The flow-of-funds chart was left out"));
}

TEST(ReportHtmlTest, WritesThePageDurably) {
  Result<report_internal::ScratchDir> dir = report_internal::ScratchDir::Create("mt-report-");
  ASSERT_TRUE(dir.ok()) << dir.status().ToString();
  CaseReportData data = SampleCase();
  std::filesystem::path path = dir->path() / "report.html";
  ASSERT_TRUE(WriteReportHtml(data, path).ok());
  Result<std::string> text = ReadFileToString(path);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, RenderReportHtml(data));
  EXPECT_FALSE(std::filesystem::exists(dir->path() / "report.html.tmp"));
  Status missing = WriteReportHtml(data, dir->path() / "no-such-dir" / "report.html");
  EXPECT_FALSE(missing.ok());
}

}  // namespace
}  // namespace moneytrail::report
