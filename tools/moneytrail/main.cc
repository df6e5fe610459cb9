// The `moneytrail` command: a thin dispatcher over the verbs registered in this folder.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <thread>
#include <exception>
#include <functional>
#include <new>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "moneytrail/file_util.h"
#include "moneytrail/investigate.h"
#include "moneytrail/safe_text.h"
#include "moneytrail/store.h"
#include "moneytrail/version.h"
#include "verb.h"

#ifdef MONEYTRAIL_JEMALLOC
// jemalloc reads this at its start (tools/moneytrail/CMakeLists.txt): transparent huge pages for
// its heap and metadata, so that a large intake faults in 2 MiB pages, not 4 KiB ones
// (bench/RESULTS-statements.md, session 13). The environment's MALLOC_CONF is applied after it.
extern "C" {
extern const char* malloc_conf;
const char* malloc_conf = "thp:always,metadata_thp:auto";
}
#endif

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
    case StatusCode::kPermissionDenied:
    case StatusCode::kUnauthenticated:
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
  // A backstop: callers bound each value they quote; the whole line is bounded here too.
  std::fprintf(stderr, "moneytrail %.*s: %s\n", static_cast<int>(verb.size()), verb.data(),
               Abbreviate(status.message(), 16 * kMaxQuotedBytes).c_str());
  return ExitCodeFor(status);
}

namespace {

// The verb being run, for the terminate handler (set once, before the action starts).
std::string g_verb = "moneytrail";

// What an escaped exception says, in words.
std::string Describe(std::exception_ptr e) {
  try {
    if (e) std::rethrow_exception(e);
    return "the program was terminated without an exception";
  } catch (const std::bad_alloc&) {
    return "out of memory (std::bad_alloc)";
  } catch (const nlohmann::json::exception& ex) {
    return std::string("JSON: ") + ex.what();
  } catch (const std::exception& ex) {
    return ex.what();
  } catch (...) {
    return "an exception of unknown type";
  }
}

void PrintInternalError(const std::string& what) {
  std::fprintf(stderr, "moneytrail %s: internal error: %s\n", g_verb.c_str(), Abbreviate(what).c_str());
  std::fflush(stderr);
}

// An exception escaping a worker thread (or a noexcept function) ends the process through
// std::terminate; say what it was and exit 3 rather than abort.
[[noreturn]] void OnTerminate() {
  PrintInternalError(Describe(std::current_exception()));
  ::_exit(kExitIo);
}

// For the guard's own tests: MONEYTRAIL_TEST_THROW=runtime|json|bad_alloc|int|thread makes the
// verb throw that before it starts (thread: from a worker thread).
void ThrowForTesting() {
  const char* what = std::getenv("MONEYTRAIL_TEST_THROW");
  if (what == nullptr) return;
  const std::string w = what;
  if (w == "runtime") throw std::runtime_error("test exception");
  if (w == "json") {
    nlohmann::json parsed = nlohmann::json::parse("{", nullptr, true);  // throws parse_error
    std::fprintf(stderr, "%s\n", parsed.dump().c_str());
  }
  if (w == "bad_alloc") throw std::bad_alloc();
  if (w == "int") throw 42;
  if (w == "thread") {
    std::thread t([] { throw std::logic_error("thrown in a worker thread"); });
    t.join();
  }
}

}  // namespace

int RunGuarded(std::string_view verb, const std::function<int()>& action) {
  g_verb = std::string(verb);
  std::set_terminate(OnTerminate);
  try {
    ThrowForTesting();
    return action();
  } catch (...) {
    PrintInternalError(Describe(std::current_exception()));
    return kExitIo;
  }
}

Status CheckOutputs(const store::Store* store,
                    const std::vector<std::pair<std::string, std::string>>& outputs) {
  ProtectedPaths protect;
  if (store != nullptr) {
    protect = cases::EvidencePaths(*store);
  } else {
    protect.dir_marker = "MANIFEST";
  }
  for (const auto& [option, path] : outputs) {
    MT_RETURN_IF_ERROR(CheckOutputPath(path, option, protect));
  }
  return Status::Ok();
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
  bool verify_store = false;
  for (auto& verb : Verbs()) {
    CLI::App* sub = app.add_subcommand(verb.name, verb.description);
    actions.emplace_back(sub, nullptr);
    verb.setup(*sub, actions.back().second);
    // Every verb that reads a store checks its block CRC32Cs as it opens it; --verify adds each
    // file's SHA-256 (docs/format/store.md, When checksums are checked).
    const bool reads_store = sub->get_option_no_throw("store") != nullptr ||
                             sub->get_option_no_throw("--store") != nullptr;
    if (reads_store && verb.name != "verify" && verb.name != "ingest") {
      sub->add_flag("--verify", verify_store,
                    "Also check the SHA-256 of every store file before reading it (slower)");
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : moneytrail::cli::kExitFindingsOrUsage;
  }
  if (verify_store) moneytrail::store::SetDefaultOpenOptions({.verify_sha256 = true});
  for (auto& [sub, run] : actions) {
    if (sub->parsed() && run) return moneytrail::cli::RunGuarded(sub->get_name(), run);
  }
  return moneytrail::cli::kExitFindingsOrUsage;
}
