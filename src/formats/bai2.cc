// BAI2 (cash management balance reporting, BAI 2005): 01 file header, 02 group header, 03
// account identifier with its summary and status codes, 16 transaction detail, 88
// continuation, 49 account trailer, 98 group trailer, 99 file trailer. One Statement per 03..49
// account; the control totals of 49, 98 and 99 (sums of amounts and record counts) are
// checked and a disagreement is a finding. docs/format/bai2.md.
#include <string>
#include <vector>

#include "format_util.h"
#include "moneytrail/formats.h"

namespace moneytrail::formats {
namespace {

using formats_internal::PositionError;
using formats_internal::TrimSpaces;

struct Record {
  std::string code;                  // "01", "16", ...
  std::vector<std::string> fields;   // after the code; 88 continuations appended
  std::string text;                  // 16: the free text (with its continuations)
  SourcePosition position;
  uint64_t physical = 1;             // records counted by the trailers (itself and its 88s)
};

// Marks, among an 03's fields, where an 88 continuation began.
constexpr const char* kRecordBoundary = "\x1E";

int CurrencyDecimals(std::string_view currency) {
  if (currency == "JPY" || currency == "KRW" || currency == "CLP" || currency == "ISK") return 0;
  if (currency == "BHD" || currency == "KWD" || currency == "JOD" || currency == "OMR" || currency == "TND") return 3;
  return 2;
}

// A BAI2 amount: optional sign, digits, implied decimals. Blank is 0.
std::optional<Decimal> Bai2Amount(std::string_view text, int decimals) {
  text = TrimSpaces(text);
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text.empty()) return Decimal{0, static_cast<uint8_t>(decimals)};
  if (text.size() > 18) return std::nullopt;
  int64_t units = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    units = units * 10 + (c - '0');
  }
  return Decimal{negative ? -units : units, static_cast<uint8_t>(decimals)};
}

// Fields taken by a funds type after it (S: three amounts; V: date and time; D: a count and
// that many day/amount pairs). -1 when the distribution count is not a number.
int FundsTypeExtra(const std::vector<std::string>& f, size_t at) {
  if (at >= f.size()) return 0;
  const std::string_view t = TrimSpaces(f[at]);
  if (t == "S") return 3;
  if (t == "V") return 2;
  if (t == "D") {
    if (at + 1 >= f.size()) return -1;
    std::optional<Decimal> n = Bai2Amount(f[at + 1], 0);
    if (!n || n->units < 0 || n->units > 1000) return -1;
    return 1 + 2 * static_cast<int>(n->units);
  }
  return 0;
}

Channel Bai2Channel(int code) {
  switch (code) {
    case 142: case 143: case 145: case 147: case 165: case 166: case 167: case 168: case 169:
    case 451: case 452: case 455: case 466: case 467: case 468: case 469:
      return Channel::kAch;
    case 195: case 196: case 208: case 495: case 496: case 508:
      return Channel::kWire;
    case 206: case 506:
      return Channel::kInternal;
    case 175: case 475:
      return Channel::kCheque;
    default:
      return Channel::kUnknown;
  }
}

class Bai2Reader {
 public:
  Bai2Reader(std::string_view bytes, const std::string& name) : bytes_(bytes), name_(name) {}
  Result<ParsedStatements> Read();

 private:
  Status Split();
  Status Bad(const Record& r, std::string_view field, std::string_view value, std::string_view expected) const {
    return PositionError(name_, r.position, r.code + " record" + (field.empty() ? "" : ", " + std::string(field)),
                         value, expected);
  }
  Result<Decimal> Amount(const Record& r, size_t index, std::string_view field) const {
    const std::string value = index < r.fields.size() ? r.fields[index] : "";
    std::optional<Decimal> d = Bai2Amount(value, decimals_);
    if (!d) return Bad(r, field, value, "expected an amount: [+-]digits (implied decimals), at most 18 digits");
    return *d;
  }
  Status Account(const Record& r);
  Status Detail(const Record& r);
  void Control(const Record& r, std::string_view what, const DecimalSum& sum, uint64_t records);

  std::string_view bytes_;
  std::string decoded_;
  const std::string& name_;
  std::vector<Record> records_;
  ParsedStatements out_;
  std::string group_currency_ = "USD";
  std::optional<Timestamp> group_day_;
  int decimals_ = 2;
  Statement* statement_ = nullptr;
  DecimalSum account_sum_, group_sum_, file_sum_;
  uint64_t account_records_ = 0, group_records_ = 0, file_records_ = 0, group_accounts_ = 0, groups_ = 0;
};

