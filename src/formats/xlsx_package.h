// Internal to src/formats: the parts of an .xlsx package around its worksheet. minizip reads
// the archive from memory with a budget on inflated bytes; libxml2's streaming reader (DTDs and
// entity references refused) reads workbook.xml, its relationships, sharedStrings.xml and
// styles.xml. The worksheet itself is xlsx.cc's (pugixml, xml_document.h).
//
// Example:
//   Zip zip(bytes, name, options.max_uncompressed_bytes);
//   MT_RETURN_IF_ERROR(zip.Open());
//   MT_ASSIGN_OR_RETURN(std::optional<std::string> wb, zip.Read("xl/workbook.xml"));
//   MT_ASSIGN_OR_RETURN(Workbook workbook, ReadWorkbook(*wb, name + ": xl/workbook.xml"));
#ifndef MONEYTRAIL_SRC_FORMATS_XLSX_PACKAGE_H_
#define MONEYTRAIL_SRC_FORMATS_XLSX_PACKAGE_H_

#include <unzip.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/status.h"

namespace moneytrail::formats_internal {

// The archive's bytes and minizip's read position in them.
struct MemoryZip {
  std::string_view bytes;
  uint64_t position = 0;
};

// An .xlsx archive read from memory; `name` (the file, for messages) must outlive it.
class Zip {
 public:
  Zip(std::string_view bytes, const std::string& name, uint64_t budget)
      : memory_{bytes, 0}, name_(name), budget_(budget) {}
  ~Zip() {
    if (zip_ != nullptr) unzClose(zip_);
  }
  Zip(const Zip&) = delete;
  Zip& operator=(const Zip&) = delete;

  // Opens the archive; InvalidArgument when it is not a readable zip.
  Status Open();

  // The part at `path` ("xl/workbook.xml"); nullopt when the archive has none. Refused: a part
  // whose inflated bytes, with the parts read before it, pass the budget (a zip bomb), damaged
  // or encrypted entries, CRC mismatches.
  Result<std::optional<std::string>> Read(const std::string& path);

 private:
  MemoryZip memory_;
  const std::string& name_;
  uint64_t budget_;
  unzFile zip_ = nullptr;
};

// A worksheet as workbook.xml lists it: its name and its relationship id.
struct SheetRef {
  std::string name, relationship;
};

struct Workbook {
  std::vector<SheetRef> sheets;
  bool date1904 = false;
};

// workbook.xml: the sheets in order and the 1904 date system flag. `where` names the part in
// messages ("book.xlsx: xl/workbook.xml").
Result<Workbook> ReadWorkbook(const std::string& text, const std::string& where);

// The part path of relationship `id` in workbook.xml.rels ("xl/worksheets/sheet1.xml");
// InvalidArgument when there is none.
Result<std::string> SheetTarget(const std::string& rels, const std::string& where, const std::string& id);

// sharedStrings.xml: each <si>'s text (rich-text runs joined, phonetic runs left out).
Result<std::vector<std::string>> ReadSharedStrings(const std::string& text, const std::string& where);

// styles.xml: for each cell style index (cellXfs), whether its number format shows a date.
Result<std::vector<bool>> ReadDateStyles(const std::string& text, const std::string& where);

}  // namespace moneytrail::formats_internal

#endif  // MONEYTRAIL_SRC_FORMATS_XLSX_PACKAGE_H_
