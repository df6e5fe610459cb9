// The net worth method (include/moneytrail/net_worth.h, docs/methods-of-proof.md).
#include "moneytrail/net_worth.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "moneytrail/csv.h"
#include "moneytrail/json_text.h"
#include "moneytrail/money.h"
#include "moneytrail/safe_text.h"
#include "moneytrail/version.h"

namespace moneytrail::proof {
namespace {

constexpr std::pair<std::string_view, WorthKind> kKindNames[] = {
    {"cash_on_hand", WorthKind::kCashOnHand},
    {"asset", WorthKind::kAsset},
    {"loan", WorthKind::kLoan},
    {"liability", WorthKind::kLiability},
    {"living_expense", WorthKind::kLivingExpense},
    {"nondeductible_loss", WorthKind::kNondeductibleLoss},
    {"gift", WorthKind::kGift},
    {"inheritance", WorthKind::kInheritance},
    {"nontaxable", WorthKind::kNontaxable},
    {"deduction", WorthKind::kDeduction},
    {"reported_taxable_income", WorthKind::kReportedTaxableIncome},
};

bool IsHolding(WorthKind k) {
  return k == WorthKind::kCashOnHand || k == WorthKind::kAsset || k == WorthKind::kLoan ||
         k == WorthKind::kLiability;
}

// Checked arithmetic: OutOfRange instead of a wrap.
Status Add(int64_t& total, int64_t value, std::string_view what) {
  if (__builtin_add_overflow(total, value, &total)) {
    return OutOfRangeError(fmt::format("net worth: {} overflows 64-bit units", what));
  }
  return Status::Ok();
}

std::string Units(int64_t units, uint8_t scale) { return FormatDecimal(Decimal{units, scale}); }
std::string Grouped(int64_t units, uint8_t scale, std::string_view currency) {
  return FormatDecimalGrouped(Decimal{units, scale}) + " " + std::string(currency);
}

std::string LineList(const std::vector<uint64_t>& lines) {
  std::string out;
  for (uint64_t l : lines) out += (out.empty() ? "" : " ") + std::to_string(l);
  return out;
}

}  // namespace

std::string_view WorthKindName(WorthKind kind) {
  for (auto [n, k] : kKindNames) {
    if (k == kind) return n;
  }
  return "?";
}

Result<WorthKind> ParseWorthKind(std::string_view name) {
  for (auto [n, k] : kKindNames) {
    if (n == name) return k;
  }
  return InvalidArgumentError(fmt::format(
      "kind '{}': expected cash_on_hand, asset, loan, liability, living_expense, "
      "nondeductible_loss, gift, inheritance, nontaxable, deduction or reported_taxable_income",
      name));
}

Result<NetWorthInput> ReadNetWorthFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError(fmt::format("cannot open net worth file {}", path.string()));
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string data = buffer.str();
  CsvRecordReader reader(StripBom(data), CsvDialect{});
  std::vector<std::string_view> fields;
  NetWorthInput input;
  input.source = path.string();
  std::vector<Decimal> amounts;
  bool header = true;
  while (reader.Next(fields)) {
    auto where = [&](std::string_view field, std::string_view value) {
      return fmt::format("{}:{}: {} '{}'", path.string(), reader.line(), field, value);
    };
    if (header) {
      header = false;
      if (fields.size() < 4 || fields[0] != "year" || fields[1] != "kind" ||
          fields[2] != "description" || fields[3] != "amount") {
        return InvalidArgumentError(fmt::format(
            "{}:1: expected the header year,kind,description,amount[,note]", path.string()));
      }
      continue;
    }
    if (fields.size() == 1 && fields[0].empty()) continue;
    if (fields.size() < 4) {
      return InvalidArgumentError(fmt::format("{}:{}: expected year,kind,description,amount",
                                              path.string(), reader.line()));
    }
    WorthItem item;
    item.line = reader.line();
    auto [end, ec] = std::from_chars(fields[0].data(), fields[0].data() + fields[0].size(), item.year);
    if (ec != std::errc() || end != fields[0].data() + fields[0].size() || item.year < 1900 ||
        item.year > 2999) {
      return InvalidArgumentError(where("year", fields[0]) + ": expected a year 1900..2999");
    }
    Result<WorthKind> kind = ParseWorthKind(fields[1]);
    if (!kind.ok()) return kind.status().WithContext(fmt::format("{}:{}: kind", path.string(), reader.line()));
    item.kind = *kind;
    item.description = std::string(fields[2]);
    Result<Decimal> d = ParseDecimal(fields[3]);
    if (!d.ok()) return d.status().WithContext(where("amount", fields[3]));
    if (d->units < 0) {
      return InvalidArgumentError(where("amount", fields[3]) +
                                  ": expected a positive amount (the kind says which way it counts)");
    }
    if (d->scale > 6) return InvalidArgumentError(where("amount", fields[3]) + ": at most 6 decimals");
    input.scale = std::max(input.scale, d->scale);
    amounts.push_back(*d);
    input.items.push_back(std::move(item));
  }
  MT_RETURN_IF_ERROR(reader.status());
  for (size_t i = 0; i < amounts.size(); ++i) {
    int64_t units = amounts[i].units;
    for (int k = amounts[i].scale; k < input.scale; ++k) {
      if (__builtin_mul_overflow(units, int64_t{10}, &units)) {
        return OutOfRangeError(fmt::format("{}:{}: amount too large at {} decimals", path.string(),
                                           input.items[i].line, input.scale));
      }
    }
    input.items[i].amount = units;
  }
  return input;
}

