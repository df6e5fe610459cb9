#include "outputs.h"

#include <fmt/format.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "moneytrail/csv.h"
#include "moneytrail/file_util.h"
#include "moneytrail/time_format.h"
#include "moneytrail/version.h"

namespace moneytrail::cases {

namespace fs = std::filesystem;

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

Status CaseWriter::Publish(const fs::path& final_dir) {
  std::error_code ec;
  MT_RETURN_IF_ERROR(SyncDirectory(dir_));
  fs::path old;
  if (fs::exists(final_dir, ec)) {
    old = final_dir.parent_path() /
          fmt::format(".{}.old-{}", final_dir.filename().string(), ::getpid());
    fs::remove_all(old, ec);
    fs::rename(final_dir, old, ec);
    if (ec) return IoError(fmt::format("cannot move {} aside: {}", final_dir.string(), ec.message()));
  }
  fs::rename(dir_, final_dir, ec);
  if (ec) {
    if (!old.empty()) {
      std::error_code back;
      fs::rename(old, final_dir, back);
    }
    return IoError(fmt::format("cannot rename {} to {}: {}", dir_.string(), final_dir.string(),
                               ec.message()));
  }
  MT_RETURN_IF_ERROR(SyncDirectory(final_dir.parent_path()));
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
      "rank,subject,holder,score,model_score,rule_score,alerts,rules,pattern_instances,"
      "transactions,flagged_in,flagged_out,accounts,reasons\n";
  for (const SubjectRow& r : rows) {
    std::string rules, accounts;
    for (const std::string& id : r.rules) rules += (rules.empty() ? "" : " ") + id;
    for (const std::string& a : r.accounts) accounts += (accounts.empty() ? "" : " ") + a;
    out += fmt::format("{},", r.rank);
    AppendCsvField(r.subject, out);
    out += ',';
    AppendCsvField(r.holder, out);
    out += fmt::format(",{:.6f},{:.6f},{:.6f},{},", r.score, r.model_score, r.rule_score, r.alerts);
    AppendCsvField(rules, out);
    out += fmt::format(",{},{},{},{},", r.pattern_instances, r.transactions, r.flagged_in,
                       r.flagged_out);
    AppendCsvField(accounts, out);
    out += ',';
    AppendCsvField(r.reasons, out);
    out += '\n';
  }
  return out;
}

std::string CustodyJson(const store::Store& store, const report::CaseReportData& data,
                        const std::vector<OutputFile>& outputs, const std::string& generated_at) {
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
  nlohmann::ordered_json outs = nlohmann::ordered_json::array();
  for (const OutputFile& f : outputs) {
    outs.push_back({{"path", f.path}, {"sha256", f.sha256}, {"bytes", f.bytes}, {"what", f.what}});
  }
  j["outputs"] = std::move(outs);
  return j.dump(2) + "\n";
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
    out.push_back(fmt::format("#{} {}: score {:.2f}; {}; {} pattern instance{}.", v.rank, who,
                              v.score, what, v.patterns_total, v.patterns_total == 1 ? "" : "s"));
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
                     "subjects ranked\n\n",
                     s.alerts, s.pattern_instances, s.flagged_transactions, s.subjects);
  out += "top subjects\n";
  out += fmt::format("  {:>4}  {:<24} {:<22} {:>6} {:>6} {:>6}  {}\n", "rank", "subject", "holder",
                     "score", "alerts", "ptns", "rules");
  for (const SubjectRow& r : s.top) {
    std::string rules;
    for (const std::string& id : r.rules) rules += (rules.empty() ? "" : " ") + id;
    std::string holder = r.holder.size() > 22 ? r.holder.substr(0, 21) + "." : r.holder;
    out += fmt::format("  {:>4}  {:<24} {:<22} {:>6.3f} {:>6} {:>6}  {}\n", r.rank, r.subject, holder,
                       r.score, r.alerts, r.pattern_instances, rules);
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

}  // namespace moneytrail::cases
