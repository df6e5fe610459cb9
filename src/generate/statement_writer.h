// The world written as bank statements (`moneytrail generate --statements`, docs/generator.md
// "Statements"): the accounts an investigation would subpoena at the world's three statement
// banks, each bank in its own layout (statement_describe.h), with banners, date-only rows,
// running balances from a documented opening balance, statement cycles per account, overlapping
// downloads, mirror transfers, optionally planted faults, and the truth mapping every line of
// every file to its world transaction.
//
// Use: construct after planning (the world is complete), Collect() every day's sorted
// transactions in order, then Write() once.
#ifndef MONEYTRAIL_SRC_GENERATE_STATEMENT_WRITER_H_
#define MONEYTRAIL_SRC_GENERATE_STATEMENT_WRITER_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "generate/plan.h"
#include "generate/tx.h"
#include "generate/world.h"
#include "moneytrail/generate.h"
#include "moneytrail/status.h"

namespace moneytrail::generate_internal {

class StatementBook {
 public:
  // Chooses the covered accounts (options.statements must not be kNone). Borrows `world`, which
  // must outlive the book and not change.
  StatementBook(const World& world, const Plan& plan, const generate::GenerateOptions& options);

  // Keeps the transactions of `txs` (one day, sorted) that touch a covered account; txs[i] has
  // world id first_id + i. Call once per day, days in order.
  void Collect(std::span<const Tx> txs, uint64_t first_id);

  // Writes out_dir/statements/: the statement files, accounts.csv, truth.csv and faults.csv, and
  // adds the counts to `summary`. IoError when a file cannot be written.
  Status Write(const std::string& out_dir, generate::GenerateSummary& summary);

  uint32_t covered_accounts() const { return static_cast<uint32_t>(covered_.size()); }

 private:
  struct Run;  // the state of one Write() (statement_writer.cc)
  struct Covered {
    uint32_t account = 0;
    bool planted = false;  // appears in a planted instance (else: the sample, or all)
  };
  const World& world_;
  generate::GenerateOptions options_;
  std::vector<uint32_t> slot_of_node_;  // index into covered_, kNone when not covered
  std::vector<Covered> covered_;
  std::vector<Tx> txs_;       // collected, in id order
  std::vector<uint64_t> ids_;
};

}  // namespace moneytrail::generate_internal

#endif  // MONEYTRAIL_SRC_GENERATE_STATEMENT_WRITER_H_
