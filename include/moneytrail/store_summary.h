// A store's summary, as `moneytrail info` shows it: counts, time span, exact totals per
// currency, channels, labels, node kinds and the custody record of every source.
//
// Example:
//   MT_ASSIGN_OR_RETURN(store::StoreSummary s, store::Summarize(store));
//   std::cout << JsonText(s.ToJson(), 2);  // moneytrail/json_text.h
#ifndef MONEYTRAIL_STORE_SUMMARY_H_
#define MONEYTRAIL_STORE_SUMMARY_H_

#include <array>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "moneytrail/money.h"
#include "moneytrail/store.h"

namespace moneytrail::store {

struct CurrencyTotal {
  std::string currency;
  uint64_t transactions = 0;
  DecimalSum paid;  // exact
};

struct StoreSummary {
  std::string dir;
  std::string manifest_sha256;
  uint64_t generation = 0;
  uint64_t transactions = 0;
  uint32_t accounts = 0;
  std::array<uint64_t, kNodeKindCount> nodes_by_kind{};
  Timestamp first_time = 0, last_time = 0;
  std::vector<CurrencyTotal> totals;  // by amount paid, in currency-id order
  std::array<uint64_t, kChannelCount> channels{};
  uint64_t laundering = 0, legitimate = 0, unlabelled = 0;
  uint64_t accounts_labelled_laundering = 0;
  std::map<std::string, uint64_t> typologies;
  std::vector<SourceRecord> sources;
  std::vector<WithdrawalRecord> withdrawals;  // sources withdrawn (moneytrail withdraw)
  std::optional<HoldersRecord> holders;  // attached by `moneytrail resolve --store`

  nlohmann::json ToJson() const;
  std::string ToText() const;
};

// The columns Summarize reads (`moneytrail info` opens the store with only these checked).
inline constexpr ColumnSet kSummaryColumns{Column::kTime,      Column::kAmountPaid,
                                           Column::kPaidScale, Column::kPaidCurrency,
                                           Column::kChannel,   Column::kLabel,
                                           Column::kTypology};

// Scans the store once. DataLoss if one of kSummaryColumns is corrupt (Store::CheckColumns);
// OutOfRange if a currency total overflows 10^36 units.
Result<StoreSummary> Summarize(const Store& store);

}  // namespace moneytrail::store

#endif  // MONEYTRAIL_STORE_SUMMARY_H_
