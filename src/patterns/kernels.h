// Internal: the per-transaction feature kernels and what they share. Each kernel reads the
// graph around one transaction (which must already be in the graph) and writes its columns.
// Kernels are pure functions of (graph, transaction, settings): that is what makes a batch run,
// a streaming run and any thread count agree bit for bit.
#ifndef MONEYTRAIL_SRC_PATTERNS_KERNELS_H_
#define MONEYTRAIL_SRC_PATTERNS_KERNELS_H_

#include <algorithm>
#include <cstdint>
#include <limits>
#include <span>
#include <utility>
#include <vector>

#include "moneytrail/graph.h"
#include "moneytrail/patterns.h"

namespace moneytrail::patterns::internal {

using graph::Edge;
using graph::TemporalGraph;

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The transaction whose features are computed.
struct Query {
  TransactionId id = 0;
  Timestamp time = 0;
  AccountId source = 0;
  AccountId destination = 0;
  double amount = 0;
};

inline Edge KeyOf(const Query& q) { return Edge{q.time, q.id, 0, 0}; }

// std::partition_point(first, last, pred), searched from `last` backwards by doubling steps,
// then by bisection: O(log d) probes for a point d positions before `last`, all near the end.
// REQUIRES: [first, last) is partitioned by pred (true, then false).
template <typename It, typename Pred>
It PartitionPointFromEnd(It first, It last, Pred pred) {
  It hi = last;
  for (size_t step = 1;; step *= 2) {
    if (static_cast<size_t>(hi - first) <= step) {
      return std::partition_point(first, hi, pred);
    }
    const It probe = hi - static_cast<std::ptrdiff_t>(step);
    if (pred(*probe)) return std::partition_point(probe + 1, hi, pred);
    hi = probe;
  }
}

// The part of a (time, id)-sorted list that `q` sees with window `window`:
// time >= q.time - window and (time, id) <= (q.time, q.id). A query within a window of the
// list's last transaction (every query of a stream, whose transactions are the newest) is
// searched from the end: its window is the list's tail, while a bisection of a long list
// misses the cache at most of its probes. Only long lists are asked: reading a short list's
// last entry is one more miss for a batch run's queries (the stack family measured ~20% slower).
inline constexpr size_t kSearchFromEndSize = 64;
inline std::span<const Edge> Visible(std::span<const Edge> list, const Query& q,
                                     Timestamp window) {
  const Timestamp from = q.time - window;
  const Edge key = KeyOf(q);
  auto before_from = [from](const Edge& e) { return e.time < from; };
  auto at_or_before_key = [&key](const Edge& e) { return !graph::EdgeBefore(key, e); };
  if (list.size() > kSearchFromEndSize && list.back().time - q.time <= window) {
    auto hi = PartitionPointFromEnd(list.begin(), list.end(), at_or_before_key);
    auto lo = PartitionPointFromEnd(list.begin(), hi, before_from);
    return {lo, hi};
  }
  auto lo = std::partition_point(list.begin(), list.end(), before_from);
  auto hi = std::partition_point(lo, list.end(), at_or_before_key);
  return {lo, hi};
}

// Sorts and deduplicates in place; returns the number of distinct values.
template <typename T>
size_t SortUnique(std::vector<T>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v.size();
}

// Sorts and deduplicates v[first..] in place, leaving v[..first) as it is.
template <typename T>
void SortUniqueFrom(std::vector<T>& v, size_t first) {
  auto begin = v.begin() + static_cast<std::ptrdiff_t>(first);
  std::sort(begin, v.end());
  v.erase(std::unique(begin, v.end()), v.end());
}

// Adds 1 to the bin of `size`: bins b_0 < ... < b_k, bin j is [b_j, b_{j+1}), the last is open.
inline void AddToBins(std::span<const uint32_t> bins, uint64_t size, double* out) {
  if (bins.empty() || size < bins[0]) return;
  auto it = std::upper_bound(bins.begin(), bins.end(), size);
  out[(it - bins.begin()) - 1] += 1;
}

// An instance as found, before deduplication. Instances of the same kind where one holds all
// transactions of another are the same pattern seen at two moments (or from two of its
// transactions): the larger stays.
struct FoundInstance {
  PatternInstance instance;
};

// Buffers of the simple-cycle search (simple_cycles.cc): epoch-stamped per-account arrays.
struct SimpleCycleScratch {
  struct Frame {
    const Edge* next;
    const Edge* end;
    AccountId vertex;
    Edge via;  // the transaction that reached `vertex` (unused for the first frame)
  };
  uint32_t epoch = 0;
  std::vector<uint32_t> dist_epoch;
  std::vector<uint32_t> dist;
  std::vector<uint32_t> path_epoch;
  std::vector<uint32_t> forward_epoch;
  std::vector<uint32_t> forward_dist;
  std::vector<AccountId> queue;    // the backward ball, level by level
  std::vector<AccountId> forward;  // the forward ball, level by level
  std::vector<Frame> frames;
};

// Per-worker buffers, reused across transactions (no allocation per row once warm).
struct Scratch {
  std::vector<AccountId> accounts;
  std::vector<AccountId> accounts2;
  std::vector<double> values;
  std::vector<std::pair<AccountId, Edge>> keyed;
  std::vector<std::pair<AccountId, Edge>> keyed2;
  std::vector<std::pair<AccountId, AccountId>> pairs;
  std::vector<FoundInstance>* instances = nullptr;  // null: instances not collected
  uint64_t dropped_instances = 0;  // found but not kept (simple cycles over the per-row cap)
  SimpleCycleScratch simple_cycles;
};

// Copies the first and second accounts of scratch.pairs into scratch.accounts and
// scratch.accounts2, in pair order.
inline void SplitPairs(Scratch& scratch) {
  scratch.accounts.clear();
  scratch.accounts2.clear();
  for (const auto& [first, second] : scratch.pairs) {
    scratch.accounts.push_back(first);
    scratch.accounts2.push_back(second);
  }
}

// Column offsets of each family for a configuration (docs/patterns.md, Columns).
struct Layout {
  explicit Layout(const PatternConfig& config);
  size_t fan = 0, vertex_stats = 0, scatter_gather = 0, gather_scatter = 0, bipartite = 0,
         stack = 0, temporal_cycle = 0, simple_cycle = 0;
  size_t width = 0;
  std::vector<std::string> names;
};

inline constexpr size_t kFanColumns = 8;           // before bins
inline constexpr size_t kVertexStatsPerList = 18;  // per (end, direction)
inline constexpr size_t kVertexStatsColumns = 4 * kVertexStatsPerList;

void ScatterGatherFeatures(const TemporalGraph& g, const Query& q, const PatternSettings& s,
                           Scratch& scratch, double* out);
void GatherScatterFeatures(const TemporalGraph& g, const Query& q, const PatternSettings& s,
                           Scratch& scratch, double* out);
void BipartiteFeatures(const TemporalGraph& g, const Query& q, const PatternSettings& s,
                       Scratch& scratch, double* out);
void StackFeatures(const TemporalGraph& g, const Query& q, const PatternSettings& s,
                   Scratch& scratch, double* out);

// Simple cycles closed by q: column 0 the count, then the length bins. With instances, keeps
// the first `instance_cap` cycles of q in search order and counts the rest in
// scratch.dropped_instances.
void SimpleCycleFeatures(const TemporalGraph& g, const Query& q, const PatternSettings& s,
                         uint32_t max_length, uint32_t instance_cap, Scratch& scratch,
                         double* out);

// Builds a FoundInstance from edges (transactions) and extra accounts.
FoundInstance MakeInstance(PatternKind kind, std::span<const Edge> edges,
                           std::span<const AccountId> accounts);

// Deduplicates (exact and subsumed within a kind), sorts and applies the per-account cap.
InstanceSet FinishInstances(std::vector<FoundInstance> found, uint32_t cap_per_account);

}  // namespace moneytrail::patterns::internal

#endif  // MONEYTRAIL_SRC_PATTERNS_KERNELS_H_
