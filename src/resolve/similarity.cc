#include "resolve/similarity.h"

#include "resolve/normalize.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

namespace moneytrail::resolve_internal {
namespace {

std::string_view FirstToken(std::string_view s) {
  size_t j = s.find(' ');
  return j == std::string_view::npos ? s : s.substr(0, j);
}

}  // namespace

double Jaro(std::string_view a, std::string_view b) {
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  if (a == b) return 1.0;
  const int la = static_cast<int>(a.size());
  const int lb = static_cast<int>(b.size());
  const int window = std::max(0, std::max(la, lb) / 2 - 1);
  // Match flags on the stack for names and short fields; the heap only for long text.
  std::array<char, 128> a_small{}, b_small{};
  std::vector<char> a_big, b_big;
  char* a_match = a_small.data();
  char* b_match = b_small.data();
  if (la > 128 || lb > 128) {
    a_big.assign(la, 0);
    b_big.assign(lb, 0);
    a_match = a_big.data();
    b_match = b_big.data();
  }
  int matches = 0;
  for (int i = 0; i < la; ++i) {
    const int lo = std::max(0, i - window);
    const int hi = std::min(lb - 1, i + window);
    const char c = a[i];
    for (int j = lo; j <= hi; ++j) {
      if (!b_match[j] && c == b[j]) {
        a_match[i] = b_match[j] = 1;
        ++matches;
        break;
      }
    }
  }
  if (matches == 0) return 0.0;
  int transpositions = 0;
  int k = 0;
  for (int i = 0; i < la; ++i) {
    if (!a_match[i]) continue;
    while (!b_match[k]) ++k;
    if (a[i] != b[k]) ++transpositions;
    ++k;
  }
  const double m = matches;
  return (m / la + m / lb + (m - transpositions / 2.0) / m) / 3.0;
}

namespace {

// Winkler's boost of a Jaro value for a common prefix of up to 4 characters (scale 0.1).
double WithPrefixBoost(double jaro, std::string_view a, std::string_view b) {
  int prefix = 0;
  const size_t limit = std::min<size_t>({a.size(), b.size(), 4});
  while (static_cast<size_t>(prefix) < limit && a[prefix] == b[prefix]) ++prefix;
  return jaro + prefix * 0.1 * (1.0 - jaro);
}

}  // namespace

double JaroWinkler(std::string_view a, std::string_view b) {
  return WithPrefixBoost(Jaro(a, b), a, b);
}

double JaroUpperBound(std::string_view a, std::string_view b) {
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  if (a == b) return 1.0;
  std::array<uint16_t, 256> count{};
  for (char c : a) ++count[static_cast<unsigned char>(c)];
  int common = 0;
  for (char c : b) {
    uint16_t& n = count[static_cast<unsigned char>(c)];
    if (n > 0) {
      --n;
      ++common;
    }
  }
  if (common == 0) return 0.0;
  // Jaro's formula with matches = common and no transpositions ((m - 0) / m = 1).
  const double m = common;
  return (m / static_cast<int>(a.size()) + m / static_cast<int>(b.size()) + 1.0) / 3.0;
}

double JaroWinklerUpperBound(std::string_view a, std::string_view b) {
  return WithPrefixBoost(JaroUpperBound(a, b), a, b);
}

int Levenshtein(std::string_view a, std::string_view b) {
  std::array<int, 130> prev_small, cur_small;
  std::vector<int> prev_big, cur_big;
  int* prev = prev_small.data();
  int* cur = cur_small.data();
  if (b.size() + 1 > prev_small.size()) {
    prev_big.resize(b.size() + 1);
    cur_big.resize(b.size() + 1);
    prev = prev_big.data();
    cur = cur_big.data();
  }
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

int DamerauLevenshtein(std::string_view a, std::string_view b) {
  const size_t la = a.size(), lb = b.size();
  std::array<int, 1024> small;
  std::vector<int> big;
  int* d = small.data();
  if ((la + 1) * (lb + 1) > small.size()) {
    big.resize((la + 1) * (lb + 1));
    d = big.data();
  }
  auto at = [&](size_t i, size_t j) -> int& { return d[i * (lb + 1) + j]; };
  for (size_t i = 0; i <= la; ++i) at(i, 0) = static_cast<int>(i);
  for (size_t j = 0; j <= lb; ++j) at(0, j) = static_cast<int>(j);
  for (size_t i = 1; i <= la; ++i) {
    for (size_t j = 1; j <= lb; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int v = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        v = std::min(v, at(i - 2, j - 2) + 1);
      }
      at(i, j) = v;
    }
  }
  return at(la, lb);
}

bool WithinOneEdit(std::string_view a, std::string_view b, bool allow_transposition) {
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() > 1) return false;
  size_t i = 0;
  while (i < a.size() && a[i] == b[i]) ++i;
  if (i == a.size()) return true;  // equal, or b has one extra character at the end
  if (a.size() == b.size()) {
    if (a.substr(i + 1) == b.substr(i + 1)) return true;  // one substitution
    return allow_transposition && i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] &&
           a.substr(i + 2) == b.substr(i + 2);
  }
  return a.substr(i) == b.substr(i + 1);  // one insertion into a
}

double TokenJaccard(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return 0.0;
  auto ta = SplitTokens(a), tb = SplitTokens(b);
  std::sort(ta.begin(), ta.end());
  ta.erase(std::unique(ta.begin(), ta.end()), ta.end());
  std::sort(tb.begin(), tb.end());
  tb.erase(std::unique(tb.begin(), tb.end()), tb.end());
  size_t common = 0;
  size_t i = 0, j = 0;
  while (i < ta.size() && j < tb.size()) {
    if (ta[i] == tb[j]) {
      ++common, ++i, ++j;
    } else if (ta[i] < tb[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return static_cast<double>(common) / static_cast<double>(ta.size() + tb.size() - common);
}

double TokenSortJaroWinkler(std::string_view a, std::string_view b) {
  auto sorted = [](std::string_view s) {
    auto t = SplitTokens(s);
    std::sort(t.begin(), t.end());
    std::string out;
    for (auto x : t) {
      if (!out.empty()) out.push_back(' ');
      out.append(x);
    }
    return out;
  };
  return JaroWinkler(sorted(a), sorted(b));
}

bool InitialMatch(std::string_view a, std::string_view b) {
  std::string_view fa = FirstToken(a), fb = FirstToken(b);
  if (fa.empty() || fb.empty()) return false;
  if (fa.size() == 1) return fb[0] == fa[0];
  if (fb.size() == 1) return fa[0] == fb[0];
  return false;
}

bool PrefixMatch(std::string_view a, std::string_view b, int min_length) {
  if (a.size() > b.size()) std::swap(a, b);
  return static_cast<int>(a.size()) >= min_length && b.substr(0, a.size()) == a;
}

bool DayMonthTransposed(std::string_view a, std::string_view b) {
  if (a.size() != 8 || b.size() != 8 || a == b) return false;
  return a.substr(0, 4) == b.substr(0, 4) && a.substr(4, 2) == b.substr(6, 2) &&
         a.substr(6, 2) == b.substr(4, 2);
}

int YearDifference(std::string_view a, std::string_view b) {
  if (a.size() != 8 || b.size() != 8) return -1;
  auto year = [](std::string_view s) {
    int y = 0;
    for (char c : s.substr(0, 4)) {
      if (c < '0' || c > '9') return -1;
      y = y * 10 + (c - '0');
    }
    return y;
  };
  const int ya = year(a), yb = year(b);
  if (ya < 0 || yb < 0) return -1;
  return std::abs(ya - yb);
}

}  // namespace moneytrail::resolve_internal
