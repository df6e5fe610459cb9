// The sliding-window sweep of fan/degree and vertex statistics (window_sweep.h).
#include "window_sweep.h"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <memory>
#include <numeric>
#include <unordered_map>

#include "moneytrail/check.h"

#include "list_window.h"
#include "moments.h"

namespace moneytrail::patterns::internal {
namespace {

// One transaction as seen from one of its accounts: role 0 source, 1 destination. 16 bytes:
// the grouping pass writes two of these per row at scattered places, and at 24 bytes (a line
// straddled now and then) that pass cost fan/degree more than it saved.
struct GroupQuery {
  Timestamp time;
  TransactionId id;
  uint32_t row : 31;
  uint32_t role : 1;
};
static_assert(sizeof(GroupQuery) == 16);

bool QueryBefore(const GroupQuery& a, const GroupQuery& b) {
  if (a.time != b.time) return a.time < b.time;
  return a.id != b.id ? a.id < b.id : a.role < b.role;
}

// Edge e is at or before the query's (time, id).
bool AtOrBefore(const Edge& e, const GroupQuery& q) {
  return e.time != q.time ? e.time < q.time : e.id <= q.id;
}

// How many queries ahead the vertex-statistics sweep prefetches output rows: the table is far
// larger than the caches and a group's rows are scattered over it (bench/RESULTS-patterns.md).
constexpr size_t kAhead = 8;

// In a stream, a list keeps its vertex-statistics window between batches once the window
// holds kMinKeptWindow transactions (lists shorter than kKeptListSize are not even looked up);
// smaller windows are swept afresh: cheap, and most accounts would otherwise hold a window.
constexpr size_t kKeptListSize = 32;
constexpr size_t kMinKeptWindow = 32;
// Ranges of at most this many list positions rank their window's amounts in a sorted array.
constexpr size_t kSmallRange = 64;
// A free slot of the counterparty-numbering table (no account has the id kNoAccount).
constexpr uint64_t kEmptySlot = ~uint64_t{0};
// Every this many calls, windows that no query has used for a window's length are dropped.
constexpr uint64_t kEvictEvery = 256;

// GCC 12 dropped every __builtin_prefetch of this file: a helper whose only effect is a
// prefetch is found to be `const` (the builtin touches no memory), and a call to a const
// function whose result is unused is dead code, so until session 5 the binary held no prefetch
// instruction at all. An asm volatile statement is never removed.
template <typename T>
void PrefetchRead(const T* p) {
#if defined(__x86_64__)
  asm volatile("prefetcht0 %0" : : "m"(*reinterpret_cast<const char*>(p)));
#else
  __builtin_prefetch(p, 0, 3);
#endif
}
template <typename T>
void PrefetchWrite(T* p) {
#if defined(__x86_64__)
  // prefetcht0, not prefetchw: x86-64's baseline has no PRFCHW.
  asm volatile("prefetcht0 %0" : : "m"(*reinterpret_cast<const char*>(p)));
#else
  __builtin_prefetch(p, 1, 3);
#endif
}

// Distinct counterparties of a sliding window: a count per account, zero outside the sweep.
struct DistinctCounter {
  std::vector<uint32_t> count;
  size_t distinct = 0;
  void Add(AccountId a) { distinct += count[a]++ == 0; }
  void Remove(AccountId a) { distinct -= --count[a] == 0; }
};

// k-th smallest of a multiset of ranks 0..size-1 (Fenwick tree of counts).
class RankSet {
 public:
  void Reset(size_t size) {
    tree_.assign(size + 1, 0);
    top_ = size == 0 ? 0 : std::bit_floor(size);
  }
  void Add(size_t rank, int delta) {
    for (size_t i = rank + 1; i < tree_.size(); i += i & (~i + 1)) tree_[i] += delta;
  }
  // The rank of the k-th smallest (0-based). REQUIRES k < number of elements.
  size_t Kth(size_t k) const {
    size_t pos = 0;
    int64_t remaining = static_cast<int64_t>(k) + 1;
    for (size_t step = top_; step > 0; step >>= 1) {
      if (pos + step < tree_.size() && tree_[pos + step] < remaining) {
        pos += step;
        remaining -= tree_[pos];
      }
    }
    return pos;
  }

