#include "column_spill.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <span>

#include "columns.h"
#include "moneytrail/file_util.h"
#include "run_jobs.h"

namespace moneytrail::store::store_internal {

namespace {

// Element sizes and file names in MT_TRANSACTION_COLUMNS order.
struct ColumnFile {
  const char* name;
  uint32_t element_size;
};
const std::vector<ColumnFile>& ColumnFiles() {
  static const std::vector<ColumnFile> files = {
#define MT_FILE_ONE(field) \
  {#field ".col", static_cast<uint32_t>(sizeof(decltype(TransactionColumns::field)::value_type))},
      MT_TRANSACTION_COLUMNS(MT_FILE_ONE)
#undef MT_FILE_ONE
  };
  return files;
}

Status WriteAll(int fd, const char* data, size_t size, uint64_t offset,
                const std::filesystem::path& path) {
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::pwrite(fd, data + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("cannot write " + path.string(), errno);
    }
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<ColumnSpill>> ColumnSpill::Create(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return IoError("cannot create " + dir.string() + ": " + ec.message());
  std::unique_ptr<ColumnSpill> spill(new ColumnSpill(dir));
  for (const ColumnFile& f : ColumnFiles()) {
    const std::filesystem::path path = dir / f.name;
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoError("cannot create " + path.string(), errno);
    spill->fds_.push_back(fd);
    spill->written_.push_back(0);
    // The count is not known yet: Finish rewrites the header.
    const std::string header = ColumnHeader(f.element_size, 0);
    MT_RETURN_IF_ERROR(WriteAll(fd, header.data(), header.size(), 0, path));
  }
  spill->worker_ = std::thread([s = spill.get()] { s->Run(); });
  return spill;
}

ColumnSpill::~ColumnSpill() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (worker_.joinable()) worker_.join();
  for (int fd : fds_) ::close(fd);
}

Status ColumnSpill::Add(TransactionColumns& batch) {
  if (batch.size() == 0) return Status::Ok();
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return queue_.size() < 2 || !status_.ok(); });
  if (!status_.ok()) return status_;
  rows_ += batch.size();
  std::unique_ptr<TransactionColumns> full = std::make_unique<TransactionColumns>();
  std::swap(*full, batch);
  if (!free_.empty()) {
    std::swap(batch, *free_.back());
    free_.pop_back();
  }
  // Room for this batch's rows and an eighth more (a caller that spills at a fixed size hands
  // batches that differ by less than one of its chunks), so that filling the buffer does not
  // reallocate it: a copy, and its copy faulted in. A no-op for a reused buffer.
  batch.Reserve(full->size() + full->size() / 8);
  queue_.push_back(std::move(full));
  changed_.notify_all();
  return Status::Ok();
}

void ColumnSpill::Run() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    changed_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;  // the owner gave up the files
    std::unique_ptr<TransactionColumns> batch = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    const bool failed = !status_.ok();
    lock.unlock();
    Status s = failed ? Status::Ok() : Write(*batch);
    batch->Clear();  // keeps the capacity (and its pages) for the next batch
    lock.lock();
    if (!s.ok() && status_.ok()) status_ = s;
    free_.push_back(std::move(batch));
    busy_ = false;
    changed_.notify_all();
  }
}

Status ColumnSpill::Write(const TransactionColumns& batch) {
  facts_.Append(ColumnFacts::Of(batch));
  size_t i = 0;
  const std::vector<ColumnFile>& files = ColumnFiles();
#define MT_SPILL_ONE(field)                                                                 \
  {                                                                                         \
    const auto bytes = std::as_bytes(std::span(batch.field));                               \
    const uint64_t at = kColumnHeaderSize + written_[i];                                    \
    MT_RETURN_IF_ERROR(WriteAll(fds_[i], reinterpret_cast<const char*>(bytes.data()),       \
                                bytes.size(), at, dir_ / files[i].name));                   \
    /* Start the write-back now, so that the commit's sync finds little left to do. */      \
    ::sync_file_range(fds_[i], static_cast<off_t>(at), static_cast<off_t>(bytes.size()),    \
                      SYNC_FILE_RANGE_WRITE);                                               \
    written_[i] += bytes.size();                                                            \
    ++i;                                                                                    \
  }
  MT_TRANSACTION_COLUMNS(MT_SPILL_ONE)
#undef MT_SPILL_ONE
  return Status::Ok();
}

Status ColumnSpill::Finish() {
  {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return queue_.empty() && !busy_; });
    MT_RETURN_IF_ERROR(status_);
  }
  const std::vector<ColumnFile>& files = ColumnFiles();
  for (size_t i = 0; i < files.size(); ++i) {
    const std::filesystem::path path = dir_ / files[i].name;
    if (written_[i] != rows_ * files[i].element_size) {
      return InternalError(path.string() + ": column length differs from the row count");
    }
    const std::string header = ColumnHeader(files[i].element_size, rows_);
    MT_RETURN_IF_ERROR(WriteAll(fds_[i], header.data(), header.size(), 0, path));
  }
  // The syncs wait on the disk: one thread each, so that the journal commits them together
  // instead of one after another (about 4 ms each here). The first failure in file order.
  std::vector<std::function<Status()>> syncs;
  for (size_t i = 0; i < files.size(); ++i) {
    syncs.push_back([this, &files, i] {
      if (::fsync(fds_[i]) == 0) return Status::Ok();
      return ErrnoError("cannot sync " + (dir_ / files[i].name).string(), errno);
    });
  }
  return RunOnThreads(syncs, syncs.size());
}

std::map<std::string, uint64_t> ColumnSpill::FileBytes() const {
  std::map<std::string, uint64_t> bytes;
  const std::vector<ColumnFile>& files = ColumnFiles();
  for (size_t i = 0; i < files.size(); ++i) {
    bytes[files[i].name] = kColumnHeaderSize + written_[i];
  }
  return bytes;
}

}  // namespace moneytrail::store::store_internal
