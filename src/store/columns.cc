#include "columns.h"

namespace moneytrail::store::store_internal {

std::string ColumnHeader(uint32_t element_size, uint64_t count) {
  std::string header(kColumnHeaderSize, '\0');
  std::memcpy(header.data(), kColumnMagic, 8);
  std::memcpy(header.data() + 8, &element_size, 4);
  std::memcpy(header.data() + 16, &count, 8);
  return header;
}

Result<std::string_view> ColumnPayload(const std::filesystem::path& path, std::string_view file,
                                       uint32_t element_size, uint64_t expected_count) {
  if (file.size() < kColumnHeaderSize || std::memcmp(file.data(), kColumnMagic, 8) != 0) {
    return DataLossError(path.string() + " is not a moneytrail column file (bad header)");
  }
  uint32_t size;
  uint64_t count;
  std::memcpy(&size, file.data() + 8, 4);
  std::memcpy(&count, file.data() + 16, 8);
  if (size != element_size || count != expected_count ||
      file.size() != kColumnHeaderSize + count * size) {
    return DataLossError(path.string() + ": column holds " + std::to_string(count) +
                         " values of " + std::to_string(size) + " bytes, the manifest expects " +
                         std::to_string(expected_count) + " of " + std::to_string(element_size));
  }
  return file.substr(kColumnHeaderSize);
}

}  // namespace moneytrail::store::store_internal
