// What a scan precomputes about a store for one pack (local days, hours, business days, location
// lookups) and the filters compiled against it.
#ifndef MONEYTRAIL_SRC_RULES_RUNTIME_H_
#define MONEYTRAIL_SRC_RULES_RUNTIME_H_

#include <cstdint>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

#include "moneytrail/rules.h"
#include "moneytrail/store.h"
#include "rules/calendar.h"
#include "rules/compiled.h"
#include "rules/posting_order.h"

namespace moneytrail::rules::rules_internal {

struct StoreFacts {
  StoreFacts(const store::Store& s, const HolderTable* h, const CompiledPack& pack);

  const store::Store& store;
  const HolderTable* holders;
  BusinessCalendar calendar;
  // Whether transaction `t` carries only a date (no time of day): its source file gives no row a
  // time other than 00:00:00 UTC (a statement's date-only rows; docs/rules.md, Date-only rows).
  // The store has no per-row flag; a source file is the unit that has times or not.
  bool DateOnly(TransactionId t) const {
    const uint32_t f = source_file_[t];
    return f < date_only_source_.size() && date_only_source_[f] != 0;
  }
  // Local time of a transaction, computed on demand (cheap arithmetic; only the transactions that
  // reach a time filter or a window need it). A date-only row's date is the local date as the
  // statement printed it: no offset is applied, and it counts as the start of that day.
  int32_t LocalDay(TransactionId t) const {
    return static_cast<int32_t>(FloorDiv(time_[t] + (DateOnly(t) ? 0 : utc_offset_), 86400));
  }
  // How far back before row `later` a duration window of `length` seconds reaches. A timed row:
  // `length`. A date-only row, stored at 00:00 of its date, could have been posted at any hour of
  // that date, so the window reaches back only as far as holds for every such hour: `length` less
  // one day, never below 0 (its own date then only; docs/rules.md, Date-only rows). With
  // "72h", the two dates before a date-only row's and its own; with "14d", thirteen days before.
  int64_t WindowBefore(TransactionId later, int64_t length) const {
    if (!DateOnly(later)) return length;
    return length > 86400 ? length - 86400 : 0;
  }
  // REQUIRES: !DateOnly(t) for a meaningful hour (a date-only row has none: filters on hours
  // never match it).
  uint8_t Hour(TransactionId t) const {
    return static_cast<uint8_t>((time_[t] + utc_offset_ - FloorDiv(time_[t] + utc_offset_, 86400) * 86400) / 3600);
  }
  uint8_t Weekday(TransactionId t) const { return static_cast<uint8_t>(BusinessCalendar::Weekday(LocalDay(t))); }
  // Ordinal of the business day the transaction counts toward.
  // Looked up in per-day tables when the data's span of days is small against its rows (see
  // dense_days()), computed from the calendar otherwise: memory is bounded by rows, not by time.
  int32_t BusinessOrdinal(TransactionId t) const {
    const int64_t day = LocalDay(t);
    if (ordinal_before_.empty()) {
      // A date-only row counts toward its own date (before the cutoff), as read in local time.
      const Timestamp local = DateOnly(t) ? day * 86400 - utc_offset_ : time_[t];
      return static_cast<int32_t>(calendar.BusinessOrdinal(calendar.BusinessDayOf(local)));
    }
    const int64_t seconds = DateOnly(t) ? 0 : time_[t] + utc_offset_ - day * 86400;
    const size_t i = static_cast<size_t>(day - min_day_);
    return seconds < cutoff_ ? ordinal_before_[i] : ordinal_after_[i];
  }
  // Days held in the per-day business-day tables: at most 2 * rows + kDenseDaySlack, 0 when the
  // span of days is larger (two rows 10^6 days apart hold no table at all).
  size_t dense_days() const { return ordinal_before_.size(); }
  static constexpr size_t kDenseDaySlack = 4096;
  // False when every transaction time is at 00:00:00 UTC (date-only data: no hour of day).
  bool has_time_of_day = false;
  // Transactions that have an hour of day (!DateOnly); rules filtering on hours see only these.
  uint64_t rows_with_time_of_day = 0;
  std::vector<uint8_t> account_kind;      // per account: NodeKind
  std::vector<std::string> location_city;     // per location id: "city, region" (lower case)
  std::vector<std::string> location_region;   // lower case
  std::vector<std::string> location_country;  // lower case
  Timestamp data_start = 0;
  Timestamp data_end = 0;
  // The posting order of date-only statement rows within an account and a day (docs/rules.md,
  // Date-only rows); empty until LoadPostingOrder, and for stores without date-only rows.
  PostingOrder posting;
  // Reads the statements' lines when some row is date-only. Errors: DataLoss (posting_order.h).
  Status LoadPostingOrder();

 private:
  static int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b) < 0); }
  std::span<const Timestamp> time_;
  std::span<const uint32_t> source_file_;
  std::vector<uint8_t> date_only_source_;  // per source file index: 1 when none of its rows has a time
  int64_t utc_offset_;
  int64_t cutoff_;
  int64_t min_day_ = 0;
  std::vector<int32_t> ordinal_before_, ordinal_after_;  // per local day from min_day_
};

