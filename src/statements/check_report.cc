// CheckReport's JSON and text forms (docs/statement-checks.md, "Report").
#include <charconv>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "moneytrail/statement_checks.h"
#include "moneytrail/time_format.h"

namespace moneytrail::statements {
namespace {

using nlohmann::json;
constexpr int kJsonVersion = 1;

std::string DayText(int64_t day) { return FormatIsoTime(day * 86400).substr(0, 10); }

json RefJson(const LineRef& r) { return json{{"index", r.index}, {"file", r.file}, {"line", r.line}}; }

std::string_view KindName(BalanceBreakKind kind) {
  return kind == BalanceBreakKind::kRow ? "row" : "closing";
}

// Reading back: every accessor throws json::exception or ReadError, caught in FromJson.
struct ReadError {
  std::string message;
};

Decimal ReadDecimal(const json& j, const char* field) {
  Result<Decimal> d = ParseDecimal(j.at(field).get<std::string>());
  if (!d.ok()) throw ReadError{fmt::format("{}: {}", field, d.status().ToString())};
  return *d;
}

int64_t ReadDay(const json& j, const char* field) {
  std::string text = j.at(field).get<std::string>();
  int64_t y = 0;
  unsigned m = 0, d = 0;
  auto digits = [&](size_t at, size_t n, auto& out) {
    return std::from_chars(text.data() + at, text.data() + at + n, out).ptr == text.data() + at + n;
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !digits(0, 4, y) ||
      !digits(5, 2, m) || !digits(8, 2, d) || m < 1 || m > 12 || d < 1 || d > 31)
    throw ReadError{fmt::format("{}: \"{}\" is not a YYYY-MM-DD date", field, text)};
  return DaysFromCivil(y, m, d);
}

LineRef ReadRef(const json& j) {
  return LineRef{j.at("index").get<uint64_t>(), j.at("file").get<uint32_t>(),
                 j.at("line").get<uint64_t>()};
}

std::string Cite(const CheckReport& r, const LineRef& ref) {
  const std::string& path = ref.file < r.file_paths.size() ? r.file_paths[ref.file] : "?";
  return fmt::format("{}:{}", path, ref.line);
}
const std::string& PathOf(const CheckReport& r, uint32_t file) {
  static const std::string kUnknown = "?";
  return file < r.file_paths.size() ? r.file_paths[file] : kUnknown;
}

}  // namespace

// The text is exactly nlohmann's dump(1) (keys sorted, one space per level) of the document
// {balance_breaks, continuity_breaks, duplicates, files, gaps, lines, mirrors, version}, as
// an earlier version built it; tests/statements/check_report_test.cc compares the two. The
// duplicates and mirrors (one per overlapping or mirrored row: 185,000 on the 1M-row world,
// 36 MB of text) are written directly: as a document they took ~150 MB of map nodes
// (bench/RESULTS-statements.md, "Session 16"). The few balance and continuity breaks and gaps
// are still documents, one per finding.
std::string CheckReport::ToJson() const {
  std::string out;
  out.reserve(64 + 200 * (duplicates.size() + mirrors.size()) + 80 * file_paths.size());
  char digits[24];
  auto number = [&](auto n) {
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
    out.append(digits, end);
  };
  auto indent = [&](int level) { out.append(static_cast<size_t>(level), ' '); };
  // A value dumped on its own, its lines indented to `level` (JSON text holds no raw newline
  // inside a string, so every newline is the dump's own).
  auto value = [&](const json& v, int level) {
    std::string text = v.dump(1, ' ', false, json::error_handler_t::replace);
    for (char c : text) {
      out += c;
      if (c == '\n') indent(level);
    }
  };
  auto ref = [&](std::string_view key, const LineRef& r, int level, bool last) {
    indent(level);
    out += '"';
    out += key;
    out += "\": {\n";
    indent(level + 1);
    out += "\"file\": ";
    number(r.file);
    out += ",\n";
    indent(level + 1);
    out += "\"index\": ";
    number(r.index);
    out += ",\n";
    indent(level + 1);
    out += "\"line\": ";
    number(r.line);
    out += '\n';
    indent(level);
    out += last ? "}\n" : "},\n";
  };
  // `"key": [` elements `]` at level 1, each element written by `write(i)` at level 2.
  auto array = [&](std::string_view key, size_t n, auto&& write, bool last = false) {
    out += " \"";
    out += key;
    out += "\": ";
    if (n == 0) {
      out += "[]";
    } else {
      out += "[\n";
      for (size_t i = 0; i < n; ++i) {
        indent(2);
        write(i);
        out += i + 1 < n ? ",\n" : "\n";
      }
      out += " ]";
    }
    out += last ? "\n" : ",\n";
  };
  out += "{\n";
  array("balance_breaks", balance_breaks.size(), [&](size_t i) {
    const BalanceBreak& b = balance_breaks[i];
    json e{{"kind", KindName(b.kind)}, {"file", b.file}, {"account", b.account},
           {"currency", b.currency}, {"expected", FormatDecimal(b.expected)},
           {"found", FormatDecimal(b.found)}};
    e["at"] = b.at ? RefJson(*b.at) : json(nullptr);
    value(e, 2);
  });
  array("continuity_breaks", continuity_breaks.size(), [&](size_t i) {
    const ContinuityBreak& c = continuity_breaks[i];
    value(json{{"account", c.account}, {"currency", c.currency}, {"earlier_file", c.earlier_file},
               {"later_file", c.later_file}, {"earlier_last_day", DayText(c.earlier_last_day)},
               {"later_first_day", DayText(c.later_first_day)},
               {"earlier_closing", FormatDecimal(c.earlier_closing)},
               {"later_opening", FormatDecimal(c.later_opening)}},
          2);
  });
  array("duplicates", duplicates.size(), [&](size_t i) {
    out += "{\n";
    ref("duplicate", duplicates[i].duplicate, 3, false);
    ref("earlier", duplicates[i].earlier, 3, true);
    indent(2);
    out += '}';
  });
  array("files", file_paths.size(), [&](size_t i) { value(json(file_paths[i]), 2); });
  array("gaps", gaps.size(), [&](size_t i) {
    const CoverageGap& g = gaps[i];
    value(json{{"account", g.account}, {"currency", g.currency},
               {"first_day", DayText(g.first_day)}, {"last_day", DayText(g.last_day)},
               {"before_file", g.before_file}, {"after_file", g.after_file}},
          2);
  });
  out += " \"lines\": ";
  number(drop.size());
  out += ",\n";
  array("mirrors", mirrors.size(), [&](size_t i) {
    const Mirror& m = mirrors[i];
    out += "{\n";
    ref("credit", m.credit, 3, false);
    ref("debit", m.debit, 3, false);
    indent(3);
    out += "\"lag_days\": ";
    number(m.lag_days);
    out += ",\n";
    indent(3);
    out += "\"why\": ";
    value(json(MirrorLinkName(m.why)), 3);
    out += '\n';
    indent(2);
    out += '}';
  });
  out += " \"version\": ";
  number(kJsonVersion);
  out += "\n}";
  return out;
}

Result<CheckReport> CheckReportFromJson(std::string_view text) {
  try {
    json j = json::parse(text);
    if (j.at("version").get<int>() != kJsonVersion)
      return InvalidArgumentError(fmt::format("statement checks JSON: version {} (expected {})",
                                              j.at("version").dump(), kJsonVersion));
    CheckReport r;
    r.file_paths = j.at("files").get<std::vector<std::string>>();
    uint64_t n = j.at("lines").get<uint64_t>();
    for (const json& e : j.at("balance_breaks")) {
      std::string kind = e.at("kind").get<std::string>();
      if (kind != "row" && kind != "closing") throw ReadError{"kind: \"" + kind + "\""};
      BalanceBreak b{.kind = kind == "row" ? BalanceBreakKind::kRow : BalanceBreakKind::kClosing,
                     .file = e.at("file").get<uint32_t>(),
                     .account = e.at("account").get<std::string>(),
                     .currency = e.at("currency").get<std::string>(),
                     .expected = ReadDecimal(e, "expected"), .found = ReadDecimal(e, "found")};
      if (!e.at("at").is_null()) b.at = ReadRef(e.at("at"));
      r.balance_breaks.push_back(std::move(b));
    }
    for (const json& e : j.at("continuity_breaks"))
      r.continuity_breaks.push_back(ContinuityBreak{
          .account = e.at("account").get<std::string>(),
          .currency = e.at("currency").get<std::string>(),
          .earlier_file = e.at("earlier_file").get<uint32_t>(),
          .later_file = e.at("later_file").get<uint32_t>(),
          .earlier_last_day = ReadDay(e, "earlier_last_day"),
          .later_first_day = ReadDay(e, "later_first_day"),
          .earlier_closing = ReadDecimal(e, "earlier_closing"),
          .later_opening = ReadDecimal(e, "later_opening")});
    for (const json& e : j.at("gaps"))
      r.gaps.push_back(CoverageGap{.account = e.at("account").get<std::string>(),
                                   .currency = e.at("currency").get<std::string>(),
                                   .first_day = ReadDay(e, "first_day"),
                                   .last_day = ReadDay(e, "last_day"),
                                   .before_file = e.at("before_file").get<uint32_t>(),
                                   .after_file = e.at("after_file").get<uint32_t>()});
    r.carried_by.resize(n);
    for (uint64_t i = 0; i < n; ++i) r.carried_by[i] = i;
    auto carry = [&](const LineRef& from, const LineRef& to) {
      if (from.index >= n || to.index >= n)
        throw ReadError{fmt::format("line index {} or {} is not below lines ({})", from.index,
                                    to.index, n)};
      r.carried_by[from.index] = to.index;
    };
    for (const json& e : j.at("duplicates")) {
      Duplicate d{ReadRef(e.at("earlier")), ReadRef(e.at("duplicate"))};
      carry(d.duplicate, d.earlier);
      r.duplicates.push_back(d);
    }
    for (const json& e : j.at("mirrors")) {
      std::string why = e.at("why").get<std::string>();
      Mirror m{ReadRef(e.at("debit")), ReadRef(e.at("credit")), MirrorLink::kReference,
               e.at("lag_days").get<int64_t>()};
      bool known = false;
      for (MirrorLink l : {MirrorLink::kReference, MirrorLink::kCounterpartyAccount,
                           MirrorLink::kDescriptionNumber, MirrorLink::kDescriptionLast4})
        if (MirrorLinkName(l) == why) m.why = l, known = true;
      if (!known) throw ReadError{"why: \"" + why + "\""};
      carry(m.credit, m.debit);
      r.mirrors.push_back(m);
    }
    r.drop.assign(n, 0);
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t root = r.carried_by[i];
      for (uint64_t steps = 0; r.carried_by[root] != root; ++steps) {
        if (steps > n) throw ReadError{"duplicates and mirrors form a cycle"};
        root = r.carried_by[root];
      }
      r.carried_by[i] = root;
      r.drop[i] = root != i;
    }
    return r;
  } catch (const json::exception& e) {
    return InvalidArgumentError(fmt::format("statement checks JSON: {}", e.what()));
  } catch (const ReadError& e) {
    return InvalidArgumentError(fmt::format("statement checks JSON: {}", e.message));
  }
}

