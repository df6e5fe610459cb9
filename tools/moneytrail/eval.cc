// `moneytrail eval STORE --scores scores.csv [--split test|validate|train|all] [--labels ...]
//  [--top-k 10,50,100] [--json FILE]`: adapter over model::Evaluate (docs/model.md).
#include <fmt/format.h>

#include <fstream>

#include "moneytrail/json_text.h"
#include "moneytrail/model.h"
#include "moneytrail/model_score.h"
#include "moneytrail/store.h"
#include "verb.h"

namespace {

using namespace moneytrail;

struct Options {
  std::string store;
  std::string scores;
  std::string split = "test";
  std::string labels = "from-store";
  std::vector<size_t> top_k{10, 50, 100};
  std::string json;
};

int Run(const Options& o) {
  std::optional<model::SplitPart> part;
  if (o.split != "all") {
    auto p = model::ParseSplitPart(o.split);
    if (!p.ok()) return cli::ReportError("eval", p.status());
    part = *p;
  }
  auto s = store::Store::Open(o.store);
  if (s.ok()) {
    if (Status st = cli::CheckOutputs(&*s, {{"--json", o.json}}); !st.ok()) return cli::ReportError("eval", st);
  }
  if (!s.ok()) return cli::ReportError("eval", s.status());
  auto labels = model::LoadLabels(*s, o.labels);
  if (!labels.ok()) return cli::ReportError("eval", labels.status());
  auto scores = model::ReadScoresCsv(o.scores, *s);
  if (!scores.ok()) return cli::ReportError("eval", scores.status());
  auto e = model::Evaluate(*s, *scores, *labels, part, o.top_k);
  if (!e.ok()) return cli::ReportError("eval", e.status());
  fmt::print("{}", e->ToText());
  if (!o.json.empty()) {
    std::ofstream out(o.json, std::ios::binary);
    out << moneytrail::JsonText(e->ToJson(), 2) << '\n';
    if (!out) return cli::ReportError("eval", IoError("cannot write " + o.json));
  }
  return cli::kExitOk;
}

void Setup(CLI::App& app, std::function<int()>& run) {
  auto o = std::make_shared<Options>();  // shared: owned by the parsed options and the action
  app.add_option("store", o->store, "Store directory")->required();
  app.add_option("--scores", o->scores, "scores.csv written by `moneytrail score`")->required();
  app.add_option("--split", o->split, "test (default), validate, train or all");
  app.add_option("--labels", o->labels, "from-store (default) or a CSV tx_id,label");
  app.add_option("--top-k", o->top_k, "Account precision cut-offs (default 10 50 100)")
      ->delimiter(',');
  app.add_option("--json", o->json, "Also write the metrics as JSON to this file");
  run = [o] { return Run(*o); };
}

const moneytrail::cli::VerbRegistration kEval(
    "eval", "Measure scores: minority F1, precision, recall, PR-AUC, precision@k accounts, "
    "against the baseline", Setup);

}  // namespace
