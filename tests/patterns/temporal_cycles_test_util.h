// Test helpers for the temporal cycle enumerator: loaders for the shared reference graphs and a
// brute-force oracle that knows nothing of the enumerator's index or pruning.
#ifndef MONEYTRAIL_TESTS_PATTERNS_TEMPORAL_CYCLES_TEST_UTIL_H_
#define MONEYTRAIL_TESTS_PATTERNS_TEMPORAL_CYCLES_TEST_UTIL_H_

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "moneytrail/temporal_cycles.h"

namespace moneytrail::patterns::testing {

// A graph as owning columns.
struct EdgeColumns {
  std::vector<AccountId> source;
  std::vector<AccountId> destination;
  std::vector<Timestamp> time;
  std::vector<int64_t> amount_units;
  std::vector<uint8_t> amount_scale;

  void Add(AccountId s, AccountId d, Timestamp t, int64_t units = 1, uint8_t scale = 0) {
    source.push_back(s);
    destination.push_back(d);
    time.push_back(t);
    amount_units.push_back(units);
    amount_scale.push_back(scale);
  }
  TemporalEdges View(bool with_amounts = false) const {
    TemporalEdges e{.source = source, .destination = destination, .time = time};
    if (with_amounts) {
      e.amount_units = amount_units;
      e.amount_scale = amount_scale;
    }
    return e;
  }
};

inline std::string SharedData(const std::string& relative) {
  return std::string(MONEYTRAIL_SHARED_DATA_DIR) + "/" + relative;
}

// `src dst ts` lines. Returns false if the file cannot be read.
inline bool LoadEdgeList(const std::string& path, EdgeColumns& out) {
  std::FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return false;
  unsigned long s = 0, d = 0;
  long long t = 0;
  while (std::fscanf(f, "%lu %lu %lld", &s, &d, &t) == 3) {
    out.Add(static_cast<AccountId>(s), static_cast<AccountId>(d), t);
  }
  std::fclose(f);
  return !out.time.empty();
}

// AMLSim transactions.csv (`sourceNodeId,targetNodeId,value,time`); step s is stored as
// s * 86400 seconds, as the amlsim ingest does. Amounts kept exactly (value has <= 2 decimals).
inline bool LoadAmlSim(const std::string& path, EdgeColumns& out) {
  std::ifstream in(path);
  if (!in) return false;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    unsigned long s = 0, d = 0;
    char value[64];
    long long step = 0;
    if (std::sscanf(line.c_str(), "%lu,%lu,%63[^,],%lld", &s, &d, value, &step) != 4) continue;
    std::string v(value);
    const size_t dot = v.find('.');
    uint8_t scale = 0;
    if (dot != std::string::npos) {
      scale = static_cast<uint8_t>(v.size() - dot - 1);
      v.erase(dot, 1);
    }
    out.Add(static_cast<AccountId>(s), static_cast<AccountId>(d), step * 86400,
            std::stoll(v), scale);
  }
  return !out.time.empty();
}

using Cycle = std::vector<TransactionId>;

inline std::vector<Cycle> Collect(const TemporalEdges& edges, const TemporalCycleOptions& options,
                                  TemporalCycleCounts* counts = nullptr) {
  std::vector<Cycle> cycles;
  auto result = EnumerateTemporalCycles(edges, options, [&](std::span<const TransactionId> c) {
    cycles.emplace_back(c.begin(), c.end());
    return true;
  });
  if (!result.ok()) {
    ADD_FAILURE() << result.status().ToString();
    return {};
  }
  if (counts != nullptr) *counts = *result;
  return cycles;
}

// "2:21 3:32" from counts.
inline std::string HistogramText(const TemporalCycleCounts& counts) {
  std::string text;
  for (size_t k = 0; k < counts.by_length.size(); ++k) {
    if (counts.by_length[k] == 0) continue;
    if (!text.empty()) text += ' ';
    text += std::to_string(k) + ":" + std::to_string(counts.by_length[k]);
  }
  return text;
}

// Brute force: every chain of distinct transactions in increasing time (found by scanning all
// transactions at each step, no index), each checked against the definition of a temporal cycle
// from scratch. Amount rules on exact decimals of scale <= 4.
class Oracle {
 public:
  Oracle(const EdgeColumns& g, const TemporalCycleOptions& o) : g_(g), o_(o) {}

