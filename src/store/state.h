// Internal: the dictionaries of a committed store state, loaded by both the reader and the
// writer from the segments a manifest names.
#ifndef MONEYTRAIL_SRC_STORE_STATE_H_
#define MONEYTRAIL_SRC_STORE_STATE_H_

#include <filesystem>
#include <string>
#include <vector>

#include "dictionary.h"
#include "manifest.h"
#include "moneytrail/store.h"

namespace moneytrail::store::store_internal {

struct Dictionaries {
  std::vector<AccountKey> accounts;
  std::vector<AccountAttributes> attributes;  // one per account
  StringTable strings;
  StringTable currencies;
  std::vector<Location> locations{Location{}};  // id 0 = no location
};

inline std::filesystem::path SegmentDir(const std::filesystem::path& store,
                                        const std::string& name) {
  return store / "segments" / name;
}

inline std::filesystem::path HoldersDir(const std::filesystem::path& store, const std::string& name) {
  return store / kHoldersDirName / name;
}

// Checks that every file of every segment, and of the holders attachment, exists with the
// recorded size.
Status CheckSegmentFiles(const std::filesystem::path& dir, const Manifest& manifest);
// Loads all dictionaries named by `manifest`.
Status LoadDictionaries(const std::filesystem::path& dir, const Manifest& manifest,
                        Dictionaries& dicts);
// Reads and parses dir/MANIFEST; NotFound when absent. `raw` receives the bytes.
Result<Manifest> ReadManifest(const std::filesystem::path& dir, std::string* raw);

}  // namespace moneytrail::store::store_internal

#endif  // MONEYTRAIL_SRC_STORE_STATE_H_
