#include "manifest.h"

#include <nlohmann/json.hpp>

#include "moneytrail/version.h"

namespace moneytrail::store::store_internal {

using nlohmann::json;

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
    segments.push_back({{"name", s.name},
                        {"first_transaction", s.first_transaction},
                        {"transactions", s.transactions},
                        {"accounts_added", s.accounts_added},
                        {"strings_added", s.strings_added},
                        {"currencies_added", s.currencies_added},
                        {"locations_added", s.locations_added},
                        {"attributes", s.attributes},
                        {"file_bytes", s.file_bytes}});
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
  }
  j["sources"] = sources;
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
      m.sources.push_back(std::move(r));
    }
    return m;
  } catch (const json::exception& e) {
    return DataLossError(path + " is not a valid manifest: " + e.what());
  }
}

}  // namespace moneytrail::store::store_internal
