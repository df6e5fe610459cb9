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
  uint64_t backward_budget = 1 << 16; // steps of a closing-time pass before meeting in the middle
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
  uint64_t root_transactions = 0;
  uint64_t plain_steps = 0;
  uint64_t pruned_steps = 0;
  uint64_t backward_steps = 0;
  uint64_t restarts = 0;
  uint64_t meet_steps = 0;   // forward nodes and backward transactions of meet-in-the-middle
  uint64_t meet_roots = 0;   // root transactions searched by meeting in the middle
};

// Not thread-safe: one per worker thread. Holds O(vertex_count) scratch arrays, grown when
// the index grows (a streaming index), so one searcher may serve many calls. `Index` is
// TemporalIndex or GraphCycleIndex (graph_cycle_index.h); both are instantiated in the .cc.
template <typename Index>
class CycleSearcher {
 public:
  using Entry = typename Index::Entry;
  using Tick = typename Index::Time;

  // `index` must outlive the searcher.
  CycleSearcher(const Index& index, const SearchParams& params);

  // Appends to `out` every cycle whose earliest transaction leaves `root` (an entry of
  // index.RootOut(root)).
  void SearchRoot(AccountId root, ChunkResult& out);

  const SearchStats& stats() const { return stats_; }

 private:
  struct Frame {
    const Entry* next;
    const Entry* end;
    Tick limit;  // latest usable departure time from `vertex`
    AccountId vertex;
    uint32_t via;  // out position of the transaction that reached `vertex`
  };

  // One depth-first search from root edge `e` (an entry of Out(root)); false if it ran out of
  // `budget` steps (then it has recorded nothing).
  bool Search(AccountId root, const Entry* e, Tick t_end, bool pruned, uint64_t budget,
              ChunkResult& out);
  // Backward pass from `root` over transactions in (t_begin, t_end]: fills closing times.
  // False if it would take more than `budget` steps (then no closing times are set).
  bool ComputeClosingTimes(AccountId root, Tick t_begin, Tick t_end, uint64_t budget);
  // Meet in the middle for root edge `e`: forward paths from its far end with times up to the
  // middle of the window, backward paths into the root after the middle, joined on their
  // common account. Costs about the square root of a plain search on sparse graphs.
  void MeetInMiddle(AccountId root, const Entry* e, Tick t_end, ChunkResult& out);
  // Sorts the cycles in found_ into output order and appends them to `out`.
  void CommitFound(ChunkResult& out);
  // Appends to found_positions_ the out positions of forward node `node`'s path, root first.
  void AppendForwardPath(uint32_t node);

  struct ForwardNode {
    AccountId vertex;
    uint32_t parent;       // kNone for the far end of the root edge
    uint32_t via;          // out position of the transaction that reached `vertex`
    uint32_t depth;        // transactions from the root edge up to `vertex`
    uint32_t next_at_vertex;  // next forward node at the same account, or kNone
  };
  struct ForwardFrame {
    const Entry* next;
    const Entry* end;
    uint32_t node;
  };
  struct BackFrame {
    const Entry* low;  // in-list entries in [low, cur) are still to try, last first
    const Entry* cur;
    AccountId vertex;
    uint32_t via;    // out position of the transaction leaving `vertex` toward the root
    uint32_t depth;  // transactions from `vertex` to the root
  };
  static constexpr uint32_t kNone = 0xFFFFFFFFu;
  Tick Closing(AccountId x) const {
    return closing_epoch_[x] == epoch_ ? closing_[x] : Index::kNever;
  }
  // Grows the per-account arrays to the index's vertex count.
  void Fit();

  const Index& index_;
  SearchParams params_;
  SearchStats stats_;

  std::vector<uint8_t> on_path_;
  std::vector<Frame> stack_;
  std::vector<uint32_t> pending_lengths_;  // cycles of the current root edge, not yet committed

  uint32_t epoch_ = 0;
  std::vector<uint32_t> closing_epoch_;
  std::vector<Tick> closing_;
  std::vector<uint32_t> scan_pos_;  // in-list position up to which an account was relaxed
  std::vector<uint8_t> queued_;
  std::vector<AccountId> queue_;
  // Measured cost of the two fallbacks (steps per restarted root), to choose between them.
  struct Strategy {
    uint64_t decisions = 0;
    uint64_t roots = 0;
    uint64_t cost = 0;
  };
  bool ChooseClosing();
  uint64_t PlainBudget() const;
  Strategy closing_strategy_;
  Strategy meet_strategy_;
  bool tried_closing_ = false;
  uint64_t cost_mark_ = 0;
  uint64_t cost_roots_ = 0;

  std::vector<ForwardNode> forward_;
  std::vector<ForwardFrame> forward_stack_;
  std::vector<BackFrame> back_stack_;
  uint32_t forward_epoch_ = 0;
  std::vector<uint32_t> forward_head_epoch_;
  std::vector<uint32_t> forward_head_;
  std::vector<uint32_t> found_positions_;                 // cycles of one root edge
  std::vector<std::pair<uint32_t, uint32_t>> found_;      // (offset, length) into the above
  std::vector<uint32_t> path_scratch_;
};

}  // namespace moneytrail::patterns::cycles_internal

#endif  // MONEYTRAIL_PATTERNS_TEMPORAL_CYCLES_SEARCH_H_
