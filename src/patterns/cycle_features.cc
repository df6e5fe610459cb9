// Per-transaction temporal cycle features through the shared enumerator (issue 10,
// moneytrail/temporal_cycles.h): a cycle counts for the transaction that closes it, its latest.
#include "cycle_features.h"

#include <tbb/task_arena.h>

#include <limits>
#include <map>

#include "moneytrail/check.h"
#include "moneytrail/temporal_cycles.h"
#include "patterns/graph_cycle_index.h"
#include "patterns/temporal_cycles_run.h"

namespace moneytrail::patterns::internal {
namespace {

// Counts one cycle for its closing row and keeps it as an instance while every account of it
// has room (per call, in enumeration order).
class CycleCollector {
 public:
  CycleCollector(const PatternConfig& config, const Layout& layout, FeatureTable& table,
                 std::vector<FoundInstance>* instances, uint64_t& dropped)
      : config_(config), layout_(layout), table_(table), instances_(instances),
        dropped_(dropped) {}

  // The cycle's transactions in order: `source_of(k)` and `edge_of(k)` (time and id) of the
  // k-th, closing at table row `row`.
  template <typename SourceOf, typename EdgeOf>
  void Add(size_t row, size_t length, SourceOf source_of, EdgeOf edge_of) {
    double* out = table_.values.data() + row * layout_.width + layout_.temporal_cycle;
    out[0] += 1;
    AddToBins(config_.temporal_cycle.bins, length, out + 1);
    if (instances_ == nullptr) return;
    accounts_.clear();
    cycle_edges_.clear();
    bool room = true;
    for (size_t k = 0; k < length; ++k) {
      const AccountId a = source_of(k);
      accounts_.push_back(a);
      if (per_account_[a] >= config_.instances_per_account) room = false;
      cycle_edges_.push_back(edge_of(k));
    }
    if (!room) {
      ++dropped_;
      return;
    }
    for (AccountId a : accounts_) ++per_account_[a];
    instances_->push_back(MakeInstance(PatternKind::kTemporalCycle, cycle_edges_, accounts_));
  }

