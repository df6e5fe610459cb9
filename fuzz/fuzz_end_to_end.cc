// libFuzzer harness, end to end (issue #25 item 7): a fuzzed file is ingested into a fresh
// temporary store in-process (moneytrail::Ingest, as `moneytrail ingest`), and a store that the
// ingest committed is then read as `info --json` reads it (store::Summarize and its JSON), scanned
// with the shipped rule pack (rules::Scan and the alert JSON lines, as `scan`) and investigated
// small (cases::Investigate: top 2 subjects, 2 trace hops, no PDF, one thread, as
// `investigate`). The first byte of the input picks the format (modulo 4: native, ibm-aml,
// amlsim, mapped with config/mappings/us-bigbank-debit-credit.toml); the rest is the file.
#include <cstddef>
#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

#include "fuzz_util.h"
#include "moneytrail/ingest.h"
#include "moneytrail/investigate.h"
#include "moneytrail/json_text.h"
#include "moneytrail/rules.h"
#include "moneytrail/store.h"
#include "moneytrail/store_summary.h"

namespace {

using namespace moneytrail;

const rules::RulePack& ShippedPack() {
  static rules::RulePack* pack = [] {
    Result<rules::RulePack> p = rules::RulePack::Load(fuzz::SourceFile("rules/smuggling-trafficking.toml"));
    fuzz::Expect(p.ok(), "the shipped rule pack does not load");
    return new rules::RulePack(std::move(*p));  // lives for the process
  }();
  return *pack;
}

void Remove(const std::filesystem::path& p) {
  std::error_code ec;
  std::filesystem::remove_all(p, ec);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const rules::RulePack& pack = ShippedPack();
  static const char* const kFormats[] = {"native", "ibm-aml", "amlsim", "mapped"};
  IngestOptions options;
  options.format = kFormats[data[0] % 4];
  if (options.format == "mapped") {
    options.mappings.push_back(fuzz::SourceFile("config/mappings/us-bigbank-debit-credit.toml"));
  }
  options.threads = 1;
  const std::filesystem::path file = fuzz::WriteInput("input.csv", data + 1, size - 1);
  const std::filesystem::path dir = fuzz::ScratchDir() / "case.store";
  const std::filesystem::path out = fuzz::ScratchDir() / "case";
  Remove(dir);
  Remove(out);

  // ingest
  Result<IngestReport> report = Ingest(dir, {file}, options);
  if (!report.ok()) {
    fuzz::ExpectExplained(report.status(), "Ingest failed without a message");
    return 0;
  }
  fuzz::Expect(report->rows_read == report->rows_accepted + report->rows_rejected,
               "rows read != accepted + rejected");

  // info --json
  Result<store::Store> s = store::Store::Open(dir);
  fuzz::Expect(s.ok(), "a store the ingest committed does not open");
  Result<store::StoreSummary> summary = store::Summarize(*s);
  if (!summary.ok()) {
    fuzz::ExpectExplained(summary.status(), "Summarize failed without a message");
  } else {
    (void)JsonText(summary->ToJson(), 2);
    (void)summary->ToText();
  }

  // scan
  const rules::RulePack* packs[] = {&pack};
  rules::ScanOptions scan_options;
  scan_options.threads = 1;
  Result<rules::ScanResult> scan = rules::Scan(*s, packs, scan_options);
  if (!scan.ok()) {
    fuzz::ExpectExplained(scan.status(), "Scan failed without a message");
  } else {
    (void)rules::ScanHeaderJsonLine(*s, packs, *scan);
    for (const rules::Alert& a : scan->alerts) (void)rules::AlertJsonLine(*s, a);
  }

  // a small investigate
  cases::InvestigateOptions io;
  io.store = dir;
  io.out = out;
  io.rule_packs.push_back(fuzz::SourceFile("rules/smuggling-trafficking.toml"));
  io.top = 2;
  io.trace_hops = 2;
  io.pdf = false;
  io.threads = 1;
  Result<cases::CaseSummary> investigated = cases::Investigate(io);
  if (!investigated.ok()) fuzz::ExpectExplained(investigated.status(), "Investigate failed without a message");
  return 0;
}
