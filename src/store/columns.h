// Internal: the list of transaction columns, their files, and the column-file format
// (docs/format/store.md). Used by the store reader and writer only.
#ifndef MONEYTRAIL_SRC_STORE_COLUMNS_H_
#define MONEYTRAIL_SRC_STORE_COLUMNS_H_

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "checksum.h"
#include "moneytrail/file_util.h"
#include "moneytrail/status.h"
#include "moneytrail/store.h"

namespace moneytrail::store::store_internal {

// X(field) for every member of TransactionColumns, in file order.
#define MT_TRANSACTION_COLUMNS(X)                                                         \
  X(time) X(source) X(destination) X(amount_paid) X(paid_scale) X(paid_currency)          \
  X(amount_received) X(received_scale) X(received_currency) X(channel) X(location) X(mcc) \
  X(counterparty) X(label) X(typology) X(source_file) X(source_line)

inline constexpr char kColumnMagic[8] = {'M', 'T', 'C', 'O', 'L', '0', '0', '1'};
inline constexpr size_t kColumnHeaderSize = 32;

// Header: magic[8], uint32 element size, uint32 reserved (0), uint64 element count,
// uint64 reserved (0); then count * element size bytes, little-endian.
std::string ColumnHeader(uint32_t element_size, uint64_t count);

// Writes a column file durably; `sum` (may be null) receives its checksum.
template <typename T>
Status WriteColumn(const std::filesystem::path& path, std::span<const T> values,
                   FileChecksum* sum = nullptr) {
  std::string header = ColumnHeader(sizeof(T), values.size());
  const std::string_view payload(reinterpret_cast<const char*>(values.data()), values.size_bytes());
  if (sum != nullptr) {
    FileChecksummer c;
    c.Update(header);
    c.Update(payload);
    *sum = c.Finish();
  }
  return WriteFileDurably(path, {header, payload});
}

// Checks the header of a mapped column file and returns its payload.
Result<std::string_view> ColumnPayload(const std::filesystem::path& path, std::string_view file,
                                       uint32_t element_size, uint64_t expected_count);

}  // namespace moneytrail::store::store_internal

#endif  // MONEYTRAIL_SRC_STORE_COLUMNS_H_
