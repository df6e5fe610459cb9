// How a statement description names another account (statement_checks.h,
// DescriptionNamesAccount). Byte-wise and ASCII case-insensitive: descriptions reach this point
// as UTF-8, and account numbers are ASCII.
#include <array>
#include <optional>
#include <string_view>

#include "moneytrail/statement_checks.h"

namespace moneytrail::statements {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (Lower(a[i]) != Lower(b[i])) return false;
  return true;
}

// Occurrences of `needle` in `text` (case-insensitive) with no digit right before or after.
template <typename F>
void ForEachBoundedOccurrence(std::string_view text, std::string_view needle, F&& f) {
  if (needle.empty() || needle.size() > text.size()) return;
  for (size_t p = 0; p + needle.size() <= text.size(); ++p) {
    if (!EqualsIgnoreCase(text.substr(p, needle.size()), needle)) continue;
    if (p > 0 && IsDigit(text[p - 1])) continue;
    size_t end = p + needle.size();
    if (end < text.size() && IsDigit(text[end])) continue;
    if (f(p)) return;
  }
}

constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // U+2026 in UTF-8

// Length of the mask run (x X * # . - …) ending right before `end`.
size_t MaskRunBefore(std::string_view text, size_t end) {
  size_t p = end;
  while (p > 0) {
    char c = text[p - 1];
    if (c == 'x' || c == 'X' || c == '*' || c == '#' || c == '.' || c == '-') {
      --p;
    } else if (p >= kEllipsis.size() && text.substr(p - kEllipsis.size(), kEllipsis.size()) == kEllipsis) {
      p -= kEllipsis.size();
    } else {
      break;
    }
  }
  return end - p;
}

constexpr std::array<std::string_view, 11> kLinkWords = {
    "to", "from", "x", "acct", "account", "ending", "in", "chk", "sav", "checking", "savings"};

// Whether the last-4 digits at `p` are introduced as an account: see the header.
bool IntroducedAsAccount(std::string_view text, size_t p) {
  size_t mask = MaskRunBefore(text, p);
  size_t q = p - mask;
  if (mask > 0 && (q == 0 || (!IsLetter(text[q - 1]) && !IsDigit(text[q - 1])))) return true;
  while (q > 0 && text[q - 1] == ' ') --q;
  size_t word_end = q;
  while (q > 0 && IsLetter(text[q - 1])) --q;
  if (q == word_end) return false;
  std::string_view word = text.substr(q, word_end - q);
  for (std::string_view w : kLinkWords)
    if (EqualsIgnoreCase(word, w)) return true;
  return false;
}

// The last four digits of an account number as a bank prints them: the number must end in a
// digit; separators (- space . /) between its digits are skipped ("123-456789-01" gives 8901);
// any other character among the last four digits ("99912AB", "12A456") means there is none.
std::optional<std::array<char, 4>> LastFourDigits(std::string_view number) {
  std::array<char, 4> out{};
  int have = 0;
  for (size_t p = number.size(); p > 0 && have < 4; --p) {
    char c = number[p - 1];
    if (IsDigit(c)) {
      out[static_cast<size_t>(3 - have)] = c;
      ++have;
    } else if (have == 0 || (c != '-' && c != ' ' && c != '.' && c != '/')) {
      return std::nullopt;
    }
  }
  if (have < 4) return std::nullopt;
  return out;
}

}  // namespace

std::string_view AccountNumber(std::string_view account) {
  size_t colon = account.find(':');
  return colon == std::string_view::npos ? account : account.substr(colon + 1);
}

std::optional<MirrorLink> DescriptionNamesAccount(std::string_view description,
                                                  std::string_view account, bool allow_last4) {
  std::string_view number = AccountNumber(account);
  bool found = false;
  if (number.size() >= 5) {
    ForEachBoundedOccurrence(description, number, [&](size_t) { return found = true; });
    if (found) return MirrorLink::kDescriptionNumber;
  }
  if (!allow_last4) return std::nullopt;
  std::optional<std::array<char, 4>> digits = LastFourDigits(number);
  if (!digits) return std::nullopt;
  const std::string_view last4(digits->data(), digits->size());
  ForEachBoundedOccurrence(description, last4,
                           [&](size_t p) { return found = IntroducedAsAccount(description, p); });
  if (found) return MirrorLink::kDescriptionLast4;
  return std::nullopt;
}

std::string_view MirrorLinkName(MirrorLink link) {
  switch (link) {
    case MirrorLink::kReference: return "reference";
    case MirrorLink::kCounterpartyAccount: return "counterparty_account";
    case MirrorLink::kDescriptionNumber: return "description_number";
    case MirrorLink::kDescriptionLast4: return "description_last4";
  }
  return "unknown";
}

}  // namespace moneytrail::statements
