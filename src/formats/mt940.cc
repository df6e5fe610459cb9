// SWIFT MT940 (customer statement) and MT942 (interim transaction report): one Statement per
// message (:20: ... -), several messages per file, bare or inside SWIFT blocks {1:}{2:}{4: -}.
// Text that is not UTF-8 is read as ISO-8859-1 (the German banks' exports). docs/format/mt940.md.
#include <algorithm>
#include <string>
#include <vector>

#include "format_util.h"
#include "moneytrail/formats.h"

namespace moneytrail::formats {
namespace {

using formats_internal::PositionError;
using formats_internal::TrimSpaces;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }

uint64_t Digits(std::string_view s) {
  uint64_t v = 0;
  for (char c : s) v = v > 100000000000000000ull ? v : v * 10 + static_cast<uint64_t>(c - '0');
  return v;
}

// One tag with its text (continuation lines joined with '\n').
struct Field {
  std::string tag;   // "61", "60F", ...
  std::string text;
  SourcePosition position;  // of the tag
};

// Splits `text` into messages of fields. Lines outside a message (SWIFT block headers, sender
// and receiver lines, blank lines, the '-' trailer) are not fields.
std::vector<std::vector<Field>> SplitMessages(std::string_view text) {
  std::vector<std::vector<Field>> messages;
  bool open = false;
  uint64_t number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++number;
    while (!line.empty() && (line.back() == '\r' || line.back() == '\x03')) line.remove_suffix(1);
    // The SWIFT block header may precede the first tag on its line: "{1:...}{4:" then tags.
    uint32_t column = 1;
    while (!line.empty() && (line.front() == '\x01' || line.front() == '{')) {
      const size_t brace = line.find("{4:");
      if (brace == std::string_view::npos) {
        line = {};
        break;
      }
      line.remove_prefix(brace + 3);
      column += static_cast<uint32_t>(brace + 3);
    }
    if (line.size() >= 1 && line.front() == '-' && TrimSpaces(line.substr(1)).find_first_not_of("}") ==
                                                     std::string_view::npos) {
      open = false;
      continue;
    }
    if (line.size() >= 1 && line.front() == '-' && line.size() > 1 && line[1] == '}') {
      open = false;  // "-}{5:{MAC:...}}"
      continue;
    }
    // A tag: ":" 2 digits, an optional letter, ":".
    size_t colon = line.size() >= 4 && line[0] == ':' ? line.find(':', 1) : std::string_view::npos;
    const bool tag = colon != std::string_view::npos && colon >= 3 && colon <= 4 && IsDigit(line[1]) &&
                     IsDigit(line[2]) && (colon == 3 || IsUpper(line[3]));
    if (tag) {
      std::string name(line.substr(1, colon - 1));
      if (name == "20" || !open) {
        messages.emplace_back();
        open = true;
      }
      messages.back().push_back({std::move(name), std::string(line.substr(colon + 1)), {number, column}});
      continue;
    }
    if (open && !messages.back().empty()) {
      messages.back().back().text += '\n';
      messages.back().back().text += line;
    }
  }
  return messages;
}

struct Reader {
  const std::string& name;
  ParsedStatements& out;

  Status Bad(const Field& f, std::string_view value, std::string_view expected) const {
    return PositionError(name, f.position, ":" + f.tag + ":", value, expected);
  }

  // :60F: :62F: :64: :65: "C" date(YYMMDD) currency(3) amount
  Result<Balance> ReadBalance(const Field& f, std::string& currency) const {
    std::string_view t = TrimSpaces(f.text);
    if (t.size() < 11 || (t[0] != 'C' && t[0] != 'D')) {
      return Bad(f, t, "expected C or D, a date YYMMDD, a currency and an amount (C200605EUR0,00)");
    }
    std::optional<Timestamp> day = formats_internal::ParseCompactDay(t.substr(1, 6), false);
    if (!day) return Bad(f, t.substr(1, 6), "expected a date YYMMDD");
    currency = std::string(t.substr(7, 3));
    std::optional<Decimal> amount = formats_internal::ParseUnsignedAmount(t.substr(10), ',');
    if (!amount) return Bad(f, t.substr(10), "expected an amount with a decimal comma (1234,56)");
    Balance b;
    b.type = f.tag;
    b.amount = t[0] == 'D' ? formats_internal::Negated(*amount) : *amount;
    b.day = *day;
    b.position = f.position;
    return b;
  }

