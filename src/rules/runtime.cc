#include "rules/runtime.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace moneytrail::rules::rules_internal {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return !value.empty() && std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

Int128 ToScaled(int64_t units, uint8_t scale) {
  static constexpr int64_t kPow[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
                                     1000000000, 10000000000LL, 100000000000LL, 1000000000000LL};
  if (scale <= kAmountScale) return static_cast<Int128>(units) * kPow[kAmountScale - scale];
  Int128 v = units;
  for (int s = scale; s > kAmountScale; --s) v /= 10;
  return v;
}

int32_t ResolveCurrency(const store::Store& store, std::string_view code) {
  std::string want = Lower(code);
  if (want == "any") return -1;
  static const std::pair<std::string_view, std::string_view> kIbmNames[] = {
      {"usd", "us dollar"}, {"eur", "euro"}, {"gbp", "uk pound"}, {"mxn", "mexican peso"},
      {"cny", "yuan"},      {"inr", "rupee"}, {"cad", "canadian dollar"}, {"jpy", "yen"},
      {"chf", "swiss franc"}, {"aud", "australian dollar"}, {"brl", "brazil real"}, {"rub", "ruble"},
      {"ils", "shekel"}, {"sar", "saudi riyal"}, {"btc", "bitcoin"}};
  std::string alias;
  for (const auto& [iso, name] : kIbmNames) {
    if (want == iso) alias = std::string(name);
  }
  for (size_t i = 0; i < store.currency_count(); ++i) {
    std::string have = Lower(store.currency(static_cast<uint16_t>(i)));
    if (have == want || (!alias.empty() && have == alias)) return static_cast<int32_t>(i);
  }
  return -2;
}

Status StoreFacts::LoadPostingOrder() {
  // Timed data is never read in posting order: the lines are read only when a row is date-only.
  if (rows_with_time_of_day == store.transaction_count()) return Status::Ok();
  MT_ASSIGN_OR_RETURN(posting, PostingOrder::Load(store, account_kind));
  return Status::Ok();
}

StoreFacts::StoreFacts(const store::Store& s, const HolderTable* h, const CompiledPack& pack)
    : store(s),
      holders(h),
      calendar(pack.utc_offset, pack.business_day_cutoff, pack.holidays),
      time_(s.time()),
      source_file_(s.source_file()),
      utc_offset_(pack.utc_offset),
      cutoff_(pack.business_day_cutoff) {
  const size_t n = s.transaction_count();
  // Date-only sources: none of their rows has a time of day. Rows of a source the store does not
  // list (none in practice) count as timed.
  date_only_source_.assign(s.sources().size(), 1);
  for (size_t t = 0; t < n; ++t) {
    const uint32_t f = source_file_[t];
    if (time_[t] % 86400 != 0 && f < date_only_source_.size()) date_only_source_[f] = 0;
  }
  for (size_t t = 0; t < n; ++t) {
    if (!DateOnly(static_cast<TransactionId>(t))) ++rows_with_time_of_day;
  }
  // Business days are looked up per local day and half (before/after the cutoff). A date-only
  // row's day is its UTC date, up to one day from the local day of the same instant: one day of
  // margin on each side.
  int64_t max_day = -1;
  if (n > 0) {
    auto [lo, hi] = std::minmax_element(time_.begin(), time_.end());
    data_start = *lo;
    data_end = *hi;
    min_day_ = calendar.LocalDay(*lo) - 1;
    max_day = calendar.LocalDay(*hi) + 1;
  }
  // Per-day tables only when the span of days is bounded by the rows (sparse days otherwise).
  const uint64_t span = n > 0 ? static_cast<uint64_t>(max_day - min_day_) + 1 : 0;
  if (span <= 2 * uint64_t{n} + kDenseDaySlack) {
    ordinal_before_.resize(span);
    ordinal_after_.resize(span);
    for (int64_t d = min_day_; d <= max_day; ++d) {
      Timestamp midnight = d * 86400 - pack.utc_offset;
      int64_t before = calendar.BusinessDayOf(midnight);
      int64_t after = calendar.BusinessDayOf(midnight + 86399);
      ordinal_before_[d - min_day_] = static_cast<int32_t>(calendar.BusinessOrdinal(before));
      ordinal_after_[d - min_day_] = static_cast<int32_t>(calendar.BusinessOrdinal(after));
    }
  }
  has_time_of_day = rows_with_time_of_day > 0;
  account_kind.resize(s.account_count());
  for (AccountId a = 0; a < s.account_count(); ++a) account_kind[a] = static_cast<uint8_t>(s.account(a).kind);
  uint32_t max_location = 0;
  for (uint32_t loc : s.location()) max_location = std::max(max_location, loc);
  location_city.resize(max_location + 1);
  location_region.resize(max_location + 1);
  location_country.resize(max_location + 1);
  for (uint32_t loc = 1; loc <= max_location; ++loc) {
    const store::Location& l = s.location_entry(loc);
    std::string city = Lower(s.string(l.city));
    std::string region = Lower(s.string(l.region));
    if (!city.empty()) location_city[loc] = city + ", " + region;
    location_region[loc] = region;
    location_country[loc] = Lower(s.string(l.country));
  }
}

