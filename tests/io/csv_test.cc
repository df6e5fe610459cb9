#include "moneytrail/csv.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace moneytrail {
namespace {

std::vector<std::vector<std::string>> ReadAll(std::string_view data, CsvDialect d = {}) {
  CsvRecordReader reader(data, d);
  std::vector<std::string_view> fields;
  std::vector<std::vector<std::string>> out;
  while (reader.Next(fields)) out.emplace_back(fields.begin(), fields.end());
  EXPECT_TRUE(reader.status().ok()) << reader.status().ToString();
  return out;
}

using Rows = std::vector<std::vector<std::string>>;

TEST(CsvReaderTest, QuotedFieldsKeepCommasQuotesAndNewlines) {
  Rows rows = ReadAll("a,\"b,c\",\"say \"\"hi\"\"\",\"line1\nline2\"\nx,y,z,w\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"a", "b,c", "say \"hi\"", "line1\nline2"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"x", "y", "z", "w"}));
}

TEST(CsvReaderTest, CrlfLineEndsAreStripped) {
  Rows rows = ReadAll("a,b\r\nc,\"d\"\r\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"c", "d"}));
}

TEST(CsvReaderTest, LastLineWithoutNewline) {
  Rows rows = ReadAll("a,b\nc,d");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"c", "d"}));
}

TEST(CsvReaderTest, EmptyFieldsAndEmptyLine) {
  Rows rows = ReadAll(",,\n\nx\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"", "", ""}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{""}));
}

TEST(CsvReaderTest, LineNumbersCountEmbeddedNewlines) {
  CsvRecordReader reader("h\n\"a\nb\"\nc\n", CsvDialect{});
  std::vector<std::string_view> f;
  ASSERT_TRUE(reader.Next(f));
  EXPECT_EQ(reader.line(), 1u);
  ASSERT_TRUE(reader.Next(f));
  EXPECT_EQ(reader.line(), 2u);
  ASSERT_TRUE(reader.Next(f));
  EXPECT_EQ(reader.line(), 4u);
}

TEST(CsvReaderTest, UnterminatedQuoteIsAnError) {
  CsvRecordReader reader("a,\"bc\nd\n", CsvDialect{});
  std::vector<std::string_view> f;
  EXPECT_FALSE(reader.Next(f));
  EXPECT_FALSE(reader.status().ok());
  EXPECT_NE(reader.status().message().find("unterminated"), std::string_view::npos);
}

TEST(CsvReaderTest, QuotedFieldOverTheLineLimitIsAStrayQuoteAndReadingResumes) {
  CsvDialect dialect;
  dialect.max_quoted_lines = 3;
  dialect.max_quoted_bytes = 1000;
  // Line 2 opens a quote that never closes; a legal two-line field follows on line 7.
  CsvRecordReader reader("h\n\"stray,x\nb\nc\nd\ne\n\"two\nlines\",y\nz\n", dialect);
  std::vector<std::string_view> f;
  ASSERT_TRUE(reader.Next(f));
  EXPECT_FALSE(reader.Next(f));
  EXPECT_NE(reader.status().message().find("more than 3 lines"), std::string_view::npos)
      << reader.status().message();
  EXPECT_EQ(reader.line(), 2u);
  ASSERT_TRUE(reader.Resync());
  std::vector<std::string> firsts;
  while (reader.Next(f)) firsts.emplace_back(f[0]);
  EXPECT_TRUE(reader.status().ok());
  EXPECT_EQ(firsts, (std::vector<std::string>{"b", "c", "d", "e", "two\nlines", "z"}));
}

TEST(CsvReaderTest, QuotedFieldOverTheByteLimitIsAStrayQuote) {
  CsvDialect dialect;
  dialect.max_quoted_bytes = 10;
  CsvRecordReader reader("\"0123456789abcdef\",x\nnext\n", dialect);
  std::vector<std::string_view> f;
  EXPECT_FALSE(reader.Next(f));
  EXPECT_NE(reader.status().message().find("not closed within 10 bytes"), std::string_view::npos);
  ASSERT_TRUE(reader.Resync());
  ASSERT_TRUE(reader.Next(f));
  EXPECT_EQ(f[0], "next");
}

TEST(CsvReaderTest, TextAfterClosingQuoteIsAnError) {
  CsvRecordReader reader("\"ab\"c,d\n", CsvDialect{});
  std::vector<std::string_view> f;
  EXPECT_FALSE(reader.Next(f));
  EXPECT_FALSE(reader.status().ok());
}

TEST(CsvReaderTest, QuoteInsideUnquotedFieldIsLiteral) {
  Rows rows = ReadAll("12\" pipe,b\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], "12\" pipe");
}

TEST(CsvReaderTest, SpaceDelimitedCollapsesRuns) {
  CsvDialect d;
  d.delimiter = ' ';
  d.collapse_delimiters = true;
  Rows rows = ReadAll("1  2 3 \n4 5 6\n", d);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"1", "2", "3"}));
}

