// Internal: the accepted rows of one statement file as they wait for the checks and the append
// (bench/RESULTS-statements.md, "Session 14": "the compact row"). A statement row is read into
// a StagedRow (280 bytes) and a StatementDetail (120 bytes); kept as they are until the append,
// a million rows held ~400 MB, whose first touch (the kernel zeroing fresh pages) was the
// largest single cost of statement intake. CompactRows keeps each row in 152 bytes instead and
// gives the same StagedRow and StatementDetail back (Get) when a stage needs them:
//   - every text view is packed into 8 bytes (its address in the low 48 bits' worth above a
//     16-bit length): the views point where they pointed (the file's text, its arena, its
//     spec's constants), nothing is copied;
//   - what a statement row always repeats is not stored twice: the amount received (the amount
//     paid), its currency, the detail's amount and statement account (the paid amount and the
//     row's own end, by direction), the account ids (none is interned before the append).
//     The account keys' hashes are kept (16 bytes): recomputing them on every Get cost more CPU
//     (8 hashes per row, the append's on the serial path) than their memory.
// A row that breaks one of these (a view longer than 65,535 bytes or above 2^48, a different
// amount received, ...) is kept whole on the side: Get always returns exactly what was added.
// Not thread-safe; one file's rows are read and written by one thread at a time.
#ifndef MONEYTRAIL_SRC_IO_STATEMENT_COMPACT_H_
#define MONEYTRAIL_SRC_IO_STATEMENT_COMPACT_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "row_parser.h"
#include "statement_row.h"

namespace moneytrail::io_internal {

// A string_view in 8 bytes: the address shifted above a 16-bit length. 0 is the empty view.
class PackedView {
 public:
  PackedView() = default;
  // False when `v` does not fit (longer than 65,535 bytes, or an address at or above 2^48).
  static bool Fits(std::string_view v) {
    if (v.empty()) return true;
    return v.size() <= 0xFFFF && (reinterpret_cast<uintptr_t>(v.data()) >> 48) == 0;
  }
  // REQUIRES: Fits(v).
  explicit PackedView(std::string_view v)
      : bits_(v.empty() ? 0
                        : (static_cast<uint64_t>(reinterpret_cast<uintptr_t>(v.data())) << 16) |
                              v.size()) {}
  std::string_view view() const {
    if (bits_ == 0) return {};
    return {reinterpret_cast<const char*>(static_cast<uintptr_t>(bits_ >> 16)),
            static_cast<size_t>(bits_ & 0xFFFF)};
  }

 private:
  uint64_t bits_ = 0;
};

// One row (module comment). Plain data; the views point into memory its file owns.
struct CompactRow {
  Timestamp time = 0;        // or, for a row kept whole, its index on the side
  int64_t paid_units = 0;    // == the amount received
  int64_t balance_units = 0;
  uint64_t source_hash = 0, dest_hash = 0;
  PackedView source_bank, source_account, dest_bank, dest_account;
  PackedView currency;       // paid == received
  PackedView city, region, country, counterparty, typology;
  PackedView description, reference;
  uint32_t line = 0;
  uint16_t mcc = 0xFFFF;
  uint8_t paid_scale = 0, balance_scale = 0;
  NodeKind source_kind = NodeKind::kAccount, dest_kind = NodeKind::kAccount;
  Channel channel = Channel::kUnknown;
  Label label = Label::kUnknown;
  Direction direction = Direction::kNone;
  CounterpartySource counterparty_source = CounterpartySource::kUnidentified;
  uint8_t flags = 0;  // kHasBalance, kWhole
  static constexpr uint8_t kHasBalance = 1, kWhole = 2;
};
static_assert(sizeof(CompactRow) <= 152, "the compact row grew");

class CompactRows {
 public:
  size_t size() const { return rows_.size(); }
  bool empty() const { return rows_.empty(); }
  void reserve(size_t n) { rows_.reserve(n); }
  // The rows kept whole (module comment): 0 for every row of the CSV path and the formats
  // seen so far; for tests.
  size_t whole_rows() const { return whole_.size(); }

  void Add(const StagedRow& row, const StatementDetail& detail);
  // Row i as it was added or last Set. The views are valid as long as what the added ones
  // pointed into.
  void Get(size_t i, StagedRow& row, StatementDetail& detail) const;
  void Set(size_t i, const StagedRow& row, const StatementDetail& detail);

  // Single fields of row i, without unpacking it.
  uint32_t line(size_t i) const { return IsWhole(i) ? Whole(i).first.line : rows_[i].line; }
  Timestamp time(size_t i) const { return IsWhole(i) ? Whole(i).first.time : rows_[i].time; }
  std::string_view paid_currency(size_t i) const {
    return IsWhole(i) ? Whole(i).first.paid_currency : rows_[i].currency.view();
  }
  std::string_view description(size_t i) const {
    return IsWhole(i) ? Whole(i).second.description : rows_[i].description.view();
  }
  std::optional<Decimal> balance(size_t i) const {
    if (IsWhole(i)) return Whole(i).second.balance;
    const CompactRow& c = rows_[i];
    if ((c.flags & CompactRow::kHasBalance) == 0) return std::nullopt;
    return Decimal{c.balance_units, c.balance_scale};
  }

 private:
  bool IsWhole(size_t i) const { return (rows_[i].flags & CompactRow::kWhole) != 0; }
  const std::pair<StagedRow, StatementDetail>& Whole(size_t i) const {
    return whole_[static_cast<size_t>(rows_[i].time)];
  }
  std::vector<CompactRow> rows_;
  std::vector<std::pair<StagedRow, StatementDetail>> whole_;
};

}  // namespace moneytrail::io_internal

#endif  // MONEYTRAIL_SRC_IO_STATEMENT_COMPACT_H_
