// Internal: resolve's shared-identifier groups (shared.csv with its accounts column, as the
// store's holders attachment keeps it) and, per subject, the identifiers its holder shares with
// other entities, for the case report.
#ifndef MONEYTRAIL_SRC_CASES_SHARED_LINKS_H_
#define MONEYTRAIL_SRC_CASES_SHARED_LINKS_H_

#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

#include "moneytrail/case_report.h"
#include "moneytrail/status.h"

namespace moneytrail::cases {

inline constexpr size_t kSharedShown = 12;

// One of resolve's shared-identifier groups.
struct SharedGroup {
  std::string identifier, value;
  std::vector<std::string> entities, accounts;
};

// Reads `path` (identifier,value,entity_count,entity_ids,party_ids,accounts). Empty when the
// file is absent or has no accounts column (written without --accounts/--store).
Result<std::vector<SharedGroup>> LoadSharedGroups(const std::filesystem::path& path);

// The groups that touch `own` accounts, as seen from the subject: the other entities and their
// accounts (groups left with no other account are dropped); at most kSharedShown, `*total`
// receives how many there are.
std::vector<report::SharedLinkView> SharedLinksOf(
    const std::vector<SharedGroup>& groups,
    const std::unordered_map<std::string, std::vector<uint32_t>>& by_account,
    const std::vector<std::string>& own, const std::string& own_entity, uint64_t* total);

}  // namespace moneytrail::cases

#endif  // MONEYTRAIL_SRC_CASES_SHARED_LINKS_H_
