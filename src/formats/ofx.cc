// OFX/QFX bank (BANKMSGSRSV1/STMTRS) and credit-card (CREDITCARDMSGSRSV1/CCSTMTRS) statements,
// OFX 1.x (SGML, header block "OFXHEADER:100") and 2.x (XML, <?OFX OFXHEADER="200" ...?>).
// One Statement per STMTRS/CCSTMTRS; one Entry per STMTTRN; LEDGERBAL is the closing balance.
// docs/format/ofx.md.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "format_util.h"
#include "moneytrail/formats.h"
#include "moneytrail/safe_text.h"
#include "ofx_tree.h"

namespace moneytrail::formats {
namespace {

using formats_internal::OfxNode;
using formats_internal::OfxTree;
using formats_internal::PositionError;
using formats_internal::TrimSpaces;

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int ToInt(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// Windows-1252 bytes as UTF-8 (0x80-0x9F are the code page's letters and signs; its five
// unassigned bytes become '?').
std::string Cp1252ToUtf8(std::string_view s) {
  static constexpr uint16_t kHigh[32] = {
      0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
      0x2039, 0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013,
      0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178};
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    uint32_t cp = c;
    if (c >= 0x80 && c < 0xA0) cp = kHigh[c - 0x80] == 0 ? '?' : kHigh[c - 0x80];
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  return out;
}

// An OFX date-time: YYYYMMDD[HHMMSS[.XXX]][[+-]H[.MM]:TZ] (also [+-]H:MM, [TZ offset] without
// a name). The date as written: the bank's day in its stated zone (a posting date is the
// bank's calendar day; shifting it to UTC would move evening postings to the next day).
std::optional<Timestamp> OfxDay(std::string_view text) {
  text = TrimSpaces(text);
  std::string_view zone;
  bool has_zone = false;
  if (const size_t open = text.find('['); open != std::string_view::npos) {
    if (text.back() != ']') return std::nullopt;
    has_zone = true;
    zone = text.substr(open + 1, text.size() - open - 2);
    text = TrimSpaces(text.substr(0, open));
  }
  if (text.size() < 8 || !IsDigits(text.substr(0, 8))) return std::nullopt;
  std::string_view time = text.substr(8);
  if (!time.empty()) {
    if (time.size() < 4 || !IsDigits(time.substr(0, 4))) return std::nullopt;  // HHMM at least
    if (ToInt(time.substr(0, 2)) > 23 || ToInt(time.substr(2, 2)) > 59) return std::nullopt;
    time.remove_prefix(4);
    if (!time.empty()) {
      if (time.size() < 2 || !IsDigits(time.substr(0, 2)) || ToInt(time.substr(0, 2)) > 60) return std::nullopt;
      time.remove_prefix(2);
      if (!time.empty()) {
        if (time[0] != '.' || !IsDigits(time.substr(1)) || time.size() > 4) return std::nullopt;
      }
    }
  }
  if (has_zone) {
    std::string_view offset = zone.substr(0, zone.find(':'));
    if (!offset.empty() && (offset[0] == '+' || offset[0] == '-')) offset.remove_prefix(1);
    std::string_view hours = offset.substr(0, offset.find('.'));
    if (!IsDigits(hours) || hours.size() > 2 || ToInt(hours) > 14) return std::nullopt;
    if (hours.size() < offset.size()) {
      const std::string_view minutes = offset.substr(hours.size() + 1);
      if (!IsDigits(minutes) || minutes.size() > 2 || ToInt(minutes) > 59) return std::nullopt;
    }
  }
  return formats_internal::CivilDay(ToInt(text.substr(0, 4)), ToInt(text.substr(4, 2)), ToInt(text.substr(6, 2)));
}

// A signed OFX amount: [+-]digits[.digits]; a decimal comma (some European banks) is read
// when the amount has no point. Exact.
std::optional<Decimal> OfxAmount(std::string_view text) {
  text = TrimSpaces(text);
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  const char mark = text.find('.') == std::string_view::npos && text.find(',') != std::string_view::npos ? ',' : '.';
  if (text.empty() || text.back() == mark) return std::nullopt;
  std::optional<Decimal> d = formats_internal::ParseUnsignedAmount(text, mark);
  if (!d) return std::nullopt;
  return negative ? formats_internal::Negated(*d) : *d;
}

bool IsCurrency(std::string_view c) {
  return c.size() == 3 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z' && c[2] >= 'A' && c[2] <= 'Z';
}

// OFX transaction types (OFX 2.1.1, 11.4.4.3) to channels: docs/format/ofx.md.
constexpr std::string_view kTypes[] = {"CREDIT", "DEBIT",     "INT",         "DIV",       "FEE",  "SRVCHG",
                                       "DEP",    "ATM",       "POS",         "XFER",      "CHECK", "PAYMENT",
                                       "CASH",   "DIRECTDEP", "DIRECTDEBIT", "REPEATPMT", "HOLD", "OTHER"};

Channel OfxChannel(std::string_view type, bool money_in) {
  if (type == "ATM" || type == "CASH") return money_in ? Channel::kCashDeposit : Channel::kCashWithdrawal;
  if (type == "POS") return Channel::kCard;
  if (type == "CHECK") return Channel::kCheque;
  if (type == "DIRECTDEP" || type == "DIRECTDEBIT" || type == "REPEATPMT" || type == "PAYMENT") return Channel::kAch;
  return Channel::kUnknown;
}

class OfxReader {
 public:
  OfxReader(const OfxTree& tree, const std::string& name) : tree_(tree), name_(name) {}

  Status Read(ParsedStatements& out);

 private:
  Status Malformed(uint64_t line, std::string_view field, std::string_view value, std::string_view expected) const {
    return PositionError(name_, {line, 0}, field, value, expected);
  }
  // The child leaf `field` of `node`, its line (the node's when absent) and text.
  const OfxNode* Leaf(const OfxNode& node, std::string_view field) const { return tree_.Child(node, field); }
  Result<std::optional<Timestamp>> Day(const OfxNode& node, std::string_view field, bool required) const;
  void Collect(const OfxNode& node, size_t depth, std::vector<const OfxNode*>& statements);
  Status ReadStatement(const OfxNode& rs, Statement& s, std::vector<std::string>& findings) const;
  Status ReadEntry(const OfxNode& trn, const Statement& s, Entry& e, std::vector<std::string>& findings) const;
  Result<std::optional<Balance>> ReadBalance(const OfxNode& rs, std::string_view aggregate) const;

  const OfxTree& tree_;
  const std::string& name_;
  uint64_t investment_statements_ = 0;
  std::vector<std::string> failed_statuses_;
};

Result<std::optional<Timestamp>> OfxReader::Day(const OfxNode& node, std::string_view field, bool required) const {
  const OfxNode* leaf = Leaf(node, field);
  if (leaf == nullptr || leaf->text.empty()) {
    if (required) return Malformed(node.line, node.name + "/" + std::string(field), "", "expected a date YYYYMMDD[HHMMSS[.XXX]][[gmt offset:tz]]");
    return std::optional<Timestamp>();
  }
  std::optional<Timestamp> t = OfxDay(leaf->text);
  if (!t) return Malformed(leaf->line, node.name + "/" + std::string(field), leaf->text, "expected a date YYYYMMDD[HHMMSS[.XXX]][[gmt offset:tz]]");
  return t;
}

void OfxReader::Collect(const OfxNode& node, size_t depth, std::vector<const OfxNode*>& statements) {
  if (node.name == "STMTRS" || node.name == "CCSTMTRS") {
    statements.push_back(&node);
    return;
  }
  if (node.name == "INVSTMTRS") {
    ++investment_statements_;
    return;
  }
  if ((node.name == "STMTTRNRS" || node.name == "CCSTMTTRNRS") && tree_.Child(node, "STMTRS") == nullptr &&
      tree_.Child(node, "CCSTMTRS") == nullptr) {
    if (const OfxNode* status = tree_.Child(node, "STATUS"); status != nullptr) {
      failed_statuses_.push_back("line " + std::to_string(node.line) + ": status " + std::string(tree_.Text(*status, "CODE")) +
                                 " " + std::string(tree_.Text(*status, "MESSAGE")));
    }
  }
  if (depth >= formats_internal::kMaxOfxDepth) return;
  for (uint32_t c : node.children) Collect(tree_.nodes[c], depth + 1, statements);
}

Result<std::optional<Balance>> OfxReader::ReadBalance(const OfxNode& rs, std::string_view aggregate) const {
  const OfxNode* bal = tree_.Child(rs, aggregate);
  if (bal == nullptr) return std::optional<Balance>();
  const OfxNode* amount = Leaf(*bal, "BALAMT");
  if (amount == nullptr || amount->text.empty()) return std::optional<Balance>();  // declared empty: no balance
  Balance b;
  b.type = std::string(aggregate);
  std::optional<Decimal> d = OfxAmount(amount->text);
  if (!d) return Malformed(amount->line, std::string(aggregate) + "/BALAMT", amount->text, "expected an amount [-]digits[.digits]");
  b.amount = *d;
  MT_ASSIGN_OR_RETURN(std::optional<Timestamp> day, Day(*bal, "DTASOF", false));
  b.day = day.value_or(0);
  b.position = {bal->line, 0};
  return std::optional<Balance>(b);
}

Status OfxReader::ReadEntry(const OfxNode& trn, const Statement& s, Entry& e, std::vector<std::string>& findings) const {
  const OfxNode* type = Leaf(trn, "TRNTYPE");
  const std::string type_text = type == nullptr ? "" : Upper(type->text);
  bool known = false;
  for (std::string_view t : kTypes) known = known || t == type_text;
  if (!known) {
    return Malformed(type == nullptr ? trn.line : type->line, "STMTTRN/TRNTYPE", type_text,
                     "expected an OFX transaction type (CREDIT, DEBIT, INT, DIV, FEE, SRVCHG, DEP, ATM, POS, "
                     "XFER, CHECK, PAYMENT, CASH, DIRECTDEP, DIRECTDEBIT, REPEATPMT, HOLD, OTHER)");
  }
  MT_ASSIGN_OR_RETURN(std::optional<Timestamp> posted, Day(trn, "DTPOSTED", true));
  MT_ASSIGN_OR_RETURN(e.value_date, Day(trn, "DTAVAIL", false));
  e.booking_date = *posted;
  const OfxNode* amount = Leaf(trn, "TRNAMT");
  if (amount == nullptr) return Malformed(trn.line, "STMTTRN/TRNAMT", "", "expected the transaction's amount");
  std::optional<Decimal> d = OfxAmount(amount->text);
  if (!d) return Malformed(amount->line, "STMTTRN/TRNAMT", amount->text, "expected a signed amount [-]digits[.digits]");
  e.amount = *d;
  e.bank_code = type_text;
  e.channel = OfxChannel(type_text, d->units > 0);
  e.currency = s.currency;
  if (const OfxNode* currency = tree_.Child(trn, "CURRENCY"); currency != nullptr) {
    // The amount is in CURSYM (CURRATE converts it to CURDEF); ORIGCURRENCY only informs.
    const std::string symbol = Upper(tree_.Text(*currency, "CURSYM"));
    if (!IsCurrency(symbol)) return Malformed(currency->line, "STMTTRN/CURRENCY/CURSYM", symbol, "expected an ISO 4217 currency code");
    e.currency = symbol;
  }
  std::string payee(tree_.Text(trn, "NAME"));
  if (const OfxNode* p = tree_.Child(trn, "PAYEE"); p != nullptr && payee.empty()) payee = tree_.Text(*p, "NAME");
  e.counterparty_name = payee;
  const std::string memo(tree_.Text(trn, "MEMO"));
  // NAME is often MEMO cut to 32 characters: the MEMO alone then.
  std::string text = StartsWith(memo, payee) ? std::string() : payee;
  formats_internal::AppendWithSpace(text, memo);
  const std::string_view check = tree_.Text(trn, "CHECKNUM");
  if (type_text == "CHECK" && !check.empty() && text.find(check) == std::string::npos) {
    formats_internal::AppendWithSpace(text, "CHECK " + std::string(check));
  }
  e.description = std::move(text);
  for (std::string_view to : {"BANKACCTTO", "CCACCTTO"}) {
    if (const OfxNode* acct = tree_.Child(trn, to); acct != nullptr) {
      e.counterparty_account = tree_.Text(*acct, "ACCTID");
      e.counterparty_bank = tree_.Text(*acct, "BANKID");
    }
  }
  e.reference = tree_.Text(trn, "FITID");
  if (e.reference.empty()) e.reference = tree_.Text(trn, "REFNUM");
  if (e.reference.empty() && check != "0") e.reference = check;
  if (const std::string_view action = tree_.Text(trn, "CORRECTACTION"); !action.empty()) {
    findings.push_back(name_ + ":" + std::to_string(trn.line) + ": STMTTRN corrects FITID '" +
                       std::string(tree_.Text(trn, "CORRECTFITID")) + "' (" + std::string(action) +
                       "): the correction is not applied; the transaction is kept as its own entry");
  }
  e.position = {trn.line, 0};
  return Status::Ok();
}

Status OfxReader::ReadStatement(const OfxNode& rs, Statement& s, std::vector<std::string>& findings) const {
  s.position = {rs.line, 0};
  const OfxNode* account = tree_.Child(rs, rs.name == "CCSTMTRS" ? "CCACCTFROM" : "BANKACCTFROM");
  if (account == nullptr) {
    return Malformed(rs.line, rs.name + (rs.name == "CCSTMTRS" ? "/CCACCTFROM" : "/BANKACCTFROM"), "",
                     "expected the statement's account (ACCTID)");
  }
  s.account = tree_.Text(*account, "ACCTID");
  if (s.account.empty()) return Malformed(account->line, account->name + "/ACCTID", "", "expected the account number");
  s.account_bank = tree_.Text(*account, "BANKID");
  s.currency = Upper(tree_.Text(rs, "CURDEF"));
  if (const OfxNode* list = tree_.Child(rs, "BANKTRANLIST"); list != nullptr) {
    MT_ASSIGN_OR_RETURN(s.period_start, Day(*list, "DTSTART", false));
    MT_ASSIGN_OR_RETURN(s.period_end, Day(*list, "DTEND", false));
    std::map<std::string, size_t> by_fitid;  // FITID -> index in s.entries
    for (uint32_t c : list->children) {
      const OfxNode& trn = tree_.nodes[c];
      if (trn.name != "STMTTRN") continue;
      Entry e;
      MT_RETURN_IF_ERROR(ReadEntry(trn, s, e, findings));
      if (!e.reference.empty() && !tree_.Text(trn, "FITID").empty()) {
        auto [it, fresh] = by_fitid.emplace(e.reference, s.entries.size());
        if (!fresh) {
          const Entry& first = s.entries[it->second];
          const bool same = first.booking_date == e.booking_date && first.amount.units == e.amount.units &&
                            first.amount.scale == e.amount.scale;
          findings.push_back(name_ + ":" + std::to_string(trn.line) + ": FITID '" + e.reference + "' of line " +
                             std::to_string(first.position.line) +
                             (same ? " again, same date and amount: the same transaction, counted once"
                                   : " again for a different transaction: both kept"));
          if (same) continue;
        }
      }
      s.entries.push_back(std::move(e));
    }
  }
  if (s.currency.empty()) {
    // Some exports leave CURDEF empty and name the currency per transaction.
    for (const Entry& e : s.entries) {
      if (s.currency.empty()) s.currency = e.currency;
      if (e.currency != s.currency) { s.currency.clear(); break; }
    }
    if (s.currency.empty()) {
      return Malformed(rs.line, rs.name + "/CURDEF", "", "expected the statement's currency (ISO 4217)");
    }
    for (Entry& e : s.entries) e.currency = s.currency;
  } else if (!IsCurrency(s.currency)) {
    const OfxNode* curdef = tree_.Child(rs, "CURDEF");
    return Malformed(curdef->line, rs.name + "/CURDEF", s.currency, "expected an ISO 4217 currency code");
  }
  MT_ASSIGN_OR_RETURN(s.closing, ReadBalance(rs, "LEDGERBAL"));
  MT_ASSIGN_OR_RETURN(std::optional<Balance> available, ReadBalance(rs, "AVAILBAL"));
  if (available) s.other_balances.push_back(*available);
  return Status::Ok();
}

Status OfxReader::Read(ParsedStatements& out) {
  const OfxNode& root = tree_.nodes[tree_.root];
  if (root.name != "OFX") {
    return Malformed(root.line, "element", root.name, "expected the document element <OFX>");
  }
  std::vector<const OfxNode*> found;
  Collect(root, 0, found);
  if (found.empty()) {
    std::string why = name_ + ": no bank or credit-card statement (STMTRS/CCSTMTRS) in the OFX file";
    if (investment_statements_ > 0) why += ": " + std::to_string(investment_statements_) + " investment statements (INVSTMTRS) are not read";
    for (const std::string& s : failed_statuses_) why += "; " + s;
    return InvalidArgumentError(why);
  }
  for (const OfxNode* rs : found) {
    Statement s;
    MT_RETURN_IF_ERROR(ReadStatement(*rs, s, out.findings));
    out.statements.push_back(std::move(s));
  }
  if (investment_statements_ > 0) {
    out.findings.push_back(name_ + ": " + std::to_string(investment_statements_) +
                           " investment statements (INVSTMTRS) are not read");
  }
  return Status::Ok();
}

// The header's value of `key` among "KEY:VALUE" lines (OFX 1.x), "" when absent.
std::string_view HeaderValue(std::string_view header, std::string_view key) {
  size_t at = 0;
  while (at < header.size()) {
    size_t end = header.find('\n', at);
    if (end == std::string_view::npos) end = header.size();
    const std::string_view line = TrimSpaces(header.substr(at, end - at));
    if (StartsWith(line, key) && line.size() > key.size() && line[key.size()] == ':') {
      return TrimSpaces(line.substr(key.size() + 1));
    }
    at = end + 1;
  }
  return {};
}

// The value of attribute `key` in the <?OFX ...?> instruction.
std::string_view PiValue(std::string_view pi, std::string_view key) {
  const size_t at = pi.find(std::string(key) + "=\"");
  if (at == std::string_view::npos) return {};
  const size_t start = at + key.size() + 2;
  const size_t end = pi.find('"', start);
  return end == std::string_view::npos ? std::string_view() : pi.substr(start, end - start);
}

std::string VersionText(std::string_view v) {
  if (v.size() == 3 && IsDigits(v)) return std::string(1, v[0]) + "." + std::string(v.substr(1));
  return std::string(v);
}

uint64_t LineOf(std::string_view bytes, size_t offset) {
  return 1 + static_cast<uint64_t>(std::count(bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(offset), '\n'));
}

}  // namespace

Result<ParsedStatements> ParseOfx(std::string_view bytes, const std::string& name) {
  ParsedStatements out;
  out.format = StatementFormat::kOfx;
  if (const size_t nul = bytes.find('\0'); nul != std::string_view::npos) {
    return InvalidArgumentError(name + ":" + std::to_string(LineOf(bytes, nul)) +
                                ": a NUL byte: not an OFX text file (binary data, or UTF-16 text)");
  }
  std::string_view text = bytes;
  size_t skipped = 0;
  if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF &&
      static_cast<unsigned char>(text[1]) == 0xBB && static_cast<unsigned char>(text[2]) == 0xBF) {
    skipped = 3;
  }
  while (skipped < text.size() && (text[skipped] == ' ' || text[skipped] == '\t' || text[skipped] == '\r' || text[skipped] == '\n')) ++skipped;
  const std::string_view start = text.substr(skipped);
  OfxTree tree;
  if (StartsWith(start, "<?xml") || StartsWith(start, "<?OFX")) {
    const size_t pi_at = start.find("<?OFX");
    const std::string_view pi = pi_at == std::string_view::npos ? std::string_view() : start.substr(pi_at, start.find("?>", pi_at) - pi_at);
    out.variant = "OFX " + VersionText(PiValue(pi, "VERSION"));
    Result<OfxTree> xml = formats_internal::ParseOfxXml(bytes, name);
    if (xml.ok()) {
      tree = std::move(*xml);
    } else {
      // Some banks write 1.x's unclosed leaf tags under a 2.x XML header.
      const size_t body = bytes.find("<OFX>");
      Result<OfxTree> sgml = body == std::string_view::npos
                                 ? Result<OfxTree>(xml.status())
                                 : formats_internal::ParseOfxSgml(bytes.substr(body), name, LineOf(bytes, body));
      // Only a body that really uses unclosed tags is read so; else the XML error stands.
      if (!sgml.ok() || sgml->unclosed_leaves == 0) return xml.status();
      tree = std::move(*sgml);
      out.variant += " (XML header, SGML body)";
    }
  } else {
    const size_t body = start.find('<');
    const std::string_view header = start.substr(0, body == std::string_view::npos ? start.size() : body);
    if (StartsWith(start, "OFXHEADER")) {
      if (const std::string_view v = HeaderValue(header, "OFXHEADER"); v != "100") {
        return PositionError(name, {LineOf(bytes, skipped), 0}, "OFXHEADER", v, "expected 100 (OFX 1.x SGML header)");
      }
      if (const std::string_view v = HeaderValue(header, "DATA"); v != "OFXSGML") {
        return PositionError(name, {LineOf(bytes, skipped), 0}, "DATA", v, "expected OFXSGML");
      }
      out.variant = "OFX " + VersionText(HeaderValue(header, "VERSION"));
    } else if (StartsWith(start, "<OFX")) {
      out.variant = "OFX (no header)";
    } else {
      return InvalidArgumentError(name + ": not an OFX file: expected an OFXHEADER:100 header block, an "
                                  "<?xml ...?><?OFX OFXHEADER=\"200\" ...?> header or <OFX>");
    }
    if (body == std::string_view::npos) return InvalidArgumentError(name + ": an OFX header without a body (no <OFX>)");
    const size_t body_at = skipped + body;
    std::string converted;
    std::string_view sgml = bytes.substr(body_at);
    // A header naming a single-byte charset is believed unless the bytes are valid UTF-8
    // (banks that write UTF-8 under CHARSET:1252 exist; the reverse cannot be valid UTF-8).
    const std::string_view charset = HeaderValue(header, "CHARSET");
    if (HeaderValue(header, "ENCODING") != "UTF-8" && !formats_internal::IsValidUtf8(sgml)) {
      converted = charset == "ISO-8859-1" || charset == "8859-1" ? formats_internal::Latin1ToUtf8(sgml) : Cp1252ToUtf8(sgml);
      sgml = converted;
      out.variant += charset == "ISO-8859-1" || charset == "8859-1" ? " ISO-8859-1" : " windows-1252";
    }
    MT_ASSIGN_OR_RETURN(tree, formats_internal::ParseOfxSgml(sgml, name, LineOf(bytes, body_at)));
  }
  OfxReader reader(tree, name);
  MT_RETURN_IF_ERROR(reader.Read(out));
  formats_internal::SanitizeTexts(out);
  CheckDeclaredBalances(name, out);
  return out;
}

}  // namespace moneytrail::formats
