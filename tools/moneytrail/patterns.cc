// `moneytrail patterns STORE --out features.csv [--instances FILE.jsonl] [--config FILE.toml]
//  [--threads N] [--stream --batch N]`: adapter over moneytrail/patterns.h (docs/patterns.md).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <sys/resource.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <limits>
#include <map>
#include <numeric>

#include "moneytrail/json_text.h"
#include "moneytrail/graph.h"
#include "moneytrail/money.h"
#include "moneytrail/pattern_instances.h"
#include "moneytrail/patterns.h"
#include "moneytrail/store.h"
#include "moneytrail/time_format.h"
#include "moneytrail/version.h"
#include "verb.h"

namespace {

using namespace moneytrail;

// WriteFeatureCsv formats its rows in the caller's TBB arena: --threads of them.
Status WriteCsv(const patterns::FeatureTable& table, const std::string& path, bool append,
                int threads) {
  Status status = Status::Ok();
  tbb::task_arena(threads).execute(
      [&] { status = patterns::WriteFeatureCsv(table, path, append); });
  return status;
}

struct Options {
  std::string store;
  std::string out;
  std::string instances;
  std::string config;
  int threads = 1;
  bool stream = false;
  size_t batch = 2048;
  double history = 0;
};

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// CPU seconds (user + system) of the process so far: on a shared machine wall time says
// little, CPU time says what the work costs.
double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Batch mode in blocks of rows, so that the feature table never has to be held whole (5M rows
// x 109 columns of doubles would be 4.4 GB): temporal cycles once over all rows (they need the
// whole context), every other family per block; each block is written as soon as it is done.
// The runs keep every instance (kNoInstanceCap); `instances` are theirs merged once: the same
// as one run over all rows. Returns the rows written.
Result<size_t> RunBlocks(const graph::TemporalGraph& g, const graph::EdgeColumns& cols,
                         const patterns::PatternConfig& config, const Options& o,
                         patterns::InstanceSet& instances) {
  // 2^19 rows: each block re-reads the vertex statistics' window (3 days) before its first
  // row, half of all list positions swept at 2^18; at 2^19 the vertex statistics took 0.85 of
  // the time, at 2^20 the larger table's first touch cost more (bench/RESULTS-patterns.md,
  // session 7). The full default set's two tables are then ~0.9 GB.
  constexpr size_t kBlock = 1 << 19;
  patterns::PatternConfig uncapped = config;
  uncapped.instances_per_account = patterns::kNoInstanceCap;
  const auto [cycles_only, rest] = patterns::SplitTemporalCycles(uncapped);
  const bool collect = !o.instances.empty();
  std::vector<patterns::InstanceSet> instance_parts;
  patterns::FeatureTable cycles;
  if (config.temporal_cycle.enabled) {
    MT_ASSIGN_OR_RETURN(patterns::FeatureRun c,
                        patterns::ComputeFeatures(g, cols, cycles_only,
                                                  {.threads = o.threads, .collect_instances = collect}));
    cycles = std::move(c.table);
    instance_parts.push_back(std::move(c.instances));
  }
  const size_t n = cols.size();
  std::vector<TransactionId> ids;
  // One run and one merged table for all blocks: a fresh table per block (151-228 MB) cost its
  // page faults and zeroing every time (bench/RESULTS-patterns.md, session 6).
  patterns::FeatureRun part;
  patterns::FeatureTable merged;
  merged.columns = patterns::FeatureNames(config);
  for (size_t first = 0; first < n || first == 0; first += kBlock) {
    const size_t count = std::min(kBlock, n - first);
    const graph::EdgeColumns block = graph::RowBlock(cols, first, count, ids);
    MT_RETURN_IF_ERROR(patterns::ComputeFeaturesInto(
        g, block, rest, {.threads = o.threads, .collect_instances = collect}, part));
    const size_t a = part.table.columns.size(), b = cycles.columns.size();
    // Without temporal cycles the block's table is the whole row: written as it is.
    patterns::FeatureTable& out = b == 0 ? part.table : merged;
    if (b > 0) {
      merged.tx_ids.swap(part.table.tx_ids);  // both buffers kept for the next block
      // The temporal-cycle columns go where FeatureNames puts them (before the simple cycles,
      // which are computed per block with the other families).
      const auto at = static_cast<size_t>(
          std::find(merged.columns.begin(), merged.columns.end(), cycles.columns.front()) -
          merged.columns.begin());
      merged.values.resize(count * (a + b));
      for (size_t r = 0; r < count; ++r) {
        const double* rest_row = part.table.values.data() + r * a;
        double* row = merged.values.data() + r * (a + b);
        std::copy_n(rest_row, at, row);
        std::copy_n(cycles.values.data() + (first + r) * b, b, row + at);
        std::copy_n(rest_row + at, a - at, row + at + b);
      }
    }
    MT_RETURN_IF_ERROR(WriteCsv(out, o.out, /*append=*/first > 0, o.threads));
    if (collect) instance_parts.push_back(std::move(part.instances));
    if (n == 0) break;
  }
  instances = patterns::MergeInstances(std::move(instance_parts), config.instances_per_account);
  return n;
}

// Rows of the stream waiting to be written: the CSV is in ascending tx_id order, the stream in
// (time, id) order, so a row is written once no row still to come has a smaller id (with ids
// in time order, at once). Holding all rows was 4.4 GB at 5M rows.
class StreamWriter {
 public:
  StreamWriter(std::vector<std::string> columns, std::string path, int threads)
      : path_(std::move(path)), threads_(threads) {
    pending_.columns = std::move(columns);
  }
  void Add(const patterns::FeatureTable& part) {
    pending_.tx_ids.insert(pending_.tx_ids.end(), part.tx_ids.begin(), part.tx_ids.end());
    pending_.values.insert(pending_.values.end(), part.values.begin(), part.values.end());
    rows_ += part.rows();
  }
  // Writes the pending rows with ids below `bound` once enough are pending (or `force`).
  Status Flush(TransactionId bound, bool force) {
    if (!force && pending_.rows() < (size_t{1} << 16)) return Status::Ok();
    const size_t width = pending_.columns.size();
    patterns::FeatureTable ready, rest;
    ready.columns = rest.columns = pending_.columns;
    for (size_t r = 0; r < pending_.rows(); ++r) {
      patterns::FeatureTable& to = pending_.tx_ids[r] < bound ? ready : rest;
      to.tx_ids.push_back(pending_.tx_ids[r]);
      to.values.insert(to.values.end(), pending_.values.begin() + static_cast<ptrdiff_t>(r * width),
                       pending_.values.begin() + static_cast<ptrdiff_t>((r + 1) * width));
    }
    pending_ = std::move(rest);
    if (ready.rows() == 0 && started_) return Status::Ok();
    MT_RETURN_IF_ERROR(WriteCsv(ready, path_, /*append=*/started_, threads_));
    started_ = true;
    return Status::Ok();
  }
  size_t rows() const { return rows_; }

 private:
  std::string path_;
  int threads_;
  patterns::FeatureTable pending_;
  bool started_ = false;
  size_t rows_ = 0;
};

// Runs the stream over the store's transactions in (time, id) order, batch by batch, writing
// the features CSV as it goes. Returns the instances (and the rows written in `rows`): as in
// RunBlocks, the history and every batch keep all their instances, merged once at the end, so
// the file is the batch run's whatever the batch size.
Result<patterns::InstanceSet> RunStream(const graph::EdgeColumns& cols,
                                        const patterns::PatternConfig& config, const Options& o,
                                        std::vector<double>& batch_ms, size_t& rows) {
  std::vector<TransactionId> order(cols.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](TransactionId a, TransactionId b) { return cols.time[a] < cols.time[b]; });
  // suffix_min[k]: the smallest id from stream position k on (what may still come).
  std::vector<TransactionId> suffix_min(order.size() + 1, std::numeric_limits<TransactionId>::max());
  for (size_t k = order.size(); k-- > 0;) suffix_min[k] = std::min(order[k], suffix_min[k + 1]);
  // The first `history` share is built as a graph at once (its rows by the batch path); the
  // rest streams into it, so batch latencies are those of a graph already that full.
  const auto split = static_cast<size_t>(o.history * static_cast<double>(order.size()));
  std::vector<AccountId> hs, hd;
  std::vector<Timestamp> ht;
  std::vector<double> ha;
  std::vector<TransactionId> hid(order.begin(), order.begin() + static_cast<ptrdiff_t>(split));
  for (TransactionId t : hid) {
    hs.push_back(cols.source[t]);
    hd.push_back(cols.destination[t]);
    ht.push_back(cols.time[t]);
    ha.push_back(cols.amount[t]);
  }
  const graph::EdgeColumns history{hs, hd, ht, ha, hid};
  MT_ASSIGN_OR_RETURN(graph::TemporalGraph g,
                      graph::TemporalGraph::Build(history, {.threads = o.threads, .spare = 0.5}));
  patterns::PatternConfig uncapped = config;
  uncapped.instances_per_account = patterns::kNoInstanceCap;
  MT_ASSIGN_OR_RETURN(patterns::FeatureRun all,
                      patterns::ComputeFeatures(g, history, uncapped,
                                                {.threads = o.threads,
                                                 .collect_instances = !o.instances.empty()}));
  std::vector<patterns::InstanceSet> instance_parts;
  instance_parts.push_back(std::move(all.instances));
  StreamWriter writer(patterns::FeatureNames(config), o.out, o.threads);
  writer.Add(all.table);
  all.table = patterns::FeatureTable{};
  MT_RETURN_IF_ERROR(writer.Flush(suffix_min[split], /*force=*/false));
  patterns::PatternStream stream(uncapped, std::move(g), o.threads);
  std::vector<graph::TransactionEdge> batch;
  for (size_t k = split; k < order.size(); k += o.batch) {
    batch.clear();
    for (size_t r = k; r < std::min(order.size(), k + o.batch); ++r) {
      const TransactionId t = order[r];
      batch.push_back({t, cols.time[t], cols.source[t], cols.destination[t], cols.amount[t]});
    }
    const auto start = std::chrono::steady_clock::now();
    MT_ASSIGN_OR_RETURN(patterns::FeatureRun part,
                        stream.AddBatch(batch, !o.instances.empty()));
    batch_ms.push_back(Seconds(start) * 1000);
    writer.Add(part.table);
    MT_RETURN_IF_ERROR(writer.Flush(suffix_min[k + batch.size()], /*force=*/false));
    if (!o.instances.empty()) instance_parts.push_back(std::move(part.instances));
  }
  MT_RETURN_IF_ERROR(writer.Flush(std::numeric_limits<TransactionId>::max(), /*force=*/true));
  rows = writer.rows();
  return patterns::MergeInstances(std::move(instance_parts), config.instances_per_account);
}

// One JSON line per instance, then a summary line. Amounts are exact sums per currency.
Status WriteInstances(const store::Store& s, const patterns::InstanceSet& set,
                      const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  if (!out) return IoError("cannot create " + path);
  for (const patterns::PatternInstance& inst : set.instances) {
    nlohmann::ordered_json j;
    j["type"] = std::string(patterns::PatternKindName(inst.kind));
    j["transactions"] = inst.transactions;
    std::vector<std::string> accounts;
    for (AccountId a : inst.accounts) accounts.push_back(s.AccountLabel(a));
    j["accounts"] = accounts;
    std::map<uint16_t, DecimalSum> totals;
    for (TransactionId t : inst.transactions) {
      MT_RETURN_IF_ERROR(totals[s.paid_currency()[t]].Add(s.amount_paid(t)));
    }
    nlohmann::ordered_json amounts = nlohmann::ordered_json::object();
    for (const auto& [currency, sum] : totals) {
      amounts[std::string(s.currency(currency))] = sum.ToString();
    }
    j["total_amount_paid"] = amounts;
    j["first_time"] = FormatIsoTime(inst.first_time);
    j["last_time"] = FormatIsoTime(inst.last_time);
    out << moneytrail::JsonText(j) << '\n';
  }
  nlohmann::ordered_json summary;
  summary["type"] = "summary";
  summary["instances_found"] = set.found;
  summary["instances_written"] = set.instances.size();
  summary["cap_per_account"] = set.cap_per_account;
  nlohmann::ordered_json capped = nlohmann::ordered_json::array();
  for (const auto& [account, left_out] : set.capped_accounts) {
    capped.push_back({{"account", s.AccountLabel(account)}, {"left_out", left_out}});
  }
  summary["capped_accounts"] = capped;
  out << moneytrail::JsonText(summary) << '\n';
  out.flush();
  if (!out) return IoError("cannot write " + path);
  return Status::Ok();
}

int Run(const Options& o) {
  const auto start = std::chrono::steady_clock::now();
  patterns::PatternConfig config;
  if (!o.config.empty()) {
    auto c = patterns::PatternConfig::FromTomlFile(o.config);
    if (!c.ok()) return cli::ReportError("patterns", c.status());
    config = std::move(*c);
  }
  if (Status v = config.Validate(); !v.ok()) return cli::ReportError("patterns", v);
  if (o.threads < 1 || (o.stream && o.batch == 0) || o.history < 0 || o.history >= 1) {
    return cli::ReportError("patterns", InvalidArgumentError("--threads and --batch must be >= 1, --history in [0, 1)"));
  }
  auto s = store::Store::Open(o.store);
  if (!s.ok()) return cli::ReportError("patterns", s.status());
  if (Status st = cli::CheckOutputs(&*s, {{"--out", o.out},
                                          {"--out (its .meta.json)", o.out.empty() ? "" : o.out + ".meta.json"},
                                          {"--instances", o.instances}});
      !st.ok()) {
    return cli::ReportError("patterns", st);
  }
  std::vector<double> amounts;
  const graph::EdgeColumns cols = graph::ColumnsFromStore(*s, amounts);
  const double load_s = Seconds(start);
  Result<patterns::FeatureRun> run = InternalError("not run");
  double build_s = 0, features_s = 0, features_cpu = 0;
  std::vector<double> batch_ms;
  size_t rows = 0;
  std::vector<std::string> columns = patterns::FeatureNames(config);
  const auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = CpuSeconds();
  if (o.stream) {
    Result<patterns::InstanceSet> streamed = RunStream(cols, config, o, batch_ms, rows);
    features_s = Seconds(t0);  // includes writing the CSV
    features_cpu = CpuSeconds() - cpu0;
    if (!streamed.ok()) return cli::ReportError("patterns", streamed.status());
    run = patterns::FeatureRun{};
    run->instances = std::move(*streamed);
  } else {
    auto g = graph::TemporalGraph::Build(cols, {.threads = o.threads});
    if (!g.ok()) return cli::ReportError("patterns", g.status());
    build_s = Seconds(t0);
    const auto t1 = std::chrono::steady_clock::now();
    const double cpu1 = CpuSeconds();
    run = patterns::FeatureRun{};
    auto written = RunBlocks(*g, cols, config, o, run->instances);
    if (!written.ok()) return cli::ReportError("patterns", written.status());
    rows = *written;
    features_s = Seconds(t1);  // includes writing the CSV blocks
    features_cpu = CpuSeconds() - cpu1;
  }
  const auto t2 = std::chrono::steady_clock::now();
  // Provenance beside the CSV (DESIGN.md, Determinism).
  nlohmann::json meta;
  meta["moneytrail_version"] = kVersion;
  meta["store"] = s->dir().string();
  meta["store_manifest_sha256"] = s->manifest_sha256();
  meta["config"] = config.ToString();
  meta["columns"] = columns;
  meta["transactions"] = rows;
  std::ofstream(o.out + ".meta.json") << moneytrail::JsonText(meta, 2) << '\n';
  if (!o.instances.empty()) {
    if (Status w = WriteInstances(*s, run->instances, o.instances); !w.ok()) {
      return cli::ReportError("patterns", w);
    }
  }
  const double write_s = Seconds(t2);
  const double n = static_cast<double>(rows);
  fmt::print(stderr,
             "patterns: {} transactions, {} columns; load {:.2f} s, graph {:.2f} s, features "
             "{:.2f} s wall ({:.0f} tx/s), {:.2f} s CPU ({:.0f} tx per CPU-second); "
             "meta/instances {:.2f} s\n",
             rows, columns.size(), load_s, build_s, features_s,
             features_s > 0 ? n / features_s : 0.0, features_cpu,
             features_cpu > 0 ? n / features_cpu : 0.0, write_s);
  if (!batch_ms.empty()) {
    std::vector<double> sorted = batch_ms;
    std::sort(sorted.begin(), sorted.end());
    fmt::print(stderr, "patterns: {} batches of {}: median {:.2f} ms, p90 {:.2f} ms, max {:.2f} ms\n",
               sorted.size(), o.batch, sorted[sorted.size() / 2],
               sorted[sorted.size() * 9 / 10], sorted.back());
  }
  if (!o.instances.empty()) {
    fmt::print(stderr, "patterns: {} instances found, {} written (cap {} per account, {} accounts capped)\n",
               run->instances.found, run->instances.instances.size(),
               run->instances.cap_per_account, run->instances.capped_accounts.size());
  }
  return cli::kExitOk;
}

void Setup(CLI::App& app, std::function<int()>& run) {
  auto o = std::make_shared<Options>();  // shared: owned by the parsed options and the action
  app.add_option("store", o->store, "Store directory")->required();
  app.add_option("--out", o->out, "Features CSV to write (tx_id + one column per feature)")
      ->required();
  app.add_option("--instances", o->instances, "Write pattern instances as JSON lines");
  app.add_option("--config", o->config, "Pattern configuration (TOML, docs/patterns.md)");
  app.add_option("--threads", o->threads, "Worker threads (default 1)");
  app.add_flag("--stream", o->stream,
               "Feed transactions in (time, id) order through the streaming API");
  app.add_option("--batch", o->batch, "Streaming batch size (default 2048)");
  app.add_option("--history", o->history,
                 "With --stream: share (0..1) of the transactions built at once before streaming "
                 "the rest (default 0)");
  run = [o] { return Run(*o); };
}

const moneytrail::cli::VerbRegistration kPatterns(
    "patterns", "Per-transaction pattern features (fan, vertex stats, scatter-gather, cycles...)",
    Setup);

}  // namespace
