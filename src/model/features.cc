// Model features: raw fields, pattern features and causal account aggregates (docs/model.md).
#include "moneytrail/model_features.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <iterator>
#include <limits>

#include "model/feature_words.h"
#include "model/neighbour_features.h"
#include "model/taint_features.h"
#include "model/rule_features.h"
#include "moneytrail/graph.h"
#include "moneytrail/patterns.h"

namespace moneytrail::model {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

const char* const kRawNames[] = {
    "raw_amount_paid", "raw_amount_received", "raw_currency_paid", "raw_currency_received",
    "raw_cross_currency", "raw_channel", "raw_hour", "raw_weekday", "raw_round_amount",
    "raw_source_kind", "raw_destination_kind", "raw_merchant_category"};

// Per end (src, dst) of the transaction, in this order.
const char* const kAccountStats[] = {"n_out", "n_in", "amt_out_mean", "amt_in_mean",
                                     "age_days", "idle_hours", "round_share_out", "cash_share",
                                     "amt_out_max", "amt_in_max"};
constexpr size_t kAccountStatCount = std::size(kAccountStats);

bool IsDegreeName(std::string_view pattern_column) {
  return pattern_column.starts_with("fan_") || pattern_column.starts_with("deg_");
}

bool Has(std::span<const FeatureGroup> groups, FeatureGroup g) {
  return std::find(groups.begin(), groups.end(), g) != groups.end();
}

bool IsCashChannel(uint8_t channel) {
  const auto c = static_cast<Channel>(channel);
  return c == Channel::kCashDeposit || c == Channel::kCashWithdrawal || c == Channel::kCash;
}

// Running history of one account, updated in (time, id) order.
struct AccountHistory {
  uint32_t n_out = 0;
  uint32_t n_in = 0;
  uint32_t round_out = 0;
  uint32_t cash = 0;
  double sum_out = 0;
  double sum_in = 0;
  double max_out = 0;
  double max_in = 0;
  Timestamp first = 0;
  Timestamp last = 0;
  bool seen = false;
};

// Writes the stats of one end after the transaction has been counted.
void WriteAccountStats(const AccountHistory& h, Timestamp now, Timestamp previous, bool had_previous,
                       float* out) {
  out[0] = static_cast<float>(h.n_out);
  out[1] = static_cast<float>(h.n_in);
  out[2] = h.n_out ? static_cast<float>(h.sum_out / h.n_out) : kNaN;
  out[3] = h.n_in ? static_cast<float>(h.sum_in / h.n_in) : kNaN;
  out[4] = static_cast<float>(static_cast<double>(now - h.first) / 86400.0);
  out[5] = had_previous ? static_cast<float>(static_cast<double>(now - previous) / 3600.0) : kNaN;
  out[6] = h.n_out ? static_cast<float>(static_cast<double>(h.round_out) / h.n_out) : kNaN;
  out[7] = static_cast<float>(static_cast<double>(h.cash) / (h.n_out + h.n_in));
  out[8] = h.n_out ? static_cast<float>(h.max_out) : kNaN;
  out[9] = h.n_in ? static_cast<float>(h.max_in) : kNaN;
}

std::vector<std::string> AccountNames() {
  std::vector<std::string> names;
  for (const char* end : {"src", "dst"}) {
    for (const char* stat : kAccountStats) names.push_back(fmt::format("acct_{}_{}", end, stat));
  }
  return names;
}

// Computes the account aggregates of every transaction into `out` (rows x 2 ends x stats).
void ComputeAccountStats(const store::Store& s, std::vector<float>& out) {
  const size_t n = s.transaction_count();
  const std::vector<TransactionId> order = model_internal::TimeOrder(s);
  const auto time = s.time();
  std::vector<AccountHistory> history(s.account_count());
  out.assign(n * 2 * kAccountStatCount, kNaN);
  for (TransactionId t : order) {
    const AccountId src = s.source()[t];
    const AccountId dst = s.destination()[t];
    const Timestamp now = time[t];
    const double amount = ToDouble(s.amount_paid(t));
    const bool round = RoundLevel(s.amount_paid(t)) >= 2;
    const bool cash = IsCashChannel(s.channel()[t]);
    auto touch = [&](AccountId a, bool outgoing, Timestamp& previous, bool& had_previous) {
      AccountHistory& h = history[a];
      had_previous = h.seen;
      previous = h.last;
      if (!h.seen) {
        h.first = now;
        h.seen = true;
      }
      h.last = now;
      if (outgoing) {
        ++h.n_out;
        h.sum_out += amount;
        h.round_out += round;
        h.max_out = std::max(h.max_out, amount);
      } else {
        ++h.n_in;
        h.sum_in += amount;
        h.max_in = std::max(h.max_in, amount);
      }
      h.cash += cash;
    };
    Timestamp prev_src = 0, prev_dst = 0;
    bool had_src = false, had_dst = false;
    touch(src, true, prev_src, had_src);
    touch(dst, false, prev_dst, had_dst);
    WriteAccountStats(history[src], now, prev_src, had_src, &out[t * 2 * kAccountStatCount]);
    WriteAccountStats(history[dst], now, prev_dst, had_dst,
                      &out[(t * 2 + 1) * kAccountStatCount]);
  }
}

// A stable number for a currency name: base-26 of a three-letter code, else a hash.
float CurrencyCode(std::string_view name) {
  if (name.size() == 3 && std::all_of(name.begin(), name.end(),
                                      [](char c) { return c >= 'A' && c <= 'Z'; })) {
    return static_cast<float>(((name[0] - 'A') * 26 + (name[1] - 'A')) * 26 + (name[2] - 'A'));
  }
  uint32_t h = 2166136261u;
  for (char c : name) h = (h ^ static_cast<uint8_t>(c)) * 16777619u;
  return static_cast<float>(20000 + h % 100000);
}

int Weekday(Timestamp t) {  // 0 = Monday; 1970-01-01 was a Thursday
  const int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  return static_cast<int>(((days + 3) % 7 + 7) % 7);
}

void ComputeRaw(const store::Store& s, size_t stride, size_t offset, std::vector<float>& values) {
  const size_t n = s.transaction_count();
  std::vector<float> currency_code(s.currency_count());
  for (size_t c = 0; c < currency_code.size(); ++c) {
    currency_code[c] = CurrencyCode(s.currency(static_cast<uint16_t>(c)));
  }
  for (size_t t = 0; t < n; ++t) {
    float* x = &values[t * stride + offset];
    const Decimal paid = s.amount_paid(static_cast<TransactionId>(t));
    const Timestamp time = s.time()[t];
    const int64_t second_of_day = ((time % 86400) + 86400) % 86400;
    x[0] = static_cast<float>(ToDouble(paid));
    x[1] = static_cast<float>(ToDouble(s.amount_received(static_cast<TransactionId>(t))));
    x[2] = currency_code[s.paid_currency()[t]];
    x[3] = currency_code[s.received_currency()[t]];
    x[4] = s.paid_currency()[t] != s.received_currency()[t] ? 1.0f : 0.0f;
    x[5] = s.channel()[t];
    x[6] = static_cast<float>(second_of_day / 3600);
    x[7] = static_cast<float>(Weekday(time));
    x[8] = static_cast<float>(RoundLevel(paid));
    x[9] = static_cast<float>(s.account(s.source()[t]).kind);
    x[10] = static_cast<float>(s.account(s.destination()[t]).kind);
    x[11] = s.mcc()[t] == store::kNoMcc ? kNaN : static_cast<float>(s.mcc()[t]);
  }
}

patterns::PatternConfig PatternConfigFor(std::span<const FeatureGroup> groups) {
  patterns::PatternConfig config;  // GFP's AML defaults (docs/patterns.md)
  if (!Has(groups, FeatureGroup::kPatterns)) {  // degree only: fans and degrees suffice
    config.vertex_stats.enabled = false;
    config.scatter_gather.enabled = false;
    config.gather_scatter.enabled = false;
    config.bipartite.enabled = false;
    config.stack.enabled = false;
    config.temporal_cycle.enabled = false;
    config.simple_cycle.enabled = false;
  }
  return config;
}

// Copies the pattern families' columns of `config` for every row of `cols` into the matching
// "pat_" columns of `m` (row = transaction id). In blocks of rows through one reused FeatureRun,
// so that the double-precision table is never held for all rows (5M rows x 100 columns would be
// 4 GB); temporal cycles once over all rows, as `moneytrail patterns` computes them (their
// search needs the whole context), into a table of their few columns. The values are those of
// one ComputeFeatures over all rows.
Status AddPatternFeatures(const graph::TemporalGraph& g, const graph::EdgeColumns& cols,
                          const patterns::PatternConfig& config, int threads, size_t block_rows,
                          const std::function<size_t(std::string_view)>& column_of,
                          FeatureMatrix& m) {
  const size_t stride = m.cols();
  auto copy_into_matrix = [&](const patterns::FeatureTable& table) {
    std::vector<std::pair<size_t, size_t>> copy;  // (table column, matrix column)
    for (size_t k = 0; k < table.columns.size(); ++k) {
      const size_t c = column_of("pat_" + table.columns[k]);
      if (c < stride) copy.emplace_back(k, c);
    }
    for (size_t r = 0; r < table.rows(); ++r) {
      const auto row = table.row(r);
      float* x = &m.values[static_cast<size_t>(table.tx_ids[r]) * stride];
      for (const auto& [k, c] : copy) x[c] = static_cast<float>(row[k]);
    }
  };
  const auto [cycles_only, rest] = patterns::SplitTemporalCycles(config);
  patterns::FeatureRun run;
  if (config.temporal_cycle.enabled) {
    MT_RETURN_IF_ERROR(patterns::ComputeFeaturesInto(g, cols, cycles_only, {.threads = threads},
                                                     run));
    copy_into_matrix(run.table);
  }
  const size_t block = std::max<size_t>(1, block_rows);
  std::vector<TransactionId> ids;  // a block's ids, when `cols` has none (row = id)
  for (size_t first = 0; first < cols.size(); first += block) {
    const size_t count = std::min(block, cols.size() - first);
    MT_RETURN_IF_ERROR(patterns::ComputeFeaturesInto(
        g, graph::RowBlock(cols, first, count, ids), rest, {.threads = threads}, run));
    copy_into_matrix(run.table);
  }
  return Status::Ok();
}

// Copies the rules group's columns into `m`, scanning the store unless a scan was given.
Status AddRuleFeatures(const store::Store& s, const FeatureOptions& options, FeatureMatrix& m) {
  const RuleFeatureInput& in = *options.rules;
  MT_ASSIGN_OR_RETURN(std::vector<model_internal::RuleDelay> delays,
                      model_internal::RuleDelays(in.pack_text, in.pack_origin));
  rules::ScanResult own;
  const rules::ScanResult* scan = in.scan;
  if (scan == nullptr) {
    MT_ASSIGN_OR_RETURN(rules::RulePack pack, rules::RulePack::Parse(in.pack_text, in.pack_origin));
    const rules::RulePack* packs[] = {&pack};
    MT_ASSIGN_OR_RETURN(own, rules::Scan(s, packs,
                                         {.holders = in.holders,
                                          .threads = static_cast<unsigned>(options.threads)}));
    scan = &own;
  }
  std::vector<float> values;
  model_internal::ComputeRuleFeatures(s, *scan, delays, values);
  const std::vector<std::string> names = model_internal::RuleFeatureNames();
  const size_t width = names.size(), stride = m.cols();
  const size_t first = static_cast<size_t>(
      std::find(m.names.begin(), m.names.end(), names.front()) - m.names.begin());
  for (size_t r = 0; r < m.rows; ++r) {
    std::copy_n(values.begin() + static_cast<ptrdiff_t>(r * width), width,
                m.values.begin() + static_cast<ptrdiff_t>(r * stride + first));
  }
  return Status::Ok();
}

}  // namespace

