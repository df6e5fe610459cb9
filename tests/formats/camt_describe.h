// Tests of the camt reader: a ParsedStatements written out field by field, one line each, so
// that two reads compare as strings and a difference shows which field.
#ifndef MONEYTRAIL_TESTS_FORMATS_CAMT_DESCRIBE_H_
#define MONEYTRAIL_TESTS_FORMATS_CAMT_DESCRIBE_H_

#include <sstream>
#include <string>

#include "moneytrail/formats.h"

namespace moneytrail::formats {

inline std::string Describe(const Balance& b) {
  std::ostringstream o;
  o << b.type << " " << FormatDecimal(b.amount) << " " << b.day << " @" << b.position.line;
  return o.str();
}

inline std::string Describe(const std::optional<Balance>& b) { return b ? Describe(*b) : "-"; }

// Every field, one line each, so that a difference shows which.
inline std::string Describe(const ParsedStatements& p) {
  std::ostringstream o;
  o << "variant " << p.variant << "\n";
  for (const Statement& s : p.statements) {
    o << "statement " << s.id << "|" << s.account << "|" << s.account_bank << "|" << s.currency << "|"
      << s.period_start.value_or(-1) << "|" << s.period_end.value_or(-1) << " @" << s.position.line << "\n";
    o << " opening " << Describe(s.opening) << "\n closing " << Describe(s.closing) << "\n";
    for (const Balance& b : s.other_balances) o << " other " << Describe(b) << "\n";
    for (const Entry& e : s.entries) {
      o << " entry " << e.booking_date << "|" << e.value_date.value_or(-1) << "|" << FormatDecimal(e.amount) << "|"
        << e.reversal << "|" << e.currency << "|" << e.description << "|" << e.counterparty_name << "|"
        << e.counterparty_account << "|" << e.counterparty_bank << "|" << e.reference << "|" << e.bank_code
        << "|" << static_cast<int>(e.channel) << " @" << e.position.line << ":" << e.position.column << "\n";
    }
  }
  for (const std::string& f : p.findings) o << "finding " << f << "\n";
  return o.str();
}

inline std::string Describe(const Result<ParsedStatements>& r) {
  return r.ok() ? Describe(*r) : "error: " + std::string(r.status().message());
}

}  // namespace moneytrail::formats

#endif  // MONEYTRAIL_TESTS_FORMATS_CAMT_DESCRIBE_H_
