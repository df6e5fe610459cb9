// The indirect methods of proof that tax and financial investigators use to show unreported
// income from bank records (IRS Internal Revenue Manual 9.5.9, "Methods of Proof"): the bank
// deposits method and the source and application of funds (expenditures) method.
// docs/methods-of-proof.md describes both and every line of their schedules.
//
// Example:
//   proof::ProofOptions o;
//   o.subject = {account};
//   o.from = from; o.to = to;
//   o.method = proof::ProofMethod::kBankDeposits;
//   MT_ASSIGN_OR_RETURN(proof::Proof p, proof::Prove(store, o));
//   for (const proof::ScheduleLine& line : p.lines) use(line.item, line.amount, line.transactions);
//
// Amounts are exact integer units of the subject's one currency (a subject whose accounts move
// money in two currencies is refused: the methods add amounts, and moneytrail never adds two
// currencies without a rate table).
#ifndef MONEYTRAIL_PROOF_H_
#define MONEYTRAIL_PROOF_H_

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "moneytrail/status.h"
#include "moneytrail/transaction.h"

namespace moneytrail::store {
class Store;
}

namespace moneytrail::proof {

enum class ProofMethod : uint8_t { kBankDeposits = 0, kSourceApplication = 1 };
// "bank-deposits", "source-application".
std::string_view ProofMethodName(ProofMethod method);
Result<ProofMethod> ParseProofMethod(std::string_view name);

// A fact from outside the bank records (--assets FILE, CSV `kind,date,amount,description`).
enum class ItemKind : uint8_t {
  kCashExpenditure = 0,   // paid in cash (both methods: an application / added to receipts)
  kAssetPurchase = 1,     // an asset bought with funds not seen in the accounts (application)
  kLoanRepayment = 2,     // principal repaid outside the accounts (application)
  kNontaxableSource = 3,  // loan proceeds, gift, inheritance received outside (known source)
  kCashOnHandStart = 4,   // cash on hand at the start of the period (known source)
  kCashOnHandEnd = 5,     // cash on hand at the end (application)
};
struct OutsideItem {
  ItemKind kind = ItemKind::kCashExpenditure;
  Timestamp date = 0;
  int64_t amount = 0;  // units at the subject currency's scale
  std::string description;
  uint64_t line = 0;   // line of the assets file
};
// Reads the assets CSV; amounts are rescaled to `scale` digits. InvalidArgument names the line.
Result<std::vector<OutsideItem>> ReadOutsideItems(const std::filesystem::path& path, int scale);

struct ProofOptions {
  std::vector<AccountId> subject;      // the subject's accounts
  Timestamp from = 0;                  // inclusive
  Timestamp to = 0;                    // inclusive
  ProofMethod method = ProofMethod::kBankDeposits;
  std::optional<int64_t> reported_income;  // units
  std::vector<OutsideItem> outside;
  // A cash deposit equal to an earlier cash withdrawal from the subject's accounts within this
  // many seconds is listed as a possible redeposit.
  Timestamp redeposit_window = 30 * 86400;
};

// One line of a schedule; `transactions` are its evidence (empty for computed lines).
struct ScheduleLine {
  std::string item;
  int64_t amount = 0;   // units; a deduction is shown as a positive amount with sign -1
  int sign = 1;         // +1 added, -1 subtracted, 0 a result line
  bool review = false;  // detected automatically: for an investigator to confirm
  std::vector<TransactionId> transactions;
  std::vector<uint64_t> outside_lines;  // lines of the assets file
};

struct Proof {
  ProofMethod method = ProofMethod::kBankDeposits;
  uint16_t currency = 0;
  uint8_t scale = 0;
  std::vector<ScheduleLine> lines;
  // Bank deposits: gross receipts; source and application: total applications.
  int64_t computed = 0;
  // Bank deposits: gross receipts - reported income; source and application: funds from
  // unidentified sources (applications - known sources). nullopt without reported income.
  std::optional<int64_t> unexplained;
};

// InvalidArgument for an empty subject, from > to, or accounts in two currencies.
Result<Proof> Prove(const store::Store& store, const ProofOptions& options);

// proof.json and the schedule CSV (a line per schedule line, then a line per evidence
// transaction with its source file and line).
std::string ProofJson(const Proof& proof, const store::Store& store, const ProofOptions& options);
std::string ProofScheduleCsv(const Proof& proof, const store::Store& store);

}  // namespace moneytrail::proof

#endif  // MONEYTRAIL_PROOF_H_
