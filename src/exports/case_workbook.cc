// The case workbook's sheets: every schedule a case directory holds, and a store's transactions.
#include <fmt/format.h>

#include <algorithm>

#include "moneytrail/exports.h"
#include "moneytrail/file_util.h"
#include "moneytrail/time_format.h"

namespace moneytrail::exports {

namespace fs = std::filesystem;

Result<std::vector<Sheet>> CaseSheets(const fs::path& case_dir) {
  std::vector<fs::path> csvs;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(case_dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec) && it->path().extension() == ".csv") {
      csvs.push_back(fs::relative(it->path(), case_dir, ec));
    }
  }
  if (ec) return IoError(fmt::format("{}: cannot list the case: {}", case_dir.string(), ec.message()));
  if (csvs.empty()) return NotFoundError(fmt::format("{}: holds no CSV schedule", case_dir.string()));
  std::sort(csvs.begin(), csvs.end());
  std::vector<Sheet> sheets;
  for (const fs::path& rel : csvs) {
    MT_ASSIGN_OR_RETURN(std::string text, ReadFileToString(case_dir / rel));
    std::string name = (rel.parent_path() / rel.stem()).generic_string();
    std::replace(name.begin(), name.end(), '/', '-');
    MT_ASSIGN_OR_RETURN(Sheet sheet, SheetFromCsv(name, text, (case_dir / rel).string()));
    sheets.push_back(std::move(sheet));
  }
  return sheets;
}

Sheet TransactionsSheet(const store::Store& store, const Parties& parties,
                        std::span<const TransactionId> transactions) {
  Sheet sheet{.name = "transactions"};
  sheet.rows.push_back({Cell::Text("time"), Cell::Text("transaction"), Cell::Text("from"),
                        Cell::Text("from_holder"), Cell::Text("to"), Cell::Text("to_holder"),
                        Cell::Text("channel"), Cell::Text("amount"), Cell::Text("currency"),
                        Cell::Text("counterparty_name"), Cell::Text("source_file"),
                        Cell::Text("source_line")});
  const auto& sources = store.sources();
  auto holder = [&](AccountId a) {
    return a < parties.by_account.size() ? parties.by_account[a].name : std::string();
  };
  for (TransactionId t : transactions) {
    const AccountId from = store.source()[t], to = store.destination()[t];
    const uint32_t file = store.source_file()[t];
    sheet.rows.push_back(
        {Cell::Text(FormatIsoTime(store.time()[t])), Cell::Integer(t),
         Cell::Text(store.AccountLabel(from)), Cell::Text(holder(from)),
         Cell::Text(store.AccountLabel(to)), Cell::Text(holder(to)),
         Cell::Text(ChannelName(static_cast<Channel>(store.channel()[t]))),
         Cell::Text(FormatDecimal(store.amount_paid(t))),
         Cell::Text(store.currency(store.paid_currency()[t])),
         Cell::Text(store.counterparty()[t] != store::kNoString ? store.string(store.counterparty()[t]) : ""),
         Cell::Text(file < sources.size() ? sources[file].path : ""),
         Cell::Integer(store.source_line()[t])});
  }
  return sheet;
}

}  // namespace moneytrail::exports
