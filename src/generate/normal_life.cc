#include "generate/normal_life.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "generate/calendar.h"
#include "generate/tables.h"

namespace moneytrail::generate_internal {
namespace {

constexpr uint32_t kHourWeights[4][24] = {
    {0, 0, 0, 0, 0, 0, 1, 2, 4, 6, 8, 9, 10, 9, 8, 8, 9, 10, 9, 7, 5, 3, 1, 0},   // shop
    {1, 0, 0, 0, 0, 0, 1, 4, 6, 3, 2, 8, 14, 10, 3, 2, 3, 8, 12, 10, 6, 3, 2, 1}, // meals
    {2, 1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 7, 7, 7, 6, 6, 6, 7, 8, 8, 7, 6, 4, 3},     // any time
    {4, 3, 2, 1, 1, 1, 1, 2, 3, 3, 3, 4, 4, 4, 4, 4, 5, 6, 7, 8, 8, 8, 7, 6},     // evening/night
};

struct Tables {
  std::array<std::array<uint8_t, 256>, 4> hour;  // hour by a uniform byte
  std::array<uint8_t, 256> mcc;                   // everyday MCC index by a uniform byte
  Tables() {
    for (int p = 0; p < 4; ++p) {
      uint32_t total = 0;
      for (uint32_t w : kHourWeights[p]) total += w;
      uint32_t cumulative = 0, slot = 0;
      for (int h = 0; h < 24; ++h) {
        cumulative += kHourWeights[p][h];
        while (slot < 256 && slot * total < cumulative * 256) hour[p][slot++] = static_cast<uint8_t>(h);
      }
      while (slot < 256) hour[p][slot++] = 23;
    }
    auto mccs = Mccs();
    uint32_t total = 0;
    for (const Mcc& m : mccs) total += m.weight;
    uint32_t cumulative = 0, slot = 0;
    for (size_t i = 0; i < mccs.size(); ++i) {
      cumulative += mccs[i].weight;
      while (slot < 256 && slot * total < cumulative * 256) mcc[slot++] = static_cast<uint8_t>(i);
    }
  }
};
const Tables& GetTables() {
  static const Tables tables;
  return tables;
}

int64_t Cents(double usd) { return std::max<int64_t>(1, static_cast<int64_t>(usd * 100.0 + 0.5)); }

class DayWriter {
 public:
  DayWriter(const World& world, uint32_t account, const DayInfo& day, std::vector<Tx>& out)
      : world_(world), day_(day), out_(out), order_base_(static_cast<uint64_t>(account) << 20) {}
  void Emit(uint32_t seconds, uint32_t source, uint32_t dest, int64_t cents, Channel channel,
            uint8_t transmitter = 0) {
    Tx tx;
    tx.time = day_.midnight + std::min<uint32_t>(seconds, 86399);
    tx.order = order_base_ | seq_++;
    tx.source = source;
    tx.dest = dest;
    tx.amount = cents;
    tx.channel = channel;
    tx.transmitter = transmitter;
    out_.push_back(tx);
  }
  const World& world() const { return world_; }

