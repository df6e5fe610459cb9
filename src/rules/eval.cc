#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_set>

#include "moneytrail/json_text.h"
#include "moneytrail/rules_eval.h"

namespace moneytrail::rules {
namespace {

struct Instance {
  uint64_t id = 0;
  std::string typology;
  std::vector<AccountId> accounts;
  std::optional<AccountId> controller;
  std::string controller_label;
  std::vector<TransactionId> transactions;
};

std::optional<AccountId> FindLabel(const store::Store& store, std::string_view label) {
  size_t colon = label.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view bank = label.substr(0, colon), number = label.substr(colon + 1);
  for (NodeKind kind : {NodeKind::kAccount, NodeKind::kExternal}) {
    if (auto a = store.FindAccount(kind, bank, number)) return a;
  }
  return std::nullopt;
}

Result<std::vector<Instance>> ReadInstances(const store::Store& store, const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return ErrnoError("cannot open " + path.string(), errno);
  std::vector<Instance> out;
  std::string line;
  uint64_t line_no = 0;
  uint64_t mismatched = 0, checked = 0;
  auto typology_column = store.typology();
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) return InvalidArgumentError(fmt::format("{}:{}: not JSON", path.string(), line_no));
    Instance inst;
    try {
      inst.id = j.at("instance_id").get<uint64_t>();
      inst.typology = j.at("typology").get<std::string>();
      for (const auto& a : j.at("accounts")) {
        if (auto id = FindLabel(store, a.get<std::string>())) inst.accounts.push_back(*id);
      }
      inst.controller_label = j.value("controller", "");
      inst.controller = FindLabel(store, inst.controller_label);
      for (const auto& t : j.at("transaction_ids")) {
        auto id = t.get<uint64_t>();
        if (id >= store.transaction_count()) {
          return DataLossError(fmt::format("{}:{}: transaction {} is beyond the store's {} transactions",
                                           path.string(), line_no, id, store.transaction_count()));
        }
        inst.transactions.push_back(static_cast<TransactionId>(id));
        ++checked;
        if (store.string(typology_column[id]) != inst.typology) ++mismatched;
      }
    } catch (const nlohmann::json::exception& e) {
      return InvalidArgumentError(fmt::format("{}:{}: {}", path.string(), line_no, e.what()));
    }
    out.push_back(std::move(inst));
  }
  if (mismatched > 0) {
    return DataLossError(fmt::format("{}: {} of {} truth transaction ids carry another typology in the store; was "
                                     "the store ingested from this world's transactions.csv alone?",
                                     path.string(), mismatched, checked));
  }
  return out;
}

}  // namespace

bool IsSmugglingTraffickingTypology(std::string_view t) {
  return t == "funnel_account" || t == "smuggling_fee_collection" || t == "structuring" ||
         t == "rapid_pass_through" || t == "trafficking_business" || t == "commingling";
}

