#include "resolve/normalize.h"

#include <array>
#include <cctype>
#include <cstdio>
#include <string>
#include <unordered_map>
#include <vector>

namespace moneytrail::resolve_internal {
namespace {

// Base letters of U+00C0..U+017F (generated from Unicode NFKD; ' ' for symbols).
constexpr std::string_view kLatinFold =
    "aaaaaaaceeeeiiiidnooooo ouuuuytsaaaaaaaceeeeiiiidnooooo ouuuuytyaaaaaaccccccccddddeeeeeeeeee"
    "gggggggghhhhiiiiiiiiiiiijjkkkllllllllllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyy"
    "zzzzzzs";
static_assert(kLatinFold.size() == 0x180 - 0xC0);

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// Keeps [a-z0-9], maps everything else to single spaces, trims. `drop` characters vanish.
std::string Tokenize(std::string_view folded, std::string_view drop) {
  std::string out;
  out.reserve(folded.size());
  bool pending_space = false;
  for (char c : folded) {
    if (IsAsciiAlnum(c)) {
      if (pending_space && !out.empty()) out.push_back(' ');
      pending_space = false;
      out.push_back(c);
    } else if (drop.find(c) == std::string_view::npos) {
      pending_space = true;
    }
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string DigitsOnly(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c >= '0' && c <= '9') out.push_back(c);
  }
  return out;
}

std::string JoinTokens(const std::vector<std::string_view>& tokens) {
  std::string out;
  for (auto t : tokens) {
    if (!out.empty()) out.push_back(' ');
    out.append(t);
  }
  return out;
}

std::string NormalizeName(std::string_view value) {
  static const std::array<std::string_view, 9> kTitles = {"mr", "mrs", "ms", "miss", "dr",
                                                          "prof", "sir", "mx", "jr"};
  std::string text = Tokenize(FoldToAscii(value), "'`");
  std::vector<std::string_view> kept;
  for (auto t : SplitTokens(text)) {
    bool title = false;
    for (auto title_word : kTitles) title = title || t == title_word;
    if (!title) kept.push_back(t);
  }
  return JoinTokens(kept);
}

std::string NormalizeAddress(std::string_view value) {
  static const std::unordered_map<std::string_view, std::string_view> kAbbrev = {
      {"street", "st"},    {"road", "rd"},       {"avenue", "ave"},  {"av", "ave"},
      {"drive", "dr"},     {"lane", "ln"},       {"court", "ct"},    {"place", "pl"},
      {"crescent", "cres"}, {"boulevard", "blvd"}, {"highway", "hwy"}, {"terrace", "tce"},
      {"circuit", "cct"},  {"parade", "pde"},    {"square", "sq"},   {"close", "cl"},
      {"apartment", "apt"}, {"unit", "apt"},     {"flat", "apt"},    {"suite", "ste"},
      {"north", "n"},      {"south", "s"},       {"east", "e"},      {"west", "w"},
      {"mount", "mt"},     {"saint", "st"},      {"number", "no"},   {"building", "bldg"}};
  std::string text = Tokenize(FoldToAscii(value), "'`");
  std::vector<std::string_view> tokens = SplitTokens(text);
  for (auto& t : tokens) {
    auto it = kAbbrev.find(t);
    if (it != kAbbrev.end()) t = it->second;
  }
  return JoinTokens(tokens);
}

bool ValidYmd(int y, int m, int d) {
  return y >= 1000 && y <= 2999 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

std::string NormalizeDate(std::string_view raw, DateOrder order) {
  std::string_view s = Trim(raw);
  if (s.empty()) return {};
  std::vector<std::string> parts;
  std::string cur;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      cur.push_back(c);
    } else if (c == 'T' || c == ' ') {
      break;  // a time part follows
    } else {
      parts.push_back(cur);
      cur.clear();
    }
  }
  parts.push_back(cur);
  if (parts.size() == 1) {
    // YYYYMMDD. Kept even if the month or day is out of range: a corrupted date still
    // agrees with its original on most characters.
    return parts[0].size() == 8 ? parts[0] : std::string();
  }
  if (parts.size() != 3) return {};
  auto num = [](const std::string& p) { return p.empty() || p.size() > 4 ? -1 : std::stoi(p); };
  const int a = num(parts[0]);
  const int b = num(parts[1]);
  const int c = num(parts[2]);
  int y = 0, m = 0, d = 0;
  if (parts[0].size() == 4) {
    y = a, m = b, d = c;
  } else if (order == DateOrder::kMonthDayYear) {
    m = a, d = b, y = c;
  } else {
    d = a, m = b, y = c;
  }
  if (y >= 0 && y < 100) y += y <= 30 ? 2000 : 1900;
  if (!ValidYmd(y, m, d)) return {};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d", y, m, d);
  return buf;
}

std::string NormalizePhone(std::string_view value) {
  std::string digits = DigitsOnly(value);
  if (digits.size() < 6) return {};
  if (digits.size() > 10) digits = digits.substr(digits.size() - 10);
  // A national trunk prefix "0" before a 9-digit subscriber number.
  if (digits.size() == 10 && digits[0] == '0') digits = digits.substr(1);
  return digits;
}

std::string NormalizeEmail(std::string_view value) {
  std::string s = FoldToAscii(Trim(value));
  if (s.rfind("mailto:", 0) == 0) s = s.substr(7);
  size_t at = s.rfind('@');
  if (at == std::string::npos) return Tokenize(s, "");
  std::string local = s.substr(0, at);
  std::string domain = s.substr(at + 1);
  size_t plus = local.find('+');
  if (plus != std::string::npos) local.resize(plus);
  if (domain == "gmail.com" || domain == "googlemail.com") {
    std::string undotted;
    for (char c : local) {
      if (c != '.') undotted.push_back(c);
    }
    local = undotted;
    domain = "gmail.com";
  }
  return local + "@" + domain;
}

std::string AlnumOnly(std::string_view value) {
  std::string out;
  for (char c : FoldToAscii(value)) {
    if (IsAsciiAlnum(c)) out.push_back(c);
  }
  return out;
}

}  // namespace

