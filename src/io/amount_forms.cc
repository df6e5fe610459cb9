#include "amount_forms.h"

#include <string>

#include "text_checks.h"

namespace moneytrail::io_internal {
namespace {

bool IsSpace(std::string_view s, size_t i, size_t& len) {
  if (s[i] == ' ' || s[i] == '\t') {
    len = 1;
    return true;
  }
  if (i + 1 < s.size() && static_cast<unsigned char>(s[i]) == 0xC2 &&
      static_cast<unsigned char>(s[i + 1]) == 0xA0) {  // no-break space
    len = 2;
    return true;
  }
  return false;
}

void TrimSpaces(std::string_view& s) {
  size_t len = 0;
  while (!s.empty() && IsSpace(s, 0, len)) s.remove_prefix(len);
  for (;;) {
    if (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
      s.remove_suffix(1);
    } else if (s.size() >= 2 && static_cast<unsigned char>(s[s.size() - 2]) == 0xC2 &&
               static_cast<unsigned char>(s.back()) == 0xA0) {
      s.remove_suffix(2);
    } else {
      break;
    }
  }
}

// Removes a currency symbol or code at the front (`front`) or back of `s`; true if one was.
bool StripCurrency(std::string_view& s, bool front) {
  static constexpr std::string_view kSymbols[] = {"$", "\xE2\x82\xAC", "\xC2\xA3", "\xC2\xA5"};
  for (std::string_view sym : kSymbols) {
    if (front ? s.substr(0, sym.size()) == sym
              : (s.size() >= sym.size() && s.substr(s.size() - sym.size()) == sym)) {
      front ? s.remove_prefix(sym.size()) : s.remove_suffix(sym.size());
      TrimSpaces(s);
      return true;
    }
  }
  auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  if (s.size() >= 4) {
    std::string_view code = front ? s.substr(0, 3) : s.substr(s.size() - 3);
    char next = front ? s[3] : s[s.size() - 4];
    if (upper(code[0]) && upper(code[1]) && upper(code[2]) &&
        !(next >= 'A' && next <= 'Z') && !(next >= 'a' && next <= 'z')) {
      // "50.00 CR" is a marker, handled before: never a currency here.
      front ? s.remove_prefix(3) : s.remove_suffix(3);
      TrimSpaces(s);
      return true;
    }
  }
  return false;
}

Status NotAnAmount(std::string_view text, std::string_view why) {
  return InvalidArgumentError("'" + QuoteForMessage(text) + "' is not an amount (" +
                              std::string(why) +
                              "; forms: 2500.00, $2,500.00, USD 2,500.00, -50.00, (50.00), "
                              "50.00-, 50.00 CR, 50.00 DR)");
}

}  // namespace

Result<AmountForm> ParseAmountForm(std::string_view text, char decimal_point,
                                   char group_separator) {
  if (group_separator == 0) group_separator = decimal_point == '.' ? ',' : '.';
  std::string_view s = text;
  TrimSpaces(s);
  if (s.empty()) return InvalidArgumentError("empty amount");
  AmountForm out;
  int signs = 0;
  // A CR/DR marker at the end.
  if (s.size() >= 2) {
    std::string_view tail = s.substr(s.size() - 2);
    auto lower = [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); };
    std::string t{lower(tail[0]), lower(tail[1])};
    char before = s.size() > 2 ? s[s.size() - 3] : ' ';
    bool separated = !((before >= 'A' && before <= 'Z') || (before >= 'a' && before <= 'z'));
    if (separated && (t == "cr" || t == "dr")) {
      out.marker = t == "cr" ? AmountMarker::kCredit : AmountMarker::kDebit;
      ++signs;
      s.remove_suffix(2);
      TrimSpaces(s);
    }
  }
  bool negative = out.marker == AmountMarker::kDebit;
  if (!s.empty() && s.front() == '(') {
    if (s.back() != ')') return NotAnAmount(text, "an opening parenthesis is not closed");
    s.remove_prefix(1);
    s.remove_suffix(1);
    TrimSpaces(s);
    negative = true;
    ++signs;
  }
  auto take_sign = [&](bool front) {
    if (s.empty()) return;
    char c = front ? s.front() : s.back();
    if (c != '-' && c != '+') return;
    front ? s.remove_prefix(1) : s.remove_suffix(1);
    TrimSpaces(s);
    if (c == '-') negative = true;
    ++signs;
  };
  take_sign(true);
  bool currency = StripCurrency(s, true);
  take_sign(true);
  take_sign(false);
  if (!currency) currency = StripCurrency(s, false);
  take_sign(false);
  if (signs > 1) return NotAnAmount(text, "it has more than one sign or marker");
  if (s.empty()) return NotAnAmount(text, "no digits");
  // The number: digits grouped by three with group_separator, then decimal_point and digits.
  std::string digits;
  digits.reserve(s.size());
  size_t group_digits = 0;  // digits since the last separator (or the start)
  bool grouped = false, seen_point = false, seen_digit = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      digits += c;
      seen_digit = true;
      if (!seen_point) ++group_digits;
    } else if (c == decimal_point && !seen_point) {
      if (grouped && group_digits != 3) {
        return NotAnAmount(text, "a thousands separator is not followed by three digits");
      }
      seen_point = true;
      digits += '.';
    } else if (c == group_separator && !seen_point) {
      if (!seen_digit || (grouped ? group_digits != 3 : group_digits > 3)) {
        return NotAnAmount(text, "thousands separators must group the digits by three");
      }
      grouped = true;
      group_digits = 0;
    } else {
      return NotAnAmount(text, "unexpected character '" + QuoteForMessage(std::string_view(&c, 1)) + "'");
    }
  }
  if (grouped && !seen_point && group_digits != 3) {
    return NotAnAmount(text, "a thousands separator is not followed by three digits");
  }
  if (!seen_digit) return NotAnAmount(text, "no digits");
  Result<Decimal> d = ParseDecimal(digits, '.', 0);
  if (!d.ok()) return d.status();
  out.value = *d;
  if (negative) out.value.units = -out.value.units;
  return out;
}

}  // namespace moneytrail::io_internal
