// `moneytrail scan STORE [--rules PACK...] [--parties DIR [--entities entities.csv]] [--set RULE.param=VALUE...]
//  [--exit-zero] [--no-holders] --out alerts.jsonl`, and `--explain ALERT_ID`: adapter over rules::Scan
// (docs/rules.md). Without --parties, the holders and entities attached to the store by
// `moneytrail resolve --store` feed the KYC and per-entity rules. It prints, per rule, whether the
// rule ran on this data and, if not, why in numbers (a WARNING first when rules could not run);
// --json prints that table as JSON. Exits 1 when the scan finds alerts (the CLI's table: 1 = findings), 0 when it
// finds none or with --exit-zero.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "moneytrail/file_util.h"
#include "moneytrail/investigate.h"
#include "moneytrail/rules.h"
#include "moneytrail/safe_text.h"
#include "moneytrail/store.h"
#include "verb.h"

namespace {

namespace fs = std::filesystem;

struct Options {
  std::string store, out, parties, entities, explain, alerts;
  std::vector<std::string> packs, sets;
  unsigned threads = 0;
  bool list = false;
  bool timings = false;
  bool exit_zero = false;
  bool no_holders = false;
  bool json = false;
};

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// CPU time of the process so far (all threads), in seconds: robust against a loaded machine.
double CpuSeconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

// The shipped pack, found as investigate finds it (cases::FindShippedFile); the bare relative
// path when it is nowhere, so the error names what was looked for.
std::filesystem::path DefaultPack() {
  const char* name = "rules/smuggling-trafficking.toml";
  std::filesystem::path found = moneytrail::cases::FindShippedFile(name);
  return found.empty() ? std::filesystem::path(name) : found;
}

// The per-rule report: whether each rule ran on this data and, if not, why in numbers
// (docs/rules.md, Data sufficiency). When rules could not run, the first line says so: a scan
// whose main rules did not run never reports a bare "0 alerts". With --json, one JSON object.
void PrintRuleTable(const moneytrail::rules::ScanResult& result, size_t transactions, const std::string& out,
                    bool json) {
  using namespace moneytrail;
  const std::string headline = rules::SupportHeadline(result);
  std::map<std::string, uint64_t> per_rule(result.alerts_per_rule.begin(), result.alerts_per_rule.end());
  if (json) {
    nlohmann::ordered_json counts = nlohmann::ordered_json::object();
    for (const auto& [rule, n] : result.alerts_per_rule) counts[rule] = n;
    nlohmann::ordered_json doc = {{"alerts", result.alerts.size()},
                          {"transactions", transactions},
                          {"out", out},
                          {"warning", headline},
                          {"alerts_per_rule", counts},
                          {"rules", nlohmann::ordered_json::parse(rules::SupportJson(result.support))}};
    fmt::print("{}\n", doc.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
    return;
  }
  if (!headline.empty()) fmt::print("WARNING: {}\n", headline);
  fmt::print("{} alerts over {} transactions written to {}\n", result.alerts.size(), transactions, out);
  for (const rules::RuleSupport& r : result.support) {
    auto it = per_rule.find(r.rule_id);
    const std::string line = rules::SupportLine(r);
    fmt::print("  {:<22} {:>6}  {}\n", r.rule_id, it == per_rule.end() ? std::string("-") : std::to_string(it->second),
               line.substr(r.rule_id.size() + 2));
    if (!r.note.empty()) fmt::print("  {:<22} {:>6}  note: {}\n", "", "", r.note);
  }
}

int Run(const Options& o) {
  using namespace moneytrail;
  const char* verb = "scan";
  auto t0 = std::chrono::steady_clock::now();
  Result<store::Store> s = store::Store::Open(o.store);
  if (!s.ok()) return cli::ReportError(verb, s.status());
  if (Status st = cli::CheckOutputs(&*s, {{"--out", o.out}}); !st.ok()) return cli::ReportError(verb, st);
  rules::RulePack::Overrides overrides;
  for (const std::string& set : o.sets) {
    size_t eq = set.find('=');
    if (eq == std::string::npos || set.find('.') > eq) {
      return cli::ReportError(verb, InvalidArgumentError("--set '" + Abbreviate(set) + "': expected RULE_ID.param=VALUE"));
    }
    overrides[set.substr(0, eq)] = set.substr(eq + 1);
  }
  std::vector<std::string> paths = o.packs.empty() ? std::vector<std::string>{DefaultPack().string()} : o.packs;
  std::vector<rules::RulePack> packs;
  for (const std::string& p : paths) {
    Result<rules::RulePack> pack = rules::RulePack::Load(p, overrides);
    if (!pack.ok()) return cli::ReportError(verb, pack.status());
    packs.push_back(std::move(*pack));
  }
  for (const auto& [name, value] : overrides) {
    bool known = false;
    for (const rules::RulePack& p : packs) {
      for (const rules::RuleInfo& r : p.rules()) known |= name.substr(0, name.find('.')) == r.id;
    }
    if (!known) return cli::ReportError(verb, InvalidArgumentError("--set " + Abbreviate(name) + ": no rule with that id"));
  }
  if (o.list) {
    for (const rules::RulePack& p : packs) {
      for (const rules::RuleInfo& r : p.rules()) {
        fmt::print("{:<18} {}  [{}]\n", r.id, r.title, r.citation);
        for (const auto& [k, v] : r.params) fmt::print("{:<18}   {} = {}\n", "", k, v);
      }
    }
    return cli::kExitOk;
  }
  std::vector<const rules::RulePack*> pack_ptrs;
  for (const rules::RulePack& p : packs) pack_ptrs.push_back(&p);
  const double open_seconds = Seconds(t0), open_cpu = CpuSeconds();
  auto t1 = std::chrono::steady_clock::now();
  std::optional<rules::HolderTable> holders;
  if (!o.entities.empty() && o.parties.empty()) {
    return cli::ReportError(verb, InvalidArgumentError("--entities needs --parties DIR (the parties the map names)"));
  }
  if (!o.parties.empty()) {
    Result<rules::HolderTable> h = rules::HolderTable::LoadGenerated(*s, o.parties);
    if (!h.ok()) return cli::ReportError(verb, h.status());
    holders = std::move(*h);
    if (!o.entities.empty()) {
      Status attached = holders->AttachEntities(o.entities);
      if (!attached.ok()) return cli::ReportError(verb, attached);
    }
  } else if (s->holders() != nullptr && !o.no_holders) {
    Result<rules::HolderTable> h = rules::HolderTable::LoadAttached(*s);
    if (!h.ok()) return cli::ReportError(verb, h.status());
    holders = std::move(*h);
    fmt::print(stderr, "scan: holders and {} entities attached to the store ({}; {})\n",
               s->holders()->entities, s->holders()->name, s->holders()->attached_at);
  }
  const double holders_seconds = Seconds(t1), holders_cpu = CpuSeconds();
  if (!o.explain.empty() && !o.alerts.empty()) {
    Result<std::vector<rules::Alert>> alerts = rules::ReadAlertsFile(*s, o.alerts);
    if (!alerts.ok()) return cli::ReportError(verb, alerts.status());
    for (const rules::Alert& a : *alerts) {
      if (a.alert_id == o.explain) {
        fmt::print("{}", rules::ExplainAlert(*s, a));
        return cli::kExitOk;
      }
    }
    return cli::ReportError(verb, NotFoundError("no alert '" + o.explain + "' in " + o.alerts));
  }
  rules::ScanOptions options;
  options.holders = holders ? &*holders : nullptr;
  options.threads = o.threads;
  auto t2 = std::chrono::steady_clock::now();
  Result<rules::ScanResult> result = rules::Scan(*s, pack_ptrs, options);
  if (!result.ok()) return cli::ReportError(verb, result.status());
  const double scan_seconds = Seconds(t2), scan_cpu = CpuSeconds();
  auto t3 = std::chrono::steady_clock::now();
  if (!o.explain.empty()) {
    for (const rules::Alert& a : result->alerts) {
      if (a.alert_id == o.explain) {
        fmt::print("{}", rules::ExplainAlert(*s, a));
        return cli::kExitOk;
      }
    }
    return cli::ReportError(verb, NotFoundError("no alert '" + o.explain + "' in this scan"));
  }
  if (o.out.empty()) return cli::ReportError(verb, InvalidArgumentError("--out FILE is required (or --explain ID)"));
  {
    // Written beside and renamed into place: a scan that fails leaves no truncated alerts file.
    Result<AtomicOutputFile> out = AtomicOutputFile::Create(o.out);
    if (!out.ok()) return cli::ReportError(verb, out.status());
    out->stream() << rules::ScanHeaderJsonLine(*s, pack_ptrs, *result) << '\n';
    for (const rules::Alert& a : result->alerts) out->stream() << rules::AlertJsonLine(*s, a) << '\n';
    if (Status st = out->Commit(); !st.ok()) return cli::ReportError(verb, st);
  }
  PrintRuleTable(*result, s->transaction_count(), o.out, o.json);
  if (o.timings) {
    const double end_cpu = CpuSeconds();
    fmt::print(stderr, "timings: open {:.3f} s, kyc {:.3f} s, scan {:.3f} s, write {:.3f} s, total {:.3f} s\n",
               open_seconds, holders_seconds, scan_seconds, Seconds(t3), Seconds(t0));
    fmt::print(stderr, "cpu: open {:.3f} s, kyc {:.3f} s, scan {:.3f} s, write {:.3f} s, total {:.3f} s\n", open_cpu,
               holders_cpu - open_cpu, scan_cpu - holders_cpu, end_cpu - scan_cpu, end_cpu);
  }
  return result->alerts.empty() || o.exit_zero ? cli::kExitOk : cli::kExitFindingsOrUsage;
}

void Setup(CLI::App& app, std::function<int()>& run) {
  auto o = std::make_shared<Options>();  // shared: owned by the parsed options and the action
  app.add_option("store", o->store, "Store directory")->required();
  app.add_option("--rules", o->packs, "Rule pack(s) (TOML); default rules/smuggling-trafficking.toml");
  app.add_option("--parties", o->parties,
                 "Directory with parties.csv and accounts.csv (KYC facts for rules that need them)");
  app.add_option("--entities", o->entities,
                 "Entity map party_id,entity_id (moneytrail resolve --out, or truth/entities.csv): rules with "
                 "subject = \"entity\" aggregate over each entity's accounts; needs --parties");
  app.add_option("--set", o->sets, "Override a parameter: RULE_ID.param=VALUE (TOML value)");
  app.add_option("--out", o->out, "Alerts file (JSON lines)");
  app.add_option("--explain", o->explain, "Print the evidence of one alert as a table");
  app.add_option("--alerts", o->alerts, "With --explain: read the alert from this file instead of re-scanning");
  app.add_option("--threads", o->threads, "Worker threads (0 = all cores)");
  app.add_flag("--list-rules", o->list, "List the rules and their parameters");
  app.add_flag("--timings", o->timings, "Print the time of each phase on stderr");
  app.add_flag("--no-holders", o->no_holders,
               "Ignore the holders and entities attached to the store (rules then see accounts only)");
  app.add_flag("--json", o->json,
               "Print the summary (alerts per rule, and per rule whether it ran on this data and why not) as JSON");
  app.add_flag("--exit-zero", o->exit_zero, "Exit 0 even when alerts are found (default: 1, 'findings')");
  run = [o] { return Run(*o); };
}

const moneytrail::cli::VerbRegistration kScan("scan", "Run red-flag rule packs over a store and write alerts", Setup);

}  // namespace
