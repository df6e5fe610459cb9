// The ingest pipeline: per file, map it, check its header, cut it into chunks at newlines
// (re-cut by quote parity if a cut fell inside a quoted field), parse chunks in parallel (a few
// in flight, so the resident set stays small) and look up the accounts earlier chunks interned,
// then intern the new keys and append the rows serially in file order so ids are deterministic;
// every 256K rows go to the store writer's write-ahead thread (StoreWriter::SpillPending).
#include "moneytrail/ingest.h"

#include <fcntl.h>
#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_pipeline.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <thread>

#include "moneytrail/csv.h"
#include "moneytrail/file_util.h"
#include "moneytrail/hash.h"
#include "ibm_row.h"
#include "ingester.h"
#include "statement_formats.h"
#include "moneytrail/formats.h"
#include "moneytrail/pdf.h"
#include "moneytrail/xlsx.h"
#include "row_parser.h"
#include "row_spec.h"
#include "text_checks.h"

namespace moneytrail {

using io_internal::RowSpec;
using io_internal::StagedRow;

std::string RejectedRow::ToString() const {
  std::string out = file + ":" + std::to_string(line) + ": ";
  if (column > 0) out += "column " + std::to_string(column) + " ";
  out += field;
  if (!value.empty() || column > 0) out += " = '" + value + "'";
  out += ": " + reason;
  return out;
}

}  // namespace moneytrail

namespace moneytrail::io_internal {
namespace {

constexpr size_t kFirstRejectsKept = 10;

struct ChunkResult {
  std::vector<StagedRow> rows;
  std::deque<std::string> arena;
  std::vector<RejectedRow> rejects;
  uint64_t rows_read = 0;
  size_t end_offset = 0;  // where the chunk's last record ends
  uint64_t end_line = 0;  // the line there, numbered as the chunk's lines are
  bool reached_trailing_empty = false;
  bool reader_error = false;  // a reject is the reader's (its reason names a line)
  Status fatal;

