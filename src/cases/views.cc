#include "views.h"

#include <fmt/format.h>

#include <algorithm>

#include "moneytrail/csv.h"
#include "moneytrail/file_util.h"

namespace moneytrail::cases {

ViewMaker::ViewMaker(const store::Store& store) : store_(store) {
  for (const store::SourceRecord& r : store.sources()) {
    file_names_.push_back(std::filesystem::path(r.path).filename().string());
  }
}

report::Money ViewMaker::Units(int64_t units, uint8_t scale, uint16_t currency) const {
  return report::Money{Decimal{units, scale}, std::string(store_.currency(currency))};
}

report::Money ViewMaker::Paid(TransactionId t) const {
  return report::Money{store_.amount_paid(t), std::string(store_.currency(store_.paid_currency()[t]))};
}

report::SourceRef ViewMaker::Source(TransactionId t) const {
  report::SourceRef ref;
  ref.file_index = store_.source_file()[t];
  ref.file = ref.file_index < file_names_.size() ? file_names_[ref.file_index] : "";
  ref.line = store_.source_line()[t];
  return ref;
}

report::TxView ViewMaker::Tx(TransactionId t) const {
  report::TxView v;
  v.id = t;
  v.time = store_.time()[t];
  v.from = store_.AccountLabel(store_.source()[t]);
  v.to = store_.AccountLabel(store_.destination()[t]);
  v.channel = std::string(ChannelName(static_cast<Channel>(store_.channel()[t])));
  v.amount = Paid(t);
  v.source = Source(t);
  return v;
}

Status CurrencySums::Add(uint16_t currency, Decimal amount) {
  auto it = std::lower_bound(sums_.begin(), sums_.end(), currency,
                             [](const auto& e, uint16_t c) { return e.first < c; });
  if (it == sums_.end() || it->first != currency) it = sums_.insert(it, {currency, DecimalSum()});
  return it->second.Add(amount);
}

Result<std::vector<report::Money>> CurrencySums::ToMoney(const store::Store& store) const {
  std::vector<report::Money> out;
  for (const auto& [currency, sum] : sums_) {
    Result<Decimal> d = sum.value();
    if (!d.ok()) {
      return OutOfRangeError(fmt::format("the sum of {} amounts ({}) does not fit 18 digits",
                                         store.currency(currency), sum.ToString()));
    }
    out.push_back(report::Money{*d, std::string(store.currency(currency))});
  }
  return out;
}

namespace {

// Reads a CSV with a header; calls `row` with the named columns of each record.
Status ReadNamedCsv(const std::filesystem::path& path, const std::vector<std::string>& wanted,
                    const std::function<void(const std::vector<std::string_view>&)>& row) {
  MT_ASSIGN_OR_RETURN(std::string bytes, ReadFileToString(path));
  CsvRecordReader reader(StripBom(bytes), CsvDialect{});
  std::vector<std::string_view> fields;
  if (!reader.Next(fields)) {
    MT_RETURN_IF_ERROR(reader.status());
    return InvalidArgumentError(fmt::format("{}: empty file, expected a header", path.string()));
  }
  std::vector<size_t> index;
  for (const std::string& w : wanted) {
    auto it = std::find(fields.begin(), fields.end(), w);
    if (it == fields.end()) {
      return InvalidArgumentError(
          fmt::format("{}:1: no column '{}' in the header", path.string(), w));
    }
    index.push_back(static_cast<size_t>(it - fields.begin()));
  }
  const size_t width = fields.size();
  std::vector<std::string_view> picked(wanted.size());
  while (reader.Next(fields)) {
    if (fields.size() == 1 && fields[0].empty()) continue;
    if (fields.size() != width) {
      return InvalidArgumentError(fmt::format("{}:{}: {} fields, the header has {}",
                                              path.string(), reader.line(), fields.size(), width));
    }
    for (size_t k = 0; k < index.size(); ++k) picked[k] = fields[index[k]];
    row(picked);
  }
  return reader.status().ok()
             ? Status::Ok()
             : reader.status().WithContext(fmt::format("{}:{}", path.string(), reader.line()));
}

}  // namespace

Result<HolderNames> HolderNames::Load(const std::filesystem::path& dir) {
  HolderNames h;
  MT_RETURN_IF_ERROR(ReadNamedCsv(
      dir / "parties.csv", {"party_id", "first_name", "middle_name", "last_name", "business_name"},
      [&](const std::vector<std::string_view>& f) {
        std::string name;
        if (!f[4].empty()) {
          name = std::string(f[4]);
        } else {
          for (size_t k = 1; k <= 3; ++k) {
            if (f[k].empty()) continue;
            if (!name.empty()) name += ' ';
            name += f[k];
          }
        }
        h.party_name_[std::string(f[0])] = std::move(name);
      }));
  MT_RETURN_IF_ERROR(ReadNamedCsv(dir / "accounts.csv", {"bank", "account", "holder_party_id"},
                                  [&](const std::vector<std::string_view>& f) {
                                    if (f[2].empty()) return;
                                    h.account_party_[fmt::format("{}:{}", f[0], f[1])] =
                                        std::string(f[2]);
                                  }));
  return h;
}

std::string HolderNames::NameOf(std::string_view bank, std::string_view account) const {
  auto a = account_party_.find(fmt::format("{}:{}", bank, account));
  if (a == account_party_.end()) return "";
  auto p = party_name_.find(a->second);
  return p == party_name_.end() ? "" : p->second;
}

std::vector<std::string> HolderNames::ByAccount(const store::Store& store) const {
  std::vector<std::string> out(store.account_count());
  for (AccountId a = 0; a < store.account_count(); ++a) {
    const store::AccountKey& key = store.account(a);
    if (key.kind == NodeKind::kAccount) out[a] = NameOf(key.bank, key.number);
  }
  return out;
}

std::vector<report::TraceTotalsView> TotalsView(const store::Store& store,
                                                const trace::Ledger& ledger,
                                                const trace::Trail& trail) {
  std::vector<report::TraceTotalsView> out;
  for (const trace::CurrencyTotals& t : trail.totals) {
    if (t.traced_in == 0 && t.exited_total() == 0 && t.remaining == 0) continue;
    const uint8_t scale = ledger.currency_scale(t.currency);
    report::TraceTotalsView v;
    v.currency = std::string(store.currency(t.currency));
    v.traced_in = Decimal{t.traced_in, scale};
    v.remaining = Decimal{t.remaining, scale};
    for (int k = 0; k < trace::kExitKindCount; ++k) {
      if (t.exited[k] == 0) continue;
      v.exits.emplace_back(std::string(trace::ExitKindName(static_cast<trace::ExitKind>(k))),
                           Decimal{t.exited[k], scale});
    }
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace moneytrail::cases
