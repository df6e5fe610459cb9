// Internal: turns one CSV record into a staged transaction (text fields still as views) or a
// reject, following a RowSpec. Pure and thread-safe: chunks parse in parallel.
#ifndef MONEYTRAIL_SRC_IO_ROW_PARSER_H_
#define MONEYTRAIL_SRC_IO_ROW_PARSER_H_

#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/hash.h"
#include "moneytrail/ingest.h"
#include "moneytrail/money.h"
#include "row_spec.h"

namespace moneytrail::io_internal {

struct StagedRow {
  Timestamp time = 0;
  NodeKind source_kind = NodeKind::kAccount;
  NodeKind dest_kind = NodeKind::kAccount;
  std::string_view source_bank, source_account, dest_bank, dest_account;
  Decimal paid, received;
  std::string_view paid_currency, received_currency;
  Channel channel = Channel::kUnknown;
  std::string_view city, region, country;
  uint16_t mcc = 0xFFFF;
  std::string_view counterparty;
  Label label = Label::kUnknown;
  std::string_view typology;
  uint32_t line = 0;
  uint64_t source_hash = 0;  // HashAccountKey of each end, computed on the parsing thread
  uint64_t dest_hash = 0;
  // Ids of keys already interned when the chunk was parsed (else kNoAccount: the merge interns).
  AccountId source_id = kNoAccount;
  AccountId dest_id = kNoAccount;
};

// Sets the row's source_hash and dest_hash from its ends' kinds, banks and accounts.
inline void HashEnds(StagedRow& row) {
  row.source_hash = HashAccountKey(static_cast<uint8_t>(row.source_kind), row.source_bank, row.source_account);
  row.dest_hash = HashAccountKey(static_cast<uint8_t>(row.dest_kind), row.dest_bank, row.dest_account);
}

// Parses `fields` (views valid only during the call) into `row`. Views that do not point into
// `stable` (the mapped file) are copied into `arena`. On failure fills `reject` (except its
// file and line) and returns false.
bool ParseRow(const RowSpec& spec, const std::vector<std::string_view>& fields,
              std::string_view stable, std::deque<std::string>& arena, StagedRow& row,
              RejectedRow& reject);
// The same with MaxColumn(spec) computed by the caller (once per chunk, not per row).
bool ParseRow(const RowSpec& spec, int max_column, const std::vector<std::string_view>& fields,
              std::string_view stable, std::deque<std::string>& arena, StagedRow& row,
              RejectedRow& reject);
// The largest column any field of `spec` reads (-1 when none): a record needs more fields.
int MaxColumn(const RowSpec& spec);

}  // namespace moneytrail::io_internal

#endif  // MONEYTRAIL_SRC_IO_ROW_PARSER_H_
