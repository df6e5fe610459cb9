// Order-fixed moments over aligned dyadic blocks (moments.h, docs/patterns.md).
#include "moments.h"

#include <algorithm>
#include <bit>

#include "moneytrail/check.h"

namespace moneytrail::patterns::internal {

Moments Merge(const Moments& a, const Moments& b) {
  const double na = a.n, nb = b.n, n = na + nb;
  const double delta = b.mean - a.mean;
  const double d_n = delta / n;
  Moments m;
  m.n = n;
  m.sum = a.sum + b.sum;
  m.mean = m.sum / n;
  m.m2 = a.m2 + b.m2 + delta * d_n * na * nb;
  m.m3 = a.m3 + b.m3 + delta * d_n * d_n * na * nb * (na - nb) +
         3.0 * d_n * (na * b.m2 - nb * a.m2);
  m.m4 = a.m4 + b.m4 + delta * d_n * d_n * d_n * na * nb * (na * na - na * nb + nb * nb) +
         6.0 * d_n * d_n * (na * na * b.m2 + nb * nb * a.m2) + 4.0 * d_n * (na * b.m3 - nb * a.m3);
  m.min = std::min(a.min, b.min);
  m.max = std::max(a.max, b.max);
  return m;
}

Moments MergeLeaves(double x, double y) {
  // Merge's expressions with na = nb = 1 and a.m2 = b.m2 = a.m3 = b.m3 = 0: products by 1
  // and sums of two zero constants are exact, so dropping them changes no bit; every other
  // operation (an addition to +0, a product by na - nb = +0, which keep NaN and the sign of
  // zero) is kept, in Merge's order.
  const double delta = y - x;
  const double d_n = delta / 2.0;
  Moments m;
  m.n = 2.0;
  m.sum = x + y;
  m.mean = m.sum / 2.0;
  m.m2 = 0.0 + delta * d_n;
  m.m3 = 0.0 + delta * d_n * d_n * 0.0 + 3.0 * d_n * 0.0;
  m.m4 = 0.0 + delta * d_n * d_n * d_n + 6.0 * d_n * d_n * 0.0 + 4.0 * d_n * 0.0;
  m.min = std::min(x, y);
  m.max = std::max(x, y);
  return m;
}

void DyadicMoments::Build(std::span<const double> values, size_t first) {
  first_ = first;
  end_ = first + values.size();
  // Room to Append as many again without regrowing (a stream's kept windows append; each
  // regrowth of each level was a malloc, most of a streaming batch's allocator time).
  leaves_.reserve(2 * values.size() + 2);
  leaves_.assign(values.begin(), values.end());
  if (levels_.empty()) levels_.emplace_back();  // level 0 unused: the leaves
  base_.assign(1, first);
  used_levels_ = 1;
  for (size_t k = 1;; ++k) {
    // Blocks j of size 2^k with first <= j 2^k and (j + 1) 2^k <= end.
    const size_t base = (first + (size_t{1} << k) - 1) >> k;
    const size_t stop = end_ >> k;
    if (stop <= base) break;
    if (levels_.size() <= k) levels_.emplace_back();
    std::vector<Moments>& level = levels_[k];
    level.reserve(2 * (stop - base) + 2);
    level.resize(stop - base);
    if (k == 1) {
      for (size_t j = base; j < stop; ++j) {
        level[j - base] = MergeLeaves(leaves_[2 * j - first_], leaves_[2 * j + 1 - first_]);
      }
    } else {
      for (size_t j = base; j < stop; ++j) {
        level[j - base] = Merge(Block(k - 1, 2 * j), Block(k - 1, 2 * j + 1));
      }
    }
    base_.push_back(base);
    used_levels_ = k + 1;
  }
}

void DyadicMoments::Append(double x) {
  MT_DCHECK(leaves_.size() == end_ - first_);
  leaves_.push_back(x);
  ++end_;
  for (size_t k = 1; (end_ & ((size_t{1} << k) - 1)) == 0; ++k) {
    // Block j = end / 2^k - 1 of size 2^k just completed; kept if it starts at or after first.
    const size_t j = (end_ >> k) - 1;
    if ((j << k) < first_) break;
    if (levels_.size() <= k) levels_.emplace_back();
    if (used_levels_ <= k) {  // the level's first block
      levels_[k].clear();
      levels_[k].reserve(leaves_.capacity() >> k);
      base_.push_back(j);
      used_levels_ = k + 1;
    }
    levels_[k].push_back(k == 1 ? MergeLeaves(leaves_[2 * j - first_], leaves_[2 * j + 1 - first_])
                                : Merge(Block(k - 1, 2 * j), Block(k - 1, 2 * j + 1)));
  }
}

Moments DyadicMoments::Fold(size_t lo, size_t hi) const {
  MT_DCHECK(first_ <= lo && lo < hi && hi <= end_);
  Moments acc;
  bool empty = true;
  while (lo < hi) {
    // The largest aligned block starting at lo that fits in [lo, hi).
    size_t k = lo == 0 ? 63 : static_cast<size_t>(std::countr_zero(lo));
    k = std::min<size_t>(k, static_cast<size_t>(std::bit_width(hi - lo)) - 1);
    MT_DCHECK(k < used_levels_);
    const Moments block = Block(k, lo >> k);
    acc = empty ? block : Merge(acc, block);
    empty = false;
    lo += size_t{1} << k;
  }
  return acc;
}

void DyadicMoments::FoldPair(const DyadicMoments& a, const DyadicMoments& b, size_t lo,
                             size_t hi, Moments& out_a, Moments& out_b) {
  MT_DCHECK(a.first_ <= lo && lo < hi && hi <= a.end_);
  MT_DCHECK(b.first_ <= lo && hi <= b.end_);
  bool empty = true;
  while (lo < hi) {
    size_t k = lo == 0 ? 63 : static_cast<size_t>(std::countr_zero(lo));
    k = std::min<size_t>(k, static_cast<size_t>(std::bit_width(hi - lo)) - 1);
    const Moments block_a = a.Block(k, lo >> k);
    const Moments block_b = b.Block(k, lo >> k);
    if (empty) {
      out_a = block_a;
      out_b = block_b;
    } else {
      out_a = Merge(out_a, block_a);
      out_b = Merge(out_b, block_b);
    }
    empty = false;
    lo += size_t{1} << k;
  }
}

}  // namespace moneytrail::patterns::internal
