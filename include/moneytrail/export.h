// Export: writes a store's transactions back to CSV, in moneytrail's native layout (lossless with
// `verbatim`: ingesting the export reproduces the same rows and exact amounts) or IBM AMLworld's layout
// (lossless for data that came from that layout; other channels map to the nearest IBM payment
// format, kinds and locations are dropped; see docs/format/native-csv.md).
//
// Example:
//   MT_RETURN_IF_ERROR(ExportTransactions(store, "out.csv", ExportFormat::kNative));
#ifndef MONEYTRAIL_EXPORT_H_
#define MONEYTRAIL_EXPORT_H_

#include <filesystem>

#include "moneytrail/status.h"
#include "moneytrail/store.h"

namespace moneytrail {

enum class ExportFormat { kNative, kIbmAml };

struct ExportOptions {
  // false (the default): text cells that a spreadsheet would run as a formula (first byte '=',
  // '+', '-', '@', TAB or CR) are written as "'" + value, quoted (moneytrail/safe_text.h);
  // amounts, times and codes are never changed. true: every value exactly as stored, for a
  // lossless round trip (not safe to open in a spreadsheet).
  bool verbatim = false;
};

// Writes to `out` via a temporary file and a rename, so a failed export leaves no partial file.
Status ExportTransactions(const store::Store& store, const std::filesystem::path& out,
                          ExportFormat format, const ExportOptions& options = {});

}  // namespace moneytrail

#endif  // MONEYTRAIL_EXPORT_H_
