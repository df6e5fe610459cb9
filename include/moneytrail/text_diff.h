// Where two versions of an output first differ, in words a person can act on: for `moneytrail
// reproduce` (an exhibit pack's files, a case's files run again) and `moneytrail exclude`.
//
// Example:
//   FirstDifference("subjects.csv", recorded, rerun)
//     -> "line 3: the pack has '2,011:826A...', the re-run gives '2,011:87E6...'"
//
// Thread safety: pure functions.
#ifndef MONEYTRAIL_TEXT_DIFF_H_
#define MONEYTRAIL_TEXT_DIFF_H_

#include <string>
#include <string_view>

namespace moneytrail::report {

// The first line where `recorded` and `rerun` differ, both lines quoted (abbreviated when
// long), "line N: the <recorded_name> has '...', the re-run gives '...'"; a missing line is
// "(nothing: the file ends before it)". For a binary file (`name` ending in .xlsx or .pdf), the
// first differing byte offset and both sizes. REQUIRES: recorded != rerun.
std::string FirstDifference(std::string_view name, std::string_view recorded, std::string_view rerun,
                            std::string_view recorded_name = "pack");

}  // namespace moneytrail::report

#endif  // MONEYTRAIL_TEXT_DIFF_H_
