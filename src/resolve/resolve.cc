// The resolution pipeline: read, normalise, block, compare, estimate, score, cluster.
#include "moneytrail/resolve.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include "resolve/blocking.h"
#include "resolve/cluster.h"
#include "resolve/csv_reader.h"
#include "resolve/estimate.h"
#include "resolve/state.h"

namespace moneytrail::resolve {

using resolve_internal::CandidatePairs;
using resolve_internal::Link;
using resolve_internal::PairFilter;

double LevelParameters::weight() const { return std::log2(m / u); }
double Model::prior_weight() const { return std::log2(lambda / (1.0 - lambda)); }

int PartyTable::ColumnIndex(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == name) return static_cast<int>(i);
  }
  return -1;
}

Result<PartyTable> ReadParties(const std::vector<std::string>& paths, const ResolveConfig& config,
                               const std::vector<std::string>& extra_columns) {
  if (paths.empty()) return InvalidArgumentError("no party file given");
  if (config.mode == LinkMode::kLink && paths.size() != 2) {
    return InvalidArgumentError(
        fmt::format("link mode needs exactly two party files, {} given", paths.size()));
  }
  PartyTable table;
  table.columns = config.ReferencedColumns();
  for (const auto& extra : extra_columns) {
    if (std::find(table.columns.begin(), table.columns.end(), extra) == table.columns.end()) {
      table.columns.push_back(extra);
    }
  }
  table.values.resize(table.columns.size());
  resolve_internal::CsvOptions options;
  options.skip_initial_space = config.skip_initial_space;
  for (size_t file = 0; file < paths.size(); ++file) {
    MT_ASSIGN_OR_RETURN(resolve_internal::CsvTable csv, resolve_internal::ReadCsvFile(paths[file], options));
    std::vector<int> source_col;
    for (const auto& column : table.columns) {
      auto it = std::find(csv.header.begin(), csv.header.end(), column);
      if (it == csv.header.end()) {
        return InvalidArgumentError(fmt::format("{}:1: no column '{}' in the header (columns: {})",
                                                paths[file], column, fmt::join(csv.header, ", ")));
      }
      source_col.push_back(static_cast<int>(it - csv.header.begin()));
    }
    for (size_t c = 0; c < table.columns.size(); ++c) table.values[c].reserve(table.values[c].size() + csv.rows.size());
    for (size_t r = 0; r < csv.rows.size(); ++r) {
      for (size_t c = 0; c < table.columns.size(); ++c) {
        table.values[c].push_back(std::move(csv.rows[r][source_col[c]]));
      }
      table.source.push_back(static_cast<int>(file));
      table.line.push_back(csv.line_numbers[r]);
    }
    table.source_names.push_back(paths[file]);
  }
  if (table.size() >= UINT32_MAX) {
    return InvalidArgumentError(fmt::format("{} records; at most {} are supported", table.size(), UINT32_MAX - 1));
  }
  return table;
}

Resolution::Resolution(std::unique_ptr<internal::ResolutionState> state) : state_(std::move(state)) {}
Resolution::Resolution(Resolution&&) noexcept = default;
Resolution& Resolution::operator=(Resolution&&) noexcept = default;
Resolution::~Resolution() = default;

const std::vector<uint32_t>& Resolution::entity_of() const { return state_->entity_of; }
size_t Resolution::entity_count() const { return state_->entity_count; }
const Model& Resolution::model() const { return state_->model; }
const std::vector<BlockingRuleReport>& Resolution::blocking() const { return state_->blocking; }
const std::vector<ScoredPair>& Resolution::pairs() const { return state_->pairs; }
double Resolution::threshold() const { return state_->threshold; }

std::vector<Contribution> Resolution::Explain(size_t pair_idx) const {
  const ScoredPair& pair = state_->pairs[pair_idx];
  const uint64_t packed = state_->pair_levels[pair_idx];
  std::vector<Contribution> out;
  for (size_t k = 0; k < state_->comparisons.size(); ++k) {
    const uint8_t level = resolve_internal::LevelOf(packed, k);
    Contribution c;
    c.comparison = state_->comparisons[k].name;
    if (level == resolve_internal::kNullLevel) {
      c.level = "null";
    } else {
      c.level = state_->model.comparisons[k].levels[level].label;
      auto [w, tf] = state_->scorer->ComparisonWeight(k, level, pair.left);
      c.weight = w;
      c.tf_adjustment = tf;
    }
    out.push_back(std::move(c));
  }
  return out;
}

