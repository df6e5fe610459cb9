#include "moneytrail/transaction.h"

#include <array>
#include <cctype>

namespace moneytrail {
namespace {

constexpr std::array<std::string_view, kChannelCount> kChannelNames = {
    "unknown", "cash_deposit", "cash_withdrawal", "cash",    "wire",     "ach",
    "card",    "cheque",       "money_transmitter", "crypto", "internal", "reinvestment"};

constexpr std::array<std::string_view, kNodeKindCount> kNodeKindNames = {"account", "cash",
                                                                         "merchant", "external"};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

}  // namespace

std::string_view ChannelName(Channel channel) {
  auto index = static_cast<size_t>(channel);
  return index < kChannelNames.size() ? kChannelNames[index] : "unknown";
}

std::optional<Channel> ParseChannel(std::string_view name) {
  for (size_t i = 0; i < kChannelNames.size(); ++i) {
    if (EqualsIgnoreCase(name, kChannelNames[i])) return static_cast<Channel>(i);
  }
  return std::nullopt;
}

std::string_view NodeKindName(NodeKind kind) {
  auto index = static_cast<size_t>(kind);
  return index < kNodeKindNames.size() ? kNodeKindNames[index] : "account";
}

std::optional<NodeKind> ParseNodeKind(std::string_view name) {
  if (name.empty()) return NodeKind::kAccount;
  for (size_t i = 0; i < kNodeKindNames.size(); ++i) {
    if (EqualsIgnoreCase(name, kNodeKindNames[i])) return static_cast<NodeKind>(i);
  }
  return std::nullopt;
}

}  // namespace moneytrail
