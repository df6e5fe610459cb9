// Internal: writes a pending segment's column files ahead of its commit. The writer hands over
// batches of rows; a background thread appends each batch to the column files (starting their
// write-back to disk at once) and gives the emptied buffers back for reuse. So an ingest's
// memory does not grow with its input, and copying the columns into the page cache overlaps
// parsing instead of following it. Finish() writes the headers and syncs the files; until then
// the files are in a segment directory that no manifest names (a crash leaves a leftover that
// the next writer removes; docs/format/store.md).
#ifndef MONEYTRAIL_SRC_STORE_COLUMN_SPILL_H_
#define MONEYTRAIL_SRC_STORE_COLUMN_SPILL_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "moneytrail/status.h"
#include "moneytrail/store.h"

namespace moneytrail::store::store_internal {

class ColumnSpill {
 public:
  // Creates `dir` and one column file per column in it (headers to be completed by Finish).
  static Result<std::unique_ptr<ColumnSpill>> Create(const std::filesystem::path& dir);
  // Stops the thread; the files stay (the owner removes the directory if it does not commit).
  ~ColumnSpill();

  // Queues `batch`'s rows for writing and replaces `batch` by an empty buffer (a reused one
  // when available, with its capacity). Waits while two batches are queued. Returns the first
  // write error so far.
  Status Add(TransactionColumns& batch);
  // Waits for the queued batches, writes each file's header, syncs the files. Afterwards
  // rows() and facts() describe everything written.
  Status Finish();

  uint64_t rows() const { return rows_; }  // rows handed over so far
  const ColumnFacts& facts() const { return facts_; }
  // Bytes of each column file when finished, by file name.
  std::map<std::string, uint64_t> FileBytes() const;

 private:
  explicit ColumnSpill(std::filesystem::path dir) : dir_(std::move(dir)) {}
  void Run();
  Status Write(const TransactionColumns& batch);

  std::filesystem::path dir_;
  std::vector<int> fds_;  // in MT_TRANSACTION_COLUMNS order
  std::vector<uint64_t> written_;  // payload bytes written per file
  uint64_t rows_ = 0;
  ColumnFacts facts_;  // of the batches written (the worker's)

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::unique_ptr<TransactionColumns>> queue_;
  std::vector<std::unique_ptr<TransactionColumns>> free_;
  bool busy_ = false;  // the worker holds a batch
  bool stopping_ = false;
  Status status_;
  std::thread worker_;
};

}  // namespace moneytrail::store::store_internal

#endif  // MONEYTRAIL_SRC_STORE_COLUMN_SPILL_H_
