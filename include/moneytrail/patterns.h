// Per-transaction pattern features over the temporal money-flow graph (DESIGN.md, Patterns;
// docs/patterns.md defines every column). The family follows IBM's Graph Feature Preprocessor:
// fan-in/out and degree-in/out, vertex statistics of amounts and times, scatter-gather,
// gather-scatter, bipartite and stack layers, temporal and simple cycles.
//
// Windows are causal: transaction i sees the transactions j with (time_j, id_j) <= (time_i, id_i)
// and time_j >= time_i - W (W: the pattern's window). So a batch run and a streaming run over
// the same transactions give bit-identical features.
//
// Example (batch):
//   MT_ASSIGN_OR_RETURN(auto g, graph::TemporalGraph::Build(columns, {.threads = 2}));
//   patterns::PatternConfig config;                      // GFP's AML defaults
//   MT_ASSIGN_OR_RETURN(patterns::FeatureTable t,
//                       patterns::ComputeFeatures(g, columns, config, {.threads = 2}));
//   // t.columns[k] names column k; t.row(r) are the features of t.tx_ids[r].
//
// Example (streaming):
//   patterns::PatternStream stream(config);
//   MT_ASSIGN_OR_RETURN(patterns::FeatureTable t, stream.AddBatch(batch));
#ifndef MONEYTRAIL_PATTERNS_H_
#define MONEYTRAIL_PATTERNS_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "moneytrail/graph.h"
#include "moneytrail/status.h"
#include "moneytrail/transaction.h"

namespace moneytrail::patterns {

// One pattern family's switch, window (seconds, inclusive) and histogram bins. A bin list
// b_0 < b_1 < ... < b_k makes the columns <name>_<b_0> .. <name>_<b_k>: the number of the
// transaction's instances whose size lies in [b_j, b_{j+1}) (the last bin is open).
struct PatternSettings {
  bool enabled = true;
  Timestamp window = 0;
  std::vector<uint32_t> bins;
};

struct PatternConfig {
  PatternSettings fan{true, 12 * 3600, {}};            // fan-in/out and degree-in/out
  PatternSettings vertex_stats{true, 3 * 86400, {}};   // counts, amounts and ages per end
  PatternSettings scatter_gather{true, 6 * 3600, {2, 3, 4, 5, 6, 8, 10, 15, 20}};
  PatternSettings gather_scatter{true, 6 * 3600, {}};
  PatternSettings bipartite{true, 6 * 3600, {}};
  PatternSettings stack{true, 6 * 3600, {}};
  PatternSettings temporal_cycle{true, 24 * 3600, {2, 3, 4, 5, 6, 7, 8, 9, 10}};
  // Length-constrained simple cycles (times in any order within the window). Off by default:
  // they cost far more than temporal cycles (bench/RESULTS-patterns.md).
  PatternSettings simple_cycle{false, 24 * 3600, {2, 3, 4, 5, 6, 7, 8, 9, 10}};
  uint32_t max_cycle_length = 10;         // temporal and simple cycles, 2..10
  uint32_t instances_per_account = 100;   // cap on instances written per account

  // Parses a TOML file (docs/patterns.md, Configuration); keys not given keep their defaults.
  // InvalidArgument names the key and the value on a wrong type, range or unknown key.
  static Result<PatternConfig> FromTomlFile(const std::filesystem::path& path);
  static Result<PatternConfig> FromTomlText(std::string_view text, std::string_view origin);
  // Checks ranges: windows >= 0, bins strictly increasing and >= 1, cycle length 2..10.
  Status Validate() const;
  // A canonical one-line description of every setting, for output provenance.
  std::string ToString() const;
};

// The column names, in order, of the features the configuration produces (docs/patterns.md).
std::vector<std::string> FeatureNames(const PatternConfig& config);

// `config` split for callers that compute features in blocks of rows: .first has only its
// temporal-cycle family (computed once over all rows: its search needs the whole context),
// .second every other family (computed per block).
std::pair<PatternConfig, PatternConfig> SplitTemporalCycles(const PatternConfig& config);

// Memory for feature tables. A block's table is hundreds of MB of fresh memory, whose first
// touch with 4 KB pages cost more than the features in this machine's VM (a page fault each;
// bench/RESULTS-patterns.md, session 7): buffers of TableMemory::kLarge bytes or more are
// mapped aligned to 2 MB, asked for transparent huge pages and faulted in by the calling TBB
// arena's threads in parallel; smaller ones come from operator new.
struct TableMemory {
  static constexpr size_t kLarge = size_t{4} << 20;
  static void* Allocate(size_t bytes);
  static void Free(void* p, size_t bytes) noexcept;
};
template <typename T>
struct TableAllocator {
  using value_type = T;
  TableAllocator() = default;
  template <typename U>
  TableAllocator(const TableAllocator<U>&) noexcept {}  // NOLINT: rebinding is implicit
  T* allocate(size_t n) { return static_cast<T*>(TableMemory::Allocate(n * sizeof(T))); }
  void deallocate(T* p, size_t n) noexcept { TableMemory::Free(p, n * sizeof(T)); }
  friend bool operator==(const TableAllocator&, const TableAllocator&) { return true; }
};
using TableValues = std::vector<double, TableAllocator<double>>;

// Features of a set of transactions, row-major.
struct FeatureTable {
  std::vector<std::string> columns;
  std::vector<TransactionId> tx_ids;
  TableValues values;  // tx_ids.size() * columns.size(); NaN: undefined (no edges)

