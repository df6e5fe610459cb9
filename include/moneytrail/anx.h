// i2 Analyst's Notebook Exchange (.anx; docs/exhibits.md, "i2 Analyst's Notebook"): the chart as
// i2's XML, which Analyst's Notebook opens without an import specification.
//
// Example:
//   MT_ASSIGN_OR_RETURN(exports::Parties parties, exports::LoadParties(store, {}));
//   MT_ASSIGN_OR_RETURN(std::string anx, exports::AnalystsNotebookExchange(
//                                            store, parties, exports::AllTransactions(store)));
#ifndef MONEYTRAIL_ANX_H_
#define MONEYTRAIL_ANX_H_

#include <span>
#include <string>

#include "moneytrail/exports.h"
#include "moneytrail/status.h"
#include "moneytrail/store.h"

namespace moneytrail::exports {

// One entity per account touched by `transactions` (EntityId "n<account id>", identity the
// account label, type Account, Cash, Merchant or Outside party; attributes Holder, Bank, Account
// number, Kind) and one link per transaction from payer to payee (type Transaction,
// multiplicity multiple, UTC date and time; attributes Channel, Amount as exact decimal text,
// Currency, Transaction, Source file, Source line). Elements in the order of i2's schema
// (tests/exports/anx.rng). Written with libxml2's text writer; Internal on a libxml2 failure.
// Deterministic. `store` and `parties` are only read during the call.
Result<std::string> AnalystsNotebookExchange(const store::Store& store, const Parties& parties,
                                             std::span<const TransactionId> transactions);

}  // namespace moneytrail::exports

#endif  // MONEYTRAIL_ANX_H_
