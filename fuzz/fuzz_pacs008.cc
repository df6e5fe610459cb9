// libFuzzer harness: the pacs.008 payment-message reader (src/formats/pacs008.cc, docs/format/camt.md), a pure function from bytes to formats::ParsedStatements.
// Besides the sanitizers it checks the reader's promises (fuzz/format_checks.h).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "format_checks.h"
#include "moneytrail/formats.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace moneytrail;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  fuzz::ExpectReaderPromises(formats::ParsePacs008(bytes, "fuzz.in"), "ParsePacs008", "fuzz.in");
  return 0;
}
