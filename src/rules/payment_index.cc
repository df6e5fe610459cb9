#include "rules/payment_index.h"

#include <algorithm>
#include <utility>

namespace moneytrail::rules::rules_internal {

PaymentIndex::PaymentIndex(const StoreFacts& facts, int32_t currency, bool external_payers, bool external_payees) {
  const store::Store& s = facts.store;
  const uint8_t account = static_cast<uint8_t>(NodeKind::kAccount);
  const uint8_t external = static_cast<uint8_t>(NodeKind::kExternal);
  std::vector<std::pair<AccountId, Payment>> rows;
  if (currency != -2) {
    for (size_t t = 0; t < s.transaction_count(); ++t) {
      const AccountId a = s.source()[t], b = s.destination()[t];
      const bool payer_account = facts.account_kind[a] == account, payee_account = facts.account_kind[b] == account;
      const bool payer_ok = payer_account || (external_payers && facts.account_kind[a] == external);
      const bool payee_ok = payee_account || (external_payees && facts.account_kind[b] == external);
      if (a == b || !payer_ok || !payee_ok || !(payer_account || payee_account)) continue;
      if (currency >= 0 && s.paid_currency()[t] != currency) continue;
      rows.push_back({a, Payment{s.time()[t], static_cast<TransactionId>(t), b,
                                 ToScaled(s.amount_paid_units()[t], s.paid_scale()[t])}});
    }
  }
  std::sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) {
    if (x.first != y.first) return x.first < y.first;
    if (x.second.time != y.second.time) return x.second.time < y.second.time;
    return x.second.tx < y.second.tx;
  });
  offsets_.assign(s.account_count() + 1, 0);
  for (const auto& [from, p] : rows) ++offsets_[from + 1];
  for (size_t a = 0; a < s.account_count(); ++a) offsets_[a + 1] += offsets_[a];
  payments_.reserve(rows.size());
  for (const auto& [from, p] : rows) payments_.push_back(p);
}

}  // namespace moneytrail::rules::rules_internal
