// libFuzzer harness: the MT940/MT942 (src/formats/mt940.cc, docs/format/mt940.md) reader, a pure function from bytes to formats::ParsedStatements.
// Besides the sanitizers it checks the reader's promises (fuzz/format_checks.h).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "format_checks.h"
#include "moneytrail/formats.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace moneytrail;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  fuzz::ExpectReaderPromises(formats::ParseMt940(bytes, "fuzz.in"), "ParseMt940", "fuzz.in");
  return 0;
}