  Result<Entry> ReadEntry(const Field& f, const std::string& currency) const {
    const std::string_view first = std::string_view(f.text).substr(0, f.text.find('\n'));
    std::string_view t = first;
    std::optional<Timestamp> value = formats_internal::ParseCompactDay(t.substr(0, 6), false);
    if (!value) return Bad(f, t.substr(0, 6), "expected the value date YYMMDD");
    t.remove_prefix(6);
    Entry e;
    e.value_date = *value;
    e.booking_date = *value;
    if (t.size() >= 4 && IsDigit(t[0]) && IsDigit(t[1]) && IsDigit(t[2]) && IsDigit(t[3])) {
      const int month = (t[0] - '0') * 10 + (t[1] - '0');
      const int day = (t[2] - '0') * 10 + (t[3] - '0');
      // The entry date's year is the value date's, unless the two straddle a new year.
      int year = (first[0] - '0') * 10 + (first[1] - '0');
      year += year < 70 ? 2000 : 1900;
      const int value_month = (first[2] - '0') * 10 + (first[3] - '0');
      if (month - value_month > 6) --year;
      if (value_month - month > 6) ++year;
      std::optional<Timestamp> booking = formats_internal::CivilDay(year, month, day);
      if (!booking) return Bad(f, t.substr(0, 4), "expected the entry date MMDD");
      e.booking_date = *booking;
      t.remove_prefix(4);
    }
    bool debit = false;
    if (t.substr(0, 2) == "RC" || t.substr(0, 2) == "RD" || t.substr(0, 2) == "EC" || t.substr(0, 2) == "ED") {
      e.reversal = t[0] == 'R';
      // A reversal of a credit takes money out; a reversal of a debit puts it back.
      debit = e.reversal ? t[1] == 'C' : t[1] == 'D';
      t.remove_prefix(2);
    } else if (!t.empty() && (t[0] == 'C' || t[0] == 'D')) {
      debit = t[0] == 'D';
      t.remove_prefix(1);
    } else {
      return Bad(f, t.substr(0, 2), "expected the debit/credit mark C, D, RC or RD");
    }
    if (!t.empty() && IsUpper(t[0])) t.remove_prefix(1);  // funds code (third letter of the currency)
    size_t n = 0;
    while (n < t.size() && (IsDigit(t[n]) || t[n] == ',')) ++n;
    std::optional<Decimal> amount = formats_internal::ParseUnsignedAmount(t.substr(0, n), ',');
    if (!amount) return Bad(f, t.substr(0, n == 0 ? 8 : n), "expected an amount with a decimal comma (1234,56)");
    e.amount = debit ? formats_internal::Negated(*amount) : *amount;
    t.remove_prefix(n);
    while (!t.empty() && t[0] == ' ') t.remove_prefix(1);  // a space some banks put (Commerzbank)
    // The transaction type; a few banks (Zenith) leave it out and go straight to "//reference".
    if (t.substr(0, 2) != "//") {
      if (t.size() < 4 || (t[0] != 'N' && t[0] != 'F' && t[0] != 'S')) {
        return Bad(f, t.substr(0, 4), "expected the transaction type: N, F or S and 3 characters (NTRF)");
      }
      e.bank_code = std::string(t.substr(0, 4));
      t.remove_prefix(4);
    }
    const size_t slashes = t.find("//");
    std::string_view owner_ref = TrimSpaces(t.substr(0, slashes));
    std::string_view bank_ref = slashes == std::string_view::npos ? std::string_view() : TrimSpaces(t.substr(slashes + 2));
    e.reference = std::string(bank_ref.empty() || bank_ref == "NONREF" ? (owner_ref == "NONREF" ? "" : owner_ref) : bank_ref);
    e.currency = currency;
    e.position = f.position;
    // Supplementary details (the next line): part of the description.
    if (f.text.size() > first.size()) {
      formats_internal::AppendWithSpace(e.description, f.text.substr(first.size() + 1));
    }
    return e;
  }
};

