// Seeds from instances.jsonl (include/moneytrail/trace_seeds.h).
#include <algorithm>
#include <fstream>
#include <unordered_set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "moneytrail/store.h"
#include "moneytrail/trace_seeds.h"

namespace moneytrail::trace {

Result<InstanceSeeds> SeedsFromInstances(const store::Store& store,
                                         const std::filesystem::path& path,
                                         std::string_view typology) {
  std::ifstream in(path);
  if (!in) return NotFoundError(fmt::format("cannot open instances file {}", path.string()));
  InstanceSeeds seeds;
  std::string line;
  uint64_t line_number = 0;
  const uint64_t n = store.transaction_count();
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty()) continue;
    std::string name;
    std::vector<TransactionId> ids;
    try {
      nlohmann::json j = nlohmann::json::parse(line);
      name = j.at("typology").get<std::string>();
      if (!typology.empty() && name != typology) continue;
      for (const auto& id : j.at("transaction_ids")) {
        uint64_t v = id.get<uint64_t>();
        if (v >= n) {
          return FailedPreconditionError(fmt::format(
              "{}:{}: transaction id {} is outside the store ({} transactions); was the "
              "generator's transactions.csv ingested into {}?",
              path.string(), line_number, v, n, store.dir().string()));
        }
        ids.push_back(static_cast<TransactionId>(v));
      }
    } catch (const nlohmann::json::exception& e) {
      return InvalidArgumentError(
          fmt::format("{}:{}: not an instance record: {}", path.string(), line_number, e.what()));
    }
    for (TransactionId t : ids) {
      if (store.string(store.typology()[t]) != name) {
        return FailedPreconditionError(fmt::format(
            "{}:{}: transaction {} has typology '{}' in the store, the file says '{}'; the "
            "instances file does not match this store (ids are rows of the first file ingested)",
            path.string(), line_number, t, store.string(store.typology()[t]), name));
      }
    }
    ++seeds.instances;
    std::sort(ids.begin(), ids.end(), [&](TransactionId a, TransactionId b) {
      return store.time()[a] != store.time()[b] ? store.time()[a] < store.time()[b] : a < b;
    });
    std::unordered_set<AccountId> received;
    for (TransactionId t : ids) {
      if (!received.count(store.source()[t])) seeds.entries.push_back(t);
      received.insert(store.destination()[t]);
      seeds.all.push_back(t);
    }
  }
  std::sort(seeds.all.begin(), seeds.all.end());
  std::sort(seeds.entries.begin(), seeds.entries.end());
  seeds.entries.erase(std::unique(seeds.entries.begin(), seeds.entries.end()), seeds.entries.end());
  return seeds;
}

}  // namespace moneytrail::trace
