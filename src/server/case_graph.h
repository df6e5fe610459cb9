// The link chart's queries on a case's store (issue #23): a node's counterparties, aggregated
// per (counterparty, direction, currency), filtered by period, direction, channel and minimum
// amount, the top N by amount with the rest summarised; the shortest path between two nodes; and
// the money-weighted (widest) path.
// Internal to src/server (the routes in api_views.cc are its only users).
//
// Example:
//   MT_ASSIGN_OR_RETURN(store::Store s, store::Store::Open(dir));
//   CaseGraph g = CaseGraph::Build(s);
//   Expansion e = g.Expand(account, {.top = 25});
//   for (const Flow& f : e.top) use(f.other, f.outgoing, f.sum.ToString(), f.evidence);
//
// Amounts are exact (DecimalSum of the amount paid, in the paid currency); ranking compares sums
// exactly (CompareSums). Thread safety: a CaseGraph is immutable after Build and borrows the
// Store, which must outlive it.
#ifndef MONEYTRAIL_SERVER_CASE_GRAPH_H_
#define MONEYTRAIL_SERVER_CASE_GRAPH_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <vector>

#include "moneytrail/money.h"
#include "moneytrail/status.h"
#include "moneytrail/store.h"
#include "moneytrail/transaction.h"

namespace moneytrail::server {

// Which transactions count. `channels` is a bit mask over Channel values (bit c: channel c).
struct FlowFilter {
  Timestamp from = std::numeric_limits<Timestamp>::min();  // inclusive
  Timestamp to = std::numeric_limits<Timestamp>::max();    // inclusive
  bool incoming = true;
  bool outgoing = true;
  uint32_t channels = (1u << kChannelCount) - 1;
  std::optional<Decimal> min_amount;  // amount paid >= this (exact)
};

struct ExpandOptions {
  FlowFilter filter;
  size_t top = 25;       // flows kept, largest sum first
  size_t evidence = 10;  // transactions cited per kept flow, largest amount first
};

// The transactions between the node and one counterparty in one direction and currency.
struct Flow {
  AccountId other = 0;
  bool outgoing = false;  // money from the node to `other`
  uint16_t currency = 0;
  DecimalSum sum;
  uint64_t transactions = 0;
  Timestamp first = 0;
  Timestamp last = 0;
  uint32_t channels = 0;  // bit mask of the channels seen
  std::vector<TransactionId> evidence;  // the largest `evidence` transactions, largest first
};

// A money-weighted path (CaseGraph::WidestPath): its nodes, `from` first, and its bottleneck.
struct MoneyPath {
  std::vector<AccountId> nodes;
  DecimalSum bottleneck;  // the smallest hop's sum: the most the path can have carried
};

struct CurrencySum {
  uint16_t currency = 0;
  DecimalSum sum;
};

struct Expansion {
  std::vector<Flow> top;  // ranked: sum descending, then other, direction, currency ascending
  // The flows past `top`, summarised.
  uint64_t rest_flows = 0;
  uint64_t rest_counterparties = 0;  // distinct counterparties among them not already in `top`
  uint64_t rest_transactions = 0;
  std::vector<CurrencySum> rest_sums;  // by currency id ascending
  uint64_t matched = 0;  // transactions that passed the filter
};

// <0, 0, >0 as a < b, a == b, a > b, exactly, whatever their scales.
int CompareSums(const DecimalSum& a, const DecimalSum& b);

class CaseGraph {
 public:
  // Indexes every transaction of `store` under its source and its destination, each list in
  // (time, id) order (two arrays of ids: 8 bytes a transaction).
  static CaseGraph Build(const store::Store& store);

  // The node's counterparties under `options`. REQUIRES: account < store.account_count().
  Expansion Expand(AccountId account, const ExpandOptions& options) const;

  // A shortest path (fewest hops, money in either direction, transactions passing `filter`)
  // from `from` to `to`, both ends included. Nodes that are not bank accounts (cash desks,
  // merchants, outside counterparties) are ends only unless `through_other_kinds`. nullopt when
  // no path of at most `max_hops` exists; ResourceExhausted when more than `budget` edges would
  // have to be examined. REQUIRES: both ids < store.account_count().
  Result<std::optional<std::vector<AccountId>>> ShortestPath(AccountId from, AccountId to,
                                                             const FlowFilter& filter, int max_hops,
                                                             bool through_other_kinds,
                                                             uint64_t budget) const;

  // The money-weighted (widest) path from `from` to `to`: money moving along every hop (hop
  // u->v weighs the exact sum of the amount paid by u to v in `currency` over the transactions
  // passing `filter`; its direction flags are ignored; self-transfers never count), at most
  // `max_hops` hops, maximising the smallest hop's sum; ties: fewest hops, then the smallest
  // sequence of account ids. Among all simple paths this is the one a brute-force enumeration
  // ranks first (tests/server/money_path_test.cc). Nodes that are not bank accounts are ends
  // only unless `through_other_kinds`. nullopt when no such path exists; ResourceExhausted when
  // more than `budget` transactions would have to be examined. REQUIRES: both ids <
  // store.account_count(), from != to.
  Result<std::optional<MoneyPath>> WidestPath(AccountId from, AccountId to, const FlowFilter& filter,
                                              uint16_t currency, int max_hops, bool through_other_kinds,
                                              uint64_t budget) const;

  // The flows between `a` and `b` (both directions) under `filter`, ranked as in Expand.
  std::vector<Flow> FlowsBetween(AccountId a, AccountId b, const FlowFilter& filter,
                                 size_t evidence) const;

  // The account's transactions (as source or destination) with from <= time <= to, each once,
  // in (time, id) order. REQUIRES: account < store.account_count().
  std::vector<TransactionId> TransactionsOf(AccountId account, Timestamp from, Timestamp to) const;

  const store::Store& store() const { return *store_; }

 private:
  explicit CaseGraph(const store::Store& store) : store_(&store) {}
  // The ids in `list` with from <= time <= to.
  std::span<const TransactionId> Window(std::span<const TransactionId> list, Timestamp from,
                                        Timestamp to) const;
  std::span<const TransactionId> Out(AccountId a) const;
  std::span<const TransactionId> In(AccountId a) const;
  bool Passes(TransactionId t, const FlowFilter& filter) const;

  const store::Store* store_;
  std::vector<uint64_t> out_offset_;  // account_count + 1
  std::vector<TransactionId> out_ids_;
  std::vector<uint64_t> in_offset_;
  std::vector<TransactionId> in_ids_;
};

}  // namespace moneytrail::server

#endif  // MONEYTRAIL_SERVER_CASE_GRAPH_H_
