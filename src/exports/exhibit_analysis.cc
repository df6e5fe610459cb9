// The exhibit's schedules, computed only from the records (FRE 1006 summaries): every line
// names its transaction, source file, line and the file's SHA-256, and source-rows.csv holds
// the bytes of that line as the file has them now.
#include "exports/exhibit_analysis.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

#include "moneytrail/csv.h"
#include "moneytrail/exports.h"
#include "moneytrail/file_util.h"
#include "moneytrail/json_text.h"
#include "moneytrail/money.h"
#include "moneytrail/safe_text.h"
#include "moneytrail/time_format.h"
#include "moneytrail/workbook.h"

namespace moneytrail::exhibit_internal {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

// One source file's lines as it is now, and whether it still has the ingested bytes.
struct SourceText {
  std::string status;  // "ok", "missing", "changed since ingest (SHA-256 ...)"
  std::string bytes;
  std::vector<size_t> line_starts;
  std::string_view Line(uint64_t line) const {
    if (line == 0 || line > line_starts.size()) return {};
    const size_t begin = line_starts[line - 1];
    size_t end = line < line_starts.size() ? line_starts[line] : bytes.size();
    while (end > begin && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) --end;
    return std::string_view(bytes).substr(begin, end - begin);
  }
};

SourceText LoadSource(const store::SourceRecord& record) {
  SourceText s;
  Result<std::string> bytes = ReadFileToString(record.path);
  if (!bytes.ok()) {
    s.status = "missing";
    return s;
  }
  const std::string sha = Sha256Hex(*bytes);
  s.status = sha == record.sha256 ? "ok" : "changed since ingest (SHA-256 now " + sha + ")";
  if (sha != record.sha256) return s;  // its lines are no longer the evidence
  s.bytes = std::move(*bytes);
  s.line_starts.push_back(0);
  for (size_t i = 0; i < s.bytes.size(); ++i) {
    if (s.bytes[i] == '\n' && i + 1 < s.bytes.size()) s.line_starts.push_back(i + 1);
  }
  return s;
}

std::string Text(std::string_view s) { return SpreadsheetCsvField(s); }

Result<std::string> ReadXlsx(const fs::path& scratch, std::span<const exports::Sheet> sheets,
                             int64_t created) {
  const fs::path path = scratch / "exhibit.xlsx";
  MT_RETURN_IF_ERROR(exports::WriteWorkbook(path, sheets, created));
  Result<std::string> bytes = ReadFileToString(path);
  std::error_code ec;
  fs::remove(path, ec);
  return bytes;
}

}  // namespace

std::string ConfigJson(const ExhibitConfig& c) {
  Json j;
  j["record"] = "moneytrail-exhibit-config";
  j["engine_version"] = c.engine_version;
  j["store"] = c.store;
  j["store_manifest_sha256"] = c.store_manifest_sha256;
  j["subject"] = c.subject;
  j["holder"] = c.holder;
  j["accounts"] = c.accounts;
  Json adj = Json::array();
  for (const Adjustment& a : c.adjustments) {
    adj.push_back({{"transaction", a.transaction}, {"action", a.action}, {"who", a.who},
                   {"when", a.when}, {"why", a.why}});
  }
  j["adjustments"] = std::move(adj);
  j["case_dir"] = c.case_dir;
  j["exhibit_number"] = c.exhibit_number;
  j["preparer"] = c.preparer;
  j["created"] = c.created;
  j["created_iso"] = FormatIsoTime(c.created);
  return JsonText(j, 2) + "\n";
}

