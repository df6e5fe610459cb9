// Ingest: reads source files (IBM AMLworld CSV, AMLSim, moneytrail native CSV, or any CSV
// described by a TOML mapping), checks every row, and commits the accepted rows to a store as
// one new segment with a custody record per file. Rows that cannot be read go to the store's
// reject file with their line, column, value and reason; nothing is dropped silently:
// rows_read == rows_accepted + rows_rejected for every file.
//
// Bank statements (banners, debit/credit/balance columns, encodings, several accounts per file)
// are `mapped` files whose mapping describes the layout (docs/format/mapping.md); with several
// mappings, each file is read with the one mapping that fits it.
//
// Integrity (docs/format/mapping.md, "Integrity"): a file with rows of which none is accepted,
// or whose rejected rows cover more than max_reject_share of its lines, fails the whole ingest
// (nothing is committed); every row is valid UTF-8 without NUL, fields are at most 4,096 bytes,
// times lie in [min_time, max_time].
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
#include "moneytrail/transaction.h"

namespace moneytrail {

// Formats accepted by --format.
// camt, mt940 (and mt942) and auto read bank statement formats (include/moneytrail/formats.h)
// through the statement path: one custody record per file, the statement checks per statement.
inline constexpr const char* kIngestFormats[] = {"ibm-aml", "amlsim", "native", "mapped",
                                                 "camt",    "mt940",  "mt942",  "auto"};

struct IngestOptions {
  std::string format;                 // one of kIngestFormats
  std::filesystem::path mapping;      // the TOML mapping, for "mapped" (docs/format/mapping.md)
  // More mappings for "mapped" (with `mapping`, when set): each file is read with the one that
  // fits it (its header and banner); none or several fitting is an error naming the file and
  // the candidates.
  std::vector<std::filesystem::path> mappings;
  std::filesystem::path labels;       // AMLSim nodes.csv, for "amlsim" (optional)
  // Opening balances (optional, not for "amlsim"): a CSV `bank,account,currency,balance`
  // (docs/format/native-csv.md); each row sets the account's opening balance, which tracing
  // starts its ledger from. Recorded in custody as format "balances".
  std::filesystem::path balances;
  std::string amlsim_currency = "USD";  // AMLSim files carry no currency
  // The ingest commits nothing and fails when more rows than this are rejected in all.
  uint64_t max_rejects = 1000;
  // The ingest fails when one file's rejected rows cover more than this share of its lines
  // (a stray quote, a wrong mapping), whatever max_rejects says.
  double max_reject_share = 0.5;
  // Plausible times (inclusive): a row outside is rejected. Default 1900-01-01..2100-12-31.
  Timestamp min_time = -2208988800;  // 1900-01-01T00:00:00Z
  Timestamp max_time = 4133980799;   // 2100-12-31T23:59:59Z
  bool allow_duplicate_source = false;
  int threads = 0;                    // 0: all cores
  size_t chunk_bytes = 2 << 20;       // parse unit; tests make it small to exercise chunking
  // Pending rows are written ahead to the segment's files in batches of about this many
  // (StoreWriter::SpillPending), so memory stays bounded; tests make it small. Up to four
  // batch buffers are in flight (the one filling, two queued, one being written), each faulted
  // in once: 2^16 rows (~4 MB) rather than 2^18 cut the 5M-row ingest's peak RSS by ~30 MB and
  // its huge-page faults by 15, the store unchanged (bench/RESULTS-ingest.md, Session 17).
  size_t spill_rows = 1 << 16;
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
  uint32_t lines = 1;    // physical lines the rejected record spans
  // "file:line: field 'amount_paid' (column 8) = 'abc': reason"
  std::string ToString() const;
};

struct IngestReport {
  // One per file, as committed. Statement files follow the other files of the call (their
  // rows are appended together, after every statement file has been read).
  std::vector<store::SourceRecord> sources;
  uint64_t rows_read = 0;
  uint64_t rows_accepted = 0;
  uint64_t rows_rejected = 0;
  std::vector<RejectedRow> first_rejects;    // the first few, for messages
  uint64_t store_transactions = 0;           // after the commit
  uint32_t store_accounts = 0;
  // Statement files only (docs/format/mapping.md, "Enrichment and checks"): one paragraph of
  // counts, and the statement checks' findings, one line each ("" when there are none). The
  // same are stored with the commit (statement-checks.json, statement-enrichment.json).
  std::string statement_summary;
  std::string statement_checks_text;
};

// Ingests `files` into the store at `store_dir` (created if absent), in one commit.
// Errors: NotFound (missing file), InvalidArgument (not a CSV, empty, wrong header, a mapping
// error naming the key, a file that none or several of the mappings fit, too many rejects, a
// file with rows of which none was accepted or whose rejected rows cover more than
// max_reject_share of its lines: the message names the first bad lines), AlreadyExists (a file already ingested,
// unless allow_duplicate_source), IoError (a full disk...). On any error the store is unchanged.
Result<IngestReport> Ingest(const std::filesystem::path& store_dir,
                            const std::vector<std::filesystem::path>& files,
                            const IngestOptions& options);

}  // namespace moneytrail

#endif  // MONEYTRAIL_INGEST_H_
