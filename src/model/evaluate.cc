// `moneytrail eval`: reading scores back and measuring them.
#include <fmt/format.h>

#include <charconv>
#include <cstdlib>

#include "moneytrail/csv.h"
#include "moneytrail/file_util.h"
#include "moneytrail/model_score.h"

namespace moneytrail::model {
namespace {

BinaryMetrics FlagMetrics(std::span<const float> scores, std::span<const uint8_t> flags,
                          std::span<const int8_t> labels) {
  BinaryMetrics m = ComputeMetrics(scores, labels, 2.0f);  // PR-AUC and counts; nothing flagged
  for (size_t r = 0; r < scores.size(); ++r) {
    if (labels[r] == kLabelUnknown || !flags[r]) continue;
    ++m.flagged;
    m.true_positives += labels[r] == 1;
  }
  m.precision = m.flagged ? static_cast<double>(m.true_positives) / m.flagged : 0;
  m.recall = m.positives ? static_cast<double>(m.true_positives) / m.positives : 0;
  m.f1 = m.true_positives ? 2 * m.precision * m.recall / (m.precision + m.recall) : 0;
  return m;
}

AccountMetrics AccountLevel(const store::Store& s, std::span<const float> scores,
                            std::span<const uint8_t> in_part,
                            std::span<const int8_t> account_labels,
                            std::span<const size_t> top_k) {
  std::vector<float> best(s.account_count(), -1.0f);
  for (size_t t = 0; t < scores.size(); ++t) {
    if (!in_part[t]) continue;
    for (AccountId a : {s.source()[t], s.destination()[t]}) best[a] = std::max(best[a], scores[t]);
  }
  std::vector<float> ranked_scores;
  std::vector<int8_t> ranked_labels;
  for (AccountId a = 0; a < s.account_count(); ++a) {
    if (best[a] < 0 || s.account(a).kind != NodeKind::kAccount) continue;
    ranked_scores.push_back(best[a]);
    ranked_labels.push_back(account_labels[a]);
  }
  AccountMetrics m;
  const BinaryMetrics b = ComputeMetrics(ranked_scores, ranked_labels, 2.0f);
  m.accounts = b.rows;
  m.positives = b.positives;
  m.pr_auc = b.pr_auc;
  for (size_t k : top_k) m.precision_at.emplace_back(k, PrecisionAtK(ranked_scores, ranked_labels, k));
  return m;
}

nlohmann::json MetricsJson(const BinaryMetrics& m) {
  return {{"transactions", m.rows}, {"laundering", m.positives}, {"flagged", m.flagged},
          {"true_positives", m.true_positives}, {"precision", m.precision},
          {"recall", m.recall}, {"f1", m.f1}, {"pr_auc", m.pr_auc}};
}

nlohmann::json AccountJson(const AccountMetrics& m) {
  nlohmann::json at = nlohmann::json::object();
  for (const auto& [k, p] : m.precision_at) at[std::to_string(k)] = p;
  return {{"accounts", m.accounts}, {"laundering", m.positives}, {"pr_auc", m.pr_auc},
          {"precision_at", at}};
}

}  // namespace

Result<ScoresFile> ReadScoresCsv(const std::filesystem::path& path, const store::Store& s) {
  MT_ASSIGN_OR_RETURN(std::string data, ReadFileToString(path));
  CsvRecordReader reader(StripBom(data), CsvDialect{});
  std::vector<std::string_view> f;
  ScoresFile out;
  const size_t n = s.transaction_count();
  const std::string where = path.string();
  if (!reader.Next(f) || f.size() < 7 || f[0] != "tx_id" || f[3] != "score" ||
      f[5] != "baseline_score") {
    return InvalidArgumentError(where + ":1: expected the header of moneytrail score's scores.csv");
  }
  const bool has_probability = f.size() >= 9 && f[7] == "probability";
  auto number = [&](std::string_view text, const char* field) -> Result<float> {
    float v = 0;
    const std::string copy(text);
    char* end = nullptr;
    v = std::strtof(copy.c_str(), &end);
    if (copy.empty() || end != copy.c_str() + copy.size()) {
      return InvalidArgumentError(fmt::format("{}:{}: field '{}' = '{}': expected a number", where,
                                              reader.line(), field, text));
    }
    return v;
  };
  while (reader.Next(f)) {
    if (f.size() == 1 && f[0].empty()) continue;
    if (f.size() < 8) {
      return InvalidArgumentError(fmt::format("{}:{}: expected 8 fields, found {}", where,
                                              reader.line(), f.size()));
    }
    uint64_t tx = 0;
    std::from_chars(f[0].data(), f[0].data() + f[0].size(), tx);
    if (tx != out.score.size()) {
      return InvalidArgumentError(fmt::format("{}:{}: field 'tx_id' = '{}': expected {}", where,
                                              reader.line(), f[0], out.score.size()));
    }
    MT_ASSIGN_OR_RETURN(float score, number(f[3], "score"));
    MT_ASSIGN_OR_RETURN(float base, number(f[5], "baseline_score"));
    MT_ASSIGN_OR_RETURN(SplitPart part, ParseSplitPart(f[2]));
    out.score.push_back(score);
    out.baseline.push_back(base);
    out.flagged.push_back(f[4] == "1");
    out.baseline_flagged.push_back(f[6] == "1");
    out.part.push_back(part);
    if (has_probability) {
      MT_ASSIGN_OR_RETURN(float prob, number(f[7], "probability"));
      out.probability.push_back(prob);
    }
  }
  MT_RETURN_IF_ERROR(reader.status().WithContext(where));
  if (out.score.size() != n) {
    return FailedPreconditionError(fmt::format(
        "{} has {} transactions, the store {} has {}: scores of another store?", where,
        out.score.size(), s.dir().string(), n));
  }
  return out;
}

Result<Evaluation> Evaluate(const store::Store& s, const ScoresFile& scores,
                            std::span<const int8_t> labels, std::optional<SplitPart> part,
                            std::span<const size_t> top_k) {
  const size_t n = scores.score.size();
  if (labels.size() != n) return InvalidArgumentError("labels and scores differ in length");
  Evaluation e;
  e.part = part ? std::string(SplitPartName(*part)) : "all";
  std::vector<int8_t> in_labels(labels.begin(), labels.end());
  std::vector<uint8_t> in_part(n, 1);
  for (size_t t = 0; t < n; ++t) {
    if (part && scores.part[t] != *part) {
      in_part[t] = 0;
      in_labels[t] = kLabelUnknown;
    }
  }
  e.model = FlagMetrics(scores.score, scores.flagged, in_labels);
  e.baseline = FlagMetrics(scores.baseline, scores.baseline_flagged, in_labels);
  std::vector<int8_t> account_labels(s.account_count(), kLabelUnknown);
  bool from_store = false;
  for (AccountId a = 0; a < s.account_count(); ++a) {
    const Label l = s.account_attributes(a).label;
    if (l == Label::kUnknown) continue;
    account_labels[a] = l == Label::kLaundering ? 1 : 0;
    from_store = true;
  }
  e.account_labels = from_store ? "store" : "derived";
  if (!from_store) {
    std::fill(account_labels.begin(), account_labels.end(), 0);
    for (size_t t = 0; t < n; ++t) {
      if (in_labels[t] == 1) account_labels[s.source()[t]] = account_labels[s.destination()[t]] = 1;
    }
  }
  e.ece_raw = ExpectedCalibrationError(ReliabilityTable(scores.score, in_labels, 10));
  if (!scores.probability.empty()) {
    e.reliability = ReliabilityTable(scores.probability, in_labels, 10);
    e.ece = ExpectedCalibrationError(e.reliability);
  }
  e.model_accounts = AccountLevel(s, scores.score, in_part, account_labels, top_k);
  e.baseline_accounts = AccountLevel(s, scores.baseline, in_part, account_labels, top_k);
  return e;
}

std::string Evaluation::ToText() const {
  std::string out = fmt::format("split: {}; account labels: {}\n", part, account_labels);
  out += fmt::format("{:<28} {:>12} {:>12}\n", "metric", "model", "baseline");
  auto row = [&](std::string_view name, double a, double b) {
    out += fmt::format("{:<28} {:>12.4f} {:>12.4f}\n", name, a, b);
  };
  auto count = [&](std::string_view name, uint64_t a, uint64_t b) {
    out += fmt::format("{:<28} {:>12} {:>12}\n", name, a, b);
  };
  count("transactions", model.rows, baseline.rows);
  count("laundering", model.positives, baseline.positives);
  count("flagged", model.flagged, baseline.flagged);
  count("true positives", model.true_positives, baseline.true_positives);
  row("minority F1", model.f1, baseline.f1);
  row("precision", model.precision, baseline.precision);
  row("recall", model.recall, baseline.recall);
  row("PR-AUC", model.pr_auc, baseline.pr_auc);
  count("accounts", model_accounts.accounts, baseline_accounts.accounts);
  count("laundering accounts", model_accounts.positives, baseline_accounts.positives);
  row("account PR-AUC", model_accounts.pr_auc, baseline_accounts.pr_auc);
  for (size_t i = 0; i < model_accounts.precision_at.size(); ++i) {
    row(fmt::format("precision@{} accounts", model_accounts.precision_at[i].first),
        model_accounts.precision_at[i].second, baseline_accounts.precision_at[i].second);
  }
  out += fmt::format("{:<28} {:>12.4f}\n", "calibration error (raw)", ece_raw);
  if (ece >= 0) {
    out += fmt::format("{:<28} {:>12.4f}\n", "calibration error (prob.)", ece);
    out += "reliability of the probability: bin, mean predicted, observed rate, rows\n";
    for (const ReliabilityBin& b : reliability) {
      if (b.count == 0) continue;
      out += fmt::format("  [{:.1f}, {:.1f})  {:.4f}  {:.4f}  {}\n", b.lower, b.upper,
                         b.predicted_mean, b.observed_rate, b.count);
    }
  }
  return out;
}

nlohmann::json Evaluation::ToJson() const {
  return {{"split", part},
          {"ece_raw", ece_raw},
          {"ece_probability", ece},
          {"reliability", ReliabilityToJson(reliability)},
          {"account_labels", account_labels},
          {"model", {{"transactions", MetricsJson(model)}, {"accounts", AccountJson(model_accounts)}}},
          {"baseline",
           {{"transactions", MetricsJson(baseline)}, {"accounts", AccountJson(baseline_accounts)}}}};
}

}  // namespace moneytrail::model