Result<Resolution> Resolve(const PartyTable& parties, const ResolveConfig& config,
                           const ResolveOptions& options) {
  auto state = std::make_unique<internal::ResolutionState>();
  state->mode = config.mode;
  state->threshold = options.override_threshold ? options.threshold : config.threshold;
  if (config.blocking.size() > 32) {
    return InvalidArgumentError(fmt::format("{} blocking rules; at most 32 are supported",
                                            config.blocking.size()));
  }
  MT_ASSIGN_OR_RETURN(state->normalized, resolve_internal::NormalizeColumns(parties, config));
  MT_ASSIGN_OR_RETURN(state->comparisons,
                      resolve_internal::PrepareComparisons(parties, state->normalized, config));
  MT_ASSIGN_OR_RETURN(CandidatePairs candidates,
                      resolve_internal::GenerateCandidates(parties, state->normalized, config));
  state->blocking = candidates.reports;
  const auto& comparisons = state->comparisons;

  state->pair_levels.resize(candidates.pairs.size());
  tbb::parallel_for(tbb::blocked_range<size_t>(0, candidates.pairs.size(), 1024),
                    [&](const tbb::blocked_range<size_t>& range) {
                      for (size_t p = range.begin(); p < range.end(); ++p) {
                        const auto [a, b] = candidates.pairs[p];
                        state->pair_levels[p] = resolve_internal::ComputeLevels(comparisons, a, b);
                      }
                    });

  PairFilter filter(parties, state->normalized, config);
  const auto u = resolve_internal::EstimateUFromRandomPairs(
      comparisons, parties, filter, config.u_sample_pairs, config.seed, &state->u_sample_pairs);
  double possible_pairs = 0;
  const double n = static_cast<double>(parties.size());
  if (config.mode == LinkMode::kLink) {
    const double left = static_cast<double>(std::count(parties.source.begin(), parties.source.end(), 0));
    possible_pairs = left * (n - left);
  } else {
    possible_pairs = n * (n - 1) / 2;
  }
  state->model = resolve_internal::EstimateModel(comparisons, config, candidates,
                                                 state->pair_levels, u, possible_pairs);
  state->scorer = std::make_unique<resolve_internal::Scorer>(comparisons, state->model);

  state->pairs.resize(candidates.pairs.size());
  tbb::parallel_for(tbb::blocked_range<size_t>(0, candidates.pairs.size(), 1024),
                    [&](const tbb::blocked_range<size_t>& range) {
                      for (size_t p = range.begin(); p < range.end(); ++p) {
                        const auto [a, b] = candidates.pairs[p];
                        state->pairs[p] = {a, b,
                                           static_cast<float>(state->scorer->Weight(state->pair_levels[p], a))};
                      }
                    });
  candidates = CandidatePairs();  // release before clustering

  std::vector<Link> links;
  for (const ScoredPair& p : state->pairs) {
    if (p.weight >= state->threshold) links.push_back({p.left, p.right, p.weight});
  }
  const uint32_t record_count = static_cast<uint32_t>(parties.size());
  if (config.mode == LinkMode::kLink && config.one_to_one) {
    state->entity_of = resolve_internal::OneToOne(record_count, std::move(links));
  } else if (config.cluster_method == ClusterMethod::kConnectedComponents) {
    state->entity_of = resolve_internal::ConnectedComponents(record_count, links);
  } else {
    const auto& pairs = state->pairs;
    const auto* scorer = state->scorer.get();
    auto weight_of = [&](uint32_t x, uint32_t y) -> double {
      auto it = std::lower_bound(pairs.begin(), pairs.end(), std::make_pair(x, y),
                                 [](const ScoredPair& p, const std::pair<uint32_t, uint32_t>& key) {
                                   return std::make_pair(p.left, p.right) < key;
                                 });
      if (it != pairs.end() && it->left == x && it->right == y) return it->weight;
      if (!filter.Allowed(x, y)) return -64.0;
      return scorer->Score(x, y);
    };
    auto comparable = [&](uint32_t x, uint32_t y) {
      return config.mode != LinkMode::kLink || parties.source[x] != parties.source[y];
    };
    if (config.cluster_method == ClusterMethod::kGreedyCorrelation) {
      state->entity_of =
          resolve_internal::GreedyCorrelation(record_count, std::move(links), weight_of, comparable);
    } else {
      state->entity_of = resolve_internal::AverageLinkage(record_count, std::move(links),
                                                          config.linkage_min_probability, weight_of,
                                                          comparable);
    }
  }
  state->entity_count = 0;
  for (uint32_t e : state->entity_of) state->entity_count = std::max<size_t>(state->entity_count, e + 1);
  return Resolution(std::move(state));
}

}  // namespace moneytrail::resolve
