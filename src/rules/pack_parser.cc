// Compiles a TOML rule pack (docs/rules.md) into rules_internal::CompiledPack. Every key is
// checked: an unknown or misspelt key is an error, because a silently ignored filter would widen
// a rule without anyone noticing.
#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <toml++/toml.h>

#include "moneytrail/file_util.h"
#include "moneytrail/time_format.h"
#include "rules/compiled.h"
#include "rules/template.h"

namespace moneytrail::rules {
namespace rules_internal {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Context of one rule's compilation: the pack (for lists), the rule's params, and where we are.
class RuleCompiler {
 public:
  RuleCompiler(const CompiledPack& pack, std::string where) : pack_(pack), where_(std::move(where)) {}

  Status Error(const toml::node* node, std::string_view key, std::string_view what) const {
    std::string line = node ? fmt::format(":{}", node->source().begin.line) : "";
    return InvalidArgumentError(fmt::format("{}{}: key '{}': {}", where_, line, key, what));
  }

  void SetParams(const toml::table* params) { params_ = params; }

  // Follows a "$param" reference.
  Result<const toml::node*> Deref(const toml::node* node, std::string_view key) const {
    if (node == nullptr) return node;
    if (auto s = node->value<std::string>(); s && !s->empty() && (*s)[0] == '$') {
      std::string name = s->substr(1);
      const toml::node* p = params_ ? params_->get(name) : nullptr;
      if (p == nullptr) return Error(node, key, fmt::format("no parameter '{}' in [rule.params]", name));
      return p;
    }
    return node;
  }

  // A decimal from a string, integer or float (after $param).
  Result<std::string> DecimalText(const toml::node* raw, std::string_view key) const {
    MT_ASSIGN_OR_RETURN(const toml::node* node, Deref(raw, key));
    if (auto s = node->value_exact<std::string>()) return *s;
    if (auto i = node->value_exact<int64_t>()) return std::to_string(*i);
    if (auto d = node->value_exact<double>()) return fmt::format("{}", *d);
    return Error(raw, key, "expected a number or a decimal string such as \"10000.00\"");
  }

  Result<Int128> Amount(const toml::node* raw, std::string_view key) const {
    MT_ASSIGN_OR_RETURN(std::string text, DecimalText(raw, key));
    std::string_view t = text;
    if (!t.empty() && t[0] == '$') t.remove_prefix(1);  // "$10,000.00" is not accepted; "$10000" is
    Result<Decimal> d = ParseDecimal(t);
    if (!d.ok()) return Error(raw, key, fmt::format("'{}' is not a decimal amount: {}", text, d.status().message()));
    return ToScaled(d->units, d->scale);
  }

  // A non-negative exact ratio num/den.
  Status Ratio(const toml::node* raw, std::string_view key, Int128& num, Int128& den) const {
    MT_ASSIGN_OR_RETURN(std::string text, DecimalText(raw, key));
    Result<Decimal> d = ParseDecimal(text);
    if (!d.ok() || d->units < 0) return Error(raw, key, fmt::format("'{}' is not a non-negative decimal", text));
    num = d->units;
    den = 1;
    for (int i = 0; i < d->scale; ++i) den *= 10;
    return Status::Ok();
  }

  Result<int64_t> Integer(const toml::node* raw, std::string_view key) const {
    MT_ASSIGN_OR_RETURN(const toml::node* node, Deref(raw, key));
    if (auto i = node->value_exact<int64_t>(); i && *i >= 0) return *i;
    return Error(raw, key, "expected a non-negative integer");
  }

  // Strings of a string or an array of strings, with "@list" expanded.
  Result<std::vector<std::string>> Strings(const toml::node* raw, std::string_view key) const {
    MT_ASSIGN_OR_RETURN(const toml::node* node, Deref(raw, key));
    std::vector<std::string> out;
    auto add = [&](const toml::node& n) -> Status {
      auto s = n.value_exact<std::string>();
      if (!s) {
        if (auto i = n.value_exact<int64_t>()) {
          out.push_back(std::to_string(*i));
          return Status::Ok();
        }
        return Error(&n, key, "expected a string");
      }
      if (!s->empty() && (*s)[0] == '@') {
        auto it = pack_.lists.find(s->substr(1));
        if (it == pack_.lists.end()) return Error(&n, key, fmt::format("no list '{}' in [lists]", s->substr(1)));
        out.insert(out.end(), it->second.begin(), it->second.end());
      } else {
        out.push_back(*s);
      }
      return Status::Ok();
    };
    if (const toml::array* a = node->as_array()) {
      for (const toml::node& n : *a) MT_RETURN_IF_ERROR(add(n));
    } else {
      MT_RETURN_IF_ERROR(add(*node));
    }
    return out;
  }

