// The investigate pipeline (include/moneytrail/investigate.h, docs/investigate.md).
#include "moneytrail/investigate.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <map>
#include <optional>
#include <tuple>
#include <set>
#include <thread>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "moneytrail/file_util.h"
#include "moneytrail/graph.h"
#include "moneytrail/model.h"
#include "moneytrail/model_score.h"
#include "moneytrail/patterns.h"
#include "moneytrail/rules.h"
#include "moneytrail/store.h"
#include "moneytrail/time_format.h"
#include "moneytrail/trace.h"
#include "moneytrail/trace_report.h"
#include "moneytrail/version.h"
#include "outputs.h"
#include "ranking_input.h"
#include "schedules.h"
#include "shared_links.h"
#include "subject_sections.h"
#include "subjects.h"
#include "views.h"

namespace moneytrail::cases {

namespace fs = std::filesystem;

Result<std::vector<std::string>> LoadHolderNames(const store::Store& store,
                                                 const fs::path& dir) {
  MT_ASSIGN_OR_RETURN(HolderNames names, HolderNames::Load(dir));
  return names.ByAccount(store);
}

namespace {

constexpr uint32_t kNoSubject = 0xFFFFFFFFu;
constexpr size_t kChartNodes = 40;

// Times each stage and reports progress.
class Stages {
 public:
  explicit Stages(const InvestigateOptions& o, CaseSummary& summary)
      : options_(o), summary_(summary) {}
  void Begin(std::string stage) {
    End();
    stage_ = std::move(stage);
    start_ = std::chrono::steady_clock::now();
    Progress(0);
  }
  void Progress(double fraction) const {
    if (options_.progress && !stage_.empty()) options_.progress(stage_, fraction);
  }
  void End() {
    if (stage_.empty()) return;
    Progress(1);
    summary_.timings.push_back(
        {stage_, std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count()});
    stage_.clear();
  }
  const std::string& stage() const { return stage_; }