// The German structured :86: (GVC ?00 ?20-?29 ?30 ?31 ?32 ?33 ?60-?63), when `text` is one.
bool ReadStructured86(std::string_view text, Entry& e, std::string& gvc) {
  if (text.size() < 4 || !IsDigit(text[0]) || !IsDigit(text[1]) || !IsDigit(text[2])) return false;
  const char sep = text[3];
  if (sep != '?') return false;
  gvc = std::string(text.substr(0, 3));
  std::string booking_text, purpose, name;
  size_t pos = 3;
  while (pos < text.size()) {
    size_t next = text.find(sep, pos + 1);
    std::string_view part = text.substr(pos + 1, next == std::string_view::npos ? std::string_view::npos : next - pos - 1);
    pos = next == std::string_view::npos ? text.size() : next;
    if (part.size() < 2 || !IsDigit(part[0]) || !IsDigit(part[1])) continue;
    const int code = (part[0] - '0') * 10 + (part[1] - '0');
    std::string_view value = part.substr(2);
    if (code == 0) booking_text += value;
    else if ((code >= 20 && code <= 29) || (code >= 60 && code <= 63)) purpose += value;
    else if (code == 30) e.counterparty_bank = std::string(TrimSpaces(value));
    else if (code == 31) e.counterparty_account = std::string(TrimSpaces(value));
    else if (code == 32 || code == 33) name += value;
  }
  e.counterparty_name = std::string(TrimSpaces(name));
  std::string description(TrimSpaces(booking_text));
  formats_internal::AppendWithSpace(description, purpose);
  if (!e.counterparty_name.empty()) {
    description = (e.amount.units < 0 ? "TO " : "FROM ") + e.counterparty_name + (description.empty() ? "" : " ") + description;
  }
  formats_internal::AppendWithSpace(description, e.description);
  e.description = std::move(description);
  return true;
}

// The SWIFT keyword form "/NAME/...", "/ORDP/", "/BENM/", "/REMI/", "/IBAN/", "/ACNO/".
void ReadKeyword86(std::string_view text, Entry& e) {
  static constexpr std::string_view kKeys[] = {"NAME", "ORDP", "BENM", "REMI", "IBAN", "ACNO", "ACCW",
                                               "BIC", "OCMT", "EREF", "CSID", "MARF", "TRCD", "BAI", "OGB",
                                               "OSDR", "VA", "ACC", "CNTP", "RTRN", "PURP", "ULTB", "ULTD"};
  std::vector<std::pair<std::string_view, std::string_view>> parts;  // key, value
  size_t key_start = std::string_view::npos;
  size_t value_start = 0;
  std::string_view key;
  for (size_t p = 0; p < text.size(); ++p) {
    if (text[p] != '/') continue;
    for (std::string_view k : kKeys) {
      if (text.substr(p + 1, k.size()) == k && p + 1 + k.size() < text.size() && text[p + 1 + k.size()] == '/') {
        if (key_start != std::string_view::npos) parts.emplace_back(key, text.substr(value_start, p - value_start));
        key = k;
        key_start = p;
        value_start = p + k.size() + 2;
        p = value_start - 1;
        break;
      }
    }
  }
  if (key_start == std::string_view::npos) {
    formats_internal::AppendWithSpace(e.description, text);
    return;
  }
  parts.emplace_back(key, text.substr(value_start));
  std::string remittance;
  for (auto [k, v] : parts) {
    std::string value(TrimSpaces(v));
    while (!value.empty() && value.back() == '/') value.pop_back();
    if ((k == "NAME" || (k == "ORDP" && e.amount.units >= 0) || (k == "BENM" && e.amount.units < 0)) &&
        e.counterparty_name.empty()) {
      e.counterparty_name = value;
    } else if ((k == "IBAN" || k == "ACNO" || k == "ACCW") && e.counterparty_account.empty()) {
      e.counterparty_account = value;
    } else if (k == "BIC" && e.counterparty_bank.empty()) {
      e.counterparty_bank = value;
    } else if (k == "REMI") {
      formats_internal::AppendWithSpace(remittance, value);
    }
  }
  std::string description = e.counterparty_name.empty() ? std::string()
                            : (e.amount.units < 0 ? "TO " : "FROM ") + e.counterparty_name;
  formats_internal::AppendWithSpace(description, remittance.empty() ? TrimSpaces(text) : remittance);
  formats_internal::AppendWithSpace(description, e.description);
  e.description = std::move(description);
}

