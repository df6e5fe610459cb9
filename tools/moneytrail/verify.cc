// `moneytrail verify STORE [--json]`: adapter over store::VerifyStore. One line per problem
// (file, byte offset, element, what was expected); exit 0 when intact, 3 when corrupt.
#include <fmt/format.h>

#include "moneytrail/json_text.h"
#include "moneytrail/store_verify.h"
#include "verb.h"

namespace {

struct Options {
  std::string store;
  bool json = false;
};

int Run(const Options& o) {
  using namespace moneytrail;
  Result<store::VerifyReport> r = store::VerifyStore(o.store);
  if (!r.ok()) return cli::ReportError("verify", r.status());
  if (o.json) {
    fmt::print("{}\n", JsonText(r->ToJson(), 2));
  } else {
    for (const auto& p : r->problems) fmt::print("{}\n", p.ToString());
    for (const auto& n : r->notes) fmt::print("note: {}\n", n);
    fmt::print("{}: {} files, {} bytes checked{}\n", r->intact() ? "intact" : "CORRUPT",
               r->files_checked, r->bytes_checked,
               r->intact() ? "" : fmt::format("; {} problems", r->problems.size()));
  }
  return r->intact() ? cli::kExitOk : cli::kExitIo;
}

void Setup(CLI::App& app, std::function<int()>& run) {
  auto o = std::make_shared<Options>();  // shared: owned by the parsed options and the action
  app.add_option("store", o->store, "Store directory")->required();
  app.add_flag("--json", o->json, "Print the report as JSON");
  run = [o] { return Run(*o); };
}

const moneytrail::cli::VerbRegistration kVerify(
    "verify",
    "Check a store end to end: checksums of every file, ids, custody, attachments, sources "
    "(exit 0 intact, 3 corrupt)",
    Setup);

}  // namespace
