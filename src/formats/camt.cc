// ISO 20022 camt.052 (account report), camt.053 (statement) and camt.054 (debit/credit
// notification), every version in the samples (001.02 to 001.10, bare or in a SWIFT envelope),
// parsed whole by pugixml (xml_document.h: no network, no DTD, no entity expansion; a document
// with a DOCTYPE is refused: camt has none) and walked element by element. docs/format/camt.md.
//
// The walk keeps the event model of the streaming reader it replaced (session 14; that reader is
// the oracle of tests/formats/camt_diff_test.cc): an element opens a scope (statement, balance,
// entry, transaction) or not; a leaf's text is the text after its last child element, with
// runs of layout white space collapsed; a leaf is read by its path below the innermost scope,
// compared part by part (no path string is built).
#include <pugixml.hpp>

#include <memory>
#include <string>
#include <vector>

#include "format_util.h"
#include "camt_internal.h"
#include "xml_document.h"
#include "moneytrail/formats.h"

namespace moneytrail::formats {
namespace {

using formats_internal::PositionError;

// Where the reader is: the innermost of these that is open decides how a leaf is read.
enum class Scope : uint8_t { kNone, kStatement, kBalance, kEntry, kTransaction };

struct Frame {
  std::string_view name;  // local name, in the parsed document
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
  // `split`: a large document's entries are parsed a window at a time (XmlDocument::Parse).
  CamtReader(std::string_view bytes, const std::string& name, const formats_internal::XmlSplit& split)
      : bytes_(bytes), name_(name), split_(split) {}

  Result<ParsedStatements> Read();

 private:
  using Node = pugi::xml_node;
  Status Walk(Node element, int depth);
  Status WalkRun(int depth);
  Status Start(Node element, std::string_view name);
  Status End(Node element, std::string_view text);
  Status Leaf(Node element, Scope scope, std::string_view text);
  Status FinishBalance();
  Status FinishEntry();
  Status Malformed(uint64_t line, std::string_view field, std::string_view value,
                   std::string_view expected) const {
    return PositionError(name_, {line, 0}, field, value, expected);
  }
  Result<Decimal> Amount(std::string_view text, Node at, std::string_view field);
  Result<Timestamp> Day(std::string_view text, Node at, std::string_view field);
  // True when the path below the innermost scope is exactly `parts` ("RltdPties", "Dbtr", "Nm").
  template <typename... Parts>
  bool At(Parts... parts) const {
    if (path_size_ != sizeof...(Parts)) return false;
    const Frame* f = path_;
    return ((f++->name == std::string_view(parts)) && ...);
  }
  bool PartyField(std::string_view text, TxDetails& t) const;
  bool CodeField(std::string_view text, std::string& domain, std::string& family, std::string& subfamily,
                 std::string& proprietary) const;

