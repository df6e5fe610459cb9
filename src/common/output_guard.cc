// Outputs never destroy evidence: the output-path check, atomic output files, stale temporaries
// and durable directory creation (declared in moneytrail/file_util.h).
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <fstream>

#include "moneytrail/file_util.h"
#include "moneytrail/safe_text.h"

namespace moneytrail {

namespace fs = std::filesystem;

namespace {

// `p` made absolute with symlinks resolved as far as it exists.
fs::path Resolved(const fs::path& p) {
  std::error_code ec;
  fs::path abs = fs::absolute(p, ec);
  if (ec) abs = p;
  fs::path canonical = fs::weakly_canonical(abs, ec);
  return ec ? abs.lexically_normal() : canonical;
}

// True when `inner` is `outer` or lies below it (both resolved).
bool Within(const fs::path& inner, const fs::path& outer) {
  auto i = inner.begin();
  for (auto o = outer.begin(); o != outer.end(); ++o, ++i) {
    if (o->empty()) continue;  // a trailing separator
    if (i == inner.end() || *i != *o) return false;
  }
  return true;
}

bool SameFile(const fs::path& a, const fs::path& b) {
  struct stat sa {}, sb {};
  if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0) return false;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

std::string Quoted(const fs::path& p) { return Abbreviate(p.string()); }

}  // namespace

Status CheckOutputPath(const fs::path& output, std::string_view option, const ProtectedPaths& protect) {
  if (output.empty()) return Status::Ok();
  const fs::path out = Resolved(output);
  const std::string prefix = std::string(option) + " " + Quoted(output);
  for (const fs::path& f : protect.files) {
    if (f.empty()) continue;
    if (out == Resolved(f) || SameFile(output, f)) {
      return FailedPreconditionError(prefix + " is the evidence file " + Quoted(f) +
                                     " (an ingested source): refusing to overwrite it");
    }
  }
  for (const fs::path& d : protect.dirs) {
    if (d.empty()) continue;
    const fs::path dir = Resolved(d);
    if (Within(out, dir) || SameFile(output, d)) {
      return FailedPreconditionError(prefix + " lies in the store directory " + Quoted(d) +
                                     ": refusing to write inside a store");
    }
  }
  if (!protect.dir_marker.empty()) {
    std::error_code ec;
    for (fs::path dir = out; !dir.empty(); dir = dir.parent_path()) {
      if (fs::is_regular_file(dir / protect.dir_marker, ec)) {
        return FailedPreconditionError(prefix + " lies in the store directory " + Quoted(dir) +
                                       " (it holds " + protect.dir_marker +
                                       "): refusing to write inside a store");
      }
      if (dir == dir.root_path()) break;
    }
  }
  return Status::Ok();
}

Status CheckOutputDirectory(const fs::path& output_dir, std::string_view option,
                            const ProtectedPaths& protect) {
  MT_RETURN_IF_ERROR(CheckOutputPath(output_dir, option, protect));
  const fs::path out = Resolved(output_dir);
  auto inside = [&](const fs::path& p, const char* what) -> Status {
    if (p.empty() || !Within(Resolved(p), out)) return Status::Ok();
    return FailedPreconditionError(std::string(option) + " " + Quoted(output_dir) + " holds the " +
                                   what + " " + Quoted(p) + ": refusing to replace a directory "
                                   "that holds evidence");
  };
  for (const fs::path& d : protect.dirs) MT_RETURN_IF_ERROR(inside(d, "store directory"));
  for (const fs::path& f : protect.files) MT_RETURN_IF_ERROR(inside(f, "evidence file"));
  return Status::Ok();
}

bool ProcessAlive(long pid) {
  if (pid <= 0) return false;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

int RemoveStaleTemporaries(const fs::path& final_path, std::string_view infix) {
  const fs::path abs = Resolved(final_path);
  const std::string prefix = "." + abs.filename().string() + std::string(infix);
  std::error_code ec;
  int removed = 0;
  for (fs::directory_iterator it(abs.parent_path(), ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
    long pid = 0;
    const char* first = name.data() + prefix.size();
    const char* last = name.data() + name.size();
    auto [ptr, err] = std::from_chars(first, last, pid);
    if (err != std::errc() || ptr != last || ProcessAlive(pid)) continue;
    std::error_code rm;
    fs::remove_all(it->path(), rm);
    if (!rm) ++removed;
  }
  return removed;
}

Status CreateDirectoriesDurably(const fs::path& dir) {
  std::error_code ec;
  const fs::path abs = fs::absolute(dir, ec).lexically_normal();
  if (ec) return IoError("cannot resolve " + Quoted(dir) + ": " + ec.message());
  if (fs::is_directory(abs, ec)) return Status::Ok();
  fs::path parent = abs.parent_path();
  if (abs.filename().empty()) return CreateDirectoriesDurably(parent);  // "dir/"
  if (parent != abs) MT_RETURN_IF_ERROR(CreateDirectoriesDurably(parent));
  if (::mkdir(abs.c_str(), 0755) != 0 && errno != EEXIST) {
    return ErrnoError("cannot create directory " + Quoted(abs), errno);
  }
  return SyncDirectory(parent);
}

Result<AtomicOutputFile> AtomicOutputFile::Create(const fs::path& path) {
  AtomicOutputFile f;
  f.path_ = path;
  fs::path name = path.filename();
  if (name.empty()) return InvalidArgumentError("output " + Quoted(path) + " names a directory, not a file");
  RemoveStaleTemporaries(path, ".tmp-");
  f.temp_ = path.parent_path() / ("." + name.string() + ".tmp-" + std::to_string(::getpid()));
  f.stream_ = std::make_unique<std::ofstream>(f.temp_, std::ios::binary | std::ios::trunc);
  if (!*f.stream_) return ErrnoError("cannot create " + Quoted(f.temp_), errno);
  return f;
}

AtomicOutputFile::AtomicOutputFile(AtomicOutputFile&& other) noexcept
    : path_(std::move(other.path_)),
      temp_(std::move(other.temp_)),
      stream_(std::move(other.stream_)),
      committed_(other.committed_) {
  other.committed_ = true;  // the moved-from object owns no temporary
}

AtomicOutputFile& AtomicOutputFile::operator=(AtomicOutputFile&& other) noexcept {
  if (this != &other) {
    Discard();
    path_ = std::move(other.path_);
    temp_ = std::move(other.temp_);
    stream_ = std::move(other.stream_);
    committed_ = other.committed_;
    other.committed_ = true;
  }
  return *this;
}

AtomicOutputFile::~AtomicOutputFile() { Discard(); }

void AtomicOutputFile::Discard() {
  if (committed_ || temp_.empty()) return;
  committed_ = true;
  stream_.reset();
  std::error_code ec;
  fs::remove(temp_, ec);
}

std::ostream& AtomicOutputFile::stream() { return *stream_; }

Status AtomicOutputFile::Commit() {
  stream_->flush();
  if (!*stream_) return ErrnoError("cannot write " + Quoted(temp_), errno);
  stream_->close();
  if (stream_->fail()) return ErrnoError("cannot write " + Quoted(temp_), errno);
  int fd = ::open(temp_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("cannot reopen " + Quoted(temp_), errno);
  const int synced = ::fsync(fd);
  const int sync_errno = errno;
  ::close(fd);
  if (synced != 0) return ErrnoError("cannot sync " + Quoted(temp_), sync_errno);
  std::error_code ec;
  fs::rename(temp_, path_, ec);
  if (ec) return IoError("cannot rename " + Quoted(temp_) + " to " + Quoted(path_) + ": " + ec.message());
  committed_ = true;
  fs::path dir = path_.parent_path();
  return SyncDirectory(dir.empty() ? fs::path(".") : dir);
}

Status WriteFileAtomically(const fs::path& path, std::string_view contents) {
  MT_ASSIGN_OR_RETURN(AtomicOutputFile out, AtomicOutputFile::Create(path));
  out.stream().write(contents.data(), static_cast<std::streamsize>(contents.size()));
  return out.Commit();
}

}  // namespace moneytrail
