#include "moneytrail/graph.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "moneytrail/check.h"

namespace moneytrail::graph {
namespace {

Status CheckColumns(const EdgeColumns& c) {
  const size_t n = c.source.size();
  if (c.destination.size() != n || c.time.size() != n || (!c.amount.empty() && c.amount.size() != n) ||
      (!c.id.empty() && c.id.size() != n)) {
    return InvalidArgumentError("graph columns differ in length: source " + std::to_string(n) +
                                ", destination " + std::to_string(c.destination.size()) +
                                ", time " + std::to_string(c.time.size()) + ", amount " +
                                std::to_string(c.amount.size()) + ", id " +
                                std::to_string(c.id.size()));
  }
  if (n > UINT32_MAX) return InvalidArgumentError("graph: more than 2^32 - 1 transactions");
  return Status::Ok();
}

}  // namespace

Result<TemporalGraph> TemporalGraph::Build(const EdgeColumns& c, const BuildOptions& options) {
  MT_RETURN_IF_ERROR(CheckColumns(c));
  const size_t n = c.size();
  TemporalGraph g;
  uint64_t max_account = 0;
  for (size_t r = 0; r < n; ++r) {
    if (c.source[r] == kNoAccount || c.destination[r] == kNoAccount) {
      return InvalidArgumentError("graph: transaction row " + std::to_string(r) +
                                  " has no source or destination account");
    }
    max_account = std::max<uint64_t>(max_account, std::max(c.source[r], c.destination[r]));
  }
  const size_t accounts = n == 0 ? 0 : max_account + 1;
  g.out_.resize(accounts);
  g.in_.resize(accounts);
  for (size_t r = 0; r < n; ++r) {
    ++g.out_[c.source[r]].size;
    ++g.in_[c.destination[r]].size;
  }
  // With spare room each list gets its own share of it, so that the first edges a stream
  // appends to a list do not move the list (moving every touched list to the end of the array
  // soon outgrew the array's reserve, and its reallocation made a first batch cost ~1 s).
  const bool room = options.spare > 0;
  auto lay_out = [&](std::vector<Slot>& slots) {
    uint64_t offset = 0;
    for (Slot& s : slots) {
      s.offset = offset;
      s.capacity = s.size;
      if (room && s.size > 0) {
        const double extra = std::ceil(static_cast<double>(s.size) * options.spare);
        s.capacity = static_cast<uint32_t>(
            std::min<double>(UINT32_MAX, static_cast<double>(s.size) + extra));
      }
      offset += s.capacity;
      s.size = 0;
    }
    return offset;
  };
  const uint64_t out_total = lay_out(g.out_);
  const uint64_t in_total = lay_out(g.in_);
  // Lists that outgrow their room move to the end of the array with twice their size; when
  // the array must grow for that, std::vector copies all of it (hundreds of ms at 5M edges, a
  // latency spike in a stream). With spare room, reserve enough address space for the moves
  // of a long stream: reserved pages are not touched (nor resident) until a list moves there.
  auto reserve = [&](uint64_t laid_out) {
    return static_cast<size_t>(static_cast<double>(laid_out) +
                               (room ? static_cast<double>(n) * std::max(1.0, 2 * options.spare)
                                     : 0.0));
  };
  g.out_edges_.reserve(reserve(out_total));
  g.in_edges_.reserve(reserve(in_total));
  g.out_edges_.resize(out_total);
  g.in_edges_.resize(in_total);
  for (size_t r = 0; r < n; ++r) {
    const TransactionId id = c.id.empty() ? static_cast<TransactionId>(r) : c.id[r];
    const double amount = c.amount.empty() ? 0.0 : c.amount[r];
    Slot& o = g.out_[c.source[r]];
    g.out_edges_[o.offset + o.size++] = Edge{c.time[r], id, c.destination[r], amount};
    Slot& i = g.in_[c.destination[r]];
    g.in_edges_[i.offset + i.size++] = Edge{c.time[r], id, c.source[r], amount};
    if (g.edge_count_ == 0 || c.time[r] > g.last_time_ ||
        (c.time[r] == g.last_time_ && id > g.last_id_)) {
      g.last_time_ = c.time[r];
      g.last_id_ = id;
    }
    ++g.edge_count_;
  }
  // Rows usually arrive nearly in time order; sort each list (in parallel over accounts).
  tbb::task_arena arena(std::max(1, options.threads));
  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<size_t>(0, accounts, 1024), [&](const auto& range) {
      for (size_t a = range.begin(); a != range.end(); ++a) {
        for (auto* list : {&g.out_, &g.in_}) {
          const Slot& s = (*list)[a];
          Edge* base = (list == &g.out_ ? g.out_edges_.data() : g.in_edges_.data()) + s.offset;
          if (!std::is_sorted(base, base + s.size, EdgeBefore)) {
            std::sort(base, base + s.size, EdgeBefore);
          }
        }
      }
    });
  });
  return g;
}

