#include "checks.h"

#include <algorithm>

#include "columns.h"
#include "moneytrail/file_util.h"

namespace moneytrail::store::store_internal {

std::string Problem::ToString() const {
  std::string out = file;
  if (offset >= 0) out += ": byte " + std::to_string(offset);
  if (!element.empty()) out += (offset >= 0 ? " (" + element + ")" : ": " + element);
  out += ": " + message;
  return out;
}

Status Problems::First(const std::filesystem::path& dir) const {
  if (list.empty()) return Status::Ok();
  return DataLossError("store " + dir.string() + " is corrupt: " + list.front().ToString() +
                       " (moneytrail verify lists every problem)");
}

void CheckManifest(const Manifest& m, Problems& problems) {
  uint64_t next = 0;
  for (size_t k = 0; k < m.segments.size(); ++k) {
    const SegmentRecord& seg = m.segments[k];
    if (seg.first_transaction != next) {
      problems.Add({kManifestName, -1, "segment " + seg.name,
                    "first_transaction " + std::to_string(seg.first_transaction) +
                        ", expected " + std::to_string(next) + " (the rows of the segments before)"});
    }
    next += seg.transactions;
  }
  if (next != m.transactions) {
    problems.Add({kManifestName, -1, "transactions",
                  std::to_string(m.transactions) + ", the segments hold " + std::to_string(next)});
  }
  for (size_t i = 0; i < m.sources.size(); ++i) {
    const SourceRecord& s = m.sources[i];
    const std::string element = "source " + std::to_string(i);
    if (s.index != i) {
      problems.Add({kManifestName, -1, element,
                    "index " + std::to_string(s.index) + ", expected " + std::to_string(i)});
    }
    if (s.rows_read != s.rows_accepted + s.rows_rejected || s.rows_accepted > s.rows_read ||
        s.rows_merged > s.rows_accepted) {
      problems.Add({kManifestName, -1, element,
                    "rows_read " + std::to_string(s.rows_read) + " != rows_accepted " +
                        std::to_string(s.rows_accepted) + " + rows_rejected " +
                        std::to_string(s.rows_rejected)});
    }
    if (s.segment >= m.segments.size()) {
      problems.Add({kManifestName, -1, element,
                    "segment " + std::to_string(s.segment) + ", the store has " +
                        std::to_string(m.segments.size())});
      continue;
    }
    // first_transaction is informative (rows carry their source index): not checked, as
    // writers other than the ingest leave it 0.
    const SegmentRecord& seg = m.segments[s.segment];
    if (!s.rejects_file.empty()) {
      const std::string prefix = "segments/" + seg.name + "/";
      const bool listed = s.rejects_file.rfind(prefix, 0) == 0 &&
                          seg.file_bytes.count(s.rejects_file.substr(prefix.size())) > 0;
      if (!listed) {
        problems.Add({kManifestName, -1, element,
                      "rejects_file " + s.rejects_file + " is not a file of segment " + seg.name});
      }
    }
  }
}

namespace {

// The file and element of row `row` of column `field`.
Problem RowProblem(const Manifest& m, const char* field, size_t element_size, uint64_t row,
                   std::string message) {
  for (const SegmentRecord& seg : m.segments) {
    if (row >= seg.first_transaction && row < seg.first_transaction + seg.transactions) {
      const uint64_t local = row - seg.first_transaction;
      return {"segments/" + seg.name + "/" + field + ".col",
              static_cast<int64_t>(kColumnHeaderSize + local * element_size),
              "element " + std::to_string(local) + ", transaction " + std::to_string(row),
              std::move(message)};
    }
  }
  return {std::string(field) + ".col", -1, "transaction " + std::to_string(row), std::move(message)};
}

// The largest value, in a loop the compiler vectorises.
template <typename T>
T MaxOf(std::span<const T> values) {
  T m = 0;
  for (T v : values) m = v > m ? v : m;
  return m;
}

// Checks values < `bound` with one vectorised pass; only when that fails, finds the culprits.
template <typename T>
void CheckBelow(std::span<const T> values, uint64_t bound, const char* field, const char* what,
                const Manifest& m, Problems& problems) {
  if (values.empty()) return;
  // One call maps the pages of a column no other check has touched (MADV_POPULATE_READ).
  PrefaultRange(values.data(), values.size_bytes());
  if (static_cast<uint64_t>(MaxOf(values)) < bound) return;
  for (size_t i = 0; i < values.size() && !problems.full(); ++i) {
    if (static_cast<uint64_t>(values[i]) >= bound) {
      problems.Add(RowProblem(m, field, sizeof(T), i,
                              std::string(what) + " " + std::to_string(values[i]) +
                                  ", expected below " + std::to_string(bound)));
    }
  }
}

}  // namespace

void CheckColumnValues(const ColumnViews& c, const Dictionaries& d, const Manifest& m,
                       Problems& p) {
  const uint64_t accounts = d.accounts.size(), strings = d.strings.size(),
                 currencies = d.currencies.size(), locations = d.locations.size();
  CheckBelow(c.source, accounts, "source", "account id", m, p);
  CheckBelow(c.destination, accounts, "destination", "account id", m, p);
  CheckBelow(c.paid_scale, 19, "paid_scale", "scale", m, p);
  CheckBelow(c.received_scale, 19, "received_scale", "scale", m, p);
  CheckBelow(c.paid_currency, currencies, "paid_currency", "currency id", m, p);
  CheckBelow(c.received_currency, currencies, "received_currency", "currency id", m, p);
  CheckBelow(c.channel, kChannelCount, "channel", "channel", m, p);
  CheckBelow(c.location, locations, "location", "location id", m, p);
  CheckBelow(c.counterparty, strings, "counterparty", "string id", m, p);
  CheckBelow(c.typology, strings, "typology", "string id", m, p);
  CheckBelow(c.source_file, m.sources.size(), "source_file", "source index", m, p);
  // Labels are 0, 1 or 255: after mapping 255 to 2, all are below 3.
  bool bad_label = false;
  PrefaultRange(c.label.data(), c.label.size_bytes());
  for (uint8_t v : c.label) bad_label |= (v > 1) & (v != 0xFF);
  if (bad_label) {
    for (size_t i = 0; i < c.label.size() && !p.full(); ++i) {
      const uint8_t v = c.label[i];
      if (v > 1 && v != 0xFF) {
        p.Add(RowProblem(m, "label", 1, i, "label " + std::to_string(v) + ", expected 0, 1 or 255"));
      }
    }
  }
  // Amounts are not range-checked here: |units| >= 10^18 cannot crash a reader (sums are 128-bit
  // and fail rather than wrap), and reading both amount columns in full would cost `info` a
  // third of its time; their block CRCs (`moneytrail verify`) cover them.
}

void CheckHoldersFiles(const std::filesystem::path& dir, const Manifest& m, Problems& p) {
  if (!m.holders) return;
  for (const HoldersFile& f : m.holders->files) {
    const std::string rel = std::string(kHoldersDirName) + "/" + m.holders->name + "/" + f.name;
    Result<MappedFile> file = MappedFile::Open(dir / rel);
    if (!file.ok()) {
      p.Add({rel, -1, "", "missing or unreadable: " + std::string(file.status().message())});
      continue;
    }
    if (file->size() != f.bytes) {
      p.Add({rel, -1, "", std::to_string(file->size()) + " bytes, the manifest records " +
                               std::to_string(f.bytes)});
      continue;
    }
    const std::string digest = Sha256Hex(file->view());
    if (digest != f.sha256) {
      p.Add({rel, -1, "", "sha256 " + digest + ", the manifest records " + f.sha256});
    }
  }
}

}  // namespace moneytrail::store::store_internal
