// CheckStatements against brute-force restatements of docs/statement-checks.md on many seeded
// random statement sets (random_statements.h). The oracles work in int64 units at scale 3 (the
// sets use scales 2 and 3), mark covered days one by one, and try every pair of rows.
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "moneytrail/statement_checks.h"
#include "statements/random_statements.h"

namespace moneytrail::statements {
namespace {

using testing::Milli;
using testing::RandomStatementSet;
using testing::StatementSet;

constexpr int kSets = 3000;

int64_t MilliOf(Decimal d) {
  EXPECT_LE(d.scale, 3);
  return d.scale == 3 ? d.units : d.scale == 2 ? d.units * 10 : d.scale == 1 ? d.units * 100 : d.units * 1000;
}

struct OracleStatement {
  uint32_t file;
  std::string account, currency;
  bool banner = false;
  std::vector<size_t> rows;  // file order
  std::optional<int64_t> first, last, opening, closing;
};

std::vector<OracleStatement> OracleStatements(const StatementSet& s) {
  std::vector<OracleStatement> out;
  for (uint32_t f = 0; f < s.files.size(); ++f) {
    std::vector<std::pair<std::string, std::string>> keys;  // in order of first row
    for (size_t i = 0; i < s.lines.size(); ++i)
      if (s.lines[i].file == f &&
          std::find(keys.begin(), keys.end(),
                    std::pair<std::string, std::string>(s.lines[i].account, s.lines[i].currency)) == keys.end())
        keys.emplace_back(s.lines[i].account, s.lines[i].currency);
    const StatementFile& file = s.files[f];
    if (!file.account.empty() &&
        std::find(keys.begin(), keys.end(), std::pair(file.account, file.currency)) == keys.end())
      keys.emplace_back(file.account, file.currency);
    for (auto& [account, currency] : keys) {
      OracleStatement st{f, account, currency};
      st.banner = file.account == account && file.currency == currency;
      for (size_t i = 0; i < s.lines.size(); ++i)
        if (s.lines[i].file == f && s.lines[i].account == account && s.lines[i].currency == currency)
          st.rows.push_back(i);
      out.push_back(st);
    }
  }
  return out;
}

// Running balances: returns the breaks as (kind, at index or -1, expected, found) and sets each
// statement's days, opening and closing.
using BreakTuple = std::tuple<int, int64_t, int64_t, int64_t>;
std::vector<BreakTuple> OracleBalances(const StatementSet& s, std::vector<OracleStatement>& sts) {
  std::vector<BreakTuple> out;
  for (OracleStatement& st : sts) {
    const StatementFile& f = s.files[st.file];
    std::vector<size_t> rows = st.rows;
    bool up = false, down = false;
    for (size_t k = 1; k < rows.size(); ++k) {
      up = up || s.lines[rows[k]].day > s.lines[rows[k - 1]].day;
      down = down || s.lines[rows[k]].day < s.lines[rows[k - 1]].day;
    }
    if (down && !up) std::reverse(rows.begin(), rows.end());
    std::optional<int64_t> prev;
    if (st.banner && f.opening_balance) prev = st.opening = Milli(*f.opening_balance, f.scale);
    for (size_t i : rows) {
      const StatementLine& l = s.lines[i];
      int64_t amount = Milli(l.amount, l.scale);
      if (l.balance) {
        int64_t found = Milli(*l.balance, l.scale);
        if (prev && *prev + amount != found) out.emplace_back(0, i, *prev + amount, found);
        if (!st.opening) {
          // opening = first balance minus every amount up to and including its row
          int64_t sum = 0;
          for (size_t k : rows) {
            sum += Milli(s.lines[k].amount, s.lines[k].scale);
            if (k == i) break;
          }
          st.opening = found - sum;
        }
        prev = found;
      } else if (prev) {
        prev = *prev + amount;
      }
      st.first = st.first ? std::min(*st.first, l.day) : l.day;
      st.last = st.last ? std::max(*st.last, l.day) : l.day;
    }
    if (st.banner && f.period_begin_day) st.first = f.period_begin_day;
    if (st.banner && f.period_end_day) st.last = f.period_end_day;
    st.closing = prev;
    if (st.banner && f.closing_balance) {
      int64_t closing = Milli(*f.closing_balance, f.scale);
      if (prev && *prev != closing)
        out.emplace_back(1, rows.empty() ? -1 : static_cast<int64_t>(rows.back()), *prev, closing);
      st.closing = closing;
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Statements of one account with days, in continuity order.
std::map<std::pair<std::string, std::string>, std::vector<const OracleStatement*>> OracleGroups(
    const std::vector<OracleStatement>& sts) {
  std::map<std::pair<std::string, std::string>, std::vector<const OracleStatement*>> groups;
  for (const OracleStatement& st : sts)
    if (st.first && st.last && *st.first <= *st.last) groups[{st.account, st.currency}].push_back(&st);
  for (auto& [key, g] : groups)
    std::stable_sort(g.begin(), g.end(), [](auto* a, auto* b) {
      return std::tie(*a->first, *a->last, a->file) < std::tie(*b->first, *b->last, b->file);
    });
  return groups;
}

// Gaps by marking covered days: (account, first, last, before file, after file).
using GapTuple = std::tuple<std::string, int64_t, int64_t, uint32_t, uint32_t>;
std::vector<GapTuple> OracleGaps(const std::vector<OracleStatement>& sts) {
  std::vector<GapTuple> out;
  for (auto& [key, g] : OracleGroups(sts)) {
    std::set<int64_t> covered;
    for (auto* st : g)
      for (int64_t d = *st->first; d <= *st->last; ++d) covered.insert(d);
    for (int64_t d = *covered.begin(); d <= *covered.rbegin(); ++d) {
      if (covered.count(d) || covered.count(d - 1) == 0) continue;
      int64_t e = d;
      while (!covered.count(e + 1)) ++e;
      const OracleStatement *before = nullptr, *after = nullptr;
      for (auto* st : g) {
        if (*st->last == d - 1) before = st;  // the latest in order
        if (*st->first == e + 1 && after == nullptr) after = st;
      }
      out.emplace_back(key.first, d, e, before->file, after->file);
    }
  }
  return out;
}

// Continuity: (account, earlier file, later file, closing, opening).
using ContinuityTuple = std::tuple<std::string, uint32_t, uint32_t, int64_t, int64_t>;
std::vector<ContinuityTuple> OracleContinuity(const std::vector<OracleStatement>& sts) {
  std::vector<ContinuityTuple> out;
  for (auto& [key, g] : OracleGroups(sts))
    for (size_t j = 1; j < g.size(); ++j) {
      const OracleStatement* p = g[0];
      for (size_t i = 1; i < j; ++i)
        if (*g[i]->last >= *p->last) p = g[i];
      if (*g[j]->first > *p->last && p->closing && g[j]->opening && *p->closing != *g[j]->opening)
        out.emplace_back(key.first, p->file, g[j]->file, *p->closing, *g[j]->opening);
    }
  return out;
}

bool SameRow(const StatementLine& a, const StatementLine& b) {
  return a.day == b.day && Milli(a.amount, a.scale) == Milli(b.amount, b.scale) &&
         a.description == b.description && a.balance.has_value() == b.balance.has_value() &&
         (!a.balance || Milli(*a.balance, a.scale) == Milli(*b.balance, b.scale));
}

// Overlaps: for each later statement, each earlier one, each row in file order: the first
// unused equal row of the earlier statement. Returns (earlier, duplicate) and sets carried.
std::vector<std::pair<size_t, size_t>> OracleOverlaps(const StatementSet& s,
                                                      const std::vector<OracleStatement>& sts,
                                                      std::vector<size_t>& carried) {
  std::vector<std::pair<size_t, size_t>> out;
  for (auto& [key, g] : OracleGroups(sts))
    for (size_t j = 0; j < g.size(); ++j)
      for (size_t i = 0; i < j; ++i) {
        int64_t lo = std::max(*g[i]->first, *g[j]->first), hi = std::min(*g[i]->last, *g[j]->last);
        std::set<size_t> used;
        for (size_t r : g[j]->rows) {
          if (carried[r] != r || s.lines[r].day < lo || s.lines[r].day > hi) continue;
          for (size_t q : g[i]->rows)
            if (s.lines[q].day >= lo && s.lines[q].day <= hi && !used.count(q) &&
                SameRow(s.lines[q], s.lines[r])) {
              used.insert(q);
              carried[r] = q;
              out.emplace_back(q, r);
              break;
            }
        }
      }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.second < b.second; });
  return out;
}

std::optional<MirrorLink> OracleLink(const StatementLine& d, const StatementLine& c) {
  std::vector<MirrorLink> links;
  if (!d.reference.empty() && d.reference == c.reference) links.push_back(MirrorLink::kReference);
  if (d.counterparty_account == c.account || c.counterparty_account == d.account)
    links.push_back(MirrorLink::kCounterpartyAccount);
  if (auto l = DescriptionNamesAccount(d.description, c.account, true)) links.push_back(*l);
  if (auto l = DescriptionNamesAccount(c.description, d.account, true)) links.push_back(*l);
  if (links.empty()) return std::nullopt;
  return *std::min_element(links.begin(), links.end());
}

// Mirrors: every pair, the documented order, greedy. Returns (debit, credit, why, lag).
using MirrorTuple = std::tuple<size_t, size_t, MirrorLink, int64_t>;
std::vector<MirrorTuple> OracleMirrors(const StatementSet& s, int lag, std::vector<size_t>& carried) {
  std::vector<std::tuple<MirrorLink, int64_t, uint32_t, uint64_t, uint32_t, uint64_t, size_t, size_t>> all;
  for (size_t d = 0; d < s.lines.size(); ++d)
    for (size_t c = 0; c < s.lines.size(); ++c) {
      const StatementLine &dl = s.lines[d], &cl = s.lines[c];
      if (carried[d] != d || carried[c] != c || dl.amount >= 0 || cl.amount <= 0) continue;
      if (dl.account == cl.account || dl.currency != cl.currency) continue;
      if (Milli(-dl.amount, dl.scale) != Milli(cl.amount, cl.scale)) continue;
      if (cl.day - dl.day < 0 || cl.day - dl.day > lag) continue;
      if (auto why = OracleLink(dl, cl))
        all.emplace_back(*why, cl.day - dl.day, dl.file, dl.line, cl.file, cl.line, d, c);
    }
  std::sort(all.begin(), all.end());
  std::vector<MirrorTuple> out;
  std::set<size_t> used;
  for (auto& [why, l, df, dline, cf, cline, d, c] : all) {
    if (used.count(d) || used.count(c)) continue;
    used.insert(d);
    used.insert(c);
    out.emplace_back(d, c, why, l);
  }
  for (auto& [d, c, why, l] : out) carried[c] = d;
  std::sort(out.begin(), out.end());
  return out;
}

TEST(StatementChecksOracleTest, EveryCheckMatchesItsBruteForceDefinition) {
  int64_t breaks = 0, gaps = 0, continuity = 0, duplicates = 0, mirrors = 0, closing = 0;
  for (uint64_t seed = 1; seed <= kSets; ++seed) {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    StatementSet set = RandomStatementSet(seed);
    CheckOptions options;
    options.mirror_max_lag_days = static_cast<int>(seed % 5);
    Result<CheckReport> got = CheckStatements(set.files, set.lines, options);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    const CheckReport& r = *got;

    std::vector<OracleStatement> sts = OracleStatements(set);
    std::vector<BreakTuple> want_breaks = OracleBalances(set, sts);
    std::vector<BreakTuple> got_breaks;
    for (const BalanceBreak& b : r.balance_breaks) {
      got_breaks.emplace_back(static_cast<int>(b.kind), b.at ? static_cast<int64_t>(b.at->index) : -1,
                              MilliOf(b.expected), MilliOf(b.found));
      if (b.at) {
        EXPECT_EQ(b.at->line, set.lines[b.at->index].line);
      }
      closing += b.kind == BalanceBreakKind::kClosing;
    }
    std::sort(got_breaks.begin(), got_breaks.end());
    ASSERT_EQ(got_breaks, want_breaks);

    std::vector<GapTuple> got_gaps;
    for (const CoverageGap& g : r.gaps)
      got_gaps.emplace_back(g.account, g.first_day, g.last_day, g.before_file, g.after_file);
    ASSERT_EQ(got_gaps, OracleGaps(sts));

    std::vector<ContinuityTuple> got_continuity;
    for (const ContinuityBreak& c : r.continuity_breaks)
      got_continuity.emplace_back(c.account, c.earlier_file, c.later_file,
                                  MilliOf(c.earlier_closing), MilliOf(c.later_opening));
    ASSERT_EQ(got_continuity, OracleContinuity(sts));

    std::vector<size_t> carried(set.lines.size());
    for (size_t i = 0; i < carried.size(); ++i) carried[i] = i;
    std::vector<std::pair<size_t, size_t>> got_dups;
    for (const Duplicate& d : r.duplicates) got_dups.emplace_back(d.earlier.index, d.duplicate.index);
    ASSERT_EQ(got_dups, OracleOverlaps(set, sts, carried));

    std::vector<MirrorTuple> got_mirrors;
    for (const Mirror& m : r.mirrors)
      got_mirrors.emplace_back(m.debit.index, m.credit.index, m.why, m.lag_days);
    ASSERT_EQ(got_mirrors, OracleMirrors(set, options.mirror_max_lag_days, carried));

    ASSERT_EQ(r.drop.size(), set.lines.size());
    for (size_t i = 0; i < carried.size(); ++i) {
      size_t root = carried[i];
      while (carried[root] != root) root = carried[root];
      ASSERT_EQ(r.carried_by[i], root) << "line index " << i;
      ASSERT_EQ(r.drop[i], root != i ? 1 : 0);
    }
    breaks += static_cast<int64_t>(r.balance_breaks.size());
    gaps += static_cast<int64_t>(r.gaps.size());
    continuity += static_cast<int64_t>(r.continuity_breaks.size());
    duplicates += static_cast<int64_t>(r.duplicates.size());
    mirrors += static_cast<int64_t>(r.mirrors.size());
  }
  // The sets exercise every finding (so the comparison above is not vacuous).
  EXPECT_GT(breaks, 500);
  EXPECT_GT(closing, 50);
  EXPECT_GT(gaps, 200);
  EXPECT_GT(continuity, 100);
  EXPECT_GT(duplicates, 1000);
  EXPECT_GT(mirrors, 500);
  std::printf("findings over %d sets: %lld balance breaks (%lld closing), %lld gaps, %lld continuity "
              "breaks, %lld duplicates, %lld mirrors\n",
              kSets, static_cast<long long>(breaks), static_cast<long long>(closing),
              static_cast<long long>(gaps), static_cast<long long>(continuity),
              static_cast<long long>(duplicates), static_cast<long long>(mirrors));
}

// Two downloads of one account: the rows dropped are, per key, the smaller of the two counts
// within the overlapping days (a multiset intersection), whatever the order of the rows.
TEST(StatementChecksOracleTest, TwoDownloadsDropTheMultisetIntersection) {
  int64_t total = 0;
  for (uint64_t seed = 1; seed <= kSets; ++seed) {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    StatementSet set = RandomStatementSet(seed);
    // Keep the first two files of the first account only, without mirrors.
    std::string account;
    for (const StatementLine& l : set.lines)
      if (l.file == 0) account = l.account;
    if (account.empty() || set.files.size() < 2) continue;
    std::vector<StatementLine> kept;
    for (StatementLine l : set.lines)
      if (l.file <= 1 && l.account == account) kept.push_back(l);
    std::vector<StatementFile> files(set.files.begin(), set.files.begin() + 2);
    Result<CheckReport> got = CheckStatements(files, kept, CheckOptions{});
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    std::vector<OracleStatement> sts = OracleStatements({files, kept});
    OracleBalances({files, kept}, sts);
    auto groups = OracleGroups(sts);
    int64_t want = 0;
    for (auto& [key, g] : groups) {
      if (g.size() != 2) continue;
      int64_t lo = std::max(*g[0]->first, *g[1]->first), hi = std::min(*g[0]->last, *g[1]->last);
      std::vector<size_t> seen;
      for (size_t a : g[0]->rows) {
        if (kept[a].day < lo || kept[a].day > hi) continue;
        bool first = true;
        for (size_t s : seen) first = first && !SameRow(kept[s], kept[a]);
        if (!first) continue;
        seen.push_back(a);
        int64_t n0 = 0, n1 = 0;
        for (size_t b : g[0]->rows) n0 += SameRow(kept[a], kept[b]);
        for (size_t b : g[1]->rows) n1 += SameRow(kept[a], kept[b]) && kept[b].day >= lo && kept[b].day <= hi;
        want += std::min(n0, n1);
      }
    }
    int64_t dropped = 0;
    for (size_t i = 0; i < kept.size(); ++i)
      if (got->drop[i]) ++dropped;
    ASSERT_EQ(dropped - static_cast<int64_t>(got->mirrors.size()), want);
    total += want;
  }
  EXPECT_GT(total, 500);
}

}  // namespace
}  // namespace moneytrail::statements
