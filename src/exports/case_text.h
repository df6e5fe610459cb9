// Small readers of the case directory's text shared by the exhibit and the SAR-style summary:
// subjects.csv's space-separated lists and its formula-neutralised cells.
#ifndef MONEYTRAIL_EXPORTS_CASE_TEXT_H_
#define MONEYTRAIL_EXPORTS_CASE_TEXT_H_

#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/safe_text.h"

namespace moneytrail::exports {

// The words of `s` separated by runs of spaces ("a  b" -> a, b).
inline std::vector<std::string> SplitSpaces(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t j = i;
    while (j < s.size() && s[j] != ' ') ++j;
    if (j > i) out.emplace_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

// A cell as written before it was neutralised against spreadsheet formulas (the leading "'"
// that CSV outputs put before a formula-leading value removed).
inline std::string Unneutralised(std::string_view v) {
  return std::string(v.starts_with('\'') && v.size() > 1 && IsFormulaLeading(v.substr(1)) ? v.substr(1) : v);
}

}  // namespace moneytrail::exports

#endif  // MONEYTRAIL_EXPORTS_CASE_TEXT_H_
