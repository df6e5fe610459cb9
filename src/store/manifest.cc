#include "manifest.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "moneytrail/file_util.h"
#include "moneytrail/json_text.h"
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

constexpr size_t kSha256HexDigits = 64;

// The hex digest of `text` with the 64 digits after the self-checksum key (at `digits`) zeroed.
std::string SelfChecksum(std::string_view text, size_t digits) {
  Sha256Stream sha;
  sha.Update(text.substr(0, digits));
  sha.Update(std::string(kSha256HexDigits, '0'));
  sha.Update(text.substr(digits + kSha256HexDigits));
  return sha.Finish();
}

json ChecksumsToJson(const std::map<std::string, FileChecksum>& sums) {
  json out = json::object();
  for (const auto& [name, sum] : sums) {
    out[name] = {{"sha256", sum.sha256}, {"crc32c", BlockCrcsToHex(sum.block_crc)}};
  }
  return out;
}

}  // namespace

bool IsPlainFileName(std::string_view name) {
  return !name.empty() && name.find('/') == std::string_view::npos && name[0] != '.' &&
         name.find('\0') == std::string_view::npos;
}

bool IsReservedSegmentFileName(std::string_view name) {
  auto ends_with = [&](std::string_view tail) {
    return name.size() >= tail.size() && name.substr(name.size() - tail.size()) == tail;
  };
  return ends_with(".col") || ends_with(".dict") || name.substr(0, 8) == "rejects-";
}

namespace {

json SourceToJson(const SourceRecord& s) {
  json j = {{"index", s.index},
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
                     {"rejects_file", s.rejects_file}};
  if (!s.encoding.empty()) j["encoding"] = s.encoding;
  if (s.lines != 0) j["lines"] = s.lines;
  if (s.lines_skipped != 0) j["lines_skipped"] = s.lines_skipped;
  if (s.lines_rejected != 0) j["lines_rejected"] = s.lines_rejected;
  if (s.rows_merged != 0) j["rows_merged"] = s.rows_merged;
  return j;
}

SourceRecord SourceFromJson(const json& s) {
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
  r.rows_merged = s.value("rows_merged", uint64_t{0});
  return r;
}

}  // namespace

namespace {

// The pretty-printed document's line that the empty "sources" array stands on (a key of the
// root object, two spaces in); only the root has this key at this depth.
constexpr std::string_view kSourcesPlaceholder = "\n  \"sources\": []";

// Puts the sources' array text in place of the placeholder: what one dump of the document with
// its sources writes (nlohmann's pretty printer: "[\n", each element four spaces in and its
// lines four spaces deeper than alone, ",\n" between, "\n  ]"). An element's own dump has no
// raw newline but its line ends (strings escape theirs), so indenting after each '\n' is exact.
// False (text unchanged) if the placeholder is not found, which the dump never gives.
bool SpliceSources(const std::vector<SourceRecord>& sources, std::string& text) {
  if (sources.empty()) return true;  // "[]" as the dump writes it
  const size_t at = text.find(kSourcesPlaceholder);
  if (at == std::string::npos) return false;
  std::vector<std::string> parts(sources.size());
  tbb::parallel_for(tbb::blocked_range<size_t>(0, sources.size(), 256),
                    [&](const tbb::blocked_range<size_t>& range) {
    for (size_t i = range.begin(); i != range.end(); ++i) {
      const std::string alone = JsonText(SourceToJson(sources[i]), 2);
      std::string& part = parts[i];
      part.reserve(alone.size() + 4 * 24);
      part.append(4, ' ');
      for (char c : alone) {
        part += c;
        if (c == '\n') part.append(4, ' ');
      }
    }
  });
  size_t bytes = 8;
  for (const std::string& p : parts) bytes += p.size() + 2;
  std::string array = "[\n";
  array.reserve(bytes);
  for (size_t i = 0; i < parts.size(); ++i) {
    array += parts[i];
    array += i + 1 < parts.size() ? ",\n" : "\n";
    std::string().swap(parts[i]);
  }
  array += "  ]";
  // The placeholder's "[]" is its last two characters.
  text.replace(at + kSourcesPlaceholder.size() - 2, 2, array);
  return true;
}

}  // namespace

