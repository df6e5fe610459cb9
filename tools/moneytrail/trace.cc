// `moneytrail trace STORE (--account BANK:ACCT | --entity ID | --transaction ID | --instances FILE)
//  [--typology NAME] [--direction forward|backward] [--method libr|fifo|lifo|pro-rata]
//  [--max-hops N] [--until TIME] [--min-amount AMOUNT] --out trail.json [--schedule trail.csv]
//  [--chart trail.svg] [--parties DIR [--entities entities.csv]]`: adapter over trace::Trace and
// the report writers. Holder names and entities come from --parties/--entities, or else from
// what `moneytrail resolve --store` attached to the store.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <time.h>

#include <chrono>
#include <fstream>

#include "moneytrail/file_util.h"
#include "moneytrail/investigate.h"
#include "moneytrail/money.h"
#include "moneytrail/rules.h"
#include "moneytrail/store.h"
#include "moneytrail/time_format.h"
#include "moneytrail/trace.h"
#include "moneytrail/trace_report.h"
#include "moneytrail/trace_seeds.h"
#include "verb.h"

namespace {

using namespace moneytrail;

struct Options {
  std::string store, account, instances, typology, direction = "forward", method = "libr";
  std::string until, min_amount, out, schedule, chart, parties, entities, entity;
  std::vector<uint64_t> transactions;
  uint32_t max_hops = std::numeric_limits<uint32_t>::max();
  size_t chart_nodes = 50;
};

// CPU time of this process: the benchmark's honest figure on a machine shared with other jobs.
double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Written beside and renamed into place: a failed run leaves no truncated output.
Status WriteText(const std::string& path, const std::string& text) { return WriteFileAtomically(path, text); }

Result<AccountId> FindAccount(const store::Store& s, std::string_view spec) {
  size_t colon = spec.find(':');
  if (colon == std::string_view::npos) {
    return InvalidArgumentError(fmt::format("--account '{}': expected BANK:ACCOUNT", spec));
  }
  std::optional<AccountId> a =
      s.FindAccount(NodeKind::kAccount, spec.substr(0, colon), spec.substr(colon + 1));
  if (!a) return NotFoundError(fmt::format("--account '{}': no such account in the store", spec));
  return *a;
}

// The bank accounts of entity `id`, ascending: those whose holder party the entity map puts in
// it. The map is --parties/--entities, or the store's attached one.
Result<std::vector<AccountId>> EntityAccounts(const store::Store& s, const Options& o) {
  std::optional<rules::HolderTable> holders;
  if (!o.parties.empty()) {
    if (o.entities.empty()) {
      return InvalidArgumentError("--entity with --parties needs --entities entities.csv");
    }
    MT_ASSIGN_OR_RETURN(holders, rules::HolderTable::LoadGenerated(s, o.parties));
    MT_RETURN_IF_ERROR(holders->AttachEntities(o.entities));
  } else if (s.holders() != nullptr) {
    MT_ASSIGN_OR_RETURN(holders, rules::HolderTable::LoadAttached(s));
  } else {
    return FailedPreconditionError(fmt::format(
        "--entity {}: store {} has no entities (run `moneytrail resolve PARTIES.csv --store {}`, or give "
        "--parties DIR --entities entities.csv)", o.entity, o.store, o.store));
  }
  const uint32_t id = holders->Find(o.entity);
  std::vector<AccountId> accounts;
  for (AccountId a = 0; id != 0 && a < s.account_count(); ++a) {
    if (holders->entity(a) == id && s.account(a).kind == NodeKind::kAccount) accounts.push_back(a);
  }
  if (accounts.empty()) {
    return NotFoundError(fmt::format("--entity '{}': no account of the store belongs to it", o.entity));
  }
  return accounts;
}

Status Run(const Options& o) {
  MT_ASSIGN_OR_RETURN(store::Store s, store::Store::Open(o.store));
  MT_RETURN_IF_ERROR(cli::CheckOutputs(&s, {{"--out", o.out}, {"--schedule", o.schedule}, {"--chart", o.chart}}));
  if (!o.entities.empty() && o.parties.empty()) {
    return InvalidArgumentError("--entities needs --parties DIR (the parties the map names)");
  }
  trace::TraceOptions options;
  MT_ASSIGN_OR_RETURN(options.method, trace::ParseMethod(o.method));
  MT_ASSIGN_OR_RETURN(options.direction, trace::ParseDirection(o.direction));
  options.max_hops = o.max_hops;
  std::string seeds;
  int kinds = !o.account.empty() + !o.entity.empty() + !o.transactions.empty() + !o.instances.empty();
  if (kinds != 1) {
    return InvalidArgumentError("give exactly one of --account, --entity, --transaction, --instances");
  }
  if (!o.entity.empty()) {
    MT_ASSIGN_OR_RETURN(options.seed_accounts, EntityAccounts(s, o));
    seeds = fmt::format("entity {} ({} account{})", o.entity, options.seed_accounts.size(),
                        options.seed_accounts.size() == 1 ? "" : "s");
  } else if (!o.account.empty()) {
    MT_ASSIGN_OR_RETURN(AccountId a, FindAccount(s, o.account));
    options.seed_accounts = {a};
    seeds = fmt::format("account {}", o.account);
  } else if (!o.transactions.empty()) {
    for (uint64_t t : o.transactions) {
      if (t >= s.transaction_count()) {
        return InvalidArgumentError(fmt::format("--transaction {}: the store has {} transactions",
                                                t, s.transaction_count()));
      }
      options.seed_transactions.push_back(static_cast<TransactionId>(t));
    }
    seeds = fmt::format("transaction{} {}", o.transactions.size() > 1 ? "s" : "",
                        fmt::join(o.transactions, ", "));
  } else {
    MT_ASSIGN_OR_RETURN(trace::InstanceSeeds is,
                        trace::SeedsFromInstances(s, o.instances, o.typology));
    options.seed_transactions =
        options.direction == trace::Direction::kForward ? is.entries : is.all;
    seeds = fmt::format("{} {} instance{} from {} ({} seed transactions)", is.instances,
                        o.typology.empty() ? "planted" : o.typology, is.instances == 1 ? "" : "s",
                        o.instances, options.seed_transactions.size());
  }
  if (!o.until.empty()) {
    Result<Timestamp> t = TimeFormat::Iso8601().Parse(o.until);
    if (!t.ok()) {
      // A bare date means the end of that day.
      Result<Timestamp> day = TimeFormat::Iso8601().Parse(o.until + "T23:59:59");
      if (!day.ok()) return t.status().WithContext("--until");
      t = day;
    }
    options.until = *t;
  }
  auto ledger_start = std::chrono::steady_clock::now();
  const double ledger_cpu_start = CpuSeconds();
  MT_ASSIGN_OR_RETURN(trace::Ledger ledger, trace::Ledger::FromStore(s));
  double ledger_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - ledger_start).count();
  const double ledger_cpu = CpuSeconds() - ledger_cpu_start;
  if (!o.min_amount.empty()) {
    MT_ASSIGN_OR_RETURN(Decimal d, ParseDecimal(o.min_amount));
    // The minimum in units of the seeds' currency scale (the first currency's when mixed).
    uint8_t scale = ledger.currency_scale(0);
    for (uint16_t c = 0; c < s.currency_count(); ++c) scale = std::max(scale, ledger.currency_scale(c));
    int64_t units = d.units;
    for (int k = d.scale; k < scale; ++k) units *= 10;
    options.min_amount = units;
  }
  auto start = std::chrono::steady_clock::now();
  const double cpu_start = CpuSeconds();
  MT_ASSIGN_OR_RETURN(trace::Trail trail, trace::Trace(ledger, options));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu_seconds = CpuSeconds() - cpu_start;
  trace::TrailReport report{s, ledger, options, seeds};
  if (!o.parties.empty()) {
    MT_ASSIGN_OR_RETURN(report.holders, cases::LoadHolderNames(s, o.parties));
  } else if (s.holders() != nullptr) {
    MT_ASSIGN_OR_RETURN(report.holders, cases::LoadHolderNames(s, s.holders_dir()));
  }
  MT_RETURN_IF_ERROR(WriteText(o.out, trace::TrailJson(trail, report)));
  if (!o.schedule.empty()) {
    MT_RETURN_IF_ERROR(WriteText(o.schedule, trace::TracingScheduleCsv(trail, report)));
  }
  if (!o.chart.empty()) {
    MT_ASSIGN_OR_RETURN(std::string svg, trace::FlowChartSvg(trail, report, o.chart_nodes));
    MT_RETURN_IF_ERROR(WriteText(o.chart, svg));
  }
  fmt::print("{} {} trace of {}: {} flows, {} accounts holding traced money, {} shortfalls "
             "(ledger {:.3f} s, trace {:.3f} s over {} transactions; cpu {:.3f} + {:.3f} s)\n",
             trace::DirectionName(options.direction), trace::MethodName(options.method), seeds,
             trail.flows.size(), trail.holdings.size(), trail.shortfalls.size(), ledger_seconds,
             seconds, trail.transactions_applied, ledger_cpu, cpu_seconds);
  for (const trace::CurrencyTotals& t : trail.totals) {
    auto fmt_units = [&](int64_t u) {
      return FormatDecimalGrouped(Decimal{u, ledger.currency_scale(t.currency)});
    };
    fmt::print("  {}: traced {} = remaining {} + exited {}{}\n", s.currency(t.currency),
               fmt_units(t.traced_in), fmt_units(t.remaining), fmt_units(t.exited_total()),
               t.traced_in == t.remaining + t.exited_total() ? " (reconciles)" : " (DOES NOT RECONCILE)");
  }
  return Status::Ok();
}

