#include "checks.h"

#include <tbb/parallel_for_each.h>

#include <algorithm>
#include <cstdio>

#include "columns.h"
#include "moneytrail/file_util.h"
#include "state.h"

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
void CheckBelow(std::span<const T> values, const uint64_t* known_max, uint64_t bound,
                const char* field, const char* what, const Manifest& m, Problems& problems) {
  if (values.empty()) return;
  if (known_max != nullptr) {
    if (*known_max < bound) return;
  } else {
    // One call maps the pages of a column no other check has touched (MADV_POPULATE_READ).
    PrefaultRange(values.data(), values.size_bytes());
    if (static_cast<uint64_t>(MaxOf(values)) < bound) return;
  }
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
                       Problems& p, const ColumnMaxima* known) {
  const uint64_t accounts = d.accounts.size(), strings = d.strings.size(),
                 currencies = d.currencies.size(), locations = d.locations.size();
#define MT_KNOWN(field) (known != nullptr ? &known->field : nullptr)
  CheckBelow(c.source, MT_KNOWN(source), accounts, "source", "account id", m, p);
  CheckBelow(c.destination, MT_KNOWN(destination), accounts, "destination", "account id", m, p);
  CheckBelow(c.paid_scale, MT_KNOWN(paid_scale), 19, "paid_scale", "scale", m, p);
  CheckBelow(c.received_scale, MT_KNOWN(received_scale), 19, "received_scale", "scale", m, p);
  CheckBelow(c.paid_currency, MT_KNOWN(paid_currency), currencies, "paid_currency",
             "currency id", m, p);
  CheckBelow(c.received_currency, MT_KNOWN(received_currency), currencies, "received_currency",
             "currency id", m, p);
  CheckBelow(c.channel, MT_KNOWN(channel), kChannelCount, "channel", "channel", m, p);
  CheckBelow(c.location, MT_KNOWN(location), locations, "location", "location id", m, p);
  CheckBelow(c.counterparty, MT_KNOWN(counterparty), strings, "counterparty", "string id", m, p);
  CheckBelow(c.typology, MT_KNOWN(typology), strings, "typology", "string id", m, p);
  CheckBelow(c.source_file, MT_KNOWN(source_file), m.sources.size(), "source_file",
             "source index", m, p);
#undef MT_KNOWN
  // Labels are 0, 1 or 255.
  bool bad_label = false;
  if (known != nullptr) {
    bad_label = known->bad_label;
  } else {
    PrefaultRange(c.label.data(), c.label.size_bytes());
    for (uint8_t v : c.label) bad_label |= (v > 1) & (v != 0xFF);
  }
  if (bad_label) {
    for (size_t i = 0; i < c.label.size() && !p.full(); ++i) {
      const uint8_t v = c.label[i];
      if (v > 1 && v != 0xFF) {
        p.Add(RowProblem(m, "label", 1, i, "label " + std::to_string(v) + ", expected 0, 1 or 255"));
      }
    }
  }
  // Amounts are not range-checked here: |units| >= 10^18 cannot crash a reader (sums are 128-bit
  // and fail rather than wrap); their block CRCs (checked at Open) cover them.
}

namespace {

template <typename T>
void Reduce(const char* data, size_t bytes, ColumnReduce reduce, uint64_t* max, bool* bad_label) {
  const size_t n = bytes / sizeof(T);
  if (reduce == ColumnReduce::kMax) {
    T m = 0;
    for (size_t i = 0; i < n; ++i) {
      T v;
      std::memcpy(&v, data + i * sizeof(T), sizeof(T));
      m = v > m ? v : m;
    }
    *max = std::max<uint64_t>(*max, m);
  } else if (reduce == ColumnReduce::kLabel) {
    bool bad = false;
    for (size_t i = 0; i < n; ++i) {
      const uint8_t v = static_cast<uint8_t>(data[i]);
      bad |= (v > 1) & (v != 0xFF);
    }
    *bad_label |= bad;
  }
}

std::string CrcMismatch(uint32_t found, uint32_t recorded) {
  char text[96];
  std::snprintf(text, sizeof text, "CRC32C %08x, the manifest records %08x", found, recorded);
  return text;
}

}  // namespace

Status ScanColumnFile(const std::string& rel, std::string_view file, const FileChecksum* sum,
                      size_t element_size, ColumnReduce reduce, uint64_t* max, bool* bad_label) {
  if (sum == nullptr && reduce == ColumnReduce::kNone) return Status::Ok();  // nothing to read
  // One MADV_POPULATE_READ for the whole file: far cheaper than a fault per 4 KiB page.
  PrefaultRange(file.data(), file.size());
  if (sum != nullptr && (sum->bytes != file.size() ||
                         sum->block_crc.size() != (file.size() + kChecksumBlockBytes - 1) /
                                                      kChecksumBlockBytes)) {
    return DataLossError(rel + ": " + std::to_string(file.size()) +
                         " bytes, the manifest's checksum covers " + std::to_string(sum->bytes));
  }
  for (uint64_t at = 0, b = 0; at < file.size(); at += kChecksumBlockBytes, ++b) {
    const std::string_view block = file.substr(at, kChecksumBlockBytes);
    if (sum != nullptr) {
      const uint32_t crc = Crc32c(block);
      if (crc != sum->block_crc[b]) {
        return DataLossError(rel + ": byte " + std::to_string(at) + " (block " +
                             std::to_string(b) + "): " + CrcMismatch(crc, sum->block_crc[b]));
      }
    }
    // The header is 32 bytes and blocks are 64 KiB: elements never straddle a block.
    const size_t skip = at == 0 ? std::min(block.size(), kColumnHeaderSize) : 0;
    const char* data = block.data() + skip;
    const size_t bytes = block.size() - skip;
    switch (element_size) {
      case 1: Reduce<uint8_t>(data, bytes, reduce, max, bad_label); break;
      case 2: Reduce<uint16_t>(data, bytes, reduce, max, bad_label); break;
      case 4: Reduce<uint32_t>(data, bytes, reduce, max, bad_label); break;
      default: Reduce<uint64_t>(data, bytes, reduce, max, bad_label); break;
    }
  }
  return Status::Ok();
}

