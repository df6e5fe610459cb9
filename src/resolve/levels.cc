#include "resolve/levels.h"

#include <algorithm>
#include <charconv>
#include <vector>

#include <fmt/format.h>

#include "resolve/similarity.h"

namespace moneytrail::resolve_internal {
namespace {

struct KindName {
  std::string_view name;
  LevelKind kind;
  char op;  // '>' for >=, '<' for <=, 0 for no parameter
};

constexpr KindName kKinds[] = {
    {"exact", LevelKind::kExact, 0},
    {"jaro_winkler", LevelKind::kJaroWinkler, '>'},
    {"jaro", LevelKind::kJaro, '>'},
    {"levenshtein", LevelKind::kLevenshtein, '<'},
    {"damerau", LevelKind::kDamerau, '<'},
    {"nickname", LevelKind::kNickname, 0},
    {"initial", LevelKind::kInitial, 0},
    {"prefix", LevelKind::kPrefix, '>'},
    {"swapped", LevelKind::kSwapped, 0},
    {"token_set", LevelKind::kTokenSet, '>'},
    {"token_sort_jaro_winkler", LevelKind::kTokenSortJw, '>'},
    {"date_transposed", LevelKind::kDateTransposed, 0},
    {"years", LevelKind::kYears, '<'},
    {"common_prefix", LevelKind::kCommonPrefix, '>'},
    {"suffix", LevelKind::kSuffix, '>'},
    {"email_local", LevelKind::kEmailLocal, 0},
    {"contains", LevelKind::kContains, 0},
};

bool ContainsTokens(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) std::swap(hay, needle);
  size_t pos = hay.find(needle);
  while (pos != std::string_view::npos) {
    const bool start_ok = pos == 0 || hay[pos - 1] == ' ';
    const size_t end = pos + needle.size();
    const bool end_ok = end == hay.size() || hay[end] == ' ';
    if (start_ok && end_ok) return true;
    pos = hay.find(needle, pos + 1);
  }
  return false;
}

std::string_view EmailLocal(std::string_view s) {
  size_t at = s.find('@');
  return at == std::string_view::npos ? std::string_view() : s.substr(0, at);
}

}  // namespace

Result<LevelSpec> ParseLevel(std::string_view text) {
  size_t op_pos = text.find_first_of("<>");
  std::string_view name = text.substr(0, op_pos);
  for (const KindName& k : kKinds) {
    if (k.name != name) continue;
    LevelSpec spec;
    spec.kind = k.kind;
    spec.label = std::string(text);
    if (k.op == 0) {
      if (op_pos != std::string_view::npos) {
        return InvalidArgumentError(fmt::format("level '{}': '{}' takes no parameter", text, name));
      }
      return spec;
    }
    const std::string expected = fmt::format("{}{}=N", name, k.op == '>' ? '>' : '<');
    if (op_pos == std::string_view::npos || op_pos + 1 >= text.size() || text[op_pos] != k.op ||
        text[op_pos + 1] != '=') {
      return InvalidArgumentError(fmt::format("level '{}': expected {}", text, expected));
    }
    std::string number(text.substr(op_pos + 2));
    char* end = nullptr;
    spec.param = std::strtod(number.c_str(), &end);
    if (number.empty() || end != number.c_str() + number.size()) {
      return InvalidArgumentError(fmt::format("level '{}': expected {}", text, expected));
    }
    return spec;
  }
  std::string names;
  for (const KindName& k : kKinds) names += (names.empty() ? "" : ", ") + std::string(k.name);
  return InvalidArgumentError(fmt::format("unknown level '{}'; known levels: {}", text, names));
}

bool LevelHolds(const LevelSpec& level, const LevelInput& in) {
  const std::string_view a = in.left, b = in.right;
  switch (level.kind) {
    case LevelKind::kExact:
      return a == b;
    case LevelKind::kJaroWinkler:
      if (in.jaro_winkler < 0) {
        // The bound never undercuts the similarity (the margin covers rounding), so skipping
        // the scan changes no level.
        if (in.jaro_winkler_bound < 0) in.jaro_winkler_bound = JaroWinklerUpperBound(a, b);
        if (in.jaro_winkler_bound < level.param - 1e-9) return false;
        in.jaro_winkler = JaroWinkler(a, b);
      }
      return in.jaro_winkler >= level.param;
    case LevelKind::kJaro:
      if (JaroUpperBound(a, b) < level.param - 1e-9) return false;
      return Jaro(a, b) >= level.param;
    case LevelKind::kLevenshtein: {
      const int k = static_cast<int>(level.param);
      if (k == 1) return WithinOneEdit(a, b, false);
      const int len_diff = static_cast<int>(a.size()) - static_cast<int>(b.size());
      return std::abs(len_diff) <= k && Levenshtein(a, b) <= k;
    }
    case LevelKind::kDamerau: {
      const int k = static_cast<int>(level.param);
      if (k == 1) return WithinOneEdit(a, b, true);
      const int len_diff = static_cast<int>(a.size()) - static_cast<int>(b.size());
      return std::abs(len_diff) <= k && DamerauLevenshtein(a, b) <= k;
    }
    case LevelKind::kNickname:
      return NicknameEquivalent(a, b);
    case LevelKind::kInitial:
      return InitialMatch(a, b);
    case LevelKind::kPrefix:
      return PrefixMatch(a, b, static_cast<int>(level.param));
    case LevelKind::kSwapped:
      return (!in.right_swap.empty() && a == in.right_swap) ||
             (!in.left_swap.empty() && b == in.left_swap);
    case LevelKind::kTokenSet:
      return TokenJaccard(a, b) >= level.param;
    case LevelKind::kTokenSortJw:
      return TokenSortJaroWinkler(a, b) >= level.param;
    case LevelKind::kDateTransposed:
      return DayMonthTransposed(a, b);
    case LevelKind::kYears: {
      const int d = YearDifference(a, b);
      return d >= 0 && d <= static_cast<int>(level.param);
    }
    case LevelKind::kCommonPrefix: {
      const size_t n = static_cast<size_t>(level.param);
      return a.size() >= n && b.size() >= n && a.substr(0, n) == b.substr(0, n);
    }
    case LevelKind::kSuffix: {
      const size_t n = static_cast<size_t>(level.param);
      return a.size() >= n && b.size() >= n && a.substr(a.size() - n) == b.substr(b.size() - n);
    }
    case LevelKind::kEmailLocal: {
      std::string_view la = EmailLocal(a), lb = EmailLocal(b);
      return !la.empty() && la == lb;
    }
    case LevelKind::kContains:
      return ContainsTokens(a, b);
  }
  return false;
}

