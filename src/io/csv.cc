#include "moneytrail/csv.h"
#include "moneytrail/file_util.h"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace moneytrail {

std::string_view StripBom(std::string_view data) {
  if (data.size() >= 3 && static_cast<unsigned char>(data[0]) == 0xEF &&
      static_cast<unsigned char>(data[1]) == 0xBB && static_cast<unsigned char>(data[2]) == 0xBF) {
    data.remove_prefix(3);
  }
  return data;
}

CsvRecordReader::CsvRecordReader(std::string_view data, CsvDialect dialect, uint64_t first_line)
    : data_(data), dialect_(dialect), line_(first_line) {}

bool CsvRecordReader::AtTrailingEmptyLines() const {
  for (size_t i = pos_; i < data_.size(); ++i) {
    if (data_[i] != '\n' && data_[i] != '\r') return false;
  }
  return true;
}

bool CsvRecordReader::Resync() {
  if (status_.ok()) return pos_ < data_.size();
  status_ = Status::Ok();
  const void* nl = record_offset_ < data_.size()
                       ? std::memchr(data_.data() + record_offset_, '\n',
                                     data_.size() - record_offset_)
                       : nullptr;
  if (nl == nullptr) {
    pos_ = data_.size();
    line_ = record_line_ + 1;
    return false;
  }
  pos_ = static_cast<size_t>(static_cast<const char*>(nl) - data_.data()) + 1;
  line_ = record_line_ + 1;
  return pos_ < data_.size();
}

bool CsvRecordReader::Next(std::vector<std::string_view>& fields) {
#if defined(__SSE2__)
  if (!dialect_.trim_spaces && !dialect_.collapse_delimiters && dialect_.delimiter != '\n' &&
      dialect_.delimiter != dialect_.quote && NextUnquoted(fields)) {
    return true;
  }
#endif
  return NextScalarForTesting(fields);
}

#if defined(__SSE2__)
// The common record: no quote before its line end. 16 bytes at a time, the delimiters, the line
// end and any quote are found by comparing whole blocks; the fields are cut where the same
// rules as NextScalarForTesting would cut them (a '\r' before the line end or the end of the
// data is stripped from the last field). Returns false, having consumed nothing, when the
// record has a quote before its line end or fewer than 16 bytes remain without a line end.
bool CsvRecordReader::NextUnquoted(std::vector<std::string_view>& fields) {
  fields.clear();
  unescaped_used_ = 0;
  const size_t n = data_.size();
  if (pos_ >= n || !status_.ok()) return false;
  const char* const base = data_.data();
  const __m128i delim = _mm_set1_epi8(dialect_.delimiter);
  const __m128i newline = _mm_set1_epi8('\n');
  const __m128i quote = _mm_set1_epi8(dialect_.quote);
  const bool quoting = dialect_.quote != 0;
  const __m128i zero = _mm_setzero_si128();
  // Any byte >= 0x80 or NUL in the blocks read (which may reach into the next record: then a
  // clean record is merely reported as unchecked, never the reverse).
  __m128i unclean = zero;
  size_t start = pos_;
  for (size_t i = pos_; i + 16 <= n; i += 16) {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(base + i));
    unclean = _mm_or_si128(unclean, _mm_or_si128(block, _mm_cmpeq_epi8(block, zero)));
    const unsigned nl = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, newline)));
    // Bits before the first line end of the block (all 16 when there is none).
    const unsigned before = nl != 0 ? (nl & (0u - nl)) - 1 : 0xFFFFu;
    if (quoting &&
        (static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, quote))) & before) != 0) {
      fields.clear();
      return false;
    }
    unsigned d = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, delim))) & before;
    while (d != 0) {
      const size_t at = i + static_cast<size_t>(__builtin_ctz(d));
      fields.emplace_back(base + start, at - start);
      start = at + 1;
      d &= d - 1;
    }
    if (nl != 0) {
      const size_t eol = i + static_cast<size_t>(__builtin_ctz(nl));
      size_t end = eol;
      if (end > start && base[end - 1] == '\r') --end;
      fields.emplace_back(base + start, end - start);
      record_offset_ = pos_;
      record_line_ = line_;
      pos_ = eol + 1;
      ++line_;
      ascii_without_nul_ = _mm_movemask_epi8(unclean) == 0;
      return true;
    }
  }
  fields.clear();
  return false;
}
#endif

