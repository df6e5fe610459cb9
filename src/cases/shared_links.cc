#include "shared_links.h"

#include <algorithm>
#include <set>
#include <string_view>

#include <fmt/format.h>

#include "moneytrail/csv.h"
#include "moneytrail/file_util.h"

namespace moneytrail::cases {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    const size_t end = std::min(text.find(';', start), text.size());
    if (end > start) out.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

Result<std::vector<SharedGroup>> LoadSharedGroups(const std::filesystem::path& path) {
  std::vector<SharedGroup> out;
  std::error_code ec;
  if (!fs::exists(path, ec)) return out;
  MT_ASSIGN_OR_RETURN(std::string bytes, ReadFileToString(path));
  CsvRecordReader reader(StripBom(bytes), CsvDialect{});
  std::vector<std::string_view> f;
  if (!reader.Next(f)) return out;
  int identifier = -1, value = -1, entities = -1, accounts = -1;
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] == "identifier") identifier = static_cast<int>(i);
    if (f[i] == "value") value = static_cast<int>(i);
    if (f[i] == "entity_ids") entities = static_cast<int>(i);
    if (f[i] == "accounts") accounts = static_cast<int>(i);
  }
  if (identifier < 0 || value < 0 || entities < 0 || accounts < 0) return out;
  const size_t width = f.size();
  while (reader.Next(f)) {
    if (f.size() == 1 && f[0].empty()) continue;
    if (f.size() != width) {
      return InvalidArgumentError(fmt::format("{}:{}: {} fields, the header has {}", path.string(),
                                              reader.line(), f.size(), width));
    }
    out.push_back(SharedGroup{std::string(f[identifier]), std::string(f[value]),
                              SplitList(f[entities]), SplitList(f[accounts])});
  }
  MT_RETURN_IF_ERROR(reader.status());
  return out;
}

std::vector<report::SharedLinkView> SharedLinksOf(const std::vector<SharedGroup>& groups,
                                                  const std::unordered_map<std::string, std::vector<uint32_t>>& by_account,
                                                  const std::vector<std::string>& own, const std::string& own_entity,
                                                  uint64_t* total) {
  std::set<uint32_t> touching;
  for (const std::string& a : own) {
    if (auto it = by_account.find(a); it != by_account.end()) touching.insert(it->second.begin(), it->second.end());
  }
  const std::set<std::string> mine(own.begin(), own.end());
  std::vector<report::SharedLinkView> out;
  for (uint32_t g : touching) {
    report::SharedLinkView l;
    l.identifier = groups[g].identifier;
    l.value = groups[g].value;
    for (const std::string& e : groups[g].entities) {
      if (e != own_entity) l.entities.push_back(e);
    }
    for (const std::string& a : groups[g].accounts) {
      if (!mine.count(a)) l.accounts.push_back(a);
    }
    if (!l.accounts.empty()) out.push_back(std::move(l));
  }
  *total = out.size();
  if (out.size() > kSharedShown) out.resize(kSharedShown);
  return out;
}

}  // namespace moneytrail::cases