std::string CheckReport::ToText() const {
  std::string out;
  for (const BalanceBreak& b : balance_breaks) {
    if (b.kind == BalanceBreakKind::kRow)
      out += fmt::format("{}: balance break ({} {}): previous balance + amount = {}, row says {}\n",
                         Cite(*this, *b.at), b.account, b.currency, FormatDecimal(b.expected),
                         FormatDecimal(b.found));
    else
      out += fmt::format("{}: closing balance ({} {}): the rows end at {}, the banner says {}\n",
                         b.at ? Cite(*this, *b.at) : PathOf(*this, b.file), b.account, b.currency,
                         FormatDecimal(b.expected), FormatDecimal(b.found));
  }
  for (const ContinuityBreak& c : continuity_breaks)
    out += fmt::format("{}: continuity break ({} {}): {} closes {} at {}, this statement opens {} "
                       "at {}\n",
                       PathOf(*this, c.later_file), c.account, c.currency,
                       PathOf(*this, c.earlier_file), DayText(c.earlier_last_day),
                       FormatDecimal(c.earlier_closing), DayText(c.later_first_day),
                       FormatDecimal(c.later_opening));
  for (const CoverageGap& g : gaps)
    out += fmt::format("{} {}: no statement for {} to {} (between {} and {})\n", g.account,
                       g.currency, DayText(g.first_day), DayText(g.last_day),
                       PathOf(*this, g.before_file), PathOf(*this, g.after_file));
  for (const Duplicate& d : duplicates)
    out += fmt::format("{}: same row as {} (overlapping statements): counted once\n",
                       Cite(*this, d.duplicate), Cite(*this, d.earlier));
  for (const Mirror& m : mirrors)
    out += fmt::format("{}: credit mirrors the debit at {} (linked by {}, {} day(s) later): one "
                       "transaction\n",
                       Cite(*this, m.credit), Cite(*this, m.debit), MirrorLinkName(m.why),
                       m.lag_days);
  size_t dropped = 0;
  for (uint8_t d : drop) dropped += d;
  out += fmt::format("statement checks: {} balance break(s), {} continuity break(s), {} gap(s), "
                     "{} duplicate row(s), {} mirror transfer(s); {} of {} rows are kept as "
                     "transactions\n",
                     balance_breaks.size(), continuity_breaks.size(), gaps.size(),
                     duplicates.size(), mirrors.size(), drop.size() - dropped, drop.size());
  return out;
}

}  // namespace moneytrail::statements
