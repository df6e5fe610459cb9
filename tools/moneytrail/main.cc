// The `moneytrail` command: a thin dispatcher over the verbs registered in this folder.
#include <algorithm>
#include <cstdio>
#include <utility>
#include <vector>
#include <functional>
#include <string>

#include "moneytrail/version.h"
#include "verb.h"

namespace moneytrail::cli {

std::vector<Verb>& Verbs() {
  static std::vector<Verb> verbs;
  return verbs;
}

VerbRegistration::VerbRegistration(std::string name, std::string description, VerbSetup setup) {
  Verbs().push_back(Verb{std::move(name), std::move(description), std::move(setup)});
}

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return kExitOk;
    case StatusCode::kInvalidArgument:
    case StatusCode::kOutOfRange:
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
    case StatusCode::kNotFound:
      return kExitBadInput;
    case StatusCode::kIoError:
    case StatusCode::kDataLoss:
    case StatusCode::kResourceExhausted:
      return kExitIo;
    case StatusCode::kCancelled:
    case StatusCode::kUnknown:
    case StatusCode::kUnimplemented:
    case StatusCode::kInternal:
      return kExitIo;
  }
  return kExitIo;
}

int ReportError(std::string_view verb, const Status& status) {
  std::fprintf(stderr, "moneytrail %.*s: %s\n", static_cast<int>(verb.size()), verb.data(),
               std::string(status.message()).c_str());
  return ExitCodeFor(status);
}

}  // namespace moneytrail::cli

int main(int argc, char** argv) {
  using moneytrail::cli::Verbs;
  CLI::App app{"moneytrail: follow the money of smuggling and trafficking organisations"};
  app.set_version_flag("--version", std::string("moneytrail ") + moneytrail::kVersion);
  app.require_subcommand(1);
  std::sort(Verbs().begin(), Verbs().end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  std::vector<std::pair<CLI::App*, std::function<int()>>> actions;
  actions.reserve(Verbs().size());
  for (auto& verb : Verbs()) {
    CLI::App* sub = app.add_subcommand(verb.name, verb.description);
    actions.emplace_back(sub, nullptr);
    verb.setup(*sub, actions.back().second);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : moneytrail::cli::kExitFindingsOrUsage;
  }
  for (auto& [sub, run] : actions) {
    if (sub->parsed() && run) return run();
  }
  return moneytrail::cli::kExitFindingsOrUsage;
}