Result<RulesEvaluation> EvaluateAlerts(const store::Store& store, const std::filesystem::path& truth_dir,
                                       std::span<const Alert> alerts, const HolderTable* holders) {
  MT_ASSIGN_OR_RETURN(std::vector<Instance> instances, ReadInstances(store, truth_dir / "instances.jsonl"));
  RulesEvaluation e;
  std::unordered_set<AccountId> involved, target;
  for (const Instance& inst : instances) {
    for (AccountId a : inst.accounts) {
      involved.insert(a);
      if (IsSmugglingTraffickingTypology(inst.typology)) target.insert(a);
    }
  }
  std::unordered_set<AccountId> alerted, flagged;
  std::unordered_set<TransactionId> covered, flag_covered;
  std::map<std::string, RuleQuality> per_rule;
  // What each rule's alerts name and cover, for the instances a rule finds alone.
  std::map<std::string, std::pair<std::unordered_set<AccountId>, std::unordered_set<TransactionId>>> rule_reach;
  for (const Alert& a : alerts) {
    bool on_involved = false, on_target = false;
    for (AccountId s : a.subjects) {
      alerted.insert(s);
      if (a.severity != "report") flagged.insert(s);
      on_involved |= involved.contains(s);
      on_target |= target.contains(s);
    }
    auto& [rule_subjects, rule_covered] = rule_reach[a.rule_id];
    rule_subjects.insert(a.subjects.begin(), a.subjects.end());
    for (const EvidenceItem& item : a.evidence) {
      covered.insert(item.transaction);
      rule_covered.insert(item.transaction);
      if (a.severity != "report") flag_covered.insert(item.transaction);
    }
    ++e.alerts;
    e.alerts_on_involved += on_involved;
    if (a.severity != "report") {
      ++e.flag_alerts;
      e.flag_alerts_on_involved += on_involved;
    }
    e.alerts_on_target += on_target;
    RuleQuality& q = per_rule[a.rule_id];
    q.rule_id = a.rule_id;
    ++q.alerts;
    q.on_involved += on_involved;
  }
  // Found: the alerts name the controller, or their evidence covers more than half of the
  // instance's transactions.
  auto found_by = [](const Instance& inst, const std::unordered_set<AccountId>& subjects,
                     const std::unordered_set<TransactionId>& evidence) {
    if (inst.controller && subjects.contains(*inst.controller)) return true;
    size_t hit = 0;
    for (TransactionId t : inst.transactions) hit += evidence.contains(t);
    return !inst.transactions.empty() && 2 * hit > inst.transactions.size();
  };
  std::map<std::string, TypologyRecall> recall;
  for (const Instance& inst : instances) {
    TypologyRecall& r = recall[inst.typology];
    r.typology = inst.typology;
    ++r.instances;
    bool by_controller = inst.controller && alerted.contains(*inst.controller);
    bool found = found_by(inst, alerted, covered);
    r.found += found;
    r.found_by_controller += by_controller;
    if (IsSmugglingTraffickingTypology(inst.typology)) {
      ++e.target_instances;
      e.target_found += found;
      e.flag_target_found += found_by(inst, flagged, flag_covered);
      for (auto& [rule_id, reach] : rule_reach) {
        per_rule[rule_id].target_found += found_by(inst, reach.first, reach.second);
      }
      if (!found) e.missed.push_back(fmt::format("{} #{} ({})", inst.typology, inst.id, inst.controller_label));
    }
  }
  for (auto& [name, r] : recall) e.typologies.push_back(r);
  for (auto& [name, q] : per_rule) e.rules.push_back(q);
  // Legitimate accounts and the two populations that must not be flooded.
  std::vector<uint32_t> cash_deposits(store.account_count(), 0);
  std::vector<uint8_t> remits(store.account_count(), 0);
  auto source = store.source();
  auto destination = store.destination();
  auto channel = store.channel();
  for (size_t t = 0; t < store.transaction_count(); ++t) {
    auto ch = static_cast<Channel>(channel[t]);
    if (ch == Channel::kCashDeposit) ++cash_deposits[destination[t]];
    if ((ch == Channel::kWire || ch == Channel::kMoneyTransmitter) &&
        store.account(destination[t]).kind == NodeKind::kExternal) {
      remits[source[t]] = 1;
    }
  }
  for (AccountId a = 0; a < store.account_count(); ++a) {
    if (store.account(a).kind != NodeKind::kAccount || involved.contains(a)) continue;
    const bool is_alerted = alerted.contains(a);
    const bool is_flagged = flagged.contains(a);
    ++e.legitimate_accounts;
    e.legitimate_alerted += is_alerted;
    e.legitimate_flagged += is_flagged;
    if (remits[a]) {
      ++e.remitters;
      e.remitters_alerted += is_alerted;
      e.remitters_flagged += is_flagged;
    }
    bool business = holders == nullptr || holders->at(a).kind == PartyKind::kBusiness;
    if (business && cash_deposits[a] >= 3) {
      ++e.cash_businesses;
      e.cash_businesses_alerted += is_alerted;
      e.cash_businesses_flagged += is_flagged;
    }
  }
  return e;
}

namespace {
std::string Pct(uint64_t num, uint64_t den) {
  return den == 0 ? std::string("n/a") : fmt::format("{:.1f}%", 100.0 * static_cast<double>(num) / static_cast<double>(den));
}
}  // namespace

