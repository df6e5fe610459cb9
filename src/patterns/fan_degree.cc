// Fan-in/out (distinct counterparties) and degree-in/out (transactions) of both ends.
#include "kernels.h"

namespace moneytrail::patterns::internal {
namespace {

size_t DistinctOthers(std::span<const Edge> edges, std::vector<AccountId>& buffer) {
  buffer.clear();
  for (const Edge& e : edges) buffer.push_back(e.other);
  return SortUnique(buffer);
}

}  // namespace

void FanDegreeFeatures(const TemporalGraph& g, const Query& q, const PatternSettings& s,
                       Scratch& scratch, double* out) {
  const std::span<const Edge> lists[4] = {
      Visible(g.OutEdges(q.source), q, s.window), Visible(g.InEdges(q.source), q, s.window),
      Visible(g.OutEdges(q.destination), q, s.window),
      Visible(g.InEdges(q.destination), q, s.window)};
  double values[kFanColumns];
  for (int k = 0; k < 4; ++k) {
    values[k] = static_cast<double>(DistinctOthers(lists[k], scratch.accounts));
    values[4 + k] = static_cast<double>(lists[k].size());
  }
  std::copy_n(values, kFanColumns, out);
  if (s.bins.empty()) return;
  double* bins = out + kFanColumns;
  std::fill_n(bins, kFanColumns * s.bins.size(), 0.0);
  for (size_t k = 0; k < kFanColumns; ++k) {
    AddToBins(s.bins, static_cast<uint64_t>(values[k]), bins + k * s.bins.size());
  }
}

}  // namespace moneytrail::patterns::internal
