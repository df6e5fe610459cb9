// `moneytrail verify`: every check the store's format allows, collecting every problem.
#include <tbb/parallel_for.h>
#include <tbb/task_group.h>

#include <algorithm>
#include <array>
#include <system_error>

#include "checks.h"
#include "checksum.h"
#include "columns.h"
#include "moneytrail/file_util.h"
#include "moneytrail/store.h"
#include "moneytrail/store_verify.h"
#include "state.h"

namespace moneytrail::store {

using store_internal::Manifest;
using store_internal::Problem;
using store_internal::Problems;

std::string VerifyProblem::ToString() const {
  return Problem{file, offset, element, message}.ToString();
}

nlohmann::json VerifyReport::ToJson() const {
  nlohmann::json j;
  j["store"] = store;
  j["intact"] = intact();
  j["problems"] = nlohmann::json::array();
  for (const VerifyProblem& p : problems) {
    nlohmann::json e = {{"file", p.file}, {"message", p.message}};
    if (p.offset >= 0) e["offset"] = p.offset;
    if (!p.element.empty()) e["element"] = p.element;
    j["problems"].push_back(std::move(e));
  }
  j["notes"] = notes;
  j["files_checked"] = files_checked;
  j["bytes_checked"] = bytes_checked;
  return j;
}

namespace {

// What verify learnt about one source file at its recorded path.
struct SourceCheck {
  std::string note;  // why it could not be compared (" is not present; ..."), else empty
  uint64_t bytes = 0;
  std::string sha256;
};

SourceCheck CheckSource(const std::string& path) {
  SourceCheck c;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    c.note = " is not present; its recorded sha256 cannot be compared";
    return c;
  }
  Result<MappedFile> file = MappedFile::Open(path);
  if (!file.ok()) {
    c.note = " cannot be read: " + std::string(file.status().message());
    return c;
  }
  // In 4 MiB pieces, each mapped with one call (MADV_POPULATE_READ) rather than a fault per page.
  constexpr size_t kPiece = 4 << 20;
  const std::string_view view = file->view();
  Sha256Stream sha;
  for (size_t at = 0; at < view.size(); at += kPiece) {
    const std::string_view piece = view.substr(at, kPiece);
    PrefaultRange(piece.data(), piece.size());
    sha.Update(piece);
  }
  c.bytes = view.size();
  c.sha256 = sha.Finish();
  return c;
}

}  // namespace

