// The appendix: custody record, configuration and version, outputs, and the evidence index
// (each cited transaction once, with the anchor the figures link to).
#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "report/html_util.h"
#include "report/report_sections.h"

namespace moneytrail::report_internal {
namespace {

void AppendCustody(const report::CaseReportData& d, std::string& out) {
  out += "<h3 id=\"custody\">Custody record</h3>";
  if (d.custody.empty()) {
    out += "<p class=\"empty\">The store records no source files.</p>";
    return;
  }
  out += "<table class=\"custody\"><thead><tr><th class=\"num\">#</th><th>File</th>"
         "<th>SHA-256</th><th class=\"num\">Bytes</th><th class=\"num\">Rows read</th>"
         "<th class=\"num\">Accepted</th><th class=\"num\">Rejected</th><th>Format</th>"
         "<th>Ingested at</th></tr></thead><tbody>";
  for (size_t i = 0; i < d.custody.size(); ++i) {
    const report::CustodyFileView& f = d.custody[i];
    out += fmt::format(
        "<tr><td class=\"num\">{}</td><td class=\"acct mono\">{}</td><td class=\"hash\">{}</td>"
        "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
        "<td class=\"num\">{}</td><td>{}</td><td class=\"time\">{}</td></tr>",
        i, Escape(f.path), Escape(f.sha256), FormatCount(f.bytes), FormatCount(f.rows_read),
        FormatCount(f.rows_accepted), FormatCount(f.rows_rejected), Escape(f.format),
        Escape(f.ingested_at));
  }
  out += "</tbody></table><p class=\"note\">Rows read = rows accepted + rows rejected for every "
         "file; rejected rows are listed with their reasons in the store's reject file.</p>";
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
                     "({}). The source is the file of the custody record and its 1-based line."
                     "</p>",
                     FormatCount(txs.size()));
  out += "<table class=\"tx evidence\"><thead><tr><th class=\"num\">Id</th><th>Date and time"
         "</th><th>From</th><th>To</th><th>Channel</th><th class=\"num\">Amount</th>"
         "<th>Source</th></tr></thead><tbody>";
  for (const report::TxView* tx : txs) {
    out += fmt::format(
        "<tr id=\"tx-{}\"><td class=\"num\">{}</td><td class=\"time\">{}</td>"
        "<td class=\"acct\">{}</td><td class=\"acct\">{}</td><td>{}</td><td class=\"num\">{}</td>"
        "<td class=\"src\">{}</td></tr>",
        tx->id, tx->id, Escape(FormatDateTime(tx->time)), Escape(tx->from), Escape(tx->to),
        Escape(tx->channel), Escape(FormatMoney(tx->amount)), Escape(FormatSource(tx->source)));
  }
  out += "</tbody></table>";
}

}  // namespace

void AppendAppendix(const report::CaseReportData& d, std::string& out) {
  out += "<section class=\"page appendix\" id=\"appendix\"><h2>Appendix</h2>";
  AppendCustody(d, out);
  AppendConfiguration(d, out);
  AppendOutputs(d, out);
  AppendEvidenceIndex(d, out);
  out += "</section>\n";
}

}  // namespace moneytrail::report_internal