Result<ExhibitConfig> ParseConfig(std::string_view text, std::string_view origin) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || j.value("record", std::string()) != "moneytrail-exhibit-config") {
    return InvalidArgumentError(fmt::format(
        "{}: not an exhibit configuration (expected a JSON object with record "
        "\"moneytrail-exhibit-config\")", origin));
  }
  ExhibitConfig c;
  auto str = [&](const char* key, std::string& out) -> Status {
    if (!j.contains(key) || !j[key].is_string()) {
      return InvalidArgumentError(fmt::format("{}: key '{}': expected a string", origin, key));
    }
    out = j[key].get<std::string>();
    return Status::Ok();
  };
  MT_RETURN_IF_ERROR(str("engine_version", c.engine_version));
  MT_RETURN_IF_ERROR(str("store", c.store));
  MT_RETURN_IF_ERROR(str("store_manifest_sha256", c.store_manifest_sha256));
  MT_RETURN_IF_ERROR(str("subject", c.subject));
  MT_RETURN_IF_ERROR(str("holder", c.holder));
  MT_RETURN_IF_ERROR(str("case_dir", c.case_dir));
  MT_RETURN_IF_ERROR(str("exhibit_number", c.exhibit_number));
  MT_RETURN_IF_ERROR(str("preparer", c.preparer));
  if (!j.contains("created") || !j["created"].is_number_integer()) {
    return InvalidArgumentError(fmt::format("{}: key 'created': expected an integer", origin));
  }
  c.created = j["created"].get<int64_t>();
  if (!j.contains("accounts") || !j["accounts"].is_array()) {
    return InvalidArgumentError(fmt::format("{}: key 'accounts': expected a list", origin));
  }
  for (const Json& a : j["accounts"]) {
    if (!a.is_string()) {
      return InvalidArgumentError(fmt::format("{}: key 'accounts': expected strings", origin));
    }
    c.accounts.push_back(a.get<std::string>());
  }
  if (!j.contains("adjustments") || !j["adjustments"].is_array()) {
    return InvalidArgumentError(fmt::format("{}: key 'adjustments': expected a list", origin));
  }
  for (const Json& a : j["adjustments"]) {
    if (!a.is_object() || !a.contains("transaction") || !a["transaction"].is_number_unsigned()) {
      return InvalidArgumentError(fmt::format(
          "{}: key 'adjustments': each needs a non-negative integer 'transaction'", origin));
    }
    Adjustment adj;
    adj.transaction = a["transaction"].get<uint64_t>();
    adj.action = a.value("action", std::string());
    adj.who = a.value("who", std::string());
    adj.when = a.value("when", std::string());
    adj.why = a.value("why", std::string());
    c.adjustments.push_back(std::move(adj));
  }
  return c;
}

Result<std::vector<Adjustment>> ReadAdjustments(std::string_view csv, std::string_view origin,
                                                uint64_t transaction_count) {
  static const std::vector<std::string> kColumns = {"transaction", "action", "who", "when", "why"};
  CsvRecordReader reader(StripBom(csv), CsvDialect{});
  std::vector<std::string_view> fields;
  if (!reader.Next(fields) ||
      !std::equal(kColumns.begin(), kColumns.end(), fields.begin(), fields.end())) {
    return InvalidArgumentError(fmt::format("{}: line 1: expected the header {}", origin,
                                            fmt::join(kColumns, ",")));
  }
  std::vector<Adjustment> out;
  std::set<uint64_t> seen;
  while (reader.Next(fields)) {
    if (fields.size() == 1 && fields[0].empty()) continue;
    const uint64_t line = reader.line();
    if (fields.size() != kColumns.size()) {
      return InvalidArgumentError(fmt::format("{}: line {}: {} fields, expected {} ({})", origin,
                                              line, fields.size(), kColumns.size(),
                                              fmt::join(kColumns, ",")));
    }
    for (size_t k = 0; k < kColumns.size(); ++k) {
      if (fields[k].empty()) {
        return InvalidArgumentError(fmt::format(
            "{}: line {}: field '{}' is empty: every inclusion or exclusion says who, when and why",
            origin, line, kColumns[k]));
      }
    }
    Adjustment a;
    const std::string tx(fields[0]);
    char* end = nullptr;
    const unsigned long long v = std::strtoull(tx.c_str(), &end, 10);
    if (end == tx.c_str() || *end != '\0' || tx.front() == '-' || v >= transaction_count) {
      return InvalidArgumentError(fmt::format(
          "{}: line {}: field 'transaction': '{}' is not a transaction id of the store (0 to {})",
          origin, line, Abbreviate(tx), transaction_count == 0 ? 0 : transaction_count - 1));
    }
    a.transaction = v;
    a.action = std::string(fields[1]);
    if (a.action != "include" && a.action != "exclude") {
      return InvalidArgumentError(fmt::format(
          "{}: line {}: field 'action': '{}', expected include or exclude", origin, line,
          Abbreviate(a.action)));
    }
    if (!seen.insert(v).second) {
      return InvalidArgumentError(fmt::format(
          "{}: line {}: transaction {} is adjusted twice", origin, line, v));
    }
    a.who = std::string(fields[2]);
    a.when = std::string(fields[3]);
    a.why = std::string(fields[4]);
    out.push_back(std::move(a));
  }
  if (!reader.status().ok()) {
    return InvalidArgumentError(fmt::format("{}: line {}: {}", origin, reader.line(),
                                            reader.status().message()));
  }
  return out;
}

