// Evidence items: files uploaded into a case, stored once by SHA-256 under evidence/ and never
// modified, with their custody (who, when, size, hash, the last verification).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

#include "moneytrail/file_util.h"
#include "moneytrail/json_text.h"
#include "moneytrail/safe_text.h"
#include "moneytrail/time_format.h"
#include "moneytrail/workspace.h"
#include "workspace/journal.h"
#include "workspace/sql.h"
#include "workspace/workspace_internal.h"

namespace moneytrail::workspace {

using namespace workspace_internal;  // NOLINT: the workspace's own helpers

namespace {

constexpr std::string_view kEvidenceColumns =
    "e.id, e.case_id, e.name, e.media_type, e.sha256, e.size, e.markings, u.username, "
    "e.uploaded_at, e.verified_at, e.verification FROM evidence e JOIN users u ON "
    "u.id = e.uploaded_by";

EvidenceItem EvidenceFromRow(const SqlRow& r) {
  EvidenceItem e;
  e.id = SqlInt(r[0]);
  e.case_id = SqlInt(r[1]);
  e.name = SqlText(r[2]);
  e.media_type = SqlText(r[3]);
  e.sha256 = SqlText(r[4]);
  e.size = SqlInt(r[5]);
  e.markings = MarkingsFromText(SqlText(r[6]));
  e.uploaded_by = SqlText(r[7]);
  e.uploaded_at = SqlText(r[8]);
  e.verified_at = SqlText(r[9]);
  e.verification = SqlText(r[10]);
  return e;
}

nlohmann::ordered_json EvidenceJournalJson(const EvidenceItem& e) {
  return {{"id", e.id}, {"name", e.name}, {"sha256", e.sha256}, {"size", e.size},
          {"markings", FormatMarkings(e.markings)}, {"verification", e.verification}};
}

// A plain file name: no directory parts, no control characters, not "." or "..".
Status CheckFileName(std::string_view name) {
  MT_RETURN_IF_ERROR(CheckText("name", name, kMaxNameBytes, true));
  if (name == "." || name == ".." || name.find('/') != std::string_view::npos ||
      name.find('\\') != std::string_view::npos) {
    return InvalidArgumentError(fmt::format("name '{}': expected a plain file name", Abbreviate(name)));
  }
  for (char ch : name) {
    if (static_cast<unsigned char>(ch) < 0x20) {
      return InvalidArgumentError(fmt::format("name '{}': control characters are not allowed", Abbreviate(name)));
    }
  }
  return Status::Ok();
}

// The hash of the stored file, "" when it is missing.
Result<std::string> HashStoredFile(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::string();
  MT_ASSIGN_OR_RETURN(std::string bytes, ReadFileToString(path));
  return Sha256Hex(bytes);
}

}  // namespace

std::filesystem::path Workspace::CaseStoreDir(int64_t case_id) const {
  return dir_ / "cases" / std::to_string(case_id) / "store";
}

std::filesystem::path Workspace::CaseRunDir(int64_t case_id) const {
  return dir_ / "cases" / std::to_string(case_id) / "run";
}

std::filesystem::path Workspace::EvidencePath(std::string_view sha256) const {
  return dir_ / "evidence" / std::string(sha256);
}

Result<CaseInfo> Workspace::VisibleCase(const Actor& actor, int64_t case_id) {
  MT_ASSIGN_OR_RETURN(CaseAccess access, AccessOf(actor.user.id, case_id));
  auto c = LoadCase(case_id);
  if (!c.ok() || !CanSee(actor.user, access, c->markings, {})) return NotFoundError(CaseNotFound(case_id));
  c->access = access;
  return c;
}

Result<EvidenceItem> Workspace::LoadEvidence(int64_t evidence_id) {
  MT_ASSIGN_OR_RETURN(SqlRows rows, db_->Query(fmt::format("SELECT {} WHERE e.id = ?", kEvidenceColumns),
                                               {evidence_id}));
  if (rows.empty()) return NotFoundError(fmt::format("evidence {}: not found", evidence_id));
  return EvidenceFromRow(rows[0]);
}

Result<EvidenceItem> Workspace::AddEvidence(const Actor& actor, int64_t case_id, std::string_view name,
                                            std::string_view media_type, std::string_view content,
                                            const Markings& markings) {
  MT_ASSIGN_OR_RETURN(CaseInfo c, VisibleCase(actor, case_id));
  if (c.access < CaseAccess::kWrite) {
    return PermissionDeniedError(fmt::format("case {}: adding evidence needs write access", case_id));
  }
  MT_RETURN_IF_ERROR(CheckFileName(name));
  MT_RETURN_IF_ERROR(CheckText("media_type", media_type, 200, false));
  if (content.empty()) return InvalidArgumentError(fmt::format("evidence '{}': the file is empty", Abbreviate(name)));
  if (static_cast<int64_t>(content.size()) > options_.max_evidence_bytes) {
    return InvalidArgumentError(fmt::format("evidence '{}': {} bytes, at most {}", Abbreviate(name),
                                            content.size(), options_.max_evidence_bytes));
  }
  if (!Covers(actor.user.clearances, markings)) {
    return PermissionDeniedError(fmt::format("{} is not cleared for {}", actor.user.username,
                                             MissingMarkings(actor.user.clearances, markings)));
  }
  const std::string sha = Sha256Hex(content);
  const std::filesystem::path path = EvidencePath(sha);
  // Content-addressed: a file already stored under its hash is the same bytes. A new one is
  // written to a temporary, synced, made read-only and renamed into place before the row
  // commits, so an acknowledged item always has its file.
  MT_ASSIGN_OR_RETURN(std::string existing, HashStoredFile(path));
  if (existing != sha) {
    MT_RETURN_IF_ERROR(CreateDirectoriesDurably(dir_ / "evidence"));
    const std::filesystem::path temp = dir_ / "evidence" / (".upload-" + RandomHex(8));
    MT_RETURN_IF_ERROR(WriteFileDurably(temp, content));
    ::chmod(temp.c_str(), 0440);
    std::error_code ec;
    std::filesystem::rename(temp, path, ec);
    if (ec) {
      std::filesystem::remove(temp, ec);
      return IoError(fmt::format("{}: cannot store the evidence file", path.string()));
    }
    MT_RETURN_IF_ERROR(SyncDirectory(dir_ / "evidence"));
  }
  EvidenceItem item;
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    const std::string now = FormatIsoTime(Now());
    MT_RETURN_IF_ERROR(db_->Execute("INSERT INTO evidence (case_id, name, media_type, sha256, size, markings, "
                                    "uploaded_by, uploaded_at, verified_at, verification) VALUES "
                                    "(?,?,?,?,?,?,?,?,?,?)",
                                    {case_id, std::string(name), std::string(media_type), sha,
                                     static_cast<int64_t>(content.size()), FormatMarkings(markings),
                                     actor.user.id, now, now, std::string("ok")})
                           .status());
    MT_ASSIGN_OR_RETURN(item, LoadEvidence(db_->LastInsertId()));
    return Append(actor, case_id, fmt::format("evidence/{}", item.id), "create", "",
                  JsonText(EvidenceJournalJson(item)), "");
  }));
  return item;
}

