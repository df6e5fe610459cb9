#include "manifest.h"

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "moneytrail/version.h"

namespace moneytrail::store::store_internal {

using nlohmann::json;

namespace {

// Scale ranges as [[currency id, min, max], ...], empty ranges left out.
json ScalesToJson(const std::vector<ScaleRange>& ranges) {
  json out = json::array();
  for (size_t c = 0; c < ranges.size(); ++c) {
    if (!ranges[c].empty()) out.push_back({c, ranges[c].min, ranges[c].max});
  }
  return out;
}

std::vector<ScaleRange> ScalesFromJson(const json& j) {
  std::vector<ScaleRange> out;
  for (const auto& e : j) {
    const int64_t c = e.at(0).get<int64_t>(), min = e.at(1).get<int64_t>(),
                  max = e.at(2).get<int64_t>();
    if (c < 0 || c > 0xFFFF || min < 0 || min > max || max > 18) {
      throw std::out_of_range("a scale range is not [currency 0..65535, min, max] in 0..18");
    }
    if (static_cast<size_t>(c) >= out.size()) out.resize(static_cast<size_t>(c) + 1);
    out[static_cast<size_t>(c)] = ScaleRange{static_cast<uint8_t>(min), static_cast<uint8_t>(max)};
  }
  return out;
}

json FactsToJson(const ColumnFacts& f) {
  return {{"rows", f.rows},
          {"time_sorted", f.time_sorted},
          {"min_time", f.min_time},
          {"max_time", f.max_time},
          {"paid_scale", ScalesToJson(f.paid_scale)},
          {"received_scale", ScalesToJson(f.received_scale)}};
}

ColumnFacts FactsFromJson(const json& j) {
  ColumnFacts f;
  f.rows = j.at("rows").get<uint64_t>();
  f.time_sorted = j.at("time_sorted").get<bool>();
  f.min_time = j.at("min_time").get<int64_t>();
  f.max_time = j.at("max_time").get<int64_t>();
  f.paid_scale = ScalesFromJson(j.at("paid_scale"));
  f.received_scale = ScalesFromJson(j.at("received_scale"));
  return f;
}

}  // namespace

std::string SerializeManifest(const Manifest& m) {
  json j;
  j["format"] = "moneytrail-store";
  j["version"] = m.version;
  j["written_by"] = std::string("moneytrail ") + kVersion;
  j["generation"] = m.generation;
  j["transactions"] = m.transactions;
  j["accounts"] = m.accounts;
  json segments = json::array();
  for (const auto& s : m.segments) {
    json segment = {{"name", s.name},
                    {"first_transaction", s.first_transaction},
                    {"transactions", s.transactions},
                    {"accounts_added", s.accounts_added},
                    {"strings_added", s.strings_added},
                    {"currencies_added", s.currencies_added},
                    {"locations_added", s.locations_added},
                    {"attributes", s.attributes},
                    {"file_bytes", s.file_bytes}};
    if (s.facts) segment["facts"] = FactsToJson(*s.facts);
    segments.push_back(std::move(segment));
  }
  j["segments"] = segments;
  json sources = json::array();
  for (const auto& s : m.sources) {
    sources.push_back({{"index", s.index},
                       {"path", s.path},
                       {"sha256", s.sha256},
                       {"bytes", s.bytes},
                       {"rows_read", s.rows_read},
                       {"rows_accepted", s.rows_accepted},
                       {"rows_rejected", s.rows_rejected},
                       {"format", s.format},
                       {"mapping", s.mapping},
                       {"ingested_at", s.ingested_at},
                       {"segment", s.segment},
                       {"first_transaction", s.first_transaction},
                       {"rejects_file", s.rejects_file}});
    if (!s.encoding.empty()) sources.back()["encoding"] = s.encoding;
    if (s.lines != 0) sources.back()["lines"] = s.lines;
    if (s.lines_skipped != 0) sources.back()["lines_skipped"] = s.lines_skipped;
    if (s.lines_rejected != 0) sources.back()["lines_rejected"] = s.lines_rejected;
  }
  j["sources"] = sources;
  if (m.holders) {
    const HoldersRecord& h = *m.holders;
    json files = json::array();
    for (const HoldersFile& f : h.files) {
      files.push_back({{"name", f.name}, {"bytes", f.bytes}, {"sha256", f.sha256}, {"source", f.source}});
    }
    j["holders"] = {{"name", h.name},           {"files", files},
                    {"attached_at", h.attached_at}, {"method", h.method},
                    {"parties", h.parties},     {"linked_accounts", h.linked_accounts},
                    {"entities", h.entities}};
  }
  return j.dump(2) + "\n";
}

Result<Manifest> ParseManifest(const std::string& path, std::string_view text) {
  try {
    json j = json::parse(text);
    if (j.value("format", "") != "moneytrail-store") {
      return DataLossError(path + " is not a moneytrail store manifest");
    }
    Manifest m;
    m.version = j.at("version").get<int>();
    if (m.version > kStoreFormatVersion) {
      return FailedPreconditionError(path + " has store format version " +
                                     std::to_string(m.version) + "; this moneytrail reads up to " +
                                     std::to_string(kStoreFormatVersion));
    }
    m.generation = j.at("generation").get<uint64_t>();
    m.transactions = j.at("transactions").get<uint64_t>();
    m.accounts = j.at("accounts").get<uint64_t>();
    for (const auto& s : j.at("segments")) {
      SegmentRecord r;
      r.name = s.at("name").get<std::string>();
      r.first_transaction = s.at("first_transaction").get<uint64_t>();
      r.transactions = s.at("transactions").get<uint64_t>();
      r.accounts_added = s.at("accounts_added").get<uint64_t>();
      r.strings_added = s.at("strings_added").get<uint64_t>();
      r.currencies_added = s.at("currencies_added").get<uint64_t>();
      r.locations_added = s.at("locations_added").get<uint64_t>();
      r.attributes = s.at("attributes").get<uint64_t>();
      r.file_bytes = s.at("file_bytes").get<std::map<std::string, uint64_t>>();
      if (s.contains("facts")) {
        r.facts = FactsFromJson(s.at("facts"));
        if (r.facts->rows != r.transactions) {
          return DataLossError(path + ": segment " + r.name + " has facts about " +
                               std::to_string(r.facts->rows) + " rows, not " +
                               std::to_string(r.transactions));
        }
      }
      m.segments.push_back(std::move(r));
    }
    for (const auto& s : j.at("sources")) {
      SourceRecord r;
      r.index = s.at("index").get<uint32_t>();
      r.path = s.at("path").get<std::string>();
      r.sha256 = s.at("sha256").get<std::string>();
      r.bytes = s.at("bytes").get<uint64_t>();
      r.rows_read = s.at("rows_read").get<uint64_t>();
      r.rows_accepted = s.at("rows_accepted").get<uint64_t>();
      r.rows_rejected = s.at("rows_rejected").get<uint64_t>();
      r.format = s.at("format").get<std::string>();
      r.mapping = s.at("mapping").get<std::string>();
      r.ingested_at = s.at("ingested_at").get<std::string>();
      r.segment = s.at("segment").get<uint32_t>();
      r.first_transaction = s.at("first_transaction").get<uint64_t>();
      r.rejects_file = s.at("rejects_file").get<std::string>();
      r.encoding = s.value("encoding", std::string());
      r.lines = s.value("lines", uint64_t{0});
      r.lines_skipped = s.value("lines_skipped", uint64_t{0});
      r.lines_rejected = s.value("lines_rejected", uint64_t{0});
      m.sources.push_back(std::move(r));
    }
    if (j.contains("holders")) {
      if (m.version < 3) {
        return DataLossError(path + " has holders but store format version " +
                             std::to_string(m.version) + " (holders need version 3)");
      }
      const json& h = j.at("holders");
      HoldersRecord r;
      r.name = h.at("name").get<std::string>();
      if (r.name.empty() || r.name.find('/') != std::string::npos || r.name[0] == '.') {
        return DataLossError(path + ": holders name '" + r.name + "' is not a directory name");
      }
      for (const auto& f : h.at("files")) {
        HoldersFile file;
        file.name = f.at("name").get<std::string>();
        if (file.name.empty() || file.name.find('/') != std::string::npos || file.name[0] == '.') {
          return DataLossError(path + ": holders file name '" + file.name + "' is not a file name");
        }
        file.bytes = f.at("bytes").get<uint64_t>();
        file.sha256 = f.at("sha256").get<std::string>();
        file.source = f.at("source").get<std::string>();
        r.files.push_back(std::move(file));
      }
      r.attached_at = h.at("attached_at").get<std::string>();
      r.method = h.at("method").get<std::string>();
      r.parties = h.at("parties").get<uint64_t>();
      r.linked_accounts = h.at("linked_accounts").get<uint64_t>();
      r.entities = h.at("entities").get<uint64_t>();
      m.holders = std::move(r);
    }
    return m;
  } catch (const json::exception& e) {
    return DataLossError(path + " is not a valid manifest: " + e.what());
  } catch (const std::out_of_range& e) {
    return DataLossError(path + " is not a valid manifest: " + e.what());
  }
}

}  // namespace moneytrail::store::store_internal
