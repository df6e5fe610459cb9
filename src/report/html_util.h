// Internal helpers of the case report: HTML escaping and the report's formats for money, dates
// and times. Every string that reaches the page goes through Escape.
#ifndef MONEYTRAIL_SRC_REPORT_HTML_UTIL_H_
#define MONEYTRAIL_SRC_REPORT_HTML_UTIL_H_

#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/case_report.h"

namespace moneytrail::report_internal {

// Escapes & < > " ' (for text and attribute values alike) and replaces control characters
// other than tab and newline by U+FFFD, so that no input can open a tag or end an attribute.
std::string Escape(std::string_view text);
void AppendEscaped(std::string_view text, std::string& out);

// "12,345.67 USD": FormatDecimalGrouped and the currency code, exact.
std::string FormatMoney(const report::Money& money);
std::string FormatMoney(Decimal amount, std::string_view currency);
// "9,500.00 USD; 0.000296 Bitcoin", or "none" when empty.
std::string FormatMoneyList(const std::vector<report::Money>& amounts);

// "2026-03-04".
std::string FormatDate(Timestamp t);
// "2026-03-04 14:05 UTC" (seconds shown only when not zero: "2026-03-04 14:05:09 UTC").
std::string FormatDateTime(Timestamp t);
// An ISO 8601 UTC time as text ("2026-03-04T14:05:09Z", with any number of trailing 'Z') as
// the report prints times: "2026-03-04 14:05:09 UTC" (seconds only when not zero). Text that is
// not of that form is returned unchanged.
std::string FormatIsoText(std::string_view iso);
// "2026-03-01 to 2026-03-31 (31 days)".
std::string FormatPeriod(Timestamp first, Timestamp last);

// "1,234,567".
std::string FormatCount(uint64_t n);

// "transactions.csv:1234" (the file's shown name, or "file #3" when it has none).
std::string FormatSource(const report::SourceRef& source);

// A channel's colour in every chart of the report (fixed palette; unknown channels grey).
std::string_view ChannelColour(std::string_view channel);

}  // namespace moneytrail::report_internal

#endif  // MONEYTRAIL_SRC_REPORT_HTML_UTIL_H_
