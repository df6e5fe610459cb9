// `moneytrail audit verify DIR`: checks the workspace journal's hash chain, every entry's
// Ed25519 signature and the signed head (docs/workspace.md, "The journal"). Exit 0 intact,
// 3 when any entry was edited, deleted, inserted, reordered or the journal truncated; the first
// problem names the first bad entry.
#include <fmt/format.h>

#include <memory>
#include <string>

#include "moneytrail/workspace.h"
#include "verb.h"

namespace {

struct Options {
  std::string dir;
};

int RunVerify(const Options& o) {
  using namespace moneytrail;
  auto problems = workspace::VerifyJournal(o.dir);
  if (!problems.ok()) return cli::ReportError("audit verify", problems.status());
  for (const std::string& p : *problems) fmt::print("{}\n", p);
  if (problems->empty()) {
    fmt::print("journal intact: every entry's hash chain and signature verify, and the signed head matches\n");
    return cli::kExitOk;
  }
  fmt::print("JOURNAL NOT INTACT: {} (the first problem is the first bad entry)\n", o.dir);
  return cli::kExitIo;
}

void Setup(CLI::App& app, std::function<int()>& run) {
  auto o = std::make_shared<Options>();  // shared: owned by the parsed options and the action
  app.require_subcommand(1);
  CLI::App* verify = app.add_subcommand("verify", "Verify the workspace's audit journal");
  verify->add_option("dir", o->dir, "Workspace directory")->required();
  run = [o] { return RunVerify(*o); };
}

const moneytrail::cli::VerbRegistration kAudit("audit", "Verify the workspace's audit journal", Setup);

}  // namespace
