// `moneytrail cycles STORE --window DURATION [...]`: adapter over
// patterns::EnumerateTemporalCycles (docs/cycles.md).
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "moneytrail/json_text.h"
#include "moneytrail/money.h"
#include "moneytrail/store.h"
#include "moneytrail/temporal_cycles.h"
#include "moneytrail/time_format.h"
#include "moneytrail/version.h"
#include "verb.h"

namespace {

using namespace moneytrail;

struct Options {
  std::string store;
  std::string window;
  uint32_t max_length = 0;
  int threads = 0;
  bool histogram = false;
  bool stats = false;
  std::string out;
  uint64_t limit = 0;
  std::string min_amount;
  std::string min_keep;
  std::string max_keep;
  std::string from;
  std::string to;
  std::vector<std::string> roots;
};

// "3600s", "24h", "7d", "90m", "1w" or bare seconds.
Result<Timestamp> ParseDuration(std::string_view text, std::string_view flag) {
  if (text.empty()) return InvalidArgumentError(std::string(flag) + ": empty duration");
  int64_t unit = 1;
  std::string_view digits = text;
  switch (text.back()) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    case 'w': unit = 7 * 86400; break;
    default: unit = 0; break;
  }
  if (unit != 0) digits.remove_suffix(1);
  if (unit == 0) unit = 1;
  int64_t value = 0;
  bool any = false;
  for (char c : digits) {
    if (c < '0' || c > '9' || __builtin_mul_overflow(value, 10, &value) ||
        __builtin_add_overflow(value, c - '0', &value)) {
      return InvalidArgumentError(std::string(flag) + ": '" + std::string(text) +
                                  "' is not a duration (expected e.g. 3600s, 24h, 7d, or seconds)");
    }
    any = true;
  }
  if (!any || __builtin_mul_overflow(value, unit, &value)) {
    return InvalidArgumentError(std::string(flag) + ": '" + std::string(text) +
                                "' is not a duration (expected e.g. 3600s, 24h, 7d, or seconds)");
  }
  return value;
}

// ISO 8601 (2022-09-01T00:00:00Z, 2022-09-01 00:00) or epoch seconds.
Result<Timestamp> ParseTimeArgument(const std::string& text, std::string_view flag) {
  if (!text.empty() && text.find_first_not_of("-0123456789") == std::string::npos) {
    return static_cast<Timestamp>(std::stoll(text));
  }
  std::string iso = text;
  if (iso.size() == 10) iso += "T00:00:00Z";  // a bare date means its midnight
  Result<Timestamp> t = TimeFormat::Iso8601().Parse(iso);
  if (!t.ok()) return t.status().WithContext(std::string(flag) + " '" + text + "'");
  return t;
}

Result<std::optional<Decimal>> OptionalDecimal(const std::string& text, std::string_view flag) {
  if (text.empty()) return std::optional<Decimal>();
  Result<Decimal> d = ParseDecimal(text);
  if (!d.ok()) return d.status().WithContext(std::string(flag) + " '" + text + "'");
  return std::optional<Decimal>(*d);
}

Status ResolveRoots(const store::Store& s, const std::vector<std::string>& labels,
                    std::vector<AccountId>& roots) {
  std::unordered_set<std::string> wanted(labels.begin(), labels.end());
  std::unordered_set<std::string> found;
  for (AccountId a = 0; a < s.account_count(); ++a) {
    std::string label = s.AccountLabel(a);
    if (wanted.count(label) != 0) {
      roots.push_back(a);
      found.insert(std::move(label));
    }
  }
  for (const std::string& label : labels) {
    if (found.count(label) == 0) {
      return NotFoundError("--root: no account '" + label + "' in the store (labels look like " +
                           (s.account_count() > 0 ? s.AccountLabel(0) : std::string("bank:number")) +
                           ")");
    }
  }
  return Status::Ok();
}

Status CheckOneCurrency(const store::Store& s) {
  const std::span<const uint16_t> currency = s.paid_currency();
  for (size_t t = 1; t < currency.size(); ++t) {
    if (currency[t] != currency[0]) {
      return InvalidArgumentError(
          "the amount options compare amounts across hops, but the store holds several paid "
          "currencies (" + std::string(s.currency(currency[0])) + ", " +
          std::string(s.currency(currency[t])) + " at transaction " + std::to_string(t) + ")");
    }
  }
  return Status::Ok();
}