TEST(CsvReaderTest, BomIsStripped) {
  EXPECT_EQ(StripBom("\xEF\xBB\xBF" "a,b"), "a,b");
  EXPECT_EQ(StripBom("a,b"), "a,b");
}

TEST(CsvWriterTest, AppendCsvFieldRoundTrips) {
  for (std::string v : {"plain", "a,b", "q\"q", "multi\nline", " padded ", ""}) {
    std::string line;
    AppendCsvField(v, line);
    line += '\n';
    Rows rows = ReadAll(line);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0][0], v);
  }
}

// Next's block-at-a-time path for records without quotes agrees with the general loop on random
// data: fields of every length (across 16-byte blocks), quotes anywhere, CR, empty lines, no
// final newline, other delimiters and no quoting.
// A record the block path calls ASCII without NUL must be so.
TEST(CsvReaderTest, BlockPathAgreesWithTheGeneralLoop) {
  const uint64_t seed = 2026;
  std::mt19937_64 rng(seed);
  for (int round = 0; round < 3000; ++round) {
    CsvDialect dialect;
    switch (rng() % 4) {
      case 0: break;
      case 1: dialect.delimiter = ';'; break;
      case 2: dialect.delimiter = '\t'; break;
      default: dialect.quote = 0; break;
    }
    const std::string alphabet = std::string("abcdefgh0123") + dialect.delimiter + "\n\r\" ";
    std::string data;
    const int length = static_cast<int>(rng() % 400);
    // Mostly plain text with a few specials, so most records take the block path; now and
    // then a NUL or a byte >= 0x80.
    for (int k = 0; k < length; ++k) {
      if (rng() % 300 == 0) {
        data += rng() % 2 == 0 ? '\0' : '\xC3';
        continue;
      }
      data += rng() % 5 == 0 ? alphabet[8 + rng() % (alphabet.size() - 8)]
                             : alphabet[rng() % 12];
    }
    if (rng() % 2 == 0) data += '\n';
    CsvRecordReader fast(data, dialect, 7), slow(data, dialect, 7);
    std::vector<std::string_view> a, b;
    for (int record = 0;; ++record) {
      const bool more_a = fast.Next(a);
      const bool more_b = slow.NextScalarForTesting(b);
      const std::string where =
          "seed " + std::to_string(seed) + " round " + std::to_string(round) + " record " +
          std::to_string(record);
      ASSERT_EQ(more_a, more_b) << where;
      ASSERT_EQ(fast.status().ok(), slow.status().ok()) << where;
      if (!more_a) break;
      ASSERT_EQ(a, b) << where;
      ASSERT_EQ(fast.offset(), slow.offset()) << where;
      ASSERT_EQ(fast.record_offset(), slow.record_offset()) << where;
      ASSERT_EQ(fast.line(), slow.line()) << where;
      ASSERT_EQ(fast.offset_line(), slow.offset_line()) << where;
      if (fast.last_record_ascii_without_nul()) {
        for (size_t k = fast.record_offset(); k < fast.offset(); ++k) {
          ASSERT_TRUE(data[k] != '\0' && static_cast<unsigned char>(data[k]) < 0x80) << where;
        }
      }
    }
  }
}

