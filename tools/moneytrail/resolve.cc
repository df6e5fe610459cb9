// `moneytrail resolve PARTIES.csv [PARTIES2.csv] [--config resolve.toml] [--out entities.csv]
//  [--store STORE [--accounts accounts.csv]] [--pairs pairs.csv] [--threshold W] [--truth COLUMN]
//  [--truth-file F] [--shared shared.csv] [--model m.json]`:
// resolves party records into entities (docs/resolve.md), and with --store attaches the parties,
// their accounts and the entities to a store so that scan, score, trace and investigate work per
// entity. A thin adapter over moneytrail/resolve.h and store::StoreWriter::AttachHolders.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>

#include <fmt/format.h>

#include "moneytrail/resolve.h"
#include "moneytrail/resolve_config.h"
#include "moneytrail/resolve_metrics.h"
#include "moneytrail/csv.h"
#include "moneytrail/file_util.h"
#include "moneytrail/resolve_shared.h"
#include "moneytrail/rules.h"
#include "moneytrail/store.h"
#include "moneytrail/version.h"
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
  std::string store;
  std::string accounts;
  bool quiet = false;
};

// accounts.csv (bank,account,...,holder_party_id) as party id -> "bank:account" of each account
// it holds. InvalidArgument names the file, line and column.
Result<AccountsOfParty> ReadAccountsOfParty(const std::string& path, std::string_view bytes) {
  CsvRecordReader reader(StripBom(bytes), CsvDialect{});
  std::vector<std::string_view> fields;
  if (!reader.Next(fields)) {
    MT_RETURN_IF_ERROR(reader.status());
    return InvalidArgumentError(fmt::format("{}: empty file; expected a header bank,account,...,holder_party_id", path));
  }
  int bank = -1, account = -1, holder = -1;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i] == "bank") bank = static_cast<int>(i);
    if (fields[i] == "account") account = static_cast<int>(i);
    if (fields[i] == "holder_party_id") holder = static_cast<int>(i);
  }
  if (bank < 0 || account < 0 || holder < 0) {
    return InvalidArgumentError(fmt::format("{}:1: the header lacks column {}", path,
                                            bank < 0 ? "bank" : account < 0 ? "account" : "holder_party_id"));
  }
  const size_t width = fields.size();
  AccountsOfParty out;
  while (reader.Next(fields)) {
    if (fields.size() == 1 && fields[0].empty()) continue;  // empty line
    if (fields.size() != width) {
      return InvalidArgumentError(fmt::format("{}:{}: {} fields, the header has {}", path, reader.line(),
                                              fields.size(), width));
    }
    if (fields[static_cast<size_t>(holder)].empty()) continue;
    out[std::string(fields[static_cast<size_t>(holder)])].push_back(
        fmt::format("{}:{}", fields[static_cast<size_t>(bank)], fields[static_cast<size_t>(account)]));
  }
  MT_RETURN_IF_ERROR(reader.status());
  return out;
}

// Checks that the parties and their accounts.csv describe this store's accounts (the same check
// every reader of the attachment makes) and returns how many store accounts they link.
Result<uint64_t> CheckHolders(const store::Store& store, const std::string& parties_csv,
                              const std::string& accounts_csv) {
  MT_ASSIGN_OR_RETURN(rules::HolderTable holders,
                      rules::HolderTable::LoadFiles(store, parties_csv, accounts_csv));
  if (holders.known_count() == 0) {
    return InvalidArgumentError(fmt::format(
        "{}: no account of store {} is in it (bank,account,kind,holder_party_id rows must name the "
        "store's accounts)", accounts_csv, store.dir().string()));
  }
  return holders.known_count();
}

