// `moneytrail version`: prints the version of the engine.
#include <cstdio>

#include "moneytrail/version.h"
#include "verb.h"

namespace {
void Setup(CLI::App& /*app*/, std::function<int()>& run) {
  run = [] {
    std::printf("moneytrail %s\n", moneytrail::kVersion);
    return 0;
  };
}
const moneytrail::cli::VerbRegistration kVersionVerb("version", "Print the version", Setup);
}  // namespace