  std::string_view bytes_;
  const std::string& name_;
  formats_internal::XmlSplit split_;
  size_t next_run_ = 0;
  std::unique_ptr<formats_internal::XmlDocument> doc_;
  ParsedStatements out_;
  std::vector<Frame> stack_;
  const Frame* path_ = nullptr;  // Leaf: the frames below the innermost scope
  size_t path_size_ = 0;
  std::string joined_;           // a leaf's text in several pieces (text, CDATA), joined
  std::string collapsed_;        // a leaf's text with its layout white space collapsed
  std::string_view attr_ccy_;    // the Ccy attribute of the element opened last, when an Amt
  Statement* statement_ = nullptr;
  std::optional<EntryBuilder> entry_;
  std::optional<BalanceBuilder> balance_;
  uint64_t not_booked_ = 0;
  std::string message_kind_;  // "053", "052", "054"
};

// libxml2's default limit (the reader this one replaced): deeper documents are refused.
constexpr int kMaxDepth = 256;

std::string CamtKind(std::string_view element) {
  if (element == "BkToCstmrStmt") return "053";
  if (element == "BkToCstmrAcctRpt") return "052";
  if (element == "BkToCstmrDbtCdtNtfctn") return "054";
  return "";
}

Result<Decimal> CamtReader::Amount(std::string_view text, Node at, std::string_view field) {
  std::optional<Decimal> d = formats_internal::ParseUnsignedAmount(text, '.');
  if (!d) return Malformed(doc_->LineOf(at), field, text, "expected an amount: digits[.digits], at most 18 digits");
  return *d;
}

Result<Timestamp> CamtReader::Day(std::string_view text, Node at, std::string_view field) {
  std::optional<Timestamp> t = formats_internal::ParseIsoDay(text);
  if (!t) return Malformed(doc_->LineOf(at), field, text, "expected an ISO date YYYY-MM-DD[Thh:mm:ss]");
  return *t;
}

Status CamtReader::Walk(Node element, int depth) {
  if (depth > kMaxDepth) {
    return InvalidArgumentError(name_ + ":" + std::to_string(doc_->LineOf(element)) +
                                ": not well-formed XML: Excessive depth in document: " + std::to_string(kMaxDepth));
  }
  if (doc_->runs() > 0 && doc_->IsRunMarker(element)) return WalkRun(depth);
  if (element.first_attribute()) MT_RETURN_IF_ERROR(doc_->CheckAttributes(element));
  MT_RETURN_IF_ERROR(Start(element, formats_internal::XmlDocument::LocalName(element)));
  // The text after the last child element: parse_embed_pcdata put the first piece (when it
  // comes before any child) in the element's value.
  std::string_view text = element.value();
  bool joined = false;
  for (Node child = element.first_child(); child; child = child.next_sibling()) {
    switch (child.type()) {
      case pugi::node_element:
        MT_RETURN_IF_ERROR(Walk(child, depth + 1));
        text = {};
        joined = false;
        break;
      case pugi::node_pcdata:
      case pugi::node_cdata: {
        const std::string_view piece = child.value();
        if (text.empty()) {
          text = piece;
        } else {
          if (!joined) joined_.assign(text);
          joined_ += piece;
          joined = true;
          text = joined_;
        }
        break;
      }
      case pugi::node_comment:
        MT_RETURN_IF_ERROR(doc_->CheckComment(child));
        break;
      default:
        break;
    }
  }
  return End(element, text);
}

// The entries of the next run, a window at a time, as if they stood where the marker is.
Status CamtReader::WalkRun(int depth) {
  if (statement_ != nullptr && !stack_.empty() && stack_.back().scope == Scope::kStatement) {
    statement_->entries.reserve(statement_->entries.size() + doc_->run_elements(next_run_));
  }
  return doc_->ForEachWindow(next_run_++, [&](Node window) -> Status {
    for (Node child = window.first_child(); child; child = child.next_sibling()) {
      if (child.type() == pugi::node_element) {
        MT_RETURN_IF_ERROR(Walk(child, depth));
      } else if (child.type() == pugi::node_comment) {
        MT_RETURN_IF_ERROR(doc_->CheckComment(child));
      }
    }
    return Status::Ok();
  });
}

Status CamtReader::Start(Node element, std::string_view name) {
  Scope scope = Scope::kNone;
  const std::string_view parent = stack_.empty() ? std::string_view() : stack_.back().name;
  if (!stack_.empty() && (name == "Stmt" || name == "Rpt" || name == "Ntfctn") && !CamtKind(parent).empty()) {
    out_.statements.emplace_back();
    statement_ = &out_.statements.back();
    statement_->position = {doc_->LineOf(element), 0};
    scope = Scope::kStatement;
  } else if (statement_ != nullptr && stack_.back().scope == Scope::kStatement && name == "Bal") {
    balance_.emplace();
    balance_->position = {doc_->LineOf(element), 0};
    scope = Scope::kBalance;
  } else if (statement_ != nullptr && stack_.back().scope == Scope::kStatement && name == "Ntry") {
    entry_.emplace();
    entry_->position = {doc_->LineOf(element), 0};
    scope = Scope::kEntry;
  } else if (entry_ && name == "TxDtls" && parent == "NtryDtls") {
    entry_->details.emplace_back();
    entry_->details.back().position = {doc_->LineOf(element), 0};
    scope = Scope::kTransaction;
  } else if (name.size() > 10 && name.substr(0, 9) == "BkToCstmr") {
    if (std::string kind = CamtKind(name); !kind.empty()) {
      message_kind_ = kind;
      const std::string variant(formats_internal::XmlDocument::NamespaceUri(element));
      const size_t at = variant.rfind(':');
      out_.variant = at != std::string::npos && variant.find("camt.") != std::string::npos
                         ? variant.substr(at + 1)
                         : "camt." + kind + " (no version: namespace '" + variant + "')";
    }
  } else if (name == "FIToFICstmrCdtTrf") {
    return Malformed(doc_->LineOf(element), "element", name,
                     "a pacs payment message, not an account statement: read it with --format "
                     "pacs008 or auto (docs/format/camt.md)");
  } else if (name == "FIToFIPmtStsRpt") {
    return Malformed(doc_->LineOf(element), "element", name,
                     "a pacs payment message, not an account statement: moneytrail reads "
                     "camt.052, camt.053 and camt.054 and pacs.008 (docs/format/camt.md)");
  }
  stack_.push_back({name, scope});
  attr_ccy_ = {};
  if (name == "Amt") attr_ccy_ = element.attribute("Ccy").value();
  return Status::Ok();
}

bool IsLayoutSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

Status CamtReader::End(Node element, std::string_view text) {
  const Scope scope = stack_.back().scope;
  if (scope == Scope::kNone && !text.empty()) {
    // Line breaks and indentation inside a value are layout, not content: one space each.
    bool plain = !IsLayoutSpace(text.front()) && !IsLayoutSpace(text.back());
    for (size_t i = 0; plain && i < text.size(); ++i) {
      const char c = text[i];
      plain = c != '\t' && c != '\r' && c != '\n' && (c != ' ' || text[i + 1] != ' ');
    }
    if (!plain) {
      collapsed_.clear();
      for (char c : text) {
        const bool space = IsLayoutSpace(c);
        if (space && (collapsed_.empty() || collapsed_.back() == ' ')) continue;
        collapsed_ += space ? ' ' : c;
      }
      text = formats_internal::TrimSpaces(collapsed_);
    }
    if (!text.empty() && statement_ != nullptr) {
      size_t i = stack_.size();
      while (i > 0 && stack_[i - 1].scope == Scope::kNone) --i;
      if (i > 0) {
        path_ = stack_.data() + i;
        path_size_ = stack_.size() - i;
        MT_RETURN_IF_ERROR(Leaf(element, stack_[i - 1].scope, text));
      }
    }
  }
  stack_.pop_back();
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

// Reads a party's name, account or agent below RltdPties / RltdAgts.
bool CamtReader::PartyField(std::string_view text, TxDetails& t) const {
  if (path_size_ < 3 || path_[0].name.substr(0, 4) != "Rltd") return false;  // most leaves: one comparison
  std::string* field = nullptr;
  if (At("RltdPties", "Dbtr", "Nm") || At("RltdPties", "Dbtr", "Pty", "Nm") || At("RltdPties", "UltmtDbtr", "Nm") ||
      At("RltdPties", "UltmtDbtr", "Pty", "Nm")) {
    field = &t.debtor;
  } else if (At("RltdPties", "DbtrAcct", "Id", "IBAN") || At("RltdPties", "DbtrAcct", "Id", "Othr", "Id")) {
    field = &t.debtor_account;
  } else if (At("RltdPties", "Cdtr", "Nm") || At("RltdPties", "Cdtr", "Pty", "Nm") ||
             At("RltdPties", "UltmtCdtr", "Nm") || At("RltdPties", "UltmtCdtr", "Pty", "Nm")) {
    field = &t.creditor;
  } else if (At("RltdPties", "CdtrAcct", "Id", "IBAN") || At("RltdPties", "CdtrAcct", "Id", "Othr", "Id")) {
    field = &t.creditor_account;
  } else if (At("RltdAgts", "DbtrAgt", "FinInstnId", "BIC") || At("RltdAgts", "DbtrAgt", "FinInstnId", "BICFI")) {
    field = &t.debtor_agent;
  } else if (At("RltdAgts", "CdtrAgt", "FinInstnId", "BIC") || At("RltdAgts", "CdtrAgt", "FinInstnId", "BICFI")) {
    field = &t.creditor_agent;
  } else {
    return false;
  }
  if (field->empty()) field->assign(text);  // the first name given wins (Dbtr before UltmtDbtr)
  return true;
}

// Bank transaction code parts, for an entry or its details.
bool CamtReader::CodeField(std::string_view text, std::string& domain, std::string& family,
                           std::string& subfamily, std::string& proprietary) const {
  if (At("BkTxCd", "Domn", "Cd")) domain = text;
  else if (At("BkTxCd", "Domn", "Fmly", "Cd")) family = text;
  else if (At("BkTxCd", "Domn", "Fmly", "SubFmlyCd")) subfamily = text;
  else if (At("BkTxCd", "Prtry", "Cd")) proprietary = text;
  else return false;
  return true;
}

Status CamtReader::Leaf(Node element, Scope scope, std::string_view text) {
  switch (scope) {
    case Scope::kStatement:
      if (At("Id")) statement_->id = text;
      else if (At("Acct", "Id", "IBAN") || At("Acct", "Id", "Othr", "Id")) statement_->account = text;
      else if (At("Acct", "Ccy")) statement_->currency = text;
      else if (At("Acct", "Svcr", "FinInstnId", "BIC") || At("Acct", "Svcr", "FinInstnId", "BICFI")) statement_->account_bank = text;
      else if (At("FrToDt", "FrDtTm")) { MT_ASSIGN_OR_RETURN(statement_->period_start, Day(text, element, "FrToDt/FrDtTm")); }
      else if (At("FrToDt", "ToDtTm")) { MT_ASSIGN_OR_RETURN(statement_->period_end, Day(text, element, "FrToDt/ToDtTm")); }
      return Status::Ok();
    case Scope::kBalance: {
      BalanceBuilder& b = *balance_;
      if (At("Tp", "CdOrPrtry", "Cd") || At("Tp", "CdOrPrtry", "Prtry")) b.type = text;
      else if (At("Amt")) {
        MT_ASSIGN_OR_RETURN(b.amount, Amount(text, element, "Bal/Amt"));
        b.currency = attr_ccy_;
      } else if (At("CdtDbtInd")) b.direction = text;
      else if (At("Dt", "Dt") || At("Dt", "DtTm")) { MT_ASSIGN_OR_RETURN(b.day, Day(text, element, "Bal/Dt")); }
      return Status::Ok();
    }
    case Scope::kEntry: {
      EntryBuilder& e = *entry_;
      if (At("Amt")) {
        MT_ASSIGN_OR_RETURN(e.amount, Amount(text, element, "Ntry/Amt"));
        e.currency = attr_ccy_;
      } else if (At("CdtDbtInd")) e.direction = text;
      else if (At("RvslInd")) e.reversal = text;
      else if (At("Sts") || At("Sts", "Cd")) e.status = text;
      else if (At("BookgDt", "Dt") || At("BookgDt", "DtTm")) { MT_ASSIGN_OR_RETURN(e.booking, Day(text, element, "Ntry/BookgDt")); }
      else if (At("ValDt", "Dt") || At("ValDt", "DtTm")) { MT_ASSIGN_OR_RETURN(e.value, Day(text, element, "Ntry/ValDt")); }
      else if (At("AcctSvcrRef")) e.reference = text;
      else if (At("NtryRef")) e.entry_reference = text;
      else if (At("AddtlNtryInf")) formats_internal::AppendWithSpace(e.additional, text);
      else CodeField(text, e.domain, e.family, e.subfamily, e.proprietary);
      return Status::Ok();
    }
    case Scope::kTransaction: {
      TxDetails& t = entry_->details.back();
      if (At("Amt") || At("AmtDtls", "TxAmt", "Amt")) {
        MT_ASSIGN_OR_RETURN(t.amount, Amount(text, element, "TxDtls/Amt"));
      } else if (At("CdtDbtInd")) t.direction = text;
      else if (At("Refs", "AcctSvcrRef")) t.reference = text;
      else if (At("Refs", "EndToEndId")) { if (text != "NOTPROVIDED") t.end_to_end = text; }
      else if (At("RmtInf", "Ustrd")) formats_internal::AppendWithSpace(t.remittance, text);
      else if (At("RmtInf", "Strd", "CdtrRefInf", "Ref")) formats_internal::AppendWithSpace(t.remittance, text);
      else if (At("AddtlTxInf")) formats_internal::AppendWithSpace(t.additional, text);
      else if (!PartyField(text, t)) CodeField(text, t.domain, t.family, t.subfamily, t.proprietary);
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
  MT_ASSIGN_OR_RETURN(doc_, formats_internal::XmlDocument::Parse(bytes_, name_, "a camt document", split_));
  for (Node top = doc_->root().first_child(); top; top = top.next_sibling()) {
    if (top.type() == pugi::node_element) MT_RETURN_IF_ERROR(Walk(top, 1));
  }
  if (next_run_ != doc_->runs()) return InvalidArgumentError(name_ + ": the split did not hold (a run not reached)");
  const bool saw_kind = !message_kind_.empty();
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
  // No SanitizeTexts: XmlDocument admitted only UTF-8 XML characters, references decode to
  // them, and the reader only joins texts and collapses ASCII white space (fuzz_camt checks
  // the promise). A finding names the file, whose name may be anything.
  for (std::string& f : out_.findings) {
    if (!formats_internal::IsValidUtf8(f)) f = formats_internal::SanitizeUtf8(f);
  }
  CheckDeclaredBalances(name_, out_);
  return std::move(out_);
}

}  // namespace

Result<ParsedStatements> ParseCamt(std::string_view bytes, const std::string& name) {
  return formats_internal::ParseCamtSplit(bytes, name, formats_internal::XmlSplit{"Ntry"});
}

}  // namespace moneytrail::formats

namespace moneytrail::formats_internal {

Result<formats::ParsedStatements> ParseCamtSplit(std::string_view bytes, const std::string& name,
                                                 const XmlSplit& split) {
  formats::CamtReader reader(bytes, name, split);
  Result<formats::ParsedStatements> result = reader.Read();
  if (!result.ok() && !split.element.empty() && bytes.size() > split.above) {
    // An error, or a split that did not hold: the whole document decides (its first error, as
    // the streaming reader reported it).
    formats::CamtReader whole(bytes, name, XmlSplit{});
    return whole.Read();
  }
  return result;
}

}  // namespace moneytrail::formats_internal