// A Filter resolved against a store: bitmaps over location ids, a currency id.
struct FilterRuntime {
  // REQUIRES: facts outlives the result.
  FilterRuntime(const Filter& f, const StoreFacts& facts, int32_t currency);

  // Does transaction `t` match, seen from the end `subject` (the other end is the counterparty)?
  bool Matches(TransactionId t, AccountId subject, AccountId counterparty, bool subject_receives) const;

  const StoreFacts* facts;
  // The channels that can match: the filter's, plus `cash` when it names cash_deposit or
  // cash_withdrawal (generic cash, see generic_cash); for the scan's index and first test.
  uint32_t channel_mask;
  // How a row of channel `cash` (direction unknown, e.g. IBM AMLworld's "Cash") matches: bit 0
  // as a deposit into the subject (the subject receives it), bit 1 as a withdrawal from the
  // subject (the subject pays it); 3 when the filter names `cash` or no channel at all.
  uint8_t generic_cash = 3;
  // How a row of channel `unknown` with a cash node at exactly one end matches (docs/rules.md,
  // Channel from the cash counterparty): bit 0 as a cash deposit (the cash node pays), bit 1 as a
  // cash withdrawal (the cash node is paid). Set from the channels the filter names (cash_deposit
  // or cash: bit 0; cash_withdrawal or cash: bit 1); 0 when it names none of them, names
  // `unknown` itself, or names no channel (then unknown rows match as any channel does).
  uint8_t infer_cash = 0;
  // Whether a row of channel `unknown` between a bank account and an outside (external) node
  // matches as a transfer abroad (docs/rules.md, Channel from the counterparty's country): set
  // when the filter names both `wire` and `money_transmitter`, not `unknown`, and requires a
  // listed counterparty country (InfersAbroad); the country test itself is cp_country_ok's.
  bool infer_abroad = false;
  Direction direction;
  std::vector<AmountBound> amount;
  int32_t currency;  // -1: any; -2: a currency the store does not have (nothing matches)
  std::vector<uint8_t> location_ok;   // empty: any
  std::vector<uint8_t> cp_country_ok; // empty: any
  std::vector<uint16_t> mccs;
  uint32_t hour_mask;
  uint8_t weekday_mask;
  uint8_t cp_kind_mask;
  PartyKind subject_party_kind;
  PartyKind counterparty_party_kind;
  std::vector<uint32_t> industries;
  bool has_home = false;
  std::unordered_set<uint32_t> home_ok;
  std::vector<FilterRuntime> any_of;
  std::vector<FilterRuntime> none_of;
};

// The cash channel a row of channel `unknown` has by definition: kCashDeposit when its source is
// a cash node and its destination is not, kCashWithdrawal when its destination is a cash node and
// its source is not, kUnknown otherwise (and for every row whose channel is not unknown).
Channel CashChannelByCounterparty(const StoreFacts& facts, TransactionId t);

// The infer_cash bits (FilterRuntime::infer_cash) of a filter naming the channels `mask`.
uint8_t InferCashBits(uint32_t mask);

// Whether a row matched by filter `f` may have matched through a cash channel inferred from the
// cash counterparty (f or one of its any_of alternatives has infer_cash bits).
bool MayInferCash(const Filter& f);

// The text an evidence row carries when its channel was inferred ("" when not): "channel inferred
// from the cash counterparty: cash_deposit".
std::string ChannelBasisText(const StoreFacts& facts, TransactionId t);

// Whether filter `f` itself reads a row of channel `unknown` whose counterparty is an outside node
// as a transfer abroad: it names both wire and money_transmitter (the two ways money is sent to
// or received from an outside account abroad, so the filter accepts whichever it was), does not
// name `unknown`, and requires a listed counterparty country (a country the row must give).
bool InfersAbroad(const Filter& f);
// f or one of its any_of alternatives InfersAbroad.
bool MayInferAbroad(const Filter& f);
// f or one of its any_of alternatives names the channel `unknown` itself (a rule that counts
// rows without a channel there; docs/rules.md, Rows without a channel).
bool NamesUnknown(const Filter& f);
// "channel inferred from the counterparty's country: a transfer to an outside account in GT (wire
// or money transmitter)" for a row of channel unknown between a bank account and an outside node
// whose location gives a country; "" otherwise.
std::string AbroadBasisText(const StoreFacts& facts, TransactionId t);
// "channel not recorded: a transfer between two bank accounts, which this rule counts whatever its
// channel" (or "a payment to/from an outside party", ...) for a row of channel unknown; "" for a
// row with a channel.
std::string UnrecordedBasisText(const StoreFacts& facts, TransactionId t);

// The currency id of `code` in the store (ISO code or the IBM name, case-insensitive), -2 when
// absent, -1 for "any".
int32_t ResolveCurrency(const store::Store& store, std::string_view code);

}  // namespace moneytrail::rules::rules_internal

#endif  // MONEYTRAIL_SRC_RULES_RUNTIME_H_
