// `moneytrail export STORE --out FILE --format ibm-aml|native`: adapter over ExportTransactions.
#include <fmt/format.h>

#include "moneytrail/export.h"
#include "verb.h"

namespace {

struct Options {
  std::string store, out, format = "native";
};

int Run(const Options& o) {
  using namespace moneytrail;
  Result<store::Store> s = store::Store::Open(o.store);
  if (!s.ok()) return cli::ReportError("export", s.status());
  ExportFormat format = o.format == "ibm-aml" ? ExportFormat::kIbmAml : ExportFormat::kNative;
  Status st = ExportTransactions(*s, o.out, format);
  if (!st.ok()) return cli::ReportError("export", st);
  fmt::print("wrote {} transactions to {} ({})\n", s->transaction_count(), o.out, o.format);
  return cli::kExitOk;
}

void Setup(CLI::App& app, std::function<int()>& run) {
  auto o = std::make_shared<Options>();  // shared: owned by the parsed options and the action
  app.add_option("store", o->store, "Store directory")->required();
  app.add_option("--out", o->out, "Output CSV file")->required();
  app.add_option("--format", o->format, "native or ibm-aml")
      ->check(CLI::IsMember({"native", "ibm-aml"}))
      ->default_val("native");
  run = [o] { return Run(*o); };
}

const moneytrail::cli::VerbRegistration kExport(
    "export", "Write a store's transactions as CSV (native or IBM AMLworld layout)", Setup);

}  // namespace