FilterRuntime::FilterRuntime(const Filter& f, const StoreFacts& fx, int32_t currency_id)
    : facts(&fx),
      channel_mask(f.channel_mask),
      direction(f.direction),
      amount(f.amount),
      currency(currency_id),
      mccs(f.mccs),
      hour_mask(f.hour_mask),
      weekday_mask(f.weekday_mask),
      cp_kind_mask(f.counterparty_kind_mask),
      subject_party_kind(f.subject_party_kind),
      counterparty_party_kind(f.counterparty_party_kind),
      industries(f.subject_industries) {
  const uint32_t cash = 1u << static_cast<int>(Channel::kCash);
  const uint32_t deposit = 1u << static_cast<int>(Channel::kCashDeposit);
  const uint32_t withdrawal = 1u << static_cast<int>(Channel::kCashWithdrawal);
  if (channel_mask != 0 && !(channel_mask & cash)) {
    generic_cash = static_cast<uint8_t>(((channel_mask & deposit) ? 1 : 0) | ((channel_mask & withdrawal) ? 2 : 0));
    if (generic_cash != 0) channel_mask |= cash;
  }
  infer_cash = InferCashBits(f.channel_mask);
  infer_abroad = InfersAbroad(f);
  if (infer_cash != 0 || infer_abroad) channel_mask |= 1u << static_cast<int>(Channel::kUnknown);
  const size_t locations = fx.location_city.size();
  if (!f.cities.empty() || !f.regions.empty() || !f.countries.empty()) {
    location_ok.assign(locations, 1);
    location_ok[0] = 0;
    for (size_t loc = 1; loc < locations; ++loc) {
      bool ok = true;
      if (!f.cities.empty()) ok &= Contains(f.cities, fx.location_city[loc]);
      if (!f.regions.empty()) ok &= Contains(f.regions, fx.location_region[loc]);
      if (!f.countries.empty()) ok &= Contains(f.countries, fx.location_country[loc]);
      location_ok[loc] = ok;
    }
  }
  if (!f.counterparty_countries.empty()) {
    cp_country_ok.assign(locations, 0);
    for (size_t loc = 1; loc < locations; ++loc) {
      cp_country_ok[loc] = Contains(f.counterparty_countries, fx.location_country[loc]);
    }
  }
  if (!f.subject_home_cities.empty()) {
    has_home = true;
    // HolderTable keeps homes as lower-case "city, region", as packs do.
    if (fx.holders != nullptr) {
      for (const std::string& city : f.subject_home_cities) {
        if (uint32_t id = fx.holders->Find(city); id != 0) home_ok.insert(id);
      }
    }
  }
  for (const Filter& sub : f.any_of) any_of.emplace_back(sub, fx, -1);
  for (const Filter& sub : f.none_of) none_of.emplace_back(sub, fx, -1);
  // When every alternative of any_of names its channels, only their union can match: a cheap
  // first test for the scan's loop over all transactions.
  uint32_t alternatives = 0;
  bool all_named = !any_of.empty();
  for (const FilterRuntime& sub : any_of) {
    all_named &= sub.channel_mask != 0;
    alternatives |= sub.channel_mask;
  }
  if (all_named) {
    channel_mask = channel_mask == 0 ? alternatives : (channel_mask & alternatives);
    if (channel_mask == 0) channel_mask = 1u << 31;  // disjoint: no channel can match
  }
}

