// The generator's in-memory transaction: 40 bytes, sorted by (time, order) before writing.
// Currency paid is always USD; the currency received follows from the receiving node (an
// external node abroad is credited in its country's currency, tables.h).
#ifndef MONEYTRAIL_SRC_GENERATE_TX_H_
#define MONEYTRAIL_SRC_GENERATE_TX_H_

#include <array>
#include <cstdint>
#include <string_view>

#include "moneytrail/transaction.h"

namespace moneytrail::generate_internal {

enum class Typology : uint8_t {
  kNone = 0,
  kFanOut, kFanIn, kCycle, kBipartite, kStack, kScatterGather, kGatherScatter, kRandomWalk,
  kIntegration,
  kFunnelAccount, kSmugglingFeeCollection, kStructuring, kRapidPassThrough,
  kTraffickingBusiness, kCommingling,
};
inline constexpr int kTypologyCount = 16;

inline constexpr std::array<std::string_view, kTypologyCount> kTypologyNames = {
    "",           "fan_out",        "fan_in",        "cycle",
    "bipartite",  "stack",          "scatter_gather", "gather_scatter",
    "random_walk", "integration",   "funnel_account", "smuggling_fee_collection",
    "structuring", "rapid_pass_through", "trafficking_business", "commingling"};

inline std::string_view TypologyName(Typology t) { return kTypologyNames[static_cast<int>(t)]; }

struct Tx {
  int64_t time = 0;     // seconds since the epoch
  uint64_t order = 0;   // unique within a day: the tie-break of equal times
  uint32_t source = 0;  // node
  uint32_t dest = 0;    // node
  int64_t amount = 0;   // USD cents paid
  uint32_t instance = 0xFFFFFFFFu;  // planted instance, or none when legitimate
  Channel channel = Channel::kUnknown;
  Typology typology = Typology::kNone;
  uint8_t transmitter = 0;  // MoneyTransmitters() index + 1 for money_transmitter
};
static_assert(sizeof(Tx) == 40);

inline bool TxBefore(const Tx& a, const Tx& b) {
  return a.time != b.time ? a.time < b.time : a.order < b.order;
}

}  // namespace moneytrail::generate_internal

#endif  // MONEYTRAIL_SRC_GENERATE_TX_H_
