// The PDF of the case report, printed by headless Chromium.
#include <cstdio>
#include <system_error>

#include <fmt/format.h>

#include "moneytrail/case_report.h"
#include "moneytrail/file_util.h"
#include "report/browser.h"

namespace moneytrail::report {

namespace fs = std::filesystem;
using report_internal::ProcessResult;
using report_internal::ScratchDir;

namespace {

// The last lines of the browser's stderr, for an error message.
std::string Tail(const std::string& text, size_t max_chars = 1500) {
  if (text.size() <= max_chars) return text;
  return "..." + text.substr(text.size() - max_chars);
}

}  // namespace

int CountPdfPages(std::string_view pdf) {
  int pages = 0;
  for (size_t at = pdf.find("/Type"); at != std::string_view::npos;
       at = pdf.find("/Type", at + 5)) {
    size_t k = at + 5;
    while (k < pdf.size() && (pdf[k] == ' ' || pdf[k] == '\n' || pdf[k] == '\r' ||
                              pdf[k] == '\t')) {
      ++k;
    }
    if (pdf.compare(k, 5, "/Page") != 0) continue;
    k += 5;
    // "/Pages" is the tree, "/PageLabel" and the like are other types: a page's name ends here.
    bool name_ends = k >= pdf.size() || !((pdf[k] >= 'a' && pdf[k] <= 'z') ||
                                          (pdf[k] >= 'A' && pdf[k] <= 'Z') ||
                                          (pdf[k] >= '0' && pdf[k] <= '9'));
    if (name_ends) ++pages;
  }
  return pages;
}

Result<PdfInfo> PrintPdf(const fs::path& html, const fs::path& pdf, const PdfOptions& options) {
  MT_ASSIGN_OR_RETURN(std::string chromium, report_internal::FindChromium(options.chromium));
  std::error_code ec;
  if (!fs::is_regular_file(html, ec)) {
    return NotFoundError(fmt::format("the report {} does not exist", html.string()));
  }
  MT_ASSIGN_OR_RETURN(ScratchDir scratch, ScratchDir::Create("moneytrail-pdf-"));
  // Chromium writes into the scratch dir; the PDF replaces `pdf` only once it is checked.
  fs::path printed = scratch.path() / "report.pdf";
  std::vector<std::string> args = {
      "--no-pdf-header-footer",
      "--print-to-pdf=" + printed.string(),
      report_internal::FileUrl(html),
  };
  MT_ASSIGN_OR_RETURN(ProcessResult run,
                      report_internal::RunHeadlessChromium(chromium, args,
                                                           options.timeout_seconds,
                                                           scratch.path()));
  if (run.timed_out) {
    return IoError(fmt::format("{} did not print {} within {} s; its stderr: {}", chromium,
                               html.string(), options.timeout_seconds, Tail(run.stderr_text)));
  }
  if (run.exit_code != 0 || !fs::exists(printed, ec)) {
    return IoError(fmt::format("{} failed to print {} (exit status {}); its stderr: {}",
                               chromium, html.string(), run.exit_code, Tail(run.stderr_text)));
  }
  MT_ASSIGN_OR_RETURN(std::string bytes, ReadFileToString(printed));
  if (bytes.compare(0, 5, "%PDF-") != 0) {
    return DataLossError(fmt::format("{} wrote {} bytes to {} that are not a PDF", chromium,
                                     bytes.size(), printed.string()));
  }
  fs::path tmp = pdf;
  tmp += ".tmp";
  MT_RETURN_IF_ERROR(WriteFileDurably(tmp, bytes));
  fs::rename(tmp, pdf, ec);
  if (ec) {
    std::string reason = ec.message();
    fs::remove(tmp, ec);
    return IoError(fmt::format("cannot rename {} to {}: {}", tmp.string(), pdf.string(), reason));
  }
  PdfInfo info;
  info.chromium = chromium;
  info.bytes = bytes.size();
  info.pages = CountPdfPages(bytes);
  info.elapsed_ms = run.elapsed_ms;
  return info;
}

}  // namespace moneytrail::report
