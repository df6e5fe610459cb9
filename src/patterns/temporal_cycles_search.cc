#include "patterns/temporal_cycles_search.h"

#include "patterns/graph_cycle_index.h"

#include <algorithm>
#include <limits>

namespace moneytrail::patterns::cycles_internal {
template <typename Index>
CycleSearcher<Index>::CycleSearcher(const Index& index, const SearchParams& params)
    : index_(index), params_(params) {
  Fit();
}

template <typename Index>
void CycleSearcher<Index>::Fit() {
  const size_t n = index_.vertex_count();
  if (on_path_.size() >= n) return;
  // New entries start as fresh ones: epoch stamps 0 never match a live epoch (epochs start
  // at 1), so nothing else needs resetting.
  on_path_.resize(n, 0);
  closing_epoch_.resize(n, 0);
  closing_.resize(n, Index::kNever);
  scan_pos_.resize(n, 0);
  queued_.resize(n, 0);
  forward_head_epoch_.resize(n, 0);
  forward_head_.resize(n, kNone);
}

template <typename Index>
void CycleSearcher<Index>::SearchRoot(AccountId root, ChunkResult& out) {
  Fit();
  const std::span<const Entry> roots = index_.RootOut(root);
  const Timestamp window = params_.window;
  // A cycle closes with a transaction into the root inside the window. The root's in-list is
  // walked once, in step with its root transactions; most roots of a sparse graph stop here,
  // without touching the far end's list.
  const std::span<const Entry> closers = index_.RootIn(root);
  const Entry* closer = closers.data();
  const Entry* closers_end = closers.data() + closers.size();
  stats_.root_transactions += roots.size();
  size_t i = 0;
  while (i < roots.size()) {
    // A cluster: root edges whose windows overlap enough to share one backward pass.
    const Tick cluster_reach = index_.WindowEnd(roots[i].time, window);
    size_t j = i + 1;
    while (j < roots.size() && roots[j].time <= cluster_reach) ++j;
    enum class Mode { kPlain, kPruned, kMeet } mode = Mode::kPlain;
    for (size_t k = i; k < j; ++k) {
      const Entry* e = &roots[k];
      if (e->other == root) continue;  // a self-loop closes nothing (none in a TemporalIndex)
      const Tick t_end = index_.WindowEnd(e->time, window);
      while (closer != closers_end && closer->time <= e->time) ++closer;
      if (closer == closers_end || closer->time > t_end) continue;
      if (mode != Mode::kPruned) {
        if (Search(root, e, t_end, false, PlainBudget(), out)) continue;
        ++stats_.restarts;
      }
      if (mode == Mode::kPlain) {
        // Closing times pay off where reachability is narrow (hubs, typologies); on a large
        // random graph the backward pass explodes like the forward search and meeting in the
        // middle is far cheaper. Which one wins is measured as we go (per thread; the output
        // does not depend on it): after a warm-up, the cheaper per restarted root, with an
        // occasional try of the other.
        cost_mark_ = stats_.backward_steps + stats_.pruned_steps + stats_.meet_steps;
        cost_roots_ = 0;
        tried_closing_ = params_.backward_budget > 0 && ChooseClosing();
        if (tried_closing_ &&
            ComputeClosingTimes(root, roots[i].time, index_.WindowEnd(roots[j - 1].time, window),
                                params_.backward_budget)) {
          mode = Mode::kPruned;
        } else {
          mode = Mode::kMeet;
        }
      }
      ++cost_roots_;
      if (mode == Mode::kPruned) {
        Search(root, e, t_end, true, std::numeric_limits<uint64_t>::max(), out);
      } else {
        MeetInMiddle(root, e, t_end, out);
      }
    }
    if (mode != Mode::kPlain) {
      const uint64_t cost =
          stats_.backward_steps + stats_.pruned_steps + stats_.meet_steps - cost_mark_;
      Strategy& s = tried_closing_ ? closing_strategy_ : meet_strategy_;
      ++s.decisions;
      s.roots += cost_roots_;
      s.cost += cost;
    }
    i = j;
  }
}

template <typename Index>
uint64_t CycleSearcher<Index>::PlainBudget() const {
  // A plain search that fails wastes its budget; once the fallbacks' cost per root is known,
  // give up on plain searches at about twice that cost (never above the configured budget).
  const uint64_t budget = params_.plain_budget;
  if (budget == std::numeric_limits<uint64_t>::max()) return budget;
  double best = -1;
  for (const Strategy* s : {&closing_strategy_, &meet_strategy_}) {
    if (s->decisions < 16 || s->roots == 0) continue;
    const double per_root = static_cast<double>(s->cost) / static_cast<double>(s->roots);
    if (best < 0 || per_root < best) best = per_root;
  }
  if (best < 0) return budget;
  const uint64_t adaptive = static_cast<uint64_t>(2 * best);
  return std::min(budget, std::max<uint64_t>(adaptive, std::min<uint64_t>(budget, 64)));
}

template <typename Index>
bool CycleSearcher<Index>::ChooseClosing() {
  constexpr uint64_t kWarmUp = 16;
  constexpr uint64_t kExploreEvery = 64;
  const uint64_t decisions = closing_strategy_.decisions + meet_strategy_.decisions;
  if (closing_strategy_.decisions < kWarmUp || meet_strategy_.decisions < kWarmUp) {
    return closing_strategy_.decisions <= meet_strategy_.decisions;
  }
  // cost per root: closing.cost / closing.roots <= meet.cost / meet.roots
  const bool closing_cheaper =
      static_cast<double>(closing_strategy_.cost) * static_cast<double>(meet_strategy_.roots) <=
      static_cast<double>(meet_strategy_.cost) * static_cast<double>(closing_strategy_.roots);
  return (decisions % kExploreEvery == 0) ? !closing_cheaper : closing_cheaper;
}

template <typename Index>
bool CycleSearcher<Index>::Search(AccountId root, const Entry* e, Tick t_end, bool pruned,
                           uint64_t budget, ChunkResult& out) {
  const AccountId start = e->other;
  Tick start_limit = t_end;
  if (pruned) {
    const Tick c = Closing(start);
    if (e->time >= c) return true;
    start_limit = std::min(start_limit, c);
  }
  const std::span<const Entry> start_out = index_.Out(start);
  const Entry* first = FirstAfter(start_out, e->time);
  const Entry* end = start_out.data() + start_out.size();
  if (first == end || first->time > start_limit) return true;

  const uint32_t max_length = params_.max_length;
  const bool decay = index_.has_decay();
  const size_t ids_mark = out.ids.size();
  pending_lengths_.clear();
  uint64_t steps = 0;
  stack_.clear();
  const uint32_t root_position = index_.OutPosition(e);
  stack_.push_back(Frame{first, end, start_limit, start, root_position});
  on_path_[start] = 1;
  bool completed = true;
  while (!stack_.empty()) {
    Frame& f = stack_.back();
    if (f.next == f.end || f.next->time > f.limit) {
      on_path_[f.vertex] = 0;
      stack_.pop_back();
      continue;
    }
    const Entry& a = *f.next++;
    if (++steps > budget) {
      completed = false;
      break;
    }
    if (decay && !index_.HopAllowed(f.via, index_.OutPosition(&a))) continue;
    const size_t depth = stack_.size();  // transactions on the path so far
    if (a.other == root) {
      if (depth + 1 <= max_length) {
        pending_lengths_.push_back(static_cast<uint32_t>(depth + 1));
        if (params_.collect) {
          for (size_t s = 0; s < depth; ++s) out.ids.push_back(index_.IdAt(stack_[s].via));
          out.ids.push_back(index_.IdAt(index_.OutPosition(&a)));
        }
      }
      continue;
    }
    if (depth + 2 > max_length || on_path_[a.other]) continue;
    Tick limit = t_end;
    if (pruned) {
      const Tick c = Closing(a.other);
      if (a.time >= c) continue;
      limit = std::min(limit, c);
    }
    const std::span<const Entry> next_out = index_.Out(a.other);
    const Entry* next_first = FirstAfter(next_out, a.time);
    const Entry* next_end = next_out.data() + next_out.size();
    if (next_first == next_end || next_first->time > limit) continue;
    on_path_[a.other] = 1;
    stack_.push_back(Frame{next_first, next_end, limit, a.other, index_.OutPosition(&a)});
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

template <typename Index>
bool CycleSearcher<Index>::ComputeClosingTimes(AccountId root, Tick t_begin, Tick t_end,
                                        uint64_t budget) {
  if (++epoch_ == 0) {  // wrapped: forget every stamp
    std::fill(closing_epoch_.begin(), closing_epoch_.end(), 0);
    epoch_ = 1;
  }
  // Label-correcting backward pass. closing_[x] only grows; each account's in-list is scanned
  // once in total, from the first transaction after t_begin up to its current closing time.
  uint64_t steps = 0;
  auto relax = [&](AccountId x, Tick last) {  // in-edges of x with time <= last
    const std::span<const Entry> in = index_.In(x);
    const Entry* p = in.data() + scan_pos_[x];
    const Entry* end = in.data() + in.size();
    for (; p != end && p->time <= last; ++p) {
      ++steps;
      const AccountId w = p->other;
      if (w == root) continue;
      if (closing_epoch_[w] != epoch_) {
        closing_epoch_[w] = epoch_;
        closing_[w] = Index::kNever;
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
    if (steps > budget) {
      queue_.clear();
      ++epoch_;  // forget the partial closing times (stamps of this pass no longer match)
      if (epoch_ == 0) {
        std::fill(closing_epoch_.begin(), closing_epoch_.end(), 0);
        epoch_ = 1;
      }
      stats_.backward_steps += steps;
      return false;
    }
  }
  stats_.backward_steps += steps;
  return true;
}

template <typename Index>
void CycleSearcher<Index>::AppendForwardPath(uint32_t node) {
  path_scratch_.clear();
  for (uint32_t n = node; n != kNone; n = forward_[n].parent) path_scratch_.push_back(forward_[n].via);
  found_positions_.insert(found_positions_.end(), path_scratch_.rbegin(), path_scratch_.rend());
}

template <typename Index>
void CycleSearcher<Index>::MeetInMiddle(AccountId root, const Entry* e, Tick t_end,
                                 ChunkResult& out) {
  ++stats_.meet_roots;
  const uint32_t max_length = params_.max_length;
  const bool decay = index_.has_decay();
  const Tick middle = e->time + (t_end - e->time) / 2;
  found_positions_.clear();
  found_.clear();
  forward_.clear();
  if (++forward_epoch_ == 0) {
    std::fill(forward_head_epoch_.begin(), forward_head_epoch_.end(), 0);
    forward_epoch_ = 1;
  }
  uint64_t steps = 0;
  auto add_forward = [&](AccountId vertex, uint32_t parent, uint32_t via, uint32_t depth) {
    const uint32_t id = static_cast<uint32_t>(forward_.size());
    if (forward_head_epoch_[vertex] != forward_epoch_) {
      forward_head_epoch_[vertex] = forward_epoch_;
      forward_head_[vertex] = kNone;
    }
    forward_.push_back(ForwardNode{vertex, parent, via, depth, forward_head_[vertex]});
    forward_head_[vertex] = id;
    return id;
  };

  // Forward: simple paths from the far end with times in (t1, middle]. Cycles that close
  // before the middle are found here; every forward node is a possible meeting point.
  const AccountId start = e->other;
  add_forward(start, kNone, index_.OutPosition(e), 1);
  forward_stack_.clear();
  {
    const std::span<const Entry> list = index_.Out(start);
    forward_stack_.push_back({FirstAfter(list, e->time), list.data() + list.size(), 0});
    on_path_[start] = 1;
  }
  while (!forward_stack_.empty()) {
    ForwardFrame& f = forward_stack_.back();
    if (f.next == f.end || f.next->time > middle) {
      on_path_[forward_[f.node].vertex] = 0;
      forward_stack_.pop_back();
      continue;
    }
    const Entry& a = *f.next++;
    ++steps;
    const uint32_t node = f.node;
    const uint32_t position = index_.OutPosition(&a);
    if (decay && !index_.HopAllowed(forward_[node].via, position)) continue;
    const uint32_t depth = forward_[node].depth;
    if (a.other == root) {
      if (depth + 1 <= max_length) {
        const uint32_t offset = static_cast<uint32_t>(found_positions_.size());
        AppendForwardPath(node);
        found_positions_.push_back(position);
        found_.emplace_back(offset, depth + 1);
      }
      continue;
    }
    if (depth + 2 > max_length || on_path_[a.other]) continue;
    const uint32_t child = add_forward(a.other, node, position, depth + 1);
    const std::span<const Entry> list = index_.Out(a.other);
    const Entry* first = FirstAfter(list, a.time);
    if (depth + 3 <= max_length && first != list.data() + list.size() && first->time <= middle) {
      on_path_[a.other] = 1;
      forward_stack_.push_back({first, list.data() + list.size(), child});
    }
  }

  // Backward: simple paths into the root with times in (middle, t_end], joined with the
  // forward nodes at their first account.
  back_stack_.clear();
  {
    const std::span<const Entry> in = index_.In(root);
    back_stack_.push_back({FirstAfter(in, middle), FirstAfter(in, t_end), root, kNone, 0});
    on_path_[root] = 1;
  }
  while (!back_stack_.empty()) {
    BackFrame& b = back_stack_.back();
    if (b.cur == b.low) {
      on_path_[b.vertex] = 0;
      back_stack_.pop_back();
      continue;
    }
    const Entry* in = --b.cur;
    ++steps;
    const AccountId w = in->other;
    if (w == root || on_path_[w]) continue;
    const uint32_t position = index_.InToOutPosition(in);
    if (decay && b.via != kNone && !index_.HopAllowed(position, b.via)) continue;
    const uint32_t depth = b.depth + 1;  // transactions from w to the root
    if (depth + 1 > max_length) continue;
    if (forward_head_epoch_[w] == forward_epoch_) {
      for (uint32_t n = forward_head_[w]; n != kNone; n = forward_[n].next_at_vertex) {
        const ForwardNode& fn = forward_[n];
        if (fn.depth + depth > max_length) continue;
        if (decay && !index_.HopAllowed(fn.via, position)) continue;
        bool disjoint = true;
        for (uint32_t g = fn.parent; g != kNone && disjoint; g = forward_[g].parent) {
          disjoint = !on_path_[forward_[g].vertex];
        }
        if (!disjoint) continue;
        const uint32_t offset = static_cast<uint32_t>(found_positions_.size());
        AppendForwardPath(n);
        found_positions_.push_back(position);
        for (size_t s = back_stack_.size(); s-- > 1;) found_positions_.push_back(back_stack_[s].via);
        found_.emplace_back(offset, fn.depth + depth);
      }
    }
    if (depth + 2 > max_length) continue;
    const std::span<const Entry> w_in = index_.In(w);
    const Entry* low = FirstAfter(w_in, middle);
    const Entry* cur = FirstAfter(w_in, in->time - 1);  // strictly before this transaction
    if (cur > low) {
      on_path_[w] = 1;
      back_stack_.push_back({low, cur, w, position, depth});
    }
  }
  stats_.meet_steps += steps;
  CommitFound(out);
}

template <typename Index>
void CycleSearcher<Index>::CommitFound(ChunkResult& out) {
  // Output order is lexicographic by (time, id) of the transactions; two cycles of one root
  // first differ at a transaction leaving the same account, where out positions order the
  // same way.
  const uint32_t* base = found_positions_.data();
  std::sort(found_.begin(), found_.end(), [base](const auto& a, const auto& b) {
    return std::lexicographical_compare(base + a.first, base + a.first + a.second,
                                        base + b.first, base + b.first + b.second);
  });
  for (const auto& [offset, length] : found_) {
    if (out.by_length.size() <= length) out.by_length.resize(length + 1, 0);
    ++out.by_length[length];
    ++out.total;
    if (!params_.collect) continue;
    out.lengths.push_back(length);
    for (uint32_t k = 0; k < length; ++k) out.ids.push_back(index_.IdAt(base[offset + k]));
  }
}

template class CycleSearcher<TemporalIndex>;
template class CycleSearcher<GraphCycleIndex>;

}  // namespace moneytrail::patterns::cycles_internal