 private:
  const InvestigateOptions& options_;
  CaseSummary& summary_;
  std::string stage_;
  std::chrono::steady_clock::time_point start_;
};

std::string NowIso() {
  // SOURCE_DATE_EPOCH (reproducible builds' convention) fixes the date for byte-identical output.
  if (const char* e = std::getenv("SOURCE_DATE_EPOCH"); e != nullptr && *e != '\0') {
    char* end = nullptr;
    long long v = std::strtoll(e, &end, 10);
    if (end != nullptr && *end == '\0') return FormatIsoTime(static_cast<Timestamp>(v));
  }
  return FormatIsoTime(static_cast<Timestamp>(std::time(nullptr)));  // ends in "Z" already
}

int Threads(int requested) {
  if (requested > 0) return requested;
  unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(hw);
}

std::string SafeName(std::string_view label) {
  std::string out;
  for (char c : label) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-') ? c : '-';
  return out;
}

struct SubjectInfo {
  std::string label;   // account label, or entity id
  std::string kind;    // "account" or "entity"
  std::string holder;
  std::vector<AccountId> accounts;
};

}  // namespace

Result<CaseSummary> Investigate(const InvestigateOptions& given) {
  InvestigateOptions o = given;  // KYC and entities may come from the store (below)
  CaseSummary summary;
  Stages stages(o, summary);
  if (o.out.empty()) return InvalidArgumentError("no case directory (--out) given");
  if (o.store.empty()) return InvalidArgumentError("no store (--store) given");
  if (o.top == 0) return InvalidArgumentError("--top must be at least 1");
  const fs::path final_dir = fs::absolute(o.out).lexically_normal();
  {
    // Refused before any work: a case directory over the store or the files to ingest, or over
    // a directory that is not a case (ForeignCaseFiles).
    ProtectedPaths before_ingest;
    before_ingest.dirs.push_back(o.store);
    before_ingest.dir_marker = "MANIFEST";
    for (const fs::path& f : o.files) before_ingest.files.push_back(f);
    MT_RETURN_IF_ERROR(CheckOutputDirectory(final_dir, "--out", before_ingest));
    MT_RETURN_IF_ERROR(ForeignCaseFiles(final_dir).status());
  }
  const int threads = Threads(o.threads);
  const std::string generated_at = NowIso();

  // 1. Ingest.
  if (!o.entities.empty() && o.parties.empty()) {
    return InvalidArgumentError("--entities needs --parties (accounts.csv names each account's "
                                "holder party)");
  }
  if (!o.files.empty()) {
    stages.Begin("ingest");
    IngestOptions io = o.ingest;
    io.threads = o.threads;
    io.progress = [&](double f) { stages.Progress(f); };
    Result<IngestReport> r = Ingest(o.store, o.files, io);
    if (!r.ok()) return r.status().WithContext("ingest");
  }
  MT_ASSIGN_OR_RETURN(store::Store s, store::Store::Open(o.store));
  MT_RETURN_IF_ERROR(CheckOutputDirectory(final_dir, "--out", EvidencePaths(s)));
  if (s.transaction_count() == 0) {
    return FailedPreconditionError(fmt::format("store {} holds no transactions", o.store.string()));
  }
  const uint64_t n = s.transaction_count();
  ViewMaker views(s);
  // Holders and entities attached by `moneytrail resolve --store`, unless given explicitly.
  std::string holders_origin;
  if (o.parties.empty() && o.use_attached_holders && s.holders() != nullptr) {
    o.parties = s.holders_dir();
    if (s.holders()->file("entities.csv") != nullptr) o.entities = o.parties / "entities.csv";
    holders_origin = fmt::format(" (attached to the store as {} at {}: {})", s.holders()->name,
                                 s.holders()->attached_at, s.holders()->method);
  }

  // 2. Red-flag rules.
  stages.Begin("rules");
  std::vector<fs::path> pack_paths = o.rule_packs;
  if (pack_paths.empty()) {
    fs::path shipped = FindShippedFile("rules/smuggling-trafficking.toml");
    if (shipped.empty()) {
      return NotFoundError("rules: the shipped pack rules/smuggling-trafficking.toml was not found; "
                           "give --rules PACK");
    }
    pack_paths.push_back(shipped);
  }
  std::vector<rules::RulePack> packs;
  for (const fs::path& p : pack_paths) {
    Result<rules::RulePack> pack = rules::RulePack::Load(p, o.rule_overrides);
    if (!pack.ok()) return pack.status().WithContext("rules");
    packs.push_back(std::move(*pack));
  }
  for (const auto& [name, value] : o.rule_overrides) {
    bool known = false;
    for (const rules::RulePack& p : packs) {
      for (const rules::RuleInfo& r : p.rules()) known |= name.substr(0, name.find('.')) == r.id;
    }
    if (!known) {
      return InvalidArgumentError(fmt::format("rules: --set {}={}: no rule with that id", name, value));
    }
  }
  std::vector<const rules::RulePack*> pack_ptrs;
  for (const rules::RulePack& p : packs) pack_ptrs.push_back(&p);
  std::optional<rules::HolderTable> holders;
  std::optional<HolderNames> names;
  if (!o.parties.empty()) {
    Result<rules::HolderTable> h = rules::HolderTable::LoadGenerated(s, o.parties);
    if (!h.ok()) return h.status().WithContext("parties");
    holders = std::move(*h);
    if (!o.entities.empty()) {
      // Per-entity red-flag rules (subject = "entity") and entity subjects below.
      Status st = holders->AttachEntities(o.entities);
      if (!st.ok()) return st.WithContext("entities");
    }
    Result<HolderNames> hn = HolderNames::Load(o.parties);
    if (!hn.ok()) return hn.status().WithContext("parties");
    names = std::move(*hn);
  }
  // Shared-identifier groups: the store's attachment writes shared.csv beside parties.csv.
  std::vector<SharedGroup> shared_groups;
  std::unordered_map<std::string, std::vector<uint32_t>> shared_by_account;
  if (!o.parties.empty()) {
    MT_ASSIGN_OR_RETURN(shared_groups, LoadSharedGroups(o.parties / "shared.csv"));
    for (uint32_t g = 0; g < shared_groups.size(); ++g) {
      for (const std::string& a : shared_groups[g].accounts) shared_by_account[a].push_back(g);
    }
  }
  rules::ScanOptions scan_options;
  scan_options.holders = holders ? &*holders : nullptr;
  scan_options.threads = static_cast<unsigned>(threads);
  Result<rules::ScanResult> scan_result = rules::Scan(s, pack_ptrs, scan_options);
  if (!scan_result.ok()) return scan_result.status().WithContext("rules");
  const rules::ScanResult& scan = *scan_result;
  for (const std::string& skipped : scan.skipped) {
    summary.warnings.push_back("rule skipped: " + skipped);
  }

  // 3. Pattern instances (the feature columns the model needs are computed by the scorer).
  stages.Begin("patterns");
  std::vector<double> amount_storage;
  graph::EdgeColumns columns = graph::ColumnsFromStore(s, amount_storage);
  patterns::InstanceSet instances;
  {
    graph::BuildOptions build;
    build.threads = threads;
    Result<graph::TemporalGraph> g = graph::TemporalGraph::Build(columns, build);
    if (!g.ok()) return g.status().WithContext("patterns");
    patterns::PatternConfig config;
    config.fan.enabled = false;           // counts only: no instances
    config.vertex_stats.enabled = false;  // statistics only: no instances
    patterns::RunOptions run;
    run.threads = threads;
    run.collect_instances = true;
    Result<patterns::FeatureRun> fr = patterns::ComputeFeatures(*g, columns, config, run);
    if (!fr.ok()) return fr.status().WithContext("patterns");
    instances = std::move(fr->instances);
  }
  amount_storage = {};

  // 4. Scores.
  stages.Begin("score");
  MT_ASSIGN_OR_RETURN(const Scored scored,
                      ModelInputForRanking(s, o.model, holders ? &*holders : nullptr));

  // 5. Rank subjects: bank accounts with at least one transaction, grouped by entity when an
  // entity map is given.
  stages.Begin("rank");
  std::vector<uint64_t> tx_count(s.account_count(), 0);
  for (uint64_t t = 0; t < n; ++t) {
    ++tx_count[s.source()[t]];
    if (s.destination()[t] != s.source()[t]) ++tx_count[s.destination()[t]];
  }
  std::vector<uint32_t> subject_of(s.account_count(), kNoSubject);
  std::vector<SubjectInfo> subjects;
  {
    std::unordered_map<std::string, uint32_t> entity_subject;
    for (AccountId a = 0; a < s.account_count(); ++a) {
      if (tx_count[a] == 0 || s.account(a).kind != NodeKind::kAccount) continue;
      std::string entity;
      if (!o.entities.empty()) entity = std::string(holders->text(holders->entity(a)));
      if (!entity.empty()) {
        auto [it, fresh] = entity_subject.emplace(entity, static_cast<uint32_t>(subjects.size()));
        if (fresh) {
          SubjectInfo info;
          info.label = entity;
          info.kind = "entity";
          subjects.push_back(std::move(info));
        }
        subject_of[a] = it->second;
        subjects[it->second].accounts.push_back(a);
      } else {
        subject_of[a] = static_cast<uint32_t>(subjects.size());
        SubjectInfo info;
        info.label = s.AccountLabel(a);
        info.kind = "account";
        info.accounts = {a};
        subjects.push_back(std::move(info));
      }
    }
    for (SubjectInfo& info : subjects) {
      if (!names) continue;
      for (AccountId a : info.accounts) {
        info.holder = names->NameOf(s.account(a).bank, s.account(a).number);
        if (!info.holder.empty()) break;
      }
    }
  }
  const size_t subject_count = subjects.size();
  std::vector<double> model_score(subject_count, 0.0);
  std::vector<int64_t> top_tx(subject_count, -1);
  std::vector<uint64_t> subject_tx(subject_count, 0);
  std::vector<uint64_t> flagged_in(subject_count, 0), flagged_out(subject_count, 0);
  for (uint64_t t = 0; t < n; ++t) {
    const uint32_t ss = subject_of[s.source()[t]];
    const uint32_t sd = subject_of[s.destination()[t]];
    for (uint32_t sub : {ss, sd}) {
      if (sub == kNoSubject || !scored.applies) continue;
      const double v = scored.score[t];
      if (top_tx[sub] < 0 || v > model_score[sub]) {
        model_score[sub] = v;
        top_tx[sub] = static_cast<int64_t>(t);
      }
    }
    if (ss != kNoSubject) ++subject_tx[ss];
    if (sd != kNoSubject && sd != ss) ++subject_tx[sd];
    if (ss != sd && scored.applies && scored.flag[t]) {
      if (ss != kNoSubject) ++flagged_out[ss];
      if (sd != kNoSubject) ++flagged_in[sd];
    }
  }
  // Who paid whom among the subjects (the ranking's flow points).
  std::vector<PaymentFact> payments;
  for (uint64_t t = 0; t < n; ++t) {
    const uint32_t ss = subject_of[s.source()[t]];
    const uint32_t sd = subject_of[s.destination()[t]];
    if (ss != kNoSubject && sd != kNoSubject && ss != sd) payments.push_back({ss, sd});
  }
  std::sort(payments.begin(), payments.end(), [](const PaymentFact& x, const PaymentFact& y) {
    return std::tie(x.payer, x.payee) < std::tie(y.payer, y.payee);
  });
  payments.erase(std::unique(payments.begin(), payments.end(),
                             [](const PaymentFact& x, const PaymentFact& y) {
                               return x.payer == y.payer && x.payee == y.payee;
                             }),
                 payments.end());
  std::vector<AlertFact> alert_facts;
  std::vector<std::vector<uint32_t>> alerts_of(subject_count);
  for (size_t i = 0; i < scan.alerts.size(); ++i) {
    const rules::Alert& a = scan.alerts[i];
    AlertFact f;
    f.rule_id = a.rule_id;
    f.severity = a.severity;
    for (AccountId acc : a.subjects) {
      uint32_t sub = acc < subject_of.size() ? subject_of[acc] : kNoSubject;
      if (sub == kNoSubject) continue;
      if (std::find(f.subjects.begin(), f.subjects.end(), sub) != f.subjects.end()) continue;
      f.subjects.push_back(sub);
      alerts_of[sub].push_back(static_cast<uint32_t>(i));
    }
    // Payers whose payments into a named subject are evidence (the related-party rule).
    for (const rules::EvidenceItem& e : a.evidence) {
      if (e.transaction >= n) continue;
      const uint32_t from = subject_of[s.source()[e.transaction]];
      const uint32_t to = subject_of[s.destination()[e.transaction]];
      for (uint32_t end : {from, to}) {
        if (end != kNoSubject) f.evidence.push_back({end, e.transaction});
      }
      if (from == kNoSubject || to == kNoSubject || from == to) continue;
      if (std::find(f.subjects.begin(), f.subjects.end(), to) == f.subjects.end()) continue;
      f.payers.push_back(from);
    }
    alert_facts.push_back(std::move(f));
  }
  std::vector<PatternFact> pattern_facts;
  std::vector<std::vector<uint32_t>> patterns_of(subject_count);
  for (size_t i = 0; i < instances.instances.size(); ++i) {
    PatternFact f;
    f.kind = static_cast<uint8_t>(instances.instances[i].kind);
    for (AccountId acc : instances.instances[i].accounts) {
      uint32_t sub = subject_of[acc];
      if (sub == kNoSubject) continue;
      if (std::find(f.subjects.begin(), f.subjects.end(), sub) != f.subjects.end()) continue;
      f.subjects.push_back(sub);
      patterns_of[sub].push_back(static_cast<uint32_t>(i));
    }
    pattern_facts.push_back(std::move(f));
  }
  std::vector<ModelFact> model_facts(subject_count);
  for (size_t k = 0; k < subject_count; ++k) {
    // The calibrated probability of its top transaction; 0 (no model input) when the model
    // does not apply.
    model_facts[k].top_score =
        top_tx[k] < 0 ? 0.0 : scored.probability[static_cast<size_t>(top_tx[k])];
    model_facts[k].flagged = flagged_in[k] + flagged_out[k];
  }
  RankedSubjects ranking =
      RankSubjects(subject_count, model_facts, alert_facts, pattern_facts, subject_tx, payments);
  const std::vector<SubjectScore>& ranked = ranking.ranked;
  const size_t top = std::min(o.top, ranked.size());

  // 6. Trace the proceeds that reached each top subject, forward, with LIBR.
  stages.Begin("trace");
  MT_ASSIGN_OR_RETURN(trace::Ledger ledger, trace::Ledger::FromStore(s));
  struct SubjectTrace {
    trace::TraceOptions options;
    trace::Trail trail;
    std::string seeds;
    std::string dir;
  };
  std::vector<SubjectTrace> traces(top);
  trace::TraceOptions combined;
  combined.method = trace::Method::kLowestIntermediateBalance;
  combined.max_hops = o.trace_hops;
  for (size_t r = 0; r < top; ++r) {
    stages.Progress(static_cast<double>(r) / static_cast<double>(top + 1));
    const uint32_t sub = ranked[r].subject;
    const SubjectInfo& info = subjects[sub];
    SubjectTrace& st = traces[r];
    st.options.method = trace::Method::kLowestIntermediateBalance;
    st.options.max_hops = o.trace_hops;
    // Seeds: the suspicious money that came in: evidence of its alerts and transactions the
    // model flags, received by the subject.
    auto inflow = [&](TransactionId t) {
      return subject_of[s.destination()[t]] == sub && subject_of[s.source()[t]] != sub;
    };
    std::set<TransactionId> seeds;
    for (uint32_t ai : alerts_of[sub]) {
      for (const rules::EvidenceItem& e : scan.alerts[ai].evidence) {
        if (inflow(e.transaction)) seeds.insert(e.transaction);
      }
    }
    for (uint64_t t = 0; t < n; ++t) {
      if (scored.applies && scored.flag[t] && inflow(static_cast<TransactionId>(t))) {
        seeds.insert(static_cast<TransactionId>(t));
      }
    }
    const std::string& label = info.label;
    if (seeds.empty()) {
      st.options.seed_accounts = info.accounts;
      st.seeds = fmt::format("{} {} (all it held and received: no flagged inflow)", info.kind, label);
      combined.seed_accounts.insert(combined.seed_accounts.end(), info.accounts.begin(),
                                    info.accounts.end());
    } else {
      st.options.seed_transactions.assign(seeds.begin(), seeds.end());
      st.seeds = fmt::format("{} flagged inflow{} of {} {}", seeds.size(),
                             seeds.size() == 1 ? "" : "s", info.kind, label);
      combined.seed_transactions.insert(combined.seed_transactions.end(), seeds.begin(),
                                        seeds.end());
    }
    Result<trace::Trail> trail = trace::TraceForward(ledger, st.options);
    if (!trail.ok()) return trail.status().WithContext("trace " + label);
    MT_RETURN_IF_ERROR(trail->Reconcile());
    st.trail = std::move(*trail);
    st.dir = fmt::format("trails/{:02d}-{}", r + 1, SafeName(label));
  }
  std::sort(combined.seed_transactions.begin(), combined.seed_transactions.end());
  combined.seed_transactions.erase(
      std::unique(combined.seed_transactions.begin(), combined.seed_transactions.end()),
      combined.seed_transactions.end());
  std::sort(combined.seed_accounts.begin(), combined.seed_accounts.end());
  Result<trace::Trail> combined_trail = trace::TraceForward(ledger, combined);
  if (!combined_trail.ok()) return combined_trail.status().WithContext("trace (all subjects)");
  MT_RETURN_IF_ERROR(combined_trail->Reconcile());
  {
    report::TraceView all;  // the exits of all subjects together, in words, for the findings
    all.totals = TotalsView(s, ledger, *combined_trail);
    DescribeExits(views, ledger, *combined_trail, all);
    summary.traced = std::move(all.totals);
  }

  // 7. The report's data.
  stages.Begin("report");
  report::CaseReportData data;
  data.title = o.case_title.empty() ? fmt::format("Case report: {}", o.store.filename().string())
                                    : o.case_title;
  data.case_number = o.case_number;
  data.agency = o.agency;
  data.author = o.author;
  data.marking = o.marking;
  data.exhibit = o.exhibit;
  data.paper = o.a4 ? report::PaperSize::kA4 : report::PaperSize::kLetter;
  data.generated_at = generated_at;
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

  std::vector<SubjectRow> rows(ranked.size());
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

  // 8. Write the case into a temporary sibling, then move it into place.
  MT_ASSIGN_OR_RETURN(CaseWriter writer, CaseWriter::Begin(final_dir));
  const fs::path& tmp_dir = writer.dir();
  std::error_code ec;
  const std::vector<std::string> holder_names =
      names ? names->ByAccount(s) : std::vector<std::string>();

  for (size_t r = 0; r < top; ++r) {
    const SubjectTrace& st = traces[r];
    trace::TrailReport tr{s, ledger, st.options, st.seeds, holder_names};
    fs::create_directories(tmp_dir / st.dir, ec);
    if (ec) return IoError(fmt::format("cannot create {}: {}", (tmp_dir / st.dir).string(), ec.message()));
    MT_RETURN_IF_ERROR(writer.Write(st.dir + "/trail.json", trace::TrailJson(st.trail, tr),
                                    "the trace's flows, holdings and reconciled totals"));
    MT_RETURN_IF_ERROR(writer.Write(st.dir + "/schedule.csv",
                                    trace::TracingScheduleCsv(st.trail, tr), "tracing schedule"));
    Result<std::string> svg = trace::FlowChartSvg(st.trail, tr, kChartNodes);
    if (svg.ok()) {
      MT_RETURN_IF_ERROR(writer.Write(st.dir + "/chart.svg", *svg, "flow-of-funds chart"));
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
      summary.warnings.push_back(fmt::format("no flow-of-funds chart: {}", svg.status().ToString()));
    }
  }
  // The forensic schedules of each top subject (schedules.h) and the case timeline: tables of
  // the report and CSV files under schedules/.
  {
    fs::create_directories(tmp_dir / "schedules", ec);
    if (ec) return IoError(fmt::format("cannot create {}: {}", (tmp_dir / "schedules").string(), ec.message()));
    std::vector<std::pair<TransactionId, TransactionId>> first_last(top);
    for (size_t r = 0; r < top; ++r) {
      const uint32_t sub = ranked[r].subject;
      MT_ASSIGN_OR_RETURN(std::vector<Schedule> schedules,
                          SubjectSchedules(views, subject_of, sub, subjects[sub].accounts, holder_names,
                                           fmt::format("schedules/{:02}-", r + 1), &first_last[r]));
      for (Schedule& sc : schedules) {
        if (!sc.csv.empty()) MT_RETURN_IF_ERROR(writer.Write(sc.view.csv, sc.csv, sc.view.title));
        data.subjects[r].schedules.push_back(std::move(sc.view));
      }
    }
    CaseTimeline timeline = BuildCaseTimeline(views, data.subjects, first_last);
    data.timeline = std::move(timeline.events);
    data.timeline_total = timeline.total;
    data.timeline_csv = "schedules/timeline.csv";
    MT_RETURN_IF_ERROR(writer.Write(data.timeline_csv, timeline.csv, "the case's chronological timeline"));
  }
  {
    std::string alerts = rules::ScanHeaderJsonLine(s, pack_ptrs, scan) + "\n";
    for (const rules::Alert& a : scan.alerts) alerts += rules::AlertJsonLine(s, a) + "\n";
    MT_RETURN_IF_ERROR(writer.Write("alerts.jsonl", alerts, "every alert of the rule packs"));
  }
  MT_RETURN_IF_ERROR(writer.Write("subjects.csv", SubjectsCsv(rows), "every ranked subject"));

  data.findings = Findings(data, scan, instances.instances.size(), scored.flagged, summary.traced);
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
      {"KYC directory", o.parties.empty() ? std::string("(none)")
                                          : fs::absolute(o.parties).string() + holders_origin},
      {"entities", o.entities.empty() ? std::string("(accounts are the subjects)")
                                      : fs::absolute(o.entities).string()},
      {"top subjects", std::to_string(o.top)},
      {"tracing", fmt::format("forward LIBR, at most {} hops", o.trace_hops)},
      {"threads", std::to_string(threads)},
  };
  for (const rules::RulePack* p : pack_ptrs) {
    data.configuration.emplace_back("rule pack " + p->id(), p->origin() + " (SHA-256 " + p->sha256() + ")");
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
  MT_ASSIGN_OR_RETURN(data.integrity, StatementIntegrity(s));
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
  MT_RETURN_IF_ERROR(writer.Write("report.html", report::RenderReportHtml(data), "the case report"));

  if (o.pdf) {
    stages.Begin("pdf");
    report::PdfOptions po;
    Result<report::PdfInfo> pdf = report::PrintPdf(tmp_dir / "report.html", tmp_dir / "report.pdf", po);
    if (pdf.ok()) {
      MT_RETURN_IF_ERROR(writer.Record("report.pdf", "the case report, printed"));
    } else {
      summary.warnings.push_back("report.pdf not written: " + pdf.status().ToString());
    }
  }
  stages.Begin("custody");
  MT_RETURN_IF_ERROR(writer.Write(
      "custody.json", CustodyJson(s, data, writer.outputs(), generated_at), "custody record"));
  MT_RETURN_IF_ERROR(writer.Publish());
  stages.End();

  summary.out = final_dir;
  summary.transactions = n;
  summary.accounts = s.account_count();
  summary.volume = data.volume;
  summary.alerts = scan.alerts.size();
  summary.pattern_instances = instances.instances.size();
  summary.flagged_transactions = scored.flagged;
  summary.model_applies = scored.applies;
  summary.model_sentence = scored.sentence;
  summary.subjects = ranked.size();
  rows.resize(top);
  summary.top = std::move(rows);
  for (const OutputFile& f : writer.outputs()) summary.outputs.emplace_back((final_dir / f.path).string(), f.what);
  return summary;
}

}  // namespace moneytrail::cases