 private:
  std::vector<int32_t> tree_;
  size_t top_ = 0;
};

struct SweepScratch {
  DistinctCounter fan_others;
  std::vector<uint64_t> keyed;      // (counterparty << 32 | local id) by hash, or kEmptySlot
  std::vector<uint32_t> local;      // local id of list position R_lo + i
  std::vector<uint32_t> local_count;  // window count per local id
  size_t local_distinct = 0;
  DyadicMoments amounts, ages;
  std::vector<double> values;
  std::vector<std::pair<double, uint32_t>> order;  // (amount, i), sorted
  std::vector<uint32_t> rank;       // rank of list position R_lo + i
  std::vector<double> by_rank;      // amount of rank r
  std::vector<double> sorted_window;  // the window's amounts, ascending (small ranges)
  RankSet ranks;
};

struct Columns {
  std::span<double> values;
  size_t width;
  double* Row(uint32_t row) const { return values.data() + size_t{row} * width; }
  // Prefetches `count` doubles from column `first` of the row of queries[i + kAhead].
  void Prefetch(std::span<const GroupQuery> queries, size_t i, size_t first, size_t count) const {
    if (i + kAhead >= queries.size()) return;
    const double* p = Row(queries[i + kAhead].row) + first;
    for (size_t b = 0; b < count * sizeof(double); b += 64) {
      PrefetchWrite(reinterpret_cast<const char*>(p) + b);
    }
    PrefetchWrite(p + count - 1);
  }
};

// The partition point of `pred` over list[start..], as a position of `list`. A stream's queries
// are the lists' newest transactions: when `list` ends within `window` of `query_time`, it is
// searched from the end (kernels.h, Visible), by bisection otherwise.
template <typename Pred>
size_t PartitionPosition(std::span<const Edge> list, size_t start, Timestamp query_time,
                         Timestamp window, Pred pred) {
  const auto first = list.begin() + static_cast<std::ptrdiff_t>(start);
  const auto it = !list.empty() && list.back().time - query_time <= window
                      ? PartitionPointFromEnd(first, list.end(), pred)
                      : std::partition_point(first, list.end(), pred);
  return static_cast<size_t>(it - list.begin());
}

// The first position of `list` whose time is >= the window's start at `first` (the group's
// first query).
size_t WindowStart(std::span<const Edge> list, const GroupQuery& first, Timestamp window) {
  const Timestamp from = first.time - window;
  return PartitionPosition(list, 0, first.time, window,
                           [from](const Edge& e) { return e.time < from; });
}

// The end of the part of list[start..] at or before q.
size_t KeyEnd(std::span<const Edge> list, size_t start, const GroupQuery& q, Timestamp window) {
  return PartitionPosition(list, start, q.time, window,
                           [&q](const Edge& e) { return AtOrBefore(e, q); });
}

// Fan and degree of one list for every query of the group.
void SweepFan(std::span<const Edge> list, int dir, std::span<const GroupQuery> queries,
              const PatternSettings& s, size_t first_column, const Columns& cols,
              DistinctCounter& others) {
  const size_t nb = s.bins.size();
  size_t lo = WindowStart(list, queries.front(), s.window);
  size_t hi = lo;
  for (size_t i = 0; i < queries.size(); ++i) {
    const GroupQuery& q = queries[i];
    while (hi < list.size() && AtOrBefore(list[hi], q)) others.Add(list[hi++].other);
    const Timestamp from = q.time - s.window;
    while (lo < hi && list[lo].time < from) others.Remove(list[lo++].other);
    const size_t k = size_t{q.role} * 2 + static_cast<size_t>(dir);
    double* out = cols.Row(q.row) + first_column;
    out[k] = static_cast<double>(others.distinct);
    out[4 + k] = static_cast<double>(hi - lo);
    if (nb > 0) {
      AddToBins(s.bins, others.distinct, out + kFanColumns + k * nb);
      AddToBins(s.bins, hi - lo, out + kFanColumns + (4 + k) * nb);
    }
  }
  while (lo < hi) others.Remove(list[lo++].other);
}

// Sum, mean, min, max, median (given), var, skew, kurt of a window's summary (docs/patterns.md).
// `flip` negates the skew (ages run opposite to the times the summary was made of).
double* WriteShape(const Moments& m, double n, bool flat, bool flip, double* out) {
  if (flat) {
    *out++ = 0;
    *out++ = 0;
    *out++ = 0;
    return out;
  }
  const double var = m.m2 / n;
  const double skew = (m.m3 / n) / (var * std::sqrt(var));
  *out++ = var;
  *out++ = flip ? -skew : skew;
  *out++ = (m.m4 / n) / (var * var) - 3.0;
  return out;
}

// The age mean, min, max and median of a query over the non-empty window [lo, hi): the only
// vertex statistics that depend on the query's time besides its window.
double* WriteAgeOrder(std::span<const Edge> list, const GroupQuery& q, size_t lo, size_t hi,
                      int64_t offset_sum, Timestamp base, double* p) {
  const size_t count = hi - lo;
  const size_t mid = count / 2;
  const double n = static_cast<double>(count);
  // Ages q.time - time_j: the k-th smallest age is at position hi - 1 - k.
  const int64_t age_sum = static_cast<int64_t>(count) * (q.time - base) - offset_sum;
  auto age = [&](size_t pos) { return static_cast<double>(q.time - list[pos].time); };
  double age_median = age(hi - 1 - mid);
  if (count % 2 == 0) {
    const double lower = age(hi - mid);
    age_median = lower + (age_median - lower) / 2;
  }
  *p++ = static_cast<double>(age_sum) / n;
  *p++ = age(hi - 1);
  *p++ = age(lo);
  *p++ = age_median;
  return p;
}

// Column of the age mean within a list's vertex statistics (then min, max, median).
constexpr size_t kAgeOrderColumn = 11;

// The window of the last query a list sweep wrote, and where it wrote it: a query with the same
// window [lo, hi) has the same values but for the age mean/min/max/median (the age moments are
// those of the times' offsets, independent of the query's time). Accounts that mostly send
// (or mostly receive) see the same window on their other list for many queries in a row.
struct LastWindow {
  size_t lo = SIZE_MAX, hi = SIZE_MAX;
  const double* out = nullptr;

