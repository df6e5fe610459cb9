// `moneytrail score STORE --model FILE --out scores.csv [--accounts accounts.csv]`: adapter over
// model::ScoreStore (docs/model.md).
#include <fmt/format.h>

#include <optional>

#include "moneytrail/model.h"
#include "moneytrail/rules.h"
#include "moneytrail/model_score.h"
#include "moneytrail/store.h"
#include "verb.h"

namespace {

using namespace moneytrail;

struct Options {
  std::string store;
  std::string model;
  std::string out;
  std::string accounts;
  size_t reasons = 3;
  std::string parties;
};

int Run(const Options& o) {
  auto bundle = model::ModelBundle::Load(o.model);
  if (!bundle.ok()) return cli::ReportError("score", bundle.status());
  auto s = store::Store::Open(o.store);
  if (!s.ok()) return cli::ReportError("score", s.status());
  if (s->manifest_sha256() != bundle->store_manifest_sha256()) {
    fmt::print(stderr, "score: note: the model was trained on store state {}, this store is {}\n",
               bundle->store_manifest_sha256().substr(0, 16), s->manifest_sha256().substr(0, 16));
  }
  std::optional<rules::HolderTable> holders;
  if (!o.parties.empty()) {
    auto h = rules::HolderTable::LoadGenerated(*s, o.parties);
    if (!h.ok()) return cli::ReportError("score", h.status());
    holders.emplace(std::move(*h));
  }
  auto run = model::ScoreStore(*s, *bundle,
                               {.reasons = o.reasons, .holders = holders ? &*holders : nullptr});
  if (!run.ok()) return cli::ReportError("score", run.status());
  if (Status w = model::WriteScoresCsv(*s, *bundle, *run, o.out); !w.ok()) {
    return cli::ReportError("score", w);
  }
  if (!o.accounts.empty()) {
    if (Status w = model::WriteAccountRanking(*s, *bundle, *run, o.accounts); !w.ok()) {
      return cli::ReportError("score", w);
    }
  }
  fmt::print("scored {} transactions; {} flagged at threshold {:.4f}; scores in {}\n",
             run->score.size(), run->flagged, bundle->main().threshold(), o.out);
  return cli::kExitOk;
}

void Setup(CLI::App& app, std::function<int()>& run) {
  auto o = std::make_shared<Options>();  // shared: owned by the parsed options and the action
  app.add_option("store", o->store, "Store directory")->required();
  app.add_option("--model", o->model, "Model file written by `moneytrail train`")->required();
  app.add_option("--out", o->out, "Scores CSV to write")->required();
  app.add_option("--accounts", o->accounts, "Account ranking CSV to write");
  app.add_option("--reasons", o->reasons, "Top contributions per flagged transaction (default 3)");
  app.add_option("--parties", o->parties,
                 "Directory with parties.csv and accounts.csv (KYC facts for rule features)");
  run = [o] { return Run(*o); };
}

const moneytrail::cli::VerbRegistration kScore(
    "score", "Score transactions and rank accounts, with reasons in plain words", Setup);

}  // namespace