void ReadInformation(const Field& f, Entry& e) {
  // Structured sub-fields are cut at arbitrary places across lines: join without a separator;
  // free text keeps a space per line.
  std::string joined;
  const bool structured = f.text.size() >= 4 && IsDigit(f.text[0]) && IsDigit(f.text[1]) &&
                          IsDigit(f.text[2]) && f.text[3] == '?';
  for (size_t pos = 0; pos <= f.text.size();) {
    size_t end = f.text.find('\n', pos);
    if (end == std::string::npos) end = f.text.size();
    std::string_view line = std::string_view(f.text).substr(pos, end - pos);
    if (structured) {
      joined += line;
    } else {
      formats_internal::AppendWithSpace(joined, line);
    }
    pos = end + 1;
  }
  std::string gvc;
  if (!ReadStructured86(joined, e, gvc)) ReadKeyword86(joined, e);
  e.channel = formats_internal::SwiftChannel(e.bank_code, gvc);
  if (!gvc.empty()) e.bank_code += "/" + gvc;
}

Status ReadMessage(Reader& r, const std::vector<Field>& fields, bool& mt942) {
  Statement s;
  s.position = fields.front().position;
  Entry* last = nullptr;
  bool after_closing = false;
  uint64_t debit_count = 0, credit_count = 0;
  std::optional<std::pair<uint64_t, Decimal>> declared_debits, declared_credits;
  const Field* declared_at = nullptr;
  s.entries.reserve(static_cast<size_t>(
      std::count_if(fields.begin(), fields.end(), [](const Field& f) { return f.tag == "61"; })));
  for (const Field& f : fields) {
    const std::string& tag = f.tag;
    if (tag == "20") {
      s.id = std::string(TrimSpaces(f.text));
    } else if (tag == "25") {
      std::string_view account = TrimSpaces(f.text);
      const size_t space = account.find(' ');
      if (space != std::string_view::npos) account = account.substr(0, space);  // "NL10BUNQ... EUR"
      s.account = std::string(account);
    } else if (tag == "60F" || tag == "60M" || tag == "62F" || tag == "62M" || tag == "64" ||
               tag == "65") {
      std::string currency;
      MT_ASSIGN_OR_RETURN(Balance b, r.ReadBalance(f, currency));
      if (s.currency.empty()) s.currency = currency;
      if (tag[1] == '0') {
        s.opening = b;
      } else if (tag[1] == '2') {
        s.closing = b;
        after_closing = true;
      } else {
        s.other_balances.push_back(b);
      }
      last = nullptr;
    } else if (tag == "34F") {
      mt942 = true;
      std::string_view t = TrimSpaces(f.text);
      if (s.currency.empty() && t.size() >= 3) s.currency = std::string(t.substr(0, 3));
    } else if (tag == "13" || tag == "13D") {
      mt942 = true;
    } else if (tag == "90D" || tag == "90C") {
      std::string_view t = TrimSpaces(f.text);
      size_t n = 0;
      while (n < t.size() && IsDigit(t[n])) ++n;
      std::optional<Decimal> amount = n + 3 <= t.size() ? formats_internal::ParseUnsignedAmount(t.substr(n + 3), ',') : std::nullopt;
      if (n == 0 || !amount) return r.Bad(f, t, "expected a count, a currency and an amount (2EUR51,00)");
      (tag == "90D" ? declared_debits : declared_credits) = std::make_pair(Digits(t.substr(0, n)), *amount);
      declared_at = &f;
    } else if (tag == "61") {
      if (after_closing) return r.Bad(f, f.text.substr(0, 20), "an entry after the closing balance :62:");
      MT_ASSIGN_OR_RETURN(Entry e, r.ReadEntry(f, s.currency));
      (e.amount.units < 0 ? debit_count : credit_count) += 1;
      e.channel = formats_internal::SwiftChannel(e.bank_code, {});
      s.entries.push_back(std::move(e));
      last = &s.entries.back();
    } else if (tag == "86") {
      if (last != nullptr) ReadInformation(f, *last);
      last = nullptr;
    }
  }
  if (s.account.empty()) return PositionError(r.name, s.position, ":25:", "", "the message has no account (:25:)");
  if (s.currency.empty()) {
    return PositionError(r.name, s.position, ":60F:", "", "the message has no opening balance (:60F:/:60M:) or floor limit (:34F:) naming its currency");
  }
  for (Entry& e : s.entries) {
    if (e.currency.empty()) e.currency = s.currency;
  }
  // MT942's declared numbers and sums of debits and credits (:90D: :90C:).
  for (const auto& [declared, debit] : {std::pair{declared_debits, true}, std::pair{declared_credits, false}}) {
    if (!declared) continue;
    DecimalSum sum;
    uint64_t count = 0;
    for (const Entry& e : s.entries) {
      if ((e.amount.units < 0) != debit) continue;
      ++count;
      if (!sum.Add(Decimal{e.amount.units < 0 ? -e.amount.units : e.amount.units, e.amount.scale}).ok()) break;
    }
    DecimalSum diff = sum;
    const bool same = diff.Subtract(declared->second).ok() && diff.raw_units() == 0 && count == declared->first;
    if (!same) {
      r.out.findings.push_back(r.name + ":" + std::to_string(declared_at->position.line) + ": message '" + s.id +
                               "': " + (debit ? ":90D: declares " : ":90C: declares ") + std::to_string(declared->first) +
                               (debit ? " debits of " : " credits of ") + FormatDecimal(declared->second) +
                               ", the entries are " + std::to_string(count) + " of " + sum.ToString());
    }
  }
  r.out.statements.push_back(std::move(s));
  return Status::Ok();
}

}  // namespace

