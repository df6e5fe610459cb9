// Internal: running headless Chromium as a child process, for the PDF and for the browser
// tests. No shell is involved: arguments go to posix_spawn as they are.
#ifndef MONEYTRAIL_SRC_REPORT_BROWSER_H_
#define MONEYTRAIL_SRC_REPORT_BROWSER_H_

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "moneytrail/status.h"

namespace moneytrail::report_internal {

// A private temporary directory (mkdtemp under the system's temp dir), removed with everything
// in it when the object dies. Move-only.
class ScratchDir {
 public:
  // `prefix` names the directory ("moneytrail-pdf-"); the rest is random and unique.
  static Result<ScratchDir> Create(std::string_view prefix);
  ScratchDir(ScratchDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  ScratchDir& operator=(ScratchDir&&) = delete;
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  explicit ScratchDir(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

struct ProcessResult {
  int exit_code = -1;       // the exit status, or 128 + signal when killed by one
  bool timed_out = false;   // killed (with its process group) after the timeout
  std::string stdout_text;
  std::string stderr_text;
  int64_t elapsed_ms = 0;
};

// Runs argv[0] (a path) with `argv` in its own process group, the environment of this process
// with `env` (NAME=VALUE) overriding, stdin from /dev/null and stdout and stderr captured to
// files in `scratch`. Kills the whole group after `timeout_seconds`. IoError when it cannot be
// started. REQUIRES: !argv.empty(); `scratch` exists.
Result<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                 const std::vector<std::string>& env, int timeout_seconds,
                                 const std::filesystem::path& scratch);

// The browser binary: `configured` when not empty, else $MONEYTRAIL_CHROMIUM, else the first of
// chromium-headless-shell, chromium, chromium-browser, google-chrome found on PATH.
// FailedPrecondition naming what was tried when none is executable.
Result<std::string> FindChromium(const std::string& configured);

// "file:///abs/path%20with%20space.html" for an existing or future local file.
std::string FileUrl(const std::filesystem::path& path);

// Runs `chromium` headless with a private profile and HOME under `scratch` and `extra` args
// (the last one is usually the URL). The flags that keep it quiet and offline are added here.
Result<ProcessResult> RunHeadlessChromium(const std::string& chromium,
                                          const std::vector<std::string>& extra,
                                          int timeout_seconds,
                                          const std::filesystem::path& scratch);

}  // namespace moneytrail::report_internal

#endif  // MONEYTRAIL_SRC_REPORT_BROWSER_H_
