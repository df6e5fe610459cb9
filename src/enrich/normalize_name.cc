// NormalizeName (include/moneytrail/enrich.h): the key that merges one counterparty's spellings.
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "enrich/text.h"
#include "moneytrail/enrich.h"

namespace moneytrail::enrich {
namespace {

// Upper-case ASCII base letter of U+00C0..U+017F; '?' marks the two-letter folds below.
constexpr std::string_view kLatin1 =
    "AAAAAA?CEEEEIIIIDNOOOOO OUUUUY??AAAAAA?CEEEEIIIIDNOOOOO OUUUUY?Y";
constexpr std::string_view kLatinExtA =
    "AAAAAACCCCCCCCDDDDEEEEEEEEEEGGGGGGGGHHHHIIIIIIIIII??JJKKKLLLLLLLLLLNNNNNNNNNOOOOOO??RRRRRR"
    "SSSSSSSSTTTTTTUUUUUUUUUUUUWWYYYZZZZZZS";
static_assert(kLatin1.size() == 64);
static_assert(kLatinExtA.size() == 128);

// Appends the fold of code point `cp` (from U+00C0) to `out`; false when it has none.
bool FoldLatin(char32_t cp, std::string& out) {
  switch (cp) {
    case 0xC6: case 0xE6: out += "AE"; return true;
    case 0xDE: case 0xFE: out += "TH"; return true;
    case 0xDF: out += "SS"; return true;
    case 0x132: case 0x133: out += "IJ"; return true;
    case 0x152: case 0x153: out += "OE"; return true;
    default: break;
  }
  char c = ' ';
  if (cp >= 0xC0 && cp < 0x100) c = kLatin1[cp - 0xC0];
  else if (cp >= 0x100 && cp < 0x180) c = kLatinExtA[cp - 0x100];
  if (c == ' ' || c == '?') return false;
  out += c;
  return true;
}

// Legal-form suffixes, as token sequences, longest first within a family.
constexpr std::array<std::string_view, 36> kSuffixes = {
    "S DE RL DE CV", "S DE RL", "SAPI DE CV", "SAB DE CV", "SA DE CV", "S A DE C V",
    "SA", "SRL", "SAS", "SL", "SPA", "LLC", "L L C", "INC", "INCORPORATED", "CORP",
    "CORPORATION", "CO", "COMPANY", "LTD", "LIMITED", "LP", "LLP", "PLLC", "PC", "PLC", "GMBH",
    "AG", "BV", "NV", "NA", "LTDA", "CIA", "SC", "AC", "PTY"};

// kSuffixes split into tokens, once.
const std::vector<std::vector<std::string_view>>& SuffixTokens() {
  static const std::vector<std::vector<std::string_view>> split = [] {
    std::vector<std::vector<std::string_view>> v;
    for (std::string_view s : kSuffixes) v.push_back(SplitSpaces(s));
    return v;
  }();
  return split;
}

// Whether tokens[begin, n) ends with `suffix` and holds more than it.
bool EndsWith(const std::vector<std::string_view>& tokens, size_t begin, size_t n,
              const std::vector<std::string_view>& suffix) {
  if (suffix.size() >= n - begin) return false;  // never strip the whole name
  for (size_t i = 0; i < suffix.size(); ++i) {
    if (tokens[n - suffix.size() + i] != suffix[i]) return false;
  }
  return true;
}

}  // namespace

std::string FoldUpperAscii(std::string_view text, bool drop_joiners) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    unsigned char b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {
      ++i;
      if (b >= 'a' && b <= 'z') out += static_cast<char>(b - 'a' + 'A');
      else if ((b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')) out += static_cast<char>(b);
      else if (drop_joiners && (b == '\'' || b == '.' || b == '`')) continue;
      else if (drop_joiners && b == '&') out += " AND ";
      else out += ' ';
      continue;
    }
    // A UTF-8 sequence, or a stray byte read as Windows-1252/Latin-1 ("M\xC9XICO" -> MEXICO).
    char32_t cp = 0;
    size_t len = 0;
    if ((b & 0xE0) == 0xC0) { cp = b & 0x1F; len = 2; }
    else if ((b & 0xF0) == 0xE0) { cp = b & 0x0F; len = 3; }
    else if ((b & 0xF8) == 0xF0) { cp = b & 0x07; len = 4; }
    bool valid = len > 0 && i + len <= text.size();
    for (size_t k = 1; valid && k < len; ++k) {
      unsigned char c = static_cast<unsigned char>(text[i + k]);
      if ((c & 0xC0) != 0x80) valid = false;
      else cp = (cp << 6) | (c & 0x3F);
    }
    if (!valid) {
      cp = b;
      len = 1;
    }
    i += len;
    if (drop_joiners && (cp == 0x2018 || cp == 0x2019 || cp == 0x92)) continue;  // ’ as '
    if (!FoldLatin(cp, out)) out += ' ';
  }
  return out;
}

std::string NormalizeName(std::string_view name) {
  std::string folded = FoldUpperAscii(name, /*drop_joiners=*/true);
  std::vector<std::string_view> tokens = SplitSpaces(folded);
  size_t begin = 0;
  size_t n = tokens.size();
  if (n > 1 && tokens[0] == "THE") begin = 1;
  bool stripped = true;
  while (stripped) {
    stripped = false;
    for (const std::vector<std::string_view>& suffix : SuffixTokens()) {
      if (EndsWith(tokens, begin, n, suffix)) {
        n -= suffix.size();
        stripped = true;
        break;
      }
    }
    if (n - begin > 1 && tokens[n - 1] == "AND") {  // "SMITH & CO" -> "SMITH"
      --n;
      stripped = true;
    }
  }
  std::string key;
  for (size_t t = begin; t < n; ++t) {
    if (!key.empty()) key += ' ';
    key += tokens[t];
  }
  return key;
}

}  // namespace moneytrail::enrich