Result<std::vector<AnalysisFile>> RunAnalysis(const store::Store& store, const ExhibitConfig& config,
                                              const fs::path& scratch,
                                              std::vector<std::string>& warnings) {
  std::vector<AccountId> accounts;
  for (const std::string& label : config.accounts) {
    const size_t colon = label.find(':');
    std::optional<AccountId> a;
    if (colon != std::string::npos) {
      a = store.FindAccount(NodeKind::kAccount, std::string_view(label).substr(0, colon),
                            std::string_view(label).substr(colon + 1));
    }
    if (!a) {
      return InvalidArgumentError(fmt::format(
          "account '{}' of the exhibit is not in the store {} (expected BANK:NUMBER)",
          Abbreviate(label), store.dir().string()));
    }
    accounts.push_back(*a);
  }
  std::vector<bool> own(store.account_count(), false);
  for (AccountId a : accounts) own[a] = true;
  std::vector<TransactionId> txs = exports::TransactionsOf(store, accounts);
  std::map<uint64_t, const Adjustment*> adjusted;
  for (const Adjustment& a : config.adjustments) adjusted[a.transaction] = &a;
  for (const Adjustment& a : config.adjustments) {
    if (a.transaction >= store.transaction_count()) {
      return InvalidArgumentError(fmt::format(
          "adjustment of transaction {}: the store holds {} transactions", a.transaction,
          store.transaction_count()));
    }
    const auto t = static_cast<TransactionId>(a.transaction);
    auto it = std::lower_bound(txs.begin(), txs.end(), t);
    const bool present = it != txs.end() && *it == t;
    if (a.action == "exclude" && present) txs.erase(it);
    if (a.action == "include" && !present) txs.insert(it, t);
  }
  const auto time = store.time();
  std::stable_sort(txs.begin(), txs.end(), [&](TransactionId a, TransactionId b) {
    return time[a] < time[b];
  });
  MT_ASSIGN_OR_RETURN(exports::Parties parties, exports::LoadParties(store, {}));
  const auto src = store.source();
  const auto dst = store.destination();
  const auto& sources = store.sources();
  std::unordered_map<uint32_t, SourceText> texts;

  std::string schedule =
      "line,time,transaction,direction,account,counterparty_account,counterparty_holder,"
      "channel,currency,amount,counterparty_name,source_file,source_line,source_sha256,"
      "adjustment\n";
  std::string rows = "line,transaction,source_file,source_line,source_sha256,status,row\n";
  exports::Sheet schedule_sheet{.name = "schedule"};
  exports::Sheet rows_sheet{.name = "source rows"};
  // month -> currency -> {credits count, credits, debits count, debits, internal count}
  struct Month {
    uint64_t in_count = 0, out_count = 0, internal = 0;
    DecimalSum in, out;
  };
  std::map<std::pair<std::string, std::string>, Month> months;
  std::set<uint32_t> files_used;
  uint64_t line = 0;
  for (TransactionId t : txs) {
    ++line;
    const bool in = own[dst[t]];
    const bool out = own[src[t]];
    const std::string direction = in && out ? "internal" : in ? "in" : out ? "out" : "related";
    const AccountId mine = in ? dst[t] : src[t];
    const AccountId other = in ? src[t] : dst[t];
    const Decimal amount = in ? store.amount_received(t) : store.amount_paid(t);
    const std::string currency(store.currency(in ? store.received_currency()[t] : store.paid_currency()[t]));
    const std::string iso = FormatIsoTime(time[t]);
    const uint32_t file = store.source_file()[t];
    const std::string file_path = file < sources.size() ? sources[file].path : "";
    const std::string file_sha = file < sources.size() ? sources[file].sha256 : "";
    const std::string counterparty_name =
        store.counterparty()[t] != store::kNoString ? std::string(store.string(store.counterparty()[t])) : "";
    const std::string holder = other < parties.by_account.size() ? parties.by_account[other].name : "";
    auto adj = adjusted.find(t);
    const std::string adjustment =
        adj == adjusted.end() ? "" : adj->second->action + "d by " + adj->second->who;
    const std::string channel(ChannelName(static_cast<Channel>(store.channel()[t])));
    schedule += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", line, iso, t,
                            direction, Text(store.AccountLabel(mine)),
                            Text(store.AccountLabel(other)), Text(holder), channel,
                            Text(currency), FormatDecimal(amount), Text(counterparty_name),
                            Text(file_path), store.source_line()[t], file_sha, Text(adjustment));
    schedule_sheet.rows.push_back(
        {exports::Cell::Integer(static_cast<int64_t>(line)), exports::Cell::Text(iso),
         exports::Cell::Integer(t), exports::Cell::Text(direction),
         exports::Cell::Text(store.AccountLabel(mine)), exports::Cell::Text(store.AccountLabel(other)),
         exports::Cell::Text(holder), exports::Cell::Text(channel), exports::Cell::Text(currency),
         exports::Cell::Text(FormatDecimal(amount)), exports::Cell::Text(counterparty_name),
         exports::Cell::Text(file_path), exports::Cell::Integer(store.source_line()[t]),
         exports::Cell::Text(file_sha), exports::Cell::Text(adjustment)});
    if (file < sources.size()) {
      files_used.insert(file);
      auto [it, fresh] = texts.try_emplace(file);
      if (fresh) {
        it->second = LoadSource(sources[file]);
        if (it->second.status != "ok") {
          warnings.push_back(fmt::format("source file {} is {}: its rows are not in the pack",
                                         file_path, it->second.status));
        }
      }
      const std::string_view row = it->second.Line(store.source_line()[t]);
      rows += fmt::format("{},{},{},{},{},{},{}\n", line, t, Text(file_path),
                          store.source_line()[t], file_sha, Text(it->second.status), Text(row));
      rows_sheet.rows.push_back({exports::Cell::Integer(static_cast<int64_t>(line)),
                                 exports::Cell::Integer(t), exports::Cell::Text(file_path),
                                 exports::Cell::Integer(store.source_line()[t]),
                                 exports::Cell::Text(file_sha),
                                 exports::Cell::Text(it->second.status), exports::Cell::Text(row)});
    }
    Month& m = months[{iso.substr(0, 7), currency}];
    if (direction == "internal") {
      ++m.internal;
    } else if (direction == "in") {
      ++m.in_count;
      MT_RETURN_IF_ERROR(m.in.Add(amount));
    } else if (direction == "out") {
      ++m.out_count;
      MT_RETURN_IF_ERROR(m.out.Add(amount));
    }
  }
  std::string monthly = "month,currency,credits,credits_total,debits,debits_total,internal_transfers\n";
  exports::Sheet monthly_sheet{.name = "monthly"};
  for (const auto& [key, m] : months) {
    monthly += fmt::format("{},{},{},{},{},{},{}\n", key.first, Text(key.second), m.in_count,
                           m.in.ToString(), m.out_count, m.out.ToString(), m.internal);
    monthly_sheet.rows.push_back(
        {exports::Cell::Text(key.first), exports::Cell::Text(key.second),
         exports::Cell::Integer(static_cast<int64_t>(m.in_count)), exports::Cell::Text(m.in.ToString()),
         exports::Cell::Integer(static_cast<int64_t>(m.out_count)), exports::Cell::Text(m.out.ToString()),
         exports::Cell::Integer(static_cast<int64_t>(m.internal))});
  }
  std::string sources_csv = "source,path,sha256,bytes,rows_read,rows_accepted,rows_rejected,format,ingested_at,status_now\n";
  exports::Sheet sources_sheet{.name = "sources"};
  for (uint32_t f : files_used) {
    const store::SourceRecord& s = sources[f];
    const std::string& status = texts[f].status;
    sources_csv += fmt::format("{},{},{},{},{},{},{},{},{},{}\n", f, Text(s.path), s.sha256,
                               s.bytes, s.rows_read, s.rows_accepted, s.rows_rejected,
                               Text(s.format), s.ingested_at, Text(status));
    sources_sheet.rows.push_back(
        {exports::Cell::Integer(f), exports::Cell::Text(s.path), exports::Cell::Text(s.sha256),
         exports::Cell::Integer(static_cast<int64_t>(s.bytes)),
         exports::Cell::Integer(static_cast<int64_t>(s.rows_read)),
         exports::Cell::Integer(static_cast<int64_t>(s.rows_accepted)),
         exports::Cell::Integer(static_cast<int64_t>(s.rows_rejected)), exports::Cell::Text(s.format),
         exports::Cell::Text(s.ingested_at), exports::Cell::Text(status)});
  }
  std::string adjustments = "transaction,action,who,when,why\n";
  exports::Sheet adjustments_sheet{.name = "inclusions and exclusions"};
  for (const Adjustment& a : config.adjustments) {
    adjustments += fmt::format("{},{},{},{},{}\n", a.transaction, a.action, Text(a.who),
                               Text(a.when), Text(a.why));
    adjustments_sheet.rows.push_back(
        {exports::Cell::Integer(static_cast<int64_t>(a.transaction)), exports::Cell::Text(a.action),
         exports::Cell::Text(a.who), exports::Cell::Text(a.when), exports::Cell::Text(a.why)});
  }
  // Headers first in each sheet.
  auto header = [](exports::Sheet& s, std::string_view csv) {
    Result<exports::Sheet> h = exports::SheetFromCsv(s.name, csv.substr(0, csv.find('\n') + 1), s.name);
    if (h.ok() && !h->rows.empty()) s.rows.insert(s.rows.begin(), h->rows.front());
  };
  header(schedule_sheet, schedule);
  header(monthly_sheet, monthly);
  header(rows_sheet, rows);
  header(sources_sheet, sources_csv);
  header(adjustments_sheet, adjustments);
  std::vector<exports::Sheet> sheets;
  sheets.push_back(std::move(schedule_sheet));
  sheets.push_back(std::move(monthly_sheet));
  sheets.push_back(std::move(rows_sheet));
  sheets.push_back(std::move(sources_sheet));
  sheets.push_back(std::move(adjustments_sheet));
  MT_ASSIGN_OR_RETURN(std::string xlsx, ReadXlsx(scratch, sheets, config.created));

  std::vector<AnalysisFile> out;
  out.push_back({"schedule.csv", std::move(schedule),
                 "Summary (FRE 1006): every transaction into or out of the subject's accounts, "
                 "chronological, each with its source file, line and SHA-256"});
  out.push_back({"monthly.csv", std::move(monthly),
                 "Summary (FRE 1006): credits and debits per month and currency, exact"});
  out.push_back({"source-rows.csv", std::move(rows),
                 "the exact source line behind every schedule line"});
  out.push_back({"sources.csv", std::move(sources_csv),
                 "the custody record of every source file cited, and its state now"});
  out.push_back({"adjustments.csv", std::move(adjustments),
                 "every manual inclusion or exclusion: who, when, why"});
  out.push_back({"exhibit.ftm.jsonl", exports::FtmJsonLines(store, parties, txs),
                 "the schedule's money as FollowTheMoney entities (Aleph)"});
  out.push_back({"exhibit.xlsx", std::move(xlsx), "the schedules as a workbook"});
  return out;
}

}  // namespace moneytrail::exhibit_internal
