// Seeded random statement sets for the oracle tests: a few accounts with true ledgers, several
// (overlapping, gapped) downloads of each, some sharing a file, corrupted balances, mixed
// scales, transfers between the accounts linked in every documented way, and the adversarial
// cases (identical rows on one day, reversed entries, a debit and credit of one amount in one
// account).
#ifndef MONEYTRAIL_TESTS_STATEMENTS_RANDOM_STATEMENTS_H_
#define MONEYTRAIL_TESTS_STATEMENTS_RANDOM_STATEMENTS_H_

#include <algorithm>
#include <cstdint>
#include <deque>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "moneytrail/statement_checks.h"

namespace moneytrail::statements::testing {

struct StatementSet {
  std::vector<StatementFile> files;
  std::vector<StatementLine> lines;
  // The text the lines' views point to. Shared, so that a copy of the set (or of its lines)
  // stays valid as long as any copy of the set lives.
  std::shared_ptr<std::deque<std::string>> text = std::make_shared<std::deque<std::string>>();
};

// Amounts and balances of the set are at scale 2 or 3, so the oracles work in int64 units at
// scale 3.
inline int64_t Milli(int64_t units, uint8_t scale) { return scale == 2 ? units * 10 : units; }

inline StatementSet RandomStatementSet(uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto uniform = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  auto chance = [&](double p) { return std::bernoulli_distribution(p)(rng); };

  struct Tx {
    int64_t day;
    int64_t cents;
    std::string description, reference, counterparty;
  };
  int accounts = static_cast<int>(uniform(2, 3));
  std::vector<std::string> names, currencies;
  for (int a = 0; a < accounts; ++a) {
    names.push_back("bank" + std::to_string(a) + ":" + std::to_string(uniform(10000000, 99999999)));
    currencies.push_back(chance(0.85) ? "USD" : "EUR");
  }
  auto number = [&](int a) { return std::string(AccountNumber(names[a])); };
  std::vector<std::vector<Tx>> ledger(accounts);
  const int64_t horizon = 40;
  const std::vector<int64_t> amounts = {100, 250, 1000, 2500};
  const std::vector<std::string> plain = {"ATM W/D", "CASH DEPOSIT", "ZELLE FROM JOSE LUNA",
                                          "CARD PURCHASE"};
  for (int a = 0; a < accounts; ++a) {
    int n = static_cast<int>(uniform(0, 14));
    for (int k = 0; k < n; ++k) {
      int64_t cents = amounts[uniform(0, 3)] * (chance(0.5) ? 1 : -1);
      Tx tx{uniform(0, horizon - 1), cents, plain[uniform(0, 3)], "", ""};
      ledger[a].push_back(tx);
      if (chance(0.2)) ledger[a].push_back(tx);                         // identical same day
      if (chance(0.1)) ledger[a].push_back({tx.day, -cents, tx.description, "", ""});  // reversal
    }
  }
  // Transfers between accounts, linked in each documented way (or not at all).
  int transfers = static_cast<int>(uniform(0, 6));
  for (int k = 0; k < transfers; ++k) {
    int x = static_cast<int>(uniform(0, accounts - 1));
    int y = static_cast<int>(uniform(0, accounts - 2));
    if (y >= x) ++y;
    int64_t day = uniform(0, horizon - 6), lag = uniform(0, 5);
    int64_t cents = amounts[uniform(0, 3)];
    Tx debit{day, -cents, "ONLINE TRANSFER", "", ""}, credit{day + lag, cents, "TRANSFER IN", "", ""};
    switch (uniform(0, 5)) {
      case 0: debit.reference = credit.reference = "T" + std::to_string(uniform(1, 3)); break;
      case 1: debit.counterparty = names[y]; break;
      case 2: credit.counterparty = names[x]; break;
      case 3: debit.description = "TRANSFER TO " + number(y); break;
      case 4: credit.description = "TRANSFER FROM x" + number(x).substr(number(x).size() - 4); break;
      default: break;
    }
    ledger[x].push_back(debit);
    ledger[y].push_back(credit);
    if (chance(0.2)) ledger[y].push_back({day, -cents, "TRANSFER TO " + number(x), "", ""});
  }
  StatementSet set;
  auto keep = [&](const std::string& text) -> std::string_view { return set.text->emplace_back(text); };
  struct FileRows {
    int account;
    std::vector<StatementLine> rows;
  };
  std::vector<FileRows> file_rows;
  for (int a = 0; a < accounts; ++a) {
    std::stable_sort(ledger[a].begin(), ledger[a].end(),
                     [](const Tx& p, const Tx& q) { return p.day < q.day; });
    int64_t opening = uniform(0, 500000);
    int files = static_cast<int>(uniform(1, 3));
    for (int f = 0; f < files; ++f) {
      int64_t begin = uniform(0, horizon - 1), end = std::min(horizon - 1, begin + uniform(0, 25));
      uint8_t scale = chance(0.7) ? 2 : 3;
      int64_t factor = scale == 2 ? 1 : 10;
      bool balances = chance(0.75);
      StatementFile file{.file = static_cast<uint32_t>(set.files.size()),
                         .path = "stmt" + std::to_string(set.files.size()) + ".csv"};
      int64_t balance = opening;  // true balance before `begin`
      FileRows fr{a, {}};
      for (const Tx& tx : ledger[a]) {
        if (tx.day < begin) balance += tx.cents;
        if (tx.day < begin || tx.day > end) continue;
        int64_t before = balance;
        balance += tx.cents;
        if (fr.rows.empty() && chance(0.1)) continue;  // a download missing a row
        (void)before;
        StatementLine l{.file = file.file, .account = keep(names[a]), .currency = keep(currencies[a]),
                        .day = tx.day, .amount = tx.cents * factor, .scale = scale,
                        .description = keep(tx.description),
                        .counterparty_account = keep(tx.counterparty), .reference = keep(tx.reference)};
        if (balances && !chance(0.1)) l.balance = (balance + (chance(0.05) ? 1 : 0)) * factor;
        fr.rows.push_back(l);
      }
      if (chance(0.6)) {  // a banner
        file.account = names[a];
        file.currency = currencies[a];
        file.scale = scale;
        if (chance(0.8)) file.period_begin_day = begin;
        if (chance(0.8)) file.period_end_day = end;
        if (chance(0.15)) file.period_end_day = std::max(begin, end - 1);  // a row after the period
        int64_t banner_opening = opening;
        for (const Tx& tx : ledger[a])
          if (tx.day < begin) banner_opening += tx.cents;
        if (chance(0.7)) file.opening_balance = (banner_opening + (chance(0.1) ? 5 : 0)) * factor;
        if (chance(0.7)) file.closing_balance = (balance + (chance(0.1) ? 5 : 0)) * factor;
      }
      set.files.push_back(file);
      file_rows.push_back(std::move(fr));
    }
  }
  // Sometimes two files become one (two accounts in one file): the second's rows move to the
  // first; the emptied file keeps its banner.
  if (file_rows.size() >= 2 && chance(0.3)) {
    size_t into = static_cast<size_t>(uniform(0, static_cast<int64_t>(file_rows.size()) - 2));
    size_t from = into + 1;
    for (StatementLine& l : file_rows[from].rows) l.file = static_cast<uint32_t>(into);
    std::vector<StatementLine> merged;
    std::merge(file_rows[into].rows.begin(), file_rows[into].rows.end(),
               file_rows[from].rows.begin(), file_rows[from].rows.end(), std::back_inserter(merged),
               [](const StatementLine& p, const StatementLine& q) { return p.day < q.day; });
    file_rows[into].rows = std::move(merged);
    file_rows[from].rows.clear();
  }
  // Physical lines, then rows of all files interleaved in `lines` (each file in its order).
  std::vector<size_t> next(file_rows.size(), 0);
  for (FileRows& fr : file_rows) {
    if (chance(0.15)) std::reverse(fr.rows.begin(), fr.rows.end());  // newest first
    uint64_t line = uniform(1, 8);
    for (StatementLine& l : fr.rows) l.line = line += uniform(1, 2);
  }
  for (;;) {
    std::vector<size_t> open;
    for (size_t f = 0; f < file_rows.size(); ++f)
      if (next[f] < file_rows[f].rows.size()) open.push_back(f);
    if (open.empty()) break;
    size_t f = open[uniform(0, static_cast<int64_t>(open.size()) - 1)];
    set.lines.push_back(file_rows[f].rows[next[f]++]);
  }
  return set;
}

}  // namespace moneytrail::statements::testing

#endif  // MONEYTRAIL_TESTS_STATEMENTS_RANDOM_STATEMENTS_H_