Result<ParsedStatements> ParseMt940(std::string_view bytes, const std::string& name) {
  ParsedStatements out;
  out.format = StatementFormat::kMt940;
  std::string decoded;
  bool latin1 = false;
  if (!formats_internal::IsValidUtf8(bytes)) {
    decoded = formats_internal::Latin1ToUtf8(bytes);
    bytes = decoded;
    latin1 = true;
  }
  if (bytes.find('\0') != std::string_view::npos) {
    return InvalidArgumentError(name + ": not an MT940 file: it contains NUL bytes (binary data)");
  }
  std::vector<std::vector<Field>> messages = SplitMessages(bytes);
  if (messages.empty()) {
    return InvalidArgumentError(name + ": not an MT940/MT942 file: no :20: tag starts a message");
  }
  Reader reader{name, out};
  bool mt942 = false;
  for (const std::vector<Field>& m : messages) {
    if (m.front().tag != "20") {
      return PositionError(name, m.front().position, ":" + m.front().tag + ":", "", "a message must start with :20:");
    }
    MT_RETURN_IF_ERROR(ReadMessage(reader, m, mt942));
  }
  out.variant = std::string(mt942 ? "MT942" : "MT940") + (latin1 ? " (ISO-8859-1)" : "");
  formats_internal::SanitizeTexts(out);
  CheckDeclaredBalances(name, out);
  return out;
}

}  // namespace moneytrail::formats
