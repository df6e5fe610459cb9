// The net worth method of proof (IRS Internal Revenue Manual 9.5.9, "Methods of Proof": the
// third indirect method beside bank deposits and expenditures, include/moneytrail/proof.h).
// The subject's net worth (assets less liabilities, at cost) is established at the end of a
// base year and of each year after it; the increase in net worth, plus what was spent that did
// not add to net worth (personal living expenses, nondeductible losses), less what came from
// nontaxable sources (gifts, inheritances, other nontaxable receipts), is corrected adjusted
// gross income; less itemized deductions and exemptions, corrected taxable income; less the
// taxable income reported, the understatement (Holland v. United States, 348 U.S. 121 (1954)).
// The facts come from an investigator's file (docs/methods-of-proof.md, "The net worth file"),
// not from the bank records: each schedule line cites the file's lines behind it.
//
// Example:
//   MT_ASSIGN_OR_RETURN(proof::NetWorthInput in, proof::ReadNetWorthFile("networth.csv"));
//   MT_ASSIGN_OR_RETURN(proof::NetWorthStatement st, proof::ComputeNetWorth(in));
//   for (const proof::NetWorthYear& y : st.years) use(y.year, y.understatement);
//   std::string csv = proof::NetWorthCsv(st);
//
// Amounts are exact integer units at one scale (the most decimals any amount of the file has);
// a sum that would overflow int64 is refused, never wrapped.
#ifndef MONEYTRAIL_NET_WORTH_H_
#define MONEYTRAIL_NET_WORTH_H_

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/status.h"

namespace moneytrail::proof {

// What a line of the net worth file states.
enum class WorthKind : uint8_t {
  kCashOnHand = 0,           // an asset: currency held at the year's end (the "cash hoard")
  kAsset = 1,                // any other asset held at the year's end, at cost
  kLoan = 2,                 // a liability: a loan owed at the year's end
  kLiability = 3,            // any other liability owed at the year's end
  kLivingExpense = 4,        // personal living expenses paid during the year
  kNondeductibleLoss = 5,    // a loss that does not reduce taxable income (added back)
  kGift = 6,                 // nontaxable receipt: gift received during the year
  kInheritance = 7,          // nontaxable receipt: inheritance received during the year
  kNontaxable = 8,           // any other nontaxable receipt during the year
  kDeduction = 9,            // itemized deductions and exemptions of the year
  kReportedTaxableIncome = 10,  // taxable income the subject reported for the year
};
// The file's spelling: "cash_on_hand", "asset", "loan", "liability", "living_expense",
// "nondeductible_loss", "gift", "inheritance", "nontaxable", "deduction",
// "reported_taxable_income".
std::string_view WorthKindName(WorthKind kind);
Result<WorthKind> ParseWorthKind(std::string_view name);

struct WorthItem {
  int year = 0;
  WorthKind kind = WorthKind::kAsset;
  std::string description;
  int64_t amount = 0;  // units at NetWorthInput::scale; never negative
  uint64_t line = 0;   // 1-based line of the file
};

struct NetWorthInput {
  std::string currency = "USD";  // a label only; the file holds one currency
  uint8_t scale = 0;
  std::vector<WorthItem> items;
  std::string source;  // the file's path, for citations
};

// Reads the CSV `year,kind,description,amount` (header required; a fifth column, ignored, may
// hold a note). InvalidArgument names the file, line, field, value and what was expected:
// a year outside 1900..2999, an unknown kind, a negative or malformed amount, more than 6
// decimals. Amounts are rescaled to the most decimals seen.
Result<NetWorthInput> ReadNetWorthFile(const std::filesystem::path& path);

// One schedule line: `sign` +1 added, -1 subtracted, 0 a total; `lines` cite the file.
struct WorthLine {
  std::string item;
  int64_t amount = 0;  // units, signed for totals (a net worth may be negative)
  int sign = 0;
  std::vector<uint64_t> lines;
};

// A point the defence is likely to raise (IRM 9.5.9.5: opening net worth, cash on hand,
// nontaxable sources, loans), what the file establishes about it, and its lines.
struct DefenceLine {
  std::string topic;   // "Cash on hand", "Nontaxable sources", "Loans", "Gifts"
  std::string finding; // a sentence: what the file shows, or that it shows nothing
  std::vector<uint64_t> lines;
};

struct NetWorthYear {
  int year = 0;
  std::vector<WorthLine> lines;  // the statement of net worth and of changes, in order
  int64_t total_assets = 0;
  int64_t total_liabilities = 0;
  int64_t net_worth = 0;
  // Not set for the base year (its changes need a year before it).
  std::optional<int64_t> increase;
  std::optional<int64_t> corrected_agi;
  std::optional<int64_t> corrected_taxable_income;
  std::optional<int64_t> reported_taxable_income;  // when the file gives it
  std::optional<int64_t> understatement;           // corrected - reported, when reported given
  std::vector<DefenceLine> defence;
};

struct NetWorthStatement {
  std::string currency;
  uint8_t scale = 0;
  std::string source;
  std::vector<NetWorthYear> years;  // ascending; the first is the base year
};

// The statement for every year of the input, the first year being the base (opening net
// worth). REQUIRES nothing: InvalidArgument when the input has fewer than two years, a gap
// between years, or a flow (expense, receipt, deduction, reported income) in the base year
// only; OutOfRange when a sum overflows int64.
Result<NetWorthStatement> ComputeNetWorth(const NetWorthInput& input);

// The statement as CSV (year,line,sign,item,amount,file_lines, then the defence lines):
// text cells neutralised against spreadsheet formulas (safe_text.h).
std::string NetWorthCsv(const NetWorthStatement& statement);
// The statement as JSON (net_worth.json of `moneytrail prove --method net-worth`).
std::string NetWorthJson(const NetWorthStatement& statement);

}  // namespace moneytrail::proof

#endif  // MONEYTRAIL_NET_WORTH_H_
