// Shared helpers of the libFuzzer harnesses (docs/fuzzing.md): a scratch directory per fuzzing
// process, the fuzzed bytes as a file, and the checks every harness makes of what a parser
// accepted (a finding is reported by aborting, which libFuzzer records as a crash).
//
// Example (a harness):
//   extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
//     std::filesystem::path file = moneytrail::fuzz::WriteInput("input.csv", data, size);
//     ...
//     moneytrail::fuzz::Expect(ok || !reason.empty(), "a rejection without a reason");
//     return 0;
//   }
#ifndef MONEYTRAIL_FUZZ_FUZZ_UTIL_H_
#define MONEYTRAIL_FUZZ_FUZZ_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "moneytrail/status.h"

namespace moneytrail::fuzz {

// A directory of this process's own (under $TMPDIR or /tmp, named by the pid), created on
// first use and removed at a normal exit (libFuzzer ends without one: fuzz/run points TMPDIR
// at build-fuzz/fuzz-tmp and removes that). Files in it are rewritten by every input.
const std::filesystem::path& ScratchDir();

// Writes `data` to ScratchDir()/name and returns the path. Aborts if the write fails (the
// harness cannot go on; not a finding of the code under test).
std::filesystem::path WriteInput(std::string_view name, const uint8_t* data, size_t size);

// A file of the source tree (MONEYTRAIL_SOURCE_DIR/relative), e.g. "config/mappings/x.toml".
std::filesystem::path SourceFile(std::string_view relative);

// Aborts with `what` on stderr when `condition` is false: a broken invariant is a finding.
void Expect(bool condition, std::string_view what);

// Aborts unless `text` is valid UTF-8 without NUL: what the ingest accepted must be
// (include/moneytrail/ingest.h, "Integrity"), or the JSON writers abort later.
void ExpectCleanText(std::string_view text, std::string_view what);

// Aborts unless a failed Status has a non-empty message (errors must say what went wrong).
void ExpectExplained(const Status& status, std::string_view what);

}  // namespace moneytrail::fuzz

#endif  // MONEYTRAIL_FUZZ_FUZZ_UTIL_H_
