// Bank statement formats (issue #24): ISO 20022 camt.052/053/054, SWIFT MT940/MT942, BAI2 and
// OFX read into one plain value, ParsedStatements. Each reader is a pure function from the
// file's bytes to that value: no I/O, no global state, thread-safe. Amounts are exact Decimals
// taken from the text (never through floating point); every entry and balance cites its place
// in the file (line and column; for XML the element's line). A file that cannot be read is an
// InvalidArgument naming the file, the position, the field, the value and what was expected.
//
// The ingest (`moneytrail ingest STORE FILE --format camt|mt940|bai2|ofx|auto`) turns each
// statement into the same statement rows as a mapped CSV statement (src/io/statement_formats.cc)
// so the balance, continuity, overlap and mirror checks, the description grammar and custody
// apply unchanged. Formats and their channel maps: docs/format/{camt,mt940,bai2,ofx}.md.
//
// Example:
//   MT_ASSIGN_OR_RETURN(std::string bytes, ReadFileToString("stmt.xml"));
//   MT_ASSIGN_OR_RETURN(formats::ParsedStatements p,
//                       formats::ParseStatements(bytes, "stmt.xml", formats::SniffFormat(bytes)));
//   for (const formats::Statement& s : p.statements)
//     for (const formats::Entry& e : s.entries) Print(e.booking_date, FormatDecimal(e.amount));
#ifndef MONEYTRAIL_FORMATS_H_
#define MONEYTRAIL_FORMATS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/money.h"
#include "moneytrail/status.h"
#include "moneytrail/transaction.h"

namespace moneytrail::formats {

enum class StatementFormat : uint8_t { kUnknown, kCamt, kMt940, kBai2, kOfx, kPacs008 };

// "camt", "mt940", "bai2", "ofx", "pacs008" ("unknown").
std::string_view FormatName(StatementFormat f);
// By name as in --format; kUnknown for any other text.
StatementFormat FormatByName(std::string_view name);

// Where something is in the source file: 1-based line and column (column 0: the element or
// record as a whole, e.g. an XML element's start line).
struct SourcePosition {
  uint64_t line = 0;
  uint32_t column = 0;
};

// A declared balance. `amount` is signed: negative for a debit (overdrawn) balance.
struct Balance {
  std::string type;   // as the format names it: "OPBD", "CLBD", "ITBD", "PRCD", "60F", "62M", "010"...
  Decimal amount;
  Timestamp day = 0;  // midnight UTC of the balance's date (0 when the format gives none)
  SourcePosition position;
};

// One booked entry (a camt TxDtls, an MT940 :61:/:86: pair, a BAI2 16 record, an OFX STMTTRN).
struct Entry {
  Timestamp booking_date = 0;               // midnight UTC
  std::optional<Timestamp> value_date;      // midnight UTC
  Decimal amount;                           // signed: negative = money out of the account
  bool reversal = false;                    // camt RvslInd, MT940 RC/RD
  std::string currency;                     // ISO 4217; the statement's when the entry names none
  std::string description;                  // remittance information / :86: text / 88 text / NAME+MEMO
  std::string counterparty_name;
  std::string counterparty_account;
  std::string counterparty_bank;            // BIC or bank code
  std::string reference;                    // the bank's reference (AcctSvcrRef, :61: bank ref, FITID...)
  std::string bank_code;                    // the bank transaction code as written (PMNT/RCDT/ESCT, NTRF, 195...)
  Channel channel = Channel::kUnknown;      // from bank_code (docs/format/*.md)
  SourcePosition position;
};

// One account's statement (camt Stmt/Rpt/Ntfctn, one MT940 message, one BAI2 03..49 account,
// one OFX STMTRS/CCSTMTRS).
struct Statement {
  std::string id;               // camt Stmt/Id, MT940 :20:, OFX/BAI2: "" or the account
  std::string account;          // IBAN or other account id, MT940 :25:, BAI2 03 account, OFX ACCTID
  std::string account_bank;     // BIC / bank id where given
  std::string currency;         // of the account
  std::optional<Balance> opening, closing;   // OPBD/60F/010/-, CLBD/62F/015/LEDGERBAL
  std::vector<Balance> other_balances;       // ITBD, PRCD, 60M, 62M, 64, 65, ...
  std::optional<Timestamp> period_start, period_end;  // midnight UTC, when declared
  std::vector<Entry> entries;
  SourcePosition position;
};

struct ParsedStatements {
  StatementFormat format = StatementFormat::kUnknown;
  std::string variant;          // "camt.053.001.02", "MT940", "MT942", "BAI2", "OFX 1.02"...
  std::vector<Statement> statements;
  // Declared totals that disagree with the entries (BAI2 control totals, a closing balance
  // that is not opening + entries): findings, never silence. One line each, naming the place.
  std::vector<std::string> findings;
};

// Guesses the format from the first bytes: an ISO 20022 camt document, MT940/942 tags, a BAI2
// "01," header, an OFX header or <OFX>. kUnknown when none fits.
StatementFormat SniffFormat(std::string_view bytes);

// The readers. `name` is the file's name, for messages. Errors: InvalidArgument naming the
// file, the position, the field, the value and what was expected. Each statement's closing
// balance is compared with opening + entries and a disagreement is added to findings.
Result<ParsedStatements> ParseCamt(std::string_view bytes, const std::string& name);
Result<ParsedStatements> ParseMt940(std::string_view bytes, const std::string& name);
Result<ParsedStatements> ParseBai2(std::string_view bytes, const std::string& name);
Result<ParsedStatements> ParseOfx(std::string_view bytes, const std::string& name);
// A pacs.008 payment message (FIToFICstmrCdtTrf): each credit transfer becomes a debit entry
// (channel wire, bank_code "pacs.008") on a statement of its debtor account and currency, with
// the creditor, the creditor's account and agent as counterparty and the UETR (else the
// end-to-end id) as reference; no balances (the message declares none).
Result<ParsedStatements> ParsePacs008(std::string_view bytes, const std::string& name);
// Dispatches on `format`; kUnknown is an InvalidArgument saying what the sniffer looked for.
Result<ParsedStatements> ParseStatements(std::string_view bytes, const std::string& name,
                                         StatementFormat format);

// Appends to `p.findings` one line per statement whose opening balance plus its entries is not
// its closing balance (both declared). Exact (DecimalSum). Called by every reader.
void CheckDeclaredBalances(const std::string& name, ParsedStatements& p);

}  // namespace moneytrail::formats

#endif  // MONEYTRAIL_FORMATS_H_