Result<VerifyReport> VerifyStore(const std::filesystem::path& dir) {
  VerifyReport report;
  report.store = dir.string();
  Problems problems;
  problems.limit = 1000;
  auto finish = [&] {
    for (Problem& p : problems.list) {
      report.problems.push_back({std::move(p.file), p.offset, std::move(p.element),
                                 std::move(p.message)});
    }
    if (problems.more > 0) {
      report.problems.push_back({"", -1, "", std::to_string(problems.more) + " more problems"});
    }
    return report;
  };
  std::error_code ec;
  const std::filesystem::path manifest_path = dir / store_internal::kManifestName;
  if (!std::filesystem::exists(manifest_path, ec)) {
    return store_internal::ReadManifest(dir, nullptr).status();
  }
  MT_ASSIGN_OR_RETURN(std::string raw, ReadFileToString(manifest_path));
  ++report.files_checked;
  report.bytes_checked += raw.size();
  Result<Manifest> parsed = store_internal::ParseManifest(store_internal::kManifestName, raw,
                                                          /*check_self=*/false);
  if (!parsed.ok()) {
    if (parsed.status().code() != StatusCode::kDataLoss) return parsed.status();
    problems.Add({store_internal::kManifestName, -1, "", std::string(parsed.status().message())});
    return finish();
  }
  const Manifest& m = *parsed;
  if (m.version >= kStoreFormatVersionWithChecksums && !m.self_checked) {
    problems.Add({store_internal::kManifestName, -1, "manifest_checksum",
                  "the manifest's SHA-256 differs from the one it records (altered or damaged)"});
  } else if (m.version < kStoreFormatVersionWithChecksums) {
    report.notes.push_back("MANIFEST: format version " + std::to_string(m.version) +
                           ", written before checksums: the manifest and the files of its "
                           "segments are unchecked (sizes, ids and custody are checked)");
  }
  store_internal::CheckManifest(m, problems);
  // The sources still at their recorded paths are hashed on the pool while the store's files are
  // checked below (the largest source alone is a single SHA-256 stream: started first, it
  // overlaps the rest); their outcomes are reported after, in source order.
  std::vector<SourceCheck> source_checks(m.sources.size());
  tbb::task_group sources;
  for (size_t i = 0; i < m.sources.size(); ++i) {
    sources.run([&, i] { source_checks[i] = CheckSource(m.sources[i].path); });
  }
  // Every file's size, block CRCs and SHA-256, on the TBB pool; problems in file order.
  store_internal::CheckSegmentFilesFully(dir, m, problems, report.files_checked,
                                         report.bytes_checked);
  for (const auto& seg : m.segments) {
    const std::string prefix = "segments/" + seg.name + "/";
    if (seg.checksums.empty() && !seg.file_bytes.empty()) {
      report.notes.push_back(prefix + ": written before checksums (format < 4): its " +
                             std::to_string(seg.file_bytes.size()) +
                             " files are checked for size only");
    }
    for (const auto& entry : std::filesystem::directory_iterator(dir / "segments" / seg.name, ec)) {
      if (!seg.file_bytes.count(entry.path().filename().string())) {
        report.notes.push_back(prefix + entry.path().filename().string() +
                               ": not named by the manifest (ignored by readers)");
      }
    }
  }
  // Withdrawn sources: custody of the withdrawal, and the kept previous generation (its own
  // files are checked by `verify STORE/history/gen-N`).
  for (const WithdrawalRecord& w : m.withdrawals) {
    std::string note = "withdrawn: " + w.source.path + " (sha256 " + w.source.sha256 + ") at " +
                       w.withdrawn_at + " by " + (w.by.empty() ? "(not named)" : w.by) + ": " +
                       std::to_string(w.transactions_removed) + " transactions removed; reason: " +
                       w.reason;
    if (w.history.empty()) {
      note += "; previous generation not kept";
    } else if (std::filesystem::exists(dir / w.history / store_internal::kManifestName, ec)) {
      note += "; previous generation " + std::to_string(w.previous_generation) + " in " + w.history;
    } else {
      note += "; previous generation " + std::to_string(w.previous_generation) + " was kept in " +
              w.history + ", which is no longer there";
    }
    report.notes.push_back(note);
  }
  if (m.holders) {
    store_internal::CheckHoldersFiles(dir, m, problems);
    for (const HoldersFile& f : m.holders->files) {
      ++report.files_checked;
      report.bytes_checked += f.bytes;
    }
  }
  // Ids against dictionaries and the value ranges: Store::Open's checks, once the files are
  // known intact (a damaged file is already named above); the columns on the pool.
  if (problems.list.empty()) {
    Result<Store> s = Store::Open(dir, {.columns = ColumnSet(), .check_block_crcs = false});
    if (!s.ok()) {
      problems.Add({"", -1, "", std::string(s.status().message())});
    } else {
      std::array<Status, kColumnCount> checked;
      tbb::parallel_for(0, kColumnCount, [&](int c) {
        checked[c] = s->CheckColumns({static_cast<Column>(c)});
      });
      for (const Status& st : checked) {
        if (!st.ok()) {
          problems.Add({"", -1, "", std::string(st.message())});
          break;
        }
      }
    }
  }
  sources.wait();
  for (size_t i = 0; i < m.sources.size(); ++i) {
    const SourceRecord& s = m.sources[i];
    const SourceCheck& c = source_checks[i];
    const std::string element = "source " + std::to_string(s.index);
    if (!c.note.empty()) {
      report.notes.push_back(element + ": " + s.path + c.note);
      continue;
    }
    ++report.files_checked;
    report.bytes_checked += c.bytes;
    if (c.sha256 != s.sha256 || c.bytes != s.bytes) {
      problems.Add({store_internal::kManifestName, -1, element,
                    s.path + " now has " + std::to_string(c.bytes) + " bytes, sha256 " +
                        c.sha256 + "; the custody record has " + std::to_string(s.bytes) +
                        " bytes, sha256 " + s.sha256 + " (the source changed since its ingest)"});
    }
  }
  return finish();
}

}  // namespace moneytrail::store
