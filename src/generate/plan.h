// The laundering plan: the planted instances (AMLworld patterns, smuggling and trafficking
// typologies, integration) and their transactions, decided before any day is generated so that
// the day loop can stream. Planning may add outside counterparties to the world, mark front
// businesses and make some KYC records share a phone or an address.
#ifndef MONEYTRAIL_SRC_GENERATE_PLAN_H_
#define MONEYTRAIL_SRC_GENERATE_PLAN_H_

#include <cstdint>
#include <vector>

#include "generate/rng.h"
#include "generate/tx.h"
#include "generate/world.h"

namespace moneytrail::generate_internal {

struct Instance {
  Typology typology = Typology::kNone;
  uint32_t controller = 0;          // node of the controlling account
  std::vector<uint32_t> nodes;      // accounts and outside counterparties involved, first seen first
  std::vector<uint64_t> transaction_ids;  // filled while writing
};

struct Plan {
  std::vector<Tx> txs;  // every planted transaction, in planning order
  std::vector<Instance> instances;
};

// Plans instances until about `target_transactions` laundering transactions are planted: each
// non-integration typology at least once, about 70% of the transactions in typologies and
// patterns, the rest integration. Deterministic in the world's seed.
Plan PlanLaundering(World& world, uint64_t target_transactions);

// Planning context shared by patterns.cc and typologies.cc.
class Planner {
 public:
  Planner(World& world, Plan& plan, uint32_t instance, Typology typology, Rng& rng);
  World& world() { return world_; }
  Rng& rng() { return rng_; }
  int64_t begin() const { return begin_; }
  int64_t end() const { return end_; }
  // Adds a transaction of this instance; times are clamped into the run.
  void Emit(int64_t time, uint32_t source, uint32_t dest, int64_t cents, Channel channel,
            uint8_t transmitter = 0);
  void SetController(uint32_t node) { plan_.instances[instance_].controller = node; }
  // A random account node (person or business).
  uint32_t AnyAccount();
  uint32_t AnyPerson();
  uint32_t AccountNode(uint32_t account) const { return world_.accounts()[account].node; }
  // A start time leaving `span` seconds before the end of the run.
  int64_t Start(int64_t span);
  // The last destination account node of this instance's transactions.
  uint32_t last_dest() const { return last_dest_; }
  int64_t last_time() const { return last_time_; }
  uint32_t size() const { return count_; }

 private:
  World& world_;
  Plan& plan_;
  uint32_t instance_;
  Typology typology_;
  Rng& rng_;
  int64_t begin_, end_;
  uint32_t last_dest_ = kNone;
  int64_t last_time_ = 0;
  uint32_t count_ = 0;
};

// AMLworld patterns (patterns.cc).
void PlanFanOut(Planner& p);
void PlanFanIn(Planner& p);
void PlanCycle(Planner& p);
void PlanBipartite(Planner& p);
void PlanStack(Planner& p);
void PlanScatterGather(Planner& p);
void PlanGatherScatter(Planner& p);
void PlanRandomWalk(Planner& p);
// Illicit funds of `source_node` spent on ordinary things after `after`.
void PlanIntegration(Planner& p, uint32_t source_node, int64_t after);

// Smuggling and trafficking typologies (typologies.cc).
void PlanFunnelAccount(Planner& p);
void PlanSmugglingFeeCollection(Planner& p);
void PlanStructuring(Planner& p);
void PlanRapidPassThrough(Planner& p);
void PlanTraffickingBusiness(Planner& p);
void PlanCommingling(Planner& p);

}  // namespace moneytrail::generate_internal

#endif  // MONEYTRAIL_SRC_GENERATE_PLAN_H_
