#include "patterns/temporal_cycles_index.h"

#include <tbb/parallel_for.h>
#include <tbb/parallel_invoke.h>

#include <algorithm>
#include <limits>
#include <string>

namespace moneytrail::patterns::cycles_internal {
namespace {

__extension__ typedef __int128 Int128;

constexpr int kPercentScale = 4;  // keep percents are held as percent * 10^4

int64_t Pow10(int e) {
  int64_t p = 1;
  for (int i = 0; i < e; ++i) p *= 10;
  return p;
}

// A percent as an integer count of 10^-4 percent. InvalidArgument beyond 4 fractional digits.
Result<int64_t> PercentUnits(Decimal d, const char* field) {
  if (d.scale > kPercentScale) {
    return InvalidArgumentError(std::string(field) + ": at most 4 fractional digits, got " +
                                FormatDecimal(d));
  }
  if (d.units < 0) {
    return InvalidArgumentError(std::string(field) + ": must be >= 0, got " + FormatDecimal(d));
  }
  int64_t units = 0;
  if (__builtin_mul_overflow(d.units, Pow10(kPercentScale - d.scale), &units)) {
    return InvalidArgumentError(std::string(field) + ": too large: " + FormatDecimal(d));
  }
  return units;
}

// Sorts list[0..n) (and id[0..n) alongside, when not null) stably by time.
void SortByTime(AdjEntry* list, TransactionId* id, size_t n,
                std::vector<std::pair<AdjEntry, TransactionId>>& scratch) {
  size_t unsorted = 1;
  while (unsorted < n && list[unsorted - 1].time <= list[unsorted].time) ++unsorted;
  if (unsorted >= n) return;
  if (n <= 48) {
    for (size_t i = unsorted; i < n; ++i) {
      const AdjEntry entry = list[i];
      const TransactionId entry_id = id == nullptr ? 0 : id[i];
      size_t j = i;
      for (; j > 0 && list[j - 1].time > entry.time; --j) {
        list[j] = list[j - 1];
        if (id != nullptr) id[j] = id[j - 1];
      }
      list[j] = entry;
      if (id != nullptr) id[j] = entry_id;
    }
    return;
  }
  scratch.clear();
  for (size_t i = 0; i < n; ++i) scratch.emplace_back(list[i], id == nullptr ? 0 : id[i]);
  std::stable_sort(scratch.begin(), scratch.end(), [](const auto& a, const auto& b) {
    return a.first.time < b.first.time;
  });
  for (size_t i = 0; i < n; ++i) {
    list[i] = scratch[i].first;
    if (id != nullptr) id[i] = scratch[i].second;
  }
}

// Fills a CSR of the kept transactions keyed by `key`, each list sorted by (time, id); when
// `ids` is given, also the transaction id of each entry.
void BuildCsr(std::span<const AccountId> key, std::span<const AccountId> other,
              const std::vector<Tick>& ticks, const std::vector<uint8_t>& keep,
              uint32_t vertex_count, size_t kept, std::vector<uint32_t>& offset,
              std::unique_ptr<AdjEntry[]>& list, std::unique_ptr<TransactionId[]>* ids) {
  offset.assign(static_cast<size_t>(vertex_count) + 1, 0);
  for (size_t i = 0; i < key.size(); ++i) {
    if (keep[i]) ++offset[key[i] + 1];
  }
  for (uint32_t v = 0; v < vertex_count; ++v) offset[v + 1] += offset[v];
  list = std::make_unique_for_overwrite<AdjEntry[]>(kept);
  if (ids != nullptr) *ids = std::make_unique_for_overwrite<TransactionId[]>(kept);
  std::vector<uint32_t> cursor(offset.begin(), offset.end() - 1);
  for (size_t i = 0; i < key.size(); ++i) {
    if (!keep[i]) continue;
    const uint32_t pos = cursor[key[i]]++;
    list[pos] = AdjEntry{ticks[i], other[i]};
    if (ids != nullptr) (*ids)[pos] = static_cast<TransactionId>(i);
  }
  // Lists are in id order, so a stable sort by time gives (time, id). Sources are often
  // already in time order: sort only where needed, short lists by insertion (stable, no
  // allocation).
  tbb::parallel_for(tbb::blocked_range<uint32_t>(0, vertex_count, 4096),
                    [&](const tbb::blocked_range<uint32_t>& range) {
                      std::vector<std::pair<AdjEntry, TransactionId>> scratch;
                      for (uint32_t v = range.begin(); v != range.end(); ++v) {
                        AdjEntry* first = list.get() + offset[v];
                        const size_t n = offset[v + 1] - offset[v];
                        TransactionId* id = ids == nullptr ? nullptr : ids->get() + offset[v];
                        SortByTime(first, id, n, scratch);
                      }
                    });
}

}  // namespace

Status TemporalIndex::BuildAmounts(const TemporalEdges& edges,
                                   const TemporalCycleOptions& options,
                                   std::vector<uint8_t>& keep) {
  const bool wants_amounts = options.min_amount || options.min_keep_percent ||
                             options.max_keep_percent;
  const bool has_decimal = !edges.amount_units.empty();
  const bool has_double = !edges.amount.empty();
  if (has_decimal && has_double) {
    return InvalidArgumentError("temporal cycles: give amount_units or amount, not both");
  }
  if (has_decimal && edges.amount_units.size() != edges.size()) {
    return InvalidArgumentError("temporal cycles: amount_units has " +
                                std::to_string(edges.amount_units.size()) + " rows, time has " +
                                std::to_string(edges.size()));
  }
  if (!edges.amount_scale.empty() && edges.amount_scale.size() != edges.amount_units.size()) {
    return InvalidArgumentError("temporal cycles: amount_scale and amount_units differ in size");
  }
  if (has_double && edges.amount.size() != edges.size()) {
    return InvalidArgumentError("temporal cycles: amount has " +
                                std::to_string(edges.amount.size()) + " rows, time has " +
                                std::to_string(edges.size()));
  }
  if (!wants_amounts) return Status::Ok();
  if (!has_decimal && !has_double) {
    return InvalidArgumentError(
        "temporal cycles: min_amount and the keep percents need amounts, none were given");
  }
  decimal_amounts_ = has_decimal;
  auto scale_of = [&](size_t i) -> uint8_t {
    return edges.amount_scale.empty() ? 0 : edges.amount_scale[i];
  };
  if (options.min_amount) {
    const Decimal min = *options.min_amount;
    const double min_double = ToDouble(min);
    for (size_t i = 0; i < edges.size(); ++i) {
      if (!keep[i]) continue;
      const bool enough = has_decimal
                              ? CompareDecimal({edges.amount_units[i], scale_of(i)}, min) >= 0
                              : edges.amount[i] >= min_double;
      if (!enough) keep[i] = 0;
    }
  }
  if (!options.min_keep_percent && !options.max_keep_percent) return Status::Ok();
  has_decay_ = true;
  min_keep_ = 0;
  max_keep_ = 100 * Pow10(kPercentScale);
  if (options.min_keep_percent) {
    MT_ASSIGN_OR_RETURN(min_keep_, PercentUnits(*options.min_keep_percent, "min_keep_percent"));
  }
  if (options.max_keep_percent) {
    MT_ASSIGN_OR_RETURN(max_keep_, PercentUnits(*options.max_keep_percent, "max_keep_percent"));
  }
  if (min_keep_ > max_keep_) {
    return InvalidArgumentError("temporal cycles: min_keep_percent exceeds max_keep_percent");
  }
  if (!has_decimal) {
    doubles_.assign(edges.amount.begin(), edges.amount.end());
    return Status::Ok();
  }
  // Bring every amount to the largest scale so that comparisons are plain integer ones.
  int max_scale = 0;
  for (size_t i = 0; i < edges.size(); ++i) {
    if (scale_of(i) > kMaxDecimalScale) {
      return InvalidArgumentError("temporal cycles: transaction " + std::to_string(i) +
                                  " has amount scale " + std::to_string(scale_of(i)) +
                                  ", at most 18 expected");
    }
    if (keep[i]) max_scale = std::max<int>(max_scale, scale_of(i));
  }
  units_.assign(edges.size(), 0);
  for (size_t i = 0; i < edges.size(); ++i) {
    if (!keep[i]) continue;
    if (__builtin_mul_overflow(edges.amount_units[i], Pow10(max_scale - scale_of(i)),
                               &units_[i])) {
      return OutOfRangeError("temporal cycles: transaction " + std::to_string(i) + " amount " +
                             FormatDecimal({edges.amount_units[i], scale_of(i)}) +
                             " does not fit 18 digits at scale " + std::to_string(max_scale));
    }
  }
  return Status::Ok();
}

bool TemporalIndex::HopAllowed(uint32_t prev, uint32_t next) const {
  constexpr int64_t kHundredPercent = 100 * 10'000;  // 100 * 10^kPercentScale
  if (decimal_amounts_) {
    const Int128 next_scaled = static_cast<Int128>(units_[next]) * kHundredPercent;
    const Int128 prev_units = units_[prev];
    return next_scaled >= prev_units * min_keep_ && next_scaled <= prev_units * max_keep_;
  }
  const double next_scaled = doubles_[next] * kHundredPercent;
  const double prev_amount = doubles_[prev];
  return next_scaled >= prev_amount * static_cast<double>(min_keep_) &&
         next_scaled <= prev_amount * static_cast<double>(max_keep_);
}

void TemporalIndex::BuildTicks(std::span<const Timestamp> time,
                               const std::vector<uint8_t>& keep) {
  Timestamp lo = std::numeric_limits<Timestamp>::max();
  Timestamp hi = std::numeric_limits<Timestamp>::min();
  for (size_t i = 0; i < time.size(); ++i) {
    if (!keep[i]) continue;
    lo = std::min(lo, time[i]);
    hi = std::max(hi, time[i]);
  }
  min_time_ = lo;
  distinct_times_.clear();
  if (lo > hi) {  // nothing kept
    max_tick_ = 0;
    return;
  }
  const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);  // exact
  if (span < std::numeric_limits<Tick>::max() - 1) {
    max_tick_ = static_cast<Tick>(hi - lo) + 1;
    return;
  }
  // Spans beyond 136 years of seconds: rank the distinct times instead.
  for (size_t i = 0; i < time.size(); ++i) {
    if (keep[i]) distinct_times_.push_back(time[i]);
  }
  std::sort(distinct_times_.begin(), distinct_times_.end());
  distinct_times_.erase(std::unique(distinct_times_.begin(), distinct_times_.end()),
                        distinct_times_.end());
  max_tick_ = static_cast<Tick>(distinct_times_.size());
}

