// Internal to src/formats (and its tests): the camt reader with its splitting chosen.
// formats::ParseCamt is ParseCamtSplit(bytes, name, {"Ntry"}, CamtFast::kWhole): a document is
// read by FastXmlReader where it can; otherwise documents above 4 MiB have their entries parsed
// 1 MiB at a time, by FastXmlReader where it can. Tests force the split on small documents to compare it with
// the whole-document parse.
#ifndef MONEYTRAIL_SRC_FORMATS_CAMT_INTERNAL_H_
#define MONEYTRAIL_SRC_FORMATS_CAMT_INTERNAL_H_

#include <string>
#include <string_view>

#include "moneytrail/formats.h"
#include "xml_document.h"

namespace moneytrail::formats_internal {

// How a read went (for tests): the windows of the split runs, how many FastXmlReader read (the
// others pugixml read), why it last gave up, and whether the document was read again whole
// (after any error of a split read).
struct CamtReadStats {
  size_t windows = 0, fast_windows = 0;
  std::string gave_up;
  bool whole_again = false;
  bool whole_fast = false;     // the whole document was read by FastXmlReader
  std::string gave_up_whole;   // why it gave up on the whole document
};

// Where FastXmlReader (xml_fast.h) reads: nowhere (pugixml reads all), the windows of a split
// document's entries where it can, or first the whole document (without XmlDocument: no split,
// no tree), then, when it gives up or the read fails, the windows. The results are the same
// (tests/formats/camt_fast_test.cc).
enum class CamtFast { kOff, kWindows, kWhole };

// formats::ParseCamt's contract; `split` as XmlDocument::Parse takes it ({} : never split).
// `stats` may be null.
Result<formats::ParsedStatements> ParseCamtSplit(std::string_view bytes, const std::string& name,
                                                 const XmlSplit& split, CamtFast fast = CamtFast::kWhole,
                                                 CamtReadStats* stats = nullptr);

}  // namespace moneytrail::formats_internal

#endif  // MONEYTRAIL_SRC_FORMATS_CAMT_INTERNAL_H_
