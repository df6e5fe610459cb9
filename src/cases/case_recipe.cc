// A case's custody.json read back as the job that wrote it, and that job run again
// (moneytrail/investigation.h: CaseRecipe, RerunCase).
#include <fmt/format.h>

#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>

#include "moneytrail/file_util.h"
#include "moneytrail/investigate.h"
#include "moneytrail/investigation.h"
#include "moneytrail/safe_text.h"
#include "moneytrail/text_diff.h"

namespace moneytrail::cases {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

namespace {

// "PATH (SHA-256 HEX)" as the configuration names a rule pack or a net worth file: PATH.
std::string PathBeforeHash(const std::string& value) {
  const size_t at = value.rfind(" (SHA-256 ");
  return at == std::string::npos ? value : value.substr(0, at);
}

Result<uint64_t> Number(const std::string& value, std::string_view key, std::string_view origin) {
  char* end = nullptr;
  const unsigned long long v = std::strtoull(value.c_str(), &end, 10);
  if (value.empty() || end == nullptr || *end != '\0') {
    return InvalidArgumentError(fmt::format("{}: configuration '{}' is '{}': expected a whole number",
                                            origin, key, Abbreviate(value)));
  }
  return static_cast<uint64_t>(v);
}

}  // namespace

Result<CaseRecipe> ParseCaseRecipe(std::string_view text, std::string_view origin,
                                   const fs::path& case_dir) {
  const Json j = Json::parse(text, nullptr, false);
  auto bad = [&](std::string_view key, std::string_view expected) {
    return InvalidArgumentError(fmt::format("{}: key '{}': expected {}", origin, key, expected));
  };
  if (!j.is_object() || j.value("record", std::string()) != "moneytrail-case") {
    return bad("record", "\"moneytrail-case\" (a case's custody.json)");
  }
  CaseRecipe r;
  InvestigateOptions& o = r.options;
  o.out = case_dir;
  o.generated_at = j.value("generated_at", std::string());
  if (o.generated_at.empty()) return bad("generated_at", "the generation time");
  if (!j.contains("store") || !j["store"].is_object() || !j["store"].contains("dir") ||
      !j["store"]["dir"].is_string() || !j["store"].contains("manifest_sha256")) {
    return bad("store", "an object with dir and manifest_sha256");
  }
  o.store = j["store"]["dir"].get<std::string>();
  r.store_manifest_sha256 = j["store"]["manifest_sha256"].get<std::string>();
  if (!j.contains("configuration") || !j["configuration"].is_object()) {
    return bad("configuration", "an object");
  }
  bool attached = false;
  for (const auto& [key, value_json] : j["configuration"].items()) {
    if (!value_json.is_string()) return bad("configuration." + key, "text");
    const std::string value = value_json.get<std::string>();
    if (key == "store as given") {
      o.store = value;  // relative: read from the working directory, as the job read it
    } else if (key == "model") {
      o.model = value;
    } else if (key == "KYC directory") {
      // "(none)", a directory given with --parties, or the store's attachment (" (attached to
      // the store as ...)"), which the job finds again by itself.
      attached = value.find(" (attached to the store as ") != std::string::npos;
      if (value != "(none)" && !attached) o.parties = value;
    } else if (key == "entities") {
      if (!attached && !value.starts_with("(")) o.entities = value;
    } else if (key == "top subjects") {
      MT_ASSIGN_OR_RETURN(uint64_t top, Number(value, key, origin));
      o.top = static_cast<size_t>(top);
    } else if (key == "tracing") {
      const std::string prefix = "forward LIBR, at most ";
      if (!value.starts_with(prefix) || !value.ends_with(" hops")) {
        return bad("configuration.tracing", "'forward LIBR, at most N hops'");
      }
      MT_ASSIGN_OR_RETURN(uint64_t hops, Number(value.substr(prefix.size(), value.size() - prefix.size() - 5),
                                                key, origin));
      o.trace_hops = static_cast<uint32_t>(hops);
    } else if (key == "threads") {
      MT_ASSIGN_OR_RETURN(uint64_t threads, Number(value, key, origin));
      o.threads = static_cast<int>(threads);
    } else if (key.starts_with("rule pack ")) {
      // A relative path (the shipped pack found from the working directory) is looked up as
      // the job looked it up when it is not there.
      fs::path pack = PathBeforeHash(value);
      std::error_code ec;
      if (pack.is_relative() && !fs::exists(pack, ec)) {
        if (fs::path shipped = FindShippedFile(pack.generic_string()); !shipped.empty()) pack = shipped;
      }
      o.rule_packs.push_back(std::move(pack));
    } else if (key.starts_with("rule override ")) {
      o.rule_overrides[key.substr(14)] = value;
    } else if (key.starts_with("net worth file ")) {
      o.net_worth.emplace_back(key.substr(15), PathBeforeHash(value));
    } else if (key == "attached holders") {
      o.use_attached_holders = false;
    } else if (key == "case title") {
      o.case_title = value;
    } else if (key == "case number") {
      o.case_number = value;
    } else if (key == "agency") {
      o.agency = value;
    } else if (key == "author") {
      o.author = value;
    } else if (key == "marking") {
      o.marking = value;
    } else if (key == "exhibit stamp") {
      o.exhibit = value;
    } else if (key == "paper") {
      o.a4 = value == "A4";
    }
    // The others (version, store, hashes, the model's applicability, the manual exclusions'
    // rows) follow from these or are read below.
  }
  if (j.contains("manual_exclusions")) {
    if (!j["manual_exclusions"].is_array()) return bad("manual_exclusions", "an array");
    for (const Json& e : j["manual_exclusions"]) {
      if (!e.is_object()) return bad("manual_exclusions[]", "an object");
      Exclusion x{.alert_id = e.value("alert_id", std::string()), .who = e.value("who", std::string()),
                  .when = e.value("when", std::string()), .why = e.value("why", std::string()),
                  .action = e.value("action", std::string("exclude"))};
      if (x.action != "exclude" && x.action != "include") {
        return bad("manual_exclusions[].action", "exclude or include");
      }
      r.decisions.push_back(std::move(x));
    }
  }
  if (!j.contains("stages") || !j["stages"].is_array()) return bad("stages", "an array");
  for (const Json& s : j["stages"]) {
    StageRecord rec;
    rec.name = s.value("name", std::string());
    MT_RETURN_IF_ERROR(StageFromName(rec.name).status());
    if (s.contains("inputs")) rec.inputs = s["inputs"].get<std::vector<std::string>>();
    if (s.contains("outputs")) rec.outputs = s["outputs"].get<std::vector<std::string>>();
    if (s.contains("files")) rec.files = s["files"].get<std::vector<std::string>>();
    rec.runs = s.value("runs", 0u);
    r.stages.push_back(std::move(rec));
  }
  if (!j.contains("outputs") || !j["outputs"].is_array()) return bad("outputs", "an array");
  o.pdf = false;
  for (const Json& f : j["outputs"]) {
    const std::string path = f.value("path", std::string());
    if (path == "report.pdf") o.pdf = true;
    r.outputs.emplace_back(path, f.value("sha256", std::string()));
  }
  return r;
}

Result<CaseRecipe> ReadCaseRecipe(const fs::path& case_dir) {
  const fs::path custody = case_dir / "custody.json";
  MT_ASSIGN_OR_RETURN(std::string text, ReadFileToString(custody));
  return ParseCaseRecipe(text, custody.string(), case_dir);
}

Result<CaseRerun> RerunCase(const CaseRecipe& recipe, const fs::path& scratch_case) {
  CaseRecipe again = recipe;
  again.options.out = scratch_case;
  again.options.pdf = false;  // Chromium stamps its own creation date: report.pdf never reproduces
  MT_ASSIGN_OR_RETURN(Investigation job, Investigation::Begin(again.options));
  for (const Exclusion& d : recipe.decisions) {
    MT_RETURN_IF_ERROR(d.action == "include" ? job.Include(d) : job.Exclude(d));
  }
  MT_RETURN_IF_ERROR(job.RunThrough(Stage::kExhibits));
  CaseRerun out;
  out.notes.push_back("report.pdf is not re-run (Chromium stamps its own creation date into it)");
  out.notes.push_back("custody.json is not compared (it records this run's stages)");
  if (recipe.options.store.is_relative()) {
    out.notes.push_back(fmt::format("the case named its store by the relative path {}: read from "
                                    "this working directory", recipe.options.store.string()));
  }
  for (const auto& [path, sha] : recipe.outputs) {
    if (path == "report.pdf" || path == "custody.json") continue;
    ++out.files_compared;
    Result<std::string> rerun = ReadFileToString(scratch_case / path);
    if (!rerun.ok()) {
      out.differences.push_back({path, "the case has it; the re-run does not write it"});
      continue;
    }
    if (Sha256Hex(*rerun) == sha) continue;
    // The first differing line, when the case still holds the file as it recorded it.
    Result<std::string> recorded = ReadFileToString(recipe.options.out / path);
    if (recorded.ok() && Sha256Hex(*recorded) == sha) {
      out.differences.push_back({path, report::FirstDifference(path, *recorded, *rerun, "case")});
    } else {
      out.differences.push_back({path, fmt::format("SHA-256 {} differs from the case's {} (the case "
                                                   "directory no longer holds it as recorded)",
                                                   Sha256Hex(*rerun), sha)});
    }
  }
  // What the re-run writes that the case does not list.
  std::map<std::string, bool> listed;
  for (const auto& [path, sha] : recipe.outputs) listed[path] = true;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::recursive_directory_iterator(scratch_case, ec)) {
    if (!e.is_regular_file()) continue;
    const std::string rel = e.path().lexically_relative(scratch_case).generic_string();
    if (rel != "custody.json" && !listed.count(rel)) out.differences.push_back({rel, "the re-run writes it; the case does not list it"});
  }
  return out;
}

Result<CaseSummary> DecideInCase(const fs::path& case_dir, Exclusion decision,
                                 const std::function<void(Stage, double)>& progress) {
  MT_ASSIGN_OR_RETURN(CaseRecipe recipe, ReadCaseRecipe(case_dir));
  recipe.options.generated_at.clear();  // the report is written now
  MT_ASSIGN_OR_RETURN(Investigation job, Investigation::Resume(recipe, Stage::kScore));
  if (decision.when.empty()) decision.when = job.generated_at();
  if (progress) job.set_progress(progress);
  MT_RETURN_IF_ERROR(decision.action == "include" ? job.Include(std::move(decision))
                                                  : job.Exclude(std::move(decision)));
  MT_RETURN_IF_ERROR(job.RunThrough(Stage::kExhibits));
  return job.Summary();
}

}  // namespace moneytrail::cases
