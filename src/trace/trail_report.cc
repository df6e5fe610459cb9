// trail.json and the tracing schedule (include/moneytrail/trace_report.h).
#include <algorithm>
#include <map>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "moneytrail/safe_text.h"
#include "moneytrail/json_text.h"
#include "moneytrail/csv.h"
#include "moneytrail/money.h"
#include "moneytrail/store.h"
#include "moneytrail/time_format.h"
#include "moneytrail/trace_report.h"
#include "moneytrail/version.h"
#include "trace/report_util.h"

namespace moneytrail::trace {

std::string FormatUnits(const Ledger& ledger, uint16_t currency, int64_t units) {
  return FormatDecimal(Decimal{units, ledger.currency_scale(currency)});
}

std::string CurrencyName(const store::Store& store, uint16_t currency) {
  std::string_view name = currency < store.currency_count() ? store.currency(currency) : "";
  return name.empty() ? fmt::format("currency-{}", currency) : std::string(name);
}

std::string Disposition(const Trail& trail, const Flow& f) {
  if (!f.is_exit) return trail.direction == Direction::kForward ? "to account" : "from account";
  if (trail.direction == Direction::kBackward) {
    switch (f.exit_kind) {
      case ExitKind::kCashWithdrawal: return "origin: cash";
      case ExitKind::kMerchant: return "origin: merchant";
      case ExitKind::kExternal: return "origin: external";
      default: break;
    }
  }
  return fmt::format("exit: {}", ExitKindName(f.exit_kind));
}

namespace {

std::string TimeLimit(Timestamp t) {
  return t == std::numeric_limits<Timestamp>::max() ? "" : FormatIsoTime(t);
}

}  // namespace

std::string TrailJson(const Trail& trail, const TrailReport& r) {
  const store::Store& s = r.store;
  nlohmann::ordered_json j;
  j["moneytrail_version"] = kVersion;
  j["store"] = s.dir().string();
  j["manifest_sha256"] = s.manifest_sha256();
  nlohmann::ordered_json config;
  config["direction"] = DirectionName(trail.direction);
  config["method"] = MethodName(trail.method);
  config["seeds"] = r.seeds;
  config["seed_accounts"] = nlohmann::json::array();
  for (AccountId a : r.options.seed_accounts) config["seed_accounts"].push_back(s.AccountLabel(a));
  config["seed_transactions"] = r.options.seed_transactions;
  if (r.options.max_hops != std::numeric_limits<uint32_t>::max()) {
    config["max_hops"] = r.options.max_hops;
  } else {
    config["max_hops"] = nullptr;
  }
  config["until"] = TimeLimit(r.options.until);
  config["min_amount_units"] = r.options.min_amount;
  config["currency_rule"] =
      "traced per currency; a conversion ends the trace of its traced part (exit 'conversion')";
  config["pro_rata_rounding"] = "largest remainder; a tie goes to the clean part";
  j["configuration"] = config;

  nlohmann::ordered_json totals = nlohmann::json::array();
  for (const CurrencyTotals& t : trail.totals) {
    nlohmann::ordered_json x;
    x["currency"] = CurrencyName(s, t.currency);
    x["traced_in"] = FormatUnits(r.ledger, t.currency, t.traced_in);
    x["remaining"] = FormatUnits(r.ledger, t.currency, t.remaining);
    nlohmann::ordered_json exited;
    for (int k = 0; k < kExitKindCount; ++k) {
      if (t.exited[k] != 0) {
        exited[std::string(ExitKindName(static_cast<ExitKind>(k)))] =
            FormatUnits(r.ledger, t.currency, t.exited[k]);
      }
    }
    x["exited"] = exited;
    x["exited_total"] = FormatUnits(r.ledger, t.currency, t.exited_total());
    x["reconciles"] = t.traced_in == t.remaining + t.exited_total();
    totals.push_back(x);
  }
  j["totals"] = totals;

  nlohmann::ordered_json flows = nlohmann::json::array();
  std::map<std::tuple<uint16_t, ExitKind, AccountId>, int64_t> exits;
  for (const Flow& f : trail.flows) {
    nlohmann::ordered_json x;
    x["transaction"] = f.transaction;
    x["time"] = FormatIsoTime(s.time()[f.transaction]);
    x["from"] = s.AccountLabel(f.from);
    x["to"] = s.AccountLabel(f.to);
    x["channel"] = ChannelName(static_cast<Channel>(s.channel()[f.transaction]));
    x["source_file"] = s.sources()[s.source_file()[f.transaction]].path;
    x["source_line"] = s.source_line()[f.transaction];
    x["currency"] = CurrencyName(s, f.currency);
    x["amount"] = FormatUnits(r.ledger, f.currency, f.amount);
    x["attributed"] = FormatUnits(r.ledger, f.currency, f.attributed);
    x["hop"] = f.hop;
    if (f.is_exit) {
      x["exit"] = ExitKindName(f.exit_kind);
      AccountId where = trail.direction == Direction::kForward ? f.to : f.from;
      exits[{f.currency, f.exit_kind, where}] += f.attributed;
    } else {
      x["exit"] = nullptr;
    }
    flows.push_back(x);
  }
  j["flows"] = flows;

  nlohmann::ordered_json holdings = nlohmann::json::array();
  for (const Holding& h : trail.holdings) {
    nlohmann::ordered_json x = {{"account", s.AccountLabel(h.account)},
                                {"currency", CurrencyName(s, h.currency)},
                                {"traced_remaining", FormatUnits(r.ledger, h.currency, h.amount)},
                                {"balance", FormatUnits(r.ledger, h.currency, h.balance)},
                                {"hop", h.hop}};
    if (h.account < r.holders.size() && !r.holders[h.account].empty()) {
      x["holder"] = r.holders[h.account];
    }
    holdings.push_back(std::move(x));
  }
  j["remaining"] = holdings;

  nlohmann::ordered_json exit_list = nlohmann::json::array();
  for (const auto& [key, amount] : exits) {
    const auto& [currency, kind, where] = key;
    exit_list.push_back({{"kind", ExitKindName(kind)},
                         {trail.direction == Direction::kForward ? "to" : "from", s.AccountLabel(where)},
                         {"currency", CurrencyName(s, currency)},
                         {"amount", FormatUnits(r.ledger, currency, amount)}});
  }
  j["exits"] = exit_list;

  nlohmann::ordered_json shortfalls = nlohmann::json::array();
  for (const Shortfall& sf : trail.shortfalls) {
    shortfalls.push_back({{"transaction", sf.transaction},
                          {"account", s.AccountLabel(sf.account)},
                          {"currency", CurrencyName(s, sf.currency)},
                          {"unexplained_amount", FormatUnits(r.ledger, sf.currency, sf.amount)},
                          {"source_line", s.source_line()[sf.transaction]}});
  }
  j["shortfalls"] = shortfalls;
  j["other_shortfalls"] = trail.other_shortfalls;
  j["transactions_applied"] = trail.transactions_applied;
  return JsonText(j, 2) + "\n";
}

std::string TracingScheduleCsv(const Trail& trail, const TrailReport& r) {
  const store::Store& s = r.store;
  std::string out =
      "line,hop,time,transaction,source_file,source_line,from,to,channel,currency,amount,"
      "traced_amount,disposition\n";
  size_t line = 0;
  for (const Flow& f : trail.flows) {
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{}\n", ++line, f.hop,
                       FormatIsoTime(s.time()[f.transaction]), f.transaction,
                       SpreadsheetCsvField(s.sources()[s.source_file()[f.transaction]].path),
                       s.source_line()[f.transaction], SpreadsheetCsvField(s.AccountLabel(f.from)),
                       SpreadsheetCsvField(s.AccountLabel(f.to)),
                       ChannelName(static_cast<Channel>(s.channel()[f.transaction])),
                       SpreadsheetCsvField(CurrencyName(s, f.currency)),
                       FormatUnits(r.ledger, f.currency, f.amount),
                       FormatUnits(r.ledger, f.currency, f.attributed), Disposition(trail, f));
  }
  for (const CurrencyTotals& t : trail.totals) {
    const std::string c = SpreadsheetCsvField(CurrencyName(s, t.currency));
    auto total = [&](std::string_view what, int64_t units) {
      out += fmt::format("total,,,,,,,,,{},,{},{}\n", c, FormatUnits(r.ledger, t.currency, units), what);
    };
    total(trail.direction == Direction::kForward ? "traced in (seeds)" : "traced (targets)",
          t.traced_in);
    total("remaining in accounts", t.remaining);
    for (int k = 0; k < kExitKindCount; ++k) {
      if (t.exited[k] != 0) {
        total(fmt::format("{}: {}", trail.direction == Direction::kForward ? "exited" : "origin",
                          ExitKindName(static_cast<ExitKind>(k))),
              t.exited[k]);
      }
    }
    total("remaining + exited (= traced in)", t.remaining + t.exited_total());
  }
  return out;
}

}  // namespace moneytrail::trace
