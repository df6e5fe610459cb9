// Where two versions of an output first differ (moneytrail/text_diff.h).
#include "moneytrail/text_diff.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

#include "moneytrail/safe_text.h"

namespace moneytrail::report {

std::string FirstDifference(std::string_view name, std::string_view pack, std::string_view rerun,
                            std::string_view recorded_name) {
  const bool text = !name.ends_with(".xlsx") && !name.ends_with(".pdf");
  size_t i = 0;
  while (i < pack.size() && i < rerun.size() && pack[i] == rerun[i]) ++i;
  if (!text) {
    return fmt::format("bytes differ from offset {} ({} {} bytes, re-run {} bytes)", i,
                       recorded_name, pack.size(), rerun.size());
  }
  const size_t line_start = i == 0 ? std::string_view::npos : pack.rfind('\n', i - 1);
  const size_t begin = line_start == std::string_view::npos ? 0 : line_start + 1;
  const uint64_t line =
      1 + static_cast<uint64_t>(std::count(pack.begin(), pack.begin() + static_cast<long>(begin), '\n'));
  auto line_at = [&](std::string_view s) {
    if (begin >= s.size()) return std::string("(nothing: the file ends before it)");
    const size_t end = s.find('\n', begin);
    return "'" + Abbreviate(s.substr(begin, end == std::string_view::npos ? s.size() - begin : end - begin)) + "'";
  };
  return fmt::format("line {}: the {} has {}, the re-run gives {}", line, recorded_name,
                     line_at(pack), line_at(rerun));
}

}  // namespace moneytrail::report
