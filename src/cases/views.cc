#include "views.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <unordered_map>

#include "moneytrail/csv.h"
#include "moneytrail/file_util.h"
#include "moneytrail/pdf.h"

namespace moneytrail::cases {

ViewMaker::ViewMaker(const store::Store& store) : store_(store) {
  for (const store::SourceRecord& r : store.sources()) {
    file_names_.push_back(std::filesystem::path(r.path).filename().string());
    pdf_pages_.push_back(formats::ParsePdfPagesText(r.encoding));
  }
  // The home country: the most frequent country of the located transactions (ties: the first
  // string id), counted per location id first so that the pass is one array increment a row.
  std::unordered_map<uint32_t, uint64_t> per_location;
  for (uint32_t loc : store.location()) {
    if (loc != store::kNoLocation) ++per_location[loc];
  }
  std::map<uint32_t, uint64_t> per_country;
  for (const auto& [loc, n] : per_location) {
    uint32_t c = store.location_entry(loc).country;
    if (c != store::kNoString) per_country[c] += n;
  }
  uint64_t best = 0;
  for (const auto& [c, n] : per_country) {
    if (n > best) {
      best = n;
      home_country_ = std::string(store.string(c));
    }
  }
}

std::string ViewMaker::Place(TransactionId t) const {
  const uint32_t loc = store_.location()[t];
  if (loc == store::kNoLocation) return "";
  const store::Location& l = store_.location_entry(loc);
  std::string out;
  for (uint32_t part : {l.city, l.region, l.country}) {
    if (part == store::kNoString || store_.string(part).empty()) continue;
    if (!out.empty()) out += ", ";
    out += store_.string(part);
  }
  return out;
}

ViewMaker::ExitWords ViewMaker::DescribeExit(TransactionId t, std::string_view kind) const {
  ExitWords w;
  w.where = Place(t);
  const AccountId dst = store_.destination()[t];
  const std::string_view name = store_.string(store_.counterparty()[t]);
  w.who = name.empty() ? store_.AccountLabel(dst) : std::string(name);
  std::string country;
  if (const uint32_t loc = store_.location()[t]; loc != store::kNoLocation) {
    const uint32_t c = store_.location_entry(loc).country;
    if (c != store::kNoString) country = std::string(store_.string(c));
  }
  const bool abroad = !country.empty() && !home_country_.empty() && country != home_country_;
  const auto channel = static_cast<Channel>(store_.channel()[t]);
  const NodeKind dst_kind = store_.account(dst).kind;
  const std::string paid(store_.currency(store_.paid_currency()[t]));
  const std::string received(store_.currency(store_.received_currency()[t]));
  const bool exchanged = paid != received;
  auto abroad_to = [&](std::string_view what) {
    w.how = std::string(what);
    w.category = abroad ? fmt::format("{} to {}", what, country) : std::string(what);
  };
  if (kind == "hop_limit" || kind == "below_minimum") {
    w.how = w.category = report::ExitKindWords(kind);
  } else if (kind == "cash_withdrawal" || channel == Channel::kCashWithdrawal ||
             dst_kind == NodeKind::kCash) {
    w.how = w.category = "cash withdrawal";
    if (w.who == store_.AccountLabel(dst) && !w.where.empty()) w.who = w.where;
  } else if (kind == "merchant" || channel == Channel::kCard || dst_kind == NodeKind::kMerchant) {
    w.how = w.category = "card spend";
  } else if (channel == Channel::kWire) {
    abroad_to(abroad ? "cross-border wire" : "wire to an outside account");
  } else if (channel == Channel::kMoneyTransmitter) {
    abroad_to(abroad ? "money transfer abroad" : "money transfer");
  } else if (channel == Channel::kAch) {
    abroad_to("ACH payment to an outside account");
  } else if (channel == Channel::kCheque) {
    abroad_to("cheque to an outside party");
  } else if (channel == Channel::kCrypto) {
    abroad_to("crypto transfer");
  } else if (exchanged) {
    w.how = w.category = "currency exchange";
  } else {
    abroad_to("payment to an outside account");
  }
  w.detail = w.category;
  if (w.how == "cash withdrawal") {
    w.detail = fmt::format("cash withdrawal at {}", w.where.empty() ? store_.AccountLabel(dst)
                                                                    : w.where);
  } else if (kind == "conversion" && exchanged && w.how != "currency exchange") {
    w.detail += fmt::format(" (converted {} to {})", paid, received);
  } else if (kind == "conversion" && w.how == "currency exchange") {
    w.detail = fmt::format("currency exchange ({} to {})", paid, received);
  }
  return w;
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
  if (ref.file_index < pdf_pages_.size() && !pdf_pages_[ref.file_index].empty()) {
    ref.position = formats::PdfCitation(pdf_pages_[ref.file_index], ref.line);
  }
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
  // The outside party, when there is one: its recorded name and the place.
  const bool outside = store_.account(store_.source()[t]).kind != NodeKind::kAccount ||
                       store_.account(store_.destination()[t]).kind != NodeKind::kAccount;
  const std::string_view name = store_.string(store_.counterparty()[t]);
  const std::string place = outside || !name.empty() ? Place(t) : std::string();
  v.counterparty = name.empty() ? place : place.empty() ? std::string(name)
                                                        : fmt::format("{}; {}", name, place);
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