  Result<int64_t> Duration(const toml::node* raw, std::string_view key) const {
    MT_ASSIGN_OR_RETURN(const toml::node* node, Deref(raw, key));
    auto s = node->value_exact<std::string>();
    if (!s || s->size() < 2) return Error(raw, key, "expected a duration such as \"72h\", \"7d\", \"30m\"");
    int64_t n = 0;
    size_t i = 0;
    for (; i < s->size() && std::isdigit(static_cast<unsigned char>((*s)[i])); ++i) n = n * 10 + ((*s)[i] - '0');
    std::string unit = s->substr(i);
    int64_t mult = unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : unit == "d" ? 86400 : 0;
    if (i == 0 || mult == 0 || n > 100000) {
      return Error(raw, key, fmt::format("'{}' is not a duration; expected digits then s, m, h or d", *s));
    }
    return n * mult;
  }

  Status CompileFilter(const toml::table& t, std::string_view prefix, Filter& f);
  Status CompileWindow(const toml::node* node, WindowSpec& w);
  Status CompileConditions(const toml::table& when, bool sequence, std::vector<Condition>& out);

 private:
  const CompiledPack& pack_;
  std::string where_;
  const toml::table* params_ = nullptr;
};

Result<uint32_t> HourMask(const RuleCompiler& c, const toml::node* node, std::string_view key,
                          const std::vector<std::string>& ranges) {
  uint32_t mask = 0;
  for (const std::string& r : ranges) {
    int from = -1, to = -1;
    char dash = 0;
    if (std::sscanf(r.c_str(), "%d%c%d", &from, &dash, &to) != 3 || dash != '-' || from < 0 || from > 23 ||
        to < 0 || to > 24) {
      return c.Error(node, key, fmt::format("'{}' is not an hour range such as \"23-05\" (from 23:00 to 05:00)", r));
    }
    for (int h = from; h != to; h = (h + 1) % 24) {
      mask |= 1u << h;
      if (to == 24 && h == 23) break;
    }
    if (from == to) mask = 0xFFFFFF;
  }
  return mask;
}

Status RuleCompiler::CompileFilter(const toml::table& t, std::string_view prefix, Filter& f) {
  for (auto&& [k, v] : t) {
    std::string key = fmt::format("{}.{}", prefix, k.str());
    std::string_view name = k.str();
    const toml::node* node = &v;
    if (name == "channel") {
      MT_ASSIGN_OR_RETURN(auto names, Strings(node, key));
      for (const std::string& n : names) {
        std::optional<Channel> ch = ParseChannel(n);
        if (!ch) return Error(node, key, fmt::format("unknown channel '{}'", n));
        f.channel_mask |= 1u << static_cast<int>(*ch);
      }
    } else if (name == "direction") {
      MT_ASSIGN_OR_RETURN(auto d, Strings(node, key));
      if (d.size() != 1 || (d[0] != "in" && d[0] != "out" && d[0] != "any")) {
        return Error(node, key, "expected \"in\" (the subject receives), \"out\" (it pays) or \"any\"");
      }
      f.direction = d[0] == "in" ? Direction::kIn : d[0] == "out" ? Direction::kOut : Direction::kAny;
    } else if (name == "amount") {
      const toml::table* a = v.as_table();
      if (a == nullptr) return Error(node, key, "expected a table such as { at_least = \"8000\", under = \"10000\" }");
      for (auto&& [op, value] : *a) {
        std::string sub = key + "." + std::string(op.str());
        AmountBound b;
        if (op.str() == "over") b.op = Compare::kOver;
        else if (op.str() == "at_least") b.op = Compare::kAtLeast;
        else if (op.str() == "under") b.op = Compare::kUnder;
        else if (op.str() == "at_most") b.op = Compare::kAtMost;
        else return Error(&value, sub, "expected over, at_least, under or at_most");
        MT_ASSIGN_OR_RETURN(b.value, Amount(&value, sub));
        f.amount.push_back(b);
      }
    } else if (name == "city" || name == "subject_home") {
      MT_ASSIGN_OR_RETURN(auto cities, Strings(node, key));
      for (std::string& c : cities) {
        if (c.find(',') == std::string::npos) {
          return Error(node, key, fmt::format("'{}' should be \"City, REGION\" (e.g. \"El Paso, TX\")", c));
        }
        c = Lower(c);
      }
      (name == "city" ? f.cities : f.subject_home_cities) = std::move(cities);
      if (name == "subject_home") f.needs_holders = true;
    } else if (name == "region" || name == "country" || name == "counterparty_country") {
      MT_ASSIGN_OR_RETURN(auto list, Strings(node, key));
      for (std::string& s : list) s = Lower(s);
      (name == "region" ? f.regions : name == "country" ? f.countries : f.counterparty_countries) = std::move(list);
    } else if (name == "mcc") {
      MT_ASSIGN_OR_RETURN(auto list, Strings(node, key));
      for (const std::string& s : list) {
        int code = -1;
        if (s.size() != 4 || std::sscanf(s.c_str(), "%d", &code) != 1) {
          return Error(node, key, fmt::format("'{}' is not a 4-digit merchant category code", s));
        }
        f.mccs.push_back(static_cast<uint16_t>(code));
      }
      std::sort(f.mccs.begin(), f.mccs.end());
    } else if (name == "hours") {
      MT_ASSIGN_OR_RETURN(auto list, Strings(node, key));
      MT_ASSIGN_OR_RETURN(f.hour_mask, HourMask(*this, node, key, list));
    } else if (name == "weekdays") {
      static constexpr std::string_view kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
      MT_ASSIGN_OR_RETURN(auto list, Strings(node, key));
      for (const std::string& d : list) {
        auto it = std::find(std::begin(kDays), std::end(kDays), Lower(d).substr(0, 3));
        if (d.size() < 3 || it == std::end(kDays)) return Error(node, key, fmt::format("'{}' is not a weekday", d));
        f.weekday_mask |= static_cast<uint8_t>(1u << (it - std::begin(kDays)));
      }
    } else if (name == "counterparty_kind") {
      MT_ASSIGN_OR_RETURN(auto list, Strings(node, key));
      for (const std::string& s : list) {
        std::optional<NodeKind> kind = ParseNodeKind(s);
        if (!kind) return Error(node, key, fmt::format("'{}' is not account, cash, merchant or external", s));
        f.counterparty_kind_mask |= static_cast<uint8_t>(1u << static_cast<int>(*kind));
      }
    } else if (name == "subject_party" || name == "counterparty_party") {
      MT_ASSIGN_OR_RETURN(auto list, Strings(node, key));
      if (list.size() != 1 || (list[0] != "person" && list[0] != "business")) {
        return Error(node, key, "expected \"person\" or \"business\"");
      }
      PartyKind kind = list[0] == "person" ? PartyKind::kPerson : PartyKind::kBusiness;
      (name == "subject_party" ? f.subject_party_kind : f.counterparty_party_kind) = kind;
      f.needs_holders = true;
    } else if (name == "subject_industry") {
      MT_ASSIGN_OR_RETURN(auto list, Strings(node, key));
      for (const std::string& s : list) {
        char* end = nullptr;
        unsigned long code = std::strtoul(s.c_str(), &end, 10);
        if (s.empty() || *end != '\0') return Error(node, key, fmt::format("'{}' is not an industry code", s));
        f.subject_industries.push_back(static_cast<uint32_t>(code));
      }
      std::sort(f.subject_industries.begin(), f.subject_industries.end());
      f.needs_holders = true;
    } else if (name == "any_of" || name == "none_of") {
      const toml::array* arr = v.as_array();
      if (arr == nullptr) return Error(node, key, "expected an array of tables");
      auto& target = name == "any_of" ? f.any_of : f.none_of;
      size_t i = 0;
      for (const toml::node& element : *arr) {
        const toml::table* sub = element.as_table();
        if (sub == nullptr) return Error(&element, key, "expected a table");
        Filter nested;
        MT_RETURN_IF_ERROR(CompileFilter(*sub, fmt::format("{}[{}]", key, i++), nested));
        f.needs_holders |= nested.needs_holders;
        target.push_back(std::move(nested));
      }
    } else {
      return Error(node, key,
                   "unknown filter key; expected channel, direction, amount, city, region, country, "
                   "counterparty_country, mcc, hours, weekdays, counterparty_kind, subject_party, "
                   "counterparty_party, subject_industry, subject_home, any_of or none_of");
    }
  }
  return Status::Ok();
}

Status RuleCompiler::CompileWindow(const toml::node* raw, WindowSpec& w) {
  if (raw == nullptr) return Error(nullptr, "window", "every rule needs a window");
  MT_ASSIGN_OR_RETURN(const toml::node* node, Deref(raw, "window"));
  auto s = node->value_exact<std::string>();
  if (!s) return Error(raw, "window", "expected a string");
  w.text = *s;
  std::string text = Lower(*s);
  int64_t n = 1;
  std::string unit = text;
  if (size_t sp = text.find(' '); sp != std::string::npos) {
    n = std::strtoll(text.c_str(), nullptr, 10);
    unit = text.substr(sp + 1);
    if (n <= 0 || n > 10000) return Error(raw, "window", fmt::format("'{}': the count must be 1..10000", *s));
  }
  if (unit == "all") {
    w.kind = WindowKind::kAll;
  } else if (unit == "day" || unit == "days") {
    w.kind = WindowKind::kDays, w.length = n;
  } else if (unit == "business_day" || unit == "business_days") {
    w.kind = WindowKind::kBusinessDays, w.length = n;
  } else {
    Result<int64_t> d = Duration(node, "window");
    if (!d.ok()) {
      return Error(raw, "window",
                   fmt::format("'{}' is not a window; expected \"72h\", \"7d\", \"day\", \"2 days\", "
                               "\"business_day\", \"3 business_days\" or \"all\"", *s));
    }
    w.kind = WindowKind::kDuration, w.length = *d;
  }
  return Status::Ok();
}

Result<Metric> ParseMetric(std::string_view name) {
  for (int m = 0; m < kMetricCount; ++m) {
    if (MetricName(static_cast<Metric>(m)) == name) return static_cast<Metric>(m);
  }
  return InvalidArgumentError("unknown metric");
}

Status RuleCompiler::CompileConditions(const toml::table& when, bool sequence, std::vector<Condition>& out) {
  auto one = [&](Stream stream, std::string_view prefix, std::string_view name, const toml::node& v) -> Status {
    std::string key = fmt::format("when.{}{}", prefix, name);
    Result<Metric> metric = ParseMetric(name);
    if (!metric.ok() || (*metric == Metric::kRatio) != (stream == Stream::kRatio)) {
      return Error(&v, key,
                   "unknown metric; expected count, sum, max, min, distinct_counterparties, distinct_locations, "
                   "distinct_cities, distinct_regions, distinct_countries, distinct_days, distinct_mccs, "
                   "senders_sharing_contact (and ratio in sequences)");
    }
    const toml::table* ops = v.as_table();
    if (ops == nullptr) return Error(&v, key, "expected a table such as { at_least = 3 }");
    for (auto&& [op, value] : *ops) {
      Condition c;
      c.stream = stream;
      c.metric = *metric;
      std::string sub = key + "." + std::string(op.str());
      if (op.str() == "over") c.op = Compare::kOver;
      else if (op.str() == "at_least") c.op = Compare::kAtLeast;
      else if (op.str() == "under") c.op = Compare::kUnder;
      else if (op.str() == "at_most") c.op = Compare::kAtMost;
      else return Error(&value, sub, "expected over, at_least, under or at_most");
      if (c.metric == Metric::kRatio) {
        MT_RETURN_IF_ERROR(Ratio(&value, sub, c.ratio_num, c.ratio_den));
      } else if (IsAmountMetric(c.metric)) {
        MT_ASSIGN_OR_RETURN(c.value, Amount(&value, sub));
      } else {
        MT_ASSIGN_OR_RETURN(int64_t n, Integer(&value, sub));
        c.value = n;
      }
      MT_ASSIGN_OR_RETURN(std::string shown, DecimalText(&value, sub));
      c.text = fmt::format("{}{} {} {}", prefix, name, op.str(), shown);
      out.push_back(c);
    }
    return Status::Ok();
  };
  for (auto&& [k, v] : when) {
    std::string_view name = k.str();
    if (sequence && (name == "first" || name == "then")) {
      const toml::table* sub = v.as_table();
      if (sub == nullptr) return Error(&v, fmt::format("when.{}", name), "expected a table of metrics");
      for (auto&& [mk, mv] : *sub) {
        MT_RETURN_IF_ERROR(one(name == "first" ? Stream::kFirst : Stream::kThen, name == "first" ? "first." : "then.",
                               mk.str(), mv));
      }
    } else if (sequence && name == "ratio") {
      MT_RETURN_IF_ERROR(one(Stream::kRatio, "", name, v));
    } else if (sequence) {
      return Error(&v, fmt::format("when.{}", name), "a sequence's conditions go under first, then or ratio");
    } else {
      MT_RETURN_IF_ERROR(one(Stream::kMatch, "", name, v));
    }
  }
  // Cheap conditions first; the sharing metric looks up every counterparty's holder.
  std::stable_sort(out.begin(), out.end(), [](const Condition& a, const Condition& b) {
    return (a.metric == Metric::kSendersSharingContact) < (b.metric == Metric::kSendersSharingContact);
  });
  return Status::Ok();
}

Status CheckKeys(const toml::table& t, std::initializer_list<std::string_view> allowed, std::string_view where) {
  for (auto&& [k, v] : t) {
    if (std::find(allowed.begin(), allowed.end(), k.str()) == allowed.end()) {
      std::string list;
      for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      return InvalidArgumentError(fmt::format("{}:{}: unknown key '{}'; expected one of {}", where,
                                              v.source().begin.line, k.str(), list));
    }
  }
  return Status::Ok();
}

Result<int64_t> ParseClock(std::string_view text, bool allow_sign) {
  int sign = 1;
  if (allow_sign && !text.empty() && (text[0] == '+' || text[0] == '-')) {
    sign = text[0] == '-' ? -1 : 1;
    text.remove_prefix(1);
  }
  int h = -1, m = -1;
  char colon = 0;
  std::string s(text);
  if (std::sscanf(s.c_str(), "%d%c%d", &h, &colon, &m) != 3 || colon != ':' || h < 0 || h > 24 || m < 0 || m > 59) {
    return InvalidArgumentError(fmt::format("'{}' is not a time such as \"17:00\" (or \"-06:00\")", text));
  }
  return sign * (h * 3600 + m * 60);
}

// kind = "round_trip" (docs/rules.md, Built-in kinds): a sliding window, no streams or conditions,
// the cycle's bounds in [rule.cycle].
Status CompileRoundTrip(const RuleCompiler& c, const toml::table& t, const std::string& where, Rule& r) {
  r.builtin = BuiltinKind::kRoundTrip;
  if (r.window.kind != WindowKind::kDuration) {
    return c.Error(t.get("window"), "window", "a round_trip rule needs a duration window such as \"30d\"");
  }
  for (const char* key : {"match", "first", "then", "when", "peer", "history", "scatter"}) {
    if (t.contains(key)) {
      return c.Error(t.get(key), key, "a round_trip rule has no streams or conditions; its bounds go in [rule.cycle]");
    }
  }
  if (r.subject != SubjectKind::kAccount) {
    return c.Error(t.get("subject"), "subject", "a round_trip rule's subject is the account the money returns to");
  }
  const toml::table* cycle = t["cycle"].as_table();
  if (cycle == nullptr) return InvalidArgumentError(where + ": kind = \"round_trip\" needs a [rule.cycle] table");
  MT_RETURN_IF_ERROR(CheckKeys(*cycle, {"max_hops", "min_amount", "min_share"}, where + " [rule.cycle]"));
  if (cycle->get("max_hops")) {
    MT_ASSIGN_OR_RETURN(int64_t hops, c.Integer(cycle->get("max_hops"), "cycle.max_hops"));
    if (hops < 2 || hops > 6) return c.Error(cycle->get("max_hops"), "cycle.max_hops", "expected 2 to 6 payments");
    r.round_trip.max_hops = static_cast<int>(hops);
  }
  if (cycle->get("min_amount")) {
    MT_ASSIGN_OR_RETURN(r.round_trip.min_amount, c.Amount(cycle->get("min_amount"), "cycle.min_amount"));
  }
  if (cycle->get("min_share")) {
    MT_RETURN_IF_ERROR(
        c.Ratio(cycle->get("min_share"), "cycle.min_share", r.round_trip.share_num, r.round_trip.share_den));
    if (r.round_trip.share_num > r.round_trip.share_den) {
      return c.Error(cycle->get("min_share"), "cycle.min_share", "expected a share between 0 and 1");
    }
  }
  return Status::Ok();
}

// kind = "scatter_gather" (docs/rules.md, Built-in kinds): as round_trip, with [rule.scatter].
Status CompileScatterGather(const RuleCompiler& c, const toml::table& t, const std::string& where, Rule& r) {
  r.builtin = BuiltinKind::kScatterGather;
  r.sequence = true;  // its alerts' figures: first = the scatter payments, then = the gather payments
  if (r.window.kind != WindowKind::kDuration) {
    return c.Error(t.get("window"), "window", "a scatter_gather rule needs a duration window such as \"7d\"");
  }
  for (const char* key : {"match", "first", "then", "when", "peer", "history", "cycle"}) {
    if (t.contains(key)) {
      return c.Error(t.get(key), key, "a scatter_gather rule has no streams or conditions; its bounds go in [rule.scatter]");
    }
  }
  if (r.subject != SubjectKind::kAccount) {
    return c.Error(t.get("subject"), "subject", "a scatter_gather rule's subjects are the source and the sink accounts");
  }
  const toml::table* scatter = t["scatter"].as_table();
  if (scatter == nullptr) return InvalidArgumentError(where + ": kind = \"scatter_gather\" needs a [rule.scatter] table");
  MT_RETURN_IF_ERROR(CheckKeys(*scatter, {"min_intermediaries", "min_amount", "min_share"}, where + " [rule.scatter]"));
  if (scatter->get("min_intermediaries")) {
    MT_ASSIGN_OR_RETURN(int64_t n, c.Integer(scatter->get("min_intermediaries"), "scatter.min_intermediaries"));
    if (n < 2 || n > 1000) {
      return c.Error(scatter->get("min_intermediaries"), "scatter.min_intermediaries", "expected 2 to 1000 accounts");
    }
    r.scatter_gather.min_intermediaries = static_cast<int>(n);
  }
  if (scatter->get("min_amount")) {
    MT_ASSIGN_OR_RETURN(r.scatter_gather.min_amount, c.Amount(scatter->get("min_amount"), "scatter.min_amount"));
  }
  if (scatter->get("min_share")) {
    MT_RETURN_IF_ERROR(c.Ratio(scatter->get("min_share"), "scatter.min_share", r.scatter_gather.share_num,
                               r.scatter_gather.share_den));
    if (r.scatter_gather.share_num > r.scatter_gather.share_den) {
      return c.Error(scatter->get("min_share"), "scatter.min_share", "expected a share between 0 and 1");
    }
  }
  return Status::Ok();
}

Status CompileRule(CompiledPack& pack, const toml::table& t, size_t index, const RulePack::Overrides& overrides,
                   std::set<std::string>& used_overrides) {
  std::string where = fmt::format("{}: rule #{}", pack.origin, index + 1);
  Rule r;
  if (auto id = t["id"].value<std::string>()) r.id = *id;
  if (r.id.empty()) return InvalidArgumentError(where + ": every [[rule]] needs an id");
  where = fmt::format("{}: rule '{}'", pack.origin, r.id);
  MT_RETURN_IF_ERROR(CheckKeys(t,
                               {"id", "title", "citation", "description", "severity", "subject", "window", "sentence",
                                "currency", "params", "match", "first", "then", "when", "peer", "history", "kind",
                                "cycle", "scatter"},
                               where));
  r.title = t["title"].value_or(std::string());
  r.citation = t["citation"].value_or(std::string());
  r.description = t["description"].value_or(std::string());
  r.severity = t["severity"].value_or(std::string("medium"));
  r.currency = t["currency"].value_or(pack.currency);
  if (r.title.empty() || r.citation.empty()) {
    return InvalidArgumentError(where + ": title and citation are required (every rule cites its source)");
  }
  // Parameters, with overrides applied on a copy.
  toml::table params;
  if (const toml::table* p = t["params"].as_table()) params = *p;
  for (const auto& [name, value] : overrides) {
    size_t dot = name.find('.');
    if (dot == std::string::npos || name.substr(0, dot) != r.id) continue;
    std::string param = name.substr(dot + 1);
    if (!params.contains(param)) {
      return InvalidArgumentError(fmt::format("{}: --set {}: the rule has no parameter '{}'", where, name, param));
    }
    try {
      toml::table parsed = toml::parse("v = " + value);
      params.insert_or_assign(param, *parsed.get("v"));
    } catch (const toml::parse_error& e) {
      return InvalidArgumentError(fmt::format("--set {}={}: not a TOML value ({}); quote decimals: \"9000.00\"",
                                              name, value, e.description()));
    }
    used_overrides.insert(name);
  }
  for (auto&& [k, v] : params) {
    std::string text;
    if (auto s = v.value_exact<std::string>()) text = "\"" + *s + "\"";
    else {
      std::ostringstream os;
      os << toml::json_formatter{toml::table{{"v", v}}};
      text = os.str();
      size_t colon = text.find(':');
      text = text.substr(colon + 1);
      while (!text.empty() && (text.front() == ' ' || text.front() == '\n')) text.erase(0, 1);
      while (!text.empty() && (text.back() == '}' || text.back() == '\n' || text.back() == ' ')) text.pop_back();
    }
    r.params.emplace_back(std::string(k.str()), text);
  }
  RuleCompiler c(pack, where);
  c.SetParams(&params);
  std::string subject = t["subject"].value_or(std::string("account"));
  if (subject == "account") r.subject = SubjectKind::kAccount;
  else if (subject == "pair") r.subject = SubjectKind::kPair;
  else if (subject == "entity") r.subject = SubjectKind::kEntity;
  else return c.Error(t.get("subject"), "subject", "expected \"account\", \"entity\" or \"pair\"");
  MT_RETURN_IF_ERROR(c.CompileWindow(t.get("window"), r.window));
  const std::string kind = t["kind"].value_or(std::string("window"));
  if (kind == "round_trip" || kind == "scatter_gather") {
    MT_RETURN_IF_ERROR(kind == "round_trip" ? CompileRoundTrip(c, t, where, r) : CompileScatterGather(c, t, where, r));
    r.sentence = t["sentence"].value_or(std::string());
    std::vector<std::string> names;
    for (const auto& [k, v] : r.params) names.push_back(k);
    MT_RETURN_IF_ERROR(CheckTemplate(r.sentence, r.sequence, names).WithContext(where + ": sentence"));
    pack.rules.push_back(std::move(r));
    return Status::Ok();
  }
  if (kind != "window") {
    return c.Error(t.get("kind"), "kind",
                   "expected \"window\" (the default: match or first/then), \"round_trip\" or \"scatter_gather\"");
  }
  if (t.contains("cycle")) return c.Error(t.get("cycle"), "cycle", "[rule.cycle] belongs to kind = \"round_trip\"");
  if (t.contains("scatter")) {
    return c.Error(t.get("scatter"), "scatter", "[rule.scatter] belongs to kind = \"scatter_gather\"");
  }
  const toml::table* match = t["match"].as_table();
  const toml::table* first = t["first"].as_table();
  const toml::table* then = t["then"].as_table();
  if ((match != nullptr) == (first != nullptr || then != nullptr) || (first != nullptr) != (then != nullptr)) {
    return InvalidArgumentError(where + ": a rule has either [rule.match] (an aggregate) or both [rule.first] and "
                                        "[rule.then] (a sequence)");
  }
  r.sequence = first != nullptr;
  if (match) MT_RETURN_IF_ERROR(c.CompileFilter(*match, "match", r.match));
  if (first) MT_RETURN_IF_ERROR(c.CompileFilter(*first, "first", r.first));
  if (then) MT_RETURN_IF_ERROR(c.CompileFilter(*then, "then", r.then));
  const toml::table* when = t["when"].as_table();
  if (when == nullptr) return InvalidArgumentError(where + ": [rule.when] is required (the alert's conditions)");
  MT_RETURN_IF_ERROR(c.CompileConditions(*when, r.sequence, r.conditions));
  if (r.conditions.empty()) return InvalidArgumentError(where + ": [rule.when] has no condition");
  for (const char* kind : {"peer", "history"}) {
    const toml::table* b = t[kind].as_table();
    if (b == nullptr) continue;
    std::string prefix = kind;
    bool peer = prefix == "peer";
    MT_RETURN_IF_ERROR(CheckKeys(*b,
                                 peer ? std::initializer_list<std::string_view>{"group", "metric", "factor", "min_peers"}
                                      : std::initializer_list<std::string_view>{"metric", "factor", "lookback",
                                                                                "min_history"},
                                 where + " [rule." + prefix + "]"));
    std::string metric = (*b)["metric"].value_or(std::string("sum"));
    if (metric != "sum" && metric != "count") return c.Error(b->get("metric"), prefix + ".metric", "expected sum or count");
    Metric m = metric == "sum" ? Metric::kSum : Metric::kCount;
    if (peer) {
      r.peer.enabled = true;
      r.peer.metric = m;
      if (b->get("factor")) MT_RETURN_IF_ERROR(c.Ratio(b->get("factor"), "peer.factor", r.peer.factor_num, r.peer.factor_den));
      if (b->get("min_peers")) {
        MT_ASSIGN_OR_RETURN(int64_t n, c.Integer(b->get("min_peers"), "peer.min_peers"));
        r.peer.min_peers = static_cast<uint32_t>(n);
      }
      std::string group = (*b)["group"].value_or(std::string("industry_code"));
      if (group != "industry_code") return c.Error(b->get("group"), "peer.group", "only \"industry_code\" is supported");
      if (r.subject == SubjectKind::kEntity) {
        return c.Error(b->get("group"), "peer", "a peer group compares accounts; not with subject = \"entity\"");
      }
      r.needs_holders = true;
    } else {
      if (r.sequence) return InvalidArgumentError(where + ": [rule.history] applies to aggregate rules only");
      r.history.enabled = true;
      r.history.metric = m;
      if (b->get("factor")) {
        MT_RETURN_IF_ERROR(c.Ratio(b->get("factor"), "history.factor", r.history.factor_num, r.history.factor_den));
      }
      if (b->get("lookback")) {
        MT_ASSIGN_OR_RETURN(r.history.lookback, c.Duration(b->get("lookback"), "history.lookback"));
      }
      if (b->get("min_history")) {
        MT_ASSIGN_OR_RETURN(r.history.min_history, c.Duration(b->get("min_history"), "history.min_history"));
      }
    }
  }
  bool amounts = false;
  for (const Condition& cond : r.conditions) {
    amounts |= IsAmountMetric(cond.metric) || cond.metric == Metric::kRatio;
    r.needs_holders |= cond.metric == Metric::kSendersSharingContact;
  }
  r.needs_holders |= r.match.needs_holders || r.first.needs_holders || r.then.needs_holders;
  if (amounts && r.currency == "any") {
    return InvalidArgumentError(where + ": currency = \"any\" cannot be used with amount conditions");
  }
  r.sentence = t["sentence"].value_or(std::string());
  std::vector<std::string> param_names;
  for (const auto& [k, v] : r.params) param_names.push_back(k);
  MT_RETURN_IF_ERROR(CheckTemplate(r.sentence, r.sequence, param_names).WithContext(where + ": sentence"));
  pack.rules.push_back(std::move(r));
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<CompiledPack>> CompilePack(std::string_view text, std::string_view origin,
                                                  const RulePack::Overrides& overrides) {
  auto pack = std::make_unique<CompiledPack>();
  pack->origin = std::string(origin);
  pack->sha256 = Sha256Hex(text);
  toml::table doc;
  try {
    doc = toml::parse(text, std::string(origin));
  } catch (const toml::parse_error& e) {
    return InvalidArgumentError(fmt::format("{}:{}: {}", origin, e.source().begin.line, e.description()));
  }
  MT_RETURN_IF_ERROR(CheckKeys(doc, {"pack", "lists", "rule"}, pack->origin));
  const toml::table* head = doc["pack"].as_table();
  if (head == nullptr) return InvalidArgumentError(pack->origin + ": a pack starts with a [pack] table");
  MT_RETURN_IF_ERROR(CheckKeys(*head, {"id", "title", "version", "currency", "utc_offset", "business_day_cutoff",
                                       "holidays", "description"},
                               pack->origin + " [pack]"));
  pack->id = (*head)["id"].value_or(std::string());
  if (pack->id.empty()) return InvalidArgumentError(pack->origin + ": [pack] id is required");
  pack->title = (*head)["title"].value_or(std::string());
  pack->currency = (*head)["currency"].value_or(std::string("USD"));
  if (auto off = (*head)["utc_offset"].value<std::string>()) {
    Result<int64_t> s = ParseClock(*off, true);
    if (!s.ok()) return s.status().WithContext(pack->origin + " [pack] utc_offset");
    pack->utc_offset = *s;
  }
  if (auto cut = (*head)["business_day_cutoff"].value<std::string>()) {
    Result<int64_t> s = ParseClock(*cut, false);
    if (!s.ok()) return s.status().WithContext(pack->origin + " [pack] business_day_cutoff");
    pack->business_day_cutoff = *s;
  }
  if (const toml::array* hol = (*head)["holidays"].as_array()) {
    for (const toml::node& n : *hol) {
      auto s = n.value_exact<std::string>();
      unsigned y = 0, m = 0, d = 0;
      if (!s || std::sscanf(s->c_str(), "%u-%u-%u", &y, &m, &d) != 3 || m < 1 || m > 12 || d < 1 || d > 31) {
        return InvalidArgumentError(fmt::format("{}:{}: [pack] holidays: expected dates \"YYYY-MM-DD\"", pack->origin,
                                                n.source().begin.line));
      }
      pack->holidays.push_back(DaysFromCivil(y, m, d));
    }
    std::sort(pack->holidays.begin(), pack->holidays.end());
  }
  if (const toml::table* lists = doc["lists"].as_table()) {
    for (auto&& [k, v] : *lists) {
      std::vector<std::string> items;
      const toml::array* arr = v.as_array();
      if (arr == nullptr) {
        return InvalidArgumentError(fmt::format("{}:{}: [lists] {}: expected an array", pack->origin,
                                                v.source().begin.line, k.str()));
      }
      for (const toml::node& n : *arr) {
        if (auto s = n.value_exact<std::string>()) items.push_back(*s);
        else if (auto i = n.value_exact<int64_t>()) items.push_back(std::to_string(*i));
        else return InvalidArgumentError(fmt::format("{}:{}: [lists] {}: expected strings or integers", pack->origin,
                                                     n.source().begin.line, k.str()));
      }
      pack->lists[std::string(k.str())] = std::move(items);
    }
  }
  std::set<std::string> used;
  std::set<std::string> ids;
  if (const toml::array* rules = doc["rule"].as_array()) {
    size_t i = 0;
    for (const toml::node& n : *rules) {
      const toml::table* t = n.as_table();
      if (t == nullptr) return InvalidArgumentError(pack->origin + ": [[rule]] entries must be tables");
      MT_RETURN_IF_ERROR(CompileRule(*pack, *t, i++, overrides, used));
      if (!ids.insert(pack->rules.back().id).second) {
        return InvalidArgumentError(fmt::format("{}: two rules have the id '{}'", pack->origin, pack->rules.back().id));
      }
    }
  }
  return pack;
}

}  // namespace rules_internal

// RulePack ---------------------------------------------------------------------------------------

RulePack::RulePack(std::unique_ptr<rules_internal::CompiledPack> pack) : pack_(std::move(pack)) {}
RulePack::RulePack(RulePack&&) noexcept = default;
RulePack& RulePack::operator=(RulePack&&) noexcept = default;
RulePack::~RulePack() = default;

Result<RulePack> RulePack::Parse(std::string_view toml_text, std::string_view origin, const Overrides& overrides) {
  MT_ASSIGN_OR_RETURN(auto pack, rules_internal::CompilePack(toml_text, origin, overrides));
  return RulePack(std::move(pack));
}

Result<RulePack> RulePack::Load(const std::filesystem::path& path, const Overrides& overrides) {
  MT_ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  return Parse(text, path.string(), overrides);
}

const std::string& RulePack::id() const { return pack_->id; }
const std::string& RulePack::origin() const { return pack_->origin; }
const std::string& RulePack::sha256() const { return pack_->sha256; }

std::vector<RuleInfo> RulePack::rules() const {
  std::vector<RuleInfo> out;
  for (const rules_internal::Rule& r : pack_->rules) {
    out.push_back(RuleInfo{r.id, r.title, r.citation, r.description, r.params, r.needs_holders});
  }
  return out;
}

}  // namespace moneytrail::rules