Result<NetWorthStatement> ComputeNetWorth(const NetWorthInput& input) {
  std::map<int, std::vector<const WorthItem*>> by_year;
  for (const WorthItem& item : input.items) by_year[item.year].push_back(&item);
  if (by_year.size() < 2) {
    return InvalidArgumentError(fmt::format(
        "net worth file {}: {} year(s) given; the method needs a base year and at least one year "
        "after it", input.source, by_year.size()));
  }
  const int base = by_year.begin()->first;
  for (const WorthItem* item : by_year.begin()->second) {
    if (!IsHolding(item->kind)) {
      return InvalidArgumentError(fmt::format(
          "{}:{}: kind '{}' in the base year {}: the base year only states the opening net worth "
          "(assets and liabilities at its end); its flows belong to no year of the statement",
          input.source, item->line, WorthKindName(item->kind), base));
    }
  }
  NetWorthStatement st;
  st.currency = input.currency;
  st.scale = input.scale;
  st.source = input.source;
  int previous_year = 0;
  int64_t previous_worth = 0;
  int64_t previous_cash = 0, previous_loans = 0;
  for (const auto& [year, items] : by_year) {
    if (previous_year != 0 && year != previous_year + 1) {
      return InvalidArgumentError(fmt::format(
          "net worth file {}: no line for {} between {} and {}: every year of the period needs its "
          "assets and liabilities", input.source, previous_year + 1, previous_year, year));
    }
    NetWorthYear y;
    y.year = year;
    // Totals per kind, with their lines.
    std::map<WorthKind, std::pair<int64_t, std::vector<uint64_t>>> total;
    for (const WorthItem* item : items) {
      auto& t = total[item->kind];
      MT_RETURN_IF_ERROR(Add(t.first, item->amount, WorthKindName(item->kind)));
      t.second.push_back(item->line);
    }
    auto sum = [&](WorthKind k) { return total.count(k) ? total[k].first : 0; };
    auto cite = [&](std::initializer_list<WorthKind> kinds) {
      std::vector<uint64_t> lines;
      for (WorthKind k : kinds) {
        if (total.count(k)) lines.insert(lines.end(), total[k].second.begin(), total[k].second.end());
      }
      std::sort(lines.begin(), lines.end());
      return lines;
    };
    // The statement of net worth: each asset and liability line of the file, then totals.
    for (const WorthItem* item : items) {
      if (item->kind == WorthKind::kCashOnHand || item->kind == WorthKind::kAsset) {
        y.lines.push_back({fmt::format("Asset: {}", item->description), item->amount, +1, {item->line}});
      }
    }
    MT_RETURN_IF_ERROR(Add(y.total_assets, sum(WorthKind::kCashOnHand), "total assets"));
    MT_RETURN_IF_ERROR(Add(y.total_assets, sum(WorthKind::kAsset), "total assets"));
    y.lines.push_back({"Total assets", y.total_assets, 0, cite({WorthKind::kCashOnHand, WorthKind::kAsset})});
    for (const WorthItem* item : items) {
      if (item->kind == WorthKind::kLoan || item->kind == WorthKind::kLiability) {
        y.lines.push_back({fmt::format("Liability: {}", item->description), item->amount, +1, {item->line}});
      }
    }
    MT_RETURN_IF_ERROR(Add(y.total_liabilities, sum(WorthKind::kLoan), "total liabilities"));
    MT_RETURN_IF_ERROR(Add(y.total_liabilities, sum(WorthKind::kLiability), "total liabilities"));
    y.lines.push_back({"Total liabilities", y.total_liabilities, 0, cite({WorthKind::kLoan, WorthKind::kLiability})});
    y.net_worth = y.total_assets;
    MT_RETURN_IF_ERROR(Add(y.net_worth, -y.total_liabilities, "net worth"));
    y.lines.push_back({"Net worth (assets less liabilities)", y.net_worth, 0, {}});
    if (year != base) {
      // The statement of changes (IRM 9.5.9.5's four steps).
      int64_t v = y.net_worth;
      MT_RETURN_IF_ERROR(Add(v, -previous_worth, "increase in net worth"));
      y.increase = v;
      y.lines.push_back({fmt::format("Less net worth at the end of {}", previous_year), previous_worth, -1, {}});
      y.lines.push_back({"Increase (decrease) in net worth", v, 0, {}});
      y.lines.push_back({"Add personal living expenses", sum(WorthKind::kLivingExpense), +1, cite({WorthKind::kLivingExpense})});
      MT_RETURN_IF_ERROR(Add(v, sum(WorthKind::kLivingExpense), "corrected adjusted gross income"));
      y.lines.push_back({"Add nondeductible losses", sum(WorthKind::kNondeductibleLoss), +1, cite({WorthKind::kNondeductibleLoss})});
      MT_RETURN_IF_ERROR(Add(v, sum(WorthKind::kNondeductibleLoss), "corrected adjusted gross income"));
      int64_t nontaxable = 0;
      MT_RETURN_IF_ERROR(Add(nontaxable, sum(WorthKind::kGift), "nontaxable receipts"));
      MT_RETURN_IF_ERROR(Add(nontaxable, sum(WorthKind::kInheritance), "nontaxable receipts"));
      MT_RETURN_IF_ERROR(Add(nontaxable, sum(WorthKind::kNontaxable), "nontaxable receipts"));
      y.lines.push_back({"Less nontaxable receipts (gifts, inheritances, other)", nontaxable, -1,
                         cite({WorthKind::kGift, WorthKind::kInheritance, WorthKind::kNontaxable})});
      MT_RETURN_IF_ERROR(Add(v, -nontaxable, "corrected adjusted gross income"));
      y.corrected_agi = v;
      y.lines.push_back({"Corrected adjusted gross income", v, 0, {}});
      y.lines.push_back({"Less itemized deductions and exemptions", sum(WorthKind::kDeduction), -1, cite({WorthKind::kDeduction})});
      MT_RETURN_IF_ERROR(Add(v, -sum(WorthKind::kDeduction), "corrected taxable income"));
      y.corrected_taxable_income = v;
      y.lines.push_back({"Corrected taxable income", v, 0, {}});
      if (total.count(WorthKind::kReportedTaxableIncome)) {
        y.reported_taxable_income = sum(WorthKind::kReportedTaxableIncome);
        y.lines.push_back({"Less taxable income reported", *y.reported_taxable_income, -1,
                           cite({WorthKind::kReportedTaxableIncome})});
        MT_RETURN_IF_ERROR(Add(v, -*y.reported_taxable_income, "understatement"));
        y.understatement = v;
        y.lines.push_back({"Understatement of taxable income", v, 0, {}});
      }
      // What the defence will test.
      const std::string& c = input.currency;
      const int64_t cash = sum(WorthKind::kCashOnHand);
      y.defence.push_back(
          {"Cash on hand",
           total.count(WorthKind::kCashOnHand) || previous_cash != 0
               ? fmt::format("Cash on hand {} at the end of {}, {} at the end of {}; a larger opening "
                             "hoard would reduce the increase by the difference.",
                             Grouped(previous_cash, st.scale, c), previous_year,
                             Grouped(cash, st.scale, c), year)
               : fmt::format("The file states no cash on hand at the end of {} or {}: the opening "
                             "figure must be established (a claimed cash hoard is the usual defence).",
                             previous_year, year),
           cite({WorthKind::kCashOnHand})});
      y.defence.push_back(
          {"Nontaxable sources",
           nontaxable != 0
               ? fmt::format("{} of gifts, inheritances and other nontaxable receipts deducted.",
                             Grouped(nontaxable, st.scale, c))
               : "None recorded: leads to gifts, inheritances and other nontaxable sources must be "
                 "investigated and negated.",
           cite({WorthKind::kGift, WorthKind::kInheritance, WorthKind::kNontaxable})});
      const int64_t loans = sum(WorthKind::kLoan);
      y.defence.push_back(
          {"Loans",
           fmt::format("Loans owed {} at the end of {}, {} at the end of {}; loan proceeds are not "
                       "income and are counted only as liabilities.",
                       Grouped(previous_loans, st.scale, c), previous_year,
                       Grouped(loans, st.scale, c), year),
           cite({WorthKind::kLoan})});
      y.defence.push_back(
          {"Gifts",
           total.count(WorthKind::kGift)
               ? fmt::format("{} of gifts received, deducted above.", Grouped(sum(WorthKind::kGift), st.scale, c))
               : "No gift recorded for the year.",
           cite({WorthKind::kGift})});
    }
    previous_year = year;
    previous_worth = y.net_worth;
    previous_cash = sum(WorthKind::kCashOnHand);
    previous_loans = sum(WorthKind::kLoan);
    st.years.push_back(std::move(y));
  }
  return st;
}