std::optional<Normalizer> ParseNormalizer(std::string_view name) {
  static const std::unordered_map<std::string_view, Normalizer> kNames = {
      {"raw", Normalizer::kRaw},         {"text", Normalizer::kText},
      {"name", Normalizer::kName},       {"date", Normalizer::kDate},
      {"phone", Normalizer::kPhone},     {"email", Normalizer::kEmail},
      {"address", Normalizer::kAddress}, {"postcode", Normalizer::kPostcode},
      {"digits", Normalizer::kDigits},   {"id", Normalizer::kId}};
  auto it = kNames.find(name);
  if (it == kNames.end()) return std::nullopt;
  return it->second;
}

std::string FoldToAscii(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  for (size_t i = 0; i < utf8.size();) {
    unsigned char c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(std::tolower(c)));
      ++i;
      continue;
    }
    int len = (c >= 0xF0) ? 4 : (c >= 0xE0) ? 3 : (c >= 0xC0) ? 2 : 1;
    uint32_t cp = 0;
    if (len == 2 && i + 1 < utf8.size()) {
      cp = ((c & 0x1F) << 6) | (static_cast<unsigned char>(utf8[i + 1]) & 0x3F);
    }
    if (cp >= 0xC0 && cp < 0x180) {
      out.push_back(kLatinFold[cp - 0xC0]);
    } else {
      out.push_back(' ');
    }
    i += len;
  }
  return out;
}

std::string Normalize(Normalizer normalizer, std::string_view value, DateOrder order) {
  switch (normalizer) {
    case Normalizer::kRaw:
      return std::string(Trim(value));
    case Normalizer::kText:
      return Tokenize(FoldToAscii(value), "'`");
    case Normalizer::kName:
      return NormalizeName(value);
    case Normalizer::kDate:
      return NormalizeDate(value, order);
    case Normalizer::kPhone:
      return NormalizePhone(value);
    case Normalizer::kEmail:
      return NormalizeEmail(value);
    case Normalizer::kAddress:
      return NormalizeAddress(value);
    case Normalizer::kPostcode:
    case Normalizer::kId:
      return AlnumOnly(value);
    case Normalizer::kDigits:
      return DigitsOnly(value);
  }
  return std::string(value);
}

std::vector<std::string_view> SplitTokens(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find(' ', i);
    if (j == std::string_view::npos) j = s.size();
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

}  // namespace moneytrail::resolve_internal
