// `moneytrail reproduce DIR`: adapter over exhibit::Reproduce (docs/exhibits.md). Exit 0 when
// the signature verifies, no file was changed and the re-run is byte-identical; 1 otherwise.
#include <fmt/format.h>

#include "moneytrail/exhibit.h"
#include "verb.h"

namespace {

using namespace moneytrail;

int Run(const std::string& dir) {
  Result<exhibit::ReproduceResult> r = exhibit::Reproduce(dir);
  if (!r.ok()) return cli::ReportError("reproduce", r.status());
  fmt::print("{}", r->Text());
  return r->identical() ? cli::kExitOk : cli::kExitFindingsOrUsage;
}

void Setup(CLI::App& app, std::function<int()>& run) {
  auto dir = std::make_shared<std::string>();  // shared: owned by the parsed options and the action
  app.add_option("dir", *dir, "Exhibit pack directory")->required();
  run = [dir] { return Run(*dir); };
}

const moneytrail::cli::VerbRegistration kReproduce(
    "reproduce", "Verify an exhibit pack's signature and hashes and re-run its analysis", Setup);

}  // namespace
