// The summary page: what was analysed, the alerts by rule, the findings and the top subjects.
#include <algorithm>

#include <fmt/format.h>

#include "report/html_util.h"
#include "report/report_sections.h"
#include "report/svg_charts.h"

namespace moneytrail::report_internal {
namespace {

void AppendCard(std::string_view value, std::string_view label, std::string& out) {
  out += fmt::format("<div class=\"card\"><span class=\"big\">{}</span><span class=\"label\">{}"
                     "</span></div>",
                     Escape(value), Escape(label));
}

std::string Headline(const report::SubjectView& s) {
  if (!s.headline.empty()) return s.headline;
  if (!s.alerts.empty()) return s.alerts.front().title;
  if (!s.reasons.empty()) return s.reasons.front().text;
  return s.score_basis;
}

void AppendAnalysed(const report::CaseReportData& d, std::string& out) {
  out += "<h2>What was analysed</h2><dl class=\"meta\">";
  auto row = [&](std::string_view name, const std::string& value, const char* cls = "") {
    out += fmt::format("<dt>{}</dt><dd class=\"{}\">{}</dd>", Escape(name), cls, Escape(value));
  };
  row("Store", d.store_dir, "mono");
  row("Manifest SHA-256", d.manifest_sha256, "mono");
  row("Source files", FormatCount(d.custody.size()));
  row("Transactions", FormatCount(d.transactions));
  row("Accounts", FormatCount(d.accounts));
  row("Period", d.transactions == 0 ? std::string("no transactions")
                                    : FormatPeriod(d.first_time, d.last_time));
  out += "</dl>";
  if (d.volume.empty()) {
    out += "<p class=\"empty\">No money was analysed (the store holds no transactions).</p>";
    return;
  }
  out += "<table class=\"volume\"><caption>Money analysed (sum of amounts paid, per currency; "
         "currencies are never added together)</caption><thead><tr><th>Currency</th>"
         "<th class=\"num\">Amount</th></tr></thead><tbody>";
  for (const report::Money& m : d.volume) {
    out += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td></tr>", Escape(m.currency),
                       Escape(FormatMoney(m)));
  }
  out += "</tbody></table>";
}

void AppendAlertsByRule(const report::CaseReportData& d, std::string& out) {
  out += "<h2>Alerts by rule</h2>";
  if (d.alerts_per_rule.empty()) {
    out += "<p class=\"empty\">No rule raised an alert.</p>";
    return;
  }
  uint64_t top = 0;
  for (const auto& [rule, n] : d.alerts_per_rule) top = std::max(top, n);
  out += "<table class=\"rules\"><thead><tr><th>Rule</th><th class=\"num\">Alerts</th><th></th>"
         "</tr></thead><tbody>";
  for (const auto& [rule, n] : d.alerts_per_rule) {
    out += fmt::format("<tr><td class=\"mono\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                       Escape(rule), FormatCount(n),
                       DrawShareBar(top > 0 ? static_cast<double>(n) / top : 0));
  }
  out += fmt::format("<tr class=\"total\"><td>All rules</td><td class=\"num\">{}</td><td></td>"
                     "</tr></tbody></table>",
                     FormatCount(d.alerts_total));
}

void AppendTopSubjects(const report::CaseReportData& d, std::string& out) {
  out += "<h2>Top subjects</h2>";
  std::vector<const report::SubjectView*> subjects = SubjectsInRankOrder(d);
  if (subjects.empty()) {
    out += "<p class=\"empty\">No subject was ranked.</p>";
    return;
  }
  out += fmt::format("<p class=\"note\">{} of {} ranked subjects are examined in this report, "
                     "one section each.</p>",
                     FormatCount(subjects.size()), FormatCount(d.subjects_total));
  out += "<table class=\"subjects\"><thead><tr><th class=\"num\">Rank</th><th>Subject</th>"
         "<th>Holder</th><th class=\"num\">Tier</th><th class=\"num\" title=\"the calibrated probability "
         "that the subject's highest-scoring transaction is laundering; it only breaks ties of the "
         "evidence; four decimals, more only where two listed subjects would read the same\">Model "
         "probability<br><span class=\"muted\">(tie-breaker)</span></th><th class=\"num\">Alerts</th>"
         "<th>Headline</th></tr></thead><tbody>";
  for (size_t i = 0; i < subjects.size(); ++i) {
    const report::SubjectView& s = *subjects[i];
    out += fmt::format(
        "<tr><td class=\"num\">{}</td><td class=\"acct mono\"><a href=\"#{}\">{}</a></td>"
        "<td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
        "<td>{}</td></tr>",
        s.rank, SubjectAnchor(i + 1), Escape(s.account),
        s.holder.empty() ? "<span class=\"muted\">unknown</span>" : Escape(s.holder), s.tier,
        Escape(s.score_text.empty() ? fmt::format("{:.4f}", s.score) : s.score_text),
        FormatCount(std::max<uint64_t>(s.alerts_total, s.alerts.size())), Escape(Headline(s)));
  }
  out += "</tbody></table>";
}

}  // namespace