Tick TemporalIndex::TickOf(Timestamp t) const {
  if (distinct_times_.empty()) return static_cast<Tick>(t - min_time_) + 1;
  return static_cast<Tick>(
      std::lower_bound(distinct_times_.begin(), distinct_times_.end(), t) -
      distinct_times_.begin()) + 1;
}

Tick TemporalIndex::WindowEnd(Tick start, Timestamp window) const {
  if (distinct_times_.empty()) {
    const uint64_t end = static_cast<uint64_t>(start) + static_cast<uint64_t>(window);
    return window >= static_cast<Timestamp>(max_tick_) || end > max_tick_
               ? max_tick_
               : static_cast<Tick>(end);
  }
  Timestamp end_time = 0;
  if (__builtin_add_overflow(distinct_times_[start - 1], window, &end_time)) {
    end_time = std::numeric_limits<Timestamp>::max();
  }
  return static_cast<Tick>(
      std::upper_bound(distinct_times_.begin(), distinct_times_.end(), end_time) -
      distinct_times_.begin());
}

void TemporalIndex::BuildInPositions() const {
  std::vector<uint32_t> position_of_id;
  TransactionId max_id = 0;
  for (size_t p = 0; p < edge_count_; ++p) max_id = std::max(max_id, out_id_[p]);
  position_of_id.assign(edge_count_ == 0 ? 0 : static_cast<size_t>(max_id) + 1, 0);
  for (size_t p = 0; p < edge_count_; ++p) position_of_id[out_id_[p]] = static_cast<uint32_t>(p);
  in_position_.resize(edge_count_);
  for (size_t k = 0; k < edge_count_; ++k) in_position_[k] = position_of_id[in_id_[k]];
}