nlohmann::json CycleJson(const store::Store& s, std::span<const TransactionId> cycle) {
  nlohmann::json transactions = nlohmann::json::array();
  nlohmann::json accounts = nlohmann::json::array();
  for (TransactionId t : cycle) {
    const uint32_t file = s.source_file()[t];
    accounts.push_back(s.AccountLabel(s.source()[t]));
    transactions.push_back({
        {"id", t},
        {"time", FormatIsoTime(s.time()[t])},
        {"from", s.AccountLabel(s.source()[t])},
        {"to", s.AccountLabel(s.destination()[t])},
        {"amount", FormatDecimal(s.amount_paid(t))},
        {"currency", std::string(s.currency(s.paid_currency()[t]))},
        {"source_file", file < s.sources().size() ? s.sources()[file].path : std::string()},
        {"source_line", s.source_line()[t]},
    });
  }
  return {{"length", cycle.size()},
          {"span_seconds", s.time()[cycle.back()] - s.time()[cycle.front()]},
          {"accounts", std::move(accounts)},
          {"transactions", std::move(transactions)}};
}

int Run(const Options& o) {
  constexpr std::string_view kVerb = "cycles";
  const auto load_start = std::chrono::steady_clock::now();
  Result<store::Store> s = store::Store::Open(o.store);
  if (!s.ok()) return cli::ReportError(kVerb, s.status());
  const double load_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count();

  patterns::TemporalCycleOptions options;
  Result<Timestamp> window = ParseDuration(o.window, "--window");
  if (!window.ok()) return cli::ReportError(kVerb, window.status());
  options.window = *window;
  options.max_length = o.max_length;
  options.threads = o.threads;
  options.limit = o.limit;
  if (!o.from.empty()) {
    Result<Timestamp> t = ParseTimeArgument(o.from, "--from");
    if (!t.ok()) return cli::ReportError(kVerb, t.status());
    options.time_begin = *t;
  }
  if (!o.to.empty()) {
    Result<Timestamp> t = ParseTimeArgument(o.to, "--to");
    if (!t.ok()) return cli::ReportError(kVerb, t.status());
    options.time_end = *t;
  }
  struct DecimalFlag {
    const std::string& text;
    const char* flag;
    std::optional<Decimal>& target;
  };
  for (const DecimalFlag& f : {DecimalFlag{o.min_amount, "--min-amount", options.min_amount},
                               DecimalFlag{o.min_keep, "--min-keep", options.min_keep_percent},
                               DecimalFlag{o.max_keep, "--max-keep", options.max_keep_percent}}) {
    Result<std::optional<Decimal>> d = OptionalDecimal(f.text, f.flag);
    if (!d.ok()) return cli::ReportError(kVerb, d.status());
    f.target = *d;
  }
  std::vector<AccountId> roots;
  if (!o.roots.empty()) {
    Status st = ResolveRoots(*s, o.roots, roots);
    if (!st.ok()) return cli::ReportError(kVerb, st);
    options.root_accounts = roots;
  }
  patterns::TemporalEdges edges{.source = s->source(), .destination = s->destination(),
                                .time = s->time()};
  if (options.min_amount || options.min_keep_percent || options.max_keep_percent) {
    Status st = CheckOneCurrency(*s);
    if (!st.ok()) return cli::ReportError(kVerb, st);
    edges.amount_units = s->amount_paid_units();
    edges.amount_scale = s->paid_scale();
  }

  if (Status st = cli::CheckOutputs(&*s, {{"--out", o.out}}); !st.ok()) return cli::ReportError(kVerb, st);
  std::ofstream out;
  if (!o.out.empty()) {
    out.open(o.out, std::ios::binary | std::ios::trunc);
    if (!out) return cli::ReportError(kVerb, ErrnoError("cannot write " + o.out, errno));
    nlohmann::json meta = {{"moneytrail_version", kVersion},
                           {"store", s->dir().string()},
                           {"store_manifest_sha256", s->manifest_sha256()},
                           {"window_seconds", options.window},
                           {"max_length", options.max_length},
                           {"limit", options.limit}};
    if (options.time_begin) meta["from"] = FormatIsoTime(*options.time_begin);
    if (options.time_end) meta["to"] = FormatIsoTime(*options.time_end);
    if (options.min_amount) meta["min_amount"] = FormatDecimal(*options.min_amount);
    if (options.min_keep_percent) meta["min_keep_percent"] = FormatDecimal(*options.min_keep_percent);
    if (options.max_keep_percent) meta["max_keep_percent"] = FormatDecimal(*options.max_keep_percent);
    if (!o.roots.empty()) meta["roots"] = o.roots;
    out << moneytrail::JsonText(nlohmann::json{{"meta", std::move(meta)}}) << '\n';
  }
  patterns::TemporalCycleVisitor visitor;
  if (out.is_open()) {
    visitor = [&](std::span<const TransactionId> cycle) {
      out << moneytrail::JsonText(CycleJson(*s, cycle)) << '\n';
      return static_cast<bool>(out);
    };
  }
  Result<patterns::TemporalCycleCounts> counts =
      patterns::EnumerateTemporalCycles(edges, options, visitor);
  if (!counts.ok()) return cli::ReportError(kVerb, counts.status());
  if (out.is_open()) {
    out.close();
    if (!out) return cli::ReportError(kVerb, IoError("writing " + o.out + " failed"));
  }
  if (o.histogram) {
    for (size_t k = 0; k < counts->by_length.size(); ++k) {
      if (counts->by_length[k] != 0) fmt::print("{} {}\n", k, counts->by_length[k]);
    }
    fmt::print("total {}\n", counts->total);
  } else {
    fmt::print("{} temporal cycles (window {} s{}){}\n", counts->total, options.window,
               options.max_length != 0 ? fmt::format(", at most {} transactions", options.max_length)
                                       : std::string(),
               o.out.empty() ? std::string() : ", written to " + o.out);
  }
  if (counts->truncated) fmt::print(stderr, "moneytrail cycles: stopped at --limit {}\n", o.limit);
  if (o.stats) {
    const patterns::TemporalCycleStats& st = counts->stats;
    fmt::print(stderr,
               "load_seconds {:.4f}\nindex_seconds {:.4f}\nsearch_seconds {:.4f}\n"
               "enumeration_seconds {:.4f}\nroot_transactions {}\nplain_steps {}\n"
               "pruned_steps {}\nbackward_steps {}\nrestarts {}\n",
               load_seconds, st.index_seconds, st.search_seconds,
               st.index_seconds + st.search_seconds, st.root_transactions, st.plain_steps,
               st.pruned_steps, st.backward_steps, st.restarts);
  }
  return cli::kExitOk;
}

