// Test helpers for tracing: a small book of transactions built by hand, turned into a Ledger.
#ifndef MONEYTRAIL_TESTS_TRACE_TRACE_TEST_UTIL_H_
#define MONEYTRAIL_TESTS_TRACE_TRACE_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "moneytrail/trace.h"

namespace moneytrail::trace::test {

struct BookTransaction {
  Timestamp time = 0;
  AccountId source = 0;
  AccountId destination = 0;
  int64_t amount = 0;
  uint16_t currency = 0;
  int64_t received = -1;  // -1: = amount
  uint16_t received_currency = 0xFFFF;  // 0xFFFF: = currency
};

// Owns the columns a Ledger borrows. Add accounts first, then transactions; then ledger().
class Book {
 public:
  AccountId Account(int64_t opening = 0, uint16_t currency = 0) {
    return Node(NodeKind::kAccount, opening, currency);
  }
  AccountId Node(NodeKind kind, int64_t opening = 0, uint16_t currency = 0) {
    kind_.push_back(kind);
    opening_.push_back(opening);
    opening_currency_.push_back(currency);
    return static_cast<AccountId>(kind_.size() - 1);
  }
  TransactionId Pay(Timestamp time, AccountId from, AccountId to, int64_t amount,
                    uint16_t currency = 0) {
    return Add({time, from, to, amount, currency});
  }
  TransactionId Add(const BookTransaction& tx) {
    time_.push_back(tx.time);
    source_.push_back(tx.source);
    destination_.push_back(tx.destination);
    paid_.push_back(tx.amount);
    paid_currency_.push_back(tx.currency);
    received_.push_back(tx.received < 0 ? tx.amount : tx.received);
    received_currency_.push_back(tx.received_currency == 0xFFFF ? tx.currency : tx.received_currency);
    return static_cast<TransactionId>(time_.size() - 1);
  }
  // REQUIRES: the Book outlives the Ledger and is not changed after this call.
  Ledger MakeLedger() const {
    LedgerColumns c;
    c.time = time_;
    c.source = source_;
    c.destination = destination_;
    c.amount_paid = paid_;
    c.paid_currency = paid_currency_;
    c.amount_received = received_;
    c.received_currency = received_currency_;
    c.kind = kind_;
    c.opening_balance = opening_;
    c.opening_currency = opening_currency_;
    Result<Ledger> ledger = Ledger::FromColumns(c, static_cast<uint32_t>(kind_.size()));
    EXPECT_TRUE(ledger.ok()) << ledger.status().ToString();
    return std::move(ledger).value();
  }
  size_t size() const { return time_.size(); }
  const BookTransaction Get(size_t t) const {
    return {time_[t], source_[t], destination_[t], paid_[t], paid_currency_[t], received_[t],
            received_currency_[t]};
  }
  NodeKind kind(AccountId a) const { return kind_[a]; }
  int64_t opening(AccountId a) const { return opening_[a]; }
  uint32_t account_count() const { return static_cast<uint32_t>(kind_.size()); }

 private:
  std::vector<NodeKind> kind_;
  std::vector<int64_t> opening_;
  std::vector<uint16_t> opening_currency_;
  std::vector<Timestamp> time_;
  std::vector<AccountId> source_, destination_;
  std::vector<int64_t> paid_, received_;
  std::vector<uint16_t> paid_currency_, received_currency_;
};

// Traced units carried by each transaction (summing the flows of a transaction).
inline std::map<TransactionId, int64_t> AttributedByTransaction(const Trail& trail) {
  std::map<TransactionId, int64_t> out;
  for (const Flow& f : trail.flows) out[f.transaction] += f.attributed;
  return out;
}

// Traced units left per account (single-currency books).
inline std::map<AccountId, int64_t> RemainingByAccount(const Trail& trail) {
  std::map<AccountId, int64_t> out;
  for (const Holding& h : trail.holdings) out[h.account] += h.amount;
  return out;
}

inline Trail RunTrace(const Ledger& ledger, TraceOptions options) {
  Result<Trail> trail = Trace(ledger, options);
  EXPECT_TRUE(trail.ok()) << trail.status().ToString();
  return trail.ok() ? std::move(trail).value() : Trail{};
}

}  // namespace moneytrail::trace::test

#endif  // MONEYTRAIL_TESTS_TRACE_TRACE_TEST_UTIL_H_
