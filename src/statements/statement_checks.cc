// CheckStatements: validation, the statements, running balances and continuity. Overlaps and
// mirrors are in overlaps_mirrors.cc. Definitions: docs/statement-checks.md.
#include "moneytrail/statement_checks.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <utility>

#include <fmt/format.h>

#include "moneytrail/phase_log.h"
#include "statements/checks_internal.h"

namespace moneytrail::statements {
namespace statements_internal {

namespace {
constexpr Int128 Pow10(int n) {
  Int128 p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}
}  // namespace

Int128 Normalize(int64_t units, uint8_t scale) {
  return static_cast<Int128>(units) * Pow10(kNormScale - scale);
}

Result<Decimal> Denormalize(Int128 value, uint8_t min_scale) {
  int scale = min_scale;
  while (scale < kNormScale && value % Pow10(kNormScale - scale) != 0) ++scale;
  Int128 units = value / Pow10(kNormScale - scale);
  if (units > kMaxDecimalUnits || units < -kMaxDecimalUnits)
    return OutOfRangeError("a computed balance does not fit 18 digits");
  return Decimal{static_cast<int64_t>(units), static_cast<uint8_t>(scale)};
}

Result<Int128> CheckedAdd(Int128 a, Int128 b, const Place& where) {
  Int128 sum;
  if (__builtin_add_overflow(a, b, &sum))
    return OutOfRangeError(fmt::format("{}: running balance overflows 128 bits", where.ToString()));
  return sum;
}

std::string Place::ToString() const {
  return line == 0 ? fmt::format("file {} ({})", file, path) : fmt::format("{}:{}", path, line);
}

LineRef RefOf(std::span<const StatementLine> lines, uint64_t index) {
  return LineRef{index, lines[index].file, lines[index].line};
}

}  // namespace statements_internal

namespace {
using namespace statements_internal;

constexpr int64_t kMinDay = -719162;  // 0001-01-01
constexpr int64_t kMaxDay = 2932896;  // 9999-12-31

Place Where(std::span<const StatementFile> files, uint32_t file, uint64_t line) {
  return Place{files[file].path, file, line};
}

Status CheckMoney(std::optional<int64_t> units, uint8_t scale, const Place& where,
                  std::string_view field) {
  if (scale > kMaxDecimalScale)
    return InvalidArgumentError(
        fmt::format("{}: {}: scale {} is above 18", where.ToString(), field, scale));
  if (units && (*units > kMaxDecimalUnits || *units < -kMaxDecimalUnits))
    return InvalidArgumentError(
        fmt::format("{}: {}: {} units exceed 18 digits", where.ToString(), field, *units));
  return Status();
}

Status CheckDay(std::optional<int64_t> day, const Place& where, std::string_view field) {
  if (day && (*day < kMinDay || *day > kMaxDay))
    return InvalidArgumentError(fmt::format(
        "{}: {}: day {} is outside 0001-01-01..9999-12-31 (days since 1970-01-01)", where.ToString(), field,
        *day));
  return Status();
}

Status Validate(std::span<const StatementFile> files, std::span<const StatementLine> lines,
                const CheckOptions& options) {
  if (options.mirror_max_lag_days < 0 || options.mirror_max_lag_days > 366)
    return InvalidArgumentError(fmt::format("mirror_max_lag_days: {} is outside 0..366",
                                            options.mirror_max_lag_days));
  for (size_t k = 0; k < files.size(); ++k) {
    const StatementFile& f = files[k];
    Place place{f.path, static_cast<uint32_t>(k), 0};
    std::string where = place.ToString();
    if (f.file != k)
      return InvalidArgumentError(fmt::format("{}: file index is {}, expected {}", where, f.file, k));
    bool has_banner = f.period_begin_day || f.period_end_day || f.opening_balance ||
                      f.closing_balance;
    if (has_banner && (f.account.empty() || f.currency.empty()))
      return InvalidArgumentError(
          fmt::format("{}: banner period or balances given without an account and currency", where));
    MT_RETURN_IF_ERROR(CheckMoney(f.opening_balance, f.scale, place, "opening_balance"));
    MT_RETURN_IF_ERROR(CheckMoney(f.closing_balance, f.scale, place, "closing_balance"));
    MT_RETURN_IF_ERROR(CheckDay(f.period_begin_day, place, "period_begin_day"));
    MT_RETURN_IF_ERROR(CheckDay(f.period_end_day, place, "period_end_day"));
    if (f.period_begin_day && f.period_end_day && *f.period_begin_day > *f.period_end_day)
      return InvalidArgumentError(fmt::format("{}: period begins after it ends", where));
  }
  std::vector<uint64_t> last_line(files.size(), 0);
  for (size_t i = 0; i < lines.size(); ++i) {
    const StatementLine& l = lines[i];
    if (l.file >= files.size())
      return InvalidArgumentError(fmt::format("statement line {} (physical line {}): file {} is "
                                              "not among the {} files",
                                              i, l.line, l.file, files.size()));
    Place where = Where(files, l.file, l.line);
    if (l.line <= last_line[l.file])
      return InvalidArgumentError(fmt::format(
          "{}: line numbers must increase within a file (previous row was line {})", where.ToString(),
          last_line[l.file]));
    last_line[l.file] = l.line;
    if (l.account.empty()) return InvalidArgumentError(where.ToString() + ": account is empty");
    if (l.currency.empty()) return InvalidArgumentError(where.ToString() + ": currency is empty");
    MT_RETURN_IF_ERROR(CheckMoney(l.amount, l.scale, where, "amount"));
    MT_RETURN_IF_ERROR(CheckMoney(l.balance, l.scale, where, "balance"));
    MT_RETURN_IF_ERROR(CheckDay(l.day, where, "day"));
  }
  return Status();
}

// The statements in (file, first row) order; a banner statement without rows ends its file.
std::vector<Statement> BuildStatements(std::span<const StatementFile> files,
                                       std::span<const StatementLine> lines) {
  std::map<std::tuple<uint32_t, std::string_view, std::string_view>, size_t> index;
  std::vector<Statement> statements;
  auto find_or_add = [&](uint32_t file, std::string_view account, std::string_view currency) {
    auto [it, added] = index.try_emplace({file, account, currency}, statements.size());
    if (added) statements.push_back(Statement{.file = file, .account = std::string(account),
                                              .currency = std::string(currency)});
    return it->second;
  };
  size_t cached = SIZE_MAX;
  for (size_t i = 0; i < lines.size(); ++i) {
    const StatementLine& l = lines[i];
    if (cached == SIZE_MAX || statements[cached].file != l.file ||
        statements[cached].account != l.account || statements[cached].currency != l.currency)
      cached = find_or_add(l.file, l.account, l.currency);
    statements[cached].rows.push_back(i);
  }
  for (const StatementFile& f : files) {
    if (f.account.empty()) continue;
    statements[find_or_add(f.file, f.account, f.currency)].banner = true;
  }
  std::stable_sort(statements.begin(), statements.end(), [](const Statement& a, const Statement& b) {
    uint64_t fa = a.rows.empty() ? UINT64_MAX : a.rows.front();
    uint64_t fb = b.rows.empty() ? UINT64_MAX : b.rows.front();
    return std::tie(a.file, fa) < std::tie(b.file, fb);
  });
  return statements;
}

// The statement's rows oldest first: in file order, or reversed when the file lists the newest
// first (days non-increasing and not all equal).
std::vector<uint64_t> ChronologicalRows(std::span<const StatementLine> lines, const Statement& s) {
  bool rising = false, falling = false;
  for (size_t k = 1; k < s.rows.size(); ++k) {
    int64_t a = lines[s.rows[k - 1]].day, b = lines[s.rows[k]].day;
    rising |= b > a;
    falling |= b < a;
  }
  std::vector<uint64_t> rows = s.rows;
  if (falling && !rising) std::reverse(rows.begin(), rows.end());
  return rows;
}

// The running-balance walk of one statement; sets its days, opening and closing.
Status WalkBalances(std::span<const StatementFile> files, std::span<const StatementLine> lines,
                    Statement& s, std::vector<BalanceBreak>& balance_breaks) {
  const StatementFile& f = files[s.file];
  std::optional<Int128> prev;
  uint8_t prev_scale = 0;
  if (s.banner && f.opening_balance) {
    prev = s.opening = Normalize(*f.opening_balance, f.scale);
    prev_scale = s.opening_scale = f.scale;
  }
  Int128 before_first_balance = 0;  // amounts up to the first row with a balance
  for (uint64_t i : ChronologicalRows(lines, s)) {
    const StatementLine& l = lines[i];
    Place where = Where(files, l.file, l.line);
    Int128 amount = Normalize(l.amount, l.scale);
    if (!s.opening) {
      MT_ASSIGN_OR_RETURN(before_first_balance, CheckedAdd(before_first_balance, amount, where));
    }
    std::optional<Int128> found;
    if (l.balance) found = Normalize(*l.balance, l.scale);
    if (prev) {
      MT_ASSIGN_OR_RETURN(Int128 expected, CheckedAdd(*prev, amount, where));
      if (found && *found != expected) {
        MT_ASSIGN_OR_RETURN(Decimal e, Denormalize(expected, l.scale));
        balance_breaks.push_back(BalanceBreak{
            .kind = BalanceBreakKind::kRow, .at = RefOf(lines, i), .file = s.file,
            .account = s.account, .currency = s.currency, .expected = e,
            .found = Decimal{*l.balance, l.scale}});
      }
      prev = found ? *found : expected;
      prev_scale = found ? l.scale : std::max(prev_scale, l.scale);
    } else if (found) {
      prev = found;
      prev_scale = l.scale;
      MT_ASSIGN_OR_RETURN(s.opening, CheckedAdd(*found, -before_first_balance, where));
      s.opening_scale = l.scale;
    }
    s.first_day = s.first_day ? std::min(*s.first_day, l.day) : l.day;
    s.last_day = s.last_day ? std::max(*s.last_day, l.day) : l.day;
  }
  if (s.banner && f.period_begin_day) s.first_day = f.period_begin_day;
  if (s.banner && f.period_end_day) s.last_day = f.period_end_day;
  s.closing = prev;
  s.closing_scale = prev_scale;
  if (s.banner && f.closing_balance) {
    Int128 closing = Normalize(*f.closing_balance, f.scale);
    if (prev && *prev != closing) {
      MT_ASSIGN_OR_RETURN(Decimal e, Denormalize(*prev, prev_scale));
      std::optional<LineRef> at;
      if (!s.rows.empty()) at = RefOf(lines, ChronologicalRows(lines, s).back());
      balance_breaks.push_back(BalanceBreak{
          .kind = BalanceBreakKind::kClosing, .at = at, .file = s.file, .account = s.account,
          .currency = s.currency, .expected = e, .found = Decimal{*f.closing_balance, f.scale}});
    }
    s.closing = closing;
    s.closing_scale = f.scale;
  }
  return Status();
}

// Continuity breaks and gaps of one account's statements (in continuity order).
Status CheckContinuity(const AccountGroup& group, CheckReport& report) {
  const Statement* p = nullptr;  // the earlier statement that ends last (the latest on ties)
  for (const Statement* b : group) {
    if (p != nullptr && *b->first_day > *p->last_day) {
      if (p->closing && b->opening && *p->closing != *b->opening) {
        MT_ASSIGN_OR_RETURN(Decimal closing, Denormalize(*p->closing, p->closing_scale));
        MT_ASSIGN_OR_RETURN(Decimal opening, Denormalize(*b->opening, b->opening_scale));
        report.continuity_breaks.push_back(ContinuityBreak{
            .account = b->account, .currency = b->currency, .earlier_file = p->file,
            .later_file = b->file, .earlier_last_day = *p->last_day,
            .later_first_day = *b->first_day, .earlier_closing = closing,
            .later_opening = opening});
      }
      if (*b->first_day > *p->last_day + 1)
        report.gaps.push_back(CoverageGap{.account = b->account, .currency = b->currency,
                                          .first_day = *p->last_day + 1,
                                          .last_day = *b->first_day - 1, .before_file = p->file,
                                          .after_file = b->file});
    }
    if (p == nullptr || *b->last_day >= *p->last_day) p = b;
  }
  return Status();
}

}  // namespace

Result<CheckReport> CheckStatements(std::span<const StatementFile> files,
                                    std::span<const StatementLine> lines,
                                    const CheckOptions& options) {
  PhaseMark("checks: start");
  MT_RETURN_IF_ERROR(Validate(files, lines, options));
  PhaseMark("checks: validated");
  CheckReport report;
  for (const StatementFile& f : files) report.file_paths.push_back(f.path);
  std::vector<Statement> statements = BuildStatements(files, lines);
  // Each statement's walk reads only its own rows and sets only its own fields: the walks run
  // on the threads, each into its own list of breaks, joined in statement order (and the first
  // error in that order returned), as one pass in order gives.
  {
    std::vector<std::vector<BalanceBreak>> walked(statements.size());
    std::vector<Status> walk_status(statements.size());
    tbb::parallel_for(tbb::blocked_range<size_t>(0, statements.size(), 256),
                      [&](const tbb::blocked_range<size_t>& range) {
      for (size_t i = range.begin(); i != range.end(); ++i) {
        walk_status[i] = WalkBalances(files, lines, statements[i], walked[i]);
      }
    });
    for (size_t i = 0; i < statements.size(); ++i) {
      MT_RETURN_IF_ERROR(walk_status[i]);
      report.balance_breaks.insert(report.balance_breaks.end(), walked[i].begin(),
                                   walked[i].end());
    }
  }

  PhaseMark("checks: statements, balances");
  std::map<std::pair<std::string_view, std::string_view>, AccountGroup> by_account;
  for (const Statement& s : statements)
    if (s.has_days() && !files[s.file].payment_messages) by_account[{s.account, s.currency}].push_back(&s);
  std::vector<AccountGroup> groups;
  for (auto& [key, group] : by_account) {
    std::stable_sort(group.begin(), group.end(), [](const Statement* a, const Statement* b) {
      return std::tie(*a->first_day, *a->last_day, a->file) <
             std::tie(*b->first_day, *b->last_day, b->file);
    });
    MT_RETURN_IF_ERROR(CheckContinuity(group, report));
    groups.push_back(std::move(group));
  }

  report.carried_by.resize(lines.size());
  for (uint64_t i = 0; i < lines.size(); ++i) report.carried_by[i] = i;
  PhaseMark("checks: continuity");
  MatchOverlaps(lines, groups, report);
  PhaseMark("checks: overlaps");
  MatchPaymentMessages(files, lines, options, report);
  MatchMirrors(lines, options, report);
  PhaseMark("checks: mirrors");
  // Chains end at a kept line: a duplicate points to an earlier statement's row, a mirror's
  // credit to its debit, and a debit is never dropped.
  report.drop.assign(lines.size(), 0);
  for (uint64_t i = 0; i < lines.size(); ++i) {
    uint64_t root = report.carried_by[i];
    while (report.carried_by[root] != root) root = report.carried_by[root];
    report.carried_by[i] = root;
    report.drop[i] = root != i;
  }
  return report;
}

}  // namespace moneytrail::statements
