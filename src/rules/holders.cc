// HolderTable: the KYC facts that some rules use (party kind, industry code, home city, phone,
// address), loaded from the generator's parties.csv and accounts.csv. Until the store holds
// parties (and resolve/ entities), this is how scan learns who holds an account.
#include <fmt/format.h>

#include <tbb/parallel_invoke.h>

#include <algorithm>
#include <unordered_map>

#include "moneytrail/csv.h"
#include "moneytrail/file_util.h"
#include "moneytrail/rules.h"

namespace moneytrail::rules {
namespace {

constexpr AccountId kNoAccount = ~AccountId{0};


// Reads a CSV file with a header; calls row(fields, line) with fields ordered as `columns`.
template <typename RowFn>
Status ReadCsv(const std::filesystem::path& path, std::initializer_list<std::string_view> columns, RowFn row) {
  MT_ASSIGN_OR_RETURN(MappedFile file, MappedFile::Open(path));
  CsvRecordReader reader(StripBom(file.view()), CsvDialect{});
  std::vector<std::string_view> fields;
  if (!reader.Next(fields)) {
    return InvalidArgumentError(fmt::format("{}: empty file; expected a header", path.string()));
  }
  std::vector<size_t> index;
  for (std::string_view c : columns) {
    auto it = std::find(fields.begin(), fields.end(), c);
    if (it == fields.end()) {
      return InvalidArgumentError(fmt::format("{}:1: no column '{}' in the header", path.string(), c));
    }
    index.push_back(static_cast<size_t>(it - fields.begin()));
  }
  std::vector<std::string_view> picked(columns.size());
  while (reader.Next(fields)) {
    if (fields.size() == 1 && fields[0].empty()) continue;
    for (size_t i = 0; i < index.size(); ++i) {
      if (index[i] >= fields.size()) {
        return InvalidArgumentError(fmt::format("{}:{}: {} fields; the header has more", path.string(), reader.line(),
                                                fields.size()));
      }
      picked[i] = fields[index[i]];
    }
    MT_RETURN_IF_ERROR(row(picked, reader.line()));
  }
  MT_RETURN_IF_ERROR(reader.status().WithContext(path.string()));
  return Status::Ok();
}

uint32_t PartyNumber(std::string_view id) {
  // "P00000042" -> 42; any other form gets a number by order of appearance (see caller).
  if (id.size() < 2 || id.size() > 10 || id[0] != 'P') return 0;
  uint32_t n = 0;
  for (char c : id.substr(1)) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + static_cast<uint32_t>(c - '0');
  }
  return n;
}

size_t HashText(std::string_view s) { return std::hash<std::string_view>{}(s); }

// `out` = lower-case `parts` joined by `separator` (reuses out's buffer).
void LowerJoin(std::string& out, std::initializer_list<std::string_view> parts, std::string_view separator) {
  out.clear();
  bool first = true;
  for (std::string_view p : parts) {
    if (!first) out.append(separator);
    first = false;
    out.append(p);
  }
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

// An account row of accounts.csv, resolved against the store but not yet against parties.
struct AccountRow {
  AccountId account;
  uint32_t party_number;  // PartyNumber of the holder id; 0 when not P<digits> under 2^28
  uint32_t other;         // index into the other ids when party_number is 0
  uint64_t line;
};

}  // namespace

HolderTable::HolderTable(size_t account_count) : holders_(account_count), offsets_{0, 0}, slots_(16, 0) {}

void HolderTable::Grow() {
  std::vector<uint32_t> slots(slots_.size() * 2, 0);
  const size_t mask = slots.size() - 1;
  for (uint32_t id : slots_) {
    if (id == 0) continue;
    size_t i = HashText(text(id)) & mask;
    while (slots[i] != 0) i = (i + 1) & mask;
    slots[i] = id;
  }
  slots_ = std::move(slots);
}

uint32_t HolderTable::Intern(std::string_view s) {
  if (s.empty()) return 0;
  if (2 * (offsets_.size() - 1) >= slots_.size()) Grow();
  const size_t mask = slots_.size() - 1;
  size_t i = HashText(s) & mask;
  for (; slots_[i] != 0; i = (i + 1) & mask) {
    if (text(slots_[i]) == s) return slots_[i];
  }
  const auto id = static_cast<uint32_t>(offsets_.size() - 1);
  arena_.append(s);
  offsets_.push_back(static_cast<uint32_t>(arena_.size()));
  slots_[i] = id;
  return id;
}

uint32_t HolderTable::Find(std::string_view s) const {
  if (s.empty()) return 0;
  const size_t mask = slots_.size() - 1;
  for (size_t i = HashText(s) & mask; slots_[i] != 0; i = (i + 1) & mask) {
    if (text(slots_[i]) == s) return slots_[i];
  }
  return 0;
}

size_t HolderTable::known_count() const {
  return static_cast<size_t>(std::count_if(holders_.begin(), holders_.end(), [](const Holder& h) { return h.party; }));
}

Result<HolderTable> HolderTable::LoadGenerated(const store::Store& store, const std::filesystem::path& dir) {
  return LoadFiles(store, dir / "parties.csv", dir / "accounts.csv");
}

Result<HolderTable> HolderTable::LoadAttached(const store::Store& store) {
  if (store.holders() == nullptr) {
    return NotFoundError(fmt::format("store {} has no attached holders (moneytrail resolve --store)",
                                     store.dir().string()));
  }
  MT_ASSIGN_OR_RETURN(HolderTable table, LoadGenerated(store, store.holders_dir()));
  if (store.holders()->file("entities.csv") != nullptr) {
    MT_RETURN_IF_ERROR(table.AttachEntities(store.holders_dir() / "entities.csv"));
  }
  return table;
}

Result<HolderTable> HolderTable::LoadFiles(const store::Store& store, const std::filesystem::path& parties_csv,
                                           const std::filesystem::path& accounts_csv) {
  HolderTable table(store.account_count());
  const std::string parties_path = parties_csv.string();
  const std::string accounts_path = accounts_csv.string();
  std::vector<Holder> numbered;                          // "P<digits>" ids, by number
  std::unordered_map<std::string, Holder> other_parties;  // any other id
  std::unordered_map<std::string, uint32_t> other_ids;    // party id -> Holder::party for other ids
  // accounts.csv is resolved against the store on a second thread while parties.csv is read.
  std::vector<AccountRow> rows;
  std::vector<std::string> other_holders;  // AccountRow::other -> holder id text
  Status accounts_status;
  auto read_accounts = [&] {
    accounts_status = ReadCsv(accounts_path, {"bank", "account", "kind", "holder_party_id"},
                              [&](const std::vector<std::string_view>& f, uint64_t line) -> Status {
                                if (f[3].empty()) return Status::Ok();
                                std::optional<NodeKind> kind = ParseNodeKind(f[2]);
                                if (!kind) {
                                  return InvalidArgumentError(
                                      fmt::format("{}:{}: kind '{}' is not a node kind", accounts_path, line, f[2]));
                                }
                                std::optional<AccountId> a = store.FindAccount(*kind, f[0], f[1]);
                                AccountRow row{a.value_or(0), PartyNumber(f[3]), 0, line};
                                if (row.party_number >= (1u << 28)) row.party_number = 0;
                                if (row.party_number == 0) {
                                  row.other = static_cast<uint32_t>(other_holders.size());
                                  other_holders.emplace_back(f[3]);
                                }
                                // Unknown accounts are still checked against parties.csv below.
                                if (!a) row.account = kNoAccount;
                                rows.push_back(row);
                                return Status::Ok();
                              });
  };
  std::string home, address;
  Status parties_status;
  auto read_parties = [&] {
    parties_status = ReadCsv(
        parties_path, {"party_id", "kind", "address", "city", "region", "postcode", "phone", "industry_code"},
        [&](const std::vector<std::string_view>& f, uint64_t line) -> Status {
          Holder h;
          const uint32_t number = PartyNumber(f[0]);
          h.party = number;
          if (h.party == 0) {
            h.party = 1000000000u + other_ids.emplace(std::string(f[0]), static_cast<uint32_t>(other_ids.size())).first->second;
          }
          if (f[1] == "person") {
            h.kind = PartyKind::kPerson;
          } else if (f[1] == "business") {
            h.kind = PartyKind::kBusiness;
          } else {
            return InvalidArgumentError(fmt::format("{}:{}: kind '{}': expected person or business", parties_path,
                                                    line, f[1]));
          }
          if (!f[3].empty()) {
            LowerJoin(home, {f[3], f[4]}, ", ");
            h.home = table.Intern(home);
          }
          if (!f[6].empty()) h.phone = table.Intern(f[6]);
          if (!f[2].empty()) {
            LowerJoin(address, {f[2], f[3], f[5]}, "|");
            h.address = table.Intern(address);
          }
          for (char c : f[7]) {
            if (c < '0' || c > '9' || h.industry_code > 400'000'000u) {
              return InvalidArgumentError(
                  fmt::format("{}:{}: industry_code '{}' is not a number", parties_path, line, f[7]));
            }
            h.industry_code = h.industry_code * 10 + static_cast<uint32_t>(c - '0');
          }
          if (number != 0 && number < (1u << 28)) {
            if (numbered.size() <= number) numbered.resize(std::max<size_t>(number + 1, numbered.size() * 2));
            numbered[number] = h;
          } else {
            other_parties[std::string(f[0])] = h;
          }
          return Status::Ok();
        });
  };
  tbb::parallel_invoke(read_parties, read_accounts);
  MT_RETURN_IF_ERROR(parties_status);
  MT_RETURN_IF_ERROR(accounts_status);
  for (const AccountRow& row : rows) {
    const Holder* holder = nullptr;
    if (row.party_number != 0 && row.party_number < numbered.size() && numbered[row.party_number].party != 0) {
      holder = &numbered[row.party_number];
    } else if (row.party_number == 0) {
      if (auto p = other_parties.find(other_holders[row.other]); p != other_parties.end()) holder = &p->second;
    }
    if (holder == nullptr) {
      return InvalidArgumentError(fmt::format("{}:{}: holder is not in parties.csv", accounts_path, row.line));
    }
    if (row.account != kNoAccount) table.Set(row.account, *holder);
  }
  for (auto& [id, index] : other_ids) table.other_party_numbers_.emplace(id, 1000000000u + index);
  return table;
}

Status HolderTable::AttachEntities(const std::filesystem::path& entities_csv) {
  const std::string path = entities_csv.string();
  // Holder::party -> (entity text id, line of its row).
  std::unordered_map<uint32_t, std::pair<uint32_t, uint64_t>> of_party;
  MT_RETURN_IF_ERROR(ReadCsv(entities_csv, {"party_id", "entity_id"},
                             [&](const std::vector<std::string_view>& f, uint64_t line) -> Status {
    for (int i = 0; i < 2; ++i) {
      if (f[i].empty()) {
        return InvalidArgumentError(fmt::format("{}:{}: field {}: empty value; expected an id", path, line,
                                                i == 0 ? "party_id" : "entity_id"));
      }
    }
    uint32_t party = PartyNumber(f[0]);
    if (party == 0 || party >= (1u << 28)) {
      auto it = other_party_numbers_.find(std::string(f[0]));
      if (it == other_party_numbers_.end()) return Status::Ok();  // holds no account here
      party = it->second;
    }
    const uint32_t entity = Intern(f[1]);
    auto [it, inserted] = of_party.emplace(party, std::make_pair(entity, line));
    if (!inserted && it->second.first != entity) {
      return InvalidArgumentError(fmt::format("{}:{}: field entity_id: value '{}': party '{}' is already in entity '{}' "
                                              "(line {})", path, line, f[1], f[0], text(it->second.first),
                                              it->second.second));
    }
    return Status::Ok();
  }));
  std::vector<uint32_t> entities(holders_.size(), 0);
  size_t attached = 0;
  for (size_t a = 0; a < holders_.size(); ++a) {
    if (holders_[a].party == 0) continue;
    if (auto it = of_party.find(holders_[a].party); it != of_party.end()) {
      entities[a] = it->second.first;
      ++attached;
    }
  }
  if (attached == 0 && known_count() > 0) {
    return InvalidArgumentError(fmt::format("{}: no holder party of the store's accounts is in it (party_id values "
                                            "must be those of parties.csv)", path));
  }
  entities_ = std::move(entities);
  return Status::Ok();
}

}  // namespace moneytrail::rules
