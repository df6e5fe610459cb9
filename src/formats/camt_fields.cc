// The camt reader's leaves: a leaf's text read into the field its path names (statement,
// balance, entry, transaction details, parties, bank transaction codes), and a balance's or
// entry's end checked and added to its statement. The walk that calls these is in camt.cc.
#include <cstring>
#include <string>

#include "camt_reader.h"

namespace moneytrail::formats::camt_reader {

// Reads a party's name, account or agent below RltdPties / RltdAgts.
bool CamtReader::PartyField(std::string_view text, TxDetails& t) const {
  if (path_size_ < 3 || (path_[0].tag != kRltdPties && path_[0].tag != kRltdAgts)) return false;
  std::string_view* field = nullptr;
  if (At(kRltdPties, kDbtr, kNm) || At(kRltdPties, kDbtr, kPty, kNm) || At(kRltdPties, kUltmtDbtr, kNm) ||
      At(kRltdPties, kUltmtDbtr, kPty, kNm)) {
    field = &t.debtor;
  } else if (At(kRltdPties, kDbtrAcct, kId, kIBAN) || At(kRltdPties, kDbtrAcct, kId, kOthr, kId)) {
    field = &t.debtor_account;
  } else if (At(kRltdPties, kCdtr, kNm) || At(kRltdPties, kCdtr, kPty, kNm) ||
             At(kRltdPties, kUltmtCdtr, kNm) || At(kRltdPties, kUltmtCdtr, kPty, kNm)) {
    field = &t.creditor;
  } else if (At(kRltdPties, kCdtrAcct, kId, kIBAN) || At(kRltdPties, kCdtrAcct, kId, kOthr, kId)) {
    field = &t.creditor_account;
  } else if (At(kRltdAgts, kDbtrAgt, kFinInstnId, kBIC) || At(kRltdAgts, kDbtrAgt, kFinInstnId, kBICFI)) {
    field = &t.debtor_agent;
  } else if (At(kRltdAgts, kCdtrAgt, kFinInstnId, kBIC) || At(kRltdAgts, kCdtrAgt, kFinInstnId, kBICFI)) {
    field = &t.creditor_agent;
  } else {
    return false;
  }
  if (field->empty()) *field = text;  // the first name given wins (Dbtr before UltmtDbtr)
  return true;
}

// Bank transaction code parts, for an entry or its details.
bool CamtReader::CodeField(std::string_view text, std::string_view& domain, std::string_view& family,
                           std::string_view& subfamily, std::string_view& proprietary) const {
  if (At(kBkTxCd, kDomn, kCd)) domain = text;
  else if (At(kBkTxCd, kDomn, kFmly, kCd)) family = text;
  else if (At(kBkTxCd, kDomn, kFmly, kSubFmlyCd)) subfamily = text;
  else if (At(kBkTxCd, kPrtry, kCd)) proprietary = text;
  else return false;
  return true;
}

Status CamtReader::Leaf(const Element& element, Scope scope, std::string_view text) {
  switch (scope) {
    case Scope::kStatement:
      if (At(kId)) statement_->id = text;
      else if (At(kAcct, kId, kIBAN) || At(kAcct, kId, kOthr, kId)) statement_->account = text;
      else if (At(kAcct, kCcy)) statement_->currency = text;
      else if (At(kAcct, kSvcr, kFinInstnId, kBIC) || At(kAcct, kSvcr, kFinInstnId, kBICFI)) statement_->account_bank = text;
      else if (At(kFrToDt, kFrDtTm)) { MT_ASSIGN_OR_RETURN(statement_->period_start, Day(text, element, "FrToDt/FrDtTm")); }
      else if (At(kFrToDt, kToDtTm)) { MT_ASSIGN_OR_RETURN(statement_->period_end, Day(text, element, "FrToDt/ToDtTm")); }
      return Status::Ok();
    case Scope::kBalance: {
      BalanceBuilder& b = *balance_;
      if (At(kTp, kCdOrPrtry, kCd) || At(kTp, kCdOrPrtry, kPrtry)) b.type = text;
      else if (At(kAmt)) {
        MT_ASSIGN_OR_RETURN(b.amount, Amount(text, element, "Bal/Amt"));
        b.currency = attr_ccy_;
      } else if (At(kCdtDbtInd)) b.direction = text;
      else if (At(kDt, kDt) || At(kDt, kDtTm)) { MT_ASSIGN_OR_RETURN(b.day, Day(text, element, "Bal/Dt")); }
      return Status::Ok();
    }
    case Scope::kEntry: {
      EntryBuilder& e = entry_;
      if (At(kAmt)) {
        MT_ASSIGN_OR_RETURN(e.amount, Amount(text, element, "Ntry/Amt"));
        e.currency = attr_ccy_;
      } else if (At(kCdtDbtInd)) e.direction = text;
      else if (At(kRvslInd)) e.reversal = text;
      else if (At(kSts) || At(kSts, kCd)) e.status = text;
      else if (At(kBookgDt, kDt) || At(kBookgDt, kDtTm)) { MT_ASSIGN_OR_RETURN(e.booking, Day(text, element, "Ntry/BookgDt")); }
      else if (At(kValDt, kDt) || At(kValDt, kDtTm)) { MT_ASSIGN_OR_RETURN(e.value, Day(text, element, "Ntry/ValDt")); }
      else if (At(kAcctSvcrRef)) e.reference = text;
      else if (At(kNtryRef)) e.entry_reference = text;
      else if (At(kAddtlNtryInf)) e.additional.Append(text);
      else CodeField(text, e.domain, e.family, e.subfamily, e.proprietary);
      return Status::Ok();
    }
    case Scope::kTransaction: {
      TxDetails& t = entry_.details.back();
      if (At(kAmt) || At(kAmtDtls, kTxAmt, kAmt)) {
        MT_ASSIGN_OR_RETURN(t.amount, Amount(text, element, "TxDtls/Amt"));
      } else if (At(kCdtDbtInd)) t.direction = text;
      else if (At(kRefs, kAcctSvcrRef)) t.reference = text;
      else if (At(kRefs, kEndToEndId)) { if (text != "NOTPROVIDED") t.end_to_end = text; }
      else if (At(kRmtInf, kUstrd)) t.remittance.Append(text);
      else if (At(kRmtInf, kStrd, kCdtrRefInf, kRef)) t.remittance.Append(text);
      else if (At(kAddtlTxInf)) t.additional.Append(text);
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
  // A statement nested inside this balance (Bal > BkToCstmrStmt > Stmt) ended first and took
  // the statement this balance belongs to with it (fuzz_camt's finding; the reference reader
  // dereferenced a null pointer here too).
  if (statement_ == nullptr) return Malformed(line, "Bal", "", "expected no statement (Stmt, Rpt, Ntfctn) inside a balance");
  if (b.type.empty()) return Malformed(line, "Bal/Tp/CdOrPrtry/Cd", "", "expected the balance type (OPBD, CLBD...)");
  if (!b.amount) return Malformed(line, "Bal/Amt", "", "expected the balance amount");
  if (b.direction != "CRDT" && b.direction != "DBIT") {
    return Malformed(line, "Bal/CdtDbtInd", b.direction, "expected CRDT or DBIT");
  }
  Balance balance;
  balance.type.assign(b.type);
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
  EntryBuilder& e = entry_;  // reset when the next entry starts
  in_entry_ = false;
  const uint64_t line = e.position.line;
  // As in FinishBalance: a statement nested inside this entry ended first.
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
    Entry& out = statement_->entries.emplace_back();
    out.booking_date = e.booking.value_or(e.value.value_or(0));
    out.value_date = e.value;
    Decimal magnitude = split ? *t.amount : *e.amount;
    // A reversal (RvslInd true) is booked on the opposite side of the original: its
    // CdtDbtInd already says which way the money moved, so the sign follows CdtDbtInd.
    out.amount = debit ? formats_internal::Negated(magnitude) : magnitude;
    out.reversal = e.reversal == "true" || e.reversal == "1";
    if (e.currency.empty()) {
      out.currency = statement_->currency;
    } else {
      out.currency.assign(e.currency);
    }
    // The other end: the creditor of money out, the debtor of money in.
    const std::string_view name = debit ? t.creditor : t.debtor;
    out.counterparty_name.assign(name);
    out.counterparty_account.assign(debit ? t.creditor_account : t.debtor_account);
    out.counterparty_bank.assign(debit ? t.creditor_agent : t.debtor_agent);
    std::string& text = description_;
    text.assign(t.remittance.view());
    formats_internal::AppendWithSpace(text, t.additional.view());
    if (!split) formats_internal::AppendWithSpace(text, e.additional.view());
    if (!split && e.details.size() > 1) {
      formats_internal::AppendWithSpace(text, "(batch of " + std::to_string(e.details.size()) + " transactions)");
    }
    if (!name.empty() && !Contains(text, name)) {
      const std::string_view prefix = debit ? "TO " : "FROM ";
      out.description.reserve(prefix.size() + name.size() + 1 + text.size());
      out.description.append(prefix).append(name);
      if (!text.empty()) out.description.append(" ").append(text);
    } else {
      out.description.assign(text);
    }
    out.reference.assign(!t.reference.empty() ? t.reference : !e.reference.empty() ? e.reference
                         : !t.end_to_end.empty() ? t.end_to_end : e.entry_reference);
    const bool own_code = !t.domain.empty() || !t.proprietary.empty();
    const std::string_view domain = own_code ? t.domain : e.domain;
    const std::string_view family = own_code ? t.family : e.family;
    const std::string_view subfamily = own_code ? t.subfamily : e.subfamily;
    const std::string_view proprietary = own_code ? t.proprietary : e.proprietary;
    if (!domain.empty()) {
      out.bank_code.reserve(domain.size() + family.size() + subfamily.size() + 2);
      out.bank_code.append(domain).append("/").append(family).append("/").append(subfamily);
    } else {
      out.bank_code.assign(proprietary);
    }
    out.channel = formats_internal::CamtChannel(domain, family, subfamily, proprietary);
    out.position = split ? t.position : e.position;
  }
  return Status::Ok();
}

}  // namespace moneytrail::formats::camt_reader
