#include "statement_reconcile.h"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>

#include "moneytrail/csv.h"
#include "moneytrail/enrich.h"
#include "moneytrail/file_util.h"
#include "moneytrail/hash.h"
#include "moneytrail/json_text.h"

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

// Keeps `text` alive as long as the file: views of rows point into the file's arena.
std::string_view Keep(StatementFile& f, std::string text) {
  if (text.empty()) return {};
  f.arena.push_back(std::move(text));
  return f.arena.back();
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
  if (row.city.empty() && !e.city.empty()) row.city = Keep(f, e.city);
  if (row.region.empty() && !e.region.empty()) row.region = Keep(f, e.region);
  if (row.country.empty() && !e.country.empty()) row.country = Keep(f, e.country);
  if (d.counterparty_source != CounterpartySource::kDescription &&
      d.counterparty_source != CounterpartySource::kUnidentified) {
    return;  // the mapping named the other end: the description never overrides it
  }
  if (IsCash(row.channel)) {
    // A cash desk of the statement's bank: its branch (or ATM) id, else its place.
    std::string where = !e.branch.empty() ? "branch " + e.branch
                        : !e.city.empty() ? e.city + (e.region.empty() ? "" : " " + e.region)
                                          : std::string("unknown branch");
    SetOtherEnd(row, d, NodeKind::kCash, d.statement_bank, Keep(f, std::move(where)));
    row.counterparty = {};
    return;
  }
  if (!e.counterparty_key.empty()) {
    // One node per beneficiary, whichever statement names it.
    SetOtherEnd(row, d, NodeKind::kExternal, {}, Keep(f, e.counterparty_key));
    row.counterparty = Keep(f, e.counterparty_name);
    return;
  }
  if (e.counterparty_account.size() >= 5 &&
      e.counterparty_account.find_first_of("xX*.#") == std::string::npos) {
    SetOtherEnd(row, d, NodeKind::kExternal, Keep(f, e.counterparty_bank),
                Keep(f, e.counterparty_account));
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

}  // namespace

Result<ReconciledStatements> ReconcileStatements(
    std::vector<std::unique_ptr<StatementFile>>& files) {
  ReconciledStatements out;
  // Grammars, one per distinct file (or the built-in one).
  std::map<std::string, enrich::Grammar> grammars;
  auto grammar_for = [&](const RowSpec& spec) -> Result<const enrich::Grammar*> {
    const std::string key = spec.enrich_grammar.string();
    auto it = grammars.find(key);
    if (it != grammars.end()) return &it->second;
    Result<enrich::Grammar> g = key.empty() ? enrich::Grammar::UsBanks()
                                            : enrich::Grammar::Load(spec.enrich_grammar);
    if (!g.ok()) return g.status();
    if (key.empty()) {
      out.grammars.push_back("built-in us-banks (config/grammars/us-banks.toml) sha256:" +
                             Sha256Hex(enrich::Grammar::UsBanksToml()));
    } else {
      MT_ASSIGN_OR_RETURN(std::string text, ReadFileToString(spec.enrich_grammar));
      out.grammars.push_back(key + " sha256:" + Sha256Hex(text));
    }
    return &grammars.emplace(key, std::move(*g)).first->second;
  };

  std::vector<statements::StatementFile> check_files;
  std::vector<statements::StatementLine> lines;
  enrich::Enrichment e;
  for (size_t k = 0; k < files.size(); ++k) {
    StatementFile& f = *files[k];
    out.first_row.push_back(out.rows);
    const enrich::Grammar* grammar = nullptr;
    if (!f.spec.enrich_none) {
      MT_ASSIGN_OR_RETURN(grammar, grammar_for(f.spec));
    }

    statements::StatementFile cf;
    cf.file = static_cast<uint32_t>(k);
    cf.path = std::filesystem::absolute(f.path).lexically_normal().string();
    const FieldSource& account = f.spec.at(Field::kStatementAccount);
    const FieldSource& bank = f.spec.at(Field::kStatementBank);
    if (account.column < 0 && account.has_constant) {
      cf.account = Key(bank.column < 0 && bank.has_constant ? bank.constant : "", account.constant);
    } else if (!f.details.empty()) {
      cf.account = Key(f.details.front().statement_bank, f.details.front().statement_account);
    }
    cf.currency = !f.rows.empty() ? std::string(f.rows.front().paid_currency)
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
    check_files.push_back(std::move(cf));

    for (size_t i = 0; i < f.rows.size(); ++i) {
      StagedRow& row = f.rows[i];
      const StatementDetail& d = f.details[i];
      std::string pattern;
      std::string reference(d.reference);
      if (grammar != nullptr && !d.description.empty()) {
        if (grammar->Apply(d.description, d.direction == Direction::kDebit, e)) {
          ApplyEnrichment(f, row, d, e);
          pattern = e.pattern;
          if (reference.empty()) reference = e.reference;
          ++out.enriched;
          ++out.by_pattern[pattern];
        } else {
          LeaveUnidentified(f, row, d);
          ++out.unmatched;
          auto it = out.unmatched_descriptions.find(std::string(d.description));
          if (it != out.unmatched_descriptions.end()) {
            ++it->second;
          } else if (out.unmatched_descriptions.size() < 10 * kUnmatchedListed) {
            out.unmatched_descriptions.emplace(std::string(d.description), 1);
          }
        }
      } else {
        ++out.not_enriched;
      }
      out.patterns.push_back(std::move(pattern));

      statements::StatementLine l;
      l.file = static_cast<uint32_t>(k);
      l.line = row.line;
      l.account = Key(d.statement_bank, d.statement_account);
      l.currency = std::string(row.paid_currency);
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
      l.description = std::string(d.description);
      if (d.counterparty_source == CounterpartySource::kAccount) {
        OtherEnd o = OtherEndOf(row, d);
        l.counterparty_account = Key(*o.bank, *o.account);
      }
      l.reference = std::move(reference);
      lines.push_back(std::move(l));
      ++out.rows;
    }
  }
  MT_ASSIGN_OR_RETURN(out.checks,
                      statements::CheckStatements(check_files, lines, statements::CheckOptions{}));

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
    const StatementDetail& credit = files[ck]->details[ci];
    StagedRow& row = df.rows[di];
    if (row.channel == Channel::kUnknown) row.channel = files[ck]->rows[ci].channel;
    SetOtherEnd(row, df.details[di], NodeKind::kAccount, Keep(df, std::string(credit.statement_bank)),
                Keep(df, std::string(credit.statement_account)));
    row.counterparty = {};
  }
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
  std::string out = "transaction,source,line,role,pattern\n";
  std::vector<std::string> role(r.rows, "row");
  for (const statements::Duplicate& d : r.checks.duplicates) role[d.duplicate.index] = "duplicate";
  for (const statements::Mirror& m : r.checks.mirrors) role[m.credit.index] = "mirror-credit";
  for (size_t k = 0; k < files.size(); ++k) {
    for (size_t i = 0; i < files[k]->rows.size(); ++i) {
      const uint64_t g = r.first_row[k] + i;
      const uint64_t carrier = r.checks.carried_by[g];
      out += std::to_string(transaction_of_row[carrier]) + "," +
             std::to_string(source_of_file[k]) + "," + std::to_string(files[k]->rows[i].line) +
             "," + role[g] + "," + CsvField(r.patterns[g]) + "\n";
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