// Attaches the parties, their accounts, the resolved entities and the shared-identifier groups
// to the store in one commit.
// `linked`: CheckHolders' count.
Status AttachToStore(const Options& opts, const std::string& accounts_csv, std::string accounts_bytes,
                     uint64_t linked, const PartyTable& parties, const Resolution& resolution,
                     std::string shared_csv) {
  const std::string& parties_csv = opts.inputs[0];
  store::HoldersAttachment attachment;
  MT_ASSIGN_OR_RETURN(std::string parties_bytes, ReadFileToString(parties_csv));
  attachment.files.push_back({"parties.csv", std::move(parties_bytes),
                              std::filesystem::absolute(parties_csv).string()});
  attachment.files.push_back({"accounts.csv", std::move(accounts_bytes),
                              std::filesystem::absolute(accounts_csv).string()});
  attachment.files.push_back({"entities.csv", EntitiesCsv(parties, resolution), ""});
  attachment.files.push_back({"shared.csv", std::move(shared_csv), ""});
  attachment.method = fmt::format(
      "moneytrail {} resolve: Fellegi-Sunter (EM), {} comparisons, {} blocking rules, threshold "
      "{:.2f}, config {}", kVersion, resolution.model().comparisons.size(), resolution.blocking().size(),
      resolution.threshold(), opts.config.empty() ? std::string("built-in parties.toml")
                                                  : std::filesystem::absolute(opts.config).string());
  attachment.parties = parties.size();
  attachment.linked_accounts = linked;
  attachment.entities = resolution.entity_count();
  MT_ASSIGN_OR_RETURN(auto writer, store::StoreWriter::Open(opts.store));
  MT_RETURN_IF_ERROR(writer->AttachHolders(attachment));
  if (!opts.quiet) {
    fmt::print("attached to store         {} ({} parties, {} linked accounts, {} entities; {})\n",
               opts.store, attachment.parties, linked, attachment.entities, writer->holders()->name);
  }
  return Status::Ok();
}

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
  if (opts.has_threshold) MT_RETURN_IF_ERROR(CheckMatchThreshold(opts.threshold, "--threshold"));
  resolve_options.override_threshold = opts.has_threshold;
  resolve_options.threshold = opts.threshold;
  if (!opts.store.empty() && opts.inputs.size() != 1) {
    return InvalidArgumentError("--store takes one parties file (link mode pairs two sources)");
  }
  if (opts.store.empty() && opts.out.empty()) {
    return InvalidArgumentError("give --out entities.csv, --store STORE, or both");
  }
  // The accounts the parties hold: for the store, and for the shared groups' account column.
  // Checked against the store before the (long) resolution.
  std::string accounts_csv, accounts_bytes;
  std::optional<AccountsOfParty> accounts_of;
  uint64_t linked = 0;
  if (!opts.store.empty() || !opts.accounts.empty()) {
    accounts_csv = opts.accounts.empty()
                       ? (std::filesystem::path(opts.inputs[0]).parent_path() / "accounts.csv").string()
                       : opts.accounts;
    MT_ASSIGN_OR_RETURN(accounts_bytes, ReadFileToString(accounts_csv));
    MT_ASSIGN_OR_RETURN(accounts_of, ReadAccountsOfParty(accounts_csv, accounts_bytes));
  }
  const std::vector<std::pair<std::string, std::string>> outputs = {
      {"--out", opts.out}, {"--pairs", opts.pairs}, {"--shared", opts.shared}, {"--model", opts.model}};
  MT_RETURN_IF_ERROR(cli::CheckOutputs(nullptr, outputs));
  {
    ProtectedPaths inputs;  // the parties files read here are evidence too
    for (const std::string& in : opts.inputs) inputs.files.emplace_back(in);
    if (!accounts_csv.empty()) inputs.files.emplace_back(accounts_csv);
    for (const auto& [option, path] : outputs) MT_RETURN_IF_ERROR(CheckOutputPath(path, option, inputs));
  }
  if (!opts.store.empty()) {
    MT_ASSIGN_OR_RETURN(store::Store s, store::Store::Open(opts.store));
    MT_RETURN_IF_ERROR(cli::CheckOutputs(&s, outputs));
    MT_ASSIGN_OR_RETURN(linked, CheckHolders(s, opts.inputs[0], accounts_csv));
  }
  MT_ASSIGN_OR_RETURN(Resolution resolution, Resolve(parties, config, resolve_options));
  if (!opts.out.empty()) MT_RETURN_IF_ERROR(WriteEntitiesCsv(opts.out, parties, resolution));
  if (!opts.pairs.empty()) {
    MT_RETURN_IF_ERROR(WritePairsCsv(opts.pairs, parties, resolution, opts.pairs_min_weight));
  }
  if (!opts.model.empty()) {
    std::ofstream model(opts.model, std::ios::binary);
    model << ModelJson(resolution) << "\n";
    if (!model) return IoError(fmt::format("cannot write {}", opts.model));
  }
  size_t shared_groups = 0;
  if (!opts.shared.empty() || !opts.store.empty()) {
    auto groups = FindSharedIdentifiers(parties, config, resolution.entity_of());
    shared_groups = groups.size();
    std::string shared = SharedIdentifiersCsv(parties, groups, accounts_of ? &*accounts_of : nullptr);
    if (!opts.shared.empty()) {
      std::ofstream out(opts.shared, std::ios::binary | std::ios::trunc);
      out << shared;
      out.close();
      if (!out) return IoError(fmt::format("cannot write {}", opts.shared));
    }
    if (!opts.store.empty()) {
      MT_RETURN_IF_ERROR(AttachToStore(opts, accounts_csv, std::move(accounts_bytes), linked, parties, resolution,
                                       std::move(shared)));
    }
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
    if (!opts.shared.empty() || !opts.store.empty()) {
      fmt::print("shared-identifier groups  {}\n", shared_groups);
    }
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
  app.add_option("--out", opts->out, "Write party_id,entity_id here");
  app.add_option("--store", opts->store,
                 "Attach the parties, their accounts and the entities to this store (scan, score, trace "
                 "and investigate then work per entity)");
  app.add_option("--accounts", opts->accounts,
                 "accounts.csv (bank,account,kind,holder_party_id): for --store (default: beside "
                 "PARTIES.csv), and the accounts column of --shared");
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