bool CsvRecordReader::NextScalarForTesting(std::vector<std::string_view>& fields) {
  ascii_without_nul_ = false;
  fields.clear();
  unescaped_used_ = 0;
  if (pos_ >= data_.size() || !status_.ok()) return false;
  record_offset_ = pos_;
  record_line_ = line_;
  const char* const base = data_.data();
  const size_t n = data_.size();
  const char delim = dialect_.delimiter;
  const char quote = dialect_.quote;
  size_t i = pos_;
  for (;;) {
    // Start of a field.
    if (dialect_.collapse_delimiters) {
      while (i < n && base[i] == delim) ++i;
    }
    if (dialect_.trim_spaces) {
      while (i < n && base[i] == ' ' && delim != ' ') ++i;
    }
    if (quote != 0 && i < n && base[i] == quote) {
      // Quoted field: up to the closing quote; "" is a literal quote. The search for the
      // closing quote stops at max_quoted_bytes, so a stray quote costs a bounded scan.
      size_t start = ++i;
      const uint64_t field_line = line_;
      const size_t limit = dialect_.max_quoted_bytes == 0
                               ? n
                               : std::min<size_t>(n, start + dialect_.max_quoted_bytes + 1);
      std::string* buffer = nullptr;
      size_t copied_from = start;
      for (;;) {
        const void* q = i < limit ? std::memchr(base + i, quote, limit - i) : nullptr;
        if (q == nullptr) {
          for (size_t k = i; k < limit; ++k) line_ += base[k] == '\n';
          status_ = InvalidArgumentError(
              limit < n ? "stray quote: the quoted field starting on line " +
                              std::to_string(field_line) + " is not closed within " +
                              std::to_string(dialect_.max_quoted_bytes) +
                              " bytes (max_quoted_bytes)"
                        : "stray quote: the quoted field starting on line " +
                              std::to_string(field_line) +
                              " is not closed before the end of the file (unterminated)");
          pos_ = n;
          return false;
        }
        size_t qpos = static_cast<size_t>(static_cast<const char*>(q) - base);
        for (size_t k = i; k < qpos; ++k) line_ += base[k] == '\n';
        if (dialect_.max_quoted_lines != 0 &&
            line_ - field_line + 1 > dialect_.max_quoted_lines) {
          status_ = InvalidArgumentError(
              "stray quote: the quoted field starting on line " + std::to_string(field_line) +
              " spans more than " + std::to_string(dialect_.max_quoted_lines) +
              " lines (max_quoted_lines)");
          pos_ = n;
          return false;
        }
        if (qpos + 1 < n && base[qpos + 1] == quote) {
          if (buffer == nullptr) {
            if (unescaped_used_ == unescaped_.size()) unescaped_.emplace_back();
            buffer = &unescaped_[unescaped_used_++];
            buffer->clear();
          }
          buffer->append(base + copied_from, qpos + 1 - copied_from);
          i = qpos + 2;
          copied_from = i;
          continue;
        }
        if (buffer != nullptr) {
          buffer->append(base + copied_from, qpos - copied_from);
          fields.emplace_back(*buffer);
        } else {
          fields.emplace_back(base + start, qpos - start);
        }
        i = qpos + 1;
        break;
      }
      if (dialect_.trim_spaces) {
        while (i < n && base[i] == ' ' && delim != ' ') ++i;
      }
      if (i < n && base[i] != delim && base[i] != '\n' && base[i] != '\r') {
        status_ = InvalidArgumentError("text after the closing quote of a field on line " +
                                       std::to_string(line_));
        pos_ = n;
        return false;
      }
    } else {
      size_t start = i;
      while (i < n && base[i] != delim && base[i] != '\n') ++i;
      size_t end = i;
      if (end > start && base[end - 1] == '\r' && (i >= n || base[i] == '\n')) --end;
      if (dialect_.trim_spaces) {
        while (end > start && base[end - 1] == ' ') --end;
      }
      fields.emplace_back(base + start, end - start);
    }
    // After a field: a delimiter, a line end, or the end of the data.
    if (i >= n) {
      pos_ = n;
      return true;
    }
    if (base[i] == delim) {
      ++i;
      if (dialect_.collapse_delimiters) {
        while (i < n && base[i] == delim) ++i;
        if (i >= n || base[i] == '\n' || base[i] == '\r') {
          // Trailing delimiters at the end of a line are not a field.
          if (i < n && base[i] == '\r') ++i;
          if (i < n && base[i] == '\n') { ++i; ++line_; }
          pos_ = i;
          return true;
        }
      }
      continue;
    }
    if (base[i] == '\r') ++i;
    if (i < n && base[i] == '\n') {
      ++i;
      ++line_;
    }
    pos_ = i;
    return true;
  }
}

