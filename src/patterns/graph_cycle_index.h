// The temporal-cycle search over a streaming graph (internal to patterns/).
//
// A TemporalIndex is built from columns on every call; a stream would rebuild it from the last
// window of transactions on every batch, which cost most of a small batch (bench/RESULTS-
// patterns.md). The TemporalGraph that the stream appends to already holds every account's
// out- and in-list sorted by (time, id), so the search walks it directly: nothing to build,
// nothing to evict. Lists hold the whole history; the search only looks at times after a root
// transaction, and root transactions (RootOut, RootIn) start at `from`, the earliest time a
// cycle closed by the batch can start at.
//
// "Transaction ids" of this index are positions in the graph's out-edge array (IdAt is the
// identity): the caller reads the edge at each position (graph::TemporalGraph::OutEdgeArray).
// Self-loops are in the lists; the search skips them (a root self-loop explicitly, elsewhere
// the account is already on the path).
#ifndef MONEYTRAIL_PATTERNS_GRAPH_CYCLE_INDEX_H_
#define MONEYTRAIL_PATTERNS_GRAPH_CYCLE_INDEX_H_

#include <algorithm>
#include <cstdint>
#include <limits>
#include <span>

#include "moneytrail/graph.h"

namespace moneytrail::patterns::cycles_internal {

class GraphCycleIndex {
 public:
  using Entry = graph::Edge;
  using Time = Timestamp;
  // "Never" in closing times. REQUIRES: every time in the graph is above it.
  static constexpr Timestamp kNever = std::numeric_limits<Timestamp>::min();

  // The graph to search and the earliest root time. The graph must not change until the
  // search ends. REQUIRES: graph.OutEdgeArray().size() < 2^32 (positions are 32-bit).
  void Reset(const graph::TemporalGraph& graph, Timestamp from) {
    graph_ = &graph;
    from_ = from;
    out_base_ = graph.OutEdgeArray().data();
  }

  uint32_t vertex_count() const { return graph_->account_count(); }

  std::span<const graph::Edge> Out(AccountId a) const { return graph_->OutEdges(a); }
  std::span<const graph::Edge> In(AccountId a) const { return graph_->InEdges(a); }
  std::span<const graph::Edge> RootOut(AccountId a) const { return From(Out(a)); }
  std::span<const graph::Edge> RootIn(AccountId a) const { return From(In(a)); }

  uint32_t OutPosition(const graph::Edge* entry) const {
    return static_cast<uint32_t>(entry - out_base_);
  }
  TransactionId IdAt(uint32_t out_position) const { return out_position; }
  // The out position of the transaction of an entry of In(): its place in its source's list.
  uint32_t InToOutPosition(const graph::Edge* in_entry) const {
    const std::span<const graph::Edge> list = Out(in_entry->other);
    const graph::Edge key{in_entry->time, in_entry->id, 0, 0};
    return OutPosition(&*std::lower_bound(list.begin(), list.end(), key, graph::EdgeBefore));
  }

  Timestamp WindowEnd(Timestamp start, Timestamp window) const {
    Timestamp end = 0;
    return __builtin_add_overflow(start, window, &end) ? std::numeric_limits<Timestamp>::max()
                                                       : end;
  }

  bool has_decay() const { return false; }
  bool HopAllowed(uint32_t, uint32_t) const { return true; }

 private:
  std::span<const graph::Edge> From(std::span<const graph::Edge> list) const {
    return {std::lower_bound(list.begin(), list.end(), from_,
                             [](const graph::Edge& e, Timestamp t) { return e.time < t; }),
            list.end()};
  }

  const graph::TemporalGraph* graph_ = nullptr;
  Timestamp from_ = 0;
  const graph::Edge* out_base_ = nullptr;
};

}  // namespace moneytrail::patterns::cycles_internal

#endif  // MONEYTRAIL_PATTERNS_GRAPH_CYCLE_INDEX_H_
