// The time-sorted adjacency that the temporal cycle search walks (internal to patterns/).
//
// Built once per EnumerateTemporalCycles call from the borrowed columns: the transactions that
// can take part (not self-loops, inside the time range, at least the minimum amount), by source
// (out) and by destination (in), each list sorted by (time, transaction id), so that a binary
// search finds the first transaction after a given time.
#ifndef MONEYTRAIL_PATTERNS_TEMPORAL_CYCLES_INDEX_H_
#define MONEYTRAIL_PATTERNS_TEMPORAL_CYCLES_INDEX_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "moneytrail/status.h"
#include "moneytrail/temporal_cycles.h"
#include "moneytrail/transaction.h"

namespace moneytrail::patterns::cycles_internal {

// Times inside the index are "ticks": uint32 values in the same order as the timestamps, equal
// exactly when the timestamps are equal, and never 0 (0 means "never"). Ticks are the offset
// from the earliest time plus 1 when the span fits, otherwise the rank among distinct times.
using Tick = uint32_t;
inline constexpr Tick kNeverTick = 0;

// One transaction seen from one of its ends: `other` is the far end. 8 bytes, so that a typical
// list fits one or two cache lines.
struct AdjEntry {
  Tick time;
  AccountId other;
};

// The first entry of `list` (sorted by time) with time > t. Entry: AdjEntry, or graph::Edge
// for the streaming index (graph_cycle_index.h).
template <typename Entry, typename Time>
inline const Entry* FirstAfter(std::span<const Entry> list, Time t) {
  const Entry* lo = list.data();
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

// The index the search walks (CycleSearcher<TemporalIndex>, temporal_cycles_search.h). The
// streaming twin, GraphCycleIndex, offers the same members over a TemporalGraph.
class TemporalIndex {
 public:
  using Entry = AdjEntry;
  using Time = Tick;
  static constexpr Tick kNever = kNeverTick;

  // Validates `edges` and the amount options of `options` and builds the index (inside the
  // caller's TBB arena).
  static Result<TemporalIndex> Build(const TemporalEdges& edges,
                                     const TemporalCycleOptions& options);

  uint32_t vertex_count() const { return vertex_count_; }
  size_t edge_count() const { return edge_count_; }

  // Transactions leaving `a`, by (time, id). An entry's position in the whole out array
  // (OutPosition) identifies the transaction.
  std::span<const AdjEntry> Out(AccountId a) const {
    return {out_.get() + out_offset_[a], out_.get() + out_offset_[a + 1]};
  }
  uint32_t OutPosition(const AdjEntry* entry) const {
    return static_cast<uint32_t>(entry - out_.get());
  }
  TransactionId IdAt(uint32_t out_position) const { return out_id_[out_position]; }
  // The lists whose entries may start or close a cycle: here all of them.
  std::span<const AdjEntry> RootOut(AccountId a) const { return Out(a); }
  std::span<const AdjEntry> RootIn(AccountId a) const { return In(a); }
  // Transactions arriving at `a`, by (time, id).
  std::span<const AdjEntry> In(AccountId a) const {
    return {in_.get() + in_offset_[a], in_.get() + in_offset_[a + 1]};
  }
  // The out position of the transaction of an entry of In(). Thread-safe; the first call
  // builds the table.
  uint32_t InToOutPosition(const AdjEntry* in_entry) const {
    std::call_once(*in_positions_once_, [this] { BuildInPositions(); });
    return in_position_[static_cast<size_t>(in_entry - in_.get())];
  }

  // The last tick whose time is within `window` after the time of tick `start` (inclusive).
  Tick WindowEnd(Tick start, Timestamp window) const;

  // True when the amount-decay bounds apply.
  bool has_decay() const { return has_decay_; }
  // Whether the transaction at out position `next` may follow the one at `prev` under the decay
  // bounds. REQUIRES: has_decay().
  bool HopAllowed(uint32_t prev, uint32_t next) const;

 private:
  Status BuildAmounts(const TemporalEdges& edges, const TemporalCycleOptions& options,
                      std::vector<uint8_t>& keep);
  void BuildTicks(std::span<const Timestamp> time, const std::vector<uint8_t>& keep);
  Tick TickOf(Timestamp t) const;
  void PermuteAmounts();
  void BuildInPositions() const;

  uint32_t vertex_count_ = 0;
  size_t edge_count_ = 0;
  // Ticks: offset mode when distinct_times_ is empty.
  Timestamp min_time_ = 0;
  Tick max_tick_ = 0;
  std::vector<Timestamp> distinct_times_;  // rank mode: tick r + 1 is distinct_times_[r]

  std::vector<uint32_t> out_offset_;
  std::unique_ptr<AdjEntry[]> out_;  // not zero-filled: every entry is written once
  std::unique_ptr<TransactionId[]> out_id_;
  std::vector<uint32_t> in_offset_;
  std::unique_ptr<AdjEntry[]> in_;
  std::unique_ptr<TransactionId[]> in_id_;
  // Built on first use (only the meet-in-the-middle search needs it).
  std::unique_ptr<std::once_flag> in_positions_once_ = std::make_unique<std::once_flag>();
  mutable std::vector<uint32_t> in_position_;

  bool has_decay_ = false;
  bool decimal_amounts_ = false;
  std::vector<int64_t> units_;    // decimal amounts at one common scale (by id, then position)
  std::vector<double> doubles_;   // double amounts (by id, then by out position)
  int64_t min_keep_ = 0;          // percent * 10^4
  int64_t max_keep_ = 0;          // percent * 10^4
};

}  // namespace moneytrail::patterns::cycles_internal

#endif  // MONEYTRAIL_PATTERNS_TEMPORAL_CYCLES_INDEX_H_