std::vector<CsvChunk> SplitCsvChunks(std::string_view data, size_t begin, uint64_t first_line,
                                     CsvDialect dialect, size_t target_chunks,
                                     size_t min_chunk_bytes) {
  const size_t n = data.size();
  std::vector<CsvChunk> chunks;
  if (begin >= n) return chunks;
  target_chunks = std::max<size_t>(1, std::min(target_chunks, (n - begin) / std::max<size_t>(1, min_chunk_bytes) + 1));
  const size_t step = (n - begin) / target_chunks + 1;
  // Per slice: number of quotes and of newlines, counted in parallel.
  std::vector<size_t> quotes(target_chunks), newlines(target_chunks);
  tbb::parallel_for(size_t{0}, target_chunks, [&](size_t c) {
    size_t lo = std::min(n, begin + c * step), hi = std::min(n, lo + step);
    // Separate std::count passes vectorise; one loop with two tests does not.
    const char* first = data.data() + lo;
    const char* last = data.data() + hi;
    PrefaultRange(first, hi - lo);  // the slice is read twice; map it once, in bulk
    quotes[c] = dialect.quote != 0 ? static_cast<size_t>(std::count(first, last, dialect.quote)) : 0;
    newlines[c] = static_cast<size_t>(std::count(first, last, '\n'));
  });
  // A chunk starts after the first newline, outside quotes, at or past each slice start.
  size_t quote_parity = 0;
  uint64_t line = first_line;
  std::vector<size_t> starts{begin};
  std::vector<uint64_t> start_lines{first_line};
  for (size_t c = 1; c < target_chunks; ++c) {
    quote_parity += quotes[c - 1];
    line += newlines[c - 1];
    size_t lo = begin + c * step;
    if (lo >= n) break;
    bool in_quotes = quote_parity % 2 == 1;
    uint64_t l = line;
    size_t i = lo;
    for (; i < n; ++i) {
      if (dialect.quote != 0 && data[i] == dialect.quote) in_quotes = !in_quotes;
      if (data[i] == '\n') {
        ++l;
        if (!in_quotes) {
          ++i;
          break;
        }
      }
    }
    if (i >= n || i <= starts.back()) continue;
    starts.push_back(i);
    start_lines.push_back(l);
  }
  for (size_t k = 0; k < starts.size(); ++k) {
    chunks.push_back(CsvChunk{starts[k], k + 1 < starts.size() ? starts[k + 1] : n, start_lines[k]});
  }
  return chunks;
}

std::vector<CsvChunk> SplitCsvChunksAtNewlines(std::string_view data, size_t begin,
                                               uint64_t first_line, size_t chunk_bytes,
                                               const CsvWindowReader& read) {
  std::vector<CsvChunk> chunks;
  const size_t n = data.size();
  chunk_bytes = std::max<size_t>(1, chunk_bytes);
  // The offset just past the first newline at or after `from`, or n if there is none.
  auto past_newline = [&](size_t from) {
    if (read) {
      char window[4096];
      while (from < n) {
        const size_t got = read(from, window, std::min(sizeof(window), n - from));
        if (got == 0) break;  // go on in `data`
        if (const void* nl = std::memchr(window, '\n', got)) {
          return from + static_cast<size_t>(static_cast<const char*>(nl) - window) + 1;
        }
        from += got;
      }
      if (from >= n) return n;
    }
    const void* nl = std::memchr(data.data() + from, '\n', n - from);
    return nl == nullptr ? n : static_cast<size_t>(static_cast<const char*>(nl) - data.data()) + 1;
  };
  size_t start = begin;
  while (start < n) {
    size_t cut = n;
    if (n - start > chunk_bytes) cut = past_newline(start + chunk_bytes - 1);
    chunks.push_back(CsvChunk{start, cut, chunks.empty() ? first_line : 0});
    start = cut;
  }
  return chunks;
}

void AppendCsvField(std::string_view value, std::string& out) {
  bool needs_quotes = value.find_first_of(",\"\n\r") != std::string_view::npos ||
                      (!value.empty() && (value.front() == ' ' || value.back() == ' '));
  if (!needs_quotes) {
    out.append(value);
    return;
  }
  out.push_back('"');
  for (char c : value) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace moneytrail
