#include "rules/sufficiency.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <vector>

namespace moneytrail::rules {
namespace rules_internal {
namespace {

constexpr uint32_t kCashBit = 1u << static_cast<int>(Channel::kCash);
constexpr uint32_t kDepositBit = 1u << static_cast<int>(Channel::kCashDeposit);
constexpr uint32_t kWithdrawalBit = 1u << static_cast<int>(Channel::kCashWithdrawal);

// The end-kind bit of a node kind other than account (cash, merchant, external).
constexpr uint32_t KindBit(int kind) { return RowShapes::kKindEnd << (kind - 1); }

// What a row must be and carry to support one filter.
struct Need {
  uint32_t channels = 0;      // bit per Channel (with generic cash); 0 = any
  uint32_t fields = 0;        // RowShapes::kCity | kRegion | kCountry | kMcc, all required
  uint8_t cp_kinds = 0;       // the counterparty's NodeKind bits; 0 = any
  bool external_country = false;
  // Rows of channel unknown with a cash end count (FilterRuntime::infer_cash; the shape does not
  // say which end, so both directions are counted).
  bool infer_cash = false;
  // Rows of channel unknown with an outside end count as transfers abroad (FilterRuntime::
  // infer_abroad; the country is external_country's need).
  bool infer_abroad = false;
  std::vector<Need> alternatives;  // any_of: at least one
};

Need NeedOf(const Filter& f) {
  Need n;
  n.channels = f.channel_mask;
  if (n.channels != 0 && !(n.channels & kCashBit) && (n.channels & (kDepositBit | kWithdrawalBit))) {
    n.channels |= kCashBit;  // generic cash counts as a deposit or a withdrawal by its direction
  }
  if (!f.cities.empty()) n.fields |= RowShapes::kCity;
  if (!f.regions.empty()) n.fields |= RowShapes::kRegion;
  if (!f.countries.empty()) n.fields |= RowShapes::kCountry;
  if (!f.mccs.empty()) n.fields |= RowShapes::kMcc;
  n.external_country = !f.counterparty_countries.empty();
  n.cp_kinds = f.counterparty_kind_mask;
  n.infer_cash = InferCashBits(f.channel_mask) != 0;
  n.infer_abroad = InfersAbroad(f);
  for (const Filter& alternative : f.any_of) n.alternatives.push_back(NeedOf(alternative));
  return n;
}

bool Supports(const Need& n, uint32_t shape) {
  if (!(shape & RowShapes::kAccountEnd)) return false;  // events are seen from bank accounts
  const bool inferred_cash = n.infer_cash && (shape & 15) == static_cast<uint32_t>(Channel::kUnknown) &&
                             (shape & KindBit(static_cast<int>(NodeKind::kCash)));
  const bool inferred_abroad = n.infer_abroad && (shape & 15) == static_cast<uint32_t>(Channel::kUnknown) &&
                               (shape & KindBit(static_cast<int>(NodeKind::kExternal)));
  if (n.channels != 0 && !(n.channels & (1u << (shape & 15))) && !inferred_cash && !inferred_abroad) return false;
  if ((shape & n.fields) != n.fields) return false;
  const uint32_t external = KindBit(static_cast<int>(NodeKind::kExternal));
  if (n.external_country && !((shape & RowShapes::kCountry) && (shape & external))) return false;
  if (n.cp_kinds != 0) {
    bool ok = (n.cp_kinds & 1) && (shape & RowShapes::kBothAccounts);
    for (int k = 1; k < kNodeKindCount; ++k) ok = ok || ((n.cp_kinds & (1u << k)) && (shape & KindBit(k)));
    if (!ok) return false;
  }
  if (n.alternatives.empty()) return true;
  return std::any_of(n.alternatives.begin(), n.alternatives.end(), [&](const Need& a) { return Supports(a, shape); });
}

std::string Describe(const Need& n) {
  std::string out;
  if (n.channels == 0) {
    out = "rows of any channel";
  } else {
    for (int ch = 0; ch < kChannelCount; ++ch) {
      if (n.channels & (1u << ch)) out += (out.empty() ? "" : "/") + std::string(ChannelName(static_cast<Channel>(ch)));
    }
  }
  std::vector<std::string> with;
  if (n.cp_kinds != 0) {
    std::string kinds;
    for (int k = 0; k < kNodeKindCount; ++k) {
      if (n.cp_kinds & (1u << k)) kinds += (kinds.empty() ? "" : " or ") + std::string(NodeKindName(static_cast<NodeKind>(k)));
    }
    with.push_back("a counterparty of kind " + kinds);
  }
  if (n.fields & RowShapes::kCity) with.push_back("a location with a city");
  if (n.fields & RowShapes::kRegion) with.push_back("a location with a region");
  if (n.fields & RowShapes::kCountry) with.push_back("a location with a country");
  if (n.fields & RowShapes::kMcc) with.push_back("a merchant category code");
  if (n.external_country) with.push_back("an external counterparty and a country");
  for (size_t i = 0; i < with.size(); ++i) out += (i == 0 ? " with " : i + 1 == with.size() ? " and " : ", ") + with[i];
  const bool any_unconstrained = std::any_of(n.alternatives.begin(), n.alternatives.end(), [](const Need& a) {
    return a.channels == 0 && a.fields == 0 && a.cp_kinds == 0 && !a.external_country && a.alternatives.empty();
  });
  if (!n.alternatives.empty() && !any_unconstrained) {  // an alternative without needs needs nothing
    std::string alternatives;
    for (const Need& a : n.alternatives) alternatives += (alternatives.empty() ? "" : ", or ") + Describe(a);
    out += " (either " + alternatives + ")";
  }
  return out;
}

bool UsesHours(const Filter& f) {
  if (f.hour_mask != 0) return true;
  for (const Filter& a : f.any_of) {
    if (UsesHours(a)) return true;
  }
  for (const Filter& a : f.none_of) {
    if (UsesHours(a)) return true;
  }
  return false;
}

// The fields a stream's metrics read (distinct locations need a city, ...).
uint32_t MetricFields(const Rule& rule, int stream) {
  uint32_t fields = 0;
  for (const Condition& c : rule.conditions) {
    if (c.stream == Stream::kRatio || (c.stream == Stream::kThen) != (stream == 1)) continue;
    switch (c.metric) {
      case Metric::kDistinctLocations:
      case Metric::kDistinctCities: fields |= RowShapes::kCity; break;
      case Metric::kDistinctRegions: fields |= RowShapes::kRegion; break;
      case Metric::kDistinctCountries: fields |= RowShapes::kCountry; break;
      case Metric::kDistinctMccs: fields |= RowShapes::kMcc; break;
      default: break;
    }
  }
  return fields;
}

uint64_t Count(const Need& n, const RowShapes& shapes) {
  uint64_t total = 0;
  for (uint32_t shape = 0; shape < RowShapes::kShapes; ++shape) {
    if (shapes.count(shape) != 0 && Supports(n, shape)) total += shapes.count(shape);
  }
  return total;
}

bool Infers(const Need& n) {
  return n.infer_cash || std::any_of(n.alternatives.begin(), n.alternatives.end(), Infers);
}

bool InfersAbroadNeed(const Need& n) {
  return n.infer_abroad || std::any_of(n.alternatives.begin(), n.alternatives.end(), InfersAbroadNeed);
}

// Rows of channel unknown with an outside end and a country that support `n` (through a transfer
// abroad inferred from the counterparty's country).
uint64_t InferredAbroadRows(const Need& n, const RowShapes& shapes) {
  if (!InfersAbroadNeed(n)) return 0;
  uint64_t total = 0;
  for (uint32_t shape = 0; shape < RowShapes::kShapes; ++shape) {
    if (shapes.count(shape) != 0 && (shape & 15) == static_cast<uint32_t>(Channel::kUnknown) &&
        (shape & KindBit(static_cast<int>(NodeKind::kExternal))) && !(shape & KindBit(static_cast<int>(NodeKind::kCash))) &&
        Supports(n, shape)) {
      total += shapes.count(shape);
    }
  }
  return total;
}

// Rows that support `n` only through a cash channel inferred from the cash counterparty.
uint64_t InferredCashRows(const Need& n, const RowShapes& shapes) {
  uint64_t total = 0;
  for (uint32_t shape = 0; shape < RowShapes::kShapes; ++shape) {
    if (shapes.count(shape) != 0 && (shape & 15) == static_cast<uint32_t>(Channel::kUnknown) &&
        (shape & KindBit(static_cast<int>(NodeKind::kCash))) && Infers(n) && Supports(n, shape)) {
      total += shapes.count(shape);
    }
  }
  return total;
}

uint64_t UnknownChannelRows(const RowShapes& shapes) {
  uint64_t total = 0;
  for (uint32_t shape = 0; shape < RowShapes::kShapes; ++shape) {
    if ((shape & 15) == static_cast<uint32_t>(Channel::kUnknown)) total += shapes.count(shape);
  }
  return total;
}

std::string Thousands(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

}  // namespace

RowShapes::RowShapes(const StoreFacts& facts) {
  const store::Store& s = facts.store;
  const size_t n = s.transaction_count();
  rows_ = n;
  const size_t locations = facts.location_city.size();
  std::vector<uint32_t> location_bits(locations, 0);
  for (size_t loc = 1; loc < locations; ++loc) {
    if (!facts.location_city[loc].empty()) location_bits[loc] |= kCity;
    if (!facts.location_region[loc].empty()) location_bits[loc] |= kRegion;
    if (!facts.location_country[loc].empty()) location_bits[loc] |= kCountry;
  }
  auto source = s.source();
  auto destination = s.destination();
  auto channel = s.channel();
  auto location = s.location();
  auto mcc = s.mcc();
  for (size_t t = 0; t < n; ++t) {
    uint32_t shape = channel[t] & 15u;
    const uint32_t loc = location[t];
    if (loc < locations) shape |= location_bits[loc];
    if (mcc[t] != store::kNoMcc) shape |= kMcc;
    const uint8_t a = facts.account_kind[source[t]], b = facts.account_kind[destination[t]];
    for (uint8_t kind : {a, b}) {
      if (kind == static_cast<uint8_t>(NodeKind::kAccount)) shape |= kAccountEnd;
      else if (kind < kNodeKindCount) shape |= KindBit(kind);
    }
    if (a == static_cast<uint8_t>(NodeKind::kAccount) && b == a) shape |= kBothAccounts;
    ++counts_[shape];
  }
}

RuleSupport AssessRule(const Rule& rule, const RowShapes& shapes, const StoreFacts& facts, bool holders,
                       const std::string& pack_id) {
  RuleSupport out;
  out.pack_id = pack_id;
  out.rule_id = rule.id;
  out.severity = rule.severity;
  out.rows = shapes.rows();
  std::vector<std::pair<std::string, Need>> streams;
  if (rule.builtin != BuiltinKind::kNone) {  // round_trip, scatter_gather: payments between bank accounts
    Need n;
    n.cp_kinds = 1u << static_cast<int>(NodeKind::kAccount);
    streams.emplace_back("", n);
  } else if (rule.sequence) {
    streams.emplace_back("first: ", NeedOf(rule.first));
    streams.emplace_back("then: ", NeedOf(rule.then));
  } else {
    streams.emplace_back("", NeedOf(rule.match));
  }
  std::string failed;
  bool channel_failed = false;
  uint64_t inferred = 0;  // the most rows of one stream that support it only by an inferred channel
  uint64_t abroad = 0;    // the same, through a transfer abroad inferred from the country
  for (size_t i = 0; i < streams.size(); ++i) {
    Need& n = streams[i].second;
    n.fields |= MetricFields(rule, static_cast<int>(i));
    const uint64_t supporting = Count(n, shapes);
    const std::string text = Describe(n);
    out.needs += (out.needs.empty() ? "" : "; ") + streams[i].first + text;
    out.supporting_rows = i == 0 ? supporting : std::min(out.supporting_rows, supporting);
    inferred = std::max(inferred, InferredCashRows(n, shapes));
    abroad = std::max(abroad, InferredAbroadRows(n, shapes));
    if (supporting == 0 && failed.empty()) {
      failed = fmt::format("{}{} of {} rows are {}", streams[i].first, 0, Thousands(shapes.rows()), text);
      Need channels_only;
      channels_only.channels = n.channels;
      channels_only.infer_cash = n.infer_cash;
      channels_only.infer_abroad = n.infer_abroad;
      channel_failed = Count(channels_only, shapes) == 0;
    }
  }
  const bool hours = rule.builtin == BuiltinKind::kNone &&
                     (UsesHours(rule.match) || UsesHours(rule.first) || UsesHours(rule.then));
  if (rule.needs_holders && !holders) {
    out.reason = "needs KYC facts about account holders (--parties DIR, or moneytrail resolve --store); none are given";
  } else if (hours && !facts.has_time_of_day) {
    out.reason = fmt::format(
        "not applicable on date-only rows: filters on hours of the day, and 0 of {} rows have one (every time "
        "is 00:00:00: date-only data)",
        Thousands(shapes.rows()));
    out.not_applicable_on_date_only = true;
  } else if (!failed.empty()) {
    out.reason = failed;
    if (const uint64_t unknown = UnknownChannelRows(shapes); channel_failed && unknown > 0) {
      out.reason += fmt::format(" ({} of {} rows have channel unknown)", Thousands(unknown), Thousands(shapes.rows()));
    }
  }
  out.ran = out.reason.empty();
  if (out.ran && hours && facts.rows_with_time_of_day < shapes.rows()) {
    out.note = fmt::format("its hours filter is not applicable to the {} of {} rows that are date-only; they "
                           "were not read as midnight transactions",
                           Thousands(shapes.rows() - facts.rows_with_time_of_day), Thousands(shapes.rows()));
  }
  if (out.ran && inferred > 0) {
    out.note += fmt::format("{}{} of {} rows have channel unknown and a cash node at one end: they count as "
                            "cash deposits (the cash node pays) or withdrawals (it is paid), channel inferred "
                            "from the cash counterparty",
                            out.note.empty() ? "" : "; ", Thousands(inferred), Thousands(shapes.rows()));
  }
  if (out.ran && abroad > 0) {
    out.note += fmt::format("{}{} of {} rows have channel unknown and an outside counterparty with a country: those "
                            "whose country the rule lists count as transfers abroad (wire or money transmitter), "
                            "channel inferred from the counterparty's country",
                            out.note.empty() ? "" : "; ", Thousands(abroad), Thousands(shapes.rows()));
  }
  return out;
}

}  // namespace rules_internal

std::string SupportLine(const RuleSupport& s) {
  using rules_internal::Thousands;
  if (s.ran) {
    return fmt::format("{}: ran ({} of {} rows can support it: {})", s.rule_id, Thousands(s.supporting_rows),
                       Thousands(s.rows), s.needs);
  }
  return fmt::format("{}: not run: {}", s.rule_id, s.reason);
}

std::string SupportHeadline(const ScanResult& result) {
  size_t not_run = 0;
  std::vector<std::string> high;
  std::string not_applicable;  // rules that need what date-only rows cannot have
  for (const RuleSupport& s : result.support) {
    if (s.ran) continue;
    ++not_run;
    if (s.severity == "high") high.push_back(s.rule_id);
    if (s.not_applicable_on_date_only) not_applicable += (not_applicable.empty() ? "" : ", ") + s.rule_id;
  }
  if (not_run == 0) return "";
  std::string listed;
  for (size_t i = 0; i < high.size() && i < 6; ++i) listed += (i == 0 ? "" : ", ") + high[i];
  if (high.size() > 6) listed += fmt::format(" and {} more", high.size() - 6);
  const std::string date_only =
      not_applicable.empty() ? "" : "; not applicable on date-only rows (they have no hour of day): " + not_applicable;
  if (not_run == result.support.size()) {
    return fmt::format("none of the {} rules could run on this data: no alert is not evidence of absence "
                       "(per-rule reasons below){}",
                       not_run, date_only);
  }
  return fmt::format("{} of {} rules could not run on this data{}: their lack of alerts is not evidence of "
                     "absence (per-rule reasons below){}",
                     not_run, result.support.size(), listed.empty() ? "" : ", including high-severity " + listed,
                     date_only);
}

std::string SupportJson(std::span<const RuleSupport> support) {
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const RuleSupport& s : support) {
    rows.push_back({{"pack", s.pack_id},
                    {"rule", s.rule_id},
                    {"severity", s.severity},
                    {"ran", s.ran},
                    {"rows", s.rows},
                    {"supporting_rows", s.supporting_rows},
                    {"needs", s.needs},
                    {"reason", s.reason}});
    if (s.not_applicable_on_date_only) rows.back()["not_applicable_on_date_only"] = true;
  }
  return rows.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace moneytrail::rules
