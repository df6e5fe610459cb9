// The time-sorted adjacency that the temporal cycle search walks (internal to patterns/).
//
// Built once per EnumerateTemporalCycles call from the borrowed columns: the transactions that
// can take part (not self-loops, inside the time range, at least the minimum amount), by source
// (out) and by destination (in), each list sorted by (time, transaction id), so that a binary
// search finds the first transaction after a given time.
#ifndef MONEYTRAIL_PATTERNS_TEMPORAL_CYCLES_INDEX_H_
#define MONEYTRAIL_PATTERNS_TEMPORAL_CYCLES_INDEX_H_

#include <cstdint>
#include <span>
#include <vector>

#include "moneytrail/status.h"
#include "moneytrail/temporal_cycles.h"
#include "moneytrail/transaction.h"

namespace moneytrail::patterns::cycles_internal {

// One transaction seen from one of its ends: `other` is the far end.
struct AdjEntry {
  Timestamp time;
  AccountId other;
  TransactionId id;
};

// The first entry of `list` (sorted by time) with time > t.
inline const AdjEntry* FirstAfter(std::span<const AdjEntry> list, Timestamp t) {
  const AdjEntry* lo = list.data();
  size_t n = list.size();
  while (n > 0) {  // branch-light upper_bound
    const size_t half = n / 2;
    if (lo[half].time <= t) {
      lo += half + 1;
      n -= half + 1;
    } else {
      n = half;
    }
  }
  return lo;
}

class TemporalIndex {
 public:
  // Validates `edges` and the amount options of `options` and builds the index using up to
  // `threads` threads (inside the caller's TBB arena).
  static Result<TemporalIndex> Build(const TemporalEdges& edges,
                                     const TemporalCycleOptions& options);

  uint32_t vertex_count() const { return vertex_count_; }
  size_t edge_count() const { return out_.size(); }

  std::span<const AdjEntry> Out(AccountId a) const {
    return {out_.data() + out_offset_[a], out_.data() + out_offset_[a + 1]};
  }
  std::span<const AdjEntry> In(AccountId a) const {
    return {in_.data() + in_offset_[a], in_.data() + in_offset_[a + 1]};
  }

  // True when the amount-decay bounds apply.
  bool has_decay() const { return has_decay_; }
  // Whether transaction `next` may follow `prev` under the decay bounds.
  // REQUIRES: has_decay().
  bool HopAllowed(TransactionId prev, TransactionId next) const;

 private:
  Status BuildAmounts(const TemporalEdges& edges, const TemporalCycleOptions& options,
                      std::vector<uint8_t>& keep);

  uint32_t vertex_count_ = 0;
  std::vector<uint32_t> out_offset_;
  std::vector<AdjEntry> out_;
  std::vector<uint32_t> in_offset_;
  std::vector<AdjEntry> in_;

  bool has_decay_ = false;
  bool decimal_amounts_ = false;
  std::vector<int64_t> units_;    // decimal amounts at one common scale, by TransactionId
  std::vector<double> doubles_;   // double amounts, by TransactionId
  int64_t min_keep_ = 0;          // percent * 10^4
  int64_t max_keep_ = 0;          // percent * 10^4
};

}  // namespace moneytrail::patterns::cycles_internal

#endif  // MONEYTRAIL_PATTERNS_TEMPORAL_CYCLES_INDEX_H_