int RoundLevel(Decimal amount) {
  int64_t units = amount.units < 0 ? -amount.units : amount.units;
  for (int k = 0; k < amount.scale; ++k) {
    if (units % 10 != 0) return 0;
    units /= 10;
  }
  if (units == 0) return 0;
  int level = 0;
  while (level < 6 && units % 10 == 0) {
    units /= 10;
    ++level;
  }
  return level;
}

std::string_view FeatureGroupName(FeatureGroup group) {
  switch (group) {
    case FeatureGroup::kRaw: return "raw";
    case FeatureGroup::kPatterns: return "patterns";
    case FeatureGroup::kAccounts: return "accounts";
    case FeatureGroup::kDegree: return "degree";
    case FeatureGroup::kRules: return "rules";
    case FeatureGroup::kNeighbours: return "neighbours";
    case FeatureGroup::kTaint: return "taint";
  }
  return "?";
}

Result<std::vector<FeatureGroup>> ParseFeatureGroups(std::string_view text) {
  std::vector<FeatureGroup> groups;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view word = text.substr(start, comma - start);
    if (word == "all") {
      groups.insert(groups.end(), {FeatureGroup::kRaw, FeatureGroup::kPatterns,
                                   FeatureGroup::kAccounts, FeatureGroup::kRules});
    } else {
      bool found = false;
      for (FeatureGroup g : {FeatureGroup::kRaw, FeatureGroup::kPatterns, FeatureGroup::kAccounts,
                             FeatureGroup::kDegree, FeatureGroup::kRules,
                             FeatureGroup::kNeighbours, FeatureGroup::kTaint}) {
        if (word == FeatureGroupName(g)) {
          groups.push_back(g);
          found = true;
        }
      }
      if (!found) {
        return InvalidArgumentError(fmt::format(
            "--features: unknown feature group '{}' (expected raw, patterns, accounts, degree, "
            "rules, neighbours, taint or all, comma-separated)", word));
      }
    }
    start = comma + 1;
  }
  std::sort(groups.begin(), groups.end());
  groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
  return groups;
}

