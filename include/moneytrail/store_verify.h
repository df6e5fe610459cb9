// Checks a store end to end (`moneytrail verify`): the manifest's own checksum, every file's size,
// block CRC32Cs and SHA-256, the custody arithmetic, every id against its dictionary, the holders
// attachment, and each source's recorded SHA-256 against the file when it is still at its
// recorded path (docs/format/store.md, Verification).
//
//   MT_ASSIGN_OR_RETURN(store::VerifyReport r, store::VerifyStore("case.store"));
//   for (const auto& p : r.problems) puts(p.ToString().c_str());
//   return r.intact() ? 0 : 3;
#ifndef MONEYTRAIL_STORE_VERIFY_H_
#define MONEYTRAIL_STORE_VERIFY_H_

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "moneytrail/status.h"

namespace moneytrail::store {

// One thing wrong: the file (relative to the store), where in it, and what was expected.
struct VerifyProblem {
  std::string file;
  int64_t offset = -1;  // byte offset in `file`, -1 for the file as a whole
  std::string element;  // "element 17, transaction 17", "source 2", "block 3", or empty
  std::string message;
  // "FILE: byte OFFSET (ELEMENT): MESSAGE".
  std::string ToString() const;
};

struct VerifyReport {
  std::string store;
  std::vector<VerifyProblem> problems;
  // What could not be checked and is not a fault: files written before checksums (format < 4),
  // sources no longer at their recorded path.
  std::vector<std::string> notes;
  uint64_t files_checked = 0;
  uint64_t bytes_checked = 0;  // bytes read and hashed

  bool intact() const { return problems.empty(); }
  nlohmann::json ToJson() const;
};

// Verifies the store at `dir`. NotFound when there is no store there, FailedPrecondition for a
// newer format; everything wrong with the store itself is a problem in the report.
Result<VerifyReport> VerifyStore(const std::filesystem::path& dir);

}  // namespace moneytrail::store

#endif  // MONEYTRAIL_STORE_VERIFY_H_