void AppendSummary(const report::CaseReportData& d, std::string& out) {
  out += "<section class=\"page summary\" id=\"summary\">";
  if (!d.marking.empty()) out += "<div class=\"marking\">" + Escape(d.marking) + "</div>";
  if (!d.exhibit.empty()) {
    out += "<div class=\"exhibit-stamp\">Exhibit " + Escape(d.exhibit) + "</div>";
  }
  out += fmt::format("<h1>{}</h1>", Escape(d.title.empty() ? "Case report" : d.title));
  if (!d.case_number.empty() || !d.agency.empty() || !d.author.empty()) {
    out += "<dl class=\"meta case\">";
    auto row = [&](std::string_view name, const std::string& value) {
      if (!value.empty()) out += fmt::format("<dt>{}</dt><dd>{}</dd>", name, Escape(value));
    };
    row("Case number", d.case_number);
    row("Agency", d.agency);
    row("Prepared by", d.author);
    out += "</dl>";
  }
  out += fmt::format("<p class=\"muted\">Generated {} by moneytrail {}. Every figure cites its "
                     "source file and line; the <a href=\"#evidence\">evidence index</a> lists "
                     "each cited transaction once.</p>",
                     Escape(FormatIsoText(d.generated_at)), Escape(d.version));
  std::vector<const report::SubjectView*> subjects = SubjectsInRankOrder(d);
  out += "<nav class=\"toc note\">Contents: <a href=\"#summary\">summary</a>";
  if (!subjects.empty()) {
    out += fmt::format(" \xC2\xB7 <a href=\"#{}\">subjects</a> (one section each, {} in all)",
                       SubjectAnchor(1), subjects.size());
  }
  out += " \xC2\xB7 appendix: <a href=\"#custody\">custody record</a>, <a "
         "href=\"#configuration\">configuration</a>, <a href=\"#evidence\">evidence index</a>"
         "</nav>";
  out += "<div class=\"cards\">";
  AppendCard(FormatCount(d.transactions), "transactions analysed", out);
  AppendCard(FormatCount(d.accounts), "accounts", out);
  AppendCard(FormatCount(d.alerts_total), "alerts", out);
  AppendCard(FormatCount(d.pattern_instances), "pattern instances", out);
  AppendCard(FormatCount(d.subjects_total), "subjects ranked", out);
  out += "</div>";
  out += "<h2>Findings</h2>";
  if (d.findings.empty()) {
    out += "<p class=\"empty\">No findings were recorded.</p>";
  } else {
    out += "<ol class=\"findings\">";
    for (const std::string& f : d.findings) out += "<li>" + Escape(f) + "</li>";
    out += "</ol>";
  }
  AppendTopSubjects(d, out);
  AppendAnalysed(d, out);
  AppendAlertsByRule(d, out);
  out += "</section>\n";
}

}  // namespace moneytrail::report_internal
