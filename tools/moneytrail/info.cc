// `moneytrail info STORE [--json]`: adapter over store::Summarize.
#include <fmt/format.h>

#include "moneytrail/json_text.h"
#include "moneytrail/store.h"
#include "moneytrail/store_summary.h"
#include "verb.h"

namespace {

struct Options {
  std::string store;
  bool json = false;
};

int Run(const Options& o) {
  using namespace moneytrail;
  // Only the columns the summary reads are checked (it checks them itself); the others would
  // be checked when first read, and info reads none of them.
  store::StoreOpenOptions options = store::DefaultOpenOptions();
  options.columns = store::ColumnSet();
  Result<store::Store> s = store::Store::Open(o.store, options);
  if (!s.ok()) return cli::ReportError("info", s.status());
  Result<store::StoreSummary> summary = store::Summarize(*s);
  if (!summary.ok()) return cli::ReportError("info", summary.status());
  if (o.json) {
    fmt::print("{}\n", moneytrail::JsonText(summary->ToJson(), 2));
  } else {
    fmt::print("{}", summary->ToText());
  }
  return cli::kExitOk;
}

void Setup(CLI::App& app, std::function<int()>& run) {
  auto o = std::make_shared<Options>();  // shared: owned by the parsed options and the action
  app.add_option("store", o->store, "Store directory")->required();
  app.add_flag("--json", o->json, "Print as JSON");
  run = [o] { return Run(*o); };
}

const moneytrail::cli::VerbRegistration kInfo(
    "info", "Summarise a store: counts, time span, exact totals, custody records", Setup);

}  // namespace
