// One subject's part of the report for an exhibit pack (report::SubjectExcerptHtml): it holds
// that subject's section and none of the others', the evidence rows its figures cite and no
// other, every page's exhibit stamp and page numbering, and well-formed HTML.
#include <gtest/gtest.h>

#include <set>

#include "moneytrail/case_report.h"
#include "moneytrail/report_excerpt.h"
#include "report/report_test_util.h"

namespace moneytrail::report_test {
namespace {

std::set<std::string> Ids(std::string_view html, std::string_view prefix) {
  std::set<std::string> out;
  for (const std::string& id : AttributeValues(html, "id")) {
    if (id.rfind(prefix, 0) == 0) out.insert(id);
  }
  return out;
}

TEST(SubjectExcerptTest, HoldsOnlyItsSubjectAndTheEvidenceItCites) {
  const std::string html = report::RenderReportHtml(SampleCase(4));
  for (size_t position = 1; position <= 4; ++position) {
    Result<std::string> excerpt = report::SubjectExcerptHtml(html, position, "GX-12", "Exhibit GX-12");
    ASSERT_TRUE(excerpt.ok()) << excerpt.status().ToString();
    EXPECT_EQ(TagBalanceError(*excerpt), "") << position;
    const std::set<std::string> subjects = Ids(*excerpt, "subject-");
    EXPECT_EQ(subjects, std::set<std::string>{"subject-" + std::to_string(position)});
    EXPECT_EQ(CountOf(*excerpt, "id=\"summary\""), 0u);
    EXPECT_EQ(CountOf(*excerpt, "id=\"case-timeline\""), 0u);
    EXPECT_EQ(CountOf(*excerpt, "id=\"integrity\""), 0u);
    // Every evidence row it keeps is linked from its section, and every link has its row.
    std::set<std::string> linked;
    for (const std::string& href : AttributeValues(*excerpt, "href")) {
      if (href.rfind("#tx-", 0) == 0) linked.insert(href.substr(1));
    }
    EXPECT_EQ(Ids(*excerpt, "tx-"), linked) << position;
    // The stamp of every page and its numbering within the exhibit.
    EXPECT_NE(excerpt->find("content: \"Exhibit GX-12\""), std::string::npos);
    EXPECT_NE(excerpt->find("counter(page)"), std::string::npos);
    EXPECT_NE(excerpt->find("counter(pages)"), std::string::npos);
  }
  // Subject 1 cites evidence; the whole report cites more than subject 1 alone.
  Result<std::string> first = report::SubjectExcerptHtml(html, 1, "1", "Exhibit 1");
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(Ids(*first, "tx-").empty());
  EXPECT_LE(Ids(*first, "tx-").size(), Ids(html, "tx-").size());
}

TEST(SubjectExcerptTest, TheStampCannotBreakOutOfItsStyleSheet) {
  const std::string html = report::RenderReportHtml(SampleCase(3));
  Result<std::string> excerpt =
      report::SubjectExcerptHtml(html, 1, "7\"; } </style><script>x</script>", "Exhibit 7");
  ASSERT_TRUE(excerpt.ok());
  EXPECT_EQ(excerpt->find("<script>"), std::string::npos);
  EXPECT_EQ(TagBalanceError(*excerpt), "");
}

TEST(SubjectExcerptTest, AMissingSubjectOrAForeignPageIsRefused) {
  const std::string html = report::RenderReportHtml(SampleCase(3));
  EXPECT_EQ(report::SubjectExcerptHtml(html, 4, "1", "x").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(report::SubjectExcerptHtml(html, 0, "1", "x").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(report::SubjectExcerptHtml("<html><body>hello</body></html>", 1, "1", "x").status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace moneytrail::report_test