  void Clear() {
    rows.clear();
    arena.clear();
    rejects.clear();
    rows_read = 0;
    end_offset = 0;
    end_line = 0;
    reached_trailing_empty = false;
    reader_error = false;
    fatal = Status::Ok();
  }
};

// Parses the records that start in [chunk.begin, chunk.end).
void ParseChunk(const RowSpec& spec, std::string_view data, const CsvChunk& chunk,
                const std::string& file, ChunkResult& out) {
  // The reader sees the data from chunk.begin to the end, so a record may run past chunk.end.
  CsvRecordReader local(data.substr(chunk.begin), spec.dialect, chunk.first_line);
  std::vector<std::string_view> fields;
  const int max_column = MaxColumn(spec);
  std::optional<IbmRowParser> ibm;
  if (IbmFastPathApplies(spec)) ibm.emplace(spec);
  if (const size_t want = (chunk.end - chunk.begin) / 64; out.rows.capacity() < want) {
    out.rows.reserve(want);
    // Filled once per chunk and reused by later chunks: huge pages make its first filling
    // one fault per 2 MiB (a quarter of the ingest's page faults were these buffers').
    AdviseHugePages(out.rows.data(), out.rows.capacity() * sizeof(StagedRow));
  }
  while (chunk.begin + local.offset() < chunk.end) {
    if (!local.Next(fields)) {
      if (local.status().ok()) break;
      // A stray quote or text after a closing quote: reject the record where it starts and
      // go on at its next line.
      ++out.rows_read;
      RejectedRow reject;
      reject.file = file;
      reject.line = local.line() == 0 ? chunk.first_line : local.line();
      reject.field = "(row)";
      reject.reason = std::string(local.status().message()) + "; reading resumes on the next line";
      out.rejects.push_back(std::move(reject));
      out.reader_error = true;
      if (!local.Resync()) break;
      continue;
    }
    if (fields.size() == 1 && fields[0].empty()) {
      if (local.AtTrailingEmptyLines()) {
        out.reached_trailing_empty = true;
        break;
      }
    }
    ++out.rows_read;
    if (local.line() > 0xFFFFFFFFull) {
      out.fatal = OutOfRangeError(file + ": more than 4,294,967,295 lines");
      return;
    }
    const size_t record_begin = chunk.begin + local.record_offset();
    const size_t record_end = chunk.begin + local.offset();
    // A clean record (ASCII without NUL, known from the reader's block path, whose fields point
    // into `data`) short enough that no field can be too long: the IBM parser's plain rows,
    // parsed in place.
    if (ibm && local.last_record_ascii_without_nul() &&
        record_end - record_begin <= kMaxFieldBytes) {
      StagedRow& fast = out.rows.emplace_back();
      if (ibm->Parse(fields, fast)) {
        fast.line = static_cast<uint32_t>(local.line());
        continue;
      }
      out.rows.pop_back();
    }
    StagedRow row;
    RejectedRow reject;
    // The reader's block path tells clean (ASCII, NUL-free) records apart at no extra pass.
    if (CheckRecordBytes(data.substr(record_begin, record_end - record_begin), fields,
                         local.last_record_ascii_without_nul(), reject) &&
        ParseRow(spec, max_column, fields, data, out.arena, row, reject)) {
      row.line = static_cast<uint32_t>(local.line());
      out.rows.push_back(row);
    } else {
      reject.file = file;
      reject.line = local.line();
      reject.lines = static_cast<uint32_t>(std::min<uint64_t>(local.record_lines(), 0xFFFFFFFFu));
      BoundReject(reject);
      out.rejects.push_back(std::move(reject));
    }
  }
  out.end_offset = chunk.begin + local.offset();
  out.end_line = local.offset_line();
  if (out.reached_trailing_empty) out.end_offset = data.size();
}

// Looks up, on a parsing thread, the accounts of `rows` that earlier chunks have interned, so
// that the serial merge interns only keys it has not seen. Any id found was given by the merge
// of an earlier chunk, which is the id the merge would find itself: the result does not depend
// on timing.
void ResolveKnownAccounts(const store::StoreWriter& writer, std::vector<StagedRow>& rows) {
  constexpr size_t kAhead = 16;
  std::shared_lock<std::shared_mutex> lock = writer.ShareAccounts();
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i + kAhead < rows.size()) {
      writer.PrefetchAccount(rows[i + kAhead].source_hash);
      writer.PrefetchAccount(rows[i + kAhead].dest_hash);
    }
    StagedRow& row = rows[i];
    row.source_id =
        writer.FindAccount(row.source_hash, row.source_kind, row.source_bank, row.source_account);
    row.dest_id = writer.FindAccount(row.dest_hash, row.dest_kind, row.dest_bank, row.dest_account);
  }
}

std::string RejectCsvLine(const RejectedRow& r) {
  std::string line;
  AppendCsvField(r.file, line);
  line += ',' + std::to_string(r.line) + ',' + std::to_string(r.column) + ',';
  AppendCsvField(r.field, line);
  line += ',';
  AppendCsvField(r.value, line);
  line += ',';
  AppendCsvField(r.reason, line);
  line += '\n';
  return line;
}

// A NUL near the start means binary data (or UTF-16 read as bytes); a NUL further on rejects
// only its row (CheckRecordBytes).
Status CheckLooksLikeText(const std::string& file, std::string_view data) {
  std::string_view head = data.substr(0, 4096);
  if (formats::LooksLikeZip(data)) {
    return InvalidArgumentError(file + " is a zip archive (an Excel .xlsx workbook?), not a CSV file: "
                                "a statement workbook is read with --format mapped and a statement "
                                "mapping (docs/format/xlsx.md); a transfer list: save the sheet as CSV");
  }
  if (formats::LooksLikePdf(data)) {
    return InvalidArgumentError(file + " is a PDF, not a CSV file: a text PDF statement is read with "
                                "--format mapped and a statement mapping (docs/format/pdf.md)");
  }
  if (head.find('\0') != std::string_view::npos) {
    return InvalidArgumentError(file + " is not a CSV file (it contains NUL bytes near its "
                                "start: binary data, or UTF-16 text: then declare "
                                "encoding = \"utf-16\" in a mapping)");
  }
  return Status::Ok();
}

}  // namespace

