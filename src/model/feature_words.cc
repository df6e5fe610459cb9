#include "model/feature_words.h"

#include <fmt/format.h>

#include <cmath>
#include <string>

#include "moneytrail/transaction.h"

namespace moneytrail::model::model_internal {
namespace {

struct Phrase {
  std::string_view name;
  std::string_view words;
};

// Whole names first; pattern and account columns are composed below.
constexpr Phrase kPhrases[] = {
    {"raw_amount_paid", "amount paid"},
    {"raw_amount_received", "amount received"},
    {"raw_hour", "hour of day (UTC)"},
    {"raw_round_amount", "round amount (trailing zeros)"},
    {"raw_merchant_category", "merchant category code"},
    {"pat_sg_count", "scatter-gather patterns it closes"},
    {"pat_sg_max_width", "widest scatter-gather it closes"},
    {"pat_gs_sources", "gather-scatter sources through the sender"},
    {"pat_gs_sinks", "gather-scatter sinks through the sender"},
    {"pat_bip_pairs", "bipartite blocks it completes"},
    {"pat_bip_sources", "bipartite payers"},
    {"pat_bip_sinks", "bipartite payees"},
};

std::string_view EndWords(std::string_view end) {
  return end == "src" ? "sender" : "receiver";
}

std::string NodeKindWords(float v) {
  const int k = static_cast<int>(v);
  if (k < 0 || k >= kNodeKindCount) return fmt::format("{}", v);
  return std::string(NodeKindName(static_cast<NodeKind>(k)));
}

std::string Number(float v) {
  if (std::isnan(v)) return "none";
  if (v == std::floor(v) && std::fabs(v) < 1e15f) return fmt::format("{:.0f}", v);
  return fmt::format("{:.3g}", v);
}

std::string Currency(float v) {
  const int code = static_cast<int>(v);
  if (code < 0 || code >= 26 * 26 * 26) return "(non-ISO currency)";
  return {static_cast<char>('A' + code / 676), static_cast<char>('A' + code / 26 % 26),
          static_cast<char>('A' + code % 26)};
}

std::string PatternWords(std::string_view column, float v) {
  // vs_<list>_<stat>, fan_/deg_<dir>_<end>, tc_*, st_* ... (docs/patterns.md).
  if (column.starts_with("vs_")) {
    const std::string_view rest = column.substr(3);  // src_out_amt_mean
    const std::string_view end = rest.substr(0, 3);
    const std::string_view dir = rest.substr(4, rest[4] == 'o' ? 3 : 2);
    const std::string_view stat = rest.substr(4 + dir.size() + 1);
    return fmt::format("{}'s {} payments in the last 3 days, {}: {}", EndWords(end),
                       dir == "out" ? "outgoing" : "incoming", stat, Number(v));
  }
  if (column.starts_with("fan_") || column.starts_with("deg_")) {
    const bool fan = column.starts_with("fan_");
    const bool out = column.substr(4, 3) == "out";
    const std::string_view end = column.substr(out ? 8 : 7, 3);
    return fmt::format("{}'s {} {} in the last 12 h: {}", EndWords(end),
                       fan ? "distinct" : "number of", out ? (fan ? "payees" : "payments out")
                                                           : (fan ? "payers" : "payments in"),
                       Number(v));
  }
  return fmt::format("pattern {}: {}", column, Number(v));
}

}  // namespace

std::string DescribeFeature(std::string_view name, float v) {
  for (const Phrase& p : kPhrases) {
    if (p.name == name) {
      if (name.starts_with("raw_amount")) return fmt::format("{} {:.2f}", p.words, v);
      return fmt::format("{}: {}", p.words, Number(v));
    }
  }
  if (name == "raw_channel") {
    const int c = static_cast<int>(v);
    return fmt::format("channel {}", c >= 0 && c < kChannelCount
                                         ? ChannelName(static_cast<Channel>(c))
                                         : std::string_view("?"));
  }
  if (name == "raw_currency_paid") return "paid in " + Currency(v);
  if (name == "raw_currency_received") return "received in " + Currency(v);
  if (name == "raw_cross_currency") return v > 0 ? "paid and received in different currencies"
                                                 : "same currency both ends";
  if (name == "raw_weekday") {
    constexpr std::string_view kDays[] = {"Monday", "Tuesday", "Wednesday", "Thursday",
                                          "Friday", "Saturday", "Sunday"};
    const int d = static_cast<int>(v);
    return fmt::format("on a {}", d >= 0 && d < 7 ? kDays[d] : "?");
  }
  if (name == "raw_source_kind") return "sender is " + NodeKindWords(v);
  if (name == "raw_destination_kind") return "receiver is " + NodeKindWords(v);
  if (name.starts_with("pat_")) return PatternWords(name.substr(4), v);
  if (name.starts_with("acct_")) {  // acct_src_n_out
    const std::string_view end = name.substr(5, 3);
    const std::string_view stat = name.substr(9);
    constexpr Phrase kStats[] = {
        {"n_out", "payments out so far"},     {"n_in", "payments in so far"},
        {"amt_out_mean", "mean payment out"}, {"amt_in_mean", "mean payment in"},
        {"age_days", "days since first seen"}, {"idle_hours", "hours since its previous payment"},
        {"round_share_out", "share of round amounts paid"},
        {"cash_share", "share of cash payments"},
        {"amt_out_max", "largest payment out so far"},
        {"amt_in_max", "largest payment in so far"}};
    for (const Phrase& p : kStats) {
      if (p.name == stat) return fmt::format("{}'s {}: {}", EndWords(end), p.words, Number(v));
    }
  }
  if (name.starts_with("nb_")) {  // nb_src_in_max
    const std::string_view end = name.substr(3, 3);
    const std::string_view what = name.substr(7);
    const std::string_view words =
        what == "in_max"   ? "most suspicious earlier payment received"
        : what == "in_sum" ? "suspicion summed over earlier payments received"
                           : "most suspicious earlier payment sent";
    return fmt::format("{}'s {} (first-stage score, halved per week): {:.3f}", EndWords(end),
                       words, v);
  }
  if (name == "tn_self") return fmt::format("first-stage score of this payment: {:.3f}", v);
  if (name.starts_with("tn_")) {  // tn_src_share
    const std::string_view end = name.substr(3, 3);
    const std::string_view what = name.substr(7);
    if (what == "share") {
      return fmt::format("{}'s balance from suspicious-looking payments: {:.0f}%", EndWords(end),
                         100.0 * v);
    }
    if (what == "spend") {
      return fmt::format("amount paid / sender's suspicious-looking balance: {:.2f}", v);
    }
    return fmt::format("{}'s balance from suspicious-looking payments: {}", EndWords(end),
                       Number(v));
  }
  return fmt::format("{}: {}", name, Number(v));
}

}  // namespace moneytrail::model::model_internal
