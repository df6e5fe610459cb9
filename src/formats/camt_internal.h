// Internal to src/formats (and its tests): the camt reader with its splitting chosen.
// formats::ParseCamt is ParseCamtSplit(bytes, name, {"Ntry"}): documents above 4 MiB have their
// entries parsed 1 MiB at a time, by FastXmlReader where it can. Tests force the split on small documents to compare it with
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
};

// formats::ParseCamt's contract; `split` as XmlDocument::Parse takes it ({} : never split).
// `fast`: a window is read by FastXmlReader (xml_fast.h) where it can, else by pugixml, as all
// are when false; the results are the same (tests/formats/camt_fast_test.cc). `stats` may be null.
Result<formats::ParsedStatements> ParseCamtSplit(std::string_view bytes, const std::string& name,
                                                 const XmlSplit& split, bool fast = true,
                                                 CamtReadStats* stats = nullptr);

}  // namespace moneytrail::formats_internal

#endif  // MONEYTRAIL_SRC_FORMATS_CAMT_INTERNAL_H_
