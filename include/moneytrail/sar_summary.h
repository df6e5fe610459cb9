// A SAR-style case summary (issue 21, item 6; docs/exhibits.md): the narrative a filer starts
// from, generated from a case directory (subjects.csv, alerts.jsonl, trails/, custody.json and
// the store it names). Plain, editable text; moneytrail never files anything.
//
//   WHO    the top subjects: names, accounts, related parties
//   WHAT   instruments and channels, counts and exact totals per currency
//   WHEN   first and last activity
//   WHERE  the places the records give for the subjects' transactions (branch, city, region,
//          country) and the banks of their counterparties
//   WHY    the red flags, each with its advisory citation; where the rules encode human
//          smuggling, FinCEN Alert FIN-2023-Alert001 and its key term FIN-2023-HUMANSMUGGLING
//   HOW    where the traced money went (the trails' dispositions)
//   then a chronological narrative of the alerts, with account numbers, names and amounts, and
//   the transaction table as one CSV attachment of at most 1 MB (FinCEN's limit), saying what
//   was cut.
//
// Example:
//   MT_ASSIGN_OR_RETURN(exports::SarSummary s, exports::MakeSarSummary("case", {}));
//   write("sar-summary.txt", s.text); write("sar-transactions.csv", s.attachment);
#ifndef MONEYTRAIL_SAR_SUMMARY_H_
#define MONEYTRAIL_SAR_SUMMARY_H_

#include <cstdint>
#include <filesystem>
#include <string>

#include "moneytrail/status.h"

namespace moneytrail::exports {

struct SarOptions {
  size_t top = 10;                           // subjects summarised (subjects.csv's first ranks)
  uint64_t attachment_limit = 1024 * 1024;   // bytes of the CSV attachment
};

struct SarSummary {
  std::string text;          // the summary (UTF-8, LF line ends)
  std::string attachment;    // sar-transactions.csv
  uint64_t attachment_rows = 0;  // transactions in the attachment
  uint64_t rows_cut = 0;         // transactions left out to stay within the limit
};

// InvalidArgument / NotFound name the case file that is missing or malformed.
Result<SarSummary> MakeSarSummary(const std::filesystem::path& case_dir, const SarOptions& options);

}  // namespace moneytrail::exports

#endif  // MONEYTRAIL_SAR_SUMMARY_H_
