// Writing the generator's files: transaction rows in the native layout
// (docs/format/native-csv.md) and the IBM AMLworld layout, KYC records (parties.csv),
// accounts.csv and truth/entities.csv. Rows are formatted by copying the nodes' pre-formatted
// fragments, so that formatting is not the bottleneck.
#ifndef MONEYTRAIL_SRC_GENERATE_CSV_WRITER_H_
#define MONEYTRAIL_SRC_GENERATE_CSV_WRITER_H_

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "generate/tables.h"
#include "generate/tx.h"
#include "generate/world.h"
#include "moneytrail/status.h"

namespace moneytrail::generate_internal {

inline constexpr char kNativeHeader[] =
    "timestamp,source_kind,source_bank,source_account,dest_kind,dest_bank,dest_account,"
    "amount_paid,currency_paid,amount_received,currency_received,channel,city,region,country,"
    "mcc,counterparty,is_laundering,typology\n";
inline constexpr char kIbmHeader[] =
    "Timestamp,From Bank,Account,To Bank,Account,Amount Received,Receiving Currency,"
    "Amount Paid,Payment Currency,Payment Format,Is Laundering\n";

// A growable byte buffer that does not zero what it reserves (rows are written in place).
class Buffer {
 public:
  void clear() { size_ = 0; }
  size_t size() const { return size_; }
  const char* data() const { return data_.get(); }
  // Returns a pointer to `n` writable bytes at the end; Commit(p) ends the write at p.
  char* Reserve(size_t n) {
    if (size_ + n > capacity_) {
      size_t capacity = std::max(capacity_ * 2, size_ + n);
      auto grown = std::make_unique_for_overwrite<char[]>(capacity);
      if (size_ > 0) std::memcpy(grown.get(), data_.get(), size_);
      data_ = std::move(grown);
      capacity_ = capacity;
    }
    return data_.get() + size_;
  }
  void Commit(char* end) { size_ = static_cast<size_t>(end - data_.get()); }

 private:
  std::unique_ptr<char[]> data_;
  size_t size_ = 0, capacity_ = 0;
};

// What formatting a row reads of a node, in one 32-byte-aligned entry: rows come in time order,
// so their ends are scattered over the world, and reading the node and then its fragment in the
// arena costs two dependent cache misses per end; an entry costs one.
struct alignas(32) RowNode {
  char native[28] = {};     // "kind,bank,account", zero-padded, when it fits
  uint8_t native_size = 0;  // kNotInline when it does not fit (the arena has it)
  uint8_t ibm_offset = 0;   // "bank,account" starts at native + ibm_offset
  NodeKind kind = NodeKind::kAccount;
  uint8_t country = 0xFF;   // Node::country
};
static_assert(sizeof(RowNode) == 32);
inline constexpr uint8_t kNotInline = 0xFF;

// One RowNode per node of `world`, plus one zero entry (32-byte copies may read past the last
// node's), filled in parallel in the calling task arena. REQUIRES: the world is complete
// (planning adds nodes); the entries are valid until it changes.
std::vector<RowNode> MakeRowNodes(const World& world);

// Appends the rows of `txs` (all on one day) to `native` and/or `ibm` (either may be null).
// `row_nodes` is MakeRowNodes(world).
void FormatRows(const World& world, std::span<const RowNode> row_nodes, std::span<const Tx> txs, Buffer* native,
                Buffer* ibm);

// The IBM "Payment Format" of a channel.
std::string_view IbmPaymentFormat(Channel channel);
// The currency credited to `dest`.
Currency ReceivedCurrency(const World& world, uint32_t dest);

Status WriteParties(const World& world, const std::string& path);
Status WriteAccounts(const World& world, const std::string& path);
Status WriteEntities(const World& world, const std::string& path);
// The KYC name of a party as its bank holds it ("Maria Lopez", "Delta Auto Repair"): the first
// and last name of a person with the record's nickname and typo variants, as in parties.csv.
std::string PartyName(const World& world, uint32_t party);
// "P00000042" / "E0000042".
std::string PartyId(uint32_t party);
std::string EntityId(uint32_t entity);

}  // namespace moneytrail::generate_internal

#endif  // MONEYTRAIL_SRC_GENERATE_CSV_WRITER_H_
