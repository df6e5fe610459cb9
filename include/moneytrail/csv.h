// CSV records: an RFC 4180 reader over bytes in memory (quoted fields with embedded
// delimiters, doubled quotes and newlines; LF or CRLF), and a splitter that cuts a file into
// chunks at record boundaries so that chunks parse in parallel.
//
// Example:
//   CsvRecordReader reader(bytes, CsvDialect{});
//   std::vector<std::string_view> fields;
//   while (reader.Next(fields)) use(reader.line(), fields);
//   MT_RETURN_IF_ERROR(reader.status());
#ifndef MONEYTRAIL_CSV_H_
#define MONEYTRAIL_CSV_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/status.h"

namespace moneytrail {

struct CsvDialect {
  char delimiter = ',';
  char quote = '"';            // 0: no quoting
  bool trim_spaces = false;    // strip spaces around unquoted fields
  bool collapse_delimiters = false;  // runs of delimiters count as one (space-separated files)
  // A quoted field may span at most this many lines and bytes (0: no limit). Past either, or at
  // the end of the data, the record is an error (a stray quote) and CsvRecordReader::Resync
  // resumes at the line after the record's first. The ingest sets kIngestMaxQuotedLines/Bytes
  // (docs/format/mapping.md, "Limits").
  uint32_t max_quoted_lines = 0;
  uint32_t max_quoted_bytes = 0;
};

// The ingest's limits on a quoted field (a mapping may change them: [format] max_quoted_lines,
// max_quoted_bytes).
inline constexpr uint32_t kIngestMaxQuotedLines = 8;
inline constexpr uint32_t kIngestMaxQuotedBytes = 8192;

// `text` as one CSV field (RFC 4180): unchanged unless it holds a comma, a quote or a line
// break; then quoted, with quotes doubled.
inline std::string CsvField(std::string_view text) {
  if (text.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char ch : text) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

// Skips a UTF-8 byte-order mark.
std::string_view StripBom(std::string_view data);

// Reads records from `data` (which must outlive the reader). A quote is special only at the
// start of a field; inside an unquoted field it is an ordinary character.
class CsvRecordReader {
 public:
  // `first_line` is the physical line number of data's first byte.
  CsvRecordReader(std::string_view data, CsvDialect dialect, uint64_t first_line = 1);

  // Reads the next record into `fields`. Views stay valid until the next call (unescaped fields
  // point into `data`, fields with doubled quotes into a buffer of the reader). Returns false at
  // the end of the data or on an error (see status()). A line that is empty yields one empty
  // field.
  bool Next(std::vector<std::string_view>& fields);
  // The same, without the block-at-a-time path Next takes for records without quotes (tests
  // compare the two).
  bool NextScalarForTesting(std::vector<std::string_view>& fields);

  // Physical line number (1-based) where the last record read starts.
  uint64_t line() const { return record_line_; }
  // Byte offset just past the last record read (after its line end).
  size_t offset() const { return pos_; }
  // Physical line number at offset().
  uint64_t offset_line() const { return line_; }
  // Byte offset where the last record read starts.
  size_t record_offset() const { return record_offset_; }
  // InvalidArgument for an unterminated quoted field or text after a closing quote.
  const Status& status() const { return status_; }
  // True if only empty lines remain.
  bool AtTrailingEmptyLines() const;
  // After Next failed with an error (status() not ok): clears the error and moves to the line
  // after the first line of the failed record, so reading goes on from there (the caller
  // rejects the failed record, which line() still names). Returns false when no data remains.
  bool Resync();
  // True when the last record read is known to be ASCII without NUL (the block path checks it
  // for free); false means "not checked", not "unclean".
  bool last_record_ascii_without_nul() const { return ascii_without_nul_; }
  // Physical lines spanned by the last record read or failed (>= 1).
  uint64_t record_lines() const { return line_ > record_line_ ? line_ - record_line_ : 1; }

 private:
  bool NextUnquoted(std::vector<std::string_view>& fields);

  std::string_view data_;
  CsvDialect dialect_;
  size_t pos_ = 0;
  size_t record_offset_ = 0;
  uint64_t line_;
  uint64_t record_line_ = 0;
  std::deque<std::string> unescaped_;  // buffers for fields with doubled quotes (stable addresses)
  size_t unescaped_used_ = 0;
  bool ascii_without_nul_ = false;
  Status status_;
};

struct CsvChunk {
  size_t begin = 0;         // byte offset of the chunk's first record
  size_t end = 0;           // byte offset where the next chunk begins
  uint64_t first_line = 1;  // physical line number at `begin`; 0 when not known yet
};

// Cuts data[begin..] into about `target_chunks` chunks at record boundaries, in parallel.
// Boundaries assume that quotes pair up (a quote count parity); a parser that finds a chunk
// ending elsewhere must reparse from there (see CsvRecordReader::offset()).
// Chunks are at least `min_chunk_bytes` long (except the last).
std::vector<CsvChunk> SplitCsvChunks(std::string_view data, size_t begin, uint64_t first_line,
                                     CsvDialect dialect, size_t target_chunks,
                                     size_t min_chunk_bytes = 65536);

// Cuts data[begin..] into chunks of about `chunk_bytes`, each starting just after a newline,
// without reading the data between the cuts (SplitCsvChunks reads all of it). A cut may fall
// inside a quoted field that spans lines: a parser that finds the previous chunk ending
// elsewhere than the next one begins must reparse from there, as with SplitCsvChunks. Only the
// first chunk's first_line is known (`first_line`); the others have 0, and a parser numbers
// their lines from 0 and adds the true start line once the previous chunks are parsed.
//
// `read`, when given, reads up to `n` bytes of `data` from `offset` into `out` and returns how
// many it read (0 at the end or on an error): the newlines are then looked for through it, not
// through `data`. A memory-mapped file's data should be read that way (pread): touching a mapped
// byte maps the whole page-cache folio that holds it, 2 MiB on recent kernels, so looking at one
// byte per chunk mapped the whole file (the 5M-row ingest's peak RSS was the input's size).
// Where `read` fails the search goes on in `data`; the cuts are the same either way.
using CsvWindowReader = std::function<size_t(size_t offset, char* out, size_t n)>;
std::vector<CsvChunk> SplitCsvChunksAtNewlines(std::string_view data, size_t begin,
                                               uint64_t first_line, size_t chunk_bytes,
                                               const CsvWindowReader& read = nullptr);

// Appends `value` to `out` as a CSV field, quoting it when needed.
void AppendCsvField(std::string_view value, std::string& out);

}  // namespace moneytrail

#endif  // MONEYTRAIL_CSV_H_