void Setup(CLI::App& app, std::function<int()>& run) {
  auto o = std::make_shared<Options>();  // shared: owned by the parsed options and the action
  app.add_option("store", o->store, "Store directory")->required();
  app.add_option("--account", o->account, "Seed account BANK:ACCOUNT");
  app.add_option("--entity", o->entity,
                 "Seed all accounts of this entity (entities attached by `resolve --store`, or --entities)");
  app.add_option("--transaction", o->transactions, "Seed transaction id (repeatable)");
  app.add_option("--instances", o->instances, "Seed from a generator's truth/instances.jsonl");
  app.add_option("--typology", o->typology, "With --instances: only this typology");
  app.add_option("--direction", o->direction, "forward or backward")->default_val("forward");
  app.add_option("--method", o->method, "libr, fifo, lifo or pro-rata")->default_val("libr");
  app.add_option("--max-hops", o->max_hops, "Follow at most N transfers from a seed");
  app.add_option("--until", o->until, "Apply nothing after this time (ISO 8601 or a date)");
  app.add_option("--min-amount", o->min_amount, "Do not follow flows carrying less than this");
  app.add_option("--out", o->out, "trail.json to write")->required();
  app.add_option("--schedule", o->schedule, "Tracing schedule CSV to write");
  app.add_option("--chart", o->chart, "Flow-of-funds SVG to write (Graphviz)");
  app.add_option("--parties", o->parties,
                 "KYC directory (parties.csv, accounts.csv): holder names in the chart and trail.json "
                 "(default: the holders attached to the store, if any)");
  app.add_option("--entities", o->entities, "With --parties: entity map party_id,entity_id for --entity");
  app.add_option("--chart-nodes", o->chart_nodes, "Most nodes drawn in the chart")->default_val(50);
  run = [o] {
    Status st = Run(*o);
    return st.ok() ? cli::kExitOk : cli::ReportError("trace", st);
  };
}

const moneytrail::cli::VerbRegistration kTrace(
    "trace", "Follow tainted funds forward or backward (LIBR, FIFO, LIFO, pro-rata)", Setup);

}  // namespace