Status Bai2Reader::Split() {
  uint64_t number = 0;
  size_t pos = 0;
  while (pos < bytes_.size()) {
    size_t end = bytes_.find('\n', pos);
    if (end == std::string_view::npos) end = bytes_.size();
    std::string_view line = bytes_.substr(pos, end - pos);
    pos = end + 1;
    ++number;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty()) continue;
    const size_t comma = line.find(',');
    const std::string_view code = line.substr(0, comma);
    if (code.size() != 2 || code[0] < '0' || code[0] > '9' || code[1] < '0' || code[1] > '9') {
      return PositionError(name_, {number, 1}, "record code", line.substr(0, 8), "expected a two-digit record code (01, 02, 03, 16, 88, 49, 98, 99) then a comma");
    }
    std::string_view rest = comma == std::string_view::npos ? std::string_view() : line.substr(comma + 1);
    if (code == "88") {
      if (records_.empty()) return PositionError(name_, {number, 1}, "88 record", "", "a continuation before any record");
      Record& prev = records_.back();
      ++prev.physical;
      if (prev.code == "16") {
        if (!rest.empty() && rest.back() == '/' && prev.text.empty()) rest.remove_suffix(1);
        formats_internal::AppendWithSpace(prev.text, rest);
        continue;
      }
      const bool terminated = !rest.empty() && rest.back() == '/';
      if (terminated) rest.remove_suffix(1);
      // Summary groups of an 03 do not run across records in practice: mark where each
      // continuation starts so that a short group at a record's end is padded, not misaligned.
      prev.fields.emplace_back(kRecordBoundary);
      size_t start = 0;
      while (start <= rest.size()) {
        size_t c = rest.find(',', start);
        if (c == std::string_view::npos) c = rest.size();
        prev.fields.emplace_back(rest.substr(start, c - start));
        start = c + 1;
      }
      (void)terminated;
      continue;
    }
    Record r;
    r.code = std::string(code);
    r.position = {number, 1};
    // A 16 record's text is its last field and may hold commas: split only the fields before
    // it (type, amount, funds type and its extra fields, bank and customer references).
    size_t start = 0;
    bool text_follows = false;
    while (start <= rest.size()) {
      size_t c = rest.find(',', start);
      if (c == std::string_view::npos) c = rest.size();
      r.fields.emplace_back(rest.substr(start, c - start));
      start = c + 1;
      if (code == "16" && r.fields.size() >= 3 && !(TrimSpaces(r.fields[2]) == "D" && r.fields.size() < 4)) {
        const int extra = FundsTypeExtra(r.fields, 2);
        if (extra < 0) return PositionError(name_, r.position, "16 record, funds type", r.fields[2], "a distribution (D) needs its count");
        if (r.fields.size() == 3 + static_cast<size_t>(extra) + 2) {
          text_follows = true;
          break;
        }
      }
    }
    if (code == "16") {
      if (text_follows && start <= rest.size()) r.text = std::string(rest.substr(start));
      if (!r.text.empty() && r.text.back() == '/') r.text.pop_back();
      else if (r.text.empty() && !r.fields.empty() && !r.fields.back().empty() && r.fields.back().back() == '/') {
        r.fields.back().pop_back();
      }
    } else if (!r.fields.empty() && !r.fields.back().empty() && r.fields.back().back() == '/') {
      r.fields.back().pop_back();
    }
    records_.push_back(std::move(r));
  }
  return Status::Ok();
}

void Bai2Reader::Control(const Record& r, std::string_view what, const DecimalSum& sum, uint64_t records) {
  std::optional<Decimal> declared = Bai2Amount(r.fields.empty() ? "" : r.fields[0], decimals_);
  DecimalSum diff = sum;
  if (declared && diff.Subtract(*declared).ok() && diff.raw_units() != 0) {
    out_.findings.push_back(name_ + ":" + std::to_string(r.position.line) + ": " + std::string(what) +
                            " control total " + FormatDecimal(*declared) + ", but its amounts add up to " +
                            sum.ToString());
  }
  const size_t count_field = r.code == "49" ? 1 : 2;
  std::optional<Decimal> count = count_field < r.fields.size() ? Bai2Amount(r.fields[count_field], 0) : std::nullopt;
  if (count && count_field < r.fields.size() && !TrimSpaces(r.fields[count_field]).empty() &&
      static_cast<uint64_t>(count->units) != records) {
    out_.findings.push_back(name_ + ":" + std::to_string(r.position.line) + ": " + std::string(what) + " declares " +
                            std::to_string(count->units) + " records, the file has " + std::to_string(records));
  }
}