 private:
  const PatternConfig& config_;
  const Layout& layout_;
  FeatureTable& table_;
  std::vector<FoundInstance>* instances_;
  uint64_t& dropped_;
  std::map<AccountId, uint32_t> per_account_;  // instances kept per account (visitor order)
  std::vector<Edge> cycle_edges_;
  std::vector<AccountId> accounts_;
};

TemporalCycleOptions CycleOptions(const PatternConfig& config, int threads) {
  TemporalCycleOptions options;
  options.window = config.temporal_cycle.window;
  options.max_length = config.max_cycle_length;
  options.threads = std::max(1, threads);
  return options;
}

cycles_internal::SearchParams StreamParams(const PatternConfig& config) {
  const TemporalCycleOptions options = CycleOptions(config, 1);
  cycles_internal::SearchParams params;
  params.window = options.window;
  params.max_length = options.max_length == 0 ? 0xFFFFFFFFu : options.max_length;
  params.collect = true;
  params.plain_budget = options.search_budget;
  params.backward_budget = options.closing_budget;
  return params;
}

}  // namespace

Status TemporalCycleFeatures(const CycleContext& context, const PatternConfig& config,
                             const Layout& layout, int threads, FeatureTable& table,
                             std::vector<FoundInstance>* instances, uint64_t& dropped) {
  const size_t first_row = context.source.size() - table.rows();
  TemporalEdges edges;
  edges.source = context.source;
  edges.destination = context.destination;
  edges.time = context.time;
  TemporalCycleOptions options = CycleOptions(config, threads);
  // A cycle counts for its closing (latest) transaction, which returns to the cycle's root
  // account (the source of its earliest transaction). When the rows are only the tail of the
  // context, only cycles rooted at the rows' destinations can count.
  std::vector<AccountId> roots;
  if (first_row > 0) {
    roots.assign(context.destination.begin() + static_cast<std::ptrdiff_t>(first_row),
                 context.destination.end());
    SortUnique(roots);
    // An empty list means "every account": with no rows there is nothing to count anyway.
    if (roots.empty()) return Status::Ok();
    options.root_accounts = roots;
  }
  CycleCollector collector(config, layout, table, instances, dropped);
  auto visit = [&](std::span<const TransactionId> cycle) {
    const TransactionId closing = cycle.back();  // strictly increasing times: the latest
    if (closing < first_row) return true;
    collector.Add(
        closing - first_row, cycle.size(), [&](size_t k) { return context.source[cycle[k]]; },
        [&](size_t k) { return Edge{context.time[cycle[k]], context.id[cycle[k]], 0, 0}; });
    return true;
  };
  auto counts = EnumerateTemporalCycles(edges, options, visit);
  if (!counts.ok()) return counts.status();
  return Status::Ok();
}

struct StreamCycleState {
  explicit StreamCycleState(const PatternConfig& config) : params(StreamParams(config)) {}
  cycles_internal::SearchParams params;
  cycles_internal::GraphCycleIndex index;  // at a fixed address: the searchers refer to it
  cycles_internal::Searchers<cycles_internal::GraphCycleIndex> searchers;
};

void StreamCycleStateDeleter::operator()(StreamCycleState* state) const { delete state; }

StreamCycleStatePtr MakeStreamCycleState(const PatternConfig& config) {
  return StreamCycleStatePtr(new StreamCycleState(config));
}

Status StreamTemporalCycleFeatures(const TemporalGraph& graph,
                                   std::span<const graph::TransactionEdge> batch,
                                   const PatternConfig& config, const Layout& layout,
                                   int threads, StreamCycleState& state, FeatureTable& table,
                                   std::vector<FoundInstance>* instances, uint64_t& dropped) {
  if (batch.empty()) return Status::Ok();
  const std::span<const Edge> out = graph.OutEdgeArray();
  if (out.size() >= std::numeric_limits<uint32_t>::max()) {
    return ResourceExhaustedError("patterns stream: temporal cycles need fewer than 2^32 "
                                  "out-edge slots in the graph, it has " +
                                  std::to_string(out.size()));
  }
  // A cycle closed by the batch starts at or after (first batch time - window).
  Timestamp from = 0;
  if (__builtin_sub_overflow(batch.front().time, config.temporal_cycle.window, &from)) {
    from = std::numeric_limits<Timestamp>::min();
  }
  state.index.Reset(graph, from);
  std::vector<AccountId> roots;
  roots.reserve(batch.size());
  for (const graph::TransactionEdge& t : batch) roots.push_back(t.destination);
  SortUnique(roots);
  const Edge first{batch.front().time, batch.front().id, 0, 0};
  CycleCollector collector(config, layout, table, instances, dropped);
  // The search's "ids" are out positions (graph_cycle_index.h). The source of a cycle's k-th
  // transaction is the destination of the one before it (of the last for the first).
  auto visit = [&](std::span<const TransactionId> cycle) {
    const Edge& closing = out[cycle.back()];
    if (graph::EdgeBefore(closing, first)) return true;  // closed before the batch
    const auto at = std::lower_bound(
        batch.begin(), batch.end(), closing, [](const graph::TransactionEdge& t, const Edge& e) {
          return t.time != e.time ? t.time < e.time : t.id < e.id;
        });
    MT_DCHECK(at != batch.end() && at->id == closing.id);
    collector.Add(
        static_cast<size_t>(at - batch.begin()), cycle.size(),
        [&](size_t k) { return out[cycle[k == 0 ? cycle.size() - 1 : k - 1]].other; },
        [&](size_t k) { return Edge{out[cycle[k]].time, out[cycle[k]].id, 0, 0}; });
    return true;
  };
  const TemporalCycleOptions options = CycleOptions(config, threads);
  TemporalCycleCounts counts;
  tbb::task_arena arena(options.threads);
  arena.execute([&] {
    cycles_internal::RunSearch(state.index, roots, options.threads, state.params, options,
                               visit, state.searchers, counts);
  });
  return Status::Ok();
}

}  // namespace moneytrail::patterns::internal
