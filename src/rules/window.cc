#include "rules/window.h"

#include <algorithm>
#include <map>
#include <string>

namespace moneytrail::rules::rules_internal {
namespace {

std::vector<uint32_t> Intern(const std::vector<std::string>& values) {
  std::map<std::string, uint32_t> ids;
  std::vector<uint32_t> out(values.size(), 0);
  for (size_t i = 1; i < values.size(); ++i) {
    if (values[i].empty()) continue;
    auto [it, inserted] = ids.emplace(values[i], static_cast<uint32_t>(ids.size() + 1));
    out[i] = it->second;
  }
  return out;
}

DistinctKind KindOf(Metric m) {
  switch (m) {
    case Metric::kDistinctLocations: return DistinctKind::kLocation;
    case Metric::kDistinctCities: return DistinctKind::kCity;
    case Metric::kDistinctRegions: return DistinctKind::kRegion;
    case Metric::kDistinctCountries: return DistinctKind::kCountry;
    case Metric::kDistinctDays: return DistinctKind::kDay;
    case Metric::kDistinctMccs: return DistinctKind::kMcc;
    default: return DistinctKind::kCounterparty;
  }
}

}  // namespace

LocationIds::LocationIds(const StoreFacts& facts)
    : city(Intern(facts.location_city)), region(Intern(facts.location_region)), country(Intern(facts.location_country)) {}

StreamWindow::StreamWindow(const StoreFacts& facts, const LocationIds& ids, const bool (&needs)[kDistinctKinds],
                           bool needs_extremes)
    : facts_(facts), ids_(ids), extremes_(needs_extremes) {
  std::copy(std::begin(needs), std::end(needs), needs_);
}

uint64_t StreamWindow::KeyOf(DistinctKind k, const Event& e) const {
  const store::Store& s = facts_.store;
  switch (k) {
    case DistinctKind::kCounterparty: return uint64_t{e.counterparty} + 1;
    // A place without a city (a country-only location of a wire abroad) is not a branch.
    case DistinctKind::kLocation: return ids_.city[s.location()[e.tx]] ? s.location()[e.tx] : 0;
    case DistinctKind::kCity: return ids_.city[s.location()[e.tx]];
    case DistinctKind::kRegion: return ids_.region[s.location()[e.tx]];
    case DistinctKind::kCountry: return ids_.country[s.location()[e.tx]];
    case DistinctKind::kDay: return static_cast<uint64_t>(facts_.LocalDay(e.tx) + (int64_t{1} << 40));
    case DistinctKind::kMcc: return s.mcc()[e.tx] == store::kNoMcc ? 0 : s.mcc()[e.tx] + 1u;
  }
  return 0;
}

void StreamWindow::Add(const Event& e) {
  ++count_;
  const store::Store& s = facts_.store;
  Int128 v = ToScaled(s.amount_paid_units()[e.tx], s.paid_scale()[e.tx]);
  sum_ += v;
  uint64_t seq = added_++;
  if (extremes_) {
    while (!max_.empty() && max_.back().first <= v) max_.pop_back();
    max_.emplace_back(v, seq);
    while (!min_.empty() && min_.back().first >= v) min_.pop_back();
    min_.emplace_back(v, seq);
  }
  for (int k = 0; k < kDistinctKinds; ++k) {
    if (!needs_[k]) continue;
    uint64_t key = KeyOf(static_cast<DistinctKind>(k), e);
    if (key != 0) ++maps_[k][key];
  }
}

void StreamWindow::Remove(const Event& e) {
  --count_;
  const store::Store& s = facts_.store;
  sum_ -= ToScaled(s.amount_paid_units()[e.tx], s.paid_scale()[e.tx]);
  uint64_t seq = removed_++;
  if (extremes_) {
    if (!max_.empty() && max_.front().second == seq) max_.pop_front();
    if (!min_.empty() && min_.front().second == seq) min_.pop_front();
  }
  for (int k = 0; k < kDistinctKinds; ++k) {
    if (!needs_[k]) continue;
    uint64_t key = KeyOf(static_cast<DistinctKind>(k), e);
    if (key == 0) continue;
    auto it = maps_[k].find(key);
    if (--it->second == 0) maps_[k].erase(it);
  }
}

void StreamWindow::Clear() {
  count_ = 0;
  sum_ = 0;
  added_ = removed_ = 0;
  max_.clear();
  min_.clear();
  for (auto& m : maps_) m.clear();
}

uint64_t CountSendersSharingContact(const HolderTable* holders, std::span<const AccountId> senders,
                                    AccountId subject) {
  if (holders == nullptr) return 0;
  // (contact id, party) for the senders and the subject; a contact is shared when two distinct
  // parties have it.
  std::vector<std::pair<uint64_t, uint32_t>> contacts;
  auto add = [&](AccountId a) {
    const Holder& h = holders->at(a);
    if (h.party == 0) return;
    if (h.phone != 0) contacts.emplace_back(uint64_t{h.phone} << 1, h.party);
    if (h.address != 0) contacts.emplace_back((uint64_t{h.address} << 1) | 1, h.party);
  };
  for (AccountId a : senders) add(a);
  const uint32_t subject_party = holders->at(subject).party;
  add(subject);
  std::sort(contacts.begin(), contacts.end());
  contacts.erase(std::unique(contacts.begin(), contacts.end()), contacts.end());
  std::vector<uint32_t> sharing;
  for (size_t i = 0; i < contacts.size();) {
    size_t j = i;
    while (j < contacts.size() && contacts[j].first == contacts[i].first) ++j;
    if (j - i >= 2) {
      for (size_t k = i; k < j; ++k) {
        if (contacts[k].second != subject_party) sharing.push_back(contacts[k].second);
      }
    }
    i = j;
  }
  std::sort(sharing.begin(), sharing.end());
  return static_cast<uint64_t>(std::unique(sharing.begin(), sharing.end()) - sharing.begin());
}

uint64_t StreamWindow::SendersSharingContact(AccountId subject) const {
  if (facts_.holders == nullptr) return 0;
  std::vector<AccountId> senders;
  const auto& map = maps_[static_cast<int>(DistinctKind::kCounterparty)];
  senders.reserve(map.size());
  for (const auto& [key, n] : map) senders.push_back(static_cast<AccountId>(key - 1));
  return CountSendersSharingContact(facts_.holders, senders, subject);
}

Int128 StreamWindow::Value(Metric m, AccountId subject) const {
  switch (m) {
    case Metric::kCount: return count_;
    case Metric::kSum: return sum_;
    case Metric::kMax: return max();
    case Metric::kMin: return min();
    case Metric::kSendersSharingContact: return SendersSharingContact(subject);
    case Metric::kRatio: return 0;
    default: return distinct(KindOf(m));
  }
}

bool ConditionsHold(const Rule& rule, const StreamWindow& a, const StreamWindow* b, AccountId subject) {
  for (const Condition& c : rule.conditions) {
    if (c.stream == Stream::kRatio) {
      if (b == nullptr || a.sum() <= 0) return false;
      if (!Holds(c.op, b->sum() * c.ratio_den, a.sum() * c.ratio_num)) return false;
      continue;
    }
    const StreamWindow& w = c.stream == Stream::kThen ? *b : a;
    if (!Holds(c.op, w.Value(c.metric, subject), c.value)) return false;
  }
  return true;
}

void DistinctNeeds(const Rule& rule, bool (&needs)[2][kDistinctKinds], bool (&extremes)[2]) {
  for (auto& row : needs) std::fill(std::begin(row), std::end(row), false);
  extremes[0] = extremes[1] = false;
  for (const Condition& c : rule.conditions) {
    if (c.stream == Stream::kRatio) continue;
    int s = c.stream == Stream::kThen ? 1 : 0;
    if (c.metric == Metric::kMax || c.metric == Metric::kMin) extremes[s] = true;
    if (c.metric == Metric::kSendersSharingContact) needs[s][0] = true;
    if (c.metric >= Metric::kDistinctCounterparties && c.metric <= Metric::kDistinctMccs) {
      needs[s][static_cast<int>(KindOf(c.metric))] = true;
    }
  }
}

}  // namespace moneytrail::rules::rules_internal