Status Bai2Reader::Account(const Record& r) {
  out_.statements.emplace_back();
  statement_ = &out_.statements.back();
  statement_->position = r.position;
  if (r.fields.empty() || TrimSpaces(r.fields[0]).empty()) return Bad(r, "account number", "", "expected the account number");
  statement_->account = std::string(TrimSpaces(r.fields[0]));
  const std::string currency = r.fields.size() > 1 ? std::string(TrimSpaces(r.fields[1])) : "";
  statement_->currency = currency.empty() ? group_currency_ : currency;
  decimals_ = CurrencyDecimals(statement_->currency);
  statement_->period_end = group_day_;
  // Groups of type code, amount, item count, funds type (and its extra fields); a group cut
  // short by the end of a physical record is padded with blanks.
  size_t i = 2;
  auto next = [&](std::string& value) {
    if (i < r.fields.size() && r.fields[i] != kRecordBoundary) {
      value = r.fields[i++];
      return;
    }
    value.clear();
  };
  while (i < r.fields.size()) {
    if (r.fields[i] == kRecordBoundary) {
      ++i;
      continue;
    }
    std::string type, amount_text, count, funds;
    next(type);
    next(amount_text);
    next(count);
    next(funds);
    int extra = 0;
    funds = std::string(TrimSpaces(funds));
    if (funds == "S") extra = 3;
    else if (funds == "V") extra = 2;
    else if (funds == "D") {
      std::string n_text;
      next(n_text);
      std::optional<Decimal> n = Bai2Amount(n_text, 0);
      if (!n || n->units < 0 || n->units > 1000) return Bad(r, "funds type", n_text, "a distribution (D) needs its count");
      extra = 2 * static_cast<int>(n->units);
    }
    for (std::string skipped; extra > 0; --extra) next(skipped);
    type = std::string(TrimSpaces(type));
    if (type.empty() && TrimSpaces(amount_text).empty()) continue;
    std::optional<Decimal> amount = Bai2Amount(amount_text, decimals_);
    if (!amount) return Bad(r, "amount", amount_text, "expected an amount: [+-]digits (implied decimals), at most 18 digits");
    MT_RETURN_IF_ERROR(account_sum_.Add(*amount));
    if (!type.empty()) {
      Balance b;
      b.type = type;
      b.amount = *amount;
      b.day = group_day_.value_or(0);
      b.position = r.position;
      if (type == "010") statement_->opening = b;
      else if (type == "015") statement_->closing = b;
      else statement_->other_balances.push_back(b);
    }
  }
  return Status::Ok();
}

Status Bai2Reader::Detail(const Record& r) {
  if (statement_ == nullptr) return Bad(r, "", "", "a transaction detail outside an account (03 ... 49)");
  const std::string type = r.fields.empty() ? "" : std::string(TrimSpaces(r.fields[0]));
  int code = 0;
  for (char c : type) code = c >= '0' && c <= '9' && code < 1000 ? code * 10 + (c - '0') : 10000;
  if (type.size() != 3 || code >= 1000) return Bad(r, "type code", type, "expected a three-digit type code");
  MT_ASSIGN_OR_RETURN(Decimal amount, Amount(r, 1, "amount"));
  MT_RETURN_IF_ERROR(account_sum_.Add(amount));
  const bool credit = code >= 100 && code < 400;
  const bool debit = code >= 400 && code < 700;
  if (!credit && !debit) {
    return Bad(r, "type code", type, "expected a credit (100-399) or debit (400-699) detail type code");
  }
  if (amount.units < 0) return Bad(r, "amount", r.fields[1], "a detail amount is unsigned (its type code gives the direction)");
  Entry e;
  e.amount = debit ? formats_internal::Negated(amount) : amount;
  e.booking_date = group_day_.value_or(0);
  e.currency = statement_->currency;
  e.bank_code = type;
  e.channel = Bai2Channel(code);
  const size_t extra = static_cast<size_t>(std::max(0, FundsTypeExtra(r.fields, 2)));
  if (r.fields.size() > 2 && TrimSpaces(r.fields[2]) == "V" && r.fields.size() > 3) {
    if (std::optional<Timestamp> v = formats_internal::ParseCompactDay(TrimSpaces(r.fields[3]), false)) e.value_date = v;
  }
  const size_t bank_ref = 3 + extra, customer_ref = 4 + extra;
  if (bank_ref < r.fields.size()) e.reference = std::string(TrimSpaces(r.fields[bank_ref]));
  if (e.reference.empty() && customer_ref < r.fields.size()) e.reference = std::string(TrimSpaces(r.fields[customer_ref]));
  e.description = std::string(TrimSpaces(r.text));
  e.position = r.position;
  statement_->entries.push_back(std::move(e));
  return Status::Ok();
}

