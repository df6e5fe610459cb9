// Internal: the payments between two distinct bank accounts of a store in one currency (and, on
// request, those of named outside payers to accounts and of accounts to named outside payees), grouped
// by payer and in (time, id) order within a payer: the graph the path-shaped built-in kinds
// (round_trip, scatter_gather) search. Built once per rule run; read-only afterwards.
//
// Example:
//   PaymentIndex index(facts, currency);
//   for (const Payment& p : index.Of(payer)) { /* p.to, p.time, p.amount */ }
#ifndef MONEYTRAIL_SRC_RULES_PAYMENT_INDEX_H_
#define MONEYTRAIL_SRC_RULES_PAYMENT_INDEX_H_

#include <cstddef>
#include <span>
#include <vector>

#include "rules/compiled.h"
#include "rules/runtime.h"

namespace moneytrail::rules::rules_internal {

struct Payment {
  Timestamp time;
  TransactionId tx;
  AccountId to;
  Int128 amount;  // scaled (ToScaled)
};

class PaymentIndex {
 public:
  // The payments of `facts.store` between distinct accounts of kind account, in the currency
  // with id `currency` (-1: any currency; -2: none, the index is empty). With `external_payers`,
  // also the payments of outside counterparties (kind external: a payer a statement names whose
  // account is not in the records) to accounts; with `external_payees`, also the payments of
  // accounts to outside counterparties (a payee named the same way). Never a payment between two
  // outside counterparties, nor one with a cash or merchant end.
  PaymentIndex(const StoreFacts& facts, int32_t currency, bool external_payers = false,
               bool external_payees = false);

  // The payments of payer `a`, in (time, id) order.
  std::span<const Payment> Of(AccountId a) const {
    return {payments_.data() + offsets_[a], offsets_[a + 1] - offsets_[a]};
  }
  // Every payment, payer after payer; Of(a) is all()[Begin(a), End(a)).
  const std::vector<Payment>& all() const { return payments_; }
  size_t Begin(AccountId a) const { return offsets_[a]; }
  size_t End(AccountId a) const { return offsets_[a + 1]; }

 private:
  std::vector<size_t> offsets_;
  std::vector<Payment> payments_;
};

}  // namespace moneytrail::rules::rules_internal

#endif  // MONEYTRAIL_SRC_RULES_PAYMENT_INDEX_H_
