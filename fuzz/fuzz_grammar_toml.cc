// libFuzzer harness: the description grammar (include/moneytrail/enrich.h,
// docs/format/grammar.md). The input is read twice: as a grammar file (Grammar::Parse; a
// grammar it accepts is applied to a few real descriptions in both directions), and as a
// description matched by the shipped us-banks grammar, which must "never fail on any bytes".
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_util.h"
#include "moneytrail/enrich.h"

namespace {

constexpr std::string_view kDescriptions[] = {
    "WIRE OUT BNF:COMERCIALIZADORA DEL NORTE SA DE CV BBK:BANORTE MX REF:88213",
    "ZELLE FROM JOSE LUNA",
    "ATM WITHDRAWAL #4411 1200 MAIN ST LAREDO TX",
    "CHECK 1042",
    "",
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace moneytrail;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static const enrich::Grammar shipped = [] {
    Result<enrich::Grammar> g = enrich::Grammar::UsBanks();
    fuzz::Expect(g.ok(), "the shipped grammar does not load");
    return *g;
  }();
  enrich::Enrichment e;
  for (bool outflow : {false, true}) {
    if (shipped.Apply(text, outflow, e)) fuzz::Expect(!e.pattern.empty(), "a match names no pattern");
  }
  Result<enrich::Grammar> grammar = enrich::Grammar::Parse(text, "fuzz.toml");
  if (!grammar.ok()) {
    fuzz::ExpectExplained(grammar.status(), "Grammar::Parse failed without a message");
    return 0;
  }
  for (std::string_view d : kDescriptions) {
    for (bool outflow : {false, true}) {
      if (grammar->Apply(d, outflow, e)) {
        fuzz::Expect(!e.pattern.empty(), "a match names no pattern");
        for (const auto& [field, by] : e.provenance) {
          fuzz::Expect(!field.empty() && !by.empty(), "a field set without its pattern");
        }
      }
    }
  }
  for (const std::string& id : grammar->pattern_ids()) (void)grammar->Fields(id);
  return 0;
}