void TemporalIndex::PermuteAmounts() {
  if (decimal_amounts_) {
    std::vector<int64_t> by_position(edge_count_);
    for (size_t p = 0; p < edge_count_; ++p) by_position[p] = units_[out_id_[p]];
    units_ = std::move(by_position);
  } else {
    std::vector<double> by_position(edge_count_);
    for (size_t p = 0; p < edge_count_; ++p) by_position[p] = doubles_[out_id_[p]];
    doubles_ = std::move(by_position);
  }
}

Result<TemporalIndex> TemporalIndex::Build(const TemporalEdges& edges,
                                           const TemporalCycleOptions& options) {
  const size_t m = edges.size();
  if (edges.source.size() != m || edges.destination.size() != m) {
    return InvalidArgumentError("temporal cycles: source, destination and time differ in size (" +
                                std::to_string(edges.source.size()) + ", " +
                                std::to_string(edges.destination.size()) + ", " +
                                std::to_string(m) + ")");
  }
  if (m >= std::numeric_limits<TransactionId>::max()) {
    return InvalidArgumentError("temporal cycles: too many transactions: " + std::to_string(m));
  }
  TemporalIndex index;
  std::vector<uint8_t> keep(m, 0);
  AccountId max_account = 0;
  for (size_t i = 0; i < m; ++i) {
    const AccountId s = edges.source[i];
    const AccountId d = edges.destination[i];
    const Timestamp t = edges.time[i];
    // Self-loops close nothing; kNoAccount is not an account.
    const bool usable = s != d && s != kNoAccount && d != kNoAccount &&
                        !(options.time_begin && t < *options.time_begin) &&
                        !(options.time_end && t >= *options.time_end);
    keep[i] = usable;
    if (usable) max_account = std::max(max_account, std::max(s, d));
  }
  MT_RETURN_IF_ERROR(index.BuildAmounts(edges, options, keep));
  size_t kept = 0;
  for (uint8_t k : keep) kept += k;
  index.edge_count_ = kept;
  index.vertex_count_ = kept == 0 ? 0 : max_account + 1;
  index.BuildTicks(edges.time, keep);
  std::vector<Tick> ticks(m, kNeverTick);
  if (kept != 0) {
    tbb::parallel_for(tbb::blocked_range<size_t>(0, m, 1 << 16),
                      [&](const tbb::blocked_range<size_t>& range) {
                        for (size_t i = range.begin(); i != range.end(); ++i) {
                          if (keep[i]) ticks[i] = index.TickOf(edges.time[i]);
                        }
                      });
  }
  tbb::parallel_invoke(
      [&] {
        BuildCsr(edges.source, edges.destination, ticks, keep, index.vertex_count_, kept,
                 index.out_offset_, index.out_, &index.out_id_);
      },
      [&] {
        BuildCsr(edges.destination, edges.source, ticks, keep, index.vertex_count_, kept,
                 index.in_offset_, index.in_, &index.in_id_);
      });
  if (index.has_decay_) index.PermuteAmounts();
  return index;
}

}  // namespace moneytrail::patterns::cycles_internal
