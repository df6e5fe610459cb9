#include "outputs.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>

#include "moneytrail/csv.h"
#include "moneytrail/file_util.h"
#include "moneytrail/json_text.h"
#include "moneytrail/safe_text.h"
#include "moneytrail/statement_checks.h"
#include "moneytrail/time_format.h"
#include "moneytrail/version.h"

namespace moneytrail::cases {

namespace fs = std::filesystem;

ProtectedPaths EvidencePaths(const store::Store& store) {
  ProtectedPaths p;
  p.dirs.push_back(store.dir());
  p.dir_marker = "MANIFEST";
  for (const store::SourceRecord& s : store.sources()) p.files.emplace_back(s.path);
  if (const store::HoldersRecord* h = store.holders()) {
    for (const store::HoldersFile& f : h->files) {
      if (!f.source.empty()) p.files.emplace_back(f.source);
    }
  }
  return p;
}

namespace {

std::string OldName(const fs::path& final_dir, long pid) {
  return fmt::format(".{}.old-{}", final_dir.filename().string(), pid);
}

// A stale ".NAME.old-PID" beside `final_dir` is a previous case moved aside by a run that died
// before removing it: put it back when the case itself is missing, else remove it (the new case
// was published with the old one's foreign files linked in).
void RecoverStaleOldCases(const fs::path& final_dir) {
  const std::string prefix = "." + final_dir.filename().string() + ".old-";
  std::error_code ec;
  for (fs::directory_iterator it(final_dir.parent_path(), ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
    char* end_ptr = nullptr;
    const long pid = std::strtol(name.c_str() + prefix.size(), &end_ptr, 10);
    if (*end_ptr != '\0' || ProcessAlive(pid)) continue;
    std::error_code e;
    if (!fs::exists(final_dir, e)) {
      fs::rename(it->path(), final_dir, e);
    } else {
      fs::remove_all(it->path(), e);
    }
  }
}

}  // namespace

Result<std::vector<std::string>> ForeignCaseFiles(const fs::path& final_dir) {
  std::error_code ec;
  std::vector<std::string> foreign;
  if (!fs::exists(fs::symlink_status(final_dir, ec))) return foreign;
  if (!fs::is_directory(final_dir, ec)) {
    return FailedPreconditionError(fmt::format("{} exists and is not a directory", Abbreviate(final_dir.string())));
  }
  if (fs::is_empty(final_dir, ec)) return foreign;
  const auto not_a_case = [&](std::string_view why) {
    return FailedPreconditionError(fmt::format(
        "{} exists, is not empty and {}: not a case directory written by moneytrail; refusing to "
        "replace it (name a new or empty directory)",
        Abbreviate(final_dir.string()), why));
  };
  Result<std::string> text = ReadFileToString(final_dir / "custody.json");
  if (!text.ok()) return not_a_case("holds no readable custody.json");
  nlohmann::json custody = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!custody.is_object() || custody.value("record", std::string()) != "moneytrail-case" ||
      !custody.contains("outputs") || !custody["outputs"].is_array()) {
    return not_a_case("its custody.json is not a moneytrail case record");
  }
  std::set<std::string> written = {"custody.json"};
  for (const nlohmann::json& o : custody["outputs"]) {
    if (o.is_object() && o.contains("path") && o["path"].is_string()) written.insert(o["path"].get<std::string>());
  }
  for (fs::recursive_directory_iterator it(final_dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) continue;
    const std::string relative = it->path().lexically_relative(final_dir).generic_string();
    if (written.count(relative) == 0) foreign.push_back(relative);
  }
  if (ec) return IoError(fmt::format("cannot list {}: {}", Abbreviate(final_dir.string()), ec.message()));
  std::sort(foreign.begin(), foreign.end());
  return foreign;
}

Result<CaseWriter> CaseWriter::Begin(const fs::path& final_dir) {
  RemoveStaleTemporaries(final_dir, ".tmp-");
  RecoverStaleOldCases(final_dir);
  const fs::path tmp =
      final_dir.parent_path() / fmt::format(".{}.tmp-{}", final_dir.filename().string(), ::getpid());
  std::error_code ec;
  fs::remove_all(tmp, ec);
  CaseWriter writer(final_dir, tmp);  // from here on, the destructor removes tmp
  MT_RETURN_IF_ERROR(CreateDirectoriesDurably(final_dir.parent_path()));
  fs::create_directories(tmp / "trails", ec);
  if (ec) return IoError(fmt::format("cannot create {}: {}", tmp.string(), ec.message()));
  return writer;
}

CaseWriter::CaseWriter(CaseWriter&& other) noexcept
    : final_dir_(std::move(other.final_dir_)),
      dir_(std::move(other.dir_)),
      outputs_(std::move(other.outputs_)),
      published_(other.published_) {
  other.published_ = true;  // the moved-from writer owns no directory
}

CaseWriter::~CaseWriter() {
  if (published_ || dir_.empty()) return;
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

Status CaseWriter::Write(const std::string& relative, std::string_view contents, std::string what) {
  MT_RETURN_IF_ERROR(WriteFileDurably(dir_ / relative, contents));
  outputs_.push_back({relative, std::move(what), Sha256Hex(contents), contents.size()});
  return Status::Ok();
}

Status CaseWriter::Record(const std::string& relative, std::string what) {
  MT_ASSIGN_OR_RETURN(std::string bytes, ReadFileToString(dir_ / relative));
  outputs_.push_back({relative, std::move(what), Sha256Hex(bytes), bytes.size()});
  return Status::Ok();
}

Status CaseWriter::Publish() {
  std::error_code ec;
  // Keep what the previous case directory holds that moneytrail did not write.
  MT_ASSIGN_OR_RETURN(std::vector<std::string> foreign, ForeignCaseFiles(final_dir_));
  for (const std::string& relative : foreign) {
    const fs::path to = dir_ / relative;
    if (fs::exists(fs::symlink_status(to, ec))) {
      return FailedPreconditionError(fmt::format(
          "{} holds {}, which moneytrail did not write, at the path of a new output: refusing to "
          "replace it (move it away and re-run)",
          Abbreviate(final_dir_.string()), Abbreviate(relative)));
    }
  }
  for (const std::string& relative : foreign) {
    const fs::path from = final_dir_ / relative, to = dir_ / relative;
    fs::create_directories(to.parent_path(), ec);
    fs::create_hard_link(from, to, ec);
    if (ec) fs::copy(from, to, fs::copy_options::copy_symlinks, ec);
    if (ec) {
      return IoError(fmt::format("cannot keep {} (not written by moneytrail) in the new case: {}",
                                 Abbreviate((final_dir_ / relative).string()), ec.message()));
    }
  }
  MT_RETURN_IF_ERROR(SyncDirectory(dir_));
  fs::path old;
  if (fs::exists(final_dir_, ec)) {
    old = final_dir_.parent_path() / OldName(final_dir_, ::getpid());
    fs::remove_all(old, ec);
    fs::rename(final_dir_, old, ec);
    if (ec) return IoError(fmt::format("cannot move {} aside: {}", final_dir_.string(), ec.message()));
  }
  fs::rename(dir_, final_dir_, ec);
  if (ec) {
    if (!old.empty()) {
      std::error_code back;
      fs::rename(old, final_dir_, back);
    }
    return IoError(fmt::format("cannot rename {} to {}: {}", dir_.string(), final_dir_.string(),
                               ec.message()));
  }
  published_ = true;
  MT_RETURN_IF_ERROR(SyncDirectory(final_dir_.parent_path()));
  if (!old.empty()) fs::remove_all(old, ec);
  return Status::Ok();
}

std::string MoneyText(const report::Money& m) {
  return FormatDecimalGrouped(m.amount) + " " + m.currency;
}

std::string MoneyListText(const std::vector<report::Money>& list) {
  if (list.empty()) return "0";
  std::string out;
  for (const report::Money& m : list) {
    if (!out.empty()) out += " + ";
    out += MoneyText(m);
  }
  return out;
}

std::string SubjectsCsv(const std::vector<SubjectRow>& rows) {
  std::string out =
      "rank,subject,holder,tier,rule_points,high_rules,flow_points,pattern_points,report_points,"
      "model_probability,alerts,rules,pattern_instances,transactions,flagged_in,flagged_out,"
      "accounts,related_parties,reasons\n";
  for (const SubjectRow& r : rows) {
    std::string rules, accounts, related;
    for (const std::string& id : r.rules) rules += (rules.empty() ? "" : " ") + id;
    for (const std::string& a : r.accounts) accounts += (accounts.empty() ? "" : " ") + a;
    for (const std::string& a : r.related_parties) related += (related.empty() ? "" : " ") + a;
    out += fmt::format("{},", r.rank);
    AppendSpreadsheetCsvField(r.subject, out);
    out += ',';
    AppendSpreadsheetCsvField(r.holder, out);
    out += fmt::format(",{},{},{},{},{},{},{},{},", r.tier, r.rule_points, r.high_rules,
                       r.flow_points, r.pattern_points, r.report_points,
                       std::isnan(r.model_probability)
                           ? std::string()
                           : fmt::format("{:.6f}", r.model_probability),
                       r.alerts);
    AppendSpreadsheetCsvField(rules, out);
    out += fmt::format(",{},{},{},{},", r.pattern_instances, r.transactions, r.flagged_in,
                       r.flagged_out);
    AppendSpreadsheetCsvField(accounts, out);
    out += ',';
    AppendSpreadsheetCsvField(related, out);
    out += ',';
    AppendSpreadsheetCsvField(r.reasons, out);
    out += '\n';
  }
  return out;
}

std::string CustodyJson(const store::Store& store, const report::CaseReportData& data,
                        const std::vector<OutputFile>& outputs, const std::string& generated_at,
                        const std::vector<StageRecord>& stages,
                        const std::vector<Exclusion>& exclusions) {
  nlohmann::ordered_json j;
  j["record"] = "moneytrail-case";
  j["moneytrail_version"] = kVersion;
  j["generated_at"] = generated_at;
  j["store"] = {{"dir", data.store_dir},
                {"manifest_sha256", store.manifest_sha256()},
                {"generation", store.generation()},
                {"transactions", store.transaction_count()},
                {"accounts", store.account_count()}};
  nlohmann::ordered_json sources = nlohmann::ordered_json::array();
  for (const store::SourceRecord& s : store.sources()) {
    nlohmann::ordered_json f;
    f["index"] = s.index;
    f["path"] = s.path;
    f["sha256"] = s.sha256;
    f["bytes"] = s.bytes;
    f["rows_read"] = s.rows_read;
    f["rows_accepted"] = s.rows_accepted;
    f["rows_rejected"] = s.rows_rejected;
    f["format"] = s.format;
    if (!s.mapping.empty()) f["mapping"] = s.mapping;
    f["ingested_at"] = s.ingested_at;
    if (!s.rejects_file.empty()) f["rejects_file"] = s.rejects_file;
    sources.push_back(std::move(f));
  }
  j["sources"] = std::move(sources);
  if (const store::HoldersRecord* h = store.holders()) {
    // The KYC files and entities attached by `moneytrail resolve --store`, as the store records them.
    nlohmann::ordered_json holders;
    holders["name"] = h->name;
    holders["attached_at"] = h->attached_at;
    holders["method"] = h->method;
    nlohmann::ordered_json files = nlohmann::ordered_json::array();
    for (const store::HoldersFile& f : h->files) {
      files.push_back({{"name", f.name}, {"sha256", f.sha256}, {"bytes", f.bytes}, {"source", f.source}});
    }
    holders["files"] = std::move(files);
    j["holders"] = std::move(holders);
  }
  nlohmann::ordered_json config = nlohmann::ordered_json::object();
  for (const auto& [k, v] : data.configuration) config[k] = v;
  j["configuration"] = std::move(config);
  nlohmann::ordered_json ran = nlohmann::ordered_json::array();
  for (const StageRecord& s : stages) {
    ran.push_back({{"name", s.name}, {"inputs", s.inputs}, {"outputs", s.outputs},
                   {"files", s.files}, {"runs", s.runs}});
  }
  j["stages"] = std::move(ran);
  if (!exclusions.empty()) {
    nlohmann::ordered_json excluded = nlohmann::ordered_json::array();
    for (const Exclusion& e : exclusions) {
      excluded.push_back({{"alert_id", e.alert_id}, {"action", e.action}, {"who", e.who},
                          {"when", e.when}, {"why", e.why}});
    }
    j["manual_exclusions"] = std::move(excluded);
  }
  nlohmann::ordered_json outs = nlohmann::ordered_json::array();
  for (const OutputFile& f : outputs) {
    outs.push_back({{"path", f.path}, {"sha256", f.sha256}, {"bytes", f.bytes}, {"what", f.what}});
  }
  j["outputs"] = std::move(outs);
  return JsonText(j, 2) + "\n";
}

std::vector<std::string> Findings(const report::CaseReportData& data,
                                  const rules::ScanResult& scan, uint64_t pattern_instances,
                                  uint64_t flagged,
                                  const std::vector<report::TraceTotalsView>& traced) {
  std::vector<std::string> out;
  out.push_back(fmt::format(
      "{} transactions between {} and {} moved {}; {} red-flag alert{} ({} rule{} fired), {} "
      "pattern instance{}, and {} transaction{} the model flags.",
      data.transactions, FormatIsoTime(data.first_time).substr(0, 10),
      FormatIsoTime(data.last_time).substr(0, 10), MoneyListText(data.volume), scan.alerts.size(),
      scan.alerts.size() == 1 ? "" : "s", data.alerts_per_rule.size(),
      data.alerts_per_rule.size() == 1 ? "" : "s", pattern_instances,
      pattern_instances == 1 ? "" : "s", flagged, flagged == 1 ? "" : "s"));
  for (size_t i = 0; i < data.subjects.size() && i < 3; ++i) {
    const report::SubjectView& v = data.subjects[i];
    std::string who = v.account + (v.holder.empty() ? "" : " (" + v.holder + ")");
    std::string what;
    if (!v.alerts.empty()) {
      what = fmt::format("{} alert{}, the first: {}", v.alerts_total, v.alerts_total == 1 ? "" : "s",
                         v.alerts.front().title);
    } else {
      what = "no red-flag alert";
    }
    out.push_back(fmt::format("#{} {}: evidence tier {}, model probability {}; {}; {} pattern "
                              "instance{}.",
                              v.rank, who, v.tier,
                              v.score_text.empty() ? fmt::format("{:.4f}", v.score) : v.score_text,
                              what, v.patterns_total,
                              v.patterns_total == 1 ? "" : "s"));
    // Where its traced money went, every part named (report::WhereTheMoneyWent).
    for (const report::TraceTotalsView& t : v.trace.totals) {
      out.back().pop_back();
      out.back() += "; " + report::WhereTheMoneyWent(t);
    }
  }
  for (const report::TraceTotalsView& t : traced) {
    out.push_back(report::WhereTheMoneyWent(
        t, fmt::format("Of {} {} of flagged money traced from the top {} subjects (LIBR)",
                       FormatDecimalGrouped(t.traced_in), t.currency, data.subjects.size())));
  }
  return out;
}

std::string SummaryText(const CaseSummary& s) {
  std::string out;
  out += fmt::format("moneytrail investigate: {} transactions, {} accounts, {}\n", s.transactions,
                     s.accounts, MoneyListText(s.volume));
  out += fmt::format("  {} alerts, {} pattern instances, {} transactions flagged by the model, {} "
                     "subjects ranked\n",
                     s.alerts, s.pattern_instances, s.flagged_transactions, s.subjects);
  if (!s.model_sentence.empty()) out += "  " + s.model_sentence + "\n";
  out += '\n';
  out += "top subjects\n";
  // "model p": the calibrated probability, a tie-breaker, shown as DisplayedProbabilities says.
  out += fmt::format("  {:>5}  {:<24} {:<22} {:>4} {:>5} {:>4} {:>5} {:>5} {:>4} {:>8} {:>6}  {}\n",
                     "rank", "subject", "holder", "tier", "rulep", "high", "flowp", "ptnp", "ctr",
                     "model p", "alerts", "rules");
  for (const SubjectRow& r : s.top) {
    std::string rules;
    for (const std::string& id : r.rules) rules += (rules.empty() ? "" : " ") + id;
    std::string holder = r.holder.size() > 22 ? r.holder.substr(0, 21) + "." : r.holder;
    const std::string model = !r.model_shown.empty()           ? r.model_shown
                              : std::isnan(r.model_probability) ? std::string("-")
                                                                : fmt::format("{:.4f}", r.model_probability);
    out += fmt::format("  {:>5}  {:<24} {:<22} {:>4} {:>5} {:>4} {:>5} {:>5} {:>4} {:>8} {:>6}  {}\n",
                       fmt::format("{}{}", r.rank, r.tied ? "=" : ""), r.subject, holder, r.tier,
                       r.rule_points, r.high_rules, r.flow_points, r.pattern_points,
                       r.report_points, model, r.alerts, rules);
  }
  out += "\nwhere the money went (forward LIBR from the top subjects' flagged inflows)\n";
  if (s.traced.empty()) out += "  nothing traced\n";
  for (const report::TraceTotalsView& t : s.traced) {
    out += fmt::format("  {}: traced {} = still held {}", t.currency, FormatDecimalGrouped(t.traced_in),
                       FormatDecimalGrouped(t.remaining));
    for (const auto& [kind, amount] : t.exits) {
      out += fmt::format(" + {} {}", kind, FormatDecimalGrouped(amount));
    }
    out += '\n';
  }
  out += "\noutputs\n";
  for (const auto& [path, what] : s.outputs) {
    if (path.find("/trails/") != std::string::npos) continue;
    out += fmt::format("  {:<60} {}\n", path, what);
  }
  out += fmt::format("  {:<60} {}\n", (s.out / "trails").string(), "per subject: trail.json, schedule.csv, chart.svg");
  for (const std::string& w : s.warnings) out += "warning: " + w + "\n";
  for (const StageTime& t : s.timings) {
    out += fmt::format("{}{} {:.2f} s", &t == &s.timings.front() ? "time: " : ", ", t.stage, t.seconds);
  }
  if (!s.timings.empty()) out += '\n';
  return out;
}

Result<std::vector<report::StatementIntegrityView>> StatementIntegrity(const store::Store& s,
                                                                       size_t max_findings) {
  std::vector<report::StatementIntegrityView> out;
  auto view_of = [&](uint32_t segment) -> report::StatementIntegrityView& {
    for (report::StatementIntegrityView& v : out) {
      if (v.segment == segment) return v;
    }
    out.push_back({});
    out.back().segment = segment;
    return out.back();
  };
  for (const store::CommitFile& f : s.commit_files()) {
    const bool checks = f.name == "statement-checks.json";
    if (!checks && f.name != "statement-enrichment.json") continue;
    auto where = [&] { return fmt::format("segment {} {}", f.segment, f.name); };
    Result<std::string> text = s.ReadCommitFile(f.segment, f.name);
    if (!text.ok()) return text.status().WithContext(where());
    report::StatementIntegrityView& v = view_of(f.segment);
    if (checks) {
      Result<statements::CheckReport> r = statements::CheckReportFromJson(*text);
      if (!r.ok()) return DataLossError(r.status().ToString()).WithContext(where());
      v.balance_breaks = r->balance_breaks.size();
      v.continuity_breaks = r->continuity_breaks.size();
      v.gaps = r->gaps.size();
      v.overlaps = r->duplicates.size();
      v.mirrors = r->mirrors.size();
      // ToText: one finding a line, then a summary line (not a finding).
      std::string all = r->ToText();
      std::vector<std::string> lines;
      for (size_t b = 0; b < all.size();) {
        size_t e = all.find('\n', b);
        if (e == std::string::npos) e = all.size();
        if (e > b) lines.emplace_back(all.substr(b, e - b));
        b = e + 1;
      }
      if (!lines.empty()) lines.pop_back();
      v.findings_total = lines.size();
      if (lines.size() > max_findings) lines.resize(max_findings);
      v.findings = std::move(lines);
    } else {
      nlohmann::json j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
      if (j.is_discarded() || !j.is_object()) {
        return DataLossError("not JSON").WithContext(where());
      }
      auto count = [&](const char* key) -> uint64_t {
        return j.contains(key) && j[key].is_number_unsigned() ? j[key].get<uint64_t>() : 0;
      };
      v.enrichment_known = true;
      v.rows = count("rows");
      v.enriched = count("enriched");
      v.unmatched = count("unmatched");
      v.not_enriched = count("not_enriched");
      if (j.contains("unmatched_descriptions") && j["unmatched_descriptions"].is_array()) {
        for (const nlohmann::json& u : j["unmatched_descriptions"]) {
          if (!u.is_object() || !u.contains("description") || !u["description"].is_string()) continue;
          uint64_t rows = u.contains("rows") && u["rows"].is_number_unsigned() ? u["rows"].get<uint64_t>() : 0;
          v.unmatched_descriptions.emplace_back(u["description"].get<std::string>(), rows);
        }
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.segment < b.segment; });
  return out;
}

}  // namespace moneytrail::cases
