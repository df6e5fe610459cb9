// Scoring, explanations, account ranking and the scores file.
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <cmath>
#include <numeric>

#include "model/neighbour_features.h"
#include "moneytrail/model_score.h"

namespace moneytrail::model {
namespace {

std::string CsvQuote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

nlohmann::json ModelApplicability::ToJson() const {
  return {{"input", input.ToJson()},
          {"model", model_role},
          {"unused_capabilities", unused_capabilities},
          {"unused_features", unused_features},
          {"masked_by_missing", masked_by_missing},
          {"calibrated", calibrated},
          {"applies", applies},
          {"availability", availability_sentence},
          {"reason", reason},
          {"shift", shift.ToJson()}};
}

Result<ScoreRun> ScoreStore(const store::Store& s, const ModelBundle& bundle,
                            const ScoreOptions& options) {
  const Model& main = bundle.main();
  const Model& base = bundle.baseline();
  const std::vector<FeatureGroup> groups = bundle.union_groups();
  const RuleFeatureInput rules_input{bundle.rules_pack_text(), bundle.rules_pack_origin(),
                                     options.scan, options.holders};
  if (std::find(groups.begin(), groups.end(), FeatureGroup::kRules) != groups.end() &&
      bundle.rules_pack_text().empty()) {
    return DataLossError("the model has rule features but its file holds no rule pack");
  }
  MT_ASSIGN_OR_RETURN(FeatureMatrix x, BuildFeatures(s, {groups, 2, &rules_input}));
  if (model_internal::NeedsFirstStage(main.groups())) {
    MT_ASSIGN_OR_RETURN(std::vector<float> first,
                        model_internal::FirstStageScores(bundle.first_stage(),
                                                         bundle.boundaries(), x, s.time(),
                                                         bundle.first_stage_late_weight()));
    model_internal::SetFirstStageColumns(s, first, x);
  }
  // Feature availability: the model the input can support (docs/model.md, Applicability).
  ScoreRun run;
  ModelApplicability& ap = run.applicability;
  ap.input = DetectAvailability(s, options.holders);
  const Model* applied = bundle.ModelFor(ap.input);
  const std::vector<std::string> unsupported = UnsupportedColumns(main.features(), ap.input);
  if (applied == nullptr) {  // a file without variants: mask the columns as missing
    applied = &main;
    ap.masked_by_missing = true;
  }
  ap.model_role = applied->role();
  ap.unused_capabilities = applied->trained_without();
  for (const std::string& c : main.features()) {
    if (std::find(applied->features().begin(), applied->features().end(), c) ==
        applied->features().end()) {
      ap.unused_features.push_back(c);
    }
  }
  if (ap.masked_by_missing) {
    ap.unused_features = unsupported;
    for (const std::string& cap : ap.input.Missing()) {
      for (const std::string& c : ColumnsNeeding(cap)) {
        if (std::find(unsupported.begin(), unsupported.end(), c) != unsupported.end()) {
          ap.unused_capabilities.push_back(cap);
          break;
        }
      }
    }
  }
  ap.calibrated = !applied->calibration().empty();
  MT_RETURN_IF_ERROR(main.CheckSchema(FeatureNames(main.groups(), bundle.excluded_features())));
  Result<FeatureMatrix> selected = x.Select(applied->features());
  if (!selected.ok()) {
    return FailedPreconditionError(fmt::format("feature schema mismatch for the {} model: {}",
                                               applied->role(), selected.status().message()));
  }
  FeatureMatrix xm = std::move(*selected);
  if (ap.masked_by_missing) {
    for (const std::string& c : unsupported) {
      const size_t k = static_cast<size_t>(std::find(xm.names.begin(), xm.names.end(), c) -
                                           xm.names.begin());
      for (size_t r = 0; r < xm.rows; ++r) xm.values[r * xm.cols() + k] = std::nanf("");
    }
  }
  ap.shift = CheckShift(bundle.profile(), ap.input, xm, applied->shift_limit());
  ap.applies = ap.shift.applies;
  ap.reason = ap.shift.reason;
  {
    std::string& a = ap.availability_sentence;
    if (ap.unused_capabilities.empty()) {
      a = "model applied with all its features";
    } else {
      std::string words;
      for (size_t i = 0; i < ap.unused_capabilities.size(); ++i) {
        if (i > 0) words += i + 1 == ap.unused_capabilities.size() ? " and " : ", ";
        words += CapabilityWords(ap.unused_capabilities[i]);
      }
      a = fmt::format("model applied without {} features{}: {}", words,
                      ap.masked_by_missing ? " (set to missing: the model file has no variant "
                                             "trained without them)" : "",
                      ap.input.Sentence());
    }
    if (!ap.calibrated) a += "; scores uncalibrated (the model file has no calibration)";
    if (!ap.shift.checked) a += "; no shift check (the model file has no training summaries)";
  }
  MT_ASSIGN_OR_RETURN(FeatureMatrix xb, x.Select(FeatureNames(base.groups())));
  x = FeatureMatrix();  // release
  MT_ASSIGN_OR_RETURN(run.score, applied->Predict(xm));
  MT_ASSIGN_OR_RETURN(run.baseline, base.Predict(xb));
  run.threshold = applied->threshold();
  run.probability.resize(run.score.size());
  for (size_t r = 0; r < run.score.size(); ++r) run.probability[r] = applied->Calibrate(run.score[r]);
  std::vector<uint32_t> flagged;
  for (uint32_t r = 0; r < run.score.size(); ++r) {
    if (run.score[r] >= run.threshold) flagged.push_back(r);
  }
  run.flagged = flagged.size();
  run.reasons.assign(run.score.size(), std::string());
  const size_t width = xm.cols() + 1;
  constexpr size_t kBatch = 4096;  // SHAP in batches: bounded memory
  for (size_t begin = 0; begin < flagged.size(); begin += kBatch) {
    const std::span<const uint32_t> rows(flagged.data() + begin,
                                         std::min(kBatch, flagged.size() - begin));
    MT_ASSIGN_OR_RETURN(std::vector<float> contributions, applied->Contributions(xm, rows));
    for (size_t i = 0; i < rows.size(); ++i) {
      const std::span<const float> c(contributions.data() + i * width, width);
      const auto top = TopContributions(c, xm.row(rows[i]), options.reasons);
      run.reasons[rows[i]] = ExplainInWords(*applied, top);
    }
  }
  return run;
}

Status WriteScoresCsv(const store::Store& s, const ModelBundle& bundle, const ScoreRun& run,
                      const std::filesystem::path& path) {
  std::ofstream out(path, std::ios::binary);
  if (!out) return IoError(fmt::format("cannot create {}", path.string()));
  out << "tx_id,time,split,score,flagged,baseline_score,baseline_flagged,probability,reasons\n";
  std::string line;
  for (size_t t = 0; t < run.score.size(); ++t) {
    line.clear();
    const Timestamp time = s.time()[t];
    fmt::format_to(std::back_inserter(line), "{},{},{},{},{},{},{},{},", t, time,
                   SplitPartName(bundle.boundaries().PartOf(time)), run.score[t],
                   run.score[t] >= run.threshold ? 1 : 0, run.baseline[t],
                   run.baseline[t] >= bundle.baseline().threshold() ? 1 : 0, run.probability[t]);
    if (!run.reasons[t].empty()) line += CsvQuote(run.reasons[t]);
    line += '\n';
    out << line;
  }
  out.flush();
  if (!out) return IoError(fmt::format("cannot write {}", path.string()));
  return Status::Ok();
}

Status WriteAccountRanking(const store::Store& s, const ModelBundle& /*bundle*/, const ScoreRun& run,
                           const std::filesystem::path& path) {
  struct Account {
    float score = -1;
    uint32_t transactions = 0;
    uint32_t flagged = 0;
    int64_t top_tx = -1;
  };
  std::vector<Account> accounts(s.account_count());
  const float threshold = run.threshold;
  for (size_t t = 0; t < run.score.size(); ++t) {
    for (AccountId a : {s.source()[t], s.destination()[t]}) {
      Account& acc = accounts[a];
      ++acc.transactions;
      acc.flagged += run.score[t] >= threshold;
      if (run.score[t] > acc.score) {
        acc.score = run.score[t];
        acc.top_tx = static_cast<int64_t>(t);
      }
    }
  }
  std::vector<AccountId> order;
  for (AccountId a = 0; a < accounts.size(); ++a) {
    if (accounts[a].transactions && s.account(a).kind == NodeKind::kAccount) order.push_back(a);
  }
  std::stable_sort(order.begin(), order.end(), [&](AccountId a, AccountId b) {
    return accounts[a].score > accounts[b].score;
  });
  std::ofstream out(path, std::ios::binary);
  if (!out) return IoError(fmt::format("cannot create {}", path.string()));
  out << "rank,account,score,transactions,flagged,top_tx,reasons\n";
  for (size_t i = 0; i < order.size(); ++i) {
    const Account& acc = accounts[order[i]];
    out << fmt::format("{},{},{},{},{},{},", i + 1, CsvQuote(s.AccountLabel(order[i])), acc.score,
                       acc.transactions, acc.flagged, acc.top_tx);
    const std::string& why = run.reasons[static_cast<size_t>(acc.top_tx)];
    if (!why.empty()) out << CsvQuote(why);
    out << '\n';
  }
  out.flush();
  if (!out) return IoError(fmt::format("cannot write {}", path.string()));
  return Status::Ok();
}

}  // namespace moneytrail::model
