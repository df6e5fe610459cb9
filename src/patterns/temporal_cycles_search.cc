#include "patterns/temporal_cycles_search.h"

#include <algorithm>
#include <limits>

namespace moneytrail::patterns::cycles_internal {
namespace {

Timestamp SaturatingAdd(Timestamp a, Timestamp b) {
  Timestamp sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) return std::numeric_limits<Timestamp>::max();
  return sum;
}

}  // namespace

CycleSearcher::CycleSearcher(const TemporalIndex& index, const SearchParams& params)
    : index_(index),
      params_(params),
      on_path_(index.vertex_count(), 0),
      closing_epoch_(index.vertex_count(), 0),
      closing_(index.vertex_count(), kNever),
      scan_pos_(index.vertex_count(), 0),
      queued_(index.vertex_count(), 0) {}

void CycleSearcher::SearchRoot(AccountId root, ChunkResult& out) {
  const std::span<const AdjEntry> roots = index_.Out(root);
  const Timestamp window = params_.window;
  size_t i = 0;
  while (i < roots.size()) {
    // A cluster: root edges whose windows overlap enough to share one backward pass.
    size_t j = i + 1;
    while (j < roots.size() && roots[j].time - roots[i].time <= window) ++j;
    bool pruned = false;
    for (size_t k = i; k < j; ++k) {
      const AdjEntry& e = roots[k];
      const Timestamp t_end = SaturatingAdd(e.time, window);
      if (!pruned) {
        if (Search(root, e, t_end, false, params_.plain_budget, out)) continue;
        ++stats_.restarts;
        ComputeClosingTimes(root, roots[i].time, SaturatingAdd(roots[j - 1].time, window));
        pruned = true;
      }
      Search(root, e, t_end, true, std::numeric_limits<uint64_t>::max(), out);
    }
    i = j;
  }
}

bool CycleSearcher::Search(AccountId root, const AdjEntry& e, Timestamp t_end, bool pruned,
                           uint64_t budget, ChunkResult& out) {
  const AccountId start = e.other;
  Timestamp start_limit = t_end;
  if (pruned) {
    const Timestamp c = Closing(start);
    if (e.time >= c) return true;
    start_limit = std::min(start_limit, c);
  }
  const std::span<const AdjEntry> start_out = index_.Out(start);
  const AdjEntry* first = FirstAfter(start_out, e.time);
  const AdjEntry* end = start_out.data() + start_out.size();
  if (first == end || first->time > start_limit) return true;

  const uint32_t max_length = params_.max_length;
  const bool decay = index_.has_decay();
  const size_t ids_mark = out.ids.size();
  pending_lengths_.clear();
  uint64_t steps = 0;
  stack_.clear();
  stack_.push_back(Frame{first, end, start_limit, start, e.id});
  on_path_[start] = 1;
  bool completed = true;
  while (!stack_.empty()) {
    Frame& f = stack_.back();
    if (f.next == f.end || f.next->time > f.limit) {
      on_path_[f.vertex] = 0;
      stack_.pop_back();
      continue;
    }
    const AdjEntry& a = *f.next++;
    if (++steps > budget) {
      completed = false;
      break;
    }
    if (decay && !index_.HopAllowed(f.via, a.id)) continue;
    const size_t depth = stack_.size();  // transactions on the path so far
    if (a.other == root) {
      if (depth + 1 <= max_length) {
        pending_lengths_.push_back(static_cast<uint32_t>(depth + 1));
        if (params_.collect) {
          out.ids.push_back(e.id);
          for (size_t s = 1; s < depth; ++s) out.ids.push_back(stack_[s].via);
          out.ids.push_back(a.id);
        }
      }
      continue;
    }
    if (depth + 2 > max_length || on_path_[a.other]) continue;
    Timestamp limit = t_end;
    if (pruned) {
      const Timestamp c = Closing(a.other);
      if (a.time >= c) continue;
      limit = std::min(limit, c);
    }
    const std::span<const AdjEntry> next_out = index_.Out(a.other);
    const AdjEntry* next_first = FirstAfter(next_out, a.time);
    const AdjEntry* next_end = next_out.data() + next_out.size();
    if (next_first == next_end || next_first->time > limit) continue;
    on_path_[a.other] = 1;
    stack_.push_back(Frame{next_first, next_end, limit, a.other, a.id});
  }
  (pruned ? stats_.pruned_steps : stats_.plain_steps) += steps;
  if (!completed) {
    for (const Frame& f : stack_) on_path_[f.vertex] = 0;
    stack_.clear();
    out.ids.resize(ids_mark);
    pending_lengths_.clear();
    return false;
  }
  for (uint32_t length : pending_lengths_) {
    if (out.by_length.size() <= length) out.by_length.resize(length + 1, 0);
    ++out.by_length[length];
    ++out.total;
    if (params_.collect) out.lengths.push_back(length);
  }
  pending_lengths_.clear();
  return true;
}

void CycleSearcher::ComputeClosingTimes(AccountId root, Timestamp t_begin, Timestamp t_end) {
  if (++epoch_ == 0) {  // wrapped: forget every stamp
    std::fill(closing_epoch_.begin(), closing_epoch_.end(), 0);
    epoch_ = 1;
  }
  // Label-correcting backward pass. closing_[x] only grows; each account's in-list is scanned
  // once in total, from the first transaction after t_begin up to its current closing time.
  uint64_t steps = 0;
  auto relax = [&](AccountId x, Timestamp last) {  // in-edges of x with time <= last
    const std::span<const AdjEntry> in = index_.In(x);
    const AdjEntry* p = in.data() + scan_pos_[x];
    const AdjEntry* end = in.data() + in.size();
    for (; p != end && p->time <= last; ++p) {
      ++steps;
      const AccountId w = p->other;
      if (w == root) continue;
      if (closing_epoch_[w] != epoch_) {
        closing_epoch_[w] = epoch_;
        closing_[w] = kNever;
        scan_pos_[w] = static_cast<uint32_t>(FirstAfter(index_.In(w), t_begin) -
                                             index_.In(w).data());
        queued_[w] = 0;
      }
      if (closing_[w] < p->time) {
        closing_[w] = p->time;
        if (!queued_[w]) {
          queued_[w] = 1;
          queue_.push_back(w);
        }
      }
    }
    scan_pos_[x] = static_cast<uint32_t>(p - in.data());
  };
  scan_pos_[root] = static_cast<uint32_t>(FirstAfter(index_.In(root), t_begin) -
                                          index_.In(root).data());
  relax(root, t_end);
  while (!queue_.empty()) {
    const AccountId x = queue_.back();
    queue_.pop_back();
    queued_[x] = 0;
    relax(x, closing_[x] - 1);  // departing x must come strictly before its closing time
  }
  stats_.backward_steps += steps;
}

}  // namespace moneytrail::patterns::cycles_internal
