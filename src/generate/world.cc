#include "generate/world.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "generate/huge_pages.h"
#include "generate/tables.h"
#include "moneytrail/check.h"

namespace moneytrail::generate_internal {
namespace {

template <typename T, typename W>
uint32_t PickWeighted(std::span<const T> items, W weight, Rng& rng) {
  uint64_t total = 0;
  for (const T& item : items) total += weight(item);
  uint64_t r = rng.Next() % total;
  for (uint32_t i = 0; i < items.size(); ++i) {
    uint64_t w = weight(items[i]);
    if (r < w) return i;
    r -= w;
  }
  return static_cast<uint32_t>(items.size() - 1);
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

uint32_t Clamp(double v, double lo, double hi) {
  return static_cast<uint32_t>(std::clamp(v, lo, hi));
}

}  // namespace

std::string AccountNumber(uint32_t account) {
  // US deposit account numbers are digits (8-12 of them): '8' and the 10-digit decimal form of
  // a bijection of the index, so numbers are distinct and their last four digits look random.
  return fmt::format("8{:010d}", account * 0x9E3779B1u);
}

World::World(const WorldParams& params) : params_(params) {
  Rng rng(StreamSeed(params.seed, kDomainWorld));
  city_count_ = static_cast<uint32_t>(Cities().size());
  uint32_t prefix = 0;
  for (const City& city : Cities()) {
    prefix += city.weight;
    city_weight_prefix_.push_back(prefix);
  }
  persons_by_city_.resize(city_count_);
  businesses_by_city_.resize(city_count_);
  accounts_.reserve(params.accounts);
  parties_.reserve(params.accounts);
  nodes_.reserve(params.accounts + params.accounts / 4 + 4096);
  arena_.reserve(static_cast<size_t>(params.accounts) * 120 + (1 << 20));
  AdviseHugePagesFor(accounts_);
  AdviseHugePagesFor(parties_);
  AdviseHugePagesFor(nodes_);
  AdviseHugePagesFor(arena_);
  BuildBanks(rng);
  BuildMerchants(rng);
  BuildPartiesAndAccounts(rng);
  Node treasury;
  treasury.kind = NodeKind::kExternal;
  SetFragments(treasury, "external", "US-TREASURY", "EFTPS-0001", ",,US", "IRS USATAXPYMT");
  treasury_node_ = static_cast<uint32_t>(nodes_.size());
  nodes_.push_back(treasury);
  for (uint32_t a = 0; a < accounts_.size(); ++a) {
    if (accounts_[a].business) AddBusinessProfile(a, rng);
  }
  for (uint32_t a = 0; a < accounts_.size(); ++a) {
    if (!accounts_[a].business) AddPersonProfile(a, rng);
  }
  arena_.append(kArenaPadding, '\0');
}

uint32_t World::PickCity(Rng& rng, int border) const {
  for (;;) {
    uint32_t r = static_cast<uint32_t>(rng.Next() % city_weight_prefix_.back());
    auto it = std::upper_bound(city_weight_prefix_.begin(), city_weight_prefix_.end(), r);
    auto city = static_cast<uint32_t>(it - city_weight_prefix_.begin());
    if (border < 0 || Cities()[city].border == (border == 1)) return city;
  }
}

uint32_t World::PickBankIn(uint32_t city, Rng& rng) const {
  const auto& banks = banks_in_city_[city];
  return banks[rng.Below(static_cast<uint32_t>(banks.size()))];
}

void World::SetFragments(Node& node, std::string_view kind, std::string_view bank,
                         std::string_view account, std::string_view location,
                         std::string_view name) {
  auto put = [&](uint32_t& b, uint32_t& e, auto&&... parts) {
    b = static_cast<uint32_t>(arena_.size());
    (arena_.append(parts), ...);
    e = static_cast<uint32_t>(arena_.size());
  };
  put(node.native_begin, node.native_end, kind, ",", bank, ",", account);
  put(node.ibm_begin, node.ibm_end, bank, ",", account);
  put(node.key_begin, node.key_end, bank, ":", account);
  put(node.location_begin, node.location_end, location);
  if (name.find_first_of(",\"") != std::string_view::npos) {
    std::string quoted = "\"";
    for (char c : name) {
      if (c == '"') quoted += '"';
      quoted += c;
    }
    quoted += '"';
    put(node.name_begin, node.name_end, quoted);
  } else {
    put(node.name_begin, node.name_end, name);
  }
}

void World::BuildBanks(Rng& rng) {
  uint32_t count = std::clamp<uint32_t>(params_.accounts / 20000 + 4, 4, 40);
  national_banks_ = std::min<uint32_t>(3, count - 1);
  banks_in_city_.resize(city_count_);
  branch_.assign(static_cast<size_t>(count) * city_count_, kNone);
  atm_.assign(static_cast<size_t>(count) * city_count_, kNone);
  for (uint32_t bank = 0; bank < count; ++bank) {
    bank_ids_.push_back(fmt::format("{:03d}", 11 * (bank + 1)));
    std::vector<bool> present(city_count_, bank < national_banks_);
    if (bank >= national_banks_) {
      uint32_t home = PickCity(rng);
      for (uint32_t c = 0; c < city_count_; ++c) {
        if (Cities()[c].region == Cities()[home].region) present[c] = true;
      }
      for (uint32_t k = rng.Between(2, 5); k > 0; --k) present[PickCity(rng)] = true;
    }
    for (uint32_t c = 0; c < city_count_; ++c) {
      if (!present[c]) continue;
      banks_in_city_[c].push_back(bank);
      const City& city = Cities()[c];
      std::string location = fmt::format("{},{},US", city.name, city.region);
      for (int atm = 0; atm < 2; ++atm) {
        Node node;
        node.kind = NodeKind::kCash;
        node.bank = static_cast<uint16_t>(bank);
        node.city = static_cast<uint16_t>(c);
        std::string id = fmt::format("{}-{}-{:02d}", atm ? "ATM" : "BR", city.slug, 1 + bank % 7);
        SetFragments(node, "cash", bank_ids_[bank], id, location, "");
        (atm ? atm_ : branch_)[bank * city_count_ + c] = static_cast<uint32_t>(nodes_.size());
        nodes_.push_back(node);
      }
    }
  }
}

void World::BuildMerchants(Rng& rng) {
  auto mccs = Mccs();
  merchants_by_mcc_.resize(mccs.size());
  merchants_by_city_mcc_.resize(city_count_ * mccs.size());
  uint32_t count = std::max<uint32_t>(2 * static_cast<uint32_t>(mccs.size()), params_.accounts / 30);
  for (uint32_t m = 0; m < count; ++m) {
    uint32_t mcc;
    if (m < mccs.size()) {
      mcc = m;
    } else if (rng.Bernoulli(0.15)) {
      mcc = rng.Below(static_cast<uint32_t>(mccs.size()));
    } else {
      mcc = PickWeighted(mccs, [](const Mcc& x) { return x.weight; }, rng);
    }
    uint32_t city = PickCity(rng);
    Node node;
    node.kind = NodeKind::kMerchant;
    node.city = static_cast<uint16_t>(city);
    node.mcc = mccs[mcc].code;
    std::string name = fmt::format("{} #{}", mccs[mcc].stem, 100 + rng.Below(9000));
    std::string location = fmt::format("{},{},US", Cities()[city].name, Cities()[city].region);
    SetFragments(node, "merchant", fmt::format("ACQ-{:02d}", 1 + m % 4),
                 fmt::format("M-{:06d}", 100000 + m), location, name);
    merchants_by_mcc_[mcc].push_back(static_cast<uint32_t>(nodes_.size()));
    merchants_by_city_mcc_[city * mccs.size() + mcc].push_back(static_cast<uint32_t>(nodes_.size()));
    nodes_.push_back(node);
  }
}

uint32_t World::Merchant(uint32_t mcc_index, uint32_t city, uint64_t r) const {
  const auto& local = merchants_by_city_mcc_[city * Mccs().size() + mcc_index];
  if (!local.empty() && (r & 7) != 0) return local[(r >> 3) % local.size()];
  const auto& all = merchants_by_mcc_[mcc_index];
  return all[(r >> 3) % all.size()];
}

uint32_t World::NewAccount(uint32_t party, uint32_t bank, uint32_t city, bool business,
                           Rng& rng) {
  auto index = static_cast<uint32_t>(accounts_.size());
  Account account;
  account.party = party;
  account.bank = static_cast<uint16_t>(bank);
  account.city = static_cast<uint16_t>(city);
  account.business = business;
  account.opened_day = params_.start_day - static_cast<int32_t>(rng.Between(30, 6000));
  account.node = static_cast<uint32_t>(nodes_.size());
  Node node;
  node.kind = NodeKind::kAccount;
  node.bank = static_cast<uint16_t>(bank);
  node.city = static_cast<uint16_t>(city);
  node.account = index;
  SetFragments(node, "account", bank_ids_[bank], AccountNumber(index), "", "");
  nodes_.push_back(node);
  accounts_.push_back(account);
  (business ? businesses_by_city_ : persons_by_city_)[city].push_back(index);
  (business ? businesses_ : persons_).push_back(index);
  return index;
}

void World::BuildPartiesAndAccounts(Rng& rng) {
  const uint32_t total = params_.accounts;
  const uint32_t business_count = std::max<uint32_t>(24, total / 12);
  auto industries = Industries();
  for (uint32_t b = 0; b < business_count && accounts_.size() < total; ++b) {
    uint32_t industry = b < industries.size()
                            ? b
                            : PickWeighted(industries, [](const Industry& x) { return x.weight; }, rng);
    uint32_t city = PickCity(rng);
    Party party;
    party.entity = entity_count_++;
    party.business = true;
    party.industry = static_cast<uint16_t>(industry);
    party.word = static_cast<uint16_t>(rng.Below(static_cast<uint32_t>(BusinessWords().size())));
    party.last = static_cast<uint16_t>(rng.Below(static_cast<uint32_t>(LastNames().size())));
    party.first = static_cast<uint16_t>(rng.Below(2));  // 0: "<word> <stem>", 1: "<last> <stem>"
    party.street = static_cast<uint16_t>(rng.Below(static_cast<uint32_t>(StreetNames().size())));
    party.city = static_cast<uint16_t>(city);
    party.house = static_cast<uint32_t>(rng.Between(100, 9999)) * 100 + rng.Below(3) * rng.Below(40);
    party.phone = Cities()[city].area_code * 10000u + rng.Below(10000);
    party.id_number = rng.Between(100'000'000, 999'999'999);
    parties_.push_back(party);
    uint32_t account = NewAccount(static_cast<uint32_t>(parties_.size() - 1), PickBankIn(city, rng), city,
                                  true, rng);
    accounts_[account].industry = static_cast<uint16_t>(industry);
    accounts_[account].cash_intensive = industries[industry].cash_intensive;
    industry_accounts_[industry].push_back(account);
  }
  const int32_t birth_lo = params_.start_day - 80 * 365, birth_hi = params_.start_day - 18 * 365;
  while (accounts_.size() < total) {
    uint32_t size = 1 + (rng.Bernoulli(0.6) ? 0 : rng.Between(1, 3));
    uint32_t city = PickCity(rng);
    uint16_t street = static_cast<uint16_t>(rng.Below(static_cast<uint32_t>(StreetNames().size())));
    uint32_t house = static_cast<uint32_t>(rng.Between(10, 19999)) * 100 +
                     (rng.Bernoulli(0.4) ? rng.Between(1, 99) : 0);
    uint16_t last = static_cast<uint16_t>(rng.Below(static_cast<uint32_t>(LastNames().size())));
    uint32_t home_phone = Cities()[city].area_code * 10000u + rng.Below(10000);
    uint32_t household_bank = PickBankIn(city, rng);
    std::vector<uint32_t> members;
    for (uint32_t m = 0; m < size && accounts_.size() < total; ++m) {
      Party party;
      party.entity = entity_count_++;
      party.first = static_cast<uint16_t>(rng.Below(static_cast<uint32_t>(FirstNames().size())));
      if (rng.Bernoulli(0.6)) {
        party.middle = static_cast<uint16_t>(rng.Below(static_cast<uint32_t>(FirstNames().size())));
      }
      party.last = (m == 0 || rng.Bernoulli(0.75))
                       ? last
                       : static_cast<uint16_t>(rng.Below(static_cast<uint32_t>(LastNames().size())));
      party.street = street;
      party.city = static_cast<uint16_t>(city);
      party.house = house;
      party.birth_day = static_cast<int32_t>(rng.Between(birth_lo, birth_hi));
      party.phone = rng.Bernoulli(0.25) ? home_phone
                                        : Cities()[city].area_code * 10000u + rng.Below(10000);
      party.id_number = rng.Between(10'000'000, 99'999'999);
      party.typo_seed = static_cast<uint32_t>(rng.Next());
      parties_.push_back(party);
      auto party_index = static_cast<uint32_t>(parties_.size() - 1);
      uint32_t bank = rng.Bernoulli(0.7) ? household_bank : PickBankIn(city, rng);
      uint32_t account = NewAccount(party_index, bank, city, false, rng);
      members.push_back(account);
      if (accounts_.size() < total && rng.Bernoulli(0.05)) {
        accounts_[account].savings = NewAccount(party_index, bank, city, false, rng);
        accounts_[accounts_[account].savings].card_rate = -1;  // marks a savings account
      }
      if (accounts_.size() < total && rng.Bernoulli(0.06)) {
        std::vector<uint32_t> identity = {account};
        for (uint32_t v = rng.Between(1, 2); v > 0 && accounts_.size() < total; --v) {
          Party variant = party;
          uint8_t flags = 0;
          while (flags == 0) {
            if (rng.Bernoulli(0.35)) flags |= kVariantTypo;
            if (rng.Bernoulli(0.3) && !Nickname(FirstNames()[party.first]).empty()) flags |= kVariantNickname;
            if (rng.Bernoulli(0.25)) flags |= kVariantSwappedDate;
            if (rng.Bernoulli(0.35)) flags |= kVariantMoved;
            if (rng.Bernoulli(0.3) && party.middle != 0xFFFF) flags |= kVariantNoMiddle;
          }
          variant.variant = flags;
          variant.typo_seed = static_cast<uint32_t>(rng.Next());
          uint32_t vcity = city;
          if (flags & kVariantMoved) {
            if (rng.Bernoulli(0.5)) vcity = PickCity(rng);
            variant.city = static_cast<uint16_t>(vcity);
            variant.street = static_cast<uint16_t>(rng.Below(static_cast<uint32_t>(StreetNames().size())));
            variant.house = static_cast<uint32_t>(rng.Between(10, 19999)) * 100;
            if (rng.Bernoulli(0.5)) variant.phone = Cities()[vcity].area_code * 10000u + rng.Below(10000);
          }
          if (rng.Bernoulli(0.3)) variant.id_number = 0;  // not collected at that bank
          parties_.push_back(variant);
          identity.push_back(NewAccount(static_cast<uint32_t>(parties_.size() - 1),
                                        PickBankIn(vcity, rng), vcity, false, rng));
        }
        if (identity.size() > 1) multi_identity_.push_back(std::move(identity));
      }
    }
    if (members.size() > 1) {
      for (size_t m = 0; m < members.size(); ++m) {
        accounts_[members[m]].family = members[(m + 1) % members.size()];
      }
    }
  }
}

uint32_t World::AddExternal(uint8_t country, std::string_view name, Rng& rng) {
  const Country& c = Countries()[country];
  Node node;
  node.kind = NodeKind::kExternal;
  node.country = country;
  std::string bank = fmt::format("{}{:02d}", c.bank_prefix, 1 + rng.Below(12));
  std::string account = fmt::format("{:010d}", rng.Between(1'000'000'000LL, 9'999'999'999LL - 1) % 10'000'000'000LL);
  SetFragments(node, "external", bank, account, fmt::format(",,{}", c.code), name);
  arena_.append(kArenaPadding, '\0');
  nodes_.push_back(node);
  return static_cast<uint32_t>(nodes_.size() - 1);
}

void World::AddBusinessProfile(uint32_t a, Rng& rng) {
  Account& acc = accounts_[a];
  const Industry& industry = Industries()[acc.industry];
  auto pick = [&](uint32_t naics) {
    const auto& list = industry_accounts_[IndustryIndex(naics)];
    return list.empty() ? kNone : list[rng.Below(static_cast<uint32_t>(list.size()))];
  };
  acc.landlord = pick(531311);
  acc.utility = pick(221122);
  acc.insurer = pick(524126);
  acc.rent_cents = Clamp(rng.LogNormal(4500, 0.6) * 100, 80000, 5000000);
  acc.bill_cents = Clamp(rng.LogNormal(600, 0.6) * 100, 5000, 2000000);
  acc.rent_day = static_cast<uint8_t>(rng.Between(1, 5));
  acc.bill_day = static_cast<uint8_t>(rng.Between(5, 25));
  acc.cash_scale = industry.cash_intensive ? static_cast<float>(rng.LogNormal(industry.cash_median, 0.45)) : 0;
  acc.card_rate = static_cast<float>(rng.LogNormal(0.5, 0.5));  // supplier payments per day
  if (rng.Bernoulli(0.3)) {
    auto country = static_cast<uint8_t>(
        PickWeighted(Countries(), [](const Country& c) { return c.trade_weight; }, rng));
    std::string name = fmt::format("{} {} LTD", Upper(BusinessWords()[rng.Below(static_cast<uint32_t>(BusinessWords().size()))]),
                                   Upper(Industries()[rng.Below(static_cast<uint32_t>(Industries().size()))].stem));
    acc.trade_node = AddExternal(country, name, rng);
  }
}

void World::AddPersonProfile(uint32_t a, Rng& rng) {
  Account& acc = accounts_[a];
  if (acc.card_rate < 0) {  // a savings account: moved into, rarely out of
    acc.card_rate = 0;
    return;
  }
  const Party& party = parties_[acc.party];
  bool variant = party.variant != 0;
  auto from = [&](const std::vector<uint32_t>& list) {
    return list.empty() ? kNone : list[rng.Below(static_cast<uint32_t>(list.size()))];
  };
  if (rng.Bernoulli(variant ? 0.3 : 0.85)) {
    const auto& local = businesses_by_city_[acc.city];
    acc.employer = rng.Bernoulli(0.85) && !local.empty() ? from(local) : from(businesses_);
    acc.pay_kind = static_cast<uint8_t>(rng.Bernoulli(0.7) ? 0 : (rng.Bernoulli(0.66) ? 1 : 2));
    double per_year = rng.LogNormal(46000, 0.5);
    double periods = acc.pay_kind == 0 ? 26 : (acc.pay_kind == 1 ? 52 : 24);
    acc.pay_cents = Clamp(per_year * 0.78 / periods * 100, 20000, 2500000);
    acc.pay_phase = static_cast<uint8_t>(rng.Below(14));
  }
  if (!variant && rng.Bernoulli(0.65)) {
    const auto& managers = industry_accounts_[IndustryIndex(531311)];
    acc.landlord = rng.Bernoulli(0.7) ? from(managers) : from(persons_);
    acc.rent_cents = Clamp(rng.LogNormal(1450, 0.4) * 100, 40000, 900000);
    acc.rent_day = static_cast<uint8_t>(rng.Between(1, 5));
  }
  acc.utility = from(industry_accounts_[IndustryIndex(221122)]);
  if (rng.Bernoulli(0.6)) acc.insurer = from(industry_accounts_[IndustryIndex(524126)]);
  acc.bill_cents = Clamp(rng.LogNormal(120, 0.45) * 100, 2000, 90000);
  acc.bill_day = static_cast<uint8_t>(rng.Between(3, 28));
  acc.card_rate = static_cast<float>(params_.activity * rng.LogNormal(0.6, 0.55) * (variant ? 0.3 : 1.0));
  if (!variant && rng.Bernoulli(0.12)) {
    auto country = static_cast<uint8_t>(
        PickWeighted(Countries(), [](const Country& c) { return c.remittance_weight; }, rng));
    std::string name = fmt::format("{} {}", Upper(FirstNames()[rng.Below(static_cast<uint32_t>(FirstNames().size()))]),
                                   Upper(LastNames()[rng.Below(static_cast<uint32_t>(LastNames().size()))]));
    acc.remit_node = AddExternal(country, name, rng);
    acc.remit_cents = Clamp(rng.LogNormal(330, 0.55) * 100, 5000, 290000);
    acc.remit_day = static_cast<uint8_t>(rng.Between(1, 28));
    acc.remit_mt = static_cast<uint8_t>(rng.Bernoulli(0.7) ? 1 + rng.Below(static_cast<uint32_t>(MoneyTransmitters().size())) : 0);
  }
}

}  // namespace moneytrail::generate_internal
