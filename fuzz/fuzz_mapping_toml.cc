// libFuzzer harness: the mapping reader (io_internal::MappedSpec, docs/format/mapping.md) on a
// fuzzed TOML file; a mapping it accepts is then tried on the shipped statement samples
// (MappingMisfit: header pattern, banner patterns, header names), as the ingest does when it
// picks a mapping for a file.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_util.h"
#include "io/ingester.h"
#include "io/row_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace moneytrail;
  const std::filesystem::path path = fuzz::WriteInput("mapping.toml", data, size);
  Result<io_internal::RowSpec> spec = io_internal::MappedSpec(path);
  if (!spec.ok()) {
    fuzz::ExpectExplained(spec.status(), "MappedSpec failed without a message");
    return 0;
  }
  for (const char* sample : {"tests/io/data/statements/credit-union.csv", "tests/io/data/statements/big-bank.csv"}) {
    (void)io_internal::MappingMisfit(*spec, fuzz::SourceFile(sample));
  }
  return 0;
}