Status Ingester::BeginFile(const std::filesystem::path& path, MappedFile& file,
                           std::string_view& data) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return NotFoundError(path.string() + ": no such file");
  if (std::filesystem::is_directory(path, ec)) {
    return InvalidArgumentError(path.string() + " is a directory, not a CSV file");
  }
  MT_ASSIGN_OR_RETURN(file, MappedFile::Open(path));
  if (file.size() == 0) return InvalidArgumentError(path.string() + " is empty (0 bytes)");
  data = StripBom(file.view());
  MT_RETURN_IF_ERROR(CheckLooksLikeText(path.string(), data));
  return Status::Ok();
}

Status Ingester::CheckFileOutcome(const std::string& name, uint64_t rows_read,
                                  uint64_t rows_accepted, uint64_t lines,
                                  uint64_t lines_rejected,
                                  const std::vector<RejectedRow>& rejects) const {
  auto first_bad = [&] {
    std::string out;
    for (size_t i = 0; i < rejects.size() && i < 5; ++i) out += "\n  " + rejects[i].ToString();
    return out;
  };
  if (rows_read > 0 && rows_accepted == 0) {
    return InvalidArgumentError(name + ": none of its " + std::to_string(rows_read) +
                                " rows was accepted; nothing was committed (check the format "
                                "or mapping). First bad rows:" + first_bad());
  }
  if (lines > 0 && static_cast<double>(lines_rejected) >
                       options_.max_reject_share * static_cast<double>(lines)) {
    return InvalidArgumentError(
        name + ": its rejected rows cover " + std::to_string(lines_rejected) + " of its " +
        std::to_string(lines) + " lines, more than the share allowed (--max-reject-share " +
        std::to_string(options_.max_reject_share) + "); nothing was committed. First bad rows:" +
        first_bad());
  }
  return Status::Ok();
}

Status Ingester::FinishFile(const std::filesystem::path& path, uint64_t bytes,
                            std::string sha256, store::SourceRecord record,
                            const std::vector<RejectedRow>& rejects, IngestReport& report,
                            uint64_t& rejected_total, const std::string* absolute_path) {
  record.sha256 = std::move(sha256);
  record.bytes = bytes;
  // `absolute_path`, when given, is this very value computed earlier (the statement checks'
  // file paths), so the serial append does not ask for the working directory per file.
  record.path = absolute_path != nullptr ? *absolute_path
                                         : std::filesystem::absolute(path).lexically_normal().string();
  // A source of which no row was accepted (committed by an older moneytrail) holds nothing to
  // count twice: it never blocks the file's corrected re-ingest.
  if (const store::SourceRecord* prior = writer_.FindSourceBySha256(record.sha256);
      prior != nullptr && prior->rows_accepted > 0 && !options_.allow_duplicate_source) {
    return AlreadyExistsError(path.string() + " was already ingested (same SHA-256 as " +
                              prior->path + (prior->ingested_at.empty() ? "" : ", at " + prior->ingested_at) +
                              "); use --allow-duplicate-source to ingest it again");
  }
  std::string rejects_csv;
  for (const RejectedRow& r : rejects) rejects_csv += RejectCsvLine(r);
  for (const RejectedRow& r : rejects) {
    if (report.first_rejects.size() >= kFirstRejectsKept) break;
    report.first_rejects.push_back(r);
  }
  rejected_total += record.rows_rejected;
  report.rows_read += record.rows_read;
  report.rows_accepted += record.rows_accepted;
  report.rows_rejected += record.rows_rejected;
  report.sources.push_back(record);
  writer_.AddSource(std::move(record), std::move(rejects_csv));
  return Status::Ok();
}

