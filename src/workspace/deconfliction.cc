// Deconfliction: keyed hashes of normalised identifiers, compared across cases. A hit tells
// each case only that another case holds the identifier, with that case's agency and contact.
#include <sodium.h>
#include <sys/stat.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <string>
#include <utility>

#include "moneytrail/file_util.h"
#include "moneytrail/json_text.h"
#include "moneytrail/time_format.h"
#include "moneytrail/workspace.h"
#include "workspace/journal.h"
#include "workspace/sql.h"
#include "workspace/workspace_internal.h"

namespace moneytrail::workspace {

using namespace workspace_internal;  // NOLINT: the workspace's own helpers

namespace {

// Account numbers: letters and digits only, upper case ("0123-456 78" -> "012345678").
std::string NormaliseAccount(std::string_view s) {
  std::string out;
  for (char ch : s) {
    if (std::isalnum(static_cast<unsigned char>(ch))) out += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  }
  return out;
}

// Names: ASCII letters lower case, punctuation and runs of spaces one space, trimmed
// ("SMITH,  John." -> "smith john"); other UTF-8 bytes kept.
std::string NormaliseName(std::string_view s) {
  std::string out;
  bool space = false;
  for (char ch : s) {
    const auto u = static_cast<unsigned char>(ch);
    if (u >= 0x80 || std::isalnum(u)) {
      if (space && !out.empty()) out += ' ';
      space = false;
      out += static_cast<char>(std::tolower(u));
    } else {
      space = true;
    }
  }
  return out;
}

// The workspace's deconfliction key (keys/deconfliction.key, 0600), created on first use.
Result<std::string> DeconflictionKey(const std::filesystem::path& dir) {
  const std::filesystem::path path = dir / "keys" / "deconfliction.key";
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    MT_RETURN_IF_ERROR(CreateDirectoriesDurably(dir / "keys"));
    MT_RETURN_IF_ERROR(WriteFileDurably(path, RandomHex(crypto_auth_hmacsha256_KEYBYTES) + "\n"));
    ::chmod(path.c_str(), 0600);
  }
  MT_ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  std::string key(crypto_auth_hmacsha256_KEYBYTES, '\0');
  size_t length = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(key.data()), key.size(), text.data(), text.size(), nullptr,
                     &length, nullptr) != 0 ||
      length != key.size()) {
    return DataLossError(fmt::format("{}: not a deconfliction key", path.string()));
  }
  return key;
}

std::string Hmac(const std::string& key, std::string_view message) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256(mac, reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                         reinterpret_cast<const unsigned char*>(key.data()));
  char hex[2 * sizeof(mac) + 1];
  sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
  return hex;
}

bool Restricted(const Markings& m) {
  return m.count(std::string(kMarking6103)) != 0 || m.count(std::string(kMarkingGrandJury)) != 0;
}

}  // namespace

Result<std::vector<int64_t>> Workspace::CheckIdentifiers(
    const Actor& actor, int64_t case_id, const std::vector<std::pair<std::string, std::string>>& ids) {
  MT_ASSIGN_OR_RETURN(std::string key, DeconflictionKey(dir_));
  const std::string now = FormatIsoTime(Now());
  std::vector<int64_t> notices;
  int64_t checked = 0;
  for (const auto& [kind, raw] : ids) {
    const std::string value = kind == "account" ? NormaliseAccount(raw) : NormaliseName(raw);
    if (value.size() < 4) continue;  // too short to identify anything
    ++checked;
    const std::string digest = Hmac(key, kind + ":" + value);
    MT_RETURN_IF_ERROR(db_->Execute("INSERT INTO identifiers (case_id, kind, digest, identifier, at) VALUES "
                                    "(?,?,?,?,?) ON CONFLICT (case_id, kind, digest) DO NOTHING",
                                    {case_id, kind, digest, value, now})
                           .status());
    MT_ASSIGN_OR_RETURN(SqlRows others, db_->Query("SELECT case_id FROM identifiers WHERE kind = ? AND digest = ? "
                                                   "AND case_id <> ? ORDER BY case_id",
                                                   {kind, digest, case_id}));
    for (const SqlRow& o : others) {
      const int64_t other = SqlInt(o[0]);
      for (const auto& [mine, theirs] : {std::pair{case_id, other}, std::pair{other, case_id}}) {
        MT_ASSIGN_OR_RETURN(int64_t added,
                            db_->Execute("INSERT INTO deconfliction_notices (case_id, other_case_id, kind, "
                                         "digest, at) VALUES (?,?,?,?,?) ON CONFLICT (case_id, other_case_id, "
                                         "kind, digest) DO NOTHING",
                                         {mine, theirs, kind, digest, now}));
        if (added == 0) continue;
        const int64_t notice = db_->LastInsertId();
        if (mine == case_id) notices.push_back(notice);
        MT_RETURN_IF_ERROR(Append(actor, mine, fmt::format("deconfliction/{}", notice), "deconfliction-hit", "",
                                  JsonText(nlohmann::ordered_json{{"kind", kind}, {"digest", digest},
                                                                  {"other_case", theirs}}),
                                  ""));
      }
    }
  }
  MT_RETURN_IF_ERROR(Append(actor, case_id, fmt::format("case/{}/identifiers", case_id), "deconfliction-check",
                            "", "", fmt::format("{} identifiers checked, {} hits", checked, notices.size())));
  return notices;
}

