// Evaluation of a resolution against known truth (FEBRL rec ids, Splink cluster columns,
// the generator's entity ids): blocking reach, pairwise precision/recall/F1 of the scored
// pairs and of the final clusters, and B-cubed cluster metrics. Truth is read only here.
//
// Example:
//   MT_ASSIGN_OR_RETURN(auto labels, TruthLabels(parties_with_truth, config));
//   Evaluation e = Evaluate(parties, config, resolution, labels);
//   std::cout << FormatEvaluation(e);
#ifndef MONEYTRAIL_RESOLVE_METRICS_H_
#define MONEYTRAIL_RESOLVE_METRICS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "moneytrail/resolve.h"
#include "moneytrail/resolve_config.h"
#include "moneytrail/status.h"

namespace moneytrail::resolve {

struct PairwiseMetrics {
  int64_t true_positives = 0;
  int64_t false_positives = 0;
  int64_t false_negatives = 0;
  double precision() const;
  double recall() const;
  double f1() const;
};

struct Evaluation {
  int64_t true_pairs = 0;            // pairs of records with the same label (cross-file in link mode)
  int64_t candidate_pairs = 0;
  int64_t true_pairs_blocked = 0;    // true pairs among the candidates
  PairwiseMetrics scored_pairs;      // candidate pairs with weight >= threshold
  PairwiseMetrics clustered_pairs;   // pairs of records put in the same entity
  int64_t true_entities = 0;
  int64_t predicted_entities = 0;
  int64_t exact_entities = 0;        // predicted entities equal to a true entity
  double bcubed_precision = 0;
  double bcubed_recall = 0;
  double bcubed_f1() const;
};

// Reads the truth label of each record from `column` of `parties` (as read with the
// column in the configuration); with `pattern`, the label is the regex's first group.
// InvalidArgument when the column is missing or a value does not match the pattern.
Result<std::vector<std::string>> TruthLabels(const PartyTable& parties, const std::string& column,
                                             const std::string& pattern);

// Reads labels from a separate CSV (e.g. the generator's truth/entities.csv with
// party_id,entity_id): rows are joined on `id_column` (the first column when the file has no
// such column) and the label is `label_column`. InvalidArgument when a record has no row.
Result<std::vector<std::string>> TruthLabelsFromFile(const PartyTable& parties,
                                                     const std::string& path,
                                                     const std::string& id_column,
                                                     const std::string& label_column);

Evaluation Evaluate(const PartyTable& parties, const ResolveConfig& config,
                    const Resolution& resolution, const std::vector<std::string>& labels);

// A human-readable multi-line report.
std::string FormatEvaluation(const Evaluation& evaluation);

}  // namespace moneytrail::resolve

#endif  // MONEYTRAIL_RESOLVE_METRICS_H_
