// The store reader: maps the committed segments' columns and loads the dictionaries.
#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "account_index.h"
#include "columns.h"
#include "moneytrail/file_util.h"
#include "moneytrail/hash.h"
#include "moneytrail/store.h"
#include "state.h"

namespace moneytrail::store {

using store_internal::Dictionaries;
using store_internal::Manifest;

struct Store::Rep {
  std::filesystem::path dir;
  Manifest manifest;
  std::string manifest_sha256;
  Dictionaries dicts;
  std::vector<MappedFile> maps;
  TransactionColumns concatenated;  // used when there is more than one segment
  std::optional<ColumnFacts> facts;  // of all segments, when every segment recorded them
#define MT_SPAN_MEMBER(field) std::span<const decltype(TransactionColumns::field)::value_type> field;
  MT_TRANSACTION_COLUMNS(MT_SPAN_MEMBER)
#undef MT_SPAN_MEMBER
  std::vector<NodeKind> account_kinds;
  std::vector<AccountId> balance_accounts;  // accounts with an opening balance
  mutable std::atomic<int> lookups{0};
  mutable std::once_flag index_once;
  mutable store_internal::AccountIndex account_index{&dicts.accounts};
};

namespace {

template <typename T>
Result<std::span<const T>> MapColumn(const std::filesystem::path& path, uint64_t count,
                                     std::vector<MappedFile>& maps) {
  MT_ASSIGN_OR_RETURN(MappedFile file, MappedFile::Open(path));
  MT_ASSIGN_OR_RETURN(std::string_view payload,
                      store_internal::ColumnPayload(path, file.view(), sizeof(T), count));
  std::span<const T> span(reinterpret_cast<const T*>(payload.data()), count);
  maps.push_back(std::move(file));
  return span;
}

}  // namespace

Result<Store> Store::Open(const std::filesystem::path& dir) {
  auto rep = std::make_unique<Rep>();
  rep->dir = dir;
  std::string raw;
  MT_ASSIGN_OR_RETURN(rep->manifest, store_internal::ReadManifest(dir, &raw));
  rep->manifest_sha256 = Sha256Hex(raw);
  MT_RETURN_IF_ERROR(store_internal::CheckSegmentFiles(dir, rep->manifest));
  MT_RETURN_IF_ERROR(store_internal::LoadDictionaries(dir, rep->manifest, rep->dicts));

  rep->account_kinds.reserve(rep->dicts.accounts.size());
  for (const AccountKey& key : rep->dicts.accounts) rep->account_kinds.push_back(key.kind);
  // Attributes are rare (AMLSim's nodes.csv, native balances): scan them only when some exist.
  if (std::any_of(rep->manifest.segments.begin(), rep->manifest.segments.end(),
                  [](const auto& seg) { return seg.attributes > 0; })) {
    const auto& attributes = rep->dicts.attributes;
    for (AccountId a = 0; a < attributes.size(); ++a) {
      if (attributes[a].opening_balance) rep->balance_accounts.push_back(a);
    }
  }
  const auto& segments = rep->manifest.segments;
  uint64_t total = 0;
  for (const auto& seg : segments) total += seg.transactions;
  if (total != rep->manifest.transactions) {
    return DataLossError(dir.string() + ": segments hold " + std::to_string(total) +
                         " transactions, the manifest " +
                         std::to_string(rep->manifest.transactions));
  }
  if (segments.size() == 1) {
    auto sdir = store_internal::SegmentDir(dir, segments[0].name);
    uint64_t n = segments[0].transactions;
#define MT_MAP_ONE(field)                                                                    \
  {                                                                                           \
    using T = decltype(TransactionColumns::field)::value_type;                                \
    MT_ASSIGN_OR_RETURN(rep->field, MapColumn<T>(sdir / (#field ".col"), n, rep->maps));      \
  }
    MT_TRANSACTION_COLUMNS(MT_MAP_ONE)
#undef MT_MAP_ONE
  } else if (segments.size() > 1) {
    TransactionColumns& all = rep->concatenated;
    all.Reserve(total);
    for (const auto& seg : segments) {
      auto sdir = store_internal::SegmentDir(dir, seg.name);
      std::vector<MappedFile> maps;
#define MT_APPEND_ONE(field)                                                                     \
  {                                                                                               \
    using T = decltype(TransactionColumns::field)::value_type;                                    \
    MT_ASSIGN_OR_RETURN(std::span<const T> part,                                                  \
                        MapColumn<T>(sdir / (#field ".col"), seg.transactions, maps));            \
    all.field.insert(all.field.end(), part.begin(), part.end());                                  \
  }
      MT_TRANSACTION_COLUMNS(MT_APPEND_ONE)
#undef MT_APPEND_ONE
    }
#define MT_VIEW_ONE(field) rep->field = all.field;
    MT_TRANSACTION_COLUMNS(MT_VIEW_ONE)
#undef MT_VIEW_ONE
  }
  if (std::all_of(segments.begin(), segments.end(), [](const auto& seg) { return seg.facts; })) {
    rep->facts.emplace();
    for (const auto& seg : segments) rep->facts->Append(*seg.facts);
  }
  // Referential checks: every id a column holds must name a dictionary entry.
  const uint32_t accounts = static_cast<uint32_t>(rep->dicts.accounts.size());
  for (size_t i = 0; i < rep->source.size(); ++i) {
    if (rep->source[i] >= accounts || rep->destination[i] >= accounts) {
      return DataLossError(dir.string() + ": transaction " + std::to_string(i) +
                           " names an account outside the dictionary");
    }
  }
  return Store(std::move(rep));
}

Store::Store(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

const std::filesystem::path& Store::dir() const { return rep_->dir; }
uint64_t Store::transaction_count() const { return rep_->manifest.transactions; }
uint32_t Store::account_count() const { return static_cast<uint32_t>(rep_->dicts.accounts.size()); }
uint64_t Store::generation() const { return rep_->manifest.generation; }
const std::string& Store::manifest_sha256() const { return rep_->manifest_sha256; }

std::span<const Timestamp> Store::time() const { return rep_->time; }
std::span<const AccountId> Store::source() const { return rep_->source; }
std::span<const AccountId> Store::destination() const { return rep_->destination; }
std::span<const int64_t> Store::amount_paid_units() const { return rep_->amount_paid; }
std::span<const uint8_t> Store::paid_scale() const { return rep_->paid_scale; }
std::span<const uint16_t> Store::paid_currency() const { return rep_->paid_currency; }
std::span<const int64_t> Store::amount_received_units() const { return rep_->amount_received; }
std::span<const uint8_t> Store::received_scale() const { return rep_->received_scale; }
std::span<const uint16_t> Store::received_currency() const { return rep_->received_currency; }
std::span<const uint8_t> Store::channel() const { return rep_->channel; }
std::span<const uint32_t> Store::location() const { return rep_->location; }
std::span<const uint16_t> Store::mcc() const { return rep_->mcc; }
std::span<const uint32_t> Store::counterparty() const { return rep_->counterparty; }
std::span<const uint8_t> Store::label() const { return rep_->label; }
std::span<const uint32_t> Store::typology() const { return rep_->typology; }
std::span<const uint32_t> Store::source_file() const { return rep_->source_file; }
std::span<const uint32_t> Store::source_line() const { return rep_->source_line; }

Decimal Store::amount_paid(TransactionId t) const {
  return Decimal{rep_->amount_paid[t], rep_->paid_scale[t]};
}
Decimal Store::amount_received(TransactionId t) const {
  return Decimal{rep_->amount_received[t], rep_->received_scale[t]};
}

const AccountKey& Store::account(AccountId a) const { return rep_->dicts.accounts[a]; }
const AccountAttributes& Store::account_attributes(AccountId a) const {
  return rep_->dicts.attributes[a];
}

std::optional<AccountId> Store::FindAccount(NodeKind kind, std::string_view bank,
                                            std::string_view number) const {
  // One scan of the dictionary is several times cheaper than building the index
  // (bench/RESULTS-trace.md): a verb that looks up one account should not pay for the index.
  constexpr int kScannedLookups = 4;
  if (rep_->lookups.fetch_add(1, std::memory_order_relaxed) < kScannedLookups) {
    const auto& accounts = rep_->dicts.accounts;
    for (AccountId a = 0; a < accounts.size(); ++a) {
      const AccountKey& k = accounts[a];
      if (k.number == number && k.kind == kind && k.bank == bank) return a;
    }
    return std::nullopt;
  }
  std::call_once(rep_->index_once, [this] {
    const auto& accounts = rep_->dicts.accounts;
    rep_->account_index.Reserve(accounts.size());
    for (AccountId a = 0; a < accounts.size(); ++a) {
      const AccountKey& k = accounts[a];
      rep_->account_index.Insert(HashAccountKey(static_cast<uint8_t>(k.kind), k.bank, k.number), a);
    }
  });
  AccountId id = rep_->account_index.Find(HashAccountKey(static_cast<uint8_t>(kind), bank, number),
                                          kind, bank, number);
  if (id == kNoAccount) return std::nullopt;
  return id;
}

std::string Store::AccountLabel(AccountId a) const {
  const AccountKey& key = rep_->dicts.accounts[a];
  std::string out;
  if (key.kind != NodeKind::kAccount) {
    out += NodeKindName(key.kind);
    out += ':';
  }
  out += key.bank;
  out += ':';
  out += key.number;
  return out;
}

std::string_view Store::currency(uint16_t id) const { return rep_->dicts.currencies.at(id); }
size_t Store::currency_count() const { return rep_->dicts.currencies.size(); }
std::string_view Store::string(uint32_t id) const { return rep_->dicts.strings.at(id); }
const Location& Store::location_entry(uint32_t id) const { return rep_->dicts.locations[id]; }
const std::vector<SourceRecord>& Store::sources() const { return rep_->manifest.sources; }
const HoldersRecord* Store::holders() const {
  return rep_->manifest.holders ? &*rep_->manifest.holders : nullptr;
}
std::filesystem::path Store::holders_dir() const {
  if (!rep_->manifest.holders) return {};
  return store_internal::HoldersDir(rep_->dir, rep_->manifest.holders->name);
}
std::span<const NodeKind> Store::account_kinds() const { return rep_->account_kinds; }
std::span<const AccountId> Store::accounts_with_opening_balance() const {
  return rep_->balance_accounts;
}
const ColumnFacts* Store::column_facts() const {
  return rep_->facts ? &*rep_->facts : nullptr;
}

void TransactionColumns::Reserve(size_t n) {
#define MT_RESERVE_ONE(field) field.reserve(n);
  MT_TRANSACTION_COLUMNS(MT_RESERVE_ONE)
#undef MT_RESERVE_ONE
}

void TransactionColumns::Clear() {
#define MT_CLEAR_ONE(field) field.clear();
  MT_TRANSACTION_COLUMNS(MT_CLEAR_ONE)
#undef MT_CLEAR_ONE
}

void TransactionColumns::AppendAll(const TransactionColumns& other) {
#define MT_APPEND_ALL_ONE(field) field.insert(field.end(), other.field.begin(), other.field.end());
  MT_TRANSACTION_COLUMNS(MT_APPEND_ALL_ONE)
#undef MT_APPEND_ALL_ONE
}

}  // namespace moneytrail::store