std::string NetWorthCsv(const NetWorthStatement& st) {
  std::string out = "year,line,sign,item,amount,file_lines\n";
  for (const NetWorthYear& y : st.years) {
    for (size_t i = 0; i < y.lines.size(); ++i) {
      const WorthLine& l = y.lines[i];
      out += fmt::format("{},{},", y.year, i + 1);
      AppendSpreadsheetCsvField(l.sign == 0 ? "=" : (l.sign > 0 ? "+" : "-"), out);
      out += ",";
      AppendSpreadsheetCsvField(l.item, out);
      out += fmt::format(",{},{}\n", Units(l.amount, st.scale), LineList(l.lines));
    }
  }
  out += "\nyear,defence,finding,file_lines\n";
  for (const NetWorthYear& y : st.years) {
    for (const DefenceLine& d : y.defence) {
      out += std::to_string(y.year) + ",";
      AppendSpreadsheetCsvField(d.topic, out);
      out += ",";
      AppendSpreadsheetCsvField(d.finding, out);
      out += "," + LineList(d.lines) + "\n";
    }
  }
  return out;
}

std::string NetWorthJson(const NetWorthStatement& st) {
  nlohmann::ordered_json j;
  j["moneytrail_version"] = kVersion;
  j["method"] = "net-worth";
  j["standard"] = "IRS Internal Revenue Manual 9.5.9, Methods of Proof (net worth method)";
  j["source"] = st.source;
  j["currency"] = st.currency;
  nlohmann::ordered_json years = nlohmann::json::array();
  for (const NetWorthYear& y : st.years) {
    nlohmann::ordered_json jy;
    jy["year"] = y.year;
    jy["total_assets"] = Units(y.total_assets, st.scale);
    jy["total_liabilities"] = Units(y.total_liabilities, st.scale);
    jy["net_worth"] = Units(y.net_worth, st.scale);
    auto opt = [&](const char* key, const std::optional<int64_t>& v) {
      if (v) jy[key] = Units(*v, st.scale);
    };
    opt("increase_in_net_worth", y.increase);
    opt("corrected_adjusted_gross_income", y.corrected_agi);
    opt("corrected_taxable_income", y.corrected_taxable_income);
    opt("reported_taxable_income", y.reported_taxable_income);
    opt("understatement", y.understatement);
    nlohmann::ordered_json lines = nlohmann::json::array();
    for (const WorthLine& l : y.lines) {
      lines.push_back({{"item", l.item},
                       {"sign", l.sign == 0 ? "=" : (l.sign > 0 ? "+" : "-")},
                       {"amount", Units(l.amount, st.scale)},
                       {"file_lines", l.lines}});
    }
    jy["schedule"] = lines;
    nlohmann::ordered_json defence = nlohmann::json::array();
    for (const DefenceLine& d : y.defence) {
      defence.push_back({{"topic", d.topic}, {"finding", d.finding}, {"file_lines", d.lines}});
    }
    jy["defence"] = defence;
    years.push_back(jy);
  }
  j["years"] = years;
  return JsonText(j, 2) + "\n";
}

}  // namespace moneytrail::proof
