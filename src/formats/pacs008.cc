// ISO 20022 pacs.008 (FI to FI customer credit transfer), the interbank message of a wire: read
// as the debtor account's outgoing payments, one statement per debtor account and currency, no
// balances (a payment message declares none). Streaming libxml2 xmlTextReader with the same
// hardening as the camt reader: no network, no DTD, no entity expansion. docs/format/camt.md
// ("pacs.008 payment messages").
#include <libxml/xmlreader.h>

#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "format_util.h"
#include "xml_stream.h"
#include "moneytrail/formats.h"

namespace moneytrail::formats {
namespace {

using formats_internal::PositionError;

// One CdtTrfTxInf as read.
struct Transfer {
  std::string amount_text, currency, settlement_day, instruction_id, end_to_end, tx_id, uetr;
  std::string debtor, debtor_account, debtor_agent, creditor, creditor_account, creditor_agent;
  std::string creditor_country, remittance, purpose;
  SourcePosition position;
};

class Pacs008Reader {
 public:
  Pacs008Reader(std::string_view bytes, const std::string& name) : bytes_(bytes), name_(name) {}
  Result<ParsedStatements> Read();

 private:
  Status Malformed(uint64_t line, std::string_view field, std::string_view value,
                   std::string_view expected) const {
    return PositionError(name_, {line, 0}, field, value, expected);
  }
  void Leaf(const std::string& path, std::string_view text);
  Status Finish(const Transfer& t);

