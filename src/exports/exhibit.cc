// Writing and reproducing exhibit packs (moneytrail/exhibit.h, docs/exhibits.md).
#include "moneytrail/exhibit.h"

#include <fmt/format.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <map>
#include <optional>
#include <set>

#include "exports/case_text.h"
#include "moneytrail/case_report.h"
#include "moneytrail/csv.h"
#include "moneytrail/report_excerpt.h"
#include "moneytrail/file_util.h"
#include "moneytrail/json_text.h"
#include "moneytrail/safe_text.h"
#include "moneytrail/store.h"
#include "moneytrail/text_diff.h"
#include "moneytrail/time_format.h"
#include "moneytrail/version.h"
#include "exports/exhibit_analysis.h"

namespace moneytrail::exhibit {
namespace {

namespace fs = std::filesystem;
using exports::SplitSpaces;
using exports::Unneutralised;
using Json = nlohmann::ordered_json;
using exhibit_internal::AnalysisFile;
using exhibit_internal::ExhibitConfig;

constexpr const char* kManifest = "MANIFEST.json";
constexpr const char* kSignature = "MANIFEST.sig";
constexpr const char* kConfig = "exhibit.json";
constexpr const char* kCertification = "certification-902-14.txt";
constexpr const char* kCaseCustody = "case-custody.json";
constexpr const char* kCaseDecisions = "case-exclusions.csv";

std::string Hex(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes) out += fmt::format("{:02x}", c);
  return out;
}

std::string Unhex(std::string_view hex) {
  std::string out;
  if (hex.size() % 2 != 0) return out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    unsigned v = 0;
    for (size_t k = 0; k < 2; ++k) {
      const char c = hex[i + k];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f') v |= static_cast<unsigned>(c - 'a' + 10);
      else return "";
    }
    out += static_cast<char>(v);
  }
  return out;
}

