#include "ranking_input.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdlib>
#include <utility>

#include "moneytrail/fan_instances.h"
#include "moneytrail/file_util.h"
#include "moneytrail/graph.h"
#include "moneytrail/model.h"
#include "moneytrail/model_score.h"

namespace moneytrail::cases {

namespace fs = std::filesystem;

// Splits ExplainInWords text ("amount paid 9,500.00 (+1.20); channel cash (+0.80)").
std::vector<report::ReasonView> ParseReasons(std::string_view text) {
  std::vector<report::ReasonView> out;
  while (!text.empty()) {
    size_t semi = text.find("; ");
    std::string_view part = text.substr(0, semi);
    report::ReasonView r;
    r.text = std::string(part);
    size_t open = part.rfind(" (+");
    if (open != std::string_view::npos && part.back() == ')') {
      r.weight = std::strtod(std::string(part.substr(open + 3, part.size() - open - 4)).c_str(), nullptr);
    }
    out.push_back(std::move(r));
    if (semi == std::string_view::npos) break;
    text.remove_prefix(semi + 2);
  }
  return out;
}

// Scores every transaction with the model variant the input's features support, runs the shift
// check, and keeps the scores only when the model applies (docs/model.md, Applicability).
Result<Scored> ModelInputForRanking(const store::Store& s, const fs::path& model_option,
                                    const rules::HolderTable* holders) {
  fs::path model_path = model_option;
  if (model_path.empty()) {
    Result<fs::path> found = model::FindDefaultModel();
    if (!found.ok()) return found.status().WithContext("model (give --model FILE)");
    model_path = *found;
  }
  Result<model::ModelBundle> bundle = model::ModelBundle::Load(model_path);
  if (!bundle.ok()) return bundle.status().WithContext("model " + model_path.string());
  model::ScoreOptions so;
  so.reasons = 3;
  so.holders = holders;  // availability of KYC, and a model with rule-hit features
  Result<model::ScoreRun> run = model::ScoreStore(s, *bundle, so);
  if (!run.ok()) return run.status().WithContext("model " + model_path.string());
  Scored scored;
  const model::ModelApplicability& ap = run->applicability;
  scored.applies = ap.applies;
  scored.model_role = ap.model_role;
  scored.threshold = run->threshold;
  scored.model_path = fs::absolute(model_path).string();
  MT_ASSIGN_OR_RETURN(std::string bytes, ReadFileToString(model_path));
  scored.model_sha256 = Sha256Hex(bytes);
  scored.labels = bundle->labels();
  if (!ap.applies) {
    // ap.reason reads "the model does not apply: <why>".
    const size_t why = ap.reason.find(": ");
    scored.sentence = fmt::format(
        "The model does not apply to this input, so the ranking uses rules and patterns alone: "
        "{}.", why == std::string::npos ? ap.reason : ap.reason.substr(why + 2));
    return scored;
  }
  scored.sentence = fmt::format("The {} ({}) was used: {}.",
                                ap.model_role == "main" ? "main model" : "model variant",
                                ap.model_role, ap.availability_sentence);
  scored.score = std::move(run->score);
  scored.probability = std::move(run->probability);
  scored.reasons = std::move(run->reasons);
  scored.flagged = run->flagged;
  scored.flag.resize(scored.score.size());
  for (size_t t = 0; t < scored.score.size(); ++t) {
    scored.flag[t] = scored.score[t] >= scored.threshold;
  }
  return scored;
}

Result<PatternEvidence> PatternsForRanking(const store::Store& s, int threads) {
  std::vector<double> amount_storage;
  graph::EdgeColumns columns = graph::ColumnsFromStore(s, amount_storage);
  graph::BuildOptions build;
  build.threads = threads;
  Result<graph::TemporalGraph> g = graph::TemporalGraph::Build(columns, build);
  if (!g.ok()) return g.status().WithContext("patterns");
  const Timestamp resolution = patterns::DetectTimeResolution(columns.time);
  patterns::PatternConfig config = patterns::ScaledToResolution({}, resolution);
  config.fan.enabled = false;           // its counts are not instances: FanInstances below
  config.vertex_stats.enabled = false;  // statistics only: no instances
  patterns::RunOptions run;
  run.threads = threads;
  run.collect_instances = true;
  Result<patterns::FeatureRun> fr = patterns::ComputeFeatures(*g, columns, config, run);
  if (!fr.ok()) return fr.status().WithContext("patterns");
  std::vector<uint8_t> is_account(s.account_count(), 0);
  for (AccountId a = 0; a < s.account_count(); ++a) {
    is_account[a] = s.account(a).kind == NodeKind::kAccount;
  }
  patterns::FanInstanceOptions fan;
  fan.window = config.fan.window;
  fan.min_counterparties = kFanMinCounterparties;
  fan.cap_per_account = config.instances_per_account;
  PatternEvidence out;
  out.instances =
      patterns::CombineInstances(std::move(fr->instances), patterns::FanInstances(*g, is_account, fan));
  auto hours = [](Timestamp w) { return fmt::format("{} h", w / 3600); };
  auto days = [](Timestamp w) { return fmt::format("{} d", w / 86400); };
  auto shown = [&](Timestamp w) { return resolution > 1 ? days(w) : hours(w); };
  out.description = fmt::format(
      "time resolution {} ({}); windows: scatter-gather, gather-scatter, bipartite, stack {}, "
      "temporal cycles {} (length <= {}), fan-in/out {} with >= {} distinct counterpart{}; at "
      "most {} instances per account",
      resolution > 1 ? "1 day" : "1 s",
      resolution > 1 ? "every timestamp is a whole day: GFP's windows scaled, an hour to a day"
                     : "GFP's default windows",
      shown(config.scatter_gather.window), shown(config.temporal_cycle.window),
      config.max_cycle_length, shown(config.fan.window), kFanMinCounterparties,
      kFanMinCounterparties == 1 ? "y" : "ies", config.instances_per_account);
  return out;
}

// How the rank was formed, in words (docs/investigate.md, Ranking).
std::string RankBasis(const SubjectScore& sc, uint64_t transactions, uint64_t flagged,
                      bool model_applies) {
  std::string out = fmt::format(
      "evidence tier {} ({}); red-flag rules: {} point{} ({} alert{} of {} rule{}, {} at high "
      "severity); money from flagged subjects: {} point{} ({} payer{} with a medium or high "
      "red flag); patterns: {} point{} ({} instance{} of {} kind{}); reporting obligations "
      "(CTR rules): {}; ",
      static_cast<int>(sc.tier), EvidenceTierText(sc.tier), sc.rule_points,
      sc.rule_points == 1 ? "" : "s", sc.alerts, sc.alerts == 1 ? "" : "s", sc.rules.size(),
      sc.rules.size() == 1 ? "" : "s", sc.high_rules, sc.flow_points,
      sc.flow_points == 1 ? "" : "s", sc.flagged_payers, sc.flagged_payers == 1 ? "" : "s",
      sc.pattern_points, sc.pattern_points == 1 ? "" : "s", sc.patterns,
      sc.patterns == 1 ? "" : "s", sc.pattern_kinds, sc.pattern_kinds == 1 ? "" : "s",
      sc.report_points);
  if (model_applies) {
    out += fmt::format("calibrated model probability {:.{}f} (its highest-scoring of {} "
                       "transactions; {} flagged), a tie-breaker only",
                       sc.model_probability, kModelDigits, transactions, flagged);
  } else {
    out += "no model input (the model does not apply to this input)";
  }
  if (!sc.incidental_rules.empty()) {
    out += fmt::format("; counted as low severity because their evidence is under a tenth of its "
                       "{} transactions (incidental to a busy account): {}",
                       transactions, fmt::join(sc.incidental_rules, ", "));
  }
  if (!sc.feeds.empty()) {
    out += fmt::format("; a feeder: it pays {} account{} with a medium or high red flag that "
                       "gather{} money from several flagged payers, so it is ranked after the "
                       "subjects of its tier that feed none (the scheme is ranked by where its "
                       "money gathers)",
                       sc.feeds.size(), sc.feeds.size() == 1 ? "" : "s",
                       sc.feeds.size() == 1 ? "s" : "");
  }
  if (!sc.conduits.empty()) {
    out += fmt::format("; a collection account: receives nearly all (at least nine tenths) "
                       "of the money of {} account{} with a medium or high red flag (and of at "
                       "least one more "
                       "account with evidence against it), and is ranked with the evidence "
                       "tier, rule points and high rules of the strongest of them when stronger "
                       "than its own (the scheme's money gathers here; its senders rank after "
                       "their tier)",
                       sc.conduits.size(), sc.conduits.size() == 1 ? "" : "s");
  }
  if (!sc.secondary_to.empty()) {
    out += fmt::format("; a secondary party: each of its red-flag alerts also names {} "
                       "subject{} with red flags of {} own, so it is ranked after the subjects of "
                       "its tier that are not (the shared alert is ranked by the party with "
                       "evidence of its own)",
                       sc.secondary_to.size(), sc.secondary_to.size() == 1 ? "" : "s",
                       sc.secondary_to.size() == 1 ? "its" : "their");
  }
  if (!sc.related.empty()) {
    out += fmt::format("; {} related part{} (payers into it that are evidence of its alerts, "
                       "with no evidence of their own) listed, not ranked",
                       sc.related.size(), sc.related.size() == 1 ? "y" : "ies");
  }
  return out;
}

}  // namespace moneytrail::cases
