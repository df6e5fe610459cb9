// Internal: the order-fixed moments of the vertex statistics (docs/patterns.md, "Summation
// order"). A window [lo, hi) of an account's (time, id)-sorted edge list is split into maximal
// aligned dyadic blocks [j 2^k, (j+1) 2^k) of *absolute list positions*; a block's summary is
// the Merge of its two halves' summaries (a leaf is one value), and the window's summary is the
// left-to-right Merge of its blocks. Every summary is thus a function of the list and of
// (lo, hi) only, so a sweep, a streaming batch and any thread count give the same bits, while a
// sliding window costs O(log n) per query instead of O(n).
//
// Example:
//   DyadicMoments tree;
//   tree.Build(values, first_position);   // values[p - first_position] for positions p
//   Moments m = tree.Fold(lo, hi);        // REQUIRES first_position <= lo < hi <= end
#ifndef MONEYTRAIL_SRC_PATTERNS_MOMENTS_H_
#define MONEYTRAIL_SRC_PATTERNS_MOMENTS_H_

#include <cstddef>
#include <span>
#include <vector>

namespace moneytrail::patterns::internal {

// Count, sum, mean (= sum / n when made), central moment sums M2..M4, min and max.
struct Moments {
  double n = 0, sum = 0, mean = 0, m2 = 0, m3 = 0, m4 = 0, min = 0, max = 0;
};

inline Moments Leaf(double x) { return {1, x, x, 0, 0, 0, x, x}; }

// Pébay's pairwise update (Sandia report SAND2008-6212, eq. 2.1-2.3). Defined out of line so
// every caller runs the same instructions (no contraction into FMA differs between call sites).
Moments Merge(const Moments& a, const Moments& b);
// Merge(Leaf(x), Leaf(y)), bit for bit, with the operations whose operands are the leaves'
// constants (n = 1, moments 0) left out: half of the merges of a Build are of two leaves.
Moments MergeLeaves(double x, double y);

// The summaries of every aligned dyadic block inside [first, end) of a list of values, and the
// window fold. Reused across lists (keeps its buffers).
class DyadicMoments {
 public:
  // values[i] is the value at list position first + i.
  void Build(std::span<const double> values, size_t first);
  // Adds the value at the next list position (first + values so far), with the blocks it
  // completes: the same blocks, merged in the same order, as a Build over all the values.
  void Append(double x);
  // The summary of positions [lo, hi). REQUIRES first <= lo < hi <= first + values.size().
  Moments Fold(size_t lo, size_t hi) const;
  // Fold(lo, hi) of `a` and of `b` (two trees over the same positions) at once: the same
  // merges in the same order, the two chains interleaved so that their divisions overlap.
  static void FoldPair(const DyadicMoments& a, const DyadicMoments& b, size_t lo, size_t hi,
                       Moments& out_a, Moments& out_b);

 private:
  // Block j of size 2^k. Leaves are kept as plain values (a Moments is 8 times larger):
  // Leaf(x) is made where needed, with the same bits as a stored one. (Inline: out of line it
  // was 6% of a streaming batch.)
  Moments Block(size_t k, size_t j) const {
    return k == 0 ? Leaf(leaves_[j - first_]) : levels_[k][j - base_[k]];
  }

  size_t first_ = 0, end_ = 0;
  std::vector<double> leaves_;                // leaves_[p - first_]: the value at position p
  std::vector<std::vector<Moments>> levels_;  // k >= 1: levels_[k][j - base_[k]]
  std::vector<size_t> base_;
  size_t used_levels_ = 0;
};

}  // namespace moneytrail::patterns::internal

#endif  // MONEYTRAIL_SRC_PATTERNS_MOMENTS_H_
