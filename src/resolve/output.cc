// Writers of entities.csv, pairs.csv and the model JSON.
#include <cerrno>
#include <cstdio>
#include <iterator>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "moneytrail/json_text.h"
#include "moneytrail/resolve.h"
#include "resolve/cluster.h"
#include "resolve/csv_reader.h"

namespace moneytrail::resolve {
namespace {

using resolve_internal::CsvEscape;

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

Result<File> OpenForWrite(const std::string& path) {
  File f(std::fopen(path.c_str(), "wb"));
  if (!f) return ErrnoError(fmt::format("cannot create {}", path), errno);
  return f;
}

Status Close(File f, const std::string& path) {
  std::FILE* raw = f.release();
  const bool failed = std::ferror(raw) != 0;
  if (std::fclose(raw) != 0 || failed) return ErrnoError(fmt::format("cannot write {}", path), errno);
  return Status::Ok();
}

}  // namespace

std::string EntitiesCsv(const PartyTable& parties, const Resolution& resolution) {
  const bool link = parties.source_names.size() > 1;
  fmt::memory_buffer out;
  fmt::format_to(std::back_inserter(out), "{}", link ? "source,party_id,entity_id\n" : "party_id,entity_id\n");
  const auto& entity_of = resolution.entity_of();
  for (size_t r = 0; r < parties.size(); ++r) {
    if (link) fmt::format_to(std::back_inserter(out), "{},", parties.source[r]);
    fmt::format_to(std::back_inserter(out), "{},E{}\n", CsvEscape(parties.Id(r)), entity_of[r]);
  }
  return fmt::to_string(out);
}

Status WriteEntitiesCsv(const std::string& path, const PartyTable& parties,
                        const Resolution& resolution) {
  MT_ASSIGN_OR_RETURN(File f, OpenForWrite(path));
  const std::string text = EntitiesCsv(parties, resolution);
  std::fwrite(text.data(), 1, text.size(), f.get());
  return Close(std::move(f), path);
}

Status WritePairsCsv(const std::string& path, const PartyTable& parties,
                     const Resolution& resolution, double min_weight) {
  MT_ASSIGN_OR_RETURN(File f, OpenForWrite(path));
  fmt::print(f.get(), "party_id_l,party_id_r,match_weight,match_probability,same_entity");
  for (const auto& c : resolution.model().comparisons) fmt::print(f.get(), ",{}", CsvEscape(c.name));
  fmt::print(f.get(), "\n");
  const auto& pairs = resolution.pairs();
  const auto& entity_of = resolution.entity_of();
  for (size_t p = 0; p < pairs.size(); ++p) {
    if (pairs[p].weight < min_weight) continue;
    fmt::print(f.get(), "{},{},{:.3f},{:.6f},{}", CsvEscape(parties.Id(pairs[p].left)),
               CsvEscape(parties.Id(pairs[p].right)), pairs[p].weight,
               resolve_internal::WeightToProbability(pairs[p].weight),
               entity_of[pairs[p].left] == entity_of[pairs[p].right] ? 1 : 0);
    for (const Contribution& c : resolution.Explain(p)) {
      fmt::print(f.get(), ",{}", CsvEscape(fmt::format("{}:{:+.2f}", c.level, c.weight)));
    }
    fmt::print(f.get(), "\n");
  }
  return Close(std::move(f), path);
}

std::string ModelJson(const Resolution& resolution) {
  const Model& model = resolution.model();
  nlohmann::ordered_json j;
  j["lambda"] = model.lambda;
  j["prior_weight"] = model.prior_weight();
  j["threshold"] = resolution.threshold();
  j["comparisons"] = nlohmann::ordered_json::array();
  for (const auto& c : model.comparisons) {
    nlohmann::ordered_json jc;
    jc["name"] = c.name;
    jc["em_sessions"] = c.em_sessions;
    jc["levels"] = nlohmann::ordered_json::array();
    for (const auto& l : c.levels) {
      jc["levels"].push_back({{"label", l.label}, {"m", l.m}, {"u", l.u}, {"weight", l.weight()}});
    }
    j["comparisons"].push_back(jc);
  }
  j["blocking"] = nlohmann::ordered_json::array();
  for (const auto& b : resolution.blocking()) {
    j["blocking"].push_back({{"rule", b.description},
                             {"pairs", b.pairs},
                             {"oversized_blocks", b.oversized_blocks},
                             {"records_in_oversized_blocks", b.records_in_oversized}});
  }
  j["candidate_pairs"] = resolution.pairs().size();
  j["entities"] = resolution.entity_count();
  return JsonText(j, 2);
}

}  // namespace moneytrail::resolve
