// Internal: the vertex-statistics window of one account list, kept by a stream between batches
// (docs/patterns.md, Streaming). A batch run sweeps each list's window afresh per call: it
// numbers the counterparties and ranks the amounts of the whole window (two sorts) and builds
// its dyadic summaries, O(W log W) for a window of W transactions, which for busy accounts cost
// most of a streaming batch. Transactions only ever arrive at the end of a list, so a stream
// can keep the window: a transaction entering it is one insertion, one leaving it one removal.
//
// The values are those of the batch sweep bit for bit: counts and distinct counterparties are
// exact, the median is the same order statistic, and the sums and moments come from the same
// dyadic blocks of list positions (DyadicMoments::Append builds exactly the blocks Build does).
#ifndef MONEYTRAIL_SRC_PATTERNS_LIST_WINDOW_H_
#define MONEYTRAIL_SRC_PATTERNS_LIST_WINDOW_H_

#include <cstdint>
#include <span>
#include <vector>

#include "kernels.h"
#include "moments.h"

namespace moneytrail::patterns::internal {

// A hash of an account id for open-address tables (Fibonacci hashing: mask the result).
inline uint64_t MixAccount(AccountId a) { return (uint64_t{a} * 0x9E3779B97F4A7C15ull) >> 32; }

// A multiset of doubles with insertion, removal and k-th smallest in O(sqrt n)-ish time: sorted
// blocks of at most 2 * kBlock values. Allocates only when a block splits.
class BlockedMultiset {
 public:
  void Clear();
  void Insert(double x);
  // Replaces the contents with `sorted` (ascending).
  void Assign(std::span<const double> sorted);
  // REQUIRES: x is in the set.
  void Erase(double x);
  // The k-th smallest (0-based). REQUIRES: k < size().
  double Kth(size_t k) const;
  size_t size() const { return size_; }

 private:
  static constexpr size_t kBlock = 256;
  // The first block whose largest value is >= x, or the last block.
  size_t BlockFor(double x) const;
  std::vector<std::vector<double>> blocks_;
  size_t size_ = 0;
};

// Window counts per counterparty. Keys are never removed (a count may drop to 0): the owner
// starts afresh when its dead prefix outgrows its window, which bounds the table.
class CounterpartyCounts {
 public:
  // Empties the table, sized for `expected` counterparties.
  void Reset(size_t expected);
  // Returns true when the counterparty's count went 0 -> 1.
  bool Add(AccountId a);
  // Returns true when it went 1 -> 0. REQUIRES: its count is > 0.
  bool Remove(AccountId a);

 private:
  uint32_t& Slot(AccountId a);
  std::vector<AccountId> keys_;
  std::vector<uint32_t> counts_;  // kEmpty keys have count 0
  size_t used_ = 0;
};

// The window [lo, hi) of list positions at the last query of one account list, with what the
// vertex statistics need of it. The sweep moves it as the batch sweep moves its own window:
// PushBack the entry at hi, PopFront the one at lo.
struct ListWindow {
  size_t first = 0;  // the summaries cover list positions [first, hi)
  size_t lo = 0, hi = 0;
  size_t distinct = 0;
  int64_t offset_sum = 0;  // sum of (time - base) over the window, exact
  Timestamp last_time = 0;  // time of the last query
  CounterpartyCounts counterparties;
  BlockedMultiset amount_set;
  DyadicMoments amounts, ages;

  // Empties the window and puts it at list position `position`, sized for `expected`
  // transactions.
  void Restart(size_t position, size_t expected = 0);
  // Puts the window at [start, end) at once (as a batch sweep does: sorts and builds);
  // `scratch` is a buffer to reuse.
  void Fill(std::span<const Edge> list, Timestamp base, size_t start, size_t end,
            std::vector<double>& scratch);
  // Adds list[hi] (`base`: the time of the list's first entry, as for the ages).
  void PushBack(std::span<const Edge> list, Timestamp base);
  // Removes list[lo]. REQUIRES: lo < hi.
  void PopFront(std::span<const Edge> list, Timestamp base);
  // Starts afresh at lo (re-adding the window) when the summaries' dead prefix [first, lo)
  // outgrows the window: keeps the memory within about twice the window.
  void Compact(std::span<const Edge> list, Timestamp base, std::vector<double>& scratch);
};
}  // namespace moneytrail::patterns::internal

#endif  // MONEYTRAIL_SRC_PATTERNS_LIST_WINDOW_H_