void Setup(CLI::App& app, std::function<int()>& run) {
  auto o = std::make_shared<Options>();  // shared: owned by the parsed options and the action
  app.add_option("store", o->store, "Store directory")->required();
  app.add_option("--window", o->window,
                 "Longest time from first to last transaction, inclusive: 3600s, 24h, 7d, "
                 "or seconds")->required();
  app.add_option("--max-length", o->max_length, "At most N transactions per cycle (0: no limit)");
  app.add_option("--threads", o->threads, "Worker threads (0: all cores)");
  app.add_flag("--histogram", o->histogram, "Print 'length count' lines and the total");
  app.add_option("--out", o->out, "Write each cycle as a JSON line to this file");
  app.add_option("--limit", o->limit, "Stop after N cycles (in output order)");
  app.add_option("--min-amount", o->min_amount, "Every transaction moves at least this amount");
  app.add_option("--min-keep", o->min_keep,
                 "Each hop keeps at least this percent of the previous amount (e.g. 90)");
  app.add_option("--max-keep", o->max_keep,
                 "Each hop keeps at most this percent of the previous amount (default 100)");
  app.add_option("--from", o->from, "Only transactions at or after this time (ISO or epoch)");
  app.add_option("--to", o->to, "Only transactions before this time (ISO or epoch)");
  app.add_option("--root", o->roots,
                 "Only cycles whose first transaction leaves this account (label bank:number; "
                 "repeatable)");
  app.add_flag("--stats", o->stats, "Print timings and search statistics on stderr");
  run = [o] { return Run(*o); };
}

const moneytrail::cli::VerbRegistration kCycles(
    "cycles", "Find temporal cycles: money that goes round and comes back (issue 10)", Setup);

}  // namespace
