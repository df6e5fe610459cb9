#include "statement_reconcile.h"

#include <sys/mman.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <charconv>
#include <limits>
#include <new>
#include <span>
#include <type_traits>
#include <unordered_map>
#include <nlohmann/json.hpp>

#include "moneytrail/csv.h"
#include "moneytrail/enrich.h"
#include "moneytrail/file_util.h"
#include "moneytrail/hash.h"
#include "moneytrail/json_text.h"
#include "moneytrail/phase_log.h"

namespace moneytrail::io_internal {
namespace {

constexpr size_t kUnmatchedListed = 100;

int64_t DayOf(Timestamp t) { return t >= 0 ? t / 86400 : -((-t + 86399) / 86400); }

// `d` at `scale` (>= d.scale); false when it leaves the Decimal range.
bool Rescale(Decimal d, uint8_t scale, int64_t& units) {
  Int128 u = d.units;
  for (uint8_t s = d.scale; s < scale; ++s) u *= 10;
  if (u > kMaxDecimalUnits || u < -kMaxDecimalUnits) return false;
  units = static_cast<int64_t>(u);
  return true;
}

bool IsCash(Channel c) {
  return c == Channel::kCashDeposit || c == Channel::kCashWithdrawal || c == Channel::kCash;
}

// Sizes `v` to `n` value-initialised elements. The per-row arrays of a large intake are
// touched first here; on Linux they are advised to use transparent huge pages, so that a
// million rows fault in about a hundred 2 MiB pages instead of ~50,000 4 KiB ones (a page
// fault costs microseconds on a virtual machine: bench/RESULTS-statements.md). Advice only:
// the contents are the same whether or not the kernel follows it.
template <typename T>
void ResizeAdvised(std::vector<T>& v, size_t n) {
  v.reserve(n);
#ifdef MADV_HUGEPAGE
  constexpr uintptr_t kHugePage = uintptr_t{2} << 20;
  const size_t bytes = n * sizeof(T);
  if (bytes >= 4 * kHugePage) {
    const uintptr_t at = reinterpret_cast<uintptr_t>(v.data());
    const uintptr_t begin = (at + kHugePage - 1) & ~(kHugePage - 1);
    const uintptr_t end = (at + bytes) & ~(kHugePage - 1);
    if (end > begin) {
      (void)madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
    }
  }
#endif
  v.resize(n);
}

// Storage for the check lines of a call, whose slots the parallel pass constructs (each task
// its own file's): the first touch of ~136 bytes per row (page faults, the kernel zeroing the
// pages) then happens on the worker threads, not serially before them as a value-initialised
// vector's would (bench/RESULTS-statements.md, "Session 14"). Huge pages are advised as in
// ResizeAdvised. REQUIRES: every slot is constructed (Construct) before span() is read.
class LineSlots {
 public:
  static_assert(std::is_trivially_destructible_v<statements::StatementLine>);
  explicit LineSlots(size_t n) : n_(n) {
    if (n_ == 0) return;
    data_ = static_cast<statements::StatementLine*>(::operator new(
        n_ * sizeof(statements::StatementLine), std::align_val_t{alignof(statements::StatementLine)}));
#ifdef MADV_HUGEPAGE
    constexpr uintptr_t kHugePage = uintptr_t{2} << 20;
    const size_t bytes = n_ * sizeof(statements::StatementLine);
    if (bytes >= 4 * kHugePage) {
      const uintptr_t at = reinterpret_cast<uintptr_t>(data_);
      const uintptr_t begin = (at + kHugePage - 1) & ~(kHugePage - 1);
      const uintptr_t end = (at + bytes) & ~(kHugePage - 1);
      if (end > begin) (void)madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
    }
#endif
  }
  ~LineSlots() {
    if (data_ != nullptr) {
      ::operator delete(data_, std::align_val_t{alignof(statements::StatementLine)});
    }
  }
  LineSlots(const LineSlots&) = delete;
  LineSlots& operator=(const LineSlots&) = delete;
  // Constructs slot `i` (a default StatementLine) and returns it. REQUIRES: i < size, once.
  statements::StatementLine& Construct(size_t i) { return *new (data_ + i) statements::StatementLine(); }
  std::span<const statements::StatementLine> span() const { return {data_, n_}; }

