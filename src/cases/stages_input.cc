// The stages up to the scores: ingest, verify, resolve, rules, patterns, score
// (moneytrail/investigation.h).
#include <fmt/format.h>

#include "investigation_state.h"
#include "moneytrail/file_util.h"
#include "moneytrail/graph.h"
#include "moneytrail/ingest.h"

namespace moneytrail::cases {

namespace fs = std::filesystem;

Status RunIngest(Investigation::State& st) {
  if (st.o.files.empty()) return Status::Ok();  // nothing to ingest: the store is read as it is
  IngestOptions io = st.o.ingest;
  io.threads = st.o.threads;
  io.progress = [&st](double f) { st.Progress(f); };
  Result<IngestReport> r = Ingest(st.o.store, st.o.files, io);
  if (!r.ok()) return r.status().WithContext("ingest");
  return Status::Ok();
}

Status RunVerify(Investigation::State& st) {
  st.views.reset();
  Result<store::Store> opened = store::Store::Open(st.o.store);
  if (!opened.ok()) return opened.status();
  st.store = std::make_unique<store::Store>(std::move(*opened));
  const store::Store& s = *st.store;
  MT_RETURN_IF_ERROR(CheckOutputDirectory(st.final_dir, "--out", EvidencePaths(s)));
  if (s.transaction_count() == 0) {
    return FailedPreconditionError(fmt::format("store {} holds no transactions", st.o.store.string()));
  }
  st.views = std::make_unique<ViewMaker>(s);
  // Holders and entities attached by `moneytrail resolve --store`, unless given explicitly.
  st.holders_origin.clear();
  if (st.o.parties.empty() && st.o.use_attached_holders && s.holders() != nullptr) {
    st.o.parties = s.holders_dir();
    if (s.holders()->file("entities.csv") != nullptr) st.o.entities = st.o.parties / "entities.csv";
    st.holders_origin = fmt::format(" (attached to the store as {} at {}: {})", s.holders()->name,
                                    s.holders()->attached_at, s.holders()->method);
  }
  // The records' own integrity: the statement checks and the description enrichment of ingest.
  MT_ASSIGN_OR_RETURN(st.integrity, StatementIntegrity(s));
  // The investigator's net worth files: read and computed now, so that a bad line stops the job
  // before its long stages.
  MT_ASSIGN_OR_RETURN(st.net_worth, LoadNetWorthFiles(st.o.net_worth));
  return Status::Ok();
}

Status RunResolve(Investigation::State& st) {
  const store::Store& s = *st.store;
  st.holders.reset();
  st.names.reset();
  st.shared_groups.clear();
  st.shared_by_account.clear();
  if (st.o.parties.empty()) return Status::Ok();
  Result<rules::HolderTable> h = rules::HolderTable::LoadGenerated(s, st.o.parties);
  if (!h.ok()) return h.status().WithContext("parties");
  st.holders = std::move(*h);
  if (!st.o.entities.empty()) {
    // Per-entity red-flag rules (subject = "entity") and entity subjects in the ranking.
    Status entities = st.holders->AttachEntities(st.o.entities);
    if (!entities.ok()) return entities.WithContext("entities");
  }
  Result<HolderNames> hn = HolderNames::Load(st.o.parties);
  if (!hn.ok()) return hn.status().WithContext("parties");
  st.names = std::move(*hn);
  // Shared-identifier groups: the store's attachment writes shared.csv beside parties.csv.
  MT_ASSIGN_OR_RETURN(st.shared_groups, LoadSharedGroups(st.o.parties / "shared.csv"));
  for (uint32_t g = 0; g < st.shared_groups.size(); ++g) {
    for (const std::string& a : st.shared_groups[g].accounts) st.shared_by_account[a].push_back(g);
  }
  return Status::Ok();
}

Status RunRules(Investigation::State& st) {
  const store::Store& s = *st.store;
  std::vector<fs::path> pack_paths = st.o.rule_packs;
  if (pack_paths.empty()) {
    fs::path shipped = FindShippedFile("rules/smuggling-trafficking.toml");
    if (shipped.empty()) {
      return NotFoundError("rules: the shipped pack rules/smuggling-trafficking.toml was not found; "
                           "give --rules PACK");
    }
    pack_paths.push_back(shipped);
  }
  st.pack_ptrs.clear();
  st.packs.clear();
  for (const fs::path& p : pack_paths) {
    Result<rules::RulePack> pack = rules::RulePack::Load(p, st.o.rule_overrides);
    if (!pack.ok()) return pack.status().WithContext("rules");
    st.packs.push_back(std::move(*pack));
  }
  for (const auto& [name, value] : st.o.rule_overrides) {
    bool known = false;
    for (const rules::RulePack& p : st.packs) {
      for (const rules::RuleInfo& r : p.rules()) known |= name.substr(0, name.find('.')) == r.id;
    }
    if (!known) {
      return InvalidArgumentError(fmt::format("rules: --set {}={}: no rule with that id", name, value));
    }
  }
  for (const rules::RulePack& p : st.packs) st.pack_ptrs.push_back(&p);
  rules::ScanOptions scan_options;
  scan_options.holders = st.holders ? &*st.holders : nullptr;
  scan_options.threads = static_cast<unsigned>(st.threads);
  Result<rules::ScanResult> scan = rules::Scan(s, st.pack_ptrs, scan_options);
  if (!scan.ok()) return scan.status().WithContext("rules");
  st.scan = std::move(*scan);
  for (const std::string& skipped : st.scan.skipped) {
    st.warnings[static_cast<size_t>(Stage::kRules)].push_back("rule skipped: " + skipped);
  }
  return Status::Ok();
}

Status RunPatterns(Investigation::State& st) {
  // Instances only: the feature columns the model needs are computed by the scorer.
  MT_ASSIGN_OR_RETURN(PatternEvidence evidence, PatternsForRanking(*st.store, st.threads));
  st.instances = std::move(evidence.instances);
  st.patterns_config = std::move(evidence.description);
  return Status::Ok();
}

Status RunScore(Investigation::State& st) {
  MT_ASSIGN_OR_RETURN(st.scored,
                      ModelInputForRanking(*st.store, st.o.model, st.holders ? &*st.holders : nullptr));
  return Status::Ok();
}

}  // namespace moneytrail::cases
