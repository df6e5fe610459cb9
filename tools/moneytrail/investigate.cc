// `moneytrail investigate --store STORE [FILES... --format F] --out CASE_DIR [--rules PACK...]
//  [--set RULE.param=VALUE...] [--parties DIR [--entities entities.csv]] [--model FILE] [--top N] [--trace-hops N] [--no-pdf]
//  [--net-worth SUBJECT=FILE...]`: the main job,
//  adapter over cases::Investigate (docs/investigate.md). It takes the ingest flags of `ingest`
//  (ingest_flags.h: --map, repeated, with --mapping as an alias; --balances, --max-rejects...).
#include <fmt/format.h>

#include <memory>

#include "ingest_flags.h"
#include "moneytrail/investigate.h"
#include "progress.h"
#include "verb.h"

namespace {

using namespace moneytrail;

struct Options {
  std::string store, out, format, parties, entities, model;
  IngestOptions ingest;
  cli::IngestFlags flags;
  std::vector<std::string> files, rules, sets, net_worth;
  size_t top = 10;
  uint32_t trace_hops = 6;
  bool no_pdf = false;
  bool no_holders = false;
  int threads = 0;
  std::string case_title, case_number, agency, author, marking, paper = "letter";
  std::string exhibit_prefix, exhibit_number = "1";
};

int Run(const Options& o) {
  cases::InvestigateOptions io;
  io.store = o.store;
  io.out = o.out;
  for (const std::string& f : o.files) io.files.emplace_back(f);
  if (!io.files.empty() && o.format.empty()) {
    return cli::ReportError("investigate", InvalidArgumentError(
        "files given: --format is required (ibm-aml, amlsim, native, mapped with --map FILE.toml, "
        "camt, mt940, bai2, ofx or auto)"));
  }
  io.ingest = o.ingest;
  io.ingest.format = o.format;
  if (Status s = cli::ApplyIngestFlags(o.flags, io.ingest); !s.ok()) {
    return cli::ReportError("investigate", s);
  }
  for (const std::string& r : o.rules) io.rule_packs.emplace_back(r);
  for (const std::string& set : o.sets) {
    const size_t eq = set.find('=');
    if (eq == std::string::npos || set.find('.') > eq) {
      return cli::ReportError("investigate",
                              InvalidArgumentError("--set '" + set + "': expected RULE_ID.param=VALUE"));
    }
    io.rule_overrides[set.substr(0, eq)] = set.substr(eq + 1);
  }
  for (const std::string& nw : o.net_worth) {
    const size_t eq = nw.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == nw.size()) {
      return cli::ReportError("investigate", InvalidArgumentError(
          "--net-worth '" + nw + "': expected SUBJECT=FILE (a subject of subjects.csv or one of its accounts)"));
    }
    io.net_worth.emplace_back(nw.substr(0, eq), nw.substr(eq + 1));
  }
  io.parties = o.parties;
  io.entities = o.entities;
  io.use_attached_holders = !o.no_holders;
  io.model = o.model;
  io.top = o.top;
  io.trace_hops = o.trace_hops;
  io.pdf = !o.no_pdf;
  io.threads = o.threads;
  io.case_title = o.case_title;
  io.case_number = o.case_number;
  io.agency = o.agency;
  io.author = o.author;
  io.marking = o.marking;
  if (!o.exhibit_prefix.empty()) io.exhibit = o.exhibit_prefix + o.exhibit_number;
  io.a4 = o.paper == "a4";
  std::unique_ptr<cli::ProgressBar> bar;
  std::string current;
  io.progress = [&](std::string_view stage, double fraction) {
    if (stage != current) {
      bar.reset();
      current = std::string(stage);
      bar = std::make_unique<cli::ProgressBar>(fmt::format("{:<9}", current));
    }
    bar->Update(fraction);
  };
  Result<cases::CaseSummary> summary = cases::Investigate(io);
  bar.reset();
  if (!summary.ok()) return cli::ReportError("investigate", summary.status());
  fmt::print("{}", cases::SummaryText(*summary));
  fmt::print("\nreport: {}\n", (summary->out / "report.html").string());
  return cli::kExitOk;
}

void Setup(CLI::App& app, std::function<int()>& run) {
  auto o = std::make_shared<Options>();  // shared: owned by the parsed options and the action
  app.add_option("--store", o->store, "Store directory (created when FILES are given)")->required();
  app.add_option("files", o->files, "Source files to ingest first (optional)");
  cli::AddFormatOption(app, o->format);
  cli::AddIngestFlags(app, o->flags, o->ingest, /*alias_mapping=*/true);
  app.add_option("--out", o->out, "Case directory to write")->required();
  app.add_option("--rules", o->rules, "Rule pack(s); default rules/smuggling-trafficking.toml");
  app.add_option("--set", o->sets, "Override a rule parameter: RULE_ID.param=VALUE (TOML value), repeatable");
  app.add_option("--net-worth", o->net_worth,
                 "SUBJECT=FILE: the subject's net worth file (prove --method net-worth); its "
                 "schedules go in the report. Repeatable");
  app.add_option("--parties", o->parties, "KYC directory with parties.csv and accounts.csv");
  app.add_option("--entities", o->entities,
                 "resolve's entities.csv: rank entities (needs --parties) instead of accounts");
  app.add_flag("--no-holders", o->no_holders,
               "Ignore the holders and entities attached to the store by `resolve --store` (rank accounts)");
  app.add_option("--model", o->model, "Model file; default models/default.model");
  app.add_option("--top", o->top, "Subjects reported in full and traced")->default_val(10);
  app.add_option("--trace-hops", o->trace_hops, "LIBR trace limit in transfers")->default_val(6);
  app.add_flag("--no-pdf", o->no_pdf, "Do not print report.pdf");
  app.add_option("--threads", o->threads, "Worker threads (0 = all cores)");
  app.add_option("--case-title", o->case_title, "Report title (default: Case report: STORE)");
  app.add_option("--case-number", o->case_number, "Case number, on every printed page");
  app.add_option("--agency", o->agency, "Agency named on the report");
  app.add_option("--author", o->author, "Who prepared the report");
  app.add_option("--marking", o->marking,
                 "Marking banner on every page, e.g. \"LAW ENFORCEMENT SENSITIVE\"");
  app.add_option("--exhibit-prefix", o->exhibit_prefix,
                 "Stamp every printed page with an exhibit number PREFIX+NUMBER, e.g. GX-");
  app.add_option("--exhibit-number", o->exhibit_number, "The exhibit's number (default 1)");
  app.add_option("--paper", o->paper, "Paper of report.pdf: letter or a4")
      ->check(CLI::IsMember({"letter", "a4"}))
      ->default_val("letter");
  run = [o] { return Run(*o); };
}

const moneytrail::cli::VerbRegistration kInvestigate(
    "investigate", "The main job: rules, patterns, scores, ranking, tracing and a case report", Setup);

}  // namespace
