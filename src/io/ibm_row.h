// Internal: a row parser specialised to the IBM AMLworld layout's 11 columns (timestamp, two
// bank/account pairs, amounts, currencies, payment format, label). It accepts only records that
// are plainly valid and gives exactly the StagedRow the general path (ParseRow) gives them;
// on anything unusual it declines and the caller runs the general path, which alone writes
// rejects. So every reject, its reason, line and field, and every stored byte are the general
// path's (tests/io/ibm_row_test.cc compares the two on random and mutated rows).
#ifndef MONEYTRAIL_SRC_IO_IBM_ROW_H_
#define MONEYTRAIL_SRC_IO_IBM_ROW_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "row_parser.h"
#include "row_spec.h"

namespace moneytrail::io_internal {

// True when `spec` is the built-in ibm-aml layout (IbmAmlSpec) unchanged but for its time
// range and payment-format names, which the fast parser reads from it.
bool IbmFastPathApplies(const RowSpec& spec);

class IbmRowParser {
 public:
  // REQUIRES: IbmFastPathApplies(spec); `spec` outlives the parser.
  explicit IbmRowParser(const RowSpec& spec) : spec_(spec) {}

  // Parses the fields of one record that the caller has checked (ASCII without NUL, no field
  // longer than kMaxFieldBytes, views into the stable mapped data). True with `row` filled
  // (but for its line and ids) only when ParseRow would accept the record and fill `row` the
  // same; false otherwise, and the caller parses the record with ParseRow.
  bool Parse(const std::vector<std::string_view>& fields, StagedRow& row);

 private:
  bool ParseTime(std::string_view text, Timestamp& out);
  // The payment format of `text` as the general path reads it (FindChannelValue, then
  // ParseChannel), remembered by exact spelling: a layout has a handful. False when neither
  // reads it.
  bool ParseFormat(std::string_view text, Channel& out);

  const RowSpec& spec_;
  // The last date seen ("YYYY/MM/DD") and its day number: IBM's rows come in time order.
  char last_date_[10] = {};
  int64_t last_days_ = 0;
  bool have_last_date_ = false;
  // Spellings seen, by (length, first byte): a direct-mapped memo of ParseFormat's answers.
  struct FormatSlot {
    std::string text;
    Channel channel = Channel::kUnknown;
    bool used = false;
  };
  FormatSlot formats_[32];
};

}  // namespace moneytrail::io_internal

#endif  // MONEYTRAIL_SRC_IO_IBM_ROW_H_
