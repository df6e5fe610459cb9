// `moneytrail reproduce DIR`: adapter over exhibit::Reproduce (docs/exhibits.md), which re-runs a
// pack's own analysis, and cases::RerunCase, which re-runs the investigation of the case the pack
// came from through its stages. Exit 0 when the signature verifies, no file was changed and both
// re-runs are byte-identical; 1 otherwise.
#include <fmt/format.h>
#include <stdlib.h>

#include <filesystem>

#include "moneytrail/exhibit.h"
#include "moneytrail/investigation.h"
#include "verb.h"

namespace {

using namespace moneytrail;
namespace fs = std::filesystem;

// The case's investigation from the pack's case-custody.json, run into a scratch directory.
Result<std::vector<exhibit::Difference>> RerunCase(std::string_view custody, const fs::path& case_dir,
                                                   std::vector<std::string>& notes,
                                                   uint64_t& files_compared) {
  MT_ASSIGN_OR_RETURN(cases::CaseRecipe recipe,
                      cases::ParseCaseRecipe(custody, "case-custody.json", case_dir));
  std::string scratch = (fs::temp_directory_path() / "moneytrail-reproduce-XXXXXX").string();
  if (mkdtemp(scratch.data()) == nullptr) return ErrnoError("cannot create a scratch directory", errno);
  Result<cases::CaseRerun> rerun = cases::RerunCase(recipe, fs::path(scratch) / "case");
  std::error_code ec;
  fs::remove_all(scratch, ec);
  if (!rerun.ok()) return rerun.status();
  files_compared = rerun->files_compared;
  notes.insert(notes.end(), rerun->notes.begin(), rerun->notes.end());
  std::vector<exhibit::Difference> out;
  for (cases::CaseDifference& d : rerun->differences) out.push_back({std::move(d.file), std::move(d.what)});
  return out;
}

int Run(const std::string& dir) {
  Result<exhibit::ReproduceResult> r = exhibit::Reproduce(dir, RerunCase);
  if (!r.ok()) return cli::ReportError("reproduce", r.status());
  fmt::print("{}", r->Text());
  return r->identical() ? cli::kExitOk : cli::kExitFindingsOrUsage;
}

void Setup(CLI::App& app, std::function<int()>& run) {
  auto dir = std::make_shared<std::string>();  // shared: owned by the parsed options and the action
  app.add_option("dir", *dir, "Exhibit pack directory")->required();
  run = [dir] { return Run(*dir); };
}

const moneytrail::cli::VerbRegistration kReproduce(
    "reproduce", "Verify an exhibit pack's signature and hashes and re-run its analysis and its "
                 "case's investigation", Setup);

}  // namespace
