// libFuzzer harness: the XLSX worksheet reader (src/formats/xlsx.cc, docs/format/xlsx.md), a pure
// function from a workbook's bytes to CSV text. Besides the sanitizers it checks its promises:
// an error names the file; a read sheet's CSV holds one line per row up to its last row (row N
// on line N), valid UTF-8 without NUL; the bound on inflated bytes holds (a small bound here, so
// that compressed inputs cannot exhaust memory).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_util.h"
#include "moneytrail/xlsx.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace moneytrail;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  formats::XlsxOptions options;
  options.max_uncompressed_bytes = 4 << 20;
  Result<formats::XlsxSheet> s = formats::ReadXlsxAsCsv(bytes, "fuzz.xlsx", options);
  if (!s.ok()) {
    fuzz::ExpectExplained(s.status(), "ReadXlsxAsCsv failed without a message");
    fuzz::Expect(s.status().message().substr(0, 9) == "fuzz.xlsx", "an error does not name the file");
    return 0;
  }
  const auto lines = static_cast<uint64_t>(std::count(s->csv.begin(), s->csv.end(), '\n'));
  fuzz::Expect(lines == s->rows, "the CSV does not hold one line per worksheet row");
  fuzz::ExpectCleanText(s->csv, "csv");
  return 0;
}