 private:
  size_t n_ = 0;
  statements::StatementLine* data_ = nullptr;
};

// Text kept by Keep goes into chunks of the file's arena of at least this many bytes: one
// allocation per chunk rather than one per kept string. Small, because most files keep only a
// few hundred bytes (Keep reuses a string it kept recently) and every file has a chunk.
constexpr size_t kArenaChunk = 1024;

// Keeps `text` alive as long as the file: views of rows point into the file's arena. Appends
// to the arena's last string only within its capacity, so that the string never moves and
// every view into it (Keep's or the row parser's) stays valid. Text equal to one of the last
// few kept (StatementFile::kept_recently) is that copy's view: the same bytes either way.
std::string_view Keep(StatementFile& f, std::string_view text) {
  if (text.empty()) return {};
  for (std::string_view kept : f.kept_recently) {
    if (kept == text) return kept;
  }
  if (f.arena.empty() || f.arena.back().capacity() - f.arena.back().size() < text.size()) {
    f.arena.emplace_back().reserve(std::max(kArenaChunk, text.size()));
  }
  std::string& chunk = f.arena.back();
  const size_t at = chunk.size();
  chunk.append(text);
  const std::string_view kept = std::string_view(chunk).substr(at, text.size());
  f.kept_recently[f.kept_next++ % f.kept_recently.size()] = kept;
  return kept;
}

// Keeps `text` as Keep does, but when the description (`within`, text the file already
// holds) contains it, as the grammar's captures "as written" mostly are, it is a view of that
// part of the description instead of a copy: the same bytes, no memory per row (a reference or
// a beneficiary's name is often new on every row).
std::string_view KeepFrom(StatementFile& f, std::string_view text, std::string_view within) {
  if (text.empty()) return {};
  for (std::string_view kept : f.kept_recently) {
    if (kept == text) return kept;
  }
  if (const size_t at = within.find(text); at != std::string_view::npos) {
    return within.substr(at, text.size());
  }
  return Keep(f, text);
}

// The end of `row` that is not the statement account.
struct OtherEnd {
  NodeKind* kind;
  std::string_view* bank;
  std::string_view* account;
  uint64_t* hash;
  AccountId* id;
};
OtherEnd OtherEndOf(StagedRow& row, const StatementDetail& d) {
  if (d.direction == Direction::kDebit) {
    return {&row.dest_kind, &row.dest_bank, &row.dest_account, &row.dest_hash, &row.dest_id};
  }
  return {&row.source_kind, &row.source_bank, &row.source_account, &row.source_hash,
          &row.source_id};
}
void SetOtherEnd(StagedRow& row, const StatementDetail& d, NodeKind kind, std::string_view bank,
                 std::string_view account) {
  OtherEnd o = OtherEndOf(row, d);
  *o.kind = kind;
  *o.bank = bank;
  *o.account = account;
  *o.hash = HashAccountKey(static_cast<uint8_t>(kind), bank, account);
  *o.id = kNoAccount;
}

// The row's other end is the statement account's own unidentified payer or payee; the
// description stays as the counterparty text.
void SetUnidentified(StatementFile& f, StagedRow& row, const StatementDetail& d) {
  SetOtherEnd(row, d, NodeKind::kExternal, d.statement_bank,
              Keep(f, UnidentifiedParty(d.statement_account, d.direction)));
  row.counterparty = d.description;
}

// Applies one description's enrichment to its row (module comment, step 1).
void ApplyEnrichment(StatementFile& f, StagedRow& row, const StatementDetail& d,
                     const enrich::Enrichment& e) {
  if (row.channel == Channel::kUnknown && e.channel) row.channel = *e.channel;
  const std::string_view text = d.description;
  if (row.city.empty() && !e.city.empty()) row.city = KeepFrom(f, e.city, text);
  if (row.region.empty() && !e.region.empty()) row.region = KeepFrom(f, e.region, text);
  if (row.country.empty() && !e.country.empty()) row.country = KeepFrom(f, e.country, text);
  if (d.counterparty_source != CounterpartySource::kDescription &&
      d.counterparty_source != CounterpartySource::kUnidentified) {
    return;  // the mapping named the other end: the description never overrides it
  }
  if (IsCash(row.channel)) {
    // A cash desk of the statement's bank: its branch (or ATM) id, else its place.
    thread_local std::string where;
    if (!e.branch.empty()) {
      where.assign("branch ").append(e.branch);
    } else if (!e.city.empty()) {
      where.assign(e.city);
      if (!e.region.empty()) where.append(" ").append(e.region);
    } else {
      where.assign("unknown branch");
    }
    SetOtherEnd(row, d, NodeKind::kCash, d.statement_bank, Keep(f, where));
    row.counterparty = {};
    return;
  }
  if (!e.counterparty_key.empty()) {
    // One node per beneficiary, whichever statement names it.
    SetOtherEnd(row, d, NodeKind::kExternal, {}, KeepFrom(f, e.counterparty_key, text));
    row.counterparty = KeepFrom(f, e.counterparty_name, text);
    return;
  }
  if (e.counterparty_account.size() >= 5 &&
      e.counterparty_account.find_first_of("xX*.#") == std::string::npos) {
    SetOtherEnd(row, d, NodeKind::kExternal, KeepFrom(f, e.counterparty_bank, text),
                KeepFrom(f, e.counterparty_account, text));
    return;
  }
  // Understood, but no one named.
  SetUnidentified(f, row, d);
}

// The description was not understood: no guess. The row's other end becomes the account's own
// unidentified payer/payee (instead of a node per distinct description), the description stays
// as the counterparty text.
void LeaveUnidentified(StatementFile& f, StagedRow& row, const StatementDetail& d) {
  if (d.counterparty_source != CounterpartySource::kDescription) return;
  SetUnidentified(f, row, d);
}

std::string Key(std::string_view bank, std::string_view account) {
  return std::string(bank) + ":" + std::string(account);
}

// What the grammar made of one row, for the serial count after the parallel pass.
enum class RowOutcome : uint8_t { kNotEnriched, kEnriched, kUnmatched };

// The checks' view of file `k` (its account, currency and banner values).
statements::StatementFile CheckFileOf(const StatementFile& f, size_t k) {
  statements::StatementFile cf;
  cf.file = static_cast<uint32_t>(k);
  cf.path = std::filesystem::absolute(f.path).lexically_normal().string();
  cf.payment_messages = f.spec.format == "pacs008";
  const FieldSource& account = f.spec.at(Field::kStatementAccount);
  const FieldSource& bank = f.spec.at(Field::kStatementBank);
  if (account.column < 0 && account.has_constant) {
    cf.account = Key(bank.column < 0 && bank.has_constant ? bank.constant : "", account.constant);
  } else if (!f.rows.empty()) {
    StagedRow row;
    StatementDetail d;
    f.rows.Get(0, row, d);
    cf.account = Key(d.statement_bank, d.statement_account);
  }
  cf.currency = !f.rows.empty() ? std::string(f.rows.paid_currency(0))
                                : f.spec.at(Field::kCurrencyPaid).constant;
  if (!cf.account.empty() && !cf.currency.empty()) {
    if (f.banner.period_start) cf.period_begin_day = DayOf(*f.banner.period_start);
    if (f.banner.period_end) cf.period_end_day = DayOf(*f.banner.period_end);
    uint8_t scale = 0;
    if (f.banner.opening_balance) scale = std::max(scale, f.banner.opening_balance->scale);
    if (f.banner.closing_balance) scale = std::max(scale, f.banner.closing_balance->scale);
    cf.scale = scale;
    int64_t units = 0;
    if (f.banner.opening_balance && Rescale(*f.banner.opening_balance, scale, units)) {
      cf.opening_balance = units;
    }
    if (f.banner.closing_balance && Rescale(*f.banner.closing_balance, scale, units)) {
      cf.closing_balance = units;
    }
  }
  if (cf.currency.empty()) cf.currency = "XXX";
  return cf;
}

// Enriches the rows of one file with `grammar` (nullptr: none) and fills their check lines,
// outcomes and patterns (slots first .. first + rows - 1 of the callers' vectors, which only
// this call writes). Touches nothing shared but those slots: runs in parallel over files.
// `pattern_id` maps each pattern id of the grammars to its copy in ReconciledStatements.
using PatternIds = std::unordered_map<std::string_view, std::string_view>;
Status EnrichFile(StatementFile& f, size_t k, const enrich::Grammar* grammar, uint64_t first,
                  const PatternIds& pattern_id, LineSlots& lines,
                  std::vector<RowOutcome>& outcome, std::vector<std::string_view>& patterns) {
  // The check lines' text is borrowed (statement_checks.h): views of the file's text, or kept
  // in its arena; one "bank:number" per account of the file, not one string per row.
  std::string_view account, account_bank, account_number;
  thread_local std::string key;
  StagedRow row;
  StatementDetail d;
  for (size_t i = 0; i < f.rows.size(); ++i) {
    const uint64_t g = first + i;
    f.rows.Get(i, row, d);
    bool changed = false;
    statements::StatementLine& l = lines.Construct(g);
    l.reference = d.reference;
    outcome[g] = RowOutcome::kNotEnriched;
    if (grammar != nullptr && !d.description.empty()) {
      // The grammar's per-thread result: read before the next Lookup on this thread.
      if (const enrich::Enrichment* e =
              grammar->Lookup(d.description, d.direction == Direction::kDebit)) {
        ApplyEnrichment(f, row, d, *e);
        changed = true;
        const auto id = pattern_id.find(e->pattern);
        patterns[g] = id != pattern_id.end() ? id->second : Keep(f, e->pattern);
        if (l.reference.empty()) l.reference = KeepFrom(f, e->reference, d.description);
        outcome[g] = RowOutcome::kEnriched;
      } else {
        LeaveUnidentified(f, row, d);
        changed = true;
        outcome[g] = RowOutcome::kUnmatched;
      }
    }
    l.file = static_cast<uint32_t>(k);
    l.line = row.line;
    if (account.empty() || d.statement_bank != account_bank ||
        d.statement_account != account_number) {
      key.assign(d.statement_bank).append(":").append(d.statement_account);
      account = Keep(f, key);
      account_bank = d.statement_bank;
      account_number = d.statement_account;
    }
    l.account = account;
    l.currency = row.paid_currency;
    l.day = DayOf(row.time);
    uint8_t scale = d.amount.scale;
    if (d.balance) scale = std::max(scale, d.balance->scale);
    l.scale = scale;
    int64_t units = 0;
    if (!Rescale(d.amount, scale, units)) {
      return OutOfRangeError(f.path.string() + ":" + std::to_string(row.line) +
                             ": the amount leaves the range of exact amounts at scale " +
                             std::to_string(scale));
    }
    l.amount = d.direction == Direction::kDebit ? -units : units;
    if (d.balance) {
      if (!Rescale(*d.balance, scale, units)) {
        return OutOfRangeError(f.path.string() + ":" + std::to_string(row.line) +
                               ": the balance leaves the range of exact amounts");
      }
      l.balance = units;
    }
    l.description = d.description;
    if (d.counterparty_source == CounterpartySource::kAccount) {
      OtherEnd o = OtherEndOf(row, d);
      key.assign(*o.bank).append(":").append(*o.account);
      l.counterparty_account = Keep(f, key);
    }
    if (changed) f.rows.Set(i, row, d);
  }
  return Status::Ok();
}

}  // namespace

LoadedGrammars LoadGrammars(const std::vector<RowSpec>& specs) {
  LoadedGrammars out;
  for (const RowSpec& spec : specs) {
    if (!spec.statement_path() || spec.enrich_none || spec.enrich_grammar.empty()) continue;
    const std::string key = spec.enrich_grammar.string();
    if (out.count(key) != 0) continue;
    out.emplace(key, LoadedGrammar{enrich::Grammar::Load(spec.enrich_grammar),
                                   ReadFileToString(spec.enrich_grammar)});
  }
  return out;
}

Result<ReconciledStatements> ReconcileStatements(
    std::vector<std::unique_ptr<StatementFile>>& files, LoadedGrammars* preloaded) {
  ReconciledStatements out;
  // Grammars, one per distinct file (or the built-in one), loaded before the parallel pass.
  std::map<std::string, enrich::Grammar> grammars;
  PatternIds pattern_id;
  auto grammar_for = [&](const RowSpec& spec) -> Result<const enrich::Grammar*> {
    const std::string key = spec.enrich_grammar.string();
    auto it = grammars.find(key);
    if (it != grammars.end()) return &it->second;
    auto loaded = preloaded != nullptr ? preloaded->find(key) : LoadedGrammars::iterator();
    const bool was_loaded = preloaded != nullptr && loaded != preloaded->end() && !key.empty();
    Result<enrich::Grammar> g = key.empty()   ? enrich::Grammar::UsBanks()
                                : was_loaded ? std::move(loaded->second.grammar)
                                             : enrich::Grammar::Load(spec.enrich_grammar);
    if (!g.ok()) return g.status();
    if (key.empty()) {
      static const std::string kUsBanksSha256 = Sha256Hex(enrich::Grammar::UsBanksToml());
      out.grammars.push_back("built-in us-banks (config/grammars/us-banks.toml) sha256:" +
                             kUsBanksSha256);
    } else {
      MT_ASSIGN_OR_RETURN(std::string text, was_loaded ? std::move(loaded->second.text)
                                                       : ReadFileToString(spec.enrich_grammar));
      out.grammars.push_back(key + " sha256:" + Sha256Hex(text));
    }
    for (const std::string& id : g->pattern_ids()) {
      if (pattern_id.count(id) == 0) {
        const std::string_view kept = out.pattern_ids.emplace_back(id);
        pattern_id.emplace(kept, kept);
      }
    }
    return &grammars.emplace(key, std::move(*g)).first->second;
  };
  std::vector<const enrich::Grammar*> grammar_of(files.size(), nullptr);
  for (size_t k = 0; k < files.size(); ++k) {
    out.first_row.push_back(out.rows);
    out.rows += files[k]->rows.size();
    if (!files[k]->spec.enrich_none) {
      MT_ASSIGN_OR_RETURN(grammar_of[k], grammar_for(files[k]->spec));
    }
  }

  PhaseMark("reconcile: grammars loaded");
  // The parallel pass: each file's rows are enriched and their check lines filled by one task
  // (the grammar is thread-safe; a row's result depends only on its description and direction,
  // so the thread count changes nothing).
  std::vector<statements::StatementFile> check_files(files.size());
  LineSlots lines(out.rows);
  std::vector<RowOutcome> outcome(out.rows, RowOutcome::kNotEnriched);
  ResizeAdvised(out.patterns, out.rows);
  std::vector<Status> file_status(files.size());
  tbb::parallel_for(tbb::blocked_range<size_t>(0, files.size(), 8),
                    [&](const tbb::blocked_range<size_t>& range) {
                      for (size_t k = range.begin(); k != range.end(); ++k) {
                        check_files[k] = CheckFileOf(*files[k], k);
                        file_status[k] = EnrichFile(*files[k], k, grammar_of[k], out.first_row[k],
                                                    pattern_id, lines, outcome, out.patterns);
                      }
                    });
  PhaseMark("reconcile: enriched, lines (parallel)");
  // The serial part, in file and row order (the first error as a serial run would meet it;
  // the counts and the listed unmatched descriptions in row order).
  for (size_t k = 0; k < files.size(); ++k) {
    MT_RETURN_IF_ERROR(file_status[k]);
    const StatementFile& f = *files[k];
    for (size_t i = 0; i < f.rows.size(); ++i) {
      const uint64_t g = out.first_row[k] + i;
      switch (outcome[g]) {
        case RowOutcome::kNotEnriched:
          ++out.not_enriched;
          break;
        case RowOutcome::kEnriched: {
          ++out.enriched;
          auto it = out.by_pattern.find(out.patterns[g]);
          if (it == out.by_pattern.end()) it = out.by_pattern.emplace(std::string(out.patterns[g]), 0).first;
          ++it->second;
          break;
        }
        case RowOutcome::kUnmatched: {
          ++out.unmatched;
          const std::string_view description = f.rows.description(i);
          auto it = out.unmatched_descriptions.find(description);
          if (it != out.unmatched_descriptions.end()) {
            ++it->second;
          } else if (out.unmatched_descriptions.size() < 10 * kUnmatchedListed) {
            out.unmatched_descriptions.emplace(std::string(description), 1);
          }
          break;
        }
      }
    }
  }
  PhaseMark("reconcile: outcomes counted (serial)");
  MT_ASSIGN_OR_RETURN(out.checks,
                      statements::CheckStatements(check_files, lines.span(), statements::CheckOptions{}));

  PhaseMark("reconcile: checks (serial)");
  // Mirrors: the debit's transaction goes to the other statement account (an account node),
  // the credit line is cited on it.
  auto locate = [&](uint64_t index) {
    size_t k = std::upper_bound(out.first_row.begin(), out.first_row.end(), index) -
               out.first_row.begin() - 1;
    return std::make_pair(k, static_cast<size_t>(index - out.first_row[k]));
  };
  for (const statements::Mirror& m : out.checks.mirrors) {
    auto [dk, di] = locate(m.debit.index);
    auto [ck, ci] = locate(m.credit.index);
    StatementFile& df = *files[dk];
    StagedRow credit_row, row;
    StatementDetail credit, debit;
    files[ck]->rows.Get(ci, credit_row, credit);
    df.rows.Get(di, row, debit);
    if (row.channel == Channel::kUnknown) row.channel = credit_row.channel;
    SetOtherEnd(row, debit, NodeKind::kAccount, Keep(df, credit.statement_bank),
                Keep(df, credit.statement_account));
    row.counterparty = {};
    df.rows.Set(di, row, debit);
  }
  PhaseMark("reconcile: mirrors applied (serial)");
  return out;
}

std::string StatementEnrichmentJson(const ReconciledStatements& r) {
  nlohmann::json j;
  j["version"] = 1;
  j["rows"] = r.rows;
  j["enriched"] = r.enriched;
  j["unmatched"] = r.unmatched;
  j["not_enriched"] = r.not_enriched;
  j["grammars"] = r.grammars;
  j["by_pattern"] = nlohmann::json::object();
  for (const auto& [id, n] : r.by_pattern) j["by_pattern"][id] = n;
  // The most frequent unmatched descriptions first (then by text), at most kUnmatchedListed.
  std::vector<std::pair<std::string, uint64_t>> unmatched(r.unmatched_descriptions.begin(),
                                                          r.unmatched_descriptions.end());
  std::stable_sort(unmatched.begin(), unmatched.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  j["unmatched_descriptions"] = nlohmann::json::array();
  for (size_t i = 0; i < unmatched.size() && i < kUnmatchedListed; ++i) {
    j["unmatched_descriptions"].push_back({{"description", unmatched[i].first},
                                           {"rows", unmatched[i].second}});
  }
  j["unmatched_distinct_listed"] = std::min(unmatched.size(), kUnmatchedListed);
  return JsonText(j, 1) + "\n";
}

std::string StatementLinesCsv(const std::vector<std::unique_ptr<StatementFile>>& files,
                              const ReconciledStatements& r,
                              const std::vector<uint64_t>& transaction_of_row,
                              const std::vector<uint32_t>& source_of_file) {
  std::string out = "transaction,source,line,role,pattern,balance\n";
  // About 50 bytes a line: one allocation rather than a doubling (and a copy) every so often.
  out.reserve(out.size() + 56 * r.rows);
  enum Role : uint8_t { kRow, kDuplicate, kMirrorCredit };
  std::vector<uint8_t> role(r.rows, kRow);
  for (const statements::Duplicate& d : r.checks.duplicates) role[d.duplicate.index] = kDuplicate;
  for (const statements::Mirror& m : r.checks.mirrors) role[m.credit.index] = kMirrorCredit;
  char digits[24];
  auto append_number = [&](uint64_t n) {
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
    out.append(digits, end);
  };
  for (size_t k = 0; k < files.size(); ++k) {
    for (size_t i = 0; i < files[k]->rows.size(); ++i) {
      const uint64_t g = r.first_row[k] + i;
      append_number(transaction_of_row[r.checks.carried_by[g]]);
      out += ',';
      append_number(source_of_file[k]);
      out += ',';
      append_number(files[k]->rows.line(i));
      out += role[g] == kRow ? ",row," : role[g] == kDuplicate ? ",duplicate," : ",mirror-credit,";
      if (r.patterns[g].find_first_of(",\"\n\r") == std::string_view::npos) {
        out += r.patterns[g];
      } else {
        out += CsvField(r.patterns[g]);
      }
      out += ',';
      // The running balance the statement printed after the line (empty when it printed none):
      // what confirms a day's posting order (docs/rules.md, "Date-only rows").
      if (const std::optional<Decimal> b = files[k]->rows.balance(i)) AppendDecimal(*b, out);
      out += '\n';
    }
  }
  return out;
}

std::string StatementSummaryText(const ReconciledStatements& r) {
  std::string out = "statements: " + std::to_string(r.rows) + " rows; descriptions read: " +
                    std::to_string(r.enriched) + ", not understood: " +
                    std::to_string(r.unmatched) + ", without a grammar: " +
                    std::to_string(r.not_enriched) + "\n";
  out += "statement checks: " + std::to_string(r.checks.balance_breaks.size()) +
         " balance breaks, " + std::to_string(r.checks.continuity_breaks.size()) +
         " continuity breaks, " + std::to_string(r.checks.gaps.size()) + " gaps, " +
         std::to_string(r.checks.duplicates.size()) + " overlapping rows recognised, " +
         std::to_string(r.checks.mirrors.size()) + " mirror transfers joined\n";
  return out;
}

}  // namespace moneytrail::io_internal
