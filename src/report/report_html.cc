// Assembles the case report page and holds the helpers its sections share.
#include <algorithm>
#include <map>
#include <system_error>

#include <fmt/format.h>

#include "moneytrail/case_report.h"
#include "moneytrail/file_util.h"
#include "report/html_util.h"
#include "report/report_sections.h"

namespace moneytrail::report_internal {

std::vector<const report::SubjectView*> SubjectsInRankOrder(const report::CaseReportData& data) {
  std::vector<const report::SubjectView*> out;
  for (const report::SubjectView& s : data.subjects) out.push_back(&s);
  std::stable_sort(out.begin(), out.end(), [](const auto* a, const auto* b) {
    return a->rank < b->rank;
  });
  return out;
}

std::string SubjectAnchor(size_t position) { return fmt::format("subject-{}", position); }

std::vector<const report::TxView*> CitedTransactions(const report::CaseReportData& data) {
  std::map<TransactionId, const report::TxView*> by_id;  // the first mention wins
  for (const report::SubjectView& s : data.subjects) {
    for (const report::AlertView& a : s.alerts) {
      for (const report::TxView& tx : a.evidence) by_id.emplace(tx.id, &tx);
    }
    for (const report::PatternView& p : s.patterns) {
      for (const report::TxView& tx : p.transactions) by_id.emplace(tx.id, &tx);
    }
    for (const report::TraceFlowView& f : s.trace.flows) by_id.emplace(f.tx.id, &f.tx);
  }
  std::vector<const report::TxView*> out;
  out.reserve(by_id.size());
  for (const auto& [id, tx] : by_id) out.push_back(tx);
  std::stable_sort(out.begin(), out.end(), [](const auto* a, const auto* b) {
    return a->time < b->time;
  });
  return out;
}

std::string SourceLink(const report::TxView& tx) {
  return fmt::format("<a href=\"#tx-{}\">{}</a>", tx.id, Escape(FormatSource(tx.source)));
}

std::string ShownOf(size_t shown, uint64_t total, std::string_view noun) {
  if (total <= shown) return "";
  return fmt::format("Shown: {} of {} {}.", FormatCount(shown), FormatCount(total), noun);
}

void AppendTransactionTable(const std::vector<const report::TxView*>& txs,
                            std::string_view caption, std::string& out) {
  out += "<table class=\"tx\">";
  // Computed only from the records, each row citing its source line: a summary under FRE 1006.
  out += fmt::format("<caption>Summary (FRE 1006){}{}</caption>", caption.empty() ? "" : ": ",
                     Escape(caption));
  out +=
      "<thead><tr><th>Date and time</th><th>From</th><th>To</th><th>Channel</th>"
      "<th class=\"num\">Amount</th><th>Source</th></tr></thead><tbody>";
  for (const report::TxView* tx : txs) {
    out += fmt::format(
        "<tr><td class=\"time\">{}</td><td class=\"acct\">{}</td><td class=\"acct\">{}</td>"
        "<td>{}</td><td class=\"num\">{}</td><td class=\"src\">{}</td></tr>",
        Escape(FormatDateTime(tx->time)), Escape(tx->from), Escape(tx->to), Escape(report::ChannelWords(tx->channel)),
        Escape(FormatMoney(tx->amount)), SourceLink(*tx));
  }
  out += "</tbody></table>";
}

namespace {

// `text` as a CSS string literal: quotes, backslashes, angle brackets and control characters
// escaped, so that nothing can end the string or the style element.
std::string CssString(std::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\' || c == '<' || c == '>' || c < 0x20 || c == 0x7F) {
      out += fmt::format("\\{:X} ", c < 0x20 || c == 0x7F ? 0xFFFDu : unsigned{c});
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out + "\"";
}

}  // namespace

// The printed page: paper, margins, and on every page the marking (top centre and bottom
// centre), the case number (bottom left) and "Page N of M" (bottom right), as CSS margin boxes.
std::string PageCss(const report::CaseReportData& d) {
  const char* size = d.paper == report::PaperSize::kA4 ? "A4" : "letter";
  std::string marking = d.marking.empty() ? std::string() : CssString(d.marking);
  std::string left = CssString(d.case_number.empty() ? d.title : "Case " + d.case_number);
  std::string out = fmt::format("@page {{ size: {}; margin: 16mm 12mm 16mm 12mm;\n", size);
  if (!d.exhibit.empty()) {
    out += fmt::format(
        "  @top-right {{ content: {}; font-family: \"DejaVu Sans\", sans-serif; font-size: 10pt; "
        "font-weight: bold; color: #1a1a1a; }}\n",
        CssString("Exhibit " + d.exhibit));
  }
  const char* box =
      "font-family: \"DejaVu Sans\", \"WenQuanYi Micro Hei\", sans-serif; font-size: 8pt; "
      "color: #5a6570;";
  if (!marking.empty()) {
    out += fmt::format("  @top-center {{ content: {}; {} font-weight: bold; color: #a8321e; }}\n",
                       marking, box);
    out += fmt::format("  @bottom-center {{ content: {}; {} font-weight: bold; color: #a8321e; }}\n",
                       marking, box);
  }
  out += fmt::format("  @bottom-left {{ content: {}; {} }}\n", left, box);
  out += fmt::format("  @bottom-right {{ content: \"Page \" counter(page) \" of \" counter(pages); "
                     "{} }}\n}}\n",
                     box);
  // Large charts get a page of their own turned sideways (trace_section.cc); the margin boxes
  // above apply to it as well.
  out += fmt::format("@page landscape {{ size: {} landscape; }}\n", size);
  return out;
}

}  // namespace moneytrail::report_internal

namespace moneytrail::report {

using namespace report_internal;  // NOLINT: this file is the module's assembly point

std::string RenderReportHtml(const CaseReportData& data) {
  std::string out;
  out.reserve(64 * 1024);
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<meta name=\"generator\" content=\"moneytrail " + Escape(data.version) + "\">\n";
  out += "<title>" + Escape(data.title.empty() ? "Case report" : data.title) + "</title>\n";
  out += "<style>";
  out += ReportCss();
  out += PageCss(data);
  out += "</style>\n</head>\n<body>\n<main>\n";
  AppendSummary(data, out);
  AppendCaseTimeline(data, out);
  std::vector<const SubjectView*> subjects = SubjectsInRankOrder(data);
  for (size_t i = 0; i < subjects.size(); ++i) AppendSubject(*subjects[i], i + 1, data.paper, out);
  AppendIntegrity(data, out);
  AppendAppendix(data, out);
  out += "<footer>" + Escape(data.title) + " \xC2\xB7 moneytrail " + Escape(data.version) +
         " \xC2\xB7 " + Escape(FormatIsoText(data.generated_at)) + "</footer>\n";
  out += "</main>\n</body>\n</html>\n";
  return out;
}

Status WriteReportHtml(const CaseReportData& data, const std::filesystem::path& path) {
  std::string html = RenderReportHtml(data);
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  MT_RETURN_IF_ERROR(WriteFileDurably(tmp, html));
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::string reason = ec.message();
    std::filesystem::remove(tmp, ec);
    return IoError(
        fmt::format("cannot rename {} to {}: {}", tmp.string(), path.string(), reason));
  }
  std::filesystem::path dir = path.parent_path();
  return SyncDirectory(dir.empty() ? std::filesystem::path(".") : dir);
}

}  // namespace moneytrail::report