std::string FeatureGroupsToString(std::span<const FeatureGroup> groups) {
  std::string out;
  for (FeatureGroup g : groups) {
    if (!out.empty()) out += ',';
    out += FeatureGroupName(g);
  }
  return out;
}

std::vector<std::string> FeatureNames(std::span<const FeatureGroup> groups) {
  std::vector<std::string> names;
  auto add = [&](std::string name) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(std::move(name));
  };
  if (Has(groups, FeatureGroup::kRaw)) {
    for (const char* n : kRawNames) add(n);
  }
  const bool patterns = Has(groups, FeatureGroup::kPatterns);
  const bool degree = Has(groups, FeatureGroup::kDegree);
  if (patterns || degree) {
    for (const std::string& n : patterns::FeatureNames(PatternConfigFor(groups))) {
      if (patterns || IsDegreeName(n)) add("pat_" + n);
    }
  }
  const std::vector<std::string> account = AccountNames();
  if (Has(groups, FeatureGroup::kAccounts)) {
    for (const std::string& n : account) add(n);
  } else if (degree) {
    for (const std::string& n : account) {
      if (n.ends_with("_n_out") || n.ends_with("_n_in")) add(n);
    }
  }
  if (Has(groups, FeatureGroup::kRules)) {
    for (std::string& n : model_internal::RuleFeatureNames()) add(std::move(n));
  }
  if (Has(groups, FeatureGroup::kNeighbours)) {
    for (std::string& n : model_internal::NeighbourFeatureNames()) add(std::move(n));
  }
  if (Has(groups, FeatureGroup::kTaint)) {
    for (std::string& n : model_internal::TaintFeatureNames()) add(std::move(n));
  }
  return names;
}

