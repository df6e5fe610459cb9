#include "report/html_util.h"

#include <fmt/format.h>

#include "moneytrail/time_format.h"

namespace moneytrail::report_internal {

void AppendEscaped(std::string_view text, std::string& out) {
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        if ((static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') || c == 0x7f) {
          out += "\xEF\xBF\xBD";
        } else {
          out += c;
        }
    }
  }
}

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  AppendEscaped(text, out);
  return out;
}

std::string FormatMoney(Decimal amount, std::string_view currency) {
  std::string out = FormatDecimalGrouped(amount);
  if (!currency.empty()) {
    out += ' ';
    out += currency;
  }
  return out;
}

std::string FormatMoney(const report::Money& money) {
  return FormatMoney(money.amount, money.currency);
}

std::string FormatMoneyList(const std::vector<report::Money>& amounts) {
  if (amounts.empty()) return "none";
  std::string out;
  for (const report::Money& m : amounts) {
    if (!out.empty()) out += "; ";
    out += FormatMoney(m);
  }
  return out;
}

std::string FormatDate(Timestamp t) { return FormatIsoTime(t).substr(0, 10); }

std::string FormatDateTime(Timestamp t) {
  // FormatIsoTime gives "YYYY-MM-DDTHH:MM:SSZ".
  std::string iso = FormatIsoTime(t);
  if (iso.size() < 20) return iso;
  std::string out = iso.substr(0, 10) + " " + iso.substr(11, 5);
  if (iso.compare(17, 2, "00") != 0) out += iso.substr(16, 3);
  return out + " UTC";
}

std::string FormatIsoText(std::string_view iso) {
  auto digits = [&](size_t from, size_t n) {
    for (size_t k = from; k < from + n; ++k) {
      if (k >= iso.size() || iso[k] < '0' || iso[k] > '9') return false;
    }
    return true;
  };
  if (iso.size() < 19 || !digits(0, 4) || iso[4] != '-' || !digits(5, 2) || iso[7] != '-' ||
      !digits(8, 2) || (iso[10] != 'T' && iso[10] != ' ') || !digits(11, 2) || iso[13] != ':' ||
      !digits(14, 2) || iso[16] != ':' || !digits(17, 2)) {
    return std::string(iso);
  }
  std::string_view rest = iso.substr(19);
  while (!rest.empty() && (rest.front() == 'Z' || rest.front() == 'z')) rest.remove_prefix(1);
  if (!rest.empty()) return std::string(iso);  // an offset or fraction: leave it as given
  std::string out = fmt::format("{} {}", iso.substr(0, 10), iso.substr(11, 5));
  if (iso.substr(17, 2) != "00") out += fmt::format(":{}", iso.substr(17, 2));
  return out + " UTC";
}

std::string FormatPeriod(Timestamp first, Timestamp last) {
  if (last < first) return "no transactions";
  int64_t days = (last - first) / 86400 + 1;
  return fmt::format("{} to {} ({} day{})", FormatDate(first), FormatDate(last), days,
                     days == 1 ? "" : "s");
}

std::string FormatCount(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string FormatSource(const report::SourceRef& source) {
  std::string at = source.file.empty() ? fmt::format("file #{}:{}", source.file_index, source.line)
                                       : fmt::format("{}:{}", source.file, source.line);
  if (!source.position.empty()) at += fmt::format(" ({})", source.position);
  return at;
}

std::string_view ChannelColour(std::string_view channel) {
  struct Entry {
    std::string_view channel, colour;
  };
  // Colour-blind-safe hues (Okabe-Ito), one per common channel.
  static constexpr Entry kPalette[] = {
      {"cash_deposit", "#E69F00"},    {"cash_withdrawal", "#D55E00"},
      {"wire", "#0072B2"},            {"ach", "#56B4E9"},
      {"card", "#CC79A7"},            {"cheque", "#009E73"},
      {"money_transmitter", "#7B3294"}, {"crypto", "#F0C808"},
      {"internal", "#999999"},        {"reinvestment", "#666666"},
      {"cash", "#B8860B"},
  };
  for (const Entry& e : kPalette) {
    if (e.channel == channel) return e.colour;
  }
  return "#8C8C8C";
}

}  // namespace moneytrail::report_internal
