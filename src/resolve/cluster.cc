#include "resolve/cluster.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace moneytrail::resolve_internal {
namespace {

class UnionFind {
 public:
  explicit UnionFind(uint32_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0u); }
  uint32_t Find(uint32_t x) {
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];
      x = parent_[x];
    }
    return x;
  }
  void Union(uint32_t a, uint32_t b) {
    a = Find(a);
    b = Find(b);
    if (a != b) parent_[std::max(a, b)] = std::min(a, b);
  }

 private:
  std::vector<uint32_t> parent_;
};

std::vector<uint32_t> DenseLabels(UnionFind& uf, uint32_t n) {
  std::vector<uint32_t> root_label(n, UINT32_MAX);
  std::vector<uint32_t> out(n);
  uint32_t next = 0;
  for (uint32_t x = 0; x < n; ++x) {
    const uint32_t r = uf.Find(x);
    if (root_label[r] == UINT32_MAX) root_label[r] = next++;
    out[x] = root_label[r];
  }
  return out;
}

void SortStrongestFirst(std::vector<Link>& links) {
  std::sort(links.begin(), links.end(), [](const Link& x, const Link& y) {
    if (x.weight != y.weight) return x.weight > y.weight;
    if (x.a != y.a) return x.a < y.a;
    return x.b < y.b;
  });
}

}  // namespace

double WeightToProbability(double weight) { return 1.0 / (1.0 + std::exp2(-weight)); }

std::vector<uint32_t> ConnectedComponents(uint32_t n, const std::vector<Link>& links) {
  UnionFind uf(n);
  for (const Link& l : links) uf.Union(l.a, l.b);
  return DenseLabels(uf, n);
}

namespace {

enum class MergeRule { kMeanProbability, kSummedWeight };

std::vector<uint32_t> MergeStrongestFirst(uint32_t n, std::vector<Link> links, MergeRule rule,
                                          double min_probability,
                                          const std::function<double(uint32_t, uint32_t)>& weight_of,
                                          const std::function<bool(uint32_t, uint32_t)>& comparable) {
  SortStrongestFirst(links);
  UnionFind uf(n);
  std::vector<std::vector<uint32_t>> members(n);
  for (uint32_t x = 0; x < n; ++x) members[x] = {x};
  for (const Link& link : links) {
    uint32_t ra = uf.Find(link.a), rb = uf.Find(link.b);
    if (ra == rb) continue;
    const auto& ma = members[ra];
    const auto& mb = members[rb];
    bool merge = true;
    if (ma.size() > 1 || mb.size() > 1) {
      double sum = 0;
      int64_t count = 0;
      for (uint32_t x : ma) {
        for (uint32_t y : mb) {
          if (!comparable(x, y)) continue;
          const double w = (x == link.a && y == link.b) || (x == link.b && y == link.a)
                               ? link.weight
                               : weight_of(std::min(x, y), std::max(x, y));
          sum += rule == MergeRule::kMeanProbability ? WeightToProbability(w) : w;
          ++count;
        }
      }
      merge = count == 0 || (rule == MergeRule::kMeanProbability
                                 ? sum / static_cast<double>(count) >= min_probability
                                 : sum >= 0);
    }
    if (!merge) continue;
    uf.Union(ra, rb);
    const uint32_t root = uf.Find(ra);
    const uint32_t other = root == ra ? rb : ra;
    auto& into = members[root];
    into.insert(into.end(), members[other].begin(), members[other].end());
    members[other].clear();
    members[other].shrink_to_fit();
  }
  return DenseLabels(uf, n);
}

}  // namespace

std::vector<uint32_t> AverageLinkage(uint32_t n, std::vector<Link> links, double min_probability,
                                     const std::function<double(uint32_t, uint32_t)>& weight_of,
                                     const std::function<bool(uint32_t, uint32_t)>& comparable) {
  return MergeStrongestFirst(n, std::move(links), MergeRule::kMeanProbability, min_probability,
                             weight_of, comparable);
}

std::vector<uint32_t> GreedyCorrelation(uint32_t n, std::vector<Link> links,
                                        const std::function<double(uint32_t, uint32_t)>& weight_of,
                                        const std::function<bool(uint32_t, uint32_t)>& comparable) {
  return MergeStrongestFirst(n, std::move(links), MergeRule::kSummedWeight, 0.0, weight_of,
                             comparable);
}

std::vector<uint32_t> OneToOne(uint32_t n, std::vector<Link> links) {
  SortStrongestFirst(links);
  std::vector<bool> linked(n, false);
  UnionFind uf(n);
  for (const Link& l : links) {
    if (linked[l.a] || linked[l.b]) continue;
    linked[l.a] = linked[l.b] = true;
    uf.Union(l.a, l.b);
  }
  return DenseLabels(uf, n);
}

}  // namespace moneytrail::resolve_internal
