// Vertex statistics: for each end of the transaction and each direction, the count, fan and
// ratio of its window's edges and the distribution of their amounts and ages.
#include <cmath>

#include "kernels.h"

namespace moneytrail::patterns::internal {
namespace {

// Writes sum, mean, min, max, median, variance, skew, kurtosis (with_sum) or the same without
// sum. `values` is in list order; it is reordered (median) on return.
void Distribution(std::vector<double>& values, bool with_sum, double* out) {
  const size_t n = values.size();
  double sum = 0, lo = values[0], hi = values[0];
  for (double x : values) {
    sum += x;
    lo = std::min(lo, x);
    hi = std::max(hi, x);
  }
  const double mean = sum / static_cast<double>(n);
  double var = 0, skew = 0, kurt = 0;
  if (lo != hi) {
    double m2 = 0, m3 = 0, m4 = 0;
    for (double x : values) {
      const double d = x - mean, d2 = d * d;
      m2 += d2;
      m3 += d2 * d;
      m4 += d2 * d2;
    }
    const double inv = 1.0 / static_cast<double>(n);
    m2 *= inv;
    m3 *= inv;
    m4 *= inv;
    var = m2;
    skew = m3 / (m2 * std::sqrt(m2));
    kurt = m4 / (m2 * m2) - 3.0;
  }
  const size_t mid = n / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<ptrdiff_t>(mid), values.end());
  double median = values[mid];
  if (n % 2 == 0) {
    const double lower = *std::max_element(values.begin(), values.begin() + static_cast<ptrdiff_t>(mid));
    median = lower + (median - lower) / 2;
  }
  if (with_sum) *out++ = sum;
  *out++ = mean;
  *out++ = lo;
  *out++ = hi;
  *out++ = median;
  *out++ = var;
  *out++ = skew;
  *out++ = kurt;
}

void ListStats(std::span<const Edge> edges, Timestamp now, Scratch& scratch, double* out) {
  const size_t n = edges.size();
  out[0] = static_cast<double>(n);
  if (n == 0) {
    out[1] = 0;
    out[3] = 0;  // amount sum of nothing
    out[2] = kNaN;
    std::fill(out + 4, out + kVertexStatsPerList, kNaN);
    return;
  }
  scratch.accounts.clear();
  for (const Edge& e : edges) scratch.accounts.push_back(e.other);
  const double fan = static_cast<double>(SortUnique(scratch.accounts));
  out[1] = fan;
  out[2] = fan / static_cast<double>(n);
  scratch.values.clear();
  for (const Edge& e : edges) scratch.values.push_back(e.amount);
  Distribution(scratch.values, true, out + 3);
  scratch.values.clear();
  for (const Edge& e : edges) scratch.values.push_back(static_cast<double>(now - e.time));
  Distribution(scratch.values, false, out + 11);
}

}  // namespace

void VertexStatsFeatures(const TemporalGraph& g, const Query& q, const PatternSettings& s,
                         Scratch& scratch, double* out) {
  ListStats(Visible(g.OutEdges(q.source), q, s.window), q.time, scratch, out);
  ListStats(Visible(g.InEdges(q.source), q, s.window), q.time, scratch, out + kVertexStatsPerList);
  ListStats(Visible(g.OutEdges(q.destination), q, s.window), q.time, scratch,
            out + 2 * kVertexStatsPerList);
  ListStats(Visible(g.InEdges(q.destination), q, s.window), q.time, scratch,
            out + 3 * kVertexStatsPerList);
}

}  // namespace moneytrail::patterns::internal