bool FilterRuntime::Matches(TransactionId t, AccountId subject, AccountId counterparty, bool subject_receives) const {
  const StoreFacts& fx = *facts;
  const store::Store& s = fx.store;
  if (direction == Direction::kIn && !subject_receives) return false;
  if (direction == Direction::kOut && subject_receives) return false;
  const uint8_t ch = s.channel()[t];
  if (channel_mask != 0 && !(channel_mask & (1u << ch))) return false;
  if (ch == static_cast<uint8_t>(Channel::kCash) && !(generic_cash & (subject_receives ? 1 : 2))) return false;
  if (ch == static_cast<uint8_t>(Channel::kUnknown) && (infer_cash != 0 || infer_abroad)) {
    // Only through the cash node at one end (a deposit when it pays, a withdrawal when it is paid),
    // or, for a filter that infers transfers abroad, an outside counterparty (whose country the
    // counterparty_country test below reads).
    const Channel inferred = CashChannelByCounterparty(fx, t);
    if (inferred != Channel::kUnknown) {
      if (!(infer_cash & (inferred == Channel::kCashDeposit ? 1 : 2))) return false;
    } else if (!infer_abroad || fx.account_kind[counterparty] != static_cast<uint8_t>(NodeKind::kExternal)) {
      return false;
    }
  }
  if (currency == -2) return false;
  if (currency >= 0 && s.paid_currency()[t] != currency) return false;
  if (!amount.empty()) {
    Int128 v = ToScaled(s.amount_paid_units()[t], s.paid_scale()[t]);
    for (const AmountBound& b : amount) {
      if (!Holds(b.op, v, b.value)) return false;
    }
  }
  // A date-only row has no hour: an hours filter is not applicable to it, so it does not match
  // (docs/rules.md, Date-only rows); it is never read as a midnight transaction.
  if (hour_mask != 0 && (fx.DateOnly(t) || !(hour_mask & (1u << fx.Hour(t))))) return false;
  if (weekday_mask != 0 && !(weekday_mask & (1u << fx.Weekday(t)))) return false;
  if (!mccs.empty() && !std::binary_search(mccs.begin(), mccs.end(), s.mcc()[t])) return false;
  const uint8_t cp_kind = fx.account_kind[counterparty];
  if (cp_kind_mask != 0 && !(cp_kind_mask & (1u << cp_kind))) return false;
  if (!location_ok.empty() && !location_ok[s.location()[t]]) return false;
  if (!cp_country_ok.empty() &&
      (cp_kind != static_cast<uint8_t>(NodeKind::kExternal) || !cp_country_ok[s.location()[t]])) {
    return false;
  }
  if (subject_party_kind != PartyKind::kUnknown || counterparty_party_kind != PartyKind::kUnknown ||
      !industries.empty() || has_home) {
    if (fx.holders == nullptr) return false;
    const Holder& h = fx.holders->at(subject);
    if (subject_party_kind != PartyKind::kUnknown && h.kind != subject_party_kind) return false;
    if (counterparty_party_kind != PartyKind::kUnknown &&
        fx.holders->at(counterparty).kind != counterparty_party_kind) {
      return false;
    }
    if (!industries.empty() && !std::binary_search(industries.begin(), industries.end(), h.industry_code)) return false;
    if (has_home && !home_ok.contains(h.home)) return false;
  }
  if (!any_of.empty()) {
    bool any = false;
    for (const FilterRuntime& f : any_of) any = any || f.Matches(t, subject, counterparty, subject_receives);
    if (!any) return false;
  }
  for (const FilterRuntime& f : none_of) {
    if (f.Matches(t, subject, counterparty, subject_receives)) return false;
  }
  return true;
}

Channel CashChannelByCounterparty(const StoreFacts& facts, TransactionId t) {
  const store::Store& s = facts.store;
  if (s.channel()[t] != static_cast<uint8_t>(Channel::kUnknown)) return Channel::kUnknown;
  const uint8_t cash = static_cast<uint8_t>(NodeKind::kCash);
  const bool source_cash = facts.account_kind[s.source()[t]] == cash;
  const bool destination_cash = facts.account_kind[s.destination()[t]] == cash;
  if (source_cash == destination_cash) return Channel::kUnknown;
  return source_cash ? Channel::kCashDeposit : Channel::kCashWithdrawal;
}

