// Internal to src/formats (and its tests): the camt reader with its splitting chosen.
// formats::ParseCamt is ParseCamtSplit(bytes, name, {"Ntry"}): documents above 4 MiB have their
// entries parsed 1 MiB at a time. Tests force the split on small documents to compare it with
// the whole-document parse.
#ifndef MONEYTRAIL_SRC_FORMATS_CAMT_INTERNAL_H_
#define MONEYTRAIL_SRC_FORMATS_CAMT_INTERNAL_H_

#include <string>
#include <string_view>

#include "moneytrail/formats.h"
#include "xml_document.h"

namespace moneytrail::formats_internal {

// formats::ParseCamt's contract; `split` as XmlDocument::Parse takes it ({} : never split).
Result<formats::ParsedStatements> ParseCamtSplit(std::string_view bytes, const std::string& name,
                                                 const XmlSplit& split);

}  // namespace moneytrail::formats_internal

#endif  // MONEYTRAIL_SRC_FORMATS_CAMT_INTERNAL_H_
