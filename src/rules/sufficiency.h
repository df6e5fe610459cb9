// Data sufficiency (docs/rules.md): before a scan, which rules the data can support and, for those
// it cannot, why in numbers. A rule's needs are derived from its filters (channels, location
// parts, MCC, counterparty kind and country, hours) and its metrics (distinct locations, cities,
// regions, countries, MCCs), so a pack declares nothing by hand and cannot drift from its rules.
//
// Example:
//   RowShapes shapes(facts);                               // one pass over the rows
//   RuleSupport s = AssessRule(rule, shapes, facts, holders != nullptr, "pack");
//   if (!s.ran) log << SupportLine(s);                    // "R: not run: 0 of 491 rows are ..."
#ifndef MONEYTRAIL_SRC_RULES_SUFFICIENCY_H_
#define MONEYTRAIL_SRC_RULES_SUFFICIENCY_H_

#include <array>
#include <cstdint>
#include <string>

#include "moneytrail/rules.h"
#include "rules/compiled.h"
#include "rules/runtime.h"

namespace moneytrail::rules::rules_internal {

// A histogram of the store's rows by shape: channel and which fields and kinds of ends a row has.
// Memory is fixed (kShapes counters), whatever the rows.
class RowShapes {
 public:
  // Shape bits above the 4 channel bits.
  static constexpr uint32_t kCity = 1u << 4, kRegion = 1u << 5, kCountry = 1u << 6, kMcc = 1u << 7;
  static constexpr uint32_t kAccountEnd = 1u << 8;   // at least one end is a bank account
  static constexpr uint32_t kKindEnd = 1u << 9;      // bits 9..11: an end is cash, merchant, external
  static constexpr uint32_t kBothAccounts = 1u << 12;
  static constexpr size_t kShapes = size_t{1} << 13;

  explicit RowShapes(const StoreFacts& facts);

  uint64_t rows() const { return rows_; }
  uint64_t count(uint32_t shape) const { return counts_[shape]; }

 private:
  uint64_t rows_ = 0;
  std::array<uint64_t, kShapes> counts_{};
};

// Whether `rule` can run on the data, with the numbers. `holders`: KYC facts are given.
RuleSupport AssessRule(const Rule& rule, const RowShapes& shapes, const StoreFacts& facts, bool holders,
                       const std::string& pack_id);

}  // namespace moneytrail::rules::rules_internal

#endif  // MONEYTRAIL_SRC_RULES_SUFFICIENCY_H_
