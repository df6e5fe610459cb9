// SerializeManifest writes the sources on the threads and splices them into the document's
// text (manifest.cc, SpliceSources): it must give, byte for byte, what one dump of the whole
// document gives, for any sources (none, one, thousands; text with quotes, backslashes, line
// ends, control bytes, non-ASCII and invalid UTF-8; every optional field present or not), with
// or without withdrawals, and for the formats before and after the self-checksum.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "moneytrail/store.h"
#include "store/manifest.h"

namespace moneytrail::store {
namespace {

std::string RandomText(std::mt19937_64& rng) {
  static const std::vector<std::string> kPieces = {
      "a", "/tmp/x.csv", "\"", "\\", "\n", "\r\n", "\t", std::string(1, '\x01'), "é", "日本",
      std::string("\xC9"), std::string("\xFF\xFE"), "  \"sources\": []", "{", "}", ",", "0.00", ""};
  std::string out;
  const int n = std::uniform_int_distribution<int>(0, 6)(rng);
  for (int i = 0; i < n; ++i) out += kPieces[rng() % kPieces.size()];
  return out;
}

SourceRecord RandomSource(std::mt19937_64& rng, uint32_t index) {
  SourceRecord s;
  s.index = index;
  s.path = RandomText(rng);
  s.sha256 = std::string(64, "0123456789abcdef"[rng() % 16]);
  s.bytes = rng() % 1000000;
  s.rows_read = rng() % 1000;
  s.rows_accepted = s.rows_read / 2;
  s.rows_rejected = s.rows_read - s.rows_accepted;
  s.format = rng() % 2 ? "mapped" : RandomText(rng);
  s.mapping = RandomText(rng);
  s.ingested_at = "2026-12-07T18:00:00Z";
  s.segment = static_cast<uint32_t>(rng() % 5);
  s.first_transaction = rng();
  s.rejects_file = rng() % 3 == 0 ? RandomText(rng) : "";
  if (rng() % 2) s.encoding = rng() % 2 ? "windows-1252" : RandomText(rng);
  if (rng() % 2) s.lines = rng() % 5000;
  if (rng() % 2) s.lines_skipped = rng() % 50;
  if (rng() % 2) s.lines_rejected = rng() % 50;
  if (rng() % 2) s.rows_merged = rng() % 50;
  return s;
}

TEST(ManifestTextTest, SourcesSplicedInParallelAreTheWholeDumpByteForByte) {
  std::mt19937_64 rng(17);
  for (int trial = 0; trial < 60; ++trial) {
    SCOPED_TRACE(::testing::Message() << "trial " << trial);
    store_internal::Manifest m;
    m.version = trial % 3 == 0 ? 3 : trial % 3 == 1 ? kStoreFormatVersion
                                                   : kStoreFormatVersionWithWithdrawals;
    m.generation = rng() % 100;
    m.transactions = rng();
    m.accounts = rng() % 100000;
    const int segments = static_cast<int>(rng() % 3);
    for (int s = 0; s < segments; ++s) {
      store_internal::SegmentRecord seg;
      seg.name = "seg-00000" + std::to_string(s + 1);
      seg.file_bytes["time.col"] = rng() % 1000;
      seg.commit_files.push_back("statement-lines.csv");
      m.segments.push_back(seg);
    }
    // None, one, a few, and thousands (many parallel blocks).
    const size_t sources = trial % 4 == 0 ? 0 : trial % 4 == 1 ? 1 : trial % 4 == 2 ? rng() % 20 : 3000 + rng() % 2000;
    for (size_t i = 0; i < sources; ++i) m.sources.push_back(RandomSource(rng, static_cast<uint32_t>(i)));
    if (trial % 5 == 0) {
      WithdrawalRecord w;
      w.source = RandomSource(rng, 0);
      w.reason = RandomText(rng);
      m.withdrawals.push_back(w);
    }
    const std::string whole = store_internal::SerializeManifest(m, /*sources_in_parallel=*/false);
    const std::string spliced = store_internal::SerializeManifest(m, /*sources_in_parallel=*/true);
    ASSERT_EQ(spliced.size(), whole.size());
    ASSERT_TRUE(spliced == whole);
    if (sources > 0) {
      EXPECT_NE(whole.find("\"rows_accepted\""), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace moneytrail::store
