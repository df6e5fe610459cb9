// Text helpers of the enrich module (text.h).
#include "enrich/text.h"

#include "moneytrail/edit_distance.h"

#include <algorithm>
#include <numeric>

namespace moneytrail::enrich {

std::vector<std::string_view> SplitSpaces(std::string_view s) {
  std::vector<std::string_view> tokens;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t start = i;
    while (i < s.size() && s[i] != ' ') ++i;
    if (i > start) tokens.push_back(s.substr(start, i - start));
  }
  return tokens;
}

std::string_view Nearest(std::string_view word, const std::vector<std::string_view>& candidates) {
  return NearestCandidate(word, candidates);
}

}  // namespace moneytrail::enrich
