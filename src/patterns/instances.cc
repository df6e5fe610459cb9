// Pattern instances: construction, deduplication and the per-account cap.
#include <map>
#include <tuple>
#include <unordered_map>

#include "kernels.h"
#include "moneytrail/check.h"
#include "moneytrail/pattern_instances.h"

namespace moneytrail::patterns {

std::string_view PatternKindName(PatternKind kind) {
  switch (kind) {
    case PatternKind::kScatterGather: return "scatter_gather";
    case PatternKind::kGatherScatter: return "gather_scatter";
    case PatternKind::kBipartite: return "bipartite";
    case PatternKind::kStack: return "stack";
    case PatternKind::kTemporalCycle: return "temporal_cycle";
    case PatternKind::kSimpleCycle: return "simple_cycle";
    case PatternKind::kFanIn: return "fan_in";
    case PatternKind::kFanOut: return "fan_out";
  }
  return "unknown";
}

namespace internal {

FoundInstance MakeInstance(PatternKind kind, std::span<const Edge> edges,
                           std::span<const AccountId> accounts) {
  FoundInstance f;
  f.instance.kind = kind;
  f.instance.first_time = edges.empty() ? 0 : edges[0].time;
  f.instance.last_time = f.instance.first_time;
  for (const Edge& e : edges) {
    f.instance.transactions.push_back(e.id);
    f.instance.first_time = std::min(f.instance.first_time, e.time);
    f.instance.last_time = std::max(f.instance.last_time, e.time);
  }
  SortUnique(f.instance.transactions);
  f.instance.accounts.assign(accounts.begin(), accounts.end());
  SortUnique(f.instance.accounts);
  return f;
}

namespace {
bool InstanceLess(const PatternInstance& a, const PatternInstance& b) {
  return std::tie(a.first_time, a.kind, a.transactions) <
         std::tie(b.first_time, b.kind, b.transactions);
}
}  // namespace

InstanceSet FinishInstances(std::vector<FoundInstance> found, uint32_t cap_per_account) {
  // Within a kind, the largest transaction sets come first, and a set contained in a kept one
  // (the same pattern seen at an earlier moment, or identical) is dropped. Which sets are kept
  // depends only on the set of instances found, not on the order or the parts they came in.
  std::sort(found.begin(), found.end(), [](const FoundInstance& a, const FoundInstance& b) {
    if (a.instance.kind != b.instance.kind) return a.instance.kind < b.instance.kind;
    if (a.instance.transactions.size() != b.instance.transactions.size())
      return a.instance.transactions.size() > b.instance.transactions.size();
    return a.instance.transactions < b.instance.transactions;
  });
  InstanceSet set;
  set.cap_per_account = cap_per_account;
  // The kept instances of the current kind that hold a transaction. A kept superset of an
  // instance holds every one of its transactions: only the shortest of their lists is searched
  // (a transaction in no kept instance rules it out), so that a busy transaction (a hub's, in
  // thousands of cycles) does not make the search quadratic.
  std::unordered_map<TransactionId, std::vector<size_t>> holding;
  for (size_t r = 0; r < found.size(); ++r) {
    if (r > 0 && found[r].instance.kind != found[r - 1].instance.kind) holding.clear();
    const auto& tx = found[r].instance.transactions;
    const std::vector<size_t>* candidates = nullptr;
    for (TransactionId t : tx) {
      const auto it = holding.find(t);
      if (it == holding.end()) {
        candidates = nullptr;
        break;
      }
      if (candidates == nullptr || it->second.size() < candidates->size()) {
        candidates = &it->second;
      }
    }
    bool subsumed = false;
    for (size_t k = 0; candidates != nullptr && k < candidates->size() && !subsumed; ++k) {
      const auto& kept = set.instances[(*candidates)[k]].transactions;
      subsumed = std::includes(kept.begin(), kept.end(), tx.begin(), tx.end());
    }
    if (subsumed) continue;
    for (TransactionId t : tx) holding[t].push_back(set.instances.size());
    set.instances.push_back(std::move(found[r].instance));
  }
  set.found = set.instances.size();
  std::sort(set.instances.begin(), set.instances.end(), InstanceLess);
  // The cap: in that order, an instance is written while all its accounts are under the cap.
  std::map<AccountId, std::pair<uint64_t, uint64_t>> per_account;  // written, left out
  std::vector<PatternInstance> kept;
  for (PatternInstance& inst : set.instances) {
    bool fits = true;
    for (AccountId a : inst.accounts) {
      if (per_account[a].first >= cap_per_account) fits = false;
    }
    if (fits) {
      for (AccountId a : inst.accounts) ++per_account[a].first;
      kept.push_back(std::move(inst));
    } else {
      for (AccountId a : inst.accounts) {
        if (per_account[a].first >= cap_per_account) ++per_account[a].second;
      }
    }
  }
  set.instances = std::move(kept);
  for (const auto& [account, counts] : per_account) {
    if (counts.second > 0) set.capped_accounts.emplace_back(account, counts.second);
  }
  return set;
}

}  // namespace internal

InstanceSet MergeInstances(std::vector<InstanceSet> parts, uint32_t cap_per_account) {
  std::vector<internal::FoundInstance> found;
  for (InstanceSet& part : parts) {
    MT_CHECK(part.capped_accounts.empty() && part.found == part.instances.size());
    for (PatternInstance& inst : part.instances) found.push_back({std::move(inst)});
  }
  return internal::FinishInstances(std::move(found), cap_per_account);
}

}  // namespace moneytrail::patterns
