// Human smuggling and trafficking typologies, each a parameterised scenario drawn from the
// red flags of FinCEN FIN-2014-A008 (human smuggling and trafficking), FIN-2020-A008 (human
// trafficking) and the FATF/APG report "Financial Flows from Human Trafficking" (2018). Roles
// are given to accounts drawn uniformly from the world (or by city and industry where the
// advisory describes it), never by any attribute of a person's origin.
#include <algorithm>
#include <string>
#include <vector>

#include "generate/calendar.h"
#include "generate/normal_life.h"
#include "generate/plan.h"
#include "generate/tables.h"

namespace moneytrail::generate_internal {
namespace {

constexpr int64_t kHour = 3600, kDay = 86400;

int64_t Day(int64_t t) { return t / kDay * kDay; }

// A person account in a US southwest-border city (any person when there is none).
uint32_t BorderPerson(Planner& p, bool national_bank) {
  World& world = p.world();
  for (int tries = 0; tries < 200; ++tries) {
    uint32_t city = world.PickCity(p.rng(), 1);
    const auto& persons = world.PersonsIn(city);
    if (persons.empty()) continue;
    uint32_t a = persons[p.rng().Below(static_cast<uint32_t>(persons.size()))];
    const Account& acc = world.accounts()[a];
    if (acc.card_rate <= 0) continue;
    if (national_bank && !world.bank_is_national(acc.bank)) continue;
    return acc.node;
  }
  return p.AnyPerson();
}

uint32_t CityOf(Planner& p, uint32_t node) { return p.world().nodes()[node].city; }
uint32_t BankOf(Planner& p, uint32_t node) { return p.world().nodes()[node].bank; }

// A branch of `bank` in a city, preferring far-from-border cities, other than `avoid_region`.
uint32_t FarBranch(Planner& p, uint32_t bank, std::string_view avoid_region) {
  World& world = p.world();
  for (int tries = 0; tries < 100; ++tries) {
    uint32_t city = world.PickCity(p.rng(), 0);
    if (Cities()[city].region == avoid_region) continue;
    uint32_t branch = world.Branch(bank, city);
    if (branch != kNone) return branch;
  }
  return world.Branch(bank, CityOf(p, world.accounts()[0].node));
}

uint32_t HighRiskCountry(Rng& rng) {
  std::vector<uint8_t> corridors;
  for (size_t i = 0; i < Countries().size(); ++i) {
    if (Countries()[i].high_risk_corridor) corridors.push_back(static_cast<uint8_t>(i));
  }
  return corridors[rng.Below(static_cast<uint32_t>(corridors.size()))];
}

uint32_t Beneficiary(Planner& p, uint32_t country) {
  Rng& rng = p.rng();
  std::string name = std::string(FirstNames()[rng.Below(static_cast<uint32_t>(FirstNames().size()))]) + " " +
                     std::string(LastNames()[rng.Below(static_cast<uint32_t>(LastNames().size()))]);
  for (char& c : name) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return p.world().AddExternal(static_cast<uint8_t>(country), name, rng);
}

int64_t CashUnder10k(Rng& rng, int64_t lo_usd) {
  int64_t usd = rng.Between(lo_usd, 9'950);
  if (rng.Bernoulli(0.6)) usd = usd / 10 * 10;
  return usd * 100 + (rng.Bernoulli(0.3) ? rng.Between(0, 99) : 0);
}

// Sends `total` out of `from` near the border: cash withdrawals at a border branch and wires
// to a beneficiary in Mexico, starting after `t`.
void OutNearBorder(Planner& p, uint32_t from, int64_t total, int64_t t) {
  Rng& rng = p.rng();
  World& world = p.world();
  uint32_t bank = BankOf(p, from);
  uint32_t city = CityOf(p, from);
  uint32_t branch = Cities()[city].border ? world.Branch(bank, city) : kNone;
  for (int tries = 0; branch == kNone && tries < 50; ++tries) branch = world.Branch(bank, world.PickCity(rng, 1));
  uint32_t beneficiary = Beneficiary(p, 0);  // Countries()[0] is MX
  int64_t left = total;
  while (left > 50'000) {
    t += rng.Between(2 * kHour, 30 * kHour);
    int64_t chunk = std::min<int64_t>(left, CashUnder10k(rng, 4'000));
    if (branch != kNone && rng.Bernoulli(0.6)) {
      p.Emit(Day(t) + DrawHours(9, 17, rng), from, branch, chunk, Channel::kCashWithdrawal);
    } else {
      p.Emit(t, from, beneficiary, chunk, Channel::kWire);
    }
    left -= chunk;
  }
}

}  // namespace

// FIN-2014-A008: cash deposited into one account at branches in several distant states, each
// below $10,000, then withdrawn or wired soon after near the southwest border.
void PlanFunnelAccount(Planner& p) {
  Rng& rng = p.rng();
  uint32_t funnel = BorderPerson(p, true);
  p.SetController(funnel);
  uint32_t bank = BankOf(p, funnel);
  std::string_view home_region = Cities()[CityOf(p, funnel)].region;
  std::vector<uint32_t> branches;
  for (uint32_t n = rng.Between(3, 6); n > 0; --n) branches.push_back(FarBranch(p, bank, home_region));
  int64_t span = rng.Between(2, 8) * kDay;
  int64_t start = p.Start(span + 3 * kDay);
  int64_t total = 0, last = start;
  for (uint32_t n = rng.Between(6, 14); n > 0; --n) {
    int64_t t = Day(start + rng.Between(0, span)) + DrawHours(9, 18, rng);
    int64_t cents = CashUnder10k(rng, 2'500);
    p.Emit(t, branches[rng.Below(static_cast<uint32_t>(branches.size()))], funnel, cents, Channel::kCashDeposit);
    total += cents;
    last = std::max(last, t);
  }
  OutNearBorder(p, funnel, total * rng.Between(90, 99) / 100, last);
}

// FIN-2014-A008: many apparently unrelated senders across the US wire or money-transmit sums
// under $3,000 to one beneficiary in a border city; some senders share a phone or address.
void PlanSmugglingFeeCollection(Planner& p) {
  Rng& rng = p.rng();
  World& world = p.world();
  uint32_t collector = BorderPerson(p, false);
  p.SetController(collector);
  uint32_t senders = rng.Between(8, 24);
  int64_t span = rng.Between(3, 10) * kDay;
  int64_t start = p.Start(span + 3 * kDay);
  int64_t total = 0, last = start;
  const Party& collector_party = world.parties()[world.accounts()[world.nodes()[collector].account].party];
  uint32_t shared_phone = collector_party.phone % 10000 == 0 ? collector_party.phone + 1 : collector_party.phone;
  Party* first_sharer = nullptr;
  for (uint32_t s = 0; s < senders; ++s) {
    uint32_t sender = p.AnyPerson();
    if (sender == collector) continue;
    if (rng.Bernoulli(0.3)) {  // KYC links: a shared phone or a shared address
      Party& party = world.mutable_parties()[world.accounts()[world.nodes()[sender].account].party];
      if (first_sharer == nullptr || rng.Bernoulli(0.5)) {
        party.phone = shared_phone;
        if (first_sharer == nullptr) first_sharer = &party;
      } else {
        party.street = first_sharer->street;
        party.house = first_sharer->house;
        party.city = first_sharer->city;
      }
    }
    for (uint32_t k = rng.Bernoulli(0.25) ? 2 : 1; k > 0; --k) {
      int64_t t = Day(start + rng.Between(0, span)) + DrawHours(8, 21, rng);
      int64_t cents = rng.Between(400, 2'999) * 100 + (rng.Bernoulli(0.5) ? rng.Between(0, 99) : 0);
      bool mt = rng.Bernoulli(0.7);
      p.Emit(t, sender, collector, cents, mt ? Channel::kMoneyTransmitter : Channel::kWire,
             mt ? static_cast<uint8_t>(1 + rng.Below(static_cast<uint32_t>(MoneyTransmitters().size()))) : 0);
      total += cents;
      last = std::max(last, t);
    }
  }
  OutNearBorder(p, collector, total * rng.Between(85, 98) / 100, last);
}

// 31 CFR 1010.314 and FIN-2014-A008: repeated cash deposits just under $10,000, split across
// days, branches and people, then gathered in one account.
void PlanStructuring(Planner& p) {
  Rng& rng = p.rng();
  World& world = p.world();
  std::vector<uint32_t> accounts;
  const auto& identities = world.MultiIdentities();
  if (!identities.empty() && rng.Bernoulli(0.6)) {
    for (uint32_t a : identities[rng.Below(static_cast<uint32_t>(identities.size()))]) {
      accounts.push_back(world.accounts()[a].node);
    }
  } else {
    accounts.push_back(p.AnyPerson());
  }
  for (uint32_t extra = rng.Between(1, 2); extra > 0; --extra) accounts.push_back(p.AnyPerson());
  uint32_t controller = accounts[0];
  p.SetController(controller);
  int64_t span = rng.Between(3, 10) * kDay;
  int64_t start = p.Start(span + 2 * kDay);
  std::vector<int64_t> received(accounts.size(), 0);
  int64_t last = start;
  for (uint32_t n = rng.Between(5, 14); n > 0; --n) {
    size_t who = rng.Below(static_cast<uint32_t>(accounts.size()));
    uint32_t node = accounts[who];
    uint32_t city = CityOf(p, node);
    if (rng.Bernoulli(0.4)) {  // another branch in the same state
      uint32_t other = world.PickCity(rng);
      if (Cities()[other].region == Cities()[city].region) city = other;
    }
    uint32_t branch = world.Branch(BankOf(p, node), city);
    if (branch == kNone) branch = world.Branch(BankOf(p, node), CityOf(p, node));
    if (branch == kNone) continue;
    int64_t t = Day(start + rng.Between(0, span)) + DrawHours(9, 17, rng);
    int64_t cents = CashUnder10k(rng, 8'000);
    p.Emit(t, branch, node, cents, Channel::kCashDeposit);
    received[who] += cents;
    last = std::max(last, t);
  }
  for (size_t i = 1; i < accounts.size(); ++i) {
    if (received[i] == 0) continue;
    Channel channel = BankOf(p, accounts[i]) == BankOf(p, controller) ? Channel::kInternal : Channel::kAch;
    p.Emit(last + rng.Between(kHour, 2 * kDay), accounts[i], controller, received[i] * rng.Between(90, 100) / 100,
           channel);
  }
}

// FIN-2014-A008 / FATF-APG 2018: cash or incoming wires followed within hours or days by wires
// to high-risk corridors; outflow close to inflow.
void PlanRapidPassThrough(Planner& p) {
  Rng& rng = p.rng();
  World& world = p.world();
  uint32_t account = p.AnyAccount();
  p.SetController(account);
  int64_t start = p.Start(5 * kDay);
  int64_t total = 0, last = start;
  for (uint32_t n = rng.Between(2, 6); n > 0; --n) {
    int64_t t = start + rng.Between(0, 2 * kDay);
    int64_t cents;
    if (rng.Bernoulli(0.5)) {
      uint32_t branch = world.Branch(BankOf(p, account), CityOf(p, account));
      if (branch == kNone) continue;
      cents = CashUnder10k(rng, 2'000);
      t = Day(t) + DrawHours(9, 17, rng);
      p.Emit(t, branch, account, cents, Channel::kCashDeposit);
    } else {
      cents = static_cast<int64_t>(rng.LogNormal(6000, 0.6) * 100);
      p.Emit(t, p.AnyAccount(), account, cents, Channel::kWire);
    }
    total += cents;
    last = std::max(last, t);
  }
  int64_t out = total * rng.Between(93, 99) / 100;
  uint32_t beneficiaries = rng.Between(1, 3);
  std::vector<uint32_t> to;
  for (uint32_t b = 0; b < beneficiaries; ++b) to.push_back(Beneficiary(p, HighRiskCountry(rng)));
  for (uint32_t b = 0; b < beneficiaries; ++b) {
    int64_t cents = b + 1 == beneficiaries ? out : out / beneficiaries;
    out -= cents;
    bool mt = rng.Bernoulli(0.3);
    p.Emit(last + rng.Between(2 * kHour, 3 * kDay), account, to[b], cents,
           mt ? Channel::kMoneyTransmitter : Channel::kWire,
           mt ? static_cast<uint8_t>(1 + rng.Below(static_cast<uint32_t>(MoneyTransmitters().size()))) : 0);
  }
}

// FIN-2020-A008 and FATF/APG 2018: a front business with cash out of line with its peers and
// outside operating hours, rent for several residences, lodging, car rentals, bulk food, online
// classified ads and web hosting late at night, little payroll and no tax payments, and several
// workers' wages paid into one account.
void PlanTraffickingBusiness(Planner& p) {
  Rng& rng = p.rng();
  World& world = p.world();
  static const uint32_t kFronts[] = {812199, 812113, 722511, 561320};
  uint32_t front_account = kNone;
  for (int tries = 0; tries < 20 && front_account == kNone; ++tries) {
    const auto& list = world.BusinessesOf(IndustryIndex(kFronts[rng.Below(4)]));
    if (!list.empty()) front_account = list[rng.Below(static_cast<uint32_t>(list.size()))];
  }
  if (front_account == kNone) front_account = world.Businesses()[0];
  Account& front_acc = world.mutable_accounts()[front_account];
  front_acc.suppress_payroll = true;
  uint32_t front = front_acc.node;
  p.SetController(front);
  uint32_t collector = p.AnyPerson();
  double peer_cash = front_acc.cash_scale > 0 ? front_acc.cash_scale : 1200.0;
  uint32_t days = std::min<uint32_t>(world.params().days, 21);
  int64_t start = Day(p.Start(static_cast<int64_t>(days) * kDay));
  std::vector<uint32_t> residences;
  for (uint32_t r = rng.Between(2, 5); r > 0; --r) residences.push_back(p.AnyAccount());
  uint32_t workers = rng.Between(3, 6);
  auto card = [&](int64_t day, uint16_t mcc_code, uint32_t from_hour, uint32_t to_hour, double scale) {
    uint32_t mcc = MccIndex(mcc_code);
    uint32_t merchant = world.Merchant(mcc, CityOf(p, front), rng.Next());
    p.Emit(day + DrawHours(from_hour, to_hour, rng), front, merchant,
           static_cast<int64_t>(rng.LogNormal(Mccs()[mcc].median * scale, Mccs()[mcc].sigma) * 100), Channel::kCard);
  };
  for (uint32_t d = 0; d < days; ++d) {
    int64_t day = start + d * kDay;
    if (rng.Bernoulli(0.7)) {
      bool late = rng.Bernoulli(0.4);
      uint32_t desk = late ? world.Atm(BankOf(p, front), CityOf(p, front)) : world.Branch(BankOf(p, front), CityOf(p, front));
      if (desk != kNone) {
        p.Emit(day + (late ? DrawHours(22, 27, rng) : DrawHours(10, 17, rng)), desk, front,
               static_cast<int64_t>(rng.LogNormal(peer_cash * 2.2, 0.4) * 100), Channel::kCashDeposit);
      }
    }
    if (d == 1 || d == 29) {
      for (uint32_t r : residences) {
        p.Emit(day + DrawHours(8, 20, rng), front, r, rng.Between(1'100, 2'600) * 100,
               rng.Bernoulli(0.5) ? Channel::kAch : Channel::kCheque);
      }
    }
    if (rng.Bernoulli(0.35)) card(day, 7011, 21, 27, 1.0);
    if (rng.Bernoulli(0.12)) card(day, 7512, 9, 20, 1.0);
    if (rng.Bernoulli(0.15)) card(day, 5300, 8, 20, 3.0);
    if (rng.Bernoulli(0.4)) card(day, 7311, 23, 28, 1.0);
    if (rng.Bernoulli(0.1)) card(day, 4816, 23, 28, 1.0);
    if (CivilFromDays(static_cast<int32_t>(day / kDay)).day % 7 == 5) {
      for (uint32_t w = 0; w < workers; ++w) {
        p.Emit(day + DrawHours(2, 6, rng), front, collector, rng.Between(350, 900) * 100, Channel::kAch);
      }
    }
  }
}

// FATF/APG 2018 (commingling): illicit cash mixed into a legitimate cash-intensive business
// account whose honest deposits continue, then spent on payments that tracing must attribute.
void PlanCommingling(Planner& p) {
  Rng& rng = p.rng();
  World& world = p.world();
  uint32_t business = kNone;
  for (int tries = 0; tries < 50 && business == kNone; ++tries) {
    uint32_t a = world.Businesses()[rng.Below(static_cast<uint32_t>(world.Businesses().size()))];
    if (world.accounts()[a].cash_intensive) business = a;
  }
  if (business == kNone) business = world.Businesses()[0];
  const Account& acc = world.accounts()[business];
  uint32_t node = acc.node;
  p.SetController(node);
  double scale = acc.cash_scale > 0 ? acc.cash_scale : 1500.0;
  int64_t span = rng.Between(4, 12) * kDay;
  int64_t start = p.Start(span + 4 * kDay);
  uint32_t branch = world.Branch(acc.bank, acc.city);
  int64_t illicit = 0, last = start;
  for (uint32_t n = rng.Between(4, 12); n > 0 && branch != kNone; --n) {
    int64_t t = Day(start + rng.Between(0, span)) + DrawHours(10, 17, rng);
    int64_t cents = static_cast<int64_t>(rng.LogNormal(scale * 1.3, 0.4) * 100);
    p.Emit(t, branch, node, cents, Channel::kCashDeposit);
    illicit += cents;
    last = std::max(last, t);
  }
  int64_t spend = illicit * rng.Between(60, 90) / 100;
  uint32_t owner = p.AnyPerson();
  const auto& dealers = world.BusinessesOf(IndustryIndex(441110));
  for (uint32_t k = rng.Between(2, 4); k > 0 && spend > 10'000; --k) {
    int64_t cents = k == 1 ? spend : spend / 2;
    spend -= cents;
    int64_t t = last + rng.Between(kDay, 4 * kDay);
    if (!dealers.empty() && rng.Bernoulli(0.3)) {
      p.Emit(Day(t) + DrawHours(9, 17, rng), node, world.accounts()[dealers[0]].node, cents, Channel::kCheque);
    } else {
      p.Emit(Day(t) + DrawHours(8, 18, rng), node, owner, cents, rng.Bernoulli(0.5) ? Channel::kWire : Channel::kAch);
    }
  }
}

}  // namespace moneytrail::generate_internal
