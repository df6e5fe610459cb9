// The laundering patterns of IBM's AMLworld (Altman et al., "Realistic Synthetic Financial
// Transactions for Anti-Money Laundering Models", NeurIPS 2023): degrees, amounts and timings
// are drawn from ranges (docs/generator.md). Participants are ordinary accounts drawn uniformly,
// which keep their normal life: mules look like everyone else except for the structure.
#include <algorithm>
#include <vector>

#include "generate/normal_life.h"
#include "generate/plan.h"
#include "generate/tables.h"

namespace moneytrail::generate_internal {
namespace {

constexpr int64_t kHour = 3600, kDay = 86400;

// A channel for a hop between accounts: mostly the instance's habit, sometimes another.
class Channels {
 public:
  explicit Channels(Rng& rng) : rng_(rng), habit_(Draw()) {}
  Channel Next() { return rng_.Bernoulli(0.8) ? habit_ : Draw(); }

 private:
  Channel Draw() {
    double u = rng_.Uniform();
    return u < 0.4 ? Channel::kAch : (u < 0.75 ? Channel::kWire : Channel::kCheque);
  }
  Rng& rng_;
  Channel habit_;
};

int64_t Amount(Rng& rng) { return static_cast<int64_t>(rng.LogNormal(3500, 1.0) * 100); }

int64_t At(Planner& p, int64_t day_start_offset) {
  int64_t t = p.begin() + (day_start_offset - p.begin()) / kDay * kDay;
  return t + DrawTimeOfDay(2, p.rng());
}

std::vector<uint32_t> Distinct(Planner& p, uint32_t count, std::vector<uint32_t> exclude = {}) {
  std::vector<uint32_t> out;
  while (out.size() < count) {
    uint32_t node = p.AnyAccount();
    if (std::find(out.begin(), out.end(), node) == out.end() &&
        std::find(exclude.begin(), exclude.end(), node) == exclude.end()) {
      out.push_back(node);
    }
  }
  return out;
}

}  // namespace

void PlanFanOut(Planner& p) {
  Rng& rng = p.rng();
  uint32_t source = p.AnyAccount();
  auto targets = Distinct(p, rng.Between(3, 10), {source});
  Channels channels(rng);
  int64_t start = p.Start(3 * kDay);
  for (uint32_t t : targets) {
    p.Emit(At(p, start + rng.Between(0, 3 * kDay)), source, t, Amount(rng), channels.Next());
  }
  p.SetController(source);
}

void PlanFanIn(Planner& p) {
  Rng& rng = p.rng();
  uint32_t sink = p.AnyAccount();
  auto sources = Distinct(p, rng.Between(3, 10), {sink});
  Channels channels(rng);
  int64_t start = p.Start(3 * kDay);
  for (uint32_t s : sources) {
    p.Emit(At(p, start + rng.Between(0, 3 * kDay)), s, sink, Amount(rng), channels.Next());
  }
  p.SetController(sink);
}

void PlanCycle(Planner& p) {
  Rng& rng = p.rng();
  auto ring = Distinct(p, rng.Between(3, 7));
  Channels channels(rng);
  int64_t amount = Amount(rng);
  int64_t t = p.Start(static_cast<int64_t>(ring.size()) * 2 * kDay);
  for (size_t i = 0; i < ring.size(); ++i) {
    t += rng.Between(kHour, 40 * kHour);
    p.Emit(t, ring[i], ring[(i + 1) % ring.size()], amount, channels.Next());
    amount = static_cast<int64_t>(amount * rng.Uniform(0.93, 0.995));
  }
  p.SetController(ring[0]);
}

void PlanBipartite(Planner& p) {
  Rng& rng = p.rng();
  auto left = Distinct(p, rng.Between(2, 4));
  auto right = Distinct(p, rng.Between(2, 4), left);
  Channels channels(rng);
  int64_t start = p.Start(3 * kDay);
  for (uint32_t a : left) {
    bool any = false;
    for (size_t j = 0; j < right.size(); ++j) {
      if (rng.Bernoulli(0.7) || (!any && j + 1 == right.size())) {
        p.Emit(At(p, start + rng.Between(0, 3 * kDay)), a, right[j], Amount(rng), channels.Next());
        any = true;
      }
    }
  }
  p.SetController(left[0]);
}

void PlanStack(Planner& p) {
  Rng& rng = p.rng();
  std::vector<std::vector<uint32_t>> layers;
  std::vector<uint32_t> used;
  for (int layer = 0; layer < 3; ++layer) {
    layers.push_back(Distinct(p, rng.Between(2, 4), used));
    used.insert(used.end(), layers.back().begin(), layers.back().end());
  }
  Channels channels(rng);
  int64_t t = p.Start(6 * kDay);
  for (int layer = 0; layer < 2; ++layer) {
    for (uint32_t a : layers[layer]) {
      for (uint32_t b : layers[layer + 1]) {
        if (rng.Bernoulli(0.75)) p.Emit(At(p, t + rng.Between(0, 2 * kDay)), a, b, Amount(rng), channels.Next());
      }
    }
    t += 2 * kDay + rng.Between(0, kDay);
  }
  p.SetController(layers[0][0]);
}

void PlanScatterGather(Planner& p) {
  Rng& rng = p.rng();
  uint32_t source = p.AnyAccount();
  uint32_t sink = p.AnyAccount();
  auto middle = Distinct(p, rng.Between(3, 8), {source, sink});
  Channels channels(rng);
  int64_t start = p.Start(6 * kDay);
  for (uint32_t m : middle) {
    int64_t amount = Amount(rng);
    int64_t t = start + rng.Between(0, 2 * kDay);
    p.Emit(t, source, m, amount, channels.Next());
    p.Emit(t + rng.Between(2 * kHour, 3 * kDay), m, sink,
           static_cast<int64_t>(amount * rng.Uniform(0.9, 0.99)), channels.Next());
  }
  p.SetController(source);
}

void PlanGatherScatter(Planner& p) {
  Rng& rng = p.rng();
  uint32_t hub = p.AnyAccount();
  auto sources = Distinct(p, rng.Between(3, 8), {hub});
  std::vector<uint32_t> exclude = sources;
  exclude.push_back(hub);
  auto targets = Distinct(p, rng.Between(3, 8), exclude);
  Channels channels(rng);
  int64_t start = p.Start(6 * kDay);
  int64_t gathered = 0, last = start;
  for (uint32_t s : sources) {
    int64_t amount = Amount(rng);
    int64_t t = start + rng.Between(0, 2 * kDay);
    last = std::max(last, t);
    gathered += amount;
    p.Emit(t, s, hub, amount, channels.Next());
  }
  int64_t share = gathered * 95 / 100 / static_cast<int64_t>(targets.size());
  for (uint32_t t : targets) {
    p.Emit(last + rng.Between(kHour, 3 * kDay), hub, t, static_cast<int64_t>(share * rng.Uniform(0.8, 1.2)),
           channels.Next());
  }
  p.SetController(hub);
}

void PlanRandomWalk(Planner& p) {
  Rng& rng = p.rng();
  uint32_t hops = rng.Between(3, 9);
  uint32_t at = p.AnyAccount();
  p.SetController(at);
  Channels channels(rng);
  int64_t amount = Amount(rng);
  int64_t t = p.Start(static_cast<int64_t>(hops) * kDay);
  for (uint32_t h = 0; h < hops; ++h) {
    uint32_t next = p.AnyAccount();
    if (next == at) continue;
    t += rng.Between(kHour, 30 * kHour);
    p.Emit(t, at, next, amount, channels.Next());
    amount = static_cast<int64_t>(amount * rng.Uniform(0.9, 1.0));
    at = next;
  }
}

void PlanIntegration(Planner& p, uint32_t source, int64_t after) {
  Rng& rng = p.rng();
  World& world = p.world();
  uint32_t city = world.nodes()[source].city;
  if (city == 0xFFFF) city = world.PickCity(rng);
  uint32_t count = rng.Between(2, 6);
  int64_t t = after;
  for (uint32_t i = 0; i < count; ++i) {
    t += rng.Between(2 * kHour, 2 * kDay);
    if (t >= p.end()) break;
    double u = rng.Uniform();
    if (u < 0.6) {
      static const uint16_t kSpend[] = {5944, 5732, 5311, 5511, 7011, 5651, 5812, 5541};
      uint32_t mcc = MccIndex(kSpend[rng.Below(8)]);
      uint32_t merchant = world.Merchant(mcc, city, rng.Next());
      int64_t at = t / kDay * kDay + DrawTimeOfDay(Mccs()[mcc].hours, rng);
      p.Emit(at, source, merchant, static_cast<int64_t>(rng.LogNormal(Mccs()[mcc].median, Mccs()[mcc].sigma) * 100),
             Channel::kCard);
    } else {
      const auto& sellers = world.BusinessesOf(IndustryIndex(u < 0.8 ? 541191 : 441110));
      if (sellers.empty()) continue;
      uint32_t to = world.accounts()[sellers[rng.Below(static_cast<uint32_t>(sellers.size()))]].node;
      p.Emit(t / kDay * kDay + DrawHours(9, 17, rng), source, to,
             static_cast<int64_t>(rng.LogNormal(u < 0.8 ? 25000 : 12000, 0.6) * 100),
             rng.Bernoulli(0.6) ? Channel::kWire : Channel::kCheque);
    }
  }
}

}  // namespace moneytrail::generate_internal
