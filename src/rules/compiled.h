// The compiled form of a rule pack (what pack_parser.cc builds from TOML and engine.cc runs).
// docs/rules.md is the user-facing description of every field.
#ifndef MONEYTRAIL_SRC_RULES_COMPILED_H_
#define MONEYTRAIL_SRC_RULES_COMPILED_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "moneytrail/money.h"
#include "moneytrail/rules.h"
#include "moneytrail/transaction.h"

namespace moneytrail::rules::rules_internal {

// Amounts in rules and window sums are compared at this fixed scale (10^-12 units).
inline constexpr int kAmountScale = 12;

// Converts to units of 10^-kAmountScale; amounts with more fractional digits are truncated
// toward zero (comparisons only; evidence prints the exact amount).
Int128 ToScaled(int64_t units, uint8_t scale);

enum class Compare : uint8_t { kOver, kAtLeast, kUnder, kAtMost };
std::string_view CompareName(Compare c);  // "over", "at_least", ...

inline bool Holds(Compare c, Int128 lhs, Int128 rhs) {
  switch (c) {
    case Compare::kOver: return lhs > rhs;
    case Compare::kAtLeast: return lhs >= rhs;
    case Compare::kUnder: return lhs < rhs;
    case Compare::kAtMost: return lhs <= rhs;
  }
  return false;
}

struct AmountBound {
  Compare op = Compare::kAtLeast;
  Int128 value = 0;  // scaled
};

enum class Direction : uint8_t { kAny, kIn, kOut };

// A transaction filter: all constraints must hold; an empty constraint is no constraint.
struct Filter {
  uint32_t channel_mask = 0;         // bit per Channel; 0 = any
  Direction direction = Direction::kAny;
  std::vector<AmountBound> amount;
  std::vector<std::string> cities;   // "City, REGION" (case-insensitive)
  std::vector<std::string> regions;  // "TX"
  std::vector<std::string> countries;
  std::vector<std::string> counterparty_countries;  // country of an external counterparty
  std::vector<uint16_t> mccs;        // sorted
  uint32_t hour_mask = 0;            // bit per local hour; 0 = any
  uint8_t weekday_mask = 0;          // bit per weekday, Monday = bit 0; 0 = any
  uint8_t counterparty_kind_mask = 0;  // bit per NodeKind; 0 = any
  // KYC facts (need holders).
  PartyKind subject_party_kind = PartyKind::kUnknown;       // kUnknown = any
  PartyKind counterparty_party_kind = PartyKind::kUnknown;
  std::vector<uint32_t> subject_industries;                 // sorted
  std::vector<std::string> subject_home_cities;             // "City, REGION"
  std::vector<Filter> any_of;   // at least one must hold, when not empty
  std::vector<Filter> none_of;  // none may hold
  bool needs_holders = false;   // this filter or a nested one uses KYC facts
};

enum class WindowKind : uint8_t { kDuration, kDays, kBusinessDays, kAll };
struct WindowSpec {
  WindowKind kind = WindowKind::kDuration;
  int64_t length = 0;  // seconds for kDuration; number of days for kDays / kBusinessDays
  std::string text;    // as written
};

enum class Stream : uint8_t { kMatch, kFirst, kThen, kRatio };

enum class Metric : uint8_t {
  kCount,
  kSum,
  kMax,
  kMin,
  kDistinctCounterparties,
  kDistinctLocations,
  kDistinctCities,
  kDistinctRegions,
  kDistinctCountries,
  kDistinctDays,
  kDistinctMccs,
  kSendersSharingContact,  // distinct counterparties sharing a phone or address (needs holders)
  kRatio,                  // then.sum / first.sum (sequences only)
};
inline constexpr int kMetricCount = 13;
std::string_view MetricName(Metric m);
bool IsAmountMetric(Metric m);  // sum, max, min

struct Condition {
  Stream stream = Stream::kMatch;
  Metric metric = Metric::kCount;
  Compare op = Compare::kAtLeast;
  Int128 value = 0;        // scaled amount for amount metrics, count otherwise
  Int128 ratio_num = 0;    // ratio = ratio_num / ratio_den (exact decimal)
  Int128 ratio_den = 1;
  std::string text;        // "then.sum at_least 1000.00", for messages
};

// Comparison with the subject's peers (same industry code) over the whole data span.
struct PeerBaseline {
  bool enabled = false;
  Metric metric = Metric::kSum;  // sum or count of the match (or first) stream
  Int128 factor_num = 2, factor_den = 1;  // subject value > factor * peer median
  uint32_t min_peers = 5;
};

// Comparison with the subject's own earlier history.
struct HistoryBaseline {
  bool enabled = false;
  Metric metric = Metric::kSum;
  int64_t lookback = 28 * 86400;      // seconds before the window's start
  int64_t min_history = 7 * 86400;    // no alert while less history than this is covered
  Int128 factor_num = 3, factor_den = 1;  // window value > factor * history value scaled
};

// Built-in kinds: graph typologies that a window over one subject's events cannot express
// (docs/rules.md, Built-in kinds). kNone is a rule of the language (aggregate or sequence).
enum class BuiltinKind : uint8_t { kNone, kRoundTrip, kScatterGather };

// kind = "round_trip": money leaves an account and comes back to it through other accounts.
struct RoundTripSpec {
  int max_hops = 4;            // payments in the cycle, 2..6
  Int128 min_amount = 0;       // scaled: the first payment is at least this
  Int128 share_num = 8, share_den = 10;  // each later payment >= share * the previous one
  uint64_t max_steps = 200000;  // search steps per first payment (a bound on the work, reported)
};

// kind = "scatter_gather": money fans out from one account to several intermediaries, which pass it
// on to one common sink within the window.
struct ScatterGatherSpec {
  int min_intermediaries = 3;  // distinct intermediary accounts, 2..1000
  Int128 min_amount = 0;       // scaled: each scatter payment is at least this
  Int128 share_num = 8, share_den = 10;  // each gather payment >= share * its scatter payment, <= it
  uint64_t max_steps = 200000;  // onward payments looked at per scatter payment (a bound, reported)
};

// kEntity: per entity of the holders' entity map (per account for accounts without one).
enum class SubjectKind : uint8_t { kAccount, kPair, kEntity };

struct Rule {
  std::string id;
  std::string title;
  std::string citation;
  std::string description;
  std::string severity = "medium";
  std::string sentence;  // template with {placeholders}
  SubjectKind subject = SubjectKind::kAccount;
  bool sequence = false;
  BuiltinKind builtin = BuiltinKind::kNone;
  RoundTripSpec round_trip;  // builtin == kRoundTrip
  ScatterGatherSpec scatter_gather;  // builtin == kScatterGather (sequence: first = scatter, then = gather)
  Filter match;  // aggregate rules
  Filter first;  // sequence rules
  Filter then;
  WindowSpec window;
  std::vector<Condition> conditions;  // cheap ones first
  PeerBaseline peer;
  HistoryBaseline history;
  std::string currency;  // the single currency of amount filters and sums
  std::vector<std::pair<std::string, std::string>> params;
  bool needs_holders = false;
};

struct CompiledPack {
  std::string id;
  std::string title;
  std::string origin;
  std::string sha256;
  std::string currency = "USD";
  int64_t utc_offset = 0;             // seconds added to UTC to get local time
  int64_t business_day_cutoff = 17 * 3600;  // local seconds after midnight
  std::vector<int64_t> holidays;      // local day numbers (days since 1970-01-01), sorted
  std::map<std::string, std::vector<std::string>> lists;
  std::vector<Rule> rules;
};

}  // namespace moneytrail::rules::rules_internal

#endif  // MONEYTRAIL_SRC_RULES_COMPILED_H_
