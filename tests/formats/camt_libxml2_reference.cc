// The camt reader as it was up to session 13 (libxml2's xmlTextReader, src/formats/xml_stream.h),
// kept as the differential oracle of the pugixml reader (src/formats/camt.cc): camt_diff_test.cc
// compares the two field by field on every sample, the fuzz corpus and mutated documents. Not
// built into the library.
#include <libxml/xmlreader.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "camt_libxml2_reference.h"
#include "formats/format_util.h"
#include "formats/xml_stream.h"
#include "moneytrail/formats.h"

namespace moneytrail::formats {
namespace {

using formats_internal::PositionError;

// Where the reader is: the innermost of these that is open decides how a leaf is read.
enum class Scope : uint8_t { kNone, kStatement, kBalance, kEntry, kTransaction };

struct Frame {
  const char* name;  // interned by the reader's dictionary: valid while the reader lives
  Scope scope;
};

// What a transaction's details (TxDtls) say; an entry with none has one empty TxDetails.
struct TxDetails {
  std::optional<Decimal> amount;
  std::string direction;  // CRDT / DBIT, when the details repeat it
  std::string debtor, debtor_account, debtor_agent, creditor, creditor_account, creditor_agent;
  std::string remittance, reference, end_to_end, additional;
  std::string domain, family, subfamily, proprietary;
  SourcePosition position;
};

struct EntryBuilder {
  std::optional<Decimal> amount;
  std::string currency, direction, status, reversal, reference, entry_reference, additional;
  std::string domain, family, subfamily, proprietary;
  std::optional<Timestamp> booking, value;
  std::string booking_text, value_text;
  std::vector<TxDetails> details;
  SourcePosition position;
};

struct BalanceBuilder {
  std::string type, direction, currency;
  std::optional<Decimal> amount;
  std::optional<Timestamp> day;
  std::string amount_text;
  SourcePosition position;
};

class CamtReader {
 public:
  CamtReader(std::string_view bytes, const std::string& name) : bytes_(bytes), name_(name) {}

  Result<ParsedStatements> Read();

 private:
  Status Start(xmlTextReaderPtr reader, uint64_t line);
  Status End(uint64_t line);
  Status Leaf(std::string_view path, std::string_view text, uint64_t line);
  Status FinishBalance();
  Status FinishEntry();
  Status Malformed(uint64_t line, std::string_view field, std::string_view value,
                   std::string_view expected) const {
    return PositionError(name_, {line, 0}, field, value, expected);
  }
  // The path of the open elements below the innermost scope, e.g. "RltdPties/Dbtr/Nm".
  std::string RelativePath() const;
  Result<Decimal> Amount(std::string_view text, uint64_t line, std::string_view field) const;
  Result<Timestamp> Day(std::string_view text, uint64_t line, std::string_view field) const;

