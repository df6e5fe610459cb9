// Overlapping statements and mirror transfers (docs/statement-checks.md): which rows are one
// transaction seen twice.
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "moneytrail/phase_log.h"
#include "statements/checks_internal.h"

namespace moneytrail::statements::statements_internal {
namespace {

// splitmix64's finaliser: normalised values end in many zero bits, and std::hash<uint64_t> is
// the identity in libstdc++.
uint64_t Scramble(uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}
size_t HashInt128(Int128 v) {
  auto u = static_cast<UInt128>(v);
  return Scramble(static_cast<uint64_t>(u) ^ Scramble(static_cast<uint64_t>(u >> 64)));
}
size_t Mix(size_t seed, size_t h) { return seed ^ (h + 0x9E3779B97F4A7C15ULL + (seed << 6) + (seed >> 2)); }

// The overlap key of a row (account and currency are the statement's).
struct RowKey {
  int64_t day;
  Int128 amount;
  bool has_balance;
  Int128 balance;
  std::string_view description;
  bool operator==(const RowKey&) const = default;
};
struct RowKeyHash {
  size_t operator()(const RowKey& k) const {
    size_t h = Scramble(static_cast<uint64_t>(k.day));
    h = Mix(h, HashInt128(k.amount));
    h = Mix(h, k.has_balance ? HashInt128(k.balance) : 0x51ed);
    return Mix(h, std::hash<std::string_view>{}(k.description));
  }
};
RowKey KeyOf(const StatementLine& l) {
  return RowKey{l.day, Normalize(l.amount, l.scale), l.balance.has_value(),
                l.balance ? Normalize(*l.balance, l.scale) : 0, l.description};
}

struct Rows {
  std::vector<uint64_t> rows;
  size_t next = 0;  // rows before it are matched to the later statement
};

void MatchPair(std::span<const StatementLine> lines, const Statement& earlier,
               const Statement& later, std::vector<uint64_t>& carried_by,
               std::vector<Duplicate>& duplicates) {
  int64_t lo = std::max(*earlier.first_day, *later.first_day);
  int64_t hi = std::min(*earlier.last_day, *later.last_day);
  if (lo > hi) return;
  std::unordered_map<RowKey, Rows, RowKeyHash> by_key;
  for (uint64_t q : earlier.rows)
    if (lines[q].day >= lo && lines[q].day <= hi) by_key[KeyOf(lines[q])].rows.push_back(q);
  if (by_key.empty()) return;
  for (uint64_t r : later.rows) {
    if (carried_by[r] != r || lines[r].day < lo || lines[r].day > hi) continue;
    auto it = by_key.find(KeyOf(lines[r]));
    if (it == by_key.end() || it->second.next == it->second.rows.size()) continue;
    uint64_t q = it->second.rows[it->second.next++];
    carried_by[r] = q;
    duplicates.push_back(Duplicate{RefOf(lines, q), RefOf(lines, r)});
  }
}

std::optional<MirrorLink> Link(const StatementLine& debit, const StatementLine& credit,
                               bool allow_last4) {
  if (!debit.reference.empty() && debit.reference == credit.reference) return MirrorLink::kReference;
  if (debit.counterparty_account == credit.account || credit.counterparty_account == debit.account)
    return MirrorLink::kCounterpartyAccount;
  std::optional<MirrorLink> a = DescriptionNamesAccount(debit.description, credit.account, allow_last4);
  std::optional<MirrorLink> b = DescriptionNamesAccount(credit.description, debit.account, allow_last4);
  if (a && b) return std::min(*a, *b);
  return a ? a : b;
}

struct BucketKey {
  std::string_view currency;
  Int128 magnitude;
  bool operator==(const BucketKey&) const = default;
};
struct BucketKeyHash {
  size_t operator()(const BucketKey& k) const {
    return Mix(std::hash<std::string_view>{}(k.currency), HashInt128(k.magnitude));
  }
};

struct Candidate {
  MirrorLink why;
  int64_t lag;
  uint64_t debit, credit;
};

}  // namespace

void MatchOverlaps(std::span<const StatementLine> lines, const std::vector<AccountGroup>& groups,
                   CheckReport& report) {
  // The groups (accounts) are independent: a group reads and sets carried_by only on its own
  // statements' rows. So they run on the threads, each into its own list of duplicates, and the
  // lists are joined and sorted by the duplicate's index (unique), as one pass would leave them.
  std::vector<std::vector<Duplicate>> found(groups.size());
  tbb::parallel_for(tbb::blocked_range<size_t>(0, groups.size(), 64),
                    [&](const tbb::blocked_range<size_t>& range) {
    for (size_t g = range.begin(); g != range.end(); ++g) {
      const AccountGroup& group = groups[g];
      for (size_t j = 1; j < group.size(); ++j)
        for (size_t i = 0; i < j; ++i) MatchPair(lines, *group[i], *group[j], report.carried_by, found[g]);
    }
  });
  for (auto& f : found) report.duplicates.insert(report.duplicates.end(), f.begin(), f.end());
  std::sort(report.duplicates.begin(), report.duplicates.end(),
            [](const Duplicate& a, const Duplicate& b) { return a.duplicate.index < b.duplicate.index; });
}

void MatchPaymentMessages(std::span<const StatementFile> files, std::span<const StatementLine> lines,
                          const CheckOptions& options, CheckReport& report) {
  bool any = false;
  for (const StatementFile& f : files) any = any || f.payment_messages;
  if (!any) return;
  // Kept rows (statement rows and messages) by account, currency and amount.
  struct Key {
    std::string_view account, currency;
    Int128 amount;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const {
      return Mix(Mix(std::hash<std::string_view>{}(k.account), std::hash<std::string_view>{}(k.currency)),
                 HashInt128(k.amount));
    }
  };
  std::unordered_map<Key, std::vector<uint64_t>, KeyHash> rows;
  std::vector<uint64_t> messages;
  for (uint64_t i = 0; i < lines.size(); ++i) {
    if (report.carried_by[i] != i) continue;
    rows[{lines[i].account, lines[i].currency, Normalize(lines[i].amount, lines[i].scale)}].push_back(i);
    if (files[lines[i].file].payment_messages) messages.push_back(i);
  }
  std::vector<uint8_t> used(lines.size(), 0);  // a statement row books one message
  const size_t before = report.duplicates.size();
  for (uint64_t m : messages) {
    const StatementLine& msg = lines[m];
    const auto it = rows.find({msg.account, msg.currency, Normalize(msg.amount, msg.scale)});
    // The best candidate: a statement row before an earlier message; then the strongest link
    // (0 the same reference, 1 the same counterparty account, 2 the message's reference written
    // in the row's description); then the fewest days apart; then file and line.
    std::optional<std::tuple<int, int, int64_t, uint32_t, uint64_t, uint64_t>> best;
    for (uint64_t s : it->second) {
      const StatementLine& row = lines[s];
      const bool is_message = files[row.file].payment_messages;
      // A statement row books one message; an earlier message may already be carried by the row
      // that books it (the chain ends there).
      if (s == m || (!is_message && (used[s] || report.carried_by[s] != s))) continue;
      if (is_message && s > m) continue;  // a repeated message: the later one is the duplicate
      const int64_t distance = row.day > msg.day ? row.day - msg.day : msg.day - row.day;
      if (distance > options.mirror_max_lag_days) continue;
      int link;
      if (!msg.reference.empty() && msg.reference == row.reference) {
        link = 0;
      } else if (is_message) {
        continue;  // two messages are one payment only by their reference
      } else if (!msg.counterparty_account.empty() && msg.counterparty_account == row.counterparty_account) {
        link = 1;
      } else if (msg.reference.size() >= 8 && row.description.find(msg.reference) != std::string::npos) {
        link = 2;
      } else {
        continue;
      }
      auto candidate = std::make_tuple(is_message ? 1 : 0, link, distance, row.file, row.line, s);
      if (!best || candidate < *best) best = candidate;
    }
    if (!best) continue;
    const uint64_t s = std::get<5>(*best);
    if (!files[lines[s].file].payment_messages) used[s] = 1;
    report.carried_by[m] = s;
    report.duplicates.push_back(Duplicate{RefOf(lines, s), RefOf(lines, m)});
  }
  if (report.duplicates.size() != before) {
    std::sort(report.duplicates.begin(), report.duplicates.end(),
              [](const Duplicate& a, const Duplicate& b) { return a.duplicate.index < b.duplicate.index; });
  }
}

void MatchMirrors(std::span<const StatementLine> lines, const CheckOptions& options,
                  CheckReport& report) {
  std::unordered_map<BucketKey, std::vector<uint64_t>, BucketKeyHash> credits;
  for (uint64_t i = 0; i < lines.size(); ++i)
    if (report.carried_by[i] == i && lines[i].amount > 0)
      credits[{lines[i].currency, Normalize(lines[i].amount, lines[i].scale)}].push_back(i);
  for (auto& [key, rows] : credits)
    std::stable_sort(rows.begin(), rows.end(),
                     [&](uint64_t a, uint64_t b) { return lines[a].day < lines[b].day; });

  PhaseMark("checks: mirrors: credits bucketed");
  // Each debit's candidates depend on that debit alone (the credits and carried_by are only
  // read): the debits are searched in blocks on the threads, each block's candidates in debit
  // order, and the blocks joined in order, so `candidates` is what one pass in debit order
  // gives (and the sort below orders it totally: no two candidates have the same lines).
  constexpr uint64_t kBlock = 16384;
  const uint64_t blocks = (lines.size() + kBlock - 1) / kBlock;
  std::vector<std::vector<Candidate>> found(blocks);
  tbb::parallel_for(tbb::blocked_range<uint64_t>(0, blocks, 1),
                    [&](const tbb::blocked_range<uint64_t>& range) {
    for (uint64_t b = range.begin(); b != range.end(); ++b) {
      std::vector<Candidate>& out = found[b];
      const uint64_t end = std::min<uint64_t>(lines.size(), (b + 1) * kBlock);
      for (uint64_t d = b * kBlock; d < end; ++d) {
        const StatementLine& debit = lines[d];
        if (report.carried_by[d] != d || debit.amount >= 0) continue;
        auto it = credits.find({debit.currency, -Normalize(debit.amount, debit.scale)});
        if (it == credits.end()) continue;
        const std::vector<uint64_t>& rows = it->second;
        auto first = std::lower_bound(rows.begin(), rows.end(), debit.day,
                                      [&](uint64_t c, int64_t day) { return lines[c].day < day; });
        for (auto c = first;
             c != rows.end() && lines[*c].day - debit.day <= options.mirror_max_lag_days; ++c) {
          const StatementLine& credit = lines[*c];
          if (credit.account == debit.account) continue;
          if (std::optional<MirrorLink> why = Link(debit, credit, options.mirror_last4))
            out.push_back(Candidate{*why, credit.day - debit.day, d, *c});
        }
      }
    }
  });
  size_t total = 0;
  for (const auto& f : found) total += f.size();
  std::vector<Candidate> candidates;
  candidates.reserve(total);
  for (auto& f : found) {
    candidates.insert(candidates.end(), f.begin(), f.end());
    std::vector<Candidate>().swap(f);
  }
  auto order = [&](const Candidate& a, const Candidate& b) {
    const StatementLine &ad = lines[a.debit], &ac = lines[a.credit];
    const StatementLine &bd = lines[b.debit], &bc = lines[b.credit];
    return std::tie(a.why, a.lag, ad.file, ad.line, ac.file, ac.line) <
           std::tie(b.why, b.lag, bd.file, bd.line, bc.file, bc.line);
  };
  PhaseMark("checks: mirrors: candidates (parallel)");
  std::sort(candidates.begin(), candidates.end(), order);
  std::vector<uint8_t> used(lines.size(), 0);
  for (const Candidate& c : candidates) {
    if (used[c.debit] || used[c.credit]) continue;
    used[c.debit] = used[c.credit] = 1;
    report.carried_by[c.credit] = c.debit;
    report.mirrors.push_back(Mirror{RefOf(lines, c.debit), RefOf(lines, c.credit), c.why, c.lag});
  }
  std::sort(report.mirrors.begin(), report.mirrors.end(),
            [](const Mirror& a, const Mirror& b) { return a.debit.index < b.debit.index; });
}

}  // namespace moneytrail::statements::statements_internal
