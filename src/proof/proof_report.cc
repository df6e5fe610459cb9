// The assets file reader and the outputs of a proof: proof.json and the schedule CSV.
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "moneytrail/safe_text.h"
#include "moneytrail/json_text.h"
#include "moneytrail/csv.h"
#include "moneytrail/money.h"
#include "moneytrail/proof.h"
#include "moneytrail/store.h"
#include "moneytrail/time_format.h"
#include "moneytrail/version.h"

namespace moneytrail::proof {
namespace {

Result<ItemKind> ParseItemKind(std::string_view name) {
  static constexpr std::pair<std::string_view, ItemKind> kNames[] = {
      {"cash_expenditure", ItemKind::kCashExpenditure}, {"asset_purchase", ItemKind::kAssetPurchase},
      {"loan_repayment", ItemKind::kLoanRepayment}, {"nontaxable_source", ItemKind::kNontaxableSource},
      {"cash_on_hand_start", ItemKind::kCashOnHandStart}, {"cash_on_hand_end", ItemKind::kCashOnHandEnd}};
  for (auto [n, k] : kNames) {
    if (n == name) return k;
  }
  return InvalidArgumentError(fmt::format(
      "kind '{}': expected cash_expenditure, asset_purchase, loan_repayment, nontaxable_source, "
      "cash_on_hand_start or cash_on_hand_end", name));
}

std::string Units(int64_t units, uint8_t scale) { return FormatDecimal(Decimal{units, scale}); }

}  // namespace

Result<std::vector<OutsideItem>> ReadOutsideItems(const std::filesystem::path& path, int scale) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError(fmt::format("cannot open assets file {}", path.string()));
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string data = buffer.str();
  CsvRecordReader reader(StripBom(data), CsvDialect{});
  std::vector<std::string_view> fields;
  std::vector<OutsideItem> items;
  bool header = true;
  while (reader.Next(fields)) {
    if (header) {
      header = false;
      if (fields.size() < 3 || fields[0] != "kind" || fields[1] != "date" || fields[2] != "amount") {
        return InvalidArgumentError(fmt::format(
            "{}:1: expected the header kind,date,amount[,description]", path.string()));
      }
      continue;
    }
    if (fields.size() == 1 && fields[0].empty()) continue;
    auto where = [&](std::string_view field) {
      return fmt::format("{}:{}: {}", path.string(), reader.line(), field);
    };
    if (fields.size() < 3) return InvalidArgumentError(where("expected kind,date,amount"));
    OutsideItem item;
    item.line = reader.line();
    Result<ItemKind> kind = ParseItemKind(fields[0]);
    if (!kind.ok()) return kind.status().WithContext(where("kind"));
    item.kind = *kind;
    std::string date(fields[1]);
    Result<Timestamp> t = TimeFormat::Iso8601().Parse(date.size() == 10 ? date + "T00:00:00" : date);
    if (!t.ok()) return t.status().WithContext(where("date"));
    item.date = *t;
    Result<Decimal> d = ParseDecimal(fields[2]);
    if (!d.ok()) return d.status().WithContext(where("amount"));
    if (d->scale > scale) {
      return InvalidArgumentError(where(fmt::format(
          "amount {} has more decimals than the accounts' currency ({})", fields[2], scale)));
    }
    item.amount = d->units;
    for (int k = d->scale; k < scale; ++k) item.amount *= 10;
    if (fields.size() > 3) item.description = std::string(fields[3]);
    items.push_back(std::move(item));
  }
  MT_RETURN_IF_ERROR(reader.status());
  return items;
}

std::string ProofJson(const Proof& p, const store::Store& s, const ProofOptions& o) {
  nlohmann::ordered_json j;
  j["moneytrail_version"] = kVersion;
  j["store"] = s.dir().string();
  j["manifest_sha256"] = s.manifest_sha256();
  j["method"] = ProofMethodName(p.method);
  j["standard"] = "IRS Internal Revenue Manual 9.5.9, Methods of Proof";
  nlohmann::ordered_json subject = nlohmann::json::array();
  for (AccountId a : o.subject) subject.push_back(s.AccountLabel(a));
  j["subject"] = subject;
  j["from"] = FormatIsoTime(o.from);
  j["to"] = FormatIsoTime(o.to);
  j["currency"] = p.currency < s.currency_count() ? std::string(s.currency(p.currency)) : "";
  nlohmann::ordered_json lines = nlohmann::json::array();
  for (size_t i = 0; i < p.lines.size(); ++i) {
    const ScheduleLine& l = p.lines[i];
    lines.push_back({{"line", i + 1},
                     {"item", l.item},
                     {"amount", Units(l.amount, p.scale)},
                     {"sign", l.sign == 0 ? "=" : (l.sign > 0 ? "+" : "-")},
                     {"review", l.review},
                     {"transactions", l.transactions},
                     {"assets_file_lines", l.outside_lines}});
  }
  j["schedule"] = lines;
  j[p.method == ProofMethod::kBankDeposits ? "gross_receipts" : "total_applications"] =
      Units(p.computed, p.scale);
  if (p.unexplained) {
    j[p.method == ProofMethod::kBankDeposits ? "unreported_income"
                                             : "funds_from_unidentified_sources"] =
        Units(*p.unexplained, p.scale);
  }
  return JsonText(j, 2) + "\n";
}

std::string ProofScheduleCsv(const Proof& p, const store::Store& s) {
  std::string out = "line,sign,item,amount,review,transactions\n";
  for (size_t i = 0; i < p.lines.size(); ++i) {
    const ScheduleLine& l = p.lines[i];
    out += fmt::format("{},{},{},{},{},{}\n", i + 1,
                       SpreadsheetCsvField(l.sign == 0 ? "=" : (l.sign > 0 ? "+" : "-")),
                       SpreadsheetCsvField(l.item), Units(l.amount, p.scale), l.review ? "yes" : "",
                       l.transactions.size());
  }
  out += "\nline,transaction,time,from,to,channel,amount_received,source_file,source_line\n";
  for (size_t i = 0; i < p.lines.size(); ++i) {
    for (TransactionId t : p.lines[i].transactions) {
      out += fmt::format("{},{},{},{},{},{},{},{},{}\n", i + 1, t, FormatIsoTime(s.time()[t]),
                         SpreadsheetCsvField(s.AccountLabel(s.source()[t])),
                         SpreadsheetCsvField(s.AccountLabel(s.destination()[t])),
                         ChannelName(static_cast<Channel>(s.channel()[t])),
                         FormatDecimal(s.amount_received(t)),
                         SpreadsheetCsvField(s.sources()[s.source_file()[t]].path), s.source_line()[t]);
    }
  }
  return out;
}

}  // namespace moneytrail::proof