Result<std::vector<DeconflictionNotice>> Workspace::LoadNotices(int64_t case_id, int64_t min_id) {
  MT_ASSIGN_OR_RETURN(SqlRows rows,
                      db_->Query("SELECT n.id, n.kind, i.identifier, a.name, a.contact, n.at FROM "
                                 "deconfliction_notices n JOIN identifiers i ON i.case_id = n.case_id AND "
                                 "i.kind = n.kind AND i.digest = n.digest JOIN cases oc ON oc.id = "
                                 "n.other_case_id JOIN agencies a ON a.id = oc.owning_agency_id WHERE "
                                 "n.case_id = ? AND n.id >= ? ORDER BY n.id",
                                 {case_id, min_id}));
  std::vector<DeconflictionNotice> out;
  for (const SqlRow& r : rows) {
    out.push_back({SqlInt(r[0]), SqlText(r[1]), SqlText(r[2]), SqlText(r[3]), SqlText(r[4]), SqlText(r[5])});
  }
  return out;
}

Result<std::vector<DeconflictionNotice>> Workspace::AddIdentifiers(const Actor& actor, int64_t case_id,
                                                                   const std::vector<std::string>& accounts,
                                                                   const std::vector<std::string>& names) {
  MT_ASSIGN_OR_RETURN(CaseInfo c, VisibleCase(actor, case_id));
  if (c.access < CaseAccess::kWrite) {
    return PermissionDeniedError(fmt::format("case {}: entering identifiers needs write access", case_id));
  }
  if (Restricted(c.markings)) {
    return FailedPreconditionError(fmt::format(
        "case {} is marked {}: its identifiers are not compared with other agencies' cases", case_id,
        FormatMarkings(c.markings)));
  }
  if (accounts.size() + names.size() > 10000) return InvalidArgumentError("at most 10000 identifiers per call");
  std::vector<std::pair<std::string, std::string>> ids;
  for (const std::string& a : accounts) {
    MT_RETURN_IF_ERROR(CheckText("accounts", a, kMaxNameBytes, true));
    ids.emplace_back("account", a);
  }
  for (const std::string& n : names) {
    MT_RETURN_IF_ERROR(CheckText("names", n, kMaxNameBytes, true));
    ids.emplace_back("name", n);
  }
  std::vector<int64_t> fresh;
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    MT_ASSIGN_OR_RETURN(fresh, CheckIdentifiers(actor, case_id, ids));
    return Status::Ok();
  }));
  std::vector<DeconflictionNotice> out;
  if (fresh.empty()) return out;
  MT_ASSIGN_OR_RETURN(std::vector<DeconflictionNotice> all, LoadNotices(case_id, fresh.front()));
  for (auto& n : all) {
    if (std::find(fresh.begin(), fresh.end(), n.id) != fresh.end()) out.push_back(std::move(n));
  }
  return out;
}

Result<std::vector<DeconflictionNotice>> Workspace::ListDeconfliction(const Actor& actor, int64_t case_id) {
  MT_RETURN_IF_ERROR(VisibleCase(actor, case_id).status());
  MT_ASSIGN_OR_RETURN(std::vector<DeconflictionNotice> out, LoadNotices(case_id, 0));
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    return Append(actor, case_id, fmt::format("case/{}/deconfliction", case_id), "read", "", "",
                  fmt::format("{} notices shown", out.size()));
  }));
  return out;
}

}  // namespace moneytrail::workspace
