// One subject's section: header, score reasons, alerts with evidence, pattern instances,
// identifiers shared with other entities, tracing schedule with its reconciliation and flow
// chart, and the cash and wire timeline.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "report/html_util.h"
#include "report/report_sections.h"
#include "report/svg_charts.h"

namespace moneytrail::report_internal {
namespace {

std::string SeverityClass(std::string_view severity) {
  std::string out;
  for (char c : severity) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += c;
    if (c >= 'A' && c <= 'Z') out += static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

void AppendHeader(const report::SubjectView& s, size_t position, std::string& out) {
  out += fmt::format(
      "<div class=\"subject-head\"><div><span class=\"rank\">Subject {} \xC2\xB7 rank {} \xC2\xB7 "
      "{}</span><h2 style=\"border:0;margin:2px 0\">{}</h2><div>{}</div></div>"
      "<div class=\"score\" title=\"evidence tier; the model's probability\">{}<div "
      "class=\"muted\" style=\"font-size:12px\">model probability {}</div></div></div>",
      position, s.rank, Escape(s.kind.empty() ? "account" : s.kind), Escape(s.account),
      s.holder.empty() ? "<span class=\"muted\">holder unknown</span>" : Escape(s.holder),
      s.tier > 0 ? fmt::format("tier {}", s.tier) : std::string(),
      Escape(s.score_text.empty() ? fmt::format("{:.4f}", s.score) : s.score_text));
  out += "<dl class=\"meta\">";
  if (s.accounts.size() > 1 || (s.accounts.size() == 1 && s.accounts[0] != s.account)) {
    std::string list;
    for (const std::string& a : s.accounts) list += (list.empty() ? "" : ", ") + a;
    out += fmt::format("<dt>Accounts</dt><dd class=\"mono\">{}</dd>", Escape(list));
  }
  out += fmt::format("<dt>Transactions</dt><dd>{}</dd>", FormatCount(s.transactions));
  out += fmt::format("<dt>Money in</dt><dd>{}</dd>", Escape(FormatMoneyList(s.total_in)));
  out += fmt::format("<dt>Money out</dt><dd>{}</dd>", Escape(FormatMoneyList(s.total_out)));
  if (!s.score_basis.empty()) {
    out += fmt::format("<dt>Score basis</dt><dd>{}</dd>", Escape(s.score_basis));
  }
  out += "</dl>";
}

void AppendReasons(const report::SubjectView& s, std::string& out) {
  out += "<h3>Why this subject ranks here</h3>";
  if (s.reasons.empty()) {
    out += "<p class=\"empty\">No score reasons were recorded for this subject.</p>";
    return;
  }
  double max_abs = 0;
  for (const report::ReasonView& r : s.reasons) max_abs = std::max(max_abs, std::abs(r.weight));
  out += "<table class=\"reasons\"><thead><tr><th>Reason</th><th class=\"num\">Contribution</th>"
         "<th>Raises (red) or lowers (blue) the score</th></tr></thead><tbody>";
  for (const report::ReasonView& r : s.reasons) {
    out += fmt::format("<tr><td>{}</td><td class=\"num\">{:+.3f}</td><td>{}</td></tr>",
                       Escape(r.text), r.weight, DrawReasonBar(r.weight, max_abs));
  }
  out += "</tbody></table>";
}

void AppendAlert(const report::AlertView& a, std::string& out) {
  out += "<div class=\"alert\"><div class=\"head\"><div>";
  out += fmt::format("<span class=\"title\">{}</span> <span class=\"mono muted\">{}</span>",
                     Escape(a.title.empty() ? a.rule_id : a.title), Escape(a.rule_id));
  out += fmt::format("</div><span class=\"badge {}\">{}</span></div>", SeverityClass(a.severity),
                     Escape(a.severity.empty() ? "alert" : a.severity));
  if (!a.citation.empty()) {
    out += fmt::format("<div class=\"citation\">Cites: {}</div>", Escape(a.citation));
  }
  out += fmt::format("<p class=\"sentence\">{}</p>", Escape(a.sentence));
  out += fmt::format("<div class=\"figures\"><span><b>Alert</b> <span class=\"mono\">{}</span>"
                     "</span><span><b>Window</b> {} \xE2\x80\x93 {}</span>",
                     Escape(a.alert_id), Escape(FormatDateTime(a.window_start)),
                     Escape(FormatDateTime(a.window_end)));
  for (const auto& [name, value] : a.figures) {
    out += fmt::format("<span><b>{}</b> {}</span>", Escape(name), Escape(value));
  }
  if (!a.currency.empty()) {
    out += fmt::format("<span><b>Currency</b> {}</span>", Escape(a.currency));
  }
  out += "</div>";
  if (a.evidence.empty()) {
    out += "<p class=\"empty\">This alert lists no evidence transactions.</p>";
  } else {
    std::vector<const report::TxView*> txs;
    for (const report::TxView& tx : a.evidence) txs.push_back(&tx);
    std::string caption = fmt::format("Evidence ({} transaction{})", FormatCount(txs.size()),
                                      txs.size() == 1 ? "" : "s");
    AppendTransactionTable(txs, caption, out);
    std::string shown = ShownOf(a.evidence.size(), a.evidence_total, "evidence transactions");
    if (!shown.empty()) out += "<p class=\"note\">" + Escape(shown) + "</p>";
  }
  out += "</div>";
}

void AppendAlerts(const report::SubjectView& s, std::string& out) {
  out += "<h3>Alerts</h3>";
  if (s.alerts.empty()) {
    out += "<p class=\"empty\">No alerts involve this subject.</p>";
    return;
  }
  std::string shown = ShownOf(s.alerts.size(), s.alerts_total, "alerts, most severe first");
  if (!shown.empty()) out += "<p class=\"note\">" + Escape(shown) + "</p>";
  for (const report::AlertView& a : s.alerts) AppendAlert(a, out);
}

void AppendPattern(const report::PatternView& p, const report::SubjectView& s, size_t number,
                   std::string& out) {
  std::vector<std::string> highlight = s.accounts;
  highlight.push_back(s.account);
  PatternGraph g = DrawPatternGraph(p, highlight);
  out += fmt::format("<h4>{}. {} \xC2\xB7 {} accounts \xC2\xB7 {} transactions \xC2\xB7 {} "
                     "\xE2\x80\x93 {}</h4>",
                     number, Escape(p.kind), FormatCount(p.accounts.size()),
                     FormatCount(p.transactions.size()), Escape(FormatDateTime(p.first_time)),
                     Escape(FormatDateTime(p.last_time)));
  out += "<figure><div class=\"chart-frame\">" + g.svg +
         "</div><figcaption>Illustrative aid (FRE 107), not evidence; the table below is the "
         "summary. ";
  out += g.layered ? "Money flows left to right. " : "Accounts on a circle, in order of first "
                                                     "transaction. ";
  out += "Filled boxes are the subject's accounts; arrow numbers are the transactions below, "
         "in time order; colours are channels.";
  if (g.hidden_accounts > 0 || g.hidden_transactions > 0) {
    out += fmt::format(" +{} more account{} and +{} more transaction{} not drawn.",
                       g.hidden_accounts, g.hidden_accounts == 1 ? "" : "s",
                       g.hidden_transactions, g.hidden_transactions == 1 ? "" : "s");
  }
  out += "</figcaption></figure>";
  if (p.transactions.empty()) return;
  out += "<table class=\"tx\"><thead><tr><th class=\"num\">#</th><th>Date and time</th>"
         "<th>From</th><th>To</th><th>Channel</th><th class=\"num\">Amount</th><th>Source</th>"
         "</tr></thead><tbody>";
  std::vector<std::string> number_of(p.transactions.size(), "\xE2\x80\x93");
  for (size_t k = 0; k < g.shown_transactions.size(); ++k) {
    number_of[g.shown_transactions[k]] = std::to_string(k + 1);
  }
  for (size_t t = 0; t < p.transactions.size(); ++t) {
    const report::TxView& tx = p.transactions[t];
    out += fmt::format(
        "<tr><td class=\"num\">{}</td><td class=\"time\">{}</td><td class=\"acct\">{}</td>"
        "<td class=\"acct\">{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"src\">{}</td>"
        "</tr>",
        number_of[t], Escape(FormatDateTime(tx.time)), Escape(tx.from), Escape(tx.to),
        Escape(report::ChannelWords(tx.channel)), Escape(FormatMoney(tx.amount)), SourceLink(tx));
  }
  out += "</tbody></table>";
}

void AppendPatterns(const report::SubjectView& s, std::string& out) {
  out += "<h3>Pattern instances</h3>";
  if (s.patterns.empty()) {
    out += "<p class=\"empty\">No pattern instances involve this subject.</p>";
    return;
  }
  std::string shown = ShownOf(s.patterns.size(), s.patterns_total, "pattern instances");
  if (!shown.empty()) out += "<p class=\"note\">" + Escape(shown) + "</p>";
  for (size_t i = 0; i < s.patterns.size(); ++i) AppendPattern(s.patterns[i], s, i + 1, out);
}

// Only when the case knows shared-identifier groups (entities attached by resolve --store).
void AppendShared(const report::SubjectView& s, std::string& out) {
  if (s.shared.empty()) return;
  out += "<h3>Identifiers shared with other entities</h3>";
  std::string shown = ShownOf(s.shared.size(), s.shared_total, "shared identifiers");
  out += "<p class=\"note\">The holder's phone, e-mail, address or id number as other, distinct "
         "entities also give it (entity resolution kept them apart).";
  if (!shown.empty()) out += " " + Escape(shown);
  out += "</p><table><thead><tr><th>identifier</th><th>value</th><th>other entities</th>"
         "<th>their accounts</th></tr></thead><tbody>";
  auto join = [](const std::vector<std::string>& items) {
    std::string list;
    for (const std::string& i : items) list += (list.empty() ? "" : ", ") + i;
    return list;
  };
  for (const report::SharedLinkView& l : s.shared) {
    out += fmt::format("<tr><td>{}</td><td class=\"mono\">{}</td><td class=\"mono\">{}</td>"
                       "<td class=\"mono\">{}</td></tr>",
                       Escape(l.identifier), Escape(l.value), Escape(join(l.entities)),
                       Escape(join(l.accounts)));
  }
  out += "</tbody></table>";
}

void AppendTimeline(const report::SubjectView& s, std::string& out) {
  out += "<h3>Cash and wire timeline</h3>";
  if (s.timeline.empty()) {
    out += "<p class=\"empty\">This subject has no cash or wire activity to show.</p>";
    return;
  }
  out += "<figure><div class=\"chart-frame\">" + DrawTimeline(s.timeline) +
         "</div><figcaption>Illustrative aid (FRE 107), not evidence: inflows above the axis, "
         "outflows below; bar height is the square "
         "root of the amount, relative to the largest amount of the same currency; colours are "
         "channels.";
  std::string shown = ShownOf(s.timeline.size(), s.timeline_total, "events");
  if (!shown.empty()) out += " " + Escape(shown);
  out += "</figcaption></figure>";
}

}  // namespace

void AppendSubject(const report::SubjectView& s, size_t position, report::PaperSize paper,
                   std::string& out) {
  out += fmt::format("<section class=\"page subject\" id=\"{}\">", SubjectAnchor(position));
  AppendHeader(s, position, out);
  AppendReasons(s, out);
  AppendAlerts(s, out);
  AppendPatterns(s, out);
  AppendShared(s, out);
  AppendTrace(s, position, paper, out);
  AppendSchedules(s, out);
  AppendTimeline(s, out);
  out += "</section>\n";
}

}  // namespace moneytrail::report_internal
