// Internal: the bank statement formats of include/moneytrail/formats.h (camt, MT940/942, and
// the others as they are added) turned into the statement path's StatementFiles, so that a
// camt or MT940 file goes through the same enrichment, balance/continuity/overlap/mirror checks
// and custody as a mapped CSV statement (AppendStatementRows). One StatementFile per statement
// in the file; the parts of one file share its custody record (StatementFile::continues_previous).
#ifndef MONEYTRAIL_SRC_IO_STATEMENT_FORMATS_H_
#define MONEYTRAIL_SRC_IO_STATEMENT_FORMATS_H_

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "ingester.h"
#include "moneytrail/formats.h"

namespace moneytrail::io_internal {

// True for the --format names this adapter serves: camt, mt940, mt942, bai2, ofx, auto.
bool IsStatementFormatName(std::string_view format);

// What one file read as a statement format gives: its statements as StatementFiles (in file
// order; the first has continues_previous false, the others true) and the reader's findings
// (declared totals that disagree: one line each).
struct FormatFile {
  std::vector<std::unique_ptr<StatementFile>> parts;
  formats::StatementFormat format = formats::StatementFormat::kUnknown;
  std::string variant;
  std::vector<std::string> findings;
};

// Reads `path` as `format` (kUnknown: sniffed from its content; then NotFound-like
// InvalidArgument when it is none of the formats). Entries with a zero amount or a date outside
// [min_time, max_time] are rejected rows (with their line); any other problem refuses the file
// with the reader's message (file, position, field, value, expected).
Result<FormatFile> ReadFormatFile(const std::filesystem::path& path, formats::StatementFormat format,
                                  Timestamp min_time, Timestamp max_time);

}  // namespace moneytrail::io_internal

#endif  // MONEYTRAIL_SRC_IO_STATEMENT_FORMATS_H_
