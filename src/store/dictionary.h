// Internal: the store's dictionaries (accounts, strings, currencies, locations, account
// attributes) and their per-segment delta files (docs/format/store.md).
#ifndef MONEYTRAIL_SRC_STORE_DICTIONARY_H_
#define MONEYTRAIL_SRC_STORE_DICTIONARY_H_

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "moneytrail/status.h"
#include "moneytrail/store.h"

namespace moneytrail::store::store_internal {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Strings with dense ids; id 0 is the empty string.
class StringTable {
 public:
  StringTable() : strings_{""} {}
  uint32_t size() const { return static_cast<uint32_t>(strings_.size()); }
  std::string_view at(uint32_t id) const { return strings_[id]; }
  // Adds without indexing (loading). Call BuildIndex before Intern.
  void Append(std::string s) { strings_.push_back(std::move(s)); }
  void BuildIndex();
  // REQUIRES: BuildIndex was called.
  uint32_t Intern(std::string_view s);
  const std::vector<std::string>& strings() const { return strings_; }

 private:
  std::vector<std::string> strings_;
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> index_;
};

// Delta files: each holds the entries added by one segment.
Status WriteStrings(const std::filesystem::path& path, const std::vector<std::string>& strings,
                    size_t first);
Status ReadStrings(const std::filesystem::path& path, uint64_t expected, StringTable& table);
Status WriteAccounts(const std::filesystem::path& path, const std::vector<AccountKey>& accounts,
                     size_t first);
Status ReadAccounts(const std::filesystem::path& path, uint64_t expected,
                    std::vector<AccountKey>& accounts);
Status WriteLocations(const std::filesystem::path& path, const std::vector<Location>& locations,
                      size_t first);
// DataLoss when an entry names a string id >= `string_count`.
Status ReadLocations(const std::filesystem::path& path, uint64_t expected, uint32_t string_count,
                     std::vector<Location>& locations);
Status WriteAttributes(const std::filesystem::path& path,
                       const std::vector<std::pair<AccountId, AccountAttributes>>& attributes);
// Applies the file's entries to `attributes` (indexed by account id, already sized). DataLoss
// for an unknown account, a label other than 0, 1, 255, a scale above 18, units beyond 18
// digits or a currency id >= `currency_count`. `entries` (may be null) receives the file's
// entries in file order.
Status ReadAttributes(const std::filesystem::path& path, uint64_t expected,
                      uint32_t currency_count, std::vector<AccountAttributes>& attributes,
                      std::vector<std::pair<AccountId, AccountAttributes>>* entries = nullptr);

}  // namespace moneytrail::store::store_internal

#endif  // MONEYTRAIL_SRC_STORE_DICTIONARY_H_
