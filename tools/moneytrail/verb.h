// How a CLI verb plugs into the `moneytrail` command. Each verb lives in its own file
// (tools/moneytrail/<verb>.cc) and registers itself with a static VerbRegistration:
//
//   namespace {
//   struct Options { std::string store; };
//   void Setup(CLI::App& app, std::function<int()>& run) {
//     auto opts = std::make_shared<Options>();  // shared: outlives Setup, owned by the lambda
//     app.add_option("store", opts->store)->required();
//     run = [opts] { return RunInfo(*opts); };
//   }
//   const moneytrail::cli::VerbRegistration kInfo("info", "Summarise a store", Setup);
//   }  // namespace
//
// Verbs are thin adapters over the library API in include/moneytrail/.
#ifndef MONEYTRAIL_TOOLS_VERB_H_
#define MONEYTRAIL_TOOLS_VERB_H_

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "moneytrail/status.h"

namespace moneytrail::store {
class Store;
}  // namespace moneytrail::store

namespace moneytrail::cli {

// Sets up the verb's options on `app` and stores in `run` the action to run after parsing;
// the action returns the process exit code.
using VerbSetup = std::function<void(CLI::App& app, std::function<int()>& run)>;

struct Verb {
  std::string name;
  std::string description;
  VerbSetup setup;
};

// All registered verbs, sorted by name.
std::vector<Verb>& Verbs();

struct VerbRegistration {
  VerbRegistration(std::string name, std::string description, VerbSetup setup);
};

// Exit codes, in one table (STYLE.md): 0 ok, 1 findings or usage error, 2 bad input,
// 3 I/O failure or data loss.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFindingsOrUsage = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitIo = 3;

// Maps a Status to the process exit code.
int ExitCodeFor(const Status& status);

// Prints "moneytrail <verb>: <message>" on stderr and returns ExitCodeFor(status). The message
// is printed as it is (callers bound quoted values with Abbreviate, moneytrail/safe_text.h).
int ReportError(std::string_view verb, const Status& status);

// Runs a verb's action inside the one top-level guard of the CLI: any exception that escapes it
// (std::exception, nlohmann's, bad_alloc, anything), or that ends the process from another
// thread through std::terminate, is printed as "moneytrail VERB: internal error: ..." and the
// exit code is kExitIo (3) instead of an abort. Returns the action's exit code otherwise.
int RunGuarded(std::string_view verb, const std::function<int()>& action);

// The one output-path check of the CLI (file_util.h CheckOutputPath): OK when no non-empty path
// of `outputs` (option name, path) lands on an evidence file of `store` (an ingested source, an
// attached KYC file) or inside a store directory (`store`'s, or any other by its MANIFEST).
// `store` may be null (only the MANIFEST rule applies). FailedPrecondition names the option, the
// path and what it would destroy.
Status CheckOutputs(const store::Store* store,
                    const std::vector<std::pair<std::string, std::string>>& outputs);

}  // namespace moneytrail::cli

#endif  // MONEYTRAIL_TOOLS_VERB_H_
