#include "rules/posting_order.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "moneytrail/transaction.h"

namespace moneytrail::rules::rules_internal {
namespace {

struct RawLine {
  TransactionId tx;
  uint32_t file, line;
  uint8_t role;  // 0 row, 1 duplicate, 2 mirror-credit
  std::optional<Decimal> balance;  // the running balance printed after the line
};

// The sixth field (balance) after the pattern, which starts at `text[start]` and may be quoted;
// empty when the line has no sixth field or it is empty.
Status ParseBalance(std::string_view text, size_t start, const std::string& where, std::optional<Decimal>& out) {
  size_t i = start;
  if (i < text.size() && text[i] == '"') {
    for (++i; i < text.size(); ++i) {
      if (text[i] != '"') continue;
      if (i + 1 < text.size() && text[i + 1] == '"') {
        ++i;
        continue;
      }
      ++i;
      break;
    }
  } else {
    while (i < text.size() && text[i] != ',') ++i;
  }
  if (i >= text.size() || text[i] != ',') return Status::Ok();  // five fields: no balance
  std::string_view field = text.substr(i + 1);
  if (!field.empty() && field.back() == '\r') field.remove_suffix(1);
  if (field.empty()) return Status::Ok();
  Result<Decimal> d = ParseDecimal(field);
  if (!d.ok()) {
    return DataLossError(fmt::format("{}: field balance: '{}' is not an amount: {}", where, field, d.status().message()));
  }
  out = *d;
  return Status::Ok();
}

// Parses one data line of statement-lines.csv: transaction,source,line,role,pattern[,balance]
// (the pattern may be quoted and is not needed).
Status ParseLine(std::string_view text, const store::Store& s, const std::string& where, RawLine& out) {
  std::string_view fields[4];
  size_t start = 0;
  for (int k = 0; k < 4; ++k) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos && k < 3) {
      return DataLossError(fmt::format("{}: expected transaction,source,line,role,pattern, got '{}'", where, text));
    }
    fields[k] = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    start = comma == std::string_view::npos ? text.size() : comma + 1;
  }
  auto number = [&](std::string_view field, const char* name, uint64_t limit, uint64_t& value) -> Status {
    auto [p, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
    if (ec != std::errc() || p != field.data() + field.size() || value >= limit) {
      return DataLossError(fmt::format("{}: field {}: '{}' is not a number below {}", where, name, field, limit));
    }
    return Status::Ok();
  };
  uint64_t tx = 0, file = 0, line = 0;
  MT_RETURN_IF_ERROR(number(fields[0], "transaction", s.transaction_count(), tx));
  MT_RETURN_IF_ERROR(number(fields[1], "source", s.sources().size(), file));
  MT_RETURN_IF_ERROR(number(fields[2], "line", uint64_t{1} << 32, line));
  if (fields[3] == "row") {
    out.role = 0;
  } else if (fields[3] == "duplicate") {
    out.role = 1;
  } else if (fields[3] == "mirror-credit") {
    out.role = 2;
  } else {
    return DataLossError(fmt::format("{}: field role: '{}' is not row, duplicate or mirror-credit", where, fields[3]));
  }
  out.tx = static_cast<TransactionId>(tx);
  out.file = static_cast<uint32_t>(file);
  out.line = static_cast<uint32_t>(line);
  return ParseBalance(text, start, where, out.balance);
}

// Whether `previous` plus the line's signed amount at `account` (a credit adds) is `balance`.
bool Chains(const store::Store& s, const PostingLine& line, Decimal previous, Decimal balance) {
  DecimalSum sum;
  if (!sum.Add(previous).ok()) return false;
  const bool credit = s.destination()[line.tx] == line.account;
  if (credit == (s.source()[line.tx] == line.account)) return false;  // both ends or neither: not a statement row
  if (!(credit ? sum.Add(s.amount_received(line.tx)) : sum.Subtract(s.amount_paid(line.tx))).ok()) return false;
  Result<Decimal> expected = sum.value();
  return expected.ok() && CompareDecimal(*expected, balance) == 0;
}

constexpr AccountId kNoAccount = UINT32_MAX;

}  // namespace

