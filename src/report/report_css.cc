// The case report's style sheet: system fonts only (DejaVu on Debian, and WenQuanYi Micro Hei
// for Chinese, Japanese and Korean names: scripts/install-deps), no url(), no @import.
// Print rules (the paper size, margins and page header and footer are added per report by
// report_html.cc): each subject on a new page, rows and figures never split,
// table headers repeated on every page, and colours kept (print-color-adjust).
#include "report/report_sections.h"

namespace moneytrail::report_internal {

std::string_view ReportCss() {
  return R"css(
:root { --ink: #1a1a1a; --muted: #5a6570; --line: #d5dbe1; --accent: #1f3b57;
        --soft: #f4f6f8; --warn: #a8321e; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; color: var(--ink); background: #e9edf1;
       font: 14px/1.45 "DejaVu Sans", "Liberation Sans", Arial, Helvetica,
             "WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif; }
main { max-width: 1040px; margin: 24px auto; }
section.page { background: #fff; padding: 28px 36px; margin-bottom: 24px;
               box-shadow: 0 1px 4px rgba(0,0,0,.12); border-radius: 4px; }
h1 { font-size: 24px; margin: 0 0 4px; color: var(--accent); }
h2 { font-size: 19px; margin: 26px 0 10px; color: var(--accent);
     border-bottom: 2px solid var(--accent); padding-bottom: 3px; }
h3 { font-size: 15.5px; margin: 20px 0 8px; color: var(--accent); }
h4 { font-size: 14px; margin: 14px 0 6px; }
h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
p { margin: 6px 0; }
a { color: #1f5f99; text-decoration: none; }
.muted, .note { color: var(--muted); }
.note { font-size: 12.5px; }
.empty { color: var(--muted); font-style: italic; }
.mono, code, td.num, td.src, td.hash {
  font-family: "DejaVu Sans Mono", "Liberation Mono", "WenQuanYi Micro Hei Mono", monospace; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 3px 16px; margin: 10px 0; }
.meta dt { color: var(--muted); }
.meta dd { margin: 0; overflow-wrap: anywhere; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 14px 0; }
.card { flex: 1 1 150px; background: var(--soft); border-left: 4px solid var(--accent);
        padding: 8px 12px; break-inside: avoid; }
.card .big { font-size: 21px; font-weight: bold; color: var(--accent); display: block; }
.card .label { font-size: 12px; color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: 8px 0 12px; font-size: 12.5px; }
caption { text-align: left; font-weight: bold; padding: 4px 0; color: var(--muted); }
th, td { border-bottom: 1px solid var(--line); padding: 4px 6px; text-align: left;
         vertical-align: top; }
th { background: var(--soft); font-weight: bold; white-space: nowrap; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.src, td.time { white-space: nowrap; }
td.hash { font-size: 11px; overflow-wrap: anywhere; }
td.acct { overflow-wrap: anywhere; }
table.tx td.acct, table.holdings td.acct { overflow-wrap: normal; white-space: nowrap; }
td.bad { color: var(--warn); font-weight: bold; }
tr { break-inside: avoid; page-break-inside: avoid; }
thead { display: table-header-group; }
tr.total td { font-weight: bold; border-top: 2px solid var(--ink); }
tr.check td { color: #2d6a2d; }
tr.check.bad td:first-child { color: var(--warn); font-weight: bold; }
.subject-head { display: flex; justify-content: space-between; align-items: baseline;
                border-bottom: 3px solid var(--accent); padding-bottom: 6px; }
.subject-head .rank { font-size: 13px; color: var(--muted); }
.score { font-size: 22px; font-weight: bold; color: var(--warn); }
.alert { border: 1px solid var(--line); border-left: 5px solid var(--warn); padding: 8px 12px;
         margin: 10px 0; background: #fff; }
.alert .head { display: flex; justify-content: space-between; gap: 8px; }
.alert .title { font-weight: bold; }
.badge { display: inline-block; font-size: 11px; padding: 1px 7px; border-radius: 9px;
         background: var(--accent); color: #fff; white-space: nowrap; }
.badge.high, .badge.critical, .badge.report { background: var(--warn); }
.badge.medium { background: #b8730b; }
.badge.low { background: #6b7a88; }
.citation { font-size: 12px; color: var(--muted); }
.sentence { margin: 6px 0; }
.figures { display: flex; flex-wrap: wrap; gap: 4px 18px; font-size: 12.5px; margin: 4px 0; }
.figures span b { font-weight: normal; color: var(--muted); }
figure { margin: 12px 0; break-inside: avoid; page-break-inside: avoid; }
figcaption { font-size: 12.5px; color: var(--muted); margin-top: 4px; }
svg { max-width: 100%; height: auto; }
svg text { font-family: "DejaVu Sans", "Liberation Sans", Arial, "WenQuanYi Micro Hei", sans-serif; }
svg.bar { vertical-align: middle; }
.chart-frame { border: 1px solid var(--line); background: #fff; padding: 6px; }
.chart-frame > svg { display: block; margin: 0 auto; }
svg.flow-chart { max-width: 100%; height: auto; max-height: 190mm; display: block;
                 margin: 0 auto; }
.landscape-page svg.flow-chart { max-height: 150mm; }
@media print {
  .landscape-page { page: landscape; break-before: page; break-after: page; }
}
table.forensic { font-size: 11.5px; }
table.forensic td.acct { overflow-wrap: anywhere; }
ul.findings { font-size: 11px; padding-left: 18px; overflow-wrap: anywhere; }
ol.findings li { margin: 4px 0; }
.reasons td:first-child { width: 60%; }
nav.toc { margin: 4px 0 0; }
footer { text-align: center; color: var(--muted); font-size: 12px; margin: 8px 0 30px; }
.table-frame { max-width: 100%; overflow-x: auto; }
table.schedule { table-layout: fixed; font-size: 11.5px; }
table.schedule th { white-space: normal; }
table.schedule td, table.schedule td.acct, table.schedule td.time, table.schedule td.src {
  white-space: normal; overflow-wrap: anywhere; }
table.schedule td.num { white-space: nowrap; }
table.schedule th:nth-child(1) { width: 11%; } table.schedule th:nth-child(2) { width: 13%; }
table.schedule th:nth-child(3) { width: 17%; } table.schedule th:nth-child(4) { width: 8%; }
table.schedule th:nth-child(5) { width: 12%; } table.schedule th:nth-child(6) { width: 12%; }
table.schedule th:nth-child(7) { width: 4%; } table.schedule th:nth-child(8) { width: 12%; }
table.schedule th:nth-child(9) { width: 11%; }
.who { color: var(--muted); font-size: 0.92em; }
p.went { font-weight: bold; }
.exhibit-stamp { float: right; font-weight: bold; border: 2px solid var(--ink);
                 padding: 2px 10px; margin: 0 0 6px 12px; }
.marking { text-align: center; font-weight: bold; color: var(--warn);
           border: 2px solid var(--warn); padding: 3px; margin: 0 0 10px; }
@media print {
  body { background: #fff; font-size: 11.5px; }
  main { max-width: none; margin: 0; }
  section.page { box-shadow: none; padding: 0; margin: 0; border-radius: 0; }
  section.page + section.page { break-before: page; page-break-before: always; }
  table { font-size: 10.5px; }
  table.schedule { font-size: 9.5px; }
  a { color: inherit; }
  footer { display: none; }
}
)css";
}

}  // namespace moneytrail::report_internal
