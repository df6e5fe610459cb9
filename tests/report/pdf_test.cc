// The PDF: page counting on known bytes, and a real print through headless Chromium
// (Debian's chromium, installed by scripts/install-deps; the test fails if it is missing).
#include <chrono>
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "moneytrail/case_report.h"
#include "moneytrail/file_util.h"
#include "report/browser.h"
#include "report/report_test_util.h"

namespace moneytrail::report {
namespace {

using ::testing::HasSubstr;

TEST(CountPdfPagesTest, CountsPageObjectsNotThePageTree) {
  EXPECT_EQ(CountPdfPages(""), 0);
  EXPECT_EQ(CountPdfPages("<< /Type /Pages /Kids [3 0 R] >>"), 0);
  EXPECT_EQ(CountPdfPages("<< /Type /Page >> << /Type/Page/Parent 2 0 R >> "
                          "<< /Type\n/Page\n>> << /Type /Pages >>"),
            3);
  EXPECT_EQ(CountPdfPages("<</Type/Page>>"), 1);
  EXPECT_EQ(CountPdfPages("<< /Type /PageLabel >> << /Type /Page"), 1);
}

TEST(PdfTest, MissingBrowserIsAFailedPreconditionNamingIt) {
  PdfOptions options;
  options.chromium = "/nonexistent/chromium";
  Result<PdfInfo> pdf = PrintPdf("x.html", "x.pdf", options);
  ASSERT_FALSE(pdf.ok());
  EXPECT_EQ(pdf.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(pdf.status().message()), HasSubstr("/nonexistent/chromium"));
}

TEST(PdfTest, MissingReportIsNotFound) {
  Result<report_internal::ScratchDir> dir = report_internal::ScratchDir::Create("mt-pdf-test-");
  ASSERT_TRUE(dir.ok());
  Result<PdfInfo> pdf = PrintPdf(dir->path() / "none.html", dir->path() / "none.pdf", {});
  ASSERT_FALSE(pdf.ok());
  EXPECT_EQ(pdf.status().code(), StatusCode::kNotFound) << pdf.status().ToString();
}

TEST(PdfTest, PrintsTheReportWithChromium) {
  ASSERT_TRUE(report_internal::FindChromium("").ok())
      << "headless Chromium is required: run scripts/install-deps (Debian's chromium)";
  Result<report_internal::ScratchDir> dir =
      report_internal::ScratchDir::Create("mt-pdf-test-");
  ASSERT_TRUE(dir.ok());
  // A path with a space and a '#', which the file:// URL must escape.
  std::filesystem::path case_dir = dir->path() / "case #1 out";
  std::filesystem::create_directories(case_dir);
  CaseReportData data = report_test::SampleCase(4);
  ASSERT_TRUE(WriteReportHtml(data, case_dir / "report.html").ok());
  Result<PdfInfo> pdf = PrintPdf(case_dir / "report.html", case_dir / "report.pdf", {});
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  Result<std::string> bytes = ReadFileToString(case_dir / "report.pdf");
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(bytes->substr(0, 5), "%PDF-");
  EXPECT_EQ(pdf->bytes, bytes->size());
  EXPECT_EQ(pdf->pages, CountPdfPages(*bytes));
  // A summary page, at least one page per subject (each starts a page) and the appendix.
  EXPECT_GE(pdf->pages, 1 + 4 + 1);
  EXPECT_LE(pdf->pages, 40);
  EXPECT_FALSE(std::filesystem::exists(case_dir / "report.pdf.tmp"));
  std::printf("PDF: %d pages, %llu bytes in %lld ms\n", pdf->pages,
              static_cast<unsigned long long>(pdf->bytes),
              static_cast<long long>(pdf->elapsed_ms));
}


// Runs a poppler tool (pdftotext, pdfinfo: Debian's poppler-utils) on `pdf`; its stdout.
std::string Poppler(const std::string& tool, const std::filesystem::path& pdf,
                    const std::filesystem::path& scratch) {
  const std::string path = "/usr/bin/" + tool;
  EXPECT_TRUE(std::filesystem::exists(path))
      << tool << " is required: run scripts/install-deps (Debian's poppler-utils)";
  std::vector<std::string> argv = {path, pdf.string()};
  if (tool == "pdftotext") argv.push_back("-");
  Result<report_internal::ProcessResult> run =
      report_internal::RunProcess(argv, {}, 60, scratch);
  EXPECT_TRUE(run.ok()) << run.status().ToString();
  if (!run.ok()) return "";
  EXPECT_EQ(run->exit_code, 0) << run->stderr_text;
  return run->stdout_text;
}

TEST(PdfTest, EveryPageHasItsNumberMarkingAndCaseNumberOnLetterOrA4) {
  ASSERT_TRUE(report_internal::FindChromium("").ok());
  Result<report_internal::ScratchDir> dir = report_internal::ScratchDir::Create("mt-pdf-pages-");
  ASSERT_TRUE(dir.ok());
  CaseReportData data = report_test::SampleCase(3);
  data.marking = "LAW ENFORCEMENT SENSITIVE";
  data.case_number = "2026-CR-0042";
  for (PaperSize paper : {PaperSize::kLetter, PaperSize::kA4}) {
    data.paper = paper;
    ASSERT_TRUE(WriteReportHtml(data, dir->path() / "report.html").ok());
    Result<PdfInfo> pdf = PrintPdf(dir->path() / "report.html", dir->path() / "report.pdf", {});
    ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
    const std::string text = Poppler("pdftotext", dir->path() / "report.pdf", dir->path());
    const int n = pdf->pages;
    ASSERT_GE(n, 5);
    for (int page = 1; page <= n; ++page) {
      EXPECT_NE(text.find(fmt::format("Page {} of {}", page, n)), std::string::npos) << page;
    }
    EXPECT_EQ(text.find(fmt::format("Page {} of", n + 1)), std::string::npos);
    // Top and bottom of every page, and the banner on the first.
    EXPECT_EQ(static_cast<int>(report_test::CountOf(text, "LAW ENFORCEMENT SENSITIVE")), 2 * n + 1);
    EXPECT_EQ(static_cast<int>(report_test::CountOf(text, "Case 2026-CR-0042")), n);
    // Text a jury would read, as printed.
    EXPECT_NE(text.find("still held in accounts."), std::string::npos);
    EXPECT_EQ(text.find("ZZ"), std::string::npos);
    const std::string info = Poppler("pdfinfo", dir->path() / "report.pdf", dir->path());
    EXPECT_NE(info.find(paper == PaperSize::kA4 ? "(A4)" : "(letter)"), std::string::npos) << info;
  }
}

// Exhibit stamp on every page, a chart on a landscape page of its own, and a Chinese and an
// accented name printed with their glyphs (pdftotext reads them back; pdffonts lists the CJK
// font embedded), in one print.
TEST(PdfTest, ExhibitStampLandscapeChartAndCjkNamesPrint) {
  ASSERT_TRUE(report_internal::FindChromium("").ok());
  Result<report_internal::ScratchDir> dir = report_internal::ScratchDir::Create("mt-pdf-exhibit-");
  ASSERT_TRUE(dir.ok());
  CaseReportData data = report_test::SampleCase(3);
  data.exhibit = "GX-12";
  data.subjects[0].holder = "\xE7\x8E\x8B\xE4\xBC\x9F";  // 王伟
  data.subjects[1].holder = "Jos\xC3\xA9 N\xC3\xBA\xC3\xB1" "ez";  // José Núñez
  // 780 pt wide with 11 pt text: legible only sideways (report_records_test.cc).
  data.subjects[1].trace.flow_chart_svg =
      "<svg width=\"780pt\" height=\"100pt\" viewBox=\"0 0 780 100\">\n<g id=\"graph0\" "
      "class=\"graph\"><text x=\"10\" y=\"50\" font-family=\"Helvetica,sans-Serif\" "
      "font-size=\"11\">LANDSCAPE-CHART-TEXT</text></g>\n</svg>\n";
  ASSERT_TRUE(WriteReportHtml(data, dir->path() / "report.html").ok());
  Result<PdfInfo> pdf = PrintPdf(dir->path() / "report.html", dir->path() / "report.pdf", {});
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  const std::filesystem::path file = dir->path() / "report.pdf";
  const std::string text = Poppler("pdftotext", file, dir->path());
  const int n = pdf->pages;
  // The margin box on every page and the boxed stamp beside the title.
  EXPECT_EQ(static_cast<int>(report_test::CountOf(text, "Exhibit GX-12")), n + 1);
  EXPECT_NE(text.find("\xE7\x8E\x8B\xE4\xBC\x9F"), std::string::npos);
  EXPECT_NE(text.find("Jos\xC3\xA9 N\xC3\xBA\xC3\xB1" "ez"), std::string::npos);
  EXPECT_NE(text.find("LANDSCAPE-CHART-TEXT"), std::string::npos);
  const std::string fonts = Poppler("pdffonts", file, dir->path());
  EXPECT_NE(fonts.find("WenQuanYi"), std::string::npos) << fonts;
  // Exactly the chart's page is landscape (pdfinfo prints every page's size with -f/-l).
  Result<report_internal::ProcessResult> info = report_internal::RunProcess(
      {"/usr/bin/pdfinfo", "-f", "1", "-l", std::to_string(n), file.string()}, {}, 60, dir->path());
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(report_test::CountOf(info->stdout_text, "size:  792 x 612 pts"), 1u) << info->stdout_text;
  EXPECT_EQ(static_cast<int>(report_test::CountOf(info->stdout_text, "size:  612 x 792 pts")), n - 1);
}

}  // namespace
}  // namespace moneytrail::report
