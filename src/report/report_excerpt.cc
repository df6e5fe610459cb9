// One subject's part of a rendered case report, for an exhibit pack (moneytrail/report_excerpt.h).
// Works on the report's own HTML (report_html.cc and its sections write it), so that the excerpt
// shows exactly what the case report printed.
#include <fmt/format.h>

#include <set>
#include <string>

#include "moneytrail/report_excerpt.h"
#include "report/html_util.h"
#include "report/report_sections.h"

namespace moneytrail::report {

namespace {

using report_internal::Escape;

// The numbers of the "#tx-N" links in `html`.
std::set<std::string> LinkedTransactions(std::string_view html) {
  std::set<std::string> ids;
  constexpr std::string_view kLink = "href=\"#tx-";
  for (size_t at = html.find(kLink); at != std::string_view::npos; at = html.find(kLink, at + 1)) {
    const size_t begin = at + kLink.size();
    size_t end = begin;
    while (end < html.size() && html[end] >= '0' && html[end] <= '9') ++end;
    if (end > begin) ids.emplace(html.substr(begin, end - begin));
  }
  return ids;
}

// The evidence index of the report's appendix with only the rows of `ids`; empty when the
// report has no index.
std::string EvidenceRows(std::string_view html, const std::set<std::string>& ids) {
  const size_t table = html.find("<table class=\"tx evidence\">");
  if (table == std::string_view::npos || ids.empty()) return "";
  const size_t body = html.find("<tbody>", table);
  const size_t end = html.find("</tbody></table>", table);
  if (body == std::string_view::npos || end == std::string_view::npos || end < body) return "";
  std::string out(html.substr(table, body + 7 - table));
  constexpr std::string_view kRow = "<tr id=\"tx-";
  for (size_t at = html.find(kRow, body); at != std::string_view::npos && at < end;) {
    const size_t row_end = html.find("</tr>", at);
    if (row_end == std::string_view::npos || row_end > end) break;
    const size_t id_begin = at + kRow.size();
    const std::string_view id = html.substr(id_begin, html.find('"', id_begin) - id_begin);
    if (ids.count(std::string(id)) != 0) out += html.substr(at, row_end + 5 - at);
    at = html.find(kRow, row_end);
  }
  return out + "</tbody></table>";
}

}  // namespace

Result<std::string> SubjectExcerptHtml(std::string_view html, size_t position,
                                       std::string_view exhibit, std::string_view heading) {
  const size_t main = html.find("<main>\n");
  const size_t style_end = html.find("</style>");
  if (main == std::string_view::npos || style_end == std::string_view::npos || style_end > main ||
      html.find("<meta name=\"generator\" content=\"moneytrail ") == std::string_view::npos) {
    return InvalidArgumentError("not a case report written by moneytrail (no generator, style or main)");
  }
  const std::string open = fmt::format("<section class=\"page subject\" id=\"{}\">",
                                       report_internal::SubjectAnchor(position));
  const size_t begin = html.find(open);
  if (begin == std::string_view::npos) {
    return NotFoundError(fmt::format("the report has no section for the subject at rank position {} "
                                     "(it shows only its top subjects)",
                                     position));
  }
  const size_t close = html.find("</section>\n", begin);
  if (close == std::string_view::npos) return InvalidArgumentError("the subject's section does not end");
  const std::string_view section = html.substr(begin, close + 11 - begin);

  std::string out(html.substr(0, style_end));
  // Later @page rules win: every page of the excerpt carries the exhibit number (top right);
  // the report's own rules already number the pages "Page N of M", now within the excerpt.
  if (!exhibit.empty()) {
    std::string stamp;
    for (char c : "Exhibit " + std::string(exhibit)) {
      const auto u = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\' || c == '<' || c == '>' || u < 0x20 || u == 0x7F) {
        stamp += fmt::format("\\{:X} ", u < 0x20 || u == 0x7F ? 0xFFFDu : unsigned{u});
      } else {
        stamp += c;
      }
    }
    out += fmt::format(
        "\n@page {{ @top-right {{ content: \"{}\"; font-family: \"DejaVu Sans\", sans-serif; "
        "font-size: 10pt; font-weight: bold; color: #1a1a1a; }} }}\n",
        stamp);
  }
  out += html.substr(style_end, main + 7 - style_end);
  out += "<header class=\"exhibit-excerpt\"><h1>" + Escape(heading) + "</h1>";
  out += "<p class=\"note\">The part of the case report that concerns this subject, as the report "
         "printed it, with the evidence index rows its figures cite. Pages are numbered within "
         "this exhibit.</p></header>\n";
  out += section;
  const std::string evidence = EvidenceRows(html, LinkedTransactions(section));
  if (!evidence.empty()) {
    out += "<section class=\"page appendix\" id=\"appendix\"><h3 id=\"evidence\">Evidence index"
           "</h3>" + evidence + "</section>\n";
  }
  const size_t footer = html.find("<footer>", close);
  if (footer != std::string_view::npos) out += html.substr(footer);
  else out += "</main>\n</body>\n</html>\n";
  return out;
}

}  // namespace moneytrail::report
