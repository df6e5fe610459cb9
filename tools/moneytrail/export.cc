// `moneytrail export STORE --out FILE --format ibm-aml|native`: adapter over ExportTransactions;
// ftm, i2, graphml and xlsx (also from a case directory) are in export_formats.cc.
#include <fmt/format.h>

#include "export_formats.h"
#include "moneytrail/export.h"
#include "verb.h"

namespace {

struct Options {
  std::string store, out, format = "native";
  bool verbatim = false;
};

int Run(const Options& o) {
  using namespace moneytrail;
  if (cli::IsToolFormat(o.format)) return cli::RunToolExport(o.store, o.out, o.format);
  Result<store::Store> s = store::Store::Open(o.store);
  if (!s.ok()) return cli::ReportError("export", s.status());
  if (Status st = cli::CheckOutputs(&*s, {{"--out", o.out}}); !st.ok()) return cli::ReportError("export", st);
  ExportFormat format = o.format == "ibm-aml" ? ExportFormat::kIbmAml : ExportFormat::kNative;
  Status st = ExportTransactions(*s, o.out, format, ExportOptions{.verbatim = o.verbatim});
  if (!st.ok()) return cli::ReportError("export", st);
  fmt::print("wrote {} transactions to {} ({})\n", s->transaction_count(), o.out, o.format);
  return cli::kExitOk;
}

void Setup(CLI::App& app, std::function<int()>& run) {
  auto o = std::make_shared<Options>();  // shared: owned by the parsed options and the action
  app.add_option("store", o->store, "Store directory (or, for ftm/anx/i2/graphml/xlsx, a case directory)")->required();
  app.add_option("--out", o->out, "Output file")->required();
  app.add_option("--format", o->format,
                 "native or ibm-aml (CSV); ftm (Aleph JSON lines), anx (i2 Analyst's Notebook chart), "
                 "i2 (Analyst's Notebook CSV + column mapping), graphml, xlsx (case workbook)")
      ->check(CLI::IsMember({"native", "ibm-aml", "ftm", "anx", "i2", "graphml", "xlsx"}))
      ->default_val("native");
  app.add_flag("--verbatim", o->verbatim,
               "Write text exactly as stored (lossless round trip); by default a text cell that a "
               "spreadsheet would run as a formula (=, +, -, @, TAB, CR first) gets a leading '");
  run = [o] { return Run(*o); };
}

const moneytrail::cli::VerbRegistration kExport(
    "export", "Write a store's transactions as CSV, FtM, i2, GraphML or XLSX", Setup);

}  // namespace