Result<PostingOrder> PostingOrder::Load(const store::Store& s, std::span<const uint8_t> account_kind) {
  std::vector<RawLine> raw;
  for (const store::CommitFile& f : s.commit_files()) {
    if (f.name != "statement-lines.csv") continue;
    MT_ASSIGN_OR_RETURN(std::string text, s.ReadCommitFile(f.segment, f.name));
    size_t pos = text.find('\n');  // the header
    uint64_t line_no = 1;
    while (pos != std::string::npos && pos + 1 < text.size()) {
      size_t end = text.find('\n', pos + 1);
      std::string_view row(text.data() + pos + 1, (end == std::string::npos ? text.size() : end) - pos - 1);
      ++line_no;
      pos = end;
      if (row.empty()) continue;
      RawLine r{};
      MT_RETURN_IF_ERROR(
          ParseLine(row, s, fmt::format("segment {} statement-lines.csv:{}", f.segment, line_no), r));
      raw.push_back(r);
    }
  }
  PostingOrder order;
  if (raw.empty()) return order;
  auto source = s.source();
  auto destination = s.destination();
  auto is_account = [&](AccountId a) { return account_kind[a] == static_cast<uint8_t>(NodeKind::kAccount); };
  // Mirror transfers: their kept line is the payer's debit.
  std::set<TransactionId> mirrors;
  for (const RawLine& r : raw) {
    if (r.role == 2) mirrors.insert(r.tx);
  }
  // First pass: the lines whose account the transaction alone tells; the accounts each file is of.
  std::vector<AccountId> account(raw.size(), kNoAccount);
  std::map<uint32_t, std::set<AccountId>> file_accounts;
  for (size_t i = 0; i < raw.size(); ++i) {
    const RawLine& r = raw[i];
    const AccountId src = source[r.tx], dst = destination[r.tx];
    if (r.role == 2) {
      account[i] = dst;
    } else if (r.role == 0 && mirrors.count(r.tx)) {
      account[i] = src;
    } else if (is_account(src) != is_account(dst) || src == dst) {
      account[i] = is_account(src) ? src : dst;
    } else {
      continue;  // two bank-account ends (or none): the file's other lines decide
    }
    if (is_account(account[i])) file_accounts[r.file].insert(account[i]);
  }
  for (size_t i = 0; i < raw.size(); ++i) {
    if (account[i] != kNoAccount) continue;
    const RawLine& r = raw[i];
    const std::set<AccountId>& of_file = file_accounts[r.file];
    const bool src_in = of_file.count(source[r.tx]) > 0, dst_in = of_file.count(destination[r.tx]) > 0;
    if (src_in != dst_in) account[i] = src_in ? source[r.tx] : destination[r.tx];
  }
  // Per (file, account): the lines in line order, ordered when their dates are monotone.
  std::vector<PostingLine> lines;
  std::vector<std::optional<Decimal>> balance;  // per entry of `lines` before sorting
  for (size_t i = 0; i < raw.size(); ++i) {
    if (account[i] == kNoAccount || !is_account(account[i])) continue;
    lines.push_back(PostingLine{raw[i].tx, account[i], raw[i].file, raw[i].line, 0, false});
    balance.push_back(raw[i].balance);
  }
  {
    std::vector<size_t> by_line(lines.size());
    for (size_t k = 0; k < by_line.size(); ++k) by_line[k] = k;
    std::sort(by_line.begin(), by_line.end(), [&](size_t a, size_t b) {
      const PostingLine &x = lines[a], &y = lines[b];
      if (x.file != y.file) return x.file < y.file;
      if (x.account != y.account) return x.account < y.account;
      return x.line < y.line;
    });
    std::vector<PostingLine> sorted_lines;
    std::vector<std::optional<Decimal>> sorted_balance;
    for (size_t k : by_line) {
      sorted_lines.push_back(lines[k]);
      sorted_balance.push_back(balance[k]);
    }
    lines.swap(sorted_lines);
    balance.swap(sorted_balance);
  }
  auto time = s.time();
  for (size_t i = 0; i < lines.size();) {
    size_t j = i;
    bool up = false, down = false;
    while (j < lines.size() && lines[j].file == lines[i].file && lines[j].account == lines[i].account) {
      if (j > i) {
        up |= time[lines[j].tx] > time[lines[j - 1].tx];
        down |= time[lines[j].tx] < time[lines[j - 1].tx];
      }
      ++j;
    }
    if (up != down) {
      // Posting order: the lines [i, j) top to bottom, or bottom to top in a newest-first file.
      std::vector<size_t> posted;
      for (size_t k = i; k < j; ++k) posted.push_back(k);
      if (down) std::reverse(posted.begin(), posted.end());
      for (size_t p = 0; p < posted.size();) {
        size_t q = p;  // the day's lines posted[p, q)
        while (q < posted.size() && time[lines[posted[q]].tx] == time[lines[posted[p]].tx]) ++q;
        // Whether the pair of consecutive lines posted[k - 1], posted[k] chains: 1 it does, 0 it
        // does not, -1 a balance is not printed.
        auto chains_at = [&](size_t k) {
          const std::optional<Decimal>&previous = balance[posted[k - 1]], &current = balance[posted[k]];
          if (!previous || !current) return -1;
          return Chains(s, lines[posted[k]], *previous, *current) ? 1 : 0;
        };
        bool all_chain = q - p >= 2, inner_checked = true;
        int inner_breaks = 0;
        for (size_t k = p + 1; k < q; ++k) {
          const int c = chains_at(k);
          all_chain = all_chain && c == 1;
          inner_checked = inner_checked && c != -1;
          inner_breaks += c == 0;
        }
        // The day's first line against the line posted before it, and its last against the line
        // after it (the neighbouring days' lines of the file). Lines out of posting order break
        // the chain at two of these places at least, or at one of the day's edges (an outflow and
        // an inflow of one amount printed the other way round chain with each other). So the day
        // keeps its order with no break, or with one break inside it where every pair around the
        // day is printed and chains: a line missing from the statement there (its amount in the
        // later balances), or a misprinted balance. Otherwise the file gives the day no order.
        const int before = p > 0 ? chains_at(p) : -1, after = q < posted.size() ? chains_at(q) : -1;
        const int breaks = inner_breaks + (before == 0) + (after == 0);
        const bool contradicted =
            q - p >= 2 && (breaks >= 2 || (breaks == 1 && !(inner_breaks == 1 && inner_checked && before == 1 && after == 1)));
        for (size_t k = p; k < q && !contradicted; ++k) {
          PostingLine& l = lines[posted[k]];
          l.position = up ? int64_t{l.line} : -int64_t{l.line};
          l.balance_confirmed = all_chain;
          order.lines_.push_back(l);
        }
        p = q;
      }
    }
    i = j;
  }
  std::sort(order.lines_.begin(), order.lines_.end(), [](const PostingLine& x, const PostingLine& y) {
    if (x.tx != y.tx) return x.tx < y.tx;
    if (x.account != y.account) return x.account < y.account;
    if (x.file != y.file) return x.file < y.file;
    return x.line < y.line;
  });
  return order;
}

