// Holders of accounts from KYC files, and the selections of transactions the exports take.
#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

#include "moneytrail/csv.h"
#include "moneytrail/exports.h"
#include "moneytrail/file_util.h"
#include "moneytrail/safe_text.h"

namespace moneytrail::exports {
namespace {

namespace fs = std::filesystem;

// Calls `row` with the `wanted` columns of each data row of the CSV at `path` (by header name).
template <typename Row>
Status ReadColumns(const fs::path& path, const std::vector<std::string>& wanted, Row row) {
  MT_ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  CsvRecordReader reader(StripBom(text), CsvDialect{});
  std::vector<std::string_view> fields;
  if (!reader.Next(fields)) {
    return InvalidArgumentError(fmt::format("{}: no header line", path.string()));
  }
  std::vector<size_t> index;
  for (const std::string& w : wanted) {
    auto it = std::find(fields.begin(), fields.end(), w);
    if (it == fields.end()) {
      return InvalidArgumentError(
          fmt::format("{}: line 1: no column '{}' (expected columns: {})", path.string(), w,
                      fmt::join(wanted, ", ")));
    }
    index.push_back(static_cast<size_t>(it - fields.begin()));
  }
  std::vector<std::string_view> picked(wanted.size());
  while (reader.Next(fields)) {
    if (fields.size() == 1 && fields[0].empty()) continue;  // blank line
    for (size_t k = 0; k < index.size(); ++k) {
      if (index[k] >= fields.size()) {
        return InvalidArgumentError(fmt::format(
            "{}: line {}: {} fields, column '{}' expected at field {}", path.string(),
            reader.line(), fields.size(), wanted[k], index[k] + 1));
      }
      picked[k] = fields[index[k]];
    }
    row(picked);
  }
  if (!reader.status().ok()) {
    return InvalidArgumentError(fmt::format("{}: line {}: {}", path.string(), reader.line(),
                                            reader.status().message()));
  }
  return Status::Ok();
}

}  // namespace

Result<Parties> LoadParties(const store::Store& store, const fs::path& kyc_dir) {
  Parties out;
  out.by_account.resize(store.account_count());
  fs::path dir = kyc_dir;
  if (dir.empty()) {
    if (store.holders() == nullptr) return out;
    dir = store.holders_dir();
    out.origin = "holders attached to the store (" + store.holders()->name + ")";
  } else {
    out.origin = "KYC directory " + dir.string();
  }
  std::unordered_map<std::string, Holder> party;
  MT_RETURN_IF_ERROR(ReadColumns(
      dir / "parties.csv", {"party_id", "first_name", "middle_name", "last_name", "business_name"},
      [&](const std::vector<std::string_view>& f) {
        Holder h;
        h.party_id = std::string(f[0]);
        if (!f[4].empty()) {
          h.name = std::string(f[4]);
          h.business = true;
        } else {
          for (size_t k = 1; k <= 3; ++k) {
            if (f[k].empty()) continue;
            if (!h.name.empty()) h.name += ' ';
            h.name += f[k];
          }
        }
        party[h.party_id] = std::move(h);
      }));
  MT_RETURN_IF_ERROR(ReadColumns(
      dir / "accounts.csv", {"bank", "account", "holder_party_id"},
      [&](const std::vector<std::string_view>& f) {
        if (f[2].empty()) return;
        std::optional<AccountId> a = store.FindAccount(NodeKind::kAccount, f[0], f[1]);
        if (!a) return;  // an account the records never mention
        auto p = party.find(std::string(f[2]));
        if (p != party.end()) out.by_account[*a] = p->second;
      }));
  return out;
}

std::vector<TransactionId> AllTransactions(const store::Store& store) {
  std::vector<TransactionId> out(store.transaction_count());
  for (size_t t = 0; t < out.size(); ++t) out[t] = static_cast<TransactionId>(t);
  return out;
}

std::vector<TransactionId> TransactionsOf(const store::Store& store,
                                          std::span<const AccountId> accounts) {
  std::vector<bool> wanted(store.account_count(), false);
  for (AccountId a : accounts) {
    if (a < wanted.size()) wanted[a] = true;
  }
  std::vector<TransactionId> out;
  const auto src = store.source();
  const auto dst = store.destination();
  for (size_t t = 0; t < src.size(); ++t) {
    if (wanted[src[t]] || wanted[dst[t]]) out.push_back(static_cast<TransactionId>(t));
  }
  return out;
}

}  // namespace moneytrail::exports
