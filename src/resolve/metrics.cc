#include "moneytrail/resolve_metrics.h"

#include <algorithm>
#include <array>
#include <map>
#include <regex>
#include <unordered_map>

#include <fmt/format.h>

#include "resolve/csv_reader.h"

namespace moneytrail::resolve {
namespace {

double Ratio(double num, double den) { return den > 0 ? num / den : 0.0; }
double Harmonic(double p, double r) { return p + r > 0 ? 2 * p * r / (p + r) : 0.0; }
int64_t Choose2(int64_t n) { return n * (n - 1) / 2; }

}  // namespace

double PairwiseMetrics::precision() const {
  return Ratio(static_cast<double>(true_positives), static_cast<double>(true_positives + false_positives));
}
double PairwiseMetrics::recall() const {
  return Ratio(static_cast<double>(true_positives), static_cast<double>(true_positives + false_negatives));
}
double PairwiseMetrics::f1() const { return Harmonic(precision(), recall()); }
double Evaluation::bcubed_f1() const { return Harmonic(bcubed_precision, bcubed_recall); }

Result<std::vector<std::string>> TruthLabels(const PartyTable& parties, const std::string& column,
                                             const std::string& pattern) {
  const int idx = parties.ColumnIndex(column);
  if (idx < 0) return InvalidArgumentError(fmt::format("truth column '{}' was not read", column));
  std::vector<std::string> labels = parties.values[idx];
  if (!pattern.empty()) {
    std::regex re;
    try {
      re = std::regex(pattern);
    } catch (const std::regex_error& e) {
      return InvalidArgumentError(fmt::format("truth pattern '{}': {}", pattern, e.what()));
    }
    for (size_t r = 0; r < labels.size(); ++r) {
      std::smatch m;
      std::string value = labels[r];
      while (!value.empty() && value.front() == ' ') value.erase(value.begin());
      if (!std::regex_search(value, m, re) || m.size() < 2) {
        return InvalidArgumentError(fmt::format("{}:{}: truth column '{}' value '{}' does not match '{}'",
                                                parties.source_names[parties.source[r]],
                                                parties.line[r], column, labels[r], pattern));
      }
      labels[r] = m[1].str();
    }
  }
  return labels;
}

Result<std::vector<std::string>> TruthLabelsFromFile(const PartyTable& parties,
                                                     const std::string& path,
                                                     const std::string& id_column,
                                                     const std::string& label_column) {
  MT_ASSIGN_OR_RETURN(resolve_internal::CsvTable csv, resolve_internal::ReadCsvFile(path, {}));
  size_t id_col = 0;
  auto it = std::find(csv.header.begin(), csv.header.end(), id_column);
  if (it != csv.header.end()) id_col = static_cast<size_t>(it - csv.header.begin());
  auto lt = std::find(csv.header.begin(), csv.header.end(), label_column);
  if (lt == csv.header.end()) {
    return InvalidArgumentError(fmt::format("{}:1: no truth column '{}'", path, label_column));
  }
  const size_t label_col = static_cast<size_t>(lt - csv.header.begin());
  std::unordered_map<std::string, std::string> label_of;
  for (auto& row : csv.rows) label_of[row[id_col]] = std::move(row[label_col]);
  std::vector<std::string> labels(parties.size());
  for (size_t r = 0; r < parties.size(); ++r) {
    auto found = label_of.find(parties.Id(r));
    if (found == label_of.end()) {
      return InvalidArgumentError(fmt::format("{}: no truth row for party '{}' ({}:{})", path,
                                              parties.Id(r), parties.source_names[parties.source[r]],
                                              parties.line[r]));
    }
    labels[r] = found->second;
  }
  return labels;
}

Evaluation Evaluate(const PartyTable& parties, const ResolveConfig& config,
                    const Resolution& resolution, const std::vector<std::string>& labels) {
  const bool link = config.mode == LinkMode::kLink;
  std::unordered_map<std::string, uint32_t> label_ids;
  std::vector<uint32_t> truth(labels.size());
  for (size_t r = 0; r < labels.size(); ++r) {
    truth[r] = label_ids.emplace(labels[r], static_cast<uint32_t>(label_ids.size())).first->second;
  }
  const auto& entity_of = resolution.entity_of();
  // Sizes per source of each truth label, each entity, and each (entity, label) cell.
  using Sizes = std::array<int64_t, 2>;
  std::vector<Sizes> label_size(label_ids.size(), Sizes{0, 0});
  std::vector<Sizes> entity_size(resolution.entity_count(), Sizes{0, 0});
  std::map<std::pair<uint32_t, uint32_t>, Sizes> cell;
  for (size_t r = 0; r < truth.size(); ++r) {
    const int s = link ? parties.source[r] : 0;
    ++label_size[truth[r]][s];
    ++entity_size[entity_of[r]][s];
    auto& c = cell[{entity_of[r], truth[r]}];
    ++c[s];
  }
  auto pairs_of = [&](const Sizes& s) { return link ? s[0] * s[1] : Choose2(s[0]); };
  Evaluation e;
  for (const auto& s : label_size) e.true_pairs += pairs_of(s);
  e.candidate_pairs = static_cast<int64_t>(resolution.pairs().size());
  for (const ScoredPair& p : resolution.pairs()) {
    const bool same = truth[p.left] == truth[p.right];
    if (same) ++e.true_pairs_blocked;
    if (p.weight >= resolution.threshold()) {
      same ? ++e.scored_pairs.true_positives : ++e.scored_pairs.false_positives;
    }
  }
  e.scored_pairs.false_negatives = e.true_pairs - e.scored_pairs.true_positives;
  int64_t predicted_pairs = 0;
  for (const auto& s : entity_size) predicted_pairs += pairs_of(s);
  int64_t tp = 0;
  double bp = 0, br = 0;
  for (const auto& [key, s] : cell) {
    tp += pairs_of(s);
    const double n_cell = static_cast<double>(s[0] + s[1]);
    const auto& es = entity_size[key.first];
    const auto& ls = label_size[key.second];
    const double n_entity = static_cast<double>(es[0] + es[1]);
    const double n_label = static_cast<double>(ls[0] + ls[1]);
    bp += n_cell * n_cell / n_entity;
    br += n_cell * n_cell / n_label;
    if (n_cell == n_entity && n_cell == n_label) ++e.exact_entities;
  }
  e.clustered_pairs.true_positives = tp;
  e.clustered_pairs.false_positives = predicted_pairs - tp;
  e.clustered_pairs.false_negatives = e.true_pairs - tp;
  const double n = static_cast<double>(truth.size());
  e.bcubed_precision = Ratio(bp, n);
  e.bcubed_recall = Ratio(br, n);
  e.true_entities = static_cast<int64_t>(label_ids.size());
  e.predicted_entities = static_cast<int64_t>(resolution.entity_count());
  return e;
}

std::string FormatEvaluation(const Evaluation& e) {
  std::string out;
  out += fmt::format("true pairs                {}\n", e.true_pairs);
  out += fmt::format("candidate pairs           {}  (blocking reaches {} true pairs, recall ceiling {:.4f})\n",
                     e.candidate_pairs, e.true_pairs_blocked,
                     Ratio(static_cast<double>(e.true_pairs_blocked), static_cast<double>(e.true_pairs)));
  auto line = [](std::string_view name, const PairwiseMetrics& m) {
    return fmt::format("{:<26}precision {:.4f}  recall {:.4f}  F1 {:.4f}  (TP {} FP {} FN {})\n", name,
                       m.precision(), m.recall(), m.f1(), m.true_positives, m.false_positives,
                       m.false_negatives);
  };
  out += line("scored pairs >= threshold", e.scored_pairs);
  out += line("pairwise (clusters)", e.clustered_pairs);
  out += fmt::format("entities                  predicted {}  true {}  exactly recovered {} ({:.4f})\n",
                     e.predicted_entities, e.true_entities, e.exact_entities,
                     Ratio(static_cast<double>(e.exact_entities), static_cast<double>(e.true_entities)));
  out += fmt::format("B-cubed                   precision {:.4f}  recall {:.4f}  F1 {:.4f}\n",
                     e.bcubed_precision, e.bcubed_recall, e.bcubed_f1());
  return out;
}

}  // namespace moneytrail::resolve