std::vector<std::string> FeatureNames(std::span<const FeatureGroup> groups,
                                      std::span<const std::string> excluded) {
  std::vector<std::string> names = FeatureNames(groups);
  std::erase_if(names, [&](const std::string& n) {
    return std::find(excluded.begin(), excluded.end(), n) != excluded.end();
  });
  return names;
}

Result<FeatureMatrix> FeatureMatrix::Select(std::span<const std::string> wanted) const {
  std::vector<size_t> index;
  for (const std::string& w : wanted) {
    const auto it = std::find(names.begin(), names.end(), w);
    if (it == names.end()) {
      return InvalidArgumentError(fmt::format("feature '{}' is not among the {} computed columns",
                                              w, names.size()));
    }
    index.push_back(static_cast<size_t>(it - names.begin()));
  }
  FeatureMatrix out;
  out.names.assign(wanted.begin(), wanted.end());
  out.rows = rows;
  out.values.resize(rows * index.size());
  for (size_t r = 0; r < rows; ++r) {
    const float* in = values.data() + r * cols();
    float* o = out.values.data() + r * index.size();
    for (size_t k = 0; k < index.size(); ++k) o[k] = in[index[k]];
  }
  return out;
}

Result<FeatureMatrix> BuildFeatures(const store::Store& s, const FeatureOptions& options) {
  if (options.groups.empty()) return InvalidArgumentError("no feature groups given");
  if (options.threads < 1) return InvalidArgumentError("threads must be >= 1");
  if (Has(options.groups, FeatureGroup::kRules) &&
      (options.rules == nullptr || options.rules->pack_text.empty())) {
    return InvalidArgumentError("the rules feature group needs a rule pack (--rules)");
  }
  FeatureMatrix m;
  m.names = FeatureNames(options.groups);
  m.rows = s.transaction_count();
  const size_t stride = m.cols();
  m.values.assign(m.rows * stride, kNaN);
  auto column_of = [&](std::string_view name) -> size_t {
    return static_cast<size_t>(std::find(m.names.begin(), m.names.end(), name) - m.names.begin());
  };
  if (Has(options.groups, FeatureGroup::kRaw)) ComputeRaw(s, stride, 0, m.values);
  const bool patterns = Has(options.groups, FeatureGroup::kPatterns);
  if (patterns || Has(options.groups, FeatureGroup::kDegree)) {
    std::vector<double> amounts;
    const graph::EdgeColumns cols = graph::ColumnsFromStore(s, amounts);
    MT_ASSIGN_OR_RETURN(graph::TemporalGraph g,
                        graph::TemporalGraph::Build(cols, {.threads = options.threads}));
    MT_RETURN_IF_ERROR(AddPatternFeatures(g, cols, PatternConfigFor(options.groups),
                                          options.threads, options.pattern_block_rows, column_of,
                                          m));
  }
  const size_t first_account = column_of("acct_src_n_out");
  if (first_account < stride) {
    std::vector<float> stats;
    ComputeAccountStats(s, stats);
    const std::vector<std::string> names = AccountNames();
    std::vector<std::pair<size_t, size_t>> copy;
    for (size_t k = 0; k < names.size(); ++k) {
      const size_t c = column_of(names[k]);
      if (c < stride) copy.emplace_back(k, c);
    }
    for (size_t r = 0; r < m.rows; ++r) {
      for (const auto& [k, c] : copy) m.values[r * stride + c] = stats[r * 2 * kAccountStatCount + k];
    }
  }
  if (Has(options.groups, FeatureGroup::kRules)) MT_RETURN_IF_ERROR(AddRuleFeatures(s, options, m));
  return m;
}

std::string DescribeFeature(std::string_view name, float value) {
  return model_internal::DescribeFeature(name, value);
}

}  // namespace moneytrail::model
