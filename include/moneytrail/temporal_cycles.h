// Temporal cycle enumeration (issue 10): money that goes round and comes back.
//
// A temporal cycle is a sequence of transactions e1..ek (k >= 2) over k distinct accounts that
// ends where it started, with strictly increasing times (equal times never chain) and
// time(ek) - time(e1) <= window (inclusive). Parallel transactions are distinct: each one that
// fits gives its own cycle. Each cycle is reported once, rooted at its earliest transaction e1.
// docs/cycles.md gives the semantics, the options and the algorithm.
//
// The enumerator reads plain borrowed columns, so it does not depend on the store:
//
//   patterns::TemporalEdges edges{.source = store.source(), .destination = store.destination(),
//                                 .time = store.time()};
//   patterns::TemporalCycleOptions options;
//   options.window = 7 * 86400;
//   MT_ASSIGN_OR_RETURN(patterns::TemporalCycleCounts counts,
//       patterns::EnumerateTemporalCycles(edges, options,
//           [&](std::span<const TransactionId> cycle) { Print(cycle); return true; }));
//   // counts.by_length[k] cycles of k transactions, counts.total in all.
//
// Thread safety: EnumerateTemporalCycles may be called from several threads at once; it runs its
// own TBB arena of `options.threads` threads. The output (which cycles, their order, the counts)
// does not depend on the number of threads.
#ifndef MONEYTRAIL_TEMPORAL_CYCLES_H_
#define MONEYTRAIL_TEMPORAL_CYCLES_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <vector>

#include "moneytrail/money.h"
#include "moneytrail/status.h"
#include "moneytrail/transaction.h"

namespace moneytrail::patterns {

// The transactions to search, as borrowed columns indexed by TransactionId (0..size-1). All
// given spans must have the same length; they must stay valid during the call only.
struct TemporalEdges {
  std::span<const AccountId> source;
  std::span<const AccountId> destination;
  std::span<const Timestamp> time;
  // Amounts, needed only by the amount options. Either exact decimals (amount_units with
  // amount_scale; an empty amount_scale means scale 0 for all) or doubles (amount), not both.
  // Amounts are compared as plain numbers: the caller makes sure they are in one currency.
  std::span<const int64_t> amount_units;
  std::span<const uint8_t> amount_scale;
  std::span<const double> amount;

  size_t size() const { return time.size(); }
};

struct TemporalCycleOptions {
  // Inclusive: time(ek) - time(e1) <= window. In the unit of `time` (seconds). >= 0.
  Timestamp window = 0;
  // At most this many transactions per cycle; 0 means no limit. Otherwise >= 2.
  uint32_t max_length = 0;
  // Only transactions with time_begin <= time < time_end take part (both optional).
  std::optional<Timestamp> time_begin;
  std::optional<Timestamp> time_end;
  // When not empty, only cycles whose earliest transaction leaves one of these accounts.
  // Borrowed for the duration of the call.
  std::span<const AccountId> root_accounts;
  // Every transaction of a cycle moves at least this amount (needs amounts).
  std::optional<Decimal> min_amount;
  // Amount decay: each transaction after the first moves between min_keep_percent and
  // max_keep_percent (default 100) of the previous one's amount, bounds inclusive (needs
  // amounts). Percent with at most 4 fractional digits, 0 <= min <= max.
  std::optional<Decimal> min_keep_percent;
  std::optional<Decimal> max_keep_percent;
  // Stop after this many cycles have been delivered (in output order); 0 means no limit.
  uint64_t limit = 0;
  // Worker threads; 0 means all hardware threads.
  int threads = 0;
  // Tuning only (the cycles found never depend on it): steps of plain depth-first search per
  // root transaction before its search is redone with closing-time pruning. 0 prunes always.
  uint64_t search_budget = 1024;
  // Tuning only: steps of a closing-time (backward) pass before the search meets in the middle
  // instead. 0 never computes closing times.
  uint64_t closing_budget = 1 << 16;
};

// Where the time went, for tuning and the benchmark (not part of the result proper).
struct TemporalCycleStats {
  double index_seconds = 0;   // building the time-sorted adjacency
  double search_seconds = 0;  // the search and the delivery of cycles
  uint64_t root_transactions = 0;
  uint64_t plain_steps = 0;     // transactions tried by unpruned searches
  uint64_t pruned_steps = 0;    // transactions tried by pruned searches
  uint64_t backward_steps = 0;  // transactions scanned by closing-time passes
  uint64_t restarts = 0;        // searches redone with pruning
  uint64_t meet_steps = 0;      // work of meet-in-the-middle searches
  uint64_t meet_roots = 0;      // root transactions searched by meeting in the middle
};

struct TemporalCycleCounts {
  // by_length[k] = cycles of k transactions (index 0 and 1 stay 0); empty when none.
  std::vector<uint64_t> by_length;
  uint64_t total = 0;
  // True when options.limit or the visitor stopped the search: the counts cover the delivered
  // cycles only.
  bool truncated = false;
  TemporalCycleStats stats;
};

// Receives one cycle: its transaction ids in time order (the root first). The span is valid
// during the call only. Called from one thread at a time, in output order: cycles grouped by
// the root's source account (ascending id), then by root transaction (time, then id), then in
// depth-first order of the following transactions (time, then id). Return false to stop.
using TemporalCycleVisitor = std::function<bool(std::span<const TransactionId> cycle)>;

// Finds the temporal cycles of `edges` under `options`; calls `visitor` (may be empty: count
// only) for each one. InvalidArgument for inconsistent columns or options (naming the field),
// OutOfRange if decimal amounts cannot be brought to one scale within 18 digits,
// ResourceExhausted when out of memory.
Result<TemporalCycleCounts> EnumerateTemporalCycles(const TemporalEdges& edges,
                                                    const TemporalCycleOptions& options,
                                                    const TemporalCycleVisitor& visitor);

// Same as EnumerateTemporalCycles with an empty visitor.
Result<TemporalCycleCounts> CountTemporalCycles(const TemporalEdges& edges,
                                                const TemporalCycleOptions& options);

}  // namespace moneytrail::patterns

#endif  // MONEYTRAIL_TEMPORAL_CYCLES_H_