  // Copies the last query's values to `out` and returns true if its window was [lo, hi).
  bool Repeat(std::span<const Edge> list, const GroupQuery& q, size_t lo_now, size_t hi_now,
              int64_t offset_sum, Timestamp base, double* out_now) {
    if (lo_now != lo || hi_now != hi) return false;
    std::copy(out, out + kVertexStatsPerList, out_now);
    if (hi > lo) WriteAgeOrder(list, q, lo, hi, offset_sum, base, out_now + kAgeOrderColumn);
    out = out_now;
    return true;
  }
  void Set(size_t lo_now, size_t hi_now, const double* out_now) {
    lo = lo_now;
    hi = hi_now;
    out = out_now;
  }
};

// The vertex statistics of one query over the window [lo, hi) of `list` (docs/patterns.md):
// `kth(r)` is the r-th smallest amount of the window, `offset_sum` the sum of (time - base).
template <typename Kth>
void WriteVertexStats(std::span<const Edge> list, const GroupQuery& q, size_t lo, size_t hi,
                      size_t distinct, int64_t offset_sum, Timestamp base,
                      const DyadicMoments& amounts, const DyadicMoments& ages, Kth kth,
                      double* out) {
    const size_t count = hi - lo;
    const double n = static_cast<double>(count);
    out[0] = n;
    if (count == 0) {
      out[1] = 0;
      out[2] = kNaN;
      out[3] = 0;
      std::fill(out + 4, out + kVertexStatsPerList, kNaN);
      return;
    }
    out[1] = static_cast<double>(distinct);
    out[2] = out[1] / n;
    // Amounts.
    // The age moments are all zero when every time is the same (no fold needed then).
    const bool flat = list[lo].time == list[hi - 1].time;
    Moments a, age_moments;
    if (flat) {
      a = amounts.Fold(lo, hi);
    } else {
      DyadicMoments::FoldPair(amounts, ages, lo, hi, a, age_moments);
    }
    const size_t mid = count / 2;
    double median = kth(mid);
    if (count % 2 == 0) {
      const double lower = kth(mid - 1);
      median = lower + (median - lower) / 2;
    }
    double* p = out + 3;
    *p++ = a.sum;
    *p++ = a.sum / n;
    *p++ = a.min;
    *p++ = a.max;
    *p++ = median;
    p = WriteShape(a, n, a.min == a.max, false, p);
    p = WriteAgeOrder(list, q, lo, hi, offset_sum, base, p);
    WriteShape(age_moments, n, flat, true, p);
}

// Vertex statistics of one list for every query of the group. Returns the number of list
// positions it swept.
size_t SweepVertexStats(std::span<const Edge> list, int dir, std::span<const GroupQuery> queries,
                      const PatternSettings& s, size_t first_column, const Columns& cols,
                      SweepScratch& scratch) {
  const size_t range_lo = WindowStart(list, queries.front(), s.window);
  const size_t range_hi = KeyEnd(list, range_lo, queries.back(), s.window);
  const size_t span = range_hi - range_lo;
  const Timestamp base = list.empty() ? 0 : list.front().time;
  // A small range keeps its window's amounts in a sorted array (insertion and removal move a
  // few values) instead of ranking the whole range by a sort and counting ranks in a Fenwick
  // tree: most ranges are small, and their sort was ~12% of the family's time.
  const bool small = span <= kSmallRange;
  if (span > 0) {
    scratch.values.resize(span);
    for (size_t i = 0; i < span; ++i) scratch.values[i] = list[range_lo + i].amount;
    scratch.amounts.Build(scratch.values, range_lo);
    if (!small) {
      // Sorted by value with the position alongside (an index sort through the values was
      // twice as slow). Equal amounts may take their ranks in any order: a rank's value is
      // the same.
      scratch.order.resize(span);
      for (size_t i = 0; i < span; ++i) {
        scratch.order[i] = {scratch.values[i], static_cast<uint32_t>(i)};
      }
      std::sort(scratch.order.begin(), scratch.order.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      scratch.rank.resize(span);
      scratch.by_rank.resize(span);
      for (size_t r = 0; r < span; ++r) {
        scratch.rank[scratch.order[r].second] = static_cast<uint32_t>(r);
        scratch.by_rank[r] = scratch.order[r].first;
      }
      scratch.ranks.Reset(span);
    }
    scratch.sorted_window.clear();
    for (size_t i = 0; i < span; ++i) {
      scratch.values[i] = static_cast<double>(list[range_lo + i].time - base);
    }
    scratch.ages.Build(scratch.values, range_lo);
    // The range's counterparties numbered 0..m-1, so that the window's count per counterparty
    // is a small array in cache: one indexed by account id (537K accounts on hi-small) missed
    // the cache on most updates. Numbered in order of first appearance through an open-address
    // table of (counterparty << 32 | number), at most half full (sorting the range by
    // counterparty instead was 3.7% of the family's time).
    const size_t slots = std::bit_ceil(2 * span);
    scratch.keyed.assign(slots, kEmptySlot);
    scratch.local.resize(span);
    uint32_t numbered = 0;
    for (size_t i = 0; i < span; ++i) {
      const AccountId other = list[range_lo + i].other;
      size_t at = static_cast<size_t>(MixAccount(other)) & (slots - 1);
      while (scratch.keyed[at] != kEmptySlot && (scratch.keyed[at] >> 32) != other) {
        at = (at + 1) & (slots - 1);
      }
      if (scratch.keyed[at] == kEmptySlot) scratch.keyed[at] = (uint64_t{other} << 32) | numbered++;
      scratch.local[i] = static_cast<uint32_t>(scratch.keyed[at]);
    }
    scratch.local_count.assign(numbered, 0);
  }
  // The counter, the rank set and the sums start afresh with every call: nothing to undo.
  size_t distinct = 0;
  size_t lo = range_lo, hi = range_lo;
  int64_t offset_sum = 0;  // sum of (time - base) over the window, exact
  auto remove = [&] {
    distinct -= --scratch.local_count[scratch.local[lo - range_lo]] == 0;
    if (small) {
      auto& w = scratch.sorted_window;
      const auto it = std::lower_bound(w.begin(), w.end(), list[lo].amount);
      MT_DCHECK(it != w.end() && *it == list[lo].amount);
      w.erase(it);
    } else {
      scratch.ranks.Add(scratch.rank[lo - range_lo], -1);
    }
    offset_sum -= list[lo].time - base;
    ++lo;
  };
  LastWindow last;
  for (size_t i = 0; i < queries.size(); ++i) {
    const GroupQuery& q = queries[i];
    if (i + kAhead < queries.size()) {
      const size_t k_ahead = size_t{queries[i + kAhead].role} * 2 + static_cast<size_t>(dir);
      cols.Prefetch(queries, i, first_column + k_ahead * kVertexStatsPerList,
                    kVertexStatsPerList);
    }
    while (hi < list.size() && AtOrBefore(list[hi], q)) {
      distinct += scratch.local_count[scratch.local[hi - range_lo]]++ == 0;
      if (small) {
        auto& w = scratch.sorted_window;
        w.insert(std::upper_bound(w.begin(), w.end(), list[hi].amount), list[hi].amount);
      } else {
        scratch.ranks.Add(scratch.rank[hi - range_lo], +1);
      }
      offset_sum += list[hi].time - base;
      ++hi;
    }
    const Timestamp from = q.time - s.window;
    while (lo < hi && list[lo].time < from) remove();
    const size_t k = size_t{q.role} * 2 + static_cast<size_t>(dir);
    double* out = cols.Row(q.row) + first_column + k * kVertexStatsPerList;
    if (last.Repeat(list, q, lo, hi, offset_sum, base, out)) continue;
    WriteVertexStats(list, q, lo, hi, distinct, offset_sum, base, scratch.amounts, scratch.ages,
                     [&](size_t rank) {
                       return small ? scratch.sorted_window[rank]
                                    : scratch.by_rank[scratch.ranks.Kth(rank)];
                     },
                     out);
    last.Set(lo, hi, out);
  }
  return span;
}

// Vertex statistics of one list for every query of the group, from the list's kept window
// (a stream's busy lists, list_window.h): the window moves on from where the last batch left it.
// Returns false, doing nothing, when the list has no kept window and its window at the first
// query is too small to be worth keeping.
bool SweepVertexStatsKept(std::span<const Edge> list, int dir,
                          std::span<const GroupQuery> queries, const PatternSettings& s,
                          size_t first_column, const Columns& cols,
                          std::unique_ptr<ListWindow>& kept, std::vector<double>& scratch) {
  const Timestamp base = list.front().time;
  const size_t start = WindowStart(list, queries.front(), s.window);
  if (kept == nullptr || kept->hi <= start || start < kept->lo) {
    // A new window, or the kept one has left entirely: build it at once up to the first
    // query, as the batch sweep does.
    const size_t end = KeyEnd(list, start, queries.front(), s.window);
    if (kept == nullptr) {
      if (end - start < kMinKeptWindow) return false;
      kept = std::make_unique<ListWindow>();
    }
    kept->Fill(list, base, start, end, scratch);
  } else {
    while (kept->lo < start) kept->PopFront(list, base);
    kept->Compact(list, base, scratch);
  }
  ListWindow& w = *kept;
  LastWindow last;
  for (const GroupQuery& q : queries) {
    while (w.hi < list.size() && AtOrBefore(list[w.hi], q)) w.PushBack(list, base);
    const Timestamp from = q.time - s.window;
    while (w.lo < w.hi && list[w.lo].time < from) w.PopFront(list, base);
    const size_t k = size_t{q.role} * 2 + static_cast<size_t>(dir);
    double* out = cols.Row(q.row) + first_column + k * kVertexStatsPerList;
    if (last.Repeat(list, q, w.lo, w.hi, w.offset_sum, base, out)) continue;
    WriteVertexStats(list, q, w.lo, w.hi, w.distinct, w.offset_sum, base, w.amounts, w.ages,
                     [&](size_t rank) { return w.amount_set.Kth(rank); }, out);
    last.Set(w.lo, w.hi, out);
  }
  w.last_time = queries.back().time;
  return true;
}


}  // namespace

struct SweepCache {
  tbb::enumerable_thread_specific<SweepScratch> scratches;
  // Kept windows by (account << 1 | direction); unordered_map: references stay valid.
  std::unordered_map<uint64_t, std::unique_ptr<ListWindow>> windows;
  uint64_t calls = 0;
};

void SweepCacheDeleter::operator()(SweepCache* cache) const { delete cache; }

SweepCachePtr MakeSweepCache() { return SweepCachePtr(new SweepCache()); }

size_t KeptWindowCount(const SweepCache& cache) {
  return static_cast<size_t>(std::count_if(
      cache.windows.begin(), cache.windows.end(),
      [](const auto& entry) { return entry.second != nullptr; }));
}

void SweepFanAndVertexStats(const TemporalGraph& g, const graph::EdgeColumns& txs,
                            const PatternConfig& config, const Layout& layout,
                            std::span<double> values, SweepCache* cache) {
  if (!config.fan.enabled && !config.vertex_stats.enabled) return;
  const size_t n = txs.size();
  MT_CHECK(n < (size_t{1} << 31));
  auto id_of = [&](size_t r) {
    return txs.id.empty() ? static_cast<TransactionId>(r) : txs.id[r];
  };
  // One query per (row, role), grouped by account, rows in input order within a group. The
  // query carries its time and id, copied while the columns are read in order: gathering them
  // per group instead read two columns at random rows (a cache miss each).
  const size_t accounts = g.account_count();
  std::vector<GroupQuery> entries(2 * n);
  std::vector<uint32_t> group_start;  // offsets into entries, per group
  std::vector<AccountId> group_account;
  if (accounts <= 8 * n) {
    // Counting sort by account (stable: rows stay in input order), in parts of rows counted
    // and placed in parallel (serial, it was a tenth of the family's wall time on two
    // threads): part p's entries of an account follow those of the parts before it, so the
    // order is the same for any number of parts.
    const size_t parts = std::clamp<size_t>(n / 16384, 1,
        static_cast<size_t>(std::max(1, tbb::this_task_arena::max_concurrency())));
    std::vector<std::vector<uint32_t>> cursor(parts);
    auto part_rows = [&](size_t p) {
      return std::pair<size_t, size_t>{n * p / parts, n * (p + 1) / parts};
    };
    tbb::parallel_for(size_t{0}, parts, [&](size_t p) {
      std::vector<uint32_t>& count = cursor[p];
      count.assign(accounts, 0);
      const auto [begin, end] = part_rows(p);
      for (size_t r = begin; r < end; ++r) {
        ++count[txs.source[r]];
        ++count[txs.destination[r]];
      }
    });
    uint32_t at = 0;
    for (size_t a = 0; a < accounts; ++a) {
      const uint32_t first = at;
      for (size_t p = 0; p < parts; ++p) {
        const uint32_t c = cursor[p][a];
        cursor[p][a] = at;
        at += c;
      }
      if (at > first) {
        group_start.push_back(first);
        group_account.push_back(static_cast<AccountId>(a));
      }
    }
    tbb::parallel_for(size_t{0}, parts, [&](size_t p) {
      std::vector<uint32_t>& next = cursor[p];
      const auto [begin, end] = part_rows(p);
      for (size_t r = begin; r < end; ++r) {
        const auto row = static_cast<uint32_t>(r);
        entries[next[txs.source[r]]++] = {txs.time[r], id_of(r), row, 0};
        entries[next[txs.destination[r]]++] = {txs.time[r], id_of(r), row, 1};
      }
    });
  } else {
    std::vector<std::pair<AccountId, uint64_t>> keyed(2 * n);
    for (size_t r = 0; r < n; ++r) {
      keyed[2 * r] = {txs.source[r], uint64_t{r} << 1};
      keyed[2 * r + 1] = {txs.destination[r], (uint64_t{r} << 1) | 1};
    }
    std::sort(keyed.begin(), keyed.end());
    for (size_t e = 0; e < keyed.size(); ++e) {
      if (e == 0 || keyed[e].first != keyed[e - 1].first) {
        group_start.push_back(static_cast<uint32_t>(e));
        group_account.push_back(keyed[e].first);
      }
      const auto row = static_cast<uint32_t>(keyed[e].second >> 1);
      entries[e] = {txs.time[row], id_of(row), row, static_cast<uint32_t>(keyed[e].second & 1)};
    }
  }
  group_start.push_back(static_cast<uint32_t>(entries.size()));
  const Columns cols{values, layout.width};
  tbb::enumerable_thread_specific<SweepScratch> local_scratches;
  auto& scratches = cache != nullptr ? cache->scratches : local_scratches;
  // The kept windows of this call's lists, looked up serially here: each belongs to one group,
  // so the parallel sweep below touches each from one task only. A list whose window is worth
  // keeping and has no entry yet is swept afresh this time and marked in `wanted`; its entry
  // is made after the sweep (so the map only grows serially), its window on its next call.
  std::vector<std::unique_ptr<ListWindow>*> kept;
  std::vector<uint8_t> wanted;
  if (cache != nullptr && config.vertex_stats.enabled) {
    kept.assign(2 * group_account.size(), nullptr);
    wanted.assign(2 * group_account.size(), 0);
    for (size_t group = 0; group < group_account.size(); ++group) {
      const AccountId a = group_account[group];
      for (int dir = 0; dir < 2; ++dir) {
        const size_t size = dir == 0 ? g.OutEdges(a).size() : g.InEdges(a).size();
        if (size < kKeptListSize) continue;
        const auto it = cache->windows.find((uint64_t{a} << 1) | static_cast<uint64_t>(dir));
        if (it != cache->windows.end()) kept[2 * group + static_cast<size_t>(dir)] = &it->second;
      }
    }
  }
  tbb::parallel_for(tbb::blocked_range<size_t>(0, group_account.size(), 8), [&](const auto& range) {
    SweepScratch& scratch = scratches.local();
    if (config.fan.enabled && scratch.fan_others.count.size() < accounts) {
      scratch.fan_others.count.resize(accounts, 0);
    }
    // Most groups are a few queries on a short list, so the first touch of the account's lists
    // and of each query's output row missed the cache and stalled the sweep (most of its time,
    // bench/RESULTS-patterns.md): ask for the next group's lists and rows while this one runs.
    auto prefetch_group = [&](size_t group) {
      const AccountId a = group_account[group];
      PrefetchRead(g.OutEdges(a).data());
      PrefetchRead(g.InEdges(a).data());
      // (Fan rows are not prefetched: a fan row is 8 values and measured no faster with it.)
      if (!config.vertex_stats.enabled) return;
      // The first kAhead rows: the sweep prefetches the others kAhead queries ahead (all rows
      // of a busy account's group at once would stall on the outstanding misses).
      const size_t end = std::min<size_t>(group_start[group + 1], group_start[group] + kAhead);
      for (size_t e = group_start[group]; e < end; ++e) {
        double* first = cols.Row(entries[e].row) + layout.vertex_stats +
                        size_t{entries[e].role} * 2 * kVertexStatsPerList;
        for (size_t c = 0; c < 2 * kVertexStatsPerList; c += 8) PrefetchWrite(first + c);
        PrefetchWrite(first + 2 * kVertexStatsPerList - 1);
      }
    };
    if (range.begin() != range.end()) prefetch_group(range.begin());
    for (size_t group = range.begin(); group != range.end(); ++group) {
      if (group + 1 != range.end()) prefetch_group(group + 1);
      // Each group's queries belong to this task alone: sort them in place.
      const std::span<GroupQuery> queries(entries.data() + group_start[group],
                                          group_start[group + 1] - group_start[group]);
      if (!std::is_sorted(queries.begin(), queries.end(), QueryBefore)) {
        std::sort(queries.begin(), queries.end(), QueryBefore);
      }
      const AccountId a = group_account[group];
      for (int dir = 0; dir < 2; ++dir) {
        const std::span<const Edge> list = dir == 0 ? g.OutEdges(a) : g.InEdges(a);
        if (config.fan.enabled) {
          SweepFan(list, dir, queries, config.fan, layout.fan, cols, scratch.fan_others);
        }
        if (config.vertex_stats.enabled) {
          const size_t slot = 2 * group + static_cast<size_t>(dir);
          std::unique_ptr<ListWindow>* window = kept.empty() ? nullptr : kept[slot];
          if (window == nullptr ||
              !SweepVertexStatsKept(list, dir, queries, config.vertex_stats, layout.vertex_stats,
                                    cols, *window, scratch.values)) {
            const size_t span = SweepVertexStats(list, dir, queries, config.vertex_stats,
                                                 layout.vertex_stats, cols, scratch);
            if (!wanted.empty() && window == nullptr && list.size() >= kKeptListSize &&
                span >= kMinKeptWindow) {
              wanted[slot] = 1;
            }
          }
        }
      }
    }
  });
  if (cache == nullptr || !config.vertex_stats.enabled) return;
  // Drop the windows that no query has used for a window's length, and the entries that the
  // previous call made and this one did not fill. After the sweep, which fills the previous
  // call's entries (dropping before it erased them, so one call in kEvictEvery lost them),
  // and before this call's entries are made (to be filled on their lists' next call).
  if (++cache->calls % kEvictEvery == 0 && n > 0) {
    const Timestamp now = *std::min_element(txs.time.begin(), txs.time.end());
    std::erase_if(cache->windows, [&](const auto& entry) {
      return entry.second == nullptr ||
             entry.second->last_time < now - config.vertex_stats.window;
    });
  }
  for (size_t slot = 0; slot < wanted.size(); ++slot) {
    if (wanted[slot] == 0) continue;
    cache->windows[(uint64_t{group_account[slot / 2]} << 1) | (slot % 2)];  // made next time
  }
}

}  // namespace moneytrail::patterns::internal
