#include "dictionary.h"

#include <algorithm>
#include <cstring>

#include "moneytrail/file_util.h"

namespace moneytrail::store::store_internal {
namespace {

constexpr char kDictMagic[8] = {'M', 'T', 'D', 'I', 'C', 'T', '0', '1'};

void PutU32(std::string& out, uint32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); }
void PutU64(std::string& out, uint64_t v) { out.append(reinterpret_cast<const char*>(&v), 8); }
void PutString(std::string& out, std::string_view s) {
  PutU32(out, static_cast<uint32_t>(s.size()));
  out.append(s);
}

std::string Header(uint64_t count) {
  std::string out(kDictMagic, 8);
  PutU64(out, count);
  return out;
}

// A bounds-checked reader over a mapped dictionary file.
class Reader {
 public:
  Reader(const std::filesystem::path& path, std::string_view data) : path_(path), data_(data) {}
  Status Begin(uint64_t expected) {
    if (data_.size() < 16 || std::memcmp(data_.data(), kDictMagic, 8) != 0) {
      return DataLossError(path_.string() + " is not a moneytrail dictionary file");
    }
    pos_ = 8;
    uint64_t count = 0;
    MT_RETURN_IF_ERROR(U64(count));
    if (count != expected) {
      return DataLossError(path_.string() + " holds " + std::to_string(count) +
                           " entries, the manifest expects " + std::to_string(expected));
    }
    return Status::Ok();
  }
  Status U8(uint8_t& v) { return Raw(&v, 1); }
  Status U32(uint32_t& v) { return Raw(&v, 4); }
  Status U64(uint64_t& v) { return Raw(&v, 8); }
  Status I64(int64_t& v) { return Raw(&v, 8); }
  Status String(std::string& s) {
    uint32_t n = 0;
    MT_RETURN_IF_ERROR(U32(n));
    if (data_.size() - pos_ < n) return Truncated();
    s.assign(data_.data() + pos_, n);
    pos_ += n;
    return Status::Ok();
  }
  size_t offset() const { return pos_; }
  Status End() {
    if (pos_ != data_.size()) return DataLossError(path_.string() + " has trailing bytes");
    return Status::Ok();
  }

 private:
  Status Raw(void* out, size_t n) {
    if (data_.size() - pos_ < n) return Truncated();
    std::memcpy(out, data_.data() + pos_, n);
    pos_ += n;
    return Status::Ok();
  }
  Status Truncated() { return DataLossError(path_.string() + " is truncated"); }

  const std::filesystem::path& path_;
  std::string_view data_;
  size_t pos_ = 0;
};

}  // namespace

void StringTable::BuildIndex() {
  index_.clear();
  index_.reserve(strings_.size() * 2);
  for (uint32_t i = 0; i < strings_.size(); ++i) index_.emplace(strings_[i], i);
}

uint32_t StringTable::Intern(std::string_view s) {
  auto it = index_.find(s);
  if (it != index_.end()) return it->second;
  uint32_t id = size();
  strings_.emplace_back(s);
  index_.emplace(strings_.back(), id);
  return id;
}

Status WriteStrings(const std::filesystem::path& path, const std::vector<std::string>& strings,
                    size_t first) {
  std::string out = Header(strings.size() - first);
  for (size_t i = first; i < strings.size(); ++i) PutString(out, strings[i]);
  return WriteFileDurably(path, out);
}

Status ReadStrings(const std::filesystem::path& path, uint64_t expected, StringTable& table) {
  MT_ASSIGN_OR_RETURN(MappedFile file, MappedFile::Open(path));
  Reader r(path, file.view());
  MT_RETURN_IF_ERROR(r.Begin(expected));
  for (uint64_t i = 0; i < expected; ++i) {
    std::string s;
    MT_RETURN_IF_ERROR(r.String(s));
    table.Append(std::move(s));
  }
  return r.End();
}

Status WriteAccounts(const std::filesystem::path& path, const std::vector<AccountKey>& accounts,
                     size_t first) {
  std::string out = Header(accounts.size() - first);
  for (size_t i = first; i < accounts.size(); ++i) {
    out.push_back(static_cast<char>(accounts[i].kind));
    PutString(out, accounts[i].bank);
    PutString(out, accounts[i].number);
  }
  return WriteFileDurably(path, out);
}

Status ReadAccounts(const std::filesystem::path& path, uint64_t expected,
                    std::vector<AccountKey>& accounts) {
  MT_ASSIGN_OR_RETURN(MappedFile file, MappedFile::Open(path));
  Reader r(path, file.view());
  MT_RETURN_IF_ERROR(r.Begin(expected));
  accounts.reserve(accounts.size() + expected);
  for (uint64_t i = 0; i < expected; ++i) {
    AccountKey key;
    uint8_t kind = 0;
    MT_RETURN_IF_ERROR(r.U8(kind));
    if (kind >= kNodeKindCount) {
      return DataLossError(path.string() + ": byte " + std::to_string(r.offset() - 1) +
                           " (entry " + std::to_string(i) + "): account kind " +
                           std::to_string(kind) + ", expected 0..3");
    }
    key.kind = static_cast<NodeKind>(kind);
    MT_RETURN_IF_ERROR(r.String(key.bank));
    MT_RETURN_IF_ERROR(r.String(key.number));
    accounts.push_back(std::move(key));
  }
  return r.End();
}

