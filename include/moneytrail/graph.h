// The temporal money-flow multigraph (DESIGN.md, graph/): for every account, its out-edges and
// its in-edges in CSR form, each list sorted by (time, transaction id), with window queries.
// Parallel edges, self-loops and equal timestamps are kept as they are: every transaction is one
// edge; a self-loop is in both lists of its account.
//
// Example:
//   graph::EdgeColumns cols{.source = src, .destination = dst, .time = time, .amount = amount};
//   MT_ASSIGN_OR_RETURN(graph::TemporalGraph g, graph::TemporalGraph::Build(cols, {.threads = 2}));
//   for (const graph::Edge& e : g.OutEdgesInWindow(account, t - 3600, t)) use(e.other, e.amount);
//   MT_RETURN_IF_ERROR(g.Append(batch));   // streaming: later transactions
//
// Order: edges compare by (time, id). The graph is built from plain spans (tests, streaming) or
// from a store through graph::ColumnsFromStore.
#ifndef MONEYTRAIL_GRAPH_H_
#define MONEYTRAIL_GRAPH_H_

#include <cstdint>
#include <span>
#include <vector>

#include "moneytrail/status.h"
#include "moneytrail/transaction.h"

namespace moneytrail::store {
class Store;
}

namespace moneytrail::graph {

// One end of a transaction as seen from an account: for an out-edge `other` is the destination,
// for an in-edge the source. `amount` is a double for features only (never a ledger figure).
struct Edge {
  Timestamp time = 0;
  TransactionId id = 0;
  AccountId other = 0;
  double amount = 0;
};

// (time, id) order: the causal order of moneytrail's patterns (docs/patterns.md).
inline bool EdgeBefore(const Edge& a, const Edge& b) {
  return a.time != b.time ? a.time < b.time : a.id < b.id;
}

// Borrowed columns, all of the same length; row r is transaction `id[r]`, or transaction r when
// `id` is empty. `amount` may be empty (amounts 0).
struct EdgeColumns {
  std::span<const AccountId> source;
  std::span<const AccountId> destination;
  std::span<const Timestamp> time;
  std::span<const double> amount;
  std::span<const TransactionId> id;
  size_t size() const { return source.size(); }
};

// Rows [first, first + count) of `columns` as columns of their own (a block of a batch run):
// the subspans of every column, an empty `amount` kept empty, and the rows' ids: `columns.id`'s
// subspan or, when `columns` has no ids (row r is transaction r), first .. first + count - 1
// written into `id_storage`, which the caller keeps alive and unchanged while the block is used.
// REQUIRES: first + count <= columns.size().
EdgeColumns RowBlock(const EdgeColumns& columns, size_t first, size_t count,
                     std::vector<TransactionId>& id_storage);

// One transaction, owning, for streaming batches and tests.
struct TransactionEdge {
  TransactionId id = 0;
  Timestamp time = 0;
  AccountId source = 0;
  AccountId destination = 0;
  double amount = 0;
};

struct BuildOptions {
  int threads = 1;         // worker threads for the build (>= 1)
  // Room for Append, as a fraction: each list gets ceil(size * spare) free slots of its own,
  // and the edge arrays reserve address space for max(1, 2 * spare) * edges more, where lists
  // that outgrow their room move (untouched, it costs no memory).
  double spare = 0.0;
};

class TemporalGraph {
 public:
  // An empty graph (for streaming from nothing).
  TemporalGraph() = default;
  // Builds the graph. InvalidArgument if the columns differ in length or an account id is
  // kNoAccount. Accounts are 0..max id seen.
  static Result<TemporalGraph> Build(const EdgeColumns& columns, const BuildOptions& options);

  TemporalGraph(TemporalGraph&&) noexcept = default;
  TemporalGraph& operator=(TemporalGraph&&) noexcept = default;

  uint32_t account_count() const { return static_cast<uint32_t>(out_.size()); }
  uint64_t edge_count() const { return edge_count_; }
  // Latest (time, id) in the graph; {INT64_MIN, 0} when empty.
  Timestamp last_time() const { return last_time_; }
  TransactionId last_id() const { return last_id_; }

  // All out-/in-edges of `account` sorted by (time, id); empty for an unknown account. The
  // view is valid until the next Append.
  std::span<const Edge> OutEdges(AccountId account) const {
    return List(out_, out_edges_, account);
  }
  std::span<const Edge> InEdges(AccountId account) const { return List(in_, in_edges_, account); }

  // The whole out-edge array, lists and free room: an out-edge's index in it identifies the
  // edge until the next Append (every OutEdges(a) is a part of it).
  std::span<const Edge> OutEdgeArray() const { return out_edges_; }

  // The edges with from <= time <= to.
  std::span<const Edge> OutEdgesInWindow(AccountId account, Timestamp from, Timestamp to) const;
  std::span<const Edge> InEdgesInWindow(AccountId account, Timestamp from, Timestamp to) const;

  // Appends later transactions (streaming). REQUIRES nothing of the caller; returns
  // InvalidArgument, leaving the graph unchanged, unless the batch is in strictly increasing
  // (time, id) order and after last_time()/last_id(). New account ids grow the graph.
  Status Append(std::span<const TransactionEdge> batch);

  // Bytes held by the graph's arrays.
  size_t MemoryBytes() const;

 private:
  struct Slot {
    uint64_t offset = 0;
    uint32_t size = 0;
    uint32_t capacity = 0;
  };
  static std::span<const Edge> List(const std::vector<Slot>& slots,
                                    const std::vector<Edge>& edges, AccountId account) {
    if (account >= slots.size()) return {};
    return {edges.data() + slots[account].offset, slots[account].size};
  }
  void PushEdge(std::vector<Slot>& slots, std::vector<Edge>& edges, AccountId account,
                const Edge& edge);

  std::vector<Slot> out_;
  std::vector<Slot> in_;
  std::vector<Edge> out_edges_;
  std::vector<Edge> in_edges_;
  uint64_t edge_count_ = 0;
  Timestamp last_time_ = INT64_MIN;
  TransactionId last_id_ = 0;
};

// Builds the transaction columns of a store as graph input: source, destination, time and
// amount paid (as double, in the paid currency). The spans in the returned EdgeColumns point
// into `store` (ids empty: row r is transaction r) and into `amount_storage`, which the caller
// keeps alive while the columns are used. Defined in moneytrail_graph only when the store
// library is built.
EdgeColumns ColumnsFromStore(const store::Store& store, std::vector<double>& amount_storage);

}  // namespace moneytrail::graph

#endif  // MONEYTRAIL_GRAPH_H_
