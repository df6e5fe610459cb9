// libFuzzer harness: the camt.052/053/054 (src/formats/camt.cc, docs/format/camt.md) reader, a pure function from bytes to formats::ParsedStatements.
// Besides the sanitizers it checks the reader's promises (fuzz/format_checks.h), and that the
// entries parsed in windows (as documents above 4 MiB are; here forced, windows of 64 bytes)
// give what the whole document gives: the same entries or the same error.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "format_checks.h"
#include "formats/camt_internal.h"
#include "moneytrail/formats.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace moneytrail;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  Result<formats::ParsedStatements> whole = formats::ParseCamt(bytes, "fuzz.in");
  Result<formats::ParsedStatements> split = formats_internal::ParseCamtSplit(bytes, "fuzz.in", {"Ntry", 0, 64});
  if (whole.ok() != split.ok() || (!whole.ok() && whole.status().message() != split.status().message())) {
    std::fprintf(stderr, "whole and split disagree on ok or error\n");
    std::abort();
  }
  if (whole.ok()) {
    if (whole->statements.size() != split->statements.size()) std::abort();
    for (size_t i = 0; i < whole->statements.size(); ++i) {
      const auto& a = whole->statements[i].entries;
      const auto& b = split->statements[i].entries;
      if (a.size() != b.size()) std::abort();
      for (size_t j = 0; j < a.size(); ++j) {
        if (a[j].amount.units != b[j].amount.units || a[j].description != b[j].description ||
            a[j].position.line != b[j].position.line) {
          std::abort();
        }
      }
    }
  }
  fuzz::ExpectReaderPromises(whole, "ParseCamt", "fuzz.in");
  return 0;
}
