// Per-account attribute files (AMLSim's nodes.csv labels, native balances.csv): read after the
// transaction files of an ingest, each row setting one account's attributes or rejected with its
// reason (docs/format/native-csv.md, "Opening balances").
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/csv.h"
#include "moneytrail/file_util.h"
#include "ingester.h"
#include "text_checks.h"

namespace moneytrail::io_internal {

// Reads a per-account attribute file (AMLSim's nodes.csv, a native balances.csv): checks the
// header, then calls `row` for each record with exactly `header.size()` fields; `row` sets the
// account's attributes or returns a rejection (column, field, reason).
Status Ingester::IngestAccountFile(
    const std::filesystem::path& path, const std::vector<std::string_view>& header,
    std::string_view format, IngestReport& report, uint64_t& rejected_total,
    const std::function<Result<std::optional<AccountReject>>(const std::vector<std::string_view>&)>& row) {
  const std::string name = path.string();
  MappedFile file;
  std::string_view data;
  MT_RETURN_IF_ERROR(BeginFile(path, file, data));
  CsvRecordReader reader(data, CsvDialect{}, 1);
  std::vector<std::string_view> fields;
  if (!reader.Next(fields)) return InvalidArgumentError(name + " has no header line");
  if (fields != header) {
    std::string want;
    for (std::string_view h : header) want += (want.empty() ? "" : ",") + std::string(h);
    return InvalidArgumentError(name + ":1: the header is not '" + want + "'");
  }
  store::SourceRecord record;
  record.index = writer_.next_source_index();
  record.format = std::string(format);
  record.first_transaction = writer_.committed_transaction_count() + writer_.pending_transaction_count();
  std::vector<RejectedRow> rejects;
  while (reader.Next(fields)) {
    if (fields.size() == 1 && fields[0].empty() && reader.AtTrailingEmptyLines()) break;
    ++record.rows_read;
    if (fields.size() != header.size()) {
      rejects.push_back({name, reader.line(), 0, "(row)", std::to_string(fields.size()) + " fields",
                         "expected " + std::to_string(header.size()) + " fields"});
      continue;
    }
    RejectedRow bytes_reject;
    if (!CheckRecordBytes(data.substr(reader.record_offset(), reader.offset() - reader.record_offset()),
                          fields, reader.last_record_ascii_without_nul(), bytes_reject)) {
      bytes_reject.file = name;
      bytes_reject.line = reader.line();
      rejects.push_back(std::move(bytes_reject));
      continue;
    }
    MT_ASSIGN_OR_RETURN(std::optional<AccountReject> bad, row(fields));
    if (bad) {
      rejects.push_back({name, reader.line(), bad->column, std::string(header[static_cast<size_t>(bad->column - 1)]),
                         std::string(fields[static_cast<size_t>(bad->column - 1)]), std::move(bad->reason)});
      continue;
    }
    ++record.rows_accepted;
  }
  if (!reader.status().ok()) {
    ++record.rows_read;
    RejectedRow reject{name, reader.line(), 0, "(row)", "", std::string(reader.status().message())};
    rejects.push_back(reject);
  }
  record.rows_rejected = rejects.size();
  return FinishFile(path, file.size(), Sha256Hex(file.view()), std::move(record), rejects,
                    report, rejected_total);
}

Status Ingester::IngestAmlsimLabels(const std::filesystem::path& path, IngestReport& report,
                                    uint64_t& rejected_total) {
  MT_ASSIGN_OR_RETURN(uint16_t currency, writer_.InternCurrency(options_.amlsim_currency));
  return IngestAccountFile(
      path, {"nodeid", "isFraud", "init_balance", "fraudStep"}, "amlsim-labels", report,
      rejected_total,
      [&](const std::vector<std::string_view>& f) -> Result<std::optional<AccountReject>> {
        if (f[0].empty()) return std::optional<AccountReject>(AccountReject{1, "is empty; a value is required"});
        store::AccountAttributes a;
        if (f[1] == "1" || f[1] == "true" || f[1] == "True") a.label = Label::kLaundering;
        else if (f[1] == "0" || f[1] == "false" || f[1] == "False") a.label = Label::kLegitimate;
        else return std::optional<AccountReject>(AccountReject{2, "is not a label (expected 0 or 1)"});
        Result<Decimal> balance = ParseDecimal(f[2]);
        if (!balance.ok()) return std::optional<AccountReject>(AccountReject{3, std::string(balance.status().message())});
        a.opening_balance = *balance;
        a.balance_currency = currency;
        MT_ASSIGN_OR_RETURN(AccountId account,
                            writer_.InternAccount(NodeKind::kAccount, "amlsim", f[0]));
        writer_.SetAccountAttributes(account, a);
        return std::optional<AccountReject>();
      });
}

Status Ingester::IngestBalances(const std::filesystem::path& path, IngestReport& report,
                                uint64_t& rejected_total) {
  return IngestAccountFile(
      path, {"bank", "account", "currency", "balance"}, "balances", report, rejected_total,
      [&](const std::vector<std::string_view>& f) -> Result<std::optional<AccountReject>> {
        for (int k = 0; k < 4; ++k) {
          if (f[static_cast<size_t>(k)].empty()) return std::optional<AccountReject>(AccountReject{k + 1, "is empty; a value is required"});
        }
        Result<Decimal> balance = ParseDecimal(f[3]);
        if (!balance.ok()) return std::optional<AccountReject>(AccountReject{4, std::string(balance.status().message())});
        if (balance->units < 0) {
          return std::optional<AccountReject>(
              AccountReject{4, "is negative; an opening balance is what the account held"});
        }
        store::AccountAttributes a;
        a.opening_balance = *balance;
        MT_ASSIGN_OR_RETURN(a.balance_currency, writer_.InternCurrency(f[2]));
        MT_ASSIGN_OR_RETURN(AccountId account, writer_.InternAccount(NodeKind::kAccount, f[0], f[1]));
        writer_.SetAccountAttributes(account, a);
        return std::optional<AccountReject>();
      });
}

}  // namespace moneytrail::io_internal
