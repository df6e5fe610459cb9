// Internal: the CSV reader's block path (csv.cc) reads 32 bytes at a time where the CPU has
// AVX2 (checked at run time), else 16 (SSE2). Tests run both.
#ifndef MONEYTRAIL_SRC_IO_CSV_BLOCK_H_
#define MONEYTRAIL_SRC_IO_CSV_BLOCK_H_

namespace moneytrail::io_internal {

// True when CsvRecordReader's block path reads 32 bytes at a time.
bool CsvAvx2Enabled();
// Turns the 32-byte path on (only where the CPU has AVX2) or off; returns the previous
// setting. Not thread-safe: for tests, before any reader runs.
bool SetCsvAvx2ForTesting(bool on);

}  // namespace moneytrail::io_internal

#endif  // MONEYTRAIL_SRC_IO_CSV_BLOCK_H_