std::span<const PostingLine> PostingOrder::Of(TransactionId tx, AccountId account) const {
  auto lo = std::lower_bound(lines_.begin(), lines_.end(), std::pair{tx, account},
                             [](const PostingLine& l, const std::pair<TransactionId, AccountId>& k) {
                               return l.tx != k.first ? l.tx < k.first : l.account < k.second;
                             });
  auto hi = lo;
  while (hi != lines_.end() && hi->tx == tx && hi->account == account) ++hi;
  return {lo, hi};
}

OrderBasis PostingOrder::Compare(TransactionId first, TransactionId second, AccountId account) const {
  OrderBasis basis;
  if (first == second) return basis;
  std::span<const PostingLine> a = Of(first, account), b = Of(second, account);
  int verdict = 0;  // 1 first before second, -1 after, 2 disagree
  for (const PostingLine& x : a) {
    for (const PostingLine& y : b) {
      if (x.file != y.file) continue;
      const int v = x.position < y.position ? 1 : -1;
      if (verdict == 0) {
        verdict = v;
        basis.file = x.file;
        basis.first_line = x.line;
        basis.second_line = y.line;
        basis.balance_confirmed = x.balance_confirmed && y.balance_confirmed;
      } else if (verdict != v) {
        verdict = 2;
      }
    }
  }
  basis.known = verdict == 1 || verdict == -1;
  basis.first_before_second = verdict == 1;
  return basis;
}

std::string OrderBasisText(const store::Store& store, const OrderBasis& basis, std::string_view what) {
  const std::string name =
      basis.file < store.sources().size() ? std::filesystem::path(store.sources()[basis.file].path).filename().string()
                                          : fmt::format("source {}", basis.file);
  return fmt::format("same day, posted after {}: line {} after line {} of {}{}", what, basis.second_line,
                     basis.first_line, name, basis.balance_confirmed ? "; the running balance chains" : "");
}

}  // namespace moneytrail::rules::rules_internal
