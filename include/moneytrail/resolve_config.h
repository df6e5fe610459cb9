// The configuration of entity resolution (`moneytrail resolve --config FILE.toml`): which
// input columns hold which fields, how they are normalised, compared and blocked, and how the
// Fellegi-Sunter model is estimated and clustered. docs/resolve.md documents every key; the
// shipped configurations live in config/resolve/.
//
// Example:
//   MT_ASSIGN_OR_RETURN(ResolveConfig config, LoadResolveConfig("config/resolve/febrl.toml"));
//   MT_ASSIGN_OR_RETURN(PartyTable parties, ReadParties({"dataset3.csv"}, config));
#ifndef MONEYTRAIL_RESOLVE_CONFIG_H_
#define MONEYTRAIL_RESOLVE_CONFIG_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/status.h"

namespace moneytrail::resolve {

enum class LinkMode {
  kDedupe,  // every pair of records may be the same entity
  kLink,    // only records from different input files are compared
};

enum class ClusterMethod {
  kConnectedComponents,  // transitive closure of the links above the threshold
  kAverageLinkage,       // links merged strongest first, only if the clusters agree on average
  kGreedyCorrelation,    // links merged strongest first, only if the summed cross weight >= 0
};

// One field comparison: an ordered list of agreement levels, the first that holds wins; a
// pair matching none falls in an implicit last level "else". Either value empty: "null",
// which contributes no evidence.
struct ComparisonConfig {
  std::string name;
  std::vector<std::string> columns;  // joined with a space after normalisation
  std::string swap_column;           // optional: the "swapped" level compares with it
  std::vector<std::string> levels;   // e.g. "exact", "jaro_winkler>=0.92", "damerau<=1"
  bool tf_adjust = false;            // term-frequency adjustment of the "exact" level
};

// A blocking rule: records are candidates when every key is non-empty and equal. A key is
// "column" or "column:transform" (transforms: first=N, year, month_day, soundex, local, domain,
// sorted_tokens, first_token, last_token).
struct BlockingRuleConfig {
  std::vector<std::string> keys;
  // Whether EM runs a session over this rule's pairs to estimate m (docs/resolve.md, Estimate).
  // A rule that reaches many pairs of related but distinct records (household members at one
  // address, namesake businesses) still finds candidates but should not train: its session's
  // "match" class would learn the relation rather than identity.
  bool train = true;
};

// A shared-identifier report: groups of distinct entities with the same normalised value.
struct SharedIdentifierConfig {
  std::string name;                  // "phone", "email", "address", ...
  std::vector<std::string> columns;  // joined like a comparison's columns
  int64_t max_entities = 200;        // larger groups (placeholders such as "unknown") skipped
};

struct ResolveConfig {
  // [input]
  std::string id_column;
  bool skip_initial_space = false;  // FEBRL's ", " separators
  LinkMode mode = LinkMode::kDedupe;
  std::string date_order = "ymd";   // how to read dd/mm/yyyy-like dates: ymd, dmy or mdy
  std::vector<std::string> require_equal;  // pairs whose non-empty values differ never match
  // [normalize]: column -> normaliser (text, name, date, phone, email, address, postcode,
  // digits, id, raw). Columns not listed use "text".
  std::map<std::string, std::string> normalizers;
  std::vector<ComparisonConfig> comparisons;
  std::vector<BlockingRuleConfig> blocking;
  int64_t max_block_size = 2000;  // larger blocks are skipped and reported
  // [model]
  int64_t u_sample_pairs = 2'000'000;
  int em_max_iterations = 100;
  double em_tolerance = 1e-5;
  uint64_t seed = 20240601;
  double threshold = 0.0;  // match weight (log2 Bayes factor incl. prior) to link a pair
  // [clustering]
  ClusterMethod cluster_method = ClusterMethod::kAverageLinkage;
  double linkage_min_probability = 0.5;
  bool one_to_one = false;  // link mode: each record links to at most one of the other file
  // [truth] (evaluation only; never read by estimation)
  std::string truth_column;
  std::string truth_pattern;  // optional regex; its first group is the entity label
  std::vector<SharedIdentifierConfig> shared;

  // Every column the configuration reads, in first-use order.
  std::vector<std::string> ReferencedColumns() const;
};

// Parses TOML text. `source_name` names the text in messages. InvalidArgument on unknown
// keys, bad types, unknown normalisers or level names, or a comparison without columns.
// The range a link threshold (match weight, log2 Bayes factor including the prior) must lie in:
// 0 is a posterior match probability of 0.5; a negative weight would link pairs more likely
// different than the same; past kMaxMatchThreshold nothing can link.
inline constexpr double kMaxMatchThreshold = 1000.0;
// OK when `weight` is a number in [0, kMaxMatchThreshold]; InvalidArgument naming `where`
// ("--threshold", "[model] threshold") and the value otherwise (NaN, infinities, negatives).
Status CheckMatchThreshold(double weight, std::string_view where);

Result<ResolveConfig> ParseResolveConfig(std::string_view toml_text, std::string_view source_name);

// Reads and parses a TOML file.
Result<ResolveConfig> LoadResolveConfig(const std::string& path);

// The built-in configuration for moneytrail's own party layout (`moneytrail generate`'s
// parties.csv); identical to config/resolve/parties.toml.
std::string_view DefaultResolveConfigToml();

}  // namespace moneytrail::resolve

#endif  // MONEYTRAIL_RESOLVE_CONFIG_H_