// A scratch directory removed when this goes out of scope.
class ScratchDir {
 public:
  static Result<ScratchDir> Make() {
    std::string templ = (fs::temp_directory_path() / "moneytrail-exhibit-XXXXXX").string();
    if (mkdtemp(templ.data()) == nullptr) return ErrnoError("cannot create a scratch directory", errno);
    return ScratchDir(templ);
  }
  ScratchDir(ScratchDir&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
  ScratchDir& operator=(ScratchDir&&) = delete;
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  explicit ScratchDir(fs::path p) : path_(std::move(p)) {}
  fs::path path_;
};

struct Subject {
  std::string holder;
  std::vector<std::string> accounts;
  uint32_t rank = 0;  // in the case's ranking; the report shows the top subjects' sections
};


// The subject's accounts from the case's subjects.csv (by subject id or rank).
Result<Subject> SubjectFromCase(const fs::path& case_dir, const std::string& wanted) {
  const fs::path path = case_dir / "subjects.csv";
  MT_ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  CsvRecordReader reader(StripBom(text), CsvDialect{});
  std::vector<std::string_view> f;
  if (!reader.Next(f)) return InvalidArgumentError(path.string() + ": empty");
  auto col = [&](std::string_view name) -> int {
    for (size_t k = 0; k < f.size(); ++k) {
      if (f[k] == name) return static_cast<int>(k);
    }
    return -1;
  };
  const int rank = col("rank"), subject = col("subject"), holder = col("holder"),
            accounts = col("accounts");
  if (rank < 0 || subject < 0 || holder < 0 || accounts < 0) {
    return InvalidArgumentError(path.string() +
                                ": line 1: expected columns rank, subject, holder, accounts");
  }
  std::vector<std::string> known;
  while (reader.Next(f)) {
    if (static_cast<int>(f.size()) <= accounts) continue;
    // A holder or subject written with a leading "'" was neutralised against formulas.
    if (Unneutralised(f[subject]) == wanted || f[rank] == wanted) {
      const uint32_t r = static_cast<uint32_t>(std::strtoul(std::string(f[rank]).c_str(), nullptr, 10));
      return Subject{Unneutralised(f[holder]), SplitSpaces(f[accounts]), r};
    }
    if (known.size() < 5) known.push_back(Unneutralised(f[subject]));
  }
  return InvalidArgumentError(fmt::format(
      "--subject '{}': no such subject or rank in {} (subjects include: {})", Abbreviate(wanted),
      path.string(), fmt::join(known, ", ")));
}

int64_t CreationTime(int64_t given) {
  if (given > 0) return given;
  if (const char* e = std::getenv("SOURCE_DATE_EPOCH"); e != nullptr && *e != '\0') {
    char* end = nullptr;
    const long long v = std::strtoll(e, &end, 10);
    if (end != e && *end == '\0' && v > 0) return v;
  }
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Certification(const ExhibitConfig& c, const store::Store& store,
                          const std::vector<std::pair<std::string, std::string>>& files,
                          size_t case_decisions) {
  std::string out = fmt::format(
      "CERTIFICATION OF DATA COPIED FROM AN ELECTRONIC DEVICE, STORAGE MEDIUM, OR FILE\n"
      "(Federal Rule of Evidence 902(14)) - TEMPLATE, to be completed and adapted by counsel\n\n"
      "Exhibit number: {}\n"
      "Subject: {}{}\n"
      "Accounts: {}\n\n"
      "I, ______________________ [name], declare:\n\n"
      "1. I am employed by ______________________ [agency] as ______________________ [title],\n"
      "   and I am qualified by training and experience to make this certification.\n"
      "2. The files listed below were produced by moneytrail version {} from the records\n"
      "   listed under \"Source records\", as ingested into the store {}\n"
      "   (manifest SHA-256 {}), on {} UTC{}.\n"
      "3. Method: each file's SHA-256 digest (FIPS 180-4) was computed when the file was written\n"
      "   and is listed below and in MANIFEST.json, which is signed with Ed25519 (RFC 8032); the\n"
      "   signature is in MANIFEST.sig. The source records' digests were computed when they were\n"
      "   ingested and recorded in the store's custody record. `moneytrail reproduce` verifies\n"
      "   the signature and every digest and re-runs the analysis from the store and the\n"
      "   configuration (exhibit.json); a matching digest shows the copy is identical to the\n"
      "   original.\n"
      "4. Manual inclusions and exclusions made in preparing the schedules: {} (each with who,\n"
      "   when and why in adjustments.csv){}.\n\n"
      "Files of this exhibit (SHA-256):\n",
      c.exhibit_number, c.subject, c.holder.empty() ? "" : " (" + c.holder + ")",
      fmt::join(c.accounts, ", "), c.engine_version, c.store, c.store_manifest_sha256,
      FormatIsoTime(c.created), c.preparer.empty() ? "" : ", prepared by " + c.preparer,
      c.adjustments.size(),
      case_decisions == 0 ? std::string()
                          : fmt::format("; of alerts in the case's ranking: {} (in case-exclusions.csv)",
                                        case_decisions));
  for (const auto& [name, sha] : files) out += fmt::format("  {}  {}\n", sha, name);
  out += "\nSource records (SHA-256 at ingest):\n";
  for (const store::SourceRecord& s : store.sources()) {
    out += fmt::format("  {}  {} ({} bytes, {} rows read, {} accepted, {} rejected)\n", s.sha256,
                       s.path, s.bytes, s.rows_read, s.rows_accepted, s.rows_rejected);
  }
  out +=
      "\nI declare under penalty of perjury that the foregoing is true and correct.\n\n"
      "Executed on ______________ [date] at ______________________ [place].\n\n"
      "______________________________ [signature]\n";
  return out;
}

// The subject's part of the case's report, printed: its section of report.html (the report
// shows its top subjects in rank order), stamped with the exhibit number and numbered "Page N
// of M" within the exhibit. A warning, and no PDF, when the report has no section for it or no
// browser can print it.
std::optional<std::string> SubjectPdf(const fs::path& case_dir, uint32_t rank, const ExhibitConfig& c,
                                      const fs::path& scratch, std::vector<std::string>& warnings) {
  Result<std::string> html = ReadFileToString(case_dir / "report.html");
  if (!html.ok()) {
    warnings.push_back("no exhibit.pdf: the case has no readable report.html");
    return std::nullopt;
  }
  const std::string heading =
      fmt::format("Exhibit {}: {}{}", c.exhibit_number, c.subject, c.holder.empty() ? "" : " (" + c.holder + ")");
  Result<std::string> excerpt = report::SubjectExcerptHtml(*html, rank, c.exhibit_number, heading);
  if (!excerpt.ok()) {
    warnings.push_back("no exhibit.pdf: " + std::string(excerpt.status().message()));
    return std::nullopt;
  }
  if (Status s = WriteFileDurably(scratch / "exhibit.html", *excerpt); !s.ok()) {
    warnings.push_back("no exhibit.pdf: " + s.ToString());
    return std::nullopt;
  }
  Result<report::PdfInfo> pdf = report::PrintPdf(scratch / "exhibit.html", scratch / "exhibit.pdf", {});
  if (!pdf.ok()) {
    warnings.push_back("no exhibit.pdf: " + pdf.status().ToString());
    return std::nullopt;
  }
  Result<std::string> bytes = ReadFileToString(scratch / "exhibit.pdf");
  if (!bytes.ok()) {
    warnings.push_back("no exhibit.pdf: " + bytes.status().ToString());
    return std::nullopt;
  }
  return std::move(*bytes);
}

}  // namespace

Result<ExhibitResult> WriteExhibit(const ExhibitOptions& o) {
  ExhibitConfig config;
  config.engine_version = kVersion;
  config.subject = o.subject;
  config.exhibit_number = o.exhibit_number.empty() ? "1" : o.exhibit_number;
  config.preparer = o.preparer;
  config.created = CreationTime(o.created);
  fs::path store_dir = o.source;
  std::error_code ec;
  const bool is_case = fs::exists(o.source / "custody.json", ec);
  std::string custody_text;
  std::string case_decisions = "alert_id,action,who,when,why\n";
  size_t case_decision_count = 0;
  if (is_case) {
    MT_ASSIGN_OR_RETURN(custody_text, ReadFileToString(o.source / "custody.json"));
    Json custody = Json::parse(custody_text, nullptr, false);
    if (!custody.is_object() || !custody.contains("store") || !custody["store"].is_object() ||
        !custody["store"].contains("dir") || !custody["store"]["dir"].is_string()) {
      return InvalidArgumentError((o.source / "custody.json").string() +
                                  ": key 'store.dir': expected the case's store directory");
    }
    store_dir = custody["store"]["dir"].get<std::string>();
    config.case_dir = fs::absolute(o.source).lexically_normal().string();
    // The case's manual exclusions and inclusions of alerts, as its custody records them.
    if (custody.contains("manual_exclusions") && custody["manual_exclusions"].is_array()) {
      for (const Json& e : custody["manual_exclusions"]) {
        if (!e.is_object()) continue;
        bool first = true;
        for (const char* key : {"alert_id", "action", "who", "when", "why"}) {
          if (!first) case_decisions += ',';
          first = false;
          AppendSpreadsheetCsvField(e.value(key, std::string(key) == "action" ? "exclude" : ""),
                                    case_decisions);
        }
        case_decisions += '\n';
        ++case_decision_count;
      }
    }
  }
  MT_ASSIGN_OR_RETURN(store::Store store, store::Store::Open(store_dir));
  config.store = fs::absolute(store.dir()).lexically_normal().string();
  config.store_manifest_sha256 = store.manifest_sha256();
  uint32_t case_rank = 0;
  if (is_case) {
    Result<Subject> s = SubjectFromCase(o.source, o.subject);
    if (s.ok()) {
      config.holder = s->holder;
      config.accounts = s->accounts;
      case_rank = s->rank;
    } else if (o.subject.find(':') == std::string::npos) {
      return s.status();
    }
  }
  if (config.accounts.empty()) config.accounts = SplitSpaces(o.subject);
  if (config.accounts.empty()) return InvalidArgumentError("--subject: empty");
  if (!o.adjustments.empty()) {
    MT_ASSIGN_OR_RETURN(std::string text, ReadFileToString(o.adjustments));
    MT_ASSIGN_OR_RETURN(config.adjustments,
                        exhibit_internal::ReadAdjustments(text, o.adjustments.string(),
                                                          store.transaction_count()));
  }
  if (fs::exists(o.out, ec) && !(fs::is_directory(o.out, ec) && fs::is_empty(o.out, ec))) {
    return FailedPreconditionError(fmt::format(
        "--out {}: exists and is not an empty directory (an exhibit pack is never overwritten)",
        o.out.string()));
  }
  const fs::path key_path = o.key.empty() ? DefaultKeyPath() : o.key;
  ExhibitResult result;
  result.out = o.out;
  result.key = key_path;
  result.key_created = !fs::exists(key_path, ec);
  MT_ASSIGN_OR_RETURN(SigningKey key, LoadOrCreateKey(key_path));
  result.fingerprint = Fingerprint(key.public_key);

  MT_ASSIGN_OR_RETURN(ScratchDir scratch, ScratchDir::Make());
  MT_ASSIGN_OR_RETURN(std::vector<AnalysisFile> files,
                      exhibit_internal::RunAnalysis(store, config, scratch.path(), result.warnings));
  std::vector<AnalysisFile> frozen;
  frozen.push_back({kConfig, exhibit_internal::ConfigJson(config),
                    "the configuration: store, its manifest SHA-256, subject, accounts, manual "
                    "adjustments, engine version, creation time"});
  if (is_case) {
    frozen.push_back({kCaseCustody, custody_text,
                      "the case's custody.json: its store, configuration and manual exclusions, "
                      "from which `reproduce` runs the investigation's stages again"});
    frozen.push_back({kCaseDecisions, case_decisions,
                      "every manual exclusion or inclusion of an alert in the case, with who, when "
                      "and why"});
  }
  if (is_case && case_rank > 0) {
    if (std::optional<std::string> pdf = SubjectPdf(o.source, case_rank, config, scratch.path(), result.warnings)) {
      frozen.push_back({"exhibit.pdf", std::move(*pdf),
                        "the subject's part of the case report, printed, every page stamped with "
                        "the exhibit number and 'Page N of M' (frozen: verified by hash, not re-run)"});
    }
  } else if (is_case) {
    result.warnings.push_back("no exhibit.pdf: the subject is not a ranked subject of the case");
  }
  result.schedule_lines = 0;
  for (const AnalysisFile& f : files) {
    if (f.name == "schedule.csv") {
      result.schedule_lines = static_cast<uint64_t>(std::count(f.bytes.begin(), f.bytes.end(), '\n')) - 1;
    }
  }
  std::vector<std::pair<std::string, std::string>> hashes;
  for (const AnalysisFile& f : frozen) hashes.emplace_back(f.name, Sha256Hex(f.bytes));
  for (const AnalysisFile& f : files) hashes.emplace_back(f.name, Sha256Hex(f.bytes));
  frozen.push_back({kCertification, Certification(config, store, hashes, case_decision_count),
                    "FRE 902(14) certification template: files, hashes and method"});

  // Written under a temporary sibling, renamed into place when complete.
  const fs::path out_abs = fs::absolute(o.out).lexically_normal();
  const fs::path temp = out_abs.parent_path() / fmt::format(".{}.tmp-{}", out_abs.filename().string(), getpid());
  fs::remove_all(temp, ec);
  MT_RETURN_IF_ERROR(CreateDirectoriesDurably(temp));
  Json manifest;
  manifest["record"] = "moneytrail-exhibit-manifest";
  manifest["engine_version"] = kVersion;
  manifest["exhibit_number"] = config.exhibit_number;
  manifest["subject"] = config.subject;
  manifest["store_manifest_sha256"] = config.store_manifest_sha256;
  manifest["public_key"] = Hex(key.public_key);
  manifest["fingerprint"] = result.fingerprint;
  Json list = Json::array();
  auto add = [&](const AnalysisFile& f, bool reproduced) -> Status {
    MT_RETURN_IF_ERROR(WriteFileDurably(temp / f.name, f.bytes));
    list.push_back({{"name", f.name}, {"sha256", Sha256Hex(f.bytes)}, {"bytes", f.bytes.size()},
                    {"reproduced", reproduced}, {"what", f.what}});
    result.files.push_back(f.name);
    return Status::Ok();
  };
  for (const AnalysisFile& f : frozen) MT_RETURN_IF_ERROR(add(f, false));
  for (const AnalysisFile& f : files) MT_RETURN_IF_ERROR(add(f, true));
  manifest["files"] = std::move(list);
  const std::string manifest_text = JsonText(manifest, 2) + "\n";
  MT_RETURN_IF_ERROR(WriteFileDurably(temp / kManifest, manifest_text));
  MT_RETURN_IF_ERROR(WriteFileDurably(temp / kSignature, Hex(Sign(key, manifest_text)) + "\n"));
  if (fs::exists(out_abs, ec)) fs::remove(out_abs, ec);  // the empty directory checked above
  fs::rename(temp, out_abs, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove_all(temp, ignored);
    return IoError(fmt::format("--out {}: cannot move the pack into place: {}", o.out.string(), ec.message()));
  }
  MT_RETURN_IF_ERROR(SyncDirectory(out_abs.parent_path()));
  return result;
}

std::string ReproduceResult::Text() const {
  std::string out;
  out += fmt::format("signature: {} (key {})\n", signature_valid ? "valid" : "INVALID", fingerprint);
  out += fmt::format("files checked against the signed manifest: {}, tampered: {}\n", files_checked,
                     tampered.size());
  for (const Difference& d : tampered) out += fmt::format("  TAMPERED {}: {}\n", d.file, d.what);
  out += fmt::format("files re-run from the store and configuration: {}, differing: {}\n",
                     files_reproduced, differences.size());
  if (case_files_compared > 0) {
    out += fmt::format("case files re-run through the investigation's stages: {}\n", case_files_compared);
  }
  for (const Difference& d : differences) out += fmt::format("  DIFFERS {}: {}\n", d.file, d.what);
  for (const std::string& n : notes) out += "  note: " + n + "\n";
  out += identical() ? "result: byte-identical\n" : "result: NOT reproduced\n";
  return out;
}

Result<ReproduceResult> Reproduce(const fs::path& dir, const CaseRerunner& rerun_case) {
  ReproduceResult r;
  MT_ASSIGN_OR_RETURN(std::string manifest_text, ReadFileToString(dir / kManifest));
  Json manifest = Json::parse(manifest_text, nullptr, false);
  if (!manifest.is_object() || manifest.value("record", std::string()) != "moneytrail-exhibit-manifest" ||
      !manifest.contains("files") || !manifest["files"].is_array()) {
    return DataLossError((dir / kManifest).string() + ": not an exhibit manifest");
  }
  const std::string public_key = Unhex(manifest.value("public_key", std::string()));
  r.fingerprint = Fingerprint(public_key);
  Result<std::string> sig_text = ReadFileToString(dir / kSignature);
  std::string sig = sig_text.ok() ? *sig_text : "";
  while (!sig.empty() && (sig.back() == '\n' || sig.back() == '\r')) sig.pop_back();
  r.signature_valid = Verify(public_key, manifest_text, Unhex(sig));
  if (!r.signature_valid) {
    r.tampered.push_back({kManifest, sig_text.ok() ? "the signature in MANIFEST.sig does not verify"
                                                    : "MANIFEST.sig is missing"});
  }
  std::set<std::string> listed = {kManifest, kSignature};
  std::map<std::string, std::string> pack_bytes;
  std::set<std::string> reproduced_names;
  for (const Json& f : manifest["files"]) {
    const std::string name = f.value("name", std::string());
    listed.insert(name);
    ++r.files_checked;
    if (f.value("reproduced", false)) reproduced_names.insert(name);
    if (name.empty() || name.find('/') != std::string::npos || name.starts_with(".")) {
      r.tampered.push_back({name, "not a plain file name"});
      continue;
    }
    Result<std::string> bytes = ReadFileToString(dir / name);
    if (!bytes.ok()) {
      r.tampered.push_back({name, "missing"});
      continue;
    }
    const std::string sha = Sha256Hex(*bytes);
    if (sha != f.value("sha256", std::string())) {
      r.tampered.push_back({name, fmt::format("SHA-256 {} differs from the signed manifest's {}",
                                              sha, f.value("sha256", std::string()))});
    }
    if (name.ends_with(".pdf")) r.notes.push_back(name + " is frozen: checked by hash, not re-run");
    pack_bytes[name] = std::move(*bytes);
  }
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (!listed.count(name)) r.tampered.push_back({name, "not listed in the signed manifest"});
  }
  auto config_it = pack_bytes.find(kConfig);
  if (config_it == pack_bytes.end()) {
    return DataLossError((dir / kConfig).string() + ": missing: nothing names what to re-run");
  }
  MT_ASSIGN_OR_RETURN(ExhibitConfig config,
                      exhibit_internal::ParseConfig(config_it->second, (dir / kConfig).string()));
  MT_ASSIGN_OR_RETURN(store::Store store, store::Store::Open(config.store));
  if (store.manifest_sha256() != config.store_manifest_sha256) {
    r.differences.push_back({"store", fmt::format("{}: manifest SHA-256 is now {}, the pack "
                                                  "analysed {}", config.store,
                                                  store.manifest_sha256(), config.store_manifest_sha256)});
  }
  if (config.engine_version != kVersion) {
    r.notes.push_back(fmt::format("the pack was made by moneytrail {}; this is {}",
                                  config.engine_version, kVersion));
  }
  MT_ASSIGN_OR_RETURN(ScratchDir scratch, ScratchDir::Make());
  std::vector<std::string> warnings;
  Result<std::vector<AnalysisFile>> files =
      exhibit_internal::RunAnalysis(store, config, scratch.path(), warnings);
  if (!files.ok()) {
    r.differences.push_back({kConfig, "the analysis does not run: " + std::string(files.status().message())});
    return r;
  }
  for (const std::string& w : warnings) r.notes.push_back(w);
  for (const AnalysisFile& f : *files) {
    ++r.files_reproduced;
    reproduced_names.erase(f.name);
    auto it = pack_bytes.find(f.name);
    if (it == pack_bytes.end()) {
      r.differences.push_back({f.name, "the re-run writes it; the pack does not hold it"});
    } else if (it->second != f.bytes) {
      r.differences.push_back({f.name, report::FirstDifference(f.name, it->second, f.bytes)});
    }
  }
  for (const std::string& name : reproduced_names) {
    r.differences.push_back({name, "in the pack but not written by the re-run"});
  }
  // The case's investigation, through its stages, from the case's own record.
  if (auto it = pack_bytes.find(kCaseCustody); it != pack_bytes.end()) {
    if (!rerun_case) {
      r.notes.push_back(std::string(kCaseCustody) + ": the case's investigation is not re-run here");
    } else {
      Result<std::vector<Difference>> differing = rerun_case(it->second, config.case_dir, r.notes, r.case_files_compared);
      if (!differing.ok()) {
        r.differences.push_back({kCaseCustody, "the case's investigation does not run: " +
                                                   differing.status().ToString()});
      } else {
        for (Difference& d : *differing) r.differences.push_back({"case/" + d.file, std::move(d.what)});
      }
    }
  }
  return r;
}

}  // namespace moneytrail::exhibit
