// Renders report.html in headless Chromium (issue 9): a copy of the page with a test-only probe
// script measures every chart and records script errors into the DOM, which --dump-dom prints;
// and a screenshot of the page is a real PNG of the requested size. Chromium is required.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "moneytrail/case_report.h"
#include "moneytrail/file_util.h"
#include "report/browser.h"
#include "report/report_test_util.h"

namespace moneytrail::report {
namespace {

using report_internal::ProcessResult;
using report_internal::ScratchDir;
using report_test::CountOf;

// Written into the page's copy only: the report itself has no script.
constexpr const char* kProbe = R"(<script>
window.__errors = [];
window.onerror = function (message) { window.__errors.push(String(message)); };
window.addEventListener('load', function () {
  var lines = [];
  var charts = document.querySelectorAll('svg');
  for (var i = 0; i < charts.length; i++) {
    var r = charts[i].getBoundingClientRect();
    lines.push('chart ' + i + ' ' + (charts[i].getAttribute('class') || 'svg') + ' ' +
               Math.round(r.width) + ' ' + Math.round(r.height));
  }
  for (var k = 0; k < window.__errors.length; k++) lines.push('error ' + window.__errors[k]);
  lines.push('charts ' + charts.length);
  var out = document.createElement('pre');
  out.id = 'mt-probe';
  out.textContent = lines.join('\n');
  document.body.appendChild(out);
});
</script>)";

class BrowserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::string> chromium = report_internal::FindChromium("");
    ASSERT_TRUE(chromium.ok()) << chromium.status().ToString()
                               << " (headless Chromium is required: scripts/install-deps)";
    chromium_ = *chromium;
    Result<ScratchDir> dir = ScratchDir::Create(fmt::format("mt-browser-test-{}-", ::getpid()));
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<ScratchDir>(std::move(dir).value());
    html_ = RenderReportHtml(report_test::SampleCase(3));
  }

  std::string chromium_;
  std::unique_ptr<ScratchDir> dir_;
  std::string html_;
};

TEST_F(BrowserTest, EveryChartRendersWithSizeAndNoErrors) {
  std::string page = html_;
  size_t body_end = page.rfind("</body>");
  ASSERT_NE(body_end, std::string::npos);
  page.insert(body_end, kProbe);
  std::filesystem::path path = dir_->path() / "probe.html";
  ASSERT_TRUE(WriteFileDurably(path, page).ok());
  Result<ProcessResult> run = report_internal::RunHeadlessChromium(
      chromium_,
      {"--virtual-time-budget=5000", "--window-size=1280,3000", "--dump-dom",
       report_internal::FileUrl(path)},
      120, dir_->path());
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  ASSERT_EQ(run->exit_code, 0) << run->stderr_text;
  const std::string& dom = run->stdout_text;
  size_t probe = dom.find("<pre id=\"mt-probe\">");
  ASSERT_NE(probe, std::string::npos) << "the probe did not run; stderr: " << run->stderr_text;
  probe += std::string_view("<pre id=\"mt-probe\">").size();
  std::string report = dom.substr(probe, dom.find("</pre>", probe) - probe);
  size_t expected = CountOf(html_, "<svg");
  EXPECT_GT(expected, 10u);
  EXPECT_NE(report.find(fmt::format("charts {}", expected)), std::string::npos) << report;
  EXPECT_EQ(report.find("error "), std::string::npos) << report;
  size_t measured = 0;
  size_t line_begin = 0;
  while (line_begin < report.size()) {
    size_t line_end = report.find('\n', line_begin);
    if (line_end == std::string::npos) line_end = report.size();
    std::string line = report.substr(line_begin, line_end - line_begin);
    line_begin = line_end + 1;
    if (line.rfind("chart ", 0) != 0) continue;
    int index = 0, width = 0, height = 0;
    char cls[64] = {};
    ASSERT_EQ(std::sscanf(line.c_str(), "chart %d %63s %d %d", &index, cls, &width, &height), 4)
        << line;
    EXPECT_GT(width, 0) << line;
    EXPECT_GT(height, 0) << line;
    ++measured;
  }
  EXPECT_EQ(measured, expected);
}

uint32_t BigEndian32(const std::string& bytes, size_t at) {
  return (static_cast<uint32_t>(static_cast<unsigned char>(bytes[at])) << 24) |
         (static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 16) |
         (static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + 2])) << 8) |
         static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + 3]));
}

TEST_F(BrowserTest, ScreenshotIsAPngOfTheWindowSize) {
  std::filesystem::path path = dir_->path() / "report.html";
  ASSERT_TRUE(WriteFileDurably(path, html_).ok());
  std::filesystem::path png = dir_->path() / "report.png";
  Result<ProcessResult> run = report_internal::RunHeadlessChromium(
      chromium_,
      {"--window-size=1280,3000", "--screenshot=" + png.string(), report_internal::FileUrl(path)},
      120, dir_->path());
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  ASSERT_EQ(run->exit_code, 0) << run->stderr_text;
  Result<std::string> bytes = ReadFileToString(png);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString() << "; stderr: " << run->stderr_text;
  ASSERT_GT(bytes->size(), 33u);
  EXPECT_EQ(bytes->substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(bytes->substr(12, 4), "IHDR");
  EXPECT_EQ(BigEndian32(*bytes, 16), 1280u);
  EXPECT_EQ(BigEndian32(*bytes, 20), 3000u);
  // A rendered page of tables and charts, not a blank image (a blank 1280x3000 PNG is ~10 KB).
  EXPECT_GT(bytes->size(), 50'000u);
}

}  // namespace
}  // namespace moneytrail::report
