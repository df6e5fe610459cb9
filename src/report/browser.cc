#include "report/browser.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <thread>

#include <fmt/format.h>

#include "moneytrail/file_util.h"

extern char** environ;

namespace moneytrail::report_internal {

namespace fs = std::filesystem;

Result<ScratchDir> ScratchDir::Create(std::string_view prefix) {
  std::error_code ec;
  fs::path base = fs::temp_directory_path(ec);
  if (ec) base = "/tmp";
  std::string pattern = (base / (std::string(prefix) + "XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    return ErrnoError(fmt::format("cannot create a temporary directory {}", pattern), errno);
  }
  return ScratchDir(fs::path(pattern));
}

ScratchDir::~ScratchDir() {
  if (path_.empty()) return;
  std::error_code ec;
  fs::remove_all(path_, ec);  // best effort: a leftover temp dir is not worth failing for
}

namespace {

// Reads a whole small file; empty when it cannot be read.
std::string Slurp(const fs::path& path) {
  Result<std::string> text = ReadFileToString(path);
  return text.ok() ? std::move(text).value() : std::string();
}

std::vector<std::string> MergedEnvironment(const std::vector<std::string>& overrides) {
  std::map<std::string, std::string> vars;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view kv(*e);
    size_t eq = kv.find('=');
    if (eq != std::string_view::npos) vars[std::string(kv.substr(0, eq))] = std::string(kv);
  }
  for (const std::string& kv : overrides) vars[kv.substr(0, kv.find('='))] = kv;
  std::vector<std::string> out;
  for (auto& [name, kv] : vars) out.push_back(std::move(kv));
  return out;
}

bool IsExecutable(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec) && ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

Result<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                 const std::vector<std::string>& env, int timeout_seconds,
                                 const fs::path& scratch) {
  fs::path out_path = scratch / "child.stdout", err_path = scratch / "child.stderr";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);  // its own group, so a timeout kills its helpers too

  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> environment = MergedEnvironment(env);
  std::vector<char*> envp;
  for (std::string& kv : environment) envp.push_back(kv.data());
  envp.push_back(nullptr);

  auto start = std::chrono::steady_clock::now();
  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, argv[0].c_str(), &actions, &attr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return ErrnoError(fmt::format("cannot start {}", argv[0]), rc);

  ProcessResult result;
  auto deadline = start + std::chrono::seconds(timeout_seconds);
  int status = 0;
  while (true) {
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) {
      return ErrnoError(fmt::format("waiting for {}", argv[0]), errno);
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      result.timed_out = true;
      ::kill(-pid, SIGKILL);
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // Helpers the browser left behind in its group (it normally reaps them itself).
  ::kill(-pid, SIGKILL);
  result.elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - start)
                          .count();
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.exit_code = 128 + WTERMSIG(status);
  result.stdout_text = Slurp(out_path);
  result.stderr_text = Slurp(err_path);
  return result;
}

Result<std::string> FindChromium(const std::string& configured) {
  if (!configured.empty()) {
    if (IsExecutable(configured)) return configured;
    return FailedPreconditionError(
        fmt::format("the browser {} (given) is not an executable file", configured));
  }
  if (const char* env = std::getenv("MONEYTRAIL_CHROMIUM"); env != nullptr && *env != '\0') {
    if (IsExecutable(env)) return std::string(env);
    return FailedPreconditionError(
        fmt::format("MONEYTRAIL_CHROMIUM={} is not an executable file", env));
  }
  const char* path_env = std::getenv("PATH");
  std::string path_list = path_env != nullptr ? path_env : "/usr/local/bin:/usr/bin:/bin";
  // Debian's chromium-headless-shell first: the "old headless" browser, built for printing and
  // screenshots, prints an exhibit with about a third of the CPU of the full browser and the
  // same PDF text (bench/exhibit_chromium_flags.sh, bench/RESULTS-exhibits.md, session 12).
  static constexpr const char* kNames[] = {"chromium-headless-shell", "chromium", "chromium-browser",
                                           "google-chrome"};
  for (const char* name : kNames) {
    size_t begin = 0;
    while (begin <= path_list.size()) {
      size_t end = path_list.find(':', begin);
      if (end == std::string::npos) end = path_list.size();
      std::string dir = path_list.substr(begin, end - begin);
      fs::path candidate = fs::path(dir.empty() ? "." : dir) / name;
      if (IsExecutable(candidate)) return candidate.string();
      begin = end + 1;
    }
  }
  return FailedPreconditionError(fmt::format(
      "no headless browser found: tried $MONEYTRAIL_CHROMIUM and chromium-headless-shell, "
      "chromium, chromium-browser, google-chrome on PATH ({}); install Debian's "
      "chromium-headless-shell or chromium (scripts/install-deps)",
      path_list));
}

std::string FileUrl(const fs::path& path) {
  std::error_code ec;
  fs::path abs = fs::absolute(path, ec);
  if (ec) abs = path;
  std::string url = "file://";
  for (unsigned char c : abs.lexically_normal().string()) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '/' || c == '-' || c == '_' || c == '.' || c == '~';
    url += plain ? std::string(1, static_cast<char>(c)) : fmt::format("%{:02X}", c);
  }
  return url;
}

Result<ProcessResult> RunHeadlessChromium(const std::string& chromium,
                                          const std::vector<std::string>& extra,
                                          int timeout_seconds, const fs::path& scratch) {
  fs::path home = scratch / "home";
  std::error_code ec;
  fs::create_directories(home, ec);
  if (ec) return IoError(fmt::format("cannot create {}: {}", home.string(), ec.message()));
  std::vector<std::string> argv = {
      chromium,
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--no-first-run",
      "--no-default-browser-check",
      "--disable-extensions",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-default-apps",
      "--disable-breakpad",
      "--mute-audio",
      "--hide-scrollbars",
      "--user-data-dir=" + (scratch / "profile").string(),
  };
  argv.insert(argv.end(), extra.begin(), extra.end());
  std::vector<std::string> env = {
      "HOME=" + home.string(),
      "XDG_CONFIG_HOME=" + (home / ".config").string(),
      "XDG_CACHE_HOME=" + (home / ".cache").string(),
      "DBUS_SESSION_BUS_ADDRESS=disabled:",
  };
  return RunProcess(argv, env, timeout_seconds, scratch);
}

}  // namespace moneytrail::report_internal