std::string SerializeManifest(const Manifest& m, bool sources_in_parallel) {
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
    if (!s.checksums.empty()) segment["checksums"] = ChecksumsToJson(s.checksums);
    if (!s.commit_files.empty()) segment["commit_files"] = s.commit_files;
    segments.push_back(std::move(segment));
  }
  j["segments"] = segments;
  json sources = json::array();
  if (!sources_in_parallel) {
    for (const auto& s : m.sources) sources.push_back(SourceToJson(s));
  }
  j["sources"] = sources;  // else empty: SpliceSources writes them into the text
  if (!m.withdrawals.empty()) {
    json withdrawals = json::array();
    for (const WithdrawalRecord& w : m.withdrawals) {
      withdrawals.push_back({{"source", SourceToJson(w.source)},
                             {"transactions_removed", w.transactions_removed},
                             {"citations_removed", w.citations_removed},
                             {"reason", w.reason},
                             {"by", w.by},
                             {"withdrawn_at", w.withdrawn_at},
                             {"generation", w.generation},
                             {"previous_generation", w.previous_generation},
                             {"history", w.history}});
    }
    j["withdrawals"] = withdrawals;
  }
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
  if (m.version < kStoreFormatVersionWithChecksums) {
    std::string text = JsonText(j, 2) + "\n";
    if (sources_in_parallel && !SpliceSources(m.sources, text)) return SerializeManifest(m, false);
    return text;
  }
  j["manifest_checksum"] = "sha256:" + std::string(kSha256HexDigits, '0');
  std::string text = JsonText(j, 2) + "\n";
  if (sources_in_parallel && !SpliceSources(m.sources, text)) return SerializeManifest(m, false);
  const size_t key = text.find(kSelfChecksumKey);
  const size_t digits = key + std::string_view(kSelfChecksumKey).size();
  const std::string digest = SelfChecksum(text, digits);
  text.replace(digits, kSha256HexDigits, digest);
  return text;
}