  // All cycles, in the enumerator's documented output order.
  std::vector<Cycle> Run() {
    for (TransactionId e = 0; e < g_.time.size(); ++e) {
      if (!Usable(e) || !RootAllowed(g_.source[e])) continue;
      seq_ = {e};
      Extend();
    }
    std::sort(found_.begin(), found_.end(), [&](const Cycle& a, const Cycle& b) {
      if (g_.source[a[0]] != g_.source[b[0]]) return g_.source[a[0]] < g_.source[b[0]];
      for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
        if (g_.time[a[i]] != g_.time[b[i]]) return g_.time[a[i]] < g_.time[b[i]];
        if (a[i] != b[i]) return a[i] < b[i];
      }
      return a.size() < b.size();
    });
    return found_;
  }

 private:
  bool Usable(TransactionId e) const {
    if (o_.time_begin && g_.time[e] < *o_.time_begin) return false;
    if (o_.time_end && g_.time[e] >= *o_.time_end) return false;
    if (o_.min_amount && Scaled(e) < o_.min_amount->units * Pow(4 - o_.min_amount->scale)) {
      return false;
    }
    return true;
  }
  bool RootAllowed(AccountId a) const {
    if (o_.root_accounts.empty()) return true;
    return std::find(o_.root_accounts.begin(), o_.root_accounts.end(), a) !=
           o_.root_accounts.end();
  }
  static int64_t Pow(int e) {
    int64_t p = 1;
    while (e-- > 0) p *= 10;
    return p;
  }
  int64_t Scaled(TransactionId e) const {  // amount * 10^4
    return g_.amount_units[e] * Pow(4 - g_.amount_scale[e]);
  }
  bool DecayOk(TransactionId prev, TransactionId next) const {
    if (!o_.min_keep_percent && !o_.max_keep_percent) return true;
    const int64_t lo = o_.min_keep_percent
                           ? o_.min_keep_percent->units * Pow(4 - o_.min_keep_percent->scale)
                           : 0;
    const int64_t hi = o_.max_keep_percent
                           ? o_.max_keep_percent->units * Pow(4 - o_.max_keep_percent->scale)
                           : 100 * Pow(4);
    __extension__ typedef __int128 Int128;
    const Int128 n = static_cast<Int128>(Scaled(next)) * 100 * Pow(4);
    return n >= static_cast<Int128>(Scaled(prev)) * lo && n <= static_cast<Int128>(Scaled(prev)) * hi;
  }
  bool IsCycle() const {
    const size_t k = seq_.size();
    if (k < 2) return false;
    if (o_.max_length != 0 && k > o_.max_length) return false;
    std::vector<AccountId> accounts;
    for (size_t i = 0; i < k; ++i) {
      const TransactionId e = seq_[i];
      const TransactionId next = seq_[(i + 1) % k];
      if (g_.destination[e] != g_.source[next]) return false;
      if (g_.source[e] == g_.destination[e]) return false;
      if (i + 1 < k && g_.time[next] <= g_.time[e]) return false;
      if (i + 1 < k && !DecayOk(e, next)) return false;
      accounts.push_back(g_.source[e]);
    }
    if (g_.time[seq_[k - 1]] - g_.time[seq_[0]] > o_.window) return false;
    std::sort(accounts.begin(), accounts.end());
    return std::adjacent_find(accounts.begin(), accounts.end()) == accounts.end();
  }
  void Extend() {
    if (IsCycle()) found_.push_back(seq_);
    const TransactionId last = seq_.back();
    if (o_.max_length != 0 && seq_.size() >= o_.max_length) return;
    if (seq_.size() >= g_.time.size()) return;
    for (TransactionId e = 0; e < g_.time.size(); ++e) {
      if (!Usable(e)) continue;
      if (std::find(seq_.begin(), seq_.end(), e) != seq_.end()) continue;
      if (g_.source[e] != g_.destination[last]) continue;
      if (g_.time[e] <= g_.time[last]) continue;
      seq_.push_back(e);
      Extend();
      seq_.pop_back();
    }
  }

  const EdgeColumns& g_;
  const TemporalCycleOptions& o_;
  Cycle seq_;
  std::vector<Cycle> found_;
};

}  // namespace moneytrail::patterns::testing

#endif  // MONEYTRAIL_TESTS_PATTERNS_TEMPORAL_CYCLES_TEST_UTIL_H_
