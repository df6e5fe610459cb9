// The bank deposits method and the source and application of funds method
// (include/moneytrail/proof.h, docs/methods-of-proof.md).
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "moneytrail/money.h"
#include "moneytrail/proof.h"
#include "moneytrail/store.h"

namespace moneytrail::proof {

std::string_view ProofMethodName(ProofMethod method) {
  return method == ProofMethod::kBankDeposits ? "bank-deposits" : "source-application";
}

Result<ProofMethod> ParseProofMethod(std::string_view name) {
  if (name == "bank-deposits") return ProofMethod::kBankDeposits;
  if (name == "source-application") return ProofMethod::kSourceApplication;
  return InvalidArgumentError(fmt::format(
      "unknown method of proof '{}': expected bank-deposits, source-application or net-worth", name));
}

namespace {

int64_t Pow10(int k) {
  int64_t p = 1;
  while (k-- > 0) p *= 10;
  return p;
}

bool ContainsLoan(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find("loan") != std::string::npos || lower.find("lending") != std::string::npos ||
         lower.find("mortgage") != std::string::npos;
}

struct Builder {
  Proof proof;
  ScheduleLine& Add(std::string item, int sign, bool review = false) {
    proof.lines.push_back({std::move(item), 0, sign, review, {}, {}});
    return proof.lines.back();
  }
  void Result(std::string item, int64_t amount) {
    proof.lines.push_back({std::move(item), amount, 0, false, {}, {}});
  }
};

}  // namespace

Result<Proof> Prove(const store::Store& s, const ProofOptions& o) {
  if (o.subject.empty()) return InvalidArgumentError("--subject: no account given");
  if (o.from > o.to) return InvalidArgumentError("--from is after --to");
  std::set<AccountId> subject(o.subject.begin(), o.subject.end());
  for (AccountId a : subject) {
    if (a >= s.account_count()) return InvalidArgumentError(fmt::format("account {} out of range", a));
  }
  auto is_subject = [&](AccountId a) { return subject.count(a) > 0; };
  const size_t n = s.transaction_count();
  auto time = s.time();
  auto src = s.source();
  auto dst = s.destination();
  // One currency, and its largest scale, over everything the subject's balances depend on.
  std::optional<uint16_t> currency;
  uint8_t scale = 0;
  auto check_currency = [&](uint16_t c, uint8_t sc, std::string_view where) -> Status {
    if (currency && *currency != c) {
      return InvalidArgumentError(fmt::format(
          "the subject's accounts move money in {} and {} ({}); the methods of proof add amounts "
          "and moneytrail never adds two currencies: prove each currency's accounts separately",
          s.currency(*currency), s.currency(c), where));
    }
    currency = c;
    scale = std::max(scale, sc);
    return Status::Ok();
  };
  for (AccountId a : subject) {
    const store::AccountAttributes& attr = s.account_attributes(a);
    if (attr.opening_balance && attr.opening_balance->units != 0) {
      MT_RETURN_IF_ERROR(check_currency(attr.balance_currency, attr.opening_balance->scale,
                                        "opening balance of " + s.AccountLabel(a)));
    }
  }
  std::vector<TransactionId> touching;
  for (TransactionId t = 0; t < n; ++t) {
    if (time[t] > o.to) continue;
    bool out = is_subject(src[t]), in = is_subject(dst[t]);
    if (!out && !in) continue;
    touching.push_back(t);
    if (out) MT_RETURN_IF_ERROR(check_currency(s.paid_currency()[t], s.paid_scale()[t], fmt::format("transaction {}", t)));
    if (in) MT_RETURN_IF_ERROR(check_currency(s.received_currency()[t], s.received_scale()[t], fmt::format("transaction {}", t)));
  }
  std::stable_sort(touching.begin(), touching.end(),
                   [&](TransactionId a, TransactionId b) { return time[a] < time[b]; });
  auto paid = [&](TransactionId t) { return s.amount_paid_units()[t] * Pow10(scale - s.paid_scale()[t]); };
  auto received = [&](TransactionId t) {
    return s.amount_received_units()[t] * Pow10(scale - s.received_scale()[t]);
  };
  int64_t start_balance = 0, end_balance = 0;
  for (AccountId a : subject) {
    const store::AccountAttributes& attr = s.account_attributes(a);
    if (attr.opening_balance) {
      start_balance += attr.opening_balance->units * Pow10(scale - attr.opening_balance->scale);
    }
  }
  Builder b;
  b.proof.method = o.method;
  b.proof.currency = currency.value_or(0);
  b.proof.scale = scale;
  std::vector<TransactionId> deposits, own_transfers, refunds, loans, redeposits, payments,
      withdrawals;
  std::multimap<int64_t, Timestamp> withdrawn;  // cash withdrawal amount -> time
  for (TransactionId t : touching) {
    const bool out = is_subject(src[t]), in = is_subject(dst[t]);
    if (time[t] < o.from) {
      if (out) start_balance -= paid(t);
      if (in) start_balance += received(t);
      continue;
    }
    const Channel channel = static_cast<Channel>(s.channel()[t]);
    if (out && in) {
      own_transfers.push_back(t);
      deposits.push_back(t);
      continue;
    }
    if (out) {
      if (channel == Channel::kCashWithdrawal || s.account(dst[t]).kind == NodeKind::kCash) {
        withdrawals.push_back(t);
        withdrawn.insert({paid(t), time[t]});
      } else {
        payments.push_back(t);
      }
      continue;
    }
    deposits.push_back(t);
    const bool cash_in = channel == Channel::kCashDeposit || s.account(src[t]).kind == NodeKind::kCash;
    if (cash_in) {
      auto [lo, hi] = withdrawn.equal_range(received(t));
      for (auto it = lo; it != hi; ++it) {
        if (it->second <= time[t] && time[t] - it->second <= o.redeposit_window) {
          redeposits.push_back(t);
          withdrawn.erase(it);
          break;
        }
      }
    } else if (s.account(src[t]).kind == NodeKind::kMerchant) {
      refunds.push_back(t);
    } else if (ContainsLoan(s.string(s.counterparty()[t]))) {
      loans.push_back(t);
    }
  }
  // Balances over the period, from the same transactions.
  end_balance = start_balance;
  for (TransactionId t : touching) {
    if (time[t] < o.from) continue;
    if (is_subject(src[t])) end_balance -= paid(t);
    if (is_subject(dst[t])) end_balance += received(t);
  }
  auto sum_received = [&](const std::vector<TransactionId>& ts) {
    int64_t v = 0;
    for (TransactionId t : ts) v += received(t);
    return v;
  };
  auto sum_paid = [&](const std::vector<TransactionId>& ts) {
    int64_t v = 0;
    for (TransactionId t : ts) v += paid(t);
    return v;
  };
  auto outside = [&](ItemKind kind, ScheduleLine& line) {
    for (const OutsideItem& item : o.outside) {
      if (item.kind != kind || item.date < o.from || item.date > o.to) continue;
      line.amount += item.amount;
      line.outside_lines.push_back(item.line);
    }
  };
  auto line_of = [&](std::string item, int sign, bool review, std::vector<TransactionId> ts,
                     int64_t amount) -> ScheduleLine& {
    ScheduleLine& l = b.Add(std::move(item), sign, review);
    l.transactions = std::move(ts);
    l.amount = amount;
    return l;
  };

  if (o.method == ProofMethod::kBankDeposits) {
    int64_t total = sum_received(deposits);
    line_of("Total deposits to the subject's accounts", 1, false, deposits, total);
    int64_t own = sum_received(own_transfers);
    line_of("Less: transfers between the subject's own accounts", -1, false, own_transfers, own);
    int64_t re = sum_received(redeposits);
    line_of("Less: possible redeposits of cash withdrawn from the subject's accounts", -1, true,
            redeposits, re);
    int64_t rf = sum_received(refunds);
    line_of("Less: refunds from merchants (non-income)", -1, true, refunds, rf);
    int64_t ln = sum_received(loans);
    line_of("Less: possible loan proceeds (non-income)", -1, true, loans, ln);
    const int64_t net = total - own - re - rf - ln;
    b.Result("Net deposits", net);
    ScheduleLine& cash = b.Add("Add: cash expenditures (from outside records)", 1);
    outside(ItemKind::kCashExpenditure, cash);
    const int64_t gross = net + cash.amount;
    b.Result("Gross receipts", gross);
    b.proof.computed = gross;
    if (o.reported_income) {
      b.Add("Less: income reported", -1).amount = *o.reported_income;
      b.proof.unexplained = gross - *o.reported_income;
      b.Result("Unreported income (gross receipts less income reported)", *b.proof.unexplained);
    }
    return std::move(b.proof);
  }

  // Source and application of funds.
  int64_t apps = 0;
  apps += line_of("Payments from the subject's accounts to others", 1, false, payments,
                  sum_paid(payments)).amount;
  // Withdrawn cash that came back as a redeposit was not spent.
  int64_t cash_out = sum_paid(withdrawals) - sum_received(redeposits);
  std::vector<TransactionId> cash_evidence = withdrawals;
  cash_evidence.insert(cash_evidence.end(), redeposits.begin(), redeposits.end());
  apps += line_of("Cash withdrawn, less possible redeposits (presumed spent)", 1, true,
                  cash_evidence, cash_out).amount;
  const int64_t change = end_balance - start_balance;
  ScheduleLine& increase = b.Add(fmt::format("Increase in bank balances ({} to {})",
                                             FormatDecimal({start_balance, scale}),
                                             FormatDecimal({end_balance, scale})), 1);
  increase.amount = std::max<int64_t>(change, 0);
  apps += increase.amount;
  for (auto [kind, item] : {std::pair{ItemKind::kCashExpenditure, "Cash expenditures (outside records)"},
                            std::pair{ItemKind::kAssetPurchase, "Asset purchases (outside records)"},
                            std::pair{ItemKind::kLoanRepayment, "Loan repayments (outside records)"},
                            std::pair{ItemKind::kCashOnHandEnd, "Cash on hand at the end"}}) {
    ScheduleLine& l = b.Add(item, 1);
    outside(kind, l);
    apps += l.amount;
  }
  b.Result("Total applications of funds", apps);
  b.proof.computed = apps;
  int64_t sources = 0;
  ScheduleLine& reported = b.Add(o.reported_income ? "Income reported" : "Income reported (none given: 0)", -1);
  reported.amount = o.reported_income.value_or(0);
  sources += reported.amount;
  ScheduleLine& decrease = b.Add("Decrease in bank balances", -1);
  decrease.amount = std::max<int64_t>(-change, 0);
  sources += decrease.amount;
  std::vector<TransactionId> non_income = refunds;
  non_income.insert(non_income.end(), loans.begin(), loans.end());
  std::sort(non_income.begin(), non_income.end());
  sources += line_of("Refunds and possible loan proceeds into the accounts", -1, true, non_income,
                     sum_received(non_income)).amount;
  for (auto [kind, item] : {std::pair{ItemKind::kNontaxableSource, "Non-taxable sources (outside records)"},
                            std::pair{ItemKind::kCashOnHandStart, "Cash on hand at the start"}}) {
    ScheduleLine& l = b.Add(item, -1);
    outside(kind, l);
    sources += l.amount;
  }
  b.Result("Total known sources of funds", sources);
  b.proof.unexplained = apps - sources;
  b.Result("Funds from unidentified sources (applications less known sources)", apps - sources);
  return std::move(b.proof);
}

}  // namespace moneytrail::proof