void CheckOtherSegmentFileCrcs(const std::filesystem::path& dir, const Manifest& m,
                               Problems& problems) {
  for (const SegmentRecord& seg : m.segments) {
    for (const auto& [name, sum] : seg.checksums) {
      if (name.ends_with(".col") ||
          std::find(seg.commit_files.begin(), seg.commit_files.end(), name) !=
              seg.commit_files.end()) {
        continue;
      }
      const std::string rel = "segments/" + seg.name + "/" + name;
      Result<MappedFile> file = MappedFile::Open(dir / rel);
      if (!file.ok()) {
        problems.Add({rel, -1, "", "missing or unreadable: " + std::string(file.status().message())});
        return;
      }
      file->PrefaultPages(0, file->size());
      if (auto bad = FirstBadBlock(sum, file->view())) {
        problems.Add({rel, static_cast<int64_t>(*bad * kChecksumBlockBytes),
                      "block " + std::to_string(*bad), "CRC32C or size differs from the manifest's"});
        return;
      }
    }
  }
}

namespace {

constexpr size_t kBadBlocksListed = 8;  // per file; the rest are counted

// Size, block CRCs and SHA-256 of one segment file, in one pass: each 4 MiB piece is CRC'd
// block by block and hashed while it is in the cache.
void CheckOneFileFully(const std::filesystem::path& dir, const std::string& rel, uint64_t bytes,
                       const FileChecksum* sum, Problems& problems, uint64_t& files_read,
                       uint64_t& bytes_read) {
  Result<MappedFile> file = MappedFile::Open(dir / rel);
  if (!file.ok()) {
    problems.Add({rel, -1, "", "missing or unreadable: " + std::string(file.status().message())});
    return;
  }
  ++files_read;
  bytes_read += file->size();
  const std::string_view view = file->view();
  if (view.size() != bytes) {
    problems.Add({rel, static_cast<int64_t>(std::min<uint64_t>(view.size(), bytes)), "",
                  std::to_string(view.size()) + " bytes, the manifest records " +
                      std::to_string(bytes)});
  }
  if (sum == nullptr) return;
  constexpr uint64_t kPiece = 64 * kChecksumBlockBytes;
  Sha256Stream sha;
  size_t bad = 0;
  for (uint64_t piece = 0; piece < view.size(); piece += kPiece) {
    const std::string_view part = view.substr(piece, kPiece);
    PrefaultRange(part.data(), part.size());
    for (uint64_t at = 0; at < part.size(); at += kChecksumBlockBytes) {
      const uint64_t b = (piece + at) / kChecksumBlockBytes;
      if (b >= sum->block_crc.size()) break;
      const uint32_t crc = Crc32c(part.substr(at, kChecksumBlockBytes));
      if (crc == sum->block_crc[b]) continue;
      if (bad++ < kBadBlocksListed) {
        problems.Add({rel, static_cast<int64_t>(piece + at), "block " + std::to_string(b),
                      CrcMismatch(crc, sum->block_crc[b])});
      }
    }
    sha.Update(part);
  }
  if (bad > kBadBlocksListed) {
    problems.Add({rel, -1, "", std::to_string(bad - kBadBlocksListed) + " more blocks differ"});
  }
  const std::string digest = sha.Finish();
  if (digest != sum->sha256) {
    problems.Add({rel, -1, "", "sha256 " + digest + ", the manifest records " + sum->sha256});
  }
}

}  // namespace

void CheckSegmentFilesFully(const std::filesystem::path& dir, const Manifest& m,
                            Problems& problems, uint64_t& files, uint64_t& bytes) {
  struct Job {
    std::string rel;
    uint64_t bytes;
    const FileChecksum* sum;
    uint64_t files_read = 0, bytes_read = 0;
    Problems problems;
  };
  std::vector<Job> jobs;
  for (const SegmentRecord& seg : m.segments) {
    for (const auto& [name, size] : seg.file_bytes) {
      auto sum = seg.checksums.find(name);
      Job job{"segments/" + seg.name + "/" + name, size,
              sum == seg.checksums.end() ? nullptr : &sum->second};
      job.problems.limit = problems.limit;
      jobs.push_back(std::move(job));
    }
  }
  std::vector<Job*> order;
  for (Job& job : jobs) order.push_back(&job);
  std::sort(order.begin(), order.end(), [](const Job* a, const Job* b) { return a->bytes > b->bytes; });
  tbb::parallel_for_each(order.begin(), order.end(), [&](Job* job) {
    CheckOneFileFully(dir, job->rel, job->bytes, job->sum, job->problems, job->files_read,
                      job->bytes_read);
  });
  for (Job& job : jobs) {
    files += job.files_read;
    bytes += job.bytes_read;
    for (Problem& p : job.problems.list) problems.Add(std::move(p));
    problems.more += job.problems.more;
  }
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
