// Fixed reference tables of the generator's world: cities (US southwest-border cities, cities
// far from the border), currencies with their rate table, remittance and trade corridors,
// merchant category codes, industries, and the name lists of KYC records. Names are drawn
// uniformly from mixed lists; nothing in the generator ties a name to a role.
#ifndef MONEYTRAIL_SRC_GENERATE_TABLES_H_
#define MONEYTRAIL_SRC_GENERATE_TABLES_H_

#include <cstdint>
#include <span>
#include <string_view>

namespace moneytrail::generate_internal {

struct City {
  std::string_view name;
  std::string_view slug;    // upper-case id fragment for branch ids, e.g. "EL-PASO"
  std::string_view region;  // US state
  uint32_t zip_base;        // first postcode of the city's range
  uint16_t area_code;
  uint32_t weight;          // relative population weight
  bool border;              // within ~50 miles of the US-Mexico border
};
std::span<const City> Cities();

enum class Currency : uint8_t { kUsd, kEur, kGbp, kMxn, kCny, kInr, kCad };
inline constexpr int kCurrencyCount = 7;
std::string_view CurrencyCode(Currency c);     // "USD"
std::string_view CurrencyIbmName(Currency c);  // "US Dollar"
// Units of `c` per US dollar, in millionths (the generator's fixed rate table).
int64_t RatePerUsdMicros(Currency c);
// Converts minor units of USD to minor units of `c` (round half up). All currencies have 2
// decimals.
int64_t ConvertFromUsd(int64_t usd_minor, Currency c);

struct Country {
  std::string_view code;       // ISO 3166 alpha-2
  std::string_view bank_prefix;
  Currency currency;           // currency credited abroad
  uint32_t remittance_weight;  // share among ordinary workers' remittances
  uint32_t trade_weight;       // share among businesses' payments abroad
  bool high_risk_corridor;     // used by rapid pass-through (and, equally, by remittances)
};
std::span<const Country> Countries();

struct Mcc {
  uint16_t code;
  std::string_view stem;  // merchant name stem
  double median;          // purchase amount median, USD
  double sigma;           // lognormal sigma
  uint32_t weight;        // share among everyday card purchases (0: special use only)
  uint8_t hours;          // hour profile: 0 daytime shop, 1 meals, 2 any time (online), 3 night
};
std::span<const Mcc> Mccs();
// Index into Mccs() of an MCC code; MT_CHECKs it exists.
int MccIndex(uint16_t code);

struct Industry {
  uint32_t naics;
  std::string_view name;
  std::string_view stem;  // business name suffix
  uint32_t weight;
  bool cash_intensive;
  double cash_median;     // median daily cash deposit when cash intensive, USD
};
std::span<const Industry> Industries();
int IndustryIndex(uint32_t naics);

std::span<const std::string_view> FirstNames();
std::span<const std::string_view> LastNames();
std::span<const std::string_view> StreetNames();
std::span<const std::string_view> BusinessWords();
std::span<const std::string_view> MoneyTransmitters();
// A common nickname of `first`, or empty.
std::string_view Nickname(std::string_view first);

}  // namespace moneytrail::generate_internal

#endif  // MONEYTRAIL_SRC_GENERATE_TABLES_H_
