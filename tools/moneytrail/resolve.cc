// `moneytrail resolve PARTIES.csv [PARTIES2.csv] [--config resolve.toml] --out entities.csv
//  [--pairs pairs.csv] [--threshold W] [--truth COLUMN] [--truth-file F] [--shared shared.csv]
//  [--model m.json]`:
// resolves party records into entities (docs/resolve.md). A thin adapter over
// moneytrail/resolve.h.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>

#include <fmt/format.h>

#include "moneytrail/resolve.h"
#include "moneytrail/resolve_config.h"
#include "moneytrail/resolve_metrics.h"
#include "moneytrail/resolve_shared.h"
#include "verb.h"

namespace {

using namespace moneytrail;
using namespace moneytrail::resolve;

struct Options {
  std::vector<std::string> inputs;
  std::string config;
  std::string out;
  std::string pairs;
  double pairs_min_weight = -1e300;
  double threshold = 0;
  bool has_threshold = false;
  std::string truth;
  std::string truth_file;
  std::string shared;
  std::string model;
  bool quiet = false;
};

Status Run(const Options& opts) {
  const auto start = std::chrono::steady_clock::now();
  auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  ResolveConfig config;
  if (opts.config.empty()) {
    MT_ASSIGN_OR_RETURN(config, ParseResolveConfig(DefaultResolveConfigToml(), "built-in parties.toml"));
  } else {
    MT_ASSIGN_OR_RETURN(config, LoadResolveConfig(opts.config));
  }
  std::vector<std::string> extra;
  if (!opts.truth.empty() && opts.truth_file.empty()) extra.push_back(opts.truth);
  MT_ASSIGN_OR_RETURN(PartyTable parties, ReadParties(opts.inputs, config, extra));
  ResolveOptions resolve_options;
  resolve_options.override_threshold = opts.has_threshold;
  resolve_options.threshold = opts.threshold;
  MT_ASSIGN_OR_RETURN(Resolution resolution, Resolve(parties, config, resolve_options));
  MT_RETURN_IF_ERROR(WriteEntitiesCsv(opts.out, parties, resolution));
  if (!opts.pairs.empty()) {
    MT_RETURN_IF_ERROR(WritePairsCsv(opts.pairs, parties, resolution, opts.pairs_min_weight));
  }
  if (!opts.model.empty()) {
    std::ofstream model(opts.model, std::ios::binary);
    model << ModelJson(resolution) << "\n";
    if (!model) return IoError(fmt::format("cannot write {}", opts.model));
  }
  size_t shared_groups = 0;
  if (!opts.shared.empty()) {
    auto groups = FindSharedIdentifiers(parties, config, resolution.entity_of());
    shared_groups = groups.size();
    MT_RETURN_IF_ERROR(WriteSharedIdentifiersCsv(opts.shared, parties, groups));
  }
  if (!opts.quiet) {
    fmt::print("records                   {}\n", parties.size());
    for (const auto& b : resolution.blocking()) {
      fmt::print("blocking rule             {}: {} pairs{}\n", b.description, b.pairs,
                 b.oversized_blocks > 0
                     ? fmt::format(" ({} blocks over max_block_size skipped, {} records)",
                                   b.oversized_blocks, b.records_in_oversized)
                     : std::string());
    }
    fmt::print("candidate pairs           {}\n", resolution.pairs().size());
    fmt::print("prior (lambda)            {:.6g}  (prior weight {:.2f})\n", resolution.model().lambda,
               resolution.model().prior_weight());
    fmt::print("threshold (match weight)  {:.2f}\n", resolution.threshold());
    fmt::print("entities                  {}\n", resolution.entity_count());
    if (!opts.shared.empty()) fmt::print("shared-identifier groups  {}\n", shared_groups);
  }
  if (!opts.truth_file.empty()) {
    MT_ASSIGN_OR_RETURN(auto labels, TruthLabelsFromFile(parties, opts.truth_file, config.id_column,
                                                         opts.truth.empty() ? "entity_id" : opts.truth));
    fmt::print("{}", FormatEvaluation(Evaluate(parties, config, resolution, labels)));
  } else if (!opts.truth.empty()) {
    MT_ASSIGN_OR_RETURN(auto labels, TruthLabels(parties, opts.truth, config.truth_pattern));
    fmt::print("{}", FormatEvaluation(Evaluate(parties, config, resolution, labels)));
  }
  if (!opts.quiet) fmt::print("elapsed                   {:.2f} s\n", seconds());
  return Status::Ok();
}

void Setup(CLI::App& app, std::function<int()>& run) {
  auto opts = std::make_shared<Options>();  // shared: outlives Setup, owned by the lambda
  app.add_option("parties", opts->inputs, "Party CSV file (two files in link mode)")->required()->expected(1, 2);
  app.add_option("--config", opts->config, "Resolution config (TOML); default: moneytrail's parties layout");
  app.add_option("--out", opts->out, "Write party_id,entity_id here")->required();
  app.add_option("--pairs", opts->pairs, "Write scored pairs with their weight breakdown here");
  app.add_option("--pairs-min-weight", opts->pairs_min_weight, "Only write pairs with at least this weight");
  app.add_option("--threshold", opts->threshold, "Match weight needed to link a pair (overrides the config)");
  app.add_option("--truth", opts->truth, "Column holding true entity labels: print precision, recall, F1");
  app.add_option("--truth-file", opts->truth_file,
                 "Truth in a separate CSV joined on the id (e.g. truth/entities.csv); --truth names "
                 "its label column (default entity_id)");
  app.add_option("--shared", opts->shared, "Write shared-identifier groups here");
  app.add_option("--model", opts->model, "Write the estimated model (JSON) here");
  app.add_flag("--quiet", opts->quiet, "Print only the evaluation");
  run = [opts, &app] {
    Options o = *opts;
    o.has_threshold = app.count("--threshold") > 0;
    Status status = Run(o);
    if (!status.ok()) return moneytrail::cli::ReportError("resolve", status);
    return moneytrail::cli::kExitOk;
  };
}

const moneytrail::cli::VerbRegistration kResolveVerb("resolve", "Resolve party records into entities", Setup);

}  // namespace