Result<ParsedStatements> Bai2Reader::Read() {
  out_.format = StatementFormat::kBai2;
  out_.variant = "BAI2";
  if (bytes_.find('\0') != std::string_view::npos) return InvalidArgumentError(name_ + ": not a BAI2 file: it contains NUL bytes");
  // Text that is not UTF-8 is read as ISO-8859-1, as for MT940.
  if (!formats_internal::IsValidUtf8(bytes_)) {
    decoded_ = formats_internal::Latin1ToUtf8(bytes_);
    bytes_ = decoded_;
    out_.variant = "BAI2 (ISO-8859-1)";
  }
  MT_RETURN_IF_ERROR(Split());
  if (records_.empty() || records_.front().code != "01") {
    return InvalidArgumentError(name_ + ": not a BAI2 file: the first record is not a 01 file header");
  }
  bool in_group = false, in_account = false, ended = false;
  for (const Record& r : records_) {
    if (ended) return Bad(r, "", "", "a record after the 99 file trailer");
    file_records_ += r.physical;
    if (in_group) group_records_ += r.physical;
    if (in_account) account_records_ += r.physical;
    if (r.code == "01") {
      if (&r != &records_.front()) return Bad(r, "", "", "a second 01 file header");
    } else if (r.code == "02") {
      if (in_group) return Bad(r, "", "", "a group header (02) inside a group: expected 98 first");
      in_group = true;
      ++groups_;
      group_records_ = r.physical;
      group_accounts_ = 0;
      group_sum_ = DecimalSum();
      const std::string currency = r.fields.size() > 5 ? std::string(TrimSpaces(r.fields[5])) : "";
      group_currency_ = currency.empty() ? "USD" : currency;
      const std::string day = r.fields.size() > 3 ? std::string(TrimSpaces(r.fields[3])) : "";
      group_day_ = formats_internal::ParseCompactDay(day, false);
      if (!group_day_) return Bad(r, "as-of date", day, "expected a date YYMMDD");
    } else if (r.code == "03") {
      if (!in_group || in_account) return Bad(r, "", "", "an account (03) outside a group or inside another account");
      in_account = true;
      account_records_ = r.physical;
      account_sum_ = DecimalSum();
      ++group_accounts_;
      MT_RETURN_IF_ERROR(Account(r));
    } else if (r.code == "16") {
      if (!in_account) return Bad(r, "", "", "a transaction detail (16) outside an account");
      MT_RETURN_IF_ERROR(Detail(r));
    } else if (r.code == "49") {
      if (!in_account) return Bad(r, "", "", "an account trailer (49) without its 03");
      Control(r, "account trailer (49) of " + statement_->account + ":", account_sum_, account_records_);
      MT_RETURN_IF_ERROR(group_sum_.Add(Bai2Amount(r.fields.empty() ? "" : r.fields[0], decimals_).value_or(Decimal{})));
      in_account = false;
      statement_ = nullptr;
    } else if (r.code == "98") {
      if (!in_group || in_account) return Bad(r, "", "", "a group trailer (98) outside a group or before its 49");
      Control(r, "group trailer (98):", group_sum_, group_records_);
      std::optional<Decimal> accounts = r.fields.size() > 1 ? Bai2Amount(r.fields[1], 0) : std::nullopt;
      if (accounts && static_cast<uint64_t>(accounts->units) != group_accounts_) {
        out_.findings.push_back(name_ + ":" + std::to_string(r.position.line) + ": group trailer (98) declares " +
                                std::to_string(accounts->units) + " accounts, the group has " + std::to_string(group_accounts_));
      }
      MT_RETURN_IF_ERROR(file_sum_.Add(Bai2Amount(r.fields.empty() ? "" : r.fields[0], decimals_).value_or(Decimal{})));
      in_group = false;
    } else if (r.code == "99") {
      if (in_group) return Bad(r, "", "", "the file trailer (99) before the group's 98");
      Control(r, "file trailer (99):", file_sum_, file_records_);
      ended = true;
    } else {
      return Bad(r, "record code", r.code, "expected 01, 02, 03, 16, 88, 49, 98 or 99");
    }
  }
  if (!ended) return InvalidArgumentError(name_ + ": the file ends without its 99 file trailer (truncated?)");
  if (out_.statements.empty()) return InvalidArgumentError(name_ + ": a BAI2 file with no account (03 record)");
  formats_internal::SanitizeTexts(out_);
  CheckDeclaredBalances(name_, out_);
  return std::move(out_);
}

}  // namespace

Result<ParsedStatements> ParseBai2(std::string_view bytes, const std::string& name) {
  Bai2Reader reader(bytes, name);
  return reader.Read();
}

}  // namespace moneytrail::formats
