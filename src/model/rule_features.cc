// Rule-hit features: settled alerts on both ends of a transaction (docs/model.md).
#include "model/rule_features.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <limits>
#include <toml++/toml.h>
#include <unordered_map>

namespace moneytrail::model::model_internal {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr int64_t kDay = 86400;
// Per end: settled alerts by severity, distinct rules, days since the latest red flag.
const char* const kStats[] = {"report", "high", "other", "rules", "days_since"};
constexpr size_t kStatCount = std::size(kStats);

// "72h", "7d", "30m", "90s" -> seconds; -1 when it is not a duration.
int64_t DurationSeconds(std::string_view text) {
  if (text.size() < 2) return -1;
  int64_t n = 0;
  for (char c : text.substr(0, text.size() - 1)) {
    if (!std::isdigit(static_cast<unsigned char>(c)) || n > 1'000'000'000) return -1;
    n = n * 10 + (c - '0');
  }
  switch (text.back()) {
    case 's': return n;
    case 'm': return n * 60;
    case 'h': return n * 3600;
    case 'd': return n * kDay;
    default: return -1;
  }
}

// The settling delay of a window (docs/model.md): a window of length L ending at an event holds
// events of the last L, so a later transaction can only reach an episode (extend it, merge it)
// when it is within L of the episode's end. Calendar windows are evaluated at the last event
// of a day, so one more day; business days may span weekends, holidays and the posting
// cutoff, so six more. -1: the window spans all data.
int64_t DelayOf(std::string_view window) {
  std::string text(window);
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  int64_t n = 1;
  std::string unit = text;
  if (const size_t sp = text.find(' '); sp != std::string::npos) {
    n = std::strtoll(text.c_str(), nullptr, 10);
    unit = text.substr(sp + 1);
    if (n <= 0) return -2;
  }
  if (unit == "all") return -1;
  if (unit == "day" || unit == "days") return (n + 1) * kDay;
  if (unit == "business_day" || unit == "business_days") return (n + 6) * kDay;
  const int64_t d = DurationSeconds(unit);
  return d > 0 ? d : -2;
}

}  // namespace

Result<std::vector<RuleDelay>> RuleDelays(std::string_view pack_text, std::string_view origin) {
  toml::table doc;
  try {
    doc = toml::parse(pack_text, std::string(origin));
  } catch (const toml::parse_error& e) {
    return InvalidArgumentError(fmt::format("{}:{}: {}", origin, e.source().begin.line,
                                            e.description()));
  }
  std::vector<RuleDelay> out;
  const toml::array* rules = doc["rule"].as_array();
  if (rules == nullptr) return out;
  for (const toml::node& node : *rules) {
    const toml::table* rule = node.as_table();
    if (rule == nullptr) continue;
    RuleDelay d;
    d.rule_id = (*rule)["id"].value_or(std::string());
    std::string window = (*rule)["window"].value_or(std::string());
    if (window.starts_with('$')) {
      window = (*rule)["params"][window.substr(1)].value_or(std::string());
    }
    const int64_t delay = DelayOf(window);
    if (delay == -2) {
      return InvalidArgumentError(fmt::format("{}: rule '{}': cannot read window '{}' for the "
                                              "model's rule features", origin, d.rule_id, window));
    }
    d.usable = delay >= 0 && !(*rule).contains("peer");
    d.delay_seconds = std::max<int64_t>(delay, 0);
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<std::string> RuleFeatureNames() {
  std::vector<std::string> names;
  for (const char* end : {"src", "dst"}) {
    for (const char* stat : kStats) names.push_back(fmt::format("rule_{}_{}", end, stat));
  }
  return names;
}

void ComputeRuleFeatures(const store::Store& s, const rules::ScanResult& scan,
                         std::span<const RuleDelay> delays, std::vector<float>& out) {
  std::unordered_map<std::string_view, const RuleDelay*> by_id;
  for (const RuleDelay& d : delays) by_id[d.rule_id] = &d;
  struct Settled {
    Timestamp known_at = 0;    // window end + delay
    Timestamp window_end = 0;
    uint8_t severity = 0;      // 0 report, 1 high, 2 other
    uint32_t rule = 0;         // index into `delays`
  };
  std::vector<std::vector<Settled>> per_account(s.account_count());
  for (const rules::Alert& a : scan.alerts) {
    const auto it = by_id.find(a.rule_id);
    if (it == by_id.end() || !it->second->usable) continue;
    const Settled e{a.window_end + it->second->delay_seconds, a.window_end,
                    static_cast<uint8_t>(a.severity == "report" ? 0 : a.severity == "high" ? 1 : 2),
                    static_cast<uint32_t>(it->second - delays.data())};
    for (AccountId subject : a.subjects) {
      if (subject < per_account.size()) per_account[subject].push_back(e);
    }
  }
  // Per account, the running statistics after its first k settled alerts (k = 0..n).
  struct Running {
    Timestamp known_at = std::numeric_limits<Timestamp>::min();
    float stats[kStatCount - 1] = {0, 0, 0, 0};
    Timestamp last_red_flag = std::numeric_limits<Timestamp>::min();
  };
  std::vector<std::vector<Running>> running(s.account_count());
  for (size_t a = 0; a < per_account.size(); ++a) {
    std::vector<Settled>& list = per_account[a];
    if (list.empty()) continue;
    std::sort(list.begin(), list.end(), [](const Settled& x, const Settled& y) {
      return std::tie(x.known_at, x.window_end, x.rule) < std::tie(y.known_at, y.window_end, y.rule);
    });
    std::vector<uint32_t> seen_rules;
    std::vector<Running>& r = running[a];
    r.resize(list.size() + 1);
    for (size_t k = 0; k < list.size(); ++k) {
      r[k + 1] = r[k];
      r[k + 1].known_at = list[k].known_at;
      r[k + 1].stats[list[k].severity] += 1;
      if (std::find(seen_rules.begin(), seen_rules.end(), list[k].rule) == seen_rules.end()) {
        seen_rules.push_back(list[k].rule);
      }
      r[k + 1].stats[3] = static_cast<float>(seen_rules.size());
      if (list[k].severity != 0) {
        r[k + 1].last_red_flag = std::max(r[k + 1].last_red_flag, list[k].window_end);
      }
    }
  }
  const size_t n = s.transaction_count();
  const size_t width = 2 * kStatCount;
  out.assign(n * width, 0.0f);
  for (size_t t = 0; t < n; ++t) {
    const Timestamp now = s.time()[t];
    const AccountId ends[] = {s.source()[t], s.destination()[t]};
    for (size_t e = 0; e < 2; ++e) {
      float* x = &out[t * width + e * kStatCount];
      x[kStatCount - 1] = kNaN;
      const std::vector<Running>& r = running[ends[e]];
      if (r.empty()) continue;
      // The last state settled at or before now (r[0] is the empty state).
      const auto it = std::upper_bound(r.begin() + 1, r.end(), now,
                                       [](Timestamp v, const Running& x) { return v < x.known_at; });
      const Running& at = *(it - 1);
      std::copy(std::begin(at.stats), std::end(at.stats), x);
      if (at.last_red_flag != std::numeric_limits<Timestamp>::min()) {
        x[kStatCount - 1] = static_cast<float>(static_cast<double>(now - at.last_red_flag) / kDay);
      }
    }
  }
}

}  // namespace moneytrail::model::model_internal
