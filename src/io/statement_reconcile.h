// Internal: the middle of statement intake (issue #19, docs/format/mapping.md "Enrichment and
// checks"). Between reading the statement files of one ingest call and appending their rows,
// ReconcileStatements
//   1. reads each row's description with the mapping's grammar (include/moneytrail/enrich.h):
//      channel, location, and the other end (a cash node at the branch, a beneficiary node named
//      by its normalised name, or the account's own unidentified payer/payee when the
//      description is not understood: never a guess);
//   2. runs the statement checks (include/moneytrail/statement_checks.h) over every file:
//      running balances, continuity and gaps, overlapping downloads and mirror transfers;
//   3. points each mirror's debit at the other statement account (one transaction, both lines
//      cited) and marks duplicates and mirror credits to be left out of the append.
// The caller appends the rows whose `drop` is 0 and stores the reports (StatementCommitFiles).
#ifndef MONEYTRAIL_SRC_IO_STATEMENT_RECONCILE_H_
#define MONEYTRAIL_SRC_IO_STATEMENT_RECONCILE_H_

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ingester.h"
#include "moneytrail/statement_checks.h"
#include "moneytrail/status.h"

namespace moneytrail::io_internal {

struct ReconciledStatements {
  statements::CheckReport checks;
  // Index of file k's first row among all rows (rows of file k are first_row[k] + i).
  std::vector<uint64_t> first_row;
  // Per row (all files, in order): the grammar pattern that read its description ("" none),
  // a view of `pattern_ids` (or of the row's file's text).
  std::vector<std::string_view> patterns;
  std::deque<std::string> pattern_ids;  // the grammars' pattern ids, once each

  uint64_t rows = 0;
  uint64_t enriched = 0;       // a grammar pattern matched the description
  uint64_t unmatched = 0;      // a grammar ran and no pattern matched
  uint64_t not_enriched = 0;   // no description, or the mapping says grammar = "none"
  std::map<std::string, uint64_t, std::less<>> by_pattern;  // rows per pattern id
  std::map<std::string, uint64_t, std::less<>> unmatched_descriptions;  // description -> rows
  std::vector<std::string> grammars;  // the grammars used, in words (file and SHA-256, or built-in)
};

// Enriches the rows of `files` in place and runs the checks. Errors: InvalidArgument when a
// grammar cannot be read or a row cannot be checked (naming file and line). The grammar runs
// over the files in parallel (TBB, within the caller's thread limit), each file by one task;
// counts, lists and errors are then gathered in file and row order, so that the result is the
// same, byte for byte, with any number of threads.
// `preloaded` (may be null): grammar files already read and compiled (LoadGrammars), used
// instead of reading them again; the same grammars, so the same result.
Result<ReconciledStatements> ReconcileStatements(
    std::vector<std::unique_ptr<StatementFile>>& files, LoadedGrammars* preloaded = nullptr);

// Reads and compiles the grammar file of each statement mapping of `specs` that names one
// (not the built-in grammar, not grammar = "none"), keyed by RowSpec::enrich_grammar's string:
// what ReconcileStatements would load, done ahead (on another thread while the files are read;
// bench/RESULTS-statements.md, "Session 17").
LoadedGrammars LoadGrammars(const std::vector<RowSpec>& specs);

// The files stored with the commit (store format 4 commit files):
//   statement-checks.json      ReconciledStatements::checks.ToJson()
//   statement-enrichment.json  the counts, grammars, patterns and unmatched descriptions
//   statement-lines.csv        transaction,source,line,role,pattern,balance: every accepted
//                              statement line with the transaction that carries it (role "row",
//                              "duplicate" or "mirror-credit"), the grammar pattern and the
//                              running balance printed after the line (empty when none)
// `transaction_of_row` gives each row (all files, in order) its transaction id, or UINT64_MAX
// for a dropped row (its carrier's id is used); `source_of_file` the custody index of each file.
std::string StatementEnrichmentJson(const ReconciledStatements& r);
std::string StatementLinesCsv(const std::vector<std::unique_ptr<StatementFile>>& files,
                              const ReconciledStatements& r,
                              const std::vector<uint64_t>& transaction_of_row,
                              const std::vector<uint32_t>& source_of_file);
// One paragraph for the ingest's summary: rows, enrichment, and the checks' findings.
std::string StatementSummaryText(const ReconciledStatements& r);

}  // namespace moneytrail::io_internal

#endif  // MONEYTRAIL_SRC_IO_STATEMENT_RECONCILE_H_
