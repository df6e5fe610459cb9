// HolderTable: the KYC facts that some rules use (party kind, industry code, home city, phone,
// address), loaded from the generator's parties.csv and accounts.csv. Until the store holds
// parties (and resolve/ entities), this is how scan learns who holds an account.
#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

#include "moneytrail/csv.h"
#include "moneytrail/file_util.h"
#include "moneytrail/rules.h"

namespace moneytrail::rules {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

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
  if (id.size() < 2 || id[0] != 'P') return 0;
  uint32_t n = 0;
  for (char c : id.substr(1)) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + static_cast<uint32_t>(c - '0');
  }
  return n;
}

}  // namespace

HolderTable::HolderTable(size_t account_count) : holders_(account_count), texts_{std::string()} {
  ids_.emplace(std::string(), 0);
}

uint32_t HolderTable::Intern(std::string_view text) {
  auto it = ids_.find(text);
  if (it != ids_.end()) return it->second;
  auto id = static_cast<uint32_t>(texts_.size());
  texts_.emplace_back(text);
  ids_.emplace(std::string(text), id);
  return id;
}

uint32_t HolderTable::Find(std::string_view text) const {
  auto it = ids_.find(text);
  return it == ids_.end() ? 0 : it->second;
}

size_t HolderTable::known_count() const {
  return static_cast<size_t>(std::count_if(holders_.begin(), holders_.end(), [](const Holder& h) { return h.party; }));
}

Result<HolderTable> HolderTable::LoadGenerated(const store::Store& store, const std::filesystem::path& dir) {
  HolderTable table(store.account_count());
  table.ids_.reserve(1 << 20);
  std::unordered_map<std::string, Holder> parties;  // ids that are not "P<digits>"
  std::vector<Holder> numbered;                     // "P<digits>" ids, by number
  std::string scratch;
  std::unordered_map<std::string, uint32_t> other_ids;
  MT_RETURN_IF_ERROR(ReadCsv(
      dir / "parties.csv",
      {"party_id", "kind", "address", "city", "region", "postcode", "phone", "industry_code"},
      [&](const std::vector<std::string_view>& f, uint64_t line) -> Status {
        Holder h;
        h.party = PartyNumber(f[0]);
        if (h.party == 0) h.party = 1000000000u + static_cast<uint32_t>(other_ids.emplace(std::string(f[0]), other_ids.size()).first->second);
        if (f[1] == "person") h.kind = PartyKind::kPerson;
        else if (f[1] == "business") h.kind = PartyKind::kBusiness;
        else return InvalidArgumentError(fmt::format("{}:{}: kind '{}': expected person or business",
                                                     (dir / "parties.csv").string(), line, f[1]));
        if (!f[3].empty()) {
          scratch.assign(f[3]).append(", ").append(f[4]);
          h.home = table.Intern(Lower(scratch));
        }
        if (!f[6].empty()) h.phone = table.Intern(f[6]);
        if (!f[2].empty()) {
          scratch.assign(f[2]).append("|").append(f[3]).append("|").append(f[5]);
          h.address = table.Intern(Lower(scratch));
        }
        if (!f[7].empty()) {
          char* end = nullptr;
          std::string code(f[7]);
          h.industry_code = static_cast<uint32_t>(std::strtoul(code.c_str(), &end, 10));
          if (*end != '\0') {
            return InvalidArgumentError(fmt::format("{}:{}: industry_code '{}' is not a number",
                                                    (dir / "parties.csv").string(), line, f[7]));
          }
        }
        if (uint32_t n = PartyNumber(f[0]); n != 0 && n < (1u << 28)) {
          if (numbered.size() <= n) numbered.resize(n + 1);
          numbered[n] = h;
        } else {
          parties[std::string(f[0])] = h;
        }
        return Status::Ok();
      }));
  MT_RETURN_IF_ERROR(ReadCsv(dir / "accounts.csv", {"bank", "account", "kind", "holder_party_id"},
                             [&](const std::vector<std::string_view>& f, uint64_t line) -> Status {
                               if (f[3].empty()) return Status::Ok();
                               std::optional<NodeKind> kind = ParseNodeKind(f[2]);
                               if (!kind) {
                                 return InvalidArgumentError(fmt::format("{}:{}: kind '{}' is not a node kind",
                                                                         (dir / "accounts.csv").string(), line, f[2]));
                               }
                               const Holder* holder = nullptr;
                               if (uint32_t n = PartyNumber(f[3]); n != 0 && n < numbered.size() &&
                                                                   numbered[n].party != 0) {
                                 holder = &numbered[n];
                               } else if (auto p = parties.find(std::string(f[3])); p != parties.end()) {
                                 holder = &p->second;
                               }
                               if (holder == nullptr) {
                                 return InvalidArgumentError(fmt::format("{}:{}: holder '{}' is not in parties.csv",
                                                                         (dir / "accounts.csv").string(), line, f[3]));
                               }
                               std::optional<AccountId> a = store.FindAccount(*kind, f[0], f[1]);
                               if (a) table.Set(*a, *holder);
                               return Status::Ok();
                             }));
  return table;
}

}  // namespace moneytrail::rules
