#include "patterns/temporal_cycles_index.h"

#include <tbb/parallel_for.h>

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

bool EntryLess(const AdjEntry& a, const AdjEntry& b) {
  return a.time < b.time || (a.time == b.time && a.id < b.id);
}

// Fills a CSR of `keep` transactions keyed by `key`, each list sorted by (time, id).
void BuildCsr(std::span<const AccountId> key, std::span<const AccountId> other,
              std::span<const Timestamp> time, const std::vector<uint8_t>& keep,
              uint32_t vertex_count, std::vector<uint32_t>& offset, std::vector<AdjEntry>& list) {
  offset.assign(static_cast<size_t>(vertex_count) + 1, 0);
  size_t kept = 0;
  for (size_t i = 0; i < key.size(); ++i) {
    if (keep[i]) {
      ++offset[key[i] + 1];
      ++kept;
    }
  }
  for (uint32_t v = 0; v < vertex_count; ++v) offset[v + 1] += offset[v];
  list.resize(kept);
  std::vector<uint32_t> cursor(offset.begin(), offset.end() - 1);
  for (size_t i = 0; i < key.size(); ++i) {
    if (!keep[i]) continue;
    list[cursor[key[i]]++] = AdjEntry{time[i], other[i], static_cast<TransactionId>(i)};
  }
  // Lists are in id order; most sources are already in time order, so sort only where needed.
  tbb::parallel_for(tbb::blocked_range<uint32_t>(0, vertex_count, 4096),
                    [&](const tbb::blocked_range<uint32_t>& range) {
                      for (uint32_t v = range.begin(); v != range.end(); ++v) {
                        auto first = list.begin() + offset[v];
                        auto last = list.begin() + offset[v + 1];
                        if (!std::is_sorted(first, last, EntryLess)) {
                          std::sort(first, last, EntryLess);
                        }
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

bool TemporalIndex::HopAllowed(TransactionId prev, TransactionId next) const {
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
  uint64_t vertex_count = 0;
  for (size_t i = 0; i < m; ++i) {
    const AccountId s = edges.source[i];
    const AccountId d = edges.destination[i];
    if (s == kNoAccount || d == kNoAccount || s == d) continue;  // self-loops close nothing
    const Timestamp t = edges.time[i];
    if (options.time_begin && t < *options.time_begin) continue;
    if (options.time_end && t >= *options.time_end) continue;
    keep[i] = 1;
    vertex_count = std::max<uint64_t>(vertex_count, static_cast<uint64_t>(std::max(s, d)) + 1);
  }
  MT_RETURN_IF_ERROR(index.BuildAmounts(edges, options, keep));
  index.vertex_count_ = static_cast<uint32_t>(vertex_count);
  BuildCsr(edges.source, edges.destination, edges.time, keep, index.vertex_count_,
           index.out_offset_, index.out_);
  BuildCsr(edges.destination, edges.source, edges.time, keep, index.vertex_count_,
           index.in_offset_, index.in_);
  return index;
}

}  // namespace moneytrail::patterns::cycles_internal
