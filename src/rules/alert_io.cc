// Alerts as JSON lines (the alerts file), as a table for a person (--explain), and read back.
#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "moneytrail/json_text.h"
#include "moneytrail/file_util.h"
#include "moneytrail/rules.h"
#include "moneytrail/time_format.h"
#include "moneytrail/version.h"
#include "rules/compiled.h"

namespace moneytrail::rules {
namespace {

std::string_view Basename(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string SourceOf(const store::Store& store, TransactionId t) {
  uint32_t file = store.source_file()[t];
  const auto& sources = store.sources();
  return file < sources.size() ? sources[file].path : std::string("?");
}

}  // namespace

std::string_view EvidenceRoleName(EvidenceRole role) {
  switch (role) {
    case EvidenceRole::kMatch: return "match";
    case EvidenceRole::kFirst: return "first";
    case EvidenceRole::kThen: return "then";
  }
  return "match";
}

namespace rules_internal {

std::string_view CompareName(Compare c) {
  switch (c) {
    case Compare::kOver: return "over";
    case Compare::kAtLeast: return "at_least";
    case Compare::kUnder: return "under";
    case Compare::kAtMost: return "at_most";
  }
  return "";
}

std::string_view MetricName(Metric m) {
  static constexpr std::string_view kNames[kMetricCount] = {
      "count", "sum", "max", "min", "distinct_counterparties", "distinct_locations", "distinct_cities",
      "distinct_regions", "distinct_countries", "distinct_days", "distinct_mccs", "senders_sharing_contact", "ratio"};
  return kNames[static_cast<int>(m)];
}

bool IsAmountMetric(Metric m) { return m == Metric::kSum || m == Metric::kMax || m == Metric::kMin; }

}  // namespace rules_internal

std::string AlertJsonLine(const store::Store& store, const Alert& alert) {
  nlohmann::ordered_json j;
  j["record"] = "alert";
  j["alert_id"] = alert.alert_id;
  j["pack"] = alert.pack_id;
  j["rule_id"] = alert.rule_id;
  j["title"] = alert.title;
  j["citation"] = alert.citation;
  j["severity"] = alert.severity;
  nlohmann::ordered_json subjects = nlohmann::ordered_json::array();
  for (AccountId a : alert.subjects) subjects.push_back(store.AccountLabel(a));
  j["subjects"] = subjects;
  if (!alert.entity.empty()) j["entity"] = alert.entity;  // subject = "entity" rules only
  j["window"] = {{"start", FormatIsoTime(alert.window_start)}, {"end", FormatIsoTime(alert.window_end)}};
  j["currency"] = alert.currency;
  nlohmann::ordered_json figures = nlohmann::ordered_json::object();
  for (const auto& [k, v] : alert.figures) figures[k] = v;
  j["figures"] = figures;
  j["sentence"] = alert.sentence;
  nlohmann::ordered_json evidence = nlohmann::ordered_json::array();
  for (const EvidenceItem& e : alert.evidence) {
    const TransactionId t = e.transaction;
    nlohmann::ordered_json item;
    item["transaction_id"] = t;
    item["role"] = EvidenceRoleName(e.role);
    item["time"] = FormatIsoTime(store.time()[t]);
    item["from"] = store.AccountLabel(store.source()[t]);
    item["to"] = store.AccountLabel(store.destination()[t]);
    item["channel"] = ChannelName(static_cast<Channel>(store.channel()[t]));
    item["amount"] = FormatDecimal(store.amount_paid(t));
    item["currency"] = store.currency(store.paid_currency()[t]);
    item["source_file"] = SourceOf(store, t);
    item["source_line"] = store.source_line()[t];
    if (!e.order_basis.empty()) item["order_basis"] = e.order_basis;
    if (!e.channel_basis.empty()) item["channel_basis"] = e.channel_basis;
    evidence.push_back(std::move(item));
  }
  j["evidence"] = std::move(evidence);
  return JsonText(j);
}

std::string ScanHeaderJsonLine(const store::Store& store, std::span<const RulePack* const> packs,
                               const ScanResult& result) {
  nlohmann::ordered_json j;
  j["record"] = "scan";
  j["written_by"] = std::string("moneytrail ") + kVersion;
  j["store"] = store.dir().string();
  j["store_manifest_sha256"] = store.manifest_sha256();
  j["transactions"] = store.transaction_count();
  nlohmann::ordered_json ps = nlohmann::ordered_json::array();
  for (const RulePack* p : packs) {
    nlohmann::ordered_json pj;
    pj["id"] = p->id();
    pj["path"] = p->origin();
    pj["sha256"] = p->sha256();
    nlohmann::ordered_json params = nlohmann::ordered_json::object();
    for (const RuleInfo& r : p->rules()) {
      nlohmann::ordered_json rp = nlohmann::ordered_json::object();
      for (const auto& [k, v] : r.params) rp[k] = v;
      params[r.id] = rp;
    }
    pj["parameters"] = params;
    ps.push_back(pj);
  }
  j["packs"] = ps;
  j["skipped"] = result.skipped;
  // Written only when some rule is not applicable (native and timed stores' headers unchanged).
  nlohmann::ordered_json not_applicable = nlohmann::ordered_json::array();
  for (const RuleSupport& s : result.support) {
    if (s.not_applicable_on_date_only) not_applicable.push_back(s.rule_id);
  }
  if (!not_applicable.empty()) j["not_applicable_on_date_only"] = not_applicable;
  nlohmann::ordered_json counts = nlohmann::ordered_json::object();
  for (const auto& [rule, n] : result.alerts_per_rule) counts[rule] = n;
  j["alerts_per_rule"] = counts;
  j["alerts"] = result.alerts.size();
  return JsonText(j);
}

std::string ExplainAlert(const store::Store& store, const Alert& alert) {
  std::string out;
  auto o = std::back_inserter(out);
  fmt::format_to(o, "{}  {} ({})\n", alert.alert_id, alert.title, alert.citation);
  std::string subjects;
  for (AccountId a : alert.subjects) subjects += (subjects.empty() ? "" : ", ") + store.AccountLabel(a);
  if (!alert.entity.empty()) fmt::format_to(o, "entity:   {}\n", alert.entity);
  fmt::format_to(o, "subjects: {}\nwindow:   {} .. {}\n", subjects, FormatIsoTime(alert.window_start),
                 FormatIsoTime(alert.window_end));
  fmt::format_to(o, "{}\n\n", alert.sentence);
  fmt::format_to(o, "{:<6} {:>10} {:<20} {:<14} {:<26} {:<26} {:>14} {:<4} {:<22} {}\n", "role", "tx", "time",
                 "channel", "from", "to", "amount", "cur", "location", "source");
  for (const EvidenceItem& e : alert.evidence) {
    const TransactionId t = e.transaction;
    std::string location;
    if (uint32_t loc = store.location()[t]; loc != store::kNoLocation) {
      const store::Location& l = store.location_entry(loc);
      location = fmt::format("{}{}{}{}{}", store.string(l.city), l.city ? ", " : "", store.string(l.region),
                             l.region ? " " : "", store.string(l.country));
    }
    std::string time = FormatIsoTime(store.time()[t]);
    fmt::format_to(o, "{:<6} {:>10} {:<20} {:<14} {:<26} {:<26} {:>14} {:<4} {:<22} {}:{}\n",
                   EvidenceRoleName(e.role), t, time.substr(0, 19), ChannelName(static_cast<Channel>(store.channel()[t])),
                   store.AccountLabel(store.source()[t]), store.AccountLabel(store.destination()[t]),
                   FormatDecimal(store.amount_paid(t)), store.currency(store.paid_currency()[t]), location,
                   Basename(SourceOf(store, t)), store.source_line()[t]);
    if (!e.order_basis.empty()) fmt::format_to(o, "{:<6} {}\n", "", e.order_basis);
    if (!e.channel_basis.empty()) fmt::format_to(o, "{:<6} {}\n", "", e.channel_basis);
  }
  if (!alert.figures.empty()) {
    fmt::format_to(o, "\nfigures:");
    for (const auto& [k, v] : alert.figures) fmt::format_to(o, " {}={}", k, v);
    fmt::format_to(o, "\n");
  }
  return out;
}

Result<std::vector<Alert>> ReadAlertsFile(const store::Store& store, const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return ErrnoError("cannot open " + path.string(), errno);
  std::vector<Alert> alerts;
  std::string line;
  uint64_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      return InvalidArgumentError(fmt::format("{}:{}: not a JSON object", path.string(), line_no));
    }
    if (j.value("record", "") != "alert") continue;
    Alert a;
    try {
      a.alert_id = j.at("alert_id").get<std::string>();
      a.pack_id = j.value("pack", "");
      a.rule_id = j.at("rule_id").get<std::string>();
      a.title = j.value("title", "");
      a.citation = j.value("citation", "");
      a.severity = j.value("severity", "");
      a.sentence = j.value("sentence", "");
      a.currency = j.value("currency", "");
      a.entity = j.value("entity", "");
      for (const auto& s : j.at("subjects")) {
        std::string label = s.get<std::string>();
        size_t colon = label.find(':');
        std::optional<AccountId> id;
        if (colon != std::string::npos) id = store.FindAccount(NodeKind::kAccount, label.substr(0, colon), label.substr(colon + 1));
        if (!id) return NotFoundError(fmt::format("{}:{}: subject '{}' is not an account of the store", path.string(), line_no, label));
        a.subjects.push_back(*id);
      }
      for (const auto& e : j.at("evidence")) {
        EvidenceItem item;
        item.transaction = e.at("transaction_id").get<TransactionId>();
        if (item.transaction >= store.transaction_count()) {
          return InvalidArgumentError(fmt::format("{}:{}: transaction {} is not in the store", path.string(), line_no,
                                                  item.transaction));
        }
        std::string role = e.value("role", "match");
        item.role = role == "first" ? EvidenceRole::kFirst : role == "then" ? EvidenceRole::kThen : EvidenceRole::kMatch;
        item.order_basis = e.value("order_basis", "");
        item.channel_basis = e.value("channel_basis", "");
        a.evidence.push_back(item);
      }
      if (j.contains("figures")) {
        for (const auto& [k, v] : j["figures"].items()) a.figures.emplace_back(k, v.get<std::string>());
      }
    } catch (const nlohmann::json::exception& e) {
      return InvalidArgumentError(fmt::format("{}:{}: {}", path.string(), line_no, e.what()));
    }
    if (!a.evidence.empty()) {
      a.window_start = store.time()[a.evidence.front().transaction];
      a.window_end = store.time()[a.evidence.back().transaction];
    }
    alerts.push_back(std::move(a));
  }
  return alerts;
}

}  // namespace moneytrail::rules
