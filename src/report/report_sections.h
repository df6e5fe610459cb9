// Internal: the parts of the case report page. Each Append* function appends well-formed HTML
// to `out`; all text is escaped. report_html.cc assembles them (summary, subjects, appendix).
#ifndef MONEYTRAIL_SRC_REPORT_REPORT_SECTIONS_H_
#define MONEYTRAIL_SRC_REPORT_REPORT_SECTIONS_H_

#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/case_report.h"

namespace moneytrail::report_internal {

// The page's style sheet (screen and print).
std::string_view ReportCss();

// The @page rules of the printed report: paper (Letter or A4), margins, and every page's
// marking, case number and "Page N of M".
std::string PageCss(const report::CaseReportData& data);

// The subjects in rank order (stable: equal ranks keep their input order).
std::vector<const report::SubjectView*> SubjectsInRankOrder(const report::CaseReportData& data);

// The anchor of a subject's section: "subject-<position>" (1-based position in rank order).
std::string SubjectAnchor(size_t position);

// Every transaction cited in the report (alert evidence, pattern edges, tracing schedules),
// once each, ordered by time then id.
std::vector<const report::TxView*> CitedTransactions(const report::CaseReportData& data);

// A table of transactions: date-time, from, to, channel, amount and the source file:line,
// which links to the evidence index ("#tx-<id>"). `caption` may be empty.
void AppendTransactionTable(const std::vector<const report::TxView*>& txs,
                            std::string_view caption, std::string& out);
// The source cell's link: <a href="#tx-7">transactions.csv:12</a>.
std::string SourceLink(const report::TxView& tx);

// "Shown 12 of 40." when the list was capped, else "".
std::string ShownOf(size_t shown, uint64_t total, std::string_view noun);

void AppendSummary(const report::CaseReportData& data, std::string& out);
void AppendSubject(const report::SubjectView& subject, size_t position, report::PaperSize paper,
                   std::string& out);
// The tracing part of a subject's section (trace_section.cc).
// The flow-of-funds chart is left out, with a note, when its text would print under 9 pt.
void AppendTrace(const report::SubjectView& subject, size_t position, report::PaperSize paper,
                 std::string& out);
// A subject's forensic schedules (schedule_section.cc); nothing when it has none.
void AppendSchedules(const report::SubjectView& subject, std::string& out);
// The case's chronological timeline, a page of its own; nothing when empty.
void AppendCaseTimeline(const report::CaseReportData& data, std::string& out);
// "Records and their integrity": statement checks, descriptions read, custody of the files.
void AppendIntegrity(const report::CaseReportData& data, std::string& out);
void AppendAppendix(const report::CaseReportData& data, std::string& out);

}  // namespace moneytrail::report_internal

#endif  // MONEYTRAIL_SRC_REPORT_REPORT_SECTIONS_H_
