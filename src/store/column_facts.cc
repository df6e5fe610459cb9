// ColumnFacts: what the writer records about a segment's columns (docs/format/store.md,
// "Column facts"), and how the facts of consecutive segments combine.
#include <algorithm>

#include "moneytrail/store.h"

namespace moneytrail::store {

namespace {

void Widen(std::vector<ScaleRange>& ranges, size_t size) {
  if (ranges.size() < size) ranges.resize(size);
}

}  // namespace

ColumnFacts ColumnFacts::Of(const TransactionColumns& c) {
  ColumnFacts facts;
  const size_t n = c.size();
  facts.rows = n;
  if (n == 0) return facts;
  // Currencies are few: index the ranges directly by id (grown on demand).
  std::vector<ScaleRange>& paid = facts.paid_scale;
  std::vector<ScaleRange>& received = facts.received_scale;
  Timestamp lo = c.time[0], hi = c.time[0];
  bool sorted = true;
  for (size_t i = 0; i < n; ++i) {
    const Timestamp t = c.time[i];
    sorted &= i == 0 || t >= c.time[i - 1];
    lo = std::min(lo, t);
    hi = std::max(hi, t);
    const uint16_t cp = c.paid_currency[i], cr = c.received_currency[i];
    if (cp >= paid.size()) paid.resize(cp + 1u);
    if (cr >= received.size()) received.resize(cr + 1u);
    paid[cp].Add(c.paid_scale[i]);
    received[cr].Add(c.received_scale[i]);
  }
  facts.time_sorted = sorted;
  facts.min_time = lo;
  facts.max_time = hi;
  return facts;
}

void ColumnFacts::Append(const ColumnFacts& next) {
  if (next.rows == 0) return;
  if (rows == 0) {
    *this = next;
    return;
  }
  time_sorted = time_sorted && next.time_sorted && next.min_time >= max_time;
  min_time = std::min(min_time, next.min_time);
  max_time = std::max(max_time, next.max_time);
  rows += next.rows;
  Widen(paid_scale, next.paid_scale.size());
  Widen(received_scale, next.received_scale.size());
  for (size_t c = 0; c < next.paid_scale.size(); ++c) paid_scale[c].Add(next.paid_scale[c]);
  for (size_t c = 0; c < next.received_scale.size(); ++c) {
    received_scale[c].Add(next.received_scale[c]);
  }
}

}  // namespace moneytrail::store