// Chunked parsing must see exactly the records a single reader sees.
TEST(CsvChunkTest, ChunksAgreeWithSerialReadingOnRandomFiles) {
  const uint64_t seed = 99;
  std::mt19937_64 rng(seed);
  const char alphabet[] = "ab,\"\n\r x";
  for (int round = 0; round < 300; ++round) {
    // Random well-formed CSV: random fields, some quoted with embedded specials.
    std::string data;
    int records = static_cast<int>(rng() % 200);
    for (int r = 0; r < records; ++r) {
      int fields = 1 + static_cast<int>(rng() % 4);
      for (int f = 0; f < fields; ++f) {
        if (f) data += ',';
        std::string v;
        int len = static_cast<int>(rng() % 6);
        for (int k = 0; k < len; ++k) v += alphabet[rng() % (sizeof(alphabet) - 1)];
        if (v.find_first_of(",\"\n\r") != std::string::npos) {
          AppendCsvField(v, data);
        } else {
          data += v;
        }
      }
      data += rng() % 2 ? "\n" : "\r\n";
    }
    Rows serial = ReadAll(data);
    std::vector<CsvChunk> chunks = SplitCsvChunks(data, 0, 1, CsvDialect{}, 1 + rng() % 7, 1);
    Rows chunked;
    size_t expected_begin = 0;
    for (const CsvChunk& c : chunks) {
      ASSERT_EQ(c.begin, expected_begin) << "seed " << seed << " round " << round;
      ASSERT_EQ(c.first_line, 1 + static_cast<uint64_t>(std::count(data.begin(), data.begin() + c.begin, '\n')));
      CsvRecordReader reader(std::string_view(data).substr(c.begin), CsvDialect{}, c.first_line);
      std::vector<std::string_view> f;
      while (c.begin + reader.offset() < c.end && reader.Next(f)) chunked.emplace_back(f.begin(), f.end());
      expected_begin = c.begin + reader.offset();
    }
    ASSERT_EQ(chunked, serial) << "seed " << seed << " round " << round;
  }
}

// A brute-force oracle for SplitCsvChunksAtNewlines: chunks of at least chunk_bytes (the last
// may be shorter), each ending just past a newline (or at the end), tiling [begin, n). With a
// window reader (as ingest's pread) the cuts must be the same, even when the reader returns
// short reads or fails part way.
TEST(CsvChunkTest, CutsAtNewlinesAgreeWithAnOracleThroughTheMappingOrAReader) {
  std::mt19937_64 rng(20261207);
  for (int iter = 0; iter < 3000; ++iter) {
    const size_t n = rng() % (iter % 10 == 0 ? 20000 : 300);
    std::string data(n, 'x');
    const int newline_per = 1 + static_cast<int>(rng() % 40);
    for (char& c : data) {
      if (rng() % newline_per == 0) c = '\n';
    }
    const size_t begin = n == 0 ? 0 : rng() % (n + 1);
    const size_t chunk_bytes = 1 + rng() % (iter % 10 == 0 ? 6000 : 50);
    std::vector<CsvChunk> expected;
    for (size_t start = begin; start < n;) {
      size_t cut = n;
      if (n - start > chunk_bytes) {
        for (size_t i = start + chunk_bytes - 1; i < n; ++i) {
          if (data[i] == '\n') {
            cut = i + 1;
            break;
          }
        }
      }
      expected.push_back(CsvChunk{start, cut, expected.empty() ? uint64_t{7} : 0});
      start = cut;
    }
    auto same = [&](const std::vector<CsvChunk>& got, const char* how) {
      ASSERT_EQ(got.size(), expected.size()) << how << " iter " << iter;
      for (size_t k = 0; k < got.size(); ++k) {
        EXPECT_EQ(got[k].begin, expected[k].begin) << how << " iter " << iter << " chunk " << k;
        EXPECT_EQ(got[k].end, expected[k].end) << how << " iter " << iter << " chunk " << k;
        EXPECT_EQ(got[k].first_line, expected[k].first_line) << how << " iter " << iter;
      }
    };
    same(SplitCsvChunksAtNewlines(data, begin, 7, chunk_bytes), "mapping");
    const size_t max_read = 1 + rng() % 5000;
    const uint64_t fail_after = rng() % 4 == 0 ? rng() % 6 : UINT64_MAX;
    uint64_t reads = 0;
    CsvWindowReader reader = [&](size_t offset, char* out, size_t len) -> size_t {
      if (reads++ >= fail_after) return 0;  // a failed read: the search goes on in the data
      EXPECT_LT(offset, data.size());
      const size_t got = std::min({len, max_read, data.size() - offset});
      std::memcpy(out, data.data() + offset, got);
      return got;
    };
    same(SplitCsvChunksAtNewlines(data, begin, 7, chunk_bytes, reader), "reader");
  }
}

}  // namespace
}  // namespace moneytrail