uint8_t InferCashBits(uint32_t mask) {
  const uint32_t unknown = 1u << static_cast<int>(Channel::kUnknown);
  const uint32_t cash = 1u << static_cast<int>(Channel::kCash);
  const uint32_t deposit = 1u << static_cast<int>(Channel::kCashDeposit);
  const uint32_t withdrawal = 1u << static_cast<int>(Channel::kCashWithdrawal);
  if (mask == 0 || (mask & unknown)) return 0;
  return static_cast<uint8_t>(((mask & (deposit | cash)) ? 1 : 0) | ((mask & (withdrawal | cash)) ? 2 : 0));
}

namespace {

// Whether `f` or one of its any_of alternatives (at any depth) satisfies `holds`.
template <typename Holds>
bool HoldsForSomeAlternative(const Filter& f, const Holds& holds) {
  if (holds(f)) return true;
  return std::any_of(f.any_of.begin(), f.any_of.end(),
                     [&](const Filter& a) { return HoldsForSomeAlternative(a, holds); });
}

}  // namespace

bool MayInferCash(const Filter& f) {
  return HoldsForSomeAlternative(f, [](const Filter& g) { return InferCashBits(g.channel_mask) != 0; });
}

std::string ChannelBasisText(const StoreFacts& facts, TransactionId t) {
  const Channel inferred = CashChannelByCounterparty(facts, t);
  if (inferred == Channel::kUnknown) return "";
  return fmt::format("channel inferred from the cash counterparty: {}", ChannelName(inferred));
}

bool InfersAbroad(const Filter& f) {
  const uint32_t wire = 1u << static_cast<int>(Channel::kWire);
  const uint32_t transmitter = 1u << static_cast<int>(Channel::kMoneyTransmitter);
  const uint32_t unknown = 1u << static_cast<int>(Channel::kUnknown);
  return (f.channel_mask & wire) && (f.channel_mask & transmitter) && !(f.channel_mask & unknown) &&
         !f.counterparty_countries.empty();
}

bool MayInferAbroad(const Filter& f) { return HoldsForSomeAlternative(f, InfersAbroad); }

bool NamesUnknown(const Filter& f) {
  return HoldsForSomeAlternative(
      f, [](const Filter& g) { return (g.channel_mask & (1u << static_cast<int>(Channel::kUnknown))) != 0; });
}

namespace {

// The outside end of row t (kind external) when its other end is a bank account; -1 otherwise.
int OutsideEnd(const StoreFacts& facts, TransactionId t) {
  const store::Store& s = facts.store;
  const uint8_t account = static_cast<uint8_t>(NodeKind::kAccount);
  const uint8_t external = static_cast<uint8_t>(NodeKind::kExternal);
  const uint8_t a = facts.account_kind[s.source()[t]], b = facts.account_kind[s.destination()[t]];
  if (a == account && b == external) return 1;
  if (a == external && b == account) return 0;
  return -1;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string AbroadBasisText(const StoreFacts& facts, TransactionId t) {
  const store::Store& s = facts.store;
  if (s.channel()[t] != static_cast<uint8_t>(Channel::kUnknown)) return "";
  const int outside = OutsideEnd(facts, t);
  const uint32_t loc = s.location()[t];
  if (outside < 0 || loc >= facts.location_country.size() || facts.location_country[loc].empty()) return "";
  return fmt::format("channel inferred from the counterparty's country: a transfer {} an outside account in {} "
                     "(wire or money transmitter)",
                     outside == 1 ? "to" : "from", Upper(facts.location_country[loc]));
}

std::string UnrecordedBasisText(const StoreFacts& facts, TransactionId t) {
  const store::Store& s = facts.store;
  if (s.channel()[t] != static_cast<uint8_t>(Channel::kUnknown)) return "";
  const uint8_t a = facts.account_kind[s.source()[t]], b = facts.account_kind[s.destination()[t]];
  const uint8_t account = static_cast<uint8_t>(NodeKind::kAccount);
  std::string what;
  if (a == account && b == account) {
    what = "a transfer between two bank accounts";
  } else {
    const bool pays = a == account;
    what = fmt::format("a payment {} a node of kind {}", pays ? "to" : "from",
                       NodeKindName(static_cast<NodeKind>(pays ? b : a)));
  }
  return fmt::format("channel not recorded: {}, which this rule counts whatever its channel", what);
}

}  // namespace moneytrail::rules::rules_internal
