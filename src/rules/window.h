// Windowed aggregates of one event stream (count, sum, max, min, distinct counts, senders sharing
// a phone or address), maintained incrementally as a window slides: events enter at the back
// and leave from the front, in the order they entered.
#ifndef MONEYTRAIL_SRC_RULES_WINDOW_H_
#define MONEYTRAIL_SRC_RULES_WINDOW_H_

#include <cstdint>
#include <deque>
#include <span>
#include <unordered_map>
#include <vector>

#include "rules/compiled.h"
#include "rules/runtime.h"

namespace moneytrail::rules::rules_internal {

// One transaction seen from one subject.
struct Event {
  uint64_t key = 0;           // subject (account id, or source << 32 | destination for pairs)
  Timestamp time = 0;
  TransactionId tx = 0;
  AccountId counterparty = 0;
  AccountId subject = 0;      // the subject end (the destination for pairs)
  uint8_t stream = 0;         // 0 match/first, 1 then
  // Date-only rows of a sequence rule: when every event of the subject on this date has a line in
  // one ordered statement file of the subject's account, that file's index + 1 and the event's
  // posting position in it (+line, or -line in a newest-first file); 0 when the day's order is
  // not known (posting_order.h).
  uint32_t posting_file = 0;
  int64_t posting = 0;
};

// Ids of the distinct city / region / country strings of the store's locations.
struct LocationIds {
  explicit LocationIds(const StoreFacts& facts);
  std::vector<uint32_t> city, region, country;  // per location id; 0 = none
};

enum class DistinctKind : uint8_t { kCounterparty, kLocation, kCity, kRegion, kCountry, kDay, kMcc };
inline constexpr int kDistinctKinds = 7;

// Distinct parties among `senders` whose phone or address is shared with another sender's party
// or with `subject`'s party (the subject's own party is not counted). 0 without holders.
uint64_t CountSendersSharingContact(const HolderTable* holders, std::span<const AccountId> senders,
                                    AccountId subject);

class StreamWindow {
 public:
  // `needs[k]` says whether distinct kind k is kept. REQUIRES: facts and ids outlive this.
  StreamWindow(const StoreFacts& facts, const LocationIds& ids, const bool (&needs)[kDistinctKinds],
               bool needs_extremes);

  void Add(const Event& e);
  // REQUIRES: e is the oldest event still in the window.
  void Remove(const Event& e);
  void Clear();

  uint64_t count() const { return count_; }
  Int128 sum() const { return sum_; }
  Int128 max() const { return max_.empty() ? 0 : max_.front().first; }
  Int128 min() const { return min_.empty() ? 0 : min_.front().first; }
  uint64_t distinct(DistinctKind k) const { return maps_[static_cast<int>(k)].size(); }
  // Distinct counterparty parties whose phone or address is shared with another counterparty's
  // party or with the subject's party. 0 without holders.
  uint64_t SendersSharingContact(AccountId subject) const;
  // The metric's value (not kRatio).
  Int128 Value(Metric m, AccountId subject) const;

 private:
  uint64_t KeyOf(DistinctKind k, const Event& e) const;

  const StoreFacts& facts_;
  const LocationIds& ids_;
  bool needs_[kDistinctKinds];
  bool extremes_;
  uint64_t count_ = 0;
  Int128 sum_ = 0;
  uint64_t added_ = 0, removed_ = 0;
  std::deque<std::pair<Int128, uint64_t>> max_, min_;  // monotonic queues (value, sequence)
  std::unordered_map<uint64_t, uint32_t> maps_[kDistinctKinds];
};

// Does the window state satisfy every condition of `rule`?
bool ConditionsHold(const Rule& rule, const StreamWindow& a, const StreamWindow* b, AccountId subject);

// The distinct kinds that a rule's conditions use, per stream (0: match/first, 1: then).
void DistinctNeeds(const Rule& rule, bool (&needs)[2][kDistinctKinds], bool (&extremes)[2]);

}  // namespace moneytrail::rules::rules_internal

#endif  // MONEYTRAIL_SRC_RULES_WINDOW_H_