Status Ingester::IngestFile(const std::filesystem::path& path, RowSpec spec,
                            IngestReport& report, uint64_t& rejected_total) {
  const std::string name = path.string();
  MappedFile file;
  std::string_view data;
  MT_RETURN_IF_ERROR(BeginFile(path, file, data));
  const size_t bom = file.size() - data.size();
  // The custody hash is computed chunk by chunk in the pipeline (so the file's pages can leave
  // memory once parsed, hashed and merged); the BOM and header go first.
  Sha256Stream sha;

  // Skip lines, then the header.
  CsvRecordReader reader(data, spec.dialect, 1);
  std::vector<std::string_view> fields;
  for (int i = 0; i < spec.skip_lines; ++i) {
    if (!reader.Next(fields)) break;
  }
  if (spec.header) {
    if (!reader.Next(fields)) {
      if (!reader.status().ok()) {
        return InvalidArgumentError(name + ": cannot read the header: " +
                                    std::string(reader.status().message()));
      }
      return InvalidArgumentError(name + " has no header line");
    }
    if (fields.size() == 1 && fields[0].empty()) {
      return InvalidArgumentError(name + ":" + std::to_string(reader.line()) +
                                  ": the header line is empty");
    }
    std::vector<std::string> header_copy(fields.begin(), fields.end());
    std::vector<std::string_view> header(header_copy.begin(), header_copy.end());
    MT_RETURN_IF_ERROR(io_internal::ResolveHeader(name, header, spec));
  }
  const size_t body_begin = reader.offset();
  sha.Update(file.view().substr(0, bom + body_begin));
  size_t hashed = body_begin;  // bytes of `data` hashed so far
  // The header may span lines (quoted newlines), so count them.
  uint64_t first_line = 1;
  for (size_t i = 0; i < body_begin; ++i) first_line += data[i] == '\n';

  const uint32_t source_index = writer_.next_source_index();
  const uint64_t first_transaction =
      writer_.committed_transaction_count() + writer_.pending_transaction_count();
  const uint64_t accepted_before = writer_.pending_transaction_count();

  // Reserving is free for the resident set: untouched capacity is never paged in.
  writer_.Reserve((data.size() - body_begin) / 40 + 16, (data.size() - body_begin) / 200 + 16);
  const size_t chunk_bytes = std::max<size_t>(1, options_.chunk_bytes);
  std::vector<RejectedRow> rejects;
  uint64_t rows_read = 0;
  // Chunks are parsed in parallel and merged serially in file order, so merging chunk k
  // overlaps with parsing chunks k+1.. (the merge interns ids, which must follow file order to
  // be deterministic). The first round cuts the body at newlines without reading it
  // (SplitCsvChunksAtNewlines); a cut inside a quoted field shows as a chunk that does not start
  // where the previous one ended, and the rest of the file is then cut by quote parity
  // (SplitCsvChunks) and parsed in a second round. If that also fails (a stray quote), the rest
  // is parsed serially.
  size_t next_offset = body_begin;  // where the next record starts
  uint64_t next_line = first_line;  // its physical line
  bool stop = false;                // touched only by the serial stages
  bool resplit = false;             // the round's chunks no longer tile the records
  Status failure;
  struct Task {
    CsvChunk chunk;
    ChunkResult result;
  };
  // Finished tasks are reused, so the staged-row buffers of one round stay mapped instead of
  // being freed and faulted in afresh for every chunk (page faults were a fifth of the ingest's
  // time: bench/RESULTS-ingest.md).
  std::mutex pool_mutex;
  std::vector<std::unique_ptr<Task>> pool;
  auto take_task = [&](const CsvChunk& chunk) {
    std::unique_ptr<Task> task;
    {
      std::lock_guard<std::mutex> lock(pool_mutex);
      if (!pool.empty()) {
        task = std::move(pool.back());
        pool.pop_back();
      }
    }
    if (!task) task = std::make_unique<Task>();
    task->chunk = chunk;
    task->result.Clear();
    return task.release();
  };
  auto give_back = [&](std::unique_ptr<Task> task) {
    std::lock_guard<std::mutex> lock(pool_mutex);
    pool.push_back(std::move(task));
  };
  // Merges a chunk parsed from next_offset with its lines numbered from chunk.first_line.
  auto merge = [&](ChunkResult& r, const CsvChunk& chunk) {
    // Chunks cut at newlines number their lines from 0 (their start line was not known).
    const uint64_t line_shift = next_line - chunk.first_line;
    Status s = r.fatal.ok() ? Merge(r.rows, source_index, line_shift, name) : r.fatal;
    if (!s.ok()) {
      failure = s;
      stop = true;
      return;
    }
    rows_read += r.rows_read;
    for (RejectedRow& rej : r.rejects) {
      rej.line += line_shift;
      rejects.push_back(std::move(rej));
    }
    next_offset = r.end_offset;
    next_line = r.end_line + line_shift;
    file.DropPages(bom + chunk.begin, bom + next_offset);
    if (options_.progress) options_.progress(static_cast<double>(next_offset) / data.size());
    if (r.reached_trailing_empty || next_offset >= data.size()) stop = true;
  };
  auto merge_task = [&](Task& task, bool last_round) {
    if (stop) return;
    if (task.chunk.begin != next_offset) {
      // The previous chunk ended elsewhere than this one begins: a cut inside a quoted field.
      stop = true;
      resplit = true;
      if (!last_round) return;
      // Even the quote-parity cuts failed (a stray quote): parse the rest serially.
      CsvChunk rest{next_offset, data.size(), next_line};
      ChunkResult again;
      ParseChunk(spec, data, rest, name, again);
      merge(again, rest);
      return;
    }
    if (task.chunk.first_line == 0 && task.result.reader_error) {
      // The reader's message names a line: parse again with the true numbers (rare).
      CsvChunk numbered{task.chunk.begin, task.chunk.end, next_line};
      ChunkResult again;
      ParseChunk(spec, data, numbered, name, again);
      merge(again, numbered);
      return;
    }
    merge(task.result, task.chunk);
  };
  auto run_round = [&](const std::vector<CsvChunk>& chunks, bool last_round) {
    size_t next_chunk = 0;
    tbb::parallel_pipeline(
        std::max<size_t>(2, threads_ * 2),
        tbb::make_filter<void, Task*>(tbb::filter_mode::serial_in_order,
                                      [&](tbb::flow_control& fc) -> Task* {
                                        if (stop || next_chunk >= chunks.size()) {
                                          fc.stop();
                                          return nullptr;
                                        }
                                        return take_task(chunks[next_chunk++]);
                                      }) &
            tbb::make_filter<Task*, Task*>(tbb::filter_mode::parallel,
                                           [&](Task* t) {
                                             file.PrefaultPages(bom + t->chunk.begin,
                                                                bom + t->chunk.end);
                                             ParseChunk(spec, data, t->chunk, name, t->result);
                                             ResolveKnownAccounts(writer_, t->result.rows);
                                             return t;
                                           }) &
            tbb::make_filter<Task*, Task*>(tbb::filter_mode::serial_in_order,
                                           [&](Task* t) {
                                             // Chunks tile the body; a second round re-cuts
                                             // bytes already hashed.
                                             if (t->chunk.end > hashed) {
                                               size_t from = std::max(t->chunk.begin, hashed);
                                               sha.Update(data.substr(from, t->chunk.end - from));
                                               hashed = t->chunk.end;
                                             }
                                             return t;
                                           }) &
            tbb::make_filter<Task*, void>(tbb::filter_mode::serial_in_order, [&](Task* t) {
              std::unique_ptr<Task> task(t);
              merge_task(*task, last_round);
              give_back(std::move(task));
            }));
  };
  {
    // The cuts are found by reading the file (pread), not its mapping: where the page cache
    // holds the file in large folios (ext4 on recent kernels; 2 MiB ones once it is cached as
    // huge pages) a touch maps the whole folio, so a byte per chunk mapped up to the whole file
    // (peak RSS 1.45x, then 1.46x the columns on the 5M-row file). Should the file not open
    // again, the cuts are found in the mapping and its pages dropped after.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    CsvWindowReader read_window;
    if (fd >= 0) {
      read_window = [fd, bom](size_t offset, char* out, size_t n) -> size_t {
        for (;;) {
          const ssize_t got = ::pread(fd, out, n, static_cast<off_t>(bom + offset));
          if (got >= 0) return static_cast<size_t>(got);
          if (errno != EINTR) return 0;
        }
      };
    }
    std::vector<CsvChunk> chunks =
        SplitCsvChunksAtNewlines(data, body_begin, first_line, chunk_bytes, read_window);
    if (fd >= 0) ::close(fd);
    file.DropPages(bom + body_begin, file.size());
    run_round(chunks, false);
  }
  if (resplit && failure.ok()) {
    stop = false;
    resplit = false;
    size_t target = std::max<size_t>(1, (data.size() - next_offset) / chunk_bytes + 1);
    std::vector<CsvChunk> chunks =
        SplitCsvChunks(data, next_offset, next_line, spec.dialect, target, chunk_bytes);
    // Splitting read the rest of the file; let it leave the resident set until each chunk is
    // parsed (the pages stay in the page cache, so re-reading them is a minor fault).
    file.DropPages(bom + next_offset, file.size());
    run_round(chunks, true);
  }
  MT_RETURN_IF_ERROR(failure);
  if (hashed < data.size()) sha.Update(data.substr(hashed));
  if (!spec.header && rows_read == 0) {
    return InvalidArgumentError(name + " has no rows");
  }

  uint64_t lines_rejected = 0;
  for (const RejectedRow& r : rejects) lines_rejected += r.lines;
  // Physical lines after the header (a last line without a line end counts).
  const uint64_t lines = next_line - first_line +
                         (next_offset > body_begin && data[next_offset - 1] != '\n' ? 1 : 0);
  const uint64_t rows_accepted = writer_.pending_transaction_count() - accepted_before;
  MT_RETURN_IF_ERROR(
      CheckFileOutcome(name, rows_read, rows_accepted, lines, lines_rejected, rejects));

  store::SourceRecord record;
  record.index = source_index;
  record.rows_read = rows_read;
  record.rows_accepted = rows_accepted;
  record.rows_rejected = rejects.size();
  record.format = spec.format;
  record.mapping = spec.mapping;
  record.encoding = spec.format == "mapped" ? spec.encoding : "";
  record.lines = lines;
  record.lines_rejected = lines_rejected;
  record.first_transaction = first_transaction;
  if (record.rows_read != record.rows_accepted + record.rows_rejected) {
    return InternalError(name + ": rows read != accepted + rejected");
  }
  return FinishFile(path, file.size(), sha.Finish(), std::move(record), rejects, report,
                    rejected_total);
}

