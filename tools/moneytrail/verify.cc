// `moneytrail verify STORE [--json]`: adapter over store::VerifyStore. One line per problem
// (file, byte offset, element, what was expected); exit 0 when intact, 3 when corrupt.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "moneytrail/json_text.h"
#include "moneytrail/statement_checks.h"
#include "moneytrail/store.h"
#include "moneytrail/store_verify.h"
#include "verb.h"

namespace {

struct Options {
  std::string store;
  bool json = false;
};

// The statement checks recorded with each commit that ingested statements (issue #19): the
// records' own integrity, beside the store's. They never change the exit code: a balance break
// is a fact about the bank's records, not a corrupt store.
struct StatementChecks {
  uint32_t segment = 0;
  moneytrail::statements::CheckReport report;
};
moneytrail::Result<std::vector<StatementChecks>> ReadStatementChecks(const std::string& dir) {
  using namespace moneytrail;
  // Called once VerifyStore found every file intact: its CRCs need not be read again, and the
  // columns (whose values VerifyStore checked) are not read here.
  MT_ASSIGN_OR_RETURN(store::Store s, store::Store::Open(dir, {.columns = store::ColumnSet(),
                                                               .check_block_crcs = false}));
  std::vector<StatementChecks> out;
  for (const store::CommitFile& f : s.commit_files()) {
    if (f.name != "statement-checks.json") continue;
    MT_ASSIGN_OR_RETURN(std::string text, s.ReadCommitFile(f.segment, f.name));
    Result<statements::CheckReport> report = statements::CheckReportFromJson(text);
    if (!report.ok()) return report.status().WithContext("segment " + std::to_string(f.segment) + " " + f.name);
    out.push_back({f.segment, std::move(*report)});
  }
  return out;
}

int Run(const Options& o) {
  using namespace moneytrail;
  Result<store::VerifyReport> r = store::VerifyStore(o.store);
  if (!r.ok()) return cli::ReportError("verify", r.status());
  std::vector<StatementChecks> checks;
  if (r->intact()) {
    Result<std::vector<StatementChecks>> read = ReadStatementChecks(o.store);
    if (!read.ok()) return cli::ReportError("verify", read.status());
    checks = std::move(*read);
  }
  if (o.json) {
    nlohmann::json j = r->ToJson();
    if (!checks.empty()) {
      j["statement_checks"] = nlohmann::json::array();
      for (const StatementChecks& c : checks) {
        j["statement_checks"].push_back(
            {{"segment", c.segment}, {"report", nlohmann::json::parse(c.report.ToJson())}});
      }
    }
    fmt::print("{}\n", JsonText(j, 2));
  } else {
    for (const StatementChecks& c : checks) {
      fmt::print("statement checks of commit {} (the records' own integrity):\n", c.segment);
      fmt::print("{}", c.report.ToText());
    }
    for (const auto& p : r->problems) fmt::print("{}\n", p.ToString());
    for (const auto& n : r->notes) fmt::print("note: {}\n", n);
    fmt::print("{}: {} files, {} bytes checked{}\n", r->intact() ? "intact" : "CORRUPT",
               r->files_checked, r->bytes_checked,
               r->intact() ? "" : fmt::format("; {} problems", r->problems.size()));
  }
  return r->intact() ? cli::kExitOk : cli::kExitIo;
}

void Setup(CLI::App& app, std::function<int()>& run) {
  auto o = std::make_shared<Options>();  // shared: owned by the parsed options and the action
  app.add_option("store", o->store, "Store directory")->required();
  app.add_flag("--json", o->json, "Print the report as JSON");
  run = [o] { return Run(*o); };
}

const moneytrail::cli::VerbRegistration kVerify(
    "verify",
    "Check a store end to end: checksums of every file, ids, custody, attachments, sources "
    "(exit 0 intact, 3 corrupt)",
    Setup);

}  // namespace
