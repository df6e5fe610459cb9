#include "resolve/blocking.h"

#include <algorithm>
#include <functional>

#include <fmt/format.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

#include "moneytrail/check.h"
#include "resolve/levels.h"

namespace moneytrail::resolve_internal {

using moneytrail::resolve::BlockingRuleReport;
using moneytrail::resolve::LinkMode;
using moneytrail::resolve::PartyTable;
using moneytrail::resolve::ResolveConfig;

PairFilter::PairFilter(const PartyTable& parties, const NormalizedColumns& normalized,
                       const ResolveConfig& config)
    : parties_(parties), link_mode_(config.mode == LinkMode::kLink) {
  for (const auto& column : config.require_equal) {
    const int idx = parties.ColumnIndex(column);
    if (idx >= 0) require_equal_.push_back(normalized[idx].get());
  }
}

bool PairFilter::Allowed(uint32_t a, uint32_t b) const {
  if (a == b) return false;
  if (link_mode_ && parties_.source[a] == parties_.source[b]) return false;
  for (const auto* column : require_equal_) {
    const std::string& va = (*column)[a];
    const std::string& vb = (*column)[b];
    if (!va.empty() && !vb.empty() && va != vb) return false;
  }
  return true;
}

Result<CandidatePairs> GenerateCandidates(const PartyTable& parties,
                                          const NormalizedColumns& normalized,
                                          const ResolveConfig& config) {
  MT_CHECK(config.blocking.size() <= 32);
  for (const auto& column : config.require_equal) {
    if (parties.ColumnIndex(column) < 0) {
      return InvalidArgumentError(fmt::format("require_equal: no column '{}' in the input", column));
    }
  }
  const size_t n = parties.size();
  const size_t rule_count = config.blocking.size();
  CandidatePairs out;
  // keys[r][record]: hash of the rule's key, 0 when the record has no key under the rule or
  // sits in an oversized block (so a later rule does not treat the pair as already produced).
  std::vector<std::vector<uint64_t>> keys(rule_count, std::vector<uint64_t>(n, 0));
  for (size_t r = 0; r < rule_count; ++r) {
    std::vector<std::pair<int, BlockingKey>> parts;
    std::vector<int> columns;
    std::string description;
    for (const auto& text : config.blocking[r].keys) {
      MT_ASSIGN_OR_RETURN(BlockingKey key, ParseBlockingKey(text));
      const int idx = parties.ColumnIndex(key.column);
      if (idx < 0) {
        return InvalidArgumentError(fmt::format("blocking rule {}: no column '{}' in the input",
                                                r + 1, key.column));
      }
      parts.emplace_back(idx, key);
      columns.push_back(idx);
      description += (description.empty() ? "" : " & ") + text;
    }
    out.rule_columns.push_back(columns);
    BlockingRuleReport report;
    report.description = description;
    out.reports.push_back(report);
    auto& rule_keys = keys[r];
    tbb::parallel_for(tbb::blocked_range<size_t>(0, n, 4096), [&](const tbb::blocked_range<size_t>& range) {
      std::string joined;
      for (size_t rec = range.begin(); rec < range.end(); ++rec) {
        joined.clear();
        bool complete = true;
        for (const auto& [col, key] : parts) {
          std::string part = ApplyKeyTransform(key, (*normalized[col])[rec]);
          if (part.empty()) {
            complete = false;
            break;
          }
          joined += part;
          joined.push_back('\x1f');
        }
        if (!complete) continue;
        const uint64_t h = std::hash<std::string>()(joined);
        rule_keys[rec] = h == 0 ? 1 : h;
      }
    });
  }

  PairFilter filter(parties, normalized, config);
  for (size_t r = 0; r < rule_count; ++r) {
    auto& rule_keys = keys[r];
    std::vector<std::pair<uint64_t, uint32_t>> order;
    order.reserve(n);
    for (size_t rec = 0; rec < n; ++rec) {
      if (rule_keys[rec] != 0) order.emplace_back(rule_keys[rec], static_cast<uint32_t>(rec));
    }
    tbb::parallel_sort(order.begin(), order.end());
    // Block boundaries.
    std::vector<std::pair<size_t, size_t>> blocks;
    for (size_t i = 0; i < order.size();) {
      size_t j = i + 1;
      while (j < order.size() && order[j].first == order[i].first) ++j;
      if (j - i >= 2) {
        if (static_cast<int64_t>(j - i) > config.max_block_size) {
          ++out.reports[r].oversized_blocks;
          out.reports[r].records_in_oversized += static_cast<int64_t>(j - i);
          for (size_t t = i; t < j; ++t) rule_keys[order[t].second] = 0;
        } else {
          blocks.emplace_back(i, j);
        }
      }
      i = j;
    }
    tbb::enumerable_thread_specific<std::vector<std::pair<uint32_t, uint32_t>>> local;
    tbb::parallel_for(tbb::blocked_range<size_t>(0, blocks.size(), 64),
                      [&](const tbb::blocked_range<size_t>& range) {
                        auto& found = local.local();
                        for (size_t bi = range.begin(); bi < range.end(); ++bi) {
                          const auto [begin, end] = blocks[bi];
                          for (size_t x = begin; x < end; ++x) {
                            for (size_t y = x + 1; y < end; ++y) {
                              uint32_t a = order[x].second, b = order[y].second;
                              if (a > b) std::swap(a, b);
                              bool earlier = false;
                              for (size_t e = 0; e < r && !earlier; ++e) {
                                earlier = keys[e][a] != 0 && keys[e][a] == keys[e][b];
                              }
                              if (earlier || !filter.Allowed(a, b)) continue;
                              found.emplace_back(a, b);
                            }
                          }
                        }
                      });
    size_t before = out.pairs.size();
    for (auto& found : local) {
      out.pairs.insert(out.pairs.end(), found.begin(), found.end());
    }
    out.reports[r].pairs = static_cast<int64_t>(out.pairs.size() - before);
  }
  tbb::parallel_sort(out.pairs.begin(), out.pairs.end());
  out.rule_mask.assign(out.pairs.size(), 0);
  tbb::parallel_for(tbb::blocked_range<size_t>(0, out.pairs.size(), 4096),
                    [&](const tbb::blocked_range<size_t>& range) {
                      for (size_t p = range.begin(); p < range.end(); ++p) {
                        const auto [a, b] = out.pairs[p];
                        uint32_t mask = 0;
                        for (size_t r = 0; r < rule_count; ++r) {
                          if (keys[r][a] != 0 && keys[r][a] == keys[r][b]) mask |= 1u << r;
                        }
                        out.rule_mask[p] = mask;
                      }
                    });
  return out;
}

}  // namespace moneytrail::resolve_internal