 private:
  const World& world_;
  const DayInfo& day_;
  std::vector<Tx>& out_;
  uint64_t order_base_;
  uint32_t seq_ = 0;
};

Channel TransferChannel(const World& world, uint32_t from, uint32_t to, Rng& rng) {
  if (world.accounts()[from].bank == world.accounts()[to].bank && rng.Bernoulli(0.5)) {
    return Channel::kInternal;
  }
  return rng.Bernoulli(0.75) ? Channel::kAch : Channel::kCheque;
}

void CardPurchase(DayWriter& w, const Account& acc, uint32_t mcc_index, double scale, Rng& rng) {
  const Mcc& mcc = Mccs()[mcc_index];
  uint32_t city = rng.Bernoulli(0.9) ? acc.city : w.world().PickCity(rng);
  uint32_t merchant = w.world().Merchant(mcc_index, city, rng.Next());
  w.Emit(DrawTimeOfDay(mcc.hours, rng), acc.node, merchant,
         Cents(rng.LogNormal(mcc.median * scale, mcc.sigma)), Channel::kCard);
}

void PersonDay(DayWriter& w, uint32_t a, const Account& acc, const DayInfo& day, Rng& rng) {
  const World& world = w.world();
  const auto& accounts = world.accounts();
  if (acc.employer != kNone && !(accounts[acc.employer].suppress_payroll && rng.Bernoulli(0.8))) {
    bool payday = false;
    if (acc.pay_kind == 0) payday = day.weekday == 4 && ((day.civil_day / 7 + acc.pay_phase) % 2 == 0);
    if (acc.pay_kind == 1) payday = day.weekday == 4;
    if (acc.pay_kind == 2) payday = day.mday == 1 || day.mday == 15;
    if (payday) {
      double wobble = acc.pay_kind == 1 ? rng.Uniform(0.85, 1.15) : 1.0;
      w.Emit(DrawHours(2, 6, rng), accounts[acc.employer].node, acc.node,
             static_cast<int64_t>(acc.pay_cents * wobble), Channel::kAch);
    }
  }
  if (acc.landlord != kNone && day.mday == acc.rent_day) {
    w.Emit(DrawHours(7, 22, rng), acc.node, accounts[acc.landlord].node, acc.rent_cents,
           TransferChannel(world, a, acc.landlord, rng));
  }
  if (acc.utility != kNone && day.mday == acc.bill_day) {
    w.Emit(DrawHours(4, 9, rng), acc.node, accounts[acc.utility].node,
           Cents(acc.bill_cents / 100.0 * rng.LogNormal(1.0, 0.2)), Channel::kAch);
  }
  if (acc.insurer != kNone && day.mday == (acc.bill_day + 9u) % 28u + 1u) {
    w.Emit(DrawHours(4, 9, rng), acc.node, accounts[acc.insurer].node, acc.bill_cents, Channel::kAch);
  }
  if (day.mday == (acc.bill_day + 3u) % 28u + 1u && acc.card_rate > 0) {
    CardPurchase(w, acc, MccIndex(4814), 1.0, rng);  // phone bill
  }
  static const double kWeekdayFactor[7] = {0.95, 0.95, 0.95, 1.0, 1.1, 1.3, 1.1};
  uint32_t purchases = rng.Poisson(acc.card_rate * kWeekdayFactor[day.weekday]);
  const auto& tables = GetTables();
  for (uint32_t p = 0; p < purchases; ++p) {
    CardPurchase(w, acc, tables.mcc[rng.Next() & 255], 1.0, rng);
  }
  if (acc.card_rate > 0 && rng.Bernoulli(0.045)) {
    uint32_t atm = world.Atm(acc.bank, acc.city);
    if (atm != kNone) {
      int64_t twenties = 1 + static_cast<int64_t>(rng.LogNormal(4.0, 0.8));
      w.Emit(DrawTimeOfDay(2, rng), acc.node, atm, std::min<int64_t>(twenties, 40) * 2000,
             Channel::kCashWithdrawal);
    }
  }
  if (acc.card_rate > 0 && rng.Bernoulli(0.012)) {
    uint32_t branch = world.Branch(acc.bank, acc.city);
    if (branch != kNone) {
      w.Emit(DrawHours(9, 17, rng), branch, acc.node, Cents(std::min(rng.LogNormal(650, 1.0), 40000.0)),
             Channel::kCashDeposit);
    }
  }
  if (acc.family != kNone && rng.Bernoulli(0.025)) {
    w.Emit(DrawTimeOfDay(2, rng), acc.node, accounts[acc.family].node,
           Cents(std::max(10.0, rng.LogNormal(140, 0.9))), TransferChannel(world, a, acc.family, rng));
  }
  if (acc.savings != kNone && day.mday == 2) {
    w.Emit(DrawHours(6, 10, rng), acc.node, accounts[acc.savings].node, Cents(rng.LogNormal(300, 0.7)),
           Channel::kInternal);
  }
  if (acc.remit_node != kNone &&
      (day.mday == acc.remit_day || (acc.remit_cents < 40000 && day.mday == acc.remit_day + 14u))) {
    w.Emit(DrawHours(8, 21, rng), acc.node, acc.remit_node,
           Cents(acc.remit_cents / 100.0 * rng.LogNormal(1.0, 0.15)),
           acc.remit_mt ? Channel::kMoneyTransmitter : Channel::kWire, acc.remit_mt);
  }
  if (acc.card_rate > 0 && rng.Bernoulli(0.0015)) {  // an occasional large purchase
    double u = rng.Uniform();
    if (u < 0.4) {
      CardPurchase(w, acc, MccIndex(5511), 1.0, rng);
    } else {
      const auto& titles = world.BusinessesOf(IndustryIndex(u < 0.7 ? 541191 : 441110));
      if (!titles.empty()) {
        uint32_t to = titles[rng.Below(static_cast<uint32_t>(titles.size()))];
        w.Emit(DrawHours(9, 17, rng), acc.node, accounts[to].node, Cents(rng.LogNormal(u < 0.7 ? 30000 : 12000, 0.6)),
               rng.Bernoulli(0.7) ? Channel::kWire : Channel::kCheque);
      }
    }
  }
}

void BusinessDay(DayWriter& w, uint32_t a, const Account& acc, const DayInfo& day, Rng& rng) {
  const World& world = w.world();
  const auto& accounts = world.accounts();
  if (acc.cash_intensive && day.weekday != 6 && rng.Bernoulli(0.75)) {
    bool night = rng.Bernoulli(0.15);
    uint32_t desk = night ? world.Atm(acc.bank, acc.city) : world.Branch(acc.bank, acc.city);
    if (desk != kNone) {
      w.Emit(night ? DrawHours(19, 23, rng) : DrawHours(10, 17, rng), desk, acc.node,
             Cents(rng.LogNormal(acc.cash_scale, 0.5)), Channel::kCashDeposit);
    }
  }
  uint32_t payments = rng.Poisson(acc.card_rate);
  const auto& businesses = world.Businesses();
  for (uint32_t p = 0; p < payments; ++p) {
    uint32_t to = businesses[rng.Below(static_cast<uint32_t>(businesses.size()))];
    if (to == a) continue;
    double u = rng.Uniform();
    Channel channel = u < 0.5 ? Channel::kAch : (u < 0.7 ? Channel::kWire : Channel::kCheque);
    w.Emit(DrawHours(8, 18, rng), acc.node, accounts[to].node, Cents(rng.LogNormal(2200, 1.0)), channel);
  }
  if (acc.landlord != kNone && acc.landlord != a && day.mday == acc.rent_day) {
    w.Emit(DrawHours(7, 18, rng), acc.node, accounts[acc.landlord].node, acc.rent_cents,
           TransferChannel(world, a, acc.landlord, rng));
  }
  if (acc.utility != kNone && acc.utility != a && day.mday == acc.bill_day) {
    w.Emit(DrawHours(4, 9, rng), acc.node, accounts[acc.utility].node,
           Cents(acc.bill_cents / 100.0 * rng.LogNormal(1.0, 0.25)), Channel::kAch);
  }
  if (!acc.suppress_payroll && day.mday == 15 && (day.month % 3 == 0 || day.month == 4)) {
    w.Emit(DrawHours(5, 16, rng), acc.node, world.treasury_node(), Cents(rng.LogNormal(6000, 0.8)),
           Channel::kAch);
  }
  if (acc.trade_node != kNone && rng.Bernoulli(0.04)) {
    w.Emit(DrawHours(8, 17, rng), acc.node, acc.trade_node, Cents(rng.LogNormal(9000, 0.9)), Channel::kWire);
  }
  if (rng.Bernoulli(0.004)) {
    uint32_t to = businesses[rng.Below(static_cast<uint32_t>(businesses.size()))];
    if (to != a) {
      w.Emit(DrawHours(9, 17, rng), acc.node, accounts[to].node, Cents(rng.LogNormal(40000, 0.7)), Channel::kWire);
    }
  }
  if (rng.Bernoulli(0.25)) {
    static const uint16_t kBusinessMccs[] = {5300, 5541, 5999, 5411, 4816, 7311, 7011};
    CardPurchase(w, acc, MccIndex(kBusinessMccs[rng.Below(7)]), 1.5, rng);
  }
  if (acc.cash_intensive && rng.Bernoulli(0.05)) {
    uint32_t branch = world.Branch(acc.bank, acc.city);
    if (branch != kNone) {
      w.Emit(DrawHours(9, 12, rng), acc.node, branch, Cents(rng.LogNormal(800, 0.5)), Channel::kCashWithdrawal);
    }
  }
}

}  // namespace

DayInfo MakeDayInfo(const World& world, uint32_t index) {
  DayInfo info;
  info.index = index;
  info.civil_day = world.params().start_day + static_cast<int32_t>(index);
  info.midnight = static_cast<int64_t>(info.civil_day) * 86400;
  info.weekday = Weekday(info.civil_day);
  CivilDate date = CivilFromDays(info.civil_day);
  info.mday = date.day;
  info.month = date.month;
  return info;
}

uint32_t DrawTimeOfDay(uint32_t profile, Rng& rng) {
  uint64_t r = rng.Next();
  return GetTables().hour[profile][r & 255] * 3600u + static_cast<uint32_t>((r >> 8) % 3600);
}

uint32_t DrawHours(uint32_t from_hour, uint32_t to_hour, Rng& rng) {
  uint32_t seconds = from_hour * 3600 + rng.Below((to_hour - from_hour) * 3600);
  return seconds % 86400;
}

void NormalDay(const World& world, uint32_t account, const DayInfo& day, std::vector<Tx>& out) {
  const Account& acc = world.accounts()[account];
  Rng rng(StreamSeed(world.params().seed, kDomainDay, account, day.civil_day));
  DayWriter writer(world, account, day, out);
  if (acc.business) {
    BusinessDay(writer, account, acc, day, rng);
  } else {
    PersonDay(writer, account, acc, day, rng);
  }
}

}  // namespace moneytrail::generate_internal
