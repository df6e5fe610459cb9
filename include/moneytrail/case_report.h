// The case report of `moneytrail investigate` (issue 9): a self-contained HTML page (inline CSS
// and SVG, no scripts, no network) and a PDF of it printed by headless Chromium. The report is
// rendered from a CaseReportData, plain values that the investigation fills from the store, the
// alerts, the scores, the pattern instances and the traces (src/cases/); this module only lays
// them out and never reads a store. docs/report.md describes every section.
//
// Example:
//   report::CaseReportData data = ...;            // filled by cases::Investigate
//   std::string html = report::RenderReportHtml(data);
//   MT_RETURN_IF_ERROR(report::WriteReportHtml(data, dir / "report.html"));
//   MT_ASSIGN_OR_RETURN(report::PdfInfo pdf,
//                       report::PrintPdf(dir / "report.html", dir / "report.pdf", {}));
//
// Money: every amount is exact (Decimal and its currency code) and printed with
// FormatDecimalGrouped and the currency ("12,345.67 USD"); amounts of different currencies are
// never added. Sizes in charts may use doubles: they draw, they never state a figure.
//
// Citations: every transaction shown carries its source file and line; the report prints them
// as "transactions.csv:1234" next to the figure and lists every cited transaction once in the
// appendix's evidence index (anchor "tx-<id>"), which the figures link to.
//
// Determinism: the same data gives byte-identical HTML.
#ifndef MONEYTRAIL_CASE_REPORT_H_
#define MONEYTRAIL_CASE_REPORT_H_

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "moneytrail/money.h"
#include "moneytrail/status.h"
#include "moneytrail/transaction.h"

