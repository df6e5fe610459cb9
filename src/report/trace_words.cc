// Channels, exit kinds and the "where the money went" sentence in an investigator's words. The
// sentence names every part of a currency's traced money, so that its parts add up to the total.
#include <utility>

#include <fmt/format.h>

#include "moneytrail/case_report.h"
#include "report/html_util.h"

namespace moneytrail::report {

std::string ChannelWords(std::string_view channel) {
  static constexpr std::pair<std::string_view, std::string_view> kWords[] = {
      {"cash_deposit", "cash deposit"},
      {"cash_withdrawal", "cash withdrawal"},
      {"ach", "ACH transfer"},
      {"card", "card payment"},
      {"money_transmitter", "money-transmitter transfer"},
      {"crypto", "crypto transfer"},
      {"internal", "internal transfer"},
      {"unknown", "channel not recorded"}};
  for (const auto& [code, words] : kWords) {
    if (channel == code) return std::string(words);
  }
  return std::string(channel);
}

std::string ExitKindWords(std::string_view kind) {
  if (kind == "cash_withdrawal") return "cash withdrawal";
  if (kind == "merchant") return "card spend at merchants";
  if (kind == "external") return "payment to an outside account";
  if (kind == "conversion") return "currency exchange";
  if (kind == "hop_limit") return "transfers past the hop limit (not followed further)";
  if (kind == "below_minimum") return "transfers below the tracing minimum (not followed)";
  if (kind == "opening_balance") return "opening balance";
  if (kind == "unexplained") return "an unexplained source";
  return std::string(kind);
}

std::string WhereTheMoneyWent(const TraceTotalsView& t, std::string_view lead) {
  using report_internal::FormatMoney;
  std::string out = lead.empty() ? fmt::format("Of {} traced", FormatMoney(t.traced_in, t.currency))
                                 : std::string(lead);
  const bool described = !t.exits_described.empty();
  const auto& parts = described ? t.exits_described : t.exits;
  size_t k = 0;
  for (const auto& [what, amount] : parts) {
    out += fmt::format(", {} {}{}", FormatMoney(amount, t.currency), k == 0 ? "left by " : "by ",
                       described ? what : ExitKindWords(what));
    ++k;
  }
  out += fmt::format("{} {} is still held in accounts.", parts.empty() ? "," : " and",
                     FormatMoney(t.remaining, t.currency));
  // Parts that do not add up are said, never hidden.
  DecimalSum diff;
  bool ok = diff.Add(t.traced_in).ok() && diff.Subtract(t.remaining).ok();
  for (const auto& [what, amount] : parts) ok = ok && diff.Subtract(amount).ok();
  Result<Decimal> d = diff.value();
  if (!ok || !d.ok()) {
    out += " The parts are too large to check against the amount traced.";
  } else if (d->units != 0) {
    out += fmt::format(" The amount traced minus these parts is {}: the trace does not "
                       "reconcile.", FormatMoney(*d, t.currency));
  }
  return out;
}

}  // namespace moneytrail::report