namespace {
std::span<const Edge> Window(std::span<const Edge> list, Timestamp from, Timestamp to) {
  auto lo = std::lower_bound(list.begin(), list.end(), from,
                             [](const Edge& e, Timestamp t) { return e.time < t; });
  auto hi = std::upper_bound(lo, list.end(), to,
                             [](Timestamp t, const Edge& e) { return t < e.time; });
  return {lo, hi};
}
}  // namespace

std::span<const Edge> TemporalGraph::OutEdgesInWindow(AccountId account, Timestamp from,
                                                      Timestamp to) const {
  return Window(OutEdges(account), from, to);
}

std::span<const Edge> TemporalGraph::InEdgesInWindow(AccountId account, Timestamp from,
                                                     Timestamp to) const {
  return Window(InEdges(account), from, to);
}

void TemporalGraph::PushEdge(std::vector<Slot>& slots, std::vector<Edge>& edges,
                             AccountId account, const Edge& edge) {
  Slot& s = slots[account];
  if (s.size == s.capacity) {
    // Move the list to the end of the array with room to grow; the old room is abandoned.
    const uint32_t capacity = std::max<uint32_t>(4, s.capacity * 2);
    const uint64_t offset = edges.size();
    edges.resize(edges.size() + capacity);
    std::copy_n(edges.begin() + static_cast<ptrdiff_t>(s.offset), s.size,
                edges.begin() + static_cast<ptrdiff_t>(offset));
    s.offset = offset;
    s.capacity = capacity;
  }
  edges[s.offset + s.size++] = edge;
}

Status TemporalGraph::Append(std::span<const TransactionEdge> batch) {
  Timestamp prev_time = last_time_;
  TransactionId prev_id = last_id_;
  bool have_prev = edge_count_ > 0;
  for (size_t k = 0; k < batch.size(); ++k) {
    const TransactionEdge& t = batch[k];
    if (t.source == kNoAccount || t.destination == kNoAccount) {
      return InvalidArgumentError("graph append: transaction " + std::to_string(t.id) +
                                  " has no source or destination account");
    }
    if (have_prev && !(t.time > prev_time || (t.time == prev_time && t.id > prev_id))) {
      return InvalidArgumentError(
          "graph append: transaction " + std::to_string(t.id) + " at time " +
          std::to_string(t.time) + " is not after transaction " + std::to_string(prev_id) +
          " at time " + std::to_string(prev_time) + "; batches must be in (time, id) order");
    }
    prev_time = t.time;
    prev_id = t.id;
    have_prev = true;
  }
  for (const TransactionEdge& t : batch) {
    const size_t needed = static_cast<size_t>(std::max(t.source, t.destination)) + 1;
    if (needed > out_.size()) {
      out_.resize(needed);
      in_.resize(needed);
    }
    PushEdge(out_, out_edges_, t.source, Edge{t.time, t.id, t.destination, t.amount});
    PushEdge(in_, in_edges_, t.destination, Edge{t.time, t.id, t.source, t.amount});
    ++edge_count_;
    last_time_ = t.time;
    last_id_ = t.id;
  }
  return Status::Ok();
}

size_t TemporalGraph::MemoryBytes() const {
  return (out_.capacity() + in_.capacity()) * sizeof(Slot) +
         (out_edges_.capacity() + in_edges_.capacity()) * sizeof(Edge);
}

}  // namespace moneytrail::graph
