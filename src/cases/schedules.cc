// The forensic schedules of a top subject and the case timeline (schedules.h).
#include "schedules.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string_view>
#include <tuple>
#include <utility>

#include <fmt/format.h>

#include "moneytrail/money.h"
#include "moneytrail/proof.h"
#include "moneytrail/safe_text.h"
#include "moneytrail/time_format.h"

namespace moneytrail::cases {
namespace {

constexpr size_t kCounterpartiesShown = 25;
constexpr size_t kRowsShown = 60;

// One schedule under construction: the page's cells, the CSV's cells, each row's evidence.
struct Builder {
  Schedule out;
  std::vector<std::vector<std::string>> csv_rows;
  std::vector<std::vector<TransactionId>> row_tx;

  Builder(std::string title, std::string csv, std::vector<std::string> columns,
          std::vector<bool> numeric) {
    out.view.title = std::move(title);
    out.view.csv = std::move(csv);
    out.view.columns = std::move(columns);
    out.view.numeric = std::move(numeric);
  }
  void Row(std::vector<std::string> shown, std::vector<std::string> csv, std::vector<TransactionId> txs) {
    out.view.rows.push_back(std::move(shown));
    csv_rows.push_back(std::move(csv));
    row_tx.push_back(std::move(txs));
  }
  // The CSV: a header and a row per schedule row (numeric cells as they are, text cells
  // neutralised), then per row its transactions with their source file and line.
  Schedule Finish(const store::Store& s, size_t shown_max) {
    std::string& csv = out.csv;
    for (size_t c = 0; c < out.view.columns.size(); ++c) {
      if (c) csv += ',';
      AppendSpreadsheetCsvField(out.view.columns[c], csv);
    }
    csv += ",transactions\n";
    for (size_t r = 0; r < csv_rows.size(); ++r) {
      for (size_t c = 0; c < csv_rows[r].size(); ++c) {
        if (c) csv += ',';
        if (out.view.numeric[c]) {
          csv += csv_rows[r][c];
        } else {
          AppendSpreadsheetCsvField(csv_rows[r][c], csv);
        }
      }
      csv += fmt::format(",{}\n", row_tx[r].size());
    }
    csv += "\nrow,transaction,time,source_file,source_line\n";
    for (size_t r = 0; r < row_tx.size(); ++r) {
      for (TransactionId t : row_tx[r]) {
        csv += fmt::format("{},{},{},", r + 1, t, FormatIsoTime(s.time()[t]));
        AppendSpreadsheetCsvField(s.sources()[s.source_file()[t]].path, csv);
        csv += fmt::format(",{}\n", s.source_line()[t]);
      }
    }
    out.view.rows_total = out.view.rows.size();
    if (out.view.rows.size() > shown_max) out.view.rows.resize(shown_max);
    return std::move(out);
  }
};

std::string Count(uint64_t n) { return FormatDecimalGrouped(Decimal{static_cast<int64_t>(n), 0}); }

std::string Shown(const DecimalSum& sum, std::string_view currency) {
  Result<Decimal> d = sum.value();
  return d.ok() ? FormatDecimalGrouped(*d) + " " + std::string(currency) : sum.ToString();
}
std::string Plain(const DecimalSum& sum) {
  Result<Decimal> d = sum.value();
  return d.ok() ? FormatDecimal(*d) : sum.ToString();
}

bool IsCashIn(Channel c) { return c == Channel::kCashDeposit || c == Channel::kCash; }
bool IsCashOut(Channel c) { return c == Channel::kCashWithdrawal || c == Channel::kCash; }

int MonthIndex(Timestamp t) {
  const std::string iso = FormatIsoTime(t);  // "2025-09-01T..."
  return std::stoi(iso.substr(0, 4)) * 12 + std::stoi(iso.substr(5, 2)) - 1;
}
std::string MonthName(int index) { return fmt::format("{:04}-{:02}", index / 12, index % 12 + 1); }

struct Month {
  DecimalSum credits, debits, cash_in, cash_out;
  std::vector<TransactionId> txs;
};

Status MonthlySummary(const store::Store& s, std::span<const AccountId> accounts,
                      std::span<const TransactionId> txs, const std::string& prefix,
                      std::vector<Schedule>& out) {
  Builder b("Monthly summary per account", prefix + "monthly.csv",
            {"Account", "Month", "Opening balance", "Credits", "Debits", "Cash in", "Cash out",
             "Closing balance"},
            {false, false, true, true, true, true, true, true});
  for (AccountId a : accounts) {
    std::map<uint16_t, std::map<int, Month>> by_currency;
    for (TransactionId t : txs) {
      const Channel ch = static_cast<Channel>(s.channel()[t]);
      if (s.destination()[t] == a) {
        Month& m = by_currency[s.received_currency()[t]][MonthIndex(s.time()[t])];
        MT_RETURN_IF_ERROR(m.credits.Add(s.amount_received(t)));
        if (IsCashIn(ch)) MT_RETURN_IF_ERROR(m.cash_in.Add(s.amount_received(t)));
        m.txs.push_back(t);
      }
      if (s.source()[t] == a) {
        Month& m = by_currency[s.paid_currency()[t]][MonthIndex(s.time()[t])];
        MT_RETURN_IF_ERROR(m.debits.Add(s.amount_paid(t)));
        if (IsCashOut(ch)) MT_RETURN_IF_ERROR(m.cash_out.Add(s.amount_paid(t)));
        if (m.txs.empty() || m.txs.back() != t) m.txs.push_back(t);
      }
    }
    const store::AccountAttributes& attr = s.account_attributes(a);
    for (auto& [currency, months] : by_currency) {
      const std::string_view code = s.currency(currency);
      DecimalSum balance;
      if (attr.opening_balance && attr.balance_currency == currency) {
        MT_RETURN_IF_ERROR(balance.Add(*attr.opening_balance));
      }
      const int first = months.begin()->first, last = months.rbegin()->first;
      for (int k = first; k <= last; ++k) {
        auto it = months.find(k);
        static const Month kEmpty;
        const Month& m = it == months.end() ? kEmpty : it->second;
        const DecimalSum opening = balance;
        MT_ASSIGN_OR_RETURN(Decimal credits, m.credits.value());
        MT_ASSIGN_OR_RETURN(Decimal debits, m.debits.value());
        MT_RETURN_IF_ERROR(balance.Add(credits));
        MT_RETURN_IF_ERROR(balance.Subtract(debits));
        const std::string label = s.AccountLabel(a);
        b.Row({label, MonthName(k), Shown(opening, code), Shown(m.credits, code),
               Shown(m.debits, code), Shown(m.cash_in, code), Shown(m.cash_out, code),
               Shown(balance, code)},
              {label, MonthName(k), Plain(opening), Plain(m.credits), Plain(m.debits),
               Plain(m.cash_in), Plain(m.cash_out), Plain(balance)},
              m.txs);
      }
    }
  }
  b.out.view.note =
      "Opening balance: the balance the records give for the account (0 when they give none) "
      "plus every earlier transaction; credits and debits include transfers between the "
      "subject's own accounts; cash is cash deposits and withdrawals.";
  out.push_back(b.Finish(s, kRowsShown));
  return Status::Ok();
}

Status Counterparties(const ViewMaker& views, std::span<const uint32_t> subject_of, uint32_t sub,
                      std::span<const TransactionId> txs, std::span<const std::string> holder_names,
                      const std::string& prefix, std::vector<Schedule>& out) {
  const store::Store& s = views.store();
  struct Party {
    std::string name, country;
    DecimalSum in, out;
    uint64_t n_in = 0, n_out = 0;
    std::vector<TransactionId> txs;
  };
  std::map<std::pair<AccountId, uint16_t>, Party> parties;
  for (TransactionId t : txs) {
    const bool in = subject_of[s.destination()[t]] == sub;
    const bool outgoing = subject_of[s.source()[t]] == sub;
    if (in == outgoing) continue;  // between the subject's own accounts
    const AccountId other = in ? s.source()[t] : s.destination()[t];
    if (s.account_kinds()[other] == NodeKind::kCash) continue;  // cash: the branch schedule
    const uint16_t currency = in ? s.received_currency()[t] : s.paid_currency()[t];
    Party& p = parties[{other, currency}];
    if (p.name.empty() && other < holder_names.size()) p.name = holder_names[other];
    if (p.name.empty() && s.counterparty()[t] != store::kNoString) {
      p.name = std::string(s.string(s.counterparty()[t]));
    }
    if (p.country.empty() && s.location()[t] != store::kNoLocation) {
      p.country = std::string(s.string(s.location_entry(s.location()[t]).country));
    }
    if (in) {
      MT_RETURN_IF_ERROR(p.in.Add(s.amount_received(t)));
      ++p.n_in;
    } else {
      MT_RETURN_IF_ERROR(p.out.Add(s.amount_paid(t)));
      ++p.n_out;
    }
    p.txs.push_back(t);
  }
  std::vector<std::pair<std::pair<AccountId, uint16_t>, Party*>> order;
  for (auto& [key, p] : parties) order.emplace_back(key, &p);
  // Largest first (the order only: every figure shown is exact), then by account id.
  auto size = [](const Party& p) {
    return std::abs(static_cast<double>(p.in.raw_units()) / std::pow(10.0, p.in.scale())) +
           std::abs(static_cast<double>(p.out.raw_units()) / std::pow(10.0, p.out.scale()));
  };
  std::stable_sort(order.begin(), order.end(),
                   [&](const auto& x, const auto& y) { return size(*x.second) > size(*y.second); });
  Builder b("Counterparties", prefix + "counterparties.csv",
            {"Counterparty", "Name", "Bank", "Country", "Received from", "Payments in", "Paid to",
             "Payments out"},
            {false, false, false, false, true, true, true, true});
  for (const auto& [key, p] : order) {
    const std::string_view code = s.currency(key.second);
    const std::string label = s.AccountLabel(key.first);
    const std::string& bank = s.account(key.first).bank;
    b.Row({label, p->name, bank, p->country, Shown(p->in, code), Count(p->n_in),
           Shown(p->out, code), Count(p->n_out)},
          {label, p->name, bank, p->country, Plain(p->in), std::to_string(p->n_in),
           Plain(p->out), std::to_string(p->n_out)},
          p->txs);
  }
  b.out.view.note = "Every account, merchant or outside party that paid the subject or was paid "
                    "by it (cash desks are in the cash schedule), largest total first; the name "
                    "is the holder's, else the name the records give; the country is the "
                    "transactions' location.";
  out.push_back(b.Finish(s, kCounterpartiesShown));
  return Status::Ok();
}

Status CashByBranch(const store::Store& s, std::span<const uint32_t> subject_of, uint32_t sub,
                    std::span<const TransactionId> txs, const std::string& prefix,
                    std::vector<Schedule>& out) {
  struct Branch {
    DecimalSum deposits, withdrawals;
    uint64_t n_dep = 0, n_wd = 0;
    std::vector<TransactionId> txs;
  };
  // (state, city, branch, currency)
  std::map<std::tuple<std::string, std::string, std::string, uint16_t>, Branch> branches;
  for (TransactionId t : txs) {
    const bool in = subject_of[s.destination()[t]] == sub;
    const AccountId other = in ? s.source()[t] : s.destination()[t];
    if (s.account_kinds()[other] != NodeKind::kCash) continue;
    std::string city, state;
    if (s.location()[t] != store::kNoLocation) {
      const store::Location& l = s.location_entry(s.location()[t]);
      city = std::string(s.string(l.city));
      state = std::string(s.string(l.region));
    }
    const uint16_t currency = in ? s.received_currency()[t] : s.paid_currency()[t];
    Branch& b = branches[{state, city, s.AccountLabel(other), currency}];
    if (in) {
      MT_RETURN_IF_ERROR(b.deposits.Add(s.amount_received(t)));
      ++b.n_dep;
    } else {
      MT_RETURN_IF_ERROR(b.withdrawals.Add(s.amount_paid(t)));
      ++b.n_wd;
    }
    b.txs.push_back(t);
  }
  Builder b("Cash by branch and state", prefix + "cash-branches.csv",
            {"State", "City", "Branch or ATM", "Deposits", "Count in", "Withdrawals", "Count out"},
            {false, false, false, true, true, true, true});
  for (const auto& [key, br] : branches) {
    const auto& [state, city, branch, currency] = key;
    const std::string_view code = s.currency(currency);
    b.Row({state, city, branch, Shown(br.deposits, code), Count(br.n_dep),
           Shown(br.withdrawals, code), Count(br.n_wd)},
          {state, city, branch, Plain(br.deposits), std::to_string(br.n_dep),
           Plain(br.withdrawals), std::to_string(br.n_wd)},
          br.txs);
  }
  b.out.view.note = "Cash deposits and withdrawals of the subject's accounts, by the branch or "
                    "ATM and its place as the records give them.";
  out.push_back(b.Finish(s, kRowsShown));
  return Status::Ok();
}

// The two methods of proof of `moneytrail prove` over the subject's period.
void ProofSchedules(const store::Store& s, std::span<const AccountId> accounts, Timestamp from,
                    Timestamp to, const std::string& prefix, std::vector<Schedule>& out) {
  for (proof::ProofMethod method :
       {proof::ProofMethod::kBankDeposits, proof::ProofMethod::kSourceApplication}) {
    const bool deposits = method == proof::ProofMethod::kBankDeposits;
    Schedule sc;
    sc.view.title = deposits ? "Bank deposits method" : "Source and application of funds";
    sc.view.columns = {"#", "", "Item", "Amount", "Review", "Transactions"};
    sc.view.numeric = {true, false, false, true, false, true};
    proof::ProofOptions o;
    for (AccountId a : accounts) {
      if (s.account_kinds()[a] == NodeKind::kAccount) o.subject.push_back(a);
    }
    o.from = from;
    o.to = to;
    o.method = method;
    Result<proof::Proof> p = o.subject.empty() ? Result<proof::Proof>(InvalidArgumentError("no bank account"))
                                               : proof::Prove(s, o);
    if (!p.ok()) {
      sc.view.note = "Not computed: " + std::string(p.status().message());
      out.push_back(std::move(sc));
      continue;
    }
    sc.view.csv = prefix + (deposits ? "bank-deposits.csv" : "source-application.csv");
    sc.csv = proof::ProofScheduleCsv(*p, s);
    const std::string code(s.currency(p->currency));
    for (size_t i = 0; i < p->lines.size(); ++i) {
      const proof::ScheduleLine& l = p->lines[i];
      sc.view.rows.push_back({std::to_string(i + 1), l.sign == 0 ? "=" : (l.sign > 0 ? "+" : "\xE2\x88\x92"),
                              l.item, FormatDecimalGrouped(Decimal{l.amount, p->scale}) + " " + code,
                              l.review ? "review" : "", Count(l.transactions.size())});
    }
    sc.view.rows_total = sc.view.rows.size();
    sc.view.note = fmt::format(
        "IRM 9.5.9 ({}), {}, from the records alone: no income reported and no outside facts "
        "(cash on hand, assets, loans) were given, so the schedule ends at {}; `moneytrail prove` "
        "adds them (docs/methods-of-proof.md). Lines marked review were detected automatically.",
        deposits ? "bank deposits" : "expenditures",
        FormatIsoTime(from).substr(0, 10) + " to " + FormatIsoTime(to).substr(0, 10),
        deposits ? "gross receipts" : "total applications");
    out.push_back(std::move(sc));
  }
}

}  // namespace

Result<std::vector<Schedule>> SubjectSchedules(const ViewMaker& views,
                                               std::span<const uint32_t> subject_of, uint32_t sub,
                                               std::span<const AccountId> accounts,
                                               std::span<const std::string> holder_names,
                                               const std::string& csv_prefix,
                                               std::pair<TransactionId, TransactionId>* first_last) {
  const store::Store& s = views.store();
  std::vector<TransactionId> txs;
  for (uint64_t t = 0; t < s.transaction_count(); ++t) {
    if (subject_of[s.source()[t]] == sub || subject_of[s.destination()[t]] == sub) {
      txs.push_back(static_cast<TransactionId>(t));
    }
  }
  std::stable_sort(txs.begin(), txs.end(),
                   [&](TransactionId a, TransactionId b) { return s.time()[a] < s.time()[b]; });
  *first_last = txs.empty() ? std::pair{kNoTransaction, kNoTransaction} : std::pair{txs.front(), txs.back()};
  std::vector<Schedule> out;
  if (txs.empty()) return out;
  MT_RETURN_IF_ERROR(MonthlySummary(s, accounts, txs, csv_prefix, out));
  MT_RETURN_IF_ERROR(Counterparties(views, subject_of, sub, txs, holder_names, csv_prefix, out));
  MT_RETURN_IF_ERROR(CashByBranch(s, subject_of, sub, txs, csv_prefix, out));
  const Timestamp from = s.time()[txs.front()] / 86400 * 86400;
  const Timestamp to = s.time()[txs.back()] / 86400 * 86400 + 86399;
  ProofSchedules(s, accounts, from, to, csv_prefix, out);
  return out;
}

CaseTimeline BuildCaseTimeline(const ViewMaker& views, std::span<const report::SubjectView> subjects,
                               std::span<const std::pair<TransactionId, TransactionId>> first_last,
                               size_t max_events) {
  CaseTimeline tl;
  for (size_t k = 0; k < subjects.size(); ++k) {
    const report::SubjectView& v = subjects[k];
    if (k < first_last.size() && first_last[k].first != kNoTransaction) {
      for (int end = 0; end < 2; ++end) {
        const TransactionId t = end ? first_last[k].second : first_last[k].first;
        report::TxView tx = views.Tx(t);
        tl.events.push_back({tx.time, v.account, end ? "Last transaction" : "First transaction",
                             fmt::format("{}, {} to {}, {} {} ({}:{}{})", report::ChannelWords(tx.channel), tx.from, tx.to,
                                         FormatDecimalGrouped(tx.amount.amount), tx.amount.currency,
                                         tx.source.file, tx.source.line,
                                         tx.source.position.empty() ? "" : ", " + tx.source.position)});
      }
    }
    for (const report::AlertView& a : v.alerts) {
      tl.events.push_back({a.window_start, v.account, a.title,
                           fmt::format("{} ({}); {} evidence transactions to {}", a.rule_id,
                                       a.severity, a.evidence_total, FormatIsoTime(a.window_end))});
    }
  }
  std::stable_sort(tl.events.begin(), tl.events.end(),
                   [](const auto& a, const auto& b) { return a.time < b.time; });
  tl.total = tl.events.size();
  tl.csv = "time,subject,event,detail\n";
  for (const report::CaseEventView& e : tl.events) {
    tl.csv += FormatIsoTime(e.time) + ",";
    AppendSpreadsheetCsvField(e.subject, tl.csv);
    tl.csv += ",";
    AppendSpreadsheetCsvField(e.event, tl.csv);
    tl.csv += ",";
    AppendSpreadsheetCsvField(e.detail, tl.csv);
    tl.csv += "\n";
  }
  if (tl.events.size() > max_events) tl.events.resize(max_events);
  return tl;
}

}  // namespace moneytrail::cases
