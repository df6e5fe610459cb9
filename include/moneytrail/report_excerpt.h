// One subject's part of a rendered case report, as a page of its own for an exhibit pack
// (issue 21, item 5; docs/exhibits.md): `moneytrail exhibit` prints it, stamped, into the pack's
// exhibit.pdf instead of freezing the whole case's report.
//
// Example:
//   MT_ASSIGN_OR_RETURN(std::string html, ReadFileToString(case_dir / "report.html"));
//   MT_ASSIGN_OR_RETURN(std::string part,
//                       report::SubjectExcerptHtml(html, 1, "GX-7", "Exhibit GX-7: E3727"));
//   // write `part` to a file, then report::PrintPdf (moneytrail/case_report.h)
#ifndef MONEYTRAIL_REPORT_EXCERPT_H_
#define MONEYTRAIL_REPORT_EXCERPT_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "moneytrail/status.h"

namespace moneytrail::report {

// `report_html` is report.html as report::RenderReportHtml wrote it. The result holds the
// report's style sheet, `heading` (escaped), the subject's section (its `position` in rank
// order, 1-based, as the report's anchors "subject-N" number them), the rows of the evidence
// index that its figures link to, and the report's footer. Every printed page is stamped
// "Exhibit <exhibit>" at the top right (when `exhibit` is not empty; quotes, backslashes and
// angle brackets cannot leave the style sheet) and keeps the report's marking, case number and
// "Page N of M", numbered within the excerpt. NotFound when the report has no section at
// `position` (it shows only its top subjects); InvalidArgument when `report_html` is not a
// report moneytrail wrote. Deterministic.
Result<std::string> SubjectExcerptHtml(std::string_view report_html, size_t position,
                                       std::string_view exhibit, std::string_view heading);

}  // namespace moneytrail::report

#endif  // MONEYTRAIL_REPORT_EXCERPT_H_
