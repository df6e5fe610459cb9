// `moneytrail train STORE --model FILE [--labels from-store|FILE] [--split temporal:60/20/20]
//  [--features GROUPS] [--baseline GROUPS] [--seed N] [--threads N]`: adapter over model::Train.
#include <fmt/format.h>

#include <filesystem>
#include <optional>
#include <vector>

#include "moneytrail/model.h"
#include "moneytrail/rules.h"
#include "moneytrail/store.h"
#include "verb.h"

namespace {

using namespace moneytrail;

struct Options {
  std::string store;
  std::string model;
  std::string labels = "from-store";
  bool no_variants = false;
  std::string split = "temporal:60/20/20";
  std::string features = "raw,patterns,accounts";
  std::string baseline = "raw";
  std::string rules;    // pack of the rules group; default: the shipped pack
  std::string parties;  // KYC facts for the rules scan (generated world directory)
  model::TrainParams params;
  double first_stage_negative_rate = 0.2;
  std::vector<double> recency;  // candidate half-lives in days; empty: unweighted
  double first_stage_recency = 0;       // days; 0: unweighted
  std::vector<double> late_weights;     // candidates; empty: 0.5
  int first_stage_folds = 2;
  std::vector<std::string> exclude;  // columns left out of the main and first-stage models
  std::string first_stage_from;      // model file whose first-stage models are reused
};

// The shipped pack: in the working directory, or in the repository that holds the binary.
std::string DefaultPack() {
  namespace fs = std::filesystem;
  const fs::path name = "rules/smuggling-trafficking.toml";
  std::error_code ec;
  if (fs::exists(name, ec)) return name.string();
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  for (fs::path dir = exe.parent_path(); !ec && !dir.empty() && dir != dir.root_path();
       dir = dir.parent_path()) {
    if (fs::exists(dir / name, ec)) return (dir / name).string();
  }
  return name.string();
}

int Run(const Options& o) {
  auto split = model::TemporalSplit::Parse(o.split);
  if (!split.ok()) return cli::ReportError("train", split.status());
  auto groups = model::ParseFeatureGroups(o.features);
  if (!groups.ok()) return cli::ReportError("train", groups.status());
  auto baseline = model::ParseFeatureGroups(o.baseline);
  if (!baseline.ok()) return cli::ReportError("train", baseline.status());
  auto s = store::Store::Open(o.store);
  if (!s.ok()) return cli::ReportError("train", s.status());
  if (Status st = cli::CheckOutputs(&*s, {{"--model", o.model}}); !st.ok()) return cli::ReportError("train", st);
  auto labels = model::LoadLabels(*s, o.labels);
  if (!labels.ok()) return cli::ReportError("train", labels.status());
  model::TrainOptions options;
  options.groups = *groups;
  options.baseline_groups = *baseline;
  options.params = o.params;
  options.first_stage_negative_rate = o.first_stage_negative_rate;
  options.recency_candidates = o.recency;
  options.first_stage_recency_half_life_days = o.first_stage_recency;
  options.first_stage_late_weights = o.late_weights;
  options.first_stage_folds = o.first_stage_folds;
  options.exclude_features = o.exclude;
  options.first_stage_from = o.first_stage_from;
  options.labels = o.labels;
  options.rules_pack = o.rules.empty() ? DefaultPack() : o.rules;
  std::optional<rules::HolderTable> holders;
  if (!o.parties.empty()) {
    auto h = rules::HolderTable::LoadGenerated(*s, o.parties);
    if (!h.ok()) return cli::ReportError("train", h.status());
    holders.emplace(std::move(*h));
    options.holders = &*holders;
  }
  options.availability_variants = !o.no_variants;
  options.log = [](std::string_view line) { fmt::print(stderr, "train: {}\n", line); };
  auto bundle = model::Train(*s, *labels, *split, options);
  if (!bundle.ok()) return cli::ReportError("train", bundle.status());
  if (Status w = bundle->Save(o.model); !w.ok()) return cli::ReportError("train", w);
  fmt::print("model written to {} (main: {} features, threshold {:.4f}; baseline: {} features, "
             "threshold {:.4f})\n",
             o.model, bundle->main().features().size(), bundle->main().threshold(),
             bundle->baseline().features().size(), bundle->baseline().threshold());
  fmt::print("main: expected calibration error on validation {:.4f} raw, {:.4f} calibrated "
             "(isotonic); {} per-availability variants\n",
             bundle->main().ece_raw(), bundle->main().ece_calibrated(),
             bundle->variants().size());
  for (const model::Model& v : bundle->variants()) {
    fmt::print("{}: {} features, validation PR-AUC {:.4f}, calibration error {:.4f} raw, {:.4f} "
               "calibrated\n", v.role(), v.features().size(), v.validation().pr_auc, v.ece_raw(),
               v.ece_calibrated());
  }
  return cli::kExitOk;
}

void Setup(CLI::App& app, std::function<int()>& run) {
  auto o = std::make_shared<Options>();  // shared: owned by the parsed options and the action
  app.add_option("store", o->store, "Store directory")->required();
  app.add_option("--model", o->model, "Model file to write")->required();
  app.add_flag("--no-availability-variants", o->no_variants,
               "Do not train the main model's variants without hour-of-day and channel features");
  app.add_option("--labels", o->labels, "from-store (default) or a CSV tx_id,label");
  app.add_option("--split", o->split, "Temporal split (default temporal:60/20/20)");
  app.add_option("--features", o->features,
                 "Feature groups: raw,patterns,accounts,degree,rules,neighbours,taint or all "
                 "(default raw,patterns,accounts)");
  app.add_option("--exclude-features", o->exclude,
                 "Columns of those groups to leave out of the main and first-stage models "
                 "(e.g. tn_self; kept in the model file)")
      ->delimiter(',');
  app.add_option("--baseline", o->baseline, "Feature groups of the baseline model (default raw)");
  app.add_option("--rules", o->rules,
                 "Rule pack of the rules feature group (default rules/smuggling-trafficking.toml)");
  app.add_option("--parties", o->parties,
                 "Directory with parties.csv and accounts.csv (KYC facts for the rules group)");
  app.add_option("--seed", o->params.seed, "XGBoost seed (default 1)");
  app.add_option("--threads", o->params.threads, "XGBoost and feature threads (default 2)");
  app.add_option("--max-rounds", o->params.max_rounds, "Boosting rounds at most (default 400)");
  app.add_option("--early-stopping", o->params.early_stopping_rounds,
                 "Stop after this many rounds without validation PR-AUC gain (default 40)");
  app.add_option("--max-depth", o->params.max_depth, "Tree depth (default 6)");
  app.add_option("--eta", o->params.eta, "Learning rate (default 0.1)");
  app.add_option("--scale-pos-weight", o->params.scale_pos_weight,
                 "Weight of laundering rows (default 0: negatives/positives of the train part)");
  app.add_option("--negative-rate", o->params.negative_rate,
                 "Share of legitimate train rows kept, per row by seed (default 1: all)");
  app.add_option("--first-stage-negative-rate", o->first_stage_negative_rate,
                 "The same for the neighbours group's first-stage models (default 0.2)");
  app.add_option("--recency-half-life", o->recency,
                 "Weigh train rows by 2^(-age/DAYS) before the validation part (0: unweighted); "
                 "with a list (0,1,2), the main model with the best validation PR-AUC is kept")
      ->delimiter(',');
  app.add_option("--first-stage-from", o->first_stage_from,
                 "Reuse the first-stage models (and late weight) of this model file, trained on "
                 "the same store and split, instead of training them");
  app.add_option("--first-stage-folds", o->first_stage_folds,
                 "First-stage models of the neighbours and taint groups: the train part is cut "
                 "into this many blocks of time, each scored by the model trained on the others "
                 "(default 2)");
  app.add_option("--first-stage-recency-half-life", o->first_stage_recency,
                 "Weigh each first-stage model's rows by 2^(-age/DAYS) before the end of its "
                 "rows (default 0: unweighted)");
  app.add_option("--first-stage-late-weight", o->late_weights,
                 "Weight in [0, 1] of the late first-stage model (the one without the first "
                 "block) for rows after the train part, against the others' mean (default 0.5); "
                 "with a list, the best on validation PR-AUC is kept")
      ->delimiter(',');
  run = [o] { return Run(*o); };
}

const moneytrail::cli::VerbRegistration kTrain(
    "train", "Train the XGBoost risk model (and a baseline) on a temporal split", Setup);

}  // namespace
