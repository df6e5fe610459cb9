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
#include <vector>

#include "moneytrail/status.h"

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

// Prints "moneytrail <verb>: <message>" on stderr and returns ExitCodeFor(status).
int ReportError(std::string_view verb, const Status& status);

}  // namespace moneytrail::cli

#endif  // MONEYTRAIL_TOOLS_VERB_H_
