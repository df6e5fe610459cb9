// A stream's per-list vertex-statistics window (list_window.h).
#include "list_window.h"

#include <algorithm>
#include <bit>

#include "moneytrail/check.h"

namespace moneytrail::patterns::internal {
namespace {
constexpr AccountId kEmptyKey = kNoAccount;
}  // namespace

void BlockedMultiset::Clear() {
  blocks_.clear();
  size_ = 0;
}

size_t BlockedMultiset::BlockFor(double x) const {
  size_t lo = 0, n = blocks_.size();
  while (n > 0) {  // first block whose back() >= x
    const size_t half = n / 2;
    if (blocks_[lo + half].back() < x) {
      lo += half + 1;
      n -= half + 1;
    } else {
      n = half;
    }
  }
  return std::min(lo, blocks_.size() - 1);
}

void BlockedMultiset::Insert(double x) {
  ++size_;
  if (blocks_.empty()) {
    blocks_.emplace_back(1, x);
    return;
  }
  const size_t b = BlockFor(x);
  std::vector<double>& block = blocks_[b];
  block.insert(std::upper_bound(block.begin(), block.end(), x), x);
  if (block.size() < 2 * kBlock) return;
  std::vector<double> upper(block.begin() + kBlock, block.end());
  block.resize(kBlock);
  blocks_.insert(blocks_.begin() + static_cast<std::ptrdiff_t>(b) + 1, std::move(upper));
}

void BlockedMultiset::Assign(std::span<const double> sorted) {
  blocks_.clear();
  size_ = sorted.size();
  for (size_t i = 0; i < sorted.size(); i += kBlock) {
    const size_t n = std::min(kBlock, sorted.size() - i);
    blocks_.emplace_back(sorted.begin() + static_cast<std::ptrdiff_t>(i),
                         sorted.begin() + static_cast<std::ptrdiff_t>(i + n));
  }
}

void BlockedMultiset::Erase(double x) {
  MT_DCHECK(size_ > 0);
  const size_t b = BlockFor(x);
  std::vector<double>& block = blocks_[b];
  const auto it = std::lower_bound(block.begin(), block.end(), x);
  MT_DCHECK(it != block.end() && *it == x);
  block.erase(it);
  --size_;
  if (block.empty()) blocks_.erase(blocks_.begin() + static_cast<std::ptrdiff_t>(b));
}

double BlockedMultiset::Kth(size_t k) const {
  MT_DCHECK(k < size_);
  for (const std::vector<double>& block : blocks_) {
    if (k < block.size()) return block[k];
    k -= block.size();
  }
  MT_CHECK(false);
  return 0;
}

void CounterpartyCounts::Reset(size_t expected) {
  // At most half full for `expected` keys; assign() reuses the buffers when they are large
  // enough (a kept window restarts often, growing from 16 slots each time was a malloc each).
  const size_t size = std::max<size_t>(16, std::bit_ceil(2 * expected + 2));
  keys_.assign(size, kEmptyKey);
  counts_.assign(size, 0);
  used_ = 0;
}

uint32_t& CounterpartyCounts::Slot(AccountId a) {
  if (2 * (used_ + 1) > keys_.size()) {  // keep the table at most half full
    std::vector<AccountId> old_keys = std::move(keys_);
    std::vector<uint32_t> old_counts = std::move(counts_);
    const size_t size = std::max<size_t>(16, 2 * old_keys.size());
    keys_.assign(size, kEmptyKey);
    counts_.assign(size, 0);
    used_ = 0;
    for (size_t i = 0; i < old_keys.size(); ++i) {
      if (old_keys[i] != kEmptyKey) Slot(old_keys[i]) = old_counts[i];
    }
  }
  const size_t mask = keys_.size() - 1;
  for (size_t i = MixAccount(a) & mask;; i = (i + 1) & mask) {
    if (keys_[i] == a) return counts_[i];
    if (keys_[i] == kEmptyKey) {
      keys_[i] = a;
      ++used_;
      return counts_[i];
    }
  }
}

bool CounterpartyCounts::Add(AccountId a) { return Slot(a)++ == 0; }

bool CounterpartyCounts::Remove(AccountId a) {
  uint32_t& count = Slot(a);
  MT_DCHECK(count > 0);
  return --count == 0;
}

void ListWindow::Restart(size_t position, size_t expected) {
  first = lo = hi = position;
  distinct = 0;
  offset_sum = 0;
  counterparties.Reset(expected);
  amount_set.Clear();
  amounts.Build({}, position);
  ages.Build({}, position);
}

void ListWindow::Fill(std::span<const Edge> list, Timestamp base, size_t start, size_t end,
                      std::vector<double>& values) {
  Restart(start, end - start);
  if (end == start) return;
  values.resize(end - start);
  for (size_t p = start; p < end; ++p) {
    values[p - start] = static_cast<double>(list[p].time - base);
    offset_sum += list[p].time - base;
    distinct += counterparties.Add(list[p].other);
  }
  ages.Build(values, start);
  for (size_t p = start; p < end; ++p) values[p - start] = list[p].amount;
  amounts.Build(values, start);
  std::sort(values.begin(), values.end());
  amount_set.Assign(values);
  hi = end;
}

void ListWindow::PushBack(std::span<const Edge> list, Timestamp base) {
  const Edge& e = list[hi++];
  distinct += counterparties.Add(e.other);
  amount_set.Insert(e.amount);
  offset_sum += e.time - base;
  amounts.Append(e.amount);
  ages.Append(static_cast<double>(e.time - base));
}

void ListWindow::PopFront(std::span<const Edge> list, Timestamp base) {
  MT_DCHECK(lo < hi);
  const Edge& e = list[lo++];
  distinct -= counterparties.Remove(e.other);
  amount_set.Erase(e.amount);
  offset_sum -= e.time - base;
}

void ListWindow::Compact(std::span<const Edge> list, Timestamp base,
                         std::vector<double>& scratch) {
  constexpr size_t kMinDead = 64;
  if (lo - first <= std::max(kMinDead, hi - lo)) return;
  Fill(list, base, lo, hi, scratch);
}

}  // namespace moneytrail::patterns::internal
