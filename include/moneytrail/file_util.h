// Files: read-only memory maps, durable writes, directory fsync and SHA-256 digests.
//
// Example:
//   MT_ASSIGN_OR_RETURN(MappedFile f, MappedFile::Open("tx.csv"));
//   std::string_view bytes = f.view();
//   std::string hex = Sha256Hex(bytes);
//   MT_RETURN_IF_ERROR(WriteFileDurably("out/MANIFEST.tmp", json_text));
#ifndef MONEYTRAIL_FILE_UTIL_H_
#define MONEYTRAIL_FILE_UTIL_H_

#include <cstddef>
#include <filesystem>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/status.h"

namespace moneytrail {

// A read-only memory map of a whole file. Move-only; the view is valid while it lives.
// An empty file maps to an empty view.
class MappedFile {
 public:
  static Result<MappedFile> Open(const std::filesystem::path& path);
  MappedFile() = default;
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  std::string_view view() const { return {static_cast<const char*>(data_), size_}; }
  const void* data() const { return data_; }
  size_t size() const { return size_; }
  // Tells the kernel that bytes [begin, end) will not be read again, so their pages leave the
  // process's resident set (they are re-read from the file if touched again).
  void DropPages(size_t begin, size_t end) const;
  // Asks the kernel to map the pages of bytes [begin, end) now, in one call, rather than one
  // fault per page on first touch (MADV_POPULATE_READ). A hint: failure changes nothing.
  void PrefaultPages(size_t begin, size_t end) const;

 private:
  void* data_ = nullptr;
  size_t size_ = 0;
};

// Asks the kernel to map the pages of [data, data + bytes) now, in one call (MADV_POPULATE_READ),
// rather than one fault per page on first read: for memory-mapped files about to be scanned. A
// hint: failure or an older kernel changes nothing. `data` need not be aligned.
void PrefaultRange(const void* data, size_t bytes);

// Asks the kernel to back the memory [data, data + bytes) with transparent huge pages
// (MADV_HUGEPAGE) where it holds whole 2 MiB pages: one fault and one TLB entry per 2 MiB instead
// of 512, for big buffers filled once or read at random (ingest columns, hash tables). A hint:
// failure or a kernel without THP changes nothing. `data` need not be aligned.
void AdviseHugePages(const void* data, size_t bytes);

// Writes `contents` to `path` (created or truncated) and fsyncs it.
Status WriteFileDurably(const std::filesystem::path& path, std::string_view contents);
// The same for consecutive pieces (no copy into one buffer).
Status WriteFileDurably(const std::filesystem::path& path,
                        std::initializer_list<std::string_view> pieces);
// fsyncs a directory so that a rename or a new entry in it is durable.
Status SyncDirectory(const std::filesystem::path& dir);
// Creates `dir` and its missing ancestors, fsyncing the parent of each directory it creates so
// that the new entries survive a crash. OK when `dir` already exists as a directory.
Status CreateDirectoriesDurably(const std::filesystem::path& dir);
// Reads a whole file into a string.
Result<std::string> ReadFileToString(const std::filesystem::path& path);

// ---- Outputs never destroy evidence (issue #25) ----------------------------------------------

// What an output must not be written onto or into.
struct ProtectedPaths {
  // Evidence files (ingested sources, attached KYC files): no output onto them.
  std::vector<std::filesystem::path> files;
  // Store directories: no output onto or inside them.
  std::vector<std::filesystem::path> dirs;
  // When non-empty, any directory that holds a file of this name (a store's "MANIFEST") is
  // protected as `dirs` are, even one not listed.
  std::string dir_marker;
};

// The one check every verb makes before writing an output. OK when `output` may be written;
// FailedPrecondition, naming `option` (e.g. "--out"), the output and the protected path, when
// `output` resolves (through symlinks, "..", or a hard link to the same file) onto one of
// protect.files, or onto or inside one of protect.dirs or a directory marked by dir_marker.
Status CheckOutputPath(const std::filesystem::path& output, std::string_view option,
                       const ProtectedPaths& protect);

// The same for an output directory that replaces what it finds (a case directory): also
// FailedPrecondition when a protected file or directory lies inside `output_dir`.
Status CheckOutputDirectory(const std::filesystem::path& output_dir, std::string_view option,
                            const ProtectedPaths& protect);

// True when `pid` names a live process (kill(pid, 0) succeeds or is refused for permission).
bool ProcessAlive(long pid);

// Removes the siblings of `final_path` named ".NAME<infix>PID" (e.g. infix ".tmp-") whose PID is
// not a live process: the leftovers of runs that died. Best effort; returns how many it removed.
int RemoveStaleTemporaries(const std::filesystem::path& final_path, std::string_view infix);

// An output file written under a temporary name beside it (".NAME.tmp-PID") and renamed over
// `path` by Commit, so that a failed or killed run never leaves a truncated file and a previous
// file stays intact until the new one is complete. Without Commit, the destructor removes the
// temporary. Move-only; not thread-safe.
//
//   MT_ASSIGN_OR_RETURN(AtomicOutputFile out, AtomicOutputFile::Create("alerts.jsonl"));
//   out.stream() << header << '\n';
//   MT_RETURN_IF_ERROR(out.Commit());
class AtomicOutputFile {
 public:
  // Opens the temporary (after removing stale ones of dead runs). IoError when it cannot.
  static Result<AtomicOutputFile> Create(const std::filesystem::path& path);
  AtomicOutputFile(AtomicOutputFile&& other) noexcept;
  AtomicOutputFile& operator=(AtomicOutputFile&& other) noexcept;
  AtomicOutputFile(const AtomicOutputFile&) = delete;
  AtomicOutputFile& operator=(const AtomicOutputFile&) = delete;
  ~AtomicOutputFile();

  // The stream to write to. REQUIRES: Commit not called yet.
  std::ostream& stream();
  const std::filesystem::path& path() const { return path_; }
  const std::filesystem::path& temporary_path() const { return temp_; }
  // Flushes, fsyncs, renames the temporary over path() and fsyncs the directory.
  Status Commit();

 private:
  AtomicOutputFile() = default;
  void Discard();  // removes the temporary unless committed
  std::filesystem::path path_, temp_;
  std::unique_ptr<std::ofstream> stream_;
  bool committed_ = false;
};

// Writes `contents` to `path` through an AtomicOutputFile.
Status WriteFileAtomically(const std::filesystem::path& path, std::string_view contents);

// Hex SHA-256 of bytes, via OpenSSL's EVP interface.
std::string Sha256Hex(std::string_view bytes);

// Incremental SHA-256: Update with consecutive pieces, then Finish once.
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;
  void Update(std::string_view bytes);
  // Hex digest. REQUIRES: called once.
  std::string Finish();

 private:
  void* ctx_;  // EVP_MD_CTX
};

}  // namespace moneytrail

#endif  // MONEYTRAIL_FILE_UTIL_H_
