// libFuzzer harness: the OFX/QFX 1.x SGML and 2.x XML (src/formats/ofx.cc, ofx_tree.cc, docs/format/ofx.md) reader, a pure function from bytes to formats::ParsedStatements.
// Besides the sanitizers it checks the reader's promises (fuzz/format_checks.h).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "format_checks.h"
#include "moneytrail/formats.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace moneytrail;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  fuzz::ExpectReaderPromises(formats::ParseOfx(bytes, "fuzz.in"), "ParseOfx", "fuzz.in");
  return 0;
}