std::string RulesEvaluation::ToText() const {
  std::string out;
  auto o = std::back_inserter(out);
  fmt::format_to(o, "{:<26} {:>9} {:>6} {:>8}  {}\n", "typology", "instances", "found", "recall", "");
  for (const TypologyRecall& r : typologies) {
    fmt::format_to(o, "{:<26} {:>9} {:>6} {:>8}  {}\n", r.typology, r.instances, r.found, Pct(r.found, r.instances),
                   IsSmugglingTraffickingTypology(r.typology) ? "(smuggling/trafficking)" : "");
  }
  fmt::format_to(o, "\nsmuggling/trafficking recall: {} of {} ({})\n", target_found, target_instances,
                 Pct(target_found, target_instances));
  fmt::format_to(o, "alerts: {}; on accounts of any planted instance: {} ({}); of a smuggling/trafficking "
                    "instance: {} ({})\n",
                 alerts, alerts_on_involved, Pct(alerts_on_involved, alerts), alerts_on_target,
                 Pct(alerts_on_target, alerts));
  fmt::format_to(o, "red-flag alerts (without reporting rules): {}; on accounts of any planted instance: {} ({}); "
                    "smuggling/trafficking recall: {} of {} ({})\n",
                 flag_alerts, flag_alerts_on_involved, Pct(flag_alerts_on_involved, flag_alerts), flag_target_found,
                 target_instances, Pct(flag_target_found, target_instances));
  fmt::format_to(o, "legitimate accounts alerted: {} of {} ({}); remitters: {} of {} ({}); cash businesses: {} of {} ({})\n",
                 legitimate_alerted, legitimate_accounts, Pct(legitimate_alerted, legitimate_accounts),
                 remitters_alerted, remitters, Pct(remitters_alerted, remitters), cash_businesses_alerted,
                 cash_businesses, Pct(cash_businesses_alerted, cash_businesses));
  fmt::format_to(o, "legitimate accounts with red-flag alerts: {} ({}); remitters: {} ({}); cash businesses: {} ({})\n",
                 legitimate_flagged, Pct(legitimate_flagged, legitimate_accounts), remitters_flagged,
                 Pct(remitters_flagged, remitters), cash_businesses_flagged, Pct(cash_businesses_flagged, cash_businesses));
  fmt::format_to(o, "\n{:<22} {:>7} {:>12} {:>10} {:>14} {:>8}\n", "rule", "alerts", "on involved", "precision",
                 "finds (alone)", "recall");
  for (const RuleQuality& q : rules) {
    fmt::format_to(o, "{:<22} {:>7} {:>12} {:>10} {:>14} {:>8}\n", q.rule_id, q.alerts, q.on_involved,
                   Pct(q.on_involved, q.alerts), q.target_found, Pct(q.target_found, target_instances));
  }
  if (!missed.empty()) {
    fmt::format_to(o, "\nmissed:");
    for (const std::string& m : missed) fmt::format_to(o, " {};", m);
    fmt::format_to(o, "\n");
  }
  return out;
}

std::string RulesEvaluation::ToJson() const {
  nlohmann::ordered_json j;
  nlohmann::ordered_json ts = nlohmann::ordered_json::array();
  for (const TypologyRecall& r : typologies) {
    ts.push_back({{"typology", r.typology},
                  {"instances", r.instances},
                  {"found", r.found},
                  {"found_by_controller", r.found_by_controller},
                  {"smuggling_trafficking", IsSmugglingTraffickingTypology(r.typology)}});
  }
  j["typologies"] = ts;
  j["target_instances"] = target_instances;
  j["target_found"] = target_found;
  j["alerts"] = alerts;
  j["alerts_on_involved"] = alerts_on_involved;
  j["alerts_on_target"] = alerts_on_target;
  j["flag_alerts"] = flag_alerts;
  j["flag_alerts_on_involved"] = flag_alerts_on_involved;
  j["flag_target_found"] = flag_target_found;
  j["legitimate_accounts"] = legitimate_accounts;
  j["legitimate_alerted"] = legitimate_alerted;
  j["remitters"] = remitters;
  j["remitters_alerted"] = remitters_alerted;
  j["cash_businesses"] = cash_businesses;
  j["cash_businesses_alerted"] = cash_businesses_alerted;
  j["legitimate_flagged"] = legitimate_flagged;
  j["remitters_flagged"] = remitters_flagged;
  j["cash_businesses_flagged"] = cash_businesses_flagged;
  nlohmann::ordered_json rs = nlohmann::ordered_json::array();
  for (const RuleQuality& q : rules) {
    rs.push_back({{"rule_id", q.rule_id}, {"alerts", q.alerts}, {"on_involved", q.on_involved},
                  {"target_found", q.target_found}});
  }
  j["rules"] = rs;
  j["missed"] = missed;
  return JsonText(j, 2);
}

}  // namespace moneytrail::rules
