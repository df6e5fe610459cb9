#include "generate/plan.h"

#include <algorithm>

#include "generate/normal_life.h"

namespace moneytrail::generate_internal {

Planner::Planner(World& world, Plan& plan, uint32_t instance, Typology typology, Rng& rng)
    : world_(world), plan_(plan), instance_(instance), typology_(typology), rng_(rng) {
  begin_ = static_cast<int64_t>(world.params().start_day) * 86400;
  end_ = begin_ + static_cast<int64_t>(world.params().days) * 86400;
}

void Planner::Emit(int64_t time, uint32_t source, uint32_t dest, int64_t cents, Channel channel,
                   uint8_t transmitter) {
  Tx tx;
  tx.time = std::clamp<int64_t>(time, begin_, end_ - 1);
  tx.order = (1ULL << 63) | plan_.txs.size();
  tx.source = source;
  tx.dest = dest;
  tx.amount = std::max<int64_t>(cents, 100);
  tx.channel = channel;
  tx.typology = typology_;
  tx.instance = instance_;
  tx.transmitter = transmitter;
  plan_.txs.push_back(tx);
  auto& nodes = plan_.instances[instance_].nodes;
  for (uint32_t node : {source, dest}) {
    NodeKind kind = world_.nodes()[node].kind;
    if ((kind == NodeKind::kAccount || kind == NodeKind::kExternal) &&
        std::find(nodes.begin(), nodes.end(), node) == nodes.end()) {
      nodes.push_back(node);
    }
  }
  if (world_.nodes()[dest].kind == NodeKind::kAccount && tx.time >= last_time_) {
    last_dest_ = dest;
    last_time_ = tx.time;
  }
  ++count_;
}

uint32_t Planner::AnyAccount() {
  const auto& accounts = world_.accounts();
  for (;;) {
    uint32_t a = rng_.Below(static_cast<uint32_t>(accounts.size()));
    if (accounts[a].card_rate > 0 || accounts[a].business) return accounts[a].node;  // not a savings account
  }
}

uint32_t Planner::AnyPerson() {
  const auto& persons = world_.Persons();
  for (;;) {
    uint32_t a = persons[rng_.Below(static_cast<uint32_t>(persons.size()))];
    if (world_.accounts()[a].card_rate > 0) return world_.accounts()[a].node;
  }
}

int64_t Planner::Start(int64_t span) {
  int64_t room = std::max<int64_t>(1, end_ - begin_ - span);
  return begin_ + static_cast<int64_t>(rng_.Uniform() * static_cast<double>(room));
}

namespace {

using PlanFn = void (*)(Planner&);
struct Kind {
  Typology typology;
  PlanFn plan;
  uint32_t weight;  // relative number of instances
};
constexpr Kind kKinds[] = {
    {Typology::kFanOut, PlanFanOut, 6},
    {Typology::kFanIn, PlanFanIn, 6},
    {Typology::kCycle, PlanCycle, 4},
    {Typology::kBipartite, PlanBipartite, 3},
    {Typology::kStack, PlanStack, 3},
    {Typology::kScatterGather, PlanScatterGather, 4},
    {Typology::kGatherScatter, PlanGatherScatter, 4},
    {Typology::kRandomWalk, PlanRandomWalk, 4},
    {Typology::kFunnelAccount, PlanFunnelAccount, 5},
    {Typology::kSmugglingFeeCollection, PlanSmugglingFeeCollection, 3},
    {Typology::kStructuring, PlanStructuring, 5},
    {Typology::kRapidPassThrough, PlanRapidPassThrough, 6},
    {Typology::kTraffickingBusiness, PlanTraffickingBusiness, 1},
    {Typology::kCommingling, PlanCommingling, 3},
};

}  // namespace

Plan PlanLaundering(World& world, uint64_t target_transactions) {
  Plan plan;
  const uint64_t seed = world.params().seed;
  Rng pick(StreamSeed(seed, kDomainPlan));
  const uint64_t typology_budget = target_transactions * 7 / 10;
  uint32_t total_weight = 0;
  for (const Kind& k : kKinds) total_weight += k.weight;
  size_t round = 0;
  while (round < std::size(kKinds) || plan.txs.size() < typology_budget) {
    const Kind* kind = &kKinds[round % std::size(kKinds)];
    if (round >= std::size(kKinds)) {
      uint32_t r = pick.Below(total_weight);
      for (const Kind& k : kKinds) {
        if (r < k.weight) {
          kind = &k;
          break;
        }
        r -= k.weight;
      }
    }
    ++round;
    auto index = static_cast<uint32_t>(plan.instances.size());
    plan.instances.push_back(Instance{kind->typology, 0, {}, {}});
    Rng rng(StreamSeed(seed, kDomainInstance, index));
    Planner planner(world, plan, index, kind->typology, rng);
    kind->plan(planner);
  }
  // Integration: the proceeds that arrived at an instance's last account are later spent.
  const size_t planted = plan.instances.size();
  const int64_t end = (static_cast<int64_t>(world.params().start_day) + world.params().days) * 86400;
  std::vector<int64_t> last_time(planted, 0);
  std::vector<uint32_t> last_dest_of(planted, kNone);
  for (const Tx& tx : plan.txs) {
    if (world.nodes()[tx.dest].kind == NodeKind::kAccount && tx.time >= last_time[tx.instance]) {
      last_time[tx.instance] = tx.time;
      last_dest_of[tx.instance] = tx.dest;
    }
  }
  for (size_t tries = 0; plan.txs.size() < target_transactions && tries < 4 * planted + 64; ++tries) {
    size_t source_instance = pick.Below(static_cast<uint32_t>(planted));
    int64_t last = last_time[source_instance];
    uint32_t last_dest = last_dest_of[source_instance];
    if (last_dest == kNone || last > end - 86400) continue;
    auto index = static_cast<uint32_t>(plan.instances.size());
    plan.instances.push_back(Instance{Typology::kIntegration, last_dest, {}, {}});
    Rng rng(StreamSeed(seed, kDomainInstance, index));
    Planner planner(world, plan, index, Typology::kIntegration, rng);
    PlanIntegration(planner, last_dest, last);
    planner.SetController(last_dest);
    if (planner.size() == 0) plan.instances.pop_back();
  }
  return plan;
}

}  // namespace moneytrail::generate_internal
