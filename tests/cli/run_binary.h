// Test helpers for end-to-end runs of the real `moneytrail` binary (MONEYTRAIL_BINARY): run it to
// completion capturing its exit code and output, or spawn it in the background (to kill it), plus
// temporary directories and small file helpers. Header-only; used by tests/cli and the crash test.
//
// Example:
//   TempDir dir;
//   RunResult r = RunMoneytrail({"ingest", dir.path() / "s", "tx.csv", "--format", "ibm-aml"});
//   EXPECT_EQ(r.exit_code, 0) << r.err;
#ifndef MONEYTRAIL_TESTS_CLI_RUN_BINARY_H_
#define MONEYTRAIL_TESTS_CLI_RUN_BINARY_H_

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace moneytrail::test_util {

inline std::string ReadWholeFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void WriteWholeFile(const std::filesystem::path& path, std::string_view contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

// A fresh directory under $TMPDIR (or /tmp), removed with its contents on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "mt-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed: " + std::string(std::strerror(errno)));
    }
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct RunResult {
  int exit_code = -1;   // -1 when killed by a signal
  int term_signal = 0;  // the signal that ended it, or 0
  std::string out;      // its stdout
  std::string err;      // its stderr
};

// Starts MONEYTRAIL_BINARY with `args`, stdout and stderr sent to the given files (or /dev/null
// when empty). Returns the child's pid; throws on failure to spawn.
inline pid_t SpawnMoneytrail(const std::vector<std::string>& args,
                             const std::filesystem::path& out_file = {},
                             const std::filesystem::path& err_file = {}) {
  std::vector<std::string> argv_storage = {MONEYTRAIL_BINARY};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string out = out_file.empty() ? "/dev/null" : out_file.string();
  const std::string err = err_file.empty() ? "/dev/null" : err_file.string();
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    throw std::runtime_error(std::string("cannot spawn ") + MONEYTRAIL_BINARY + ": " +
                             std::strerror(rc));
  }
  return pid;
}

// Waits for `pid` and decodes its status.
inline RunResult WaitFor(pid_t pid) {
  RunResult r;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw std::runtime_error("waitpid failed");
  }
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.term_signal = WTERMSIG(status);
  return r;
}

// Runs `moneytrail args...` to completion and returns its exit code and output.
inline RunResult RunMoneytrail(const std::vector<std::string>& args) {
  TempDir io;
  pid_t pid = SpawnMoneytrail(args, io.path() / "out", io.path() / "err");
  RunResult r = WaitFor(pid);
  r.out = ReadWholeFile(io.path() / "out");
  r.err = ReadWholeFile(io.path() / "err");
  return r;
}

// For failure messages: the command line.
inline std::string CommandLine(const std::vector<std::string>& args) {
  std::string s = "moneytrail";
  for (const auto& a : args) s += " " + a;
  return s;
}

// Splits a CSV line (RFC 4180 quotes, no embedded newlines in generated files).
inline std::vector<std::string> SplitCsvLine(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

}  // namespace moneytrail::test_util

#endif  // MONEYTRAIL_TESTS_CLI_RUN_BINARY_H_
