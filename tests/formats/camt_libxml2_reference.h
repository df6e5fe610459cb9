// Test-only: the xmlTextReader camt reader of sessions 10-13, the oracle that the pugixml reader
// (formats::ParseCamt) is compared with in camt_diff_test.cc. Same contract as ParseCamt.
#ifndef MONEYTRAIL_TESTS_FORMATS_CAMT_LIBXML2_REFERENCE_H_
#define MONEYTRAIL_TESTS_FORMATS_CAMT_LIBXML2_REFERENCE_H_

#include <string>
#include <string_view>

#include "moneytrail/formats.h"

namespace moneytrail::formats {

Result<ParsedStatements> ParseCamtLibxml2Reference(std::string_view bytes, const std::string& name);

}  // namespace moneytrail::formats

#endif  // MONEYTRAIL_TESTS_FORMATS_CAMT_LIBXML2_REFERENCE_H_
