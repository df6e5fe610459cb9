// libFuzzer harness: a bank statement read with the fixed mapping
// config/mappings/us-credit-union-banner.toml (banner patterns, header pattern, skip patterns,
// amounts in every signed form), as the ingest's statement path reads it
// (Ingester::ReadStatementFile), then enriched by the description grammar and checked
// (ReconcileStatements: balances, continuity, overlaps, mirrors). Nothing is committed.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "fuzz_util.h"
#include "io/ingester.h"
#include "io/row_spec.h"
#include "io/statement_reconcile.h"
#include "moneytrail/ingest.h"
#include "moneytrail/store.h"

namespace {

using namespace moneytrail;

struct Setup {
  IngestOptions options;
  io_internal::RowSpec spec;
  std::unique_ptr<store::StoreWriter> writer;  // never written to: the Ingester needs one
  std::unique_ptr<io_internal::Ingester> ingester;
};

Setup& Fixed() {
  static Setup* setup = [] {
    auto s = new Setup;  // lives for the process (libFuzzer exits without unwinding)
    Result<io_internal::RowSpec> spec =
        io_internal::MappedSpec(fuzz::SourceFile("config/mappings/us-credit-union-banner.toml"));
    fuzz::Expect(spec.ok(), "the shipped mapping does not load");
    s->spec = std::move(*spec);
    s->spec.min_time = s->options.min_time;
    s->spec.max_time = s->options.max_time;
    fuzz::Expect(s->spec.statement_path(), "the mapping is not a statement layout");
    Result<std::unique_ptr<store::StoreWriter>> writer = store::StoreWriter::Open(fuzz::ScratchDir() / "store");
    fuzz::Expect(writer.ok(), "cannot open a scratch store");
    s->writer = std::move(*writer);
    s->ingester = std::make_unique<io_internal::Ingester>(*s->writer, s->options, 1);
    return s;
  }();
  return *setup;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Setup& setup = Fixed();
  const std::filesystem::path path = fuzz::WriteInput("statement.csv", data, size);
  Result<std::unique_ptr<io_internal::StatementFile>> file = setup.ingester->ReadStatementFile(path, setup.spec);
  if (!file.ok()) {
    fuzz::ExpectExplained(file.status(), "ReadStatementFile failed without a message");
    return 0;
  }
  io_internal::StatementFile& sf = **file;
  fuzz::Expect(sf.rows_read == sf.rows.size() + sf.rejects.size(), "rows read != accepted + rejected");
  for (const RejectedRow& r : sf.rejects) fuzz::Expect(!r.reason.empty(), "a row was rejected without a reason");
  io_internal::StagedRow row;
  io_internal::StatementDetail detail;
  for (size_t i = 0; i < sf.rows.size(); ++i) {
    sf.rows.Get(i, row, detail);  // as the intake keeps it (src/io/statement_compact.h)
    fuzz::Expect(sf.rows.line(i) == row.line && sf.rows.time(i) == row.time,
                 "a compact row's fields differ from the row it gives back");
    for (std::string_view text : {row.source_bank, row.source_account, row.dest_bank, row.dest_account,
                                  row.paid_currency, row.received_currency, row.counterparty}) {
      fuzz::ExpectCleanText(text, "an accepted statement row holds text that is not UTF-8 or holds NUL");
    }
    fuzz::Expect(row.time >= setup.spec.min_time && row.time <= setup.spec.max_time,
                 "an accepted statement row's time is outside the plausible range");
  }
  std::vector<std::unique_ptr<io_internal::StatementFile>> files;
  files.push_back(std::move(*file));
  Result<io_internal::ReconciledStatements> reconciled = io_internal::ReconcileStatements(files);
  if (!reconciled.ok()) {
    fuzz::ExpectExplained(reconciled.status(), "ReconcileStatements failed without a message");
    return 0;
  }
  // The reports stored with the commit must serialise (the JSON writers abort on bad UTF-8).
  (void)reconciled->checks.ToJson();
  (void)io_internal::StatementEnrichmentJson(*reconciled);
  (void)io_internal::StatementSummaryText(*reconciled);
  return 0;
}
