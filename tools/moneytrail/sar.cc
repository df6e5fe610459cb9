// `moneytrail sar CASE --out DIR [--top N]`: adapter over exports::MakeSarSummary: writes
// DIR/sar-summary.txt and DIR/sar-transactions.csv. Never files anything.
#include <fmt/format.h>

#include "moneytrail/file_util.h"
#include "moneytrail/sar_summary.h"
#include "verb.h"

namespace {

using namespace moneytrail;

struct Options {
  std::string case_dir, out;
  size_t top = 10;
};

int Run(const Options& o) {
  const std::filesystem::path out(o.out);
  if (Status st = cli::CheckOutputs(nullptr, {{"--out", o.out}}); !st.ok()) return cli::ReportError("sar", st);
  Result<exports::SarSummary> s = exports::MakeSarSummary(o.case_dir, {.top = o.top});
  if (!s.ok()) return cli::ReportError("sar", s.status());
  if (Status st = CreateDirectoriesDurably(out); !st.ok()) return cli::ReportError("sar", st);
  if (Status st = WriteFileAtomically(out / "sar-summary.txt", s->text); !st.ok()) {
    return cli::ReportError("sar", st);
  }
  if (Status st = WriteFileAtomically(out / "sar-transactions.csv", s->attachment); !st.ok()) {
    return cli::ReportError("sar", st);
  }
  fmt::print("wrote {} (draft narrative, edit before use; nothing is filed) and {} ({} transactions{})\n",
             (out / "sar-summary.txt").string(), (out / "sar-transactions.csv").string(),
             s->attachment_rows,
             s->rows_cut == 0 ? "" : fmt::format(", {} cut to stay within 1 MB", s->rows_cut));
  return cli::kExitOk;
}

void Setup(CLI::App& app, std::function<int()>& run) {
  auto o = std::make_shared<Options>();  // shared: owned by the parsed options and the action
  app.add_option("case", o->case_dir, "Case directory written by investigate")->required();
  app.add_option("--out", o->out, "Directory for sar-summary.txt and sar-transactions.csv")->required();
  app.add_option("--top", o->top, "Subjects summarised (the first ranks)")->default_val(10);
  run = [o] { return Run(*o); };
}

const moneytrail::cli::VerbRegistration kSar(
    "sar", "Write a SAR-style case summary (editable text; never filed) and its CSV attachment", Setup);

}  // namespace
