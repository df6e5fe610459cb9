// Report views of store rows (include/moneytrail/case_report.h) and the KYC names of account
// holders. Internal to src/cases.
#ifndef MONEYTRAIL_CASES_VIEWS_H_
#define MONEYTRAIL_CASES_VIEWS_H_

#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

#include "moneytrail/case_report.h"
#include "moneytrail/status.h"
#include "moneytrail/store.h"
#include "moneytrail/trace.h"

namespace moneytrail::cases {

// Turns store rows into what the report shows.
class ViewMaker {
 public:
  explicit ViewMaker(const store::Store& store);

  report::Money Paid(TransactionId t) const;
  report::Money Units(int64_t units, uint8_t scale, uint16_t currency) const;
  report::TxView Tx(TransactionId t) const;
  report::SourceRef Source(TransactionId t) const;
  const store::Store& store() const { return store_; }

  // The place of transaction t's location ("El Paso, TX, US"); empty when it has none.
  std::string Place(TransactionId t) const;

  // What happened to traced money that left the trace at transaction t (trace exit kind
  // `kind`, by its name), in an investigator's words.
  struct ExitWords {
    std::string category;  // the totals' row: "cross-border wire to MX", "cash withdrawal"
    std::string detail;    // a schedule line: "cash withdrawal at El Paso, TX, US"
    std::string how;       // the category without its country: "cross-border wire"
    std::string who;       // the counterparty's name as recorded, else the destination label
    std::string where;     // Place(t)
  };
  ExitWords DescribeExit(TransactionId t, std::string_view kind) const;
  // The country most of the store's located transactions happen in (the bank's own): a wire
  // to another country is cross-border. Empty when no transaction has a country.
  const std::string& home_country() const { return home_country_; }

 private:
  const store::Store& store_;
  std::vector<std::string> file_names_;  // basename of each custody record's path
  // Per custody record: a PDF's pages' first emitted lines (formats::ParsePdfPagesText), else empty.
  std::vector<std::vector<uint64_t>> pdf_pages_;
  std::string home_country_;
};

// Exact per-currency sums, in currency id order.
class CurrencySums {
 public:
  Status Add(uint16_t currency, Decimal amount);
  // OutOfRange when a sum does not fit a Decimal.
  Result<std::vector<report::Money>> ToMoney(const store::Store& store) const;

 private:
  std::vector<std::pair<uint16_t, DecimalSum>> sums_;  // sorted by currency
};

// Holder names from a generator-style KYC directory: accounts.csv (bank,account,kind,
// holder_party_id,...) and parties.csv (party_id,kind,first_name,middle_name,last_name,
// business_name,...). InvalidArgument names the file and line of a malformed row.
class HolderNames {
 public:
  static Result<HolderNames> Load(const std::filesystem::path& dir);
  // "Maria L. Lopez" or "Coastal Kitchen"; empty when unknown.
  std::string NameOf(std::string_view bank, std::string_view account) const;
  // The name of every bank account's holder, by AccountId ("" where unknown).
  std::vector<std::string> ByAccount(const store::Store& store) const;

 private:
  std::unordered_map<std::string, std::string> party_name_;     // party id -> name
  std::unordered_map<std::string, std::string> account_party_;  // "bank:account" -> party id
};

// The per-currency totals of a trail, exact, as the report shows them.
std::vector<report::TraceTotalsView> TotalsView(const store::Store& store,
                                                const trace::Ledger& ledger,
                                                const trace::Trail& trail);

}  // namespace moneytrail::cases

#endif  // MONEYTRAIL_CASES_VIEWS_H_