Result<BlockingKey> ParseBlockingKey(std::string_view text) {
  BlockingKey key;
  size_t colon = text.find(':');
  key.column = std::string(text.substr(0, colon));
  if (key.column.empty()) return InvalidArgumentError(fmt::format("blocking key '{}': no column", text));
  if (colon == std::string_view::npos) return key;
  std::string_view t = text.substr(colon + 1);
  if (t.substr(0, 6) == "first=") {
    key.transform = KeyTransform::kFirst;
    auto r = std::from_chars(t.data() + 6, t.data() + t.size(), key.length);
    if (r.ec != std::errc() || r.ptr != t.data() + t.size() || key.length <= 0) {
      return InvalidArgumentError(fmt::format("blocking key '{}': expected first=N, N > 0", text));
    }
    return key;
  }
  static const std::pair<std::string_view, KeyTransform> kTransforms[] = {
      {"year", KeyTransform::kYear},           {"month_day", KeyTransform::kMonthDay},
      {"soundex", KeyTransform::kSoundex},     {"local", KeyTransform::kLocal},
      {"domain", KeyTransform::kDomain},       {"sorted_tokens", KeyTransform::kSortedTokens},
      {"first_token", KeyTransform::kFirstToken}, {"last_token", KeyTransform::kLastToken}};
  for (const auto& [name, transform] : kTransforms) {
    if (t == name) {
      key.transform = transform;
      return key;
    }
  }
  return InvalidArgumentError(fmt::format(
      "blocking key '{}': unknown transform '{}'; expected first=N, year, month_day, soundex, "
      "local, domain, sorted_tokens, first_token or last_token",
      text, t));
}

std::string Soundex(std::string_view s) {
  static constexpr char kCodes[] = "01230120022455012623010202";  // a..z
  std::string out;
  char last = 0;
  for (char c : s) {
    if (c == ' ') break;
    if (c < 'a' || c > 'z') continue;
    const char code = kCodes[c - 'a'];
    if (out.empty()) {
      out.push_back(c);
      last = code;
      continue;
    }
    if (c == 'h' || c == 'w') continue;  // do not separate equal codes
    if (code != '0' && code != last) out.push_back(code);
    last = code;
    if (out.size() == 4) break;
  }
  if (out.empty()) return out;
  while (out.size() < 4) out.push_back('0');
  return out;
}

std::string ApplyKeyTransform(const BlockingKey& key, std::string_view v) {
  if (v.empty()) return {};
  switch (key.transform) {
    case KeyTransform::kNone:
      return std::string(v);
    case KeyTransform::kFirst:
      return std::string(v.substr(0, key.length));
    case KeyTransform::kYear:
      return v.size() == 8 ? std::string(v.substr(0, 4)) : std::string();
    case KeyTransform::kMonthDay:
      return v.size() == 8 ? std::string(v.substr(4, 4)) : std::string();
    case KeyTransform::kSoundex:
      return Soundex(v);
    case KeyTransform::kLocal: {
      size_t at = v.find('@');
      return at == std::string_view::npos ? std::string(v) : std::string(v.substr(0, at));
    }
    case KeyTransform::kDomain: {
      size_t at = v.find('@');
      return at == std::string_view::npos ? std::string() : std::string(v.substr(at + 1));
    }
    case KeyTransform::kSortedTokens: {
      std::vector<std::string_view> tokens;
      size_t i = 0;
      while (i < v.size()) {
        size_t j = v.find(' ', i);
        if (j == std::string_view::npos) j = v.size();
        if (j > i) tokens.push_back(v.substr(i, j - i));
        i = j + 1;
      }
      std::sort(tokens.begin(), tokens.end());
      std::string out;
      for (auto t : tokens) {
        if (!out.empty()) out.push_back(' ');
        out.append(t);
      }
      return out;
    }
    case KeyTransform::kFirstToken:
      return std::string(v.substr(0, v.find(' ')));
    case KeyTransform::kLastToken: {
      size_t sp = v.rfind(' ');
      return std::string(sp == std::string_view::npos ? v : v.substr(sp + 1));
    }
  }
  return {};
}

}  // namespace moneytrail::resolve_internal
