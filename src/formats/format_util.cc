#include "format_util.h"

#include <cstdint>
#include <cstring>

#include "moneytrail/safe_text.h"
#include "moneytrail/time_format.h"

namespace moneytrail::formats_internal {
namespace {

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int Digits(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

// Length of the valid UTF-8 sequence at s[i], or 0.
size_t Utf8SequenceAt(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return 1;
  size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c == 0xE0) { n = 3; lo = 0xA0; }
  else if (c == 0xED) { n = 3; hi = 0x9F; }
  else if (c >= 0xE1 && c <= 0xEF) n = 3;
  else if (c == 0xF0) { n = 4; lo = 0x90; }
  else if (c == 0xF4) { n = 4; hi = 0x8F; }
  else if (c >= 0xF1 && c <= 0xF3) n = 4;
  else return 0;
  if (i + n > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return n;
}

}  // namespace

std::string Latin1ToUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out += ch;
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    // ASCII, eight bytes a step (most statement text is ASCII).
    while (s.size() - i >= 8) {
      uint64_t word;
      std::memcpy(&word, s.data() + i, 8);
      if ((word & 0x8080808080808080ULL) != 0) break;
      i += 8;
    }
    if (i >= s.size()) break;
    const size_t n = Utf8SequenceAt(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string SanitizeUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const size_t n = Utf8SequenceAt(s, i);
    if (n == 0) {
      out += '?';
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

void SanitizeTexts(formats::ParsedStatements& p) {
  auto fix = [](std::string& text) {
    if (!IsValidUtf8(text)) text = SanitizeUtf8(text);
  };
  for (formats::Statement& s : p.statements) {
    for (std::string* t : {&s.id, &s.account, &s.account_bank, &s.currency}) fix(*t);
    for (formats::Entry& e : s.entries) {
      for (std::string* t : {&e.currency, &e.description, &e.counterparty_name, &e.counterparty_account,
                             &e.counterparty_bank, &e.reference, &e.bank_code}) {
        fix(*t);
      }
    }
  }
  for (std::string& f : p.findings) fix(f);
}

Status PositionError(const std::string& name, formats::SourcePosition at, std::string_view field,
                     std::string_view value, std::string_view expected) {
  std::string m = name + ":" + std::to_string(at.line);
  if (at.column > 0) m += ":" + std::to_string(at.column);
  m += ": " + std::string(field) + " '" + Abbreviate(SanitizeUtf8(value)) + "': " + std::string(expected);
  return InvalidArgumentError(m);
}

std::optional<Timestamp> CivilDay(int year, int month, int day) {
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > kDays[month - 1]) {
    return std::nullopt;
  }
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && day == 29 && !leap) return std::nullopt;
  return DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400;
}

std::optional<Timestamp> ParseIsoDay(std::string_view text) {
  text = TrimSpaces(text);
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  if (!AllDigits(text.substr(0, 4)) || !AllDigits(text.substr(5, 2)) || !AllDigits(text.substr(8, 2))) {
    return std::nullopt;
  }
  if (text.size() > 10 && text[10] != 'T' && text[10] != ' ' && text[10] != 'Z' &&
      text[10] != '+' && text[10] != '-') {
    return std::nullopt;
  }
  return CivilDay(Digits(text.substr(0, 4)), Digits(text.substr(5, 2)), Digits(text.substr(8, 2)));
}

std::optional<Timestamp> ParseCompactDay(std::string_view text, bool four_digit_year) {
  const size_t year_digits = four_digit_year ? 4 : 2;
  if (text.size() != year_digits + 4 || !AllDigits(text)) return std::nullopt;
  int year = Digits(text.substr(0, year_digits));
  if (!four_digit_year) year += year < 70 ? 2000 : 1900;
  return CivilDay(year, Digits(text.substr(year_digits, 2)), Digits(text.substr(year_digits + 2, 2)));
}

std::optional<Decimal> ParseUnsignedAmount(std::string_view text, char decimal_mark) {
  text = TrimSpaces(text);
  if (text.empty() || text.front() == '-' || text.front() == '+') return std::nullopt;
  std::string copy(text);
  if (copy.back() == decimal_mark) copy.pop_back();
  if (copy.empty() || copy.front() == decimal_mark) copy.insert(copy.begin(), '0');
  Result<Decimal> d = ParseDecimal(copy, decimal_mark);
  if (!d.ok()) return std::nullopt;
  return *d;
}

Decimal Negated(Decimal d) { return Decimal{-d.units, d.scale}; }

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string_view TrimSpaces(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

void AppendWithSpace(std::string& out, std::string_view piece) {
  piece = TrimSpaces(piece);
  if (piece.empty()) return;
  if (!out.empty()) out += ' ';
  out += piece;
}

void AppendCsvField(std::string& out, std::string_view field, char delimiter) {
  if (field.find(delimiter) == std::string_view::npos && field.find('"') == std::string_view::npos) {
    out.append(field);
    return;
  }
  out += '"';
  for (char ch : field) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
}

Channel CamtChannel(std::string_view domain, std::string_view family, std::string_view subfamily,
                    std::string_view proprietary) {
  if (domain == "PMNT") {
    if (family == "CNTR") {  // counter transactions
      if (subfamily == "CDPT" || subfamily == "FCDP" || subfamily == "BCDP") return Channel::kCashDeposit;
      if (subfamily == "CWDL" || subfamily == "FCWD" || subfamily == "BCWD") return Channel::kCashWithdrawal;
      return Channel::kUnknown;
    }
    if (family == "CCRD" || family == "MCRD") {  // customer / merchant card transactions
      if (subfamily == "CWDL") return Channel::kCashWithdrawal;
      if (subfamily == "CDPT") return Channel::kCashDeposit;
      return Channel::kCard;
    }
    if (family == "RCHQ" || family == "ICHQ" || family == "DRFT") return Channel::kCheque;
    if (family == "RDDT" || family == "IDDT") return Channel::kAch;
    if (family == "RCDT" || family == "ICDT") {
      if (subfamily == "BOOK") return Channel::kInternal;
      if (subfamily == "XBCT" || subfamily == "SDVA" || subfamily == "PRCT" || subfamily == "FICT") {
        return Channel::kWire;
      }
      if (subfamily == "ESCT" || subfamily == "DMCT" || subfamily == "ATXN" || subfamily == "STDO" ||
          subfamily == "SALA" || subfamily == "VCOM" || subfamily == "ASET") {
        return Channel::kAch;
      }
      return Channel::kUnknown;
    }
    return Channel::kUnknown;
  }
  if (!domain.empty()) return Channel::kUnknown;
  // Proprietary codes: the SWIFT transaction types where a bank uses them (e.g. "NTRF"), else
  // the words of a bank's own code ("Incoming Wire", "ACH Credit Payment", "Check Paid").
  if (proprietary.size() >= 4) {
    if (Channel c = SwiftChannel(proprietary.substr(0, 4), {}); c != Channel::kUnknown) return c;
  }
  auto has = [&](std::string_view word) { return proprietary.find(word) != std::string_view::npos; };
  if (has("Wire") || has("WIRE")) return Channel::kWire;
  if (has("ACH")) return Channel::kAch;
  if (has("Check") || has("CHECK") || has("Cheque") || has("CHEQUE")) return Channel::kCheque;
  return Channel::kUnknown;
}

Channel SwiftChannel(std::string_view type, std::string_view gvc) {
  if (gvc.size() == 3 && AllDigits(gvc)) {
    const int code = Digits(gvc);
    if (code == 82) return Channel::kCashDeposit;     // Einzahlung
    if (code == 83) return Channel::kCashWithdrawal;  // Auszahlung
    if (code == 201 || code == 202 || code == 206) return Channel::kWire;  // Auslandszahlungsverkehr
    if ((code >= 104 && code <= 109) || code == 5) return Channel::kAch;   // Lastschriften
    if (code == 116 || code == 117 || code == 152 || code == 153 || code == 159 || code == 166 ||
        code == 169 || code == 51 || code == 20) {
      return Channel::kAch;  // Überweisungen (SEPA credit transfers)
    }
  }
  if (type.size() < 4) return Channel::kUnknown;
  if (type[0] == 'S' && type.size() >= 4 && AllDigits(type.substr(1, 3))) {
    // A SWIFT message type: MT103/MT202 and the like are wires.
    return type[1] == '1' || type[1] == '2' ? Channel::kWire : Channel::kUnknown;
  }
  const std::string_view code = type.substr(1, 3);
  if (code == "CHK" || code == "ECK" || code == "TCK") return Channel::kCheque;
  if (code == "DDT" || code == "STO") return Channel::kAch;
  if (code == "TRF") return Channel::kAch;
  return Channel::kUnknown;
}

}  // namespace moneytrail::formats_internal

namespace moneytrail::formats {

void CheckDeclaredBalances(const std::string& name, ParsedStatements& p) {
  for (const Statement& s : p.statements) {
    if (!s.opening || !s.closing) continue;
    DecimalSum sum;
    bool ok = sum.Add(s.opening->amount).ok();
    for (const Entry& e : s.entries) ok = ok && sum.Add(e.amount).ok();
    DecimalSum diff = sum;
    ok = ok && diff.Subtract(s.closing->amount).ok();
    if (!ok) {
      p.findings.push_back(name + ":" + std::to_string(s.position.line) + ": statement '" + s.id +
                           "' of account " + s.account + ": the sum of its entries leaves the exact range");
      continue;
    }
    if (diff.raw_units() != 0) {
      p.findings.push_back(name + ":" + std::to_string(s.closing->position.line) + ": statement '" +
                           s.id + "' of account " + s.account + ": opening balance " +
                           FormatDecimal(s.opening->amount) + " plus its " +
                           std::to_string(s.entries.size()) + " entries is " + sum.ToString() +
                           ", but the declared closing balance (" + s.closing->type + ") is " +
                           FormatDecimal(s.closing->amount));
    }
  }
}

}  // namespace moneytrail::formats
