// The case's outputs: report, exhibits (moneytrail/investigation.h).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "investigation_state.h"
#include "moneytrail/file_util.h"
#include "moneytrail/json_text.h"
#include "moneytrail/time_format.h"
#include "moneytrail/trace_report.h"
#include "moneytrail/version.h"
#include "schedules.h"
#include "subject_sections.h"

namespace moneytrail::cases {

namespace fs = std::filesystem;

namespace {

constexpr size_t kChartNodes = 40;

// patterns.jsonl: every pattern instance kept, one JSON line each, in the instance set's order
// (the workspace's link chart overlays them; docs/ui.md). Amounts are exact sums per currency.
Result<std::string> InstancesJsonl(const store::Store& s, const patterns::InstanceSet& set) {
  std::string out;
  for (size_t i = 0; i < set.instances.size(); ++i) {
    const patterns::PatternInstance& inst = set.instances[i];
    nlohmann::ordered_json j;
    j["instance"] = i + 1;
    j["kind"] = std::string(patterns::PatternKindName(inst.kind));
    j["hub"] = inst.hub == kNoAccount ? std::string() : s.AccountLabel(inst.hub);
    std::vector<std::string> accounts;
    for (AccountId a : inst.accounts) accounts.push_back(s.AccountLabel(a));
    j["accounts"] = accounts;
    j["transactions"] = inst.transactions;
    std::map<uint16_t, DecimalSum> totals;
    for (TransactionId t : inst.transactions) {
      MT_RETURN_IF_ERROR(totals[s.paid_currency()[t]].Add(s.amount_paid(t)));
    }
    nlohmann::ordered_json amounts = nlohmann::ordered_json::object();
    for (const auto& [currency, sum] : totals) amounts[std::string(s.currency(currency))] = sum.ToString();
    j["total_amount_paid"] = amounts;
    j["first_time"] = FormatIsoTime(inst.first_time);
    j["last_time"] = FormatIsoTime(inst.last_time);
    out += JsonText(j) + "\n";
  }
  return out;
}

// shared.jsonl: resolve's shared-identifier groups with their accounts, one JSON line each.
std::string SharedJsonl(const std::vector<SharedGroup>& groups) {
  std::string out;
  for (const SharedGroup& g : groups) {
    nlohmann::ordered_json j;
    j["identifier"] = g.identifier;
    j["value"] = g.value;
    j["entities"] = g.entities;
    j["accounts"] = g.accounts;
    out += JsonText(j) + "\n";
  }
  return out;
}

}  // namespace

Status RunReport(Investigation::State& job) {
  const store::Store& s = *job.store;
  const InvestigateOptions& o = job.o;
  const rules::ScanResult& scan = job.scan;
  const patterns::InstanceSet& instances = job.instances;
  const Scored& scored = job.scored;
  const std::vector<SubjectScore>& ranked = job.ranking.ranked;
  const uint64_t n = s.transaction_count();
  const ViewMaker& views = *job.views;
  const std::optional<HolderNames>& names = job.names;
  const std::vector<uint32_t>& subject_of = job.subject_of;
  const std::vector<SubjectInfo>& subjects = job.subjects;
  const std::vector<uint64_t>& subject_tx = job.subject_tx;
  const std::vector<int64_t>& top_tx = job.top_tx;
  const std::vector<uint64_t>& flagged_in = job.flagged_in;
  const std::vector<uint64_t>& flagged_out = job.flagged_out;
  const std::vector<std::vector<uint32_t>>& alerts_of = job.alerts_of;
  const std::vector<std::vector<uint32_t>>& patterns_of = job.patterns_of;
  const std::vector<SubjectTrace>& traces = job.traces;
  const trace::Ledger& ledger = *job.ledger;
  const size_t top = job.top;
  const std::vector<const rules::RulePack*>& pack_ptrs = job.pack_ptrs;
  const std::vector<SharedGroup>& shared_groups = job.shared_groups;
  const std::unordered_map<std::string, std::vector<uint32_t>>& shared_by_account = job.shared_by_account;
  // The report's data.
  job.data = {};
  report::CaseReportData& data = job.data;
  data.title = o.case_title.empty() ? fmt::format("Case report: {}", o.store.filename().string())
                                    : o.case_title;
  data.case_number = o.case_number;
  data.agency = o.agency;
  data.author = o.author;
  data.marking = o.marking;
  data.exhibit = o.exhibit;
  data.paper = o.a4 ? report::PaperSize::kA4 : report::PaperSize::kLetter;
  data.generated_at = job.generated_at;
  data.version = kVersion;
  data.store_dir = fs::absolute(o.store).string();
  data.manifest_sha256 = s.manifest_sha256();
  data.transactions = n;
  data.accounts = s.account_count();
  {
    auto [lo, hi] = std::minmax_element(s.time().begin(), s.time().end());
    data.first_time = *lo;
    data.last_time = *hi;
  }
  {
    CurrencySums volume;
    for (uint64_t t = 0; t < n; ++t) {
      MT_RETURN_IF_ERROR(volume.Add(s.paid_currency()[t], s.amount_paid(t)));
    }
    MT_ASSIGN_OR_RETURN(data.volume, volume.ToMoney(s));
  }
  data.alerts_total = scan.alerts.size();
  for (const auto& [rule, count] : scan.alerts_per_rule) {
    if (count > 0) data.alerts_per_rule.emplace_back(rule, count);
  }
  data.pattern_instances = instances.instances.size();
  data.subjects_total = ranked.size();

  job.rows.assign(ranked.size(), {});
  std::vector<SubjectRow>& rows = job.rows;
  for (size_t r = 0; r < ranked.size(); ++r) {
    const SubjectScore& sc = ranked[r];
    const SubjectInfo& info = subjects[sc.subject];
    SubjectRow& row = rows[r];
    row.rank = static_cast<uint32_t>(r + 1);
    row.subject = info.label;
    row.holder = info.holder;
    for (AccountId a : info.accounts) row.accounts.push_back(s.AccountLabel(a));
    row.tier = static_cast<int>(sc.tier);
    row.rule_points = sc.rule_points;
    row.high_rules = sc.high_rules;
    row.flow_points = sc.flow_points;
    row.pattern_points = sc.pattern_points;
    row.report_points = sc.report_points;
    row.model_probability = scored.applies ? sc.model_probability : std::nan("");
    row.tied = sc.tied_with_previous;
    for (uint32_t p : sc.related) row.related_parties.push_back(subjects[p].label);
    row.alerts = sc.alerts;
    row.rules = sc.rules;
    row.pattern_instances = sc.patterns;
    row.transactions = subject_tx[sc.subject];
    row.flagged_in = flagged_in[sc.subject];
    row.flagged_out = flagged_out[sc.subject];
    if (top_tx[sc.subject] >= 0) row.reasons = scored.reasons[static_cast<size_t>(top_tx[sc.subject])];
  }

  {
    // The listed subjects' probabilities as displayed (docs/investigate.md, "The displayed
    // score").
    std::vector<double> shown;
    std::vector<uint64_t> shown_ranks;
    for (size_t r = 0; r < top && r < rows.size(); ++r) {
      shown.push_back(rows[r].model_probability);
      shown_ranks.push_back(rows[r].rank);
    }
    std::vector<std::string> text = DisplayedProbabilities(shown, shown_ranks);
    for (size_t r = 0; r < text.size(); ++r) rows[r].model_shown = std::move(text[r]);
  }

  for (size_t r = 0; r < top; ++r) {
    const SubjectScore& sc = ranked[r];
    const uint32_t sub = sc.subject;
    const SubjectInfo& info = subjects[sub];
    const SubjectRow& row = rows[r];
    report::SubjectView v;
    v.rank = row.rank;
    v.account = row.subject;
    v.holder = row.holder;
    v.kind = info.kind;
    v.accounts = row.accounts;
    if (!shared_groups.empty()) {
      v.shared = SharedLinksOf(shared_groups, shared_by_account, row.accounts,
                               info.kind == "entity" ? row.subject : std::string(), &v.shared_total);
    }
    v.score = sc.model_probability;
    v.score_text = row.model_shown;
    v.tier = static_cast<int>(sc.tier);
    v.score_basis = RankBasis(sc, row.transactions, row.flagged_in + row.flagged_out,
                              scored.applies);
    v.reasons = ParseReasons(row.reasons);
    v.transactions = row.transactions;
    MT_RETURN_IF_ERROR(AddSubjectMoney(views, subject_of, sub, v));
    AddSubjectAlerts(views, scan.alerts, alerts_of[sub], v);
    AddSubjectPatterns(views, instances, patterns_of[sub], v);
    // The trace.
    const SubjectTrace& st = traces[r];
    report::TraceView& tv = v.trace;
    tv.method = std::string(trace::MethodName(st.options.method));
    tv.seeds = st.seeds;
    FillTraceView(views, ledger, st.trail, tv);
    tv.trail_dir = st.dir;
    data.subjects.push_back(std::move(v));
  }

  // The case is written into a temporary sibling; the exhibits stage moves it into place.
  job.writer.reset();  // a re-run: the previous run's temporary is removed
  MT_ASSIGN_OR_RETURN(CaseWriter begun, CaseWriter::Begin(job.final_dir));
  job.writer.emplace(std::move(begun));
  const fs::path& tmp_dir = job.writer->dir();
  std::error_code ec;
  const std::vector<std::string> holder_names =
      names ? names->ByAccount(s) : std::vector<std::string>();

  for (size_t r = 0; r < top; ++r) {
    const SubjectTrace& st = traces[r];
    trace::TrailReport tr{s, ledger, st.options, st.seeds, holder_names};
    fs::create_directories(tmp_dir / st.dir, ec);
    if (ec) return IoError(fmt::format("cannot create {}: {}", (tmp_dir / st.dir).string(), ec.message()));
    MT_RETURN_IF_ERROR(job.Write(st.dir + "/trail.json", trace::TrailJson(st.trail, tr),
                                    "the trace's flows, holdings and reconciled totals"));
    MT_RETURN_IF_ERROR(job.Write(st.dir + "/schedule.csv",
                                    trace::TracingScheduleCsv(st.trail, tr), "tracing schedule"));
    Result<std::string> svg = trace::FlowChartSvg(st.trail, tr, kChartNodes);
    if (svg.ok()) {
      MT_RETURN_IF_ERROR(job.Write(st.dir + "/chart.svg", *svg, "flow-of-funds chart"));
      // The report's copy keeps its text at 9 pt or more when printed, on a landscape page of
      // its own if need be: fewer nodes until it does (the chart's title says how many are
      // shown; chart.svg has them all).
      for (size_t nodes : {24, 16, 10, 6}) {
        if (report::ChartPrintOrientation(*svg, data.paper)) break;  // portrait or landscape
        Result<std::string> fewer = trace::FlowChartSvg(st.trail, tr, nodes);
        if (!fewer.ok()) break;
        *svg = std::move(*fewer);
      }
      data.subjects[r].trace.flow_chart_svg = std::move(*svg);
    } else {
      job.warnings[static_cast<size_t>(Stage::kReport)].push_back(fmt::format("no flow-of-funds chart: {}", svg.status().ToString()));
    }
  }
  // The forensic schedules of each top subject (schedules.h) and the case timeline: tables of
  // the report and CSV files under schedules/.
  {
    fs::create_directories(tmp_dir / "schedules", ec);
    if (ec) return IoError(fmt::format("cannot create {}: {}", (tmp_dir / "schedules").string(), ec.message()));
    std::vector<std::pair<TransactionId, TransactionId>> first_last(top);
    std::set<std::string> net_worth_shown;
    for (size_t r = 0; r < top; ++r) {
      const uint32_t sub = ranked[r].subject;
      MT_ASSIGN_OR_RETURN(std::vector<Schedule> schedules,
                          SubjectSchedules(views, subject_of, sub, subjects[sub].accounts, holder_names,
                                           fmt::format("schedules/{:02}-", r + 1), &first_last[r]));
      for (Schedule& sc : schedules) {
        if (!sc.csv.empty()) MT_RETURN_IF_ERROR(job.Write(sc.view.csv, sc.csv, sc.view.title));
        data.subjects[r].schedules.push_back(std::move(sc.view));
      }
      // The net worth method, when the investigator gave a file for this subject.
      for (const NetWorthFile& f : job.net_worth) {
        const SubjectRow& row = rows[r];
        if (f.subject != row.subject &&
            std::find(row.accounts.begin(), row.accounts.end(), f.subject) == row.accounts.end()) {
          continue;
        }
        const std::string csv = fmt::format("schedules/{:02}-net-worth.csv", r + 1);
        MT_RETURN_IF_ERROR(job.Write(csv, proof::NetWorthCsv(f.statement),
                                     "net worth statement and defence lines (from " +
                                         f.path.filename().string() + ")"));
        for (report::ScheduleView& v : NetWorthSchedules(f, csv)) {
          data.subjects[r].schedules.push_back(std::move(v));
        }
        net_worth_shown.insert(f.subject);
      }
    }
    for (const NetWorthFile& f : job.net_worth) {
      if (net_worth_shown.count(f.subject) == 0) {
        job.warnings[static_cast<size_t>(Stage::kReport)].push_back(fmt::format(
            "net worth file {} not in the report: {} is not one of the top {} subjects",
            f.path.string(), f.subject, top));
      }
    }
    CaseTimeline timeline = BuildCaseTimeline(views, data.subjects, first_last);
    data.timeline = std::move(timeline.events);
    data.timeline_total = timeline.total;
    data.timeline_csv = "schedules/timeline.csv";
    MT_RETURN_IF_ERROR(job.Write(data.timeline_csv, timeline.csv, "the case's chronological timeline"));
  }
  {
    std::string alerts = rules::ScanHeaderJsonLine(s, pack_ptrs, scan) + "\n";
    for (const rules::Alert& a : scan.alerts) alerts += rules::AlertJsonLine(s, a) + "\n";
    MT_RETURN_IF_ERROR(job.Write("alerts.jsonl", alerts, "every alert of the rule packs"));
  }
  MT_RETURN_IF_ERROR(job.Write("subjects.csv", SubjectsCsv(rows), "every ranked subject"));
  {
    MT_ASSIGN_OR_RETURN(std::string lines, InstancesJsonl(s, instances));
    MT_RETURN_IF_ERROR(job.Write("patterns.jsonl", lines, "every pattern instance kept"));
  }
  if (!shared_groups.empty()) {
    MT_RETURN_IF_ERROR(job.Write("shared.jsonl", SharedJsonl(shared_groups),
                                 "resolve's shared-identifier groups with their accounts"));
  }

  data.findings = Findings(data, scan, instances.instances.size(), scored.flagged, job.traced);
  data.findings.push_back(scored.sentence);
  data.configuration = {
      {"moneytrail version", kVersion},
      {"store", data.store_dir},
      {"store manifest SHA-256", s.manifest_sha256()},
      {"model", scored.model_path},
      {"model SHA-256", scored.model_sha256},
      {"model applied", scored.applies ? scored.model_role : std::string("none")},
      {"model applicability", scored.sentence},
      {"model threshold", fmt::format("{:.4f}", scored.threshold)},
      {"patterns", job.patterns_config},
      {"KYC directory", o.parties.empty() ? std::string("(none)")
                                          : fs::absolute(o.parties).string() + job.holders_origin},
      {"entities", o.entities.empty() ? std::string("(accounts are the subjects)")
                                      : fs::absolute(o.entities).string()},
      {"top subjects", std::to_string(o.top)},
      {"tracing", fmt::format("forward LIBR, at most {} hops", o.trace_hops)},
      {"threads", std::to_string(job.threads)},
  };
  for (const rules::RulePack* p : pack_ptrs) {
    data.configuration.emplace_back("rule pack " + p->id(), p->origin() + " (SHA-256 " + p->sha256() + ")");
  }
  for (const NetWorthFile& f : job.net_worth) {
    data.configuration.emplace_back("net worth file " + f.subject,
                                    fs::absolute(f.path).string() + " (SHA-256 " + f.sha256 + ")");
  }
  // What else the job was asked, only when given (a case made with the defaults keeps its
  // bytes): custody.json's configuration is what `exclude` and `reproduce` run again
  // (ParseCaseRecipe).
  for (const auto& [name, value] : o.rule_overrides) {
    data.configuration.emplace_back("rule override " + name, value);
  }
  // A store named by a relative path is written so into trails/ and alerts.jsonl: a re-run
  // names it the same way (from the same working directory).
  if (o.store.string() != data.store_dir) data.configuration.emplace_back("store as given", o.store.string());
  if (!o.use_attached_holders) {
    data.configuration.emplace_back("attached holders", "ignored (--no-holders)");
  }
  const std::pair<const char*, const std::string*> dressing[] = {
      {"case title", &o.case_title}, {"case number", &o.case_number}, {"agency", &o.agency},
      {"author", &o.author},         {"marking", &o.marking},         {"exhibit stamp", &o.exhibit}};
  for (const auto& [name, value] : dressing) {
    if (!value->empty()) data.configuration.emplace_back(name, *value);
  }
  if (o.a4) data.configuration.emplace_back("paper", "A4");
  for (size_t k = 0; k < job.decisions.size(); ++k) {
    const Exclusion& e = job.decisions[k];
    const bool include = e.action == "include";
    data.configuration.emplace_back(
        fmt::format("manual {} {}", include ? "inclusion" : "exclusion", k + 1),
        fmt::format("alert {}{}, by {} on {}: {}", e.alert_id,
                    include ? " counted again (its exclusion undone)" : "", e.who, e.when, e.why));
  }
  for (const store::SourceRecord& src : s.sources()) {
    report::CustodyFileView c;
    c.path = src.path;
    c.sha256 = src.sha256;
    c.bytes = src.bytes;
    c.rows_read = src.rows_read;
    c.rows_accepted = src.rows_accepted;
    c.rows_rejected = src.rows_rejected;
    c.format = src.format;
    c.ingested_at = src.ingested_at;
    c.encoding = src.encoding;
    c.rows_merged = src.rows_merged;
    data.custody.push_back(std::move(c));
  }
  data.integrity = job.integrity;
  data.outputs = {
      {"report.html", "this report"},
      {"report.pdf", "this report, printed"},
      {"alerts.jsonl", "every alert with its evidence and source lines"},
      {"subjects.csv", "every ranked subject with its scores"},
      {"trails/", "per top subject: trail.json, schedule.csv, chart.svg"},
      {"schedules/", "per top subject: monthly summary, counterparties, cash by branch, bank "
                     "deposits and source and application of funds (CSV); the case timeline"},
      {"custody.json", "inputs with SHA-256, configuration, and the SHA-256 of every output"},
  };
  MT_RETURN_IF_ERROR(job.Write("report.html", report::RenderReportHtml(data), "the case report"));
  return Status::Ok();
}

Status RunExhibits(Investigation::State& job) {
  const store::Store& s = *job.store;
  const InvestigateOptions& o = job.o;
  const rules::ScanResult& scan = job.scan;
  const patterns::InstanceSet& instances = job.instances;
  const Scored& scored = job.scored;
  const std::vector<SubjectScore>& ranked = job.ranking.ranked;
  const report::CaseReportData& data = job.data;
  const std::vector<SubjectRow>& rows = job.rows;
  const uint64_t n = s.transaction_count();
  if (o.pdf) {
    report::PdfOptions po;
    const fs::path& dir = job.writer->dir();
    Result<report::PdfInfo> pdf = report::PrintPdf(dir / "report.html", dir / "report.pdf", po);
    if (pdf.ok()) {
      MT_RETURN_IF_ERROR(job.writer->Record("report.pdf", "the case report, printed"));
    } else {
      job.warnings[static_cast<size_t>(Stage::kExhibits)].push_back("report.pdf not written: " +
                                                                    pdf.status().ToString());
    }
  }
  // What ran, this stage included (its record is complete once custody.json is written).
  std::vector<StageRecord> stages;
  for (Stage ran : job.order) {
    if (ran == Stage::kExhibits) continue;
    stages.push_back(StageRecordOf(job, ran));
  }
  stages.push_back(StageRecordOf(job, Stage::kExhibits));
  stages.back().files.push_back("custody.json");
  ++stages.back().runs;
  MT_RETURN_IF_ERROR(job.Write("custody.json",
                               CustodyJson(s, data, job.writer->outputs(), job.generated_at, stages,
                                           job.decisions),
                               "custody record"));
  MT_RETURN_IF_ERROR(job.writer->Publish());

  CaseSummary summary;
  summary.out = job.final_dir;
  summary.transactions = n;
  summary.accounts = s.account_count();
  summary.volume = data.volume;
  summary.alerts = scan.alerts.size();
  summary.pattern_instances = instances.instances.size();
  summary.flagged_transactions = scored.flagged;
  summary.model_applies = scored.applies;
  summary.model_sentence = scored.sentence;
  summary.subjects = ranked.size();
  summary.top.assign(rows.begin(),
                     rows.begin() + static_cast<std::ptrdiff_t>(std::min(job.top, rows.size())));
  for (const OutputFile& f : job.writer->outputs()) {
    summary.outputs.emplace_back((job.final_dir / f.path).string(), f.what);
  }
  summary.traced = job.traced;
  job.summary = std::move(summary);
  return Status::Ok();
}

}  // namespace moneytrail::cases
