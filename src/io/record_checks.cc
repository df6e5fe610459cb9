// Byte checks of raw records and bounds on rejects (ingester.h), shared by the fast path and
// the statement path.
#include <algorithm>

#include "ingester.h"
#include "text_checks.h"

namespace moneytrail::io_internal {

bool CheckRecordBytes(std::string_view raw, const std::vector<std::string_view>& fields,
                      bool known_clean, RejectedRow& reject) {
  if (!known_clean) {
    std::string problem = Utf8Problem(raw);
    if (!problem.empty()) {
      reject.column = 0;
      reject.field = "(row)";
      reject.value = QuoteForMessage(raw);
      reject.reason = "the row's " + problem;
      return false;
    }
  }
  if (raw.size() > kMaxFieldBytes) {
    for (size_t i = 0; i < fields.size(); ++i) {
      if (fields[i].size() > kMaxFieldBytes) {
        reject.column = static_cast<int>(i + 1);
        reject.field = "(field)";
        reject.value = QuoteForMessage(fields[i]);
        reject.reason = "is " + std::to_string(fields[i].size()) + " bytes long, more than the " +
                        std::to_string(kMaxFieldBytes) + " a field may hold";
        return false;
      }
    }
  }
  return true;
}

void BoundReject(RejectedRow& reject) {
  if (reject.value.size() > kMaxQuotedBytes) reject.value = QuoteForMessage(reject.value);
  if (reject.reason.size() > 3 * kMaxQuotedBytes) {
    reject.reason = QuoteForMessage(reject.reason, 3 * kMaxQuotedBytes);
  }
}

}  // namespace moneytrail::io_internal
