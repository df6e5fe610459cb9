// Exports to the tools investigators already use (issue 21, item 7; docs/exhibits.md):
//
//   FollowTheMoney JSON lines  OCCRP Aleph / OpenAleph: a Person or Company per known holder, a
//                              LegalEntity placeholder per account whose holder is unknown (and
//                              per cash desk, merchant or outside counterparty), a BankAccount
//                              per bank account with an Ownership, a Payment per transaction
//                              (payer, payerAccount, beneficiary, beneficiaryAccount, exact
//                              amount; recordId and description name its source file, line
//                              and the file's SHA-256), and a Note per source file (its custody
//                              record) on the bank accounts its rows show (provenance).
//   i2 Analyst's Notebook      one CSV row per transaction (both ends and the link), and the
//                              import specification that maps its columns (I2ImportSpec).
//   GraphML                    Gephi, Linkurious, yEd: one node per account, one edge per
//                              transaction, amounts as exact text plus
//                              the integer units and scale.
//
// Amounts are never binary floating point: FtM's amount is the exact decimal text, GraphML
// carries the exact text and the integer units and scale (units / 10^scale).
//
// Example:
//   MT_ASSIGN_OR_RETURN(store::Store s, store::Store::Open("case.store"));
//   MT_ASSIGN_OR_RETURN(exports::Parties parties, exports::LoadParties(s, {}));
//   std::vector<TransactionId> all = exports::AllTransactions(s);
//   std::string jsonl = exports::FtmJsonLines(s, parties, all);
//
// Thread safety: the functions are pure over their arguments; a Parties is immutable.
#ifndef MONEYTRAIL_EXPORTS_H_
#define MONEYTRAIL_EXPORTS_H_

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/status.h"
#include "moneytrail/store.h"
#include "moneytrail/transaction.h"
#include "moneytrail/workbook.h"

namespace moneytrail::exports {

// Who holds each account, from KYC records (parties.csv: party_id, first_name, middle_name,
// last_name, business_name; accounts.csv: bank, account, holder_party_id).
struct Holder {
  std::string party_id;  // empty: unknown holder
  std::string name;
  bool business = false;  // business_name given: a Company, else a Person
};

struct Parties {
  std::vector<Holder> by_account;  // indexed by AccountId; Holder{} where unknown
  std::string origin;              // where they came from, in words ("" when none)
};

// The holders of `store`'s accounts from `kyc_dir` (parties.csv and accounts.csv), or, when
// `kyc_dir` is empty, from the holders attached to the store (Store::holders()); with neither,
// every holder is unknown. InvalidArgument names the file, line and column of a bad row.
Result<Parties> LoadParties(const store::Store& store, const std::filesystem::path& kyc_dir);

// Every transaction id of `store`, ascending.
std::vector<TransactionId> AllTransactions(const store::Store& store);
// The transactions into or out of any of `accounts`, ascending.
std::vector<TransactionId> TransactionsOf(const store::Store& store,
                                          std::span<const AccountId> accounts);

// An FtM entity id made from `key` (e.g. "acct-011-826A9593B"): `prefix` + "-" + key when that
// matches FtM's id rule ^[0-9a-zA-Z]([0-9a-zA-Z.-]*[0-9a-zA-Z])?$ and is at most 128 bytes;
// otherwise `prefix` + "-" + the first 40 hex digits of SHA-256(key). REQUIRES: prefix matches
// the rule.
std::string FtmId(std::string_view prefix, std::string_view key);

// FollowTheMoney entities, one JSON object per line ({"id", "schema", "properties"}, every
// property value a list of strings), for the accounts touched by `transactions` and those
// transactions, in a stable order: parties and placeholders, bank accounts, ownerships, then
// the payments, then a Note per source file. Deterministic.
std::string FtmJsonLines(const store::Store& store, const Parties& parties,
                         std::span<const TransactionId> transactions);

// i2 Analyst's Notebook import CSV (header line first): one row per transaction with the
// payer's and payee's identity, type and label, the link's date, time, channel, exact amount,
// currency and source file and line. Text cells are neutralised against formulas.
std::string I2Csv(const store::Store& store, const Parties& parties,
                  std::span<const TransactionId> transactions);
// The import specification for I2Csv's columns (an XML mapping of columns to entity and link
// types and attributes, with the column list in words). `csv_name` is the CSV's file name.
std::string I2ImportSpec(std::string_view csv_name);

// GraphML (http://graphml.graphdrawing.org/xmlns): keys declared first, one node per account
// touched by `transactions` (label, kind, bank, number, holder), one directed edge per
// transaction (id, time, channel, amount text, units, scale, currency, source file and line).
// Written with libxml2's text writer (escaping and UTF-8 checks are its). Internal on a libxml2
// failure.
Result<std::string> GraphMl(const store::Store& store, const Parties& parties,
                            std::span<const TransactionId> transactions);

// The case workbook: one sheet per CSV file of `case_dir` (subjects.csv, each trail's
// schedule.csv and whatever schedules the case holds), found recursively and sorted by relative
// path, each named after its path ("trails-01-E3727-schedule"). NotFound when the case holds no
// CSV; InvalidArgument names a malformed file and line.
Result<std::vector<Sheet>> CaseSheets(const std::filesystem::path& case_dir);

// `transactions` as one sheet: time, transaction, from and to accounts with their holders,
// channel, exact amount, currency, counterparty name, source file and line.
Sheet TransactionsSheet(const store::Store& store, const Parties& parties,
                        std::span<const TransactionId> transactions);

}  // namespace moneytrail::exports

#endif  // MONEYTRAIL_EXPORTS_H_
