// The tracing part of a subject's section: totals that visibly reconcile (traced in = still
// held + every exit, per currency, checked exactly), the flow-of-funds chart, the schedule and
// the holdings.
#include <algorithm>

#include <fmt/format.h>

#include "report/html_util.h"
#include "report/report_sections.h"
#include "report/svg_charts.h"

namespace moneytrail::report_internal {
namespace {

void AppendTotals(const report::TraceView& t, std::string& out) {
  if (t.totals.empty()) {
    out += "<p class=\"empty\">The trace moved no money.</p>";
    return;
  }
  // Every exit row, in order of first appearance: what happened in words when the investigation
  // described the exits, else the exit kinds in words.
  auto parts_of = [](const report::TraceTotalsView& c) -> const auto& {
    return c.exits_described.empty() ? c.exits : c.exits_described;
  };
  auto words_of = [](const report::TraceTotalsView& c, const std::string& name) {
    return c.exits_described.empty() ? report::ExitKindWords(name) : name;
  };
  std::vector<std::string> kinds;
  for (const report::TraceTotalsView& c : t.totals) {
    for (const auto& [kind, amount] : parts_of(c)) {
      std::string w = words_of(c, kind);
      if (std::find(kinds.begin(), kinds.end(), w) == kinds.end()) kinds.push_back(w);
    }
  }
  out += "<table class=\"totals\"><caption>Summary (FRE 1006): Where the traced money went (per currency)</caption>"
         "<thead><tr><th></th>";
  for (const report::TraceTotalsView& c : t.totals) {
    out += fmt::format("<th class=\"num\">{}</th>", Escape(c.currency));
  }
  out += "</tr></thead><tbody><tr><td>Traced in</td>";
  for (const report::TraceTotalsView& c : t.totals) {
    out += fmt::format("<td class=\"num\">{}</td>", Escape(FormatMoney(c.traced_in, c.currency)));
  }
  out += "</tr><tr><td>Still held at the end</td>";
  for (const report::TraceTotalsView& c : t.totals) {
    out += fmt::format("<td class=\"num\">{}</td>", Escape(FormatMoney(c.remaining, c.currency)));
  }
  out += "</tr>";
  for (const std::string& kind : kinds) {
    out += fmt::format("<tr><td>Left by {}</td>", Escape(kind));
    for (const report::TraceTotalsView& c : t.totals) {
      const auto& parts = parts_of(c);
      auto it = std::find_if(parts.begin(), parts.end(),
                             [&](const auto& e) { return words_of(c, e.first) == kind; });
      out += it == parts.end()
                 ? std::string("<td class=\"num muted\">\xE2\x80\x93</td>")
                 : fmt::format("<td class=\"num\">{}</td>",
                               Escape(FormatMoney(it->second, c.currency)));
    }
    out += "</tr>";
  }
  // The reconciliation, computed exactly: still held + exits, and its difference from traced in.
  std::string accounted = "<tr class=\"total\"><td>Still held + exits</td>";
  std::string check;
  bool all_reconcile = true;
  for (const report::TraceTotalsView& c : t.totals) {
    DecimalSum sum;
    bool ok = sum.Add(c.remaining).ok();
    for (const auto& [kind, amount] : c.exits) ok = ok && sum.Add(amount).ok();
    Result<Decimal> total = sum.value();
    DecimalSum diff;
    ok = ok && total.ok() && diff.Add(c.traced_in).ok() && diff.Subtract(*total).ok();
    Result<Decimal> d = ok ? diff.value() : Result<Decimal>(OutOfRangeError("overflow"));
    if (!ok || !d.ok()) {
      all_reconcile = false;
      accounted += "<td class=\"num\">(too large to add)</td>";
      check += "<td class=\"num\">not checked</td>";
      continue;
    }
    accounted += fmt::format("<td class=\"num\">{}</td>", Escape(FormatMoney(*total, c.currency)));
    bool zero = d->units == 0;
    all_reconcile = all_reconcile && zero;
    check += zero ? fmt::format("<td class=\"num\">0 \xE2\x9C\x93 reconciles</td>")
                  : fmt::format("<td class=\"num bad\">{} \xE2\x9C\x97 does not reconcile</td>",
                                Escape(FormatMoney(*d, c.currency)));
  }
  out += accounted + "</tr>";
  out += all_reconcile ? "<tr class=\"check\">" : "<tr class=\"check bad\">";
  out += "<td>Traced in \xE2\x88\x92 (held + exits)</td>" + check + "</tr></tbody></table>";
  for (const report::TraceTotalsView& c : t.totals) {
    out += "<p class=\"went\">" + Escape(report::WhereTheMoneyWent(c)) + "</p>";
  }
}

void AppendFlowChart(const report::TraceView& t, size_t position, report::PaperSize paper,
                     std::string& out) {
  if (t.flow_chart_svg.empty()) {
    out += "<p class=\"empty\">No flow-of-funds chart is available for this trace (Graphviz "
           "was not available when the case ran).</p>";
    return;
  }
  std::string svg = EmbedGraphvizSvg(t.flow_chart_svg, fmt::format("s{}-", position));
  if (svg.empty()) {
    out += "<p class=\"empty\">The flow-of-funds chart was left out: its SVG was not in the "
           "expected form.</p>";
    return;
  }
  const std::optional<report::ChartOrientation> orientation =
      report::ChartPrintOrientation(t.flow_chart_svg, paper);
  if (!orientation) {
    const double smallest = report::ChartSmallestPrintedFontPt(t.flow_chart_svg, paper,
                                                               report::ChartOrientation::kLandscape);
    out += fmt::format("<p class=\"empty\">The flow-of-funds chart is too large to print legibly "
                       "even on a landscape page (its smallest text would be {:.1f} pt, under {:.0f} pt); it "
                       "is in {}/chart.svg, and every amount it shows is in the tables below.</p>",
                       smallest, report::kMinPrintedChartFontPt,
                       Escape(t.trail_dir.empty() ? std::string("the trail directory") : t.trail_dir));
    return;
  }
  const char* caption =
      "<figcaption>Illustrative aid (FRE 107), not evidence: flow of funds through the accounts "
      "the traced money passed through; edge labels are the traced amounts, each in the tracing "
      "schedule (a summary) with its source lines.</figcaption></figure>";
  if (*orientation == report::ChartOrientation::kLandscape) {
    // A page of its own in landscape: the chart is legible only at that width.
    out += "<div class=\"landscape-page\"><h4>Flow of funds (landscape page)</h4>"
           "<figure><div class=\"chart-frame\">" + svg + "</div>" + caption + "</div>";
    return;
  }
  out += "<figure><div class=\"chart-frame\">" + svg + "</div>" + caption;
}

void AppendSchedule(const report::TraceView& t, std::string& out) {
  if (t.flows.empty()) {
    out += "<p class=\"empty\">The tracing schedule is empty: no traced transaction left the "
           "seeds.</p>";
    return;
  }
  // In time order whatever order the investigation passed (the date is what a reader follows).
  std::vector<const report::TraceFlowView*> lines;
  for (const report::TraceFlowView& f : t.flows) lines.push_back(&f);
  std::stable_sort(lines.begin(), lines.end(), [](const auto* a, const auto* b) {
    return a->tx.time != b->tx.time ? a->tx.time < b->tx.time : a->tx.id < b->tx.id;
  });
  out += "<div class=\"table-frame\"><table class=\"tx schedule\"><caption>Summary (FRE 1006): Tracing schedule "
         "(in time order)</caption><thead><tr><th>Date and time</th><th>From</th><th>To</th>"
         "<th>Channel</th><th class=\"num\">Amount</th><th class=\"num\">Traced part</th>"
         "<th class=\"num\">Hop</th><th>Then</th><th>Source</th></tr></thead><tbody>";
  for (const report::TraceFlowView* f : lines) {
    std::string to = Escape(f->tx.to);
    if (!f->tx.counterparty.empty()) {
      to += "<br><span class=\"who\">" + Escape(f->tx.counterparty) + "</span>";
    }
    out += fmt::format(
        "<tr><td class=\"time\">{}</td><td class=\"acct\">{}</td><td class=\"acct\">{}</td>"
        "<td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
        "<td>{}</td><td class=\"src\">{}</td></tr>",
        Escape(FormatDateTime(f->tx.time)), Escape(f->tx.from), to, Escape(report::ChannelWords(f->tx.channel)),
        Escape(FormatMoney(f->tx.amount)), Escape(FormatMoney(f->attributed)), f->hop,
        Escape(report::ExitKindWords(f->disposition)), SourceLink(f->tx));
  }
  out += "</tbody></table></div>";
  std::string shown = ShownOf(t.flows.size(), t.flows_total, "schedule lines");
  if (!shown.empty()) out += "<p class=\"note\">" + Escape(shown) + "</p>";
}

void AppendPayees(const report::TraceView& t, std::string& out) {
  if (t.payees.empty()) return;
  out += "<table class=\"payees\"><caption>Summary (FRE 1006): Who received the traced money that left</caption>"
         "<thead><tr><th>Paid to</th><th>Where</th><th>How</th><th class=\"num\">Payments</th>"
         "<th class=\"num\">Traced money</th></tr></thead><tbody>";
  for (const report::PayeeView& p : t.payees) {
    out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td>"
                       "<td class=\"num\">{}</td></tr>",
                       Escape(p.who), p.where.empty() ? "<span class=\"muted\">unknown</span>"
                                                      : Escape(p.where),
                       Escape(p.how), FormatCount(p.payments), Escape(FormatMoney(p.amount)));
  }
  out += "</tbody></table>";
  std::string shown = ShownOf(t.payees.size(), t.payees_total, "recipients");
  if (!shown.empty()) out += "<p class=\"note\">" + Escape(shown) + "</p>";
}

void AppendHoldings(const report::TraceView& t, std::string& out) {
  if (t.holdings.empty()) {
    out += "<p class=\"empty\">No traced money is still held in any account.</p>";
    return;
  }
  out += "<table class=\"holdings\"><caption>Summary (FRE 1006): Where traced money is still held</caption><thead>"
         "<tr><th>Account</th><th class=\"num\">Traced money held</th><th class=\"num\">Balance"
         "</th><th class=\"num\">Hop</th></tr></thead><tbody>";
  for (const report::HoldingView& h : t.holdings) {
    out += fmt::format("<tr><td class=\"acct mono\">{}</td><td class=\"num\">{}</td>"
                       "<td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                       Escape(h.account), Escape(FormatMoney(h.remaining)),
                       Escape(FormatMoney(h.balance)), h.hop);
  }
  out += "</tbody></table>";
  std::string shown = ShownOf(t.holdings.size(), t.holdings_total, "holding accounts");
  if (!shown.empty()) out += "<p class=\"note\">" + Escape(shown) + "</p>";
}

}  // namespace

void AppendTrace(const report::SubjectView& s, size_t position, report::PaperSize paper,
                 std::string& out) {
  out += "<h3>Tracing the proceeds</h3>";
  const report::TraceView& t = s.trace;
  if (t.method.empty()) {
    out += "<p class=\"empty\">This subject was not traced.</p>";
    return;
  }
  out += fmt::format("<p>Method: <b>{}</b> \xC2\xB7 seeds: {}", Escape(t.method), Escape(t.seeds));
  if (!t.trail_dir.empty()) {
    out += fmt::format(" \xC2\xB7 full trail in <span class=\"mono\">{}</span>",
                       Escape(t.trail_dir));
  }
  out += "</p>";
  AppendTotals(t, out);
  AppendFlowChart(t, position, paper, out);
  AppendPayees(t, out);
  AppendSchedule(t, out);
  AppendHoldings(t, out);
}

}  // namespace moneytrail::report_internal