  size_t rows() const { return tx_ids.size(); }
  std::span<const double> row(size_t r) const {
    return {values.data() + r * columns.size(), columns.size()};
  }
};

enum class PatternKind : uint8_t {
  kScatterGather = 0,
  kGatherScatter = 1,
  kBipartite = 2,
  kStack = 3,
  kTemporalCycle = 4,
  kSimpleCycle = 5,
  kFanIn = 6,   // a hub paid by many accounts in one window (moneytrail/fan_instances.h)
  kFanOut = 7,  // a hub paying many accounts in one window
};
std::string_view PatternKindName(PatternKind kind);  // "scatter_gather", ...

// One pattern found, as an investigator sees it.
struct PatternInstance {
  PatternKind kind = PatternKind::kScatterGather;
  std::vector<TransactionId> transactions;  // sorted ascending, distinct
  std::vector<AccountId> accounts;          // sorted ascending, distinct
  Timestamp first_time = 0;
  Timestamp last_time = 0;
  // Fan-in/out: the hub (the account the evidence is about); other kinds: kNoAccount.
  AccountId hub = kNoAccount;
};

// Instances after deduplication and the per-account cap.
struct InstanceSet {
  std::vector<PatternInstance> instances;  // sorted by (first_time, kind, transactions)
  uint64_t found = 0;                      // distinct instances before the cap
  uint32_t cap_per_account = 0;
  // Accounts that reached the cap, with how many of their instances were left out.
  std::vector<std::pair<AccountId, uint64_t>> capped_accounts;
};

struct RunOptions {
  int threads = 1;
  bool collect_instances = false;
};

struct FeatureRun {
  FeatureTable table;
  InstanceSet instances;  // empty unless RunOptions::collect_instances
};

// Features of every transaction in `transactions` (rows of the same columns the graph was
// built from; their ids must be in `graph`). Rows come out in the order of `transactions`.
// Thread-count invariant. InvalidArgument on a bad configuration.
Result<FeatureRun> ComputeFeatures(const graph::TemporalGraph& graph,
                                   const graph::EdgeColumns& transactions,
                                   const PatternConfig& config, const RunOptions& options);

// As ComputeFeatures, but into `run`, whose buffers are reused: a caller that computes features
// block by block and passes the same `run` each time saves the fresh table's page faults and
// zeroing (a block of 262,144 rows is 150-230 MB; bench/RESULTS-patterns.md). `run`'s previous
// contents are replaced; on error it is left in an unspecified but valid state.
Status ComputeFeaturesInto(const graph::TemporalGraph& graph,
                           const graph::EdgeColumns& transactions, const PatternConfig& config,
                           const RunOptions& options, FeatureRun& run);

// Writes `table` as CSV: a header `tx_id,<columns>`, then one row per transaction in ascending
// tx_id order. Integral values print as integers, others in the shortest form that reads back
// to the same double, NaN as an empty field (pandas reads it as NaN). With `append`, adds the
// rows (no header) to an existing file: the caller writes blocks in ascending tx_id order.
// Rows are formatted in parallel in the caller's TBB arena (the bytes do not depend on it).
// IoError on failure.
Status WriteFeatureCsv(const FeatureTable& table, const std::filesystem::path& path,
                       bool append = false);

// Streaming: holds the graph of all transactions added so far; AddBatch appends a batch and
// returns the batch's features, identical to a batch run over all transactions. Batches must
// come in strictly increasing (time, id) order (InvalidArgument otherwise, the stream
// unchanged). Not thread-safe; AddBatch uses up to `threads` workers.
namespace internal {
struct StreamState;
}

class PatternStream {
 public:
  // REQUIRES: config.Validate().ok().
  explicit PatternStream(PatternConfig config, int threads = 1);
  // Starts from an existing graph (e.g. history built with TemporalGraph::Build; give it
  // BuildOptions::spare room so that the first batches do not move its lists).
  PatternStream(PatternConfig config, graph::TemporalGraph history, int threads = 1);
  PatternStream(PatternStream&&) noexcept;
  PatternStream& operator=(PatternStream&&) noexcept;
  ~PatternStream();

  Result<FeatureRun> AddBatch(std::span<const graph::TransactionEdge> batch,
                              bool collect_instances = false);
  const graph::TemporalGraph& graph() const { return graph_; }
  const PatternConfig& config() const { return config_; }

 private:
  PatternConfig config_;
  graph::TemporalGraph graph_;
  int threads_;
  // What the kernels keep between batches (the cycle searchers and their per-account arrays).
  std::unique_ptr<internal::StreamState> state_;
};

}  // namespace moneytrail::patterns

#endif  // MONEYTRAIL_PATTERNS_H_
