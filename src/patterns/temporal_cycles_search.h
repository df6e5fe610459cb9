// The per-thread search for temporal cycles rooted at one account (internal to patterns/).
//
// For each transaction e1 = (u -> v, t1) leaving the root account u, a depth-first search walks
// from v along transactions with strictly increasing times up to t1 + window, over accounts not
// yet on the path, and reports every walk that returns to u. Most searches are tiny and run as
// they are. A search that takes more than a budget of steps is restarted with pruning: a
// backward pass from u computes, for every account x, the latest time at which money leaving x
// can still reach u inside the window ("closing time", as in 2SCENT and the temporal Johnson
// variants); the search then never enters x at or after its closing time. One backward pass
// serves all root transactions of u whose windows overlap (a cluster), so that a long window
// costs one pass per account rather than one per transaction. docs/cycles.md has the details.
#ifndef MONEYTRAIL_PATTERNS_TEMPORAL_CYCLES_SEARCH_H_
#define MONEYTRAIL_PATTERNS_TEMPORAL_CYCLES_SEARCH_H_

#include <cstdint>
#include <vector>

#include "moneytrail/transaction.h"
#include "patterns/temporal_cycles_index.h"

namespace moneytrail::patterns::cycles_internal {

struct SearchParams {
  Timestamp window = 0;
  uint32_t max_length = 0xFFFFFFFFu;  // transactions per cycle
  bool collect = false;               // keep the cycles' ids, not only counts
  uint64_t plain_budget = 1024;       // steps before a root's search is redone with pruning
};

// The cycles found for a range of roots, in output order.
struct ChunkResult {
  std::vector<uint64_t> by_length;
  std::vector<TransactionId> ids;  // when collecting: all cycles' ids, back to back
  std::vector<uint32_t> lengths;   // when collecting: the length of each cycle, in order
  uint64_t total = 0;
};

// Statistics for tuning and the benchmark.
struct SearchStats {
  uint64_t plain_steps = 0;
  uint64_t pruned_steps = 0;
  uint64_t backward_steps = 0;
  uint64_t restarts = 0;
};

// Not thread-safe: one per worker thread. Holds O(vertex_count) scratch arrays.
class CycleSearcher {
 public:
  // `index` must outlive the searcher.
  CycleSearcher(const TemporalIndex& index, const SearchParams& params);

  // Appends to `out` every cycle whose earliest transaction leaves `root`.
  void SearchRoot(AccountId root, ChunkResult& out);

  const SearchStats& stats() const { return stats_; }

 private:
  struct Frame {
    const AdjEntry* next;
    const AdjEntry* end;
    Timestamp limit;  // latest usable departure time from `vertex`
    AccountId vertex;
    TransactionId via;  // the transaction that reached `vertex`
  };

  // One depth-first search from root edge `e` of `root`; false if it ran out of `budget`
  // steps (then it has recorded nothing).
  bool Search(AccountId root, const AdjEntry& e, Timestamp t_end, bool pruned, uint64_t budget,
              ChunkResult& out);
  // Backward pass from `root` over transactions in (t_begin, t_end]: fills closing times.
  void ComputeClosingTimes(AccountId root, Timestamp t_begin, Timestamp t_end);
  Timestamp Closing(AccountId x) const {
    return closing_epoch_[x] == epoch_ ? closing_[x] : kNever;
  }

  static constexpr Timestamp kNever = INT64_MIN;

  const TemporalIndex& index_;
  SearchParams params_;
  SearchStats stats_;

  std::vector<uint8_t> on_path_;
  std::vector<Frame> stack_;
  std::vector<uint32_t> pending_lengths_;  // cycles of the current root edge, not yet committed

  uint32_t epoch_ = 0;
  std::vector<uint32_t> closing_epoch_;
  std::vector<Timestamp> closing_;
  std::vector<uint32_t> scan_pos_;  // in-list position up to which an account was relaxed
  std::vector<uint8_t> queued_;
  std::vector<AccountId> queue_;
};

}  // namespace moneytrail::patterns::cycles_internal

#endif  // MONEYTRAIL_PATTERNS_TEMPORAL_CYCLES_SEARCH_H_
