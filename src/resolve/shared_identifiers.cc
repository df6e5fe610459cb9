#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <unordered_map>

#include <fmt/format.h>

#include "moneytrail/resolve_shared.h"
#include "resolve/csv_reader.h"
#include "resolve/normalize.h"

namespace moneytrail::resolve {

using resolve_internal::Normalize;
using resolve_internal::Normalizer;

std::vector<SharedIdentifierGroup> FindSharedIdentifiers(const PartyTable& parties,
                                                         const ResolveConfig& config,
                                                         const std::vector<uint32_t>& entity_of) {
  std::vector<SharedIdentifierGroup> out;
  for (const auto& shared : config.shared) {
    std::vector<std::pair<int, Normalizer>> columns;
    for (const auto& column : shared.columns) {
      Normalizer normalizer = Normalizer::kText;
      auto it = config.normalizers.find(column);
      if (it != config.normalizers.end()) {
        normalizer = resolve_internal::ParseNormalizer(it->second).value_or(Normalizer::kText);
      }
      columns.emplace_back(parties.ColumnIndex(column), normalizer);
    }
    std::unordered_map<std::string, std::vector<uint32_t>> by_value;
    for (size_t r = 0; r < parties.size(); ++r) {
      std::string value;
      bool complete = true;
      for (const auto& [col, normalizer] : columns) {
        std::string v = Normalize(normalizer, parties.values[col][r]);
        if (v.empty()) {
          complete = false;
          break;
        }
        if (!value.empty()) value.push_back(' ');
        value += v;
      }
      if (complete) by_value[value].push_back(static_cast<uint32_t>(r));
    }
    std::vector<SharedIdentifierGroup> groups;
    for (auto& [value, records] : by_value) {
      if (records.size() < 2) continue;
      std::vector<uint32_t> entities;
      for (uint32_t r : records) entities.push_back(entity_of[r]);
      std::sort(entities.begin(), entities.end());
      entities.erase(std::unique(entities.begin(), entities.end()), entities.end());
      if (entities.size() < 2 || static_cast<int64_t>(entities.size()) > shared.max_entities) continue;
      groups.push_back({shared.name, value, std::move(entities), records});
    }
    std::sort(groups.begin(), groups.end(), [](const auto& x, const auto& y) {
      if (x.entities.size() != y.entities.size()) return x.entities.size() > y.entities.size();
      return x.value < y.value;
    });
    out.insert(out.end(), groups.begin(), groups.end());
  }
  return out;
}

std::string SharedIdentifiersCsv(const PartyTable& parties, const std::vector<SharedIdentifierGroup>& groups,
                                 const AccountsOfParty* accounts) {
  std::string out = "identifier,value,entity_count,entity_ids,party_ids";
  out += accounts != nullptr ? ",accounts\n" : "\n";
  for (const auto& g : groups) {
    std::string entities, party_ids, held;
    for (uint32_t e : g.entities) entities += (entities.empty() ? "E" : ";E") + std::to_string(e);
    for (uint32_t r : g.records) {
      const std::string id = parties.Id(r);
      party_ids += (party_ids.empty() ? "" : ";") + id;
      if (accounts == nullptr) continue;
      if (auto it = accounts->find(id); it != accounts->end()) {
        for (const std::string& a : it->second) held += (held.empty() ? "" : ";") + a;
      }
    }
    out += fmt::format("{},{},{},{},{}", resolve_internal::CsvEscape(g.identifier),
                       resolve_internal::CsvEscape(g.value), g.entities.size(),
                       resolve_internal::CsvEscape(entities), resolve_internal::CsvEscape(party_ids));
    if (accounts != nullptr) out += "," + resolve_internal::CsvEscape(held);
    out += '\n';
  }
  return out;
}

Status WriteSharedIdentifiersCsv(const std::string& path, const PartyTable& parties,
                                 const std::vector<SharedIdentifierGroup>& groups,
                                 const AccountsOfParty* accounts) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return ErrnoError(fmt::format("cannot create {}", path), errno);
  const std::string text = SharedIdentifiersCsv(parties, groups, accounts);
  std::fwrite(text.data(), 1, text.size(), f);
  const bool failed = std::ferror(f) != 0;
  if (std::fclose(f) != 0 || failed) return ErrnoError(fmt::format("cannot write {}", path), errno);
  return Status::Ok();
}

}  // namespace moneytrail::resolve
