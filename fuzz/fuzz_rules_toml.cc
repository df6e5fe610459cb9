// libFuzzer harness: the rule-pack reader (rules::RulePack::Parse, docs/rules.md) on fuzzed
// TOML; a pack it accepts is scanned over a small fixed store (the first 300 rows of
// tests/data/indep-tiny, ingested once into a scratch store), so that odd parameters reach the
// rules runtime too.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "moneytrail/ingest.h"
#include "moneytrail/rules.h"
#include "moneytrail/store.h"

namespace {

using namespace moneytrail;

const store::Store& SmallStore() {
  static store::Store* s = [] {
    std::ifstream in(fuzz::SourceFile("tests/data/indep-tiny/transactions.csv"));
    const std::filesystem::path csv = fuzz::ScratchDir() / "rows.csv";
    std::ofstream out(csv);
    std::string line;
    for (int i = 0; i < 301 && std::getline(in, line); ++i) out << line << '\n';
    out.close();
    IngestOptions options;
    options.format = "native";
    options.threads = 1;
    const std::filesystem::path dir = fuzz::ScratchDir() / "rules.store";
    Result<IngestReport> report = Ingest(dir, {csv}, options);
    fuzz::Expect(report.ok(), "cannot ingest the fixed rows");
    Result<store::Store> opened = store::Store::Open(dir);
    fuzz::Expect(opened.ok(), "cannot open the fixed store");
    return new store::Store(std::move(*opened));  // lives for the process
  }();
  return *s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const store::Store& store = SmallStore();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Result<rules::RulePack> pack = rules::RulePack::Parse(text, "fuzz.toml");
  if (!pack.ok()) {
    fuzz::ExpectExplained(pack.status(), "RulePack::Parse failed without a message");
    return 0;
  }
  (void)pack->rules();
  const rules::RulePack* packs[] = {&*pack};
  rules::ScanOptions options;
  options.threads = 1;
  Result<rules::ScanResult> result = rules::Scan(store, packs, options);
  if (!result.ok()) {
    fuzz::ExpectExplained(result.status(), "Scan failed without a message");
    return 0;
  }
  for (const rules::Alert& a : result->alerts) (void)rules::AlertJsonLine(store, a);
  return 0;
}
