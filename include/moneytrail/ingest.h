// Ingest: reads source files (IBM AMLworld CSV, AMLSim, moneytrail native CSV, or any CSV
// described by a TOML mapping), checks every row, and commits the accepted rows to a store as
// one new segment with a custody record per file. Rows that cannot be read go to the store's
// reject file with their line, column, value and reason; nothing is dropped silently:
// rows_read == rows_accepted + rows_rejected for every file.
//
// Example:
//   IngestOptions options;
//   options.format = "ibm-aml";
//   MT_ASSIGN_OR_RETURN(IngestReport report, Ingest("case.store", {"HI-Small_Trans.csv"}, options));
#ifndef MONEYTRAIL_INGEST_H_
#define MONEYTRAIL_INGEST_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "moneytrail/status.h"
#include "moneytrail/store.h"

namespace moneytrail {

// Formats accepted by --format.
inline constexpr const char* kIngestFormats[] = {"ibm-aml", "amlsim", "native", "mapped"};

struct IngestOptions {
  std::string format;                 // one of kIngestFormats
  std::filesystem::path mapping;      // the TOML mapping, for "mapped" (docs/format/mapping.md)
  std::filesystem::path labels;       // AMLSim nodes.csv, for "amlsim" (optional)
  // Opening balances (optional, not for "amlsim"): a CSV `bank,account,currency,balance`
  // (docs/format/native-csv.md); each row sets the account's opening balance, which tracing
  // starts its ledger from. Recorded in custody as format "balances".
  std::filesystem::path balances;
  std::string amlsim_currency = "USD";  // AMLSim files carry no currency
  // The ingest commits nothing and fails when more rows than this are rejected in all.
  uint64_t max_rejects = 1000;
  bool allow_duplicate_source = false;
  int threads = 0;                    // 0: all cores
  size_t chunk_bytes = 2 << 20;       // parse unit; tests make it small to exercise chunking
  // Pending rows are written ahead to the segment's files in batches of about this many
  // (StoreWriter::SpillPending), so memory stays bounded; tests make it small.
  size_t spill_rows = 1 << 18;
  // Called with the fraction done (0..1) from the ingesting thread; may be empty.
  std::function<void(double)> progress;
};

struct RejectedRow {
  std::string file;
  uint64_t line = 0;
  int column = 0;        // 1-based; 0 when the row as a whole is wrong
  std::string field;
  std::string value;
  std::string reason;
  // "file:line: field 'amount_paid' (column 8) = 'abc': reason"
  std::string ToString() const;
};

struct IngestReport {
  std::vector<store::SourceRecord> sources;  // one per file, as committed
  uint64_t rows_read = 0;
  uint64_t rows_accepted = 0;
  uint64_t rows_rejected = 0;
  std::vector<RejectedRow> first_rejects;    // the first few, for messages
  uint64_t store_transactions = 0;           // after the commit
  uint32_t store_accounts = 0;
};

// Ingests `files` into the store at `store_dir` (created if absent), in one commit.
// Errors: NotFound (missing file), InvalidArgument (not a CSV, empty, wrong header, too many
// rejects: the message names the first bad lines), AlreadyExists (a file already ingested,
// unless allow_duplicate_source), IoError (a full disk...). On any error the store is unchanged.
Result<IngestReport> Ingest(const std::filesystem::path& store_dir,
                            const std::vector<std::filesystem::path>& files,
                            const IngestOptions& options);

}  // namespace moneytrail

#endif  // MONEYTRAIL_INGEST_H_
