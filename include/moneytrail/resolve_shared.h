// Shared-identifier links: groups of distinct resolved entities that share a phone, email,
// address or device identifier. Such groups feed the red flag "unrelated senders sharing a
// phone or address pay one beneficiary" (FinCEN FIN-2014-A008).
//
// Example:
//   auto groups = FindSharedIdentifiers(parties, config, resolution.entity_of());
//   MT_RETURN_IF_ERROR(WriteSharedIdentifiersCsv("shared.csv", parties, groups));
#ifndef MONEYTRAIL_RESOLVE_SHARED_H_
#define MONEYTRAIL_RESOLVE_SHARED_H_

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "moneytrail/resolve.h"
#include "moneytrail/resolve_config.h"
#include "moneytrail/status.h"

namespace moneytrail::resolve {

struct SharedIdentifierGroup {
  std::string identifier;          // the configured name, e.g. "phone"
  std::string value;               // the normalised shared value
  std::vector<uint32_t> entities;  // >= 2 distinct entity indices, ascending
  std::vector<uint32_t> records;   // every record holding the value, ascending
};

// Groups for every configured shared identifier, ordered by identifier (config order), then
// by number of entities descending, then value. Groups above max_entities are skipped.
// REQUIRES: entity_of.size() == parties.size(); configured columns exist in `parties`.
std::vector<SharedIdentifierGroup> FindSharedIdentifiers(const PartyTable& parties,
                                                         const ResolveConfig& config,
                                                         const std::vector<uint32_t>& entity_of);

// Party id -> the accounts it holds ("bank:account"), e.g. from the generator's accounts.csv.
using AccountsOfParty = std::unordered_map<std::string, std::vector<std::string>>;

// shared.csv: identifier,value,entity_count,entity_ids,party_ids (ids joined by ';'), and when
// `accounts` is given a last column `accounts`: the accounts the group's parties hold.
std::string SharedIdentifiersCsv(const PartyTable& parties, const std::vector<SharedIdentifierGroup>& groups,
                                 const AccountsOfParty* accounts = nullptr);
Status WriteSharedIdentifiersCsv(const std::string& path, const PartyTable& parties,
                                 const std::vector<SharedIdentifierGroup>& groups,
                                 const AccountsOfParty* accounts = nullptr);

}  // namespace moneytrail::resolve

#endif  // MONEYTRAIL_RESOLVE_SHARED_H_