Status WriteLocations(const std::filesystem::path& path, const std::vector<Location>& locations,
                      size_t first) {
  std::string out = Header(locations.size() - first);
  for (size_t i = first; i < locations.size(); ++i) {
    PutU32(out, locations[i].city);
    PutU32(out, locations[i].region);
    PutU32(out, locations[i].country);
  }
  return WriteFileDurably(path, out);
}

Status ReadLocations(const std::filesystem::path& path, uint64_t expected, uint32_t string_count,
                     std::vector<Location>& locations) {
  MT_ASSIGN_OR_RETURN(MappedFile file, MappedFile::Open(path));
  Reader r(path, file.view());
  MT_RETURN_IF_ERROR(r.Begin(expected));
  for (uint64_t i = 0; i < expected; ++i) {
    Location l;
    const size_t at = r.offset();
    MT_RETURN_IF_ERROR(r.U32(l.city));
    MT_RETURN_IF_ERROR(r.U32(l.region));
    MT_RETURN_IF_ERROR(r.U32(l.country));
    if (l.city >= string_count || l.region >= string_count || l.country >= string_count) {
      return DataLossError(path.string() + ": byte " + std::to_string(at) + " (entry " +
                           std::to_string(i) + "): a location names string " +
                           std::to_string(std::max({l.city, l.region, l.country})) +
                           ", expected a string id below " + std::to_string(string_count));
    }
    locations.push_back(l);
  }
  return r.End();
}

Status WriteAttributes(const std::filesystem::path& path,
                       const std::vector<std::pair<AccountId, AccountAttributes>>& attributes) {
  std::string out = Header(attributes.size());
  for (const auto& [account, a] : attributes) {
    PutU32(out, account);
    out.push_back(static_cast<char>(a.label));
    out.push_back(a.opening_balance.has_value() ? 1 : 0);
    PutU64(out, static_cast<uint64_t>(a.opening_balance ? a.opening_balance->units : 0));
    out.push_back(static_cast<char>(a.opening_balance ? a.opening_balance->scale : 0));
    PutU32(out, a.balance_currency);
  }
  return WriteFileDurably(path, out);
}

Status ReadAttributes(const std::filesystem::path& path, uint64_t expected,
                      uint32_t currency_count, std::vector<AccountAttributes>& attributes,
                      std::vector<std::pair<AccountId, AccountAttributes>>* entries) {
  MT_ASSIGN_OR_RETURN(MappedFile file, MappedFile::Open(path));
  Reader r(path, file.view());
  MT_RETURN_IF_ERROR(r.Begin(expected));
  for (uint64_t i = 0; i < expected; ++i) {
    uint32_t account = 0, currency = 0;
    uint8_t label = 0, has_balance = 0, scale = 0;
    int64_t units = 0;
    const size_t at = r.offset();
    MT_RETURN_IF_ERROR(r.U32(account));
    MT_RETURN_IF_ERROR(r.U8(label));
    MT_RETURN_IF_ERROR(r.U8(has_balance));
    MT_RETURN_IF_ERROR(r.I64(units));
    MT_RETURN_IF_ERROR(r.U8(scale));
    MT_RETURN_IF_ERROR(r.U32(currency));
    if (account >= attributes.size()) {
      return DataLossError(path.string() + ": byte " + std::to_string(at) + " (entry " +
                           std::to_string(i) + "): attribute for unknown account " +
                           std::to_string(account));
    }
    const bool label_ok = label <= 1 || label == static_cast<uint8_t>(Label::kUnknown);
    if (!label_ok || has_balance > 1 || currency >= currency_count ||
        (has_balance && (scale > 18 || units > 999'999'999'999'999'999LL ||
                         units < -999'999'999'999'999'999LL))) {
      return DataLossError(path.string() + ": byte " + std::to_string(at) + " (entry " +
                           std::to_string(i) + "): label " + std::to_string(label) +
                           ", has-balance " + std::to_string(has_balance) + ", scale " +
                           std::to_string(scale) + ", currency " + std::to_string(currency) +
                           "; expected label 0, 1 or 255, has-balance 0 or 1, scale 0..18, " +
                           "|units| < 10^18 and a currency id below " +
                           std::to_string(currency_count));
    }
    AccountAttributes& a = attributes[account];
    a.label = static_cast<Label>(label);
    if (has_balance) a.opening_balance = Decimal{units, scale};
    a.balance_currency = static_cast<uint16_t>(currency);
    if (entries != nullptr) {
      AccountAttributes entry;  // as the file holds it, not merged with earlier segments'
      entry.label = a.label;
      if (has_balance) entry.opening_balance = Decimal{units, scale};
      entry.balance_currency = a.balance_currency;
      entries->emplace_back(account, entry);
    }
  }
  return r.End();
}

}  // namespace moneytrail::store::store_internal