Status Ingester::Merge(const std::vector<StagedRow>& rows, uint32_t source_index,
                       uint64_t line_shift, const std::string& file) {
  store::TransactionColumns& cols = writer_.columns();
  // Interning is a hash probe at a random place in a big table: ask for it some rows ahead so
  // the misses overlap (bench/RESULTS-ingest.md).
  constexpr size_t kAhead = 16;
  if (writer_.committed_transaction_count() + writer_.pending_transaction_count() + rows.size() >
      0xFFFFFFFFull) {
    return ResourceExhaustedError("a store holds at most 4,294,967,295 transactions");
  }
  // Batches are written ahead at spill_rows: spill before a chunk would overflow the batch's
  // room, so a batch buffer is never reallocated (copied, and its copy faulted in).
  const size_t spill_rows = std::max<size_t>(1, options_.spill_rows);
  if (cols.size() > 0 && cols.size() + rows.size() > spill_rows) {
    MT_RETURN_IF_ERROR(writer_.SpillPending());
  }
  // Most keys were resolved on the parsing threads (ResolveKnownAccounts); prefetch the rest.
  for (size_t i = 0; i < rows.size(); ++i) {
    // The rows were written by a parsing thread: their lines come from the other core's cache
    // or memory. Fetch each row well before the account prefetch below reads it.
    if (i + 2 * kAhead < rows.size()) {
      const char* next = reinterpret_cast<const char*>(&rows[i + 2 * kAhead]);
      for (size_t b = 0; b < sizeof(StagedRow); b += 64) __builtin_prefetch(next + b);
    }
    if (i + kAhead < rows.size()) {
      const StagedRow& ahead = rows[i + kAhead];
      if (ahead.source_id == kNoAccount) writer_.PrefetchAccount(ahead.source_hash);
      if (ahead.dest_id == kNoAccount) writer_.PrefetchAccount(ahead.dest_hash);
    }
    const StagedRow& row = rows[i];
    AccountId src = row.source_id, dst = row.dest_id;
    if (src == kNoAccount) {
      MT_ASSIGN_OR_RETURN(src, writer_.InternAccountHashed(row.source_hash, row.source_kind,
                                                           row.source_bank, row.source_account));
    }
    if (dst == kNoAccount) {
      MT_ASSIGN_OR_RETURN(dst, writer_.InternAccountHashed(row.dest_hash, row.dest_kind,
                                                           row.dest_bank, row.dest_account));
    }
    MT_ASSIGN_OR_RETURN(uint16_t paid_currency, Currency(row.paid_currency));
    uint16_t received_currency = paid_currency;
    if (!ShortBytesEqual(row.received_currency, row.paid_currency)) {
      MT_ASSIGN_OR_RETURN(received_currency, Currency(row.received_currency));
    }
    uint32_t location = store::kNoLocation;
    if (!row.city.empty() || !row.region.empty() || !row.country.empty()) {
      MT_ASSIGN_OR_RETURN(location, writer_.InternLocation(row.city, row.region, row.country));
    }
    // InternString gives kNoString for empty text: skip the call for the usual empty fields.
    uint32_t counterparty = store::kNoString;
    uint32_t typology = store::kNoString;
    if (!row.counterparty.empty()) {
      MT_ASSIGN_OR_RETURN(counterparty, writer_.InternString(row.counterparty));
    }
    if (!row.typology.empty()) {
      MT_ASSIGN_OR_RETURN(typology, writer_.InternString(row.typology));
    }
    cols.time.push_back(row.time);
    cols.source.push_back(src);
    cols.destination.push_back(dst);
    cols.amount_paid.push_back(row.paid.units);
    cols.paid_scale.push_back(row.paid.scale);
    cols.paid_currency.push_back(paid_currency);
    cols.amount_received.push_back(row.received.units);
    cols.received_scale.push_back(row.received.scale);
    cols.received_currency.push_back(received_currency);
    cols.channel.push_back(static_cast<uint8_t>(row.channel));
    cols.location.push_back(location);
    cols.mcc.push_back(row.mcc);
    cols.counterparty.push_back(counterparty);
    cols.label.push_back(static_cast<uint8_t>(row.label));
    cols.typology.push_back(typology);
    cols.source_file.push_back(source_index);
    const uint64_t line = row.line + line_shift;
    if (line > 0xFFFFFFFFull) {
      return OutOfRangeError(file + ": more than 4,294,967,295 lines");
    }
    cols.source_line.push_back(static_cast<uint32_t>(line));
  }
  if (cols.size() >= spill_rows) return writer_.SpillPending();
  return Status::Ok();
}

}  // namespace moneytrail::io_internal