  std::string_view bytes_;
  const std::string& name_;
  ParsedStatements out_;
  std::vector<Frame> stack_;
  std::string text_;        // the text of the innermost open element
  std::string attr_ccy_;    // the Ccy attribute of the innermost Amt
  Statement* statement_ = nullptr;
  std::optional<EntryBuilder> entry_;
  std::optional<BalanceBuilder> balance_;
  uint64_t not_booked_ = 0;
  std::string message_kind_;  // "053", "052", "054"
};

bool Is(const char* a, const char* b) { return std::strcmp(a, b) == 0; }

std::string CamtKind(const char* element) {
  if (Is(element, "BkToCstmrStmt")) return "053";
  if (Is(element, "BkToCstmrAcctRpt")) return "052";
  if (Is(element, "BkToCstmrDbtCdtNtfctn")) return "054";
  return "";
}

std::string RelativeFrom(const std::vector<Frame>& stack, size_t from) {
  std::string path;
  for (size_t i = from; i < stack.size(); ++i) {
    if (!path.empty()) path += '/';
    path += stack[i].name;
  }
  return path;
}

std::string CamtReader::RelativePath() const {
  size_t i = stack_.size();
  while (i > 0 && stack_[i - 1].scope == Scope::kNone) --i;
  return RelativeFrom(stack_, i);
}

Result<Decimal> CamtReader::Amount(std::string_view text, uint64_t line, std::string_view field) const {
  std::optional<Decimal> d = formats_internal::ParseUnsignedAmount(text, '.');
  if (!d) return Malformed(line, field, text, "expected an amount: digits[.digits], at most 18 digits");
  return *d;
}

Result<Timestamp> CamtReader::Day(std::string_view text, uint64_t line, std::string_view field) const {
  std::optional<Timestamp> t = formats_internal::ParseIsoDay(text);
  if (!t) return Malformed(line, field, text, "expected an ISO date YYYY-MM-DD[Thh:mm:ss]");
  return *t;
}

Status CamtReader::Start(xmlTextReaderPtr reader, uint64_t line) {
  const char* name = reinterpret_cast<const char*>(xmlTextReaderConstLocalName(reader));
  if (name == nullptr) name = "";
  Scope scope = Scope::kNone;
  const char* parent = stack_.empty() ? "" : stack_.back().name;
  if (!CamtKind(parent).empty() && (Is(name, "Stmt") || Is(name, "Rpt") || Is(name, "Ntfctn"))) {
    out_.statements.emplace_back();
    statement_ = &out_.statements.back();
    statement_->position = {line, 0};
    scope = Scope::kStatement;
  } else if (statement_ != nullptr && stack_.back().scope == Scope::kStatement && Is(name, "Bal")) {
    balance_.emplace();
    balance_->position = {line, 0};
    scope = Scope::kBalance;
  } else if (statement_ != nullptr && stack_.back().scope == Scope::kStatement && Is(name, "Ntry")) {
    entry_.emplace();
    entry_->position = {line, 0};
    scope = Scope::kEntry;
  } else if (entry_ && Is(name, "TxDtls") && Is(parent, "NtryDtls")) {
    entry_->details.emplace_back();
    entry_->details.back().position = {line, 0};
    scope = Scope::kTransaction;
  } else if (std::string kind = CamtKind(name); !kind.empty()) {
    message_kind_ = kind;
    const char* ns = reinterpret_cast<const char*>(xmlTextReaderConstNamespaceUri(reader));
    std::string variant = ns == nullptr ? "" : ns;
    const size_t at = variant.rfind(':');
    out_.variant = at != std::string::npos && variant.find("camt.") != std::string::npos
                       ? variant.substr(at + 1)
                       : "camt." + kind + " (no version: namespace '" + variant + "')";
  } else if (Is(name, "FIToFICstmrCdtTrf")) {
    return Malformed(line, "element", name,
                     "a pacs payment message, not an account statement: read it with --format "
                     "pacs008 or auto (docs/format/camt.md)");
  } else if (Is(name, "FIToFIPmtStsRpt")) {
    return Malformed(line, "element", name,
                     "a pacs payment message, not an account statement: moneytrail reads "
                     "camt.052, camt.053 and camt.054 and pacs.008 (docs/format/camt.md)");
  }
  stack_.push_back({name, scope});
  text_.clear();
  attr_ccy_.clear();
  if (Is(name, "Amt")) {
    xmlChar* ccy = xmlTextReaderGetAttribute(reader, reinterpret_cast<const xmlChar*>("Ccy"));
    if (ccy != nullptr) {
      attr_ccy_ = reinterpret_cast<const char*>(ccy);
      xmlFree(ccy);
    }
  }
  return Status::Ok();
}

Status CamtReader::End(uint64_t line) {
  if (stack_.empty()) return Status::Ok();
  const Scope scope = stack_.back().scope;
  if (scope == Scope::kNone) {
    // Line breaks and indentation inside a value are layout, not content: one space each.
    std::string collapsed;
    collapsed.reserve(text_.size());
    for (char c : text_) {
      const bool space = c == ' ' || c == '\t' || c == '\r' || c == '\n';
      if (space && (collapsed.empty() || collapsed.back() == ' ')) continue;
      collapsed += space ? ' ' : c;
    }
    std::string_view text = formats_internal::TrimSpaces(collapsed);
    if (!text.empty()) {
      MT_RETURN_IF_ERROR(Leaf(RelativePath(), text, line));
    }
  }
  stack_.pop_back();
  text_.clear();
  switch (scope) {
    case Scope::kBalance:
      MT_RETURN_IF_ERROR(FinishBalance());
      break;
    case Scope::kEntry:
      MT_RETURN_IF_ERROR(FinishEntry());
      break;
    case Scope::kStatement:
      statement_ = nullptr;
      break;
    default:
      break;
  }
  return Status::Ok();
}

// Reads a party's name, account or agent from `path` relative to RltdPties / RltdAgts.
bool PartyField(std::string_view path, std::string_view text, TxDetails& t) {
  if (path.substr(0, 4) != "Rltd") return false;  // most leaves: one comparison
  struct Path {
    const char* path;
    std::string TxDetails::*field;
  };
  static constexpr Path kPaths[] = {
      {"RltdPties/Dbtr/Nm", &TxDetails::debtor},
      {"RltdPties/Dbtr/Pty/Nm", &TxDetails::debtor},
      {"RltdPties/UltmtDbtr/Nm", &TxDetails::debtor},
      {"RltdPties/UltmtDbtr/Pty/Nm", &TxDetails::debtor},
      {"RltdPties/DbtrAcct/Id/IBAN", &TxDetails::debtor_account},
      {"RltdPties/DbtrAcct/Id/Othr/Id", &TxDetails::debtor_account},
      {"RltdPties/Cdtr/Nm", &TxDetails::creditor},
      {"RltdPties/Cdtr/Pty/Nm", &TxDetails::creditor},
      {"RltdPties/UltmtCdtr/Nm", &TxDetails::creditor},
      {"RltdPties/UltmtCdtr/Pty/Nm", &TxDetails::creditor},
      {"RltdPties/CdtrAcct/Id/IBAN", &TxDetails::creditor_account},
      {"RltdPties/CdtrAcct/Id/Othr/Id", &TxDetails::creditor_account},
      {"RltdAgts/DbtrAgt/FinInstnId/BIC", &TxDetails::debtor_agent},
      {"RltdAgts/DbtrAgt/FinInstnId/BICFI", &TxDetails::debtor_agent},
      {"RltdAgts/CdtrAgt/FinInstnId/BIC", &TxDetails::creditor_agent},
      {"RltdAgts/CdtrAgt/FinInstnId/BICFI", &TxDetails::creditor_agent},
  };
  for (const Path& p : kPaths) {
    if (path == p.path) {
      std::string& field = t.*p.field;
      if (field.empty()) field = std::string(text);  // the first name given wins (Dbtr before UltmtDbtr)
      return true;
    }
  }
  return false;
}

// Bank transaction code parts, for an entry or its details.
bool CodeField(std::string_view path, std::string_view text, std::string& domain,
               std::string& family, std::string& subfamily, std::string& proprietary) {
  if (path == "BkTxCd/Domn/Cd") domain = text;
  else if (path == "BkTxCd/Domn/Fmly/Cd") family = text;
  else if (path == "BkTxCd/Domn/Fmly/SubFmlyCd") subfamily = text;
  else if (path == "BkTxCd/Prtry/Cd") proprietary = text;
  else return false;
  return true;
}

Status CamtReader::Leaf(std::string_view path, std::string_view text, uint64_t line) {
  if (statement_ == nullptr) return Status::Ok();
  const Scope scope = [&] {
    for (size_t i = stack_.size(); i > 0; --i) {
      if (stack_[i - 1].scope != Scope::kNone) return stack_[i - 1].scope;
    }
    return Scope::kNone;
  }();
  switch (scope) {
    case Scope::kStatement:
      if (path == "Id") statement_->id = text;
      else if (path == "Acct/Id/IBAN" || path == "Acct/Id/Othr/Id") statement_->account = text;
      else if (path == "Acct/Ccy") statement_->currency = text;
      else if (path == "Acct/Svcr/FinInstnId/BIC" || path == "Acct/Svcr/FinInstnId/BICFI") statement_->account_bank = text;
      else if (path == "FrToDt/FrDtTm") { MT_ASSIGN_OR_RETURN(statement_->period_start, Day(text, line, "FrToDt/FrDtTm")); }
      else if (path == "FrToDt/ToDtTm") { MT_ASSIGN_OR_RETURN(statement_->period_end, Day(text, line, "FrToDt/ToDtTm")); }
      return Status::Ok();
    case Scope::kBalance: {
      BalanceBuilder& b = *balance_;
      if (path == "Tp/CdOrPrtry/Cd" || path == "Tp/CdOrPrtry/Prtry") b.type = text;
      else if (path == "Amt") {
        MT_ASSIGN_OR_RETURN(b.amount, Amount(text, line, "Bal/Amt"));
        b.currency = attr_ccy_;
      } else if (path == "CdtDbtInd") b.direction = text;
      else if (path == "Dt/Dt" || path == "Dt/DtTm") { MT_ASSIGN_OR_RETURN(b.day, Day(text, line, "Bal/Dt")); }
      return Status::Ok();
    }
    case Scope::kEntry: {
      EntryBuilder& e = *entry_;
      if (path == "Amt") {
        MT_ASSIGN_OR_RETURN(e.amount, Amount(text, line, "Ntry/Amt"));
        e.currency = attr_ccy_;
      } else if (path == "CdtDbtInd") e.direction = text;
      else if (path == "RvslInd") e.reversal = text;
      else if (path == "Sts" || path == "Sts/Cd") e.status = text;
      else if (path == "BookgDt/Dt" || path == "BookgDt/DtTm") { MT_ASSIGN_OR_RETURN(e.booking, Day(text, line, "Ntry/BookgDt")); }
      else if (path == "ValDt/Dt" || path == "ValDt/DtTm") { MT_ASSIGN_OR_RETURN(e.value, Day(text, line, "Ntry/ValDt")); }
      else if (path == "AcctSvcrRef") e.reference = text;
      else if (path == "NtryRef") e.entry_reference = text;
      else if (path == "AddtlNtryInf") formats_internal::AppendWithSpace(e.additional, text);
      else CodeField(path, text, e.domain, e.family, e.subfamily, e.proprietary);
      return Status::Ok();
    }
    case Scope::kTransaction: {
      TxDetails& t = entry_->details.back();
      if (path == "Amt" || path == "AmtDtls/TxAmt/Amt") {
        MT_ASSIGN_OR_RETURN(t.amount, Amount(text, line, "TxDtls/Amt"));
      } else if (path == "CdtDbtInd") t.direction = text;
      else if (path == "Refs/AcctSvcrRef") t.reference = text;
      else if (path == "Refs/EndToEndId") { if (text != "NOTPROVIDED") t.end_to_end = text; }
      else if (path == "RmtInf/Ustrd") formats_internal::AppendWithSpace(t.remittance, text);
      else if (path == "RmtInf/Strd/CdtrRefInf/Ref") formats_internal::AppendWithSpace(t.remittance, text);
      else if (path == "AddtlTxInf") formats_internal::AppendWithSpace(t.additional, text);
      else if (!PartyField(path, text, t)) CodeField(path, text, t.domain, t.family, t.subfamily, t.proprietary);
      return Status::Ok();
    }
    case Scope::kNone:
      return Status::Ok();
  }
  return Status::Ok();
}

Status CamtReader::FinishBalance() {
  BalanceBuilder b = std::move(*balance_);
  balance_.reset();
  const uint64_t line = b.position.line;
  // (Session 16: a statement nested in the balance ended first; this reader dereferenced a null
  // pointer here, as the one in src/formats did. Both now refuse the same way.)
  if (statement_ == nullptr) return Malformed(line, "Bal", "", "expected no statement (Stmt, Rpt, Ntfctn) inside a balance");
  if (b.type.empty()) return Malformed(line, "Bal/Tp/CdOrPrtry/Cd", "", "expected the balance type (OPBD, CLBD...)");
  if (!b.amount) return Malformed(line, "Bal/Amt", "", "expected the balance amount");
  if (b.direction != "CRDT" && b.direction != "DBIT") {
    return Malformed(line, "Bal/CdtDbtInd", b.direction, "expected CRDT or DBIT");
  }
  Balance balance;
  balance.type = b.type;
  balance.amount = b.direction == "DBIT" ? formats_internal::Negated(*b.amount) : *b.amount;
  balance.day = b.day.value_or(0);
  balance.position = b.position;
  if (statement_->currency.empty()) statement_->currency = b.currency;
  // Opening: OPBD, else the previous closing PRCD; closing: CLBD, else the interim ITBD.
  if (b.type == "OPBD" || (b.type == "PRCD" && !statement_->opening)) {
    if (statement_->opening && statement_->opening->type == "PRCD") {
      statement_->other_balances.push_back(*statement_->opening);
    }
    if (statement_->opening && b.type == "PRCD") {
      statement_->other_balances.push_back(balance);
    } else {
      statement_->opening = balance;
    }
  } else if (b.type == "CLBD" || (b.type == "ITBD" && (!statement_->closing || statement_->closing->type == "ITBD"))) {
    if (statement_->closing) statement_->other_balances.push_back(*statement_->closing);
    statement_->closing = balance;
  } else {
    statement_->other_balances.push_back(balance);
  }
  return Status::Ok();
}

Status CamtReader::FinishEntry() {
  EntryBuilder e = std::move(*entry_);
  entry_.reset();
  const uint64_t line = e.position.line;
  if (statement_ == nullptr) return Malformed(line, "Ntry", "", "expected no statement (Stmt, Rpt, Ntfctn) inside an entry");
  if (!e.status.empty() && e.status != "BOOK") {
    ++not_booked_;  // pending or information-only: not on the ledger (counted in findings)
    return Status::Ok();
  }
  if (!e.amount) return Malformed(line, "Ntry/Amt", "", "expected the entry's amount");
  if (e.direction != "CRDT" && e.direction != "DBIT") {
    return Malformed(line, "Ntry/CdtDbtInd", e.direction, "expected CRDT or DBIT");
  }
  if (!e.booking && !e.value) return Malformed(line, "Ntry/BookgDt", "", "expected a booking or value date");
  const bool debit = e.direction == "DBIT";
  // Several transactions in one entry (a batch) become one entry each when their amounts add up
  // exactly to the entry's; otherwise the entry is kept whole (its details named in its text).
  bool split = e.details.size() > 1;
  if (split) {
    DecimalSum sum;
    for (const TxDetails& t : e.details) {
      if (!t.amount || (!t.direction.empty() && t.direction != e.direction) || !sum.Add(*t.amount).ok()) {
        split = false;
        break;
      }
    }
    if (split) split = sum.Subtract(*e.amount).ok() && sum.raw_units() == 0;
  }
  if (e.details.empty()) e.details.emplace_back();
  const size_t n = split ? e.details.size() : 1;
  for (size_t i = 0; i < n; ++i) {
    const TxDetails& t = e.details[i];
    Entry out;
    out.booking_date = e.booking.value_or(e.value.value_or(0));
    out.value_date = e.value;
    Decimal magnitude = split ? *t.amount : *e.amount;
    // A reversal (RvslInd true) is booked on the opposite side of the original: its
    // CdtDbtInd already says which way the money moved, so the sign follows CdtDbtInd.
    out.amount = debit ? formats_internal::Negated(magnitude) : magnitude;
    out.reversal = e.reversal == "true" || e.reversal == "1";
    out.currency = e.currency.empty() ? statement_->currency : e.currency;
    // The other end: the creditor of money out, the debtor of money in.
    out.counterparty_name = debit ? t.creditor : t.debtor;
    out.counterparty_account = debit ? t.creditor_account : t.debtor_account;
    out.counterparty_bank = debit ? t.creditor_agent : t.debtor_agent;
    std::string text = t.remittance;
    formats_internal::AppendWithSpace(text, t.additional);
    if (!split) formats_internal::AppendWithSpace(text, e.additional);
    if (!split && e.details.size() > 1) {
      formats_internal::AppendWithSpace(text, "(batch of " + std::to_string(e.details.size()) + " transactions)");
    }
    if (!out.counterparty_name.empty() && text.find(out.counterparty_name) == std::string::npos) {
      text = (debit ? "TO " : "FROM ") + out.counterparty_name + (text.empty() ? "" : " ") + text;
    }
    out.description = std::move(text);
    out.reference = !t.reference.empty() ? t.reference : !e.reference.empty() ? e.reference
                    : !t.end_to_end.empty() ? t.end_to_end : e.entry_reference;
    const bool own_code = !t.domain.empty() || !t.proprietary.empty();
    const std::string& domain = own_code ? t.domain : e.domain;
    const std::string& family = own_code ? t.family : e.family;
    const std::string& subfamily = own_code ? t.subfamily : e.subfamily;
    const std::string& proprietary = own_code ? t.proprietary : e.proprietary;
    out.bank_code = !domain.empty() ? domain + "/" + family + "/" + subfamily : proprietary;
    out.channel = formats_internal::CamtChannel(domain, family, subfamily, proprietary);
    out.position = split ? t.position : e.position;
    statement_->entries.push_back(std::move(out));
  }
  return Status::Ok();
}

Result<ParsedStatements> CamtReader::Read() {
  out_.format = StatementFormat::kCamt;
  MT_ASSIGN_OR_RETURN(formats_internal::XmlStream xml, formats_internal::XmlStream::Open(bytes_, name_));
  xmlTextReaderPtr reader = xml.reader();
  bool saw_kind = false;
  for (;;) {
    MT_ASSIGN_OR_RETURN(bool more, xml.Next("a camt document"));
    if (!more) break;
    const uint64_t node_line = xml.line();
    switch (xmlTextReaderNodeType(reader)) {
      case XML_READER_TYPE_ELEMENT: {
        const bool empty = xmlTextReaderIsEmptyElement(reader) == 1;
        MT_RETURN_IF_ERROR(Start(reader, node_line));
        if (!message_kind_.empty()) saw_kind = true;
        if (empty) MT_RETURN_IF_ERROR(End(node_line));
        break;
      }
      case XML_READER_TYPE_END_ELEMENT:
        MT_RETURN_IF_ERROR(End(node_line));
        break;
      case XML_READER_TYPE_TEXT:
      case XML_READER_TYPE_CDATA: {
        const char* value = reinterpret_cast<const char*>(xmlTextReaderConstValue(reader));
        if (value != nullptr) text_ += value;
        break;
      }
      default:
        break;
    }
  }
  if (!saw_kind) {
    return InvalidArgumentError(name_ + ": not a camt.052/053/054 document: no BkToCstmrStmt, "
                                "BkToCstmrAcctRpt or BkToCstmrDbtCdtNtfctn element");
  }
  if (out_.statements.empty()) {
    return InvalidArgumentError(name_ + ": a camt." + message_kind_ + " document with no statement (Stmt/Rpt/Ntfctn)");
  }
  for (Statement& s : out_.statements) {
    // A notification (camt.054) may name no currency but its entries'.
    if (s.currency.empty() && !s.entries.empty()) s.currency = s.entries.front().currency;
    if (s.account.empty()) {
      return Malformed(s.position.line, "Acct/Id", "", "expected the account (IBAN or Othr/Id)");
    }
  }
  if (not_booked_ > 0) {
    out_.findings.push_back(name_ + ": " + std::to_string(not_booked_) +
                            " entries not booked (Sts other than BOOK) are not on the ledger");
  }
  formats_internal::SanitizeTexts(out_);
  CheckDeclaredBalances(name_, out_);
  return std::move(out_);
}

}  // namespace

Result<ParsedStatements> ParseCamtLibxml2Reference(std::string_view bytes, const std::string& name) {
  CamtReader reader(bytes, name);
  return reader.Read();
}

}  // namespace moneytrail::formats
