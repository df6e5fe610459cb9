#include "rules/template.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace moneytrail::rules::rules_internal {
namespace {

constexpr std::array<std::string_view, 17> kStreamFigures = {
    "count", "sum", "max", "min", "distinct_counterparties", "distinct_locations", "distinct_cities",
    "distinct_regions", "distinct_countries", "distinct_days", "distinct_mccs", "senders_sharing_contact",
    "cities", "regions", "counterparties", "countries", "mccs"};
constexpr std::array<std::string_view, 13> kCommonFigures = {
    "subject", "entity", "start", "end", "span", "span_hours", "span_days", "peer_median", "peer_value", "peer_group",
    "history_value", "rule", "title"};

bool Known(std::string_view name, bool sequence) {
  if (std::find(kCommonFigures.begin(), kCommonFigures.end(), name) != kCommonFigures.end()) return true;
  if (sequence) {
    if (name == "ratio" || name == "ratio_percent" || name == "lag_hours" || name == "lag") return true;
    for (std::string_view prefix : {"first.", "then."}) {
      if (name.substr(0, prefix.size()) == prefix) {
        std::string_view rest = name.substr(prefix.size());
        return std::find(kStreamFigures.begin(), kStreamFigures.end(), rest) != kStreamFigures.end();
      }
    }
    return false;
  }
  return std::find(kStreamFigures.begin(), kStreamFigures.end(), name) != kStreamFigures.end();
}

}  // namespace

Status CheckTemplate(std::string_view text, bool sequence, const std::vector<std::string>& params) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '{') continue;
    size_t close = text.find('}', i);
    if (close == std::string_view::npos) return InvalidArgumentError(fmt::format("unclosed '{{' at offset {}", i));
    std::string_view name = text.substr(i + 1, close - i - 1);
    if (name.substr(0, 6) == "param." &&
        std::find(params.begin(), params.end(), std::string(name.substr(6))) != params.end()) {
      i = close;
      continue;
    }
    if (!Known(name, sequence)) {
      return InvalidArgumentError(fmt::format("unknown placeholder {{{}}}{}", name,
                                              sequence ? " (a sequence's figures are first.X, then.X, ratio, "
                                                         "ratio_percent, lag_hours)"
                                                       : ""));
    }
    i = close;
  }
  return Status::Ok();
}

std::string RenderTemplate(std::string_view text, const std::map<std::string, std::string>& values) {
  std::string out;
  out.reserve(text.size() + 64);
  for (size_t i = 0; i < text.size(); ++i) {
    size_t close = text[i] == '{' ? text.find('}', i) : std::string_view::npos;
    if (close == std::string_view::npos) {
      out.push_back(text[i]);
      continue;
    }
    auto it = values.find(std::string(text.substr(i + 1, close - i - 1)));
    out += it == values.end() ? "?" : it->second;
    i = close;
  }
  return out;
}

std::string DefaultTemplate(bool sequence) {
  if (sequence) {
    return "{subject} received {first.count} matching transactions totalling {first.sum} and then paid "
           "{then.count} totalling {then.sum} ({ratio_percent} of the inflow) between {start} and {end} ({title}).";
  }
  return "{subject} had {count} matching transactions totalling {sum} between {start} and {end} ({title}).";
}

}  // namespace moneytrail::rules::rules_internal
