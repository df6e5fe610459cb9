// `moneytrail score STORE --model FILE --out scores.csv [--accounts accounts.csv]
//  [--entity-ranking entities.csv [--parties DIR --entities MAP]]`: adapter over
// model::ScoreStore (docs/model.md). The entity ranking groups the accounts by the entities that
// `moneytrail resolve --store` attached to the store (or --parties with --entities).
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <unordered_map>

#include "moneytrail/csv.h"
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
  std::string entities;
  std::string entity_ranking;
  std::string applicability_json;
};

// entity ranking: rank,entity,score,accounts,transactions,flagged,top_tx,reasons,account_list.
// An entity's score is the largest score of a transaction that one of its bank accounts sends or
// receives (as for accounts); a transfer between two of its accounts counts once. Entities whose
// accounts have no transactions are left out; accounts without an entity are in accounts.csv.
Status WriteEntityRanking(const store::Store& s, const model::ModelBundle& /*bundle*/,
                          const model::ScoreRun& run, const rules::HolderTable& holders,
                          const std::string& path) {
  struct Entity {
    uint32_t id = 0;
    float score = -1;
    uint64_t transactions = 0, flagged = 0;
    int64_t top_tx = -1;
    std::vector<AccountId> accounts;
  };
  std::vector<Entity> entities;
  std::unordered_map<uint32_t, uint32_t> index;  // interned entity id -> entities[]
  auto entity_of = [&](AccountId a) -> int64_t {
    if (s.account(a).kind != NodeKind::kAccount) return -1;
    const uint32_t e = holders.entity(a);
    if (e == 0) return -1;
    auto [it, fresh] = index.emplace(e, static_cast<uint32_t>(entities.size()));
    if (fresh) entities.push_back(Entity{.id = e});
    return it->second;
  };
  for (AccountId a = 0; a < s.account_count(); ++a) {
    if (int64_t e = entity_of(a); e >= 0) entities[static_cast<size_t>(e)].accounts.push_back(a);
  }
  const float threshold = run.threshold;
  for (size_t t = 0; t < run.score.size(); ++t) {
    const int64_t from = entity_of(s.source()[t]), to = entity_of(s.destination()[t]);
    auto add = [&](int64_t e) {
      Entity& en = entities[static_cast<size_t>(e)];
      ++en.transactions;
      en.flagged += run.score[t] >= threshold;
      if (run.score[t] > en.score) {
        en.score = run.score[t];
        en.top_tx = static_cast<int64_t>(t);
      }
    };
    if (from >= 0) add(from);
    if (to >= 0 && to != from) add(to);  // a transfer between its own accounts counts once
  }
  std::vector<uint32_t> order;
  for (uint32_t i = 0; i < entities.size(); ++i) {
    if (entities[i].transactions > 0) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return entities[a].score > entities[b].score; });
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return IoError(fmt::format("cannot create {}", path));
  out << "rank,entity,score,accounts,transactions,flagged,top_tx,reasons,account_list\n";
  for (size_t r = 0; r < order.size(); ++r) {
    const Entity& en = entities[order[r]];
    std::string list;
    for (AccountId a : en.accounts) {
      if (!list.empty()) list += ' ';
      list += s.AccountLabel(a);
    }
    out << fmt::format("{},{},{},{},{},{},{},{},{}\n", r + 1, CsvField(holders.text(en.id)), en.score,
                       en.accounts.size(), en.transactions, en.flagged, en.top_tx,
                       CsvField(run.reasons[static_cast<size_t>(en.top_tx)]), CsvField(list));
  }
  out.close();
  if (!out) return IoError(fmt::format("cannot write {}", path));
  return Status::Ok();
}

int Run(const Options& o) {
  auto bundle = model::ModelBundle::Load(o.model);
  if (!bundle.ok()) return cli::ReportError("score", bundle.status());
  auto s = store::Store::Open(o.store);
  if (!s.ok()) return cli::ReportError("score", s.status());
  if (Status st = cli::CheckOutputs(
          &*s, {{"--out", o.out}, {"--accounts", o.accounts}, {"--entity-ranking", o.entity_ranking}});
      !st.ok()) {
    return cli::ReportError("score", st);
  }
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
  // What the model may say about this input (docs/model.md, Applicability).
  const model::ModelApplicability& ap = run->applicability;
  fmt::print(stderr, "score: {}\n", ap.availability_sentence);
  if (!ap.applies) fmt::print(stderr, "score: {}\n", ap.reason);
  if (!o.applicability_json.empty()) {
    std::ofstream out(o.applicability_json, std::ios::binary | std::ios::trunc);
    out << ap.ToJson().dump(2) << '\n';
    out.close();
    if (!out) return cli::ReportError("score", IoError(fmt::format("cannot write {}", o.applicability_json)));
  }
  if (Status w = model::WriteScoresCsv(*s, *bundle, *run, o.out); !w.ok()) {
    return cli::ReportError("score", w);
  }
  if (!o.accounts.empty()) {
    if (Status w = model::WriteAccountRanking(*s, *bundle, *run, o.accounts); !w.ok()) {
      return cli::ReportError("score", w);
    }
  }
  if (!o.entity_ranking.empty()) {
    std::optional<rules::HolderTable> with_entities;
    if (!o.entities.empty()) {
      if (!holders) return cli::ReportError("score", InvalidArgumentError("--entities needs --parties DIR"));
      if (Status st = holders->AttachEntities(o.entities); !st.ok()) return cli::ReportError("score", st);
      with_entities = std::move(holders);
    } else if (s->holders() != nullptr) {
      auto h = rules::HolderTable::LoadAttached(*s);
      if (!h.ok()) return cli::ReportError("score", h.status());
      with_entities = std::move(*h);
    }
    if (!with_entities || !with_entities->has_entities()) {
      return cli::ReportError("score", FailedPreconditionError(fmt::format(
          "--entity-ranking: store {} has no entities (run `moneytrail resolve PARTIES.csv --store {}`, or "
          "give --parties DIR --entities entities.csv)", o.store, o.store)));
    }
    if (Status w = WriteEntityRanking(*s, *bundle, *run, *with_entities, o.entity_ranking); !w.ok()) {
      return cli::ReportError("score", w);
    }
  }
  fmt::print("scored {} transactions with the {} model; {} flagged at threshold {:.4f}; scores in "
             "{}{}\n",
             run->score.size(), ap.model_role, run->flagged, run->threshold, o.out,
             ap.applies ? "" : " (the model does not apply to this input: see above)");
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
  app.add_option("--entities", o->entities, "With --parties: entity map party_id,entity_id for --entity-ranking");
  app.add_option("--entity-ranking", o->entity_ranking,
                 "Entity ranking CSV to write (entities attached by `resolve --store`, or --entities)");
  app.add_option("--applicability", o->applicability_json,
                 "JSON file to write what the model may say about this input: features used, "
                 "calibration, shift check");
  run = [o] { return Run(*o); };
}

const moneytrail::cli::VerbRegistration kScore(
    "score", "Score transactions and rank accounts, with reasons in plain words", Setup);

}  // namespace
