// The forensic schedules of a subject and the case's chronological timeline: tables computed
// only from the records (summaries under FRE 1006), each with its CSV in the case directory.
#include <fmt/format.h>

#include "report/html_util.h"
#include "report/report_sections.h"

namespace moneytrail::report_internal {
namespace {

void AppendSchedule(const report::ScheduleView& sc, std::string& out) {
  out += "<h4>" + Escape(sc.title) + "</h4>";
  if (sc.rows.empty()) {
    out += "<p class=\"empty\">" +
           Escape(sc.note.empty() ? std::string("No transaction of this subject belongs here.") : sc.note) +
           "</p>";
    return;
  }
  out += "<div class=\"table-frame\"><table class=\"forensic\"><caption>Summary (FRE 1006): " +
         Escape(sc.title);
  if (!sc.csv.empty()) {
    out += " \xC2\xB7 every row's transactions and source lines: <span class=\"mono\">" +
           Escape(sc.csv) + "</span>";
  }
  out += "</caption><thead><tr>";
  for (size_t c = 0; c < sc.columns.size(); ++c) {
    out += fmt::format("<th{}>{}</th>", c < sc.numeric.size() && sc.numeric[c] ? " class=\"num\"" : "",
                       Escape(sc.columns[c]));
  }
  out += "</tr></thead><tbody>";
  for (const std::vector<std::string>& row : sc.rows) {
    const bool total = !row.empty() && row.size() > 1 && row[1] == "=";
    out += total ? "<tr class=\"total\">" : "<tr>";
    for (size_t c = 0; c < row.size(); ++c) {
      out += fmt::format("<td{}>{}</td>",
                         c < sc.numeric.size() && sc.numeric[c] ? " class=\"num\"" : " class=\"acct\"",
                         Escape(row[c]));
    }
    out += "</tr>";
  }
  out += "</tbody></table></div>";
  std::string shown = ShownOf(sc.rows.size(), sc.rows_total, "rows (the CSV has all)");
  if (!shown.empty()) out += "<p class=\"note\">" + Escape(shown) + "</p>";
  if (!sc.note.empty()) out += "<p class=\"note\">" + Escape(sc.note) + "</p>";
}

}  // namespace

void AppendSchedules(const report::SubjectView& s, std::string& out) {
  if (s.schedules.empty()) return;
  out += "<h3>Schedules</h3>";
  for (const report::ScheduleView& sc : s.schedules) AppendSchedule(sc, out);
}

void AppendCaseTimeline(const report::CaseReportData& d, std::string& out) {
  if (d.timeline.empty()) return;
  out += "<section class=\"page timeline\" id=\"case-timeline\"><h2>Case timeline</h2>";
  out += "<table class=\"forensic\"><caption>Summary (FRE 1006): the top subjects' first and last "
         "transactions and their alerts, in time order";
  if (!d.timeline_csv.empty()) out += " \xC2\xB7 <span class=\"mono\">" + Escape(d.timeline_csv) + "</span>";
  out += "</caption><thead><tr><th>Date and time</th><th>Subject</th><th>Event</th><th>Detail</th>"
         "</tr></thead><tbody>";
  for (const report::CaseEventView& e : d.timeline) {
    out += fmt::format("<tr><td class=\"time\">{}</td><td class=\"acct\">{}</td><td>{}</td>"
                       "<td class=\"acct\">{}</td></tr>",
                       Escape(FormatDateTime(e.time)), Escape(e.subject), Escape(e.event),
                       Escape(e.detail));
  }
  out += "</tbody></table>";
  std::string shown = ShownOf(d.timeline.size(), d.timeline_total, "events (the CSV has all)");
  if (!shown.empty()) out += "<p class=\"note\">" + Escape(shown) + "</p>";
  out += "</section>\n";
}

}  // namespace moneytrail::report_internal