Result<std::vector<EvidenceItem>> Workspace::ListEvidence(const Actor& actor, int64_t case_id) {
  MT_ASSIGN_OR_RETURN(CaseInfo c, VisibleCase(actor, case_id));
  MT_ASSIGN_OR_RETURN(SqlRows rows, db_->Query(fmt::format("SELECT {} WHERE e.case_id = ? ORDER BY e.id",
                                                           kEvidenceColumns),
                                               {case_id}));
  std::vector<EvidenceItem> out;
  for (const SqlRow& r : rows) {
    EvidenceItem e = EvidenceFromRow(r);
    if (CanSee(actor.user, c.access, c.markings, e.markings)) out.push_back(std::move(e));
  }
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    return Append(actor, case_id, fmt::format("case/{}/evidence", case_id), "read", "", "",
                  fmt::format("{} items shown", out.size()));
  }));
  return out;
}

Result<EvidenceItem> Workspace::GetEvidence(const Actor& actor, int64_t evidence_id) {
  const Status not_found = NotFoundError(fmt::format("evidence {}: not found", evidence_id));
  auto e = LoadEvidence(evidence_id);
  if (!e.ok()) return not_found;
  auto c = VisibleCase(actor, e->case_id);
  if (!c.ok() || !CanSee(actor.user, c->access, c->markings, e->markings)) return not_found;
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    return Append(actor, e->case_id, fmt::format("evidence/{}", evidence_id), "read", "", "", "");
  }));
  return e;
}

Result<EvidenceItem> Workspace::VerifyEvidence(const Actor& actor, int64_t evidence_id) {
  MT_ASSIGN_OR_RETURN(EvidenceItem before, GetEvidence(actor, evidence_id));
  MT_ASSIGN_OR_RETURN(CaseAccess access, AccessOf(actor.user.id, before.case_id));
  if (access < CaseAccess::kWrite) {
    return PermissionDeniedError(fmt::format("evidence {}: verifying needs write access", evidence_id));
  }
  MT_ASSIGN_OR_RETURN(std::string hash, HashStoredFile(EvidencePath(before.sha256)));
  const std::string result = hash.empty() ? "missing" : hash == before.sha256 ? "ok" : "mismatch";
  EvidenceItem after;
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    MT_RETURN_IF_ERROR(db_->Execute("UPDATE evidence SET verified_at = ?, verification = ? WHERE id = ?",
                                    {FormatIsoTime(Now()), result, evidence_id})
                           .status());
    MT_ASSIGN_OR_RETURN(after, LoadEvidence(evidence_id));
    return Append(actor, before.case_id, fmt::format("evidence/{}", evidence_id), "verify",
                  JsonText(EvidenceJournalJson(before)), JsonText(EvidenceJournalJson(after)), "");
  }));
  return after;
}

Result<std::string> Workspace::ReadEvidence(const Actor& actor, int64_t evidence_id, EvidenceItem& item) {
  const Status not_found = NotFoundError(fmt::format("evidence {}: not found", evidence_id));
  auto e = LoadEvidence(evidence_id);
  if (!e.ok()) return not_found;
  auto c = VisibleCase(actor, e->case_id);
  if (!c.ok() || !CanSee(actor.user, c->access, c->markings, e->markings)) return not_found;
  const std::filesystem::path path = EvidencePath(e->sha256);
  auto bytes = ReadFileToString(path);
  if (!bytes.ok()) {
    return DataLossError(fmt::format("evidence {}: the stored file {} cannot be read: {}", evidence_id,
                                     path.string(), bytes.status().message()));
  }
  if (Sha256Hex(*bytes) != e->sha256) {
    return DataLossError(fmt::format("evidence {}: the stored file {} no longer matches its SHA-256 {}",
                                     evidence_id, path.string(), e->sha256));
  }
  MT_RETURN_IF_ERROR(Journalled([&]() -> Status {
    return Append(actor, e->case_id, fmt::format("evidence/{}", evidence_id), "download", "", "",
                  fmt::format("{} bytes, sha256 {}", bytes->size(), e->sha256));
  }));
  item = std::move(*e);
  return std::move(*bytes);
}

}  // namespace moneytrail::workspace
