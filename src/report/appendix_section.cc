// "Records and their integrity" (the statement checks, description enrichment and custody of
// every source file) and the appendix: configuration and version, outputs, and the evidence
// index (each cited transaction once, with the anchor the figures link to).
#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "report/html_util.h"
#include "report/report_sections.h"

namespace moneytrail::report_internal {
namespace {

void AppendCustody(const report::CaseReportData& d, std::string& out) {
  out += "<h3 id=\"custody\">Custody of the source files</h3>";
  if (d.custody.empty()) {
    out += "<p class=\"empty\">The store records no source files.</p>";
    return;
  }
  out += "<table class=\"custody\"><thead><tr><th class=\"num\">#</th><th>File</th>"
         "<th>SHA-256</th><th class=\"num\">Bytes</th><th class=\"num\">Rows read</th>"
         "<th class=\"num\">Accepted</th><th class=\"num\">Rejected</th>"
         "<th class=\"num\">Merged</th><th>Format</th><th>Encoding</th>"
         "<th>Ingested at</th></tr></thead><tbody>";
  for (size_t i = 0; i < d.custody.size(); ++i) {
    const report::CustodyFileView& f = d.custody[i];
    out += fmt::format(
        "<tr><td class=\"num\">{}</td><td class=\"acct mono\">{}</td><td class=\"hash\">{}</td>"
        "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
        "<td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td>"
        "<td class=\"time\">{}</td></tr>",
        i, Escape(f.path), Escape(f.sha256), FormatCount(f.bytes), FormatCount(f.rows_read),
        FormatCount(f.rows_accepted), FormatCount(f.rows_rejected), FormatCount(f.rows_merged),
        Escape(f.format), Escape(f.encoding.empty() ? "–" : f.encoding), Escape(f.ingested_at));
  }
  out += "</tbody></table><p class=\"note\">Rows read = rows accepted + rows rejected for every "
         "file; rejected rows are listed with their reasons in the store's reject file. Merged: "
         "accepted statement rows that another line's transaction carries (an overlapping "
         "download's copy, or the credit side of a transfer between two statement accounts), "
         "cited on that transaction and not counted twice.</p>";
}

void AppendStatementChecks(const report::CaseReportData& d, std::string& out) {
  out += "<h3 id=\"statement-checks\">Statement checks</h3>";
  if (d.integrity.empty()) {
    out += "<p class=\"empty\">No bank statements were ingested: the records carry no running "
           "balances to check.</p>";
    return;
  }
  out += "<table class=\"integrity\"><caption>Summary (FRE 1006): findings of the statement checks "
         "per ingest</caption><thead><tr><th class=\"num\">Commit</th>"
         "<th class=\"num\">Balance breaks</th><th class=\"num\">Continuity breaks</th>"
         "<th class=\"num\">Gaps</th><th class=\"num\">Overlapping rows recognised</th>"
         "<th class=\"num\">Mirror transfers joined</th></tr></thead><tbody>";
  for (const report::StatementIntegrityView& v : d.integrity) {
    out += fmt::format(
        "<tr><td class=\"num\">{}</td><td class=\"num{}\">{}</td><td class=\"num{}\">{}</td>"
        "<td class=\"num{}\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
        v.segment, v.balance_breaks ? " bad" : "", FormatCount(v.balance_breaks),
        v.continuity_breaks ? " bad" : "", FormatCount(v.continuity_breaks), v.gaps ? " bad" : "",
        FormatCount(v.gaps), FormatCount(v.overlaps), FormatCount(v.mirrors));
  }
  out += "</tbody></table><p class=\"note\">A balance break is a row whose running balance is not "
         "the previous balance plus its amount (or a closing balance that the rows do not reach); "
         "a continuity break, two consecutive statements of an account whose balances do not join; "
         "a gap, days no statement covers. Overlapping rows and mirror transfers are counted once "
         "(docs/statement-checks.md).</p>";
  for (const report::StatementIntegrityView& v : d.integrity) {
    if (v.findings.empty()) continue;
    out += fmt::format("<h4>Findings of commit {}</h4><ul class=\"findings mono\">", v.segment);
    for (const std::string& f : v.findings) out += "<li>" + Escape(f) + "</li>";
    out += "</ul>";
    std::string shown = ShownOf(v.findings.size(), v.findings_total, "findings (all in `moneytrail verify`)");
    if (!shown.empty()) out += "<p class=\"note\">" + Escape(shown) + "</p>";
  }
}

void AppendEnrichment(const report::CaseReportData& d, std::string& out) {
  bool any = false;
  for (const report::StatementIntegrityView& v : d.integrity) any = any || v.enrichment_known;
  if (!any) return;
  out += "<h3 id=\"enrichment\">Descriptions read</h3><table class=\"integrity\"><caption>Summary "
         "(FRE 1006): statement descriptions read by the grammar (channel, counterparty, place)"
         "</caption><thead><tr><th class=\"num\">Commit</th><th class=\"num\">Rows</th>"
         "<th class=\"num\">Read</th><th class=\"num\">Not understood</th>"
         "<th class=\"num\">Without a grammar</th><th class=\"num\">Coverage</th></tr></thead><tbody>";
  for (const report::StatementIntegrityView& v : d.integrity) {
    if (!v.enrichment_known) continue;
    // Coverage in whole per mille, by integers: a count, not money.
    const uint64_t permille = v.rows == 0 ? 0 : (v.enriched * 1000 + v.rows / 2) / v.rows;
    out += fmt::format(
        "<tr><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
        "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}.{}%</td></tr>",
        v.segment, FormatCount(v.rows), FormatCount(v.enriched), FormatCount(v.unmatched),
        FormatCount(v.not_enriched), permille / 10, permille % 10);
  }
  out += "</tbody></table>";
  for (const report::StatementIntegrityView& v : d.integrity) {
    if (v.unmatched_descriptions.empty()) continue;
    out += fmt::format("<table class=\"unmatched\"><caption>Descriptions the grammar did not "
                       "understand, commit {} (most frequent first)</caption><thead><tr>"
                       "<th>Description</th><th class=\"num\">Rows</th></tr></thead><tbody>",
                       v.segment);
    for (const auto& [text, rows] : v.unmatched_descriptions) {
      out += fmt::format("<tr><td class=\"acct mono\">{}</td><td class=\"num\">{}</td></tr>",
                         Escape(text), FormatCount(rows));
    }
    out += "</tbody></table>";
  }
}

void AppendConfiguration(const report::CaseReportData& d, std::string& out) {
  out += "<h3 id=\"configuration\">Configuration and version</h3><table class=\"config\">"
         "<thead><tr><th>Setting</th><th>Value</th></tr></thead><tbody>";
  // Each (setting, value) once: the data's configuration may repeat the rows printed first.
  std::vector<std::pair<std::string, std::string>> shown;
  auto row = [&](std::string_view name, std::string_view value) {
    std::pair<std::string, std::string> key{std::string(name), std::string(value)};
    if (std::find(shown.begin(), shown.end(), key) != shown.end()) return;
    shown.push_back(std::move(key));
    out += fmt::format("<tr><td>{}</td><td class=\"acct mono\">{}</td></tr>", Escape(name),
                       Escape(value));
  };
  row("moneytrail version", d.version);
  row("report generated at", FormatIsoText(d.generated_at));
  row("store", d.store_dir);
  row("store manifest SHA-256", d.manifest_sha256);
  for (const auto& [name, value] : d.configuration) row(name, value);
  out += "</tbody></table>";
}

void AppendOutputs(const report::CaseReportData& d, std::string& out) {
  out += "<h3>Outputs of this case</h3>";
  if (d.outputs.empty()) {
    out += "<p class=\"empty\">No other outputs were recorded.</p>";
    return;
  }
  out += "<table class=\"outputs\"><thead><tr><th>File</th><th>What it holds</th></tr></thead>"
         "<tbody>";
  for (const auto& [file, what] : d.outputs) {
    out += fmt::format("<tr><td class=\"acct mono\">{}</td><td>{}</td></tr>", Escape(file),
                       Escape(what));
  }
  out += "</tbody></table>";
}

void AppendEvidenceIndex(const report::CaseReportData& d, std::string& out) {
  out += "<h3 id=\"evidence\">Evidence index</h3>";
  std::vector<const report::TxView*> txs = CitedTransactions(d);
  if (txs.empty()) {
    out += "<p class=\"empty\">No transaction is cited in this report.</p>";
    return;
  }
  out += fmt::format("<p class=\"note\">Every transaction cited above, once, in time order "
                     "({}). The source is the file of the custody record and its 1-based line; for a "
                     "PDF, the line of its text and, in brackets, the page and line it is printed on."
                     "</p>",
                     FormatCount(txs.size()));
  out += "<table class=\"tx evidence\"><caption>Summary (FRE 1006): the cited transactions and "
         "their source lines</caption><thead><tr><th class=\"num\">Id</th><th>Date and time"
         "</th><th>From</th><th>To</th><th>Channel</th><th class=\"num\">Amount</th>"
         "<th>Source</th></tr></thead><tbody>";
  for (const report::TxView* tx : txs) {
    out += fmt::format(
        "<tr id=\"tx-{}\"><td class=\"num\">{}</td><td class=\"time\">{}</td>"
        "<td class=\"acct\">{}</td><td class=\"acct\">{}</td><td>{}</td><td class=\"num\">{}</td>"
        "<td class=\"src\">{}</td></tr>",
        tx->id, tx->id, Escape(FormatDateTime(tx->time)), Escape(tx->from), Escape(tx->to),
        Escape(report::ChannelWords(tx->channel)), Escape(FormatMoney(tx->amount)), Escape(FormatSource(tx->source)));
  }
  out += "</tbody></table>";
}

}  // namespace

void AppendIntegrity(const report::CaseReportData& d, std::string& out) {
  out += "<section class=\"page integrity\" id=\"integrity\"><h2>Records and their integrity</h2>";
  out += "<p class=\"note\">What the records are, where they came from and what checks they "
         "pass: the statement checks and description reading recorded at ingest, and the custody "
         "of every source file (SHA-256, rows read, accepted, rejected).</p>";
  AppendStatementChecks(d, out);
  AppendEnrichment(d, out);
  AppendCustody(d, out);
  out += "</section>\n";
}

void AppendAppendix(const report::CaseReportData& d, std::string& out) {
  out += "<section class=\"page appendix\" id=\"appendix\"><h2>Appendix</h2>";
  AppendConfiguration(d, out);
  AppendOutputs(d, out);
  AppendEvidenceIndex(d, out);
  out += "</section>\n";
}

}  // namespace moneytrail::report_internal