namespace moneytrail::report {

// An exact amount in one currency.
struct Money {
  Decimal amount;
  std::string currency;  // "USD", "Bitcoin", as the store names it
};

// Where a transaction came from: the custody record's file and the 1-based line.
struct SourceRef {
  uint32_t file_index = 0;  // index into CaseReportData::custody
  std::string file;         // the file's name as shown (basename)
  uint32_t line = 0;         // the 1-based line the store cites (a PDF's emitted text line)
  // For a PDF source: where that line is printed, "page 2, line 13" (formats::PdfCitation from
  // its custody record); "" for every other source.
  std::string position;
};

// A channel code in an investigator's words, as every report table, chart and timeline prints it
// (issue 21: what happened in words, never a code): "cash_withdrawal" -> "cash withdrawal",
// "ach" -> "ACH transfer", "unknown" -> "channel not recorded"; "wire", "cash", "cheque" and
// "reinvestment" read as they are; any other text is returned unchanged.
std::string ChannelWords(std::string_view channel);

// One transaction as the report shows it.
struct TxView {
  TransactionId id = 0;
  Timestamp time = 0;
  std::string from;      // account label ("022:87EFEA51A", "cash:022:ATM-3")
  std::string to;
  std::string channel;   // "wire", "cash_deposit", ... (ChannelName)
  Money amount;          // amount paid
  SourceRef source;
  // Who was paid or paid, when the other end is outside the records: the counterparty's name
  // as the bank recorded it, and the place ("Banco Azteca; Mexico City, MX"); empty when none.
  std::string counterparty;
};

struct AlertView {
  std::string alert_id;
  std::string rule_id;
  std::string title;
  std::string citation;   // "FIN-2014-A008; 31 CFR 1010.313"
  std::string severity;
  std::string sentence;   // the alert's plain-English sentence
  Timestamp window_start = 0;
  Timestamp window_end = 0;
  std::vector<std::pair<std::string, std::string>> figures;  // exact figure name -> text
  std::string currency;                                      // of the figures' amounts
  std::vector<TxView> evidence;   // at most a few dozen, in time order
  uint64_t evidence_total = 0;    // evidence transactions in all (may exceed evidence.size())
};

// A pattern instance, drawn as a small graph: accounts are nodes, transactions are edges.
struct PatternView {
  std::string kind;                   // "temporal_cycle", "scatter_gather", "fan_in", ...
  std::vector<std::string> accounts;  // every account of the instance
  std::vector<TxView> transactions;   // its edges, in time order
  Timestamp first_time = 0;
  Timestamp last_time = 0;
};

// Per-currency totals of a trace (traced_in == remaining + sum of exits, to the unit).
struct TraceTotalsView {
  std::string currency;
  Decimal traced_in;
  Decimal remaining;
  // Exit kind name ("cash_withdrawal", "merchant", "external", "conversion", "hop_limit",
  // "below_minimum") -> amount; only non-zero ones.
  std::vector<std::pair<std::string, Decimal>> exits;
  // The same exits, split by what happened in an investigator's words ("cross-border wire to
  // MX", "cash withdrawal", "card spend", "currency exchange", "payment to an outside
  // account", ...), largest first. When not empty its amounts sum exactly to those of `exits`
  // and the report shows these rows instead; when empty the report words the exit kinds.
  std::vector<std::pair<std::string, Decimal>> exits_described;
};

// The words for an exit kind name ("cash_withdrawal" -> "cash withdrawal", "external" ->
// "payment to an outside party", "conversion" -> "currency exchange", "hop_limit" -> "not
// followed further (hop limit)", ...); an unknown name is returned unchanged.
std::string ExitKindWords(std::string_view kind);

// One sentence saying where the traced money of one currency went, naming every part:
// "Of 492,911.92 USD traced, 100,000.00 USD left by cross-border wire to MX, 2,000.00 USD by
// cash withdrawal, ... and 40,000.00 USD is still held in accounts." The parts (the described
// exits, else the exits, and what is still held) sum exactly to traced_in whenever the totals
// reconcile; when they do not, a second sentence says by how much ("... does not reconcile."). `lead` replaces "Of X traced" ("Of X of flagged money traced from ...") when given;
// it must contain the traced amount.
std::string WhereTheMoneyWent(const TraceTotalsView& totals, std::string_view lead = {});

// One line of the tracing schedule.
struct TraceFlowView {
  TxView tx;
  Money attributed;          // the traced part of tx.amount
  uint32_t hop = 0;
  // "followed" or what happened in an investigator's words ("cross-border wire to MX",
  // "cash withdrawal at El Paso, TX", "card spend", "currency exchange", ...).
  std::string disposition;
};

// Who received traced money that left the trace: one outside party (or cash desk, merchant)
// and what reached it.
struct PayeeView {
  std::string who;      // the counterparty's name, else the account label
  std::string where;    // "Mexico City, MX"; empty when unknown
  std::string how;      // "cross-border wire", "cash withdrawal", ...
  Money amount;         // traced money that reached it
  uint64_t payments = 0;
};

// Where traced money is still held at the end.
struct HoldingView {
  std::string account;
  Money remaining;
  Money balance;
  uint32_t hop = 0;
};

struct TraceView {
  std::string method;        // "libr"
  std::string seeds;         // "account 022:87EFEA51A"
  std::vector<TraceTotalsView> totals;
  std::vector<TraceFlowView> flows;     // at most a few dozen, in time order (then id)
  uint64_t flows_total = 0;
  std::vector<PayeeView> payees;        // who was paid, largest first, at most a dozen or so
  uint64_t payees_total = 0;
  std::vector<HoldingView> holdings;    // largest first, at most a dozen
  uint64_t holdings_total = 0;
  std::string flow_chart_svg;  // Graphviz's SVG of the flow of funds; empty when unavailable
  std::string trail_dir;       // relative to the case directory ("trails/01-022-87EFEA51A")
};

// A point of the subject's cash and wire timeline.
struct TimelineEvent {
  Timestamp time = 0;
  std::string channel;   // cash_deposit, cash_withdrawal, wire, ...
  bool inflow = false;   // money into the subject
  Money amount;
  TransactionId id = 0;
};

struct ReasonView {
  std::string text;      // "amount paid 9,500.00 (+1.20)"
  double weight = 0;     // the contribution, for drawing a bar
};

// An identifier (phone, e-mail, address, id number) that the subject's holder shares with
// other resolved entities: resolve's shared-identifier groups (docs/resolve.md).
struct SharedLinkView {
  std::string identifier;             // "phone", "email", "address", "id_number"
  std::string value;                  // the shared normalised value
  std::vector<std::string> entities;  // the other entities sharing it
  std::vector<std::string> accounts;  // the accounts those entities hold
};

// A forensic schedule of one subject, computed only from the records (a summary under FRE
// 1006): a table whose every row counts the transactions behind it; the schedule's CSV file in
// the case directory lists each row's transactions with their source file and line.
struct ScheduleView {
  std::string title;                   // "Monthly summary per account"
  std::vector<std::string> columns;
  std::vector<bool> numeric;           // per column: right-aligned figures
  std::vector<std::vector<std::string>> rows;  // cells as shown (amounts grouped, with currency)
  uint64_t rows_total = 0;             // rows in the CSV (rows may be fewer: "Shown: ...")
  std::string csv;                     // the CSV file, relative to the case directory
  std::string note;                    // how the figures were formed; empty: none
};

// A line of the case's chronological timeline (the top subjects' alerts and activity).
struct CaseEventView {
  Timestamp time = 0;
  std::string subject;   // the subject's label
  std::string event;     // "First transaction", an alert's title, ...
  std::string detail;    // amounts, counts, window
};

struct SubjectView {
  uint32_t rank = 0;
  std::string account;   // account label; for an entity, its id
  std::string holder;    // the holder's name when known, else empty
  std::string kind;      // "account" or "entity"
  std::vector<std::string> accounts;  // an entity's accounts (one for an account subject)
  double score = 0;      // 0..1, the model's probability (a tie-breaker of the ranking)
  // `score` as displayed: four decimals, or up to six where that tells two listed subjects
  // apart (docs/investigate.md, "The displayed score"); empty: `score` at four decimals.
  std::string score_text;
  int tier = 0;          // the ranking's evidence tier, 1 (strongest) .. 5; 0: not ranked in tiers
  std::string score_basis;  // how the rank was formed, in words
  std::string headline;     // one line for the summary's table; empty: the first alert's title,
                            // else the first reason, else the score basis
  std::vector<ReasonView> reasons;  // the top contributions to the score
  uint64_t transactions = 0;
  std::vector<Money> total_in;   // per currency
  std::vector<Money> total_out;
  std::vector<AlertView> alerts;       // at most a dozen, most severe first
  uint64_t alerts_total = 0;
  std::vector<PatternView> patterns;   // at most a few
  uint64_t patterns_total = 0;
  TraceView trace;                     // empty method when not traced
  std::vector<TimelineEvent> timeline; // cash and wire activity, time order (capped)
  uint64_t timeline_total = 0;
  std::vector<SharedLinkView> shared;  // at most a dozen; empty when no groups are known
  uint64_t shared_total = 0;
  // Forensic schedules: monthly summary per account, counterparties, cash by branch, and the
  // methods of proof (bank deposits, source and application of funds) when they apply.
  std::vector<ScheduleView> schedules;
};

struct CustodyFileView {
  std::string path;
  std::string sha256;
  uint64_t bytes = 0;
  uint64_t rows_read = 0;
  uint64_t rows_accepted = 0;
  uint64_t rows_rejected = 0;
  std::string format;
  std::string ingested_at;
  std::string encoding;      // a mapped file's declared encoding; empty when not recorded
  uint64_t rows_merged = 0;  // accepted statement rows carried by another line's transaction
};

// The statement checks and description enrichment one commit recorded (the store's commit
// files statement-checks.json and statement-enrichment.json; docs/statement-checks.md).
struct StatementIntegrityView {
  uint32_t segment = 0;
  uint64_t balance_breaks = 0;
  uint64_t continuity_breaks = 0;
  uint64_t gaps = 0;
  uint64_t overlaps = 0;  // duplicate rows of overlapping statements, recognised
  uint64_t mirrors = 0;   // mirror transfers joined
  std::vector<std::string> findings;  // "path:line: ..." lines (statements::CheckReport::ToText)
  uint64_t findings_total = 0;
  bool enrichment_known = false;  // statement-enrichment.json was present
  uint64_t rows = 0, enriched = 0, unmatched = 0, not_enriched = 0;
  std::vector<std::pair<std::string, uint64_t>> unmatched_descriptions;  // text, rows
};

// Paper of the printed report.
enum class PaperSize { kLetter, kA4 };

struct CaseReportData {
  std::string title;          // "Case report: demo-out/store"
  std::string generated_at;   // ISO 8601 UTC ("2026-03-04T14:05:09Z"); shown as report time
  // Exhibit basics (empty: not shown): the case number, agency, author and a marking banner
  // printed at the top of the page and in every printed page's header and footer
  // ("LAW ENFORCEMENT SENSITIVE").
  std::string case_number;
  std::string agency;
  std::string author;
  std::string marking;
  // The exhibit number ("GX-1"): stamped at the top right of every printed page and beside the
  // title. Empty: no stamp.
  std::string exhibit;
  PaperSize paper = PaperSize::kLetter;
  std::string version;        // moneytrail version
  std::string store_dir;
  std::string manifest_sha256;
  uint64_t transactions = 0;
  uint64_t accounts = 0;
  Timestamp first_time = 0;
  Timestamp last_time = 0;
  std::vector<Money> volume;  // money analysed, per currency (sum of amounts paid)
  uint64_t alerts_total = 0;
  std::vector<std::pair<std::string, uint64_t>> alerts_per_rule;
  uint64_t pattern_instances = 0;
  uint64_t subjects_total = 0;       // subjects ranked
  std::vector<std::string> findings; // the top findings in plain words, a handful
  std::vector<SubjectView> subjects; // the top N, in rank order
  std::vector<CaseEventView> timeline;  // the case's chronological timeline
  uint64_t timeline_total = 0;
  std::string timeline_csv;             // its CSV file in the case directory
  std::vector<CustodyFileView> custody;
  std::vector<StatementIntegrityView> integrity;  // one per commit that ingested statements
  std::vector<std::pair<std::string, std::string>> configuration;  // name -> value
  std::vector<std::pair<std::string, std::string>> outputs;        // file -> what it holds
};

// Charts: text is never printed under this size (pt).
inline constexpr double kMinPrintedChartFontPt = 9.0;
// A chart prints inside its subject's portrait pages, or, when it is legible only that way, on
// a landscape page of its own (CSS named page "landscape").
enum class ChartOrientation { kPortrait, kLandscape };
// The printable box a chart is scaled into on `paper` (pt): the page width less the margins
// and the chart's frame, and the chart's height limit (190 mm portrait; 150 mm on a landscape
// page, which also holds a heading and a caption).
double ChartBoxWidthPt(PaperSize paper, ChartOrientation orientation = ChartOrientation::kPortrait);
inline constexpr double kChartBoxHeightPt = 190.0 / 25.4 * 72.0;
inline constexpr double kLandscapeChartBoxHeightPt = 150.0 / 25.4 * 72.0;
// The smallest text of a Graphviz SVG (its <svg width/height> in pt and its font-size
// attributes) once printed as the report lays it out on `paper` in `orientation`: scaled down
// to fit the chart box, never up. 0 when the SVG has no size or no text.
double ChartSmallestPrintedFontPt(std::string_view svg, PaperSize paper,
                                  ChartOrientation orientation = ChartOrientation::kPortrait);
// How the report prints `svg`: portrait when its text stays at kMinPrintedChartFontPt or more
// there, else landscape when it does there, else nullopt (the chart is left out, with a note).
std::optional<ChartOrientation> ChartPrintOrientation(std::string_view svg, PaperSize paper);

// The whole page. Escapes every string; no external references (no http:, no src= to files).
std::string RenderReportHtml(const CaseReportData& data);
// Writes RenderReportHtml(data) to `path` durably (temporary file, then rename).
Status WriteReportHtml(const CaseReportData& data, const std::filesystem::path& path);

struct PdfOptions {
  std::string chromium;     // the browser binary; empty: $MONEYTRAIL_CHROMIUM, then PATH
                            // ("chromium", "chromium-browser", "google-chrome")
  int timeout_seconds = 120;
};

struct PdfInfo {
  std::string chromium;     // the binary used
  uint64_t bytes = 0;
  int pages = 0;            // page objects counted in the PDF
  int64_t elapsed_ms = 0;   // wall time of the browser run
};

// Prints `html` to `pdf` with headless Chromium (--headless --no-sandbox --disable-gpu
// --print-to-pdf). FailedPrecondition when no browser is found (naming what was tried), IoError
// when it fails or times out (with its stderr), DataLoss when the output is not a PDF.
Result<PdfInfo> PrintPdf(const std::filesystem::path& html, const std::filesystem::path& pdf,
                         const PdfOptions& options);

// Counts the page objects ("/Type /Page", not "/Pages") of a PDF's bytes.
int CountPdfPages(std::string_view pdf_bytes);

}  // namespace moneytrail::report

#endif  // MONEYTRAIL_CASE_REPORT_H_
