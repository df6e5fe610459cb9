// The data model's vocabulary (DESIGN.md, Data model): ids, channels, node kinds and labels,
// and their text names as used in moneytrail's native CSV (docs/format/native-csv.md).
//
// Example:
//   Result<Channel> c = ParseChannel("cash_deposit");   // Channel::kCashDeposit
//   std::string_view name = ChannelName(Channel::kWire); // "wire"
#ifndef MONEYTRAIL_TRANSACTION_H_
#define MONEYTRAIL_TRANSACTION_H_

#include <cstdint>
#include <optional>
#include <string_view>

namespace moneytrail {

// Dense, 0-based, in ingestion order. A store holds at most 2^32 - 1 transactions/accounts.
using TransactionId = uint32_t;
using AccountId = uint32_t;
inline constexpr AccountId kNoAccount = 0xFFFFFFFFu;

// Seconds since 1970-01-01T00:00:00Z.
using Timestamp = int64_t;

enum class Channel : uint8_t {
  kUnknown = 0,
  kCashDeposit = 1,
  kCashWithdrawal = 2,
  kCash = 3,  // cash of unknown direction (IBM AMLworld's "Cash")
  kWire = 4,
  kAch = 5,
  kCard = 6,
  kCheque = 7,
  kMoneyTransmitter = 8,
  kCrypto = 9,
  kInternal = 10,
  kReinvestment = 11,
};
inline constexpr int kChannelCount = 12;

// "cash_deposit", "wire", ...; "unknown" for kUnknown.
std::string_view ChannelName(Channel channel);
// Inverse of ChannelName (case-insensitive); nullopt for an unknown name.
std::optional<Channel> ParseChannel(std::string_view name);

// What kind of party a node of the money-flow graph is. Cash, merchants and outside
// counterparties are nodes of their own kind, not fake accounts (DESIGN.md).
enum class NodeKind : uint8_t {
  kAccount = 0,   // an account at a bank
  kCash = 1,      // a cash desk, branch teller or ATM
  kMerchant = 2,  // a merchant (card acquirer side)
  kExternal = 3,  // an outside counterparty whose account is not in the records
};
inline constexpr int kNodeKindCount = 4;
std::string_view NodeKindName(NodeKind kind);
std::optional<NodeKind> ParseNodeKind(std::string_view name);

// Ground-truth label of a transaction, when the data has one.
enum class Label : uint8_t {
  kLegitimate = 0,
  kLaundering = 1,
  kUnknown = 0xFF,
};

}  // namespace moneytrail

#endif  // MONEYTRAIL_TRANSACTION_H_