  std::string_view bytes_;
  const std::string& name_;
  ParsedStatements out_;
  std::vector<std::string> stack_;  // local names of the open elements
  size_t tx_depth_ = 0;              // stack depth of the open CdtTrfTxInf (0: none open)
  std::optional<Transfer> tx_;
  std::string text_;
  std::string group_settlement_day_;  // GrpHdr/IntrBkSttlmDt, for transfers naming none
  std::map<std::pair<std::string, std::string>, size_t> statement_of_;  // (account, currency)
  bool saw_message_ = false;
};

void Pacs008Reader::Leaf(const std::string& path, std::string_view text) {
  Transfer& t = *tx_;
  struct Field {
    const char* path;
    std::string Transfer::*field;
  };
  static constexpr Field kFields[] = {
      {"IntrBkSttlmAmt", &Transfer::amount_text},
      {"IntrBkSttlmDt", &Transfer::settlement_day},
      {"PmtId/InstrId", &Transfer::instruction_id},
      {"PmtId/EndToEndId", &Transfer::end_to_end},
      {"PmtId/TxId", &Transfer::tx_id},
      {"PmtId/UETR", &Transfer::uetr},
      {"Dbtr/Nm", &Transfer::debtor},
      {"Dbtr/Pty/Nm", &Transfer::debtor},
      {"DbtrAcct/Id/IBAN", &Transfer::debtor_account},
      {"DbtrAcct/Id/Othr/Id", &Transfer::debtor_account},
      {"DbtrAgt/FinInstnId/BICFI", &Transfer::debtor_agent},
      {"DbtrAgt/FinInstnId/BIC", &Transfer::debtor_agent},
      {"Cdtr/Nm", &Transfer::creditor},
      {"Cdtr/Pty/Nm", &Transfer::creditor},
      {"Cdtr/PstlAdr/Ctry", &Transfer::creditor_country},
      {"CdtrAcct/Id/IBAN", &Transfer::creditor_account},
      {"CdtrAcct/Id/Othr/Id", &Transfer::creditor_account},
      {"CdtrAgt/FinInstnId/BICFI", &Transfer::creditor_agent},
      {"CdtrAgt/FinInstnId/BIC", &Transfer::creditor_agent},
      {"Purp/Cd", &Transfer::purpose},
  };
  for (const Field& f : kFields) {
    if (path == f.path) {
      std::string& field = t.*f.field;
      if (field.empty()) field = std::string(formats_internal::TrimSpaces(text));
      return;
    }
  }
  if (path == "RmtInf/Ustrd" || path == "RmtInf/Strd/CdtrRefInf/Ref") {
    formats_internal::AppendWithSpace(t.remittance, formats_internal::TrimSpaces(text));
  }
}

// A BIC of 11 characters ending in "XXX" names the institution's primary office, the same as its
// 8-character form, which is the one kept (so that a statement's servicer "ABNANL2A" and a
// message's agent "ABNANL2AXXX" are one bank).
std::string PrimaryBic(const std::string& bic) {
  return bic.size() == 11 && bic.compare(8, 3, "XXX") == 0 ? bic.substr(0, 8) : bic;
}

Status Pacs008Reader::Finish(const Transfer& t) {
  const uint64_t line = t.position.line;
  if (t.amount_text.empty()) return Malformed(line, "CdtTrfTxInf/IntrBkSttlmAmt", "", "expected the settled amount");
  if (t.currency.size() != 3) return Malformed(line, "IntrBkSttlmAmt/@Ccy", t.currency, "expected an ISO 4217 currency code");
  std::optional<Decimal> amount = formats_internal::ParseUnsignedAmount(t.amount_text, '.');
  if (!amount) {
    return Malformed(line, "IntrBkSttlmAmt", t.amount_text, "expected an amount: digits[.digits], at most 18 digits");
  }
  const std::string& day_text = t.settlement_day.empty() ? group_settlement_day_ : t.settlement_day;
  std::optional<Timestamp> day = formats_internal::ParseIsoDay(day_text);
  if (!day) {
    return Malformed(line, "IntrBkSttlmDt", day_text,
                     "expected the interbank settlement date YYYY-MM-DD (of the transfer or its group header)");
  }
  if (t.debtor_account.empty()) {
    return Malformed(line, "CdtTrfTxInf/DbtrAcct", "",
                     "expected the debtor's account (IBAN or Othr/Id): a payment is read as its debtor "
                     "account's debit, and without the account it cannot be placed");
  }
  Entry e;
  e.booking_date = *day;
  e.amount = formats_internal::Negated(*amount);
  e.currency = t.currency;
  e.description = t.remittance;
  if (!t.purpose.empty()) formats_internal::AppendWithSpace(e.description, "PURP:" + t.purpose);
  if (!t.creditor_country.empty()) formats_internal::AppendWithSpace(e.description, "CTRY:" + t.creditor_country);
  e.counterparty_name = t.creditor;
  e.counterparty_account = t.creditor_account;
  e.counterparty_bank = PrimaryBic(t.creditor_agent);
  // The UETR is the payment's one identifier across every bank it passes; else the end-to-end id.
  e.reference = !t.uetr.empty() ? t.uetr : !t.end_to_end.empty() && t.end_to_end != "NOTPROVIDED" ? t.end_to_end
                                         : !t.tx_id.empty() ? t.tx_id : t.instruction_id;
  e.bank_code = "pacs.008";
  e.channel = Channel::kWire;
  e.position = t.position;
  const auto key = std::make_pair(t.debtor_account, t.currency);
  auto [it, added] = statement_of_.emplace(key, out_.statements.size());
  if (added) {
    Statement s;
    s.account = t.debtor_account;
    s.account_bank = PrimaryBic(t.debtor_agent);
    s.currency = t.currency;
    s.position = t.position;
    out_.statements.push_back(std::move(s));
  }
  out_.statements[it->second].entries.push_back(std::move(e));
  return Status::Ok();
}

Result<ParsedStatements> Pacs008Reader::Read() {
  out_.format = StatementFormat::kPacs008;
  MT_ASSIGN_OR_RETURN(formats_internal::XmlStream xml, formats_internal::XmlStream::Open(bytes_, name_));
  xmlTextReaderPtr reader = xml.reader();
  for (;;) {
    MT_ASSIGN_OR_RETURN(bool more, xml.Next("a pacs.008 message"));
    if (!more) break;
    const uint64_t node_line = xml.line();
    switch (xmlTextReaderNodeType(reader)) {
      case XML_READER_TYPE_ELEMENT: {
        const bool empty = xmlTextReaderIsEmptyElement(reader) == 1;
        const char* local = reinterpret_cast<const char*>(xmlTextReaderConstLocalName(reader));
        const std::string name = local == nullptr ? "" : local;
        if (name == "FIToFICstmrCdtTrf") saw_message_ = true;
        if (name == "CdtTrfTxInf" && saw_message_ && !tx_) {
          tx_.emplace();
          tx_->position = {node_line, 0};
          tx_depth_ = stack_.size() + 1;
        }
        if (tx_ && name == "IntrBkSttlmAmt" && stack_.size() == tx_depth_) {
          xmlChar* ccy = xmlTextReaderGetAttribute(reader, reinterpret_cast<const xmlChar*>("Ccy"));
          if (ccy != nullptr) {
            tx_->currency = reinterpret_cast<const char*>(ccy);
            xmlFree(ccy);
          }
        }
        text_.clear();
        if (!empty) stack_.push_back(name);
        break;
      }
      case XML_READER_TYPE_END_ELEMENT: {
        if (stack_.empty()) break;
        if (tx_ && stack_.size() > tx_depth_) {
          std::string path;
          for (size_t i = tx_depth_; i < stack_.size(); ++i) {
            if (!path.empty()) path += '/';
            path += stack_[i];
          }
          Leaf(path, text_);
        } else if (!tx_ && stack_.size() >= 2 && stack_.back() == "IntrBkSttlmDt" && stack_[stack_.size() - 2] == "GrpHdr") {
          group_settlement_day_ = std::string(formats_internal::TrimSpaces(text_));
        }
        if (tx_ && stack_.size() == tx_depth_) {
          MT_RETURN_IF_ERROR(Finish(*tx_));
          tx_.reset();
          tx_depth_ = 0;
        }
        stack_.pop_back();
        text_.clear();
        break;
      }
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
  if (!saw_message_) {
    return InvalidArgumentError(name_ + ": not a pacs.008 message: no FIToFICstmrCdtTrf element");
  }
  if (out_.statements.empty()) {
    return InvalidArgumentError(name_ + ": a pacs.008 message with no credit transfer (CdtTrfTxInf)");
  }
  out_.variant = "pacs.008";
  const size_t at = bytes_.find("pacs.008.001.");
  if (at != std::string_view::npos && at + 15 <= bytes_.size()) out_.variant = std::string(bytes_.substr(at, 15));
  formats_internal::SanitizeTexts(out_);
  return std::move(out_);
}

}  // namespace

Result<ParsedStatements> ParsePacs008(std::string_view bytes, const std::string& name) {
  Pacs008Reader reader(bytes, name);
  return reader.Read();
}

}  // namespace moneytrail::formats