Result<Manifest> ParseManifest(const std::string& path, std::string_view text, bool check_self) {
  try {
    json j = json::parse(text);
    if (j.value("format", "") != "moneytrail-store") {
      return DataLossError(path + " is not a moneytrail store manifest");
    }
    Manifest m;
    m.version = j.at("version").get<int>();
    if (m.version > kHighestStoreFormatVersion && check_self) {
      // A newer store, or a damaged version number? A manifest that carries a self-checksum
      // which no longer matches its bytes was altered: that is corruption (exit 3), not a store
      // written by a newer moneytrail (exit 2, "upgrade").
      const size_t key = text.find(kSelfChecksumKey);
      const size_t digits = key + std::string_view(kSelfChecksumKey).size();
      if (key != std::string_view::npos && text.size() >= digits + kSha256HexDigits) {
        const std::string recorded(text.substr(digits, kSha256HexDigits));
        const std::string computed = SelfChecksum(text, digits);
        if (recorded != computed) {
          return DataLossError(path + ": byte offset " + std::to_string(digits) +
                               ": manifest_checksum records sha256 " + recorded +
                               ", the manifest's bytes have " + computed +
                               " (the manifest was altered or damaged; it names store format "
                               "version " + std::to_string(m.version) + ")");
        }
      }
    }
    if (m.version > kHighestStoreFormatVersion) {
      return FailedPreconditionError(path + " has store format version " +
                                     std::to_string(m.version) + "; this moneytrail reads up to " +
                                     std::to_string(kStoreFormatVersion));
    }
    if (m.version >= kStoreFormatVersionWithChecksums) {
      // The key cannot occur inside a JSON string (its quotes would be escaped there).
      const size_t key = text.find(kSelfChecksumKey);
      const size_t digits = key + std::string_view(kSelfChecksumKey).size();
      if (key == std::string_view::npos || text.size() < digits + kSha256HexDigits ||
          text.find(kSelfChecksumKey, key + 1) != std::string_view::npos) {
        return DataLossError(path + " has store format version " + std::to_string(m.version) +
                             " but not exactly one manifest_checksum");
      }
      const std::string recorded(text.substr(digits, kSha256HexDigits));
      const std::string computed = SelfChecksum(text, digits);
      if (recorded != computed && check_self) {
        return DataLossError(path + ": byte offset " + std::to_string(digits) +
                             ": manifest_checksum records sha256 " + recorded +
                             ", the manifest's bytes have " + computed +
                             " (the manifest was altered or damaged)");
      }
      m.self_checked = recorded == computed;
    } else if (text.find(kSelfChecksumKey) != std::string_view::npos) {
      return DataLossError(path + " has store format version " + std::to_string(m.version) +
                           " but a manifest_checksum, which only version 4 and later write");
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
      if (s.contains("checksums")) {
        for (const auto& [name, sum] : s.at("checksums").items()) {
          FileChecksum c;
          c.sha256 = sum.at("sha256").get<std::string>();
          std::optional<std::vector<uint32_t>> crcs =
              BlockCrcsFromHex(sum.at("crc32c").get<std::string>());
          auto bytes = r.file_bytes.find(name);
          if (!crcs || bytes == r.file_bytes.end()) {
            return DataLossError(path + ": segment " + r.name + ": the checksum of " + name +
                                 " is malformed or names no file of the segment");
          }
          c.bytes = bytes->second;
          c.block_crc = std::move(*crcs);
          if (c.block_crc.size() != (c.bytes + kChecksumBlockBytes - 1) / kChecksumBlockBytes) {
            return DataLossError(path + ": segment " + r.name + ": " + name + " has " +
                                 std::to_string(c.block_crc.size()) + " block checksums for " +
                                 std::to_string(c.bytes) + " bytes");
          }
          r.checksums.emplace(name, std::move(c));
        }
      }
      // Segments written before format 4 (kept by an appending writer) have none.
      if (!r.checksums.empty() && r.checksums.size() != r.file_bytes.size()) {
        return DataLossError(path + ": segment " + r.name + " records checksums of " +
                             std::to_string(r.checksums.size()) + " files, sizes of " +
                             std::to_string(r.file_bytes.size()));
      }
      if (s.contains("commit_files")) {
        r.commit_files = s.at("commit_files").get<std::vector<std::string>>();
        for (const std::string& f : r.commit_files) {
          if (!IsPlainFileName(f) || IsReservedSegmentFileName(f) || !r.file_bytes.count(f)) {
            return DataLossError(path + ": segment " + r.name + ": commit file '" + f +
                                 "' is not a file of the segment");
          }
        }
      }
      for (const auto& [name, bytes] : r.file_bytes) {
        if (!IsPlainFileName(name)) {
          return DataLossError(path + ": segment " + r.name + ": '" + name + "' is not a file name");
        }
      }
      if (!IsPlainFileName(r.name)) {
        return DataLossError(path + ": segment name '" + r.name + "' is not a directory name");
      }
      m.segments.push_back(std::move(r));
    }
    for (const auto& s : j.at("sources")) m.sources.push_back(SourceFromJson(s));
    if (j.contains("withdrawals")) {
      if (m.version < kStoreFormatVersionWithWithdrawals) {
        return DataLossError(path + " has withdrawals but store format version " +
                             std::to_string(m.version) + " (withdrawals need version " +
                             std::to_string(kStoreFormatVersionWithWithdrawals) + ")");
      }
      for (const auto& w : j.at("withdrawals")) {
        WithdrawalRecord r;
        r.source = SourceFromJson(w.at("source"));
        r.transactions_removed = w.at("transactions_removed").get<uint64_t>();
        r.citations_removed = w.at("citations_removed").get<uint64_t>();
        r.reason = w.at("reason").get<std::string>();
        r.by = w.at("by").get<std::string>();
        r.withdrawn_at = w.at("withdrawn_at").get<std::string>();
        r.generation = w.at("generation").get<uint64_t>();
        r.previous_generation = w.at("previous_generation").get<uint64_t>();
        r.history = w.at("history").get<std::string>();
        m.withdrawals.push_back(std::move(r));
      }
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
